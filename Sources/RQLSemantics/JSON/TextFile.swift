import Foundation

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
        case .missing(let path): "no such file '\(path)'"
        case .unreadable(let path): "cannot read '\(path)'"
        case .invalidUTF8(let path, let error): "'\(path)' is not valid UTF-8 text: \(error)"
        }
    }
}

/// Reading text files: the one function every file reader uses (the command line, the REPL's
/// `.load`/`.read`/`.changes`, app exports and their rules), so each refuses invalid UTF-8 the
/// same way, with the line and column of the first bad byte.
public enum TextFile {
    /// The bytes of the file at `path`, checked to be UTF-8.
    public static func readBytes(_ path: String) -> Result<[UInt8], TextFileError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(FileManager.default.fileExists(atPath: path) ? .unreadable(path: path) : .missing(path: path))
        }
        let bytes = [UInt8](data)
        if let error = UTF8Text.firstError(in: bytes) { return .failure(.invalidUTF8(path: path, error)) }
        return .success(bytes)
    }

    /// The text of the file at `path`.
    public static func read(_ path: String) -> Result<String, TextFileError> {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }
}
