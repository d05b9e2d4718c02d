import ArgumentParser
import Foundation
import RQL
import RQLShell
import RQLSync

/// `rql changes --app DIR FILE`: replays a change file through the change matcher, with the
/// clients it declares and the app's rules, and prints who receives each change.
struct ChangesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "Replay a change file (JSON lines: clients, then changes) and print who receives each change.",
        discussion: ChangeScript.formatHelp + "\n\nExit status: 0, or 65 when the app or the change file is malformed.")

    @Option(name: .long, help: "The App Services export (schemas, sync/config.json, rules.json, default_rule.json).")
    var app: String

    @ArgumentParser.Argument(help: "The change file.")
    var file: String

    func run() throws {
        let renderer = DiagnosticRenderer(useColor: DiagnosticRenderer.colorAllowed(fileDescriptor: 2))
        func report(_ diagnostics: [Diagnostic], _ texts: [String: String]) {
            for d in diagnostics {
                printError(renderer.render(d, source: Array((d.file.flatMap { texts[$0] } ?? "").utf8)))
            }
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: app, isDirectory: &isDirectory), isDirectory.boolValue else {
            printError("rql: no such directory '\(app)'")
            throw ExitStatus.noInput
        }
        let export = AppExport.load(directory: app)
        report(export.diagnostics, export.fileTexts)
        let appRules = AppRules.load(directory: app)
        report(appRules.diagnostics, appRules.fileTexts)
        if export.diagnostics.hasErrors || appRules.diagnostics.hasErrors { throw ExitStatus.dataError }

        let text = try readTextFile(file)
        let replay = ChangeReplay(schema: export.schema, sync: export.syncConfig, rules: appRules.hasRules ? appRules.rules : nil)
        let (lines, notes, diagnostics) = replay.replay(text, file: file)
        report(diagnostics, [file: text])
        if diagnostics.hasErrors { throw ExitStatus.dataError }
        for note in notes { printError("rql: " + note) }
        for line in lines { print(line) }
    }
}
