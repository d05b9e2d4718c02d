// libFuzzer target, structure-aware: the input bytes are the random stream of `RandomData`
// (one byte per choice; a fixed SplitMix64 continues when they run out), which makes one query
// and 20 documents over `RandomData.schema`. Property: when the query passes the checker, the
// reference interpreter, the VM and the optimized VM return the same matches (and counts).
//
// Fuzzing build: see Tests/Fuzz/run.sh. Normal build: `FuzzEvaluator FILE-OR-DIR...` replays files.
import RQLSemantics
import RQLTesting

let documentCount = 20

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzSupport.bytes(data, size)
    var generator = RandomData(bytes: bytes)
    // The query first, so the first bytes (which mutations reach most) shape it.
    let text = generator.query(depth: 0)
    let documents = (0..<documentCount).map { generator.document(id: $0) }
    guard let checked = Checker.check(text, collection: RandomData.schema).query else { return 0 }
    if let report = FuzzSupport.differentialDisagreement(checked, documents: documents) {
        fatalError("""
            FuzzEvaluator: the interpreter and the VM disagree
            query: \(text)
            \(report)
            documents:
            \(documents.map { "  " + RandomData.describe($0) }.joined(separator: "\n"))
            input: \(FuzzSupport.describe(bytes))
            """)
    }
    return 0
}

FuzzEntry.main { data, size in fuzzOne(data, size) }
