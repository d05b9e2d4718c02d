import RQLSyntax

/// Invalid UTF-8 in a text file: where the first bad byte is.
public struct UTF8DecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The byte offset of the first byte that does not begin a valid sequence.
    public var offset: Int
    /// The 1-based line and column (in Unicode scalars) of `offset`.
    public var line: Int
    public var column: Int
    /// The offending byte.
    public var byte: UInt8

    /// `invalid UTF-8 at line 3, column 7 (byte 0xFF)`.
    public var description: String {
        "invalid UTF-8 at line \(line), column \(column) (byte 0x\(HexDigits.format(UInt64(byte), digits: 2).uppercased()))"
    }
}

/// The one way files become text: every file reader (the command line, the REPL, app exports)
/// goes through `decode`, so invalid UTF-8 is refused with its position instead of being replaced
/// by U+FFFD, which would change names and values without a word.
package enum UTF8Text {
    /// The text of `bytes`, or where its first invalid byte is.
    package static func decode(_ bytes: [UInt8]) -> Result<String, UTF8DecodingError> {
        if let error = firstError(in: bytes) { return .failure(error) }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// Where the first invalid byte of `bytes` is, or nil for valid UTF-8 (RFC 3629: no overlong
    /// forms, no surrogates, nothing above U+10FFFF).
    package static func firstError(in bytes: [UInt8]) -> UTF8DecodingError? {
        bytes.withUnsafeBufferPointer { buffer -> UTF8DecodingError? in
            guard let offset = firstInvalidOffset(buffer) else { return nil }
            let location = LineColumn(offset: offset, inUTF8: bytes)
            return UTF8DecodingError(offset: offset, line: location.line, column: location.column, byte: buffer[offset])
        }
    }

    /// The offset of the first byte that does not begin a valid sequence (a stray continuation
    /// byte, or the lead of a malformed or truncated one).
    static func firstInvalidOffset(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = b.count
        var i = 0
        while i < n {
            // ASCII runs, eight bytes at a time.
            while i + 8 <= n {
                let word = UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            guard i < n else { return nil }
            let lead = b[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            guard let length = Lexer.utf8SequenceLength(b, at: i) else { return i }
            i += length
        }
        return nil
    }
}
