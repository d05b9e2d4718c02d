import RQL

/// Whether a role can be used with Device Sync (App Services' "Sync compatibility" rules for
/// roles), with one diagnostic per reason it cannot.
///
/// A role is not sync compatible when:
/// - `document_filters`, or its `read` or `write`, is missing;
/// - a document filter, `insert` or `delete` expression uses a field that is not a queryable
///   field of the collection (or not a top-level field of a comparable type), an expansion other
///   than `%%true`, `%%false`, `%%values`, `%%environment`, `%%user`, a `%function` call, or an
///   operator other than `$eq $ne $gt $gte $lt $lte $in $nin $exists`, `$and`/`$or`,
///   `%stringToOid`/`%oidToString`;
/// - top-level `read`/`write`, `fields.*.read/write` or `additional_fields.read/write` is not a
///   boolean literal, or `fields` sets permissions on `_id`;
/// - `apply_when` reads the document (a field, `%%root`, `%%this`, `%%prev`, `%%prevRoot`) or
///   uses `%%request`, `%%partition` or another expansion sync does not have (`%function` is
///   allowed there).
public enum SyncCompatibility {
    /// The operators Device Sync accepts, for messages.
    public static let allowedOperators = "$eq, $ne, $gt, $gte, $lt, $lte, $in, $nin, $exists, $and, $or"

    /// Every reason `role` is not sync compatible for `collection` under `config`; empty when it is.
    public static func check(_ role: Role, collection: ObjectSchema, config: SyncConfig) -> [Diagnostic] {
        var checker = CompatibilityChecker(role: role, collection: collection, config: config)
        checker.run()
        return checker.diagnostics
    }
}

/// One role's check: the walk and the diagnostics found.
private struct CompatibilityChecker {
    let role: Role
    let collection: ObjectSchema
    let config: SyncConfig
    var diagnostics: [Diagnostic] = []

    init(role: Role, collection: ObjectSchema, config: SyncConfig) {
        self.role = role
        self.collection = collection
        self.config = config
    }

    mutating func report(_ code: DiagnosticCode, _ message: String, at range: SourceRange, notes: [DiagnosticNote] = []) {
        diagnostics.append(Diagnostic(code, "role '\(role.name)' is not sync compatible: \(message)", at: range,
                                      notes: notes, file: role.file))
    }

    mutating func run() {
        if let filters = role.documentFilters {
            for (name, expression) in [("read", filters.read), ("write", filters.write)] {
                if let expression {
                    checkFilter(expression, path: "document_filters.\(name)")
                } else {
                    report(.missingDocumentFilter, "'document_filters.\(name)' is missing; Device Sync needs both read and write filters",
                           at: filters.range)
                }
            }
        } else {
            report(.missingDocumentFilter,
                   "'document_filters' is missing; Device Sync needs document_filters.read and document_filters.write",
                   at: role.nameRange,
                   notes: [DiagnosticNote("for a role that sees every document write \"document_filters\": {\"read\": true, \"write\": true}")])
        }
        if let insert = role.insert { checkFilter(insert, path: "insert") }
        if let delete = role.delete { checkFilter(delete, path: "delete") }
        for (name, permission) in [("read", role.read), ("write", role.write)] {
            if let permission, permission.booleanLiteral == nil {
                report(.nonBooleanPermission, "'\(name)' must be true or false with Device Sync; put conditions in document_filters.\(name)",
                       at: permission.range)
            }
        }
        checkFields(role.fields, path: "fields", topLevel: true)
        if let additional = role.additionalFields {
            checkFieldPermissions(additional, path: "additional_fields")
        }
        checkApplyWhen(role.applyWhen)
    }

    // MARK: Document filters, insert, delete

    mutating func checkFilter(_ e: RuleExpression, path: String) {
        for (op, range) in e.unsupportedOperators {
            report(.operatorNotAllowed, "'\(op)' in '\(path)' is not a sync-compatible operator (allowed: \(SyncCompatibility.allowedOperators))",
                   at: range)
        }
        for condition in e.conditions {
            switch condition.subject {
            case .field(let name): checkField(name, path: path, range: condition.range)
            case .expansion(let expansion): checkFilterExpansion(expansion, path: path)
            }
            for test in condition.tests {
                checkTest(test, path: path)
                for expansion in test.operand.expansions { checkFilterExpansion(expansion, path: path) }
                for (name, range) in test.operand.functions {
                    report(.functionNotAllowed,
                           "'\(path)' calls \(name.map { "the function '\($0)'" } ?? "a function"); %function is allowed only in apply_when",
                           at: range)
                }
            }
        }
    }

    mutating func checkTest(_ test: RuleTest, path: String) {
        if case .other(let op) = test.op {
            report(.operatorNotAllowed, "'\(op)' in '\(path)' is not a sync-compatible operator (allowed: \(SyncCompatibility.allowedOperators))",
                   at: test.range)
        }
        for (conversion, range) in test.operand.conversions where !conversion.isSyncCompatible {
            report(.operatorNotAllowed, "'\(conversion.rawValue)' in '\(path)' is not sync compatible; only %stringToOid and %oidToString are",
                   at: range)
        }
    }

    mutating func checkField(_ name: String, path: String, range: SourceRange) {
        switch DocumentFilterCompiler.property(named: name, in: collection) {
        case .failure(.path):
            report(.ruleFieldNotQueryable,
                   "'\(path)' uses '\(name)', a path into an embedded object or array; only top-level queryable fields can be used",
                   at: range)
        case .failure(.unknown):
            report(.unknownRuleField, "'\(path)' uses the field '\(name)', which '\(collection.title)' does not have", at: range)
        case .failure(.notComparable(let type)):
            report(.ruleFieldNotQueryable, "'\(path)' uses '\(name)', which is \(type) and cannot be queried", at: range)
        case .success:
            if !config.isQueryable(name, in: collection.collectionName) && !config.isQueryable(name, in: collection.title) {
                report(.ruleFieldNotQueryable, "'\(path)' uses '\(name)', which is not a queryable field of '\(collection.collectionName)'",
                       at: range,
                       notes: [DiagnosticNote("add it to queryable_fields_names or collection_queryable_fields_names in sync/config.json")])
            }
        }
    }

    mutating func checkFilterExpansion(_ e: Expansion, path: String) {
        guard !Expansion.syncRoots.contains(e.root) else { return }
        let why = Expansion.documentRoots.contains(e.root) ? " (it reads the document; name the field directly)"
            : Expansion.knownRoots.contains(e.root) ? "" : " (App Services has no such expansion)"
        report(.expansionNotAllowed,
               "'\(path)' uses '\(e)'\(why); Device Sync allows only %%true, %%false, %%values, %%environment and %%user",
               at: e.range)
    }

    // MARK: Field-level permissions

    mutating func checkFields(_ fields: [FieldRule], path: String, topLevel: Bool) {
        for field in fields {
            let fieldPath = "\(path).\(field.name)"
            if topLevel, field.name == ObjectSchema.primaryKeyName,
               field.permissions.read != nil || field.permissions.write != nil {
                report(.primaryKeyFieldPermission, "'\(fieldPath)' sets field-level permissions on '_id', which Device Sync does not allow",
                       at: field.nameRange)
            }
            checkFieldPermissions(field.permissions, path: fieldPath)
            checkFields(field.fields, path: "\(fieldPath).fields", topLevel: false)
        }
    }

    mutating func checkFieldPermissions(_ permissions: FieldPermissions, path: String) {
        for (name, permission) in [("read", permissions.read), ("write", permissions.write)] {
            if let permission, permission.booleanLiteral == nil {
                report(.nonBooleanPermission, "'\(path).\(name)' must be true or false with Device Sync", at: permission.range)
            }
        }
    }

    // MARK: apply_when

    mutating func checkApplyWhen(_ e: RuleExpression) {
        for (op, range) in e.unsupportedOperators {
            report(.operatorNotAllowed, "'\(op)' in 'apply_when' is not a sync-compatible operator (allowed: \(SyncCompatibility.allowedOperators))",
                   at: range)
        }
        for condition in e.conditions {
            var expansions: [Expansion] = []
            switch condition.subject {
            case .field(let name):
                report(.applyWhenReadsDocument,
                       "'apply_when' reads the document field '\(name)'; with Device Sync it can only use the user and values, since roles are chosen when the session starts",
                       at: condition.range)
            case .expansion(let expansion):
                expansions.append(expansion)
            }
            for test in condition.tests {
                checkTest(test, path: "apply_when")
                expansions += test.operand.expansions
            }
            for expansion in expansions where !Expansion.syncRoots.contains(expansion.root) {
                if Expansion.documentRoots.contains(expansion.root) {
                    report(.applyWhenReadsDocument, "'apply_when' uses '\(expansion)', which reads the document", at: expansion.range)
                } else {
                    let known = Expansion.knownRoots.contains(expansion.root)
                    report(.expansionNotAllowed,
                           "'apply_when' uses '\(expansion)'\(known ? "" : " (App Services has no such expansion)"); Device Sync allows only %%true, %%false, %%values, %%environment and %%user",
                           at: expansion.range)
                }
            }
        }
    }
}
