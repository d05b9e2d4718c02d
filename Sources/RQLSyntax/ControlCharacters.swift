/// Text from input made safe to print: a document value, a name or a query line may hold control
/// characters (ESC starts terminal escape sequences, NUL and C1 codes confuse terminals), so every
/// message, diagnostic and printed result shows them as escapes instead.
///
/// One convention everywhere, RQL's and JSON's own: `\n`, `\r`, `\t`, and `\uXXXX` for every
/// other C0 control, DEL and the C1 controls (`\u001B` for ESC, `\u0000` for NUL, `\u009B` for
/// CSI). The result reads back as the same string inside an RQL or JSON string literal.
package enum ControlCharacters {
    /// C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F).
    package static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// The escape for one control character.
    package static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
    }

    /// `text` with its control characters escaped; other characters (quotes and backslashes
    /// included) as they are.
    package static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if isControl(scalar) { out += escape(scalar) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// `text` as a JSON string literal: quoted, `"` and `\` escaped, control characters as above.
    package static func jsonQuoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where isControl(scalar): out += escape(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension String.StringInterpolation {
    /// `"no collection '\(escaped: name)'"`: a name from input, its control characters escaped.
    public mutating func appendInterpolation(escaped text: String) {
        appendLiteral(ControlCharacters.escaped(text))
    }
}
