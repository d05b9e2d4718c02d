import Foundation
import RQL
import RQLTesting

/// `rql-bench --live [--objects N] [--json]`: the standard dataset in a `LiveCollection`.
///
/// In order: load the objects in one batch; scan the 12 standard queries in a fresh snapshot
/// (match counts checked against a `ColumnarCollection` of the same documents); index `owner`
/// and `age` and run them again through the planner (`indexed_ns`; the writes below keep the
/// indexes up to date, and the scans below do not use them); `updates`
/// single-document updates at random `_id`s, each rewriting `age` with its own value (so every
/// later scan must still find the same matches), first with no snapshot held (`update_us`: the
/// rows change in place), then again while a snapshot is held (each appends a new row version
/// and deletes the old); the 12 queries again (`scan_after_updates_ratio`: geomean after those
/// versions / geomean fresh; `scan_after_in_place_updates_ratio` after the first ones);
/// then single inserts of new `_id`s and single deletes, each at random `_id`s, batches of
/// `batchSize` updates, and `snapshot()`. Writes report the mean microseconds per document.
enum LiveBenchmark {
    static let updates = 100_000
    static let batchSize = 1_000
    static let ageColumn = "age"

    struct Row {
        var query: String
        var matches: Int
        var vm: Double
        var indexed: Double
        var plan: String
        var afterUpdates: Double
    }
    static let indexedProperties = ["owner", "age"]

    static func run(objects: Int, schema: ObjectSchema, json: Bool) -> [String] {
        var disagreements: [String] = []
        let items = Dataset.items(count: objects)
        let documents = Dataset.documents(items)
        let columnar = ColumnarCollection(schema: schema, documents: documents)
        let live: LiveCollection
        do { live = try LiveCollection(schema: schema) } catch { fatalError("\(error)") }
        let loadStart = DispatchTime.now().uptimeNanoseconds
        do { try live.insert(contentsOf: documents) } catch { fatalError("the dataset does not load: \(error)") }
        let loadSeconds = seconds(since: loadStart)
        if !json { print("loaded \(objects) objects into a LiveCollection in \(fixed(loadSeconds)) s (one batch)") }

        let queries = benchmarkQueries.map { q in
            guard let compiled = try? CompiledQuery(q.text, collection: schema) else { fatalError("\(q.text) does not compile") }
            return (q.text, compiled)
        }
        /// ns/object and matches of each query in a snapshot taken now.
        func scanAll(_ label: String) -> [(ns: Double, matches: Int)] {
            let snapshot = live.snapshot()
            return queries.map { text, compiled in
                let result = scan(runs: 5) { (try? compiled.count(in: snapshot, usingIndexes: false)) ?? -1 }
                let expected = try! compiled.count(in: columnar)
                if result.matches != expected { disagreements.append("\(text) \(label): live \(result.matches), columnar \(expected)") }
                return (result.nsPerObject, result.matches)
            }
        }
        let fresh = scanAll("in a fresh snapshot")

        let indexStart = DispatchTime.now().uptimeNanoseconds
        for name in indexedProperties { try! live.createIndex(on: name) }
        let indexSeconds = seconds(since: indexStart)
        // Only for these searches: a snapshot still held would make the updates below copy rows
        // instead of changing them in place.
        let indexed = { () -> [(ns: Double, plan: String)] in
            let indexedSnapshot = live.snapshot()
            return queries.map { text, compiled in
                let result = IndexedBenchmark.best { (try? compiled.count(in: indexedSnapshot)) ?? -1 }
                if result.result != (try! compiled.count(in: columnar)) {
                    disagreements.append("\(text) with indexes: live \(result.result), columnar \(try! compiled.count(in: columnar))")
                }
                return (result.ns / Double(objects), compiled.plan(in: indexedSnapshot).lines.joined(separator: "; "))
            }
        }()

        var rng = SplitMix64(seed: 7)
        /// `updates` single updates at random `_id`s.
        func randomUpdates() -> Double {
            let ids = (0..<updates).map { _ in Int(rng.below(UInt64(objects))) }
            return timed(count: updates) {
                for id in ids { try! live.update(id: .int(Int64(id)), set: [ageColumn: .int(items[id].age)]) }
            }
        }
        // No snapshot is held: each row changes in place.
        let updateMicros = randomUpdates()
        let afterInPlace = scanAll("after \(updates) updates in place")
        // While a reader holds a snapshot: each update appends a new version and deletes the old.
        var held: LiveCollection.Snapshot? = live.snapshot()
        let versionedMicros = randomUpdates()
        if held?.count != objects { disagreements.append("the held snapshot lost documents") }
        held = nil
        let afterUpdates = scanAll("after \(updates) updates")
        let layout = live.statistics
        let scanRatio = geomean(afterUpdates.map(\.ns)) / geomean(fresh.map(\.ns))
        let inPlaceRatio = geomean(afterInPlace.map(\.ns)) / geomean(fresh.map(\.ns))

        let inserts = min(updates, objects)
        var newIDs = Array(objects..<(objects + inserts))
        newIDs.shuffle(using: &rng)
        let insertMicros = timed(count: inserts) {
            for id in newIDs {
                let item = items[id - objects]
                try! live.insert(Document(values: [.int(Int64(id)), .string(item.name), .int(item.age), item.score.map(Value.double) ?? .null,
                                                   .bool(item.active), item.owner.map(Value.string) ?? .null,
                                                   .list(item.tags.map(Value.string)), .timestamp(Timestamp(seconds: item.created, nanoseconds: 0))]))
            }
        }
        let deleteMicros = timed(count: inserts) {
            for id in newIDs.reversed() { try! live.delete(id: .int(Int64(id))) }
        }
        let batches = max(1, updates / batchSize)
        let batchIDs = (0..<batches).map { _ in (0..<min(batchSize, objects)).map { _ in Int(rng.below(UInt64(objects))) } }
        let batchMicros = timed(count: batches * min(batchSize, objects)) {
            for batch in batchIDs {
                try! live.apply(batch.map { .update(id: .int(Int64($0)), set: [ageColumn: .int(items[$0].age)]) })
            }
        }
        var sink = 0
        let snapshotMicros = measure(iterations: 10_000) { sink &+= live.snapshot().count } / 1000
        if sink == 42 { print("") }
        let final = queries.map { _, compiled in (try? compiled.count(in: live)) ?? -1 }
        for (i, (text, compiled)) in queries.enumerated() where final[i] != (try! compiled.count(in: columnar)) {
            disagreements.append("\(text) at the end: live \(final[i]), columnar \(try! compiled.count(in: columnar))")
        }

        let rows = queries.indices.map {
            Row(query: queries[$0].0, matches: fresh[$0].matches, vm: fresh[$0].ns, indexed: indexed[$0].ns, plan: indexed[$0].plan,
                afterUpdates: afterUpdates[$0].ns)
        }
        if json {
            let rowObjects = rows.map { r in
                "{\"query\": \(StringLiteral.encode(r.query)), \"matches\": \(r.matches), \"indexed_ns\": \(fixed(r.indexed, 4)), "
                    + "\"vm_ns\": \(fixed(r.vm, 3)), \"after_updates_ns\": \(fixed(r.afterUpdates, 3)), \"plan\": \(StringLiteral.encode(r.plan))}"
            }
            print("""
                {"objects": \(objects), "load_s": \(fixed(loadSeconds, 3)), "index_s": \(fixed(indexSeconds, 3)), "insert_us": \(fixed(insertMicros, 3)), \
                "update_us": \(fixed(updateMicros, 3)), "update_while_snapshot_held_us": \(fixed(versionedMicros, 3)), "delete_us": \(fixed(deleteMicros, 3)), \
                "batch_update_us": \(fixed(batchMicros, 3)), "snapshot_us": \(fixed(snapshotMicros, 3)), \
                "scan_after_updates_ratio": \(fixed(scanRatio, 3)), "scan_after_in_place_updates_ratio": \(fixed(inPlaceRatio, 3)), "segments_after_updates": \(layout.segments), \
                "rows_after_updates": \(layout.rows), "deleted_rows_after_updates": \(layout.deletedRows), \
                "indexed_geomean_ns": \(fixed(geomean(indexed.map(\.ns)), 4)), "vm_geomean_ns": \(fixed(geomean(fresh.map(\.ns)), 3)),
                 "rows": [\(rowObjects.joined(separator: ",\n  "))]}
                """)
        } else {
            print("indexes on \(indexedProperties.joined(separator: " and ")) made in \(fixed(indexSeconds)) s; the writes below keep them up to date")
            print("per document, mean: insert \(fixed(insertMicros)) us, update \(fixed(updateMicros)) us "
                  + "(\(fixed(versionedMicros)) us while a snapshot is held), delete \(fixed(deleteMicros)) us, "
                  + "update in batches of \(batchSize) \(fixed(batchMicros)) us; snapshot() \(fixed(snapshotMicros, 3)) us")
            print("after \(updates) updates while a snapshot was held: \(layout.segments) segments, \(layout.rows) rows of which \(layout.deletedRows) deleted")
            print("scans after \(updates) updates in place: \(fixed(inPlaceRatio, 3))x a fresh snapshot's (geomean); after those with a snapshot held (below): \(fixed(scanRatio, 3))x")
            print(pad("query", 50) + pad("matches", 9, left: true) + pad("indexed", 10, left: true) + pad("fresh ns", 10, left: true)
                  + pad("updated ns", 12, left: true) + pad("ratio", 8, left: true) + "  plan")
            for r in rows {
                print(pad(r.query, 50) + pad("\(r.matches)", 9, left: true) + pad(fixed(r.indexed, 4), 10, left: true) + pad(fixed(r.vm), 10, left: true)
                      + pad(fixed(r.afterUpdates), 12, left: true) + pad(ratio(r.afterUpdates / r.vm), 8, left: true) + "  " + r.plan)
            }
            print(pad("geomean", 59) + pad(fixed(geomean(indexed.map(\.ns)), 4), 10, left: true) + pad(fixed(geomean(fresh.map(\.ns))), 10, left: true)
                  + pad(fixed(geomean(afterUpdates.map(\.ns))), 12, left: true) + pad(fixed(scanRatio, 3) + "x", 8, left: true))
        }
        return disagreements
    }

    static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Mean microseconds per operation of `body`, which performs `count` of them.
    static func timed(count: Int, _ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return seconds(since: start) * 1e6 / Double(max(count, 1))
    }
}
