import RQL

/// Values as PostgreSQL reads them in text form: the one encoding behind both the translator's bind
/// parameters (sent as text and cast in the SQL: `$1::bigint`) and `COPY` rows, so a value loaded
/// and the same value in a query are always the same PostgreSQL value.
public enum SQLText {
    /// A value with no exact PostgreSQL form: a string holding U+0000 (PostgreSQL's `text`
    /// cannot), or a timestamp whose seconds and nanoseconds have different signs (realm never
    /// makes one, and its order is not the numeric order the column keeps).
    public struct Unrepresentable: Error, Equatable, Sendable, CustomStringConvertible {
        /// The value as an RQL literal.
        public var value: String
        public var reason: String
        public var description: String { "\(value): \(reason)" }
    }

    /// The text PostgreSQL parses as the column type `TableLayout.columnType` holding `value`; nil for null.
    public static func encode(_ value: Value) throws(Unrepresentable) -> String? {
        switch value {
        case .null: return nil
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return double(d)
        case .decimal(let d): return decimal(d)
        case .string(let s):
            if s.utf8.contains(0) {
                throw Unrepresentable(value: CheckedDump.literal(value), reason: "PostgreSQL text cannot hold the NUL character (U+0000)")
            }
            return s
        case .binary(let bytes): return bytea(bytes)
        case .timestamp(let t):
            if t.seconds < 0 && t.nanoseconds > 0 || t.seconds > 0 && t.nanoseconds < 0 {
                throw Unrepresentable(value: CheckedDump.literal(value), reason: "its seconds and nanoseconds have different signs")
            }
            return timestamp(t)
        case .objectId(let id): return "\\x" + id.hex
        case .uuid(let u): return u.text
        case .list(let elements): return try array(elements)
        }
    }

    /// Swift prints the shortest text that reads back as the same double; PostgreSQL's float8
    /// input rounds correctly, so the value survives. Only the special values are spelled apart.
    static func double(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        return d.description
    }

    /// Exact: the coefficient and the exponent (`numeric` holds every finite decimal128 exactly).
    static func decimal(_ d: Decimal128) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d.isSignMinus ? "-Infinity" : "Infinity" }
        return "\(d.isSignMinus ? "-" : "")\(d.coefficient)e\(d.exponent)"
    }

    /// A timestamp as `numeric` seconds with nine decimals: exact to the nanosecond (PostgreSQL's
    /// `timestamp` keeps microseconds) and ordered as realm orders timestamps whose seconds and
    /// nanoseconds share one sign.
    static func timestamp(_ t: Timestamp) -> String {
        let negative = t.seconds < 0 || t.nanoseconds < 0
        let nanos = String(t.nanoseconds.magnitude)
        return (negative ? "-" : "") + String(t.seconds.magnitude) + "."
            + String(repeating: "0", count: 9 - nanos.count) + nanos
    }

    static func bytea(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        text.reserveCapacity(2 + 2 * bytes.count)
        for b in bytes {
            text.append(digits[Int(b >> 4)])
            text.append(digits[Int(b & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// An array literal: `{"a","b",NULL}`, every element quoted with `"` and `\` escaped.
    static func array(_ elements: [Value]) throws(Unrepresentable) -> String {
        var text = "{"
        for (i, element) in elements.enumerated() {
            if i > 0 { text += "," }
            guard let encoded = try encode(element) else {
                text += "NULL"
                continue
            }
            text += "\""
            for c in encoded.unicodeScalars {
                if c == "\"" || c == "\\" { text += "\\" }
                text.unicodeScalars.append(c)
            }
            text += "\""
        }
        return text + "}"
    }

    /// One row of `COPY ... FROM STDIN` in text format: the values tab-separated, null as `\N`,
    /// backslash, tab, newline and carriage return escaped; ends with a newline.
    public static func copyRow(_ values: [Value]) throws(Unrepresentable) -> String {
        var row = ""
        for (i, value) in values.enumerated() {
            if i > 0 { row += "\t" }
            guard let text = try encode(value) else {
                row += "\\N"
                continue
            }
            for c in text.unicodeScalars {
                switch c {
                case "\\": row += "\\\\"
                case "\t": row += "\\t"
                case "\n": row += "\\n"
                case "\r": row += "\\r"
                default: row.unicodeScalars.append(c)
                }
            }
        }
        return row + "\n"
    }
}
