import RQLRuntime
import RQLSemantics
import RQLDocuments

/// The property behind `LiveCollectionTests` and the `FuzzLive` fuzz target: random writes to a
/// `LiveCollection` over `RandomData.schema` (single and batched, valid and made not to fit), with
/// snapshots kept while the writes go on and indexes made part way; every so often each kept
/// snapshot and a new one answer random queries (counts, `_id`s, documents, with and without the
/// optimizer, and every index search) as a dictionary of documents of their time does under the
/// reference interpreter.
public enum LiveModel {
    public typealias Write = LiveCollection.Write
    static var schema: ObjectSchema { RandomData.schema }
    static let column = Dictionary(uniqueKeysWithValues: RandomData.schema.properties.enumerated().map { ($1.name, $0) })
    /// The properties the run indexes part way.
    static let indexed = ["_id", "i", "l", "d", "s", "b", "t", "tags", "nums"]

    /// What a run did, for the tests to check that it exercised what it is for.
    public struct Outcome: Sendable {
        public var failures: [String] = []
        public var applied = 0, refused = 0, searches = 0, compactions = 0
    }

    /// Runs `operations` random operations drawn from `generator` on a collection with segments of
    /// `segmentRows` rows; the failures say at which step and what differed.
    public static func run(_ generator: inout RandomData, operations: Int, segmentRows: Int) -> Outcome {
        var g = generator
        defer { generator = g }
        var outcome = Outcome()
        let live: LiveCollection
        do { live = try LiveCollection(schema: schema, segmentRows: segmentRows) } catch {
            outcome.failures.append("the collection could not be made: \(error)")
            return outcome
        }
        var model: Model = [:]
        var kept: [(snapshot: LiveCollection.Snapshot, model: Model, at: Int)] = []
        for step in 0..<operations {
            // Indexes made part way, so snapshots from before them, and segments compacted since,
            // meet them too.
            if step == operations / 3 {
                for name in indexed {
                    do { try live.createIndex(on: name) } catch { outcome.failures.append("createIndex(\(name)): \(error)") }
                }
            }
            let writes = g.chance(25) ? (0..<(2 + g.int(5))).map { _ in randomWrite(&g) } : [randomWrite(&g)]
            let expected = apply(writes, to: model)
            do {
                try live.apply(writes.map(\.write))
                if expected == nil { outcome.failures.append("step \(step): \(writes.map(\.write)) was applied, the model refuses it") }
                outcome.applied += 1
            } catch {
                if expected != nil { outcome.failures.append("step \(step): \(writes.map(\.write)) was refused: \(error)") }
                if error.diagnostics.isEmpty { outcome.failures.append("step \(step): refused without a diagnostic") }
                outcome.refused += 1
            }
            model = expected ?? model
            let probe = Int64(g.int(idSpace))
            if live.document(withID: .int(probe)).map({ RandomData.describe($0) }) != model[probe].map({ RandomData.describe($0) }) {
                outcome.failures.append("step \(step): document(withID: \(probe)) differs from the model")
            }
            if g.chance(5) {
                kept.append((live.snapshot(), model, step))
                if kept.count > 4 { kept.remove(at: g.int(kept.count)) }
            }
            if step % 20 == 19 || step == operations - 1 {
                var queries: [CheckedQuery] = []
                while queries.count < 3 {
                    if let q = Checker.check(g.query(depth: 0), collection: schema).query { queries.append(q) }
                }
                outcome.failures += check(live.snapshot(), model, queries, "step \(step) now", searches: &outcome.searches)
                for k in kept {
                    outcome.failures += check(k.snapshot, k.model, queries, "step \(step), snapshot of step \(k.at)", searches: &outcome.searches)
                }
            }
            if outcome.failures.count >= 10 { break }
        }
        outcome.compactions = live.statistics.compactions
        return outcome
    }

    /// The fuzz target's run: the input bytes are the random stream; nil when everything agreed.
    public static func run(input bytes: [UInt8]) -> String? {
        var generator = RandomData(bytes: bytes)
        let outcome = run(&generator, operations: 20 + bytes.count / 8, segmentRows: 16)
        return outcome.failures.isEmpty ? nil : outcome.failures.joined(separator: "\n")
    }

    // MARK: - The model

    /// The documents by `_id`: what the collection must hold.
    public typealias Model = [Int64: Document]

    public static func id(_ document: Document) -> Int64 {
        if case .int(let i) = document.values[0] { return i }
        return -1
    }

    /// `writes` applied in order to `model`, or nil when one of them must fail. `corrupt` marks
    /// the writes made not to fit the schema, so the model does not use the code under test to
    /// decide what fits.
    static func apply(_ writes: [(write: Write, corrupt: Bool)], to model: Model) -> Model? {
        var model = model
        for (write, corrupt) in writes {
            if corrupt { return nil }
            switch write {
            case .insert(let d):
                guard model[id(d)] == nil else { return nil }
                model[id(d)] = d
            case .replace(let d):
                guard model[id(d)] != nil else { return nil }
                model[id(d)] = d
            case .upsert(let d):
                model[id(d)] = d
            case .update(let idValue, let set):
                guard case .int(let i) = idValue, var d = model[i] else { return nil }
                for (name, value) in set { d.values[column[name]!] = value }
                model[i] = d
            case .delete(let idValue):
                guard case .int(let i) = idValue, model[i] != nil else { return nil }
                model[i] = nil
            }
        }
        return model
    }

    // MARK: - Random writes

    static let idSpace = 48

    /// A document made not to fit the schema in one of several ways.
    static func corrupted(_ d: Document, _ g: inout RandomData) -> Document {
        var d = d
        switch g.int(4) {
        case 0: d.values[column["i"]!] = .string("x")
        case 1: d.values[column["l"]!] = .null
        case 2: d.values.removeLast()
        default: d.values[column["tags"]!] = .list([.int(1)])
        }
        return d
    }

    static func randomWrite(_ g: inout RandomData) -> (write: Write, corrupt: Bool) {
        let id = g.int(idSpace)
        let corrupt = g.chance(8)
        var document = g.document(id: id)
        if corrupt { document = corrupted(document, &g) }
        switch g.int(10) {
        case 0, 1, 2: return (.insert(document), corrupt)
        case 3: return (.replace(document), corrupt)
        case 4: return (.upsert(document), corrupt)
        case 5, 6, 7:
            let fresh = g.document(id: id)
            var set: [String: Value] = [:]
            for _ in 0..<(1 + g.int(3)) {
                let c = 1 + g.int(schema.properties.count - 1)
                set[schema.properties[c].name] = fresh.values[c]
            }
            if corrupt {
                switch g.int(4) {
                case 0: set["nope"] = .int(1)
                case 1: set["i"] = .string("x")
                case 2: set["_id"] = .int(Int64(id + 1))
                default: set["l"] = .null
                }
            }
            return (.update(id: .int(Int64(id)), set: set), corrupt)
        default: return (.delete(id: .int(Int64(id))), false)
        }
    }

    // MARK: - Checks

    static func describe(_ documents: [Document]) -> [String] {
        documents.sorted { id($0) < id($1) }.map { RandomData.describe($0) }
    }

    /// Everything a snapshot answers, against the model of its time: its documents, and the
    /// count, `_id`s and documents of `queries` (with and without the optimizer) against the
    /// interpreter over the model's documents.
    static func check(_ snapshot: LiveCollection.Snapshot, _ model: Model, _ queries: [CheckedQuery], _ label: String,
                      searches: inout Int) -> [String] {
        var failures: [String] = []
        let expectedDocuments = describe(Array(model.values))
        if snapshot.count != model.count || describe(snapshot.documents) != expectedDocuments {
            failures.append("\(label): holds \(snapshot.count) documents, the model \(model.count)")
        }
        for checked in queries {
            let expected = model.values.filter { Interpreter.matches(checked, $0) }
            let ids = expected.map(id).sorted()
            for optimize in [true, false] {
                let query = CompiledQuery(checked, optimize: optimize)
                do {
                    let count = try query.count(in: snapshot)
                    let found = try query.ids(in: snapshot).map { (v: Value) -> Int64 in if case .int(let i) = v { i } else { -1 } }.sorted()
                    let documents = try query.documents(in: snapshot)
                    if count != ids.count || found != ids || describe(documents) != describe(expected) {
                        failures.append("\(label) \(CheckedDump.dump(checked)) optimize \(optimize): count \(count), ids \(found); expected \(ids)")
                    }
                    // Every search an index can serve, however many rows it finds.
                    if let searched = query.searchedHandles(in: snapshot, searchedFraction: 1) {
                        searches += 1
                        let searchedIDs = searched.map { (h: RowHandle) -> Int64 in
                            if case .int(let i)? = snapshot.id(at: h) { i } else { -1 }
                        }.sorted()
                        let searchedCount = query.searchedCount(in: snapshot, searchedFraction: 1)
                        if searchedIDs != ids || searchedCount != ids.count {
                            failures.append("\(label) \(CheckedDump.dump(checked)) searched (\(query.plan(in: snapshot))): "
                                            + "ids \(searchedIDs), count \(searchedCount ?? -1); expected \(ids)")
                        }
                    }
                } catch {
                    failures.append("\(label): \(error)")
                }
            }
        }
        return failures
    }

}
