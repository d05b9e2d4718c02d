import Foundation
import RQL

/// `rql-bench --single`: one document at a time, as a sync server tests a changed document:
/// `CompiledQuery.matches(document)` once per call, against the reference interpreter on the
/// same documents.
///
/// Two figures per query. `single_ns` and `interpreter_single_ns` are timed on the first
/// `sampleSize` documents, matched pass after pass: they stay in the cache, as a document a sync
/// server has just decoded does, and there are too many for the branch predictor to learn the
/// sequence. One pass over all documents (reported as "all docs") mostly measures fetching each
/// document from memory (and a retain of it by the caller's loop). Every count is checked: the
/// single-document path and the interpreter over all documents against the scan, and against
/// each other on the sample.
enum SingleBenchmark {
    static let sampleSize = 2_048

    struct Row {
        var query: String
        var single: Double
        var interpreter: Double
        var allDocuments: Double
    }

    static func run(documents: [Document], collection: ColumnarCollection, schema: ObjectSchema, json: Bool,
                    onlyText: String?) -> [String] {
        let sample = Array(documents.prefix(sampleSize))
        let passes = max(1, 1_000_000 / sample.count)
        var rows: [Row] = []
        var disagreements: [String] = []
        for q in benchmarkQueries where onlyText.map(q.text.contains) ?? true {
            guard let compiled = try? CompiledQuery(q.text, collection: schema) else { fatalError("\(q.text) does not compile") }
            let scanned = try! compiled.count(in: collection)
            let all = timed(calls: documents.count) { countMatches(compiled, documents) }
            let allInterpreted = countInterpreted(compiled.checked, documents)
            let single = (0..<3).map { _ in timed(calls: passes * sample.count) { (0..<passes).reduce(0) { n, _ in n + countMatches(compiled, sample) } } }
            let interpreterPasses = max(1, passes / 20)
            let interpreter = timed(calls: interpreterPasses * sample.count) {
                (0..<interpreterPasses).reduce(0) { n, _ in n + countInterpreted(compiled.checked, sample) }
            }
            for (engine, n) in [("single", all.count), ("interpreter", allInterpreted)] where n != scanned {
                disagreements.append("\(q.text): scan \(scanned), \(engine) \(n) over all documents")
            }
            if single[0].count / passes != interpreter.count / interpreterPasses {
                disagreements.append("\(q.text): on the sample, single \(single[0].count / passes), interpreter \(interpreter.count / interpreterPasses)")
            }
            rows.append(Row(query: q.text, single: single.map(\.ns).min()!, interpreter: interpreter.ns, allDocuments: all.ns))
        }
        if json {
            let objects = rows.map { r in
                "{\"query\": \(StringLiteral.encode(r.query)), \"single_ns\": \(fixed(r.single, 3)), "
                    + "\"interpreter_single_ns\": \(fixed(r.interpreter, 3)), \"single_all_documents_ns\": \(fixed(r.allDocuments, 3))}"
            }
            print("[" + objects.joined(separator: ",\n ") + "]")
        } else {
            print("ns per CompiledQuery.matches(document): the first \(sample.count) documents, \(passes) passes "
                  + "(best of 3; interpreter 1 run); all docs: one pass over all \(documents.count), each fetched from memory")
            print(pad("query", 50) + pad("single", 9, left: true) + pad("interp", 9, left: true) + pad("interp/single", 15, left: true)
                  + pad("all docs", 10, left: true))
            for r in rows {
                print(pad(r.query, 50) + pad(fixed(r.single), 9, left: true) + pad(fixed(r.interpreter), 9, left: true)
                      + pad(ratio(r.interpreter / r.single), 15, left: true) + pad(fixed(r.allDocuments), 10, left: true))
            }
            let single = geomean(rows.map(\.single)), interpreter = geomean(rows.map(\.interpreter)), all = geomean(rows.map(\.allDocuments))
            print(pad("geomean", 50) + pad(fixed(single), 9, left: true) + pad(fixed(interpreter), 9, left: true)
                  + pad(ratio(interpreter / single), 15, left: true) + pad(fixed(all), 10, left: true))
            let least = rows.map { $0.interpreter / $0.single }.min() ?? .nan
            print("single: \(fixed(single)) ns geomean; the interpreter is \(ratio(interpreter / single)) slower (least \(ratio(least)))")
        }
        return disagreements
    }

    /// Nanoseconds per call of a loop making `calls` calls, and the count it returns.
    static func timed(calls: Int, _ body: () -> Int) -> (ns: Double, count: Int) {
        let start = DispatchTime.now().uptimeNanoseconds
        let count = body()
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / Double(max(calls, 1)), count)
    }

    // The loops take the array as a parameter, not from a closure's context.
    static func countMatches(_ query: CompiledQuery, _ documents: [Document]) -> Int {
        var n = 0
        for i in documents.indices where query.matches(documents[i]) { n += 1 }
        return n
    }

    static func countInterpreted(_ query: CheckedQuery, _ documents: [Document]) -> Int {
        var n = 0
        for i in documents.indices where Interpreter.matches(query, documents[i]) { n += 1 }
        return n
    }
}
