/// Decoding and encoding of RQL string literals.
///
/// realm-core checks escapes but keeps them verbatim (`'a\'b'` is the 4 bytes `a\'b`). We decode
/// them, as every other query language does; see README "Deliberate divergences".
public enum StringLiteral {
    /// Decodes the quoted string at `range` of `source` (quotes included).
    public static func decode(_ source: [UInt8], _ range: SourceRange) -> String {
        let start = range.start + 1
        let end = max(start, isTerminated(source, range) ? range.end - 1 : range.end)
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var i = start
        var pendingHighSurrogate: UInt32?
        func appendScalar(_ value: UInt32) {
            if let scalar = Unicode.Scalar(value) {
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            } else {
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])  // U+FFFD for a lone surrogate
            }
        }
        while i < end {
            let c = source[i]
            guard c == UInt8(ascii: "\\") else {
                if let high = pendingHighSurrogate { appendScalar(high); pendingHighSurrogate = nil }
                out.append(c)
                i += 1
                continue
            }
            let length = Lexer.escapeLength(source, at: i)
            if length == 6 {
                let hex = String(decoding: source[(i + 2)..<(i + 6)], as: UTF8.self)
                let unit = UInt32(hex, radix: 16)!
                if let high = pendingHighSurrogate {
                    pendingHighSurrogate = nil
                    if (0xDC00...0xDFFF).contains(unit) {
                        appendScalar(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00))
                        i += 6
                        continue
                    }
                    appendScalar(high)
                }
                if (0xD800...0xDBFF).contains(unit) { pendingHighSurrogate = unit } else { appendScalar(unit) }
                i += 6
                continue
            }
            if let high = pendingHighSurrogate { appendScalar(high); pendingHighSurrogate = nil }
            if length == 2 {
                switch source[i + 1] {
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "0"): out.append(0x00)
                default: out.append(source[i + 1])
                }
                i += 2
            } else {
                out.append(c)  // an invalid escape, already reported: keep the backslash
                i += 1
            }
        }
        if let high = pendingHighSurrogate { appendScalar(high) }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isTerminated(_ source: [UInt8], _ range: SourceRange) -> Bool {
        range.count >= 2 && source[range.end - 1] == source[range.start]
    }

    /// The canonical spelling of a string value: double quotes, with `"`, `\` and control
    /// characters escaped. `decode(encode(s)) == s` for every string.
    public static func encode(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{00}": out += "\\0"
            case _ where ControlCharacters.isControl(scalar): out += ControlCharacters.escape(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
