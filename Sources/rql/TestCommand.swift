import ArgumentParser
import Foundation
import RQL
import RQLCorpus

/// `rql test`: run `.rqlt` corpus files (the format: Corpus/README.md).
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run .rqlt corpus files or folders (recursively); exit 0 only when nothing failed.")

    @ArgumentParser.Argument(help: "Files or folders of .rqlt files.")
    var paths: [String]

    @Option(name: .long, help: "interpreter, vm (also runs the optimized VM), or both (all three; the default).")
    var engine: EngineChoice = .both

    @Option(name: .long, help: "Run only query/subscribe blocks whose text contains this.")
    var filter: String?

    @Option(name: .customLong("known-failures"), help: "The known-failures file (default: Corpus/known-failures.txt when it exists).")
    var knownFailures: String?

    @Flag(name: .long, help: "Write the actual results into the files as their expectations (review with git diff).")
    var rewrite = false

    enum EngineChoice: String, ExpressibleByArgument {
        case interpreter, vm, both
        var engines: [CorpusRunner.Engine] {
            switch self {
            case .interpreter: [.interpreter]
            case .vm: [.vm, .optimized]
            case .both: CorpusRunner.Engine.allCases
            }
        }
    }

    func run() throws {
        let files = try collectFiles()
        guard !files.isEmpty else {
            printError("rql test: no .rqlt files in \(paths.joined(separator: " "))")
            throw ExitStatus.noInput
        }
        let knownPath = knownFailures ?? (FileManager.default.fileExists(atPath: "Corpus/known-failures.txt") ? "Corpus/known-failures.txt" : nil)
        var known = KnownFailures()
        if let knownPath {
            known = KnownFailures(text: try readTextFile(knownPath, command: "rql test"))
        }
        let runner = CorpusRunner(engines: engine.engines, knownFailures: known, filter: filter)
        var passed = 0, failed = 0, skipped = 0, rewritten = 0
        let start = Date()
        for path in files {
            let text = try readTextFile(path, command: "rql test")
            let outcome = runner.run(CorpusFile.parse(text, path: path))
            passed += outcome.passed
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
        print("\(passed) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) skipped" : ""))
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
