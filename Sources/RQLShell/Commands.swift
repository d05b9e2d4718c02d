import Foundation
import RQL

/// One dot-command: the single table that `.help`, completion and dispatch all read.
public struct ShellCommand: Sendable {
    public let name: String
    public let arguments: String
    public let help: String
    /// More lines shown by `.help NAME` (the exact name).
    public var details: String = ""
    let run: @Sendable (Shell, String) -> Shell.Outcome

    /// A command that shows one stage of the pipeline for the given query or the last one.
    static func explain(_ name: String, _ part: Shell.ExplainPart, help: String) -> ShellCommand {
        ShellCommand(name: name, arguments: "[query]", help: help) { shell, args in
            shell.explain(args, part)
            return .proceed
        }
    }

    /// A write to the current collection (`.insert {...}`, `.delete 3`...).
    static func write(_ verb: LiveCollection.Write.Verb, help: String) -> ShellCommand {
        ShellCommand(name: ".\(verb.rawValue)", arguments: verb == .delete ? "ID" : "{json}", help: help) { shell, args in
            shell.write(verb, args)
            return .proceed
        }
    }

    /// A setting that is on or off (`.timer`, `.bail`, `.echo`): alone, it says which; a value
    /// other than on or off is refused with the choices.
    static func toggle(_ name: String, _ setting: ReferenceWritableKeyPath<Shell, Bool> & Sendable, help: String) -> ShellCommand {
        ShellCommand(name: name, arguments: "[on|off]", help: help) { shell, args in
            let word = name.dropFirst()
            switch args {
            case "": shell.output("\(word) \(shell[keyPath: setting] ? "on" : "off")")
            case "on", "off": shell[keyPath: setting] = args == "on"
            default: shell.errors("usage: \(name) on|off (now \(shell[keyPath: setting] ? "on" : "off"))")
            }
            return .proceed
        }
    }

    /// Every command, in the order `.help` lists them.
    public static let all: [ShellCommand] = [
        ShellCommand(name: ".help", arguments: "[pattern]", help: "list the commands (those matching the pattern)") { shell, args in
            shell.help(args)
            return .proceed
        },
        ShellCommand(name: ".open", arguments: "DIR", help: "open an App Services export (schemas, sync/config.json, data/*.json)") { shell, args in
            guard !args.isEmpty else { shell.errors("usage: .open DIR"); return .proceed }
            if shell.open(directory: args) {
                shell.summary()
                if let user = shell.user { shell.output("sync session as user '\(escaped: user.id)' (.user to change)") }
            }
            return .proceed
        },
        ShellCommand(name: ".schema", arguments: "[collection]", help: "show the collections, or one collection's properties") { shell, args in
            shell.showSchema(args)
            return .proceed
        },
        ShellCommand(name: ".load", arguments: "FILE [collection]", help: "load a schema.json, or Extended JSON documents into a collection") { shell, args in
            let parts = args.split(separator: " ", maxSplits: 1).map(String.init)
            guard let path = parts.first else { shell.errors("usage: .load FILE [collection]"); return .proceed }
            // A schema or documents, by what the file holds, not by its name.
            guard let text = shell.readText(path) else { return .proceed }
            if Shell.isSchema(text) {
                let before = Set(shell.schema.titles)
                if shell.loadSchema(file: path) {
                    let added = shell.schema.collections.filter { !before.contains($0.title) }
                    shell.output(added.map { "schema '\(escaped: $0.title)': \($0.properties.count) properties" }.joined(separator: "\n"))
                }
            } else if let collection = parts.count > 1 ? parts[1] : shell.current {
                if shell.load(file: path, into: collection) {
                    let target = shell.schema.lookup(collection)?.title ?? collection
                    shell.output("\(shell.collections[target]?.count ?? 0) objects in '\(escaped: target)'"
                                 + (parts.count > 1 ? "" : " (the current collection; .load FILE COLLECTION for another)"))
                }
            } else {
                shell.errors("which collection? .load FILE COLLECTION")
            }
            return .proceed
        },
        ShellCommand(name: ".use", arguments: "collection", help: "query this collection from now on") { shell, args in
            guard !args.isEmpty else {
                shell.errors("usage: .use COLLECTION (" + (shell.schema.isEmpty ? "no schema yet" : "one of \(escaped: shell.schema.titles.joined(separator: ", "))")
                             + (shell.current.map { "; now \(escaped: $0)" } ?? "") + ")")
                return .proceed
            }
            // An exact name, else the one name that differs only in case.
            let folded = shell.schema.titles.filter { $0.lowercased() == args.lowercased() }
            guard let c = shell.schema.lookup(args)
                    ?? (folded.count == 1 ? shell.schema.lookup(folded[0]) : nil) else {
                let suggestion = Checker.closestName(to: args, in: shell.schema.titles).map { "did you mean '\(escaped: $0)'? " } ?? ""
                shell.errors("no collection '\(escaped: args)'; \(suggestion)there are: \(escaped: shell.schema.titles.joined(separator: ", "))")
                return .proceed
            }
            shell.current = c.title
            return .proceed
        },
        ShellCommand(name: ".args", arguments: "[LIT, LIT, ...|clear]", help: "set $0, $1, ... as RQL literals ({...} is a list); alone, show them; clear removes them") { shell, args in
            if args.isEmpty {
                shell.output(shell.argumentsText.map { "$0... = \($0)" } ?? "no arguments: .args LIT, LIT, ... binds $0, $1, ...")
                return .proceed
            }
            if args == "clear" {
                shell.arguments = []
                shell.argumentsText = nil
                return .proceed
            }
            let parsed = ArgumentList.parse(args)
            if parsed.diagnostics.hasErrors {
                shell.errors(shell.renderer.render(parsed.diagnostics, source: args))
            } else {
                shell.arguments = parsed.values
                shell.argumentsText = args
            }
            return .proceed
        },
        explain(".tokens", .tokens, help: "the tokens of the query (or of the last one)"),
        explain(".ast", .ast, help: "the syntax tree"),
        explain(".optimized", .optimized, help: "the checked query after the optimizer"),
        explain(".bytecode", .bytecode, help: "the VM program, EXPLAIN-style"),
        explain(".plan", .plan, help: "how the query reaches the objects: an index search, or a scan (EXPLAIN QUERY PLAN)"),
        explain(".explain", .all, help: "all of it: tokens, tree, checked and optimized query, bytecode, plan"),
        ShellCommand(name: ".index", arguments: "[PROPERTY]", help: "index a property of the current collection (equality, IN, ranges); without one, list the indexes") { shell, args in
            guard let collection = shell.currentCollection else {
                shell.errors("no collection chosen: .use COLLECTION")
                return .proceed
            }
            if args.isEmpty {
                let names = shell.collections[collection.title]?.indexedProperties ?? []
                shell.output(names.isEmpty ? "no indexes on \(collection.title): .index PROPERTY makes one"
                             : "indexes on \(collection.title): \(names.joined(separator: ", "))")
            } else {
                shell.addIndex(args, on: collection)
            }
            return .proceed
        },
        write(.insert, help: "add a document ({\"_id\": 1, ...}), or an array of them, to the current collection"),
        write(.replace, help: "replace the document with that _id; the fields left out become null"),
        write(.upsert, help: "insert, or replace when the _id is there"),
        write(.update, help: "set the fields named on the document with that _id: {\"_id\": 1, \"status\": \"done\"}"),
        write(.delete, help: "delete the document with this _id (Extended JSON: 1, \"a\", {\"$oid\": \"...\"})"),
        ShellCommand(name: ".user", arguments: "[{json}]", help: "set the session's user, e.g. {\"id\": \"bob\", \"custom_data\": {\"isAdmin\": true}}; show its role per collection",
                     details: """
                       The user is a JSON object: "id" (required), "type" ("normal" or "server"), "custom_data", "data", "identities".
                       The rules pick its role per collection (the first role whose apply_when is true); the role's read filter
                       limits what .view shows. Opening an app with rules starts as {"id": "alice"}.
                       """) { shell, args in
            shell.setUser(args)
            return .proceed
        },
        ShellCommand(name: ".subscribe", arguments: "[query] [as NAME]", help: "add a subscription on the current collection: a new version, acknowledged as the server would",
                     details: """
                       The query is checked as a Flexible Sync subscription (diagnostics with a caret), added to the session's latest
                       set, and the new version is acknowledged: complete (it becomes the active set) or error with the server's
                       message (the previous active set stays active). An unnamed query already in the set is not added twice; a
                       name that exists with another query is updated. With no query, the last query run. A subscription is sent as
                       text, so .args values are not bound: write the values in the query.
                       """) { shell, args in
            shell.subscribe(args)
            return .proceed
        },
        ShellCommand(name: ".unsubscribe", arguments: "NAME|QUERY|all", help: "remove a subscription by name, by query (on the current collection), or all of them") { shell, args in
            shell.unsubscribe(args)
            return .proceed
        },
        ShellCommand(name: ".subscriptions", arguments: "", help: "the active and latest subscription sets: version, state, subscriptions, wire form") { shell, _ in
            shell.listSubscriptions()
            return .proceed
        },
        ShellCommand(name: ".view", arguments: "", help: "the current collection as the session's client has it: (its subscriptions, ORed) AND (its role's read filter)") { shell, _ in
            shell.showView()
            return .proceed
        },
        ShellCommand(name: ".changes", arguments: "FILE", help: "replay a change file (JSON lines: clients, then changes) and print who receives each change",
                     details: ChangeScript.formatHelp) { shell, args in
            shell.replayChanges(args)
            return .proceed
        },
        ShellCommand(name: ".read", arguments: "FILE", help: "run the statements in a file") { shell, args in
            guard !args.isEmpty else { shell.errors("usage: .read FILE"); return .proceed }
            shell.read(file: args)
            return .proceed
        },
        toggle(".timer", \.timer, help: "after each query print \"N of M objects, T ms\" (in count mode, in place of the count); alone, say which"),
        ShellCommand(name: ".mode", arguments: "[MODE]",
                     help: "how matches are shown: " + Shell.Mode.allCases.map(\.rawValue).joined(separator: ", ") + " (.help .mode); alone, the current mode",
                     details: """
                       table     aligned columns, long values cut with "…", narrowed to fit the terminal; "(N rows)" under it
                       list      one "name = value" line per property, a blank line between objects
                       auto      a table when it fits the terminal, else a list (psql's \\x auto)
                       csv       RFC 4180, every match (.output FILE to save it)
                       markdown  a pipe table
                       json      Relaxed Extended JSON, one object per line, every match
                       count     the number of matches
                       """) { shell, args in
            if args.isEmpty {
                shell.output("mode \(shell.mode.rawValue)")
                return .proceed
            }
            guard let mode = Shell.Mode(rawValue: args) else {
                shell.errors("no mode '\(escaped: args)'; modes: " + Shell.Mode.allCases.map(\.rawValue).joined(separator: ", ")
                             + " (now \(shell.mode.rawValue))")
                return .proceed
            }
            shell.mode = mode
            return .proceed
        },
        toggle(".headers", \.headers, help: "column names above table and csv rows (a markdown table always has them) and the table's \"(N rows)\"; alone, say which"),
        ShellCommand(name: ".limit", arguments: "[N]", help: "rows shown by table, list and markdown (csv and json show all); 0: no limit; alone, the limit") { shell, args in
            if args.isEmpty {
                shell.output(shell.rowLimit.map { "limit \($0)" } ?? "limit 0 (every row)")
                return .proceed
            }
            guard let n = Int(args), n >= 0 else {
                shell.errors("usage: .limit N (rows shown; 0 for every row; now \(shell.rowLimit ?? 0))")
                return .proceed
            }
            shell.rowLimit = n == 0 ? nil : n
            return .proceed
        },
        ShellCommand(name: ".columns", arguments: "[a,b,...|all]", help: "the properties shown, in this order, for the current collection; all: every one; alone, the choice") { shell, args in
            shell.chooseColumns(args)
            return .proceed
        },
        ShellCommand(name: ".output", arguments: "[FILE]", help: "write matches to FILE (emptied first); alone, back to standard output") { shell, args in
            shell.sendResults(to: args.isEmpty ? nil : args)
            return .proceed
        },
        toggle(".bail", \.bail, help: "stop at the first statement that fails (scripts and .read files)"),
        toggle(".echo", \.echo, help: "print each statement before its result"),
        ShellCommand(name: ".quit", arguments: "", help: "leave (also .exit and Ctrl-D)") { _, _ in .quit },
        ShellCommand(name: ".exit", arguments: "", help: "leave") { _, _ in .quit },
    ]
}

extension Shell {
    func runCommand(_ line: String) -> Outcome {
        let name = String(line.prefix { !$0.isWhitespace })
        let args = line.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        guard let command = ShellCommand.all.first(where: { $0.name == name }) else {
            let names = ShellCommand.all.map(\.name)
            let close = Checker.closestName(to: name, in: names).map { [$0] } ?? names.filter { $0.hasPrefix(String(name.prefix(3))) }
            errors("unknown command '\(escaped: name)'" + (close.isEmpty ? "; .help lists them" : "; did you mean \(close.joined(separator: " or "))?"))
            return .proceed
        }
        return command.run(self, args)
    }

    /// `.help syntax`: the language on one screen, as psql's `\\h`.
    static let syntaxSummary = """
        A query is a predicate on the current collection's properties (docs/LANGUAGE.md has it all):
          compare      prop == value, !=, <, <=, >, >=, prop BETWEEN {low, high}, prop IN {v1, v2, ...}
          strings      BEGINSWITH, ENDSWITH, CONTAINS, LIKE (* any run, ? one character); [c] folds case
          lists        ANY (SOME), ALL, NONE listProp op value; "x" IN listProp
          logic        AND (&&), OR (||), NOT (!), parentheses; TRUEPREDICATE, FALSEPREDICATE
          values       42, -1.5, "text" or 'text', true, false, null (nil), T1700000000:0, 2024-01-31@10:00:00,
                       oid(...), uuid(...), bin("..."), B64"..." (a string), $0 $1 ... (.args)
          not here     key paths, @links, aggregates (@count, @size, @max), SUBQUERY, TEXT, geospatial queries,
                       SORT, DISTINCT and LIMIT: outside the Flexible Sync subset, each refused with its reason
        .explain QUERY shows how a query is read, checked, optimized, compiled and planned.
        """

    func help(_ pattern: String) {
        if pattern == "syntax" {
            output(Self.syntaxSummary)
            return
        }
        let width = ShellCommand.all.map { ($0.name + " " + $0.arguments).count }.max() ?? 20
        for c in ShellCommand.all where pattern.isEmpty || c.name.contains(pattern) || c.help.contains(pattern) {
            let usage = c.name + (c.arguments.isEmpty ? "" : " " + c.arguments)
            output(usage.padding(toLength: width + 2, withPad: " ", startingAt: 0) + c.help)
            if c.name == pattern, !c.details.isEmpty { output(c.details.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")) }
        }
        if pattern.isEmpty {
            output("Anything else is a query on the current collection, e.g. owner == \"alice\" AND priority >= 4 (.help syntax: the language)")
        }
    }

    /// `.columns`: names separated by commas or spaces, each a property of the current collection
    /// (or the one that differs only in case); `all` forgets the choice.
    func chooseColumns(_ args: String) {
        guard let collection = currentCollection else {
            errors("no collection chosen: .use COLLECTION")
            return
        }
        let names = collection.properties.map(\.name)
        if args.isEmpty {
            let shown = columns[collection.title].map { $0.joined(separator: ", ") } ?? "all (\(names.joined(separator: ", ")))"
            output("columns of \(escaped: collection.title): \(escaped: shown)")
            return
        }
        if args == "all" {
            columns[collection.title] = nil
            return
        }
        var chosen: [String] = []
        for word in args.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init) {
            let folded = names.filter { $0.lowercased() == word.lowercased() }
            guard let name = names.contains(word) ? word : folded.count == 1 ? folded[0] : nil else {
                errors("no property '\(escaped: word)' in '\(escaped: collection.title)'"
                       + (Checker.closestName(to: word, in: names).map { "; did you mean '\(escaped: $0)'?" } ?? "")
                       + "; nothing changed")
                return
            }
            chosen.append(name)
        }
        guard !chosen.isEmpty else {
            errors("usage: .columns a,b,... or .columns all")
            return
        }
        columns[collection.title] = chosen
    }

    func summary() {
        for c in schema.collections {
            let asymmetric = sync?.isAsymmetric(c) == true ? " (asymmetric)" : ""
            output("\(escaped: c.title)\(asymmetric): \(c.properties.count) properties, \(collections[c.title]?.count ?? 0) objects")
        }
        if let current { output("querying '\(escaped: current)' (.use to change)") }
    }

    func showSchema(_ name: String) {
        if name.isEmpty {
            summary()
            return
        }
        guard let c = schema.lookup(name) else {
            errors("no collection '\(escaped: name)'")
            return
        }
        let queryable = sync.map { $0.developmentModeEnabled ? nil : $0.queryableFields(for: c) } ?? nil
        let indexed = sync?.indexedQueryableField
        for p in c.properties {
            var notes: [String] = []
            if p.isNullable { notes.append("optional") }
            if let queryable, queryable.contains(p.name) { notes.append(p.name == indexed ? "indexed queryable" : "queryable") }
            output("  " + ControlCharacters.escaped(Printer.name(p.name)).padding(toLength: 16, withPad: " ", startingAt: 0) + p.type.description
                   + (notes.isEmpty ? "" : "  (" + notes.joined(separator: ", ") + ")"))
        }
    }

    enum ExplainPart { case tokens, ast, optimized, bytecode, plan, all }

    func explain(_ text: String, _ part: ExplainPart) {
        guard let query = text.isEmpty ? lastQuery : text else {
            errors("no query yet: give one, e.g. .explain age > 3")
            return
        }
        let collection = currentCollection
        let snapshot = collection.flatMap { live($0)?.snapshot() }
        let listing = PipelineListing(query, collection: collection, arguments: arguments) { compiled in
            ("plan", snapshot.map { compiled.plan(in: $0) } ?? compiled.plan(CollectionIndexes(schema: compiled.checked.collection), rowCount: 0))
        }
        let stages: [PipelineListing.Stage] = switch part {
        case .tokens: [.tokens]
        case .ast: [.syntaxTree]
        case .optimized: [.optimized]
        case .bytecode: [.bytecode]
        case .plan: [.plan]
        case .all: [.tokens, .syntaxTree, .canonicalForm, .checked, .optimized, .bytecode, .plan]
        }
        for section in listing.sections where stages.contains(section.stage) {
            // `.explain` labels its sections as `rql explain` does; one stage alone needs no label.
            if part == .all { output("-- " + section.title) }
            output(section.text)
        }
        if !listing.diagnostics.isEmpty { errors(renderer.render(listing.diagnostics, source: listing.source)) }
        if !listing.failed, collection == nil, part != .tokens, part != .ast {
            errors("no collection chosen: .use COLLECTION")
        }
    }
}
