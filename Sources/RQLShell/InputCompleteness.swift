/// Whether typed text is a complete statement or needs more lines: an unclosed quote,
/// parenthesis, brace or bracket continues on the next line (with the continuation prompt).
///
/// The scan state is carried from line to line, so each line is scanned once however many
/// continuation lines came before it.
public struct InputCompleteness: Sendable {
    private var depth = 0
    private var quote: UInt8?
    /// A backslash inside a quote ended the last line: the next byte is escaped.
    private var escapePending = false

    public init() {}

    /// Scans one more line of the statement (lines after the first follow a newline).
    public mutating func scan(_ line: String, continuing: Bool) {
        if continuing { scan(byte: UInt8(ascii: "\n")) }
        for c in line.utf8 { scan(byte: c) }
    }

    private mutating func scan(byte c: UInt8) {
        if let q = quote {
            if escapePending { escapePending = false } else if c == UInt8(ascii: "\\") { escapePending = true } else if c == q { quote = nil }
            return
        }
        switch c {
        case UInt8(ascii: "'"), UInt8(ascii: "\""): quote = c
        case UInt8(ascii: "("), UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
        case UInt8(ascii: ")"), UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
        default: break
        }
    }

    /// True when no quote or bracket is open. More closers than openers is an error the parser
    /// reports; it will not get better with more lines.
    public var isComplete: Bool { quote == nil && depth <= 0 }

    /// Whether `text` is complete as a whole.
    public static func isComplete(_ text: String) -> Bool {
        var scanner = InputCompleteness()
        scanner.scan(text, continuing: false)
        return scanner.isComplete
    }
}
