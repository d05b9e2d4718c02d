import RQL

/// Runs corpus files: loads `schema` and `sync` blocks, checks each `query` and `subscribe`
/// block, and compares with its expectation.
///
/// `checkOnly` runs without evaluating: a block expecting matches passes when the query is
/// accepted. (Evaluation plugs in through `evaluate`.)
public struct CorpusRunner {
    /// Evaluates an accepted query over the objects loaded for its collection; returns the
    /// matching `_id`s printed as RQL literals, in insertion order.
    public typealias Evaluate = (_ query: CheckedQuery, _ objects: [String: [String]]) -> [String]

    public var evaluate: Evaluate?
    /// Cases expected to fail, by `<file name>:<line>`, with the reason.
    public var knownFailures: KnownFailures

    public init(evaluate: Evaluate? = nil, knownFailures: KnownFailures = KnownFailures()) {
        self.evaluate = evaluate
        self.knownFailures = knownFailures
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
        public var passed = 0
        public var failed = 0
        /// Known failures that failed as expected.
        public var skipped = 0
        /// Cases that could not be judged (e.g. match lists without an evaluator).
        public var unevaluated = 0
        public var failures: [Failure] = []
    }

    public func run(_ file: CorpusFile) -> Outcome {
        var outcome = Outcome()
        var schema = Schema()
        var sync: SyncConfig?
        for problem in file.problems {
            outcome.failed += 1
            outcome.failures.append(Failure(file: file.path, line: problem.line, directive: "(format)", expected: "a valid block", actual: problem.message))
        }
        for block in file.blocks {
            func record(_ ok: Bool, _ actual: String) {
                let id = KnownFailures.id(file: file.path, line: block.line)
                if let reason = knownFailures.reasons[id] {
                    if ok {
                        outcome.failed += 1
                        outcome.failures.append(Failure(file: file.path, line: block.line, directive: block.directiveText,
                                                        expected: "to fail (listed in known failures: \(reason))",
                                                        actual: "passes: remove '\(id)' from the known-failures file"))
                    } else {
                        outcome.skipped += 1
                    }
                } else if ok {
                    outcome.passed += 1
                } else {
                    outcome.failed += 1
                    outcome.failures.append(Failure(file: file.path, line: block.line, directive: block.directiveText,
                                                    expected: block.expectedLines.first ?? "success", actual: actual))
                }
            }
            switch block.directive {
            case .schema:
                let diagnostics = schema.load(block.body, file: file.path)
                record(judgeLoad(block.expectation, diagnostics), summary(diagnostics))
            case .sync:
                let (config, loadDiagnostics) = SyncConfig.load(block.body, file: file.path)
                var diagnostics = loadDiagnostics
                if let config {
                    diagnostics += config.validate(against: schema)
                    if !diagnostics.hasErrors { sync = config }
                }
                record(judgeLoad(block.expectation, diagnostics), summary(diagnostics))
            case .objects:
                continue
            case .query(let collection, let args), .subscribe(let collection, let args):
                let isSubscription = if case .subscribe = block.directive { true } else { false }
                let diagnostics = check(block.body, collection: collection, args: args, schema: schema,
                                        sync: isSubscription ? (sync ?? .developmentMode) : nil)
                let errors = diagnostics.errors
                switch block.expectation {
                case .error(let kind, let text)?:
                    guard let first = diagnostics.primaryError else {
                        record(false, "accepted")
                        continue
                    }
                    let textOK = text.map { first.message.lowercased().contains($0.lowercased()) } ?? true
                    record(first.kind.rawValue == kind && textOK, "error \(first.kind.rawValue): \(first.message)")
                case nil:
                    record(errors.isEmpty, diagnostics.primaryError.map { "error \($0.kind.rawValue): \($0.message)" } ?? "accepted")
                default:
                    if let first = diagnostics.primaryError {
                        record(false, "error \(first.kind.rawValue): \(first.message)")
                    } else if evaluate == nil {
                        outcome.unevaluated += 1
                    }
                }
            }
        }
        return outcome
    }

    /// Parses, binds arguments and checks (and, for subscriptions, validates) one query.
    func check(_ text: String, collection: String, args: String?, schema: Schema, sync: SyncConfig?) -> [Diagnostic] {
        guard let objectSchema = schema.collection(named: collection) else {
            return [Diagnostic(.unknownCollection, "no collection '\(collection)' in the schema", at: .none)]
        }
        var arguments: [Value] = []
        if let args {
            let parsed = ArgumentList.parse(args)
            if parsed.diagnostics.hasErrors { return parsed.diagnostics }
            arguments = parsed.values
        }
        if let sync {
            return FlexibleSyncValidator.validate(text, collection: objectSchema, config: sync, arguments: arguments).diagnostics
        }
        return Checker.check(text, collection: objectSchema, arguments: arguments).diagnostics
    }

    private func judgeLoad(_ expectation: CorpusExpectation?, _ diagnostics: [Diagnostic]) -> Bool {
        switch expectation {
        case .error(let kind, let text)?:
            guard let first = diagnostics.primaryError else { return false }
            return first.kind.rawValue == kind && (text.map { first.message.lowercased().contains($0.lowercased()) } ?? true)
        default:
            return !diagnostics.hasErrors
        }
    }

    private func summary(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.primaryError.map { "error \($0.kind.rawValue): \($0.message)" } ?? "success"
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

    /// The id of a case: the file's name (without folders) and the directive's line.
    public static func id(file: String, line: Int) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        return "\(name):\(line)"
    }
}
