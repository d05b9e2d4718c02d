import Dispatch
import Testing
import RQLTesting
import RQL
@testable import RQLSync

/// The change matcher: who must receive a changed document.
@Suite struct ChangeMatcherTests {
    static let schema = SubscriptionTests.schema
    static var task: ObjectSchema { schema.collection(named: "Task")! }

    static func doc(_ id: UInt64, _ owner: String, _ status: String?, _ priority: Int64?, _ tags: [String] = []) -> Document {
        Document(values: [.objectId(ObjectId(high: id, low: 0)), .string(owner), status.map(Value.string) ?? .null,
                          priority.map(Value.int) ?? .null, .null, .list(tags.map(Value.string))])
    }

    static func filter(_ text: String) -> CheckedPredicate? {
        Checker.check(text, collection: task).query?.predicate
    }

    /// Every field queryable and none indexed, so that any shape is a valid subscription.
    static let config = SyncConfig(queryableFields: ["owner", "status", "priority", "tags"])

    /// A subscription on Task, checked as the subscription store checks it.
    static func query(_ text: String) -> CheckedQuery {
        guard let query = FlexibleSyncValidator.validate(text, collection: task, config: Self.config).query else {
            preconditionFailure("not a valid subscription: \(text)")
        }
        return query
    }

    @Test func entersUpdatesAndLeaves() {
        let matcher = ChangeMatcher(schema: Self.schema)
        matcher.register(Client(id: "alice", subscriptions: [Self.query(#"owner == "alice" AND status != "done""#)]))
        matcher.register(Client(id: "bob", subscriptions: [Self.query(#""urgent" IN tags"#)]))
        let open = Self.doc(1, "alice", "open", 3)
        let urgent = Self.doc(1, "alice", "open", 3, ["urgent"])
        let done = Self.doc(1, "alice", "done", 3, ["urgent"])
        #expect(matcher.match(.insert(collection: "Task", after: open)).map(\.description) == ["alice enter"])
        #expect(matcher.match(.update(collection: "Task", before: open, after: urgent)).map(\.description) == ["alice update", "bob enter"])
        #expect(matcher.match(.update(collection: "Task", before: urgent, after: done)).map(\.description) == ["alice leave", "bob update"])
        #expect(matcher.match(.delete(collection: "Task", before: done)).map(\.description) == ["bob leave"])
    }

    @Test func clientsCanBeReplacedAndRemoved() {
        let matcher = ChangeMatcher(schema: Self.schema)
        matcher.register(Client(id: "a", subscriptions: [Self.query(#"owner == "x""#)]))
        matcher.register(Client(id: "b", subscriptions: [Self.query(#"owner == "x""#)]))
        let insert = Change.insert(collection: "Task", after: Self.doc(1, "x", "open", 1))
        #expect(matcher.match(insert).map(\.client) == ["a", "b"])
        matcher.register(Client(id: "a", subscriptions: [Self.query(#"owner == "y""#)]))
        #expect(matcher.match(insert).map(\.client) == ["b"])
        matcher.unregister("b")
        #expect(matcher.match(insert).isEmpty)
        matcher.register(Client(id: "c", subscriptions: [Self.query("priority > 0")]))
        #expect(matcher.match(insert).map(\.client) == ["c"])
        #expect(matcher.clientCount == 2)
    }

    @Test func readFiltersLimitTheView() {
        let matcher = ChangeMatcher(schema: Self.schema)
        matcher.register(Client(id: "c", subscriptions: [Self.query("priority > 1")],
                                readFilters: ["Task": Self.filter(#"owner == "carol""#)]))
        matcher.register(Client(id: "none", subscriptions: [Self.query("TRUEPREDICATE")],
                                readFilters: ["Task": .none]))
        #expect(matcher.match(.insert(collection: "Task", after: Self.doc(1, "dave", "open", 5))).isEmpty)
        #expect(matcher.match(.insert(collection: "Task", after: Self.doc(2, "carol", "open", 5))).map(\.description) == ["c enter"])
    }

    /// Random clients, filters and changes: the index never changes the answer, and no document
    /// outside a client's read filter is ever reported to it.
    @Test func indexAgreesWithBruteForceAndReadFiltersHold() {
        var rng = SplitMix64(seed: 11)
        let owners = ["a", "b", "c", "d"], statuses = ["open", "done", "late"], tagNames = ["x", "y", "urgent"]
        let matcher = ChangeMatcher(schema: Self.schema)
        var filters: [String: CheckedQuery?] = [:]
        var subscriptions: [String: [CheckedQuery]] = [:]
        let subscriptionShapes = [#"owner == "%o""#, #"owner == "%o" AND status IN {"open", "late"}"#, #""%t" IN tags"#,
                                  "priority > %p", #"status == "%s" OR priority == %p"#, "TRUEPREDICATE", #"owner IN {"%o", "a"}"#]
        for i in 0..<300 {
            var subs: [CheckedQuery] = []
            for _ in 0..<(1 + rng.below(3)) {
                let shape = subscriptionShapes[rng.below(subscriptionShapes.count)]
                let query = shape.replacingOccurrences(of: "%o", with: owners[rng.below(4)])
                    .replacingOccurrences(of: "%s", with: statuses[rng.below(3)])
                    .replacingOccurrences(of: "%t", with: tagNames[rng.below(3)])
                    .replacingOccurrences(of: "%p", with: String(rng.below(5)))
                subs.append(Self.query(query))
            }
            let filterText = [#"owner == "\#(owners[rng.below(4)])""#, "priority >= 2", "TRUEPREDICATE", "FALSEPREDICATE"][rng.below(4)]
            let filter = Self.filter(filterText)
            filters["c\(i)"] = filter.map { CheckedQuery(collection: Self.task, predicate: $0) }
            subscriptions["c\(i)"] = subs
            matcher.register(Client(id: "c\(i)", subscriptions: subs, readFilters: ["Task": filter]))
        }
        func randomDoc(_ id: UInt64) -> Document {
            Self.doc(id, owners[rng.below(4)], rng.below(5) == 0 ? nil : statuses[rng.below(3)],
                     rng.below(5) == 0 ? nil : Int64(rng.below(5)), (0..<rng.below(3)).map { _ in tagNames[rng.below(3)] })
        }
        var violations: [String] = []
        for n in 0..<400 {
            let before = randomDoc(UInt64(n)), after = randomDoc(UInt64(n))
            let change: Change = [.insert(collection: "Task", after: after), .update(collection: "Task", before: before, after: after),
                                  .delete(collection: "Task", before: before)][rng.below(3)]
            let indexed = matcher.match(change)
            let everyone = matcher.matchWithoutIndex(change)
            #expect(indexed.map(\.description) == everyone.map(\.description), "change \(n)")
            // The oracle: each client's view evaluated by the reference interpreter.
            func inView(_ client: String, _ d: Document?) -> Bool {
                guard let d, let filter = filters[client] ?? nil else { return false }
                return subscriptions[client]!.contains { Interpreter.matches($0, d) } && Interpreter.matches(filter, d)
            }
            let expected = subscriptions.keys.sorted().compactMap { client -> String? in
                switch (inView(client, change.before), inView(client, change.after)) {
                case (false, true): "\(client) enter"
                case (true, true): "\(client) update"
                case (true, false): "\(client) leave"
                case (false, false): nil
                }
            }
            #expect(indexed.map(\.description) == expected, "change \(n)")
            if indexed != everyone || indexed.map(\.description) != expected { break }
            for d in indexed {
                let shown = d.kind == .leave ? before : after
                guard let filter = filters[d.client] ?? nil, Interpreter.matches(filter, shown) else {
                    violations.append("\(d) for \(shown)")
                    continue
                }
            }
        }
        #expect(violations.count == 0, "\(violations.count) deliveries outside the read filter, e.g. \(violations.prefix(3))")
    }

    @Test func matchesConcurrently() {
        let matcher = ChangeMatcher(schema: Self.schema)
        for i in 0..<50 {
            matcher.register(Client(id: "c\(i)", subscriptions: [Self.query(#"owner == "o\#(i % 5)""#)]))
        }
        let change = Change.insert(collection: "Task", after: Self.doc(1, "o3", "open", 1))
        let expected = matcher.match(change)
        #expect(expected.count == 10)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<50 { precondition(matcher.match(change) == expected) }
        }
    }
}

