import ArgumentParser
import RQL
import RQLShell

/// `rql explain`: every stage of the pipeline for one query.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show the tokens, syntax tree and (with a schema) the checked query, the optimized query and the bytecode.")

    @OptionGroup var input: QueryInput
    @OptionGroup var options: SchemaOptions

    @Option(name: .long, help: "Plan as if this property were indexed (repeatable).")
    var index: [String] = []

    func run() throws {
        let text = try input.text()
        let renderer = DiagnosticRenderer(useColor: DiagnosticRenderer.colorAllowed(fileDescriptor: 1))
        var collection: ObjectSchema?
        var indexes: CollectionIndexes?
        if options.app != nil || !options.schema.isEmpty {
            let (schema, _) = try options.load()
            let chosen = try options.collection(in: schema)
            collection = chosen
            indexes = try makeIndexes(index, on: ColumnarCollection(schema: chosen, documents: []), command: "rql explain")
        }
        let listing = PipelineListing(text, collection: collection, arguments: try options.arguments()) { compiled in
            // Without documents every search is taken to be selective: the plan shows what the
            // indexes can serve (with `rql eval --index` the planner also weighs how many rows).
            ("plan" + (index.isEmpty ? " (no index: --index PROPERTY)" : ""),
             compiled.plan(indexes ?? CollectionIndexes(schema: compiled.checked.collection), rowCount: 0))
        }
        for section in listing.sections {
            print("-- " + section.title)
            print(section.text)
        }
        if !listing.diagnostics.isEmpty { print(renderer.render(listing.diagnostics, source: listing.source)) }
        if listing.failed { throw ExitStatus.dataError }
    }
}

/// Indexes on `properties` of `documents`; an unknown or unindexable property is a usage error.
func makeIndexes(_ properties: [String], on documents: ColumnarCollection, command: String) throws -> CollectionIndexes {
    do {
        return try CollectionIndexes(documents, properties: properties)
    } catch {
        printError("\(command): --index: \(error)")
        throw ExitStatus.usage
    }
}
