import ArgumentParser
import Foundation
import RQL
import RQLPostgres
import RQLSQL
import RQLShell

/// `rql eval`: filter Extended JSON documents with a query.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Filter Extended JSON documents (one per line, or an array) to standard output; with --database, the collection's PostgreSQL table.")

    @OptionGroup var input: QueryInput
    @OptionGroup var options: SchemaOptions

    @Option(name: .long, help: "The documents: a file, or '-' for standard input.")
    var data: String?

    @Option(name: .long, help: "Query the collection's table in this PostgreSQL database instead of --data (a postgres:// URL).")
    var database: String?

    @Flag(name: .long, help: "Print only the number of matches (with --json, as {\"count\": N}).")
    var count = false

    @Flag(name: .long, help: "Print the matches as Extended JSON, one per line (the default is a table).")
    var json = false

    @Option(name: .long, help: "Index this property before querying (repeatable); the planner uses an index when it pays.")
    var index: [String] = []

    func run() throws {
        if let database {
            guard data == nil, index.isEmpty else {
                printError("rql eval: --database queries the table; it takes neither --data nor --index")
                throw ExitStatus.usage
            }
            try runInDatabase(database)
            return
        }
        guard let data else {
            printError("rql eval: give the documents with --data FILE, or a database with --database URL")
            throw ExitStatus.usage
        }
        // Checked before either is read: standard input can be only one of them.
        if data == "-", input.query == "-" {
            printError("rql eval: the query and the documents cannot both come from standard input")
            throw ExitStatus.usage
        }
        let text = try input.text()
        let (schema, sync) = try options.load()
        let collection = try options.collection(in: schema)
        let documents = try loadDocumentFile(data, collection: collection, command: "rql eval")
        let renderer = DiagnosticRenderer(useColor: DiagnosticRenderer.colorAllowed(fileDescriptor: 2))
        let result = FlexibleSyncValidator.validateLocalQuery(text, collection: collection, config: sync, arguments: try options.arguments())
        if !result.diagnostics.isEmpty { printError(renderer.render(result.diagnostics, source: text)) }
        guard let checked = result.query else { throw ExitStatus.dataError }
        let query = CompiledQuery(checked)
        let indexes = try makeIndexes(index, on: documents, command: "rql eval")
        let rows = try query.filter(documents, indexes: indexes)
        if count {
            print(json ? "{\"count\": \(rows.count)}" : "\(rows.count)")
        } else {
            let matches = rows.map { documents.documents[$0] }
            print(ResultPrinter.render(matches, collection: collection, layout: .init(mode: json ? .json : .table)))
        }
    }

    /// The query checked and optimized as above, translated, and run in the database's table.
    private func runInDatabase(_ database: String) throws {
        let url = try parseDatabaseURL(database, command: "rql eval")
        let text = try input.text()
        let (schema, sync) = try options.load()
        let collection = try options.collection(in: schema)
        let query = try translatedQuery(text, collection: collection, sync: sync, arguments: try options.arguments())
        if count {
            let matches = try withDatabase(url, command: "rql eval") { db throws(DatabaseError) in
                try db.installFunctions()
                return try db.count(query)
            }
            print(json ? "{\"count\": \(matches)}" : "\(matches)")
        } else {
            let matches = try withDatabase(url, command: "rql eval") { db throws(DatabaseError) in
                try db.installFunctions()
                return try db.matchingDocuments(query)
            }
            print(ResultPrinter.render(matches, collection: collection, layout: .init(mode: json ? .json : .table)))
        }
    }
}

/// The documents of a file (or '-' for standard input), straight into columns: what `rql eval
/// --data` and `rql sql load` read. A file is read a piece at a time and read again whole only to
/// show the lines that diagnostics point at.
func loadDocumentFile(_ data: String, collection: ObjectSchema, command: String) throws -> ColumnarCollection {
    let loaded: ColumnarCollection?, problems: [Diagnostic], source: () throws -> [UInt8]
    if data == "-" {
        let bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        if let error = UTF8Text.firstError(in: bytes) {
            printError("\(command): standard input is not valid UTF-8 text: \(error)")
            throw ExitStatus.dataError
        }
        (loaded, problems) = ColumnarCollection.load(utf8: bytes, schema: collection, file: "<stdin>")
        source = { bytes }
    } else {
        switch ColumnarCollection.load(contentsOf: data, schema: collection, file: data) {
        case .success(let result): (loaded, problems) = result
        case .failure(let error): throw fileFailure(error, command: command)
        }
        source = { try readTextBytes(data, command: command) }
    }
    if !problems.isEmpty {
        let renderer = DiagnosticRenderer(useColor: DiagnosticRenderer.colorAllowed(fileDescriptor: 2))
        let bytes = try source()
        for d in problems { printError(renderer.render(d, source: bytes)) }
    }
    guard let loaded, !problems.hasErrors else { throw ExitStatus.dataError }
    return loaded
}
