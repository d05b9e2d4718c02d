import ArgumentParser
import Foundation
import RQL
import RQLShell
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `rql` / `rql repl`: the interactive shell. With no options it opens the bundled demo app.
/// When standard input or output is not a terminal it reads plain lines: no prompt, no escape
/// codes, so `echo 'priority > 3' | rql --data tasks.json --schema task.json` works in a pipeline.
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl", abstract: "Start the interactive shell (the default; on the bundled demo app when given no schema).")

    @Option(name: .long, help: "An App Services export to open (schemas, sync/config.json, data/<Collection>.json).")
    var app: String?

    @Option(name: .long, help: "A collection schema.json (repeatable).")
    var schema: [String] = []

    @Option(name: .long, help: "Extended JSON documents for the current collection.")
    var data: String?

    @Option(name: .long, help: "The collection to query.")
    var collection: String?

    /// The demo app's folder. Not through `Bundle.module`, whose accessor stops the process with a
    /// fatal error when a copied `rql` has no resource bundle beside it.
    static func demoApp() -> String? {
        let beside = Bundle.main.bundleURL.appendingPathComponent("RQLKit_rql.resources/demo-app").path
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources/demo-app").path
        return [beside, source].first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The terminal's width in columns when standard output is one: the window size, else
    /// $COLUMNS; nil for a pipe or a file, where a table is as wide as its cells.
    static func terminalWidth() -> Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
    }

    func run() throws {
        let interactive = isatty(0) == 1 && isatty(1) == 1
        let shell = Shell(output: { print($0) }, errors: { printError($0) })
        shell.width = Self.terminalWidth()
        shell.useColor = DiagnosticRenderer.colorAllowed(fileDescriptor: 2)
        shell.isInterrupted = { interruptRequested.load(ordering: .relaxed) }
        if isatty(2) == 1 {
            shell.progress = { text in FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8)) }
        }
        if let app {
            guard shell.open(directory: app) else { throw ExitStatus.dataError }
        } else if schema.isEmpty {
            guard let demo = Self.demoApp() else {
                printError("rql: the bundled demo app is missing: it is looked for in RQLKit_rql.resources next to the rql "
                           + "executable (SwiftPM puts it there) and in the source tree; give an app with --app DIR")
                throw ExitStatus.internalError
            }
            guard shell.open(directory: demo) else { throw ExitStatus.internalError }
            if interactive { print("RQLKit shell on the bundled demo app (a task tracker). .help lists the commands.") }
        }
        for path in schema where !shell.loadSchema(file: path) { throw ExitStatus.dataError }
        if let collection {
            guard shell.execute(".use \(collection)") == .proceed, shell.current != nil else { throw ExitStatus.dataError }
        }
        if let data {
            guard let current = shell.current else {
                printError("rql: --data needs a collection: --collection NAME")
                throw ExitStatus.usage
            }
            guard shell.load(file: data, into: current) else { throw ExitStatus.dataError }
        }
        if interactive {
            shell.execute(".schema")
            if let user = shell.user { print("sync session as user '\(user.id)': .user, .subscribe, .view, .changes (.help)") }
            let history = (ProcessInfo.processInfo.environment["HOME"] ?? ".") + "/.rql_history"
            var source = EditLineSource(shell: shell, historyPath: history)
            if shell.run(&source) == .incompleteStatement { throw ExitStatus.dataError }
        } else {
            // A script: any failed statement makes the exit status 65, as sqlite3's 1 and psql's 3.
            var source = PlainSource()
            let ending = shell.run(&source)
            if ending == .incompleteStatement || shell.failedStatements > 0 { throw ExitStatus.dataError }
        }
    }
}
