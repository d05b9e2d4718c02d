import RQL
import RQLTesting
import Testing

@testable import RQLRuntime
@testable import RQLSQL

/// What the translator and the layout promise without a database: values only as parameters, the
/// helper script's folding equal to realm's, refusals that name the construct and point at it.
/// Whether PostgreSQL then answers as the VM does is `RQLPostgresTests` (corpus and differential).
@Suite struct SQLTranslatorTests {
    static let schema = RandomData.schema

    static func translate(_ text: String) throws -> SQLQuery {
        let checked = try #require(Checker.check(text, collection: schema).query, "\(text) does not check")
        return try SQLTranslator.translate(checked)
    }

    @Test func valuesAreBindParametersNeverSQLText() throws {
        let hostile = "x'); DROP TABLE \"Thing\"; --"
        let query = try Self.translate("s == \(StringLiteral.encode(hostile)) OR s BEGINSWITH \"a\\\\b%_\"")
        #expect(!query.condition.contains("DROP"))
        #expect(!query.condition.contains("%"))
        #expect(query.parameters == [hostile, "a\\b%_"])
    }

    @Test func theHelperScriptFoldsExactlyTheLettersRealmFolds() throws {
        // The translate() strings of rqlkit.fold, read from the script itself.
        let script = SQLFunctions.script
        let body = try #require(script.range(of: "SELECT translate(s, '")).upperBound
        let rest = script[body...]
        let from = String(rest.prefix { $0 != "'" })
        let toStart = try #require(rest.range(of: "'abc")).lowerBound
        let to = String(rest[rest.index(after: toStart)...].prefix { $0 != "'" })
        let mapping = Dictionary(uniqueKeysWithValues: zip(from.unicodeScalars, to.unicodeScalars))
        for code in 0...0x24F {
            guard let scalar = Unicode.Scalar(code) else { continue }
            let text = String(Character(scalar))
            let realm = String(decoding: CaseFolding.fold(Array(text.utf8)), as: UTF8.self)
            let sql = String(Character(mapping[scalar] ?? scalar))
            #expect(realm == sql, "U+\(String(code, radix: 16)): realm folds to \(realm), the script to \(sql)")
        }
    }

    @Test func aStringPostgreSQLCannotHoldIsRefusedWhereItIs() throws {
        let text = "i == 1 AND s == \"a\\u0000b\""
        let checked = try #require(Checker.check(text, collection: Self.schema).query)
        let error = try #require(throws: UnsupportedInSQL.self) { try SQLTranslator.translate(checked) }
        #expect(error.construct.contains("NUL"))
        let literal = Array(text.utf8)[error.range.start..<error.range.end]
        #expect(String(decoding: literal, as: UTF8.self) == "\"a\\u0000b\"")
    }

    @Test func everyConditionIsTwoValuedSoNotIsRQLsNot() throws {
        // A nullable property: the null case is spelled out, not left to SQL's unknown.
        let query = try Self.translate("NOT i < 2")
        #expect(query.condition.contains("IS NULL") || query.condition.contains("IS NOT NULL"))
    }

    @Test func membershipTakesTheFormsAnIndexServes() throws {
        #expect(try Self.translate("i IN {1, 2, 3}").condition.contains("= ANY($1::bigint[])"))
        #expect(try Self.translate("\"a\" IN tags").condition.contains("@> ARRAY["))
        #expect(try Self.translate("s == \"ab\"").condition.contains("rql_row.\"s\" = ($1::text COLLATE \"C\")"))
    }

    @Test func textEncodingKeepsEveryValueExact() throws {
        #expect(try SQLText.encode(.timestamp(Timestamp(seconds: -1, nanoseconds: -500_000_000))) == "-1.500000000")
        #expect(try SQLText.encode(.timestamp(Timestamp(seconds: 0, nanoseconds: -5))) == "-0.000000005")
        #expect(try SQLText.encode(.timestamp(Timestamp(seconds: 1_700_000_000, nanoseconds: 123))) == "1700000000.000000123")
        #expect(try SQLText.encode(.decimal(try #require(Decimal128("-1.50E+6111")))) == "-150e6109")
        #expect(try SQLText.encode(.double(-0.0)) == "-0.0")
        #expect(try SQLText.encode(.double(.nan)) == "NaN")
        #expect(try SQLText.encode(.list([.string("a\"b\\c"), .null, .string("{x}")])) == #"{"a\"b\\c",NULL,"{x}"}"#)
        #expect(try SQLText.copyRow([.string("tab\there\nline\\"), .null, .binary([0, 255])]) == "tab\\there\\nline\\\\\t\\N\t\\\\x00ff\n")
        #expect(throws: SQLText.Unrepresentable.self) { try SQLText.copyRow([.list([.string("\u{0}")])]) }
        // Seconds and nanoseconds of different signs order differently as numbers: refused.
        #expect(throws: SQLText.Unrepresentable.self) { try SQLText.encode(.timestamp(Timestamp(seconds: 1, nanoseconds: -5))) }
    }

    @Test func theLayoutTypesEveryColumnAndIndexesLists() throws {
        let layout = try TableLayout(Self.schema)
        let ddl = layout.createTable
        #expect(ddl.contains("\"_id\" bigint PRIMARY KEY"))
        #expect(ddl.contains("\"s\" text COLLATE \"C\","))
        #expect(ddl.contains("\"t\" numeric,"))
        #expect(ddl.contains("\"tags\" text[] COLLATE \"C\" NOT NULL DEFAULT '{}'"))
        #expect(ddl.contains("\"l\" bigint NOT NULL"))
        let indexes = layout.suggestedIndexes(fields: ["s", "tags"])
        #expect(indexes == ["CREATE INDEX \"Thing_s_idx\" ON \"Thing\" USING btree (\"s\");",
                            "CREATE INDEX \"Thing_tags_idx\" ON \"Thing\" USING gin (\"tags\");"])
    }
}
