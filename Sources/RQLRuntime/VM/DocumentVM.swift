import RQLSemantics

/// The VM on one object: the same `Program` as a scan, run straight over the object's values
/// (`Document.values`, or an `ObjectMapping`'s readers), with no column set and no binding. The
/// loop reads the unbound `Instruction`s, allocates nothing, and is generic over the source, so a
/// `Document` gets a specialised, statically dispatched copy.
///
/// The instructions assume every value has its property's type (`int` column, `.int` value), as
/// documents loaded against the schema do. A hand-made document or a mapping can break that; the
/// loop then returns nil and the caller asks the interpreter, which compares any two values.
extension VM {
    static func run<Source: ValueSource>(_ program: Program, on source: Source) -> Bool? {
        program.instructions.withUnsafeBufferPointer { code in
            program.hasBranchFreeRuns ? run(code, program, source, Combining.self) : run(code, program, source, Replacing.self)
        }
    }

    @inline(__always)
    private static func run<Source: ValueSource, Mode: CombineMode>(_ code: UnsafeBufferPointer<Instruction>, _ program: Program,
                                                                   _ source: Source, _: Mode.Type) -> Bool? {
        var pc = 0
        var flag = false
        let end = code.count
        while pc < end {
            let previous = flag
            switch code[pc] {
            case .constant(let b): flag = b
            case .not: flag = !flag
            case .jumpIfFalse(let target):
                if !flag { pc = target; continue }
            case .jumpIfTrue(let target):
                if flag { pc = target; continue }
            case .isNull(let column):
                flag = source.value(ofProperty: column).isNull
            case .intCompare(let column, let op, let c):
                switch source.value(ofProperty: column) {
                case .int(let v): flag = op.holds(order(v, c))
                case .null: flag = op.nullResult
                default: return nil
                }
            case .intRange(let column, let lower, let upper):
                switch source.value(ofProperty: column) {
                case .int(let v): flag = v >= lower && v <= upper
                case .null: flag = false
                default: return nil
                }
            case .intVersusDouble(let column, let op, let c):
                switch source.value(ofProperty: column) {
                case .int(let v): flag = intVersusDouble(v, op, c)
                case .null: flag = op.nullResult
                default: return nil
                }
            case .doubleCompare(let column, let op, let c):
                switch source.value(ofProperty: column) {
                case .double(let v): flag = compareDoubles(v, op, c)
                case .null: flag = op.nullResult
                default: return nil
                }
            case .doubleRange(let column, let lower, let lowerInclusive, let upper, let upperInclusive):
                switch source.value(ofProperty: column) {
                case .double(let v): flag = inRange(v, lower, lowerInclusive, upper, upperInclusive)
                case .null: flag = false
                default: return nil
                }
            case .doubleVersusInt(let column, let op, let c):
                switch source.value(ofProperty: column) {
                case .double(let v): flag = doubleVersusInt(v, op, c)
                case .null: flag = op.nullResult
                default: return nil
                }
            case .boolEqual(let column, let c):
                switch source.value(ofProperty: column) {
                case .bool(let v): flag = v == c
                case .null: flag = false
                default: return nil
                }
            case .bytesEqual(let column, let constant, let ci):
                let c = program.needles[constant]
                guard let result = bytes(source.value(ofProperty: column), program, column, ifNull: false, {
                    ByteRules.equal($0, $1, c, ci)
                }) else { return nil }
                flag = result
            case .bytesOrder(let column, let op, let constant):
                let c = program.needles[constant]
                // Null sorts before every string or binary.
                guard let result = bytes(source.value(ofProperty: column), program, column, ifNull: op.holds(-1), {
                    op.holds(ByteRules.compare($0, $1, c.bytes, c.count))
                }) else { return nil }
                flag = result
            case .bytesMatch(let column, let kind, let constant, let ci):
                let c = program.needles[constant]
                guard let result = bytes(source.value(ofProperty: column), program, column, ifNull: false, {
                    ByteRules.match(kind, $0, $1, c, ci)
                }) else { return nil }
                flag = result
            case .timestampCompare(let column, let op, let c):
                switch source.value(ofProperty: column) {
                case .timestamp(let v): flag = op.holds(order(v, c))
                case .null: flag = op.nullResult
                default: return nil
                }
            case .objectIdCompare(let column, let op, let c):
                switch source.value(ofProperty: column) {
                case .objectId(let v): flag = op.holds(order(v, c))
                case .null: flag = op.nullResult
                default: return nil
                }
            case .uuidCompare(let column, let op, let c):
                switch source.value(ofProperty: column) {
                case .uuid(let v): flag = op.holds(order(v, c))
                case .null: flag = op.nullResult
                default: return nil
                }
            case .intInSet(let column, let set, let matchesNull):
                switch source.value(ofProperty: column) {
                case .int(let v): flag = program.intSets[set].contains(v)
                case .null: flag = matchesNull
                default: return nil
                }
            case .bytesInSet(let column, let set, let matchesNull):
                let members = program.byteSets[set]
                guard let result = bytes(source.value(ofProperty: column), program, column, ifNull: matchesNull, {
                    members.contains($0, $1)
                }) else { return nil }
                flag = result
            case .anyBytesEqual(let column, let constant, let ci):
                let c = program.needles[constant]
                guard let result = anyBytes(source.value(ofProperty: column), program, column, { ByteRules.equal($0, $1, c, ci) })
                else { return nil }
                flag = result
            case .anyBytesMatch(let column, let kind, let constant, let ci):
                let c = program.needles[constant]
                guard let result = anyBytes(source.value(ofProperty: column), program, column, { ByteRules.match(kind, $0, $1, c, ci) })
                else { return nil }
                flag = result
            case .anyIntCompare(let column, let op, let c):
                // Not a list: no elements (the interpreter's reading), so ANY is false.
                guard case .list(let elements) = source.value(ofProperty: column) else { flag = false; break }
                var found = false
                for element in elements {
                    switch element {
                    case .int(let v): found = op.holds(order(v, c))
                    case .null: found = op.nullResult
                    default: return nil
                    }
                    if found { break }
                }
                flag = found
            case .fallback(let index):
                flag = Interpreter.evaluate(program.fallbacks[index], source)
            }
            if Mode.isUsed {
                switch program.combine[pc] {
                case .replace: break
                case .and: flag = previous && flag
                case .or: flag = previous || flag
                }
            }
            pc += 1
        }
        return flag
    }

    /// `test` on the bytes of a string or binary value of the property's own kind; `ifNull` for a
    /// null; nil for a value of another kind.
    @inline(__always)
    private static func bytes(_ value: Value, _ program: Program, _ column: Int, ifNull: Bool,
                              _ test: (UnsafePointer<UInt8>, Int) -> Bool) -> Bool? {
        switch value {
        case .string(let s) where !holdsBinary(program, column):
            return ByteRules.withBytes(s, test)
        case .binary(let b) where holdsBinary(program, column):
            return b.withUnsafeBufferPointer { test($0.baseAddress ?? ByteRules.empty, $0.count) }
        case .null: return ifNull
        default: return nil
        }
    }

    /// Whether the property holds binaries (strings and binaries are distinct types).
    @inline(__always)
    private static func holdsBinary(_ program: Program, _ column: Int) -> Bool {
        switch program.collection.properties[column].type {
        case .scalar(.binData), .list(.binData): true
        default: false
        }
    }

    /// ANY element of a list of strings or binaries passes `test` (null elements never do); a
    /// value that is not a list has no elements; nil for an element of another kind.
    @inline(__always)
    private static func anyBytes(_ value: Value, _ program: Program, _ column: Int,
                                 _ test: (UnsafePointer<UInt8>, Int) -> Bool) -> Bool? {
        guard case .list(let elements) = value else { return false }
        for element in elements {
            guard let found = bytes(element, program, column, ifNull: false, test) else { return nil }
            if found { return true }
        }
        return false
    }
}
