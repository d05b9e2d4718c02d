import RQLSyntax
import Testing

@testable import RQLSemantics

/// A schema of one collection with the given (name, type) properties plus `_id`.
private func schema(_ properties: [(String, PropertyType)], title: String = "Task",
                    collectionName: String? = nil) -> Schema {
    Schema([ObjectSchema(title: title,
                         properties: [Property(name: "_id", type: .scalar(.objectId))] + properties.map {
                             Property(name: $0.0, type: $0.1)
                         },
                         collectionName: collectionName, file: "\(title).json")])
}

private func load(_ text: String) throws -> SyncConfig {
    let (config, diagnostics) = SyncConfig.load(text, file: "sync/config.json")
    #expect(diagnostics.isEmpty, "\(diagnostics)")
    return try #require(config)
}

/// A variant of `name` in another capitalization that is not itself reserved exactly.
private func otherCase(_ name: String) -> String {
    let capitalized = name.prefix(1).uppercased() + name.dropFirst().lowercased()
    return capitalized != name ? capitalized : name.lowercased()
}

@Suite("Sync config")
struct SyncConfigTests {
    static let exported = """
        {
          "type": "flexible",
          "state": "enabled",
          "development_mode_enabled": false,
          "service_name": "mongodb-atlas",
          "database_name": "todo",
          "client_max_offline_days": 30,
          "is_recovery_mode_disabled": false,
          "queryable_fields_names": ["owner_id", "status"],
          "indexed_queryable_fields_names": ["owner_id"],
          "collection_queryable_fields_names": {"Task": ["priority", "tags"], "Note": ["title"]},
          "asymmetric_tables": ["Log"],
          "permissions": {"rules": {}, "defaultRoles": []},
          "last_disabled": 1700000000
        }
        """

    @Test("the exported form loads every key; unknown keys are ignored")
    func exportedForm() throws {
        let config = try load(Self.exported)
        #expect(config.type == "flexible")
        #expect(config.developmentModeEnabled == false)
        #expect(config.queryableFieldsNames.map(\.name) == ["owner_id", "status"])
        #expect(config.indexedQueryableField == "owner_id")
        #expect(config.collectionQueryableFieldsNames.map(\.collection.name) == ["Task", "Note"])
        #expect(config.queryableFields(for: "Task") == ["owner_id", "status", "priority", "tags"])
        #expect(config.queryableFields(for: "Note") == ["owner_id", "status", "title"])
        #expect(config.queryableFields(for: "Other") == ["owner_id", "status"])
        #expect(config.isAsymmetric("Log"))
        #expect(!config.isAsymmetric("Task"))
        #expect(config.isQueryable("priority", in: "Task"))
        #expect(!config.isQueryable("priority", in: "Note"))
        #expect(config.file == "sync/config.json")
    }

    @Test("names keep the ranges of their strings")
    func nameRanges() throws {
        let config = try load(Self.exported)
        let priority = try #require(config.collectionQueryableFieldsNames.first?.fields.first)
        let bytes = Array(Self.exported.utf8)
        #expect(String(decoding: bytes[priority.range.start..<priority.range.end], as: UTF8.self) == "\"priority\"")
    }

    @Test("the Admin API form nests the keys under flexible_sync")
    func nestedForm() throws {
        let config = try load("""
            {"flexible_sync": {"state": "enabled", "database_name": "db",
              "queryable_fields_names": ["a"], "indexed_queryable_fields_names": [],
              "collection_queryable_fields_names": {"C": ["b"]}, "asymmetric_tables": ["Ingest"]},
             "queryable_fields_names": ["ignored"]}
            """)
        #expect(config.type == nil)
        #expect(config.queryableFields(for: "C") == ["a", "b"])
        #expect(config.isAsymmetric("Ingest"))
        #expect(config.indexedQueryableField == nil)
    }

    @Test("development mode makes every field queryable")
    func developmentMode() throws {
        let config = try load(#"{"type": "flexible", "development_mode_enabled": true}"#)
        #expect(config.isQueryable("anything", in: "Task"))
        #expect(SyncConfig.developmentMode.isQueryable("x", in: "Y"))
        #expect(SyncConfig().isQueryable("x", in: "Y") == false)
    }

    @Test("malformed configs are rejected", arguments: [
        (#"{"queryable_fields_names": "a"}"#, DiagnosticCode.invalidSyncConfig, "'queryable_fields_names' must be an array"),
        (#"{"queryable_fields_names": ["a", 1]}"#, .invalidSyncConfig, "must contain only non-empty strings"),
        (#"{"indexed_queryable_fields_names": [""]}"#, .invalidSyncConfig, "must contain only non-empty strings"),
        (#"{"collection_queryable_fields_names": ["a"]}"#, .invalidSyncConfig, "must be an object mapping"),
        (#"{"collection_queryable_fields_names": {"C": "a"}}"#, .invalidSyncConfig,
         "'collection_queryable_fields_names.C' must be an array"),
        (#"{"development_mode_enabled": "yes"}"#, .invalidSyncConfig, "must be true or false"),
        (#"{"flexible_sync": true}"#, .invalidSyncConfig, "'flexible_sync' must be an object"),
        (#"{"type": "partition"}"#, .notFlexibleSync, "sync type is 'partition'"),
        ("[]", .invalidSyncConfig, "must be a JSON object"),
        (#"{"queryable_fields_names": ["a",]}"#, .invalidJSON, "trailing comma"),
    ])
    func malformed(_ text: String, _ code: DiagnosticCode, _ message: String) throws {
        let (config, diagnostics) = SyncConfig.load(text, file: "sync/config.json")
        #expect(config == nil)
        let d = try #require(diagnostics.first)
        #expect(d.code == code)
        #expect(d.message.contains(message), "message: \(d.message)")
        #expect(d.file == "sync/config.json")
        #expect(d.kind == .schema)
    }

    // MARK: Reserved names

    @Test("names reserved in any capitalization are refused as queryable fields and properties",
          arguments: ReservedNames.anyCase)
    func reservedAnyCase(_ name: String) {
        for variant in [name, name.uppercased(), otherCase(name)] {
            #expect(ReservedNames.reservation(of: variant) == .anyCase, "\(variant)")
            let config = SyncConfig(queryableFields: [variant])
            let fieldErrors = config.validate(against: Schema())
            #expect(fieldErrors.map(\.code) == [.reservedFieldName], "\(variant)")
            #expect(fieldErrors.first?.message == "sync config: queryable field '\(variant)' is a reserved word in RQL")

            let propertyErrors = SyncConfig.developmentMode.validate(against: schema([(variant, .scalar(.string))]))
            #expect(propertyErrors.map(\.code) == [.reservedFieldName], "\(variant)")
            #expect(propertyErrors.first?.file == "Task.json")
            #expect(propertyErrors.first?.message.contains("property '\(variant)' is a reserved word") == true)
        }
    }

    @Test("names reserved in exact case are refused only in that case", arguments: ReservedNames.exactCase)
    func reservedExactCase(_ name: String) {
        #expect(ReservedNames.reservation(of: name) == .exactCase)
        #expect(SyncConfig(queryableFields: [name]).validate(against: Schema()).map(\.code) == [.reservedFieldName])
        let properties = SyncConfig.developmentMode.validate(against: schema([(name, .scalar(.bool))]))
        #expect(properties.map(\.code) == [.reservedFieldName])
        #expect(properties.first?.notes.first?.message.contains("exactly this capitalization") == true)

        let variant = otherCase(name)
        #expect(!ReservedNames.isReserved(variant), "\(variant) should be allowed")
        #expect(SyncConfig(queryableFields: [variant]).validate(against: schema([(variant, .scalar(.bool))])).isEmpty)
    }

    @Test("ordinary names, and names that only contain a keyword, are allowed",
          arguments: ["andy", "sorted", "nullable", "Uuid", "b64", "OID", "status", "_id", "\u{17F}ort"])
    func notReserved(_ name: String) {
        #expect(!ReservedNames.isReserved(name))
    }

    @Test("a reserved name is reported once even when listed in several places")
    func reservedOnce() {
        let config = SyncConfig(queryableFields: ["limit"], indexedQueryableFields: ["limit"],
                                collectionQueryableFields: ["Task": ["limit"]])
        let reserved = config.validate(against: Schema()).filter { $0.code == .reservedFieldName }
        #expect(reserved.count == 1)
    }

    // MARK: Eligibility

    @Test("queryable fields of ineligible types are errors", arguments: [
        PropertyType.embeddedObject, .listOfObjects, .mixed, .dictionary, .unsupported("list of mixed"),
    ])
    func ineligible(_ type: PropertyType) throws {
        let s = schema([("field", type)])
        for config in [SyncConfig(queryableFields: ["field"]),
                       SyncConfig(collectionQueryableFields: ["Task": ["field"]])] {
            let diagnostics = config.validate(against: s)
            #expect(diagnostics.map(\.code) == [.ineligibleQueryableField])
            #expect(diagnostics.first?.message.contains("'field' is \(type) in 'Task'") == true)
        }
    }

    @Test("scalars and lists of scalars are eligible queryable fields", arguments: [
        PropertyType.scalar(.string), .scalar(.decimal), .scalar(.binData), .list(.int), .list(.string),
    ])
    func eligible(_ type: PropertyType) {
        #expect(SyncConfig(queryableFields: ["field"]).validate(against: schema([("field", type)])).isEmpty)
    }

    @Test("a global field the collection does not have is fine")
    func absentGlobalField() {
        #expect(SyncConfig(queryableFields: ["owner_id"]).validate(against: schema([("x", .mixed)])).isEmpty)
    }

    // MARK: Indexed queryable fields

    @Test("a valid indexed queryable field passes", arguments: [ScalarType.int, .long, .string, .objectId, .uuid])
    func indexedValid(_ type: ScalarType) {
        let config = SyncConfig(queryableFields: ["store_id"], indexedQueryableFields: ["store_id"])
        #expect(config.validate(against: schema([("store_id", .scalar(type))])).isEmpty)
    }

    @Test("an indexed queryable field must also be a global queryable field")
    func indexedNotGlobal() {
        let config = SyncConfig(indexedQueryableFields: ["store_id"], collectionQueryableFields: ["Task": ["store_id"]])
        let diagnostics = config.validate(against: schema([("store_id", .scalar(.int))]))
        #expect(diagnostics.map(\.code) == [.indexedFieldNotQueryable])
        #expect(diagnostics.first?.message == "sync config: indexed queryable field 'store_id' is not in queryable_fields_names")
    }

    @Test("an indexed queryable field must be int, long, string, objectId or uuid", arguments: [
        PropertyType.scalar(.double), .scalar(.bool), .scalar(.date), .scalar(.decimal), .scalar(.binData),
        .list(.string), .list(.int),
    ])
    func indexedType(_ type: PropertyType) {
        let config = SyncConfig(queryableFields: ["store_id"], indexedQueryableFields: ["store_id"])
        let diagnostics = config.validate(against: schema([("store_id", type)]))
        #expect(diagnostics.map(\.code) == [.ineligibleIndexedField])
        #expect(diagnostics.first?.message.contains("'store_id' is \(type) in 'Task'") == true)
    }

    @Test("an ineligible indexed field is reported once, as ineligible")
    func indexedIneligibleOnce() {
        let config = SyncConfig(queryableFields: ["a"], indexedQueryableFields: ["a"])
        #expect(config.validate(against: schema([("a", .embeddedObject)])).map(\.code) == [.ineligibleQueryableField])
    }

    @Test("more than one indexed queryable field is an error")
    func twoIndexed() {
        let config = SyncConfig(queryableFields: ["a", "b"], indexedQueryableFields: ["a", "b", "a"])
        let diagnostics = config.validate(against: schema([("a", .scalar(.int)), ("b", .scalar(.string))]))
        #expect(diagnostics.map(\.code) == [.tooManyIndexedFields])
        #expect(diagnostics.first?.message.contains("'b' is a second indexed queryable field") == true)
    }

    // MARK: Counts and unknown names

    @Test("more than 10 queryable fields for one collection is a warning, 10 is not")
    func tooManyFields() throws {
        let names = (1...11).map { "f\($0)" }
        let s = schema(names.map { ($0, PropertyType.scalar(.int)) })
        let eleven = SyncConfig(queryableFields: Array(names[0..<4]), collectionQueryableFields: ["Task": Array(names[4...])])
        let diagnostics = eleven.validate(against: s)
        #expect(diagnostics.map(\.code) == [.tooManyQueryableFields])
        let d = try #require(diagnostics.first)
        #expect(d.severity == .warning)
        #expect(d.kind == .warning)
        #expect(!diagnostics.hasErrors)
        #expect(d.message.contains("11 queryable fields apply to 'Task'"))

        let ten = SyncConfig(queryableFields: Array(names[0..<4]), collectionQueryableFields: ["Task": Array(names[4..<10])])
        #expect(ten.validate(against: s).isEmpty)
    }

    @Test("global fields a collection lacks do not count toward its limit")
    func countOnlyPresentFields() {
        let s = schema([("a", .scalar(.int))])
        let config = SyncConfig(queryableFields: ["a"] + (1...12).map { "missing\($0)" })
        #expect(config.validate(against: s).isEmpty)
    }

    @Test("without a schema every listed field counts")
    func countWithoutSchema() {
        let config = SyncConfig(queryableFields: (1...6).map { "g\($0)" },
                                collectionQueryableFields: ["C": (1...5).map { "c\($0)" }])
        #expect(config.validate(against: Schema()).map(\.code) == [.tooManyQueryableFields])
    }

    @Test("collections and collection fields missing from the schema are warnings")
    func unknownNames() {
        let config = SyncConfig(collectionQueryableFields: ["Task": ["nope"], "Ghost": ["x"]], asymmetricTables: ["Log"])
        let diagnostics = config.validate(against: schema([("x", .scalar(.int))]))
        #expect(Set(diagnostics.map(\.code)) == [.unknownConfigCollection, .queryableFieldNotInSchema])
        #expect(diagnostics.count == 3)
        #expect(!diagnostics.hasErrors)
    }

    @Test("config collections match the collection name or the title")
    func collectionNameMapping() throws {
        let s = schema([("address", .embeddedObject)], title: "Item", collectionName: "items")
        let byCollection = SyncConfig(collectionQueryableFields: ["items": ["address"]])
        #expect(byCollection.validate(against: s).map(\.code) == [.ineligibleQueryableField])
        let byTitle = SyncConfig(collectionQueryableFields: ["Item": ["address"]])
        #expect(byTitle.validate(against: s).map(\.code) == [.ineligibleQueryableField])
        let config = SyncConfig(collectionQueryableFields: ["items": ["a"]], asymmetricTables: ["items"])
        let item = try #require(s["Item"])
        #expect(config.queryableFields(for: item) == ["a"])
        #expect(config.isAsymmetric(item))
    }

    @Test("validation errors from a loaded config point into the config file")
    func rangesFromFile() throws {
        let text = #"{"queryable_fields_names": ["status", "address"]}"#
        let config = try load(text)
        let d = try #require(config.validate(against: schema([("address", .embeddedObject)])).first)
        #expect(d.file == "sync/config.json")
        #expect(covered(text, d) == "\"address\"")
    }
}
