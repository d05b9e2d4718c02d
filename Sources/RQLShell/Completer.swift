import Foundation
import RQL

/// Tab completion: dot-commands at the start of a line, and in a query the current collection's
/// properties and RQL's keywords; after `.use` and `.schema`, collection names; after
/// `.unsubscribe`, subscription names and `all`; after `.mode`, the modes; after `.columns`,
/// properties and `all`; after the commands that take a file, paths.
public enum Completer {
    /// Keywords offered in queries: the lexer's, those of the language RQLKit evaluates.
    public static let keywords = Lexer.keywords.filter(\.evaluated).map(\.spelling)

    /// The commands whose first argument is a file or a folder.
    static let pathCommands: Set = [".open", ".load", ".read", ".changes", ".output"]

    /// Candidates for the word `prefix` that ends the text `line` (the whole line so far); paths
    /// are relative to `directory`.
    public static func candidates(line: String, prefix: String, shell: Shell,
                                  directory: String = FileManager.default.currentDirectoryPath) -> [String] {
        let before = line.dropLast(prefix.count).trimmingCharacters(in: .whitespaces)
        if before.isEmpty, prefix.hasPrefix(".") {
            return ShellCommand.all.map(\.name).filter { $0.hasPrefix(prefix) }
        }
        if pathCommands.contains(before) { return paths(completing: prefix, in: directory) }
        if before == ".use" || before == ".schema" || before.hasPrefix(".load ") {
            return shell.schema.titles.filter { $0.hasPrefix(prefix) }
        }
        if before == ".unsubscribe" {
            let names = shell.subscriptions.latest.subscriptions.compactMap(\.name)
            return (names + ["all"]).filter { $0.hasPrefix(prefix) }
        }
        if before == ".mode" { return Shell.Mode.allCases.map(\.rawValue).filter { $0.hasPrefix(prefix) } }
        if before == ".help" { return ShellCommand.all.map(\.name).filter { $0.hasPrefix(prefix) } }
        if before.hasPrefix(".columns") {
            // `.columns owner,pri`: the word is the whole list; the name after its last comma is completed.
            let chosen = prefix.lastIndex(of: ",").map { String(prefix[...$0]) } ?? ""
            let names = (shell.currentCollection?.properties.map(\.name) ?? []) + (before == ".columns" && chosen.isEmpty ? ["all"] : [])
            return names.filter { $0.hasPrefix(prefix.dropFirst(chosen.count)) }.map { chosen + $0 }
        }
        for command in [".open", ".read", ".changes", ".output", ".user", ".subscriptions", ".view", ".limit", ".headers"] where before.hasPrefix(command) {
            return []
        }
        var words = shell.currentCollection?.properties.map { Printer.name($0.name) } ?? []
        if !prefix.isEmpty { words += keywords }
        return words.filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// The files and folders whose paths start with `prefix` (folders end in "/"), relative to
    /// `directory` unless absolute; `~/` is the home folder. Hidden ones only for a prefix that
    /// names them with its dot.
    static func paths(completing prefix: String, in directory: String) -> [String] {
        let folder = prefix.lastIndex(of: "/").map { String(prefix[...$0]) } ?? ""
        let start = String(prefix.dropFirst(folder.count))
        var listed = folder.isEmpty ? directory : NSString(string: folder).expandingTildeInPath
        if !listed.hasPrefix("/") { listed = (directory as NSString).appendingPathComponent(listed) }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: listed) else { return [] }
        return entries.filter { $0.hasPrefix(start) && (!$0.hasPrefix(".") || start.hasPrefix(".")) }.sorted().map { entry in
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: (listed as NSString).appendingPathComponent(entry), isDirectory: &isFolder)
            return folder + entry + (exists && isFolder.boolValue ? "/" : "")
        }
    }
}
