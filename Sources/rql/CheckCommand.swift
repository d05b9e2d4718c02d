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

    @Flag(name: .long, help: "Print the diagnostics as a JSON array on standard output (code, severity, range, line, column, message, notes, fixIts).")
    var json = false

    func run() throws {
        let text = try input.text()
        // Without a schema only the syntax can be checked: say so rather than refuse.
        guard options.app != nil || !options.schema.isEmpty else {
            if subscription {
                printError("rql check: --subscription needs a schema (--app DIR or --schema FILE)")
                throw ExitStatus.usage
            }
            let parsed = Parser.parse(text)
            try report(parsed.diagnostics, text, valid: "valid syntax (no schema given, so names and types were not checked)")
            return
        }
        let (schema, sync) = try options.load()
        let collection = try options.collection(in: schema)
        let arguments = try options.arguments()
        let result = subscription
            ? FlexibleSyncValidator.validate(text, collection: collection, config: sync ?? .developmentMode, arguments: arguments)
            : FlexibleSyncValidator.validateLocalQuery(text, collection: collection, config: sync, arguments: arguments)
        if subscription, sync == nil, !json {
            printError(DiagnosticRenderer(useColor: DiagnosticRenderer.colorAllowed(fileDescriptor: 2)).headline(FlexibleSyncValidator.noConfigNote))
        }
        try report(result.diagnostics, text, valid: "valid" + (subscription ? " subscription" : " query") + " on '\(collection.title)'")
    }

    /// The diagnostics (on stderr, or as JSON on stdout), then the verdict: exit 65 on an error.
    private func report(_ diagnostics: [Diagnostic], _ text: String, valid: String) throws {
        if json {
            print(DiagnosticJSON.encode(diagnostics, source: text))
        } else if !diagnostics.isEmpty {
            printError(DiagnosticRenderer(useColor: DiagnosticRenderer.colorAllowed(fileDescriptor: 2)).render(diagnostics, source: text))
        }
        if diagnostics.hasErrors { throw ExitStatus.dataError }
        if !json { print(valid) }
    }
}
