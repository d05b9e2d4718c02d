import RQLSemantics
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
        var documents: [Document] = []
        let diagnostics = load(utf8: Array(text.utf8), schema: schema, file: file) { documents.append(Document(values: $0)) }
        return (diagnostics.hasErrors ? [] : documents, diagnostics)
    }

    /// Reads every document of `bytes` (valid UTF-8, as `TextFile.readBytes` returns) and hands
    /// each one's values, in `schema.properties` order, to `each` as soon as it is read, so a
    /// caller can build its storage without holding every `Document`. When the diagnostics have
    /// an error, what `each` received must be dropped: the text loads all or nothing.
    /// `continuing` is asked every `checkEvery` documents whether to go on: when it says no, the
    /// load stops with a `loadCancelled` error (so, as with any error, nothing is kept).
    public static func load(utf8 bytes: [UInt8], schema: ObjectSchema, file: String? = nil,
                            continuing: () -> Bool = { true }, each: ([Value]) -> Void) -> [Diagnostic] {
        load(utf8: bytes, schema: schema, file: file, shortcut: true, continuing: continuing, each: each)
    }

    /// Documents read between two questions to `continuing`.
    public static let checkEvery = 1_024

    /// `load`, with `shortcut: false` to read every line with `JSON` and `DocumentReader` only
    /// (the tests compare the two).
    static func load(utf8 bytes: [UInt8], schema: ObjectSchema, file: String?, shortcut: Bool,
                     continuing: () -> Bool = { true }, each: ([Value]) -> Void) -> [Diagnostic] {
        withoutActuallyEscaping(continuing) { continuing in
            var session = LoadSession(schema: schema, file: file)
            session.shortcut = shortcut
            session.continuing = continuing
            if firstSignificantByte(bytes) == UInt8(ascii: "[") {
                session.loadArray(bytes, each: each)
            } else {
                _ = bytes.withUnsafeBufferPointer { session.loadLines($0, at: 0, isLast: true, each: each) }
            }
            return session.diagnostics
        }
    }

    /// How many documents `bytes` holds at most, one per line (a capacity hint).
    public static func estimatedCount(utf8 bytes: [UInt8]) -> Int {
        1 + bytes.withUnsafeBufferPointer(lineBreaks)
    }

    /// The line breaks in a piece of text: summed over the pieces of a file, plus one, its
    /// `estimatedCount`.
    public static func lineBreaks(_ piece: UnsafeBufferPointer<UInt8>) -> Int {
        var breaks = 0
        for c in piece where c == UInt8(ascii: "\n") { breaks += 1 }
        return breaks
    }

    /// The first byte that is not whitespace or a byte order mark.
    static func firstSignificantByte<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> UInt8? where Bytes.Index == Int {
        var i = bytes.startIndex
        if bytes.count >= 3, bytes[i] == 0xEF, bytes[i + 1] == 0xBB, bytes[i + 2] == 0xBF { i += 3 }
        while i < bytes.endIndex, isBlank(bytes[i]) || bytes[i] == UInt8(ascii: "\n") { i += 1 }
        return i < bytes.endIndex ? bytes[i] : nil
    }

    static func isBlank(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r")
    }
}

/// The state of one `load`: diagnostics, and where each `_id` was first seen.
private struct LoadSession {
    let file: String?
    var reader: DocumentReader
    var lineReader: DocumentLineReader
    let idIndex: Int?
    var diagnostics: [Diagnostic] = []
    /// Set once `maxReportedErrors` is passed, or the caller cancels: nothing more is read.
    var stopped = false
    /// Asked every `DocumentLoader.checkEvery` documents whether to go on.
    var continuing: (() -> Bool)?
    var delivered = 0
    /// Each `_id` seen, with the ordinal of its document. Int ids, the common case, are kept apart
    /// from the rest (a `Value` key is six times the size), and while they only increase (an
    /// export in `_id` order) in a sorted array rather than a dictionary. (Ordinals fit in Int32:
    /// 2^31 documents of at least 8 bytes each would be a text of 16 GB, held in memory.)
    var seenInts = SeenInts()
    var seenOthers: [Value: Int32] = [:]
    /// Per document: its line (one per line) or array index, and the range of its `_id` value.
    var places: [Int] = []
    var idRanges: [SourceRange] = []
    var isArray = false
    /// Whether lines go through `DocumentLineReader` first.
    var shortcut = true
    /// The lines read so far.
    var lineNumber = 0

    init(schema: ObjectSchema, file: String?) {
        self.file = file
        reader = DocumentReader(schema: schema, file: file)
        lineReader = DocumentLineReader(schema: schema)
        idIndex = schema.properties.firstIndex { $0.name == ObjectSchema.primaryKeyName }
    }

    // MARK: Layouts

    /// One document per line, from `b`, which is the text from byte `base` on and starts at a
    /// line. Reads every line that ends in `b`, and with `isLast` the unterminated one after them;
    /// returns how many bytes it used. Ranges from a line's own parse are moved by its offset.
    mutating func loadLines(_ b: UnsafeBufferPointer<UInt8>, at base: Int, isLast: Bool, each: ([Value]) -> Void) -> Int {
        var start = 0
        while start <= b.count, !stopped {
            var end = start
            while end < b.count, b[end] != UInt8(ascii: "\n") { end += 1 }
            guard end < b.count || isLast else { return start }
            lineNumber += 1
            let lineNumber = lineNumber
            defer { start = end + 1 }
            var contentEnd = end
            if contentEnd > start, b[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
            if shortcut, lineReader.read(b, start, contentEnd) {
                accept(lineReader.values, idRange: Self.shift(lineReader.idRange, by: base), place: lineNumber,
                       label: { "line \(lineNumber)" }, each: each)
                continue
            }
            let line = b[start..<contentEnd]
            if line.allSatisfy({ DocumentLoader.isBlank($0) }) || Self.isByteOrderMarkOnly(line) { continue }
            let label = "line \(lineNumber)"
            switch JSON.parseResult(String(decoding: line, as: UTF8.self)) {
            case .failure(let error):
                var notes: [DiagnosticNote] = []
                if error.offset >= line.count {
                    notes.append(DiagnosticNote("each document must be on one line, or the whole text must be one JSON array"))
                }
                report(Diagnostic(.documentInvalidJSON, "\(label), column \(error.column): invalid JSON: \(error.message)",
                                  at: Self.shift(error.range, by: base + start), notes: notes, file: file))
            case .success(let node):
                add(node, label: label, place: lineNumber, offset: base + start, each: each)
            }
        }
        return b.count
    }

    /// A single JSON array of documents; ranges are already file offsets.
    mutating func loadArray(_ bytes: [UInt8], each: ([Value]) -> Void) {
        isArray = true
        let root: JSONNode
        switch JSON.parseResult(String(decoding: bytes, as: UTF8.self)) {
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
            add(element, label: "array index \(index) (line \(line))", place: index, offset: 0, each: each)
        }
    }

    // MARK: Documents

    /// Converts one document read by the JSON reader and reports its problems.
    mutating func add(_ node: JSONNode, label: String, place: Int, offset: Int, each: ([Value]) -> Void) {
        reader.diagnostics = []
        let document = reader.read(node, location: label)
        for d in reader.diagnostics {
            var moved = d
            moved.range = Self.shift(d.range, by: offset)
            report(moved)
        }
        guard let document else { return }
        let idRange = Self.shift(node["_id"]?.range ?? DocumentReader.head(node), by: offset)
        accept(document.values, idRange: idRange, place: place, label: { label }, each: each)
    }

    /// Checks a converted document's `_id` against earlier ones and hands it on.
    mutating func accept(_ values: [Value], idRange: SourceRange, place: Int, label: () -> String, each: ([Value]) -> Void) {
        if let idIndex, idIndex < values.count {
            let id = values[idIndex]
            let ordinal = Int32(places.count)
            let first: Int32?
            if case .int(let i) = id {
                first = seenInts.insert(i, ordinal: ordinal)
            } else {
                first = seenOthers[id]
                if first == nil { seenOthers[id] = ordinal }
            }
            if let first {
                let key = Document.describeKey(id)
                let firstPlace = isArray ? "at array index \(places[Int(first)])" : "on line \(places[Int(first)])"
                report(Diagnostic(.documentDuplicateID, "\(label()): duplicate _id \(key) (also \(firstPlace))", at: idRange,
                                  notes: [DiagnosticNote("first document with _id \(key)", range: idRanges[Int(first)])], file: file))
                return
            }
            places.append(place)
            idRanges.append(idRange)
        }
        if !diagnostics.hasErrors {
            each(values)
            delivered += 1
            if delivered % DocumentLoader.checkEvery == 0, let continuing, !continuing() { cancel() }
        }
    }

    /// Stops reading: the caller asked to.
    mutating func cancel() {
        diagnostics.append(Diagnostic(.loadCancelled, "loading stopped after \(delivered) documents; nothing was loaded", at: .none, file: file))
        stopped = true
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
    static func isByteOrderMarkOnly(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        line.starts(with: [0xEF, 0xBB, 0xBF]) && line.dropFirst(3).allSatisfy { DocumentLoader.isBlank($0) }
    }
}

/// Int `_id`s and the ordinals of their documents: a sorted array while the ids arrive in
/// increasing order, a dictionary from the first one that does not.
private struct SeenInts {
    private var ascending: [Int64] = []
    private var ascendingOrdinals: [Int32] = []
    private var dictionary: [Int64: Int32]?

    /// Records `id` for the document `ordinal`; if it was already there, its first ordinal instead.
    mutating func insert(_ id: Int64, ordinal: Int32) -> Int32? {
        if dictionary == nil {
            guard let last = ascending.last, id <= last else {
                ascending.append(id)
                ascendingOrdinals.append(ordinal)
                return nil
            }
            // Binary search for the first id not below `id`.
            var low = 0, high = ascending.count
            while low < high {
                let middle = (low + high) / 2
                if ascending[middle] < id { low = middle + 1 } else { high = middle }
            }
            if ascending[low] == id { return ascendingOrdinals[low] }
            dictionary = Dictionary(uniqueKeysWithValues: zip(ascending, ascendingOrdinals))
            ascending = []
            ascendingOrdinals = []
        }
        if let first = dictionary![id] { return first }
        dictionary![id] = ordinal
        return nil
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

/// `DocumentLoader` a piece of text at a time, so a large file need not be held in memory: the
/// same layouts, rules and diagnostics as reading the whole text at once.
///
/// Give the pieces in order (valid UTF-8 once joined), then call `finish`. A line cut between two
/// pieces is kept until its end arrives; pieces that end at a line end are read without copying.
/// The array layout needs the whole text, so it is gathered and read by `finish`.
public struct DocumentStream {
    private var session: LoadSession
    /// Bytes not read yet: an unfinished line, or the text so far while the layout is unknown
    /// or is the array layout.
    private var pending: [UInt8] = []
    /// The offset in the text of `pending`'s first byte (of the next piece when it is empty).
    private var offset = 0
    private enum Layout { case undecided, lines, array }
    private var layout = Layout.undecided

    public init(schema: ObjectSchema, file: String? = nil) {
        session = LoadSession(schema: schema, file: file)
    }

    /// Reads the lines that end in `piece`, handing each document's values to `each` (dropped
    /// by the caller if `finish` reports an error).
    public mutating func read(_ piece: UnsafeBufferPointer<UInt8>, each: ([Value]) -> Void) {
        switch layout {
        case .undecided:
            pending.append(contentsOf: piece)
            // Only blanks so far, or the start of a byte order mark: the layout is not known yet.
            guard let first = DocumentLoader.firstSignificantByte(pending),
                  pending.count >= 3 || ![UInt8]([0xEF, 0xBB, 0xBF]).starts(with: pending) else { return }
            layout = first == UInt8(ascii: "[") ? .array : .lines
            if layout == .lines { readPending(each: each) }
        case .array:
            pending.append(contentsOf: piece)
        case .lines where pending.isEmpty:
            let used = session.loadLines(piece, at: offset, isLast: false, each: each)
            offset += used
            pending.append(contentsOf: piece[used...])
        case .lines:
            pending.append(contentsOf: piece)
            readPending(each: each)
        }
    }

    /// Reads what is left and returns every problem found; an error means nothing loads.
    public mutating func finish(each: ([Value]) -> Void) -> [Diagnostic] {
        if layout == .array {
            session.loadArray(pending, each: each)
        } else {
            _ = pending.withUnsafeBufferPointer { session.loadLines($0, at: offset, isLast: true, each: each) }
        }
        pending = []
        return session.diagnostics
    }

    private mutating func readPending(each: ([Value]) -> Void) {
        let held = pending
        pending = []
        let used = held.withUnsafeBufferPointer { session.loadLines($0, at: offset, isLast: false, each: each) }
        offset += used
        pending.append(contentsOf: held[used...])
    }
}
