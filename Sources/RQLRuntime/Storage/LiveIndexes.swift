import RQLSemantics
import Synchronization

/// The secondary indexes of a `LiveCollection`, shared by the collection and its snapshots behind
/// a lock of their own: writers keep them up to date, snapshots search them and keep what they
/// find that they contain (`Snapshot.contains`).
///
/// An index holds every stored row of the segments it covers, live or not, so a snapshot taken
/// before a delete or a replace still finds the old version. Entries go only where no snapshot
/// can follow them: a row changed in place (its segment is held by no snapshot), and the rows of
/// a compacted segment, whose sequence is then remembered as `dropped`, so that a snapshot still
/// holding that segment is scanned instead.
final class LiveIndexes: Sendable {
    struct Registry: Sendable {
        /// By property index.
        var indexes: [Int: SecondaryIndex] = [:]
        /// Every compacted segment, indexed or not: their entries were removed, or never made.
        var dropped: Set<UInt32> = []

        var isEmpty: Bool { indexes.isEmpty }

        /// Whether every index has the rows of every segment of `parts`. An index is built over
        /// every segment the collection holds then, and every later write adds to it; a segment
        /// leaves the collection only by compaction, so the segments an index lacks are exactly
        /// the dropped ones.
        func covers(_ parts: [LiveCollection.Part]) -> Bool {
            dropped.isEmpty || parts.allSatisfy { !dropped.contains($0.segment.sequence) }
        }

        /// Records row `handle`'s values of the indexed properties.
        func add(_ values: (Int) -> Value, _ handle: RowHandle) {
            for (column, index) in indexes { index.add(values(column), row: handle.key) }
        }
    }

    let registry = Mutex(Registry())

    func withLock<R>(_ body: (inout Registry) -> R) -> R { registry.withLock { body(&$0) } }
}

extension RowHandle {
    /// The handle as an index's row number: segment sequences and rows only grow, so do these.
    var key: Int { Int(segment) << 32 | Int(row) }

    init(key: Int) {
        self.init(segment: UInt32(truncatingIfNeeded: key >> 32), row: UInt32(truncatingIfNeeded: key))
    }
}
