import RQLSemantics
import RQLDocuments
import RQLSyntax

/// An immutable, column-oriented copy of a collection, laid out for the VM: each scalar property
/// is one contiguous buffer (plus a null mask when it can be null), strings are one byte buffer
/// with offsets, lists of strings are offsets into a string column.
///
/// The buffers are allocated once and never move, so a bound program can hold raw pointers into
/// them for the whole scan. When a loader streams the rows in (`load`, `Builder`), the columns are
/// the only copy of the data: `documents` rebuilds a row's `Document` from them on demand (for
/// the few comparisons the VM hands to the reference semantics, and for printing matches), so a
/// large collection is not held twice.
public final class ColumnarCollection: Sendable {
    public let schema: ObjectSchema
    public let count: Int
    let columns: [Column]
    /// The documents a collection was built from in code, kept as given (they may hold values the
    /// columns only have placeholders for); nil when a loader streamed the rows in.
    private let given: [Document]?

    /// The physical layout of one property.
    enum Column {
        case int(Buffer<Int64>, nulls: Buffer<Bool>?)
        case double(Buffer<Double>, nulls: Buffer<Bool>?)
        case bool(Buffer<Bool>, nulls: Buffer<Bool>?)
        case bytes(BytesColumn)
        case timestamp(seconds: Buffer<Int64>, nanoseconds: Buffer<Int32>, nulls: Buffer<Bool>?)
        case objectId(Buffer<ObjectId>, nulls: Buffer<Bool>?)
        case uuid(Buffer<UUIDValue>, nulls: Buffer<Bool>?)
        /// A list of strings or binaries: row `r` has elements `rowStart[r] ..< rowStart[r + 1]` of `elements`.
        case bytesList(rowStart: Buffer<Int>, elements: BytesColumn)
        /// A list of ints: row `r` has `values[rowStart[r] ..< rowStart[r + 1]]`.
        case intList(rowStart: Buffer<Int>, values: Buffer<Int64>, nulls: Buffer<Bool>?)
        /// Decimals and other lists, as values: only the reference semantics read them.
        case values(Buffer<Value>)
    }

    /// Strings or binaries: value `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
    struct BytesColumn {
        let bytes: Buffer<UInt8>
        let offsets: Buffer<Int>
        let nulls: Buffer<Bool>?
    }

    /// The columns of `documents` (each with one value per property of `schema`).
    public convenience init(schema: ObjectSchema, documents: [Document]) {
        var builder = Builder(schema: schema, capacity: documents.count)
        for document in documents { builder.append(document.values) }
        self.init(builder, given: documents)
    }

    /// The collection a builder has filled.
    public convenience init(_ builder: consuming Builder) {
        self.init(builder, given: nil)
    }

    private init(_ builder: consuming Builder, given: [Document]?) {
        schema = builder.schema
        count = builder.count
        columns = builder.finish()
        self.given = given
    }

    /// Row `row` as a document.
    public func document(at row: Int) -> Document {
        if let given { return given[row] }
        return Document(values: columns.indices.map { value(row: row, column: $0) })
    }

    /// The documents, in insertion order (row `i` is `documents[i]`), rebuilt from the columns.
    public var documents: Documents { Documents(collection: self) }

    /// The rows as documents, rebuilt on access.
    public struct Documents: RandomAccessCollection, Sendable {
        let collection: ColumnarCollection
        public var startIndex: Int { 0 }
        public var endIndex: Int { collection.count }
        public subscript(row: Int) -> Document { collection.document(at: row) }
    }

    /// The value of one property of one row, as the loader made it.
    func value(row: Int, column: Int) -> Value {
        columns[column].value(row, isString: schema.properties[column].type.scalarType == .string)
    }
}

extension ColumnarCollection.Column {
    /// Row `row`'s value (`isString`: the property holds strings, not binaries, which share a layout).
    func value(_ row: Int, isString: Bool) -> Value {
        func isNull(_ nulls: Buffer<Bool>?) -> Bool { Self.isNull(nulls, row) }
        switch self {
        case .int(let v, let n): return isNull(n) ? .null : .int(v.base[row])
        case .double(let v, let n): return isNull(n) ? .null : .double(v.base[row])
        case .bool(let v, let n): return isNull(n) ? .null : .bool(v.base[row])
        case .bytes(let b): return b.value(row, isString: isString)
        case .timestamp(let s, let ns, let n):
            return isNull(n) ? .null : .timestamp(Timestamp(seconds: s.base[row], nanoseconds: ns.base[row]))
        case .objectId(let v, let n): return isNull(n) ? .null : .objectId(v.base[row])
        case .uuid(let v, let n): return isNull(n) ? .null : .uuid(v.base[row])
        case .bytesList(let rowStart, let elements):
            return .list((rowStart.base[row]..<rowStart.base[row + 1]).map { elements.value($0, isString: isString) })
        case .intList(let rowStart, let values, let nulls):
            return .list((rowStart.base[row]..<rowStart.base[row + 1]).map { Self.isNull(nulls, $0) ? .null : .int(values.base[$0]) })
        case .values(let values): return values.base[row]
        }
    }

    private static func isNull(_ nulls: Buffer<Bool>?, _ index: Int) -> Bool { nulls.map { $0.base[index] } ?? false }
}

extension ColumnarCollection.BytesColumn {
    /// Value `i` as a string (the loader only stores valid UTF-8) or a binary.
    func value(_ i: Int, isString: Bool) -> Value {
        if let nulls, nulls.base[i] { return .null }
        let slice = UnsafeBufferPointer(start: bytes.base + offsets.base[i], count: offsets.base[i + 1] - offsets.base[i])
        return isString ? .string(String(decoding: slice, as: UTF8.self)) : .binary(Array(slice))
    }
}

extension ColumnarCollection {
    /// Fills the columns one document at a time, so a loader can stream rows into them without
    /// holding every `Document`.
    public struct Builder {
        public let schema: ObjectSchema
        public private(set) var count = 0
        private var columns: [ColumnBuilder]

        /// An empty builder; `capacity` is the expected number of rows (a hint).
        public init(schema: ObjectSchema, capacity: Int = 0) {
            self.schema = schema
            columns = schema.properties.map { ColumnBuilder($0.type, capacity: capacity) }
        }

        /// Appends one row: one value per property, in `schema.properties` order (a missing
        /// trailing value is null).
        public mutating func append(_ values: [Value]) {
            for i in columns.indices {
                columns[i].append(i < values.count ? values[i] : .null, row: count)
            }
            count += 1
        }

        /// The columns, each builder freed as soon as its buffers are made, so the data is held
        /// twice for one column at a time, not for all of them.
        consuming func finish() -> [Column] {
            var finished: [Column] = []
            while let column = columns.popLast() { finished.append(column.finish(rows: count)) }
            return finished.reversed()
        }
    }

    /// How a property's values are laid out: a typed column the VM reads, or boxed `values` for
    /// the types it leaves to the reference semantics. The one table, for both storages.
    enum ColumnKind {
        case int, double, bool, bytes, timestamp, objectId, uuid, bytesList, intList, values

        init(_ type: PropertyType) {
            switch type {
            case .scalar(.int), .scalar(.long): self = .int
            case .scalar(.double): self = .double
            case .scalar(.bool): self = .bool
            case .scalar(.string), .scalar(.binData): self = .bytes
            case .scalar(.date): self = .timestamp
            case .scalar(.objectId): self = .objectId
            case .scalar(.uuid): self = .uuid
            case .list(.string), .list(.binData): self = .bytesList
            case .list(.int), .list(.long): self = .intList
            case .scalar(.decimal), .list(.objectId), .list(.double), .list(.decimal), .list(.bool), .list(.date), .list(.uuid),
                 .embeddedObject, .listOfObjects, .dictionary, .mixed, .unsupported:
                self = .values
            }
        }
    }

    /// One column while it grows. A null mask is only made once a null arrives.
    struct ColumnBuilder {
        let kind: ColumnKind
        var ints: [Int64] = []
        var doubles: [Double] = []
        var bools: [Bool] = []
        var nanos: [Int32] = []
        var objectIds: [ObjectId] = []
        var uuids: [UUIDValue] = []
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        var rowStart: [Int] = []
        var values: [Value] = []
        /// One flag per value (per element for lists), or nil while there has been no null.
        var nulls: [Bool]?
        var count = 0

        init(_ type: PropertyType, capacity: Int) {
            kind = ColumnKind(type)
            switch kind {
            case .int, .timestamp: ints.reserveCapacity(capacity)
            case .double: doubles.reserveCapacity(capacity)
            case .bool: bools.reserveCapacity(capacity)
            case .objectId: objectIds.reserveCapacity(capacity)
            case .uuid: uuids.reserveCapacity(capacity)
            case .values: values.reserveCapacity(capacity)
            case .bytes, .bytesList, .intList: break
            }
            if kind == .timestamp { nanos.reserveCapacity(capacity) }
            if kind == .bytes || kind == .bytesList { offsets.reserveCapacity(capacity + 1); offsets.append(0) }
            if kind == .bytesList || kind == .intList { rowStart.reserveCapacity(capacity + 1); rowStart.append(0) }
        }

        /// Marks value `index` null or not, making the mask on the first null.
        mutating func mark(_ isNull: Bool, at index: Int) {
            if nulls != nil {
                nulls!.append(isNull)
            } else if isNull {
                var mask = [Bool](repeating: false, count: index)
                mask.append(true)
                nulls = mask
            }
        }

        mutating func appendBytes(_ v: Value) {
            mark(v.isNull, at: offsets.count - 1)
            switch v {
            case .string(let s): bytes.append(contentsOf: s.utf8)
            case .binary(let b): bytes.append(contentsOf: b)
            default: break
            }
            offsets.append(bytes.count)
        }

        // A null stores a placeholder; the null mask says it is null.
        mutating func append(_ v: Value, row: Int) {
            switch kind {
            case .int:
                mark(v.isNull, at: row)
                if case .int(let i) = v { ints.append(i) } else { ints.append(0) }
            case .double:
                mark(v.isNull, at: row)
                if case .double(let d) = v { doubles.append(d) } else { doubles.append(0) }
            case .bool:
                mark(v.isNull, at: row)
                if case .bool(let b) = v { bools.append(b) } else { bools.append(false) }
            case .bytes:
                appendBytes(v)
            case .timestamp:
                mark(v.isNull, at: row)
                let t = if case .timestamp(let t) = v { t } else { Timestamp(seconds: 0, nanoseconds: 0) }
                ints.append(t.seconds)
                nanos.append(t.nanoseconds)
            case .objectId:
                mark(v.isNull, at: row)
                if case .objectId(let o) = v { objectIds.append(o) } else { objectIds.append(ObjectId(high: 0, low: 0)) }
            case .uuid:
                mark(v.isNull, at: row)
                if case .uuid(let u) = v { uuids.append(u) } else { uuids.append(UUIDValue(high: 0, low: 0)) }
            case .bytesList:
                if case .list(let items) = v { for item in items { appendBytes(item) } }
                rowStart.append(offsets.count - 1)
            case .intList:
                if case .list(let items) = v {
                    for item in items {
                        mark(item.isNull, at: ints.count)
                        if case .int(let i) = item { ints.append(i) } else { ints.append(0) }
                    }
                }
                rowStart.append(ints.count)
            case .values:
                values.append(v)
            }
        }

        func finish(rows: Int) -> Column {
            let mask = nulls.map { Buffer($0) }
            switch kind {
            case .int: return .int(Buffer(ints), nulls: mask)
            case .double: return .double(Buffer(doubles), nulls: mask)
            case .bool: return .bool(Buffer(bools), nulls: mask)
            case .bytes: return .bytes(BytesColumn(bytes: Buffer(bytes), offsets: Buffer(offsets), nulls: mask))
            case .timestamp: return .timestamp(seconds: Buffer(ints), nanoseconds: Buffer(nanos), nulls: mask)
            case .objectId: return .objectId(Buffer(objectIds), nulls: mask)
            case .uuid: return .uuid(Buffer(uuids), nulls: mask)
            case .bytesList:
                return .bytesList(rowStart: Buffer(rowStart), elements: BytesColumn(bytes: Buffer(bytes), offsets: Buffer(offsets), nulls: mask))
            case .intList: return .intList(rowStart: Buffer(rowStart), values: Buffer(ints), nulls: mask)
            case .values: return .values(Buffer(values))
            }
        }
    }
}

/// A fixed buffer owned by its creator: allocated once, never resized, freed on deinit.
/// (`@unchecked`: a raw pointer, written by its creator before the buffer is shared.)
final class Buffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(_ elements: [Element]) {
        count = elements.count
        base = UnsafeMutablePointer<Element>.allocate(capacity: max(1, elements.count))
        _ = UnsafeMutableBufferPointer(start: base, count: elements.count).initialize(from: elements)
    }

    /// Room for `count` elements that a writer fills in place (a `LiveCollection` segment): left
    /// uninitialized, so a segment costs no time until its rows arrive; readers only read
    /// elements that were written before their snapshot.
    init(uninitialized count: Int) where Element: BitwiseCopyable {
        self.count = count
        base = UnsafeMutablePointer<Element>.allocate(capacity: max(1, count))
    }

    /// `count` copies of `value`: room a writer fills in place (a `LiveCollection` segment).
    init(repeating value: Element, count: Int) {
        self.count = count
        base = UnsafeMutablePointer<Element>.allocate(capacity: max(1, count))
        base.initialize(repeating: value, count: count)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    var pointer: UnsafePointer<Element> { UnsafePointer(base) }
}

extension ColumnarCollection {
    /// Reads Extended JSON documents (`DocumentLoader`'s layouts and rules, all or nothing)
    /// straight into columns, without holding a `Document` per row. `bytes` must be valid UTF-8
    /// (`TextFile.readBytes` checks it). The collection is nil when there is any error.
    public static func load(utf8 bytes: [UInt8], schema: ObjectSchema,
                            file: String? = nil) -> (collection: ColumnarCollection?, diagnostics: [Diagnostic]) {
        var builder = Builder(schema: schema, capacity: DocumentLoader.estimatedCount(utf8: bytes))
        let diagnostics = DocumentLoader.load(utf8: bytes, schema: schema, file: file) { builder.append($0) }
        return (diagnostics.hasErrors ? nil : ColumnarCollection(builder), diagnostics)
    }
}

extension ColumnarCollection {
    /// `load(utf8:)` of the file at `path`, read a piece at a time (`TextFile.readPieces`) so the
    /// file is never held whole; a first pass counts the lines to size the columns. The failure is
    /// the file's problem (missing, unreadable, not UTF-8).
    public static func load(contentsOf path: String, schema: ObjectSchema, file: String? = nil)
        -> Result<(collection: ColumnarCollection?, diagnostics: [Diagnostic]), TextFileError> {
        var lines = 1
        if let error = TextFile.readPieces(path, { lines += DocumentLoader.lineBreaks($0) }) { return .failure(error) }
        var builder = Builder(schema: schema, capacity: lines)
        var stream = DocumentStream(schema: schema, file: file)
        if let error = TextFile.readPieces(path, { stream.read($0) { builder.append($0) } }) { return .failure(error) }
        let diagnostics = stream.finish { builder.append($0) }
        return .success((diagnostics.hasErrors ? nil : ColumnarCollection(builder), diagnostics))
    }
}
