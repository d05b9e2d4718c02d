import Foundation
import Testing
import RQLSyntax
import RQLSemantics
import RQLDocuments
@testable import RQLRuntime

/// `ColumnarCollection.load` streams documents into columns without keeping them: the rows it
/// gives back, and what queries find in them, are those of the documents the loader reads.
@Suite struct ColumnarLoadTests {
    static let schema: ObjectSchema = {
        var schema = Schema()
        let d = schema.load("""
            {"title": "Item", "bsonType": "object", "required": ["_id", "name"],
             "properties": {"_id": {"bsonType": "long"}, "name": {"bsonType": "string"}, "score": {"bsonType": "double"},
               "active": {"bsonType": "bool"}, "tags": {"bsonType": "array", "items": {"bsonType": "string"}},
               "nums": {"bsonType": "array", "items": {"bsonType": ["int", "null"]}}, "created": {"bsonType": "date"},
               "oid": {"bsonType": "objectId"}, "u": {"bsonType": "uuid"}, "dec": {"bsonType": "decimal"},
               "bin": {"bsonType": "binData"}, "ds": {"bsonType": "array", "items": {"bsonType": "double"}},
               "addr": {"bsonType": "object", "properties": {"street": {"bsonType": "string"}}}}}
            """)
        precondition(d.isEmpty)
        return schema["Item"]!
    }()

    static let text = #"""
        {"_id": 1, "name": "a", "score": 1.5, "active": true, "tags": ["x", "y"], "nums": [1, null], "created": {"$date": "2021-01-02T03:04:05.5Z"}, "oid": {"$oid": "0123456789abcdef01234567"}}
        {"_id": 2, "name": "é\n", "tags": [], "u": {"$uuid": "00112233-4455-6677-8899-aabbccddeeff"}, "dec": {"$numberDecimal": "1.50"}, "bin": {"$binary": {"base64": "AAE=", "subType": "00"}}, "ds": [1.5, 2]}
        {"_id": 3, "name": "", "score": null, "active": false, "nums": [], "created": {"$date": {"$numberLong": "-1"}}, "addr": null}
        """#

    @Test("the rows rebuilt from the columns are the documents the loader reads")
    func rowsAreTheLoadedDocuments() throws {
        let expected = DocumentLoader.load(Self.text, schema: Self.schema)
        #expect(expected.diagnostics.isEmpty)
        let (loaded, diagnostics) = ColumnarCollection.load(utf8: Array(Self.text.utf8), schema: Self.schema)
        #expect(diagnostics.isEmpty)
        let collection = try #require(loaded)
        #expect(collection.count == 3)
        #expect(Array(collection.documents) == expected.documents)
        // The same as a collection built from the documents, for the VM as for the rows.
        let built = ColumnarCollection(schema: Self.schema, documents: expected.documents)
        for text in [#"score > 1"#, #"ANY tags == "y""#, #"name == "é\n""#, #"created < T0:0"#, #"dec == 1.5"#, #"1 IN nums"#, #"score == nil"#] {
            let query = try CompiledQuery(text, collection: Self.schema)
            #expect(try query.filter(collection) == query.filter(built), "\(text)")
        }
    }

    @Test("a text with an error gives no collection and the loader's diagnostics")
    func allOrNothing() {
        let text = Self.text + "\n" + #"{"_id": 1, "name": "again"}"#
        let (loaded, diagnostics) = ColumnarCollection.load(utf8: Array(text.utf8), schema: Self.schema, file: "items.json")
        #expect(loaded == nil)
        #expect(diagnostics == DocumentLoader.load(text, schema: Self.schema, file: "items.json").diagnostics)
        #expect(diagnostics.first?.message == "line 4: duplicate _id 1 (also on line 1)")
    }

    @Test("a file read a piece at a time gives the rows and the diagnostics of its whole text")
    func fileInPieces() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rql-columnar-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        for text in [Self.text, Self.text + "\n" + #"{"_id": 2, "name": "again"}"#] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let whole = ColumnarCollection.load(utf8: Array(text.utf8), schema: Self.schema, file: "f")
            let (loaded, diagnostics) = try ColumnarCollection.load(contentsOf: path, schema: Self.schema, file: "f").get()
            #expect(diagnostics == whole.diagnostics)
            #expect(loaded.map { Array($0.documents) } == whole.collection.map { Array($0.documents) })
        }
    }
}
