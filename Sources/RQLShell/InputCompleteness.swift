/// Whether typed text is a complete statement or needs more lines: an unclosed quote,
/// parenthesis, brace or bracket continues on the next line (with the continuation prompt).
public enum InputCompleteness {
    public static func isComplete(_ text: String) -> Bool {
        var depth = 0
        var quote: UInt8?
        var bytes = Array(text.utf8)[...]
        while let c = bytes.first {
            bytes = bytes.dropFirst()
            if let q = quote {
                if c == UInt8(ascii: "\\") { bytes = bytes.dropFirst() } else if c == q { quote = nil }
                continue
            }
            switch c {
            case UInt8(ascii: "'"), UInt8(ascii: "\""): quote = c
            case UInt8(ascii: "("), UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        // More closers than openers is an error the parser reports; it will not get better.
        return quote == nil && depth <= 0
    }
}
