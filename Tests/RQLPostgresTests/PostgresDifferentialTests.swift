import Foundation
import RQL
import RQLPostgres
import RQLSQL
import RQLTesting
import Testing

/// PostgreSQL against the VM on random queries over random documents (nulls, NaN, -0.0, empty
/// lists, decimals, case and Latin-1 variants, non-ASCII strings, binaries): each query translated
/// as written and after the optimizer, and both must match exactly the documents the VM matches.
/// 10,000 queries in `swift test` (about 25 s); `RQL_POSTGRES_DIFFERENTIAL_QUERIES=100000` for a long run.
@Suite("PostgreSQL agrees with the VM", .enabled(if: TestDatabase.isConfigured, "RQL_TEST_DATABASE is not set"))
struct PostgresDifferentialTests {
    static var queryCount: Int {
        ProcessInfo.processInfo.environment["RQL_POSTGRES_DIFFERENTIAL_QUERIES"].flatMap(Int.init) ?? 10_000
    }

    @Test func randomQueriesMatchTheSameDocuments() async throws {
        let schema = RandomData.schema
        let layout = try TableLayout(schema)
        let seeds: [UInt64] = [11, 12, 13, 14, 15]
        let failures = try await TestDatabase.withFreshSchema { database in
            var failures: [String] = [], checkedQueries = 0
            for seed in seeds {
                var generator = RandomData(seed: seed)
                let documents = (0..<60).map { generator.document(id: $0) }
                try await database.load(documents, into: layout, createTable: true, replacingTable: true)
                let collection = ColumnarCollection(schema: schema, documents: documents)
                var attempts = 0
                while checkedQueries < Self.queryCount * (seeds.firstIndex(of: seed)! + 1) / seeds.count, attempts < Self.queryCount * 4 {
                    attempts += 1
                    let text = generator.query(depth: 0)
                    guard let checked = Checker.check(text, collection: schema).query else { continue }
                    checkedQueries += 1
                    let expected = Set(try CompiledQuery(checked).filter(collection).map { documents[$0].values[0] })
                    for (form, query) in [("as written", checked), ("optimized", Optimizer.optimize(checked))] {
                        let translated = try SQLTranslator.translate(query)
                        let actual = try await database.matchingIDs(translated)
                        if Set(actual) != expected || actual.count != expected.count {
                            failures.append("\(text) (\(form))\n  SQL: \(translated.condition)\n  parameters: \(translated.parameters)\n"
                                            + "  VM: \(expected.count) documents, PostgreSQL: \(actual.count); only the VM: "
                                            + "\(expected.subtracting(actual).map(RandomData.describe)), only PostgreSQL: "
                                            + "\(Set(actual).subtracting(expected).map(RandomData.describe))")
                        }
                    }
                    if failures.count >= 10 { return failures }
                }
            }
            #expect(checkedQueries >= Self.queryCount, "only \(checkedQueries) random queries passed the checker")
            return failures
        }
        #expect(failures.isEmpty, "\(failures.count) disagreements:\n\(failures.joined(separator: "\n"))")
    }

    /// `[c]` with a constant needle runs as a regular expression: every character PostgreSQL's
    /// regular expressions give a meaning must stay itself, in all four operators.
    @Test func caseInsensitiveNeedlesKeepEveryCharacterLiteral() async throws {
        let punctuation = #"a.b*c?d+e(f)g[h]i{j}k^l$m|n\o p-q'r"s,t:u#v/w"#
        let schema = ObjectSchema(title: "Texts", properties: [
            Property(name: "_id", type: .scalar(.int)), Property(name: "s", type: .scalar(.string), isNullable: true)])
        let values = [punctuation, punctuation.uppercased(), "axb", "a.b", "A.B*C", "É.é", "é.É", "ab", "", "\n", "[h]"]
        let documents = values.enumerated().map { Document(values: [.int(Int64($0.offset)), .string($0.element)]) } + [Document(values: [.int(99), .null])]
        let needles = [punctuation, "a.b", "A.B*C", "É.É", ".", "*", "?", "[h]", "\\", "(f)", "^l$", "", "x?b", "*b*"]
        let disagreements = try await TestDatabase.withFreshSchema { database in
            let layout = try TableLayout(schema)
            try await database.load(documents, into: layout, createTable: true)
            let collection = ColumnarCollection(schema: schema, documents: documents)
            var disagreements: [String] = []
            for needle in needles {
                for op in ["==[c]", "BEGINSWITH[c]", "ENDSWITH[c]", "CONTAINS[c]", "LIKE[c]"] {
                    let text = "s \(op) \(StringLiteral.encode(needle))"
                    let checked = try #require(Checker.check(text, collection: schema).query, "\(text)")
                    let expected = Set(try CompiledQuery(checked).filter(collection).map { documents[$0].values[0] })
                    let actual = Set(try await database.matchingIDs(try SQLTranslator.translate(checked)))
                    if actual != expected { disagreements.append("\(text): VM \(expected.count), PostgreSQL \(actual.count)") }
                }
            }
            return disagreements
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
    }
}
