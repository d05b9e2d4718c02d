import RQLSemantics
import RQLDocuments

/// The VM on one object: the same `Program` as a scan, run straight over the object's values
/// (`Document.values`, or an `ObjectMapping`'s readers), with no column set and no binding. The
/// loop reads the unbound `Instruction`s, allocates nothing, and is generic over the source, so a
/// `Document` gets a specialised, statically dispatched copy.
///
/// The instructions assume every value has its property's type (`int` column, `.int` value), as
/// documents loaded against the schema do. A hand-made document or a mapping can break that; the
/// loop then returns nil and the caller asks the interpreter, which compares any two values.
extension VM {
    /// A document's values are read where they are, never copied out of the array. (Inlined:
    /// a call copied the 150-byte `Program` to the stack each time.)
    @inline(__always)
    static func run(_ program: Program, on document: Document) -> Bool? {
        document.values.withUnsafeBufferPointer { run(program, InPlace(values: $0)) }
    }

    /// Any other source: each value as the source computes it.
    static func run<Source: ValueSource>(_ program: Program, on source: Source) -> Bool? {
        run(program, Computed(source: source))
    }

    /// Values by schema property index, for the loop: in place (a `Document`) or computed (a
    /// mapping); itself a source for the interpreter's `fallback` comparisons.
    protocol Reader: ValueSource {
        /// `body` on the value, borrowed where it lies when the reader holds it: a copy would
        /// retain its string or list (a getter, even specialised, returns a copy).
        func withValue<R>(_ column: Int, _ body: (borrowing Value) -> R) -> R
    }

    struct InPlace: Reader {
        let values: UnsafeBufferPointer<Value>

        @inline(__always)
        func withValue<R>(_ column: Int, _ body: (borrowing Value) -> R) -> R {
            column < values.count ? body(values[column]) : body(.null)
        }

        func value(ofProperty index: Int) -> Value { index < values.count ? values[index] : .null }
    }

    struct Computed<Source: ValueSource>: Reader {
        let source: Source

        @inline(__always)
        func withValue<R>(_ column: Int, _ body: (borrowing Value) -> R) -> R { body(source.value(ofProperty: column)) }

        func value(ofProperty index: Int) -> Value { source.value(ofProperty: index) }
    }

    /// One loop for programs with and without branch-free runs: the check per instruction is
    /// a predictable branch, and a second copy of the loop would not be inlined (the call copied
    /// the `Program`). Each comparison yields nil for a value not of its property's type.
    @inline(__always)
    private static func run<Source: Reader>(_ program: Program, _ source: Source) -> Bool? {
        var pc = 0
        var flag = false
        let end = program.instructions.count
        let combines = program.hasBranchFreeRuns
        while pc < end {
            let previous = flag
            let result: Bool?
            switch program.instructions[pc] {
            case .constant(let b): result = b
            case .not: result = !flag
            case .jumpIfFalse(let target):
                if !flag { pc = target; continue }
                result = flag
            case .jumpIfTrue(let target):
                if flag { pc = target; continue }
                result = flag
            case .isNull(let column):
                result = source.withValue(column) { $0.isNull }
            case .intCompare(let column, let op, let c):
                result = source.withValue(column) { scalar($0, int, ifNull: op.nullResult) { op.holds(order($0, c)) } }
            case .intRange(let column, let lower, let upper):
                result = source.withValue(column) { scalar($0, int, ifNull: false) { $0 >= lower && $0 <= upper } }
            case .intVersusDouble(let column, let op, let c):
                result = source.withValue(column) { scalar($0, int, ifNull: op.nullResult) { intVersusDouble($0, op, c) } }
            case .doubleCompare(let column, let op, let c):
                result = source.withValue(column) { scalar($0, double, ifNull: op.nullResult) { compareDoubles($0, op, c) } }
            case .doubleRange(let column, let lower, let lowerInclusive, let upper, let upperInclusive):
                result = source.withValue(column) { scalar($0, double, ifNull: false) { inRange($0, lower, lowerInclusive, upper, upperInclusive) } }
            case .doubleVersusInt(let column, let op, let c):
                result = source.withValue(column) { scalar($0, double, ifNull: op.nullResult) { doubleVersusInt($0, op, c) } }
            case .boolEqual(let column, let c):
                result = source.withValue(column) { scalar($0, bool, ifNull: false) { $0 == c } }
            case .bytesEqual(let column, let constant, let ci):
                let c = program.needles[constant]
                result = source.withValue(column) { bytes($0, program, column, ifNull: false) { ByteRules.equal($0, $1, c, ci) } }
            case .bytesOrder(let column, let op, let constant, let nullsFirst):
                let c = program.needles[constant]
                let ifNull = nullsFirst ? op.holds(-1) : op.nullResult
                result = source.withValue(column) {
                    bytes($0, program, column, ifNull: ifNull) { op.holds(ByteRules.compare($0, $1, c.bytes, c.count)) }
                }
            case .bytesMatch(let column, let kind, let constant, let ci):
                let c = program.needles[constant]
                result = source.withValue(column) { bytes($0, program, column, ifNull: false) { ByteRules.match(kind, $0, $1, c, ci) } }
            case .timestampCompare(let column, let op, let c):
                result = source.withValue(column) { scalar($0, timestamp, ifNull: op.nullResult) { op.holds(order($0, c)) } }
            case .objectIdCompare(let column, let op, let c):
                result = source.withValue(column) { scalar($0, objectId, ifNull: op.nullResult) { op.holds(order($0, c)) } }
            case .uuidCompare(let column, let op, let c):
                result = source.withValue(column) { scalar($0, uuid, ifNull: op.nullResult) { op.holds(order($0, c)) } }
            case .intInSet(let column, let set, let matchesNull):
                let members = program.intSets[set]
                result = source.withValue(column) { scalar($0, int, ifNull: matchesNull) { members.contains($0) } }
            case .bytesInSet(let column, let set, let matchesNull):
                let members = program.byteSets[set]
                result = source.withValue(column) { bytes($0, program, column, ifNull: matchesNull) { members.contains($0, $1) } }
            case .anyBytesEqual(let column, let constant, let ci):
                let c = program.needles[constant]
                result = source.withValue(column) { anyBytes($0, program, column) { ByteRules.equal($0, $1, c, ci) } }
            case .anyBytesMatch(let column, let kind, let constant, let ci):
                let c = program.needles[constant]
                result = source.withValue(column) { anyBytes($0, program, column) { ByteRules.match(kind, $0, $1, c, ci) } }
            case .anyIntCompare(let column, let op, let c):
                result = source.withValue(column) { v -> Bool? in
                    // Not a list: no elements (the interpreter's reading), so ANY is false.
                    switch v {
                    case .list(let elements):
                        for i in elements.indices {
                            guard let found = scalar(elements[i], int, ifNull: op.nullResult, { op.holds(order($0, c)) }) else { return nil }
                            if found { return true }
                        }
                        return false
                    default:
                        return false
                    }
                }
            case .fallback(let index):
                result = Interpreter.evaluate(program.fallbacks[index], source)
            }
            guard let result else { return nil }
            flag = result
            if combines {
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

    /// `test` on a scalar's payload (`payload` extracts it for the instruction's type); `ifNull`
    /// for a null; nil for a value of another type.
    @inline(__always)
    private static func scalar<T>(_ value: borrowing Value, _ payload: (borrowing Value) -> T?, ifNull: Bool,
                                  _ test: (T) -> Bool) -> Bool? {
        if let x = payload(value) { return test(x) }
        return value.isNull ? ifNull : nil
    }

    // The payloads `scalar` reads.
    @inline(__always) private static func int(_ v: borrowing Value) -> Int64? { switch v { case .int(let x): x; default: nil } }
    @inline(__always) private static func double(_ v: borrowing Value) -> Double? { switch v { case .double(let x): x; default: nil } }
    @inline(__always) private static func bool(_ v: borrowing Value) -> Bool? { switch v { case .bool(let x): x; default: nil } }
    @inline(__always) private static func timestamp(_ v: borrowing Value) -> Timestamp? {
        switch v { case .timestamp(let x): x; default: nil }
    }
    @inline(__always) private static func objectId(_ v: borrowing Value) -> ObjectId? { switch v { case .objectId(let x): x; default: nil } }
    @inline(__always) private static func uuid(_ v: borrowing Value) -> UUIDValue? { switch v { case .uuid(let x): x; default: nil } }

    // The helpers borrow the value where it lies (a copy would retain its string or list).

    /// `test` on the bytes of a string or binary value of the property's own kind; `ifNull` for a
    /// null; nil for a value of another kind.
    @inline(__always)
    private static func bytes(_ value: borrowing Value, _ program: Program, _ column: Int, ifNull: Bool,
                              _ test: (UnsafePointer<UInt8>, Int) -> Bool) -> Bool? {
        switch value {
        case .string(let s) where !program.holdsBinary[column]:
            return ByteRules.withBytes(s, test)
        case .binary(let b) where program.holdsBinary[column]:
            return b.withUnsafeBufferPointer { test($0.baseAddress ?? ByteRules.empty, $0.count) }
        case .null: return ifNull
        default: return nil
        }
    }

    /// ANY element of a list of strings or binaries passes `test` (null elements never do); a
    /// value that is not a list has no elements; nil for an element of another kind.
    @inline(__always)
    private static func anyBytes(_ value: borrowing Value, _ program: Program, _ column: Int,
                                 _ test: (UnsafePointer<UInt8>, Int) -> Bool) -> Bool? {
        switch value {
        case .list(let list):
            // Through the buffer: its subscript lends the element, the array's copies it.
            return list.withUnsafeBufferPointer { elements in
                for i in elements.indices {
                    guard let found = bytes(elements[i], program, column, ifNull: false, test) else { return nil }
                    if found { return true }
                }
                return false
            }
        default:
            return false
        }
    }
}
