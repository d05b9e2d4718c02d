import Foundation
import RQLCorpus

/// Locating and loading the corpus files from the tests.
enum CorpusSupport {
    /// The repository root, found from this file's path.
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every `.rqlt` file below `Corpus/<folder>` (recursively), parsed.
    static func files(in folder: String) -> [CorpusFile] {
        let directory = repositoryRoot.appendingPathComponent("Corpus").appendingPathComponent(folder)
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        var names: [String] = []
        while let name = enumerator?.nextObject() as? String {
            if name.hasSuffix(".rqlt") { names.append(name) }
        }
        return names.sorted().compactMap { name in
            let url = directory.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
            return CorpusFile.parse(text, path: "Corpus/\(folder.isEmpty ? "" : folder + "/")\(name)")
        }
    }

    /// Every query and subscribe block of a folder, with where it came from.
    static func queries(in folder: String) -> [(where: String, text: String, expectation: CorpusExpectation?)] {
        files(in: folder).flatMap { file in
            file.blocks.compactMap { block in
                switch block.directive {
                case .query, .subscribe: ("\(file.path):\(block.line)", block.body, block.expectation)
                default: nil
                }
            }
        }
    }
}
