import Testing
import RQLSyntax
import RQLSemantics
import RQLDocuments
import RQLRuntime

/// The code of the DocC articles (`Sources/RQL/RQL.docc`), so that it keeps compiling and giving
/// what the articles say.
@Suite struct DocumentationExampleTests {
    @Test func theLandingPageExample() throws {
        var schema = Schema()
        let problems = schema.load(#"{"title": "Task", "bsonType": "object", "required": ["_id"], "properties": {"_id": {"bsonType": "int"}, "owner": {"bsonType": "string"}}}"#)
        #expect(problems.isEmpty)
        let task = schema.collection(named: "Task")!
        let tasks = try LiveCollection(schema: task)
        try tasks.insert(contentsOf: DocumentLoader.load(#"{"_id": 1, "owner": "u1"}"#, schema: task).documents)
        let query = try CompiledQuery(#"owner == "u1""#, collection: task)
        #expect(try query.count(in: tasks.snapshot()) == 1)
    }

    @Test func gettingStartedAndEmbedding() throws {
        var schema = Schema()
        let problems = schema.load(#"""
            {"title": "Task", "bsonType": "object", "required": ["_id", "owner"],
             "properties": {"_id": {"bsonType": "int"}, "owner": {"bsonType": "string"},
                            "priority": {"bsonType": "int"},
                            "tags": {"bsonType": "array", "items": {"bsonType": "string"}}}}
            """#)
        guard !problems.hasErrors, let task = schema.collection(named: "Task") else { fatalError(DiagnosticRenderer().render(problems, source: "")) }
        let (documents, loadProblems) = DocumentLoader.load("""
            {"_id": 1, "owner": "u1", "priority": 3, "tags": ["urgent"]}
            {"_id": 2, "owner": "u2", "tags": []}
            """, schema: task)
        #expect(loadProblems.isEmpty)
        do throws(QueryError) {
            let urgent = try CompiledQuery(#""urgent" IN tags AND priority >= $0"#, collection: task, arguments: [.int(2)])
            #expect(urgent.matches(documents[0]))
        } catch {
            Issue.record("\(DiagnosticRenderer().render(error.diagnostics, source: error.source))")
        }

        let tasks = try LiveCollection(schema: task)
        try tasks.insert(contentsOf: documents)
        try tasks.update(id: .int(2), set: ["owner": .string("u1")])
        try tasks.apply([.delete(id: .int(1)), .upsert(Document(values: [.int(3), .string("u1"), .null, .list([])]))])
        #expect(try LiveCollection.Write.parseLines("update {\"_id\": 2, \"priority\": 5}", schema: task).get() == [.update(id: .int(2), set: ["priority": .int(5)])])

        let now = tasks.snapshot()
        let query = try CompiledQuery(#"owner == "u1""#, collection: task)
        #expect(try query.count(in: now) == 2)
        #expect(try query.ids(in: now) == [.int(2), .int(3)])

        try tasks.createIndex(on: "owner")
        let rare = try CompiledQuery(#"owner == "u9""#, collection: task)
        #expect(rare.plan(in: tasks.snapshot()).description == "SEARCH Task USING INDEX owner (owner=?)")
        #expect(query.plan(in: tasks.snapshot()).description == "SCAN Task")
    }
}
