import Foundation
import RQL
import RQLTesting
import RQLSync

/// `rql-bench --matcher [--subscriptions N] [--json]`: the change matcher with N Flexible Sync
/// subscriptions (clients of 1-3 each) on the demo app's Task collection, in two mixes:
/// `equality` (every subscription and read filter names the owner) and `mixed` (a third of the
/// subscriptions name no owner: ranges, prefixes, status flags; 1 client in 1,000 reads
/// everything). Per mix: per-change latency with the index, the same by testing every client on a
/// sample, registration and removal cost, and resident memory per subscription.
enum MatcherBenchmark {
    static let taskSchema = """
        {"title": "Task", "bsonType": "object", "required": ["_id", "owner", "title", "status", "priority", "done"],
         "properties": {"_id": {"bsonType": "objectId"}, "owner": {"bsonType": "string"}, "assignee": {"bsonType": "string"},
          "title": {"bsonType": "string"}, "status": {"bsonType": "string"}, "priority": {"bsonType": "int"},
          "tags": {"bsonType": "array", "items": {"bsonType": "string"}}, "done": {"bsonType": "bool"},
          "due": {"bsonType": "date"}}}
        """
    static let ownerShapes = [#"owner == "%u""#, #"owner == "%u" AND status IN {"open", "late"}"#, #"owner == "%u" AND priority >= %p"#,
                              #"owner == "%u" AND "%t" IN tags"#, #"owner IN {"%u", "%v"} AND done == false"#]
    /// What apps without an indexed field subscribe to.
    static let ownerlessShapes = ["priority >= %p", "due >= T%d:0 AND due < T%e:0", #"title BEGINSWITH "Q%c""#,
                                  #"status == "open" AND done == false"#]
    static let statuses = ["open", "in_progress", "done", "late"], tags = ["urgent", "home", "work", "report"]
    /// Due dates fall within this many seconds.
    static let dueSpan: UInt64 = 100_000

    struct Result: Codable {
        var mix: String
        var subscriptions: Int
        var clients: Int
        var p50_us: Double
        var p99_us: Double
        var full_us: Double
        var add_us: Double
        var remove_us: Double
        var mismatches: Int
        var bytes_per_subscription: Double
    }

    static func run(subscriptions: Int, json: Bool) {
        var anyMismatch = false
        for mix in ["equality", "mixed"] {
            let result = measure(mix: mix, subscriptionCount: subscriptions, log: !json)
            anyMismatch = anyMismatch || result.mismatches > 0
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try! encoder.encode(result), as: UTF8.self))
            } else {
                print("""
                    \(mix): \(result.subscriptions) subscriptions, \(result.clients) clients
                      per change with the index: p50 \(format(result.p50_us)) us, p99 \(format(result.p99_us)) us; testing every client: \(format(result.full_us)) us
                      register \(format(result.add_us)) us, remove \(format(result.remove_us)) us per client; \(format(result.bytes_per_subscription)) bytes per subscription resident
                      index and full evaluation disagree on \(result.mismatches) of the sampled changes
                    """)
            }
        }
        if anyMismatch { exit(1) }
    }

    static func format(_ x: Double) -> String { String(format: "%.2f", x) }

    static func measure(mix: String, subscriptionCount: Int, log: Bool) -> Result {
        var schema = Schema()
        let problems = schema.load(taskSchema)
        guard problems.isEmpty, let task = schema.collection(named: "Task") else { fatalError("\(problems)") }
        var rng = SplitMix64(seed: 7)
        let config = SyncConfig(queryableFields: ["owner", "status", "priority", "tags", "done", "title", "due"],
                                indexedQueryableFields: mix == "equality" ? ["owner"] : [])
        // About two clients per user: a user's devices.
        let users = UInt64(max(1, subscriptionCount / 4))
        // Checked once per distinct text: the templates repeat.
        var checked: [String: CheckedQuery] = [:]
        func check(_ text: String) -> CheckedQuery {
            if let query = checked[text] { return query }
            guard let query = FlexibleSyncValidator.validate(text, collection: task, config: config).query else { preconditionFailure(text) }
            checked[text] = query
            return query
        }
        var filters: [String: CheckedPredicate] = [:]
        func ownerFilter(_ user: String) -> CheckedPredicate {
            if let filter = filters[user] { return filter }
            let filter = Checker.check(#"owner == "\#(user)""#, collection: task).query!.predicate
            filters[user] = filter
            return filter
        }
        func letter() -> String { String(UnicodeScalar(UInt8(97 + rng.below(26)))) }
        func randomClient(_ id: String, subscriptionBudget: Int) -> Client {
            let user = "u\(rng.below(users))"
            let subscriptions = (0..<min(subscriptionBudget, 1 + Int(rng.below(3)))).map { _ -> CheckedQuery in
                let shapes = mix == "mixed" && rng.below(3) == 0 ? ownerlessShapes : ownerShapes
                let start = rng.below(dueSpan)
                let fills: [(String, String)] = [
                    ("%u", user), ("%v", "u\(rng.below(users))"), ("%p", String(1 + rng.below(5))), ("%t", tags[Int(rng.below(4))]),
                    ("%d", String(start)), ("%e", String(start + 1 + rng.below(1_000))), ("%c", letter()),
                ]
                var text = shapes[Int(rng.below(UInt64(shapes.count)))]
                for (token, value) in fills { text = text.replacingOccurrences(of: token, with: value) }
                return check(text)
            }
            // The owner-read-write role; in the mixed app 1 client in 1,000 is an admin reading everything.
            let filter: CheckedPredicate = mix == "mixed" && rng.below(1_000) == 0 ? .constant(true) : ownerFilter(user)
            return Client(id: id, subscriptions: subscriptions, readFilters: ["Task": filter])
        }
        let matcher = ChangeMatcher(schema: schema)
        // The previous mix's memory, freed but still resident, would be reused and hide this one's.
        _ = malloc_trim(0)
        let residentBefore = residentBytes()
        let setup = DispatchTime.now().uptimeNanoseconds
        var registered = 0, clientCount = 0
        while registered < subscriptionCount {
            let client = randomClient("client\(clientCount)", subscriptionBudget: subscriptionCount - registered)
            registered += client.subscriptions.count
            clientCount += 1
            matcher.register(client)
        }
        let bytesPerSubscription = Double(residentBytes() - residentBefore) / Double(max(1, subscriptionCount))
        if log {
            print("\(mix): registered \(clientCount) clients in \(format(Double(DispatchTime.now().uptimeNanoseconds - setup) / 1e9)) s")
        }

        func randomTask(_ id: UInt64, owner: String) -> Document {
            let title = rng.below(4) == 0 ? "Q\(letter())task \(id)" : "task \(id)"
            return Document(values: [.objectId(ObjectId(high: id, low: 1)), .string(owner), .null, .string(title),
                                     .string(statuses[Int(rng.below(4))]), .int(Int64(1 + rng.below(5))),
                                     .list((0..<rng.below(3)).map { _ in .string(tags[Int(rng.below(4))]) }), .bool(rng.below(2) == 0),
                                     .timestamp(Timestamp(seconds: Int64(rng.below(dueSpan)), nanoseconds: 0))])
        }
        var changes: [Change] = []
        for i in 0..<20_000 {
            let owner = "u\(rng.below(users))"
            let before = randomTask(UInt64(i), owner: owner)
            let after = randomTask(UInt64(i), owner: rng.below(10) == 0 ? "u\(rng.below(users))" : owner)
            changes.append([.insert(collection: "Task", after: after), .update(collection: "Task", before: before, after: after),
                            .update(collection: "Task", before: before, after: after), .delete(collection: "Task", before: before)][i % 4])
        }
        var latencies: [Double] = []
        latencies.reserveCapacity(changes.count)
        for change in changes {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try! matcher.match(change)
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3)
        }
        latencies.sort()
        let sample = changes.prefix(20)
        let fullStart = DispatchTime.now().uptimeNanoseconds
        var full: [[Delivery]] = []
        for change in sample { full.append(try! matcher.matchWithoutIndex(change)) }
        let fullMicros = Double(DispatchTime.now().uptimeNanoseconds - fullStart) / 1e3 / Double(sample.count)
        let mismatches = zip(sample, full).filter { try! matcher.match($0) != $1 }.count

        let extra = (0..<10_000).map { randomClient("extra\($0)", subscriptionBudget: 3) }
        let addStart = DispatchTime.now().uptimeNanoseconds
        for client in extra { matcher.register(client) }
        let addMicros = Double(DispatchTime.now().uptimeNanoseconds - addStart) / 1e3 / Double(extra.count)
        let removeStart = DispatchTime.now().uptimeNanoseconds
        for client in extra { matcher.unregister(client.id) }
        let removeMicros = Double(DispatchTime.now().uptimeNanoseconds - removeStart) / 1e3 / Double(extra.count)

        return Result(mix: mix, subscriptions: registered, clients: clientCount,
                      p50_us: latencies[latencies.count / 2], p99_us: latencies[latencies.count * 99 / 100],
                      full_us: fullMicros, add_us: addMicros, remove_us: removeMicros, mismatches: mismatches,
                      bytes_per_subscription: bytesPerSubscription)
    }

    /// glibc's: returns freed heap pages to the system (not in Swift's Glibc module).
    @_silgen_name("malloc_trim")
    static func malloc_trim(_ pad: Int) -> Int32

    /// Resident memory from /proc/self/statm (0 where it does not exist).
    static func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
