import Foundation
import Testing
@testable import RQLSemantics

/// Files become text through `TextFile`: invalid UTF-8 is refused with its position.
@Suite struct TextFileTests {
    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rql-textfile-\(UUID().uuidString).json").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("invalid UTF-8 is refused with the line and column of the first bad byte, not replaced by U+FFFD")
    func invalidUTF8IsRefusedWithItsPosition() throws {
        // Line 2: `{"é": ` then a lone 0xFF; the column counts é as one character.
        let bytes = Array("{}\n{\"é\": ".utf8) + [0xFF] + Array("1}\n".utf8)
        let path = try Self.temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard case .failure(.invalidUTF8(_, let error)) = TextFile.read(path) else {
            Issue.record("invalid UTF-8 was accepted")
            return
        }
        #expect(error.line == 2)
        #expect(error.column == 7)
        #expect(error.byte == 0xFF)
        #expect(error.description == "invalid UTF-8 at line 2, column 7 (byte 0xFF)")
    }

    @Test("overlong forms, surrogates, truncated sequences and stray continuation bytes are invalid; the offset is the sequence's first byte")
    func malformedSequences() {
        let cases: [([UInt8], Int)] = [
            ([0x61, 0xC0, 0xAF], 1),                   // overlong '/'
            ([0x61, 0x62, 0xED, 0xA0, 0x80], 2),       // U+D800
            ([0xF4, 0x90, 0x80, 0x80], 0),             // above U+10FFFF
            (Array("abcdefghij".utf8) + [0xE2, 0x82], 10), // truncated at the end
            ([0x80], 0),                               // continuation without a lead
        ]
        for (bytes, offset) in cases {
            #expect(UTF8Text.firstError(in: bytes)?.offset == offset, "\(bytes)")
        }
        #expect(UTF8Text.firstError(in: Array("plain ASCII, then é, € and 𝄞".utf8)) == nil)
    }

    @Test("a missing file is reported as missing")
    func missingFile() {
        #expect(TextFile.read("/nonexistent/rql-nothing.json") == .failure(.missing(path: "/nonexistent/rql-nothing.json")))
    }
}
