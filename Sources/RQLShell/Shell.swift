import Foundation
import RQL
import RQLSync
import Synchronization

/// Set by the `rql` executable's SIGINT handler; a running evaluation stops when it sees it.
public let interruptRequested = Atomic<Bool>(false)

/// The REPL: its state, the statement loop, and the evaluation of queries and dot-commands.
/// It never touches the terminal: lines come from a `LineSource`, text goes to `output` and
/// `errors`, so tests drive it in-process.
public final class Shell {
    public enum Mode: String, CaseIterable, Sendable { case table, list, json, count }

    public var schema = Schema()
    public var sync: SyncConfig?
    public var stores: [String: CollectionStore] = [:]
    /// The collection queries run on.
    public var current: String?
    public var arguments: [Value] = []
    public var argumentsText: String?
    public var mode: Mode = .table
    public var timer = false
    /// Rows shown by the table and list modes before "... N more".
    public var maxRows = 50
    public var useColor = false
    /// The last query run (the target of `.explain`, `.bytecode`... with no argument).
    public var lastQuery: String?

    // The sync session: who is logged in, what the app's rules give them, and their subscriptions.

    /// The app's rules (`rules.json`, `default_rule.json`); nil when it has none, and then every
    /// collection is readable in full.
    public var rules: RuleSet?
    /// The session's user (`.user`): `{"id": "alice"}` after opening an app with rules.
    public var user: SyncUser?
    /// The session's subscription sets, made on first use for the current schema and sync config.
    var subscriptionStore: SubscriptionStore?

    let output: (String) -> Void
    private let report: (String) -> Void
    /// Statements that reported an error (warnings and notes do not count): a script with any
    /// exits 65, as sqlite3 and psql exit non-zero.
    public private(set) var failedStatements = 0
    /// `.bail on`: stop reading at the first statement that fails.
    public var bail = false
    /// `.echo on`: print each statement before its result.
    public var echo = false
    /// Where long work says how far it is (one line, rewritten in place); nil when the errors go
    /// to anything but a terminal, so scripts and pipes get none of it. An empty text clears it.
    public var progress: ((String) -> Void)?
    private var currentStatementFailed = false
    /// Where the statement being run starts, when it comes from a `.read` file: its diagnostics
    /// point at the file's line.
    private var statementOrigin: (file: String, line: Int)?
    private var columnarCache: [String: ColumnarCollection] = [:]
    /// The indexed properties per collection (`.index`), and their indexes over the cached columns.
    var indexedProperties: [String: [String]] = [:]
    private var indexCache: [String: CollectionIndexes] = [:]

    public static let prompt = "rql> "
    public static let continuationPrompt = "...> "

    public init(output: @escaping (String) -> Void, errors: @escaping (String) -> Void) {
        self.output = output
        self.report = errors
    }

    /// Writes to the error stream; anything but a warning or a note fails the statement.
    func errors(_ text: String) {
        var plain = Substring(text)
        // A coloured diagnostic starts with an escape sequence.
        while plain.hasPrefix("\u{1B}["), let end = plain.firstIndex(of: "m") { plain = plain[plain.index(after: end)...] }
        if !plain.hasPrefix("warning") && !plain.hasPrefix("note") { currentStatementFailed = true }
        report(text)
    }

    // MARK: - The loop

    /// How reading a source of statements ended.
    public enum Ending: Equatable, Sendable {
        case endOfInput, quit
        /// The input ended inside a statement (an open quote or bracket); it was reported, not run.
        case incompleteStatement
        /// `.bail on` and a statement failed.
        case bailed
    }

    /// Reads and runs statements until the input ends or `.quit`. `name` (a `.read` file) prefixes
    /// the position of a statement the input ends inside.
    @discardableResult
    public func run<Source: LineSource>(_ source: inout Source, name: String? = nil) -> Ending {
        var pending: [String] = []
        var scanner = InputCompleteness()
        var lineNumber = 0
        var statementLine = 0
        while true {
            let result = source.read(prompt: pending.isEmpty ? Self.prompt : Self.continuationPrompt)
            switch result {
            case .endOfInput:
                guard pending.isEmpty else {
                    reportIncomplete(pending.joined(separator: "\n"), line: statementLine, name: name)
                    return .incompleteStatement
                }
                return .endOfInput
            case .interrupted:
                pending = []
                continue
            case .line(let line):
                lineNumber += 1
                if pending.isEmpty {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    // Blank lines, and comment lines between statements (`#`, `--`, `//`).
                    if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("--") || trimmed.hasPrefix("//") { continue }
                    scanner = InputCompleteness()
                    statementLine = lineNumber
                }
                scanner.scan(line, continuing: !pending.isEmpty)
                pending.append(line)
                // Dot-commands are one line; queries continue while brackets or quotes are open.
                if !pending[0].hasPrefix("."), !scanner.isComplete { continue }
                let statement = pending.joined(separator: "\n")
                source.remember(pending.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " "))
                pending = []
                if echo { output(statement) }
                let failedBefore = failedStatements
                let outerOrigin = statementOrigin
                if let name { statementOrigin = (name, statementLine) }
                let outcome = execute(statement)
                statementOrigin = outerOrigin
                if outcome == .quit { return .quit }
                if bail, failedStatements > failedBefore { return .bailed }
            }
        }
    }

    /// The input ended inside `statement`, which started on `line`: say so, with the parser's view
    /// of what is open.
    private func reportIncomplete(_ statement: String, line: Int, name: String?) {
        let place = name.map { "'\(escaped: $0)' line \(line)" } ?? "line \(line)"
        errors("\(place): the input ended inside this statement (an open quote, parenthesis, brace or bracket); it was not run")
        let diagnostics = Parser.parse(statement).diagnostics
        if !diagnostics.isEmpty { errors(renderer.render(diagnostics, source: statement)) }
    }

    public enum Outcome: Equatable { case proceed, quit }

    /// Diagnostics on a statement's text, placed at its file and line when it comes from a
    /// `.read` file (the text is shifted down by blank lines, so the caret's line is the file's).
    func render(_ diagnostics: [Diagnostic], statement: String) -> String {
        guard let origin = statementOrigin, origin.line > 1 else {
            return renderer.render(diagnostics, source: statement, fileName: statementOrigin?.file)
        }
        let padding = String(repeating: "\n", count: origin.line - 1)
        let shift = { (r: SourceRange) in SourceRange(r.start + padding.utf8.count, r.end + padding.utf8.count) }
        let moved = diagnostics.map { d -> Diagnostic in
            var d = d
            d.range = shift(d.range)
            d.notes = d.notes.map { DiagnosticNote($0.message, range: $0.range.map(shift)) }
            d.fixIts = d.fixIts.map { FixIt(range: shift($0.range), replacement: $0.replacement) }
            return d
        }
        return renderer.render(moved, source: padding + statement, fileName: origin.file)
    }

    /// Runs one statement: a dot-command or a query.
    @discardableResult
    public func execute(_ statement: String) -> Outcome {
        let trimmed = statement.trimmingCharacters(in: .whitespacesAndNewlines)
        let outer = currentStatementFailed
        currentStatementFailed = false
        defer {
            if currentStatementFailed { failedStatements += 1 }
            // A statement inside a `.read` fails the `.read` too.
            currentStatementFailed = outer || currentStatementFailed
        }
        if trimmed.hasPrefix(".") { return runCommand(trimmed) }
        runQuery(trimmed)
        return .proceed
    }

    // MARK: - .read

    /// Deepest nesting of `.read` files (a file that reads another that reads another...). Each
    /// level is a nested statement loop on the stack, so a file that reads itself used to
    /// overflow it.
    public static let maxReadDepth = 16

    /// The `.read` files being run, outermost first.
    private(set) var readChain: [String] = []

    /// Runs the statements in a file. A file already being read, or a chain deeper than
    /// `maxReadDepth`, is refused with the chain named.
    func read(file path: String) {
        let shown = { (p: String) in "'\(escaped: p)'" }
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        if readChain.contains(resolved) || readChain.count >= Self.maxReadDepth {
            let chain = (readChain + [resolved]).map(shown).joined(separator: " -> ")
            errors(readChain.contains(resolved)
                   ? ".read \(shown(path)) is refused: it is already being read (\(chain))"
                   : ".read \(shown(path)) is refused: .read is nested more than \(Self.maxReadDepth) deep (\(chain))")
            return
        }
        guard let text = readText(path) else { return }
        var source = ScriptedSource(lines: text.components(separatedBy: "\n"))
        readChain.append(resolved)
        defer { readChain.removeLast() }
        run(&source, name: path)
    }

    // MARK: - Loading

    /// Loads an App Services export and the documents in its `data/<Collection>.json` files.
    public func open(directory: String) -> Bool {
        let export = AppExport.load(directory: directory)
        report(export.diagnostics, texts: export.fileTexts)
        if export.diagnostics.hasErrors { return false }
        let appRules = AppRules.load(directory: directory)
        report(appRules.diagnostics, texts: appRules.fileTexts)
        if appRules.diagnostics.hasErrors { return false }
        schema = export.schema
        sync = export.syncConfig
        if sync == nil { errors(renderer.headline(FlexibleSyncValidator.noConfigNote)) }
        rules = appRules.hasRules ? appRules.rules : nil
        user = appRules.hasRules ? SyncUser(id: "alice") : nil
        subscriptionStore = nil
        stores = [:]
        columnarCache = [:]
        indexCache = [:]
        indexedProperties = [:]
        current = schema.collections.count == 1 ? schema.collections[0].title : nil
        for collection in schema.collections {
            let path = (directory as NSString).appendingPathComponent("data/\(collection.title).json")
            if FileManager.default.fileExists(atPath: path) { _ = load(file: path, into: collection.title) }
        }
        // Start on the collection with the most objects that clients can query.
        if current == nil, let largest = schema.collections.filter({ !(sync?.isAsymmetric($0) ?? false) })
            .max(by: { (stores[$0.title]?.count ?? 0) < (stores[$1.title]?.count ?? 0) }) {
            current = largest.title
        }
        return true
    }

    /// Loads Extended JSON documents into a collection (all or nothing).
    public func load(file path: String, into collection: String) -> Bool {
        guard let objectSchema = schema.collection(named: collection) ?? schema[collection] else {
            errors("no collection '\(escaped: collection)' in the schema")
            return false
        }
        guard let text = readText(path) else { return false }
        var store = stores[objectSchema.title] ?? CollectionStore(schema: objectSchema)
        // Streamed, so a long load can say how far it is (`progress`, on a terminal only).
        var documents: [Document] = []
        let start = DispatchTime.now().uptimeNanoseconds
        var lastShown = start
        var diagnostics = DocumentLoader.load(utf8: Array(text.utf8), schema: objectSchema, file: path) { values in
            documents.append(Document(values: values))
            guard let progress, documents.count & 0x3FF == 0 else { return }
            let now = DispatchTime.now().uptimeNanoseconds
            guard now - lastShown > 250_000_000 else { return }
            lastShown = now
            let seconds = Double(now - start) / 1e9
            progress(String(format: "%@: %d documents read, %.0f/s, %.1f s", path, documents.count, Double(documents.count) / seconds, seconds))
        }
        if lastShown != start { progress?("") }
        if !diagnostics.hasErrors { diagnostics += store.insert(contentsOf: documents) }
        report(diagnostics, texts: [path: text])
        if diagnostics.hasErrors { return false }
        stores[objectSchema.title] = store
        columnarCache[objectSchema.title] = nil
        indexCache[objectSchema.title] = nil
        return true
    }

    /// Whether `text` is one App Services collection schema (a JSON object with `properties`
    /// and `bsonType` "object") rather than documents.
    static func isSchema(_ text: String) -> Bool {
        guard case .object(let members)? = (try? JSON.parse(text))?.value else { return false }
        let keys = Set(members.map(\.key))
        return keys.contains("properties") && members.contains { $0.key == "bsonType" && $0.value.stringValue == "object" }
    }

    /// Loads one collection schema.json.
    public func loadSchema(file path: String) -> Bool {
        guard let text = readText(path) else { return false }
        let diagnostics = schema.load(text, file: path)
        report(diagnostics, texts: [path: text])
        if !diagnostics.hasErrors, current == nil { current = schema.collections.last?.title }
        return !diagnostics.hasErrors
    }

    /// The text of a file, or nil after printing why not (missing, unreadable, not UTF-8).
    func readText(_ path: String) -> String? {
        switch TextFile.read(path) {
        case .success(let text): return text
        case .failure(let error):
            errors("\(error)")
            return nil
        }
    }

    func columnar(_ collection: ObjectSchema) -> ColumnarCollection {
        if let cached = columnarCache[collection.title] { return cached }
        let made = ColumnarCollection(schema: collection, documents: stores[collection.title]?.documents ?? [])
        columnarCache[collection.title] = made
        return made
    }

    /// The collection's indexes over its current columns (the properties `.index` named).
    func indexes(_ collection: ObjectSchema) -> CollectionIndexes {
        if let cached = indexCache[collection.title] { return cached }
        // The names were checked when `.index` took them, against this same schema.
        let made = (try? CollectionIndexes(columnar(collection), properties: indexedProperties[collection.title] ?? []))
            ?? CollectionIndexes(schema: collection)
        indexCache[collection.title] = made
        return made
    }

    /// `.index PROPERTY`: indexes a property of the current collection.
    func addIndex(_ name: String, on collection: ObjectSchema) {
        do {
            _ = try CollectionIndexes.property(name, in: collection)
        } catch {
            errors("\(error)")
            return
        }
        if !(indexedProperties[collection.title] ?? []).contains(name) { indexedProperties[collection.title, default: []].append(name) }
        indexCache[collection.title] = nil
        let count = columnar(collection).count
        _ = indexes(collection)
        output("index on \(collection.title).\(name) (\(count) objects)")
    }

    var currentCollection: ObjectSchema? {
        current.flatMap { schema.collection(named: $0) ?? schema[$0] }
    }

    // MARK: - Queries

    func runQuery(_ text: String) {
        guard let collection = currentCollection else {
            errors(schema.isEmpty ? "no schema: .open DIR (an App Services export) or .load a schema first"
                   : "no collection chosen: .use \(escaped: schema.titles.joined(separator: "|"))")
            return
        }
        lastQuery = text
        let start = DispatchTime.now().uptimeNanoseconds
        let result = FlexibleSyncValidator.validateLocalQuery(text, collection: collection, config: sync, arguments: arguments)
        guard let checked = result.query else {
            errors(render(result.diagnostics, statement: text))
            return
        }
        if !result.diagnostics.isEmpty { errors(render(result.diagnostics, statement: text)) }
        show(CompiledQuery(checked), collection: collection, start: start)
    }

    /// Runs a checked query on the loaded documents and prints the matches with the current mode.
    func show(_ compiled: CompiledQuery, collection: ObjectSchema, start: UInt64) {
        let columns = columnar(collection)
        let bound = VM.bind(compiled.program, to: columns)
        var rows: [Int] = []
        interruptRequested.store(false, ordering: .relaxed)
        let indexes = indexes(collection)
        if case .scan = compiled.plan(indexes, rowCount: columns.count).access {
            for row in 0..<columns.count {
                if row & 0xFFF == 0, interruptRequested.load(ordering: .relaxed) {
                    errors("query cancelled after \(row) of \(columns.count) objects")
                    return
                }
                if bound.matches(row: row) { rows.append(row) }
            }
        } else {
            rows = compiled.filter(columns, indexes: indexes)
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        let documents = rows.map { columns.documents[$0] }
        output(ResultPrinter.render(documents, collection: collection, mode: mode, maxRows: maxRows))
        if timer {
            output(String(format: "%d of %d objects, %.3f ms", rows.count, columns.count, elapsed))
        }
    }

    var renderer: DiagnosticRenderer { DiagnosticRenderer(useColor: useColor) }

    func report(_ diagnostics: [Diagnostic], texts: [String: String]) {
        for d in diagnostics {
            let text = d.file.flatMap { texts[$0] } ?? texts.values.first ?? ""
            errors(renderer.render(d, source: Array(text.utf8)))
        }
    }
}
