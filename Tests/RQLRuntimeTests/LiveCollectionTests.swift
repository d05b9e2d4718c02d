import Dispatch
import Foundation
import Synchronization
import Testing
import RQLSyntax
import RQLSemantics
import RQLDocuments
@testable import RQLRuntime
import RQLTesting

/// `LiveCollection`: writes, snapshots, compaction and scans, checked against a dictionary of
/// documents and the reference interpreter.
///
/// `swift test --filter LiveCollectionTests` runs 3,000 random writes; for a long run:
/// `RQL_LIVE_OPERATIONS=200000 swift test -c release --filter LiveCollectionTests`.
@Suite struct LiveCollectionTests {
    typealias Write = LiveCollection.Write
    static var schema: ObjectSchema { RandomData.schema }
    static let column = Dictionary(uniqueKeysWithValues: RandomData.schema.properties.enumerated().map { ($1.name, $0) })
    static var operationCount: Int {
        ProcessInfo.processInfo.environment["RQL_LIVE_OPERATIONS"].flatMap(Int.init) ?? 1_000
    }

    static func describe(_ documents: [Document]) -> [String] {
        documents.sorted { LiveModel.id($0) < LiveModel.id($1) }.map { RandomData.describe($0) }
    }

    // MARK: - The property test

    /// Random writes, single and batched, valid and not, with snapshots kept while the writes go
    /// on; every so often each kept snapshot and a new one answer random queries as the model of
    /// their time does (`RQLTesting.LiveModel`, shared with the `FuzzLive` fuzz target). Small
    /// segments, so rows spread over many, seal and compact.
    @Test(arguments: [(1 as UInt64, 16), (2, 64), (3, 1_000)])
    func randomWritesAndSnapshotsAgreeWithTheModel(seed: UInt64, segmentRows: Int) throws {
        var g = RandomData(seed: seed)
        let outcome = LiveModel.run(&g, operations: Self.operationCount, segmentRows: segmentRows)
        #expect(outcome.failures.isEmpty, "\(outcome.failures.count) failures:\n\(outcome.failures.joined(separator: "\n"))")
        // The run exercised what it is for: both outcomes, and with small segments compaction.
        #expect(outcome.applied > Self.operationCount / 4 && outcome.refused > Self.operationCount / 20,
                "applied \(outcome.applied), refused \(outcome.refused)")
        if segmentRows <= 64 { #expect(outcome.compactions > 0) }
        #expect(outcome.searches > Self.operationCount / 20, "only \(outcome.searches) index searches")
    }

    /// Every input kept in Tests/Fuzz/regressions/FuzzLive, through the fuzz target's harness.
    @Test func fuzzRegressionsGetTheModelsAnswer() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/regressions/FuzzLive")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        for name in names {
            let report = LiveModel.run(input: try Array(Data(contentsOf: folder.appendingPathComponent(name))))
            #expect(report == nil, "\(name): \(report ?? "")")
        }
        #expect(names.count >= 1)
    }

    // MARK: - Errors

    static func document(_ id: Int64, i: Value = .int(1), s: Value = .string("a")) -> Document {
        var g = RandomData(seed: UInt64(id))
        var d = g.document(id: Int(id))
        d.values[column["i"]!] = i
        d.values[column["s"]!] = s
        return d
    }

    static func errors(_ body: () throws(LiveCollection.WriteError) -> Void) -> [Diagnostic] {
        do { try body(); return [] } catch { return error.diagnostics }
    }

    @Test func aSchemaWithoutIDIsRefused() {
        let schema = ObjectSchema(title: "Note", properties: [Property(name: "text", type: .scalar(.string))])
        do {
            _ = try LiveCollection(schema: schema)
            Issue.record("a schema without _id was accepted")
        } catch {
            #expect(error.diagnostics.map(\.code) == [.missingPrimaryKey])
            #expect(error.description.contains("'Note' has no '_id' property"))
        }
    }

    @Test func aDuplicateIDIsNamed() throws {
        let live = try LiveCollection(schema: Self.schema)
        try live.insert(Self.document(3))
        let errors = Self.errors { () throws(LiveCollection.WriteError) in try live.insert(Self.document(3, i: .int(9))) }
        #expect(errors.map(\.code) == [.documentDuplicateID])
        #expect(errors.first?.message == "insert: duplicate _id 3 (already in 'Thing')")
        #expect(live.document(withID: .int(3))?.values[Self.column["i"]!] == .int(1))
    }

    @Test func aMissingIDIsNamed() throws {
        let live = try LiveCollection(schema: Self.schema)
        try live.insert(Self.document(1))
        let before = live.snapshot().documents
        let errors = Self.errors { () throws(LiveCollection.WriteError) in
            try live.apply([.update(id: .int(42), set: ["i": .int(2)]), .replace(Self.document(43)), .delete(id: .int(44))])
        }
        #expect(errors.map(\.code) == [.documentNotFound, .documentNotFound, .documentNotFound])
        #expect(errors.map(\.message) == ["write 0 (update): no document with _id 42 in 'Thing'",
                                          "write 1 (replace): no document with _id 43 in 'Thing'",
                                          "write 2 (delete): no document with _id 44 in 'Thing'"])
        #expect(Self.describe(live.snapshot().documents) == Self.describe(before))
    }

    @Test func aValueOfTheWrongTypeNamesTheField() throws {
        let live = try LiveCollection(schema: Self.schema)
        try live.insert(Self.document(1))
        let insert = Self.errors { () throws(LiveCollection.WriteError) in try live.insert(Self.document(2, s: .int(5))) }
        #expect(insert.map(\.code) == [.documentTypeMismatch])
        #expect(insert.first?.message == "insert: does not fit 'Thing': field 's': a int value in a string field")
        let update = Self.errors { () throws(LiveCollection.WriteError) in try live.update(id: .int(1), set: ["l": .null]) }
        #expect(update.first?.message == "update of _id 1: does not fit 'Thing': field 'l': null in a required field")
        let unknown = Self.errors { () throws(LiveCollection.WriteError) in try live.update(id: .int(1), set: ["nope": .int(1), "_id": .int(7)]) }
        #expect(unknown.map(\.code) == [.documentInvalidValue, .documentUnknownField])
        #expect(unknown.last?.message == "update of _id 1: 'Thing' has no property 'nope'")
        #expect(live.count == 1 && live.document(withID: .int(2)) == nil)
        #expect(live.document(withID: .int(1)).map { RandomData.describe($0) } == RandomData.describe(Self.document(1)))
    }

    @Test func aBatchWithAnyErrorChangesNothingAndReportsEveryProblem() throws {
        let live = try LiveCollection(schema: Self.schema, segmentRows: 4)
        try live.insert(contentsOf: (0..<10).map { Self.document($0) })
        let before = live.snapshot()
        let errors = Self.errors { () throws(LiveCollection.WriteError) in
            try live.apply([.insert(Self.document(20)), .update(id: .int(1), set: ["i": .int(5)]), .delete(id: .int(2)),
                            .insert(Self.document(20)), .insert(Self.document(21, i: .string("x"))), .update(id: .int(2), set: ["i": .int(1)])])
        }
        #expect(errors.map(\.code) == [.documentDuplicateID, .documentTypeMismatch, .documentNotFound])
        #expect(errors.map(\.message).first == "write 3 (insert): duplicate _id 20 (an earlier write of this batch wrote it)")
        #expect(errors.map(\.message).last == "write 5 (update): no document with _id 2 in 'Thing' (an earlier write of this batch deleted it)")
        let after = live.snapshot()
        #expect(Self.describe(after.documents) == Self.describe(before.documents))
        #expect(live.statistics.rows == 10 && live.statistics.deletedRows == 0)

        // The same writes without the bad ones: each sees the ones before it.
        try live.apply([.insert(Self.document(20)), .update(id: .int(1), set: ["i": .int(5)]), .delete(id: .int(2)),
                        .upsert(Self.document(2, i: .int(7))), .update(id: .int(2), set: ["s": .string("zz")])])
        #expect(live.count == 11)
        #expect(live.document(withID: .int(2))?.values[Self.column["s"]!] == .string("zz"))
        #expect(live.document(withID: .int(2))?.values[Self.column["i"]!] == .int(7))
        #expect(live.document(withID: .int(1))?.values[Self.column["i"]!] == .int(5))
    }

    @Test func tooManyProblemsAreCapped() throws {
        let live = try LiveCollection(schema: Self.schema)
        let errors = Self.errors { () throws(LiveCollection.WriteError) in
            try live.apply((0..<50).map { .delete(id: .int(Int64($0))) })
        }
        #expect(errors.count == DocumentLoader.maxReportedErrors + 1)
        #expect(errors.last?.code == .documentTooManyErrors)
    }

    @Test func aQueryForAnotherSchemaIsAnErrorNotATrap() throws {
        let other = ObjectSchema(title: "Other", properties: [Property(name: "_id", type: .scalar(.int)), Property(name: "s", type: .scalar(.int))])
        let live = try LiveCollection(schema: other)
        try live.insert(Document(values: [.int(1), .int(2)]))
        let query = try CompiledQuery("s == 'a'", collection: Self.schema)
        #expect(throws: SchemaMismatchError.self) { try query.count(in: live) }
        let error = #expect(throws: SchemaMismatchError.self) { try query.ids(in: live.snapshot()) }
        #expect(error?.description == "the query was compiled for 'Thing', but the collection is 'Other'")
        // The same for fixed column sets, with or without indexes.
        let columns = ColumnarCollection(schema: other, documents: [Document(values: [.int(1), .int(2)])])
        #expect(throws: SchemaMismatchError.self) { try query.count(in: columns) }
        #expect(throws: SchemaMismatchError.self) { try query.filter(columns) }
        #expect(throws: SchemaMismatchError.self) { try query.count(in: columns, indexes: CollectionIndexes(schema: other)) }
        #expect(throws: SchemaMismatchError.self) { try query.filter(columns, indexes: CollectionIndexes(schema: other)) }
        // Same title, other properties: still refused.
        let renamed = ObjectSchema(title: "Thing", properties: other.properties)
        let twin = try LiveCollection(schema: renamed)
        #expect(throws: SchemaMismatchError.self) { try query.count(in: twin) }
    }

    // MARK: - Storage

    /// An index serves snapshots old and new: a snapshot from before a compaction holds the
    /// compacted segment, whose entries are gone, so it scans; a new one searches.
    @Test func indexesFollowWritesAndCompaction() throws {
        let live = try LiveCollection(schema: Self.schema, segmentRows: 16)
        try live.insert(contentsOf: (0..<64).map { Self.document($0, s: .string($0 < 8 ? "x" : "y")) })
        try live.createIndex(on: "s")
        #expect(throws: IndexError.unknownProperty("ss", collection: "Thing", suggestion: "s")) { try live.createIndex(on: "ss") }
        #expect(live.indexedProperties == ["s"])
        let query = try CompiledQuery("s == 'x'", collection: Self.schema)
        let before = live.snapshot()
        #expect(query.plan(in: before).lines == ["SEARCH Thing USING INDEX s (s=?)"])
        #expect(try query.count(in: before) == 8)
        // Delete most of the first segment: it is compacted, its two 'x' rows move.
        let first = before.handles.filter { $0.segment == before.handles[0].segment }.map { before.id(at: $0)! }
        try live.apply(first.dropFirst(6).map { .delete(id: $0) })
        try live.update(id: first[0], set: ["s": .string("z")])
        #expect(live.statistics.compactions >= 1)
        let after = live.snapshot()
        #expect(query.plan(in: before).lines == ["SCAN Thing"])
        #expect(try query.count(in: before) == 8)
        #expect(query.plan(in: after).lines == ["SEARCH Thing USING INDEX s (s=?)"])
        let expected = after.documents.filter { Interpreter.matches(query.checked, $0) }.count
        #expect(try query.count(in: after) == expected && expected > 0)
        #expect(try CompiledQuery("s == 'z'", collection: Self.schema).count(in: live) == 1)
    }

    @Test func compactionDropsMostlyDeadSegmentsAndOldSnapshotsKeepThem() throws {
        let live = try LiveCollection(schema: Self.schema, segmentRows: 16)
        try live.insert(contentsOf: (0..<64).map { Self.document($0) })
        #expect(live.statistics.segments >= 4 && live.statistics.rows == 64)
        let query = try CompiledQuery("i == 1", collection: Self.schema)
        let before = live.snapshot()
        // The documents of the first segment (a segment may end early when its string heap is full).
        let handles = before.handles
        let first = handles.filter { $0.segment == handles[0].segment }.map { before.id(at: $0)! }
        let threshold = Int((LiveCollection.compactionDeadFraction * Double(first.count)).rounded(.up))
        // Updating one row fewer than the fraction leaves the segment; the next update compacts it.
        for id in first.prefix(threshold - 1) { try live.update(id: id, set: ["i": .int(2)]) }
        #expect(live.statistics.compactions == 0 && live.statistics.deletedRows == threshold - 1)
        try live.update(id: first[threshold - 1], set: ["i": .int(2)])
        let stats = live.statistics
        #expect(stats.compactions == 1 && stats.deletedRows == 0 && stats.rows == 64)
        #expect(try query.count(in: live) == 64 - threshold)
        #expect(try query.count(in: before) == 64)
        #expect(before.documents.count == 64)
        // Whole collection: every row of a deleted document goes.
        try live.apply((0..<64).filter { $0 % 3 == 0 }.map { .delete(id: .int(Int64($0))) })
        live.compact()
        #expect(live.statistics.deletedRows == 0 && live.statistics.rows == live.count && live.count == 64 - 22)
        let updated = Set(first.prefix(threshold))
        #expect(try query.count(in: live) == (0..<64).filter { $0 % 3 != 0 && !updated.contains(.int(Int64($0))) }.count)
        #expect(try query.count(in: before) == 64)
    }

    @Test func handlesTellWhichSnapshotsSeeARow() throws {
        let live = try LiveCollection(schema: Self.schema)
        try live.insert(Self.document(1))
        let first = live.snapshot()
        let handle = try #require(first.handles.first)
        try live.update(id: .int(1), set: ["i": .int(3)])
        let second = live.snapshot()
        #expect(first.contains(handle) && !second.contains(handle))
        #expect(first.id(at: handle) == .int(1) && second.document(at: handle) == nil)
        let newer = try #require(second.handles.first)
        #expect(newer != handle && !first.contains(newer))
    }

    @Test func fixedWidthUpdatesThatNoSnapshotSeesChangeTheRowInPlace() throws {
        let live = try LiveCollection(schema: Self.schema)
        try live.insert(contentsOf: (0..<10).map { Self.document($0) })
        let handle = try #require(live.snapshot().handles.first)
        try live.update(id: .int(0), set: ["i": .int(5), "d": .double(2.5), "dec": .null])
        #expect(live.statistics.rows == 10 && live.statistics.deletedRows == 0)
        let now = live.snapshot()
        #expect(now.contains(handle) && now.document(at: handle)?.values[Self.column["i"]!] == .int(5))
        // A string does not fit in place; nor does anything a snapshot can see.
        try live.update(id: .int(1), set: ["s": .string("zz")])
        try live.update(id: .int(0), set: ["i": .int(6)])
        #expect(live.statistics.rows == 12 && live.statistics.deletedRows == 2)
        #expect(now.document(at: handle)?.values[Self.column["i"]!] == .int(5))
        #expect(live.document(withID: .int(0))?.values[Self.column["i"]!] == .int(6))
    }

    @Test func valuesLargerThanASegmentsHeapStartASegmentThatFits() throws {
        let live = try LiveCollection(schema: Self.schema, segmentRows: 8)
        let long = String(repeating: "é", count: 10_000)
        try live.insert(contentsOf: (0..<20).map { Self.document($0, s: $0 % 7 == 3 ? .string(long) : .string("a")) })
        var tags = Self.document(100)
        tags.values[Self.column["tags"]!] = .list((0..<500).map { .string("t\($0)") })
        try live.insert(tags)
        let query = try CompiledQuery("s == $0", collection: Self.schema, arguments: [.string(long)])
        #expect(try query.count(in: live) == 3)
        #expect(live.document(withID: .int(100)).map { RandomData.describe($0) } == RandomData.describe(tags))
        #expect(try CompiledQuery("'t499' IN tags", collection: Self.schema).count(in: live) == 1)
    }

    // MARK: - Concurrency

    /// Readers scan snapshots on other threads while a writer writes batches that each move one
    /// `b == true` from a document to another (and insert and delete others): every snapshot must
    /// count exactly `flags` of them, so none saw half a batch; afterwards each recorded answer is
    /// checked against its snapshot's documents with the interpreter.
    @Test func readersScanSnapshotsWhileAWriterWrites() throws {
        let live = try LiveCollection(schema: Self.schema, segmentRows: 256)
        let flags = 10
        try live.insert(contentsOf: (0..<1_000).map { i in
            var d = Self.document(Int64(i))
            d.values[Self.column["b"]!] = .bool(i < flags)
            return d
        })
        let flagged = try CompiledQuery("b == true", collection: Self.schema)
        let other = try #require(Checker.check("i >= 1 AND s BEGINSWITH 'a'", collection: Self.schema).query)
        let recorded = Mutex<[(LiveCollection.Snapshot, Int, Int)]>([])
        let writerDone = Mutex(false), readersStarted = Mutex(0)
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            // Writes start once both readers scan, so the scans overlap them.
            while readersStarted.withLock({ $0 }) < 2 { usleep(100) }
            var g = RandomData(seed: 5)
            var on = Array(0..<flags), next = 1_000
            for _ in 0..<600 {
                let from = on.remove(at: g.int(on.count))
                var to = g.int(1_000)
                while on.contains(to) || to == from { to = g.int(1_000) }
                on.append(to)
                var fresh = Self.document(Int64(next))
                fresh.values[Self.column["b"]!] = .bool(false)
                // The previous batch's new document goes, so the segments fill with dead rows and compact.
                let delete: [Write] = next > 1_000 ? [.delete(id: .int(Int64(next - 1)))] : []
                try! live.apply([.update(id: .int(Int64(from)), set: ["b": .bool(false), "i": .int(Int64(g.int(3)))]),
                                 .update(id: .int(Int64(to)), set: ["b": .bool(true)]), .insert(fresh)] + delete)
                next += 1
            }
            writerDone.withLock { $0 = true }
        }
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) {
                let query = CompiledQuery(other)
                readersStarted.withLock { $0 += 1 }
                while !writerDone.withLock({ $0 }) {
                    let snapshot = live.snapshot()
                    let n = (try? flagged.count(in: snapshot)) ?? -1
                    let m = (try? query.count(in: snapshot)) ?? -1
                    recorded.withLock { $0.append((snapshot, n, m)) }
                }
            }
        }
        group.wait()
        let answers = recorded.withLock { $0 }
        #expect(answers.count > 2)
        #expect(answers.allSatisfy { $0.1 == flags }, "counts of b == true: \(Set(answers.map(\.1)))")
        // A sample of the answers, each against its own snapshot's documents.
        for (snapshot, _, m) in answers.enumerated().filter({ $0.offset % max(1, answers.count / 20) == 0 }).map(\.element) {
            #expect(m == snapshot.documents.filter { Interpreter.matches(other, $0) }.count)
        }
        #expect(live.count == 1_001 && live.statistics.compactions > 0)
    }
}
