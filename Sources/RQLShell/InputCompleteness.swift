/// Whether typed text is a complete statement or needs more lines: an unclosed quote,
/// parenthesis, brace or bracket, or a line that ends in AND, OR or NOT (`&&`, `||`, `!`),
/// continues on the next line (with the continuation prompt).
///
/// The scan state is carried from line to line, so each line is scanned once however many
/// continuation lines came before it.
public struct InputCompleteness: Sendable {
    private var depth = 0
    private var quote: UInt8?
    /// A backslash inside a quote ended the last line: the next byte is escaped.
    private var escapePending = false
    /// The end of the last run of non-blank bytes outside quotes (a quoted string counts as its
    /// opening quote): enough to tell whether the text ends in a logical operator.
    private var lastWord: [UInt8] = []
    /// A blank followed `lastWord`: the next non-blank byte starts another.
    private var wordEnded = false
    /// The bytes of `lastWord` kept: the longest operator word (AND, NOT) and the byte before
    /// it, which tells `band` from `and`.
    private static let keptWordBytes = 4

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
        if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
            wordEnded = true
            return
        }
        if wordEnded {
            lastWord.removeAll(keepingCapacity: true)
            wordEnded = false
        }
        lastWord.append(c)
        if lastWord.count > Self.keptWordBytes { lastWord.removeFirst() }
        switch c {
        case UInt8(ascii: "'"), UInt8(ascii: "\""): quote = c
        case UInt8(ascii: "("), UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
        case UInt8(ascii: ")"), UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
        default: break
        }
    }

    /// Whether the text so far ends in AND, OR, NOT (any case, a whole word), `&&`, `||` or `!`:
    /// an operand must follow.
    private var endsInLogicalOperator: Bool {
        if lastWord.last == UInt8(ascii: "!") || lastWord.suffix(2).elementsEqual("&&".utf8) || lastWord.suffix(2).elementsEqual("||".utf8) {
            return true
        }
        return ["and", "or", "not"].contains { keyword in
            guard lastWord.count >= keyword.utf8.count else { return false }
            let folded = lastWord.suffix(keyword.utf8.count).map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
            let before = lastWord.dropLast(keyword.utf8.count).last
            return folded.elementsEqual(keyword.utf8) && !(before.map(Self.isNameByte) ?? false)
        }
    }

    /// A byte of a property name, as the lexer reads them: `[a-zA-Z0-9_$-]`.
    private static func isNameByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "$"), UInt8(ascii: "-"): true
        default: false
        }
    }

    /// True when no quote or bracket is open and the text does not end in a logical operator.
    /// More closers than openers is an error the parser reports; it will not get better with
    /// more lines.
    public var isComplete: Bool { quote == nil && depth <= 0 && !endsInLogicalOperator }

    /// Whether `text` is complete as a whole.
    public static func isComplete(_ text: String) -> Bool {
        var scanner = InputCompleteness()
        scanner.scan(text, continuing: false)
        return scanner.isComplete
    }
}
