import Foundation
import RQL
import RQLSync

/// The rules of an App Services export, read from the files App Services writes next to the
/// schemas:
///
/// ```
/// data_sources/<service>/default_rule.json
/// data_sources/<service>/<database>/<collection>/rules.json
/// ```
///
/// Like `AppExport`, loading never throws: unreadable files and malformed rules become diagnostics
/// naming the file, and the rules that loaded cleanly are kept.
public struct AppRules: Sendable {
    /// The rules found (empty when the export has none).
    public var rules: RuleSet
    /// How many rules files were found (`rules.json` and `default_rule.json`), good or bad.
    public var fileCount: Int
    /// Problems found, in folder order.
    public var diagnostics: [Diagnostic]
    /// The text of every file read, by path, for rendering diagnostics.
    public var fileTexts: [String: String]

    /// True when the export has rules files at all: without any, App Services would deny
    /// everything, and the shell runs without permissions instead.
    public var hasRules: Bool { fileCount > 0 }

    /// Reads the rules files of the app folder at `directory`. The first `default_rule.json` in
    /// service-name order is used when there are several data sources.
    public static func load(directory: String) -> AppRules {
        var result = AppRules(rules: RuleSet(), fileCount: 0, diagnostics: [], fileTexts: [:])
        let dataSources = join(directory, AppExport.dataSourcesFolder)
        for service in subfolders(of: dataSources) {
            let servicePath = join(dataSources, service)
            let defaultPath = join(servicePath, DefaultRule.fileName)
            if let text = result.read(defaultPath) {
                let (rule, diagnostics) = DefaultRule.load(text, file: defaultPath)
                result.diagnostics += diagnostics
                if let rule, result.rules.defaultRule == nil { result.rules.defaultRule = rule }
            }
            for database in subfolders(of: servicePath) {
                let databasePath = join(servicePath, database)
                for collection in subfolders(of: databasePath) {
                    let path = join(databasePath, collection, CollectionRules.fileName)
                    guard let text = result.read(path) else { continue }
                    let (rules, diagnostics) = CollectionRules.load(text, file: path)
                    result.diagnostics += diagnostics
                    if let rules { result.rules.add(rules) }
                }
            }
        }
        return result
    }

    /// The text of a rules file, or nil when there is none (an unreadable one is reported).
    private mutating func read(_ path: String) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        fileCount += 1
        let text: String
        switch TextFile.read(path) {
        case .success(let read): text = read
        case .failure(let error):
            diagnostics.append(Diagnostic(.unreadableFile, "\(error)", at: .none, file: path))
            return nil
        }
        fileTexts[path] = text
        return text
    }

    private static func subfolders(of path: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: join(path, name), isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    private static func join(_ parts: String...) -> String {
        parts.dropFirst().reduce(parts[0]) { $0.hasSuffix("/") || $0.isEmpty ? $0 + $1 : $0 + "/" + $1 }
    }
}
