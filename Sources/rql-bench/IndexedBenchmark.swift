import Foundation
import RQL

/// `rql-bench --indexed`: the twelve queries with secondary indexes on `owner` and `age` (the
/// indexes realm-core's indexed figures use), through the planner, next to the scan and to
/// realm-core with its search indexes. Every count is checked against the scan.
enum IndexedBenchmark {
    static let indexed = ["owner", "age"]
    /// realm-core's ns/object with search indexes on `owner` and `age`, query by query (BENCHMARK.md,
    /// "with search indexes").
    static let realmIndexed: [String: Double] = [
        "age == 42": 0.0005, "age >= 20 AND age < 30": 11.12, "owner == \"user42\"": 0.0005, "name BEGINSWITH \"Ka\"": 8.90,
        "name CONTAINS[c] \"ra\"": 20.05, "name LIKE \"*a?o*\"": 59.00, "age IN {5, 15, 25, 35, 45}": 6.00,
        "\"urgent\" IN tags": 98.79, "age > 30 AND active == true AND score < 500.0": 17.88,
        "owner == \"user1\" OR owner == \"user2\" OR age == 7": 0.89, "NOT (age < 50)": 13.23, "score BETWEEN {100.0, 200.0}": 20.49,
    ]

    struct Row {
        var query: String
        var matches: Int
        var plan: String
        var indexed: Double
        var vm: Double
        var realm: Double
    }

    /// Returns the disagreements with the scan.
    static func run(collection: ColumnarCollection, schema: ObjectSchema, json: Bool, onlyText: String?) -> [String] {
        let buildStart = DispatchTime.now().uptimeNanoseconds
        guard let indexes = try? CollectionIndexes(collection, properties: indexed) else { fatalError("the indexes cannot be made") }
        let buildSeconds = Double(DispatchTime.now().uptimeNanoseconds - buildStart) / 1e9
        var rows: [Row] = [], disagreements: [String] = []
        for q in benchmarkQueries where onlyText.map(q.text.contains) ?? true {
            guard let compiled = try? CompiledQuery(q.text, collection: schema) else { fatalError("\(q.text) does not compile") }
            let bound = VM.bind(compiled.program, to: collection)
            let vm = best { bound.count() }
            let viaIndex = best { try! compiled.count(in: collection, indexes: indexes) }
            if viaIndex.result != vm.result { disagreements.append("\(q.text): scan \(vm.result), with indexes \(viaIndex.result)") }
            let plan = compiled.plan(indexes, rowCount: collection.count).lines.joined(separator: "; ")
            rows.append(Row(query: q.text, matches: viaIndex.result, plan: plan, indexed: viaIndex.ns / Double(collection.count),
                            vm: vm.ns / Double(collection.count), realm: realmIndexed[q.text] ?? .nan))
        }
        if json {
            print("[" + rows.map { r in
                "{\"query\": \(StringLiteral.encode(r.query)), \"matches\": \(r.matches), \"indexed_ns\": \(String(format: "%.4f", r.indexed)), "
                    + "\"vm_ns\": \(String(format: "%.3f", r.vm)), \"plan\": \(StringLiteral.encode(r.plan))}"
            }.joined(separator: ",\n ") + "]")
        } else {
            print("ns/object over \(collection.count) objects, indexes on \(indexed.joined(separator: " and ")) (built in \(String(format: "%.2f", buildSeconds)) s); best of 5")
            print(pad("query", 50) + pad("matches", 9, left: true) + pad("indexed", 10, left: true) + pad("scan", 8, left: true)
                  + pad("realm idx", 11, left: true) + "  plan")
            for r in rows {
                print(pad(r.query, 50) + pad("\(r.matches)", 9, left: true) + pad(String(format: "%.4f", r.indexed), 10, left: true)
                      + pad(String(format: "%.2f", r.vm), 8, left: true) + pad(String(format: "%.4f", r.realm), 11, left: true) + "  " + r.plan)
            }
            let indexedMean = geomean(rows.map(\.indexed)), vmMean = geomean(rows.map(\.vm)), realmMean = geomean(rows.map(\.realm))
            print(pad("geomean", 59) + pad(String(format: "%.4f", indexedMean), 10, left: true) + pad(String(format: "%.2f", vmMean), 8, left: true)
                  + pad(String(format: "%.4f", realmMean), 11, left: true))
            print("indexed: \(String(format: "%.3f", indexedMean)) ns/object geomean; realm-core with its search indexes \(String(format: "%.2f", realmMean)) (\(String(format: "%.1fx", realmMean / indexedMean)))")
        }
        return disagreements
    }

    /// Best of 5 rounds, each repeating `body` for at least 20 ms: nanoseconds per call.
    static func best(_ body: () -> Int) -> (ns: Double, result: Int) {
        var bestNs = Double.infinity, result = 0
        for _ in 0..<5 {
            var calls = 0
            let start = DispatchTime.now().uptimeNanoseconds
            var elapsed: UInt64 = 0
            repeat {
                result = body()
                calls += 1
                elapsed = DispatchTime.now().uptimeNanoseconds - start
            } while elapsed < 20_000_000
            bestNs = min(bestNs, Double(elapsed) / Double(calls))
        }
        return (bestNs, result)
    }
}
