import RQLSemantics
import RQLSyntax

/// Compiles a checked (and usually optimized) query into a `Program`.
///
/// Each comparison becomes one typed instruction when its shape is common: a single property
/// against a constant, a property in a constant set, ANY element of a string or int list against a
/// constant. Every other shape (lists against lists, quantifiers other than ANY, decimals, nulls
/// in ordered comparisons) becomes `fallback`, which applies the reference semantics, so nothing
/// is left unsupported and the two cannot disagree.
package enum Compiler {
    package static func compile(_ query: CheckedQuery) -> Program {
        var builder = Builder(collection: query.collection)
        builder.emit(query.predicate)
        let combine = builder.code.indices.map { builder.combine[$0] ?? .replace }
        return Program(instructions: builder.code, combine: combine, byteConstants: builder.byteConstants, intSets: builder.intSets,
                       byteSets: builder.byteSets, fallbacks: builder.fallbacks, collection: query.collection,
                       parameterSites: builder.parameterSites)
    }

    /// The longest run of comparisons evaluated without jumps (`Combine`): every row pays for
    /// the whole run, so an AND of 200,000 terms that fails at the first must not be one run.
    static let maxBranchFreeRun = 8

    struct Builder {
        let collection: ObjectSchema
        var code: [Instruction] = []
        var byteConstants: [ByteConstant] = []
        var intSets: [IntSet] = []
        var byteSets: [ByteSet] = []
        var fallbacks: [CheckedComparison] = []
        /// Where a query shape's parameters went (`Program.binding(_:)`).
        var parameterSites: [ParameterSite] = []
        /// The instructions that AND or OR into the flag (branch-free runs), by address.
        var combine: [Int: Combine] = [:]

        init(collection: ObjectSchema) { self.collection = collection }

        mutating func emit(_ p: CheckedPredicate) {
            switch p {
            case .constant(let b):
                code.append(.constant(b))
            case .not(let q):
                // NotPushDown, in the optimizer, absorbs every NOT that can be absorbed.
                emit(q)
                code.append(.not)
            case .and(let ps): emitChain(ps, isAnd: true)
            case .or(let ps): emitChain(ps, isAnd: false)
            case .comparison(let c) where c.op == .between && c.left.property?.isList == false && c.left.quantifier == nil:
                // On a single value, `x >= a AND x <= b`.
                guard let (atLeast, atMost) = c.betweenBounds else { return emitFallback(c) }
                emitChain([.comparison(atLeast), .comparison(atMost)], isAnd: true)
            case .comparison(let c):
                if let instructions = lower(c) {
                    noteParameter(of: c, at: code.count)
                    code += instructions
                } else {
                    emitFallback(c)
                }
            }
        }

        mutating func emitFallback(_ c: CheckedComparison) {
            fallbacks.append(c)
            if c.left.parameter != nil || c.right.parameter != nil { parameterSites.append(.fallback(fallbacks.count - 1)) }
            code.append(.fallback(comparison: fallbacks.count - 1))
        }

        /// A lowered comparison's constant is in its first instruction (`lower`); records it
        /// when the constant is a parameter.
        mutating func noteParameter(of c: CheckedComparison, at address: Int) {
            if let parameter = c.right.parameter ?? c.left.parameter {
                parameterSites.append(.instruction(address: address, parameter: parameter))
            }
        }

        /// AND: stop at the first false operand; OR: at the first true one.
        mutating func emitChain(_ ps: [CheckedPredicate], isAnd: Bool) {
            guard !ps.isEmpty else {
                code.append(.constant(isAnd))
                return
            }
            let operands = isAnd ? fuseRanges(ps) : ps.map(ChainOperand.predicate)
            // Each comparison is lowered once, when the look-ahead for a run first reaches it.
            var lowered: [Int: [Instruction]?] = [:]
            var jumps: [Int] = []
            var i = 0
            while i < operands.count {
                // Two or more adjacent cheap comparisons: no jumps between them, up to a length
                // past which stopping early is worth more than the jumps saved.
                var run = 0
                while i + run < operands.count, run < Compiler.maxBranchFreeRun,
                      let instructions = lower(operands[i + run], at: i + run, &lowered),
                      instructions.count == 1, instructions[0].isBranchFree {
                    run += 1
                }
                let first = i
                i += max(run, 1)
                for k in first..<i {
                    if run >= 2, k > first { combine[code.count] = isAnd ? .and : .or }
                    if let instructions = lower(operands[k], at: k, &lowered) {
                        if case .predicate(.comparison(let c)) = operands[k] { noteParameter(of: c, at: code.count) }
                        code += instructions
                    } else if case .predicate(.comparison(let c)) = operands[k], c.op != .between {
                        emitFallback(c)
                    } else if case .predicate(let p) = operands[k] {
                        emit(p)
                    }
                }
                if i < operands.count {
                    jumps.append(code.count)
                    code.append(isAnd ? .jumpIfFalse(0) : .jumpIfTrue(0))
                }
            }
            for j in jumps { code[j] = isAnd ? .jumpIfFalse(code.count) : .jumpIfTrue(code.count) }
        }

        /// The instructions of operand `k` of a chain when it is a range or a comparison that
        /// lowers; nil for anything else. Lowered once (it may add constants), then read from
        /// `cache`.
        mutating func lower(_ operand: ChainOperand, at k: Int, _ cache: inout [Int: [Instruction]?]) -> [Instruction]? {
            if let known = cache[k] { return known }
            let result: [Instruction]?
            switch operand {
            case .range(let instruction): result = [instruction]
            case .predicate(.comparison(let c)) where c.op != .between: result = lower(c)
            case .predicate: result = nil
            }
            cache[k] = result
            return result
        }

        enum ChainOperand {
            case predicate(CheckedPredicate)
            case range(Instruction)
        }

        /// A lower and an upper bound on the same int or double column anywhere in an AND become
        /// one range instruction, in the place of the first (`age >= 20 AND age < 30`, BETWEEN,
        /// `age < 30 AND active == true AND age >= 20`): AND is commutative, so where cost
        /// ordering left the bounds does not matter. Linear in the operands (an AND may have
        /// thousands).
        func fuseRanges(_ ps: [CheckedPredicate]) -> [ChainOperand] {
            // The first unpaired lower and upper bound seen on each column.
            var lowers: [Int: Int] = [:], uppers: [Int: Int] = [:]
            var partner: [Int: Int] = [:]
            for (i, p) in ps.enumerated() {
                guard let (column, isLower) = Self.bound(p) else { continue }
                if isLower, let j = uppers[column], Self.range(p, ps[j]) != nil {
                    uppers[column] = nil
                    partner[j] = i
                } else if !isLower, let j = lowers[column], Self.range(ps[j], p) != nil {
                    lowers[column] = nil
                    partner[j] = i
                } else if isLower, lowers[column] == nil {
                    lowers[column] = i
                } else if !isLower, uppers[column] == nil {
                    uppers[column] = i
                }
            }
            let fused = Set(partner.values)
            var out: [ChainOperand] = []
            for (i, p) in ps.enumerated() where !fused.contains(i) {
                if let j = partner[i], let range = Self.range(p, ps[j]) ?? Self.range(ps[j], p) {
                    out.append(.range(range))
                } else {
                    out.append(.predicate(p))
                }
            }
            return out
        }

        /// The column of a comparison that could be one end of a range, and whether it is the
        /// lower end.
        static func bound(_ p: CheckedPredicate) -> (column: Int, isLower: Bool)? {
            guard case .comparison(let c) = p, let property = c.left.property, c.right.property == nil else { return nil }
            switch c.op {
            case .greater, .greaterEqual: return (property.index, true)
            case .less, .lessEqual: return (property.index, false)
            case .equal, .notEqual, .beginsWith, .endsWith, .contains, .like, .between: return nil
            }
        }

        static func range(_ a: CheckedPredicate, _ b: CheckedPredicate) -> Instruction? {
            guard case .comparison(let x) = a, case .comparison(let y) = b,
                  let p = x.left.property, p == y.left.property, !p.isList, x.left.quantifier == nil, y.left.quantifier == nil,
                  case .constant(let lo) = x.right.kind, case .constant(let hi) = y.right.kind,
                  // A parameter's bound is not known yet (a strict int bound may overflow).
                  x.right.parameter == nil, y.right.parameter == nil,
                  x.op == .greaterEqual || x.op == .greater, y.op == .lessEqual || y.op == .less else { return nil }
            switch (p.type, lo, hi) {
            case (.int, .int(var l), .int(var h)), (.long, .int(var l), .int(var h)):
                // Strict int bounds become inclusive ones (x > 5 is x >= 6); an empty range stays empty.
                if x.op == .greater { if l == .max { return .constant(false) }; l += 1 }
                if y.op == .less { if h == .min { return .constant(false) }; h -= 1 }
                return .intRange(column: p.index, lower: l, upper: h)
            case (.double, .double(let l), .double(let h)):
                return .doubleRange(column: p.index, lower: l, lowerInclusive: x.op == .greaterEqual,
                                    upper: h, upperInclusive: y.op == .lessEqual)
            default:
                return nil
            }
        }

        mutating func byteConstant(_ bytes: [UInt8]) -> Int {
            byteConstants.append(ByteConstant(bytes))
            return byteConstants.count - 1
        }

        /// The typed instruction for a comparison, or nil for the fallback.
        mutating func lower(_ original: CheckedComparison) -> [Instruction]? {
            var c = original
            // Put the property on the left (`5 < age` is `age > 5`).
            if c.left.property == nil, c.right.property != nil, let swapped = c.op.swapped {
                c = CheckedComparison(c.right, swapped, c.left, caseInsensitive: c.caseInsensitive, range: c.range)
            }
            guard let p = c.left.property, c.right.property == nil else { return nil }
            if p.isList {
                guard c.left.quantifier == nil || c.left.quantifier == .any, case .constant(let v) = c.right.kind else { return nil }
                return lowerAnyElement(p, c, v).map { [$0] }
            }
            guard c.left.quantifier == nil else { return nil }
            switch c.right.kind {
            case .constant(let v):
                // `!=` is the complement of `==` for single values (nulls included): `==` then NOT.
                if c.op == .notEqual, v.isNull || c.caseInsensitive {
                    var equal = c
                    equal.op = .equal
                    return lowerScalar(p, equal, v).map { [$0, .not] }
                }
                return lowerScalar(p, c, v, nullsFirst: ValueSemantics.nullsOrderFirst(original)).map { [$0] }
            case .list(let vs):
                guard c.op == .equal, c.right.quantifier == nil || c.right.quantifier == .any, !c.caseInsensitive else { return nil }
                return lowerSet(p, vs).map { [$0] }
            case .property: return nil
            }
        }

        /// `nullsFirst`: how the comparison as written orders null (`ValueSemantics.nullsOrderFirst`),
        /// decided before the operands were swapped.
        mutating func lowerScalar(_ p: PropertyReference, _ c: CheckedComparison, _ v: Value, nullsFirst: Bool = false) -> Instruction? {
            let column = p.index
            // Decimals have no column of their own (ColumnarCollection keeps them in the documents).
            guard p.type != .decimal else { return nil }
            if v.isNull {
                // Ordered comparisons and string operators with null are rare: the fallback has them.
                return c.op == .equal ? .isNull(column: column) : nil
            }
            guard let op = OrderOperator(c.op) else {
                // String operators.
                guard let kind = MatchKind(c.op), p.type == .string || p.type == .binData,
                      let needle = ValueSemantics.bytes(v) else { return nil }
                return .bytesMatch(column: column, kind: kind, constant: byteConstant(needle), caseInsensitive: c.caseInsensitive)
            }
            if c.caseInsensitive && p.type != .string && p.type != .binData { return nil }
            switch (p.type, v) {
            case (.int, .int(let i)), (.long, .int(let i)): return .intCompare(column: column, op: op, value: i)
            case (.int, .double(let d)), (.long, .double(let d)): return .intVersusDouble(column: column, op: op, value: d)
            case (.double, .double(let d)): return .doubleCompare(column: column, op: op, value: d)
            case (.double, .int(let i)): return .doubleVersusInt(column: column, op: op, value: i)
            case (.bool, .bool(let b)):
                guard op == .equal else { return nil }
                return .boolEqual(column: column, value: b)
            case (.string, .string), (.binData, .binary):
                guard let bytes = ValueSemantics.bytes(v) else { return nil }
                if op == .equal { return .bytesEqual(column: column, constant: byteConstant(bytes), caseInsensitive: c.caseInsensitive) }
                guard !c.caseInsensitive else { return nil }
                return .bytesOrder(column: column, op: op, constant: byteConstant(bytes), nullsFirst: nullsFirst)
            case (.date, .timestamp(let t)): return .timestampCompare(column: column, op: op, value: t)
            case (.objectId, .objectId(let o)): return .objectIdCompare(column: column, op: op, value: o)
            case (.uuid, .uuid(let u)): return .uuidCompare(column: column, op: op, value: u)
            default: return nil
            }
        }

        /// `p IN {…}` (`p == ANY {…}`): elements that cannot equal the property's type never match.
        mutating func lowerSet(_ p: PropertyReference, _ values: [Value]) -> Instruction? {
            let matchesNull = values.contains(where: \.isNull)
            switch p.type {
            case .int, .long:
                guard let ints = Compiler.intMembers(values) else { return nil }
                intSets.append(IntSet(ints))
                return .intInSet(column: p.index, set: intSets.count - 1, matchesNull: matchesNull)
            case .string, .binData:
                byteSets.append(ByteSet(Compiler.byteMembers(values, binary: p.type == .binData)))
                return .bytesInSet(column: p.index, set: byteSets.count - 1, matchesNull: matchesNull)
            case .objectId, .double, .decimal, .bool, .date, .uuid:
                return nil
            }
        }

        /// `ANY list op constant` for lists of strings (==, string operators) and ints (ordered).
        mutating func lowerAnyElement(_ p: PropertyReference, _ c: CheckedComparison, _ v: Value) -> Instruction? {
            guard !v.isNull else { return nil }
            switch p.type {
            case .string, .binData:
                guard let bytes = ValueSemantics.bytes(v) else { return nil }
                if c.op == .equal { return .anyBytesEqual(column: p.index, constant: byteConstant(bytes), caseInsensitive: c.caseInsensitive) }
                guard let kind = MatchKind(c.op) else { return nil }
                return .anyBytesMatch(column: p.index, kind: kind, constant: byteConstant(bytes), caseInsensitive: c.caseInsensitive)
            case .int, .long:
                guard case .int(let i) = v, let op = OrderOperator(c.op), !c.caseInsensitive else { return nil }
                return .anyIntCompare(column: p.index, op: op, value: i)
            case .objectId, .double, .decimal, .bool, .date, .uuid:
                return nil
            }
        }
    }
}

extension Compiler {
    /// The ints a list's elements can equal (only an exactly integral double can equal an int);
    /// nil when it holds a decimal, which the VM does not compare.
    static func intMembers(_ values: [Value]) -> [Int64]? {
        var ints: [Int64] = []
        for v in values {
            switch v {
            case .int(let i): ints.append(i)
            case .double(let d): if let i = Int64(exactly: d) { ints.append(i) }
            case .decimal: return nil
            default: continue
            }
        }
        return ints
    }

    /// The byte strings of a list's elements of the property's own kind (strings are not binaries).
    static func byteMembers(_ values: [Value], binary: Bool) -> [[UInt8]] {
        values.compactMap { v -> [UInt8]? in
            switch (binary, v) {
            case (false, .string(let s)): Array(s.utf8)
            case (true, .binary(let b)): b
            default: nil
            }
        }
    }
}

extension OrderOperator {
    init?(_ op: CheckedOperator) {
        switch op {
        case .equal: self = .equal
        case .notEqual: self = .notEqual
        case .less: self = .less
        case .lessEqual: self = .lessEqual
        case .greater: self = .greater
        case .greaterEqual: self = .greaterEqual
        case .beginsWith, .endsWith, .contains, .like, .between: return nil
        }
    }
}
