import Testing
import RQLSyntax
import RQLSemantics
import RQLDocuments
import RQLRuntime

/// The README's embedding example, verbatim, so it cannot rot.
@Suite struct ReadmeExampleTests {
    @Test func embeddingExampleRuns() throws {
        // --- README: Embedding ---
        var schema = Schema()
        let problems = schema.load(#"""
            {"title": "Task", "bsonType": "object", "required": ["_id", "owner"],
             "properties": {"_id": {"bsonType": "int"}, "owner": {"bsonType": "string"},
                            "status": {"bsonType": "string"}, "priority": {"bsonType": "int"},
                            "tags": {"bsonType": "array", "items": {"bsonType": "string"}}}}
            """#)
        precondition(problems.isEmpty, "\(problems)")
        let task = schema.collection(named: "Task")!

        // Documents from MongoDB Extended JSON (one per line, as mongoexport writes them).
        let (documents, loadErrors) = DocumentLoader.load("""
            {"_id": 1, "owner": "u1", "status": "open", "priority": 3, "tags": ["urgent"]}
            {"_id": 2, "owner": "u2", "status": "late", "priority": 1, "tags": []}
            """, schema: task)
        precondition(loadErrors.isEmpty, "\(loadErrors)")
        let tasks = ColumnarCollection(schema: task, documents: documents)  // laid out for the VM

        // Compile once (parse, check, optimize, compile), run many times, from many threads.
        let query = try CompiledQuery(#"owner == $0 AND status IN {"open", "late"}"#, collection: task, arguments: [.string("u1")])
        print(try query.count(in: tasks))             // 1
        print(try query.filter(tasks))                // [0]: row indexes
        print(query.program.listing)                  // the bytecode, EXPLAIN-style

        // Secondary indexes: the planner searches one when it finds few enough objects (here
        // half of two: a scan), and the program checks what a search finds.
        let indexes = try CollectionIndexes(tasks, properties: ["owner"])
        print(try query.count(in: tasks, indexes: indexes))  // 1
        print(query.plan(indexes, rowCount: tasks.count))    // SCAN Task

        // Your own Swift types, without converting them: names are resolved once.
        struct MyTask { var owner: String; var priority: Int }
        let mapping = try ObjectMapping<MyTask>(schema: task, [
            "owner": { .string($0.owner) },
            "priority": { .int(Int64($0.priority)) },
        ])
        let busy = try CompiledQuery("priority > 2", collection: task)
        print(try busy.filter([MyTask(owner: "a", priority: 5), MyTask(owner: "b", priority: 1)], using: mapping).map(\.owner))  // ["a"]

        // A Flexible Sync subscription, judged as the sync server would.
        let config = SyncConfig(queryableFields: ["owner"], indexedQueryableFields: ["owner"])
        let verdict = FlexibleSyncValidator.validate(#"status == "open""#, collection: task, config: config)
        print(DiagnosticRenderer().render(verdict.diagnostics, source: #"status == "open""#))
        // error[RQL4003]: invalid match expression for table "Task": key "status" is not a queryable field
        // --- end ---

        #expect(try query.count(in: tasks) == 1)
        #expect(try query.filter(tasks) == [0])
        #expect(try busy.filter([MyTask(owner: "a", priority: 5), MyTask(owner: "b", priority: 1)], using: mapping).map(\.owner) == ["a"])
        #expect(verdict.diagnostics.errors.map(\.code) == [.fieldNotQueryable, .indexedFieldNotUsed])

        // --- README: Live collections ---
        let live = try LiveCollection(schema: task)         // a schema without _id is refused
        try live.insert(contentsOf: documents)
        try live.update(id: .int(2), set: ["owner": .string("u1")])
        try live.apply([.delete(id: .int(1)),                // a batch: all of it or none of it
                        .upsert(Document(values: [.int(3), .string("u1"), .string("late"), .null, .list([])]))])
        let now = live.snapshot()                           // O(segments); later writes do not show in it
        print(try query.count(in: now))                     // 2
        print(try query.ids(in: now))                       // _id 2 and 3
        // --- end ---

        #expect(try query.count(in: now) == 2)
        #expect(try query.ids(in: now) == [.int(2), .int(3)])
        try live.delete(id: .int(3))
        #expect(try query.count(in: now) == 2 && query.count(in: live) == 1)
    }
}
