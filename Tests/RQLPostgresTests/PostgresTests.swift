// Tests against a real PostgreSQL server named by RQL_TEST_DATABASE (.ci/run starts one with
// .ci/postgres); without it they are skipped. Each test works in a fresh schema of its own.
import Foundation
import RQL
import RQLPostgres
import RQLSQL
import Testing

@testable import RQLRuntime

enum TestDatabase {
    static let urlText = ProcessInfo.processInfo.environment["RQL_TEST_DATABASE"]
    static var isConfigured: Bool { urlText.map { !$0.isEmpty } ?? false }

    /// Connects, installs the helper functions, runs `body` in a new schema and drops it after.
    static func withFreshSchema<T>(_ body: (PostgresDatabase) async throws -> T) async throws -> T {
        let url = try DatabaseURL(urlText ?? "")
        let database = try await PostgresDatabase.connect(to: url)
        let schema = "rqlkit_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        do {
            try await database.installFunctions()
            try await database.createSchema(schema)
            let result = try await body(database)
            try await database.dropSchema(schema)
            await database.close()
            return result
        } catch {
            try? await database.dropSchema(schema)
            await database.close()
            throw error
        }
    }

    /// The first column of the first row.
    static func scalar(_ database: PostgresDatabase, _ sql: String, _ parameters: [String?] = []) async throws -> String? {
        try await database.textRows(sql, parameters: parameters).first?.first ?? nil
    }
}

/// Equality that tells apart what `Value ==` merges: NaN equals NaN, -0.0 differs from 0.0.
func identical(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.double(let x), .double(let y)): return x.isNaN ? y.isNaN : x.bitPattern == y.bitPattern
    case (.decimal(let x), .decimal(let y)): return x.isNaN ? y.isNaN : (x == y && x.isInfinite == y.isInfinite)
    case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
    default: return a == b
    }
}

private func decimal(_ text: String) -> Decimal128 { Decimal128(text) ?? .nan }

/// A collection with every column type, scalar and list.
let everyType = ObjectSchema(title: "Everything", properties: [
    Property(name: "_id", type: .scalar(.int)),
    Property(name: "s", type: .scalar(.string), isNullable: true),
    Property(name: "i", type: .scalar(.int), isNullable: true),
    Property(name: "d", type: .scalar(.double), isNullable: true),
    Property(name: "dec", type: .scalar(.decimal), isNullable: true),
    Property(name: "b", type: .scalar(.bool), isNullable: true),
    Property(name: "t", type: .scalar(.date), isNullable: true),
    Property(name: "o", type: .scalar(.objectId), isNullable: true),
    Property(name: "u", type: .scalar(.uuid), isNullable: true),
    Property(name: "bin", type: .scalar(.binData), isNullable: true),
    Property(name: "strings", type: .list(.string), elementsNullable: true),
    Property(name: "doubles", type: .list(.double), elementsNullable: true),
    Property(name: "decimals", type: .list(.decimal), elementsNullable: true),
    Property(name: "dates", type: .list(.date), elementsNullable: true),
    Property(name: "ids", type: .list(.objectId)),
    Property(name: "binaries", type: .list(.binData), elementsNullable: true),
    Property(name: "flags", type: .list(.bool)),
    Property(name: "uuids", type: .list(.uuid)),
    Property(name: "ints", type: .list(.int), elementsNullable: true),
])

let edgeStrings: [Value] = ["", "plain", "ünïcödé ✓ 𝄞", "back\\slash", "tab\there", "new\nline", "cr\rlf", "quote\"s'",
                            "{braces}", "{\"a\",NULL}", "NULL", "comma,separated", " spaced ", "\\N", "e\u{301}"].map(Value.string)
let edgeDoubles: [Value] = [Double.nan, .infinity, -.infinity, -0.0, 0.0, 0.1, 1e300, -1e-300, .leastNonzeroMagnitude,
                            .greatestFiniteMagnitude, 0.1 + 0.2, 9007199254740994, 123.0].map(Value.double)
let edgeDecimals: [Value] = ["1E+6111", "1E-6176", "NaN", "Infinity", "-Infinity", "0", "1.50",
                             "1234567890123456789012345678901234", "-9.999999999999999999999999999999999E+6144",
                             "0.1", "-1234567890123456789012345678901234E-6176"].map { .decimal(decimal($0)) }
let edgeDates: [Value] = [Timestamp(seconds: 0, nanoseconds: 0), Timestamp(seconds: -1, nanoseconds: -1),
                          Timestamp(seconds: 0, nanoseconds: -1), Timestamp(seconds: 1_700_000_000, nanoseconds: 999_999_999),
                          Timestamp(seconds: Int64.max, nanoseconds: 999_999_999), Timestamp(seconds: Int64.min, nanoseconds: -999_999_999),
                          Timestamp(seconds: -62_135_596_800, nanoseconds: -1)].map(Value.timestamp)
let edgeInts: [Value] = [Int64.min, -1, 0, 1, Int64.max].map(Value.int)
let edgeBinaries: [Value] = [[], [0], [0xFF, 0x00, 0x5C, 0x22], Array(0...255)].map(Value.binary)
let edgeIds: [Value] = [ObjectId(high: 0, low: 0), ObjectId(high: .max, low: .max), ObjectId(hex: "507f1f77bcf86cd799439011")!].map(Value.objectId)
let edgeUUIDs: [Value] = [UUIDValue(high: 0, low: 0), UUIDValue(high: .max, low: .max), UUIDValue("3b241101-e2bb-4255-8caf-4136c566a962")!].map(Value.uuid)

/// The documents of the round trip: document k holds the k-th edge value of each scalar column
/// (null when the column has fewer), and lists of them.
func edgeDocuments() -> [Document] {
    let columns = [edgeStrings, edgeInts, edgeDoubles, edgeDecimals, [.bool(false), .bool(true)], edgeDates, edgeIds, edgeUUIDs, edgeBinaries]
    let count = columns.map(\.count).max() ?? 0
    var documents: [Document] = []
    for k in 0..<count {
        var values: [Value] = [.int(Int64(k))]
        values += columns.map { k < $0.count ? $0[k] : .null }
        let lists: [[Value]] = [
            edgeStrings + [.null], edgeDoubles + [.null], edgeDecimals + [.null], edgeDates + [.null], edgeIds,
            edgeBinaries + [.null], [.bool(true), .bool(false)], edgeUUIDs, edgeInts + [.null],
        ]
        // Vary the lists: empty, one element, a rotation of all of them.
        values += lists.map { list in
            switch k % 3 {
            case 0: .list([])
            case 1: .list(Array(list.prefix(1)))
            default: .list(Array(list[(k % list.count)...] + list[..<(k % list.count)]))
            }
        }
        documents.append(Document(values: values))
    }
    return documents
}

@Suite("PostgreSQL", .enabled(if: TestDatabase.isConfigured, "set RQL_TEST_DATABASE to a PostgreSQL URL"))
struct PostgresTests {
    @Test("every type's edge values come back exactly through COPY and ::text")
    func roundTrip() async throws {
        try await TestDatabase.withFreshSchema { database in
            let layout = try TableLayout(everyType)
            let documents = edgeDocuments()
            let loaded = try await database.load(documents, into: layout, createTable: true, indexes: layout.suggestedIndexes())
            #expect(loaded == documents.count)
            let back = try await database.allDocuments(layout)
            let byID = Dictionary(back.map { ($0.values[0], $0) }, uniquingKeysWith: { a, _ in a })
            #expect(back.count == documents.count)
            for document in documents {
                guard let read = byID[document.values[0]] else {
                    Issue.record("document \(document.values[0]) did not come back")
                    continue
                }
                for (property, (sent, got)) in zip(everyType.properties, zip(document.values, read.values)) {
                    var expected = sent
                    // numeric has no negative zero: a decimal -0 reads back as 0 (equal in realm too).
                    if case .decimal(let d) = sent, d.isZero { expected = .decimal(.zero) }
                    #expect(identical(expected, got), "\(property.name): sent \(sent), got \(got)")
                }
            }
        }
    }

    @Test("the _id query and count decode every primary-key type")
    func primaryKeyTypes() async throws {
        try await TestDatabase.withFreshSchema { database in
            let keys: [(ScalarType, [Value])] = [
                (.objectId, edgeIds), (.uuid, edgeUUIDs), (.string, edgeStrings), (.int, edgeInts),
            ]
            for (type, values) in keys {
                let schema = ObjectSchema(title: "Key_\(type)", properties: [Property(name: "_id", type: .scalar(type))])
                let layout = try TableLayout(schema)
                try await database.load(values.map { Document(values: [$0]) }, into: layout, createTable: true)
                let all = SQLQuery(layout: layout, condition: "true", parameters: [])
                let ids = try await database.matchingIDs(all)
                #expect(Set(ids) == Set(values), "\(type)")
                #expect(try await database.count(all) == values.count)
                // A parameter sent as text and cast in the SQL finds its row.
                let one = SQLQuery(layout: layout, condition: "\"_id\" = $1::\(TableLayout.columnType(type))",
                                   parameters: [try SQLText.encode(values[1])])
                #expect(try await database.matchingIDs(one) == [values[1]], "\(type)")
                let plan = try await database.explain(one)
                #expect(plan.contains("Scan"), "\(plan)")
            }
        }
    }

    @Test("a bad document in the middle writes nothing: no table, and no rows in an existing table")
    func badDocumentWritesNothing() async throws {
        try await TestDatabase.withFreshSchema { database in
            let schema = ObjectSchema(title: "Item", properties: [
                Property(name: "_id", type: .scalar(.int)), Property(name: "name", type: .scalar(.string)),
            ])
            let layout = try TableLayout(schema)
            let documents = [
                Document(values: [.int(1), .string("a")]),
                Document(values: [.int(2), .int(5)]),
                Document(values: [.int(3), .string("c")]),
            ]
            await #expect {
                try await database.load(documents, into: layout, createTable: true)
            } throws: { error in
                let error = try #require(error as? DatabaseError)
                return error.kind == .badData && error.message.contains("document 2") && error.message.contains("_id 2")
                    && error.message.contains("name")
            }
            #expect(try await TestDatabase.scalar(database, "SELECT to_regclass('\"Item\"')::text") == nil)

            try await database.createTable(layout)
            await #expect(throws: DatabaseError.self) { try await database.load(documents, into: layout) }
            #expect(try await database.count(SQLQuery(layout: layout, condition: "true", parameters: [])) == 0)
        }
    }

    @Test("a string with U+0000 is refused, naming the document and the field")
    func nulCharacter() async throws {
        try await TestDatabase.withFreshSchema { database in
            let schema = ObjectSchema(title: "Item", properties: [
                Property(name: "_id", type: .scalar(.string)), Property(name: "tags", type: .list(.string)),
            ])
            let layout = try TableLayout(schema)
            let documents = [Document(values: [.string("ok"), .list([])]), Document(values: [.string("bad"), .list([.string("a\u{0}b")])])]
            await #expect {
                try await database.load(documents, into: layout, createTable: true)
            } throws: { error in
                let error = try #require(error as? DatabaseError)
                return error.kind == .badData && error.message.contains("\"bad\"") && error.message.contains("tags")
                    && error.message.contains("NUL")
            }
        }
    }

    @Test("a failure during COPY (a duplicate _id) rolls the whole load back")
    func serverFailureRollsBack() async throws {
        try await TestDatabase.withFreshSchema { database in
            let schema = ObjectSchema(title: "Item", properties: [Property(name: "_id", type: .scalar(.int))])
            let layout = try TableLayout(schema)
            try await database.createTable(layout)
            let documents = (0..<10_000).map { Document(values: [.int(Int64($0 == 9_999 ? 0 : $0))]) }
            await #expect {
                try await database.load(documents, into: layout)
            } throws: { error in
                let error = try #require(error as? DatabaseError)
                return error.kind == .server && error.sqlState == "23505"
            }
            #expect(try await database.count(SQLQuery(layout: layout, condition: "true", parameters: [])) == 0)
            // The connection is usable after the failed COPY.
            try await database.load([Document(values: [.int(1)])], into: layout)
            #expect(try await database.count(SQLQuery(layout: layout, condition: "true", parameters: [])) == 1)
        }
    }

    @Test("installing the helper functions twice, and from several connections at once, is fine")
    func installTwice() async throws {
        try await TestDatabase.withFreshSchema { database in
            try await database.installFunctions()
            try await database.installFunctions()
            #expect(try await TestDatabase.scalar(database, "SELECT rqlkit.version()::text") == String(SQLFunctions.version))
        }
        let url = try DatabaseURL(TestDatabase.urlText ?? "")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let database = try await PostgresDatabase.connect(to: url)
                    try await database.installFunctions()
                    await database.close()
                }
            }
            try await group.waitForAll()
        }
    }

    @Test("rqlkit.fold agrees with realm's folding on every code point U+0001-U+024F (text cannot hold U+0000)")
    func fold() async throws {
        try await TestDatabase.withFreshSchema { database in
            let scalars = (0x1...0x24F).compactMap(Unicode.Scalar.init)
            let texts = scalars.map { String(Character($0)) }
            let arrayText = try #require(try SQLText.encode(.list(texts.map(Value.string))))
            let rows = try await database.textRows("SELECT rqlkit.fold(c) FROM unnest($1::text[]) WITH ORDINALITY AS t(c, n) ORDER BY n",
                                                   parameters: [arrayText])
            #expect(rows.count == texts.count)
            for (text, row) in zip(texts, rows) {
                let swift = String(decoding: CaseFolding.fold(Array(text.utf8)), as: UTF8.self)
                #expect(row.first == swift, "U+\(String(text.unicodeScalars.first!.value, radix: 16, uppercase: true))")
            }
        }
    }

    @Test("LIKE with rqlkit.like_pattern matches as RQL's LIKE does")
    func likePattern() async throws {
        let cases: [(String, String)] = [
            ("abc", "a*"), ("abc", "*b*"), ("abc", "a?c"), ("ac", "a?c"), ("a%c", "a%c"), ("abc", "a%c"),
            ("a_c", "a_c"), ("abc", "a_c"), ("a\\c", "a\\c"), ("a\\c", "a\\\\c"), ("é", "?"), ("é", "??"),
            ("100%", "100%"), ("", "*"), ("", "?"), ("x*y", "x*y"), ("x?y", "x\\?y"), ("𝄞x", "?x"), ("ab", "*?*?*"),
        ]
        try await TestDatabase.withFreshSchema { database in
            for (string, pattern) in cases {
                let sql = try await TestDatabase.scalar(database, "SELECT ($1::text LIKE rqlkit.like_pattern($2::text))::text", [string, pattern])
                let swift = ValueSemantics.compare(.like, .string(string), .string(pattern), caseInsensitive: false)
                #expect(sql == (swift ? "true" : "false"), "\(string) LIKE \(pattern)")
            }
        }
    }

    @Test("rqlkit.compare_int_double agrees with the VM's exact comparison on edge pairs")
    func compareIntDouble() async throws {
        let twoTo53 = 9007199254740992.0, twoTo63 = 9223372036854775808.0
        let cases: [(Int64, Double)] = [
            (9007199254740993, twoTo53), (9007199254740992, twoTo53), (9007199254740991, twoTo53),
            (Int64.max, twoTo63), (Int64.min, -twoTo63), (Int64.min + 1, -twoTo63), (Int64.max, 9223372036854774784.0),
            (0, 0.5), (0, -0.5), (1, 0.5), (-1, -0.5), (0, -0.0), (0, .nan), (Int64.min, .nan),
            (0, .infinity), (0, -.infinity), (Int64.max, .greatestFiniteMagnitude), (3, 3.0000000000000004), (-3, -2.9999999999999996),
        ]
        try await TestDatabase.withFreshSchema { database in
            for (i, d) in cases {
                let sql = try await TestDatabase.scalar(database, "SELECT rqlkit.compare_int_double($1::bigint, $2::float8)::text",
                                                        [String(i), try SQLText.encode(.double(d))])
                let swift = ValueSemantics.compareIntDouble(i, d)
                #expect(sql.flatMap { Int($0) } == swift, "\(i) vs \(d)")
            }
        }
    }

    @Test("rqlkit.double_to_decimal agrees with Decimal128(Double) on edge doubles")
    func doubleToDecimal() async throws {
        let doubles: [Double] = [0.1, 0.1 + 0.2, 1e300, -1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123.0, -0.0, 0,
                                 9007199254740994, 1.0 / 3.0, 2.5, 1e16, 1e-7, .nan, .infinity, -.infinity]
        try await TestDatabase.withFreshSchema { database in
            for d in doubles {
                let text = try await TestDatabase.scalar(database, "SELECT rqlkit.double_to_decimal($1::float8)::text", [try SQLText.encode(.double(d))])
                let sql = try #require(text.flatMap(Decimal128.init), "\(d): \(text ?? "null")")
                let swift = Decimal128(d)
                #expect(sql.isNaN ? swift.isNaN : (sql == swift && sql.isInfinite == swift.isInfinite), "\(d): \(sql) vs \(swift)")
            }
        }
    }
}

@Suite("PostgreSQL connection failures", .enabled(if: TestDatabase.isConfigured, "set RQL_TEST_DATABASE to a PostgreSQL URL"))
struct ConnectionFailureTests {
    static let password = "s3cret-Pa55"

    @Test("a closed port fails to connect, naming the host but not the password")
    func closedPort() async throws {
        let url = try DatabaseURL("postgres://someone:\(Self.password)@127.0.0.1:1/db")
        await #expect {
            _ = try await PostgresDatabase.connect(to: url)
        } throws: { error in
            let error = try #require(error as? DatabaseError)
            return error.kind == .cannotConnect && error.message.contains("127.0.0.1") && !error.message.contains(Self.password)
        }
    }

    @Test("a missing socket fails to connect, naming the folder but not the password")
    func missingSocket() async throws {
        let url = try DatabaseURL("postgresql://someone:\(Self.password)@/db?host=/nonexistent/rqlkit-socket&port=5999")
        await #expect {
            _ = try await PostgresDatabase.connect(to: url)
        } throws: { error in
            let error = try #require(error as? DatabaseError)
            return error.kind == .cannotConnect && error.message.contains("/nonexistent/rqlkit-socket") && !error.message.contains(Self.password)
        }
    }

    @Test("a connection the server ends is lost (74 in the CLI), not a failure to connect or a refused statement")
    func connectionLost() async throws {
        let url = try DatabaseURL(TestDatabase.urlText ?? "")
        let victim = try await PostgresDatabase.connect(to: url)
        let pid = try await TestDatabase.scalar(victim, "SELECT pg_backend_pid()::text")
        let killer = try await PostgresDatabase.connect(to: url)
        // The timeout makes it wait until the backend is gone.
        _ = try await killer.textRows("SELECT pg_terminate_backend($1::int, 5000)::text", parameters: [pid])
        await killer.close()
        // Until the client has seen the socket close (a query sent in that moment would wait forever:
        // see PostgresDatabase.openConnection).
        for _ in 0..<100 where !victim.isClosed { try await Task.sleep(for: .milliseconds(50)) }
        await #expect {
            _ = try await victim.textRows("SELECT 1::text")
        } throws: { error in
            (error as? DatabaseError)?.kind == .connectionLost
        }
        await victim.close()
    }

    @Test("a wrong database name is a failure to connect, with the server's reason")
    func missingDatabase() async throws {
        var url = try DatabaseURL(TestDatabase.urlText ?? "")
        url.database = "rqlkit_no_such_database"
        await #expect {
            _ = try await PostgresDatabase.connect(to: url)
        } throws: { error in
            let error = try #require(error as? DatabaseError)
            return error.kind == .cannotConnect && error.message.contains("rqlkit_no_such_database")
        }
    }
}
