/// Reading `.rqlt` corpus files (format: `Corpus/README.md`, contract v1).
///
/// A file is blocks separated by blank lines; `#` lines are comments anywhere. A block is a
/// directive line, a body, and optionally `----` followed by the expected output.

/// One parsed `.rqlt` file.
public struct CorpusFile: Sendable {
    public var path: String
    public var blocks: [CorpusBlock]
    /// Problems with the file itself (an unknown directive, a malformed expectation).
    public var problems: [CorpusProblem]
}

/// A problem in the file's format, with its line.
public struct CorpusProblem: Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// One block of a corpus file.
public struct CorpusBlock: Sendable {
    /// 1-based line of the directive.
    public var line: Int
    public var directive: CorpusDirective
    /// The directive line as written, for reports.
    public var directiveText: String
    /// The body lines joined with newlines.
    public var body: String
    /// The expected output, when the block has a `----` line.
    public var expectation: CorpusExpectation?
    /// The expected lines as written (for `--rewrite`).
    public var expectedLines: [String]
}

public enum CorpusDirective: Sendable, Equatable {
    case schema
    case sync
    case objects(collection: String)
    /// `batch <Collection>`: writes, one per line (`insert {...}`, `replace {...}`, `upsert {...}`,
    /// `update {"_id": ..., ...}`, `delete {"_id": ...}`), applied all or nothing.
    case batch(collection: String)
    /// `query C` or `query C args: a, b`; `args` is the text after `args:`.
    case query(collection: String, args: String?)
    case subscribe(collection: String, args: String?)
    // The sync extension (Corpus/README.md, "Sync server cases"):
    /// `rules <Collection>`: a rules.json; `default_rule`: a default_rule.json.
    case rules(collection: String)
    case defaultRule
    /// `user <client>`: the user a client logs in as (JSON).
    case user(client: String)
    /// `role <client> <Collection>`: expects the role name, or `denied`.
    case role(client: String, collection: String)
    /// `subscriptions <client>`: the client's new subscription set, one `Collection: query` (or
    /// `Collection as NAME: query`) per line; expects `complete <wire form>` or `error <text>`.
    case subscriptions(client: String)
    /// `view <client> <Collection>`: expects the `_id`s in the client's view.
    case view(client: String, collection: String)
    /// `change <Collection>`: an insert/update/delete as JSON; expects `client kind, ...` or `(nobody)`.
    case change(collection: String)
    /// `write <client> <Collection>`: the client's write as JSON; expects `allowed` or
    /// `compensating write: <reason>`.
    case write(client: String, collection: String)
    /// `explain <Collection> <stage>`: a stage's printed output for the query in the body, RQLKit's
    /// own (`optimized`, `bytecode` or `plan`, as `rql explain` prints them); for RQLKit's tests of
    /// its stages (`Tests/stages/`), not part of the conformance suite.
    case explain(collection: String, stage: String)

    /// Directives whose expectation is text compared as written.
    var expectsText: Bool {
        switch self {
        case .role, .subscriptions, .change, .write, .explain: true
        default: false
        }
    }
}

/// What a block expects.
public enum CorpusExpectation: Sendable, Equatable {
    /// The `_id`s of the matches, each as an RQL literal, in insertion order.
    case ids([String])
    case none
    case count(Int)
    /// `error <kind>` or `error <kind>: <text>`.
    case error(kind: String, text: String?)
    /// The sync extension's free-text results (`role`, `subscriptions`, `change`, `write`).
    case text(String)
}

extension CorpusFile {
    /// Parses the text of a `.rqlt` file.
    public static func parse(_ text: String, path: String) -> CorpusFile {
        var blocks: [CorpusBlock] = []
        var problems: [CorpusProblem] = []
        // Lines keep their 1-based number; comment lines are dropped, blank lines split blocks.
        var group: [(Int, String)] = []
        func flush() {
            defer { group = [] }
            guard let (line, directiveLine) = group.first else { return }
            let rest = group.dropFirst()
            let separator = rest.firstIndex { $0.1 == "----" }
            let bodyLines = rest[..<(separator ?? rest.endIndex)].map(\.1)
            let expected = separator.map { rest[($0 + 1)...].map(\.1) } ?? []
            guard let directive = parseDirective(directiveLine) else {
                problems.append(CorpusProblem(line: line, message: "unknown directive '\(directiveLine)'"))
                return
            }
            var expectation: CorpusExpectation?
            if separator != nil, directive.expectsText {
                expectation = .text(expected.joined(separator: "\n").trimmingSpaces())
            } else if separator != nil {
                switch parseExpectation(expected) {
                case .success(let e): expectation = e
                case .failure(let error):
                    problems.append(CorpusProblem(line: line, message: error.message))
                    return
                }
            }
            blocks.append(CorpusBlock(line: line, directive: directive, directiveText: directiveLine,
                                      body: bodyLines.joined(separator: "\n"), expectation: expectation,
                                      expectedLines: expected))
        }
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = String(rawLine)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.hasPrefix("#") { continue }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                flush()
                continue
            }
            group.append((lineNumber, line))
        }
        flush()
        return CorpusFile(path: path, blocks: blocks, problems: problems)
    }

    static func parseDirective(_ line: String) -> CorpusDirective? {
        let trimmed = line.trimmingSpaces()
        if trimmed == "schema" { return .schema }
        if trimmed == "sync" { return .sync }
        if trimmed == "default_rule" { return .defaultRule }
        let words = trimmed.split(separator: " ").map(String.init)
        switch (words.first, words.count) {
        case ("rules", 2): return .rules(collection: words[1])
        case ("user", 2): return .user(client: words[1])
        case ("role", 3): return .role(client: words[1], collection: words[2])
        case ("subscriptions", 2): return .subscriptions(client: words[1])
        case ("view", 3): return .view(client: words[1], collection: words[2])
        case ("change", 2): return .change(collection: words[1])
        case ("batch", 2): return .batch(collection: words[1])
        case ("write", 3): return .write(client: words[1], collection: words[2])
        case ("explain", 3): return .explain(collection: words[1], stage: words[2])
        default: break
        }
        func split(_ rest: Substring) -> (String, String?) {
            let marker = Array(" args:")
            let chars = Array(rest)
            if chars.count >= marker.count {
                for i in 0...(chars.count - marker.count) where Array(chars[i..<(i + marker.count)]) == marker {
                    return (String(chars[..<i]).trimmingSpaces(), String(chars[(i + marker.count)...]).trimmingSpaces())
                }
            }
            return (String(rest).trimmingSpaces(), nil)
        }
        for (word, make) in [("objects ", 0), ("query ", 1), ("subscribe ", 2)] where trimmed.hasPrefix(word) {
            let (collection, args) = split(trimmed.dropFirst(word.count))
            guard !collection.isEmpty else { return nil }
            switch make {
            case 0: return args == nil ? .objects(collection: collection) : nil
            case 1: return .query(collection: collection, args: args)
            default: return .subscribe(collection: collection, args: args)
            }
        }
        return nil
    }

    static func parseExpectation(_ lines: [String]) -> Result<CorpusExpectation, ExpectationError> {
        guard lines.count == 1, let line = lines.first?.trimmingSpaces(), !line.isEmpty else {
            return .failure(ExpectationError(message: "expected output must be exactly one line"))
        }
        if line == "(none)" { return .success(.none) }
        if line.hasPrefix("count ") {
            guard let n = Int(line.dropFirst(6).trimmingSpaces()), n >= 0 else {
                return .failure(ExpectationError(message: "malformed 'count N': '\(line)'"))
            }
            return .success(.count(n))
        }
        if line.hasPrefix("error ") || line == "error" {
            let rest = line.dropFirst(5).trimmingSpaces()
            if let colon = rest.firstIndex(of: ":") {
                return .success(.error(kind: String(rest[..<colon]).trimmingSpaces(),
                                       text: String(rest[rest.index(after: colon)...]).trimmingSpaces()))
            }
            guard !rest.isEmpty else { return .failure(ExpectationError(message: "'error' needs a kind")) }
            return .success(.error(kind: rest, text: nil))
        }
        return .success(.ids(IDList.split(line)))
    }

    public struct ExpectationError: Error {
        public var message: String
    }
}

/// Splitting a line of `_id` literals on the spaces between them (strings may contain spaces).
enum IDList {
    static func split(_ line: String) -> [String] {
        var ids: [String] = []
        var currentID = ""
        var quote: Character?
        var escaped = false
        for ch in line {
            if let q = quote {
                currentID.append(ch)
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == q { quote = nil }
                continue
            }
            if ch == " " {
                if !currentID.isEmpty { ids.append(currentID); currentID = "" }
                continue
            }
            if ch == "\"" || ch == "'" { quote = ch }
            currentID.append(ch)
        }
        if !currentID.isEmpty { ids.append(currentID) }
        return ids
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
