import RQLSyntax
import RQLTesting
import Testing

@testable import RQLSemantics

/// The text a diagnostic's range covers.
func covered(_ text: String, _ d: Diagnostic) -> String {
    let bytes = Array(text.utf8)
    guard d.range.end <= bytes.count, d.range.start <= d.range.end else { return "<out of range>" }
    return String(decoding: bytes[d.range.start..<d.range.end], as: UTF8.self)
}

@Suite("Schema loader")
struct SchemaLoaderTests {
    static let taskText = schemaText(properties: """
        "_id": { "bsonType": "objectId" },
        "name": { "bsonType": "string" },
        "age": { "bsonType": ["long", "null"] },
        "score": { "bsonType": "double" },
        "tags": { "bsonType": "array", "items": { "bsonType": "string" } },
        "maybeInts": { "bsonType": "array", "items": [{ "bsonType": ["int", "null"] }] },
        "labels": { "bsonType": "array", "uniqueItems": true, "items": { "bsonType": "uuid" } },
        "address": { "bsonType": "object", "title": "Address", "properties": { "city": { "bsonType": "string" } } },
        "stops": { "bsonType": "array", "items": { "bsonType": "object", "title": "Stop", "properties": {} } },
        "extra": { "bsonType": "object", "additionalProperties": { "bsonType": "string" } },
        "details": { "bsonType": "mixed" },
        "anything": { "bsonType": "array", "items": { "bsonType": "mixed" } },
        "grid": { "bsonType": "array", "items": { "bsonType": "array", "items": { "bsonType": "int" } } },
        "blob": { "bsonType": "binData" },
        "when": { "bsonType": "date" },
        "price": { "bsonType": "decimal" },
        "done": { "bsonType": "bool" }
        """, required: ["_id", "name", "age", "tags", "done"])

    @Test("a valid schema loads every property in file order with its type")
    func validSchema() throws {
        let (loaded, diagnostics) = SchemaLoader.load(Self.taskText, file: "Task/schema.json")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let task = try #require(loaded)
        #expect(task.title == "Task")
        #expect(task.collectionName == "Task")
        #expect(task.file == "Task/schema.json")
        #expect(covered(Self.taskText, Diagnostic(.invalidSchema, "", at: task.titleRange)) == "\"Task\"")
        #expect(task.properties.map(\.name) == [
            "_id", "name", "age", "score", "tags", "maybeInts", "labels", "address", "stops", "extra", "details",
            "anything", "grid", "blob", "when", "price", "done",
        ])
        let types = Dictionary(uniqueKeysWithValues: task.properties.map { ($0.name, $0.type) })
        #expect(types["_id"] == .scalar(.objectId))
        #expect(types["age"] == .scalar(.long))
        #expect(types["tags"] == .list(.string))
        #expect(types["maybeInts"] == .list(.int))
        #expect(types["labels"] == .list(.uuid))
        #expect(types["address"] == .embeddedObject)
        #expect(types["stops"] == .listOfObjects)
        #expect(types["extra"] == .dictionary)
        #expect(types["details"] == .mixed)
        #expect(types["anything"] == .unsupported("list of mixed"))
        #expect(types["grid"] == .unsupported("list of lists"))
        #expect(types["blob"] == .scalar(.binData))
        #expect(types["when"] == .scalar(.date))
        #expect(types["price"] == .scalar(.decimal))
        #expect(types["done"] == .scalar(.bool))
        #expect(task.primaryKey?.name == "_id")
        #expect(task.property(named: "Name") == nil)  // field names are case-sensitive
    }

    @Test("nullability comes from required and from 'null' in bsonType")
    func nullability() throws {
        let task = try #require(SchemaLoader.load(Self.taskText).schema)
        func p(_ name: String) throws -> Property { try #require(task.property(named: name)) }
        #expect(try p("_id").isNullable == false)
        #expect(try p("name").isNullable == false)
        #expect(try p("age").isNullable == true)  // required, but ["long", "null"]
        #expect(try p("score").isNullable == true)  // not required
        #expect(try p("done").isNullable == false)
        #expect(try p("tags").elementsNullable == false)
        #expect(try p("maybeInts").elementsNullable == true)
        #expect(try p("labels").isSet == true)
        #expect(try p("tags").isSet == false)
    }

    @Test("property ranges point at the property keys")
    func propertyRanges() throws {
        let task = try #require(SchemaLoader.load(Self.taskText).schema)
        let tags = try #require(task.property(named: "tags"))
        #expect(covered(Self.taskText, Diagnostic(.invalidSchema, "", at: tags.range)) == "\"tags\"")
    }

    struct BadSchema: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var code: DiagnosticCode
        var message: String
        /// The text the diagnostic's range must cover, when it matters.
        var covers: String?
        var testDescription: String { name }
    }

    @Test("bad schemas are rejected with a precise message and range", arguments: [
        BadSchema(name: "items regex",
                  text: schemaText(properties: #""_id": {"bsonType": "objectId"}, "tags": {"bsonType": "array", "items": {"bsonType": "regex"}}"#),
                  code: .unsupportedBsonType,
                  message: "schema 'Task': property 'tags': items has unsupported bsonType 'regex'", covers: "\"regex\""),
        BadSchema(name: "unknown bsonType",
                  text: schemaText(properties: #""_id": {"bsonType": "objectId"}, "n": {"bsonType": "integer"}"#),
                  code: .unsupportedBsonType, message: "schema 'Task': property 'n' has unknown bsonType 'integer'",
                  covers: "\"integer\""),
        BadSchema(name: "timestamp",
                  text: schemaText(properties: #""_id": {"bsonType": "objectId"}, "t": {"bsonType": ["timestamp", "null"]}"#),
                  code: .unsupportedBsonType, message: "schema 'Task': property 't' has unsupported bsonType 'timestamp'",
                  covers: #"["timestamp", "null"]"#),
        BadSchema(name: "two types",
                  text: schemaText(properties: #""_id": {"bsonType": "objectId"}, "v": {"bsonType": ["long", "string"]}"#),
                  code: .unsupportedBsonType, message: "property 'v': bsonType lists several types ('long', 'string')",
                  covers: nil),
        BadSchema(name: "null alone",
                  text: schemaText(properties: #""_id": {"bsonType": "objectId"}, "v": {"bsonType": "null"}"#),
                  code: .unsupportedBsonType, message: "property 'v': bsonType 'null' alone", covers: nil),
        BadSchema(name: "no _id",
                  text: schemaText(properties: #""name": {"bsonType": "string"}"#, required: []),
                  code: .missingPrimaryKey, message: "schema 'Task' has no '_id' property", covers: "\"properties\""),
        BadSchema(name: "double _id",
                  text: schemaText(properties: #""_id": {"bsonType": "double"}"#),
                  code: .invalidPrimaryKey, message: "schema 'Task': '_id' is double", covers: "\"_id\""),
        BadSchema(name: "list _id",
                  text: schemaText(properties: #""_id": {"bsonType": "array", "items": {"bsonType": "int"}}"#),
                  code: .invalidPrimaryKey, message: "'_id' is list of int", covers: nil),
        BadSchema(name: "no title",
                  text: #"{"bsonType": "object", "properties": {"_id": {"bsonType": "objectId"}}}"#,
                  code: .invalidSchema, message: "schema has no 'title' (the object type name)", covers: "{"),
        BadSchema(name: "title not a string",
                  text: #"{"title": 3, "properties": {"_id": {"bsonType": "objectId"}}}"#,
                  code: .invalidSchema, message: "'title' must be a non-empty string", covers: "3"),
        BadSchema(name: "root not an object",
                  text: "[1]", code: .invalidSchema, message: "schema must be a JSON object, found array", covers: "["),
        BadSchema(name: "root bsonType",
                  text: #"{"title": "T", "bsonType": "array", "properties": {"_id": {"bsonType": "objectId"}}}"#,
                  code: .invalidSchema, message: "the root 'bsonType' must be \"object\"", covers: "\"array\""),
        BadSchema(name: "no properties",
                  text: #"{"title": "T"}"#, code: .invalidSchema, message: "schema 'T' has no 'properties'", covers: nil),
        BadSchema(name: "required lists an unknown property",
                  text: schemaText(properties: #""_id": {"bsonType": "objectId"}"#, required: ["_id", "nmae"]),
                  code: .invalidSchema, message: "'required' lists 'nmae', which is not a property", covers: "\"nmae\""),
        BadSchema(name: "array without items",
                  text: schemaText(properties: #""_id": {"bsonType": "objectId"}, "tags": {"bsonType": "array"}"#),
                  code: .invalidSchema, message: "property 'tags' is an array without 'items'", covers: nil),
        BadSchema(name: "items list of two",
                  text: schemaText(properties: #""_id": {"bsonType": "objectId"}, "tags": {"bsonType": "array", "items": [{"bsonType": "int"}, {"bsonType": "string"}]}"#),
                  code: .invalidSchema, message: "property 'tags': items lists 2 schemas", covers: nil),
        BadSchema(name: "object with neither properties nor additionalProperties",
                  text: schemaText(properties: #""_id": {"bsonType": "objectId"}, "o": {"bsonType": "object"}"#),
                  code: .invalidSchema, message: "property 'o' is an object with neither 'properties'", covers: nil),
        BadSchema(name: "no bsonType, uses type",
                  text: schemaText(properties: #""_id": {"bsonType": "objectId"}, "n": {"type": "string"}"#),
                  code: .invalidSchema, message: "property 'n' has no 'bsonType' ('type' is not read; use 'bsonType')",
                  covers: nil),
        BadSchema(name: "property schema not an object",
                  text: schemaText(properties: #""_id": {"bsonType": "objectId"}, "n": "string""#),
                  code: .invalidSchema, message: "property 'n' must be a schema object, found string", covers: "\"string\""),
        BadSchema(name: "uniqueItems not a boolean",
                  text: schemaText(properties: #""_id": {"bsonType": "objectId"}, "s": {"bsonType": "array", "uniqueItems": 1, "items": {"bsonType": "int"}}"#),
                  code: .invalidSchema, message: "property 's': 'uniqueItems' must be true or false", covers: "1"),
        BadSchema(name: "embedded object property with an unknown bsonType",
                  text: schemaText(properties: #""_id": {"bsonType": "objectId"}, "address": {"bsonType": "object", "properties": {"street": {"bsonType": "BOGUS"}}}"#),
                  code: .unsupportedBsonType, message: "schema 'Task': property 'address.street' has unknown bsonType 'BOGUS'",
                  covers: "\"BOGUS\""),
        BadSchema(name: "property of an embedded object in a list, two levels down",
                  text: schemaText(properties: #""_id": {"bsonType": "objectId"}, "lines": {"bsonType": "array", "items": {"bsonType": "object", "properties": {"item": {"bsonType": "object", "properties": {"qty": {"bsonType": "timestamp"}}}}}}"#),
                  code: .unsupportedBsonType, message: "schema 'Task': property 'lines.item.qty' has unsupported bsonType 'timestamp'",
                  covers: "\"timestamp\""),
        BadSchema(name: "embedded object property that is not a schema object",
                  text: schemaText(properties: #""_id": {"bsonType": "objectId"}, "address": {"bsonType": "object", "properties": {"zip": 5}}"#),
                  code: .invalidSchema, message: "property 'address.zip' must be a schema object, found number", covers: "5"),
        BadSchema(name: "invalid JSON",
                  text: #"{"title": "T", "properties": {"_id": {"bsonType": "objectId"},}}"#,
                  code: .invalidJSON, message: "invalid JSON: trailing comma before '}'", covers: ","),
    ])
    func badSchema(_ c: BadSchema) throws {
        let (loaded, diagnostics) = SchemaLoader.load(c.text, file: "schema.json")
        #expect(loaded == nil, "a schema with an error must not load")
        let d = try #require(diagnostics.first(where: { $0.code == c.code }), "\(diagnostics)")
        #expect(d.message.contains(c.message), "message: \(d.message)")
        #expect(d.severity == .error)
        #expect(d.kind == .schema)
        #expect(d.file == "schema.json")
        if let covers = c.covers { #expect(covered(c.text, d) == covers) }

        var schema = Schema()
        let added = schema.load(c.text, file: "schema.json")
        #expect(added.hasErrors)
        #expect(schema.isEmpty, "never half-load")
    }

    @Test("valid embedded objects, alone and in lists, still load")
    func validEmbeddedObjects() {
        let text = schemaText(properties: #""_id": {"bsonType": "objectId"}, "address": {"bsonType": "object", "properties": {"street": {"bsonType": "string"}, "geo": {"bsonType": "object", "properties": {"lat": {"bsonType": "double"}}}}}, "lines": {"bsonType": "array", "items": {"bsonType": "object", "properties": {"qty": {"bsonType": ["int", "null"]}, "tags": {"bsonType": "array", "items": {"bsonType": "string"}}}}}"#)
        let (loaded, diagnostics) = SchemaLoader.load(text)
        #expect(diagnostics.isEmpty)
        #expect(loaded?.property(named: "address")?.type == .embeddedObject)
        #expect(loaded?.property(named: "lines")?.type == .listOfObjects)
    }

    @Test("a misspelled bsonType gets a suggestion")
    func suggestion() throws {
        let text = schemaText(properties: #""_id": {"bsonType": "objectid"}"#)
        let d = try #require(SchemaLoader.load(text).diagnostics.first)
        #expect(d.notes.map(\.message) == ["did you mean 'objectId'?"])
    }

    @Test("several problems in one schema are all reported")
    func severalErrors() {
        let text = schemaText(properties: """
            "_id": {"bsonType": "objectId"},
            "a": {"bsonType": "regex"},
            "b": {"bsonType": "strng"},
            "c": {"bsonType": "array"}
            """)
        let (loaded, diagnostics) = SchemaLoader.load(text)
        #expect(loaded == nil)
        #expect(diagnostics.map(\.code) == [.unsupportedBsonType, .unsupportedBsonType, .invalidSchema])
        #expect(diagnostics.map { $0.message.contains("property 'a'") } == [true, false, false])
    }

    @Test("schemas are added by title and a duplicate title is refused")
    func schemaCollection() throws {
        var schema = Schema()
        #expect(schema.load(Self.taskText, file: "a.json").isEmpty)
        #expect(schema.load(schemaText("Person", properties: #""_id": {"bsonType": "string"}"#), file: "b.json").isEmpty)
        let duplicate = schema.load(schemaText(properties: #""_id": {"bsonType": "int"}"#), file: "c.json")
        #expect(duplicate.map(\.code) == [.duplicateSchema])
        #expect(duplicate.first?.message == "schema 'Task' is defined twice")
        #expect(duplicate.first?.file == "c.json")
        #expect(duplicate.first?.notes.first?.message == "first defined in 'a.json'")
        #expect(schema.titles == ["Task", "Person"])
        #expect(schema["Task"]?.primaryKey?.type == .scalar(.objectId), "the first definition is kept")
        #expect(schema["Nope"] == nil)
    }

    @Test("a collection name different from the title is kept")
    func collectionName() throws {
        var schema = Schema()
        #expect(schema.load(schemaText("Item", properties: #""_id": {"bsonType": "objectId"}"#), collectionName: "items").isEmpty)
        #expect(schema["Item"]?.collectionName == "items")
        #expect(schema.collection(named: "items")?.title == "Item")
        #expect(schema.collection(named: "Item") == nil)
    }

    @Test("schemas built in code look properties up by name")
    func builtInCode() {
        let schema = ObjectSchema(title: "T", properties: [
            Property(name: "_id", type: .scalar(.int)),
            Property(name: "x", type: .list(.string), isNullable: true),
        ])
        #expect(schema.property(named: "x")?.type.isList == true)
        #expect(schema.property(named: "x")?.type.description == "list of string")
        #expect(schema.primaryKey?.type.scalarType == .int)
    }
}
