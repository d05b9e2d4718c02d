// libFuzzer target, structure-aware: the input bytes are the random stream of `RandomData`, which
// makes a sequence of operations on a `ChangeMatcher` over `RandomData.schema`: register a client
// (1-3 checked subscriptions and a read filter, replacing one with the same id), unregister one,
// or a change (insert, update or delete of generated documents). Property, for every change: the
// matcher with its index, the matcher testing every client, and `MatcherModel` (the definition of
// a client's view, on the reference interpreter) give the same deliveries.
//
// Fuzzing build: see Tests/Fuzz/run.sh. Normal build: `FuzzMatcher FILE-OR-DIR...` replays files.
import RQLTesting

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzSupport.bytes(data, size)
    if let report = MatcherModel.run(input: bytes) {
        fatalError("""
            FuzzMatcher: the change matcher and the model disagree: \(report)
            input: \(FuzzSupport.describe(bytes))
            """)
    }
    return 0
}

FuzzEntry.main { data, size in fuzzOne(data, size) }
