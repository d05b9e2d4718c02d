import Foundation
import Testing
import RQLSyntax
import RQLSemantics
@testable import RQLRuntime
import RQLTesting

/// Differential testing: random queries over random documents must give the same matches with
/// the reference interpreter, the VM and the VM after the optimizer (rows and counts).
///
/// `swift test --filter DifferentialTests` runs 10,000 queries (fixed seeds). For a long run:
/// `RQL_DIFFERENTIAL_QUERIES=1000000 swift test -c release --filter DifferentialTests`.
@Suite struct DifferentialTests {
    /// The schema and the generator live in `RQLTesting`, shared with the `FuzzEvaluator` fuzz target.
    static var schema: ObjectSchema { RandomData.schema }

    static var queryCount: Int {
        ProcessInfo.processInfo.environment["RQL_DIFFERENTIAL_QUERIES"].flatMap(Int.init) ?? 10_000
    }

    @Test func interpreterVMAndOptimizedVMAgree() {
        let seeds: [UInt64] = [1, 2, 3, 4, 5]
        var checkedQueries = 0, failures: [String] = []
        for seed in seeds {
            var generator = RandomData(seed: seed)
            let documents = (0..<60).map { generator.document(id: $0) }
            let collection = ColumnarCollection(schema: Self.schema, documents: documents)
            var attempts = 0
            while checkedQueries < Self.queryCount * Int(seed) / seeds.count, attempts < Self.queryCount * 4 {
                attempts += 1
                let text = generator.query(depth: 0)
                guard let checked = Checker.check(text, collection: Self.schema).query else { continue }
                checkedQueries += 1
                // The same agreement the FuzzEvaluator target checks: rows and counts of all three.
                if let report = FuzzSupport.differentialDisagreement(checked, documents: documents, collection: collection) {
                    failures.append(text + "\n" + report)
                    if failures.count >= 10 { break }
                }
            }
        }
        #expect(checkedQueries >= Self.queryCount, "only \(checkedQueries) random queries passed the checker")
        #expect(failures.isEmpty, "\(failures.count) disagreements:\n\(failures.joined(separator: "\n"))")
    }
}
