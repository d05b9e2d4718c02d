import RQL
import RQLSync

/// The sync extension of the corpus runner: rules, users, subscription sets, views, change
/// fan-out and compensating writes (format: Corpus/README.md, "Sync server cases").
struct SyncSessions {
    var rules = RuleSet()
    var users: [String: SyncUser] = [:]
    var subscriptions: [String: SubscriptionStore] = [:]

    /// What a sync block produced: load diagnostics, or a result line.
    enum Result {
        case diagnostics([Diagnostic])
        case text(String)
    }

    /// Runs a block of the sync extension; nil for the other directives.
    mutating func run(_ block: CorpusBlock, schema: Schema, sync: SyncConfig?, documents: (ObjectSchema) -> [Document], file: String) -> Result? {
        let config = sync ?? .developmentMode
        switch block.directive {
        case .rules:
            let (loaded, diagnostics) = CollectionRules.load(block.body, file: file)
            if let loaded, !diagnostics.hasErrors { rules.add(loaded) }
            return .diagnostics(diagnostics)
        case .defaultRule:
            let (loaded, diagnostics) = DefaultRule.load(block.body, file: file)
            if let loaded, !diagnostics.hasErrors { rules.defaultRule = loaded }
            return .diagnostics(diagnostics)
        case .user(let client):
            let (user, diagnostics) = SyncUser.load(block.body, file: file)
            if let user, !diagnostics.hasErrors { users[client] = user }
            return .diagnostics(diagnostics)
        case .role(let client, let collection):
            guard let objectSchema = schema.lookup(collection) else { return .text("error unknown collection '\(collection)'") }
            guard let user = users[client] else { return .text("error no user for client '\(client)'") }
            let permissions = PermissionResolver(rules: rules, schema: schema, config: config).resolve(user: user, collection: objectSchema)
            if let denial = permissions.denial { return .text("denied: \(denial)") }
            return .text(permissions.roleName ?? "denied")
        case .subscriptions(let client):
            return replaceSubscriptions(of: client, with: block.body, schema: schema, config: config)
        case .view(let client, let collection):
            guard let objectSchema = schema.lookup(collection) else { return .text("error unknown collection '\(collection)'") }
            let documents = documents(objectSchema)
            let view = self.client(client, schema: schema, config: config).view(of: objectSchema)
            let inView = documents.filter(view.contains)
            guard !inView.isEmpty else { return .text("(none)") }
            return .text(inView.map { $0.primaryKey(in: objectSchema).map(CorpusRunner.idLiteral) ?? "?" }.joined(separator: " "))
        case .change(let collection):
            guard let objectSchema = schema.lookup(collection) else { return .text("error unknown collection '\(collection)'") }
            return fanOut(block.body, in: objectSchema, schema: schema, config: config, file: file)
        case .write(let client, let collection):
            guard let objectSchema = schema.lookup(collection) else { return .text("error unknown collection '\(collection)'") }
            guard let user = users[client] else { return .text("error no user for client '\(client)'") }
            let change: Change
            switch Self.change(block.body, objectSchema, file: file) {
            case .success(let c): change = c
            case .failure(let message): return .text("error \(message)")
            }
            let permissions = PermissionResolver(rules: rules, schema: schema, config: config).resolve(user: user, collection: objectSchema)
            let subs = subscriptions[client]?.activeQueries ?? []
            return .text(WriteCheck.check(change, subscriptions: subs, permissions: permissions).description)
        default:
            return nil
        }
    }

    /// `subscriptions <client>`: the client's new set, one `Collection: query` or
    /// `Collection as NAME: query` per line, acknowledged as the server would.
    mutating func replaceSubscriptions(of client: String, with body: String, schema: Schema, config: SyncConfig) -> Result {
        var store = subscriptions[client] ?? SubscriptionStore(schema: schema, config: config)
        do {
            try store.update { set throws(SubscriptionError) in
                set.removeAll()
                for line in body.split(separator: "\n") {
                    guard let colon = line.firstIndex(of: ":") else {
                        throw SubscriptionError(message: "expected 'Collection: query' or 'Collection as NAME: query', found '\(line)'")
                    }
                    let head = line[..<colon].split(separator: " ").map(String.init)
                    let query = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    let name = head.count == 3 && head[1] == "as" ? head[2] : nil
                    try set.append(query, on: head[0], name: name)
                }
            }
        } catch {
            return .text("error \(error.message)")
        }
        let result = store.acknowledge()
        subscriptions[client] = store
        if case .error(let message) = result.state { return .text("error \(message)") }
        return .text("complete \(result.wireForm)")
    }

    /// `change <Collection>`: who of the file's clients receives the change.
    func fanOut(_ body: String, in objectSchema: ObjectSchema, schema: Schema, config: SyncConfig, file: String) -> Result {
        let change: Change
        switch Self.change(body, objectSchema, file: file) {
        case .success(let c): change = c
        case .failure(let message): return .text("error \(message)")
        }
        let matcher = ChangeMatcher(schema: schema)
        for id in subscriptions.keys.sorted() { matcher.register(client(id, schema: schema, config: config)) }
        do {
            let deliveries = try matcher.match(change)
            return .text(deliveries.isEmpty ? "(nobody)" : deliveries.map(\.description).joined(separator: ", "))
        } catch {
            return .text("error \(error)")
        }
    }

    /// A client as the matcher knows it: its active subscriptions and, with a user, the read
    /// filters of that user's roles.
    func client(_ id: String, schema: Schema, config: SyncConfig) -> Client {
        let queries = subscriptions[id]?.activeQueries ?? []
        guard let user = users[id] else { return Client(id: id, subscriptions: queries) }
        let resolver = PermissionResolver(rules: rules, schema: schema, config: config)
        return Client(id: id, subscriptions: queries, permissions: schema.collections.map { resolver.resolve(user: user, collection: $0) })
    }

    /// `{"op": "insert"|"update"|"delete", "before": {...}, "after": {...}}` with Extended JSON documents.
    static func change(_ text: String, _ collection: ObjectSchema, file: String) -> Swift.Result<Change, ChangeError> {
        guard case .success(let root) = JSON.parseResult(text), let op = root["op"]?.stringValue, Change.operations.contains(op) else {
            return .failure(ChangeError(message: "a change is {\"op\": \"insert\"|\"update\"|\"delete\", \"before\": {...}, \"after\": {...}}"))
        }
        let decoded = Change.decode(root, op: op, collection: collection, file: file, location: { "'\($0)'" })
        guard let change = decoded.change else {
            return .failure(ChangeError(message: (decoded.shape + decoded.documents).errors.first?.message ?? "not a change"))
        }
        return .success(change)
    }

    struct ChangeError: Error {
        let message: String
    }
}
