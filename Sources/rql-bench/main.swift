import Foundation
import RQL
import RQLPostgres

// rql-bench: the standard benchmark (the README's Benchmarks section) on this machine.
// For each of the 12 queries: matches, compile time (parse + check + optimize + compile), and
// ns/object for the VM, the reference interpreter, a hand-written Swift closure and Foundation's
// #Predicate, with the ratios.

let usage = """
    usage: swift run -c release rql-bench [--objects N] [--json] [--vm-only] [--only TEXT] [--query RQL] [--front-end] [--matcher [--subscriptions N]] [--load] [--single] [--indexed] [--live] [--postgres URL]
      --objects N   dataset size (default 1000000; realm-core's match counts are checked at 1000000)
      --json        one JSON object per query instead of the table
      --vm-only     time only the VM (the other engines take most of a full run)
      --only TEXT   only the queries whose text contains TEXT (for profiling one query)
      --query RQL   time your own query on the dataset instead (VM, checked against the interpreter);
                    properties: _id, name, age, score, active, owner, tags, created
      --front-end   parse and parse+check times against realm-core's
      --matcher     the change matcher: indexed against a full evaluation of every subscription
      --subscriptions N  subscriptions registered by --matcher (default 1,000,000)
      --load        rql eval --count on the dataset written as Extended JSON lines: load_s, mb_per_s,
                    peak_rss_mb, cpu_s (needs the built rql next to rql-bench)
      --single      one document at a time (CompiledQuery.matches) against the interpreter, ns per document
      --indexed     with indexes on owner and age, through the planner: ns per object against the scan and
                    realm-core with its search indexes
      --live        a LiveCollection: us per insert, update, delete (at random _ids), per document of batched
                    updates, per snapshot(); the 12 queries in a fresh snapshot and after 100,000 updates
      --postgres URL  the dataset loaded into PostgreSQL with COPY (schema rqlkit_bench, dropped after): ms per
                    translated query without and with the suggested indexes, counts checked against the VM,
                    and EXPLAIN of owner == "user42"
    """
/// Larger datasets do not fit this machine's memory (about 1 KB per object across the engines).
let maxObjects = 10_000_000

func usageError(_ message: String) -> Never {
    FileHandle.standardError.write(Data("rql-bench: \(message)\n\(usage)\n".utf8))
    exit(64)
}

struct Options {
    var objectCount = 1_000_000
    var subscriptionCount = 1_000_000
    var json = false, frontEndOnly = false, vmOnly = false, matcherOnly = false, load = false, single = false, indexed = false
    var live = false
    var onlyText: String?
    var customQuery: String?
    var postgres: String?

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var arguments = arguments[...]
        while let argument = arguments.popFirst() {
            switch argument {
            case "--help", "-h":
                print(usage)
                exit(0)
            case "--objects":
                guard let value = arguments.popFirst(), let n = Int(value), (1...maxObjects).contains(n) else {
                    usageError("--objects needs a whole number from 1 to \(maxObjects)")
                }
                options.objectCount = n
            case "--subscriptions":
                guard let value = arguments.popFirst(), let n = Int(value), n >= 1 else {
                    usageError("--subscriptions needs a positive whole number")
                }
                options.subscriptionCount = n
            case "--only":
                guard let value = arguments.popFirst() else { usageError("--only needs the text to look for") }
                options.onlyText = value
            case "--postgres":
                guard let value = arguments.popFirst() else { usageError("--postgres needs a PostgreSQL URL") }
                options.postgres = value
            case "--query":
                guard let value = arguments.popFirst() else { usageError("--query needs a query") }
                options.customQuery = value
            case "--json": options.json = true
            case "--vm-only": options.vmOnly = true
            case "--front-end": options.frontEndOnly = true
            case "--matcher": options.matcherOnly = true
            case "--load": options.load = true
            case "--single": options.single = true
            case "--indexed": options.indexed = true
            case "--live": options.live = true
            default: usageError("unknown argument '\(argument)'")
            }
        }
        return options
    }
}
let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let objectCount = options.objectCount, json = options.json, frontEndOnly = options.frontEndOnly
let vmOnly = options.vmOnly, onlyText = options.onlyText
if let onlyText, !benchmarkQueries.contains(where: { $0.text.contains(onlyText) }) {
    usageError("no benchmark query contains '\(onlyText)'")
}
if options.matcherOnly {
    MatcherBenchmark.run(subscriptions: options.subscriptionCount, json: json)
    exit(0)
}

let itemSchemaJSON = """
    {"title": "Item", "bsonType": "object", "required": ["_id", "name", "age", "active", "created"],
     "properties": {"_id": {"bsonType": "long"}, "name": {"bsonType": "string"}, "age": {"bsonType": "long"},
      "score": {"bsonType": "double"}, "active": {"bsonType": "bool"}, "owner": {"bsonType": "string"},
      "tags": {"bsonType": "array", "items": {"bsonType": "string"}}, "created": {"bsonType": "date"}}}
    """
var schema = Schema()
let schemaErrors = schema.load(itemSchemaJSON)
guard schemaErrors.isEmpty, let itemSchema = schema.collection(named: "Item") else {
    fatalError("the benchmark schema does not load: \(schemaErrors)")
}
if options.load {
    LoadBenchmark.run(objects: objectCount, schemaJSON: itemSchemaJSON, json: json)
    exit(0)
}

/// Median nanoseconds per call of `body` over `rounds` rounds of `iterations` calls.
func measure(iterations: Int = 20_000, rounds: Int = 7, _ body: () -> Void) -> Double {
    var samples: [Double] = []
    for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { body() }
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations))
    }
    return samples.sorted()[rounds / 2]
}

/// Best-of-`runs` nanoseconds per object of a scan that returns its match count.
func scan(runs: Int, _ body: () -> Int) -> (nsPerObject: Double, matches: Int) {
    var best = Double.infinity
    var matches = 0
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        matches = body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / Double(max(objectCount, 1)))
    }
    return (best, matches)
}

func geomean(_ xs: [Double]) -> Double { exp(xs.map(log).reduce(0, +) / Double(xs.count)) }

/// Two decimals; "-" for an engine that was not timed (--vm-only).
func fixed(_ x: Double, _ digits: Int = 2) -> String { x.isNaN ? "-" : String(format: "%.\(digits)f", x) }
func ratio(_ x: Double) -> String { x.isNaN ? "-" : fixed(x, x < 0.1 ? 3 : 2) + "x" }
func jsonNumber(_ x: Double) -> String { x.isNaN ? "null" : fixed(x, 3) }
func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
    s.count >= n ? s : (left ? String(repeating: " ", count: n - s.count) + s : s + String(repeating: " ", count: n - s.count))
}

if options.live {
    let disagreements = LiveBenchmark.run(objects: objectCount, schema: itemSchema, json: json)
    guard disagreements.isEmpty else {
        FileHandle.standardError.write(Data(("match counts disagree:\n" + disagreements.joined(separator: "\n") + "\n").utf8))
        exit(1)
    }
    exit(0)
}

// MARK: Front end only

if frontEndOnly {
    print("Front end, microseconds per query (median of 7 rounds); realm-core 14.14.0 figures from docs/BENCHMARK.md")
    print(pad("query", 50) + pad("parse", 9, left: true) + pad("realm", 9, left: true) + pad("parse+check", 13, left: true) + pad("realm build", 13, left: true))
    var rows: [(Double, Double, Double, Double)] = []
    for q in benchmarkQueries {
        let bytes = Array(q.text.utf8)
        var sink = 0
        let parse = measure { sink &+= Parser.parse(bytes).tokens.count } / 1000
        let check = measure { sink &+= Checker.check(Parser.parse(bytes), collection: itemSchema).diagnostics.count } / 1000
        if sink == 42 { print("") }
        rows.append((parse, q.realmParseMicroseconds, check, q.realmBuildMicroseconds))
        print(pad(q.text, 50) + pad(fixed(parse), 9, left: true) + pad(fixed(q.realmParseMicroseconds), 9, left: true)
              + pad(fixed(check), 13, left: true) + pad(fixed(q.realmBuildMicroseconds), 13, left: true))
    }
    let p = geomean(rows.map(\.0)), rp = geomean(rows.map(\.1)), c = geomean(rows.map(\.2)), rb = geomean(rows.map(\.3))
    print(pad("geomean", 50) + pad(fixed(p), 9, left: true) + pad(fixed(rp), 9, left: true) + pad(fixed(c), 13, left: true) + pad(fixed(rb), 13, left: true))
    print("parse \(fixed(rp / p))x faster than realm-core's parse; parse+check \(fixed(rb / c))x faster than its parse+build")
    exit(0)
}

// MARK: Full benchmark

let compiledCustomQuery: CompiledQuery?
if let text = options.customQuery {
    do {
        compiledCustomQuery = try CompiledQuery(text, collection: itemSchema)
    } catch {
        FileHandle.standardError.write(Data("rql-bench: \(error)\n".utf8))
        exit(65)
    }
} else {
    compiledCustomQuery = nil
}

let generationStart = DispatchTime.now().uptimeNanoseconds
let items = Dataset.items(count: objectCount)
let documents = Dataset.documents(items)
let columnar = ColumnarCollection(schema: itemSchema, documents: documents)
if !json {
    print("dataset: \(objectCount) objects (seed 42) in \(fixed(Double(DispatchTime.now().uptimeNanoseconds - generationStart) / 1e9)) s")
}

if let query = compiledCustomQuery, let text = options.customQuery {
    let compileMicros = measure(iterations: 5_000) { _ = try? CompiledQuery(text, collection: itemSchema) } / 1000
    let bound = VM.bind(query.program, to: columnar)
    let vm = scan(runs: 5) { bound.count() }
    let expected = documents.reduce(0) { $0 + (Interpreter.matches(query.checked, $1) ? 1 : 0) }
    print("\(text)\n  \(vm.matches) matches, compile \(fixed(compileMicros)) us, VM \(fixed(vm.nsPerObject)) ns/object (best of 5)")
    print(Disassembler.listing(query.program).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
    guard expected == vm.matches else {
        FileHandle.standardError.write(Data("rql-bench: the interpreter finds \(expected) matches, the VM \(vm.matches)\n".utf8))
        exit(1)
    }
    exit(0)
}

if options.indexed {
    let disagreements = IndexedBenchmark.run(collection: columnar, schema: itemSchema, json: json, onlyText: onlyText)
    guard disagreements.isEmpty else {
        FileHandle.standardError.write(Data(("match counts disagree:\n" + disagreements.joined(separator: "\n") + "\n").utf8))
        exit(1)
    }
    exit(0)
}

if let postgres = options.postgres {
    let url: DatabaseURL
    do {
        url = try DatabaseURL(postgres)
    } catch {
        usageError(error.description)
    }
    let disagreements = PostgresBenchmark.run(url: url, documents: documents, collection: columnar, schema: itemSchema, json: json, onlyText: onlyText)
    guard disagreements.isEmpty else {
        FileHandle.standardError.write(Data(("PostgreSQL disagrees:\n" + disagreements.joined(separator: "\n") + "\n").utf8))
        exit(1)
    }
    exit(0)
}

if options.single {
    let disagreements = SingleBenchmark.run(documents: documents, collection: columnar, schema: itemSchema, json: json, onlyText: onlyText)
    guard disagreements.isEmpty else {
        FileHandle.standardError.write(Data(("match counts disagree:\n" + disagreements.joined(separator: "\n") + "\n").utf8))
        exit(1)
    }
    exit(0)
}

struct Row {
    var query: String
    var matches: Int
    var expected: Int
    var compileMicros: Double
    var vm: Double
    var interpreter: Double
    var closure: Double
    var predicate: Double?
    var realm: Double
}

var rows: [Row] = []
var disagreements: [String] = []
for (index, q) in benchmarkQueries.enumerated() where onlyText.map(q.text.contains) ?? true {
    let compileMicros = measure(iterations: 5_000) {
        _ = try? CompiledQuery(q.text, collection: itemSchema)
    } / 1000
    guard let compiled = try? CompiledQuery(q.text, collection: itemSchema) else { fatalError("\(q.text) does not compile") }
    let bound = VM.bind(compiled.program, to: columnar)
    let vm = scan(runs: 5) { bound.count() }
    let skipped = (nsPerObject: Double.nan, matches: vm.matches)
    let interpreter = vmOnly ? skipped : scan(runs: 2) { documents.reduce(0) { $0 + (Interpreter.matches(compiled.checked, $1) ? 1 : 0) } }
    let closure = closures[index]
    let hand = vmOnly ? skipped : scan(runs: 5) { items.reduce(0) { $0 + (closure($1) ? 1 : 0) } }
    var predicate: (nsPerObject: Double, matches: Int)?
    if let p = predicates[index], !vmOnly {
        predicate = scan(runs: 1) { items.reduce(0) { $0 + ((try? p.evaluate($1)) == true ? 1 : 0) } }
    }
    for (engine, n) in [("interpreter", interpreter.matches), ("closure", hand.matches), ("#Predicate", predicate?.matches ?? vm.matches)]
    where n != vm.matches {
        disagreements.append("\(q.text): VM \(vm.matches), \(engine) \(n)")
    }
    if objectCount == 1_000_000, vm.matches != q.expectedMatches {
        disagreements.append("\(q.text): VM \(vm.matches), realm-core \(q.expectedMatches)")
    }
    rows.append(Row(query: q.text, matches: vm.matches, expected: q.expectedMatches, compileMicros: compileMicros,
                    vm: vm.nsPerObject, interpreter: interpreter.nsPerObject, closure: hand.nsPerObject,
                    predicate: predicate?.nsPerObject, realm: q.realmNanosecondsPerObject))
}

if json {
    let objects = rows.map { r in
        "{\"query\": \(StringLiteral.encode(r.query)), \"matches\": \(r.matches), \"compile_us\": \(fixed(r.compileMicros, 3)), "
            + "\"vm_ns\": \(fixed(r.vm, 3)), \"interpreter_ns\": \(jsonNumber(r.interpreter)), \"closure_ns\": \(jsonNumber(r.closure)), "
            + "\"predicate_ns\": \(r.predicate.map { fixed($0, 3) } ?? "null")}"
    }
    print("[" + objects.joined(separator: ",\n ") + "]")
} else {
    print("ns/object over \(objectCount) objects (best of 5 runs; interpreter best of 2, #Predicate 1); compile = parse+check+optimize+compile")
    print(pad("query", 50) + pad("matches", 9, left: true) + pad("compile us", 11, left: true) + pad("VM", 8, left: true)
          + pad("interp", 8, left: true) + pad("closure", 9, left: true) + pad("#Predicate", 11, left: true)
          + pad("realm", 8, left: true) + pad("VM/closure", 11, left: true) + pad("Pred/VM", 9, left: true))
    for r in rows {
        print(pad(r.query, 50) + pad("\(r.matches)", 9, left: true) + pad(fixed(r.compileMicros), 11, left: true)
              + pad(fixed(r.vm), 8, left: true) + pad(fixed(r.interpreter), 8, left: true) + pad(fixed(r.closure), 9, left: true)
              + pad(r.predicate.map { fixed($0) } ?? "n/a", 11, left: true) + pad(fixed(r.realm), 8, left: true)
              + pad(ratio(r.vm / r.closure), 11, left: true) + pad(r.predicate.map { ratio($0 / r.vm) } ?? "n/a", 9, left: true))
    }
    let vm = geomean(rows.map(\.vm)), interp = geomean(rows.map(\.interpreter)), closure = geomean(rows.map(\.closure))
    let realm = geomean(rows.map(\.realm)), compile = geomean(rows.map(\.compileMicros))
    let withPredicate = rows.filter { $0.predicate != nil }
    let predicateRatio = withPredicate.isEmpty ? Double.nan : geomean(withPredicate.map { $0.predicate! / $0.vm })
    print(pad("geomean", 50) + pad("", 9) + pad(fixed(compile), 11, left: true) + pad(fixed(vm), 8, left: true)
          + pad(fixed(interp), 8, left: true) + pad(fixed(closure), 9, left: true) + pad("", 11) + pad(fixed(realm), 8, left: true)
          + pad(ratio(vm / closure), 11, left: true) + pad(ratio(predicateRatio), 9, left: true))
    if vmOnly {
        print("VM: \(fixed(vm)) ns/object geomean; realm-core \(fixed(realm)) ns/object (\(ratio(realm / vm)))")
    } else {
        print("VM: \(fixed(vm)) ns/object geomean; \(ratio(vm / closure)) the hand-written closure; #Predicate \(ratio(predicateRatio)) slower than the VM (\(withPredicate.count) queries); realm-core \(fixed(realm)) ns/object (\(ratio(realm / vm)))")
    }
}
if !disagreements.isEmpty {
    FileHandle.standardError.write(Data(("match counts disagree:\n" + disagreements.joined(separator: "\n") + "\n").utf8))
    exit(1)
}
