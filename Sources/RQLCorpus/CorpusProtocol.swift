import RQL

/// What the runner asks an engine to do with one block, and what the engine answers: the line
/// protocol of `rql test --engine exec:COMMAND` (one JSON object per line each way; documented in
/// Corpus/README.md, "Running the corpus against any implementation"). The built-in engine answers
/// the same requests in process, so both are judged by one piece of code.
public struct CorpusRequest: Sendable, Equatable {
    /// The block's directive: which operation, on which collection or client.
    public var directive: CorpusDirective
    /// The block's body as written in the file (a schema, documents, a query, ...).
    public var body: String
    /// Where the block is, for the engine's messages.
    public var file: String
    public var line: Int
    /// For a `schema` block: the file has a `sync` block somewhere (before or after), so the
    /// schema is synced and a reserved property name is an error (CORPUS-FORMAT.md, `schema`).
    public var synced: Bool

    public init(directive: CorpusDirective, body: String, file: String, line: Int, synced: Bool = false) {
        self.directive = directive
        self.body = body
        self.file = file
        self.line = line
        self.synced = synced
    }

    /// Blocks that change the engine's state when they succeed: replayed, in order, into a
    /// restarted engine.
    public var changesState: Bool {
        switch directive {
        case .schema, .sync, .objects, .batch, .rules, .defaultRule, .user, .subscriptions: true
        case .query, .subscribe, .role, .view, .change, .write, .explain: false
        }
    }

    /// The kind of answer the request takes.
    public enum AnswerKind: Sendable { case load, matches, text }

    public var answerKind: AnswerKind {
        switch directive {
        case .schema, .sync, .objects, .batch, .rules, .defaultRule, .user: .load
        case .query, .subscribe: .matches
        case .role, .subscriptions, .view, .change, .write, .explain: .text
        }
    }
}

/// An engine's answer to one request.
public enum CorpusResponse: Sendable, Equatable {
    /// A load block loaded.
    case loaded
    /// A query's matches: the `_id`s as RQL literals, in insertion order.
    case matches([String])
    /// The text result of a sync-extension block (`role`, `subscriptions`, `view`, `change`, `write`).
    case text(String)
    /// The block was rejected: the primary error's kind (`syntax`, `type`, `schema`, ...) and message.
    case error(kind: String, message: String)
    /// The engine did not answer properly (it crashed, hung, printed something that is not an
    /// answer, or its own engines disagreed): the case fails, whatever it expects.
    case failure(String)
}

// MARK: - JSON lines

extension CorpusRequest {
    /// The request as one line of JSON (no newline inside):
    /// `{"op": "query", "collection": "Task", "args": "5", "body": "age > $0", "file": "...", "line": 12}`.
    public var jsonLine: String {
        var fields: [(String, String)] = [("op", Self.quoted(op))]
        switch directive {
        case .schema: fields.append(("synced", synced ? "true" : "false"))
        case .sync, .defaultRule: break
        case .objects(let c), .batch(let c), .rules(let c), .change(let c): fields.append(("collection", Self.quoted(c)))
        case .query(let c, let args), .subscribe(let c, let args):
            fields.append(("collection", Self.quoted(c)))
            if let args { fields.append(("args", Self.quoted(args))) }
        case .user(let client), .subscriptions(let client): fields.append(("client", Self.quoted(client)))
        case .role(let client, let c), .view(let client, let c), .write(let client, let c):
            fields.append(("client", Self.quoted(client)))
            fields.append(("collection", Self.quoted(c)))
        case .explain(let c, let stage):
            fields.append(("collection", Self.quoted(c)))
            fields.append(("stage", Self.quoted(stage)))
        }
        fields.append(("body", Self.quoted(body)))
        fields.append(("file", Self.quoted(file)))
        fields.append(("line", String(line)))
        return "{" + fields.map { "\(Self.quoted($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// The `op` of the request: the directive's word.
    public var op: String {
        switch directive {
        case .schema: "schema"
        case .sync: "sync"
        case .objects: "objects"
        case .batch: "batch"
        case .query: "query"
        case .subscribe: "subscribe"
        case .rules: "rules"
        case .defaultRule: "default_rule"
        case .user: "user"
        case .role: "role"
        case .subscriptions: "subscriptions"
        case .view: "view"
        case .change: "change"
        case .write: "write"
        case .explain: "explain"
        }
    }

    /// Reads a request line; the error says what is wrong with it.
    public static func parse(_ line: String) -> Result<CorpusRequest, ProtocolError> {
        guard case .success(let root) = JSON.parseResult(line), root.objectMembers != nil else {
            return .failure(ProtocolError("a request is one JSON object per line"))
        }
        func string(_ key: String) -> Result<String, ProtocolError> {
            guard let s = root[key]?.stringValue else { return .failure(ProtocolError("\"\(key)\" must be a string")) }
            return .success(s)
        }
        guard let op = root["op"]?.stringValue else { return .failure(ProtocolError("\"op\" must be a string")) }
        let directive: CorpusDirective
        do {
            switch op {
            case "schema": directive = .schema
            case "sync": directive = .sync
            case "default_rule": directive = .defaultRule
            case "objects": directive = .objects(collection: try string("collection").get())
            case "rules": directive = .rules(collection: try string("collection").get())
            case "change": directive = .change(collection: try string("collection").get())
            case "batch": directive = .batch(collection: try string("collection").get())
            case "query", "subscribe":
                let collection = try string("collection").get()
                var args: String?
                if let node = root["args"], !node.isNull {
                    guard let text = node.stringValue else { throw ProtocolError("\"args\" must be a string") }
                    args = text
                }
                directive = op == "query" ? .query(collection: collection, args: args) : .subscribe(collection: collection, args: args)
            case "user": directive = .user(client: try string("client").get())
            case "subscriptions": directive = .subscriptions(client: try string("client").get())
            case "role": directive = .role(client: try string("client").get(), collection: try string("collection").get())
            case "view": directive = .view(client: try string("client").get(), collection: try string("collection").get())
            case "write": directive = .write(client: try string("client").get(), collection: try string("collection").get())
            case "explain": directive = .explain(collection: try string("collection").get(), stage: try string("stage").get())
            default: throw ProtocolError("unknown op \(ExtendedJSON.quoted(op))")
            }
            let body = try string("body").get()
            let file = root["file"]?.stringValue ?? ""
            let line = root["line"]?.numberText.flatMap { Int($0) } ?? 0
            var synced = false
            if let node = root["synced"] {
                guard let flag = node.boolValue else { throw ProtocolError("\"synced\" must be true or false") }
                synced = flag
            }
            return .success(CorpusRequest(directive: directive, body: body, file: file, line: line, synced: synced))
        } catch let error as ProtocolError {
            return .failure(error)
        } catch {
            return .failure(ProtocolError("\(error)"))
        }
    }

    static func quoted(_ s: String) -> String { ControlCharacters.jsonQuoted(s) }
}

extension CorpusResponse {
    /// The response as one line of JSON: `{"ok": true}`, `{"ids": ["1", "\"a\""]}`,
    /// `{"text": "..."}` or `{"error": {"kind": "type", "message": "..."}}`. A `failure` is the
    /// runner's own verdict and is sent as an error of kind `internal`.
    public var jsonLine: String {
        let q = CorpusRequest.quoted
        switch self {
        case .loaded: return "{\"ok\": true}"
        case .matches(let ids): return "{\"ids\": [" + ids.map(q).joined(separator: ", ") + "]}"
        case .text(let t): return "{\"text\": \(q(t))}"
        case .error(let kind, let message): return "{\"error\": {\"kind\": \(q(kind)), \"message\": \(q(message))}}"
        case .failure(let message): return "{\"error\": {\"kind\": \"internal\", \"message\": \(q(message))}}"
        }
    }

    /// Reads an engine's answer to a request expecting `kind`; nil when the line is not such an
    /// answer (not JSON, not one of the four shapes, or a shape the request does not take).
    public static func parse(_ line: String, for kind: CorpusRequest.AnswerKind) -> CorpusResponse? {
        guard case .success(let root) = JSON.parseResult(line), let members = root.objectMembers, members.count == 1 else { return nil }
        let value = members[0].value
        switch members[0].key {
        case "ok" where kind == .load:
            return value.boolValue == true ? .loaded : nil
        case "ids" where kind == .matches:
            guard let items = value.arrayValue else { return nil }
            var ids: [String] = []
            for item in items {
                guard let id = item.stringValue else { return nil }
                ids.append(id)
            }
            return .matches(ids)
        case "text" where kind == .text:
            return value.stringValue.map(CorpusResponse.text)
        case "error":
            guard let kindText = value["kind"]?.stringValue, let message = value["message"]?.stringValue,
                  value.objectMembers?.count == 2 else { return nil }
            // A text block's error is its text (as the built-in engine writes it).
            return kind == .text ? .text("error \(message)") : .error(kind: kindText, message: message)
        default:
            return nil
        }
    }
}

/// A request line the engine cannot read.
public struct ProtocolError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
