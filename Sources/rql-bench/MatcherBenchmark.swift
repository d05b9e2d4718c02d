import Foundation
import RQL
import RQLTesting
import RQLSync

/// `rql-bench --matcher`: the change matcher with 10,000 clients holding 1-3 Flexible Sync
/// subscriptions each on the demo app's Task collection, per-change latency with the index and
/// by testing every client, in one run.
enum MatcherBenchmark {
    static let taskSchema = """
        {"title": "Task", "bsonType": "object", "required": ["_id", "owner", "title", "status", "priority", "done"],
         "properties": {"_id": {"bsonType": "objectId"}, "owner": {"bsonType": "string"}, "assignee": {"bsonType": "string"},
          "title": {"bsonType": "string"}, "status": {"bsonType": "string"}, "priority": {"bsonType": "int"},
          "tags": {"bsonType": "array", "items": {"bsonType": "string"}}, "done": {"bsonType": "bool"}}}
        """

    static func run(clients clientCount: Int = 10_000, users: Int = 5_000) {
        var schema = Schema()
        let problems = schema.load(taskSchema)
        guard problems.isEmpty, let task = schema.collection(named: "Task") else { fatalError("\(problems)") }
        var rng = SplitMix64(seed: 7)
        let statuses = ["open", "in_progress", "done", "late"], tags = ["urgent", "home", "work", "report"]
        let shapes = [#"owner == "%u""#, #"owner == "%u" AND status IN {"open", "late"}"#, #"owner == "%u" AND priority >= %p"#,
                      #"owner == "%u" AND "%t" IN tags"#, #"owner IN {"%u", "%v"} AND done == false"#]
        let matcher = ChangeMatcher(schema: schema)
        let config = SyncConfig(queryableFields: ["owner", "status", "priority", "tags", "done"], indexedQueryableFields: ["owner"])
        let setup = DispatchTime.now().uptimeNanoseconds
        for c in 0..<clientCount {
            let user = "u\(rng.below(UInt64(users)))"
            var subscriptions: [CheckedQuery] = []
            for _ in 0..<(1 + rng.below(3)) {
                let query = shapes[Int(rng.below(UInt64(shapes.count)))]
                    .replacingOccurrences(of: "%u", with: user).replacingOccurrences(of: "%v", with: "u\(rng.below(UInt64(users)))")
                    .replacingOccurrences(of: "%p", with: String(1 + rng.below(5)))
                    .replacingOccurrences(of: "%t", with: tags[Int(rng.below(4))])
                guard let checked = FlexibleSyncValidator.validate(query, collection: task, config: config).query else {
                    preconditionFailure(query)
                }
                subscriptions.append(checked)
            }
            // The owner-read-write role: read what you own.
            let filter = Checker.check(#"owner == "\#(user)""#, collection: task).query?.predicate
            matcher.register(Client(id: "client\(c)", subscriptions: subscriptions, readFilters: ["Task": filter]))
        }
        let setupSeconds = Double(DispatchTime.now().uptimeNanoseconds - setup) / 1e9
        func randomTask(_ id: UInt64, owner: String) -> Document {
            Document(values: [.objectId(ObjectId(high: id, low: 1)), .string(owner), .null, .string("t\(id)"),
                              .string(statuses[Int(rng.below(4))]), .int(Int64(1 + rng.below(5))),
                              .list((0..<rng.below(3)).map { _ in .string(tags[Int(rng.below(4))]) }), .bool(rng.below(2) == 0)])
        }
        var changes: [Change] = []
        for i in 0..<20_000 {
            let owner = "u\(rng.below(UInt64(users)))"
            let before = randomTask(UInt64(i), owner: owner)
            let after = randomTask(UInt64(i), owner: rng.below(10) == 0 ? "u\(rng.below(UInt64(users)))" : owner)
            changes.append([.insert(collection: "Task", after: after), .update(collection: "Task", before: before, after: after),
                            .update(collection: "Task", before: before, after: after), .delete(collection: "Task", before: before)][i % 4])
        }
        var deliveries = 0
        let indexedStart = DispatchTime.now().uptimeNanoseconds
        for change in changes { deliveries += matcher.match(change).count }
        let indexedMicros = Double(DispatchTime.now().uptimeNanoseconds - indexedStart) / 1e3 / Double(changes.count)
        let sample = changes.prefix(200)
        var mismatches = 0
        let fullStart = DispatchTime.now().uptimeNanoseconds
        for change in sample { _ = matcher.matchWithoutIndex(change) }
        let fullMicros = Double(DispatchTime.now().uptimeNanoseconds - fullStart) / 1e3 / Double(sample.count)
        for change in sample where matcher.match(change) != matcher.matchWithoutIndex(change) { mismatches += 1 }
        print("change matcher: \(clientCount) clients (1-3 subscriptions each, read filter owner == user), set up in \(String(format: "%.2f", setupSeconds)) s")
        print(String(format: "  with the index:      %8.2f us per change (%d changes, %d deliveries)", indexedMicros, changes.count, deliveries))
        print(String(format: "  testing every client: %8.2f us per change (%d changes)", fullMicros, sample.count))
        print(String(format: "  ratio: %.0fx; index and full scan disagree on %d of %d changes", fullMicros / indexedMicros, mismatches, sample.count))
        if mismatches > 0 { exit(1) }
    }
}
