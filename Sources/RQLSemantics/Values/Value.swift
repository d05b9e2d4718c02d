/// A value of a property, a literal or an argument: every type a Flexible Sync schema can hold.
///
/// Strings and binaries are compared as bytes (realm orders strings by UTF-8 bytes, not by
/// locale), and so are `==` and hashing: `"\u{E9}"` and `"e\u{301}"` are two values, two `_id`s
/// and two dictionary keys, although Swift's `String` treats them as one. `int` covers App
/// Services `int` and `long`; `double` also holds 32-bit float literals (`2.5f`) widened to
/// double, which is how realm compares them.
public enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case decimal(Decimal128)
    case string(String)
    case binary([UInt8])
    case timestamp(Timestamp)
    case objectId(ObjectId)
    case uuid(UUIDValue)
    /// A list argument (`$0` bound to `{1, 2}`) or the value of a list property.
    case list([Value])

    /// The type as realm names it in messages (`get_data_type_name`).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .double: "double"
        case .decimal: "decimal128"
        case .string: "string"
        case .binary: "binary"
        case .timestamp: "timestamp"
        case .objectId: "objectId"
        case .uuid: "uuid"
        case .list: "list"
        }
    }

    /// The schema type a value of this kind has (an int's is `int`, which a `long` field holds
    /// too); nil for null and lists.
    public var scalarType: ScalarType? {
        switch self {
        case .null, .list: nil
        case .bool: .bool
        case .int: .int
        case .double: .double
        case .decimal: .decimal
        case .string: .string
        case .binary: .binData
        case .timestamp: .date
        case .objectId: .objectId
        case .uuid: .uuid
        }
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// True for int, double and decimal: realm compares any numeric type with any other.
    public var isNumeric: Bool {
        switch self {
        case .int, .double, .decimal: true
        default: false
        }
    }
}

extension Value {
    /// Equality of the stored values (numeric types are not mixed: `.int(1) != .double(1)`);
    /// strings by bytes, doubles and decimals by their own `==`.
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.int(let x), .int(let y)): x == y
        case (.double(let x), .double(let y)): x == y
        case (.decimal(let x), .decimal(let y)): x == y
        case (.string(let x), .string(let y)): UTF8Key.sameBytes(x, y)
        case (.binary(let x), .binary(let y)): x == y
        case (.timestamp(let x), .timestamp(let y)): x == y
        case (.objectId(let x), .objectId(let y)): x == y
        case (.uuid(let x), .uuid(let y)): x == y
        case (.list(let x), .list(let y)): x == y
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let x): hasher.combine(1); hasher.combine(x)
        case .int(let x): hasher.combine(2); hasher.combine(x)
        case .double(let x): hasher.combine(3); hasher.combine(x)
        case .decimal(let x): hasher.combine(4); hasher.combine(x)
        case .string(let x): hasher.combine(5); UTF8Key.hashBytes(x, into: &hasher)
        case .binary(let x): hasher.combine(6); hasher.combine(x)
        case .timestamp(let x): hasher.combine(7); hasher.combine(x)
        case .objectId(let x): hasher.combine(8); hasher.combine(x)
        case .uuid(let x): hasher.combine(9); hasher.combine(x)
        case .list(let x): hasher.combine(10); hasher.combine(x)
        }
    }
}

/// A point in time with nanosecond precision, as realm stores it: seconds since the Unix epoch and
/// nanoseconds with the same sign (so `T-1:-1` is 1.000000001 s before the epoch).
public struct Timestamp: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    public var seconds: Int64
    public var nanoseconds: Int32

    public init(seconds: Int64, nanoseconds: Int32) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// Ordered by seconds, then nanoseconds (correct because both have the same sign).
    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }

    /// `T<seconds>:<nanoseconds>`, the form realm's descriptions use.
    public var description: String { "T\(seconds):\(nanoseconds)" }
}

/// A 12-byte MongoDB ObjectId, ordered by its bytes.
public struct ObjectId: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// Bytes 0-7 big-endian and bytes 8-11 big-endian: comparing the pair compares the bytes.
    public var high: UInt64
    public var low: UInt32

    public init(high: UInt64, low: UInt32) {
        self.high = high
        self.low = low
    }

    /// From 24 hex digits (either case).
    public init?(hex: String) {
        var hex = hex
        guard let parsed = hex.withUTF8({ ObjectId(hexDigits: $0) }) else { return nil }
        self = parsed
    }

    /// From 24 hex digits (either case) as UTF-8 bytes.
    package init?(hexDigits digits: UnsafeBufferPointer<UInt8>) {
        guard digits.count == 24, let high = HexDigits.parse(digits[0..<16]), let low = HexDigits.parse(digits[16..<24]) else {
            return nil
        }
        self.high = high
        self.low = UInt32(low)
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 12 else { return nil }
        high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes[8..<12].reduce(0) { $0 << 8 | UInt32($1) }
    }

    public static func < (a: ObjectId, b: ObjectId) -> Bool { (a.high, a.low) < (b.high, b.low) }

    /// 24 lowercase hex digits.
    public var hex: String { HexDigits.format(high, digits: 16) + HexDigits.format(UInt64(low), digits: 8) }
    public var description: String { "oid(\(hex))" }
}

/// A 16-byte UUID, ordered by its bytes.
public struct UUIDValue: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// From `8-4-4-4-12` hex digits, or 32 hex digits without dashes.
    public init?(_ text: String) {
        let digits = Array(text.utf8.filter { $0 != UInt8(ascii: "-") })
        guard digits.count == 32, text.utf8.count == 32 || text.utf8.count == 36,
              let high = HexDigits.parse(digits[0..<16]), let low = HexDigits.parse(digits[16..<32]) else { return nil }
        if text.utf8.count == 36 {
            let dashes = Array(text.utf8).enumerated().filter { $0.element == UInt8(ascii: "-") }.map(\.offset)
            guard dashes == [8, 13, 18, 23] else { return nil }
        }
        self.high = high
        self.low = low
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    public static func < (a: UUIDValue, b: UUIDValue) -> Bool { (a.high, a.low) < (b.high, b.low) }

    /// Lowercase `8-4-4-4-12`.
    public var text: String {
        let h = HexDigits.format(high, digits: 16), l = HexDigits.format(low, digits: 16)
        let s = Array(h + l)
        return String(s[0..<8]) + "-" + String(s[8..<12]) + "-" + String(s[12..<16]) + "-" + String(s[16..<20]) + "-" + String(s[20..<32])
    }
    public var description: String { "uuid(\(text))" }
}

package enum HexDigits {
    package static func parse<Digits: Collection<UInt8>>(_ digits: Digits) -> UInt64? {
        var value: UInt64 = 0
        for c in digits {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt64(v)
        }
        return value
    }

    package static func format(_ value: UInt64, digits: Int) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}
