import RQL
import RQLSync

/// RQLKit's own engine: the state of one corpus file (schemas, sync configuration, documents,
/// sync sessions) and the answer to each block. `rql test` runs it in process; `rql
/// conformance-engine` serves it over the line protocol.
public struct BuiltinEngine {
    /// The evaluators a query runs on; a disagreement between them is a failure.
    public var engines: [CorpusRunner.Engine]

    var schema = Schema()
    var sync: SyncConfig?
    /// The documents, per collection title, with every property that can be indexed indexed, so
    /// the `indexed` engine searches wherever a plan can.
    var collections: [String: LiveCollection] = [:]
    /// When each `_id` was first inserted: results list documents in that order, which replacing
    /// or updating a document keeps.
    var insertionOrder: [String: [Value: Int]] = [:]
    var insertions = 0
    var sessions = SyncSessions()
    /// A database that answers every query too (`rql test --engine postgres`); it must agree with
    /// the built-in engines.
    public var database: CorpusDatabase?
    /// Per collection title, how many loads changed it, and which of those the database has.
    var loads: [String: Int] = [:]
    var loadedInDatabase: [String: Int] = [:]

    public init(engines: [CorpusRunner.Engine] = CorpusRunner.Engine.allCases, database: CorpusDatabase? = nil) {
        self.engines = engines
        self.database = database
    }

    public mutating func perform(_ request: CorpusRequest) -> CorpusResponse {
        let file = request.file
        switch request.directive {
        case .rules, .defaultRule, .user, .role, .subscriptions, .view, .change, .write:
            let block = CorpusBlock(line: request.line, directive: request.directive, directiveText: "", body: request.body,
                                    expectation: nil, expectedLines: [])
            switch sessions.run(block, schema: schema, sync: sync, documents: documents(of:), file: file) {
            case .diagnostics(let diagnostics)?: return Self.load(diagnostics)
            case .text(let text)?: return .text(text)
            case nil: return .failure("the sync extension did not handle '\(request.op)'")
            }
        case .schema:
            var loaded = schema
            var diagnostics = loaded.load(request.body, file: file)
            // A synced schema (the file has a sync block) may not use a reserved property name.
            if request.synced, !diagnostics.hasErrors, loaded.collections.count > schema.collections.count,
               let added = loaded.collections.last {
                diagnostics += SyncConfig.reservedPropertyNames(in: added)
            }
            if !diagnostics.hasErrors { schema = loaded }
            return Self.load(diagnostics)
        case .sync:
            let (config, loadDiagnostics) = SyncConfig.load(request.body, file: file)
            var diagnostics = loadDiagnostics
            if let config {
                diagnostics += config.validate(against: schema)
                if !diagnostics.hasErrors { sync = config }
            }
            return Self.load(diagnostics)
        case .objects(let collection), .batch(let collection):
            guard let objectSchema = schema.lookup(collection) else {
                return .error(kind: DiagnosticKind.unknown.rawValue, message: "no collection '\(collection)' in the schema")
            }
            let writes: [LiveCollection.Write]
            if case .objects = request.directive {
                let (documents, diagnostics) = DocumentLoader.load(request.body, schema: objectSchema, file: file)
                if diagnostics.hasErrors { return Self.load(diagnostics) }
                writes = documents.map(LiveCollection.Write.insert)
            } else {
                switch LiveCollection.Write.parseLines(request.body, schema: objectSchema, file: file) {
                case .success(let parsed): writes = parsed
                case .failure(let error): return Self.load(error.diagnostics)
                }
            }
            do throws(LiveCollection.WriteError) {
                let live = if let existing = collections[objectSchema.title] { existing } else { try Self.indexedCollection(objectSchema) }
                try live.apply(writes)
                collections[objectSchema.title] = live
            } catch {
                return Self.load(error.diagnostics)
            }
            noteInsertionOrder(of: writes, in: objectSchema)
            loads[objectSchema.title, default: 0] += 1
            return .loaded
        case .explain(let collection, let stage):
            return .text(explain(request.body, collection: collection, stage: stage))
        case .query(let collection, let args), .subscribe(let collection, let args):
            let isSubscription = if case .subscribe = request.directive { true } else { false }
            let (checked, diagnostics) = CorpusRunner.check(request.body, collection: collection, args: args, schema: schema,
                                                            sync: isSubscription ? (sync ?? .developmentMode) : sync,
                                                            isSubscription: isSubscription)
            if let error = diagnostics.primaryError { return .error(kind: error.kind.rawValue, message: error.message) }
            guard let checked else { return .error(kind: "internal", message: "the query was neither checked nor rejected") }
            let snapshot = collections[checked.collection.title]?.snapshot()
            let documents = documents(of: checked.collection)
            var results = engines.map { engine in
                let ids: [Value]
                if engine == .indexed, let snapshot {
                    ids = Self.indexedMatches(checked, snapshot)
                } else {
                    ids = CorpusRunner.matches(checked, documents, engine: engine).map { documents[$0].values[snapshot?.idColumn ?? 0] }
                }
                return (engine.rawValue, inInsertionOrder(ids, of: checked.collection).map(CorpusRunner.idLiteral))
            }
            if let database {
                switch databaseMatches(checked, in: database) {
                case .success(let ids):
                    guard let ordered = inInsertionOrder(checking: ids, of: checked.collection) else {
                        return .failure("the database returned an _id no document has: " + CorpusRunner.line(ids.map(CorpusRunner.idLiteral)))
                    }
                    results.append(("database", ordered.map(CorpusRunner.idLiteral)))
                case .failure(.unsupported(let message)): return .error(kind: KnownFailures.unsupportedKind, message: message)
                case .failure(.database(let message)): return .failure("database: \(message)")
                }
            }
            if Set(results.map(\.1)).count > 1 {
                return .failure("the engines disagree: " + results.map { "\($0.0): \(CorpusRunner.line($0.1))" }.joined(separator: "; "))
            }
            return .matches(results.first?.1 ?? [])
        }
    }

    /// The stages `explain` blocks assert, printed as `rql explain` prints them.
    enum ExplainedStage: String, CaseIterable {
        case optimized, bytecode, plan
    }

    /// A stage's printed output for `text` (the plan on the file's documents, every indexable
    /// property indexed, as the `indexed` engine searches), lines without trailing spaces; or
    /// `error <kind>: <message>`.
    func explain(_ text: String, collection: String, stage: String) -> String {
        guard let stage = ExplainedStage(rawValue: stage) else {
            return "error usage: no stage '\(stage)' (\(ExplainedStage.allCases.map(\.rawValue).joined(separator: ", ")))"
        }
        let (checked, diagnostics) = CorpusRunner.check(text, collection: collection, args: nil, schema: schema, sync: sync,
                                                        isSubscription: false)
        if let error = diagnostics.primaryError { return "error \(error.kind.rawValue): \(error.message)" }
        guard let checked else { return "error internal: the query was neither checked nor rejected" }
        let compiled = CompiledQuery(checked)
        let output = switch stage {
        case .optimized: CheckedDump.dump(compiled.optimized)
        case .bytecode: Disassembler.listing(compiled.program)
        case .plan: collections[checked.collection.title].map { compiled.plan(in: $0.snapshot()).description }
            ?? "error unknown: no documents in '\(checked.collection.title)'"
        }
        return output.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
            .joined(separator: "\n").trimmingSpaces()
    }

    /// An empty live collection with an index on every property that can have one.
    static func indexedCollection(_ schema: ObjectSchema) throws(LiveCollection.WriteError) -> LiveCollection {
        let live = try LiveCollection(schema: schema)
        for property in schema.properties { try? live.createIndex(on: property.name) }
        return live
    }

    /// The `indexed` engine: the optimizer, then an index search whenever the planner finds one
    /// (however much of the collection it reads) with the rest on the VM, or else a scan.
    static func indexedMatches(_ query: CheckedQuery, _ snapshot: LiveCollection.Snapshot) -> [Value] {
        let compiled = CompiledQuery(query)
        let handles = compiled.searchedHandles(in: snapshot, searchedFraction: 1) ?? ((try? compiled.handles(in: snapshot)) ?? [])
        return handles.compactMap(snapshot.id(at:))
    }

    /// The documents of a collection in insertion order.
    func documents(of collection: ObjectSchema) -> [Document] {
        guard let live = collections[collection.title] else { return [] }
        let snapshot = live.snapshot()
        let order = insertionOrder[collection.title] ?? [:]
        return snapshot.documents.sorted { order[$0.values[snapshot.idColumn]]! < order[$1.values[snapshot.idColumn]]! }
    }

    func inInsertionOrder(_ ids: [Value], of collection: ObjectSchema) -> [Value] {
        let order = insertionOrder[collection.title] ?? [:]
        return ids.sorted { order[$0]! < order[$1]! }
    }

    /// `ids` (from outside, so perhaps wrong) in insertion order; nil if one is not a document's.
    func inInsertionOrder(checking ids: [Value], of collection: ObjectSchema) -> [Value]? {
        let order = insertionOrder[collection.title] ?? [:]
        guard ids.allSatisfy({ order[$0] != nil }), Set(ids).count == ids.count else { return nil }
        return inInsertionOrder(ids, of: collection)
    }

    /// Records where the new `_id`s of an applied batch come, and forgets the deleted ones.
    mutating func noteInsertionOrder(of writes: [LiveCollection.Write], in collection: ObjectSchema) {
        let idColumn = collections[collection.title]!.idColumn
        for write in writes {
            switch write {
            case .insert(let document), .upsert(let document):
                let id = document.values[idColumn]
                if insertionOrder[collection.title, default: [:]][id] == nil {
                    insertionOrder[collection.title, default: [:]][id] = insertions
                    insertions += 1
                }
            case .delete(let id): insertionOrder[collection.title]?[id] = nil
            case .replace, .update: break
            }
        }
    }

    /// A load block's answer: its primary error, or loaded.
    static func load(_ diagnostics: [Diagnostic]) -> CorpusResponse {
        diagnostics.primaryError.map { .error(kind: $0.kind.rawValue, message: $0.message) } ?? .loaded
    }
}

extension CorpusFile {
    /// True when the file has a `sync` block: its schemas are synced.
    public var syncsSchemas: Bool {
        blocks.contains { if case .sync = $0.directive { true } else { false } }
    }
}
