import Testing
import RQLSyntax
import RQLSemantics
@testable import RQLRuntime
import RQLTesting

/// Index searches must give exactly the scan's answers, whatever the plan: random queries over
/// random documents with an index on every property that can have one.
@Suite struct QueryPlanTests {
    static let indexable = ["_id", "i", "l", "d", "s", "b", "t", "o", "u", "tags", "nums"]

    @Test func indexedPlansAgreeWithTheScan() throws {
        var generator = RandomData(seed: 11)
        let documents = (0..<300).map { generator.document(id: $0) }
        let collection = ColumnarCollection(schema: RandomData.schema, documents: documents)
        let indexes = try CollectionIndexes(collection, properties: Self.indexable)
        var queries = 0, searched = 0, exact = 0, failures: [String] = []
        while queries < 3_000 {
            guard let checked = Checker.check(generator.query(depth: 0), collection: RandomData.schema).query else { continue }
            queries += 1
            let compiled = CompiledQuery(checked)
            let scanned = try compiled.filter(collection)
            // Fraction 1: search whenever an index can serve the query, to test every search.
            let plan = compiled.plan(indexes, rowCount: collection.count, searchedFraction: 1)
            if case .scan = plan.access {} else { searched += 1 }
            if plan.isExact { exact += 1 }
            let viaIndex = try compiled.filter(collection, indexes: indexes, searchedFraction: 1)
            let counted = try compiled.count(in: collection, indexes: indexes, searchedFraction: 1)
            if viaIndex != scanned || counted != scanned.count {
                failures.append("\(CheckedDump.dump(compiled.optimized))\n\(plan)\nscan \(scanned)\nindex \(viaIndex) (count \(counted))")
                if failures.count >= 5 { break }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
        // The generator must reach the searches, exact and not, or this test proves little.
        #expect(searched > queries / 10 && exact > queries / 20, "\(searched) searched, \(exact) exact of \(queries)")
    }

    static let task = CompiledQueryTests.task

    static func plan(_ text: String, _ indexed: [String], rows: Int = 1_000) throws -> QueryPlan {
        let collection = ColumnarCollection(schema: task, documents: [])
        let indexes = try CollectionIndexes(collection, properties: indexed)
        return try CompiledQuery(text, collection: task).plan(indexes, rowCount: rows)
    }

    /// The plans themselves are data: Corpus/stages/planner.rqlt. Here, what depends on which
    /// properties are indexed (the corpus indexes every one).
    @Test func plansSearchOnlyIndexesThatAnswerExactly() throws {
        #expect(try Self.plan(#"owner == "u1""#, []).lines == ["SCAN Task"])
        #expect(try Self.plan(#"owner IN {"a", "b"} OR priority == 3"#, ["owner"]).lines == ["SCAN Task"])
        // What the index cannot answer exactly stays a scan (NOT over a nullable string too).
        for text in [#"owner ==[c] "u1""#, "owner == null", #"NOT status < "b""#, "NOT priority < 3.5", "priority == 2.5", #"owner BEGINSWITH "u""#] {
            #expect(try Self.plan(text, ["owner", "priority", "status"]).lines == ["SCAN Task"], "\(text)")
        }
    }

    /// Found by FuzzLive: `i > -3 AND i BETWEEN {2, 2}` merged into the range (-3, 2], keeping
    /// the first lower bound and the BETWEEN's upper one, and was counted as exact: it found
    /// every i in (-3, 2]. A bound that cannot be placed leaves the range wider than the terms.
    @Test func aRangeWiderThanItsTermsIsNotExact() throws {
        let documents = (1...5).map { CompiledQueryTests.document(Int64($0), "u", Int64($0), nil, []) }
        let collection = ColumnarCollection(schema: Self.task, documents: documents)
        let indexes = try CollectionIndexes(collection, properties: ["priority"])
        for text in ["priority > 0 AND priority BETWEEN {2, 3}", "priority < 9 AND priority BETWEEN {2, 3}",
                     "priority >= 2 AND priority > 1 AND priority <= 3"] {
            let query = try CompiledQuery(text, collection: Self.task)
            #expect(try query.count(in: collection, indexes: indexes, searchedFraction: 1) == 2, "\(text)")
            #expect(try query.filter(collection, indexes: indexes, searchedFraction: 1) == [1, 2], "\(text)")
        }
    }

    @Test func indexErrorsNameTheProperty() {
        let collection = ColumnarCollection(schema: Self.task, documents: [])
        #expect(throws: IndexError.unknownProperty("ownr", collection: "Task", suggestion: "owner")) {
            try CollectionIndexes(collection, properties: ["ownr"])
        }
    }
}
