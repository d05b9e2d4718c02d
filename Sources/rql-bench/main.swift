import RQLSyntax
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

let json = CommandLine.arguments.contains("--json")
var rows: [(query: String, parseMicros: Double, realmParse: Double)] = []
for q in benchmarkQueries {
    let bytes = Array(q.text.utf8)
    var sink = 0
    let ns = measure {
        let parsed = Parser.parse(bytes)
        sink &+= parsed.tokens.count
    }
    if sink == 42 { print("") }
    rows.append((q.text, ns / 1000, q.realmParseMicroseconds))
}

if json {
    let items = rows.map { "{\"query\": \(StringLiteral.encode($0.query)), \"parse_us\": \(($0.parseMicros * 1000).rounded() / 1000)}" }
    print("[" + items.joined(separator: ", ") + "]")
} else {
    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    func num(_ x: Double) -> String {
        var s = String((x * 100).rounded() / 100)
        if let dot = s.firstIndex(of: "."), s.distance(from: dot, to: s.endIndex) == 2 { s += "0" }
        return String(repeating: " ", count: max(0, 7 - s.count)) + s
    }
    print(pad("query", 50) + "  parse us  realm us  ratio")
    for r in rows {
        print(pad(r.query, 50) + "  " + num(r.parseMicros) + "   " + num(r.realmParse) + "  " + num(r.realmParse / r.parseMicros) + "x")
    }
    let ours = geomean(rows.map(\.parseMicros)), realm = geomean(rows.map(\.realmParse))
    print(pad("geomean", 50) + "  " + num(ours) + "   " + num(realm) + "  " + num(realm / ours) + "x")
}
