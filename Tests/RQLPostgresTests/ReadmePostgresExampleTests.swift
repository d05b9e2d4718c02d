import Foundation
import RQL
import RQLPostgres
import RQLSQL
import Testing

/// The README's PostgreSQL example, verbatim but for the URL (the test server's) and a fresh schema,
/// so it cannot rot.
@Suite("README: PostgreSQL", .enabled(if: TestDatabase.isConfigured, "RQL_TEST_DATABASE is not set"))
struct ReadmePostgresExampleTests {
    @Test func theExampleRuns() async throws {
        var schema = Schema()
        #expect(schema.load(#"""
            {"title": "Task", "bsonType": "object", "required": ["_id", "owner"],
             "properties": {"_id": {"bsonType": "int"}, "owner": {"bsonType": "string"},
                            "status": {"bsonType": "string"}, "priority": {"bsonType": "int"},
                            "tags": {"bsonType": "array", "items": {"bsonType": "string"}}}}
            """#).isEmpty)
        let task = try #require(schema.collection(named: "Task"))
        let (documents, loadErrors) = DocumentLoader.load("""
            {"_id": 1, "owner": "u1", "status": "open", "priority": 3, "tags": ["urgent"]}
            {"_id": 2, "owner": "u2", "status": "late", "priority": 1, "tags": []}
            """, schema: task)
        #expect(loadErrors.isEmpty)
        let schemaName = "rqlkit_readme_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        var matched: [Value] = []

        // --- README: PostgreSQL ---
        let database = try await PostgresDatabase.connect(to: try DatabaseURL(TestDatabase.urlText ?? ""))
        try await database.createSchema(schemaName)
        try await database.installFunctions()                   // the rqlkit.* helpers, once per database
        let layout = try TableLayout(task)
        try await database.load(documents, into: layout, createTable: true, indexes: layout.suggestedIndexes())
        if let checked = Checker.check(#"owner == "u1" AND status IN {"open", "late"}"#, collection: task).query {
            let query = try SQLTranslator.translate(Optimizer.optimize(checked))  // or UnsupportedInSQL, naming the construct
            print(query.selectIDs, query.parameters)            // the SQL and its $1, $2, ... as text
            print(try await database.matchingIDs(query))        // [1]
            matched = try await database.matchingIDs(query)
        }
        try await database.dropSchema(schemaName)
        await database.close()
        // --- end ---

        #expect(matched == [.int(1)])
    }
}
