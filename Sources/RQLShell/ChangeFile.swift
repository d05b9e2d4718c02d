import RQL
import RQLSync

/// A change file, replayed by `.changes FILE` and `rql changes --app DIR FILE`: JSON lines, each
/// one either a client or a change.
///
/// ```
/// {"client": "c1", "user": {"id": "alice"}, "subscriptions": {"Task": ["owner == \"alice\""]}}
/// {"op": "insert", "collection": "Task", "after": {...}}
/// {"op": "update", "collection": "Task", "before": {...}, "after": {...}}
/// {"op": "delete", "collection": "Task", "before": {...}}
/// ```
///
/// - A client line registers a client from that line on (the same id again replaces it). `user`
///   is a `SyncUser` (`{"id": ..., "custom_data": {...}}`), required when the app has rules: the
///   client's read filters come from the role the rules give that user. `subscriptions` maps a
///   collection to its queries; they go through a `SubscriptionStore` as one subscription set,
///   so a set the server would reject leaves the client with nothing.
/// - A change line gives MongoDB Extended JSON documents: `after` for an insert, `before` for a
///   delete, both for an update (with the same `_id`).
/// - Blank lines and lines starting with `//` are skipped.
///
/// The whole file is checked before anything is replayed; every error names its line.
public struct ChangeScript: Sendable {
    /// A client declaration.
    public struct ClientLine: Sendable {
        public var id: String
        public var user: SyncUser?
        public var subscriptions: [Subscription]
        public var line: Int
    }

    /// A change to replay.
    public struct ChangeLine: Sendable {
        public var change: Change
        public var op: String
        /// The document's `_id` (nil when the collection has none).
        public var id: Value?
        public var line: Int
    }

    public enum Step: Sendable {
        case client(ClientLine)
        case change(ChangeLine)
    }

    public var steps: [Step]

    /// The format, for `.help .changes` and `rql changes --help`.
    public static let formatHelp = """
        A change file is JSON lines (blank lines and // comments are skipped):
        clients, each registered from its line on (the same id replaces it):
          {"client": "c1", "user": {"id": "alice"},
           "subscriptions": {"Task": ["owner == \\"alice\\""]}}
          (shown on two lines here; one line in the file)
          The subscriptions are one set, acknowledged as the server would: a
          rejected set leaves the client nothing. The read filters come from
          the role the app's rules give the user (required if there are rules).
        and changes, with MongoDB Extended JSON documents:
          {"op": "insert", "collection": "Task", "after": {...}}
          {"op": "update", "collection": "Task", "before": {...}, "after": {...}}
          {"op": "delete", "collection": "Task", "before": {...}}
        The whole file is checked first (errors name the line); then each change
        prints who receives it, or (nobody):
          #3 update Task 6a10...01: c1 leave, c2 enter, c3 update
        enter: now in the client's view; update: in it before and after;
        leave: in it before, not after.
        """

    /// The keys of a client line and of a change line.
    public static let clientKeys = ["client", "user", "subscriptions"]
    public static let changeKeys = ["op", "collection", "before", "after"]

    /// Reads a change file against `schema`. With `usersRequired` (the app has rules), every client
    /// needs a `user`. The script is nil when there is any error.
    public static func parse(_ text: String, file: String?, schema: Schema,
                             usersRequired: Bool) -> (script: ChangeScript?, diagnostics: [Diagnostic]) {
        var reader = ChangeFileReader(file: file, schema: schema, usersRequired: usersRequired)
        let bytes = Array(text.utf8)
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var contentEnd = end
            if contentEnd > start, bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
            reader.read(line: String(decoding: bytes[start..<contentEnd], as: UTF8.self), number: lineNumber, offset: start)
            start = end + 1
        }
        let diagnostics = reader.diagnosticsWithSummary
        if reader.errorCount > 0 { return (nil, diagnostics) }
        return (ChangeScript(steps: reader.steps), diagnostics)
    }
}

/// Replays a change script through a `ChangeMatcher`: one line per change,
/// `#N insert Task <_id>: c1 enter, c2 leave` or `#N ...: (nobody)`.
public struct ChangeReplay: Sendable {
    public var schema: Schema
    public var config: SyncConfig
    /// The app's rules; nil: no permissions, every collection readable in full.
    public var rules: RuleSet?

    public init(schema: Schema, sync: SyncConfig?, rules: RuleSet?) {
        self.schema = schema
        self.config = sync ?? .developmentMode
        self.rules = rules
    }

    /// The output lines, and notes about clients that receive nothing from a collection (a
    /// rejected subscription set, or a role that denies access). Both hold ids, names and queries
    /// from the file, so their control characters are escaped.
    public func run(_ script: ChangeScript) -> (lines: [String], notes: [String]) {
        let matcher = ChangeMatcher(schema: schema)
        let resolver = rules.map { PermissionResolver(rules: $0, schema: schema, config: config) }
        var lines: [String] = [], notes: [String] = []
        var number = 0
        for step in script.steps {
            switch step {
            case .client(let declared):
                var store = SubscriptionStore(schema: schema, config: config)
                do throws(SubscriptionError) {
                    try store.update { set throws(SubscriptionError) in
                        for s in declared.subscriptions { try set.append(s.query, on: s.collection, name: s.name) }
                    }
                } catch {
                    notes.append("line \(declared.line): client '\(declared.id)': \(error.message)")
                }
                let set = store.acknowledge()
                if case .error(let message) = set.state {
                    notes.append("line \(declared.line): client '\(declared.id)': the server rejects its subscriptions (\(message)); it receives nothing")
                }
                var permissions: [ResolvedPermissions] = []
                if let resolver, let user = declared.user {
                    permissions = schema.collections.map { resolver.resolve(user: user, collection: $0) }
                    for p in permissions {
                        if let denial = p.denial, store.activeQueries.contains(where: { $0.collection.title == p.collection.title }) {
                            notes.append("line \(declared.line): client '\(declared.id)' (user '\(user.id)') receives nothing from '\(p.collection.title)': \(denial)")
                        }
                    }
                }
                matcher.register(Client(id: declared.id, subscriptions: store.activeQueries, permissions: permissions))
            case .change(let change):
                number += 1
                let id = change.id.map(ResultPrinter.text) ?? "-"
                let who: String
                do {
                    let deliveries = try matcher.match(change.change)
                    who = deliveries.isEmpty ? "(nobody)" : deliveries.map(\.description).joined(separator: ", ")
                } catch {
                    who = "refused: \(error)"
                }
                lines.append("#\(number) \(change.op) \(change.change.collection) \(id): \(who)")
            }
        }
        return (lines.map(ControlCharacters.escaped), notes.map(ControlCharacters.escaped))
    }

    /// Parses and replays `text` (the contents of `file`).
    public func replay(_ text: String, file: String) -> (lines: [String], notes: [String], diagnostics: [Diagnostic]) {
        let (script, diagnostics) = ChangeScript.parse(text, file: file, schema: schema, usersRequired: rules != nil)
        guard let script else { return ([], [], diagnostics) }
        let (lines, notes) = run(script)
        return (lines, notes, diagnostics)
    }
}

/// The state of reading one change file.
private struct ChangeFileReader {
    let file: String?
    let schema: Schema
    let usersRequired: Bool
    var steps: [ChangeScript.Step] = []
    /// The first `DocumentLoader.maxReportedErrors` problems; a file of a million bad lines
    /// would otherwise hold a million diagnostics.
    private(set) var diagnostics: [Diagnostic] = []
    /// Every error found, kept or dropped.
    private(set) var errorCount = 0
    /// Problems found past the limit, and how many of them are errors.
    private var dropped = 0, droppedErrors = 0
    /// The line being read, and the byte offset where it starts in the file.
    var number = 0
    var offset = 0

    init(file: String?, schema: Schema, usersRequired: Bool) {
        self.file = file
        self.schema = schema
        self.usersRequired = usersRequired
    }

    mutating func read(line text: String, number: Int, offset: Int) {
        self.number = number
        self.offset = offset
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("//") { return }
        let root: JSONNode
        switch JSON.parseResult(text) {
        case .failure(let error):
            report(.documentInvalidJSON, "column \(error.column): invalid JSON: \(error.message)", at: error.range,
                   notes: error.offset >= text.utf8.count ? [DiagnosticNote("each client and each change must be on one line")] : [])
            return
        case .success(let node):
            root = node
        }
        guard let members = root.objectMembers else {
            report(.documentNotObject, "a line must be a JSON object: a client {\"client\": ...} or a change {\"op\": ...}; found \(root.value.typeName)",
                   at: root.range)
            return
        }
        switch (root["client"] != nil, root["op"] != nil) {
        case (true, false): client(root, members)
        case (false, true): change(root, members)
        case (true, true):
            report(.documentUnknownField, "a line is a client or a change, not both: it has both 'client' and 'op'", at: root.range)
        case (false, false):
            report(.documentMissingField, "a line needs 'client' (a client) or 'op' (a change)", at: head(root))
        }
    }

    // MARK: Clients

    private mutating func client(_ root: JSONNode, _ members: [JSONMember]) {
        let errorsBefore = errorCount
        rejectUnknownKeys(members, allowed: ChangeScript.clientKeys, in: "a client")
        let id = string(root, "client")
        var user: SyncUser?
        if let node = root["user"] {
            let (loaded, problems) = SyncUser.load(node, file: file)
            for d in problems { add(d) }
            user = loaded
        } else if usersRequired {
            report(.documentMissingField, "client '\(id ?? "?")' has no 'user'; the app has rules, and they give each user a role",
                   at: head(root), notes: [DiagnosticNote("for example \"user\": {\"id\": \"alice\"}")])
        }
        var subscriptions: [Subscription] = []
        if let node = root["subscriptions"] {
            if let entries = node.objectMembers {
                for entry in entries {
                    guard let collection = schema.lookup(entry.key) else {
                        report(.unknownCollection, "no collection '\(entry.key)' in the schema; there are: \(schema.titles.joined(separator: ", "))",
                               at: entry.keyRange)
                        continue
                    }
                    guard let queries = entry.value.arrayValue else {
                        report(.documentTypeMismatch, "'subscriptions.\(entry.key)' must be an array of query strings, found \(entry.value.value.typeName)",
                               at: entry.value.range)
                        continue
                    }
                    for q in queries {
                        guard let query = q.stringValue else {
                            report(.documentTypeMismatch, "a subscription must be a query string, found \(q.value.typeName)", at: q.range)
                            continue
                        }
                        // What the SDK checks before sending: the query parses and fits the schema.
                        let result = Checker.check(query, collection: collection)
                        if let error = result.diagnostics.primaryError, result.query == nil {
                            // Without escapes the query's bytes are the string's: point into it.
                            let inside = q.range.count == query.utf8.count + 2
                            report(error.code, "client '\(id ?? "?")': subscription on '\(collection.title)' \(ExtendedJSON.quoted(query)): \(error.message)",
                                   at: inside ? SourceRange(q.range.start + 1 + error.range.start, q.range.start + 1 + error.range.end) : q.range)
                            continue
                        }
                        subscriptions.append(Subscription(collection: collection.title, query: query))
                    }
                }
            } else {
                report(.documentTypeMismatch, "'subscriptions' must be an object: {\"Collection\": [\"query\", ...]}, found \(node.value.typeName)",
                       at: node.range)
            }
        }
        guard let id, errorCount == errorsBefore else { return }
        steps.append(.client(ChangeScript.ClientLine(id: id, user: user, subscriptions: subscriptions, line: number)))
    }

    // MARK: Changes

    private mutating func change(_ root: JSONNode, _ members: [JSONMember]) {
        let errorsBefore = errorCount
        rejectUnknownKeys(members, allowed: ChangeScript.changeKeys, in: "a change")
        let op = string(root, "op")
        let ops = Change.operations
        if let op, !ops.contains(op) {
            report(.documentInvalidValue, "'op' must be \"insert\", \"update\" or \"delete\", found \"\(op)\"", at: root["op"]!.range)
        }
        var collection: ObjectSchema?
        if let name = string(root, "collection") {
            collection = schema.lookup(name)
            if collection == nil {
                report(.unknownCollection, "no collection '\(name)' in the schema; there are: \(schema.titles.joined(separator: ", "))",
                       at: root["collection"]!.range)
            }
        }
        guard let op, ops.contains(op), let collection else { return }
        let decoded = Change.decode(root, op: op, collection: collection, file: file, location: { "line \(number), '\($0)'" })
        for d in decoded.shape { add(d) }
        for d in decoded.documents { add(d, prefixed: false) }
        guard let change = decoded.change, errorCount == errorsBefore else { return }
        let before = change.before, after = change.after
        steps.append(.change(ChangeScript.ChangeLine(change: change, op: op, id: (after ?? before)?.primaryKey(in: collection),
                                                     line: number)))
    }

    // MARK: Helpers

    private mutating func string(_ root: JSONNode, _ key: String) -> String? {
        guard let node = root[key] else {
            report(.documentMissingField, "'\(key)' is missing", at: head(root))
            return nil
        }
        guard let s = node.stringValue, !s.isEmpty else {
            report(.documentTypeMismatch, "'\(key)' must be a non-empty string, found \(node.value.typeName)", at: node.range)
            return nil
        }
        return s
    }

    private mutating func rejectUnknownKeys(_ members: [JSONMember], allowed: [String], in what: String) {
        for member in members where !allowed.contains(member.key) {
            report(.documentUnknownField, "unknown key '\(member.key)' in \(what); expected \(allowed.map { "'\($0)'" }.joined(separator: ", "))",
                   at: member.keyRange)
        }
    }

    private func head(_ node: JSONNode) -> SourceRange {
        SourceRange(node.range.start, min(node.range.end, node.range.start + 1))
    }

    /// Reports a problem on the current line (`line N: ...`), at a range within the line.
    private mutating func report(_ code: DiagnosticCode, _ message: String, at range: SourceRange, notes: [DiagnosticNote] = []) {
        add(Diagnostic(code, message, at: range, notes: notes, file: file))
    }

    /// The diagnostics kept, and one more saying how many were dropped.
    var diagnosticsWithSummary: [Diagnostic] {
        guard dropped > 0 else { return diagnostics }
        let limit = DocumentLoader.maxReportedErrors
        return diagnostics + [Diagnostic(.documentTooManyErrors, "\(dropped) more problems (\(droppedErrors) of them errors) after the first \(limit) are not reported",
                                         at: .none, severity: droppedErrors > 0 ? .error : .warning, file: file)]
    }

    /// Adds a diagnostic from a parse of the current line alone: its ranges move to the file.
    private mutating func add(_ d: Diagnostic, prefixed: Bool = true) {
        if d.severity == .error { errorCount += 1 }
        guard diagnostics.count < DocumentLoader.maxReportedErrors else {
            dropped += 1
            if d.severity == .error { droppedErrors += 1 }
            return
        }
        var moved = d
        func shift(_ r: SourceRange) -> SourceRange { SourceRange(r.start + offset, r.end + offset) }
        moved.range = shift(d.range)
        moved.notes = d.notes.map { DiagnosticNote($0.message, range: $0.range.map(shift)) }
        moved.fixIts = d.fixIts.map { FixIt(range: shift($0.range), replacement: $0.replacement) }
        moved.file = file
        if prefixed { moved.message = "line \(number): " + d.message }
        diagnostics.append(moved)
    }
}
