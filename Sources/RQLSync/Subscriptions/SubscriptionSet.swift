import RQL

/// One Flexible Sync subscription: a query on a collection, named or not (realm-core's
/// `Subscription`: the query is kept as the text the client sends).
public struct Subscription: Hashable, Sendable {
    public var name: String?
    public var collection: String
    public var query: String

    public init(name: String? = nil, collection: String, query: String) {
        self.name = name
        self.collection = collection
        self.query = query
    }
}

/// The states of a subscription set version, as the SDKs report them.
public enum SubscriptionSetState: Hashable, Sendable, CustomStringConvertible {
    /// Sent, not yet acknowledged (realm's Uncommitted/Pending/Bootstrapping/AwaitingMark).
    case pending
    /// Accepted: its documents are on the device.
    case complete
    /// Rejected, with the server's message; the previous active set stays active.
    case error(String)
    /// A later version replaced it before it completed.
    case superseded

    public var description: String {
        switch self {
        case .pending: "pending"
        case .complete: "complete"
        case .error(let message): "error: \(message)"
        case .superseded: "superseded"
        }
    }
}

/// One version of a client's subscriptions.
public struct SubscriptionSet: Hashable, Sendable {
    public var version: Int
    public var subscriptions: [Subscription]
    public var state: SubscriptionSetState

    public init(version: Int = 0, subscriptions: [Subscription] = [], state: SubscriptionSetState = .complete) {
        self.version = version
        self.subscriptions = subscriptions
        self.state = state
    }

    /// What the client sends (`SubscriptionSet::to_ext_json`): per collection, the distinct
    /// queries sorted and joined as `(q1) OR (q2)`; `{}` when there are none. Sorting makes the
    /// same subscriptions in another order produce the same text, so the server does no work.
    public var wireForm: String {
        var byCollection: [String: Set<String>] = [:]
        for s in subscriptions { byCollection[s.collection, default: []].insert(s.query) }
        let members = byCollection.keys.sorted().map { collection in
            let queries = byCollection[collection]!.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            return StringLiteral.encode(collection) + ":" + StringLiteral.encode(queries.map { "(\($0))" }.joined(separator: " OR "))
        }
        return "{" + members.joined(separator: ",") + "}"
    }
}

/// An error in editing a subscription set (the SDKs' messages).
public struct SubscriptionError: Error, Hashable, Sendable, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// The subscriptions being edited inside `SubscriptionStore.update`, with the SDKs' rules for
/// duplicates: an unnamed query added twice is stored once; a named and an unnamed copy coexist;
/// a name that exists with another query is an error unless the caller asks to update it.
public struct MutableSubscriptionSet: Sendable {
    public private(set) var subscriptions: [Subscription]

    init(_ subscriptions: [Subscription]) { self.subscriptions = subscriptions }

    /// Adds a subscription (realm-core's `insert_or_assign` with `updateExisting` for a name).
    public mutating func append(_ query: String, on collection: String, name: String? = nil,
                                updateExisting: Bool = false) throws(SubscriptionError) {
        if let name {
            if let i = subscriptions.firstIndex(where: { $0.name == name }) {
                if subscriptions[i].query == query && subscriptions[i].collection == collection { return }
                guard updateExisting else {
                    throw SubscriptionError(message: "A subscription named '\(name)' already exists. If you meant to update the existing subscription please use the `update` method.")
                }
                subscriptions[i].query = query
                subscriptions[i].collection = collection
                return
            }
        } else if subscriptions.contains(where: { $0.name == nil && $0.collection == collection && $0.query == query }) {
            return
        }
        subscriptions.append(Subscription(name: name, collection: collection, query: query))
    }

    /// Replaces the query of the named subscription.
    public mutating func update(named name: String, to query: String) throws(SubscriptionError) {
        guard let i = subscriptions.firstIndex(where: { $0.name == name }) else {
            throw SubscriptionError(message: "Cannot update a non-existent subscription.")
        }
        subscriptions[i].query = query
    }

    @discardableResult
    public mutating func remove(named name: String) -> Bool {
        let before = subscriptions.count
        subscriptions.removeAll { $0.name == name }
        return subscriptions.count != before
    }

    /// Removes every subscription (named or not) with this query on this collection.
    @discardableResult
    public mutating func remove(query: String, on collection: String) -> Bool {
        let before = subscriptions.count
        subscriptions.removeAll { $0.query == query && $0.collection == collection }
        return subscriptions.count != before
    }

    public mutating func removeAll(on collection: String) {
        subscriptions.removeAll { $0.collection == collection }
    }

    public mutating func removeAll(unnamedOnly: Bool = false) {
        subscriptions.removeAll { !unnamedOnly || $0.name == nil }
    }
}

/// A client's subscription sets: the latest version and the active one (the last that
/// completed). Each update makes a new version, validated as the sync server would; a rejected
/// version keeps the previous active set.
public struct SubscriptionStore: Sendable {
    public let schema: Schema
    public let config: SyncConfig
    public private(set) var latest = SubscriptionSet()
    public private(set) var active = SubscriptionSet()
    /// The active subscriptions as the server accepted them, checked once: `activeQueries[i]` is
    /// `active.subscriptions[i]`. Everything that evaluates subscriptions starts from these.
    public private(set) var activeQueries: [CheckedQuery] = []

    public init(schema: Schema, config: SyncConfig) {
        self.schema = schema
        self.config = config
    }

    /// Edits the subscriptions in a block and makes a new, pending version (a pending version
    /// that was never acknowledged is superseded by it).
    @discardableResult
    public mutating func update(_ edit: (inout MutableSubscriptionSet) throws(SubscriptionError) -> Void) throws(SubscriptionError) -> SubscriptionSet {
        var editable = MutableSubscriptionSet(latest.subscriptions)
        try edit(&editable)
        if latest.state == .pending { latest.state = .superseded }
        latest = SubscriptionSet(version: latest.version + 1, subscriptions: editable.subscriptions, state: .pending)
        return latest
    }

    /// The server's answer to the latest version: complete (it becomes active) or error with the
    /// server's message (the previous active set stays active).
    @discardableResult
    public mutating func acknowledge() -> SubscriptionSet {
        guard latest.state == .pending else { return latest }
        switch validate(latest) {
        case .failure(let problem):
            latest.state = .error(problem.message)
        case .success(let queries):
            latest.state = .complete
            active = latest
            activeQueries = queries
        }
        return latest
    }

    /// The subscriptions checked as the server checks them, or the first problem it would report,
    /// in its words.
    func validate(_ set: SubscriptionSet) -> Result<[CheckedQuery], SubscriptionError> {
        var queries: [CheckedQuery] = []
        for s in set.subscriptions {
            guard let collection = schema.lookup(s.collection) else {
                return .failure(SubscriptionError(message: "Client provided query with bad syntax: unknown table \"\(s.collection)\""))
            }
            let result = FlexibleSyncValidator.validate(s.query, collection: collection, config: config)
            guard let query = result.query else {
                return .failure(SubscriptionError(message: "Invalid query: \(result.diagnostics.primaryError?.message ?? "not valid")"))
            }
            queries.append(query)
        }
        return .success(queries)
    }
}
