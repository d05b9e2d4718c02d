import RQL

/// What one user may do with one collection for a whole sync session: the role App Services
/// assigned and its filters, compiled for that user; or why access is denied.
///
/// A document is visible when `readFilter` matches it, changeable when `writeFilter` does.
/// Write implies read (App Services release notes, 13 Dec 2023: a read filter of `false` is
/// unioned with its write filter), so `readFilter` is `document_filters.read OR
/// document_filters.write`. When access is denied every filter is `FALSEPREDICATE`.
public struct ResolvedPermissions: Hashable, Sendable {
    /// The collection.
    public let collection: ObjectSchema
    /// The user's id.
    public let userID: String
    /// The assigned role; nil when no role applies.
    public let role: Role?
    /// Where the role came from.
    public let roleSource: RoleSource?
    /// Why access is denied; nil when the role grants access.
    public let denial: AccessDenial?
    /// Documents the user can read (and sync down).
    public let readFilter: CheckedPredicate
    /// Documents the user can change.
    public let writeFilter: CheckedPredicate
    /// Documents the user can insert: the write filter and `insert`.
    public let insertFilter: CheckedPredicate
    /// Documents the user can delete: the write filter and `delete`.
    public let deleteFilter: CheckedPredicate
    /// Field-level access by property name, for every property of the collection.
    public let fieldAccess: [String: FieldAccess]
    /// The four filters compiled for the VM, in that order (derived from them, so left out of
    /// equality and hashing).
    private let compiled: [CompiledQuery]

    /// A denial: no role, or a role that cannot be used.
    init(denied denial: AccessDenial, collection: ObjectSchema, userID: String, role: Role?, source: RoleSource?) {
        self.collection = collection
        self.userID = userID
        self.role = role
        self.roleSource = source
        self.denial = denial
        readFilter = .constant(false)
        writeFilter = .constant(false)
        insertFilter = .constant(false)
        deleteFilter = .constant(false)
        fieldAccess = Dictionary(uniqueKeysWithValues: collection.properties.map { ($0.name, FieldAccess(read: false, write: false)) })
        compiled = Self.compile([readFilter, writeFilter, insertFilter, deleteFilter], collection)
    }

    /// Access granted by `role` with the compiled filters.
    init(collection: ObjectSchema, userID: String, role: Role, source: RoleSource, read: CheckedPredicate,
         write: CheckedPredicate, insert: CheckedPredicate, delete: CheckedPredicate, fieldAccess: [String: FieldAccess]) {
        self.collection = collection
        self.userID = userID
        self.role = role
        self.roleSource = source
        self.denial = nil
        readFilter = read
        writeFilter = write
        insertFilter = insert
        deleteFilter = delete
        self.fieldAccess = fieldAccess
        compiled = Self.compile([read, write, insert, delete], collection)
    }

    private static func compile(_ filters: [CheckedPredicate], _ collection: ObjectSchema) -> [CompiledQuery] {
        filters.map { CompiledQuery(CheckedQuery(collection: collection, predicate: $0)) }
    }

    public static func == (a: ResolvedPermissions, b: ResolvedPermissions) -> Bool {
        (a.collection, a.userID, a.role, a.roleSource, a.denial) == (b.collection, b.userID, b.role, b.roleSource, b.denial)
            && (a.readFilter, a.writeFilter, a.insertFilter, a.deleteFilter) == (b.readFilter, b.writeFilter, b.insertFilter, b.deleteFilter)
            && a.fieldAccess == b.fieldAccess
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(collection)
        hasher.combine(userID)
        hasher.combine(readFilter)
        hasher.combine(writeFilter)
    }

    /// The assigned role's name.
    public var roleName: String? { role?.name }
    /// True when the user has no access at all to the collection.
    public var isDenied: Bool { denial != nil }

    /// The read filter as a query on the collection.
    public var readQuery: CheckedQuery { CheckedQuery(collection: collection, predicate: readFilter) }

    /// True when the user can read `document`.
    public func canRead(_ document: Document) -> Bool {
        compiled[0].matches(document)
    }

    /// True when the user can change `document`.
    public func canWrite(_ document: Document) -> Bool {
        compiled[1].matches(document)
    }

    /// True when the user can insert `document`.
    public func canInsert(_ document: Document) -> Bool {
        compiled[2].matches(document)
    }

    /// True when the user can delete `document`.
    public func canDelete(_ document: Document) -> Bool {
        compiled[3].matches(document)
    }

    /// What the client actually receives for a subscription: the documents matching it AND the
    /// read filter ("the subset of data that matches your subscriptions which also matches the
    /// permissions of the logged-in user").
    public func visibleQuery(subscription: CheckedPredicate) -> CheckedQuery {
        CheckedQuery(collection: collection, predicate: PredicateBuilder.and([subscription, readFilter]))
    }

    /// Whether a field may be read and written (in documents the filters allow).
    public func access(toField name: String) -> FieldAccess {
        fieldAccess[name] ?? FieldAccess(read: false, write: false)
    }
}

/// Field-level access of a role.
public struct FieldAccess: Hashable, Sendable {
    /// The field can be read.
    public var read: Bool
    /// The field can be written.
    public var write: Bool

    /// An access pair.
    public init(read: Bool, write: Bool) {
        self.read = read
        self.write = write
    }
}

/// Why a user has no access to a collection.
public enum AccessDenial: Hashable, Sendable, CustomStringConvertible {
    /// The collection has no roles and there is no default rule with roles.
    case noRoles
    /// Every role's `apply_when` is false for the user (roles named in order).
    case noRoleApplies(roles: [String])
    /// A role's `apply_when` could not be evaluated for the user; later roles are not tried.
    case applyWhenFailed(role: String, RuleEvaluationError)
    /// The assigned role is not sync compatible; other roles are not considered.
    case notSyncCompatible(role: String, reasons: [Diagnostic])
    /// The assigned role's filters could not be compiled for the user.
    case filterFailed(role: String, RuleEvaluationError)

    /// The diagnostics that explain the denial (empty for `noRoles` and `noRoleApplies`).
    public var reasons: [Diagnostic] {
        switch self {
        case .noRoles, .noRoleApplies: []
        case .applyWhenFailed(_, let e), .filterFailed(_, let e): [e.diagnostic]
        case .notSyncCompatible(_, let reasons): reasons
        }
    }

    /// One sentence for people.
    public var description: String {
        switch self {
        case .noRoles:
            "access denied: the collection has no roles and there is no default rule"
        case .noRoleApplies(let roles):
            "access denied: no role applies (apply_when is false for \(roles.map { "'\($0)'" }.joined(separator: ", ")); App Services does not fall back to other roles)"
        case .applyWhenFailed(let role, let e):
            "access denied: the apply_when of role '\(role)' cannot be evaluated: \(e.diagnostic.message)"
        case .notSyncCompatible(let role, let reasons):
            "access denied: role '\(role)' applies but is not sync compatible (\(reasons.map(\.message).joined(separator: "; ")))"
        case .filterFailed(let role, let e):
            "access denied: the filters of role '\(role)' cannot be applied: \(e.diagnostic.message)"
        }
    }
}
