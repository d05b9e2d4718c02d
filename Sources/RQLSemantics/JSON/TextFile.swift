import Foundation
import RQLSyntax

/// Why a text file could not be read.
public enum TextFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// There is no file at the path.
    case missing(path: String)
    /// It exists but cannot be read (permissions, a folder, an I/O error).
    case unreadable(path: String)
    /// It is not UTF-8.
    case invalidUTF8(path: String, UTF8DecodingError)

    /// `no such file 'x'`, `cannot read 'x'`, `'x' is not valid UTF-8 text: invalid UTF-8 at line 2, column 5 (byte 0xFF)`.
    public var description: String {
        switch self {
        case .missing(let path): "no such file '\(escaped: path)'"
        case .unreadable(let path): "cannot read '\(escaped: path)'"
        case .invalidUTF8(let path, let error): "'\(escaped: path)' is not valid UTF-8 text: \(error)"
        }
    }
}

/// Reading text files: the one function every file reader uses (the command line, the REPL's
/// `.load`/`.read`/`.changes`, app exports and their rules), so each refuses invalid UTF-8 the
/// same way, with the line and column of the first bad byte.
package enum TextFile {
    /// The size of the pieces `readPieces` reads: large enough that a read costs little per
    /// byte, small next to the data a large file loads into.
    package static let pieceBytes = 4 * 1024 * 1024

    /// The bytes of the file at `path`, checked to be UTF-8.
    package static func readBytes(_ path: String) -> Result<[UInt8], TextFileError> {
        guard let bytes = regularFileBytes(path) ?? FileManager.default.contents(atPath: path).map({ [UInt8]($0) }) else {
            return .failure(FileManager.default.fileExists(atPath: path) ? .unreadable(path: path) : .missing(path: path))
        }
        if let error = UTF8Text.firstError(in: bytes) { return .failure(.invalidUTF8(path: path, error)) }
        return .success(bytes)
    }

    /// A regular file read straight into an array of its size: going through `Data` would hold the
    /// file twice, which for a large data file is most of the load's peak memory. Nil for anything
    /// else (pipes, folders, errors); the caller then falls back to `FileManager`.
    private static func regularFileBytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = Int(status.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while count < size {
                let n = Glibc.read(fd, buffer.baseAddress! + count, size - count)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else {
                    failed = n < 0
                    break
                }
                count += n
            }
        }
        return failed ? nil : bytes
    }

    /// Reads the file at `path` in pieces of whole lines, each checked to be UTF-8 before `body`
    /// gets it: at most `pieceSize` bytes unless a single line is longer. Nil when the whole
    /// file was read; the error otherwise (with its position, for invalid UTF-8), after which
    /// what `body` received must be dropped.
    package static func readPieces(_ path: String, pieceSize: Int = pieceBytes,
                                  _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> TextFileError? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return errno == ENOENT ? .missing(path: path) : .unreadable(path: path) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: max(pieceSize, 1))
        var filled = 0
        var atEnd = false
        while !atEnd {
            if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let n = buffer.withUnsafeMutableBufferPointer { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                return .unreadable(path: path)
            }
            atEnd = n == 0
            filled += n
            // Whole lines only, so no UTF-8 sequence is cut; everything at the end.
            var cut = filled
            if !atEnd {
                while cut > 0, buffer[cut - 1] != UInt8(ascii: "\n") { cut -= 1 }
            }
            guard cut > 0 else { continue }
            let invalid = buffer.withUnsafeBufferPointer { b -> Bool in
                let piece = UnsafeBufferPointer(rebasing: b[..<cut])
                guard UTF8Text.firstInvalidOffset(piece) == nil else { return true }
                body(piece)
                return false
            }
            // The position needs the lines before the piece: the error path reads the file again.
            if invalid {
                if case .failure(let error) = readBytes(path) { return error }
                return .unreadable(path: path)
            }
            buffer.replaceSubrange(0..<(filled - cut), with: buffer[cut..<filled])
            filled -= cut
        }
        return nil
    }

    /// The text of the file at `path`.
    package static func read(_ path: String) -> Result<String, TextFileError> {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }
}
