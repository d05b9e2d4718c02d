import RQL

/// The outcome of role selection for one user and collection.
public enum RoleSelection: Hashable, Sendable {
    /// The first role whose `apply_when` is true.
    case selected(Role, source: RoleSource)
    /// There are no roles to evaluate.
    case noRoles
    /// Every role's `apply_when` is false.
    case noRoleApplies(roles: [String], source: RoleSource)
    /// A role's `apply_when` could not be evaluated (it reads the document, calls a function...).
    case undecidable(Role, RuleEvaluationError)
}

/// Assigns roles and compiles their filters, as App Services does when a Device Sync session
/// starts:
///
/// 1. the roles are the collection's own roles, or the default roles if it has none (no
///    fallback to the default roles when no collection role applies);
/// 2. the first role, in file order, whose `apply_when` is true for the user is assigned; if none
///    is, access is denied;
/// 3. if that role is not sync compatible, access is denied (other roles are not considered);
/// 4. its expressions are expanded for the user, once, and compiled to predicates.
public struct PermissionResolver: Sendable {
    /// The rules of the data source.
    public var rules: RuleSet
    /// The collection schemas.
    public var schema: Schema
    /// The Flexible Sync config: which fields are queryable.
    public var config: SyncConfig
    /// `%%values`.
    public var values: [String: JSONNode]
    /// `%%environment`.
    public var environment: RuleEnvironment

    /// A resolver. Without a config, Development Mode is assumed (every field queryable).
    public init(rules: RuleSet, schema: Schema, config: SyncConfig = .developmentMode,
                values: [String: JSONNode] = [:], environment: RuleEnvironment = RuleEnvironment()) {
        self.rules = rules
        self.schema = schema
        self.config = config
        self.values = values
        self.environment = environment
    }

    /// The expansion inputs for `user`.
    public func context(for user: SyncUser) -> ExpansionContext {
        ExpansionContext(user: user, values: values, environment: environment)
    }

    /// The roles for a collection schema, looked up by its collection name, then by its title.
    public func roles(for collection: ObjectSchema) -> (roles: [Role], source: RoleSource) {
        if rules.rules(for: collection.collectionName) == nil, rules.rules(for: collection.title) != nil {
            return rules.roles(for: collection.title)
        }
        return rules.roles(for: collection.collectionName)
    }

    /// Picks the role for `user` on `collection`.
    public func selectRole(for user: SyncUser, collection: ObjectSchema) -> RoleSelection {
        let (roles, source) = roles(for: collection)
        guard !roles.isEmpty else { return .noRoles }
        let context = context(for: user)
        for role in roles {
            switch RuleEvaluator.evaluate(role.applyWhen, context: context, what: "role '\(role.name)': apply_when", file: role.file) {
            case .success(true): return .selected(role, source: source)
            case .success(false): continue
            case .failure(let error): return .undecidable(role, error)
            }
        }
        return .noRoleApplies(roles: roles.map(\.name), source: source)
    }

    /// The permissions of `user` on `collection` for a session.
    public func resolve(user: SyncUser, collection: ObjectSchema) -> ResolvedPermissions {
        func denied(_ denial: AccessDenial, _ role: Role? = nil, _ source: RoleSource? = nil) -> ResolvedPermissions {
            ResolvedPermissions(denied: denial, collection: collection, userID: user.id, role: role, source: source)
        }
        let role: Role, source: RoleSource
        switch selectRole(for: user, collection: collection) {
        case .noRoles: return denied(.noRoles)
        case .noRoleApplies(let names, let source): return denied(.noRoleApplies(roles: names), nil, source)
        case .undecidable(let r, let error): return denied(.applyWhenFailed(role: r.name, error), r)
        case .selected(let r, let s):
            role = r
            source = s
        }
        let problems = SyncCompatibility.check(role, collection: collection, config: config)
        guard problems.isEmpty, let filters = role.documentFilters, let readExpression = filters.read,
              let writeExpression = filters.write else {
            return denied(.notSyncCompatible(role: role.name, reasons: problems), role, source)
        }

        let context = context(for: user)
        func compile(_ e: RuleExpression, _ name: String) throws(RuleEvaluationError) -> CheckedPredicate {
            try DocumentFilterCompiler.compile(e, collection: collection, context: context,
                                               what: "role '\(role.name)': \(name)", file: role.file).get()
        }
        let fieldAccess = Self.fieldAccess(role, collection)
        let grantsRead = fieldAccess.values.contains { $0.read }
        let grantsWrite = fieldAccess.values.contains { $0.write }
        do throws(RuleEvaluationError) {
            // A role that grants no field at all sees and changes nothing, whatever its filters say.
            var write = CheckedPredicate.constant(false)
            if grantsWrite { write = try compile(writeExpression, "document_filters.write") }
            var read = CheckedPredicate.constant(false)
            if grantsRead { read = PredicateBuilder.or([try compile(readExpression, "document_filters.read"), write]) }
            let insert = PredicateBuilder.and([write, try compile(role.effectiveInsert, "insert")])
            let delete = PredicateBuilder.and([write, try compile(role.effectiveDelete, "delete")])
            return ResolvedPermissions(collection: collection, userID: user.id, role: role, source: source, read: read,
                                       write: write, insert: insert, delete: delete, fieldAccess: fieldAccess)
        } catch {
            return denied(.filterFailed(role: role.name, error), role, source)
        }
    }

    /// The permissions of `user` on the collection with this MongoDB collection name (or title);
    /// nil when the schema has no such collection.
    public func resolve(user: SyncUser, collectionNamed name: String) -> ResolvedPermissions? {
        guard let collection = schema.lookup(name) else { return nil }
        return resolve(user: user, collection: collection)
    }

    /// What a session start does: one role per synced collection, resolved once for the user and
    /// kept for the whole session. In schema order.
    public func startSession(user: SyncUser) -> [ResolvedPermissions] {
        schema.collections.map { resolve(user: user, collection: $0) }
    }

    /// Field-level access of a (sync compatible) role: document-level `read`/`write`, when
    /// written, decide for every field; otherwise `fields` and `additional_fields` do. Write
    /// implies read. Only boolean literals grant anything.
    static func fieldAccess(_ role: Role, _ collection: ObjectSchema) -> [String: FieldAccess] {
        let documentRead = role.read?.booleanLiteral, documentWrite = role.write?.booleanLiteral
        var result: [String: FieldAccess] = [:]
        for property in collection.properties {
            let rule = role.fieldRule(named: property.name)?.permissions ?? role.additionalFields
            let write: Bool
            if role.write != nil {
                write = documentWrite ?? false
            } else {
                write = rule?.write?.booleanLiteral ?? false
            }
            var read: Bool
            if role.read != nil {
                read = documentRead ?? false
            } else {
                read = rule?.read?.booleanLiteral ?? false
            }
            read = read || write
            result[property.name] = FieldAccess(read: read, write: write)
        }
        return result
    }
}
