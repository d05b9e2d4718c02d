import Foundation
import Testing
import RQL
@testable import RQLShell

/// Input built to hurt the shell: files that read themselves, endless continuation lines, input
/// that ends inside a statement. Minimised inputs are in Tests/fixtures/hostile-input/.
@Suite struct HostileInputTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/hostile-input")

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rql-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    // MARK: .read

    @Test func aFileThatReadsItselfIsRefusedWithTheChain() throws {
        let folder = try Self.temporaryFolder()
        let path = folder.appendingPathComponent("self.rql").path
        try ".mode count\n.read \(path)\npriority > 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let (shell, capture) = ShellTests.shell()
        shell.execute(".read \(path)")
        #expect(capture.errors == [".read '\(path)' is refused: it is already being read ('\(path)' -> '\(path)')"])
        #expect(capture.output == ["2"], "the rest of the file still runs")
        #expect(shell.readChain.isEmpty)
    }

    @Test func twoFilesReadingEachOtherAreRefusedWithTheChain() throws {
        let folder = try Self.temporaryFolder()
        let a = folder.appendingPathComponent("a.rql").path, b = folder.appendingPathComponent("b.rql").path
        try ".read \(b)\n".write(toFile: a, atomically: true, encoding: .utf8)
        try ".read \(a)\n".write(toFile: b, atomically: true, encoding: .utf8)
        let (shell, capture) = ShellTests.shell()
        shell.execute(".read \(a)")
        #expect(capture.errors == [".read '\(a)' is refused: it is already being read ('\(a)' -> '\(b)' -> '\(a)')"])
    }

    @Test func aChainOfDistinctFilesStopsAtTheDepthLimit() throws {
        let folder = try Self.temporaryFolder()
        let count = Shell.maxReadDepth + 4
        let paths = (0..<count).map { folder.appendingPathComponent("f\($0).rql").path }
        for (i, path) in paths.enumerated() {
            try (i + 1 < count ? ".read \(paths[i + 1])\n" : ".mode count\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        let (shell, capture) = ShellTests.shell()
        shell.execute(".read \(paths[0])")
        #expect(capture.errors.count == 1)
        #expect(capture.errors.first?.hasPrefix(".read '\(paths[Shell.maxReadDepth])' is refused: .read is nested more than 16 deep ('\(paths[0])' -> ") == true)
        #expect(shell.mode == .table, "the files past the limit never ran")
    }

    // MARK: End of input inside a statement

    @Test func anUnterminatedLastStatementIsReportedWithItsLine() throws {
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent("unterminated-last-statement.rql"), encoding: .utf8)
        let (shell, capture) = ShellTests.shell()
        var source = ScriptedSource(lines: [".mode count", "", "priority > 1"] + text.components(separatedBy: "\n"))
        #expect(shell.run(&source) == .incompleteStatement)
        #expect(capture.output == ["2"])
        #expect(capture.errors.first == "line 4: the input ended inside this statement (an open quote or bracket, or a trailing AND, OR or NOT); it was not run")
        #expect(capture.errors.last?.contains("error[RQL1003]: unterminated string") == true)
    }

    @Test func aReadFileEndingInsideAStatementNamesTheFile() throws {
        let path = Self.fixtures.appendingPathComponent("unterminated-last-statement.rql").path
        let (shell, capture) = ShellTests.shell()
        var source = ScriptedSource(lines: [".read \(path)", ".mode count", "priority > 4"])
        #expect(shell.run(&source) == .endOfInput, "the file's statement is its own; the outer input is complete")
        #expect(capture.errors.first == "'\(path)' line 1: the input ended inside this statement (an open quote or bracket, or a trailing AND, OR or NOT); it was not run")
        #expect(capture.output == ["1"])
    }

    @Test func completeInputEndsNormally() {
        let (shell, _) = ShellTests.shell()
        var source = ScriptedSource(lines: ["priority > 1", ""])
        #expect(shell.run(&source) == .endOfInput)
        var quitting = ScriptedSource(lines: [".quit", "owner == 'x"])
        #expect(shell.run(&quitting) == .quit)
    }

    // MARK: Continuation lines

    /// 40,000 continuation lines took more than a minute when each line re-joined and re-scanned
    /// the pending ones (no clock here: the old code shows as a test that runs for minutes).
    @Test func continuationLinesAreScannedOnce() {
        let (shell, capture) = ShellTests.shell()
        shell.mode = .count
        let lines = ["owner == \"alice"] + Array(repeating: "x", count: 40_000) + ["\""]
        var source = ScriptedSource(lines: lines)
        #expect(shell.run(&source) == .endOfInput)
        #expect(capture.errors.isEmpty)
        #expect(capture.output == ["0"])
        #expect(source.prompts.count == lines.count + 1)
        #expect(source.prompts.dropFirst().prefix(lines.count - 1).allSatisfy { $0 == Shell.continuationPrompt })
    }

    @Test func scanningLineByLineMatchesScanningTheWhole() {
        let statements = [["a == 'x\\", "' AND (", "b > 1)"], ["a IN {1,", "2}"], ["a == \"(\\\"\"", ")"], ["(", "(", "))"]]
        for lines in statements {
            var scanner = InputCompleteness()
            for (i, line) in lines.enumerated() {
                scanner.scan(line, continuing: i > 0)
                #expect(scanner.isComplete == InputCompleteness.isComplete(lines[...i].joined(separator: "\n")), "\(lines[...i])")
            }
        }
    }

    // MARK: Deep rules

    /// A read filter alternating $and and $or 60 levels deep (inside the 64-level limit): showing
    /// it with `.user` rendered each part twice per level (2^60 renderings); now once.
    @Test func aDeeplyAlternatingReadFilterIsShownInLinearTime() throws {
        let rules = try String(contentsOf: Self.fixtures.appendingPathComponent("rules-alternating-60-levels.json"), encoding: .utf8)
        let capture = SyncShellTests.Capture()
        let shell = Shell(output: { capture.output.append($0) }, errors: { capture.errors.append($0) })
        #expect(shell.open(directory: try SyncShellTests.makeApp(taskRules: rules)))
        shell.execute(#".user {"id": "bob"}"#)
        #expect(capture.errors.isEmpty)
        let task = try #require(capture.output.first { $0.hasPrefix("  Task:") })
        let filter = try #require(task.components(separatedBy: "role 'deep', reads ").last)
        #expect(filter.hasPrefix(#"(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((owner == "bob" OR status == "s59") AND priority > 58)"#))
        #expect(filter.hasSuffix(#" OR status == "s1") AND priority > 0"#))
        #expect(filter.filter { $0 == "(" }.count == 59)
    }

    // MARK: Control characters

    /// No output may hold a control character other than the newlines between lines.
    static func isClean(_ texts: [String]) -> Bool {
        !texts.joined(separator: "\n").unicodeScalars.contains { ControlCharacters.isControl($0) && $0 != "\n" }
    }

    @Test func controlCharactersInDocumentsAreEscapedInEveryMode() throws {
        let (shell, capture) = ShellTests.shell()
        #expect(shell.load(file: Self.fixtures.appendingPathComponent("control-characters.json").path, into: "Task"))
        shell.execute("priority == 7")
        shell.execute(".mode list")
        shell.execute("priority == 7")
        shell.execute(".mode json")
        shell.execute("priority == 7")
        shell.execute(".mode csv")
        shell.execute("priority == 7")
        shell.execute(".mode markdown")
        shell.execute("priority == 7")
        #expect(capture.errors.isEmpty)
        #expect(Self.isClean(capture.output))
        #expect(capture.output.dropFirst(3).first?.contains(#"""
            9,"\u001B]0;pwned\u0007\u0000\u009B2J
            ""x\",7,[\u001B[31m]
            """#) == true, "CSV keeps the line feed, in quotes")
        #expect(capture.output[0].contains(#"9    \u001B]0;pwned\u0007\u0000\…  7         [\u001B[31m]"#), "cut to the cell width")
        #expect(capture.output[1].contains(#"owner    = \u001B]0;pwned\u0007\u0000\u009B2J\n"x\"#))
        #expect(capture.output[2] == #"{"_id": 9, "owner": "\u001B]0;pwned\u0007\u0000\u009B2J\n\"x\\", "priority": 7, "tags": ["\u001B[31m"]}"#)
        // The JSON mode reads back as the same document.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(capture.output[2].utf8)) as? [String: Any])
        #expect(object["owner"] as? String == "\u{1B}]0;pwned\u{07}\u{0}\u{9B}2J\n\"x\\")
    }

    @Test func namesFromInputAreEscapedInMessages() {
        let (shell, capture) = ShellTests.shell()
        shell.sync = SyncConfig(developmentModeEnabled: true)
        shell.execute(".use Ta\u{1B}[2Jsk")
        shell.execute(".nope\u{0}")
        shell.execute(".subscribe ownr\u{9B} == 'x'")
        shell.execute(#".user {"id": "\u001b[31mmallory"}"#)
        shell.execute("owner == 'a\u{1B}b' AND nothere\u{7}x == 1")
        #expect(capture.errors.count == 4)
        #expect(capture.errors[0] == #"no collection 'Ta\u001B[2Jsk'; there are: Task"#)
        #expect(capture.errors[1].hasPrefix(#"unknown command '.nope\u0000'"#))
        #expect(capture.output.contains(#"user '\u001B[31mmallory'"#))
        #expect(capture.errors[2].contains(#"'Task' has no property 'ownr\u009B'"#))
        #expect(capture.errors[3].contains(#"invalid character '\u0007'"#))
        #expect(capture.errors[3].contains(#"owner == 'a\u001Bb' AND nothere\u0007x == 1"#))
        #expect(Self.isClean(capture.errors + capture.output))
    }

    // MARK: Change files

    @Test func aChangeFileKeepsAtMostTheErrorLimitAndCountsTheRest() {
        let text = String(repeating: "not json\n", count: 1_000)
        let (script, diagnostics) = ChangeScript.parse(text, file: "bad.jsonl", schema: ShellTests.shell().0.schema, usersRequired: false)
        #expect(script == nil)
        #expect(diagnostics.count == DocumentLoader.maxReportedErrors + 1)
        #expect(diagnostics.last?.code == .documentTooManyErrors)
        #expect(diagnostics.last?.severity == .error)
        #expect(diagnostics.last?.message == "980 more problems (980 of them errors) after the first 20 are not reported")
    }

    @Test func aChangeFileWithFewErrorsReportsThemAll() {
        let text = String(repeating: "not json\n", count: 3)
        let (script, diagnostics) = ChangeScript.parse(text, file: "bad.jsonl", schema: ShellTests.shell().0.schema, usersRequired: false)
        #expect(script == nil)
        #expect(diagnostics.map(\.code) == Array(repeating: .documentInvalidJSON, count: 3))
    }

    @Test func replayedChangesEscapeIdsFromTheFile() throws {
        let (shell, capture) = ShellTests.shell()
        let path = try Self.temporaryFolder().appendingPathComponent("changes.jsonl").path
        try #"""
            {"client": "c\u001b[2J", "subscriptions": {"Task": ["owner == \"x\u001b\""]}}
            {"op": "insert", "collection": "Task", "after": {"_id": 7, "owner": "x\u001b", "priority": 1}}
            """#.write(toFile: path, atomically: true, encoding: .utf8)
        shell.execute(".changes \(path)")
        #expect(capture.errors.isEmpty)
        #expect(capture.output == [#"#1 insert Task 7: c\u001B[2J enter"#])
    }

    /// A client's 100 kB subscription that does not parse is named by its first characters, not
    /// copied whole into the message (it was, 100 kB per error line).
    @Test func aHugeBadSubscriptionIsQuotedShortInChangeFiles() throws {
        let (shell, capture) = ShellTests.shell()
        let path = try Self.temporaryFolder().appendingPathComponent("huge.jsonl").path
        let query = String(repeating: "-", count: 100_000)
        try #"{"client": "c1", "subscriptions": {"Task": ["\#(query)"]}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        shell.execute(".changes \(path)")
        let headline = capture.errors.first?.split(separator: "\n").first ?? ""
        #expect(headline.hasPrefix("error[RQL1102]: line 1: client 'c1': subscription on 'Task' \"-----"))
        #expect(headline.utf8.count < 300)
    }

    // MARK: No sync config

    static let noConfigNote = "note[RQL3018]: no Flexible Sync config (sync/config.json) found: assuming development mode, where every field is queryable and no collection is asymmetric"

    @Test func openingAnAppWithoutASyncConfigSaysWhatIsAssumed() throws {
        let app = try SyncShellTests.makeApp()
        try FileManager.default.removeItem(atPath: app + "/sync/config.json")
        let capture = SyncShellTests.Capture()
        let shell = Shell(output: { capture.output.append($0) }, errors: { capture.errors.append($0) })
        #expect(shell.open(directory: app))
        #expect(capture.errors == [Self.noConfigNote])
        shell.execute(".use Task")
        shell.execute(".subscribe title == 'x'")
        #expect(capture.errors == [Self.noConfigNote, Self.noConfigNote], "a subscription on a field no config makes queryable is judged valid, and says why")
        #expect(capture.output.last == "version 1: complete (1 subscription)")
    }

    @Test func withASyncConfigNothingIsAssumed() throws {
        let (shell, capture) = try SyncShellTests.shell()
        shell.execute(#".subscribe owner == "alice""#)
        #expect(capture.errors.isEmpty)
    }
}
