// libFuzzer target, structure-aware: the input bytes are the random stream of `RandomData`, which
// makes a sequence of operations on a `LiveCollection` over `RandomData.schema` with small
// segments: single and batched writes (valid and made not to fit), snapshots kept while writes go
// on, indexes made part way, compaction. Property (`LiveModel`): every snapshot answers random
// queries, through scans and through every index search, as a dictionary of the documents of its
// time does under the reference interpreter, and every write is applied or refused as it should.
//
// Fuzzing build: see Tests/Fuzz/run.sh. Normal build: `FuzzLive FILE-OR-DIR...` replays files.
import RQLTesting

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzSupport.bytes(data, size)
    if let report = LiveModel.run(input: bytes) {
        fatalError("""
            FuzzLive: the live collection and the model disagree: \(report)
            input: \(FuzzSupport.describe(bytes))
            """)
    }
    return 0
}

FuzzEntry.main { data, size in fuzzOne(data, size) }
