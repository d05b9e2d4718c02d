import RQL
import RQLSQL

/// Values read back from PostgreSQL's text output (`column::text`), the inverse of `SQLText` for the
/// column types of `TableLayout`. Text output is exact for every one of them: float8 prints the
/// shortest round-trip digits (`extra_float_digits` 1, set on connect), `numeric` every digit, and
/// the timestamp column keeps its nine decimals.
enum ColumnText {
    /// Why a text could not be read as the column's type.
    struct Unreadable: Error {
        var description: String
    }

    /// The value of a column of `property`'s type, from its text (nil is SQL NULL).
    static func decode(_ text: String?, as property: Property) throws(Unreadable) -> Value {
        guard let type = property.type.scalarType else {
            throw Unreadable(description: "property '\(property.name)' is \(property.type), which has no column")
        }
        guard let text else {
            // A list column is NOT NULL; be lenient with a table made elsewhere and read null as empty.
            return property.type.isList ? .list([]) : .null
        }
        if property.type.isList {
            return .list(try arrayElements(text).map { (element) throws(Unreadable) -> Value in
                guard let element else { return .null }
                return try scalar(element, type)
            })
        }
        return try scalar(text, type)
    }

    static func scalar(_ text: String, _ type: ScalarType) throws(Unreadable) -> Value {
        switch type {
        case .string:
            return .string(text)
        case .int, .long:
            guard let i = Int64(text) else { throw unreadable(text, type) }
            return .int(i)
        case .double:
            switch text {
            case "NaN": return .double(.nan)
            case "Infinity": return .double(.infinity)
            case "-Infinity": return .double(-.infinity)
            default:
                guard let d = Double(text), d.isFinite else { throw unreadable(text, type) }
                return .double(d)
            }
        case .decimal:
            guard let d = Decimal128(text) else { throw unreadable(text, type) }
            return .decimal(d)
        case .bool:
            switch text {
            case "true", "t": return .bool(true)
            case "false", "f": return .bool(false)
            default: throw unreadable(text, type)
            }
        case .date:
            guard let t = timestamp(text) else { throw unreadable(text, type) }
            return .timestamp(t)
        case .objectId:
            guard let bytes = bytea(text), let id = ObjectId(bytes: bytes) else { throw unreadable(text, type) }
            return .objectId(id)
        case .binData:
            guard let bytes = bytea(text) else { throw unreadable(text, type) }
            return .binary(bytes)
        case .uuid:
            guard let u = UUIDValue(text) else { throw unreadable(text, type) }
            return .uuid(u)
        }
    }

    private static func unreadable(_ text: String, _ type: ScalarType) -> Unreadable {
        let shown = text.count > maxShownCharacters ? String(text.prefix(maxShownCharacters)) + "…" : text
        return Unreadable(description: "'\(shown)' is not a \(type) value")
    }

    /// Long texts (a 6,000-digit numeric) are cut in messages.
    static let maxShownCharacters = 60

    /// Numeric seconds (`SQLText.timestamp`) as seconds and nanoseconds with the same sign; nil
    /// for a fraction finer than a nanosecond or seconds outside Int64.
    static func timestamp(_ text: String) -> Timestamp? {
        var digits = Substring(text)
        let negative = digits.hasPrefix("-")
        if negative { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        // The magnitude as UInt64: Int64.min's has no positive Int64.
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit), let magnitude = UInt64(whole) else { return nil }
        let seconds: Int64
        if negative {
            guard magnitude <= Int64.min.magnitude else { return nil }
            seconds = magnitude == Int64.min.magnitude ? .min : -Int64(magnitude)
        } else {
            guard let positive = Int64(exactly: magnitude) else { return nil }
            seconds = positive
        }
        var nanoseconds: Int32 = 0
        if parts.count == 2 {
            var fraction = parts[1]
            guard fraction.allSatisfy(\.isASCIIDigit) else { return nil }
            while fraction.count > 9, fraction.last == "0" { fraction = fraction.dropLast() }
            guard fraction.count <= 9 else { return nil }
            let padded = fraction + String(repeating: "0", count: 9 - fraction.count)
            guard let n = Int32(padded) else { return nil }
            nanoseconds = n
        }
        return Timestamp(seconds: seconds, nanoseconds: negative ? -nanoseconds : nanoseconds)
    }

    /// `\x0a1b...` (PostgreSQL's hex bytea output, set on connect).
    static func bytea(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8.count % 2 == 0, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x") else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2 - 1)
        var i = 2
        while i < utf8.count {
            guard let high = hexDigit(utf8[i]), let low = hexDigit(utf8[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
            i += 2
        }
        return bytes
    }

    private static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The elements of a one-dimensional array's text output, `{a,"b c",NULL}`: nil for an unquoted
    /// NULL, quoted elements with `\` escapes undone.
    static func arrayElements(_ text: String) throws(Unreadable) -> [String?] {
        let bytes = Array(text.utf8)
        func bad(_ why: String) -> Unreadable {
            let shown = text.count > maxShownCharacters ? String(text.prefix(maxShownCharacters)) + "…" : text
            return Unreadable(description: "array '\(shown)': \(why)")
        }
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}"), bytes.count >= 2 else {
            throw bad("not a one-dimensional array literal")
        }
        if bytes.count == 2 { return [] }
        var elements: [String?] = []
        var i = 1
        let end = bytes.count - 1
        while true {
            if bytes[i] == UInt8(ascii: "\"") {
                var element: [UInt8] = []
                i += 1
                while true {
                    guard i < end else { throw bad("an unterminated quoted element") }
                    let c = bytes[i]
                    if c == UInt8(ascii: "\"") { break }
                    if c == UInt8(ascii: "\\") {
                        i += 1
                        guard i < end else { throw bad("a '\\' at the end") }
                    }
                    element.append(bytes[i])
                    i += 1
                }
                i += 1
                elements.append(String(decoding: element, as: UTF8.self))
            } else {
                let start = i
                while i < end, bytes[i] != UInt8(ascii: ",") {
                    guard bytes[i] != UInt8(ascii: "{") else { throw bad("a nested array (lists of lists have no column type)") }
                    i += 1
                }
                let element = String(decoding: bytes[start..<i], as: UTF8.self)
                elements.append(element == "NULL" ? nil : element)
            }
            if i == end { return elements }
            guard bytes[i] == UInt8(ascii: ",") else { throw bad("expected ',' after an element") }
            i += 1
        }
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
