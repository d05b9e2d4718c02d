import Testing
import RQLTesting
import RQL
@testable import RQLSync

/// The matcher's anchor index: which anchor a view gets, that no anchor ever misses a document
/// (index, full evaluation and the reference interpreter agree), and that clients leave nothing
/// behind.
@Suite struct MatcherIndexTests {
    static let schema: Schema = {
        var schema = Schema()
        let problems = schema.load("""
            {"title": "Task", "bsonType": "object", "required": ["_id", "owner", "done"],
             "properties": {"_id": {"bsonType": "objectId"}, "owner": {"bsonType": "string"}, "title": {"bsonType": "string"},
              "priority": {"bsonType": "int"}, "score": {"bsonType": "double"}, "due": {"bsonType": "date"},
              "tags": {"bsonType": "array", "items": {"bsonType": "string"}},
              "nums": {"bsonType": "array", "items": {"bsonType": "long"}}, "done": {"bsonType": "bool"}}}
            """)
        precondition(problems.isEmpty, "\(problems)")
        return schema
    }()
    static var task: ObjectSchema { schema.collection(named: "Task")! }

    static func predicate(_ text: String) -> CheckedPredicate {
        guard let query = Checker.check(text, collection: task).query else { preconditionFailure("does not check: \(text)") }
        return query.predicate
    }

    static func property(_ name: String) -> Int { task.properties.firstIndex { $0.name == name }! }

    static func document(_ fields: [String: Value]) -> Document {
        Document(values: task.properties.map { fields[$0.name] ?? ($0.name == "tags" || $0.name == "nums" ? .list([]) : .null) })
    }

    // MARK: - Which anchor a view gets

    @Test func comparisonsAnchorByTheirKind() {
        let owner = Self.property("owner"), priority = Self.property("priority"), title = Self.property("title")
        let score = Self.property("score"), tags = Self.property("tags")
        func anchors(_ text: String) -> [Anchor]? { Anchor.anchors(Self.predicate(text)) }
        #expect(anchors(#"owner == "u1""#) == [.values(property: owner, keys: [.value(.string("u1"))])])
        #expect(anchors(#""x" IN tags"#) == [.values(property: tags, keys: [.value(.string("x"))])])
        #expect(anchors("score == 5.0") == [.values(property: score, keys: [.value(.int(5))])])
        #expect(anchors("priority IN {1, 2, 1}") == [.values(property: priority, keys: [.value(.int(1)), .value(.int(2))])])
        #expect(anchors(#"title BEGINSWITH "Qu""#) == [.prefix(property: title, bytes: Array("Qu".utf8))])
        #expect(anchors("priority >= 4") == [.range(property: priority, lower: .init(value: .int(4), inclusive: true), upper: nil)])
        #expect(anchors("4 > priority") == [.range(property: priority, lower: nil, upper: .init(value: .int(4), inclusive: false))])
        #expect(anchors("priority BETWEEN {1, 3}") == [.range(property: priority, lower: .init(value: .int(1), inclusive: true),
                                                             upper: .init(value: .int(3), inclusive: true))])
        // Not exact, so no anchor.
        #expect(anchors(#"title BEGINSWITH[c] "q""#) == nil)
        #expect(anchors(#"owner ==[c] "u1""#) == nil)
        #expect(anchors(#"owner != "u1""#) == nil)
        #expect(anchors(#"ALL tags == "x""#) == nil)
        #expect(anchors("priority >= null") == nil)
        #expect(anchors("TRUEPREDICATE") == nil)
        #expect(anchors("FALSEPREDICATE") == [])
    }

    @Test func andTakesItsMostSelectiveConjunctAndOrNeedsEveryDisjunct() {
        let owner = Self.property("owner"), priority = Self.property("priority"), title = Self.property("title")
        func anchors(_ text: String) -> [Anchor]? { Anchor.anchors(Self.predicate(text)) }
        #expect(anchors(#"priority >= 4 AND owner == "u1""#) == [.values(property: owner, keys: [.value(.string("u1"))])])
        #expect(anchors(#"done == false AND owner IN {"a", "b"}"#) == [.values(property: owner, keys: [.value(.string("a")), .value(.string("b"))])])
        #expect(anchors(#"priority > 1 AND title BEGINSWITH "Q""#) == [.prefix(property: title, bytes: Array("Q".utf8))])
        #expect(anchors(#"title BEGINSWITH "Q" AND title BEGINSWITH "Qu""#) == [.prefix(property: title, bytes: Array("Qu".utf8))])
        // Two bounds narrow to one range, keeping the tighter of each side.
        #expect(anchors("priority > 1 AND priority <= 5 AND priority >= 1") == [.range(
            property: priority, lower: .init(value: .int(1), inclusive: false), upper: .init(value: .int(5), inclusive: true))])
        #expect(anchors(#"priority > 3 OR title BEGINSWITH "Q""#) == [
            .range(property: priority, lower: .init(value: .int(3), inclusive: false), upper: nil),
            .prefix(property: title, bytes: Array("Q".utf8))])
        #expect(anchors(#"priority > 3 OR NOT (owner == "x")"#) == nil)
        #expect(anchors(#"(priority > 3 OR NOT (owner == "x")) AND owner IN {"a", "b"}"#)
                == [.values(property: owner, keys: [.value(.string("a")), .value(.string("b"))])])
    }

    /// The read filter anchors the view whatever the client subscribes to.
    @Test func theReadFilterAnchorsTheWholeView() {
        let subscriptions = ["priority >= 4", #"title BEGINSWITH "Q""#, "NOT (done == true)"].map {
            CheckedQuery(collection: Self.task, predicate: Self.predicate($0))
        }
        let view = Client(id: "c", subscriptions: subscriptions, readFilters: ["Task": Self.predicate(#"owner == "u1""#)]).view(of: Self.task)
        #expect(Anchor.anchors(view.query.predicate) == [.values(property: Self.property("owner"), keys: [.value(.string("u1"))])])
        let tied = Client(id: "t", subscriptions: [CheckedQuery(collection: Self.task, predicate: Self.predicate(#"owner == "x" AND priority == 1"#))],
                          readFilters: ["Task": Self.predicate(#"owner == "u1""#)]).view(of: Self.task)
        #expect(Anchor.anchors(tied.query.predicate) == [.values(property: Self.property("owner"), keys: [.value(.string("u1"))])])
        let denied = Client(id: "d", subscriptions: subscriptions, readFilters: ["Task": .none]).view(of: Self.task)
        #expect(Anchor.anchors(denied.query.predicate) == [])
    }

    // MARK: - The index never misses

    static let owners = ["a", "b", "c"]

    /// Random clients from `shapes` and `filters` (`%o` owner, `%i` small int, `%f` double, `%d`
    /// date seconds, `%p` prefix, `%t` tag) and random changes: the indexed answer equals the full
    /// evaluation and the reference interpreter's.
    func agree(shapes: [String], filters: [String?], seed: UInt64, clients: Int = 150, changes: Int = 400) {
        var rng = SplitMix64(seed: seed)
        let doubles = ["5", "5.0", "2.5", "-0.0", "0", "-1.5"], prefixes = ["Q", "Qu", "Qui", "a", "é", "Quick"]
        func fill(_ shape: String) -> String {
            var out = shape
            for (token, choices) in [("%o", Self.owners), ("%i", (0...5).map(String.init)), ("%f", doubles),
                                     ("%d", (0...5).map { "T\($0):0" }), ("%p", prefixes), ("%t", ["x", "y", "z"])] {
                while let r = out.range(of: token) { out.replaceSubrange(r, with: choices[rng.below(choices.count)]) }
            }
            return out
        }
        var model = MatcherModel(schema: Self.schema)
        for i in 0..<clients {
            let subscriptions = (0..<(1 + rng.below(3))).map { _ in
                CheckedQuery(collection: Self.task, predicate: Self.predicate(fill(shapes[rng.below(shapes.count)])))
            }
            let filter = filters[rng.below(filters.count)].map { Self.predicate(fill($0)) }
            model.register(Client(id: "c\(i)", subscriptions: subscriptions, readFilters: ["Task": filter]))
        }
        let titles: [Value] = [.null, .string(""), .string("Q"), .string("Qu"), .string("Quick"), .string("quick"),
                               .string("Qi"), .string("éa"), .string("a")]
        let scores: [Value] = [.null, .double(.nan), .double(5), .double(2.5), .double(-0.0), .double(-1.5), .double(7)]
        func randomDocument(_ id: UInt64) -> Document {
            Self.document([
                "_id": .objectId(ObjectId(high: id, low: 0)), "owner": .string(Self.owners[rng.below(3)]),
                "title": titles[rng.below(titles.count)],
                "priority": rng.below(6) == 0 ? .null : .int(Int64(rng.below(7)) - 1),
                "score": scores[rng.below(scores.count)],
                "due": rng.below(6) == 0 ? .null : .timestamp(Timestamp(seconds: Int64(rng.below(7)) - 1, nanoseconds: 0)),
                "tags": .list((0..<rng.below(3)).map { _ in .string(["x", "y", "z"][rng.below(3)]) }),
                "nums": .list((0..<rng.below(3)).map { _ in .int(Int64(rng.below(6))) }),
                "done": .bool(rng.below(2) == 0),
            ])
        }
        for n in 0..<changes {
            let before = randomDocument(UInt64(n)), after = randomDocument(UInt64(n))
            let change: Change = [.insert(collection: "Task", after: after), .update(collection: "Task", before: before, after: after),
                                  .delete(collection: "Task", before: before)][rng.below(3)]
            // The index, the full evaluation and the reference interpreter's view all agree.
            let report = model.disagreement(change)
            #expect(report == nil, "change \(n): \(report ?? "")")
            if report != nil { break }
        }
    }

    @Test func valueAnchorsNeverMiss() {
        agree(shapes: [#"owner == "%o""#, #"owner IN {"%o", "%o"}"#, #""%t" IN tags"#, #"ANY tags == "%t""#, "%i IN nums",
                       "score == %f", "score IN {%f, %f}", "priority == %i", "priority == null", "priority IN {%i, 2.0}",
                       "done == false", "score == 5 AND done == true", #"tags == {"x", "y"}"#, "nums == {}"],
              filters: [#"owner == "%o""#, "TRUEPREDICATE", "FALSEPREDICATE", nil, #"owner IN {"%o", "%o"}"#, "priority == %i"],
              seed: 21)
    }

    @Test func prefixAnchorsNeverMiss() {
        agree(shapes: [#"title BEGINSWITH "%p""#, #"title BEGINSWITH "%p" AND done == false"#, #"title BEGINSWITH[c] "%p""#,
                       #"title BEGINSWITH "%p" OR title BEGINSWITH "%p""#, #"title == "%p""#],
              filters: [#"title BEGINSWITH "%p""#, "TRUEPREDICATE", #"owner == "%o""#],
              seed: 22)
    }

    @Test func rangeAnchorsNeverMiss() {
        agree(shapes: ["priority >= %i", "priority > %i", "priority < %i", "priority <= %i", "%i < priority", "%i >= priority",
                       "priority BETWEEN {%i, %i}", "priority > %i AND priority <= %i", "priority >= %i AND priority < %i",
                       "score > %f", "score >= %f", "score < %f", "score <= %f", "score < %i", "score <= %i", "score > %i",
                       "score BETWEEN {%f, %f}", "due > %d", "due <= %d", "due BETWEEN {%d, %d}", "due >= %d AND due < %d",
                       #"priority > %i OR title BEGINSWITH "%p""#],
              filters: ["TRUEPREDICATE", "priority >= %i", "score < %i", #"owner == "%o""#, "due > %d"],
              seed: 23)
    }

    /// All kinds at once, several seeds.
    @Test(arguments: [31, 32, 33] as [UInt64]) func mixedAnchorsNeverMiss(seed: UInt64) {
        agree(shapes: [#"owner == "%o""#, "priority >= %i", #"title BEGINSWITH "%p""#, #"score == %f OR "%t" IN tags"#,
                       "NOT (priority > %i)", "score < %i AND due > %d"],
              filters: [#"owner == "%o""#, "TRUEPREDICATE", "priority >= %i", nil],
              seed: seed, clients: 100, changes: 200)
    }

    // MARK: - Registration

    /// A client registered, replaced and removed leaves no index entry behind.
    @Test func removedClientsLeaveNoEntries() {
        let matcher = ChangeMatcher(schema: Self.schema)
        let shapes = [#"owner == "a""#, "priority >= 3", "priority > 1 AND priority < 4", "3 > priority", #"title BEGINSWITH "Qu""#,
                      #"title BEGINSWITH "Q" OR "x" IN tags"#, "NOT (done == true)", "score BETWEEN {1, 2.5}"]
        let filters: [CheckedPredicate?] = [Self.predicate(#"owner == "b""#), .constant(true), nil, Self.predicate("priority <= 2")]
        func client(_ i: Int, _ variant: Int) -> Client {
            Client(id: "c\(i)",
                   subscriptions: [CheckedQuery(collection: Self.task, predicate: Self.predicate(shapes[(i + variant) % shapes.count])),
                                   CheckedQuery(collection: Self.task, predicate: Self.predicate(shapes[(i * 3 + variant) % shapes.count]))],
                   readFilters: ["Task": filters[(i + variant) % filters.count]])
        }
        for i in 0..<40 { matcher.register(client(i, 0)) }
        #expect(matcher.indexEntryCount > 0)
        for i in 0..<40 where i % 2 == 0 { matcher.register(client(i, 1)) }
        #expect(matcher.clientCount == 40)
        for i in 0..<40 { matcher.unregister("c\(i)") }
        #expect(matcher.clientCount == 0)
        #expect(matcher.indexEntryCount == 0)
    }
}
