import Foundation
import RQLSyntax
import Testing

@testable import RQLSemantics
@testable import RQLDocuments

/// `DocumentStream` and `TextFile.readPieces`: a text read a piece at a time loads exactly as
/// the whole text does, wherever it is cut.
@Suite struct DocumentStreamTests {
    static let schema = ObjectSchema(title: "T", properties: [
        Property(name: "_id", type: .scalar(.int)), Property(name: "s", type: .scalar(.string), isNullable: true),
    ])

    static let texts = [
        "{\"_id\": 1, \"s\": \"a\"}\n{\"_id\": 2}\n",
        "\u{FEFF}{\"_id\": 1}\r\n\r\n{\"_id\": 2, \"s\": \"é\"}",
        "\n\n  [\n {\"_id\": 1},\n {\"_id\": 2, \"s\": \"x\"}\n]\n",
        "\u{FEFF}[{\"_id\": 1}, {\"_id\": 1}]",
        "{\"_id\": 1}\n{\"_id\": 1}\n{\"_id\": \"x\"}\n{\"_id\": 3, \"t\": 1}\n{bad\n",
        "{\"_id\": 1}\n{\"_id\": 2,\n \"s\": \"split\"}\n",
        "",
        "\n \n",
    ]

    static func whole(_ text: String) -> ([[Value]], [Diagnostic]) {
        var documents: [[Value]] = []
        let diagnostics = DocumentLoader.load(utf8: Array(text.utf8), schema: schema) { documents.append($0) }
        return (documents, diagnostics)
    }

    static func streamed(_ text: String, cuts: [Int]) -> ([[Value]], [Diagnostic]) {
        let bytes = Array(text.utf8)
        var documents: [[Value]] = []
        var stream = DocumentStream(schema: schema)
        var start = 0
        for cut in cuts.sorted() + [bytes.count] where cut >= start && cut <= bytes.count {
            bytes[start..<cut].withUnsafeBufferPointer { stream.read($0) { documents.append($0) } }
            start = cut
        }
        let diagnostics = stream.finish { documents.append($0) }
        return (documents, diagnostics)
    }

    @Test("a load whose caller stops asking to go on stops at the next check, with an error, in both layouts")
    func cancelling() {
        let count = 3 * DocumentLoader.checkEvery + 5
        for text in [(0..<count).map { "{\"_id\": \($0)}" }.joined(separator: "\n"),
                     "[" + (0..<count).map { "{\"_id\": \($0)}" }.joined(separator: ", ") + "]"] {
            var delivered = 0, asked = 0
            let diagnostics = DocumentLoader.load(utf8: Array(text.utf8), schema: Self.schema, continuing: {
                asked += 1
                return asked < 2
            }) { _ in delivered += 1 }
            #expect(delivered == 2 * DocumentLoader.checkEvery)
            #expect(diagnostics.map(\.code) == [.loadCancelled])
            #expect(diagnostics.first?.message == "loading stopped after \(2 * DocumentLoader.checkEvery) documents; nothing was loaded")
            let whole = DocumentLoader.load(utf8: Array(text.utf8), schema: Self.schema, continuing: { true }) { _ in }
            #expect(whole.isEmpty)
        }
    }

    @Test("every way of cutting a text in two or three loads the same documents with the same diagnostics")
    func cutsAnywhere() {
        for text in Self.texts {
            let expected = Self.whole(text)
            let n = text.utf8.count
            for a in 0...n {
                for b in stride(from: a, through: n, by: 3) {
                    let got = Self.streamed(text, cuts: [a, b])
                    #expect(got.0 == expected.0 && got.1 == expected.1, "\(text.debugDescription) cut at \(a), \(b)")
                }
            }
        }
    }

    @Test("a file is read in pieces of whole lines, a line longer than a piece included, and refused at its first invalid byte")
    func readPieces() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rql-pieces-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = "short\n" + String(repeating: "é", count: 40) + "\nlast line without a newline"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        var pieces: [[UInt8]] = []
        #expect(TextFile.readPieces(path, pieceSize: 16) { pieces.append(Array($0)) } == nil)
        #expect(pieces.flatMap { $0 } == Array(text.utf8))
        #expect(pieces.dropLast().allSatisfy { $0.last == UInt8(ascii: "\n") })

        try Data(Array("ok\nok\n".utf8) + [0x61, 0xFF] + Array("\n".utf8)).write(to: URL(fileURLWithPath: path))
        guard case .invalidUTF8(_, let error)? = TextFile.readPieces(path, pieceSize: 4, { _ in }) else {
            Issue.record("invalid UTF-8 was read")
            return
        }
        #expect((error.line, error.column) == (3, 2))
        #expect(TextFile.readPieces(path + ".missing", { _ in }) == .missing(path: path + ".missing"))
    }
}
