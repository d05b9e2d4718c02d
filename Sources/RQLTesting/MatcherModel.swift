import RQLRuntime
import RQLSemantics
import RQLDocuments
import RQLSync

/// A plain model of the clients registered with a `ChangeMatcher`, and the answer a change must
/// get, worked out from the definition with the reference interpreter: a client's view of a
/// collection is the documents that match any of its subscriptions there AND its read filter;
/// a change enters, updates or leaves it by where `before` and `after` fall.
///
/// The model shares nothing with the matcher's answer but the `Client` it was given: no
/// `ClientView`, no optimizer, no VM, no index. Used by the `FuzzMatcher` fuzz target and the
/// matcher's property tests.
public struct MatcherModel {
    /// A registered client and how a report shows it.
    public struct Registered {
        public let client: Client
        /// Its subscriptions and read filter, as the caller wrote them.
        public let description: String
    }

    public let matcher: ChangeMatcher
    public private(set) var clients: [String: Registered] = [:]
    /// The deliveries of the changes `run` made, by kind: a test's proof that the run was not vacuous.
    public private(set) var delivered: [DeliveryKind: Int] = [:]

    public init(schema: Schema) {
        matcher = ChangeMatcher(schema: schema)
    }

    /// Registers (or replaces) a client with the matcher and the model. `description` is for
    /// reports; without one the checked trees are shown.
    public mutating func register(_ client: Client, description: String? = nil) {
        matcher.register(client)
        clients[client.id] = Registered(client: client, description: description ?? describe(client))
    }

    public mutating func unregister(_ id: String) {
        matcher.unregister(id)
        clients[id] = nil
    }

    /// The deliveries `change` must cause, one at most per client, in client id order (the
    /// matcher's order: one delivery per client, so its kind never decides).
    public func expected(_ change: Change) -> [Delivery] {
        guard let collection = collection(of: change) else { return [] }
        return clients.keys.sorted().compactMap { id in
            let client = clients[id]!.client
            let before = change.before.map { Self.inView(client, collection, $0) } ?? false
            let after = change.after.map { Self.inView(client, collection, $0) } ?? false
            switch (before, after) {
            case (false, true): return Delivery(client: id, kind: .enter)
            case (true, true): return Delivery(client: id, kind: .update)
            case (true, false): return Delivery(client: id, kind: .leave)
            case (false, false): return nil
            }
        }
    }

    /// The definition: a subscription on the collection matches, and the role may read it.
    public static func inView(_ client: Client, _ collection: ObjectSchema, _ document: Document) -> Bool {
        mayRead(client, collection, document)
            && client.subscriptions.contains { $0.collection.title == collection.title && Interpreter.matches($0, document) }
    }

    /// The read filter alone: no rule for the collection reads everything, a nil filter nothing.
    public static func mayRead(_ client: Client, _ collection: ObjectSchema, _ document: Document) -> Bool {
        switch client.readFilters[collection.title] {
        case .none: true
        case .some(.none): false
        case .some(.some(let filter)): Interpreter.matches(CheckedQuery(collection: collection, predicate: filter), document)
        }
    }

    /// nil when `matcher.match`, `matcher.matchWithoutIndex` and the model give the same
    /// deliveries for `change` and the matcher shows no client a document its read filter hides
    /// (implied by the model, stated on its own because it is the one a server must never break);
    /// otherwise a report: the answers, the change, the clients, and for each client the answers
    /// differ on, its view as the matcher optimized it.
    public func disagreement(_ change: Change) -> String? {
        // The random changes fit the schema: the matcher must take every one.
        let indexed: [Delivery], everyone: [Delivery]
        do {
            indexed = try matcher.match(change)
            everyone = try matcher.matchWithoutIndex(change)
        } catch {
            return "the matcher refused a change that fits the schema: \(error)"
        }
        let model = expected(change)
        let leaked = indexed.filter { d in
            guard let collection = collection(of: change), let client = clients[d.client]?.client,
                  let shown = d.kind == .leave ? change.before : change.after else { return true }
            return !Self.mayRead(client, collection, shown)
        }
        if indexed == everyone, indexed == model, leaked.isEmpty { return nil }

        let verdict = everyone == model
            ? "the index lost or added a client (the full scan agrees with the model)"
            : "a client's view disagrees with its definition (the full scan disagrees with the model too)"
        let differing = Set(indexed).symmetricDifference(model).union(Set(everyone).symmetricDifference(model)).map(\.client)
        var lines = [
            verdict,
            "index      \(indexed)",
            "full scan  \(everyone)",
            "model      \(model)",
        ]
        if !leaked.isEmpty { lines.append("outside the read filter: \(leaked)") }
        lines.append("change: \(Self.describe(change, collection(of: change)))")
        lines.append("clients:")
        for id in clients.keys.sorted() {
            lines.append("  \(id): \(clients[id]!.description)")
        }
        if let collection = collection(of: change) {
            for id in Set(differing).sorted() {
                guard let client = clients[id]?.client else { continue }
                let view = client.view(of: collection)
                lines.append("\(id)'s view, optimized:")
                lines.append("  " + CheckedDump.dump(view.compiled.optimized).replacingNewlines("\n  "))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The collection a change names, looked up as the matcher does (by name, then by title).
    func collection(of change: Change) -> ObjectSchema? {
        matcher.schema.lookup(change.collection)
    }

    func describe(_ client: Client) -> String {
        func tree(_ q: CheckedQuery) -> String { "\n      " + CheckedDump.dump(q).replacingNewlines("\n      ") }
        let subscriptions = client.subscriptions.map(tree)
        let filters = client.readFilters.keys.sorted().map { title in
            let filter = client.readFilters[title]!
            guard let collection = matcher.schema[title], let filter else { return "\n    read filter on \(title): \(String(describing: filter))" }
            return "\n    read filter on \(title):" + tree(CheckedQuery(collection: collection, predicate: filter))
        }
        return "subscriptions:" + subscriptions.joined() + filters.joined()
    }

    static func describe(_ change: Change, _ collection: ObjectSchema?) -> String {
        let schema = collection ?? RandomData.schema
        switch change {
        case .insert(let c, let after):
            return "insert into \(c)\n  after:  \(RandomData.describe(after, schema: schema))"
        case .update(let c, let before, let after):
            return "update of \(c)\n  before: \(RandomData.describe(before, schema: schema))\n  after:  \(RandomData.describe(after, schema: schema))"
        case .delete(let c, let before):
            return "delete from \(c)\n  before: \(RandomData.describe(before, schema: schema))"
        }
    }
}

private extension String {
    func replacingNewlines(_ with: String) -> String { split(separator: "\n", omittingEmptySubsequences: false).joined(separator: with) }
}

// MARK: - Random operations over RandomData.schema

extension MatcherModel {
    /// The ids random operations use: few, so that registrations often replace a client (and
    /// reuse its slot in the matcher) and unregistrations hit one.
    public static let randomClientIDs = (0..<6).map { "c\($0)" }

    /// A model whose schema is `RandomData.schema` alone.
    public static func overRandomData() -> MatcherModel { MatcherModel(schema: Schema([RandomData.schema])) }

    /// What `FuzzMatcher` runs on its input, and the tests on each kept finding: random operations
    /// from `RandomData(bytes:)` on a fresh model while input is left (at least 4, at most 200, so
    /// that an input's cost is bounded whatever its length). nil, or the first report.
    public static func run(input bytes: [UInt8]) -> String? {
        var generator = RandomData(bytes: bytes)
        var model = overRandomData()
        return model.run(&generator, operations: 4...200, inputBytes: bytes.count)
    }

    /// Runs random operations from `generator`: at least `operations.lowerBound`, then while the
    /// generator has input left (`inputBytes` of it), up to `operations.upperBound`. nil when every
    /// change got the model's answer, otherwise the report of the first that did not, with the
    /// registrations that led to it.
    public mutating func run(_ generator: inout RandomData, operations: ClosedRange<Int>, inputBytes: Int = 0) -> String? {
        var history: [String] = []
        var done = 0
        while done < operations.lowerBound || (generator.bytesConsumed < inputBytes && done < operations.upperBound) {
            done += 1
            switch generator.int(20) {
            case 0..<7:
                let (client, description) = Self.randomClient(&generator)
                register(client, description: description)
                history.append("register \(client.id): \(description)")
            case 7..<9:
                let id = generator.pick(Self.randomClientIDs)
                unregister(id)
                history.append("unregister \(id)")
            default:
                let change = Self.randomChange(&generator)
                if let report = disagreement(change) {
                    return report + "\nafter \(done) operations; the registrations, in order:\n"
                        + history.map { "  " + $0 }.joined(separator: "\n")
                }
                for d in (try? matcher.match(change)) ?? [] { delivered[d.kind, default: 0] += 1 }
            }
        }
        return nil
    }

    /// A client with 1-3 subscriptions from the generator that pass the checker (the others are
    /// skipped, as the subscription store rejects them) and a read filter: a random checked
    /// predicate, TRUEPREDICATE, no rule (readable in full), or no read access.
    public static func randomClient(_ g: inout RandomData) -> (Client, String) {
        let id = g.pick(randomClientIDs)
        var subscriptions: [CheckedQuery] = [], texts: [String] = []
        for _ in 0..<(1 + g.int(3)) {
            var text = g.query(depth: 0)
            // Most generated queries have no equality term to index by; these do, so that the
            // index (not only its fallback list) carries a good part of the clients.
            if g.chance(40) {
                let term = indexableTerm(&g)
                text = g.chance(50) ? "\(term) AND (\(text))" : "(\(text)) AND \(term)"
            }
            guard let query = Checker.check(text, collection: RandomData.schema).query else { continue }
            subscriptions.append(query)
            texts.append(text)
        }
        let title = RandomData.schema.title
        var readFilters: [String: CheckedPredicate?] = [:]
        var filterText: String
        switch g.int(8) {
        case 0..<4:
            filterText = g.query(depth: 0)
            if let filter = Checker.check(filterText, collection: RandomData.schema).query {
                readFilters[title] = .some(filter.predicate)
            } else {
                filterText = "no rule (the filter \(filterText) did not check)"
            }
        case 4:
            filterText = "TRUEPREDICATE"
            readFilters[title] = .some(.constant(true))
        case 5:
            filterText = "no rule"
        default:
            filterText = "no read access"
            readFilters[title] = .some(nil)
        }
        let description = "subscriptions [" + texts.joined(separator: "], [") + "]; read filter: " + filterText
        return (Client(id: id, subscriptions: subscriptions, readFilters: readFilters), description)
    }

    /// An equality the matcher can index by: `==` or `IN` on a scalar, an element of a list.
    static func indexableTerm(_ g: inout RandomData) -> String {
        switch g.int(10) {
        case 0: "\(g.pick(["i", "l", "dec"])) == \(g.intLiteral())"
        case 1: "s == \(g.stringLiteral())"
        case 2: "\(g.pick(["i", "l", "d"])) IN \(g.list(of: .int))"
        case 3: "s IN \(g.list(of: .string))"
        case 4: "\(g.stringLiteral()) IN tags"
        case 5: "\(g.pick(["", "ANY "]))tags == \(g.stringLiteral())"
        case 6: "\(g.pick(["", "ANY "]))nums == \(g.intLiteral())"
        case 7: "d == \(g.doubleLiteral())"
        case 8: "b == \(g.pick(["true", "false", "null"]))"
        default: "t == T\(g.int(5) - 2):0"
        }
    }

    /// An insert, update or delete of a generated document; half the updates change one property
    /// only, so that documents often stay in a view (`update`) rather than jump at random.
    public static func randomChange(_ g: inout RandomData) -> Change {
        let collection = RandomData.schema.collectionName
        let id = g.int(4)
        let before = g.document(id: id)
        var after = g.document(id: id)
        if g.chance(50) {
            let k = 1 + g.int(after.values.count - 1)
            var edited = before
            edited.values[k] = after.values[k]
            after = edited
        }
        switch g.int(3) {
        case 0: return .insert(collection: collection, after: after)
        case 1: return .update(collection: collection, before: before, after: after)
        default: return .delete(collection: collection, before: before)
        }
    }
}
