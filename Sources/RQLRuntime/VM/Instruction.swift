import RQLSemantics

/// The VM's instruction set. Each comparison instruction is fused and typed: it reads one column of
/// the current row, compares it with a constant chosen at compile time, and sets the single flag
/// register; AND, OR and NOT are jumps and a flip, except in runs of cheap comparisons, which
/// combine into the flag without jumps (`Program.combine`). `synopsis` documents every instruction
/// once, in the one switch a new case must join; the disassembler prints from it.
package enum Instruction: Hashable, Sendable {
    case constant(Bool)
    case not
    case jumpIfFalse(Int)
    case jumpIfTrue(Int)
    case isNull(column: Int)
    case intCompare(column: Int, op: OrderOperator, value: Int64)
    case intRange(column: Int, lower: Int64, upper: Int64)
    case intVersusDouble(column: Int, op: OrderOperator, value: Double)
    case doubleCompare(column: Int, op: OrderOperator, value: Double)
    case doubleRange(column: Int, lower: Double, lowerInclusive: Bool, upper: Double, upperInclusive: Bool)
    case doubleVersusInt(column: Int, op: OrderOperator, value: Int64)
    case boolEqual(column: Int, value: Bool)
    case bytesEqual(column: Int, constant: Int, caseInsensitive: Bool)
    /// `nullsFirst`: a null orders below every value (a string column against a constant, as
    /// realm scans it); otherwise an ordered comparison with null is false (`ValueSemantics.nullsOrderFirst`).
    case bytesOrder(column: Int, op: OrderOperator, constant: Int, nullsFirst: Bool)
    case bytesMatch(column: Int, kind: MatchKind, constant: Int, caseInsensitive: Bool)
    case timestampCompare(column: Int, op: OrderOperator, value: Timestamp)
    case objectIdCompare(column: Int, op: OrderOperator, value: ObjectId)
    case uuidCompare(column: Int, op: OrderOperator, value: UUIDValue)
    case intInSet(column: Int, set: Int, matchesNull: Bool)
    case bytesInSet(column: Int, set: Int, matchesNull: Bool)
    case anyBytesEqual(column: Int, constant: Int, caseInsensitive: Bool)
    case anyBytesMatch(column: Int, kind: MatchKind, constant: Int, caseInsensitive: Bool)
    case anyIntCompare(column: Int, op: OrderOperator, value: Int64)
    case fallback(comparison: Int)
}

/// How an instruction's result meets the flag. A run of cheap comparisons in an AND or OR is
/// evaluated without jumps: the first replaces the flag, the others AND or OR into it. A jump per
/// operand costs more than the comparisons when the data makes it unpredictable.
package enum Combine: UInt8, Hashable, Sendable {
    case replace, and, or
}

extension Instruction {
    /// A comparison of fixed, small cost that cannot fail: worth evaluating unconditionally rather
    /// than branching around it.
    var isBranchFree: Bool {
        switch self {
        case .isNull, .intCompare, .intRange, .intVersusDouble, .doubleCompare, .doubleRange, .doubleVersusInt, .boolEqual,
             .timestampCompare, .objectIdCompare, .uuidCompare:
            true
        default:
            false
        }
    }
}

/// `==`, `!=`, `<`, `<=`, `>`, `>=` on values of one type.
package enum OrderOperator: String, Hashable, Sendable, BitwiseCopyable {
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="

    /// The result for a three-way ordering `o` (negative, zero, positive).
    @inline(__always)
    func holds(_ o: Int) -> Bool {
        switch self {
        case .equal: o == 0
        case .notEqual: o != 0
        case .less: o < 0
        case .lessEqual: o <= 0
        case .greater: o > 0
        case .greaterEqual: o >= 0
        }
    }

    /// The result when the column value is null and the constant is not (null unordered, as for
    /// every type but a string column scanned by realm): only `!=` holds.
    @inline(__always)
    var nullResult: Bool { self == .notEqual }
}

/// One row per instruction: the single source of truth for names and documentation.
extension Instruction {
    /// The instruction's name in listings: its case name.
    package var name: String {
        String(String(describing: self).prefix { $0 != "(" })
    }

    /// What the instruction does, for `.bytecode` and `rql explain`.
    package var synopsis: String {
        switch self {
        case .constant: "flag = the constant (TRUEPREDICATE / FALSEPREDICATE)"
        case .not: "flag = !flag"
        case .jumpIfFalse: "if !flag, go to the target (AND short-circuit)"
        case .jumpIfTrue: "if flag, go to the target (OR short-circuit)"
        case .isNull: "flag = column is null"
        case .intCompare: "flag = int column op int constant (null: only != holds)"
        case .intRange: "flag = lower <= int column <= upper (both bounds inclusive; null: false)"
        case .doubleRange: "flag = double column within lower..upper, each bound inclusive or not (null, NaN: false)"
        case .intVersusDouble: "flag = int column op double constant, compared exactly"
        case .doubleCompare: "flag = double column op double constant (IEEE: NaN matches only !=)"
        case .doubleVersusInt: "flag = double column op int constant (realm: NaN sorts below every int)"
        case .boolEqual: "flag = bool column == constant"
        case .bytesEqual: "flag = string/binary column == constant, bytewise or [c]-folded"
        case .bytesOrder: "flag = string/binary column op constant, bytewise (null: below every value, or false)"
        case .bytesMatch: "flag = column BEGINSWITH/ENDSWITH/CONTAINS/LIKE constant, [c] folded"
        case .timestampCompare: "flag = date column op constant (seconds, nanoseconds)"
        case .objectIdCompare: "flag = ObjectId column op constant (by bytes)"
        case .uuidCompare: "flag = UUID column op constant (by bytes)"
        case .intInSet: "flag = int column is in the constant set"
        case .bytesInSet: "flag = string/binary column is in the constant set"
        case .anyBytesEqual: "flag = some element of the string list == constant"
        case .anyBytesMatch: "flag = some element of the string list matches the string operator"
        case .anyIntCompare: "flag = some element of the int list op constant"
        case .fallback: "flag = comparison #n by the reference semantics (rare shapes: lists vs lists, decimals...)"
        }
    }
}

extension Instruction {
    /// The property a comparison reads.
    var column: Int? {
        switch self {
        case .constant, .not, .jumpIfFalse, .jumpIfTrue, .fallback: nil
        case .isNull(let c), .intCompare(let c, _, _), .intRange(let c, _, _), .intVersusDouble(let c, _, _),
             .doubleCompare(let c, _, _), .doubleRange(let c, _, _, _, _), .doubleVersusInt(let c, _, _), .boolEqual(let c, _),
             .bytesEqual(let c, _, _), .bytesOrder(let c, _, _, _), .bytesMatch(let c, _, _, _), .timestampCompare(let c, _, _),
             .objectIdCompare(let c, _, _), .uuidCompare(let c, _, _), .intInSet(let c, _, _), .bytesInSet(let c, _, _),
             .anyBytesEqual(let c, _, _), .anyBytesMatch(let c, _, _, _), .anyIntCompare(let c, _, _):
            c
        }
    }

    /// The byte constant a string instruction compares with.
    var byteConstant: Int? {
        switch self {
        case .bytesEqual(_, let c, _), .bytesOrder(_, _, let c, _), .bytesMatch(_, _, let c, _), .anyBytesEqual(_, let c, _),
             .anyBytesMatch(_, _, let c, _):
            c
        default:
            nil
        }
    }

    /// The instruction comparing with `value` instead of its own constant, for a value of the
    /// same kind (`Program.binding(_:)`); the instruction itself for anything else.
    func with(_ value: Value) -> Instruction {
        switch (self, value) {
        case (.intCompare(let column, let op, _), .int(let v)): .intCompare(column: column, op: op, value: v)
        case (.intVersusDouble(let column, let op, _), .double(let v)): .intVersusDouble(column: column, op: op, value: v)
        case (.doubleCompare(let column, let op, _), .double(let v)): .doubleCompare(column: column, op: op, value: v)
        case (.doubleVersusInt(let column, let op, _), .int(let v)): .doubleVersusInt(column: column, op: op, value: v)
        case (.boolEqual(let column, _), .bool(let v)): .boolEqual(column: column, value: v)
        case (.timestampCompare(let column, let op, _), .timestamp(let v)): .timestampCompare(column: column, op: op, value: v)
        case (.objectIdCompare(let column, let op, _), .objectId(let v)): .objectIdCompare(column: column, op: op, value: v)
        case (.uuidCompare(let column, let op, _), .uuid(let v)): .uuidCompare(column: column, op: op, value: v)
        case (.anyIntCompare(let column, let op, _), .int(let v)): .anyIntCompare(column: column, op: op, value: v)
        default: self
        }
    }
}
