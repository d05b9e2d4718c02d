import RQLSyntax

/// Reads the documents of one collection from Extended JSON text.
///
/// Two layouts are accepted: one document per line, as `mongoexport` writes (blank lines are
/// skipped), or a single JSON array of documents (when the first non-blank character is `[`).
/// Loading is all-or-nothing: if any document has an error, no document is returned, and the
/// errors (up to `maxReportedErrors`) name the line, or the array index, of each bad document.
public enum DocumentLoader {
    /// Most errors reported for one text. Past it, one `documentTooManyErrors` diagnostic is added
    /// and reading stops (nothing is loaded anyway once there is an error).
    public static let maxReportedErrors = 20

    /// Reads every document of `text` against `schema`. `file` names the file in diagnostics.
    public static func load(_ text: String, schema: ObjectSchema,
                            file: String? = nil) -> (documents: [Document], diagnostics: [Diagnostic]) {
        let bytes = Array(text.utf8)
        var session = LoadSession(schema: schema, file: file)
        if firstSignificantByte(bytes) == UInt8(ascii: "[") {
            session.loadArray(text, bytes)
        } else {
            session.loadLines(bytes)
        }
        let hasErrors = session.diagnostics.hasErrors
        return (hasErrors ? [] : session.documents, session.diagnostics)
    }

    /// The first byte that is not whitespace or a byte order mark.
    static func firstSignificantByte(_ bytes: [UInt8]) -> UInt8? {
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < bytes.count, isBlank(bytes[i]) || bytes[i] == UInt8(ascii: "\n") { i += 1 }
        return i < bytes.count ? bytes[i] : nil
    }

    static func isBlank(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r")
    }
}

/// The state of one `load`: documents so far, diagnostics, and where each `_id` was first seen.
private struct LoadSession {
    let file: String?
    var reader: DocumentReader
    let idIndex: Int?
    var documents: [Document] = []
    var diagnostics: [Diagnostic] = []
    /// Set once `maxReportedErrors` is passed: nothing more is read.
    var stopped = false
    /// Each `_id` seen: where (`on line 2`, `at array index 1`) and the range of its value.
    var seenIDs: [Value: (place: String, range: SourceRange)] = [:]

    init(schema: ObjectSchema, file: String?) {
        self.file = file
        reader = DocumentReader(schema: schema, file: file)
        idIndex = schema.properties.firstIndex { $0.name == ObjectSchema.primaryKeyName }
    }

    // MARK: Layouts

    /// One document per line; ranges from the line's own parse are moved by the line's offset.
    mutating func loadLines(_ bytes: [UInt8]) {
        var lineNumber = 0
        var start = 0
        while start <= bytes.count, !stopped {
            lineNumber += 1
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            defer { start = end + 1 }
            var contentEnd = end
            if contentEnd > start, bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
            let line = bytes[start..<contentEnd]
            if line.allSatisfy({ DocumentLoader.isBlank($0) }) || Self.isByteOrderMarkOnly(line) { continue }
            let label = "line \(lineNumber)"
            switch JSON.parseResult(String(decoding: line, as: UTF8.self)) {
            case .failure(let error):
                var notes: [DiagnosticNote] = []
                if error.offset >= line.count {
                    notes.append(DiagnosticNote("each document must be on one line, or the whole text must be one JSON array"))
                }
                report(Diagnostic(.documentInvalidJSON, "\(label), column \(error.column): invalid JSON: \(error.message)",
                                  at: Self.shift(error.range, by: start), notes: notes, file: file))
            case .success(let node):
                add(node, label: label, place: "on \(label)", offset: start)
            }
        }
    }

    /// A single JSON array of documents; ranges are already file offsets.
    mutating func loadArray(_ text: String, _ bytes: [UInt8]) {
        let root: JSONNode
        switch JSON.parseResult(text) {
        case .failure(let error):
            report(Diagnostic(.documentInvalidJSON, "line \(error.line), column \(error.column): invalid JSON: \(error.message)",
                              at: error.range, file: file))
            return
        case .success(let node):
            root = node
        }
        // The reader only returns an array here (the text starts with '['); the guard is for safety.
        guard let elements = root.arrayValue else { return }
        var lines = LineCounter(bytes)
        for (index, element) in elements.enumerated() {
            if stopped { break }
            let line = lines.line(at: element.range.start)
            add(element, label: "array index \(index) (line \(line))", place: "at array index \(index)", offset: 0)
        }
    }

    // MARK: Documents

    /// Converts one document, reports its problems, and checks its `_id` against earlier ones.
    mutating func add(_ node: JSONNode, label: String, place: String, offset: Int) {
        reader.diagnostics = []
        let document = reader.read(node, location: label)
        for d in reader.diagnostics {
            var moved = d
            moved.range = Self.shift(d.range, by: offset)
            report(moved)
        }
        guard let document else { return }
        if let idIndex, idIndex < document.values.count {
            let id = document.values[idIndex]
            let range = Self.shift(node["_id"]?.range ?? DocumentReader.head(node), by: offset)
            if let first = seenIDs[id] {
                let key = Document.describeKey(id)
                report(Diagnostic(.documentDuplicateID, "\(label): duplicate _id \(key) (also \(first.place))", at: range,
                                  notes: [DiagnosticNote("first document with _id \(key)", range: first.range)], file: file))
            } else {
                seenIDs[id] = (place, range)
            }
        }
        documents.append(document)
    }

    /// Adds a diagnostic unless the limit is reached; the first one past it stops the load.
    mutating func report(_ diagnostic: Diagnostic) {
        guard !stopped else { return }
        if diagnostics.errors.count >= DocumentLoader.maxReportedErrors, diagnostic.severity == .error {
            diagnostics.append(Diagnostic(.documentTooManyErrors,
                                          "more than \(DocumentLoader.maxReportedErrors) errors; the rest are not reported",
                                          at: diagnostic.range, file: file))
            stopped = true
            return
        }
        diagnostics.append(diagnostic)
    }

    static func shift(_ range: SourceRange, by offset: Int) -> SourceRange {
        SourceRange(range.start + offset, range.end + offset)
    }

    /// A first line holding only a byte order mark (and blanks).
    static func isByteOrderMarkOnly(_ line: ArraySlice<UInt8>) -> Bool {
        line.starts(with: [0xEF, 0xBB, 0xBF]) && line.dropFirst(3).allSatisfy { DocumentLoader.isBlank($0) }
    }
}

/// 1-based line numbers of increasing byte offsets, in one pass over the text.
private struct LineCounter {
    private let bytes: [UInt8]
    private var offset = 0
    private var line = 1

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The line of `target`; targets must not decrease between calls.
    mutating func line(at target: Int) -> Int {
        let end = Swift.min(target, bytes.count)
        while offset < end {
            if bytes[offset] == UInt8(ascii: "\n") { line += 1 }
            offset += 1
        }
        return line
    }
}
