import RQL
#if canImport(Glibc)
import Glibc
#endif

// rql-bench: front-end timings on the standard benchmark queries (shared/docs/BENCHMARK.md).
// Run with a release build: swift run -c release rql-bench [--json]

/// Median nanoseconds per call of `body`, over `rounds` rounds of `iterations` calls.
func measure(iterations: Int = 20_000, rounds: Int = 7, _ body: () -> Void) -> Double {
    var samples: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<rounds {
        let start = clock.now
        for _ in 0..<iterations { body() }
        let elapsed = clock.now - start
        let (seconds, attoseconds) = elapsed.components
        samples.append((Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(iterations))
    }
    return samples.sorted()[rounds / 2]
}

func geomean(_ xs: [Double]) -> Double {
    var logSum = 0.0
    for x in xs { logSum += log(x) }
    return exp(logSum / Double(xs.count))
}

/// The standard dataset's schema (BENCHMARK.md).
let itemSchemaJSON = """
    {"title": "Item", "bsonType": "object", "required": ["_id", "name", "age", "active", "created"],
     "properties": {"_id": {"bsonType": "long"}, "name": {"bsonType": "string"}, "age": {"bsonType": "long"},
      "score": {"bsonType": "double"}, "active": {"bsonType": "bool"}, "owner": {"bsonType": "string"},
      "tags": {"bsonType": "array", "items": {"bsonType": "string"}}, "created": {"bsonType": "date"}}}
    """

var schema = Schema()
let schemaErrors = schema.load(itemSchemaJSON)
guard schemaErrors.isEmpty, let item = schema.collection(named: "Item") else {
    fatalError("the benchmark schema does not load: \(schemaErrors)")
}

let json = CommandLine.arguments.contains("--json")
struct Row {
    var query: String
    var parseMicros: Double
    var checkMicros: Double
    var realmParse: Double
    var realmBuild: Double
}
var rows: [Row] = []
for q in benchmarkQueries {
    let bytes = Array(q.text.utf8)
    var sink = 0
    let parseNs = measure {
        let parsed = Parser.parse(bytes)
        sink &+= parsed.tokens.count
    }
    let checkNs = measure {
        let result = Checker.check(Parser.parse(bytes), collection: item)
        sink &+= result.diagnostics.count
    }
    guard Checker.check(q.text, collection: item).query != nil else { fatalError("\(q.text) does not check") }
    if sink == 42 { print("") }
    rows.append(Row(query: q.text, parseMicros: parseNs / 1000, checkMicros: checkNs / 1000,
                    realmParse: q.realmParseMicroseconds, realmBuild: q.realmBuildMicroseconds))
}

if json {
    let items = rows.map {
        "{\"query\": \(StringLiteral.encode($0.query)), \"parse_us\": \(($0.parseMicros * 1000).rounded() / 1000), \"parse_check_us\": \(($0.checkMicros * 1000).rounded() / 1000)}"
    }
    print("[" + items.joined(separator: ", ") + "]")
} else {
    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    func num(_ x: Double) -> String {
        var s = String((x * 100).rounded() / 100)
        if let dot = s.firstIndex(of: "."), s.distance(from: dot, to: s.endIndex) == 2 { s += "0" }
        return String(repeating: " ", count: max(0, 7 - s.count)) + s
    }
    print("Front end, microseconds per query (median of 7 rounds); realm-core 14.14.0 figures from BENCHMARK.md")
    print(pad("query", 50) + "    parse  realm parse  parse+check  realm parse+build")
    for r in rows {
        print(pad(r.query, 50) + "  " + num(r.parseMicros) + "      " + num(r.realmParse) + "      " + num(r.checkMicros) + "            " + num(r.realmBuild))
    }
    let p = geomean(rows.map(\.parseMicros)), rp = geomean(rows.map(\.realmParse))
    let c = geomean(rows.map(\.checkMicros)), rb = geomean(rows.map(\.realmBuild))
    print(pad("geomean", 50) + "  " + num(p) + "      " + num(rp) + "      " + num(c) + "            " + num(rb))
    print("ratios: parse \(num(rp / p))x faster than realm-core, parse+check \(num(rb / c))x faster than realm-core's parse+build")
}
