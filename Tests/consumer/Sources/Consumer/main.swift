// The README's "Sync server pieces" example, as a program outside RQLKit. Each `check` is what
// the README says the line prints or returns.
import RQL
import RQLSync
#if canImport(Glibc)
import Glibc
#endif

func check(_ condition: Bool, _ what: String) {
    if !condition {
        print("consumer: \(what)")
        exit(1)
    }
}

var schema = Schema()
let schemaProblems = schema.load(#"""
    {"title": "Task", "bsonType": "object", "required": ["_id", "owner"],
     "properties": {"_id": {"bsonType": "int"}, "owner": {"bsonType": "string"},
                    "status": {"bsonType": "string"}, "priority": {"bsonType": "int"}}}
    """#)
check(schemaProblems.isEmpty, "the schema loads")
let task = schema.collection(named: "Task")!
let syncConfig = SyncConfig(queryableFields: ["owner", "status"], indexedQueryableFields: ["owner"])

// A client's subscriptions, with the SDKs' rules (unnamed duplicates stored once, names updated
// only when asked), versions and states; a set the server rejects keeps the previous active set.
var subscriptions = SubscriptionStore(schema: schema, config: syncConfig)
do {
    try subscriptions.update { set throws(SubscriptionError) in
        try set.append(#"owner == "alice" AND status IN {"open", "late"}"#, on: "Task", name: "mine")
    }
} catch {
    check(false, "the subscription is valid: \(error)")
}
subscriptions.acknowledge()
print(subscriptions.active.wireForm)        // {"Task":"(owner == \"alice\" AND status IN {...})"}

// Permissions from rules.json: the first role whose apply_when holds; filters with %%user
// expansions compile to the same checked tree as queries.
let (taskRules, ruleProblems) = CollectionRules.load(#"""
    {"collection": "Task", "database": "tracker",
     "roles": [{"name": "owner", "apply_when": {},
                "document_filters": {"read": {"owner": "%%user.id"}, "write": {"owner": "%%user.id"}},
                "read": true, "write": true}]}
    """#)
check(ruleProblems.isEmpty, "the rules load")
let resolver = PermissionResolver(rules: RuleSet(collections: [taskRules!]), schema: schema, config: syncConfig)
let alice = resolver.resolve(user: SyncUser(id: "alice"), collection: task)
check(alice.roleName == "owner", "alice gets the owner role")

// Fan-out: who must receive a changed document. A client's view of a collection (its
// subscriptions ORed, AND its role's read filter) is compiled once, when it registers.
let matcher = ChangeMatcher(schema: schema)
matcher.register(Client(id: "c1", subscriptions: subscriptions.activeQueries, permissions: [alice]))
// Documents come from Extended JSON, one per line (a load with one bad document loads nothing).
func document(_ json: String) -> Document {
    let (documents, problems) = DocumentLoader.load(json, schema: task)
    check(problems.isEmpty && documents.count == 1, "the document loads: \(problems)")
    return documents[0]
}
let old = document(#"{"_id": 1, "owner": "alice", "status": "open", "priority": 3}"#)
let new = document(#"{"_id": 1, "owner": "alice", "status": "done", "priority": 3}"#)
let deliveries = try matcher.match(.update(collection: "Task", before: old, after: new))
print(deliveries)                           // [c1 leave]
check(deliveries.map(\.description) == ["c1 leave"], "the task leaves c1's view")
