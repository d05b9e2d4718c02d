import RQL
import RQLSync

/// Runs corpus files: sends each block to an engine (the built-in `BuiltinEngine`, or a command
/// speaking the line protocol, `ExecSession`), compares its answer with the block's expectation,
/// and applies the known-failures list.
public struct CorpusRunner {
    /// The evaluators a query's expected matches are checked with; each must agree.
    public enum Engine: String, Sendable, CaseIterable {
        /// The reference interpreter on the checked query.
        case interpreter
        /// The bytecode VM on the checked query, without the optimizer.
        case vm
        /// The optimizer, then the VM.
        case optimized
        /// The optimizer, then the planner on a live collection with every property indexed: an
        /// index search wherever one applies, however much it reads, the rest on the VM.
        case indexed
    }

    public var engines: [Engine]
    /// Cases expected to fail, by `<file name>:<line>`, with the reason.
    public var knownFailures: KnownFailures
    /// Only query and subscribe blocks whose directive or body contains this text.
    public var filter: String?

    /// Instead of the built-in engines: a command answering the line protocol (`CorpusRequest`),
    /// started once per file (and again after it fails).
    public var execCommand: ExecCommand?
    /// A database that answers every query as well (its tables are made anew for each file).
    public var database: CorpusDatabase?
    /// How long the exec engine may take to answer one request.
    public var execTimeout: Double = ExecSession.requestTimeout

    public init(engines: [Engine] = Engine.allCases, knownFailures: KnownFailures = KnownFailures(), filter: String? = nil,
                execCommand: ExecCommand? = nil) {
        self.engines = engines
        self.knownFailures = knownFailures
        self.filter = filter
        self.execCommand = execCommand
    }

    /// One case that did not do what its block says.
    public struct Failure: Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var directive: String
        public var expected: String
        public var actual: String
        public var description: String { "\(file):\(line): \(directive)\n  expected: \(expected)\n  actual:   \(actual)" }
    }

    public struct Outcome: Sendable {
        /// Cases that passed: blocks with an expected result, and queries and subscriptions.
        public var passed = 0
        /// Setup blocks (schema, objects, sync, ... without an expected result) that loaded; one
        /// that does not load is a failure.
        public var setUp = 0
        public var failed = 0
        /// Known failures that failed as expected.
        public var skipped = 0
        public var failures: [Failure] = []
        /// For `--rewrite`: by directive line, the expectation line a query block should have
        /// (blocks that failed, and blocks without one).
        public var rewrites: [Int: String] = [:]
    }

    public func run(_ file: CorpusFile) -> Outcome {
        if let command = execCommand {
            let session = ExecSession(command: command, timeout: execTimeout)
            defer { session.stop() }
            return run(file) { session.perform($0) }
        }
        if let database {
            do { try database.reset() } catch {
                var outcome = Outcome()
                outcome.failed += 1
                outcome.failures.append(Failure(file: file.path, line: 1, directive: "(database)", expected: "a fresh database schema", actual: "\(error)"))
                return outcome
            }
        }
        var engine = BuiltinEngine(engines: engines, database: database)
        return run(file) { engine.perform($0) }
    }

    /// Runs a file's blocks through `answer` (an engine) and judges each answer.
    func run(_ file: CorpusFile, answer: (CorpusRequest) -> CorpusResponse) -> Outcome {
        var outcome = Outcome()
        // A file with a sync block anywhere (before or after the schema, loading or not) syncs
        // its schemas, so a reserved property name fails the schema block itself.
        let synced = file.syncsSchemas
        for problem in file.problems {
            outcome.failed += 1
            outcome.failures.append(Failure(file: file.path, line: problem.line, directive: "(format)", expected: "a valid block", actual: problem.message))
        }
        for block in file.blocks {
            let request = CorpusRequest(directive: block.directive, body: block.body, file: file.path, line: block.line,
                                        synced: synced && block.directive == .schema)
            if request.answerKind == .matches, let filter, !block.directiveText.contains(filter), !block.body.contains(filter) { continue }
            // A stage's printed output is RQLKit's own: another implementation is not asked.
            if case .explain = block.directive, execCommand != nil { continue }
            let verdict = Self.judge(block, request.answerKind, answer(request))
            record(verdict, of: block, in: file, kind: request.answerKind, into: &outcome)
        }
        return outcome
    }

    /// How a block fared: whether it passed, the actual result as the report shows it, and the
    /// expectation line `--rewrite` would write (query and subscribe blocks only).
    struct Verdict {
        var ok: Bool
        var shown: String
        var rewrite: String?
    }

    /// Judges an engine's answer to a block against the block's expectation.
    static func judge(_ block: CorpusBlock, _ kind: CorpusRequest.AnswerKind, _ response: CorpusResponse) -> Verdict {
        if case .failure(let message) = response { return Verdict(ok: false, shown: "engine failure: \(message)") }
        switch (kind, response) {
        case (.load, _):
            return Verdict(ok: judgeLoad(block.expectation, response), shown: summary(response))
        case (.text, .text(let text)):
            // An explain block's expectation can be rewritten (`--rewrite`) from what the stage printed.
            let rewritable = if case .explain = block.directive { true } else { false }
            switch block.expectation {
            case .text(let expected)?:
                let ok = textAgrees(text, expected)
                return Verdict(ok: ok, shown: text, rewrite: rewritable && !ok ? text : nil)
            case nil where rewritable: return Verdict(ok: !text.hasPrefix("error"), shown: text, rewrite: text)
            case let expectation?: return Verdict(ok: agrees(text, normalize(expectation)), shown: text)
            case nil: return Verdict(ok: !text.hasPrefix("error"), shown: text)
            }
        case (.text, _):
            return Verdict(ok: false, shown: "engine failure: expected a text result, got \(summary(response))")
        case (.matches, .matches(let ids)):
            // What the block would say: its expectation line, computed.
            let actual = ids.isEmpty ? "(none)" : normalize(.ids(ids))
            let ok = switch block.expectation {
            case .error?: false
            case nil: true
            case let expectation?: agrees(actual, normalize(expectation))
            }
            return Verdict(ok: ok, shown: actual, rewrite: ok && block.expectation != nil ? nil : actual)
        case (.matches, .error(let kind, let message)):
            var ok = false
            if case .error(let expectedKind, let text)? = block.expectation {
                ok = kind == expectedKind && (text.map { message.lowercased().contains($0.lowercased()) } ?? true)
            }
            return Verdict(ok: ok, shown: "error \(kind): \(message)", rewrite: ok && block.expectation != nil ? nil : "error \(kind)")
        case (.matches, _):
            return Verdict(ok: false, shown: "engine failure: expected matches or an error, got \(summary(response))")
        }
    }

    /// Counts a verdict: passed (or set-up, for a load block without an expectation), failed, or
    /// skipped as a known failure, which must not pass.
    func record(_ verdict: Verdict, of block: CorpusBlock, in file: CorpusFile, kind: CorpusRequest.AnswerKind, into outcome: inout Outcome) {
        let id = KnownFailures.id(file: file.path, line: block.line)
        if !verdict.ok, verdict.shown.hasPrefix("error \(KnownFailures.unsupportedKind)"),
           knownFailures.reasons[KnownFailures.unsupportedID(file: file.path)] != nil {
            outcome.skipped += 1
        } else if let reason = knownFailures.reasons[id] {
            if verdict.ok {
                outcome.failed += 1
                outcome.failures.append(Failure(file: file.path, line: block.line, directive: block.directiveText,
                                                expected: "to fail (listed in known failures: \(reason))",
                                                actual: "passes: remove '\(id)' from the known-failures file"))
            } else {
                outcome.skipped += 1
            }
        } else if verdict.ok {
            if kind == .load && block.expectation == nil { outcome.setUp += 1 } else { outcome.passed += 1 }
        } else {
            outcome.failed += 1
            outcome.failures.append(Failure(file: file.path, line: block.line, directive: block.directiveText,
                                            expected: block.expectedLines.first ?? "success", actual: verdict.shown))
        }
        if let rewrite = verdict.rewrite { outcome.rewrites[block.line] = rewrite }
    }

    /// A load block passes when it fails with the expected error, or loads when it expects none.
    static func judgeLoad(_ expectation: CorpusExpectation?, _ response: CorpusResponse) -> Bool {
        switch (expectation, response) {
        case (.error(let kind, let text)?, .error(let actualKind, let message)):
            return actualKind == kind && (text.map { message.lowercased().contains($0.lowercased()) } ?? true)
        case (.error?, _): return false
        case (_, .loaded): return true
        default: return false
        }
    }

    static func summary(_ response: CorpusResponse) -> String {
        switch response {
        case .loaded: "success"
        case .error(let kind, let message): "error \(kind): \(message)"
        case .matches(let ids): line(ids)
        case .text(let text): text
        case .failure(let message): "engine failure: \(message)"
        }
    }

    /// Ids as a result line: separated by spaces, `(none)` when there are none.
    static func line(_ ids: [String]) -> String { ids.isEmpty ? "(none)" : ids.joined(separator: " ") }

    /// Indexes of the documents the query matches, with one engine.
    static func matches(_ query: CheckedQuery, _ documents: [Document], engine: Engine) -> [Int] {
        switch engine {
        case .interpreter:
            return documents.indices.filter { Interpreter.matches(query, documents[$0]) }
        case .vm, .optimized, .indexed:
            let compiled = CompiledQuery(query, optimize: engine == .optimized)
            // Columns of the query's own schema: no mismatch is possible.
            return try! compiled.filter(ColumnarCollection(schema: query.collection, documents: documents))
        }
    }

    /// An `_id` as an RQL literal: ints in decimal, strings double-quoted, oid(...), uuid(...).
    public static func idLiteral(_ v: Value) -> String {
        switch v {
        case .int(let i): String(i)
        case .string(let s): StringLiteral.encode(s)
        case .objectId(let o): "oid(\(o.hex))"
        case .uuid(let u): "uuid(\(u.text))"
        default: CheckedDump.literal(v)
        }
    }

    /// The expected output in the same canonical spelling.
    static func normalize(_ e: CorpusExpectation) -> String {
        switch e {
        case .none: return "(none)"
        case .count(let n): return "count \(n)"
        case .error(let kind, _): return "error \(kind)"
        case .text(let text): return text
        case .ids(let ids):
            return ids.map { id in
                let parsed = ArgumentList.parse(id)
                guard parsed.values.count == 1, !parsed.diagnostics.hasErrors else { return id }
                return idLiteral(parsed.values[0])
            }.joined(separator: " ")
        }
    }

    /// The sync extension's text results: equal as written, except that `complete` alone accepts
    /// any wire form, and `error ...` / `denied ...` need the same first word and the rest
    /// contained in the actual message (case-insensitively), as `error <kind>: <text>` does.
    static func textAgrees(_ actual: String, _ expected: String) -> Bool {
        if expected == "complete" { return actual.hasPrefix("complete") }
        for word in ["error", "denied"] where expected.hasPrefix(word) {
            let rest = expected.dropFirst(word.count).trimmingCharacters(in: .whitespaces).lowercased()
            let restWithoutColon = rest.hasPrefix(":") ? String(rest.dropFirst()).trimmingCharacters(in: .whitespaces) : rest
            return actual.hasPrefix(word) && (restWithoutColon.isEmpty || actual.lowercased().contains(restWithoutColon))
        }
        return actual == expected
    }

    static func agrees(_ actual: String, _ expected: String) -> Bool {
        if expected.hasPrefix("count ") {
            let n = actual == "(none)" ? 0 : actual.split(separator: " ").count
            return expected == "count \(n)"
        }
        return actual == expected
    }

    /// Parses, binds arguments and checks (and, for subscriptions, validates) one query.
    static func check(_ text: String, collection: String, args: String?, schema: Schema,
               sync: SyncConfig?, isSubscription: Bool) -> (CheckedQuery?, [Diagnostic]) {
        guard let objectSchema = schema.lookup(collection) else {
            return (nil, [Diagnostic(.unknownCollection, "no collection '\(collection)' in the schema", at: .none)])
        }
        var arguments: [Value] = []
        if let args {
            let parsed = ArgumentList.parse(args)
            if parsed.diagnostics.hasErrors { return (nil, parsed.diagnostics) }
            arguments = parsed.values
        }
        let result = isSubscription
            ? FlexibleSyncValidator.validate(text, collection: objectSchema, config: sync ?? .developmentMode, arguments: arguments)
            : FlexibleSyncValidator.validateLocalQuery(text, collection: objectSchema, config: sync, arguments: arguments)
        return (result.query, result.diagnostics)
    }
}

/// The known-failures list: `<file name>:<line> <reason>` per line, `#` comments.
public struct KnownFailures: Sendable {
    public var reasons: [String: String] = [:]

    public init() {}

    public init(text: String) {
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let parts = trimmed.split(separator: " ", maxSplits: 1)
            reasons[String(parts[0])] = parts.count > 1 ? String(parts[1]) : "(no reason given)"
        }
    }

    /// The error kind of a query an engine refuses to run (the SQL translator's `unsupported`).
    public static let unsupportedKind = "unsupported"

    /// The entry that skips every case of a file that an engine answers with an `unsupported`
    /// error (`<file name>:unsupported`), and no other failure of that file: for a file whose
    /// documents a database cannot hold, which makes each of its queries unsupported there.
    public static func unsupportedID(file: String) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        return "\(name):\(unsupportedKind)"
    }

    /// The id of a case: the file's name (without folders) and the directive's line.
    public static func id(file: String, line: Int) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        return "\(name):\(line)"
    }
}

extension CorpusFile {
    /// The file's text with the expectation of each block in `rewrites` (keyed by directive line)
    /// replaced, or added after a new `----` line.
    public static func rewrite(_ text: String, _ rewrites: [Int: String]) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // From the bottom up, so earlier line numbers stay valid.
        for (directiveLine, expectation) in rewrites.sorted(by: { $0.key > $1.key }) {
            var i = directiveLine  // 0-based index of the line after the directive
            while i < lines.count, !lines[i].trimmingSpaces().isEmpty, lines[i] != "----" { i += 1 }
            if i < lines.count, lines[i] == "----" {
                var end = i + 1
                while end < lines.count, !lines[end].trimmingSpaces().isEmpty, !lines[end].hasPrefix("#") { end += 1 }
                lines.replaceSubrange((i + 1)..<end, with: [expectation])
            } else {
                lines.insert(contentsOf: ["----", expectation], at: i)
            }
        }
        return lines.joined(separator: "\n")
    }
}
