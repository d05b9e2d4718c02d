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
    public private(set) var prompts: [String] = []
    public private(set) var history: [String] = []

    public init(_ inputs: [ReadResult]) { self.inputs = inputs }
    public init(lines: [String]) { self.inputs = lines.map(ReadResult.line) }

    public mutating func read(prompt: String) -> ReadResult {
        prompts.append(prompt)
        return inputs.isEmpty ? .endOfInput : inputs.removeFirst()
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
