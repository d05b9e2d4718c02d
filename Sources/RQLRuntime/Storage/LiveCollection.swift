import RQLSemantics
import RQLDocuments
import RQLSyntax
import Synchronization

/// A mutable collection keyed by `_id`, which queries scan through immutable snapshots.
///
/// Writes (`insert`, `replace`, `update`, `upsert`, `delete`, or a batch of them with `apply`)
/// are validated as loading is (`Document.mismatch(with:)`, unique `_id`s) and are all or
/// nothing: a write or batch with any problem changes nothing and throws every problem (at most
/// `DocumentLoader.maxReportedErrors`). One writer at a time; any number of threads read.
///
/// `snapshot()` costs O(segments) pointer copies and never sees part of a write or a batch.
/// Rows live in append-only `Segment`s: an update or replace marks the old row deleted and
/// appends the new version, a delete marks the row deleted (an update of fixed-width values that
/// no snapshot can see changes the row in place instead). A segment (other than the newest)
/// whose deleted rows reach `compactionDeadFraction` of its rows is compacted: its live rows are
/// appended anew and the segment is dropped (snapshots that hold it keep it alive).
///
/// ```swift
/// let things = try LiveCollection(schema: schema)
/// try things.insert(contentsOf: documents)
/// try things.update(id: .int(3), set: ["name": .string("Ann")])
/// let n = try query.count(in: things.snapshot())
/// ```
public final class LiveCollection: Sendable {
    /// Rows per segment once the collection is large: big enough that binding a program per
    /// segment costs nothing next to the scan, small enough that a deletion mask (8 KB) is cheap
    /// to copy when a snapshot holds it.
    public static let defaultSegmentRows = 65_536
    /// Rows of the first segments: a small collection does not take a large segment's memory.
    /// Later segments hold as many rows as the collection has, up to the segment size.
    public static let minimumSegmentRows = 1_024
    /// The most rows a segment may be given: a row's number fits a `RowHandle`'s 32 bits with
    /// room to spare, and one segment's columns stay a few hundred MB at most.
    public static let maximumSegmentRows = 1 << 24
    /// A segment (not the newest) is compacted when this fraction of its rows are deleted: each
    /// deleted row costs at most one moved row, and a scan reads at most this much dead data.
    public static let compactionDeadFraction = 0.5
    /// String and binary heap bytes, and list elements, per row of a first segment; later ones
    /// are sized from the rows before them (`headroom` more).
    static let initialBytesPerRow = 16
    static let initialElementsPerRow = 4
    static let headroom = 1.25

    public let schema: ObjectSchema
    /// Where `_id` is in `schema.properties`.
    package let idColumn: Int
    let segmentRows: Int
    private let propertyIndex: [String: Int]
    private let state: Mutex<State>
    /// Secondary indexes, kept up to date by every write (`createIndex`).
    let indexes = LiveIndexes()

    /// An empty collection of `schema`, which must have an `_id` property. `segmentRows` is the
    /// rows per segment (tests use small ones to exercise many segments and compaction).
    public init(schema: ObjectSchema, segmentRows: Int = LiveCollection.defaultSegmentRows) throws(WriteError) {
        guard let idColumn = schema.properties.firstIndex(where: { $0.name == ObjectSchema.primaryKeyName }) else {
            throw WriteError([Diagnostic(.missingPrimaryKey,
                                         "'\(schema.title)' has no '\(ObjectSchema.primaryKeyName)' property; a live collection finds its documents by it",
                                         at: .none)])
        }
        guard (1...Self.maximumSegmentRows).contains(segmentRows) else {
            throw WriteError([Diagnostic(.invalidArgument,
                                         "segmentRows must be from 1 to \(Self.maximumSegmentRows), not \(segmentRows)", at: .none)])
        }
        self.schema = schema
        self.idColumn = idColumn
        self.segmentRows = segmentRows
        var index: [String: Int] = [:]
        for (i, p) in schema.properties.enumerated() where index[p.name] == nil { index[p.name] = i }
        propertyIndex = index
        state = Mutex(State())
    }

    // MARK: - Writes

    /// One write of a batch.
    public enum Write: Sendable, Hashable {
        /// A new document; its `_id` must not be in the collection.
        case insert(Document)
        /// The whole document with the same `_id`, which must be in the collection.
        case replace(Document)
        /// Sets the named properties of the document with `_id` `id`; the others keep their values.
        case update(id: Value, set: [String: Value])
        /// `insert` when no document has its `_id`, otherwise `replace`.
        case upsert(Document)
        /// Removes the document with `_id` `id`, which must be in the collection.
        case delete(id: Value)
    }

    /// Why a write or batch changed nothing: every problem found, each naming the write, the
    /// `_id` and the field.
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        public let diagnostics: [Diagnostic]
        init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
        public var description: String { diagnostics.map { "error[\($0.code.rawValue)]: \($0.message)" }.joined(separator: "\n") }
    }

    public func insert(_ document: Document) throws(WriteError) { try apply([.insert(document)]) }
    public func insert(contentsOf documents: [Document]) throws(WriteError) { try apply(documents.map(Write.insert)) }
    public func replace(_ document: Document) throws(WriteError) { try apply([.replace(document)]) }
    public func update(id: Value, set values: [String: Value]) throws(WriteError) { try apply([.update(id: id, set: values)]) }
    public func upsert(_ document: Document) throws(WriteError) { try apply([.upsert(document)]) }
    public func delete(id: Value) throws(WriteError) { try apply([.delete(id: id)]) }

    /// Applies `writes` in order, each seeing the ones before it, or none of them if any has a
    /// problem. Snapshots see all of the batch or none of it.
    public func apply(_ writes: [Write]) throws(WriteError) {
        try state.withLock { (state: inout State) throws(WriteError) in
            let effects = try resolve(writes, in: state)
            // One resize for a large batch of new documents, not one per doubling.
            if effects.count > 1 { state.ids.reserveCapacity(state.ids.count + effects.count) }
            for effect in effects {
                switch effect {
                case .put(let id, let document): state.put(id, document, self)
                case .patch(let id, let replacing): state.patch(id, replacing, self)
                case .remove(let id): state.remove(id)
                }
            }
            state.compactIfNeeded(self)
        }
    }

    /// A validated write: what it does to the rows.
    private enum Effect {
        /// Stores the document as the version of its `_id`.
        case put(Value, Document)
        /// A new version of a stored document: a copy of its row with some values replaced (one
        /// per column, nil: keep), so the document is never rebuilt.
        case patch(Value, [Value?])
        case remove(Value)
    }

    /// What a batch has done to one `_id` so far.
    private enum Pending {
        case document(Document)
        /// Patched: its document is the stored one, changed by effects not yet applied.
        case stored
        case deleted
    }

    /// Checks every write against the collection as the writes before it leave it, without
    /// changing anything: the effects when all are valid, otherwise every problem.
    private func resolve(_ writes: [Write], in state: State) throws(WriteError) -> [Effect] {
        var effects: [Effect] = []
        effects.reserveCapacity(writes.count)
        var diagnostics: [Diagnostic] = []
        // What the batch has written so far by `_id`, over the stored documents.
        var overlay: [Value: Pending] = [:]
        let batch = writes.count > 1
        if batch { overlay.reserveCapacity(writes.count) }
        func exists(_ id: Value) -> Bool {
            switch overlay[id] {
            case .document, .stored: true
            case .deleted: false
            case nil: state.ids[id] != nil
            }
        }
        for (index, write) in writes.enumerated() {
            if diagnostics.count >= DocumentLoader.maxReportedErrors {
                diagnostics.append(Diagnostic(.documentTooManyErrors,
                                              "more than \(DocumentLoader.maxReportedErrors) errors; the rest are not reported", at: .none))
                break
            }
            let before = diagnostics.count
            func problem(_ code: DiagnosticCode, _ what: String, _ message: String) {
                let label = batch ? "write \(index) (\(what))" : what
                diagnostics.append(Diagnostic(code, "\(label): \(message)", at: .none))
            }
            func fits(_ document: Document, _ what: String) -> Bool {
                guard let mismatch = document.mismatch(with: schema) else { return true }
                problem(.documentTypeMismatch, what, "does not fit '\(schema.title)': \(mismatch)")
                return false
            }
            func notFound(_ id: Value, _ what: String) {
                let earlier = overlay[id] != nil ? " (an earlier write of this batch deleted it)" : ""
                problem(.documentNotFound, what, "no document with _id \(Document.describeKey(id)) in '\(schema.title)'\(earlier)")
            }
            var effect: Effect?
            switch write {
            case .insert(let document):
                guard fits(document, "insert") else { break }
                let id = document.values[idColumn]
                if exists(id) {
                    let whence = overlay[id] != nil ? "an earlier write of this batch wrote it" : "already in '\(schema.title)'"
                    problem(.documentDuplicateID, "insert", "duplicate _id \(Document.describeKey(id)) (\(whence))")
                } else {
                    effect = .put(id, document)
                }
            case .replace(let document):
                guard fits(document, "replace") else { break }
                let id = document.values[idColumn]
                if exists(id) { effect = .put(id, document) } else { notFound(id, "replace") }
            case .upsert(let document):
                if fits(document, "upsert") { effect = .put(document.values[idColumn], document) }
            case .update(let id, let set):
                let what = "update of _id \(Document.describeKey(id))"
                guard exists(id) else { notFound(id, "update"); break }
                var replacing = [Value?](repeating: nil, count: schema.properties.count)
                // In name order, so the problems come in the same order every time.
                for (name, value) in set.sorted(by: { $0.key < $1.key }) {
                    guard let column = propertyIndex[name] else {
                        problem(.documentUnknownField, what, "'\(schema.title)' has no property '\(name)'")
                        continue
                    }
                    if column == idColumn, value != id {
                        problem(.documentInvalidValue, what, "an update cannot change _id (to \(Document.describeKey(value))); delete and insert instead")
                        continue
                    }
                    // The other values are the stored document's, which fit already.
                    if let mismatch = Document.mismatch(value, schema.properties[column]) {
                        problem(.documentTypeMismatch, what, "does not fit '\(schema.title)': field '\(name)': \(mismatch)")
                        continue
                    }
                    replacing[column] = value
                }
                guard diagnostics.count == before else { break }
                if case .document(var document) = overlay[id] {
                    // Written by this batch: the whole new document, as the batch left it.
                    for (column, value) in replacing.enumerated() { if let value { document.values[column] = value } }
                    effect = .put(id, document)
                } else {
                    effect = .patch(id, replacing)
                }
            case .delete(let id):
                if exists(id) { effect = .remove(id) } else { notFound(id, "delete") }
            }
            guard let effect, diagnostics.count == before else { continue }
            if batch {
                switch effect {
                case .put(let id, let document): overlay[id] = .document(document)
                case .patch(let id, _): overlay[id] = .stored
                case .remove(let id): overlay[id] = .deleted
                }
            }
            if diagnostics.isEmpty { effects.append(effect) }
        }
        guard diagnostics.isEmpty else { throw WriteError(diagnostics) }
        return effects
    }

    // MARK: - Reads

    /// The document whose `_id` is `id`, as it is now.
    public func document(withID id: Value) -> Document? {
        state.withLock { state in state.ids[id].map { state.document(at: $0) } }
    }

    /// The number of documents.
    public var count: Int { state.withLock { $0.ids.count } }

    /// The collection as it is now, unchanged by later writes.
    public func snapshot() -> Snapshot {
        state.withLock { Snapshot(schema: schema, idColumn: idColumn, parts: $0.parts, count: $0.ids.count, indexes: indexes) }
    }

    // MARK: - Indexes

    /// Indexes a property (equality and IN; ranges on ints, doubles and dates; elements of lists
    /// of strings and ints), over the rows stored now and kept up to date by every write from now
    /// on; queries on snapshots use it when the planner finds it worth it. Indexing a property
    /// twice changes nothing.
    public func createIndex(on name: String) throws(IndexError) {
        let property = try CollectionIndexes.property(name, in: schema)
        state.withLock { state in
            indexes.withLock { registry in
                guard registry.indexes[property.index] == nil else { return }
                let index = SecondaryIndex(property)
                for part in state.parts {
                    for row in 0..<part.rows {
                        index.add(part.segment.value(row: row, column: property.index),
                                  row: RowHandle(segment: part.segment.sequence, row: UInt32(row)).key)
                    }
                }
                registry.indexes[property.index] = index
            }
        }
    }

    /// The indexed properties, in schema order.
    public var indexedProperties: [String] {
        indexes.withLock { $0.indexes.keys.sorted().map { schema.properties[$0].name } }
    }

    /// Rewrites every segment that has deleted rows (normally compaction happens by itself).
    public func compact() {
        state.withLock { $0.compact(where: { $0.dead > 0 }, self) }
    }

    /// The physical layout, for tests and tuning.
    public struct Statistics: Sendable, Equatable {
        public var segments: Int
        /// Rows stored, live or deleted.
        public var rows: Int
        public var deletedRows: Int
        /// Segments compacted so far.
        public var compactions: Int
    }

    public var statistics: Statistics {
        state.withLock { s in
            Statistics(segments: s.parts.count, rows: s.parts.reduce(0) { $0 + $1.rows },
                       deletedRows: s.parts.reduce(0) { $0 + $1.dead }, compactions: s.compactions)
        }
    }
}

// MARK: - Row identity

/// One stored version of a document: its segment's sequence number and its row there. A write
/// to the document makes a new version with a new handle, and the old one stays visible in the
/// snapshots taken before the write (an update of fixed-width values that no snapshot can see
/// changes the row in place instead); compaction moves live rows to new handles. So an index that
/// maps keys to handles checks each handle with `Snapshot.contains` (and, after compaction,
/// looks the document up by `_id`).
public struct RowHandle: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let segment: UInt32
    public let row: UInt32
    public static func < (a: RowHandle, b: RowHandle) -> Bool { (a.segment, a.row) < (b.segment, b.row) }
    public var description: String { "\(segment):\(row)" }
}

extension LiveCollection {
    /// One segment as a snapshot (and the collection) sees it.
    struct Part: Sendable {
        /// `var` only so the writer can ask whether a snapshot holds it.
        var segment: Segment
        /// Rows written, live or deleted.
        var rows: Int
        var deleted: DeletionMask
        /// Rows deleted.
        var dead: Int { deleted.count }
    }

    /// Everything the lock protects.
    struct State: Sendable {
        /// In sequence order (the newest, which takes new rows, last).
        var parts: [Part] = []
        /// The live version of each document.
        var ids: [Value: RowHandle] = [:]
        /// 32 bits: 4 billion segments over a collection's life, 2.8e14 rows at the default size
        /// (a collection made with `segmentRows: 1` could reach it after 4 billion writes).
        var nextSequence: UInt32 = 0
        var compactions = 0
        /// Where `Segment.touch` results go.
        var touched: UInt64 = 0

        func partIndex(_ sequence: UInt32) -> Int? { LiveCollection.partIndex(parts, sequence) }

        func document(at handle: RowHandle) -> Document {
            parts[partIndex(handle.segment)!].segment.document(at: Int(handle.row))
        }

        /// Stores `document` as the version of `id`, replacing any other.
        mutating func put(_ id: Value, _ document: Document, _ collection: LiveCollection) {
            let need = Segment.need(document.values)
            let (last, row) = reserveRow(need, collection)
            parts[last].segment.write(document.values, at: row)
            let handle = published(last, row)
            collection.indexes.withLock { $0.add({ document.values[$0] }, handle) }
            if let old = ids.updateValue(handle, forKey: id) { markDeleted(old) }
        }

        /// Stores a copy of `id`'s row with the non-nil values of `replacing` as its new version.
        mutating func patch(_ id: Value, _ replacing: [Value?], _ collection: LiveCollection) {
            guard let index = ids.index(forKey: id) else { return }
            let old = ids.values[index]
            // When only the collection holds the segment (no snapshot, hence no scan, has it), no
            // reader can see the row: fixed-width values change in place, as a database without
            // snapshots would do, and the row keeps its handle. (The deletion mask's uniqueness
            // would not do: after a copy-on-write the new mask is unique, the segment shared.)
            let i = partIndex(old.segment)!
            if parts[i].segment.canOverwrite(replacing), isKnownUniquelyReferenced(&parts[i].segment) {
                let segment = parts[i].segment, row = Int(old.row)
                // No snapshot sees the row either: its index entries change with it.
                collection.indexes.withLock { registry in
                    for (column, index) in registry.indexes {
                        guard let value = replacing[column] else { continue }
                        index.replace(segment.value(row: row, column: column), with: value, row: old.key)
                    }
                }
                segment.overwrite(row, replacing)
                return
            }
            let handle = copy(old, replacing: replacing, collection)
            ids.values[index] = handle
            markDeleted(old)
        }

        mutating func remove(_ id: Value) {
            if let old = ids.removeValue(forKey: id) { markDeleted(old) }
        }

        private mutating func markDeleted(_ handle: RowHandle) {
            let i = partIndex(handle.segment)!
            // Copy-on-write: a snapshot that holds the mask must not see this deletion.
            if !isKnownUniquelyReferenced(&parts[i].deleted) { parts[i].deleted = DeletionMask(copying: parts[i].deleted) }
            parts[i].deleted.delete(Int(handle.row))
        }

        /// Appends a copy of the row at `handle` (live in a part of `parts`, or in `source`),
        /// with the non-nil values of `replacing`; returns the new row's handle.
        private mutating func copy(_ handle: RowHandle, from source: Segment? = nil, replacing: [Value?],
                                   _ collection: LiveCollection) -> RowHandle {
            let segment = source ?? parts[partIndex(handle.segment)!].segment
            let sourceRow = Int(handle.row)
            touched ^= segment.touch(row: sourceRow)
            var need = segment.need(row: sourceRow)
            for (c, value) in replacing.enumerated() { if let value { need[c] = Segment.need([value])[0] } }
            let (last, row) = reserveRow(need, collection)
            parts[last].segment.write(copyOf: sourceRow, in: segment, replacing: replacing, at: row)
            let handle = published(last, row)
            let written = parts[last].segment
            collection.indexes.withLock { $0.add({ written.value(row: row, column: $0) }, handle) }
            return handle
        }

        /// The newest part and its next row, with room for a row needing `need`.
        private mutating func reserveRow(_ need: [Segment.Room], _ collection: LiveCollection) -> (part: Int, row: Int) {
            if parts.isEmpty || !parts[parts.count - 1].segment.fits(need, at: parts[parts.count - 1].rows) {
                startSegment(need, collection)
            }
            return (parts.count - 1, parts[parts.count - 1].rows)
        }

        /// Counts the row just written into its part (snapshots taken from now on see it).
        private mutating func published(_ part: Int, _ row: Int) -> RowHandle {
            parts[part].rows = row + 1
            return RowHandle(segment: parts[part].segment.sequence, row: UInt32(row))
        }

        /// Seals the newest segment and starts one with room for `values` and for as many rows as
        /// the collection has (within the segment size limits).
        private mutating func startSegment(_ need: [Segment.Room], _ collection: LiveCollection) {
            let rows = min(collection.segmentRows, max(Swift.min(LiveCollection.minimumSegmentRows, collection.segmentRows), ids.count))
            let previous = parts.last.map { ($0.segment.used(rows: $0.rows), $0.rows) }
            let room = need.indices.map { c in
                func perRow(_ used: Int, _ initial: Int) -> Int {
                    guard let (_, previousRows) = previous, previousRows > 0 else { return initial }
                    return Int((Double(used) / Double(previousRows) * LiveCollection.headroom).rounded(.up))
                }
                let used = previous?.0[c] ?? Segment.Room(bytes: 0, elements: 0)
                return Segment.Room(bytes: max(need[c].bytes, rows * max(1, perRow(used.bytes, LiveCollection.initialBytesPerRow))),
                                    elements: max(need[c].elements, rows * max(1, perRow(used.elements, LiveCollection.initialElementsPerRow))))
            }
            let segment = Segment(schema: collection.schema, sequence: nextSequence, capacity: rows, room: room)
            nextSequence += 1
            parts.append(Part(segment: segment, rows: 0, deleted: DeletionMask(rows: rows)))
        }

        /// Compacts the segments, other than the newest, whose deleted rows reached the fraction.
        mutating func compactIfNeeded(_ collection: LiveCollection) {
            guard parts.count > 1 else { return }
            let newest = parts[parts.count - 1].segment.sequence
            compact(where: { part in
                part.segment.sequence != newest && part.dead > 0
                    && Double(part.dead) >= LiveCollection.compactionDeadFraction * Double(part.rows)
            }, collection)
        }

        /// Moves the live rows of the segments that pass `test` to the newest segments, and drops them.
        mutating func compact(where test: (Part) -> Bool, _ collection: LiveCollection) {
            let chosen = parts.filter(test)
            guard !chosen.isEmpty else { return }
            let sequences = Set(chosen.map(\.segment.sequence))
            parts.removeAll { sequences.contains($0.segment.sequence) }
            let keep = [Value?](repeating: nil, count: collection.schema.properties.count)
            for part in chosen {
                for row in 0..<part.rows where !part.deleted.isDeleted(row) {
                    let id = part.segment.value(row: row, column: collection.idColumn)
                    ids[id] = copy(RowHandle(segment: part.segment.sequence, row: UInt32(row)), from: part.segment, replacing: keep, collection)
                }
                // The segment's entries go; a snapshot that still holds it scans instead.
                collection.indexes.withLock { registry in
                    let first = RowHandle(segment: part.segment.sequence, row: 0).key
                    for index in registry.indexes.values { index.removeRows(in: first..<(first + (1 << 32))) }
                    registry.dropped.insert(part.segment.sequence)
                }
                compactions += 1
            }
        }
    }

    static func partIndex(_ parts: [Part], _ sequence: UInt32) -> Int? {
        var low = 0, high = parts.count
        while low < high {
            let mid = (low + high) / 2
            if parts[mid].segment.sequence < sequence { low = mid + 1 } else { high = mid }
        }
        return low < parts.count && parts[low].segment.sequence == sequence ? low : nil
    }
}

// MARK: - Snapshots

extension LiveCollection {
    /// The collection at one moment: immutable, cheap to take, safe to scan from any thread while
    /// writes go on. It keeps the segments it sees alive.
    public struct Snapshot: Sendable {
        public let schema: ObjectSchema
        package let idColumn: Int
        let parts: [Part]
        /// The number of documents.
        public let count: Int
        /// The collection's indexes (shared, behind their own lock).
        let indexes: LiveIndexes

        /// Whether `handle` is a live row of this snapshot: written before it was taken and not
        /// deleted (or replaced) by then.
        public func contains(_ handle: RowHandle) -> Bool {
            guard let i = LiveCollection.partIndex(parts, handle.segment) else { return false }
            let row = Int(handle.row)
            return row < parts[i].rows && !parts[i].deleted.isDeleted(row)
        }

        /// The document at `handle`, if the snapshot `contains` it.
        public func document(at handle: RowHandle) -> Document? {
            guard contains(handle), let i = LiveCollection.partIndex(parts, handle.segment) else { return nil }
            return parts[i].segment.document(at: Int(handle.row))
        }

        /// The `_id` of the document at `handle`, if the snapshot `contains` it.
        public func id(at handle: RowHandle) -> Value? {
            guard contains(handle), let i = LiveCollection.partIndex(parts, handle.segment) else { return nil }
            return parts[i].segment.value(row: Int(handle.row), column: idColumn)
        }

        /// Every live row, in storage order.
        public var handles: [RowHandle] {
            var out: [RowHandle] = []
            out.reserveCapacity(count)
            for part in parts {
                let sequence = part.segment.sequence
                VM.forEachLiveRow(part.rows, part.deleted.words) { out.append(RowHandle(segment: sequence, row: UInt32($0))) }
            }
            return out
        }

        /// Every document, in storage order.
        public var documents: [Document] { handles.map { document(at: $0)! } }

        /// Whether a row of this snapshot has been deleted or replaced.
        var hasDeletions: Bool { parts.contains { $0.dead > 0 } }

        /// The index key of the first row stored after this snapshot: with no deletions, every
        /// index entry below it is a row of the snapshot.
        var endKey: Int {
            guard let last = parts.last else { return 0 }
            return RowHandle(segment: last.segment.sequence, row: UInt32(last.rows)).key
        }

        /// The columns of the segment with this sequence number, as the VM binds them.
        func columnSet(_ sequence: UInt32) -> VM.ColumnSet? {
            guard let i = LiveCollection.partIndex(parts, sequence) else { return nil }
            let segment = parts[i].segment
            return VM.ColumnSet(columns: segment.columns, count: parts[i].rows, document: segment.document(at:), owner: segment)
        }

        /// The columns of each segment, as the VM binds them, with its deletion mask.
        func forEachColumnSet(_ body: (VM.ColumnSet, DeletionMask, UInt32) -> Void) {
            for part in parts where part.rows > 0 {
                let segment = part.segment
                body(VM.ColumnSet(columns: segment.columns, count: part.rows, document: segment.document(at:), owner: segment),
                     part.deleted, segment.sequence)
            }
        }
    }
}
