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

    @Flag(name: .long, help: "Print only the number of matches.")
    var count = false

    @Flag(name: .long, help: "Print the matches as Extended JSON, one per line (the default is a table).")
    var json = false

    func run() throws {
        let text = try input.text()
        let (schema, sync) = try options.load()
        let collection = try options.collection(in: schema)
        let documentsText: String
        if data == "-" {
            guard text != "-" else {
                printError("rql eval: the query and the documents cannot both come from standard input")
                throw ExitStatus.usage
            }
            let bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
            if let error = UTF8Text.firstError(in: bytes) {
                printError("rql eval: standard input is not valid UTF-8 text: \(error)")
                throw ExitStatus.dataError
            }
            documentsText = String(decoding: bytes, as: UTF8.self)
        } else {
            documentsText = try readTextFile(data, command: "rql eval")
        }
        var store = CollectionStore(schema: collection)
        let problems = store.load(documentsText, file: data == "-" ? "<stdin>" : data)
        let renderer = DiagnosticRenderer(useColor: DiagnosticRenderer.colorAllowed(fileDescriptor: 2))
        for d in problems { printError(renderer.render(d, source: Array(documentsText.utf8))) }
        if problems.hasErrors { throw ExitStatus.dataError }
        let result = FlexibleSyncValidator.validateLocalQuery(text, collection: collection, config: sync, arguments: try options.arguments())
        if !result.diagnostics.isEmpty { printError(renderer.render(result.diagnostics, source: text)) }
        guard let checked = result.query else { throw ExitStatus.dataError }
        let query = CompiledQuery(checked)
        let rows = query.filter(ColumnarCollection(store))
        if count {
            print(rows.count)
        } else {
            let documents = rows.map { store.documents[$0] }
            print(ResultPrinter.render(documents, collection: collection, mode: json ? .json : .table, maxRows: .max))
        }
    }
}
