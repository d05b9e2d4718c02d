import ArgumentParser
import RQL

/// `rql check`: is the query valid (and, with --subscription, a valid Flexible Sync subscription)?
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a query against a schema; exit 0 if valid, 65 with diagnostics on stderr if not.")

    @OptionGroup var input: QueryInput
    @OptionGroup var options: SchemaOptions

    @Flag(name: .long, help: "Validate as a Flexible Sync subscription (queryable fields, indexed field, size limit...).")
    var subscription = false

    func run() throws {
        let text = try input.text()
        let (schema, sync) = try options.load()
        let collection = try options.collection(in: schema)
        let arguments = try options.arguments()
        let result = subscription
            ? FlexibleSyncValidator.validate(text, collection: collection, config: sync ?? .developmentMode, arguments: arguments)
            : FlexibleSyncValidator.validateLocalQuery(text, collection: collection, config: sync, arguments: arguments)
        let renderer = DiagnosticRenderer(useColor: DiagnosticRenderer.colorAllowed(fileDescriptor: 2))
        if subscription, sync == nil { printError(renderer.headline(FlexibleSyncValidator.noConfigNote)) }
        if !result.diagnostics.isEmpty { printError(renderer.render(result.diagnostics, source: text)) }
        if result.diagnostics.hasErrors { throw ExitStatus.dataError }
        print("valid" + (subscription ? " subscription" : " query") + " on '\(collection.title)'")
    }
}
