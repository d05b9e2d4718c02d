import RQLSemantics
import RQLDocuments
import RQLSyntax

/// A query ready to run: checked, optimized and compiled once, then matched against any number of
/// documents or collections, from any number of threads.
///
/// ```swift
/// let query = try CompiledQuery("age > $0 AND name BEGINSWITH[c] 'jo'", collection: person, arguments: [.int(21)])
/// let people = ColumnarCollection(store)      // once per data snapshot
/// let n = query.count(in: people)
/// ```
public struct CompiledQuery: Sendable {
    /// The checked query as written.
    public let checked: CheckedQuery
    public let program: Program
    /// The optimized query, or its shape's (`ShapeCache`) with the values of its parameters:
    /// a million views of a few shapes keep a few optimized trees.
    private let optimizedForm: CheckedQuery
    private let parameterValues: [Value]

    /// After the optimizer (the same as `checked` when optimization is off).
    public var optimized: CheckedQuery {
        guard !parameterValues.isEmpty else { return optimizedForm }
        return CheckedQuery(collection: optimizedForm.collection, predicate: optimizedForm.predicate.binding(parameterValues))
    }

    /// Compiles a checked query.
    public init(_ checked: CheckedQuery, optimize: Bool = true) {
        self.checked = checked
        self.optimizedForm = optimize ? Optimizer.optimize(checked) : checked
        self.parameterValues = []
        self.program = Compiler.compile(optimizedForm)
    }

    /// A query of a shape optimized and compiled before (`ShapeCache`), with its values.
    init(checked: CheckedQuery, shape optimized: CheckedQuery, values: [Value], program: Program) {
        self.checked = checked
        self.optimizedForm = optimized
        self.parameterValues = values
        self.program = program
    }

    /// Parses, checks and compiles query text; throws the diagnostics when the query is invalid.
    public init(_ text: String, collection: ObjectSchema, arguments: [Value] = [], optimize: Bool = true) throws(QueryError) {
        let result = Checker.check(text, collection: collection, arguments: arguments)
        guard let checked = result.query else { throw QueryError(source: text, diagnostics: result.diagnostics) }
        self.init(checked, optimize: optimize)
    }

    /// The number of matching objects; a collection of another schema than the query's is an
    /// error, not a read of the wrong columns.
    public func count(in collection: ColumnarCollection) throws(SchemaMismatchError) -> Int {
        try checkSchema(collection.schema)
        return VM.bind(program, to: collection).count()
    }

    /// The row indexes of the matching objects, in insertion order.
    public func filter(_ collection: ColumnarCollection) throws(SchemaMismatchError) -> [Int] {
        try checkSchema(collection.schema)
        return VM.bind(program, to: collection).filter()
    }

    /// Refuses a collection of another schema than the query's: its columns would be read wrong.
    private func checkSchema(_ schema: ObjectSchema) throws(SchemaMismatchError) {
        guard program.collection == schema else { throw SchemaMismatchError(query: program.collection, collection: schema) }
    }

    /// How the query would reach the objects of a collection of `rowCount` objects with these
    /// indexes (`Planner`).
    public func plan(_ indexes: CollectionIndexes, rowCount: Int) -> QueryPlan {
        plan(indexes, rowCount: rowCount, searchedFraction: Planner.maxSearchedFraction)
    }

    /// (Tests force searches with `searchedFraction` 1.)
    func plan(_ indexes: CollectionIndexes, rowCount: Int, searchedFraction: Double) -> QueryPlan {
        Planner.plan(optimized, indexes: indexes, rowCount: rowCount, maxSearchedFraction: searchedFraction)
    }

    /// The number of matching objects, through an index when the plan finds one worth it.
    public func count(in collection: ColumnarCollection, indexes: CollectionIndexes,
                      searchedFraction: Double = Planner.maxSearchedFraction) throws(SchemaMismatchError) -> Int {
        let plan = plan(indexes, rowCount: collection.count, searchedFraction: searchedFraction)
        guard let searches = plan.searches(indexes) else { return try count(in: collection) }
        try checkSchema(collection.schema)
        if plan.isExact, searches.count == 1, let index = indexes[searches[0].property.index] { return searches[0].count(index) }
        let rows = plan.rows(indexes)
        if plan.isExact { return rows.count }
        let bound = VM.bind(program, to: collection)
        return rows.reduce(0) { $0 + (bound.matches(row: $1) ? 1 : 0) }
    }

    /// The row indexes of the matching objects, in insertion order, through an index when the
    /// plan finds one worth it.
    public func filter(_ collection: ColumnarCollection, indexes: CollectionIndexes,
                       searchedFraction: Double = Planner.maxSearchedFraction) throws(SchemaMismatchError) -> [Int] {
        let plan = plan(indexes, rowCount: collection.count, searchedFraction: searchedFraction)
        guard plan.searches(indexes) != nil else { return try filter(collection) }
        try checkSchema(collection.schema)
        let rows = plan.rows(indexes)
        if plan.isExact { return rows }
        let bound = VM.bind(program, to: collection)
        return rows.filter { bound.matches(row: $0) }
    }

    /// Whether one document matches: the program runs on the document's values as they are (for
    /// a scan of many documents, a `ColumnarCollection` is faster still).
    public func matches(_ document: Document) -> Bool {
        // The interpreter when a value does not have its property's type (see `VM.run(_:on:)`).
        VM.run(program, on: document) ?? Interpreter.matches(optimized, document)
    }

    /// The program on one object's values as another source computes them (an `ObjectMapping`).
    func matches<Source: ValueSource>(source: Source) -> Bool {
        VM.run(program, on: source) ?? Interpreter.matches(optimized, source)
    }
}

/// An invalid query: its diagnostics, with the text they point into.
public struct QueryError: Error, CustomStringConvertible, Sendable {
    public let source: String
    public let diagnostics: [Diagnostic]
    public var description: String { DiagnosticRenderer().render(diagnostics, source: source) }
}

/// A query compiled for one collection schema, run on a collection of another: its property
/// indexes would name the wrong columns, so nothing runs.
public struct SchemaMismatchError: Error, CustomStringConvertible, Sendable {
    /// The schema the query was compiled for.
    public let query: ObjectSchema
    /// The schema of the collection it was run on.
    public let collection: ObjectSchema

    public var description: String {
        if query.title != collection.title {
            return "the query was compiled for '\(query.title)', but the collection is '\(collection.title)'"
        }
        let names = { (s: ObjectSchema) in s.properties.map { "\($0.name): \($0.type)" }.joined(separator: ", ") }
        return "the query was compiled for another schema of '\(query.title)' (\(names(query))) than the collection's (\(names(collection)))"
    }
}

extension CompiledQuery {
    /// The program bound to each segment of `snapshot` (whose schema the caller checked).
    private func forEachBound(_ snapshot: LiveCollection.Snapshot, _ body: (VM.BoundProgram, DeletionMask, UInt32) -> Void) {
        snapshot.forEachColumnSet { columns, deleted, sequence in body(VM.bind(program, to: columns), deleted, sequence) }
    }

    /// How the query would reach the documents of `snapshot`: a search of the collection's
    /// indexes, or a scan (also when the snapshot holds a segment compacted since, whose index
    /// entries are gone).
    public func plan(in snapshot: LiveCollection.Snapshot) -> QueryPlan {
        snapshot.indexes.withLock { registry in searchPlan(snapshot, registry).plan }
    }

    /// The plan, and for a search the rows it finds (as index keys, ascending), taken under the
    /// indexes' lock.
    private func searchPlan(_ snapshot: LiveCollection.Snapshot, _ registry: LiveIndexes.Registry,
                            searchedFraction: Double = Planner.maxSearchedFraction,
                            collectingRows: Bool = true) -> (plan: QueryPlan, found: [Int]?) {
        let scan = QueryPlan(collection: snapshot.schema.title, access: .scan, isExact: false, estimatedRows: snapshot.count)
        guard !registry.isEmpty, registry.covers(snapshot.parts) else { return (scan, nil) }
        let indexes = CollectionIndexes(schema: snapshot.schema, byProperty: registry.indexes)
        let plan = plan(indexes, rowCount: snapshot.count, searchedFraction: searchedFraction)
        guard plan.searches(indexes) != nil, collectingRows else { return (plan, nil) }
        return (plan, plan.rows(indexes))
    }

    /// The number of matching rows through an index search, or nil when the plan is a scan. An
    /// exact equality search on a snapshot without deletions counts without visiting a row.
    package func searchedCount(in snapshot: LiveCollection.Snapshot, searchedFraction: Double = Planner.maxSearchedFraction) -> Int? {
        if !snapshot.hasDeletions {
            let counted: Int?? = snapshot.indexes.withLock { registry in
                let (chosen, _) = searchPlan(snapshot, registry, searchedFraction: searchedFraction, collectingRows: false)
                guard case .search(let search) = chosen.access else { return chosen.access.isScan ? .some(nil) : nil }
                guard chosen.isExact, let index = registry.indexes[search.property.index] else { return nil }
                return search.count(index, below: snapshot.endKey).map { .some($0) }
            }
            if let counted { return counted }
        }
        return searchedHandles(in: snapshot, searchedFraction: searchedFraction)?.count
    }

    /// The matching rows of `snapshot` through an index search, or nil when the plan is a scan.
    package func searchedHandles(in snapshot: LiveCollection.Snapshot, searchedFraction: Double = Planner.maxSearchedFraction) -> [RowHandle]? {
        let (chosen, found) = snapshot.indexes.withLock { searchPlan(snapshot, $0, searchedFraction: searchedFraction) }
        guard let found else { return nil }
        // The index holds every stored version: keep those this snapshot sees.
        let handles = found.map(RowHandle.init(key:)).filter(snapshot.contains)
        if chosen.isExact { return handles }
        var bound: [UInt32: VM.BoundProgram] = [:]
        return handles.filter { handle in
            if bound[handle.segment] == nil, let columns = snapshot.columnSet(handle.segment) {
                bound[handle.segment] = VM.bind(program, to: columns)
            }
            return bound[handle.segment]?.matches(row: Int(handle.row)) ?? false
        }
    }

    /// The number of matching documents in `snapshot`, through an index when the plan finds one
    /// worth it (`usingIndexes: false` scans, as for a benchmark's baseline).
    public func count(in snapshot: LiveCollection.Snapshot, usingIndexes: Bool = true) throws(SchemaMismatchError) -> Int {
        try checkSchema(snapshot.schema)
        if usingIndexes, let n = searchedCount(in: snapshot) { return n }
        var n = 0
        forEachBound(snapshot) { bound, deleted, _ in n += deleted.isEmpty ? bound.count() : bound.count(deleted: UnsafePointer(deleted.words)) }
        return n
    }

    /// The matching rows of `snapshot`, in storage order.
    public func handles(in snapshot: LiveCollection.Snapshot) throws(SchemaMismatchError) -> [RowHandle] {
        try handles(in: snapshot, continuing: { _ in true })!
    }

    /// The matching rows of `snapshot`, in storage order; a scan asks `continuing` before each
    /// segment, with the rows scanned so far, and stops (returning nil) when it says no: an
    /// interactive scan shows progress and stops on Ctrl-C within one segment's work.
    package func handles(in snapshot: LiveCollection.Snapshot,
                         continuing: (_ rowsScanned: Int) -> Bool) throws(SchemaMismatchError) -> [RowHandle]? {
        try checkSchema(snapshot.schema)
        if let found = searchedHandles(in: snapshot) { return found }
        var handles: [RowHandle] = []
        var scanned = 0, stopped = false
        snapshot.forEachColumnSet { columns, deleted, sequence in
            guard !stopped else { return }
            guard continuing(scanned) else {
                stopped = true
                return
            }
            let bound = VM.bind(program, to: columns)
            for row in deleted.isEmpty ? bound.filter() : bound.filter(deleted: UnsafePointer(deleted.words)) { handles.append(RowHandle(segment: sequence, row: UInt32(row))) }
            scanned += columns.count
        }
        return stopped ? nil : handles
    }

    /// The `_id`s of the matching documents of `snapshot`, in storage order.
    public func ids(in snapshot: LiveCollection.Snapshot) throws(SchemaMismatchError) -> [Value] {
        try handles(in: snapshot).map { snapshot.id(at: $0)! }
    }

    /// The matching documents of `snapshot`, in storage order.
    public func documents(in snapshot: LiveCollection.Snapshot) throws(SchemaMismatchError) -> [Document] {
        try handles(in: snapshot).map { snapshot.document(at: $0)! }
    }

    /// The number of matching documents in `collection` now (in a snapshot taken for the scan).
    public func count(in collection: LiveCollection) throws(SchemaMismatchError) -> Int {
        try count(in: collection.snapshot())
    }

    /// The matching documents of `collection` now (in a snapshot taken for the scan).
    public func documents(in collection: LiveCollection) throws(SchemaMismatchError) -> [Document] {
        try documents(in: collection.snapshot())
    }
}
