import Foundation
import RQL
import RQLSync

/// The REPL: its state, the statement loop, and the evaluation of queries and dot-commands.
/// It never touches the terminal: lines come from a `LineSource`, text goes to `output` and
/// `errors`, so tests drive it in-process.
public final class Shell {
    /// How matches are shown: `auto` is a table when it fits `width`, else a list.
    public enum Mode: String, CaseIterable, Sendable { case table, list, auto, csv, markdown, json, count }

    public var schema = Schema()
    public var sync: SyncConfig?
    /// The documents of each collection, by title: written by `.load`, `.insert`, `.update`...,
    /// read through a snapshot per query.
    public var collections: [String: LiveCollection] = [:]
    /// The collection queries run on.
    public var current: String?
    public var arguments: [Value] = []
    public var argumentsText: String?
    public var mode: Mode = .table
    public var timer = false
    /// `.headers`: column names above table, CSV and Markdown rows.
    public var headers = true
    /// `.limit`: rows shown by the table, list and Markdown modes before saying how many more;
    /// nil: every row.
    public var rowLimit: Int? = Shell.defaultRowLimit
    public static let defaultRowLimit = 50
    /// `.columns`: the properties shown, in order, by collection title; a collection not here
    /// shows all of its properties.
    public var columns: [String: [String]] = [:]
    /// The terminal's width, which tables fit; nil (a pipe) for unlimited. The `rql` executable
    /// sets it, as the shell never touches the terminal.
    public var width: Int?
    /// `.output FILE`: where matches go instead of `output`.
    private var resultFile: (path: String, handle: FileHandle)?
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
    /// Asked during long work (a load, a scan): true stops it. The terminal front end answers
    /// from its Ctrl-C handler and clears it before each statement; tests and pipes never stop.
    public var isInterrupted: () -> Bool = { false }
    private var currentStatementFailed = false
    /// Where the statement being run starts, when it comes from a `.read` file: its diagnostics
    /// point at the file's line.
    private var statementOrigin: (file: String, line: Int)?

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
                // Dot-commands are one line; queries continue while brackets or quotes are open, or after
                // a trailing AND, OR or NOT.
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
        errors("\(place): the input ended inside this statement (an open quote or bracket, or a trailing AND, OR or NOT); it was not run")
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
        collections = [:]
        current = schema.collections.count == 1 ? schema.collections[0].title : nil
        for collection in schema.collections {
            let path = (directory as NSString).appendingPathComponent("data/\(collection.title).json")
            if FileManager.default.fileExists(atPath: path) { _ = load(file: path, into: collection.title) }
        }
        // Start on the collection with the most objects that clients can query.
        if current == nil, let largest = schema.collections.filter({ !(sync?.isAsymmetric($0) ?? false) })
            .max(by: { (collections[$0.title]?.count ?? 0) < (collections[$1.title]?.count ?? 0) }) {
            current = largest.title
        }
        return true
    }

    /// Loads Extended JSON documents into a collection (all or nothing).
    public func load(file path: String, into collection: String) -> Bool {
        guard let objectSchema = schema.lookup(collection) else {
            errors("no collection '\(escaped: collection)' in the schema")
            return false
        }
        guard let text = readText(path), let live = live(objectSchema) else { return false }
        // Streamed: asked every few documents whether to go on, a long load says how far it is
        // (`progress`, on a terminal only) and stops on Ctrl-C, keeping nothing.
        var documents: [Document] = []
        var clock = ProgressClock()
        let continuing = {
            if let progress = self.progress, let seconds = clock.due() {
                progress(String(format: "%@: %d documents read, %.0f/s, %.1f s", path, documents.count, Double(documents.count) / seconds, seconds))
            }
            return !self.isInterrupted()
        }
        var diagnostics = DocumentLoader.load(utf8: Array(text.utf8), schema: objectSchema, file: path, continuing: continuing) { values in
            documents.append(Document(values: values))
        }
        if clock.shown { progress?("") }
        if let cancelled = diagnostics.first(where: { $0.code == .loadCancelled }) {
            errors(renderer.headline(cancelled))
            return false
        }
        if !diagnostics.hasErrors {
            do throws(LiveCollection.WriteError) {
                try live.insert(contentsOf: documents)
            } catch {
                diagnostics += error.diagnostics.map { var d = $0; d.file = path; return d }
            }
        }
        report(diagnostics, texts: [path: text])
        return !diagnostics.hasErrors
    }

    /// The documents of `collection`, made empty on first use with an index on `_id` and on the
    /// sync configuration's indexed queryable field; nil after saying why (no `_id`).
    func live(_ collection: ObjectSchema) -> LiveCollection? {
        if let existing = collections[collection.title] { return existing }
        do throws(LiveCollection.WriteError) {
            let made = try LiveCollection(schema: collection)
            for name in [ObjectSchema.primaryKeyName] + (sync?.indexedQueryableFieldsNames.map(\.name) ?? []) {
                try? made.createIndex(on: name)
            }
            collections[collection.title] = made
            return made
        } catch {
            report(error.diagnostics, texts: [:])
            return nil
        }
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

    /// `.index PROPERTY`: indexes a property of the current collection.
    func addIndex(_ name: String, on collection: ObjectSchema) {
        guard let live = live(collection) else { return }
        do throws(IndexError) {
            try live.createIndex(on: name)
        } catch {
            errors("\(error)")
            return
        }
        output("index on \(collection.title).\(name) (\(live.count) objects)")
    }

    /// `.insert`, `.replace`, `.upsert`, `.update`, `.delete`: one write, or for `.insert` a JSON
    /// array of documents inserted all or nothing, on the current collection.
    func write(_ verb: LiveCollection.Write.Verb, _ text: String) {
        guard let collection = currentCollection else {
            errors("no collection chosen: .use COLLECTION")
            return
        }
        guard !text.isEmpty else {
            let example = switch verb {
            case .insert: "{\"_id\": 1, ...} or [{...}, {...}]"
            case .replace, .upsert: "{\"_id\": 1, ...}"
            case .update: "{\"_id\": 1, \"field\": value, ...} (sets the fields named)"
            case .delete: "ID, e.g. .delete 1, .delete \"a\", .delete {\"$oid\": \"...\"}"
            }
            errors("usage: .\(verb.rawValue) \(example)")
            return
        }
        guard let live = live(collection) else { return }
        // `.delete ID` takes the bare _id; the others a document (or, for .insert, an array).
        var json = text
        if verb == .delete, !text.hasPrefix("{") || (try? JSON.parse(text))?.objectMembers?.contains(where: { $0.key == ObjectSchema.primaryKeyName }) != true {
            json = "{\"\(ObjectSchema.primaryKeyName)\": \(text)}"
        }
        let offset = json.utf8.count - text.utf8.count
        var writes: [LiveCollection.Write] = []
        var diagnostics: [Diagnostic] = []
        if verb == .insert, text.hasPrefix("[") {
            let (documents, problems) = DocumentLoader.load(text, schema: collection)
            writes = documents.map(LiveCollection.Write.insert)
            diagnostics = problems
        } else {
            switch LiveCollection.Write.parse(verb, json: json, schema: collection) {
            case .success(let write): writes = [write]
            case .failure(let error):
                diagnostics = error.diagnostics.map { d in
                    var moved = d
                    moved.range = SourceRange(max(d.range.start - offset, 0), max(d.range.end - offset, 0))
                    return moved
                }
            }
        }
        if !diagnostics.hasErrors {
            do throws(LiveCollection.WriteError) {
                try live.apply(writes)
            } catch {
                // About the collection's contents, not a place in the text.
                errors(error.diagnostics.map { renderer.headline($0) }.joined(separator: "\n"))
                return
            }
        }
        if diagnostics.isEmpty {
            let done = switch verb {
            case .insert: writes.count == 1 ? "inserted" : "inserted \(writes.count) documents"
            case .replace: "replaced"
            case .upsert: "upserted"
            case .update: "updated"
            case .delete: "deleted"
            }
            output("\(done); \(live.count) objects in '\(escaped: collection.title)'")
        } else {
            errors(renderer.render(diagnostics, source: text))
        }
    }

    var currentCollection: ObjectSchema? {
        current.flatMap { schema.lookup($0) }
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
        guard let live = live(collection) else { return }
        let snapshot = live.snapshot()
        var clock = ProgressClock(start: start)
        // Checked before each segment of a scan: Ctrl-C stops it, and on a terminal a long one
        // says how far it is.
        let continuing = { (scanned: Int) -> Bool in
            if let progress = self.progress, let seconds = clock.due() {
                progress(String(format: "scanned %d of %d objects, %.1f s", scanned, snapshot.count, seconds))
            }
            return !self.isInterrupted()
        }
        let found: [RowHandle]?
        do throws(SchemaMismatchError) {
            found = try compiled.handles(in: snapshot, continuing: continuing)
        } catch {
            errors("\(error)")
            return
        }
        if clock.shown { progress?("") }
        guard let found else {
            errors("query cancelled (Ctrl-C); nothing shown")
            return
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        let documents = found.compactMap(snapshot.document(at:))
        // In count mode the timing line starts with the count: printed alone too, it came twice
        // (a `.output` file still gets it).
        if !(timer && mode == .count && resultFile == nil) {
            let layout = ResultPrinter.Layout(mode: mode, headers: headers, rowLimit: rowLimit, columns: shownColumns(of: collection),
                                              width: resultFile == nil ? width : nil)
            results(ResultPrinter.render(documents, collection: collection, layout: layout))
        }
        if timer {
            output(String(format: "%d of %d objects, %.3f ms", documents.count, snapshot.count, elapsed))
        }
    }

    /// The positions of the `.columns` chosen for `collection` that it still has (a schema loaded
    /// since may lack them); nil: all.
    func shownColumns(of collection: ObjectSchema) -> [Int]? {
        let shown = columns[collection.title]?.compactMap { name in collection.properties.firstIndex { $0.name == name } }
        return shown?.isEmpty == false ? shown : nil
    }

    // MARK: - .output

    /// Sends matches to the file at `path` (created or emptied), or with nil back to `output`;
    /// says where they go. Diagnostics and the timer's line stay where they were.
    func sendResults(to path: String?) {
        if let file = resultFile {
            try? file.handle.close()
            resultFile = nil
        }
        guard let path else {
            output("results go to standard output")
            return
        }
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            errors("cannot write to '\(escaped: path)': \(String(cString: strerror(errno))); results go to standard output")
            return
        }
        resultFile = (path, FileHandle(fileDescriptor: descriptor, closeOnDealloc: true))
        output("results go to '\(escaped: path)' (.output alone: back to standard output)")
    }

    /// Writes matches to the `.output` file, or with the rest of the output. Nothing to show
    /// (no matches in JSON or CSV without headers) writes nothing, not an empty line.
    func results(_ text: String) {
        guard !text.isEmpty else { return }
        guard let file = resultFile else {
            output(text)
            return
        }
        do {
            try file.handle.write(contentsOf: Data((text + "\n").utf8))
        } catch {
            try? file.handle.close()
            resultFile = nil
            errors("cannot write to '\(escaped: file.path)': \(error); results go to standard output from now on")
            output(text)
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

/// When long work (a load, a scan) shows its next progress line: at most one every `interval`.
struct ProgressClock {
    static let interval: UInt64 = 250_000_000
    let start: UInt64
    private var last: UInt64
    /// Whether a line was shown, so it must be cleared at the end.
    private(set) var shown = false

    init(start: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        self.start = start
        last = start
    }

    /// The seconds since the start when a line is due, else nil.
    mutating func due() -> Double? {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - last > Self.interval else { return nil }
        last = now
        shown = true
        return Double(now - start) / 1e9
    }
}
