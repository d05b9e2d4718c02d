import RQLSyntax
import Testing

@testable import RQLSemantics
import RQLDocuments

/// Names, keys and ids are the same only when their UTF-8 bytes are: "\u{E9}" (é, precomposed)
/// and "e\u{301}" (e + combining acute) are canonically equivalent, so one Swift `String`, but two
/// names and two ids for realm, MongoDB and the query engine.
@Suite struct ByteIdentityTests {
    static let precomposed = "\u{E9}"
    static let decomposed = "e\u{301}"

    @Test("the strings differ in bytes but are one Swift String")
    func premise() {
        #expect(Self.precomposed == Self.decomposed)
        #expect(Array(Self.precomposed.utf8) != Array(Self.decomposed.utf8))
        #expect(UTF8Key(Self.precomposed) != UTF8Key(Self.decomposed))
        #expect(Value.string(Self.precomposed) != Value.string(Self.decomposed))
        #expect(Set([Value.string(Self.precomposed), .string(Self.decomposed)]).count == 2)
    }

    @Test("canonically equivalent object keys are two keys, not a duplicate")
    func jsonKeys() throws {
        let node = try JSON.parse(#"{"\u00e9": 1, "e\u0301": 2}"#)
        #expect(node.objectMembers?.count == 2)
        #expect(node[Self.precomposed]?.numberText == "1")
        #expect(node[Self.decomposed]?.numberText == "2")
    }

    @Test("two _ids that differ only in normalization both load, and a true duplicate is still refused")
    func canonicallyEquivalentIDs() {
        let schema = ObjectSchema(title: "Word", properties: [Property(name: "_id", type: .scalar(.string))])
        let loaded = DocumentLoader.load(#"""
            {"_id": "\u00e9"}
            {"_id": "e\u0301"}
            """#, schema: schema)
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.documents.map { $0.values[0] } == [.string(Self.precomposed), .string(Self.decomposed)])

        // As keys (a live collection's `_id` index is a dictionary of values) they stay two.
        let positions = Dictionary(uniqueKeysWithValues: loaded.documents.enumerated().map { ($1.values[0], $0) })
        #expect(positions[.string(Self.decomposed)] == 1 && positions.count == 2)
        let again = DocumentLoader.load(#"{"_id": "e\u0301"}"# + "\n" + #"{"_id": "e\u0301"}"#, schema: schema)
        #expect(again.diagnostics.first?.code == .documentDuplicateID)
    }

    @Test("two properties that differ only in normalization are two properties, each with its own field")
    func canonicallyEquivalentPropertyNames() throws {
        var schema = Schema()
        let problems = schema.load(#"""
            {"title": "Word", "bsonType": "object", "required": ["_id", "\u00e9"],
             "properties": {"_id": {"bsonType": "int"}, "\u00e9": {"bsonType": "string"}, "e\u0301": {"bsonType": "int"}}}
            """#)
        #expect(problems.isEmpty)
        let word = try #require(schema["Word"])
        #expect(word.properties.count == 3)
        #expect(word.property(named: Self.precomposed)?.type == .scalar(.string))
        #expect(word.property(named: Self.decomposed)?.type == .scalar(.int))
        // `required` names the precomposed one only.
        #expect(word.property(named: Self.precomposed)?.isNullable == false)
        #expect(word.property(named: Self.decomposed)?.isNullable == true)

        let loaded = DocumentLoader.load(#"{"_id": 1, "e\u0301": 7, "\u00e9": "x"}"#, schema: word)
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.documents.first?.values == [.int(1), .string("x"), .int(7)])
    }

    @Test("a queryable field name counts only for the property with its exact bytes")
    func queryableFieldsCompareBytes() throws {
        let config = SyncConfig(queryableFields: [Self.precomposed])
        #expect(config.isQueryable(Self.precomposed, in: "Word"))
        #expect(!config.isQueryable(Self.decomposed, in: "Word"))
        let word = ObjectSchema(title: "Word", properties: [
            Property(name: "_id", type: .scalar(.int)), Property(name: Self.decomposed, type: .scalar(.string)),
        ])
        let verdict = FlexibleSyncValidator.validate("\(Self.decomposed) == 'x'", collection: word, config: config)
        #expect(verdict.diagnostics.contains { $0.message.contains("is not a queryable field") })
    }
}
