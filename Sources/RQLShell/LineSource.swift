/// What reading a line gave.
public enum ReadResult: Equatable, Sendable {
    case line(String)
    /// Ctrl-C: drop the pending input.
    case interrupted
    /// Ctrl-D or the end of a pipe.
    case endOfInput
}

/// Where the shell's input comes from: libedit on a terminal (in the `rql` executable), plain
/// lines from a pipe, or a script in tests.
public protocol LineSource {
    /// Reads one line; `prompt` is the normal or the continuation prompt.
    mutating func read(prompt: String) -> ReadResult
    /// Records a complete statement in the history (multi-line input joined with spaces).
    mutating func remember(_ statement: String)
}

/// Lines given in advance, for tests; records the prompts it was asked with and the history.
public struct ScriptedSource: LineSource {
    public var inputs: [ReadResult]
    /// The next input to give (an index, not `removeFirst`, so a long script is read in linear time).
    private var next = 0
    public private(set) var prompts: [String] = []
    public private(set) var history: [String] = []

    public init(_ inputs: [ReadResult]) { self.inputs = inputs }
    public init(lines: [String]) { self.inputs = lines.map(ReadResult.line) }

    public mutating func read(prompt: String) -> ReadResult {
        prompts.append(prompt)
        guard next < inputs.count else { return .endOfInput }
        next += 1
        return inputs[next - 1]
    }

    public mutating func remember(_ statement: String) { history.append(statement) }
}

/// Plain lines from standard input when it is not a terminal: no prompt, no history.
public struct PlainSource: LineSource {
    public init() {}
    public mutating func read(prompt: String) -> ReadResult {
        readLine(strippingNewline: true).map(ReadResult.line) ?? .endOfInput
    }
    public mutating func remember(_ statement: String) {}
}

/// Characters from a terminal's bytes, for a line editor that takes one Unicode scalar at a time
/// (the `rql` executable feeds libedit this way).
public enum TerminalDecoding {
    /// The scalar that starts with `lead`, reading its continuation bytes from `next`: nil when
    /// `next` runs out (end of input, an interrupt), U+FFFD for a sequence that is not UTF-8
    /// (a stray continuation byte, an overlong form, a surrogate, a bad continuation).
    public static func scalar(lead: UInt8, next: () -> UInt8?) -> UInt32? {
        let length = switch lead {
        case 0x00..<0x80: 1
        case 0xC0..<0xE0: 2
        case 0xE0..<0xF0: 3
        case 0xF0..<0xF8: 4
        default: 0
        }
        guard length > 0 else { return replacement }
        var bytes = [lead]
        for _ in 1..<length {
            guard let byte = next() else { return nil }
            bytes.append(byte)
            if byte & 0xC0 != 0x80 { return replacement }
        }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar.value }
        return replacement
    }

    static let replacement: UInt32 = 0xFFFD
}
