import Testing
import RQLSyntax
import RQLSemantics
import RQLDocuments
import RQLRuntime

/// Writes as text (`LiveCollection.Write.parse`/`parseLines`): what the corpus's `batch` blocks and
/// the REPL's write commands read.
@Suite struct WriteTextTests {
    typealias Write = LiveCollection.Write
    static let task: ObjectSchema = {
        var schema = Schema()
        let problems = schema.load(#"{"title": "Task", "bsonType": "object", "required": ["_id"], "properties": {"_id": {"bsonType": "int"}, "owner": {"bsonType": "string"}, "tags": {"bsonType": "array", "items": {"bsonType": "string"}}}}"#)
        precondition(problems.isEmpty)
        return schema.collections[0]
    }()

    @Test func eachVerbMakesItsWrite() throws {
        let text = """
            insert {"_id": 1, "owner": "ann"}

            replace {"_id": 1, "tags": ["a"]}
              upsert{"_id": 2}
            update {"_id": 1, "owner": null}
            delete {"_id": 2}
            """
        let writes = try Write.parseLines(text, schema: Self.task).get()
        #expect(writes == [
            .insert(Document(values: [.int(1), .string("ann"), .list([])])),
            .replace(Document(values: [.int(1), .null, .list([.string("a")])])),
            .upsert(Document(values: [.int(2), .null, .list([])])),
            .update(id: .int(1), set: ["owner": .null]),
            .delete(id: .int(2)),
        ])
    }

    /// Every problem is reported, with its line, and its range points into the text.
    @Test func problemsNameTheLineAndPointAtIt() {
        let text = """
            insert {"_id": 1, "owner": 5}
            remove {"_id": 1}
            delete {"owner": "ann"}
            update {"_id": 1, "colour": "red"}
            """
        guard case .failure(let error) = Write.parseLines(text, schema: Self.task) else {
            Issue.record("accepted")
            return
        }
        let found = error.diagnostics.map { d in
            (d.code, String(d.message.prefix(7)), String(decoding: Array(text.utf8)[d.range.start..<d.range.end], as: UTF8.self))
        }
        #expect(found.map(\.0) == [.documentTypeMismatch, .invalidWrite, .invalidWrite, .documentUnknownField])
        #expect(found.map(\.1) == ["line 1:", "line 2:", "line 3:", "line 4:"])
        #expect(found.map(\.2) == ["5", "remove", "{", "\"colour\""])
    }

    @Test func aValueThatIsNotJSONIsAnErrorNotACrash() {
        for bad in ["{", "", "[1]", "{\"_id\": 1} trailing", "\u{0}"] {
            guard case .failure(let error) = Write.parse(.delete, json: bad, schema: Self.task) else {
                Issue.record("accepted \(bad.debugDescription)")
                continue
            }
            #expect(error.diagnostics.hasErrors)
        }
    }
}
