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
public enum TextFile {
    /// The bytes of the file at `path`, checked to be UTF-8.
    public static func readBytes(_ path: String) -> Result<[UInt8], TextFileError> {
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

    /// The text of the file at `path`.
    public static func read(_ path: String) -> Result<String, TextFileError> {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }
}
