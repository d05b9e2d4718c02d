import ArgumentParser
import Foundation
import RQL

/// Where the schema comes from, shared by the commands that check queries.
struct SchemaOptions: ParsableArguments {
    @Option(name: .long, help: "An App Services export directory (data_sources/.../schema.json, sync/config.json).")
    var app: String?

    @Option(name: .long, help: "A collection schema.json; repeat for several collections.")
    var schema: [String] = []

    @Option(name: .long, help: "A sync/config.json (Flexible Sync settings).")
    var sync: String?

    @Option(name: .long, help: "The collection to query (default: the only one).")
    var collection: String?

    @Option(name: .long, help: "Arguments for $0, $1, ... as RQL literals: --args '5, \"u1\", {1, 2}'.")
    var args: String?

    /// The loaded schema and config, or an exit with rendered diagnostics.
    func load() throws -> (schema: Schema, sync: SyncConfig?) {
        var schema = Schema()
        var sync: SyncConfig?
        var diagnostics: [(Diagnostic, String)] = []
        if let app {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: app, isDirectory: &isDirectory), isDirectory.boolValue else {
                printError("rql: no such directory '\(app)'")
                throw ExitStatus.noInput
            }
            let export = AppExport.load(directory: app)
            schema = export.schema
            sync = export.syncConfig
            diagnostics += export.diagnostics.map { ($0, export.fileTexts[$0.file ?? ""] ?? "") }
        }
        for path in schema_paths {
            let text = try readTextFile(path)
            diagnostics += schema.load(text, file: path).map { ($0, text) }
        }
        if let path = self.sync {
            let text = try readTextFile(path)
            let (config, loadDiagnostics) = SyncConfig.load(text, file: path)
            diagnostics += loadDiagnostics.map { ($0, text) }
            if let config {
                diagnostics += config.validate(against: schema).map { ($0, text) }
                sync = config
            }
        }
        let renderer = DiagnosticRenderer(useColor: DiagnosticRenderer.colorAllowed(fileDescriptor: 2))
        for (d, text) in diagnostics { printError(renderer.render(d, source: Array(text.utf8))) }
        if diagnostics.contains(where: { $0.0.severity == .error }) { throw ExitStatus.dataError }
        return (schema, sync)
    }

    private var schema_paths: [String] { schema }

    /// The collection named by `--collection`, or the only one.
    func collection(in schema: Schema) throws -> ObjectSchema {
        if let name = collection {
            guard let found = schema.lookup(name) else {
                printError("rql: no collection '\(name)'; the schema has: \(schema.titles.joined(separator: ", "))")
                throw ExitStatus.dataError
            }
            return found
        }
        guard schema.collections.count == 1 else {
            printError(schema.isEmpty
                ? "rql: no schema: give --app DIR or --schema FILE"
                : "rql: several collections (\(schema.titles.joined(separator: ", "))): choose one with --collection")
            throw ExitStatus.usage
        }
        return schema.collections[0]
    }

    /// The bound arguments.
    func arguments() throws -> [Value] {
        guard let args else { return [] }
        let parsed = ArgumentList.parse(args)
        if parsed.diagnostics.hasErrors {
            printError(DiagnosticRenderer(useColor: DiagnosticRenderer.colorAllowed(fileDescriptor: 2))
                .render(parsed.diagnostics, source: args))
            throw ExitStatus.usage
        }
        return parsed.values
    }
}

/// A text file named on the command line: a missing file is "no input" (66), an unreadable one an
/// I/O error (74), invalid UTF-8 bad data (65, with the line and column of the first bad byte).
func readTextFile(_ path: String, command: String = "rql") throws -> String {
    String(decoding: try readTextBytes(path, command: command), as: UTF8.self)
}

/// `readTextFile` without making a String, for the large data files.
func readTextBytes(_ path: String, command: String = "rql") throws -> [UInt8] {
    switch TextFile.readBytes(path) {
    case .success(let bytes): return bytes
    case .failure(let error): throw fileFailure(error, command: command)
    }
}

/// Prints why a file could not be read and gives the exit status for it.
func fileFailure(_ error: TextFileError, command: String) -> ExitCode {
    printError("\(command): \(error)")
    switch error {
    case .missing: return ExitStatus.noInput
    case .unreadable: return ExitStatus.ioError
    case .invalidUTF8: return ExitStatus.dataError
    }
}
