import RQL

/// The rules of one collection (`data_sources/<service>/<database>/<collection>/rules.json`).
public struct CollectionRules: Hashable, Sendable {
    /// The file name App Services exports.
    public static let fileName = "rules.json"

    /// `database`, if written.
    public var database: String?
    /// `collection`: the MongoDB collection name.
    public var collection: String
    /// `roles`, in evaluation order.
    public var roles: [Role]
    /// `filters`.
    public var filters: [RuleFilter]
    /// The file the rules were read from, for diagnostics.
    public var file: String?

    /// Rules built in code.
    public init(database: String? = nil, collection: String, roles: [Role], filters: [RuleFilter] = [], file: String? = nil) {
        self.database = database
        self.collection = collection
        self.roles = roles
        self.filters = filters
        self.file = file
    }

    /// Reads `rules.json` text. The rules are nil when there is any error; every problem found is
    /// reported, naming the file, the role and the field.
    public static func load(_ text: String, file: String? = nil) -> (rules: CollectionRules?, diagnostics: [Diagnostic]) {
        switch JSON.parseResult(text) {
        case .failure(let error): return (nil, [Diagnostic(jsonError: error, file: file)])
        case .success(let root): return load(root, file: file)
        }
    }

    /// Reads an already parsed `rules.json`.
    public static func load(_ root: JSONNode, file: String? = nil) -> (rules: CollectionRules?, diagnostics: [Diagnostic]) {
        var reader = RulesFileReader(file: file, subject: fileName)
        guard let members = reader.object(root, what: "the file") else { return (nil, reader.diagnostics) }
        reader.rejectUnknownKeys(members, allowed: ["database", "collection", "roles", "filters"], in: "the file")

        let database = reader.string(root, key: "database", required: false)
        let collection = reader.string(root, key: "collection", required: true, missingAt: JSONHead.head(root))
        if let collection {
            reader.subject = "\(fileName) for '\(database.map { "\($0)." } ?? "")\(collection)'"
        }
        let roles = reader.roles(root.member("roles"))
        let filters = reader.filters(root.member("filters"))
        guard let collection, !reader.diagnostics.hasErrors else { return (nil, reader.diagnostics) }
        return (CollectionRules(database: database, collection: collection, roles: roles, filters: filters, file: file),
                reader.diagnostics)
    }
}

/// The data source's default rules (`data_sources/<service>/default_rule.json`): used for every
/// collection that has no roles of its own.
public struct DefaultRule: Hashable, Sendable {
    /// The file name App Services exports.
    public static let fileName = "default_rule.json"

    /// `roles`, in evaluation order.
    public var roles: [Role]
    /// `filters`.
    public var filters: [RuleFilter]
    /// The file the rules were read from, for diagnostics.
    public var file: String?

    /// Default rules built in code.
    public init(roles: [Role], filters: [RuleFilter] = [], file: String? = nil) {
        self.roles = roles
        self.filters = filters
        self.file = file
    }

    /// Reads `default_rule.json` text; nil with the errors when it is malformed.
    public static func load(_ text: String, file: String? = nil) -> (rule: DefaultRule?, diagnostics: [Diagnostic]) {
        switch JSON.parseResult(text) {
        case .failure(let error): return (nil, [Diagnostic(jsonError: error, file: file)])
        case .success(let root): return load(root, file: file)
        }
    }

    /// Reads an already parsed `default_rule.json`.
    public static func load(_ root: JSONNode, file: String? = nil) -> (rule: DefaultRule?, diagnostics: [Diagnostic]) {
        var reader = RulesFileReader(file: file, subject: fileName)
        guard let members = reader.object(root, what: "the file") else { return (nil, reader.diagnostics) }
        reader.rejectUnknownKeys(members, allowed: ["roles", "filters"], in: "the file")
        let roles = reader.roles(root.member("roles"))
        let filters = reader.filters(root.member("filters"))
        guard !reader.diagnostics.hasErrors else { return (nil, reader.diagnostics) }
        return (DefaultRule(roles: roles, filters: filters, file: file), reader.diagnostics)
    }
}

/// Where the roles for a collection come from.
public enum RoleSource: String, Hashable, Sendable {
    /// The collection's own `rules.json`.
    case collection
    /// `default_rule.json`, because the collection has no roles of its own.
    case defaultRule = "default rule"
}

/// The rules of a data source: each collection's `rules.json` and the `default_rule.json`.
public struct RuleSet: Hashable, Sendable {
    /// Collection rules in the order added.
    public private(set) var collections: [CollectionRules]
    /// The default rules, if any.
    public var defaultRule: DefaultRule?

    /// A rule set.
    public init(collections: [CollectionRules] = [], defaultRule: DefaultRule? = nil) {
        self.collections = []
        self.defaultRule = defaultRule
        for c in collections { add(c) }
    }

    /// Adds (or replaces) the rules of a collection.
    public mutating func add(_ rules: CollectionRules) {
        if let i = collections.firstIndex(where: { $0.collection == rules.collection && $0.database == rules.database }) {
            collections[i] = rules
        } else {
            collections.append(rules)
        }
    }

    /// The `rules.json` of a collection (by MongoDB collection name), if there is one.
    public func rules(for collection: String) -> CollectionRules? {
        collections.first { $0.collection == collection }
    }

    /// The roles that apply to a collection, as App Services picks them: the collection's own
    /// roles if it has any, otherwise the default roles (an empty list when there are neither).
    public func roles(for collection: String) -> (roles: [Role], source: RoleSource) {
        if let own = rules(for: collection), !own.roles.isEmpty { return (own.roles, .collection) }
        return (defaultRule?.roles ?? [], .defaultRule)
    }
}

// MARK: - Reading

/// The state of reading one rules file: its diagnostics and how to name the file in them.
/// Messages read `rules.json for 'todo.Task': role 'owner' (roles[0]): 'apply_when' must be...`.
struct RulesFileReader {
    let file: String?
    /// `rules.json for 'todo.Task'`, `default_rule.json`, `user`.
    var subject: String
    /// The role being read, for messages: `role 'owner' (roles[0])`.
    var location: String?
    var diagnostics: [Diagnostic] = []

    /// Old (pre-2023) and camel-case spellings, with the key App Services uses now.
    static let renamedKeys: [String: String] = [
        "applyWhen": "apply_when", "documentFilters": "document_filters", "additionalFields": "additional_fields",
        "defaultRoles": "roles", "customData": "custom_data",
    ]

    init(file: String?, subject: String) {
        self.file = file
        self.subject = subject
    }

    mutating func report(_ code: DiagnosticCode, _ message: String, at range: SourceRange, notes: [DiagnosticNote] = []) {
        let prefix = location.map { "\(subject): \($0): " } ?? "\(subject): "
        diagnostics.append(Diagnostic(code, prefix + message, at: range, notes: notes, file: file))
    }

    /// `a string ("abc")`, `an array`, `a number (3)`: what was found, for messages.
    func describe(_ node: JSONNode) -> String {
        switch node.value {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .number(let n): "a number (\(n))"
        case .string(let s): "a string (\"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\")"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The members of an object, or nil after reporting what was found instead.
    mutating func object(_ node: JSONNode, what: String, code: DiagnosticCode = .invalidRules) -> [JSONMember]? {
        guard let members = node.objectMembers else {
            report(code, "\(what) must be a JSON object, found \(describe(node))", at: node.range)
            return nil
        }
        return members
    }

    mutating func rejectUnknownKeys(_ members: [JSONMember], allowed: [String], in what: String,
                                    code: DiagnosticCode = .invalidRules) {
        for member in members where !allowed.contains(member.key) {
            if let renamed = Self.renamedKeys[member.key], allowed.contains(renamed) {
                report(code, "unknown key '\(member.key)' in \(what); App Services calls it '\(renamed)'", at: member.keyRange,
                       notes: [DiagnosticNote("rules written before the 2023 unified rules use camelCase keys; rename it")])
            } else {
                report(code, "unknown key '\(member.key)' in \(what); expected one of \(allowed.map { "'\($0)'" }.joined(separator: ", "))",
                       at: member.keyRange)
            }
        }
    }

    /// The string value of `key`; a missing required key is reported at `missingAt`.
    mutating func string(_ node: JSONNode, key: String, required: Bool, missingAt: SourceRange = .none,
                         code: DiagnosticCode = .invalidRules) -> String? {
        guard let value = node[key] else {
            if required { report(code, "'\(key)' is missing", at: missingAt) }
            return nil
        }
        guard let s = value.stringValue, !s.isEmpty else {
            report(code, "'\(key)' must be a non-empty string, found \(describe(value))", at: value.range)
            return nil
        }
        return s
    }

    // MARK: Roles

    mutating func roles(_ member: JSONMember?) -> [Role] {
        guard let member else { return [] }
        guard let items = member.value.arrayValue else {
            report(.invalidRules, "'roles' must be an array of roles, found \(describe(member.value))", at: member.value.range)
            return []
        }
        var roles: [Role] = []
        var firstByName: [String: Role] = [:]
        for (i, item) in items.enumerated() {
            guard let role = role(item, index: i) else { continue }
            if let first = firstByName[role.name] {
                report(.duplicateRoleName, "role name '\(role.name)' (roles[\(i)]) is used twice; names must be unique per collection",
                       at: role.nameRange, notes: [DiagnosticNote("first used here", range: first.nameRange)])
                continue
            }
            firstByName[role.name] = role
            roles.append(role)
        }
        return roles
    }

    static let roleKeys = ["name", "apply_when", "document_filters", "read", "write", "insert", "delete", "search",
                           "fields", "additional_fields"]

    private mutating func role(_ node: JSONNode, index: Int) -> Role? {
        location = "roles[\(index)]"
        defer { location = nil }
        guard let members = object(node, what: "a role", code: .invalidRole) else { return nil }
        let errorsBefore = diagnostics.errors.count

        var name = ""
        var nameRange = node.range
        if let member = node.member("name") {
            nameRange = member.value.range
            if let s = member.value.stringValue, !s.isEmpty {
                name = s
                location = "role '\(s)' (roles[\(index)])"
                if s.count > RuleLimits.maxRoleNameLength {
                    report(.invalidRole, "'name' is \(s.count) characters long; App Services allows at most \(RuleLimits.maxRoleNameLength)",
                           at: member.value.range)
                }
            } else {
                report(.invalidRole, "'name' must be a non-empty string, found \(describe(member.value))", at: member.value.range)
            }
        } else {
            report(.invalidRole, "'name' is missing", at: JSONHead.head(node))
        }
        rejectUnknownKeys(members, allowed: Self.roleKeys, in: "a role", code: .invalidRole)

        var applyWhen: RuleExpression?
        if let member = node.member("apply_when") {
            applyWhen = expression(member.value, path: "apply_when", depth: 0)
        } else {
            report(.invalidRole, "'apply_when' is missing; write {} for a role that applies to every user",
                   at: JSONHead.head(node))
        }
        var documentFilters: DocumentFilters?
        if let member = node.member("document_filters"), let filterMembers = object(member.value, what: "'document_filters'", code: .invalidRole) {
            rejectUnknownKeys(filterMembers, allowed: ["read", "write"], in: "'document_filters'", code: .invalidRole)
            documentFilters = DocumentFilters(
                read: member.value["read"].flatMap { expression($0, path: "document_filters.read", depth: 0) },
                write: member.value["write"].flatMap { expression($0, path: "document_filters.write", depth: 0) },
                range: member.value.range)
        }
        func permission(_ key: String) -> RuleExpression? {
            node[key].flatMap { expression($0, path: key, depth: 0) }
        }
        let read = permission("read"), write = permission("write")
        let insert = permission("insert"), delete = permission("delete")
        var search: Bool?
        if let member = node.member("search") {
            search = member.value.boolValue
            if search == nil {
                report(.invalidRole, "'search' must be true or false, found \(describe(member.value))", at: member.value.range)
            }
        }
        let fields = node.member("fields").map { fieldRules($0.value, path: "fields", depth: 0) } ?? []
        var additionalFields: FieldPermissions?
        if let member = node.member("additional_fields") {
            additionalFields = fieldPermissions(member.value, path: "additional_fields", allowNested: false).permissions
        }

        guard diagnostics.errors.count == errorsBefore, let applyWhen else { return nil }
        return Role(name: name, applyWhen: applyWhen, documentFilters: documentFilters, read: read, write: write,
                    insert: insert, delete: delete, search: search, fields: fields, additionalFields: additionalFields,
                    nameRange: nameRange, range: node.range, file: file)
    }

    /// `fields`: `{"<field>": {"read": ..., "write": ..., "fields": {...}}}`.
    private mutating func fieldRules(_ node: JSONNode, path: String, depth: Int) -> [FieldRule] {
        guard depth < RuleLimits.maxExpressionDepth else {
            report(.invalidRole, "'\(path)' is nested deeper than \(RuleLimits.maxExpressionDepth) levels", at: node.range)
            return []
        }
        guard let members = object(node, what: "'\(path)'", code: .invalidRole) else { return [] }
        var result: [FieldRule] = []
        for member in members {
            let fieldPath = "\(path).\(member.key)"
            let (permissions, nested) = fieldPermissions(member.value, path: fieldPath, allowNested: true, depth: depth)
            if let permissions {
                result.append(FieldRule(name: member.key, permissions: permissions, fields: nested, nameRange: member.keyRange))
            }
        }
        return result
    }

    /// `{"read": ..., "write": ...}`, plus `fields` for a field rule.
    private mutating func fieldPermissions(_ node: JSONNode, path: String, allowNested: Bool,
                                           depth: Int = 0) -> (permissions: FieldPermissions?, nested: [FieldRule]) {
        guard let members = object(node, what: "'\(path)'", code: .invalidRole) else { return (nil, []) }
        rejectUnknownKeys(members, allowed: allowNested ? ["read", "write", "fields"] : ["read", "write"],
                          in: "'\(path)'", code: .invalidRole)
        let read = node["read"].flatMap { expression($0, path: "\(path).read", depth: 0) }
        let write = node["write"].flatMap { expression($0, path: "\(path).write", depth: 0) }
        let nested = allowNested ? node["fields"].map { fieldRules($0, path: "\(path).fields", depth: depth + 1) } ?? [] : []
        return (FieldPermissions(read: read, write: write, range: node.range), nested)
    }

    // MARK: Filters

    mutating func filters(_ member: JSONMember?) -> [RuleFilter] {
        guard let member else { return [] }
        guard let items = member.value.arrayValue else {
            report(.invalidRules, "'filters' must be an array, found \(describe(member.value))", at: member.value.range)
            return []
        }
        var result: [RuleFilter] = []
        for (i, item) in items.enumerated() {
            location = "filters[\(i)]"
            defer { location = nil }
            guard let members = object(item, what: "a filter") else { continue }
            rejectUnknownKeys(members, allowed: ["name", "apply_when", "query", "projection"], in: "a filter")
            guard let name = item["name"]?.stringValue, !name.isEmpty else {
                report(.invalidRules, "'name' must be a non-empty string", at: item["name"]?.range ?? JSONHead.head(item))
                continue
            }
            location = "filter '\(name)' (filters[\(i)])"
            let applyWhen = item["apply_when"].flatMap { expression($0, path: "apply_when", depth: 0) }
            for key in ["query", "projection"] {
                if let value = item[key], value.objectMembers == nil {
                    report(.invalidRules, "'\(key)' must be an object, found \(describe(value))", at: value.range)
                }
            }
            result.append(RuleFilter(name: name, applyWhen: applyWhen, query: item["query"], projection: item["projection"],
                                     range: item.range))
        }
        return result
    }
}

/// The first byte of a JSON value: errors about a whole object point at its `{`.
enum JSONHead {
    static func head(_ node: JSONNode) -> SourceRange {
        SourceRange(node.range.start, Swift.min(node.range.end, node.range.start + 1))
    }
}
