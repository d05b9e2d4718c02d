import ArgumentParser
import Foundation
import RQL
import RQLShell

/// `rql eval`: filter Extended JSON documents with a query.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Filter Extended JSON documents (one per line, or an array) to standard output.")

    @OptionGroup var input: QueryInput
    @OptionGroup var options: SchemaOptions

    @Option(name: .long, help: "The documents: a file, or '-' for standard input.")
    var data: String

    @Flag(name: .long, help: "Print only the number of matches (with --json, as {\"count\": N}).")
    var count = false

    @Flag(name: .long, help: "Print the matches as Extended JSON, one per line (the default is a table).")
    var json = false

    @Option(name: .long, help: "Index this property before querying (repeatable); the planner uses an index when it pays.")
    var index: [String] = []

    func run() throws {
        // Checked before either is read: standard input can be only one of them.
        if data == "-", input.query == "-" {
            printError("rql eval: the query and the documents cannot both come from standard input")
            throw ExitStatus.usage
        }
        let text = try input.text()
        let (schema, sync) = try options.load()
        let collection = try options.collection(in: schema)
        let documents = try loadDocuments(collection)
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

    /// The documents of `--data`, straight into columns. A file is read a piece at a time and
    /// read again whole only to show the lines that diagnostics point at.
    private func loadDocuments(_ collection: ObjectSchema) throws -> ColumnarCollection {
        let loaded: ColumnarCollection?, problems: [Diagnostic], source: () throws -> [UInt8]
        if data == "-" {
            let bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
            if let error = UTF8Text.firstError(in: bytes) {
                printError("rql eval: standard input is not valid UTF-8 text: \(error)")
                throw ExitStatus.dataError
            }
            (loaded, problems) = ColumnarCollection.load(utf8: bytes, schema: collection, file: "<stdin>")
            source = { bytes }
        } else {
            switch ColumnarCollection.load(contentsOf: data, schema: collection, file: data) {
            case .success(let result): (loaded, problems) = result
            case .failure(let error): throw fileFailure(error, command: "rql eval")
            }
            source = { try readTextBytes(data, command: "rql eval") }
        }
        if !problems.isEmpty {
            let renderer = DiagnosticRenderer(useColor: DiagnosticRenderer.colorAllowed(fileDescriptor: 2))
            let bytes = try source()
            for d in problems { printError(renderer.render(d, source: bytes)) }
        }
        guard let loaded, !problems.hasErrors else { throw ExitStatus.dataError }
        return loaded
    }
}
