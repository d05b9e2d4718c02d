/// Decoding and encoding of RQL string literals.
///
/// realm-core checks escapes but keeps them verbatim (`'a\'b'` is the 4 bytes `a\'b`). We decode
/// them, as every other query language does; see README "Deliberate divergences".
package enum StringLiteral {
    /// Decodes the quoted string at `range` of `source` (quotes included).
    ///
    /// A `\u` escape of half a UTF-16 surrogate pair without its other half (`"\uD800"`, a high
    /// one before anything but a low one, a low one alone) names no character. realm-core's lexer
    /// accepts it (`{unicode}` in query_flex.ll is any 4 hex digits) and, like every escape, keeps it
    /// verbatim (`ConstantNode::get_value` in driver.cpp), so we keep those 6 bytes as written and
    /// return their ranges in `loneSurrogates` for a warning.
    package static func decode(_ source: [UInt8], _ range: SourceRange) -> (value: String, loneSurrogates: [SourceRange]) {
        let start = range.start + 1
        let end = max(start, isTerminated(source, range) ? range.end - 1 : range.end)
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var loneSurrogates: [SourceRange] = []
        var i = start
        /// The value and offset of a high-surrogate escape waiting for its low half.
        var pendingHigh: (unit: UInt32, at: Int)?
        func keepLoneSurrogate(at p: Int) {
            out.append(contentsOf: source[p..<(p + 6)])
            loneSurrogates.append(SourceRange(p, p + 6))
        }
        func flushPendingHigh() {
            if let high = pendingHigh { keepLoneSurrogate(at: high.at) }
            pendingHigh = nil
        }
        func appendScalar(_ value: UInt32) {
            out.append(contentsOf: Array(String(Character(Unicode.Scalar(value)!)).utf8))
        }
        while i < end {
            let c = source[i]
            guard c == UInt8(ascii: "\\") else {
                flushPendingHigh()
                out.append(c)
                i += 1
                continue
            }
            let length = Lexer.escapeLength(source, at: i)
            if length == 6 {
                let hex = String(decoding: source[(i + 2)..<(i + 6)], as: UTF8.self)
                let unit = UInt32(hex, radix: 16)!
                if let high = pendingHigh, (0xDC00...0xDFFF).contains(unit) {
                    appendScalar(0x10000 + ((high.unit - 0xD800) << 10) + (unit - 0xDC00))
                    pendingHigh = nil
                } else {
                    flushPendingHigh()
                    switch unit {
                    case 0xD800...0xDBFF: pendingHigh = (unit, i)
                    case 0xDC00...0xDFFF: keepLoneSurrogate(at: i)
                    default: appendScalar(unit)
                    }
                }
                i += 6
                continue
            }
            flushPendingHigh()
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
        flushPendingHigh()
        return (String(decoding: out, as: UTF8.self), loneSurrogates)
    }

    private static func isTerminated(_ source: [UInt8], _ range: SourceRange) -> Bool {
        range.count >= 2 && source[range.end - 1] == source[range.start]
    }

    /// The canonical spelling of a string value: double quotes, with `"`, `\` and control
    /// characters escaped. `decode(encode(s)) == s` for every string.
    package static func encode(_ value: String) -> String {
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
