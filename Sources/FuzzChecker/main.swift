// libFuzzer target: arbitrary bytes through the parser, the type checker and the Flexible Sync
// validator, against a fixed schema with every scalar type (nullable and required), a list of
// each scalar type, a set, and the shapes the checker must refuse (embedded objects,
// dictionaries, mixed). Property: no crash, no hang; a checked query also dumps.
//
// Fuzzing build: see Tests/Fuzz/run.sh. Normal build: `FuzzChecker FILE-OR-DIR...` replays files.
import RQLSemantics
import RQLSyntax
import RQLTesting

enum Fixture {
    /// Short property names (also in Tests/Fuzz/dictionary/rql.dict) so mutations find them.
    static let collection: ObjectSchema = {
        let scalars: [(String, ScalarType)] = [
            ("o", .objectId), ("s", .string), ("i", .int), ("l", .long), ("d", .double),
            ("dec", .decimal), ("b", .bool), ("t", .date), ("u", .uuid), ("bin", .binData),
        ]
        // `s` optional, `s_r` required, `s_l` list, and so on for each scalar type.
        var properties = [Property(name: "_id", type: .scalar(.objectId))]
        for (name, type) in scalars {
            properties.append(Property(name: name, type: .scalar(type), isNullable: true))
            properties.append(Property(name: name + "_r", type: .scalar(type)))
            properties.append(Property(name: name + "_l", type: .list(type)))
        }
        properties += [
            Property(name: "i_nl", type: .list(.int), elementsNullable: true),                 // list of int?
            Property(name: "s_set", type: .list(.string), elementsNullable: true, isSet: true), // set of string?
            Property(name: "emb", type: .embeddedObject, isNullable: true),
            Property(name: "embs", type: .listOfObjects),
            Property(name: "dict", type: .dictionary),
            Property(name: "m", type: .mixed, isNullable: true),
            Property(name: "x", type: .unsupported("list of mixed")),
        ]
        return ObjectSchema(title: "Item", properties: properties, collectionName: "items")
    }()

    /// $0 ... $7.
    static let arguments: [Value] = [
        .int(1), .string("ab"), .null, .double(2.5), .bool(true),
        .list([.int(1), .null, .string("a")]),
        .timestamp(Timestamp(seconds: 1, nanoseconds: 5)),
        .objectId(ObjectId(high: 1, low: 2)),
    ]

    /// Some fields queryable globally, some through the collection (by its collection name), the
    /// rest not queryable; `i` is the indexed queryable field.
    static let config = SyncConfig(
        queryableFields: ["_id", "s", "s_r", "i", "i_r", "d", "b", "t", "s_set", "i_nl", "emb", "m", "dict"],
        indexedQueryableFields: ["i"],
        collectionQueryableFields: ["items": ["l", "l_l", "s_l", "dec", "u", "o_l"], "Other": ["bin"]])
}

/// Keeps results observable so the calls cannot be optimised away.
nonisolated(unsafe) var sink = 0

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzSupport.bytes(data, size)
    let parsed = Parser.parse(bytes)
    let result = Checker.check(parsed, collection: Fixture.collection, arguments: Fixture.arguments)
    sink &+= result.diagnostics.count
    if let query = result.query { sink &+= CheckedDump.dump(query).utf8.count }
    // The validator parses and checks again, from text (invalid UTF-8 is repaired by decoding).
    let text = String(decoding: bytes, as: UTF8.self)
    let sync = FlexibleSyncValidator.validate(text, collection: Fixture.collection, config: Fixture.config,
                                              arguments: Fixture.arguments)
    sink &+= sync.diagnostics.count
    // Render one diagnostic of each stage when they come from the checker and the sync rules
    // (parse errors are FuzzParser's). Not all of them, and not for parse errors: rendering costs
    // O(line length) per diagnostic with Unicode property lookups per character, and rendering
    // everything made this harness several times slower.
    if !parsed.diagnostics.hasErrors {
        let renderer = DiagnosticRenderer()
        if let first = result.diagnostics.first {
            sink &+= renderer.render(first, source: bytes).utf8.count
        }
        if let last = sync.diagnostics.last {
            sink &+= renderer.render(last, source: Array(text.utf8)).utf8.count
        }
    }
    return 0
}

FuzzEntry.main { data, size in fuzzOne(data, size) }
