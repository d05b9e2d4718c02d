import Foundation
import RQLSemantics
import RQLSyntax

/// An exported App Services app directory, read for its schemas and sync config:
///
/// ```
/// app/
/// ├── sync/config.json                                        (optional)
/// └── data_sources/<service>/<database>/<collection>/schema.json
/// ```
///
/// Loading never throws: missing or unreadable files, bad JSON and schema or config errors all
/// become diagnostics naming the file, and whatever loaded cleanly is kept.
public struct AppExport: Sendable {
    /// The folder that holds the data sources.
    public static let dataSourcesFolder = "data_sources"
    /// The collection schema file name.
    public static let schemaFileName = "schema.json"
    /// The sync config path, relative to the app folder.
    public static let syncConfigPath = SyncConfig.exportPath
    /// Files larger than this are refused rather than read into memory; real schema and config
    /// files are a few kilobytes.
    public static let maxFileBytes = 16 * 1024 * 1024

    /// The app folder as given.
    public var directory: String
    /// Every collection schema that loaded without errors.
    public var schema: Schema
    /// The Flexible Sync config, when `sync/config.json` exists and is valid.
    public var syncConfig: SyncConfig?
    /// Problems found while loading and validating, in folder order.
    public var diagnostics: [Diagnostic]
    /// The text of every file read, by the path used in diagnostics, so a renderer can show
    /// the lines a diagnostic points at.
    public var fileTexts: [String: String]

    /// Reads the app folder at `directory`; the config is validated against the schemas.
    public static func load(directory: String) -> AppExport {
        var export = AppExport(directory: directory, schema: Schema(), syncConfig: nil, diagnostics: [], fileTexts: [:])
        export.loadAll()
        return export
    }

    private init(directory: String, schema: Schema, syncConfig: SyncConfig?, diagnostics: [Diagnostic],
                 fileTexts: [String: String]) {
        self.directory = directory
        self.schema = schema
        self.syncConfig = syncConfig
        self.diagnostics = diagnostics
        self.fileTexts = fileTexts
    }

    // MARK: Loading

    private mutating func loadAll() {
        guard Self.isDirectory(directory) else {
            fileError("'\(directory)' is not a folder", file: directory)
            return
        }
        let dataSources = Self.join(directory, Self.dataSourcesFolder)
        if Self.isDirectory(dataSources) {
            for service in subfolders(of: dataSources) {
                for database in subfolders(of: Self.join(dataSources, service)) {
                    let databasePath = Self.join(dataSources, service, database)
                    for collection in subfolders(of: databasePath) {
                        let path = Self.join(databasePath, collection, Self.schemaFileName)
                        // Collections without a schema (rules only) are not synced: skip them.
                        guard FileManager.default.fileExists(atPath: path), let text = read(path) else { continue }
                        diagnostics += schema.load(text, file: path, collectionName: collection)
                    }
                }
            }
        } else {
            fileError("no '\(Self.dataSourcesFolder)' folder in '\(directory)'", file: dataSources)
        }

        let configPath = Self.join(directory, Self.syncConfigPath)
        if FileManager.default.fileExists(atPath: configPath), let text = read(configPath) {
            let (config, configDiagnostics) = SyncConfig.load(text, file: configPath)
            diagnostics += configDiagnostics
            syncConfig = config
        }
        // Without a usable config the schema's own names still have to be valid for sync.
        diagnostics += (syncConfig ?? SyncConfig.developmentMode).validate(against: schema)
    }

    private mutating func fileError(_ message: String, file: String) {
        diagnostics.append(Diagnostic(.unreadableFile, message, at: .none, file: file))
    }

    /// The names of the subfolders of `path`, sorted so results do not depend on the file system.
    private mutating func subfolders(of path: String) -> [String] {
        do {
            let names = try FileManager.default.contentsOfDirectory(atPath: path)
            return names.filter { !$0.hasPrefix(".") && Self.isDirectory(Self.join(path, $0)) }.sorted()
        } catch {
            fileError("cannot list '\(path)': \(error.localizedDescription)", file: path)
            return []
        }
    }

    /// The UTF-8 text of a file, or nil after reporting why not.
    private mutating func read(_ path: String) -> String? {
        if Self.isDirectory(path) {
            fileError("'\(path)' is a folder, not a file", file: path)
            return nil
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > Self.maxFileBytes {
            fileError("'\(path)' is larger than \(Self.maxFileBytes) bytes", file: path)
            return nil
        }
        let text: String
        switch TextFile.read(path) {
        case .success(let read): text = read
        case .failure(let error):
            fileError("\(error)", file: path)
            return nil
        }
        fileTexts[path] = text
        return text
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private static func join(_ parts: String...) -> String {
        var result = ""
        for part in parts {
            if result.isEmpty || result.hasSuffix("/") {
                result += part
            } else {
                result += "/" + part
            }
        }
        return result
    }
}
