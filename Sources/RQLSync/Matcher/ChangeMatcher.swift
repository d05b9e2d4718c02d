import RQL
import Synchronization

/// A change to one document, as a sync server sees it.
public enum Change: Sendable {
    case insert(collection: String, after: Document)
    case update(collection: String, before: Document, after: Document)
    case delete(collection: String, before: Document)

    public var collection: String {
        switch self {
        case .insert(let c, _), .update(let c, _, _), .delete(let c, _): c
        }
    }
    /// The document before the change (nil for an insert).
    public var before: Document? {
        switch self {
        case .insert: nil
        case .update(_, let b, _), .delete(_, let b): b
        }
    }
    /// The document after the change (nil for a delete).
    public var after: Document? {
        switch self {
        case .delete: nil
        case .insert(_, let a), .update(_, _, let a): a
        }
    }
}

/// What a client must be told about a change.
public enum DeliveryKind: String, Sendable, Comparable {
    /// The document is now in its view (send it).
    case enter
    /// It was and still is in the view (send the update).
    case update
    /// It left the view (tell the client to remove it).
    case leave

    public static func < (a: DeliveryKind, b: DeliveryKind) -> Bool { a.rawValue < b.rawValue }
}

public struct Delivery: Hashable, Sendable, CustomStringConvertible {
    public let client: String
    public let kind: DeliveryKind

    /// Public so that a server's tests (and `RQLTesting.MatcherModel`) can state expected answers.
    public init(client: String, kind: DeliveryKind) {
        self.client = client
        self.kind = kind
    }

    public var description: String { "\(client) \(kind.rawValue)" }
}

/// One connected client: its accepted subscriptions (`SubscriptionStore.activeQueries`, checked
/// once) and, per collection, its role's read filter.
public struct Client: Sendable {
    public let id: String
    public let subscriptions: [CheckedQuery]
    /// By collection title; nil inside: the role gives no read access; no entry: readable in full.
    public let readFilters: [String: CheckedPredicate?]

    public init(id: String, subscriptions: [CheckedQuery], readFilters: [String: CheckedPredicate?] = [:]) {
        self.id = id
        self.subscriptions = subscriptions
        self.readFilters = readFilters
    }

    /// A client whose read filters come from its resolved permissions (one per collection).
    public init(id: String, subscriptions: [CheckedQuery], permissions: [ResolvedPermissions]) {
        var filters: [String: CheckedPredicate?] = [:]
        for p in permissions { filters[p.collection.title] = p.isDenied ? .some(nil) : .some(p.readFilter) }
        self.init(id: id, subscriptions: subscriptions, readFilters: filters)
    }

    /// The client's view of a collection.
    public func view(of collection: ObjectSchema) -> ClientView {
        ClientView(collection: collection, subscriptions: subscriptions,
                   readFilter: readFilters[collection.title] ?? .some(.constant(true)))
    }
}

/// Tells a sync server which clients must receive a changed document: a client's view of a
/// collection is (its subscriptions, ORed) AND (its read filter), as App Services defined it.
///
/// Subscriptions are indexed by an equality term of their top-level AND (`owner == "u1"`,
/// `status IN {...}`, `"x" IN tags`: the indexed queryable field exists for this), so a change is
/// tested only against the subscriptions whose key it carries, plus the few with no such term.
/// Registration takes a lock; matching reads an immutable snapshot, so many changes can be
/// matched at once from different threads.
public final class ChangeMatcher: Sendable {
    public let schema: Schema
    private let state: Mutex<Snapshot>

    public init(schema: Schema) {
        self.schema = schema
        self.state = Mutex(Snapshot())
    }

    /// Adds or replaces a client, compiling its view of each collection it subscribes to. Work is
    /// proportional to the client's own subscriptions, not to the number of clients.
    public func register(_ client: Client) {
        let compiled = compile(client)
        state.withLock { snapshot in
            snapshot.remove(client.id)
            snapshot.add(compiled)
        }
    }

    public func unregister(_ id: String) {
        state.withLock { $0.remove(id) }
    }

    public var clientCount: Int { state.withLock { $0.slotByID.count } }

    /// The deliveries a change causes, sorted by client id.
    public func match(_ change: Change) -> [Delivery] {
        let snapshot = state.withLock { $0 }
        guard let collection = schema.collection(named: change.collection) ?? schema[change.collection],
              let index = snapshot.indexes[collection.title] else { return [] }
        var candidates = Set(index.unindexed)
        for document in [change.before, change.after].compactMap({ $0 }) {
            for (property, keys) in index.byProperty {
                for key in IndexKey.keys(of: document.value(ofProperty: property)) {
                    if let clients = keys[key] { candidates.formUnion(clients) }
                }
            }
        }
        return deliveries(change, collection.title, candidates, snapshot)
    }

    /// The same answer by testing every client: the reference the index is checked against, and
    /// the baseline of the benchmark.
    public func matchWithoutIndex(_ change: Change) -> [Delivery] {
        let snapshot = state.withLock { $0 }
        guard let collection = schema.collection(named: change.collection) ?? schema[change.collection] else { return [] }
        return deliveries(change, collection.title, Set(snapshot.slotByID.values), snapshot)
    }

    private func deliveries(_ change: Change, _ collection: String, _ candidates: Set<Int>, _ snapshot: Snapshot) -> [Delivery] {
        var out: [Delivery] = []
        for i in candidates {
            guard let client = snapshot.clients[i], let view = client.views[collection] else { continue }
            let before = change.before.map { view.contains($0) } ?? false
            let after = change.after.map { view.contains($0) } ?? false
            switch (before, after) {
            case (false, true): out.append(Delivery(client: client.id, kind: .enter))
            case (true, true): out.append(Delivery(client: client.id, kind: .update))
            case (true, false): out.append(Delivery(client: client.id, kind: .leave))
            case (false, false): break
            }
        }
        return out.sorted { ($0.client, $0.kind) < ($1.client, $1.kind) }
    }

    // MARK: - Compiled state

    struct CompiledClient: Sendable {
        let id: String
        let views: [String: ClientView]
        /// Per collection, the index keys of each subscription (nil: not indexable).
        let keys: [String: [(property: Int, values: [IndexKey])?]]
    }

    struct CollectionIndex: Sendable {
        var byProperty: [Int: [IndexKey: Set<Int>]] = [:]
        var unindexed: Set<Int> = []
    }

    /// Clients in slots (a removed client's slot is reused), and per collection the index from
    /// property values to the slots of the clients whose subscriptions need that value.
    struct Snapshot: Sendable {
        var clients: [CompiledClient?] = []
        var slotByID: [String: Int] = [:]
        var freeSlots: [Int] = []
        var indexes: [String: CollectionIndex] = [:]

        mutating func add(_ client: CompiledClient) {
            let slot = freeSlots.popLast() ?? clients.count
            if slot == clients.count { clients.append(client) } else { clients[slot] = client }
            slotByID[client.id] = slot
            for (collection, keys) in client.keys {
                // One unindexable subscription makes the client a candidate for every change.
                if keys.contains(where: { $0 == nil }) {
                    indexes[collection, default: CollectionIndex()].unindexed.insert(slot)
                    continue
                }
                for key in keys.compactMap({ $0 }) {
                    for value in key.values {
                        indexes[collection, default: CollectionIndex()].byProperty[key.property, default: [:]][value, default: []].insert(slot)
                    }
                }
            }
        }

        mutating func remove(_ id: String) {
            guard let slot = slotByID.removeValue(forKey: id), let client = clients[slot] else { return }
            for (collection, keys) in client.keys {
                indexes[collection]?.unindexed.remove(slot)
                for key in keys.compactMap({ $0 }) {
                    for value in key.values { indexes[collection]?.byProperty[key.property]?[value]?.remove(slot) }
                }
            }
            clients[slot] = nil
            freeSlots.append(slot)
        }
    }

    private func compile(_ client: Client) -> CompiledClient {
        var views: [String: ClientView] = [:]
        var keys: [String: [(property: Int, values: [IndexKey])?]] = [:]
        for collection in schema.collections {
            let subscriptions = client.subscriptions.filter { $0.collection.title == collection.title }
            guard !subscriptions.isEmpty else { continue }
            views[collection.title] = client.view(of: collection)
            keys[collection.title] = subscriptions.map { IndexKey.equalityTerm(of: $0.predicate) }
        }
        return CompiledClient(id: client.id, views: views, keys: keys)
    }
}

/// A value as an index key: numbers that are equal compare equal (`5` and `5.0`).
enum IndexKey: Hashable, Sendable {
    case value(Value)

    static func make(_ v: Value) -> IndexKey {
        switch v {
        case .double(let d): if let i = Int64(exactly: d) { return .value(.int(i)) }
        case .decimal(let d): if let i = d.int64Value { return .value(.int(i)) }
        default: break
        }
        return .value(v)
    }

    /// The keys a document's value is found under (each element of a list).
    static func keys(of v: Value) -> [IndexKey] {
        if case .list(let elements) = v { return elements.map(make) }
        return [make(v)]
    }

    /// An equality term of the top-level AND usable as an index: a property (scalar, or a list
    /// with implied ANY) `==` a constant or a constant list, without `[c]`. Any object the
    /// subscription matches has one of these values in that property, so the index never misses.
    static func equalityTerm(of p: CheckedPredicate) -> (property: Int, values: [IndexKey])? {
        let terms: [CheckedPredicate]
        if case .and(let ps) = p { terms = ps } else { terms = [p] }
        for term in terms {
            guard case .comparison(let c) = term, c.op == .equal, !c.caseInsensitive else { continue }
            for (side, other) in [(c.left, c.right), (c.right, c.left)] {
                guard let property = side.property, side.quantifier == nil || side.quantifier == .any else { continue }
                switch other.kind {
                case .constant(let v) where !(v.isNumeric && isNaN(v)):
                    return (property.index, [make(v)])
                case .list(let vs) where !property.isList && (other.quantifier == nil || other.quantifier == .any) && !vs.contains(where: isNaN):
                    return (property.index, vs.map(make))
                default: continue
                }
            }
        }
        return nil
    }

    private static func isNaN(_ v: Value) -> Bool {
        if case .double(let d) = v { return d.isNaN }
        return false
    }
}
