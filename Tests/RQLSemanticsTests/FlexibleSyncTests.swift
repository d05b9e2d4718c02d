import Testing
import RQLSyntax
@testable import RQLSemantics

/// The Flexible Sync profile: what a subscription may contain beyond what a query may.
@Suite struct FlexibleSyncTests {
    static let task: ObjectSchema = {
        var schema = Schema()
        let d = schema.load("""
            {"title": "Task", "bsonType": "object", "required": ["_id", "owner_id"], "properties": {
              "_id": {"bsonType": "objectId"}, "owner_id": {"bsonType": "string"}, "status": {"bsonType": "string"},
              "notes": {"bsonType": "string"}, "tags": {"bsonType": "array", "items": {"bsonType": "string"}}}}
            """)
        precondition(d.isEmpty)
        return schema.collection(named: "Task")!
    }()

    static let config = SyncConfig(queryableFields: ["owner_id", "status", "tags"], indexedQueryableFields: ["owner_id"])

    static func validate(_ text: String, _ config: SyncConfig = config) -> [Diagnostic] {
        FlexibleSyncValidator.validate(text, collection: task, config: config).diagnostics
    }

    @Test func nonQueryableFieldIsReportedAtTheField() {
        let d = Self.validate("owner_id == 'u' AND notes == 'x'").errors
        #expect(d.map(\.code) == [.fieldNotQueryable])
        #expect(d[0].message == #"invalid match expression for table "Task": key "notes" is not a queryable field"#)
        #expect(d[0].range == SourceRange(20, 25))
    }

    @Test func indexedFieldMustBeAnEqualityInTheTopLevelAnd() {
        #expect(Self.validate("owner_id == 'u'").isEmpty)
        #expect(Self.validate("status == 'open' AND owner_id IN {'a', 'b'}").isEmpty)
        #expect(Self.validate("owner_id == 'u' OR status == 'open'").errors.map(\.code) == [.indexedFieldNotUsed])
        #expect(Self.validate("owner_id BEGINSWITH 'u'").errors.map(\.code) == [.indexedFieldNotUsed])
        #expect(Self.validate("owner_id != 'u'").errors.map(\.code) == [.indexedFieldNotUsed])
    }

    @Test func sizeLimitIsInclusiveOf256KiB() {
        let prefix = "owner_id == '"
        let fits = prefix + String(repeating: "x", count: Limits.maxSubscriptionBytes - prefix.utf8.count - 1) + "'"
        #expect(fits.utf8.count == Limits.maxSubscriptionBytes)
        #expect(Self.validate(fits).isEmpty)
        let over = fits + " "
        #expect(Self.validate(over).map(\.code) == [.subscriptionTooLarge])
        // The same query is fine locally.
        #expect(!Checker.check(over, collection: Self.task).diagnostics.hasErrors)
    }

    @Test func caseInsensitiveComparisonsWarn() {
        let d = Self.validate("owner_id == 'u' AND status ==[c] 'open'")
        #expect(!d.hasErrors)
        #expect(d.map(\.code) == [.caseInsensitiveSubscription])
    }

    @Test func developmentModeMakesEveryEligibleFieldQueryable() {
        #expect(Self.validate("notes == 'x'", .developmentMode).isEmpty)
    }

    @Test func asymmetricCollectionsCannotBeSubscribedTo() {
        let config = SyncConfig(queryableFields: ["status"], asymmetricTables: ["Task"])
        #expect(Self.validate("status == 'x'", config).map(\.code) == [.asymmetricCollection])
    }
}
