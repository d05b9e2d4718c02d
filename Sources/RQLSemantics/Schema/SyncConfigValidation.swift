import RQLSyntax

extension SyncConfig {
    /// App Services advises at most this many queryable fields applying to one collection.
    public static let recommendedMaxQueryableFields = 10
    /// App Services supports this many indexed queryable fields.
    public static let maxIndexedQueryableFields = 1
    /// The types an indexed queryable field may have.
    public static let indexableTypes: Set<ScalarType> = [.int, .long, .string, .objectId, .uuid]

    /// True when a property of this type may be a queryable field: a top-level scalar or a list
    /// (or set) of scalars.
    public static func isQueryableType(_ type: PropertyType) -> Bool {
        switch type {
        case .scalar, .list: true
        case .embeddedObject, .listOfObjects, .dictionary, .mixed, .unsupported: false
        }
    }

    /// Checks this config together with the schema it syncs, as App Services does on deploy:
    /// reserved names as property or queryable field names, queryable fields of ineligible types,
    /// the indexed queryable field rules, and (as warnings) names the schema does not know and
    /// more than `recommendedMaxQueryableFields` fields for one collection.
    ///
    /// Errors about properties point into the schema files; the rest into the config file.
    public func validate(against schema: Schema) -> [Diagnostic] {
        var validator = SyncConfigValidator(config: self, schema: schema)
        validator.run()
        return validator.diagnostics
    }

    /// The properties of one collection named with a word RQL reserves (`ReservedNames`: some in
    /// any capitalization, some only as spelled), which App Services refuses in a synced schema.
    /// One error per property, pointing into the schema's file.
    public static func reservedPropertyNames(in collection: ObjectSchema) -> [Diagnostic] {
        collection.properties.compactMap { property in
            guard let reservation = ReservedNames.reservation(of: property.name) else { return nil }
            return Diagnostic(.reservedFieldName,
                              "schema '\(collection.title)': property '\(property.name)' is a reserved word in RQL and cannot be synced",
                              at: property.range, notes: [SyncConfigValidator.reservationNote(reservation)], file: collection.file)
        }
    }
}

/// One validation run.
private struct SyncConfigValidator {
    let config: SyncConfig
    let schema: Schema
    var diagnostics: [Diagnostic] = []

    init(config: SyncConfig, schema: Schema) {
        self.config = config
        self.schema = schema
    }

    mutating func report(_ code: DiagnosticCode, _ message: String, at range: SourceRange,
                         notes: [DiagnosticNote] = [], file: String?) {
        diagnostics.append(Diagnostic(code, message, at: range, notes: notes, file: file))
    }

    mutating func run() {
        checkReservedPropertyNames()
        checkReservedFieldNames()
        checkEligibility()
        checkIndexedFields()
        checkUnknownNames()
        checkFieldCounts()
    }

    static func reservationNote(_ reservation: ReservedNames.Reservation) -> DiagnosticNote {
        switch reservation {
        case .anyCase: DiagnosticNote("reserved in any capitalization")
        case .exactCase: DiagnosticNote("reserved with exactly this capitalization; another capitalization is allowed")
        }
    }

    /// The config entries for a schema (matched by collection name or title).
    func entries(for objectSchema: ObjectSchema) -> [SyncConfig.CollectionFields] {
        config.collectionQueryableFieldsNames.filter {
            UTF8Key.sameBytes($0.collection.name, objectSchema.collectionName) || UTF8Key.sameBytes($0.collection.name, objectSchema.title)
        }
    }

    /// Every distinct queryable name applying to a collection, global ones first, each once.
    func queryableNames(global: [SyncConfig.Name], entries: [SyncConfig.CollectionFields]) -> [SyncConfig.Name] {
        var seen: Set<UTF8Key> = []
        var result: [SyncConfig.Name] = []
        for name in global + entries.flatMap(\.fields) where seen.insert(UTF8Key(name.name)).inserted {
            result.append(name)
        }
        return result
    }

    // MARK: Checks

    mutating func checkReservedPropertyNames() {
        for collection in schema.collections {
            diagnostics += SyncConfig.reservedPropertyNames(in: collection)
        }
    }

    mutating func checkReservedFieldNames() {
        let all = config.queryableFieldsNames + config.indexedQueryableFieldsNames
            + config.collectionQueryableFieldsNames.flatMap(\.fields)
        var seen: Set<UTF8Key> = []
        for name in all where seen.insert(UTF8Key(name.name)).inserted {
            guard let reservation = ReservedNames.reservation(of: name.name) else { continue }
            report(.reservedFieldName, "sync config: queryable field '\(name.name)' is a reserved word in RQL",
                   at: name.range, notes: [Self.reservationNote(reservation)], file: config.file)
        }
    }

    mutating func checkEligibility() {
        for collection in schema.collections {
            let names = queryableNames(global: config.queryableFieldsNames, entries: entries(for: collection))
            for name in names {
                guard let property = collection.property(named: name.name),
                      !SyncConfig.isQueryableType(property.type) else { continue }
                report(.ineligibleQueryableField,
                       "sync config: queryable field '\(name.name)' is \(property.type) in '\(collection.title)'; only top-level scalars and lists of scalars can be queryable",
                       at: name.range, file: config.file)
            }
        }
    }

    mutating func checkIndexedFields() {
        let global = Set(config.queryableFieldsNames.map { UTF8Key($0.name) })
        var distinct: [SyncConfig.Name] = []
        for name in config.indexedQueryableFieldsNames where !distinct.contains(where: { UTF8Key.sameBytes($0.name, name.name) }) {
            distinct.append(name)
        }
        for (i, name) in distinct.enumerated() where i >= SyncConfig.maxIndexedQueryableFields {
            report(.tooManyIndexedFields,
                   "sync config: '\(name.name)' is a second indexed queryable field; only \(SyncConfig.maxIndexedQueryableFields) is supported",
                   at: name.range, file: config.file)
        }
        for name in distinct {
            let isGlobal = global.contains(UTF8Key(name.name))
            if !isGlobal {
                report(.indexedFieldNotQueryable,
                       "sync config: indexed queryable field '\(name.name)' is not in queryable_fields_names",
                       at: name.range,
                       notes: [DiagnosticNote("the indexed queryable field must also be a global queryable field")],
                       file: config.file)
            }
            for collection in schema.collections {
                guard let property = collection.property(named: name.name) else { continue }
                if case .scalar(let t) = property.type, SyncConfig.indexableTypes.contains(t) { continue }
                // An ineligible global field was already reported once; do not repeat it.
                if isGlobal && !SyncConfig.isQueryableType(property.type) { continue }
                report(.ineligibleIndexedField,
                       "sync config: indexed queryable field '\(name.name)' is \(property.type) in '\(collection.title)'; it must be int, long, string, objectId or uuid",
                       at: name.range, file: config.file)
            }
        }
    }

    /// Warnings for collections and collection-level fields the schema does not have. Skipped
    /// without a schema, when every name would be unknown.
    mutating func checkUnknownNames() {
        guard !schema.isEmpty else { return }
        for entry in config.collectionQueryableFieldsNames {
            guard let collection = schema.lookup(entry.collection.name) else {
                report(.unknownConfigCollection,
                       "sync config: collection '\(entry.collection.name)' in collection_queryable_fields_names is not in the schema",
                       at: entry.collection.range, file: config.file)
                continue
            }
            for field in entry.fields where collection.property(named: field.name) == nil {
                report(.queryableFieldNotInSchema,
                       "sync config: queryable field '\(field.name)' is not a property of '\(collection.title)'",
                       at: field.range, file: config.file)
            }
        }
        for table in config.asymmetricTables where schema.lookup(table.name) == nil {
            report(.unknownConfigCollection,
                   "sync config: asymmetric table '\(table.name)' is not in the schema",
                   at: table.range, file: config.file)
        }
    }

    /// A warning for each collection with more queryable fields than App Services advises. For a
    /// collection in the schema only fields it has count (a global name it lacks does not apply).
    mutating func checkFieldCounts() {
        let limit = SyncConfig.recommendedMaxQueryableFields
        var counted: Set<UTF8Key> = []
        for collection in schema.collections {
            let entries = entries(for: collection)
            entries.forEach { counted.insert(UTF8Key($0.collection.name)) }
            let names = queryableNames(global: config.queryableFieldsNames, entries: entries)
                .filter { collection.property(named: $0.name) != nil }
            guard names.count > limit else { continue }
            let at = entries.first?.collection.range ?? config.queryableFieldsNames.first?.range ?? .none
            reportCount(names.count, collection: collection.title, at: at)
        }
        for entry in config.collectionQueryableFieldsNames where !counted.contains(UTF8Key(entry.collection.name)) {
            counted.insert(UTF8Key(entry.collection.name))
            let same = config.collectionQueryableFieldsNames.filter { UTF8Key.sameBytes($0.collection.name, entry.collection.name) }
            let names = queryableNames(global: config.queryableFieldsNames, entries: same)
            guard names.count > limit else { continue }
            reportCount(names.count, collection: entry.collection.name, at: entry.collection.range)
        }
    }

    mutating func reportCount(_ count: Int, collection: String, at range: SourceRange) {
        report(.tooManyQueryableFields,
               "sync config: \(count) queryable fields apply to '\(collection)'; App Services advises at most \(SyncConfig.recommendedMaxQueryableFields) per collection",
               at: range,
               notes: [DiagnosticNote("every queryable field adds sync history and server work; keep only the fields subscriptions use")],
               file: config.file)
    }
}
