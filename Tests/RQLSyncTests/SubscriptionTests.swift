import Testing
import RQL
@testable import RQLSync

/// Subscription sets with the SDKs' rules, and the wire form.
@Suite struct SubscriptionTests {
    static let schema: Schema = {
        var schema = Schema()
        let d = schema.load("""
            {"title": "Task", "bsonType": "object", "required": ["_id", "owner"], "properties": {"_id": {"bsonType": "objectId"},
              "owner": {"bsonType": "string"}, "status": {"bsonType": "string"}, "priority": {"bsonType": "int"},
              "notes": {"bsonType": "string"}, "tags": {"bsonType": "array", "items": {"bsonType": "string"}}}}
            """)
        precondition(d.isEmpty)
        return schema
    }()
    static let config = SyncConfig(queryableFields: ["owner", "status", "priority", "tags"], indexedQueryableFields: ["owner"])

    @Test func duplicatesFollowTheSDKs() throws {
        var store = SubscriptionStore(schema: Self.schema, config: Self.config)
        try store.update { subs throws(SubscriptionError) in
            try subs.append(#"owner == "u1""#, on: "Task")
            try subs.append(#"owner == "u1""#, on: "Task")                 // unnamed twice: stored once
            try subs.append(#"owner == "u1""#, on: "Task", name: "mine")   // named copy coexists
            try subs.append(#"owner == "u1""#, on: "Task", name: "mine")   // same name, same query: nothing
        }
        #expect(store.latest.subscriptions.count == 2)
        #expect(throws: SubscriptionError.self) {
            try store.update { subs throws(SubscriptionError) in try subs.append(#"owner == "u2""#, on: "Task", name: "mine") }
        }
        try store.update { subs throws(SubscriptionError) in
            try subs.append(#"owner == "u2""#, on: "Task", name: "mine", updateExisting: true)
        }
        #expect(store.latest.subscriptions.first { $0.name == "mine" }?.query == #"owner == "u2""#)
        #expect(throws: SubscriptionError.self) {
            try store.update { subs throws(SubscriptionError) in try subs.update(named: "nope", to: "TRUEPREDICATE") }
        }
    }

    @Test func versionsAndStates() throws {
        var store = SubscriptionStore(schema: Self.schema, config: Self.config)
        let first = try store.update { subs throws(SubscriptionError) in try subs.append(#"owner == "u1""#, on: "Task") }
        #expect(first.state == .pending && first.version == 1)
        try store.update { subs throws(SubscriptionError) in try subs.append(#"owner == "u2""#, on: "Task") }
        #expect(store.latest.version == 2)
        let acknowledged = store.acknowledge()
        #expect(acknowledged.state == .complete)
        #expect(store.active.version == 2)
        // A set the server rejects keeps the previous active set, with the server's message.
        try store.update { subs throws(SubscriptionError) in try subs.append(#"owner == "u3" AND notes == "x""#, on: "Task") }
        let rejected = store.acknowledge()
        guard case .error(let message) = rejected.state else { Issue.record("expected an error"); return }
        #expect(message.contains(#"key "notes" is not a queryable field"#))
        #expect(store.active.version == 2)
        #expect(store.latest.version == 3)
    }

    @Test func removals() throws {
        var store = SubscriptionStore(schema: Self.schema, config: Self.config)
        try store.update { subs throws(SubscriptionError) in
            try subs.append(#"owner == "a""#, on: "Task", name: "a")
            try subs.append(#"owner == "b""#, on: "Task")
            try subs.append(#"owner == "c""#, on: "Task")
            subs.remove(named: "a")
            subs.remove(query: #"owner == "b""#, on: "Task")
        }
        #expect(store.latest.subscriptions.map(\.query) == [#"owner == "c""#])
        try store.update { subs throws(SubscriptionError) in subs.removeAll(unnamedOnly: true) }
        #expect(store.latest.subscriptions.isEmpty)
    }

    @Test func wireFormIsSortedDistinctAndJoinedWithOr() {
        let set = SubscriptionSet(subscriptions: [
            Subscription(collection: "Task", query: #"owner == "u2""#),
            Subscription(name: "n", collection: "Task", query: #"owner == "u1""#),
            Subscription(collection: "Task", query: #"owner == "u1""#),
            Subscription(collection: "Project", query: "TRUEPREDICATE"),
        ])
        #expect(set.wireForm == #"{"Project":"(TRUEPREDICATE)","Task":"(owner == \"u1\") OR (owner == \"u2\")"}"#)
        #expect(SubscriptionSet().wireForm == "{}")
    }

    @Test(arguments: [
        // realm-core's description form, as SDK clients send it.
        #"owner == "u1" and (priority > 3 or priority == NULL)"#,
        #"!(status == "done") and owner == "u1""#,
        #"owner == B64"dTE=""#,
        #"owner == "u1" and priority between {1, 3}"#,
        #"owner == "u1" and "urgent" == tags"#,
        "TRUEPREDICATE and owner == \"u1\"",
    ])
    func descriptionFormsAreAccepted(_ query: String) {
        let result = FlexibleSyncValidator.validate(query, collection: Self.schema.collection(named: "Task")!, config: Self.config)
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics.map(\.message))")
    }
}
