import RQL
#if canImport(Glibc)
import Glibc
#endif
// Temporary driver until the CLI issue: prints diagnostics, canonical form and tree.
let text = CommandLine.arguments.dropFirst().joined(separator: " ")
let parsed = Parser.parse(text)
if parsed.diagnostics.isEmpty {
    print(Printer.print(parsed.query))
    print(ASTDump.dump(parsed.query))
} else {
    print(DiagnosticRenderer(useColor: DiagnosticRenderer.colorAllowed(fileDescriptor: 1)).render(parsed.diagnostics, source: parsed.source))
}
