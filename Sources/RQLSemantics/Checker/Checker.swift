import RQLSyntax

/// The result of checking a query.
public struct CheckResult: Sendable {
    /// The checked query, when there were no errors.
    public var query: CheckedQuery?
    /// Errors and warnings, in source order.
    public var diagnostics: [Diagnostic]
}

/// The type checker: resolves a parsed query against a collection schema and bound arguments, with
/// realm-core's rules (`driver.cpp`) for what may be compared with what.
///
/// Everything RQLKit does not evaluate (links, aggregates, SUBQUERY, arithmetic, geo, TEXT,
/// SORT/DISTINCT/LIMIT) is rejected as `unsupported`, naming the construct. Errors are collected,
/// not thrown: one run reports every problem it can.
public struct Checker {
    public let collection: ObjectSchema
    public let arguments: [Value]
    private var source: [UInt8]
    private var diagnostics: [Diagnostic] = []

    /// Checks a parsed query; parse errors are passed through and stop checking.
    public static func check(_ parsed: ParsedQuery, collection: ObjectSchema, arguments: [Value] = []) -> CheckResult {
        guard !parsed.diagnostics.hasErrors else { return CheckResult(query: nil, diagnostics: parsed.diagnostics) }
        var checker = Checker(collection: collection, arguments: arguments, source: parsed.source)
        checker.diagnostics = parsed.diagnostics
        for suffix in parsed.query.suffixes {
            let name = switch suffix.kind {
            case .sort: "SORT"
            case .distinct: "DISTINCT"
            case .limit: "LIMIT"
            }
            checker.error(.unsupportedSuffix, "\(name) is not supported: queries here select objects; sort and limit them in the application",
                          suffix.range)
        }
        let predicate = checker.check(parsed.query.predicate)
        let diagnostics = checker.diagnostics.sortedAndCapped()
        guard let predicate, !diagnostics.hasErrors else { return CheckResult(query: nil, diagnostics: diagnostics) }
        return CheckResult(query: CheckedQuery(collection: collection, predicate: predicate), diagnostics: diagnostics)
    }

    /// Parses and checks query text.
    public static func check(_ text: String, collection: ObjectSchema, arguments: [Value] = []) -> CheckResult {
        check(Parser.parse(text), collection: collection, arguments: arguments)
    }

    private init(collection: ObjectSchema, arguments: [Value], source: [UInt8]) {
        self.collection = collection
        self.arguments = arguments
        self.source = source
    }

    // MARK: - Predicates

    private mutating func check(_ predicate: Predicate) -> CheckedPredicate? {
        switch predicate {
        case .constant(let b, _): return .constant(b)
        case .not(let p, _): return check(p).map(CheckedPredicate.not)
        case .and(let ps, _):
            let checked = ps.map { check($0) }
            return checked.contains { $0 == nil } ? nil : .and(checked.map { $0! })
        case .or(let ps, _):
            let checked = ps.map { check($0) }
            return checked.contains { $0 == nil } ? nil : .or(checked.map { $0! })
        case .comparison(let c): return check(c).map(CheckedPredicate.comparison)
        case .missing: return nil
        }
    }

    // MARK: - Operands

    /// A side of a comparison once resolved, before its constants are converted.
    private enum Side {
        case property(PropertyReference, Quantifier?, SourceRange)
        case constant(Constant, SourceRange)
        case list([Constant], Quantifier?, SourceRange)

        var range: SourceRange {
            switch self {
            case .property(_, _, let r), .constant(_, let r), .list(_, _, let r): r
            }
        }
        var isConstant: Bool {
            if case .property = self { return false }
            return true
        }
        var isMultiValued: Bool {
            switch self {
            case .property(let p, _, _): p.isList
            case .constant: false
            case .list: true
            }
        }
        var quantifier: Quantifier? {
            switch self {
            case .property(_, let q, _), .list(_, let q, _): q
            case .constant: nil
            }
        }
    }

    /// A constant before conversion: a literal keeps its spelling (its meaning depends on the type
    /// it is compared with: `"30"` against an int), an argument has its own type.
    private enum Constant {
        case literal(LiteralValue, SourceRange)
        case argument(Int, Value, SourceRange)

        var range: SourceRange {
            switch self {
            case .literal(_, let r), .argument(_, _, let r): r
            }
        }
    }

    private mutating func resolve(_ e: Expression) -> Side? {
        switch e {
        case .literal(let l):
            guard checkNotLink(l) else { return nil }
            return .constant(.literal(l.value, l.range), l.range)
        case .argument(let a):
            guard let value = argument(a.index, a.range) else { return nil }
            if let q = a.quantifier {
                guard case .list(let elements) = value else {
                    error(.argumentNotList,
                          "ANY/ALL/NONE are only allowed on arguments which contain a list, but '$\(a.index)' is \(describe(value))",
                          a.range)
                    return nil
                }
                return .list(elements.map { .argument(a.index, $0, a.range) }, q, a.range)
            }
            if case .list(let elements) = value {
                return .list(elements.map { .argument(a.index, $0, a.range) }, nil, a.range)
            }
            return .constant(.argument(a.index, value, a.range), a.range)
        case .list(let l):
            var elements: [Constant] = []
            for element in l.elements {
                switch element {
                case .literal(let lit):
                    guard checkNotLink(lit) else { return nil }
                    elements.append(.literal(lit.value, lit.range))
                case .argument(let a):
                    guard let value = argument(a.index, a.range) else { return nil }
                    if case .list = value {
                        error(.argumentIsList, "request for scalar argument $\(a.index) but a list was provided: a list cannot hold a list", a.range)
                        return nil
                    }
                    if a.quantifier != nil {
                        error(.argumentNotList, "ANY/ALL/NONE cannot stand before an argument inside a list", a.range)
                        return nil
                    }
                    elements.append(.argument(a.index, value, a.range))
                default:
                    return nil
                }
            }
            return .list(elements, l.quantifier, l.range)
        case .keyPath(let k):
            return resolve(k)
        case .aggregate(let a):
            error(.unsupportedAggregate, "aggregates ('\(text(a.range))') are not supported: Flexible Sync does not support @min, @max, @sum or @avg", a.range)
            return nil
        case .subquery(let s):
            error(.unsupportedSubquery, "SUBQUERY is not supported: it needs links, which Flexible Sync does not query", s.range)
            return nil
        case .arithmetic(let a):
            error(.unsupportedArithmetic, "arithmetic ('\(a.op.rawValue)') is not supported in queries here", a.range)
            return nil
        case .geometry(let g):
            error(.unsupportedOperator, "geospatial shapes are not supported", g.range)
            return nil
        case .missing:
            return nil
        }
    }

    private mutating func resolve(_ k: KeyPathExpression) -> Side? {
        let components = k.path.components
        if components.count > 1 || !k.path.isSimpleName {
            let what: String
            if components.contains(where: { if case .backlinks = $0.kind { true } else { false } }) {
                what = "backlinks ('@links')"
            } else if components.contains(where: { if case .keysOrValues = $0.kind { true } else { false } }) {
                what = "dictionary keys and values"
            } else if case .keyPathArgument = components[0].kind {
                what = "key path arguments ('$K')"
            } else if components.contains(where: { if case .index = $0.kind { true } else { false } }) {
                what = "indexes in key paths ('\(text(k.path.range))')"
            } else {
                what = "key paths through links or embedded objects ('\(text(k.path.range))')"
            }
            error(.unsupportedKeyPath, "\(what) are not supported: Flexible Sync queries only top-level properties", k.path.range)
            return nil
        }
        if let post = k.postOperation {
            let what = switch post {
            case .size(let s): s
            case .type: "@type"
            case .indexSize(let s): "[\(s)]"
            }
            error(.unsupportedAggregate, "'\(what)' is not supported: Flexible Sync does not support collection aggregates", k.range)
            return nil
        }
        guard case .property(let name) = components[0].kind else { return nil }
        guard let index = collection.propertyIndex(named: name) else {
            var notes: [DiagnosticNote] = []
            var fixIts: [FixIt] = []
            if let suggestion = Self.closestName(to: name, in: collection.properties.map(\.name)) {
                notes.append(DiagnosticNote("did you mean '\(suggestion)'?"))
                fixIts.append(FixIt(range: k.path.range, replacement: Printer.name(suggestion)))
            }
            error(.unknownProperty, "'\(collection.title)' has no property '\(name)'", k.path.range, notes: notes, fixIts: fixIts)
            return nil
        }
        guard let reference = collection.reference(named: name) else {
            let type = collection.properties[index].type
            error(.unsupportedPropertyType, "property '\(name)' is \(article(type.description)) \(type), which queries cannot compare",
                  k.path.range)
            return nil
        }
        if let q = k.quantifier, !reference.isList {
            error(.quantifierNeedsList,
                  "the keypath following '\(q.rawValue)' must contain a list, but '\(name)' is a single \(reference.type)", k.range,
                  fixIts: [FixIt(range: SourceRange(k.range.start, k.path.range.start), replacement: "")])
            return nil
        }
        return .property(reference, k.quantifier, k.range)
    }

    private mutating func checkNotLink(_ l: Literal) -> Bool {
        switch l.value {
        case .link, .typedLink, .object:
            error(.unsupportedLinkConstant, "link constants ('\(text(l.range))') are not supported: Flexible Sync does not query links", l.range)
            return false
        default:
            return true
        }
    }

    private mutating func argument(_ index: Int, _ range: SourceRange) -> Value? {
        guard index < arguments.count else {
            let provided = arguments.isEmpty ? "no arguments are provided"
                : arguments.count == 1 ? "only 1 argument is provided" : "only \(arguments.count) arguments are provided"
            error(.missingArgument, "request for argument $\(index) but \(provided)", range)
            return nil
        }
        return arguments[index]
    }

    // MARK: - Comparisons

    private mutating func check(_ c: Comparison) -> CheckedComparison? {
        switch c.op {
        case .text:
            error(.unsupportedOperator, "TEXT (full-text search) is not supported: Flexible Sync does not support it", c.operatorRange)
            return nil
        case .geoWithin:
            error(.unsupportedOperator, "GEOWITHIN is not supported: Flexible Sync does not support geospatial queries", c.operatorRange)
            return nil
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .in, .beginsWith, .endsWith, .contains, .like, .between:
            break
        }
        let left = resolve(c.lhs)
        let right = resolve(c.rhs)
        guard let left, let right else { return nil }

        if left.isConstant && right.isConstant {
            error(.constantComparison,
                  "cannot compare two constants ('\(text(left.range))' and '\(text(right.range))'): one side must be a property",
                  c.range)
            return nil
        }
        if case .property(let a, _, _) = left, case .property(let b, _, _) = right, a.isList && b.isList {
            error(.unsupportedListComparison,
                  "comparing two list properties ('\(a.name)' and '\(b.name)') is not supported", c.range)
            return nil
        }

        var op: CheckedOperator
        switch c.op {
        case .equal, .in: op = .equal
        case .notEqual: op = .notEqual
        case .less: op = .less
        case .lessEqual: op = .lessEqual
        case .greater: op = .greater
        case .greaterEqual: op = .greaterEqual
        case .beginsWith: op = .beginsWith
        case .endsWith: op = .endsWith
        case .contains: op = .contains
        case .like: op = .like
        case .between: op = .between
        case .text, .geoWithin: return nil
        }

        if c.op == .in, !right.isMultiValued {
            error(.inNeedsList, "the keypath following 'IN' must contain a list, found '\(text(right.range))'", right.range,
                  notes: [DiagnosticNote("write 'x IN {a, b}', 'x IN listProperty' or '\(text(right.range)) == x'")])
            return nil
        }
        if op == .between {
            guard case .list(let bounds, let q, _) = right, q == nil else {
                error(.betweenNeedsTwoValues, "'BETWEEN' requires list with 2 elements such as {1, 10}", right.range)
                return nil
            }
            guard bounds.count == 2 else {
                error(.betweenNeedsTwoValues, "operator 'BETWEEN' requires list with 2 elements, found \(bounds.count)", right.range)
                return nil
            }
            if case .property(let p, let q, _) = left, p.isList, q != .all {
                error(.betweenOnListNeedsAll,
                      "only 'ALL' supported for operator 'BETWEEN' when applied to lists: write 'ALL \(p.name) BETWEEN ...'", left.range)
                return nil
            }
        }
        if op.isStringOperator || c.caseInsensitive {
            guard checkStringOperands(left, right, c, op) else { return nil }
        }

        // The type constants are converted to: the property's, or the other property's.
        let leftType = propertyType(left), rightType = propertyType(right)
        if let a = leftType, let b = rightType, !Self.comparable(a, b) {
            error(.typeMismatch, "unsupported comparison between type '\(a.realmName)' and type '\(b.realmName)'", c.range)
            return nil
        }
        let stringMode = op.isStringOperator
        guard let leftOperand = operand(left, against: rightType, stringMode: stringMode, op: op),
              let rightOperand = operand(right, against: leftType, stringMode: stringMode, op: op) else { return nil }
        return CheckedComparison(leftOperand, op, rightOperand, caseInsensitive: c.caseInsensitive, range: c.range)
    }

    private func propertyType(_ side: Side) -> ScalarType? {
        if case .property(let p, _, _) = side { return p.type }
        return nil
    }

    /// Numeric types compare with each other; everything else only with itself.
    static func comparable(_ a: ScalarType, _ b: ScalarType) -> Bool {
        a.isNumeric && b.isNumeric || a.family == b.family
    }

    /// String operators and `[c]` need strings or binaries on both sides.
    private mutating func checkStringOperands(_ left: Side, _ right: Side, _ c: Comparison, _ op: CheckedOperator) -> Bool {
        let opName = op.isStringOperator ? op.rawValue.lowercased() : (c.op == .in ? "in" : c.op == .notEqual ? "!=" : "=") + "[c]"
        for side in [left, right] {
            if case .property(let p, _, _) = side, p.type != .string, p.type != .binData {
                let code: DiagnosticCode = op.isStringOperator ? .stringOperatorType : .caseInsensitiveType
                error(code, "unsupported comparison operator '\(opName)' against type '\(p.type.realmName)': it needs a string or binary property",
                      c.range)
                return false
            }
        }
        for side in [left, right] {
            let constants: [Constant]
            switch side {
            case .property: continue
            case .constant(let k, _): constants = [k]
            case .list(let ks, _, _): constants = ks
            }
            for k in constants where !isStringLike(k) {
                let code: DiagnosticCode = op.isStringOperator ? .stringOperatorType : .caseInsensitiveType
                error(code, "unsupported comparison operator '\(opName)' against type '\(constantTypeName(k))', right side must be a string or binary type",
                      k.range)
                return false
            }
        }
        return true
    }

    private func isStringLike(_ k: Constant) -> Bool {
        switch k {
        case .literal(let l, _):
            switch l {
            case .string, .base64, .binary, .null: return true
            default: return false
            }
        case .argument(_, let v, _):
            switch v {
            case .string, .binary, .null: return true
            default: return false
            }
        }
    }

    private func constantTypeName(_ k: Constant) -> String {
        switch k {
        case .literal(let l, _): l.typeName
        case .argument(_, let v, _): v.typeName
        }
    }


    /// Converts a side's constants for comparison with a property of type `target`.
    private mutating func operand(_ side: Side, against target: ScalarType?, stringMode: Bool, op: CheckedOperator) -> CheckedOperand? {
        switch side {
        case .property(let p, let q, let r):
            return CheckedOperand(.property(p), quantifier: q, range: r)
        case .constant(let k, let r):
            guard let v = convert(k, to: target, stringMode: stringMode, strict: true) else { return nil }
            return CheckedOperand(.constant(v), range: r)
        case .list(let ks, let q, let r):
            // Elements of another type never match (realm: `a IN {1, 'x'}`, also in list
            // arguments); only BETWEEN's bounds must fit.
            let strict = op == .between
            var values: [Value] = []
            for k in ks {
                if let v = convert(k, to: target, stringMode: stringMode, strict: strict) {
                    values.append(v)
                } else if strict {
                    return nil
                } else {
                    values.append(naturalValue(k))
                }
            }
            return CheckedOperand(.list(values), quantifier: q, range: r)
        }
    }

    private func naturalValue(_ k: Constant) -> Value {
        switch k {
        case .literal(let l, _): LiteralValues.naturalValue(l) ?? .null
        case .argument(_, let v, _): v
        }
    }

    /// realm's `ConstantNode::visit`: a literal takes the type it is compared with (`5.0` against
    /// an int is 5, `"30"` against an int is 30, `1.5` against a decimal is read as decimal text);
    /// an argument keeps its own type and must be comparable. `strict: false` (list elements)
    /// reports nothing and returns nil on a mismatch.
    private mutating func convert(_ k: Constant, to target: ScalarType?, stringMode: Bool, strict: Bool) -> Value? {
        switch k {
        case .argument(let index, let value, let range):
            guard let target, !value.isNull else { return value }
            if stringMode {
                return value
            }
            if case .double(let d) = value, target == .int || target == .long, !d.isFinite {
                if strict { error(.nonFiniteNotSupported, "\(d.isNaN ? "NaN" : "Infinity") not supported for int: argument $\(index) cannot compare with an int", range) }
                return nil
            }
            guard let converted = Self.fit(value, to: target) else {
                if strict {
                    error(.typeMismatch, "cannot compare argument $\(index) with value '\(describeArgument(value))' to \(target.withArticle)", range)
                }
                return nil
            }
            return converted
        case .literal(let literal, let range):
            if case .null = literal { return .null }
            guard let target else {
                guard let v = LiteralValues.naturalValue(literal) else {
                    if strict { error(.invalidLiteral, "'\(text(range))' is not a valid value", range) }
                    return nil
                }
                return v
            }
            if stringMode {
                guard let v = LiteralValues.naturalValue(literal) else {
                    if strict { error(.invalidLiteral, "invalid base64 value '\(text(range))'", range) }
                    return nil
                }
                return v
            }
            return convertLiteral(literal, range, to: target, strict: strict)
        }
    }

    private mutating func convertLiteral(_ literal: LiteralValue, _ range: SourceRange, to target: ScalarType, strict: Bool) -> Value? {
        func mismatch() -> Value? {
            if strict {
                error(.typeMismatch,
                      "unsupported comparison between type '\(target.realmName)' and type '\(literal.typeName)'", range)
            }
            return nil
        }
        switch target {
        case .int, .long, .double, .decimal:
            switch literal {
            case .integer(let s):
                let reading = LiteralValues.integer(s)
                if strict { warnAboutInteger(reading, range) }
                return Self.fit(.int(reading.value), to: target)
            case .float(let s):
                if target == .decimal, !s.hasSuffix("f"), let d = Decimal128(s) { return .decimal(d) }
                guard let d = LiteralValues.double(s) else { return mismatch() }
                return Self.fit(.double(d), to: target)
            case .infinity(let negative):
                if target == .int || target == .long {
                    if strict { error(.nonFiniteNotSupported, "Infinity not supported for int", range) }
                    return nil
                }
                return Self.fit(.double(negative ? -.infinity : .infinity), to: target)
            case .nan:
                if target == .int || target == .long {
                    if strict { error(.nonFiniteNotSupported, "NaN not supported for int", range) }
                    return nil
                }
                return Self.fit(.double(.nan), to: target)
            case .string(let s):
                return numericString(s, target) ?? mismatch()
            case .base64(let b):
                guard let bytes = LiteralValues.base64Decode(b) else { return mismatch() }
                return numericString(String(decoding: bytes, as: UTF8.self), target) ?? mismatch()
            default:
                return mismatch()
            }
        case .string:
            switch literal {
            case .string(let s): return .string(s)
            case .base64(let b):
                guard let bytes = LiteralValues.base64Decode(b) else {
                    if strict { error(.invalidLiteral, "invalid base64 value in '\(text(range))'", range) }
                    return nil
                }
                return .string(String(decoding: bytes, as: UTF8.self))
            case .infinity:
                if strict { error(.nonFiniteNotSupported, "Infinity not supported for string", range) }
                return nil
            case .nan:
                if strict { error(.nonFiniteNotSupported, "NaN not supported for string", range) }
                return nil
            default: return mismatch()
            }
        case .binData:
            // Strings and binaries are distinct types since realm-core 14: write bin('...').
            guard case .binary = literal else { return mismatch() }
            let value = LiteralValues.naturalValue(literal)
            if value == nil, strict { error(.invalidLiteral, "invalid base64 value in '\(text(range))'", range) }
            return value
        case .bool:
            if case .bool(let b) = literal { return .bool(b) }
            return mismatch()
        case .date:
            guard case .timestamp(let s) = literal else { return mismatch() }
            guard let t = LiteralValues.timestamp(s) else {
                if strict { error(.invalidLiteral, "'\(s)' is not a valid date", range) }
                return nil
            }
            return .timestamp(t)
        case .objectId:
            guard case .objectId(let s) = literal, let oid = ObjectId(hex: s) else { return mismatch() }
            return .objectId(oid)
        case .uuid:
            guard case .uuid(let s) = literal, let u = UUIDValue(s) else { return mismatch() }
            return .uuid(u)
        }
    }

    /// realm converts a numeric string for a numeric property; a non-numeric one is a type error.
    private func numericString(_ s: String, _ target: ScalarType) -> Value? {
        switch target {
        case .int, .long: return LiteralValues.integerPrefix(s).map(Value.int)
        case .double: return LiteralValues.doublePrefix(s).map(Value.double)
        case .decimal: return Decimal128(s.trimmingBlanks()).map(Value.decimal)
        default: return nil
        }
    }

    private mutating func warnAboutInteger(_ reading: LiteralValues.IntegerReading, _ range: SourceRange) {
        if reading.saturated {
            diagnostics.append(Diagnostic(.integerOutOfRange, "'\(text(range))' does not fit in 64 bits; realm caps it at \(reading.value)", at: range))
        } else if reading.isOctal {
            diagnostics.append(Diagnostic(.octalLiteral, "the leading zero makes '\(text(range))' an octal number (\(reading.value)), as in realm", at: range,
                                          notes: reading.stoppedEarly ? [DiagnosticNote("8 and 9 are not octal digits: reading stopped before them")] : []))
        }
    }

    /// A value of its own type, made to fit a property type when realm would compare them: any
    /// numeric with any numeric (an exact double becomes an int for an int property, an int a
    /// double for a double property), otherwise the same type only.
    public static func fit(_ value: Value, to target: ScalarType) -> Value? {
        switch (value, target) {
        case (.null, _): return .null
        case (.int(let i), .int), (.int(let i), .long): return .int(i)
        case (.int(let i), .double):
            // Stays an int: realm compares a NaN double with an int differently than with a double.
            return .int(i)
        case (.int(let i), .decimal): return .decimal(Decimal128(i))
        case (.double(let d), .int), (.double(let d), .long):
            if d.isFinite, d == d.rounded(), d >= -9.223372036854775808e18, d < 9.223372036854775808e18 { return .int(Int64(d)) }
            return .double(d)
        case (.double(let d), .double): return .double(d)
        case (.double(let d), .decimal): return .decimal(Decimal128(d))
        case (.decimal(let d), .decimal): return .decimal(d)
        case (.decimal(let d), .int), (.decimal(let d), .long), (.decimal(let d), .double): return .decimal(d)
        default: return value.scalarType == target ? value : nil
        }
    }

    // MARK: - Helpers

    private func describe(_ v: Value) -> String {
        v.isNull ? "null" : "a single \(v.typeName)"
    }

    private func describeArgument(_ v: Value) -> String {
        switch v {
        case .string(let s): "\"\(s)\""
        case .int(let i): "\(i)"
        case .double(let d): "\(d)"
        case .bool(let b): "\(b)"
        case .timestamp(let t): "\(t)"
        case .binary(let b): "binary(\(b.count) bytes)"
        default: "\(v)"
        }
    }

    private func article(_ word: String) -> String {
        guard let first = word.first else { return "a" }
        return "aeiou".contains(first) ? "an" : "a"
    }

    private func text(_ range: SourceRange) -> String {
        let end = min(range.end, source.count), start = min(range.start, end)
        return String(decoding: source[start..<end], as: UTF8.self)
    }

    private mutating func error(_ code: DiagnosticCode, _ message: String, _ range: SourceRange,
                                notes: [DiagnosticNote] = [], fixIts: [FixIt] = []) {
        diagnostics.append(Diagnostic(code, message, at: range, notes: notes, fixIts: fixIts))
    }

    /// The known name nearest to a misspelt one (edit distance at most 2, or equal ignoring case).
    public static func closestName(to name: String, in candidates: [String]) -> String? {
        let lower = name.lowercased()
        if let same = candidates.first(where: { $0.lowercased() == lower }) { return same }
        let limit = name.count <= 3 ? 1 : 2
        var best: (String, Int)?
        for candidate in candidates {
            let d = editDistance(Array(lower), Array(candidate.lowercased()))
            if d <= limit, d < (best?.1 ?? .max) { best = (candidate, d) }
        }
        return best?.0
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension ScalarType {
    public var isNumeric: Bool { self == .int || self == .long || self == .double || self == .decimal }

    /// int and long are one type to realm (64-bit integers).
    var family: ScalarType { self == .long ? .int : self }

    /// realm's name for the type in messages (`get_data_type_name`).
    /// `realmName` with its article, for messages (`an int`, `a string`).
    public var withArticle: String {
        (self == .int || self == .long || self == .objectId ? "an " : "a ") + realmName
    }

    public var realmName: String {
        switch self {
        case .int, .long: "int"
        case .double: "double"
        case .decimal: "decimal128"
        case .string: "string"
        case .bool: "bool"
        case .date: "timestamp"
        case .objectId: "objectId"
        case .uuid: "uuid"
        case .binData: "binary"
        }
    }
}

extension String {
    func trimmingBlanks() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s.removeLast() }
        return String(s)
    }
}
