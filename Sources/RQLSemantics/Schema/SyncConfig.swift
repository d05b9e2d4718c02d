import RQLSyntax

/// An App Services Flexible Sync configuration (`sync/config.json`).
///
/// Only the keys that decide what a subscription may query are kept; unknown keys are ignored so
/// newer exports still load. Every name keeps the byte range it was read from, so validation
/// (`validate(against:)`) can point at the offending entry.
public struct SyncConfig: Hashable, Sendable {
    /// Where an App Services export keeps it, relative to the app folder (`AppExport` reads it there).
    public static let exportPath = "sync/config.json"

    /// A name read from the config, with its byte range (`.none` when built in code).
    public struct Name: Hashable, Sendable, CustomStringConvertible {
        /// The name.
        public var name: String
        /// Where it is written in the config file.
        public var range: SourceRange

        /// A name with its range.
        public init(_ name: String, range: SourceRange = .none) {
            self.name = name
            self.range = range
        }

        /// The name.
        public var description: String { name }
    }

    /// The queryable fields of one collection (`collection_queryable_fields_names`).
    public struct CollectionFields: Hashable, Sendable {
        /// The MongoDB collection name (the key).
        public var collection: Name
        /// Its collection-level queryable fields.
        public var fields: [Name]

        /// An entry.
        public init(collection: Name, fields: [Name]) {
            self.collection = collection
            self.fields = fields
        }
    }

    /// The only sync type this toolkit checks.
    public static let flexibleType = "flexible"

    /// `type` (`"flexible"`; nil when the file omits it, as the nested form does).
    public var type: String?
    /// `development_mode_enabled`: fields used in client queries become queryable automatically.
    public var developmentModeEnabled: Bool
    /// `queryable_fields_names`: global queryable fields, for every collection.
    public var queryableFieldsNames: [Name]
    /// `indexed_queryable_fields_names` (App Services allows one).
    public var indexedQueryableFieldsNames: [Name]
    /// `collection_queryable_fields_names`, in file order.
    public var collectionQueryableFieldsNames: [CollectionFields]
    /// `asymmetric_tables`: Data Ingest collections (write-only; no subscriptions).
    public var asymmetricTables: [Name]
    /// The file the config was read from, for diagnostics.
    public var file: String?

    /// A config built in code.
    public init(queryableFields: [String] = [], indexedQueryableFields: [String] = [],
                collectionQueryableFields: [String: [String]] = [:], asymmetricTables: [String] = [],
                developmentModeEnabled: Bool = false, type: String? = SyncConfig.flexibleType, file: String? = nil) {
        self.type = type
        self.developmentModeEnabled = developmentModeEnabled
        self.queryableFieldsNames = queryableFields.map { Name($0) }
        self.indexedQueryableFieldsNames = indexedQueryableFields.map { Name($0) }
        // Dictionaries have no order; sort so validation output is stable.
        self.collectionQueryableFieldsNames = collectionQueryableFields.keys.sorted().map { key in
            CollectionFields(collection: Name(key), fields: (collectionQueryableFields[key] ?? []).map { Name($0) })
        }
        self.asymmetricTables = asymmetricTables.map { Name($0) }
        self.file = file
    }

    /// The config that applies when there is none: Development Mode, where every eligible field is
    /// queryable. Validating it against a schema checks the schema's own field names only.
    public static let developmentMode = SyncConfig(developmentModeEnabled: true)

    // MARK: Queries

    /// The global queryable field names.
    public var globalQueryableFields: Set<String> { Set(queryableFieldsNames.map(\.name)) }

    /// The fields listed as queryable for `collection`: global ones plus its collection-level ones.
    /// (In Development Mode other eligible fields are queryable too; see `isQueryable`.)
    public func queryableFields(for collection: String) -> Set<String> {
        var fields = globalQueryableFields
        for entry in collectionQueryableFieldsNames where UTF8Key.sameBytes(entry.collection.name, collection) {
            fields.formUnion(entry.fields.map(\.name))
        }
        return fields
    }

    /// The fields listed as queryable for a collection schema, looking it up by its collection
    /// name and, when different, by its title.
    public func queryableFields(for objectSchema: ObjectSchema) -> Set<String> {
        var fields = queryableFields(for: objectSchema.collectionName)
        if objectSchema.title != objectSchema.collectionName {
            fields.formUnion(queryableFields(for: objectSchema.title))
        }
        return fields
    }

    /// True when a subscription on `collection` may use `field`: it is listed, or Development Mode
    /// is on. Type eligibility is checked separately.
    public func isQueryable(_ field: String, in collection: String) -> Bool {
        // By bytes: the set's own `contains` would take a canonically equivalent spelling.
        developmentModeEnabled || queryableFields(for: collection).contains { UTF8Key.sameBytes($0, field) }
    }

    /// True when `collection` is a Data Ingest (asymmetric) collection.
    public func isAsymmetric(_ collection: String) -> Bool {
        asymmetricTables.contains { UTF8Key.sameBytes($0.name, collection) }
    }

    /// True when the collection schema is asymmetric (by collection name or title).
    public func isAsymmetric(_ objectSchema: ObjectSchema) -> Bool {
        isAsymmetric(objectSchema.collectionName) || isAsymmetric(objectSchema.title)
    }

    /// The indexed queryable field, if one is configured.
    public var indexedQueryableField: String? { indexedQueryableFieldsNames.first?.name }
}

// MARK: - Loading

extension SyncConfig {
    /// The key that holds the settings in the Admin API form (`{"flexible_sync": {...}}`).
    public static let nestedKey = "flexible_sync"

    /// Reads `sync/config.json` text, in the exported form (settings at the top level) or the
    /// Admin API form (nested under `flexible_sync`). Returns nil with the errors when the text is
    /// not a usable Flexible Sync config.
    public static func load(_ text: String, file: String? = nil) -> (config: SyncConfig?, diagnostics: [Diagnostic]) {
        switch JSON.parseResult(text) {
        case .failure(let error):
            return (nil, [Diagnostic(jsonError: error, file: file)])
        case .success(let root):
            return load(root, file: file)
        }
    }

    /// Reads an already parsed config.
    public static func load(_ root: JSONNode, file: String? = nil) -> (config: SyncConfig?, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        func fail(_ code: DiagnosticCode, _ message: String, _ range: SourceRange) {
            diagnostics.append(Diagnostic(code, "sync config: \(message)", at: range, file: file))
        }
        guard root.objectMembers != nil else {
            fail(.invalidSyncConfig, "must be a JSON object, found \(root.value.typeName)", root.range)
            return (nil, diagnostics)
        }
        var settings = root
        if let nested = root.member(nestedKey) {
            guard nested.value.objectMembers != nil else {
                fail(.invalidSyncConfig, "'\(nestedKey)' must be an object, found \(nested.value.value.typeName)",
                     nested.value.range)
                return (nil, diagnostics)
            }
            settings = nested.value
        }

        var config = SyncConfig(type: nil, file: file)
        if let member = settings.member("type") {
            if let type = member.value.stringValue {
                config.type = type
                if type != flexibleType {
                    fail(.notFlexibleSync, "sync type is '\(type)'; only Flexible Sync (\"flexible\") is supported",
                         member.value.range)
                }
            } else {
                fail(.invalidSyncConfig, "'type' must be a string", member.value.range)
            }
        }
        if let member = settings.member("development_mode_enabled") {
            if let flag = member.value.boolValue {
                config.developmentModeEnabled = flag
            } else {
                fail(.invalidSyncConfig, "'development_mode_enabled' must be true or false", member.value.range)
            }
        }

        /// A list of non-empty names, or nil after reporting why not.
        func names(_ node: JSONNode, key: String) -> [Name]? {
            guard let items = node.arrayValue else {
                fail(.invalidSyncConfig, "'\(key)' must be an array of names, found \(node.value.typeName)", node.range)
                return nil
            }
            var result: [Name] = []
            var ok = true
            for item in items {
                guard let name = item.stringValue, !name.isEmpty else {
                    fail(.invalidSyncConfig, "'\(key)' must contain only non-empty strings", item.range)
                    ok = false
                    continue
                }
                result.append(Name(name, range: item.range))
            }
            return ok ? result : nil
        }

        if let member = settings.member("queryable_fields_names"), let list = names(member.value, key: member.key) {
            config.queryableFieldsNames = list
        }
        if let member = settings.member("indexed_queryable_fields_names"), let list = names(member.value, key: member.key) {
            config.indexedQueryableFieldsNames = list
        }
        if let member = settings.member("asymmetric_tables"), let list = names(member.value, key: member.key) {
            config.asymmetricTables = list
        }
        if let member = settings.member("collection_queryable_fields_names") {
            if let collections = member.value.objectMembers {
                for entry in collections {
                    guard let fields = names(entry.value, key: "\(member.key).\(entry.key)") else { continue }
                    config.collectionQueryableFieldsNames.append(
                        CollectionFields(collection: Name(entry.key, range: entry.keyRange), fields: fields))
                }
            } else {
                fail(.invalidSyncConfig,
                     "'collection_queryable_fields_names' must be an object mapping collections to field names",
                     member.value.range)
            }
        }
        return (diagnostics.hasErrors ? nil : config, diagnostics)
    }
}
