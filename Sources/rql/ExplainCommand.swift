import ArgumentParser
import RQL

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
        let parsed = Parser.parse(text)
        let renderer = DiagnosticRenderer(useColor: DiagnosticRenderer.colorAllowed(fileDescriptor: 1))
        print("-- tokens")
        for token in parsed.tokens where token.kind != .end {
            print("\(token.range.start)..<\(token.range.end)".padding(12) + "\(token.kind)".padding(16) + parsed.text(token.range))
        }
        if parsed.diagnostics.hasErrors {
            print(renderer.render(parsed.diagnostics, source: parsed.source))
            throw ExitStatus.dataError
        }
        print("-- syntax tree")
        print(ASTDump.dump(parsed.query))
        print("-- canonical form")
        print(Printer.print(parsed.query))
        guard options.app != nil || !options.schema.isEmpty else { return }
        let (schema, _) = try options.load()
        let collection = try options.collection(in: schema)
        let result = Checker.check(parsed, collection: collection, arguments: try options.arguments())
        if !result.diagnostics.isEmpty { print(renderer.render(result.diagnostics, source: parsed.source)) }
        guard let checked = result.query else { throw ExitStatus.dataError }
        print("-- checked query on '\(collection.title)'")
        print(CheckedDump.dump(checked))
        let compiled = CompiledQuery(checked)
        print("-- optimized")
        print(CheckedDump.dump(compiled.optimized))
        print("-- bytecode")
        print(Disassembler.listing(compiled.program))
        // Without documents every search is taken to be selective: the plan shows what the
        // indexes can serve (with `rql eval --index` the planner also weighs how many rows).
        let indexes = try makeIndexes(index, on: ColumnarCollection(schema: collection, documents: []), command: "rql explain")
        print("-- plan" + (index.isEmpty ? " (no index: --index PROPERTY)" : ""))
        print(compiled.plan(indexes, rowCount: 0).description)
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

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
