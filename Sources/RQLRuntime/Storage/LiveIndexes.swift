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
        /// Per property index, the segments it was built over; segments started after it are
        /// covered from `firstNewSequence` on.
        var builtOver: [Int: (sequences: Set<UInt32>, firstNewSequence: UInt32)] = [:]
        /// Compacted segments, whose entries were removed.
        var dropped: Set<UInt32> = []

        var isEmpty: Bool { indexes.isEmpty }

        /// Whether every index covers every segment in `sequences`.
        func covers(_ sequences: [UInt32]) -> Bool {
            sequences.allSatisfy { s in
                !dropped.contains(s) && builtOver.values.allSatisfy { $0.sequences.contains(s) || s >= $0.firstNewSequence }
            }
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
