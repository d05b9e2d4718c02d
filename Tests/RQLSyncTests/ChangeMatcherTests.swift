import Dispatch
import Foundation
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

    @Test func entersUpdatesAndLeaves() throws {
        let matcher = ChangeMatcher(schema: Self.schema)
        matcher.register(Client(id: "alice", subscriptions: [Self.query(#"owner == "alice" AND status != "done""#)]))
        matcher.register(Client(id: "bob", subscriptions: [Self.query(#""urgent" IN tags"#)]))
        let open = Self.doc(1, "alice", "open", 3)
        let urgent = Self.doc(1, "alice", "open", 3, ["urgent"])
        let done = Self.doc(1, "alice", "done", 3, ["urgent"])
        #expect(try matcher.match(.insert(collection: "Task", after: open)).map(\.description) == ["alice enter"])
        #expect(try matcher.match(.update(collection: "Task", before: open, after: urgent)).map(\.description) == ["alice update", "bob enter"])
        #expect(try matcher.match(.update(collection: "Task", before: urgent, after: done)).map(\.description) == ["alice leave", "bob update"])
        #expect(try matcher.match(.delete(collection: "Task", before: done)).map(\.description) == ["bob leave"])
    }

    @Test func clientsCanBeReplacedAndRemoved() throws {
        let matcher = ChangeMatcher(schema: Self.schema)
        matcher.register(Client(id: "a", subscriptions: [Self.query(#"owner == "x""#)]))
        matcher.register(Client(id: "b", subscriptions: [Self.query(#"owner == "x""#)]))
        let insert = Change.insert(collection: "Task", after: Self.doc(1, "x", "open", 1))
        #expect(try matcher.match(insert).map(\.client) == ["a", "b"])
        matcher.register(Client(id: "a", subscriptions: [Self.query(#"owner == "y""#)]))
        #expect(try matcher.match(insert).map(\.client) == ["b"])
        matcher.unregister("b")
        #expect(try matcher.match(insert).isEmpty)
        matcher.register(Client(id: "c", subscriptions: [Self.query("priority > 0")]))
        #expect(try matcher.match(insert).map(\.client) == ["c"])
        #expect(matcher.clientCount == 2)
    }

    @Test func readFiltersLimitTheView() throws {
        let matcher = ChangeMatcher(schema: Self.schema)
        matcher.register(Client(id: "c", subscriptions: [Self.query("priority > 1")],
                                readFilters: ["Task": Self.filter(#"owner == "carol""#)]))
        matcher.register(Client(id: "none", subscriptions: [Self.query("TRUEPREDICATE")],
                                readFilters: ["Task": .none]))
        #expect(try matcher.match(.insert(collection: "Task", after: Self.doc(1, "dave", "open", 5))).isEmpty)
        #expect(try matcher.match(.insert(collection: "Task", after: Self.doc(2, "carol", "open", 5))).map(\.description) == ["c enter"])
    }

    /// Random clients, filters and changes on Task, with the shapes subscriptions take in practice:
    /// the matcher, with its index and testing every client, answers as `MatcherModel` does (the
    /// definition on the reference interpreter), so no document outside a client's read filter
    /// is ever reported to it.
    @Test func indexAgreesWithBruteForceAndReadFiltersHold() throws {
        var rng = SplitMix64(seed: 11)
        let owners = ["a", "b", "c", "d"], statuses = ["open", "done", "late"], tagNames = ["x", "y", "urgent"]
        var model = MatcherModel(schema: Self.schema)
        let subscriptionShapes = [#"owner == "%o""#, #"owner == "%o" AND status IN {"open", "late"}"#, #""%t" IN tags"#,
                                  "priority > %p", #"status == "%s" OR priority == %p"#, "TRUEPREDICATE", #"owner IN {"%o", "a"}"#]
        for i in 0..<300 {
            var texts: [String] = []
            for _ in 0..<(1 + rng.below(3)) {
                let shape = subscriptionShapes[rng.below(subscriptionShapes.count)]
                texts.append(shape.replacingOccurrences(of: "%o", with: owners[rng.below(4)])
                    .replacingOccurrences(of: "%s", with: statuses[rng.below(3)])
                    .replacingOccurrences(of: "%t", with: tagNames[rng.below(3)])
                    .replacingOccurrences(of: "%p", with: String(rng.below(5))))
            }
            let filterText = [#"owner == "\#(owners[rng.below(4)])""#, "priority >= 2", "TRUEPREDICATE", "FALSEPREDICATE"][rng.below(4)]
            model.register(Client(id: "c\(i)", subscriptions: texts.map(Self.query), readFilters: ["Task": Self.filter(filterText)]),
                           description: "\(texts); read filter \(filterText)")
        }
        func randomDoc(_ id: UInt64) -> Document {
            Self.doc(id, owners[rng.below(4)], rng.below(5) == 0 ? nil : statuses[rng.below(3)],
                     rng.below(5) == 0 ? nil : Int64(rng.below(5)), (0..<rng.below(3)).map { _ in tagNames[rng.below(3)] })
        }
        var delivered = 0
        for n in 0..<400 {
            let before = randomDoc(UInt64(n)), after = randomDoc(UInt64(n))
            let change: Change = [.insert(collection: "Task", after: after), .update(collection: "Task", before: before, after: after),
                                  .delete(collection: "Task", before: before)][rng.below(3)]
            let report = model.disagreement(change)
            #expect(report == nil, "change \(n): \(report ?? "")")
            if report != nil { break }
            delivered += try model.matcher.match(change).count
        }
        // Not vacuous: a good share of the 300 clients see each change.
        #expect(delivered > 400 * 20)
    }

    /// The FuzzMatcher harness, seeded: random clients (generated queries, read filters or none,
    /// replaced and removed) and changes over `RandomData.schema`, each change answered as the
    /// model answers it.
    @Test(arguments: [1, 1 << 24, 2 << 24, 3 << 24] as [UInt64])
    func randomOperationsGetTheModelsAnswer(seed: UInt64) {
        var generator = RandomData(seed: seed)
        var model = MatcherModel.overRandomData()
        let report = model.run(&generator, operations: 1000...1000)
        #expect(report == nil, "\(report ?? "")")
        // Not vacuous: every kind of delivery happened, and the index holds clients.
        for kind in [DeliveryKind.enter, .update, .leave] { #expect(model.delivered[kind, default: 0] > 20, "\(kind)") }
        #expect(model.matcher.indexEntryCount > 0)
    }

    /// Every input kept in Tests/Fuzz/regressions/FuzzMatcher, through the fuzz target's harness.
    @Test func fuzzRegressionsGetTheModelsAnswer() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/regressions/FuzzMatcher")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        for name in names {
            let report = MatcherModel.run(input: try Array(Data(contentsOf: folder.appendingPathComponent(name))))
            #expect(report == nil, "\(name): \(report ?? "")")
        }
        #expect(names.count >= 1)
    }

    @Test func matchesConcurrently() throws {
        let matcher = ChangeMatcher(schema: Self.schema)
        for i in 0..<50 {
            matcher.register(Client(id: "c\(i)", subscriptions: [Self.query(#"owner == "o\#(i % 5)""#)]))
        }
        let change = Change.insert(collection: "Task", after: Self.doc(1, "o3", "open", 1))
        let expected = try matcher.match(change)
        #expect(expected.count == 10)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<50 { precondition((try? matcher.match(change)) == expected) }
        }
    }

    /// The compiled views assume every value has its property's type, so a change is checked
    /// first; a refused one delivers nothing and leaves the clients as they were.
    @Test func changesThatDoNotFitTheSchemaAreRefused() throws {
        let matcher = ChangeMatcher(schema: Self.schema)
        matcher.register(Client(id: "c", subscriptions: [Self.query(#"owner == "o1""#)]))
        let good = Self.doc(1, "o1", "open", 1)
        var wrongType = good
        wrongType.values[1] = .int(7)
        #expect(throws: ChangeError.unknownCollection("Nope")) { try matcher.match(.insert(collection: "Nope", after: good)) }
        do {
            _ = try matcher.match(.update(collection: "Task", before: good, after: wrongType))
            Issue.record("a document with an int owner was matched")
        } catch {
            #expect(error.description.hasPrefix("the after document does not fit 'Task': field 'owner'"), "\(error)")
        }
        #expect(throws: ChangeError.self) { try matcher.matchWithoutIndex(.delete(collection: "Task", before: Document(values: []))) }
        #expect(try matcher.match(.insert(collection: "Task", after: good)).map(\.description) == ["c enter"])
    }
}

