import Foundation
import Testing
import RQLCorpus

/// Every error expectation of the realm-derived corpus (unknown, type, args, unsupported) is met
/// with the right kind, and no query realm accepts is rejected.
@Suite struct RealmCorpusCheckerTests {
    static let knownFailures = KnownFailures(text: (try? String(
        contentsOf: CorpusSupport.repositoryRoot.appendingPathComponent("Corpus/known-failures.txt"), encoding: .utf8)) ?? "")

    @Test func realmCorpusErrorsAndAcceptance() {
        var failures: [String] = []
        var passed = 0, skipped = 0
        let runner = CorpusRunner(knownFailures: Self.knownFailures)
        for file in CorpusSupport.files(in: "realm-core") {
            let outcome = runner.run(file)
            passed += outcome.passed
            skipped += outcome.skipped
            failures += outcome.failures.map(\.description)
        }
        #expect(passed > 250)
        #expect(skipped == Self.knownFailures.reasons.keys.filter { !$0.hasPrefix("fs-") }.count)
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.prefix(30).joined(separator: "\n"))")
    }
}
