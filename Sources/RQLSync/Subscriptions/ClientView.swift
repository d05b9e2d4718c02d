import RQL

/// What a client has of one collection, as App Services defines it: the documents that match any
/// of its subscriptions on the collection AND its role's read filter. The one place this rule is
/// written: the change matcher, write checks, the corpus's sync blocks and the REPL's `.view` all
/// build a `ClientView`, optimized and compiled once, and ask it. A class: the matcher hands
/// out one view per candidate client and change, and copying the compiled query's fields
/// took 40% of a match.
public final class ClientView: Sendable {
    /// `(s1 OR s2 OR ...) AND readFilter`, as written from its parts (what `.view` shows).
    public let query: CheckedQuery
    /// The same, optimized and compiled for the VM.
    public let compiled: CompiledQuery

    /// `subscriptions` are the client's checked subscriptions on `collection` (others are
    /// ignored); `readFilter` nil means the role cannot read the collection at all. With
    /// `shapes`, views of one shape (the same subscriptions and filter but for their values)
    /// share one optimization and compilation.
    public init(collection: ObjectSchema, subscriptions: [CheckedQuery], readFilter: CheckedPredicate?, shapes: ShapeCache? = nil) {
        let subscribed = subscriptions.filter { $0.collection.title == collection.title }.map(\.predicate)
        let predicate = readFilter.map { PredicateBuilder.and([PredicateBuilder.or(subscribed), $0]) } ?? .constant(false)
        query = CheckedQuery(collection: collection, predicate: predicate)
        compiled = shapes?.compile(query) ?? CompiledQuery(query)
    }

    public var collection: ObjectSchema { query.collection }

    /// Whether a document is in the view.
    public func contains(_ document: Document) -> Bool { compiled.matches(document) }
}
