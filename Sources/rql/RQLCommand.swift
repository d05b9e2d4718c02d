import ArgumentParser
import RQL
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `rql`: check, explain and format Realm Query Language queries.
@main
struct RQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rql",
        abstract: "Check, explain and format Realm Query Language (Flexible Sync) queries.",
        subcommands: [ReplCommand.self, CheckCommand.self, EvalCommand.self, ExplainCommand.self, FormatCommand.self, TestCommand.self,
                      ChangesCommand.self, ConformanceEngineCommand.self, SQLCommand.self],
        defaultSubcommand: ReplCommand.self)
}

/// sysexits(3) codes, as clox and most Unix tools use them.
enum ExitStatus {
    static let usage = ExitCode(64)
    static let dataError = ExitCode(65)
    static let noInput = ExitCode(66)
    /// A service (the PostgreSQL server) cannot be reached or cannot serve.
    static let unavailable = ExitCode(69)
    static let internalError = ExitCode(70)
    static let ioError = ExitCode(74)
}

/// Writes to standard error.
func printError(_ text: String) {
    var text = text
    if !text.hasSuffix("\n") { text += "\n" }
    fputs(text, stderr)
}

/// The query argument: text, or `-` for standard input.
struct QueryInput: ParsableArguments {
    @ArgumentParser.Argument(help: "The query, or '-' to read it from standard input.")
    var query: String

    func text() throws -> String {
        guard query == "-" else { return query }
        var lines: [String] = []
        while let line = readLine(strippingNewline: false) { lines.append(line) }
        var text = lines.joined()
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
