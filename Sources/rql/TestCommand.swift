import ArgumentParser
import Foundation
import RQL
import RQLCorpus
import RQLPostgres

/// `rql test`: run `.rqlt` corpus files (the format: Corpus/README.md).
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run .rqlt corpus files or folders (recursively); exit 0 only when nothing failed.")

    @ArgumentParser.Argument(help: "Files or folders of .rqlt files.")
    var paths: [String]

    @Option(name: .long, help: ArgumentHelp(
        "interpreter, vm (also runs the optimized VM), both (all three; the default), postgres (every query in PostgreSQL and on the optimized VM: --database), or exec:'COMMAND ARGS'.",
        discussion: "exec: runs another implementation: COMMAND (found on PATH unless it has a '/') is started once per file and answers one JSON line per block (Corpus/README.md). RQLKit's own: --engine 'exec:rql conformance-engine', with .build/debug on PATH."))
    var engine: EngineChoice = .builtin(.both)

    @Option(name: .long, help: "Run only query/subscribe blocks whose text contains this.")
    var filter: String?

    @Option(name: .customLong("known-failures"), help: "A known-failures file; repeatable (default: Corpus/known-failures.txt when it exists, and with --engine postgres Corpus/known-failures-postgres.txt too).")
    var knownFailures: [String] = []

    @Option(name: .long, help: "With --engine postgres: the PostgreSQL database (postgres://user@host:port/db, ?host=/socket/dir for a Unix socket); each file gets a fresh schema there, dropped at the end.")
    var database: String?

    @Flag(name: .long, help: "Write the actual results into the files as their expectations (review with git diff).")
    var rewrite = false

    /// The built-in engines.
    enum BuiltinChoice: String, ExpressibleByArgument {
        case interpreter, vm, both, postgres
        var engines: [CorpusRunner.Engine] {
            switch self {
            case .interpreter: [.interpreter]
            case .vm: [.vm, .optimized, .indexed]
            case .both: CorpusRunner.Engine.allCases
            // PostgreSQL answers every query; the optimized VM must agree with it.
            case .postgres: [.optimized]
            }
        }
    }

    /// Built-in engines, or a command speaking the line protocol.
    enum EngineChoice: ExpressibleByArgument {
        case builtin(BuiltinChoice)
        case exec(ExecCommand)

        init?(argument: String) {
            if argument.hasPrefix("exec:") {
                guard let command = ExecCommand(String(argument.dropFirst(5))) else { return nil }
                self = .exec(command)
            } else if let choice = BuiltinChoice(rawValue: argument) {
                self = .builtin(choice)
            } else {
                return nil
            }
        }

        var defaultValueDescription: String { "both" }
    }

    func run() throws {
        let files = try collectFiles()
        guard !files.isEmpty else {
            printError("rql test: no .rqlt files in \(paths.joined(separator: " "))")
            throw ExitStatus.noInput
        }
        let onPostgres = if case .builtin(.postgres) = engine { true } else { false }
        guard onPostgres == (database != nil) else {
            printError(onPostgres ? "rql test: --engine postgres needs --database URL" : "rql test: --database is for --engine postgres")
            throw ExitStatus.usage
        }
        var knownPaths = knownFailures
        if knownPaths.isEmpty {
            knownPaths = (onPostgres ? ["Corpus/known-failures.txt", "Corpus/known-failures-postgres.txt"] : ["Corpus/known-failures.txt"])
                .filter { FileManager.default.fileExists(atPath: $0) }
        }
        var knownText = ""
        for path in knownPaths { knownText += try readTextFile(path, command: "rql test") + "\n" }
        var runner = CorpusRunner(knownFailures: KnownFailures(text: knownText), filter: filter)
        var postgres: PostgresCorpusDatabase?
        defer { postgres?.close() }
        if let database {
            let url = try parseDatabaseURL(database, command: "rql test")
            do { postgres = try PostgresCorpusDatabase(url: url) } catch {
                printError("rql test: \(error.message)")
                throw error.kind == .connectionLost ? ExitStatus.ioError : ExitStatus.unavailable
            }
            runner.database = postgres
        }
        switch engine {
        case .builtin(let choice): runner.engines = choice.engines
        case .exec(let command):
            guard command.resolvedPath() != nil else {
                printError("rql test: cannot find '\(command.executable)'"
                           + (command.executable.contains("/") ? "" : " on PATH (give its path, or add its folder to PATH, e.g. PATH=.build/debug:$PATH)"))
                throw ExitStatus.usage
            }
            runner.execCommand = command
        }
        var passed = 0, failed = 0, skipped = 0, setUp = 0, rewritten = 0
        let start = Date()
        for path in files {
            let text = try readTextFile(path, command: "rql test")
            let outcome = runner.run(CorpusFile.parse(text, path: path))
            passed += outcome.passed
            setUp += outcome.setUp
            failed += outcome.failed
            skipped += outcome.skipped
            for failure in outcome.failures { print(failure.description) }
            if rewrite, !outcome.rewrites.isEmpty {
                let updated = CorpusFile.rewrite(text, outcome.rewrites)
                if updated != text {
                    do { try updated.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                        printError("rql test: cannot write '\(path)': \(error)")
                        throw ExitStatus.ioError
                    }
                    rewritten += 1
                }
            }
        }
        if rewrite { printError("rewrote \(rewritten) file(s); review with git diff") }
        print("\(files.count) file(s) in \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
        // Cases are the blocks with an expected result, and every query and subscription; the
        // setup blocks that loaded are counted apart.
        print("\(passed) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) skipped" : "")
              + " (cases: queries, subscriptions and blocks with an expected result; \(setUp) setup blocks loaded)")
        if failed > 0 { throw ExitCode(1) }
    }

    private func collectFiles() throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                printError("rql test: no such file or folder '\(path)'")
                throw ExitStatus.noInput
            }
            if isDirectory.boolValue {
                let enumerator = FileManager.default.enumerator(atPath: path)
                var found: [String] = []
                while let name = enumerator?.nextObject() as? String {
                    if name.hasSuffix(".rqlt") { found.append((path as NSString).appendingPathComponent(name)) }
                }
                files += found.sorted()
            } else {
                files.append(path)
            }
        }
        return files
    }
}
