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
public enum UTF8Text {
    /// The text of `bytes`, or where its first invalid byte is.
    public static func decode(_ bytes: [UInt8]) -> Result<String, UTF8DecodingError> {
        if let error = firstError(in: bytes) { return .failure(error) }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// Where the first invalid byte of `bytes` is, or nil for valid UTF-8 (RFC 3629: no overlong
    /// forms, no surrogates, nothing above U+10FFFF).
    public static func firstError(in bytes: [UInt8]) -> UTF8DecodingError? {
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
            // The allowed range of the second byte depends on the lead (Unicode Table 3-7).
            let length: Int, low: UInt8, high: UInt8
            switch lead {
            case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
            case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
            case 0xED: (length, low, high) = (3, 0x80, 0x9F)
            case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
            case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
            case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
            default: return i
            }
            guard i + 1 < n, (low...high).contains(b[i + 1]) else { return i }
            for k in 2..<length {
                guard i + k < n, b[i + k] & 0xC0 == 0x80 else { return i }
            }
            i += length
        }
        return nil
    }
}
