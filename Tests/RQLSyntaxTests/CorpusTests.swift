import Testing
import RQLCorpus

/// The project's own corpus (`Corpus/`, every folder but the realm-derived one, which
/// `RealmCorpusCheckerTests` runs with its known failures) passes.
@Suite struct CorpusTests {
    @Test func ownCorpusPasses() {
        let files = CorpusSupport.files(in: "").filter { !$0.path.contains("/realm-core/") }
        #expect(files.count >= 6)
        var failures: [String] = []
        var passed = 0
        for file in files {
            let outcome = CorpusRunner(knownFailures: RealmCorpusCheckerTests.knownFailures).run(file)
            passed += outcome.passed
            failures += outcome.failures.map(\.description)
        }
        #expect(passed > 150)
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.prefix(30).joined(separator: "\n"))")
    }
}
