import RQL

/// One role of `rules.json` or `default_rule.json` (App Services unified rules).
///
/// Optional permissions stay optional so sync compatibility can tell "not written" from "false";
/// the `effective…` accessors apply App Services' defaults.
public struct Role: Hashable, Sendable {
    /// `name`: unique within its collection, at most `RuleLimits.maxRoleNameLength` characters.
    public var name: String
    /// `apply_when`: decides, from the user alone, whether the role applies.
    public var applyWhen: RuleExpression
    /// `document_filters`: which documents the role may read and write. Device Sync needs both.
    public var documentFilters: DocumentFilters?
    /// `read`: document-level read permission (sync wants a boolean literal).
    public var read: RuleExpression?
    /// `write`: document-level write permission (sync wants a boolean literal).
    public var write: RuleExpression?
    /// `insert` (default true).
    public var insert: RuleExpression?
    /// `delete` (default true).
    public var delete: RuleExpression?
    /// `search` (default true); Atlas Search only, unused by sync.
    public var search: Bool?
    /// `fields`: field-level permissions, in file order.
    public var fields: [FieldRule]
    /// `additional_fields`: permissions of the fields `fields` does not name.
    public var additionalFields: FieldPermissions?
    /// The byte range of the name value (or of the role, when the name is missing).
    public var nameRange: SourceRange
    /// The byte range of the whole role object.
    public var range: SourceRange
    /// The file the role was read from, for diagnostics.
    public var file: String?

    /// A role; only `name` and `applyWhen` are needed when building rules in code.
    public init(name: String, applyWhen: RuleExpression, documentFilters: DocumentFilters? = nil,
                read: RuleExpression? = nil, write: RuleExpression? = nil, insert: RuleExpression? = nil,
                delete: RuleExpression? = nil, search: Bool? = nil, fields: [FieldRule] = [],
                additionalFields: FieldPermissions? = nil, nameRange: SourceRange = .none,
                range: SourceRange = .none, file: String? = nil) {
        self.name = name
        self.applyWhen = applyWhen
        self.documentFilters = documentFilters
        self.read = read
        self.write = write
        self.insert = insert
        self.delete = delete
        self.search = search
        self.fields = fields
        self.additionalFields = additionalFields
        self.nameRange = nameRange
        self.range = range
        self.file = file
    }

    /// `insert`, or `true` when not written.
    public var effectiveInsert: RuleExpression { insert ?? .constant(true, range: .none) }
    /// `delete`, or `true` when not written.
    public var effectiveDelete: RuleExpression { delete ?? .constant(true, range: .none) }

    /// The field rule for a top-level field, if `fields` names it.
    public func fieldRule(named name: String) -> FieldRule? {
        fields.first { $0.name == name }
    }
}

/// A `read` / `write` pair of rule expressions, as `document_filters`, `additional_fields` and
/// each field rule write it. The two uses differ in meaning, not in shape, so they share it.
public struct ReadWriteRules: Hashable, Sendable {
    /// `read`.
    public var read: RuleExpression?
    /// `write`.
    public var write: RuleExpression?
    /// The byte range of the object in its file.
    public var range: SourceRange

    /// Rules built in code or read from a file.
    public init(read: RuleExpression?, write: RuleExpression?, range: SourceRange = .none) {
        self.read = read
        self.write = write
        self.range = range
    }
}

/// `document_filters`: `read` and `write` expressions over document fields.
public typealias DocumentFilters = ReadWriteRules

/// `additional_fields` (and the read/write pair of a field rule): unset means false.
public typealias FieldPermissions = ReadWriteRules

/// One entry of `fields`: permissions of a field, and of its embedded fields.
public struct FieldRule: Hashable, Sendable {
    /// The field name (the key).
    public var name: String
    /// `read` and `write`.
    public var permissions: FieldPermissions
    /// `fields`: embedded fields of an embedded object.
    public var fields: [FieldRule]
    /// The byte range of the key.
    public var nameRange: SourceRange

    /// A field rule.
    public init(name: String, permissions: FieldPermissions, fields: [FieldRule] = [], nameRange: SourceRange = .none) {
        self.name = name
        self.permissions = permissions
        self.fields = fields
        self.nameRange = nameRange
    }
}

/// One entry of `filters` (query filters for MongoDB data access). Device Sync does not apply
/// them; they are loaded so files that have them still load, and are kept for tools.
public struct RuleFilter: Hashable, Sendable {
    /// `name`.
    public var name: String
    /// `apply_when`.
    public var applyWhen: RuleExpression?
    /// `query`, as written.
    public var query: JSONNode?
    /// `projection`, as written.
    public var projection: JSONNode?
    /// The byte range of the filter object.
    public var range: SourceRange

    /// A filter.
    public init(name: String, applyWhen: RuleExpression? = nil, query: JSONNode? = nil, projection: JSONNode? = nil,
                range: SourceRange = .none) {
        self.name = name
        self.applyWhen = applyWhen
        self.query = query
        self.projection = projection
        self.range = range
    }
}
