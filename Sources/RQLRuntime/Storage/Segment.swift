import RQLSemantics
import RQLDocuments

/// One append-only block of rows of a `LiveCollection`, in the VM's column layout.
///
/// Every buffer is allocated once, at capacity, and never moves: a program binds raw pointers
/// into it (`VM.ColumnSet`) exactly as into a `ColumnarCollection`. The writer only ever writes
/// rows at or past the count of the newest snapshot, and a row is written whole before the
/// count that includes it is published (under the collection's lock), so readers of a snapshot
/// never see memory that changes. Strings, binaries and list elements go to heaps of fixed
/// capacity; a row that does not fit seals the segment (`fits`) and goes to a new one sized for it.
/// (`@unchecked` for that reason: raw column memory that readers never see change.)
final class Segment: @unchecked Sendable {
    /// Unique within its collection and increasing: the first half of a `RowHandle`.
    let sequence: UInt32
    /// How many rows the segment can hold.
    let capacity: Int
    let columns: [ColumnarCollection.Column]
    /// By column: whether a byte column holds strings (rather than binaries).
    let isString: [Bool]

    /// Room per column beyond one value per row: bytes of the string heap, elements of a list.
    struct Room {
        var bytes: Int
        var elements: Int
    }

    init(schema: ObjectSchema, sequence: UInt32, capacity: Int, room: [Room]) {
        self.sequence = sequence
        self.capacity = capacity
        isString = schema.properties.map { $0.type.scalarType == .string }
        columns = zip(schema.properties, room).map { property, room in
            Self.makeColumn(property, rows: capacity, room: room)
        }
    }

    private static func makeColumn(_ property: Property, rows: Int, room: Room) -> ColumnarCollection.Column {
        // A null mask only where the schema allows nulls: `Document.mismatch` refuses them elsewhere.
        let nulls: Buffer<Bool>? = property.isNullable ? Buffer(uninitialized: rows) : nil
        func bytes(values: Int, bytes: Int, nullable: Bool) -> ColumnarCollection.BytesColumn {
            let offsets = Buffer<Int>(uninitialized: values + 1)
            offsets.base[0] = 0
            return ColumnarCollection.BytesColumn(bytes: Buffer(uninitialized: bytes), offsets: offsets,
                                                  nulls: nullable ? Buffer(uninitialized: values) : nil)
        }
        func rowStart() -> Buffer<Int> {
            let starts = Buffer<Int>(uninitialized: rows + 1)
            starts.base[0] = 0
            return starts
        }
        switch ColumnarCollection.ColumnKind(property.type) {
        case .int: return .int(Buffer(uninitialized: rows), nulls: nulls)
        case .double: return .double(Buffer(uninitialized: rows), nulls: nulls)
        case .bool: return .bool(Buffer(uninitialized: rows), nulls: nulls)
        case .bytes: return .bytes(bytes(values: rows, bytes: room.bytes, nullable: property.isNullable))
        case .timestamp: return .timestamp(seconds: Buffer(uninitialized: rows), nanoseconds: Buffer(uninitialized: rows), nulls: nulls)
        case .objectId: return .objectId(Buffer(repeating: ObjectId(high: 0, low: 0), count: rows), nulls: nulls)
        case .uuid: return .uuid(Buffer(repeating: UUIDValue(high: 0, low: 0), count: rows), nulls: nulls)
        case .bytesList:
            return .bytesList(rowStart: rowStart(), elements: bytes(values: room.elements, bytes: room.bytes, nullable: property.elementsNullable))
        case .intList:
            return .intList(rowStart: rowStart(), values: Buffer(uninitialized: room.elements),
                            nulls: property.elementsNullable ? Buffer(uninitialized: room.elements) : nil)
        case .values:
            return .values(Buffer(repeating: .null, count: rows))
        }
    }

    /// The room `values` need in each column (columns without heaps ignore it).
    static func need(_ values: [Value]) -> [Room] {
        values.map { value in
            if case .list(let items) = value { Room(bytes: items.reduce(0) { $0 + byteCount($1) }, elements: items.count) }
            else { Room(bytes: byteCount(value), elements: 0) }
        }
    }

    private static func byteCount(_ value: Value) -> Int {
        switch value {
        case .string(let s): s.utf8.count
        case .binary(let b): b.count
        default: 0
        }
    }

    /// The room used by the first `rows` rows, per column.
    func used(rows: Int) -> [Room] {
        columns.map { column in
            switch column {
            case .bytes(let b): Room(bytes: b.offsets.base[rows], elements: 0)
            case .bytesList(let starts, let e): Room(bytes: e.offsets.base[starts.base[rows]], elements: starts.base[rows])
            case .intList(let starts, _, _): Room(bytes: 0, elements: starts.base[rows])
            default: Room(bytes: 0, elements: 0)
            }
        }
    }

    /// Whether a row needing `need` fits as row `row`.
    func fits(_ need: [Room], at row: Int) -> Bool {
        guard row < capacity else { return false }
        for (column, need) in zip(columns, need) {
            switch column {
            case .bytes(let b):
                if b.offsets.base[row] + need.bytes > b.bytes.count { return false }
            case .bytesList(let starts, let e):
                let first = starts.base[row]
                if first + need.elements > e.offsets.count - 1 || e.offsets.base[first] + need.bytes > e.bytes.count { return false }
            case .intList(let starts, let v, _):
                if starts.base[row] + need.elements > v.count { return false }
            default: break
            }
        }
        return true
    }

    /// Writes `values` (which fit the schema, and `fits`) as row `row`, the first unwritten one.
    func write(_ values: [Value], at row: Int) {
        for (column, value) in zip(columns, values) { Self.write(value, to: column, at: row) }
    }

    /// Writes row `row` (the first unwritten one) as a copy of row `sourceRow` of `source` (a
    /// segment of the same schema), but with the non-nil values of `replacing` (one per column).
    /// Copies the bytes as they are, so an update does not rebuild the document it changes.
    func write(copyOf sourceRow: Int, in source: Segment, replacing: [Value?], at row: Int) {
        for c in columns.indices {
            if let value = replacing[c] {
                Self.write(value, to: columns[c], at: row)
            } else {
                Self.copy(sourceRow, of: source.columns[c], to: columns[c], at: row)
            }
        }
    }

    /// Whether every non-nil value of `replacing` goes to a fixed-width column, so `overwrite`
    /// can change a row in place.
    func canOverwrite(_ replacing: [Value?]) -> Bool {
        for (column, value) in zip(columns, replacing) where value != nil {
            switch column {
            case .bytes, .bytesList, .intList: return false
            default: continue
            }
        }
        return true
    }

    /// Changes row `row`'s values in the columns where `replacing` has one (`canOverwrite`).
    /// Only when no snapshot can see the row.
    func overwrite(_ row: Int, _ replacing: [Value?]) {
        for (column, value) in zip(columns, replacing) { if let value { Self.write(value, to: column, at: row) } }
    }

    /// Reads one word of row `row` in every column, so the cache misses of a row about to be
    /// copied overlap instead of coming one column at a time (the copy took most of an update
    /// made while a snapshot is held). The result only keeps the loads from being dropped.
    func touch(row: Int) -> UInt64 {
        var sink: UInt64 = 0
        for column in columns {
            switch column {
            case .int(let v, let n): sink ^= UInt64(bitPattern: v.base[row]) ^ UInt64(n?.base[row] == true ? 1 : 0)
            case .double(let v, let n): sink ^= v.base[row].bitPattern ^ UInt64(n?.base[row] == true ? 1 : 0)
            case .bool(let v, let n): sink ^= UInt64(v.base[row] ? 1 : 0) ^ UInt64(n?.base[row] == true ? 1 : 0)
            case .bytes(let b): sink ^= UInt64(bitPattern: Int64(b.offsets.base[row])) ^ UInt64(b.nulls?.base[row] == true ? 1 : 0)
            case .timestamp(let seconds, let nanos, let n):
                sink ^= UInt64(bitPattern: seconds.base[row]) ^ UInt64(bitPattern: Int64(nanos.base[row])) ^ UInt64(n?.base[row] == true ? 1 : 0)
            case .objectId(let v, let n): sink ^= v.base[row].high ^ UInt64(n?.base[row] == true ? 1 : 0)
            case .uuid(let v, let n): sink ^= v.base[row].high ^ UInt64(n?.base[row] == true ? 1 : 0)
            case .bytesList(let starts, _), .intList(let starts, _, _): sink ^= UInt64(bitPattern: Int64(starts.base[row]))
            case .values: break
            }
        }
        return sink
    }

    /// The room row `row` takes in each column.
    func need(row: Int) -> [Room] {
        columns.map { column in
            switch column {
            case .bytes(let b): Room(bytes: b.offsets.base[row + 1] - b.offsets.base[row], elements: 0)
            case .bytesList(let starts, let e):
                Room(bytes: e.offsets.base[starts.base[row + 1]] - e.offsets.base[starts.base[row]],
                     elements: starts.base[row + 1] - starts.base[row])
            case .intList(let starts, _, _): Room(bytes: 0, elements: starts.base[row + 1] - starts.base[row])
            default: Room(bytes: 0, elements: 0)
            }
        }
    }

    private static func write(_ value: Value, to column: ColumnarCollection.Column, at row: Int) {
        func mark(_ nulls: Buffer<Bool>?, _ i: Int, _ isNull: Bool) { if let nulls { nulls.base[i] = isNull } }
        switch column {
        case .int(let v, let n):
            mark(n, row, value.isNull)
            v.base[row] = if case .int(let i) = value { i } else { 0 }
        case .double(let v, let n):
            mark(n, row, value.isNull)
            v.base[row] = if case .double(let d) = value { d } else { 0 }
        case .bool(let v, let n):
            mark(n, row, value.isNull)
            v.base[row] = if case .bool(let b) = value { b } else { false }
        case .bytes(let b):
            append(value, to: b, at: row)
        case .timestamp(let s, let ns, let n):
            mark(n, row, value.isNull)
            let t = if case .timestamp(let t) = value { t } else { Timestamp(seconds: 0, nanoseconds: 0) }
            s.base[row] = t.seconds
            ns.base[row] = t.nanoseconds
        case .objectId(let v, let n):
            mark(n, row, value.isNull)
            v.base[row] = if case .objectId(let o) = value { o } else { ObjectId(high: 0, low: 0) }
        case .uuid(let v, let n):
            mark(n, row, value.isNull)
            v.base[row] = if case .uuid(let u) = value { u } else { UUIDValue(high: 0, low: 0) }
        case .bytesList(let starts, let e):
            var i = starts.base[row]
            if case .list(let items) = value {
                for item in items { append(item, to: e, at: i); i += 1 }
            }
            starts.base[row + 1] = i
        case .intList(let starts, let v, let n):
            var i = starts.base[row]
            if case .list(let items) = value {
                for item in items {
                    mark(n, i, item.isNull)
                    v.base[i] = if case .int(let x) = item { x } else { 0 }
                    i += 1
                }
            }
            starts.base[row + 1] = i
        case .values(let v):
            v.base[row] = value
        }
    }

    /// Row `from` of `source` as row `row` of `target`, a column of the same kind.
    private static func copy(_ from: Int, of source: ColumnarCollection.Column, to target: ColumnarCollection.Column, at row: Int) {
        func copy<T>(_ s: Buffer<T>?, _ t: Buffer<T>?, _ from: Int, _ to: Int) {
            guard let s, let t else { return }
            t.base[to] = s.base[from]
        }
        func copy<T>(_ s: Buffer<T>?, _ t: Buffer<T>?, _ from: Int, _ to: Int, count: Int) {
            guard let s, let t else { return }
            for i in 0..<count { t.base[to + i] = s.base[from + i] }
        }
        switch (source, target) {
        case (.int(let sv, let sn), .int(let tv, let tn)): copy(sv, tv, from, row); copy(sn, tn, from, row)
        case (.double(let sv, let sn), .double(let tv, let tn)): copy(sv, tv, from, row); copy(sn, tn, from, row)
        case (.bool(let sv, let sn), .bool(let tv, let tn)): copy(sv, tv, from, row); copy(sn, tn, from, row)
        case (.bytes(let s), .bytes(let t)): copyBytes(from, s, to: t, at: row, count: 1)
        case (.timestamp(let ss, let sns, let sn), .timestamp(let ts, let tns, let tn)):
            copy(ss, ts, from, row); copy(sns, tns, from, row); copy(sn, tn, from, row)
        case (.objectId(let sv, let sn), .objectId(let tv, let tn)): copy(sv, tv, from, row); copy(sn, tn, from, row)
        case (.uuid(let sv, let sn), .uuid(let tv, let tn)): copy(sv, tv, from, row); copy(sn, tn, from, row)
        case (.bytesList(let ss, let se), .bytesList(let ts, let te)):
            let first = ss.base[from], count = ss.base[from + 1] - first
            copyBytes(first, se, to: te, at: ts.base[row], count: count)
            ts.base[row + 1] = ts.base[row] + count
        case (.intList(let ss, let sv, let sn), .intList(let ts, let tv, let tn)):
            let first = ss.base[from], count = ss.base[from + 1] - first, at = ts.base[row]
            copy(sv, tv, first, at, count: count)
            copy(sn, tn, first, at, count: count)
            ts.base[row + 1] = at + count
        case (.values(let sv), .values(let tv)): tv.base[row] = sv.base[from]
        default: preconditionFailure("segments of one collection have the same column kinds")
        }
    }

    /// Values `from ..< from + count` of `source` as values `at ..< at + count` of `target`:
    /// their bytes in one copy, their offsets shifted to where the bytes land.
    private static func copyBytes(_ from: Int, _ source: ColumnarCollection.BytesColumn, to target: ColumnarCollection.BytesColumn,
                                  at: Int, count: Int) {
        let sourceStart = source.offsets.base[from], targetStart = target.offsets.base[at]
        let length = source.offsets.base[from + count] - sourceStart
        (target.bytes.base + targetStart).update(from: source.bytes.base + sourceStart, count: length)
        for i in 0..<count {
            target.offsets.base[at + i + 1] = source.offsets.base[from + i + 1] - sourceStart + targetStart
        }
        if let s = source.nulls, let t = target.nulls { for i in 0..<count { t.base[at + i] = s.base[from + i] } }
    }

    /// Appends one string or binary as value `i` of `column` (its offsets end at `offsets[i]`).
    private static func append(_ value: Value, to column: ColumnarCollection.BytesColumn, at i: Int) {
        if let nulls = column.nulls { nulls.base[i] = value.isNull }
        let start = column.offsets.base[i]
        var end = start
        func copy(_ bytes: UnsafeRawBufferPointer) {
            guard let source = bytes.baseAddress else { return }
            (column.bytes.base + start).update(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count)
            end = start + bytes.count
        }
        switch value {
        case .string(var s): s.withUTF8 { copy(UnsafeRawBufferPointer($0)) }
        case .binary(let b): b.withUnsafeBytes(copy)
        default: break
        }
        column.offsets.base[i + 1] = end
    }

    /// Row `row` as a document.
    func document(at row: Int) -> Document {
        Document(values: columns.indices.map { columns[$0].value(row, isString: isString[$0]) })
    }

    /// One property of row `row`.
    func value(row: Int, column: Int) -> Value {
        columns[column].value(row, isString: isString[column])
    }
}

/// Which rows of a segment are deleted: one bit per row. Shared by the snapshots taken since it
/// last changed; the writer copies it before a change unless no snapshot holds it, so a snapshot's
/// mask never changes after it is taken. (`@unchecked` for that reason: raw words, written only
/// while no snapshot holds them, under the collection's lock.)
final class DeletionMask: @unchecked Sendable {
    let words: UnsafeMutablePointer<UInt64>
    let wordCount: Int
    /// How many bits are set.
    private(set) var count = 0
    /// No row is deleted: scans take the plain path.
    var isEmpty: Bool { count == 0 }

    init(rows: Int) {
        wordCount = max(1, (rows + 63) / 64)
        words = .allocate(capacity: wordCount)
        words.initialize(repeating: 0, count: wordCount)
    }

    init(copying other: DeletionMask) {
        wordCount = other.wordCount
        words = .allocate(capacity: wordCount)
        words.initialize(from: other.words, count: wordCount)
        count = other.count
    }

    deinit { words.deallocate() }

    func isDeleted(_ row: Int) -> Bool { words[row >> 6] & (1 << UInt64(row & 63)) != 0 }
    /// Marks `row` deleted (it was not).
    func delete(_ row: Int) {
        words[row >> 6] |= 1 << UInt64(row & 63)
        count += 1
    }
}
