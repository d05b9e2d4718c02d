import Foundation
import RQL
import RQLPostgres
import RQLSQL

/// `rql-bench --postgres URL`: the dataset loaded into PostgreSQL with COPY, the twelve queries
/// translated and counted there, first without indexes and then with the suggested ones; each
/// count is checked against the VM's, and `EXPLAIN` of `owner == "user42"` shows the index at work.
enum PostgresBenchmark {
    /// The schema the benchmark works in; dropped before and after, so a run starts clean.
    static let schemaName = "rqlkit_bench"
    /// Timed runs per query (the best one counts): the first also warms the cache.
    static let runs = 5
    /// The query whose plan is shown: an equality on an indexed string.
    static let explainedQuery = "owner == \"user42\""

    struct Row {
        var query: String
        var matches: Int?
        var expected: Int
        var plainMs: Double?
        var indexedMs: Double?
        /// The VM's count over the same objects in memory, best of `runs`, for scale.
        var vmMs: Double
        /// realm-core's unindexed time at this size (its ns/object from docs/BENCHMARK.md).
        var realmMs: Double
        var unsupported: String?
    }

    /// Returns the disagreements with the VM (and failures to translate or run). The VM's and
    /// realm-core's milliseconds for the same queries stand beside PostgreSQL's, for scale.
    static func run(url: DatabaseURL, documents: [Document], collection: ColumnarCollection, schema: ObjectSchema,
                    json: Bool, onlyText: String?) -> [String] {
        do {
            return try runChecked(url: url, documents: documents, collection: collection, schema: schema, json: json, onlyText: onlyText)
        } catch {
            FileHandle.standardError.write(Data("rql-bench: \(error.message)\n".utf8))
            exit(error.kind == .cannotConnect || error.kind == .unsupportedServer ? 69 : error.kind == .connectionLost ? 74 : 65)
        }
    }

    private static func runChecked(url: DatabaseURL, documents: [Document], collection: ColumnarCollection, schema: ObjectSchema,
                                   json: Bool, onlyText: String?) throws(DatabaseError) -> [String] {
        let layout: TableLayout
        do {
            layout = try TableLayout(schema)
        } catch {
            throw DatabaseError(.badData, "the benchmark schema has no table layout: \(error)")
        }
        let database = try BlockingDatabase.connect(to: url)
        defer { database.close() }
        try database.installFunctions()
        try database.dropSchema(schemaName)
        try database.createSchema(schemaName)
        defer { try? database.dropSchema(schemaName) }

        let loadStart = DispatchTime.now().uptimeNanoseconds
        try database.load(documents, into: layout, createTable: true)
        let loadSeconds = seconds(since: loadStart)
        try database.execute(["ANALYZE \(layout.table)"])

        // Translate once: the same SQL runs without and with indexes.
        var rows: [Row] = [], queries: [(Int, SQLQuery)] = []
        for q in benchmarkQueries where onlyText.map(q.text.contains) ?? true {
            guard let compiled = try? CompiledQuery(q.text, collection: schema) else {
                throw DatabaseError(.badData, "\(q.text) does not compile")
            }
            let bound = VM.bind(compiled.program, to: collection)
            let (vmMs, expected) = best { () in bound.count() }
            let realmMs = q.realmNanosecondsPerObject * Double(collection.count) / 1e6
            // The VM's count is realm-core's at the standard size (docs/BENCHMARK.md).
            if collection.count == 1_000_000, expected != q.expectedMatches {
                throw DatabaseError(.badData, "\(q.text): the VM finds \(expected), realm-core \(q.expectedMatches)")
            }
            do {
                queries.append((rows.count, try SQLTranslator.translate(compiled.optimized)))
                rows.append(Row(query: q.text, expected: expected, vmMs: vmMs, realmMs: realmMs))
            } catch {
                rows.append(Row(query: q.text, expected: expected, vmMs: vmMs, realmMs: realmMs, unsupported: error.description))
            }
        }
        for (i, query) in queries {
            let (ms, count) = try best { () throws(DatabaseError) in try database.count(query) }
            rows[i].plainMs = ms
            rows[i].matches = count
        }

        let indexStart = DispatchTime.now().uptimeNanoseconds
        try database.execute(layout.suggestedIndexes() + ["ANALYZE \(layout.table)"])
        let indexSeconds = seconds(since: indexStart)
        for (i, query) in queries {
            let (ms, count) = try best { () throws(DatabaseError) in try database.count(query) }
            rows[i].indexedMs = ms
            if count != rows[i].matches { rows[i].matches = nil }
        }

        var plan = "(not translated)"
        if let compiled = try? CompiledQuery(explainedQuery, collection: schema),
           let query = try? SQLTranslator.translate(compiled.optimized) {
            plan = try database.explain(query)
        }

        var disagreements: [String] = []
        for row in rows {
            if let unsupported = row.unsupported {
                disagreements.append("\(row.query): \(unsupported)")
            } else if row.matches != row.expected {
                disagreements.append("\(row.query): VM \(row.expected), PostgreSQL \(row.matches.map(String.init) ?? "differs with and without indexes")")
            }
        }
        if !plan.contains("Index") {
            disagreements.append("\(explainedQuery): the plan does not use an index:\n\(plan)")
        }
        report(rows, plan: plan, objects: documents.count, loadSeconds: loadSeconds, indexSeconds: indexSeconds, json: json)
        return disagreements
    }

    private static func report(_ rows: [Row], plan: String, objects: Int, loadSeconds: Double, indexSeconds: Double, json: Bool) {
        func ms(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "-" }
        if json {
            print("[" + rows.map { r in
                "{\"query\": \(StringLiteral.encode(r.query)), \"matches\": \(r.matches.map(String.init) ?? "null"), \"expected\": \(r.expected), "
                    + "\"ms\": \(r.plainMs.map { String(format: "%.3f", $0) } ?? "null"), \"indexed_ms\": \(r.indexedMs.map { String(format: "%.3f", $0) } ?? "null")}"
            }.joined(separator: ",\n ") + "]")
            return
        }
        print("PostgreSQL: \(objects) objects loaded with COPY in \(String(format: "%.2f", loadSeconds)) s; suggested indexes built in \(String(format: "%.2f", indexSeconds)) s")
        print("ms per query (count(*) over the translated condition, best of \(runs))")
        print(pad("query", 50) + pad("matches", 9, left: true) + pad("no index", 10, left: true) + pad("indexed", 10, left: true)
              + pad("VM", 10, left: true) + pad("realm", 10, left: true))
        for r in rows {
            if let unsupported = r.unsupported {
                print(pad(r.query, 50) + "  " + unsupported)
                continue
            }
            print(pad(r.query, 50) + pad(r.matches.map(String.init) ?? "?", 9, left: true) + pad(ms(r.plainMs), 10, left: true)
                  + pad(ms(r.indexedMs), 10, left: true) + pad(ms(r.vmMs), 10, left: true) + pad(ms(r.realmMs), 10, left: true))
        }
        let timed = rows.compactMap { r in r.plainMs.flatMap { p in r.indexedMs.map { (plain: p, indexed: $0, vm: r.vmMs, realm: r.realmMs) } } }
        if !timed.isEmpty {
            let plain = geomean(timed.map(\.plain)), indexed = geomean(timed.map(\.indexed))
            let vm = geomean(timed.map(\.vm)), realm = geomean(timed.map(\.realm))
            print(pad("geomean", 59) + pad(ms(plain), 10, left: true) + pad(ms(indexed), 10, left: true)
                  + pad(ms(vm), 10, left: true) + pad(ms(realm), 10, left: true))
            print("PostgreSQL with the suggested indexes: \(String(format: "%.1f", indexed / vm))x the VM's time in memory, "
                  + "\(String(format: "%.1f", indexed / realm))x realm-core's unindexed (geomean over \(timed.count) queries)")
        }
        print("EXPLAIN \(explainedQuery), with the indexes:")
        print(plan.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
    }

    /// Best of `runs` calls: milliseconds and the result.
    private static func best<E: Error>(_ body: () throws(E) -> Int) throws(E) -> (Double, Int) {
        var bestMs = Double.infinity, result = 0
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            result = try body()
            bestMs = min(bestMs, seconds(since: start) * 1000)
        }
        return (bestMs, result)
    }

    private static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
