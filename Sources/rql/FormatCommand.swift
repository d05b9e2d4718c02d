import ArgumentParser
import RQL

/// `rql fmt`: the canonical form of a query.
struct FormatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt", abstract: "Print the canonical form of a query (syntax only; no schema needed).")

    @OptionGroup var input: QueryInput

    func run() throws {
        let text = try input.text()
        let parsed = Parser.parse(text)
        if parsed.diagnostics.hasErrors {
            printError(DiagnosticRenderer(useColor: DiagnosticRenderer.colorAllowed(fileDescriptor: 2))
                .render(parsed.diagnostics, source: parsed.source))
            throw ExitStatus.dataError
        }
        print(Printer.print(parsed.query))
    }
}
