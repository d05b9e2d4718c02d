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
    var stores: [String: CollectionStore] = [:]
    var sessions = SyncSessions()

    public init(engines: [CorpusRunner.Engine] = CorpusRunner.Engine.allCases) {
        self.engines = engines
    }

    public mutating func perform(_ request: CorpusRequest) -> CorpusResponse {
        let file = request.file
        switch request.directive {
        case .rules, .defaultRule, .user, .role, .subscriptions, .view, .change, .write:
            let block = CorpusBlock(line: request.line, directive: request.directive, directiveText: "", body: request.body,
                                    expectation: nil, expectedLines: [])
            switch sessions.run(block, schema: schema, sync: sync, stores: stores, file: file) {
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
        case .objects(let collection):
            guard let objectSchema = schema.collection(named: collection) ?? schema[collection] else {
                return .error(kind: DiagnosticKind.unknown.rawValue, message: "no collection '\(collection)' in the schema")
            }
            var store = stores[objectSchema.title] ?? CollectionStore(schema: objectSchema)
            let diagnostics = store.load(request.body, file: file)
            if !diagnostics.hasErrors { stores[objectSchema.title] = store }
            return Self.load(diagnostics)
        case .query(let collection, let args), .subscribe(let collection, let args):
            let isSubscription = if case .subscribe = request.directive { true } else { false }
            let (checked, diagnostics) = CorpusRunner.check(request.body, collection: collection, args: args, schema: schema,
                                                            sync: isSubscription ? (sync ?? .developmentMode) : sync,
                                                            isSubscription: isSubscription)
            if let error = diagnostics.primaryError { return .error(kind: error.kind.rawValue, message: error.message) }
            guard let checked else { return .error(kind: "internal", message: "the query was neither checked nor rejected") }
            let documents = stores[checked.collection.title]?.documents ?? []
            let results = engines.map { engine in
                (engine, CorpusRunner.matches(checked, documents, engine: engine).map {
                    documents[$0].primaryKey(in: checked.collection).map(CorpusRunner.idLiteral) ?? "?"
                })
            }
            if Set(results.map(\.1)).count > 1 {
                return .failure("the engines disagree: " + results.map { "\($0.0.rawValue): \(CorpusRunner.line($0.1))" }.joined(separator: "; "))
            }
            return .matches(results.first?.1 ?? [])
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
