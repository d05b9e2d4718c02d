import Foundation
import Testing
@testable import RQLCorpus

/// `rql test --engine exec:COMMAND`: the line protocol, and what the runner makes of engines that
/// answer, crash, hang or print garbage. The engines here are tiny shell scripts written to a
/// temporary folder. Serialized: a script being written while another test starts an engine would
/// be busy (ETXTBSY) for a moment.
@Suite(.serialized) struct ExecEngineTests {
    /// A small corpus file: two loads, a query that matches, one that is rejected.
    static let corpus = """
        schema
        {"title": "T", "bsonType": "object", "required": ["_id"], "properties": {"_id": {"bsonType": "int"}, "a": {"bsonType": "int"}}}

        objects T
        {"_id": 1, "a": 5}
        {"_id": 2}

        query T
        a > 3
        ----
        1

        query T
        a >
        ----
        error syntax
        """

    /// A folder of its own for one test's scripts, removed afterwards.
    final class Scripts {
        let folder: URL
        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("rql-exec-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: folder) }

        /// Writes an executable `/bin/sh` script and returns its path.
        func script(_ name: String, _ body: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            try ("#!/bin/sh\n" + body).write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
            return url.path
        }
    }

    struct NotACommand: Error { let text: String }

    static func run(_ engine: String, timeout: Double = ExecSession.requestTimeout) throws -> CorpusRunner.Outcome {
        // A guard, not #require: swift-testing 6.3 calls #require redundant here, wrongly.
        guard let command = ExecCommand(engine) else { throw NotACommand(text: engine) }
        var runner = CorpusRunner(execCommand: command)
        runner.execTimeout = timeout
        return runner.run(CorpusFile.parse(corpus, path: "small.rqlt"))
    }

    /// An engine answering by the request's op, as RQLKit's would for this file: the runner
    /// compares its answers exactly as the built-in engine's.
    static let cannedEngine = """
        while IFS= read -r line; do
          case "$line" in
            *'"op": "query"'*'"body": "a > 3"'*) echo '{"ids": ["1"]}' ;;
            *'"op": "query"'*) echo '{"error": {"kind": "syntax", "message": "expected a value after >"}}' ;;
            *) echo '{"ok": true}' ;;
          esac
        done
        """

    @Test func anEngineThatAnswersPassesLikeTheBuiltInOne() throws {
        let scripts = try Scripts()
        let outcome = try Self.run(try scripts.script("canned.sh", Self.cannedEngine))
        #expect(outcome.failures.map(\.description) == [])
        #expect(outcome.passed == 2 && outcome.setUp == 2)
        let builtIn = CorpusRunner().run(CorpusFile.parse(Self.corpus, path: "small.rqlt"))
        #expect(builtIn.passed == outcome.passed && builtIn.failed == outcome.failed)
    }

    @Test func wrongAnswersFailAsTheyWouldWithTheBuiltInEngine() throws {
        let scripts = try Scripts()
        // Every query matches object 2; the syntax error becomes a type error.
        let engine = try scripts.script("wrong.sh", """
            while IFS= read -r line; do
              case "$line" in
                *'"body": "a > 3"'*) echo '{"ids": ["2"]}' ;;
                *'"op": "query"'*) echo '{"error": {"kind": "type", "message": "no"}}' ;;
                *) echo '{"ok": true}' ;;
              esac
            done
            """)
        let outcome = try Self.run(engine)
        #expect(outcome.passed == 0 && outcome.setUp == 2 && outcome.failed == 2)
        #expect(outcome.failures.map(\.actual) == ["2", "error type: no"])
    }

    @Test func anEngineThatExitsAtOnceFailsEveryCaseWithWhatItSaid() throws {
        let scripts = try Scripts()
        let outcome = try Self.run(try scripts.script("exit.sh", "echo 'cannot start: no licence' >&2\nexit 3\n"))
        #expect(outcome.passed == 0 && outcome.failed == 4)
        for failure in outcome.failures {
            #expect(failure.actual.contains("exit status 3"), "\(failure)")
            #expect(failure.actual.contains("cannot start: no licence"), "\(failure)")
        }
    }

    @Test func aHungEngineIsKilledAfterTheTimeoutAndTheRunGoesOn() throws {
        let scripts = try Scripts()
        // Answers the loads, then sleeps on the first query; restarted, it answers everything.
        let marker = scripts.folder.appendingPathComponent("slept").path
        let engine = try scripts.script("sleep.sh", """
            while IFS= read -r line; do
              case "$line" in
                *'"op": "query"'*)
                  if [ ! -e '\(marker)' ]; then touch '\(marker)'; sleep 30; fi
                  case "$line" in *'a > 3'*) echo '{"ids": ["1"]}' ;; *) echo '{"error": {"kind": "syntax", "message": "x"}}' ;; esac ;;
                *) echo '{"ok": true}' ;;
              esac
            done
            """)
        let start = Date()
        let outcome = try Self.run(engine, timeout: 1)
        #expect(Date().timeIntervalSince(start) < 20, "the sleeping engine was waited for")
        #expect(outcome.passed == 1 && outcome.setUp == 2 && outcome.failed == 1)
        #expect(outcome.failures.first?.line == 8)
        #expect(outcome.failures.first?.actual.contains("gave no answer within 1 s (killed)") == true)
    }

    @Test func aGarbledAnswerFailsTheCaseWithWhatWasPrinted() throws {
        let scripts = try Scripts()
        let outcome = try Self.run(try scripts.script("garbage.sh", "while read line; do echo 'hello, not JSON'; done\n"))
        #expect(outcome.passed == 0 && outcome.failed == 4)
        #expect(outcome.failures.allSatisfy { $0.actual.contains("\"hello, not JSON\"") && $0.actual.contains("not an answer") })
        // Valid JSON of the wrong shape is garbled too.
        let shapes = try Self.run(try scripts.script("shape.sh", "while read line; do echo '{\"ids\": [1]}'; done\n"))
        #expect(shapes.failed == 4)
        #expect(shapes.failures.allSatisfy { $0.actual.contains("not an answer") })
    }

    @Test func aRestartedEngineGetsTheStateBackBeforeTheNextCase() throws {
        let scripts = try Scripts()
        // Crashes on the first query; restarted, it answers a query only after seeing the schema
        // and the objects again (the replay), else it answers nothing matches.
        let marker = scripts.folder.appendingPathComponent("crashed").path
        let engine = try scripts.script("crash.sh", """
            loads=0
            while IFS= read -r line; do
              case "$line" in
                *'"op": "query"'*)
                  if [ ! -e '\(marker)' ]; then touch '\(marker)'; echo 'crashing' >&2; exit 9; fi
                  if [ $loads -lt 2 ]; then echo '{"ids": []}'; continue; fi
                  echo '{"error": {"kind": "syntax", "message": "x"}}' ;;
                *) loads=$((loads + 1)); echo '{"ok": true}' ;;
              esac
            done
            """)
        let outcome = try Self.run(engine)
        #expect(outcome.passed == 1 && outcome.setUp == 2 && outcome.failed == 1, "\(outcome.failures)")
        #expect(outcome.failures.first?.actual.contains("exit status 9") == true)
        #expect(outcome.failures.first?.actual.contains("crashing") == true)
    }

    @Test func aMissingEngineIsAFailureNotACrash() throws {
        let outcome = try Self.run("rql-no-such-engine-\(UUID().uuidString)")
        #expect(outcome.failed == 4)
        #expect(outcome.failures.allSatisfy { $0.actual.contains("not found or not executable on PATH") })
    }

    @Test func commandLinesSplitOnSpacesAndKeepQuotedWords() {
        #expect(ExecCommand("rql conformance-engine")?.arguments == ["conformance-engine"])
        #expect(ExecCommand("  'my engine'  --flag \"a b\" ") == ExecCommand("'my engine' --flag 'a b'"))
        #expect(ExecCommand("'my engine' --flag 'a b'")?.executable == "my engine")
        #expect(ExecCommand("'unclosed") == nil)
        #expect(ExecCommand("   ") == nil)
        #expect(ExecCommand("sh")?.resolvedPath(environment: ["PATH": "/nonexistent:/bin:/usr/bin"]) != nil)
        #expect(ExecCommand("sh")?.resolvedPath(environment: ["PATH": "/nonexistent"]) == nil)
    }

    /// The protocol round trip that `rql conformance-engine` does: every block of the project's
    /// corpus, sent as a JSON line, read back, answered by the built-in engine, and the answer
    /// sent back as a JSON line and read, gives the answer the built-in engine gives directly.
    @Test func requestsAndAnswersSurviveTheirJSONLines() throws {
        let files = CorpusSupport.files(in: "").filter { !$0.path.contains("/realm-core/") }
        #expect(files.count >= 6)
        var checked = 0
        for file in files {
            var direct = BuiltinEngine(), remote = BuiltinEngine()
            for block in file.blocks {
                let request = CorpusRequest(directive: block.directive, body: block.body, file: file.path, line: block.line,
                                            synced: file.syncsSchemas && block.directive == .schema)
                let received = try CorpusRequest.parse(request.jsonLine).get()
                #expect(received == request)
                let answer = direct.perform(request)
                let sent = remote.perform(received)
                #expect(!sent.jsonLine.contains("\n"))
                #expect(CorpusResponse.parse(sent.jsonLine, for: request.answerKind) == answer, "\(file.path):\(block.line)")
                checked += 1
            }
        }
        #expect(checked > 500)
    }
}
