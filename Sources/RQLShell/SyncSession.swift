import Foundation
import RQL
import RQLSync

/// The sync session commands: `.user`, `.subscribe`, `.unsubscribe`, `.subscriptions`, `.view`
/// and `.changes`. The session is one client: a user, the roles the app's rules give that user,
/// and a subscription store whose versions the shell acknowledges as the server would.
extension Shell {
    /// The session's subscription store. It is made on first use for the current schema and sync
    /// config, and made again while it is unused if they change (`.load` of another schema).
    var subscriptions: SubscriptionStore {
        get {
            let config = sync ?? .developmentMode
            if let store = subscriptionStore, store.latest.version > 0 || (store.schema == schema && store.config == config) {
                return store
            }
            let store = SubscriptionStore(schema: schema, config: config)
            subscriptionStore = store
            return store
        }
        set { subscriptionStore = newValue }
    }

    var resolver: PermissionResolver? {
        rules.map { PermissionResolver(rules: $0, schema: schema, config: sync ?? .developmentMode) }
    }

    // MARK: - .user

    func setUser(_ text: String) {
        if !text.isEmpty {
            let (loaded, diagnostics) = SyncUser.load(text)
            if !diagnostics.isEmpty { errors(renderer.render(diagnostics, source: text)) }
            guard let loaded, !diagnostics.hasErrors else { return }
            user = loaded
        }
        guard let user else {
            errors("no user: .user {\"id\": \"alice\"}")
            return
        }
        var summary = "user '\(escaped: user.id)'"
        if let customData = user.customData { summary += " custom_data " + JSONText.compact(customData) }
        output(summary)
        guard let resolver else {
            output("  no rules loaded: every collection is readable in full")
            return
        }
        let width = schema.collections.map { ControlCharacters.escaped($0.title).count }.max() ?? 0
        for collection in schema.collections {
            let label = "  " + (ControlCharacters.escaped(collection.title) + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + " "
            if sync?.isAsymmetric(collection) == true {
                output(label + "asymmetric (Data Ingest): clients insert, nobody subscribes")
                continue
            }
            let permissions = resolver.resolve(user: user, collection: collection)
            if let denial = permissions.denial {
                output(label + "denied: " + ControlCharacters.escaped(denial.description))
            } else {
                let source = permissions.roleSource == .defaultRule ? " (default rule)" : ""
                output(label + "role '\(escaped: permissions.roleName ?? "?")'\(source), reads " + ControlCharacters.escaped(PredicateText.rql(permissions.readFilter)))
            }
        }
    }

    // MARK: - .subscribe, .unsubscribe, .subscriptions

    /// `QUERY [as NAME]`: the query and the name.
    static func splitName(_ text: String) -> (query: String, name: String?) {
        guard let match = text.range(of: #"(^|\s+)as\s+([A-Za-z0-9_.:-]+)\s*$"#, options: .regularExpression) else {
            return (text, nil)
        }
        let name = text[match].trimmingCharacters(in: .whitespaces).dropFirst(2).trimmingCharacters(in: .whitespaces)
        return (String(text[..<match.lowerBound]), name)
    }

    func subscribe(_ text: String) {
        var (query, name) = Self.splitName(text)
        if query.isEmpty, let lastQuery { query = lastQuery }
        guard !query.isEmpty, let collection = currentCollection else {
            errors("usage: .subscribe QUERY [as NAME] (on the current collection)")
            return
        }
        if sync == nil { errors(renderer.headline(FlexibleSyncValidator.noConfigNote)) }
        // The caret diagnostics: what the server would say about this query.
        let result = FlexibleSyncValidator.validate(query, collection: collection, config: sync ?? .developmentMode)
        if !result.diagnostics.isEmpty { errors(renderer.render(result.diagnostics, source: query)) }
        // The SDK parses the query before sending it: a query that does not check is never sent.
        if Checker.check(query, collection: collection).query == nil { return }
        let latest = subscriptions.latest
        if latest.subscriptions.contains(where: { $0.name == name && $0.collection == collection.title && $0.query == query }) {
            output("already subscribed: version \(latest.version) (\(latest.state)) unchanged")
            return
        }
        commit { set throws(SubscriptionError) in
            try set.append(query, on: collection.title, name: name, updateExisting: true)
        }
    }

    func unsubscribe(_ text: String) {
        guard !text.isEmpty else {
            errors("usage: .unsubscribe NAME|QUERY|all")
            return
        }
        let latest = subscriptions.latest.subscriptions
        if text == "all" {
            guard !latest.isEmpty else { errors("no subscriptions"); return }
            commit { set in set.removeAll() }
        } else if latest.contains(where: { $0.name == text }) {
            commit { set in set.remove(named: text) }
        } else if let collection = currentCollection, latest.contains(where: { $0.query == text && $0.collection == collection.title }) {
            commit { set in set.remove(query: text, on: collection.title) }
        } else {
            errors("no subscription named '\(escaped: text)'" + (current.map { " or with that query on '\(escaped: $0)'" } ?? "") + "; .subscriptions lists them")
        }
    }

    /// Makes a new version with the edit, has the server acknowledge it, and prints the outcome.
    private func commit(_ edit: (inout MutableSubscriptionSet) throws(SubscriptionError) -> Void) {
        var store = subscriptions
        do throws(SubscriptionError) {
            try store.update(edit)
        } catch {
            errors(ControlCharacters.escaped(error.message))
            return
        }
        let set = store.acknowledge()
        subscriptions = store
        output(ControlCharacters.escaped(describe(set, active: store.active)))
    }

    /// `version 2: complete (3 subscriptions)`, or `version 3: error: ...; version 2 stays active`.
    func describe(_ set: SubscriptionSet, active: SubscriptionSet) -> String {
        let count = "\(set.subscriptions.count) subscription" + (set.subscriptions.count == 1 ? "" : "s")
        if case .error = set.state {
            return "version \(set.version): \(set.state); version \(active.version) stays active (.unsubscribe the rejected query to go on)"
        }
        return "version \(set.version): \(set.state) (\(count))"
    }

    func listSubscriptions() {
        let store = subscriptions
        func list(_ label: String, _ set: SubscriptionSet) {
            output("\(label): version \(set.version), \(escaped: "\(set.state)")")
            if set.subscriptions.isEmpty { output("  (no subscriptions)") }
            for s in set.subscriptions {
                output(ControlCharacters.escaped("  \(s.collection): \(s.query)" + (s.name.map { " (as \($0))" } ?? "")))
            }
            output("  wire form: \(escaped: set.wireForm)")
        }
        list("active", store.active)
        if store.latest.version != store.active.version {
            list("latest", store.latest)
        } else {
            output("latest: version \(store.latest.version), the active set")
        }
    }

    // MARK: - .view

    /// The documents of the current collection that the session's client would have: its active
    /// subscriptions on the collection, ORed, AND its role's read filter.
    func showView() {
        guard let collection = currentCollection else {
            errors("no collection chosen: .use \(escaped: schema.titles.joined(separator: "|"))")
            return
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let store = subscriptions
        guard store.activeQueries.contains(where: { $0.collection.title == collection.title }) else {
            errors("no active subscription on '\(escaped: collection.title)' (active set: version \(store.active.version)): .subscribe QUERY")
            return
        }
        var readFilter = CheckedPredicate.constant(true)
        if let resolver {
            guard let user else {
                errors("no user: .user {\"id\": \"alice\"}")
                return
            }
            let permissions = resolver.resolve(user: user, collection: collection)
            if let denial = permissions.denial {
                errors(ControlCharacters.escaped("user '\(user.id)' sees nothing in '\(collection.title)': \(denial)"))
                return
            }
            readFilter = permissions.readFilter
        }
        let view = ClientView(collection: collection, subscriptions: store.activeQueries, readFilter: readFilter)
        show(view.compiled, collection: collection, start: start)
    }

    // MARK: - .changes

    func replayChanges(_ path: String) {
        guard !path.isEmpty else {
            errors("usage: .changes FILE (JSON lines: clients, then changes; .help .changes)")
            return
        }
        guard let text = readText(path) else { return }
        let replay = ChangeReplay(schema: schema, sync: sync, rules: rules)
        let (lines, notes, diagnostics) = replay.replay(text, file: path)
        report(diagnostics, texts: [path: text])
        for note in notes { errors(note) }
        for line in lines { output(line) }
    }
}

/// A checked predicate as RQL text, for showing read filters: `owner == "alice"`.
public enum PredicateText {
    public static func rql(_ p: CheckedPredicate) -> String {
        switch p {
        case .constant(let b): return b ? "TRUEPREDICATE" : "FALSEPREDICATE"
        case .not(let inner): return "NOT " + grouped(inner)
        case .and(let parts): return join(parts, " AND ")
        case .or(let parts): return join(parts, " OR ")
        case .comparison(let c):
            let op = c.op.rawValue + (c.caseInsensitive ? "[c]" : "")
            if c.op == .equal, case .list = c.right.kind, c.right.quantifier == nil, c.left.property?.isList == false {
                return operand(c.left) + " IN " + operand(c.right)
            }
            return operand(c.left) + " " + op + " " + operand(c.right)
        }
    }

    /// A read filter is `read OR write`, often the same expression twice: it is shown once. Each
    /// part is rendered once (rendering it again to group it doubled the work per nesting level).
    private static func join(_ parts: [CheckedPredicate], _ separator: String) -> String {
        var seen: Set<String> = []
        let unique = parts.map { (text: rql($0), predicate: $0) }.filter { seen.insert($0.text).inserted }
        return unique.count == 1 ? unique[0].text : unique.map { grouped($0.predicate, text: $0.text) }.joined(separator: separator)
    }

    private static func grouped(_ p: CheckedPredicate) -> String { grouped(p, text: rql(p)) }

    /// `text`, the rendering of `p`, in parentheses when `p` is an AND or an OR.
    private static func grouped(_ p: CheckedPredicate, text: String) -> String {
        switch p {
        case .and, .or: "(" + text + ")"
        default: text
        }
    }

    private static func operand(_ o: CheckedOperand) -> String {
        let q = o.quantifier.map { $0.rawValue + " " } ?? ""
        switch o.kind {
        case .property(let p): return q + Printer.name(p.name)
        case .constant(let v): return CheckedDump.literal(v)
        case .list(let vs): return q + "{" + vs.map(CheckedDump.literal).joined(separator: ", ") + "}"
        }
    }
}

/// Compact JSON text of a parsed node, for echoing a user's custom data.
enum JSONText {
    static func compact(_ node: JSONNode) -> String {
        switch node.value {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let n): n
        case .string(let s): ControlCharacters.jsonQuoted(s)
        case .array(let items): "[" + items.map(compact).joined(separator: ", ") + "]"
        case .object(let members): "{" + members.map { ControlCharacters.jsonQuoted($0.key) + ": " + compact($0.value) }.joined(separator: ", ") + "}"
        }
    }
}
