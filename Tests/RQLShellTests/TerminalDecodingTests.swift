import Testing
import RQLShell

/// The REPL's terminal reader hands libedit one scalar at a time; these are the byte sequences a
/// terminal (or a paste) can produce.
@Suite struct TerminalDecodingTests {
    /// Decodes all of `bytes` as a stream, as the reader does; nil ends it early.
    static func decode(_ bytes: [UInt8]) -> [UInt32?] {
        var rest = bytes[...]
        var out: [UInt32?] = []
        while let lead = rest.popFirst() {
            out.append(TerminalDecoding.scalar(lead: lead) { rest.popFirst() })
        }
        return out
    }

    @Test func validUTF8BecomesScalars() {
        let text = "a é € 😀"
        #expect(Self.decode(Array(text.utf8)) == text.unicodeScalars.map { $0.value })
    }

    @Test func invalidSequencesBecomeTheReplacementCharacter() {
        #expect(Self.decode([0xFF]) == [0xFFFD])               // not a lead byte
        #expect(Self.decode([0x80]) == [0xFFFD])               // a stray continuation byte
        #expect(Self.decode([0xC0, 0x80]) == [0xFFFD])         // overlong NUL
        #expect(Self.decode([0xED, 0xA0, 0x80]) == [0xFFFD])   // a surrogate
        #expect(Self.decode([0xF4, 0x90, 0x80, 0x80]) == [0xFFFD])  // past U+10FFFF
        #expect(Self.decode([0xC3, 0x41]) == [0xFFFD])         // a bad continuation (the byte is used up)
    }

    @Test func aSequenceCutShortEndsTheInput() {
        #expect(Self.decode([0x61, 0xE2, 0x82]) == [0x61, nil])
    }
}
