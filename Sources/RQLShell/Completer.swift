import RQL

/// Tab completion: dot-commands at the start of a line, and in a query the current collection's
/// properties and RQL's keywords; after `.use` and `.schema`, collection names; after
/// `.unsubscribe`, subscription names and `all`; after `.mode`, the modes; after `.columns`,
/// properties and `all`.
public enum Completer {
    /// Keywords offered in queries (the canonical spellings).
    public static let keywords = ["AND", "OR", "NOT", "IN", "ANY", "ALL", "NONE", "BEGINSWITH", "ENDSWITH", "CONTAINS", "LIKE",
                                  "BETWEEN", "TRUEPREDICATE", "FALSEPREDICATE", "true", "false", "null"]

    /// Candidates for the word `prefix` that ends the text `line` (the whole line so far).
    public static func candidates(line: String, prefix: String, shell: Shell) -> [String] {
        let before = line.dropLast(prefix.count).trimmingCharacters(in: .whitespaces)
        if before.isEmpty, prefix.hasPrefix(".") {
            return ShellCommand.all.map(\.name).filter { $0.hasPrefix(prefix) }
        }
        if before == ".use" || before == ".schema" {
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
        for command in [".open", ".load", ".read", ".changes", ".user", ".subscriptions", ".view"] where before.hasPrefix(command) {
            return []
        }
        var words = shell.currentCollection?.properties.map { Printer.name($0.name) } ?? []
        if !prefix.isEmpty { words += keywords }
        return words.filter { $0.hasPrefix(prefix) }.sorted()
    }
}
