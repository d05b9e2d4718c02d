import RQLSemantics

/// An immutable, column-oriented copy of a collection, laid out for the VM: each scalar property
/// is one contiguous buffer (plus a null mask when it can be null), strings are one byte buffer
/// with offsets, lists of strings are offsets into a string column.
///
/// The buffers are allocated once and never move, so a bound program can hold raw pointers into
/// them for the whole scan; the collection keeps its documents for the few comparisons the VM
/// hands to the reference semantics (`fallback`).
public final class ColumnarCollection: @unchecked Sendable {
    public let schema: ObjectSchema
    public let count: Int
    /// The documents, in insertion order (row `i` is `documents[i]`).
    public let documents: [Document]
    let columns: [Column]

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
        /// Decimals and other lists: only the reference semantics read them.
        case documentsOnly
    }

    /// Strings or binaries: value `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
    struct BytesColumn {
        let bytes: Buffer<UInt8>
        let offsets: Buffer<Int>
        let nulls: Buffer<Bool>?
    }

    public init(schema: ObjectSchema, documents: [Document]) {
        self.schema = schema
        self.count = documents.count
        self.documents = documents
        var columns: [Column] = []
        for (index, property) in schema.properties.enumerated() {
            columns.append(Self.makeColumn(property, index, documents))
        }
        self.columns = columns
    }

    public convenience init(_ store: CollectionStore) {
        self.init(schema: store.schema, documents: store.documents)
    }

    private static func makeColumn(_ property: Property, _ index: Int, _ documents: [Document]) -> Column {
        let values = documents.map { index < $0.values.count ? $0.values[index] : .null }
        func nulls() -> Buffer<Bool>? {
            values.contains(where: \.isNull) ? Buffer(values.map(\.isNull)) : nil
        }
        switch property.type {
        case .scalar(let type):
            switch type {
            case .int, .long:
                return .int(Buffer(values.map(Self.int)), nulls: nulls())
            case .double:
                return .double(Buffer(values.map(Self.double)), nulls: nulls())
            case .bool:
                return .bool(Buffer(values.map(Self.bool)), nulls: nulls())
            case .string, .binData:
                return .bytes(makeBytes(values))
            case .date:
                let times = values.map(Self.timestamp)
                return .timestamp(seconds: Buffer(times.map(\.seconds)), nanoseconds: Buffer(times.map(\.nanoseconds)), nulls: nulls())
            case .objectId:
                return .objectId(Buffer(values.map(Self.objectId)), nulls: nulls())
            case .uuid:
                return .uuid(Buffer(values.map(Self.uuid)), nulls: nulls())
            case .decimal:
                return .documentsOnly
            }
        case .list(let type):
            var rowStart = [0]
            var elements: [Value] = []
            for v in values {
                if case .list(let items) = v { elements += items }
                rowStart.append(elements.count)
            }
            switch type {
            case .string, .binData:
                return .bytesList(rowStart: Buffer(rowStart), elements: makeBytes(elements))
            case .int, .long:
                let ints = elements.map(Self.int)
                return .intList(rowStart: Buffer(rowStart), values: Buffer(ints),
                                nulls: elements.contains(where: \.isNull) ? Buffer(elements.map(\.isNull)) : nil)
            default:
                return .documentsOnly
            }
        default:
            return .documentsOnly
        }
    }

    // The stored value for each type; a null stores a placeholder (the null mask says it is null).
    private static func int(_ v: Value) -> Int64 { if case .int(let i) = v { return i }; return 0 }
    private static func double(_ v: Value) -> Double { if case .double(let d) = v { return d }; return 0 }
    private static func bool(_ v: Value) -> Bool { if case .bool(let b) = v { return b }; return false }
    private static func timestamp(_ v: Value) -> Timestamp {
        if case .timestamp(let t) = v { return t }
        return Timestamp(seconds: 0, nanoseconds: 0)
    }
    private static func objectId(_ v: Value) -> ObjectId { if case .objectId(let o) = v { return o }; return ObjectId(high: 0, low: 0) }
    private static func uuid(_ v: Value) -> UUIDValue { if case .uuid(let u) = v { return u }; return UUIDValue(high: 0, low: 0) }

    private static func makeBytes(_ values: [Value]) -> BytesColumn {
        var bytes: [UInt8] = []
        var offsets = [0]
        for v in values {
            if let b = ValueSemantics.bytes(v) { bytes += b }
            offsets.append(bytes.count)
        }
        return BytesColumn(bytes: Buffer(bytes), offsets: Buffer(offsets),
                           nulls: values.contains(where: \.isNull) ? Buffer(values.map(\.isNull)) : nil)
    }
}

/// A fixed buffer owned by its creator: allocated once, never resized, freed on deinit.
final class Buffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(_ elements: [Element]) {
        count = elements.count
        base = UnsafeMutablePointer<Element>.allocate(capacity: max(1, elements.count))
        _ = UnsafeMutableBufferPointer(start: base, count: elements.count).initialize(from: elements)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    var pointer: UnsafePointer<Element> { UnsafePointer(base) }
}
