import Foundation
import Testing
import RQL
import RQLSync
@testable import RQLShell

/// The shell's sync session (`.user`, `.subscribe`, `.unsubscribe`, `.subscriptions`, `.view`,
/// `.changes`), driven in-process on a small App Services export written to a temporary folder.
@Suite struct SyncShellTests {
    final class Capture: @unchecked Sendable {
        var output: [String] = []
        var errors: [String] = []
    }

    static let admin = """
        {"name": "admin", "apply_when": {"%%user.custom_data.isAdmin": true},
         "document_filters": {"read": true, "write": true}, "read": true, "write": true}
        """

    /// An export with Task (rules: admin, then owner-read-write) and Note (rules: admin only),
    /// and five tasks: 1-3 are alice's, 4-5 bob's.
    static func makeApp(taskRules: String? = nil) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rql-sync-shell-\(UUID().uuidString)").path
        let files: [String: String] = [
            "sync/config.json": """
                {"type": "flexible", "state": "enabled", "development_mode_enabled": false,
                 "queryable_fields_names": ["owner", "status"], "indexed_queryable_fields_names": ["owner"],
                 "collection_queryable_fields_names": {"Task": ["priority"]}}
                """,
            "data_sources/mongodb-atlas/todo/Task/schema.json": """
                {"title": "Task", "bsonType": "object", "required": ["_id", "owner", "status", "priority"],
                 "properties": {"_id": {"bsonType": "int"}, "owner": {"bsonType": "string"}, "title": {"bsonType": "string"},
                  "status": {"bsonType": "string"}, "priority": {"bsonType": "int"}}}
                """,
            "data_sources/mongodb-atlas/todo/Task/rules.json": taskRules ?? """
                {"collection": "Task", "database": "todo", "roles": [\(admin),
                 {"name": "owner-read-write", "apply_when": {},
                  "document_filters": {"read": {"owner": "%%user.id"}, "write": {"owner": "%%user.id"}}, "read": true, "write": true}]}
                """,
            "data_sources/mongodb-atlas/todo/Note/schema.json": """
                {"title": "Note", "bsonType": "object", "required": ["_id", "owner"],
                 "properties": {"_id": {"bsonType": "int"}, "owner": {"bsonType": "string"}, "text": {"bsonType": "string"}}}
                """,
            "data_sources/mongodb-atlas/todo/Note/rules.json": """
                {"collection": "Note", "database": "todo", "roles": [\(admin)]}
                """,
            "data/Task.json": """
                {"_id": 1, "owner": "alice", "title": "one", "status": "open", "priority": 5}
                {"_id": 2, "owner": "alice", "title": "two", "status": "done", "priority": 2}
                {"_id": 3, "owner": "alice", "title": "three", "status": "open", "priority": 3}
                {"_id": 4, "owner": "bob", "title": "four", "status": "open", "priority": 4}
                {"_id": 5, "owner": "bob", "title": "five", "status": "done", "priority": 1}
                """,
        ]
        for (path, text) in files {
            let url = URL(fileURLWithPath: root).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    /// A shell on a fresh copy of the app, querying Task.
    static func shell() throws -> (Shell, Capture) {
        let capture = Capture()
        let shell = Shell(output: { capture.output.append($0) }, errors: { capture.errors.append($0) })
        #expect(shell.open(directory: try makeApp()))
        shell.execute(".use Task")
        #expect(capture.errors.isEmpty)
        return (shell, capture)
    }

    /// The `_id`s of the documents printed by the last `.view` or query in json mode.
    static func ids(_ capture: Capture) -> [Int] {
        guard let text = capture.output.last else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let r = line.range(of: #"^\{"_id": (\d+),"#, options: .regularExpression) else { return nil }
            return Int(line[r].dropFirst(8).dropLast())
        }
    }

    // MARK: - .user

    @Test func openingAnAppWithRulesStartsAsAliceAndUserShowsTheRoles() throws {
        let (shell, capture) = try Self.shell()
        #expect(shell.user?.id == "alice")
        #expect(shell.rules?.collections.count == 2)
        shell.execute(".user")
        #expect(capture.output == [
            "user 'alice'",
            "  Note: denied: access denied: no role applies (apply_when is false for 'admin'; App Services does not fall back to other roles)",
            "  Task: role 'owner-read-write', reads owner == \"alice\"",
        ])
        capture.output = []
        shell.execute(#".user {"id": "bob", "custom_data": {"isAdmin": true}}"#)
        #expect(shell.user?.id == "bob")
        #expect(capture.output == [
            #"user 'bob' custom_data {"isAdmin": true}"#,
            "  Note: role 'admin', reads TRUEPREDICATE",
            "  Task: role 'admin', reads TRUEPREDICATE",
        ])
    }

    @Test func aMalformedUserIsShownWithACaretAndTheUserStays() throws {
        let (shell, capture) = try Self.shell()
        shell.execute(#".user {"name": "bob"}"#)
        #expect(shell.user?.id == "alice")
        #expect(capture.output.isEmpty)
        #expect(capture.errors.contains { $0.contains("unknown key 'name' in a user") && $0.contains("^^^^^^") })
        #expect(capture.errors.contains { $0.contains("'id' is missing") })
    }

    @Test func withoutRulesThereIsNoUserAndEverythingIsReadable() {
        let capture = Capture()
        let shell = Shell(output: { capture.output.append($0) }, errors: { capture.errors.append($0) })
        #expect(shell.user == nil && shell.rules == nil)
        shell.execute(#".user {"id": "bob"}"#)
        #expect(capture.output == ["user 'bob'", "  no rules loaded: every collection is readable in full"])
    }

    @Test func malformedRulesStopOpenWithTheRenderedDiagnostic() throws {
        let app = try Self.makeApp(taskRules: #"{"collection": "Task", "roles": [{"name": "x", "applyWhen": {}}]}"#)
        let capture = Capture()
        let shell = Shell(output: { capture.output.append($0) }, errors: { capture.errors.append($0) })
        #expect(!shell.open(directory: app))
        let error = try #require(capture.errors.first)
        #expect(error.contains("error[RQL6002]"))
        #expect(error.contains("unknown key 'applyWhen' in a role; App Services calls it 'apply_when'"))
        #expect(error.contains("Task/rules.json:1:"))
        #expect(error.contains("^^^^^^^^^^^"))
    }

    // MARK: - .subscribe, .unsubscribe, .subscriptions

    @Test func subscribeMakesAcknowledgedVersions() throws {
        let (shell, capture) = try Self.shell()
        shell.execute(#".subscribe owner == "alice""#)
        #expect(capture.output.last == "version 1: complete (1 subscription)")
        // An unnamed duplicate is stored once: no new version.
        shell.execute(#".subscribe owner == "alice""#)
        #expect(capture.output.last == "already subscribed: version 1 (complete) unchanged")
        // The server rejects a query on a field that is not queryable; version 1 stays active.
        shell.execute(#".subscribe owner == "alice" AND title == "one" as bad"#)
        #expect(capture.errors.last?.contains(#"key "title" is not a queryable field"#) == true)
        #expect(capture.errors.last?.contains("^^^^^") == true)
        #expect(capture.output.last == #"version 2: error: Invalid query: invalid match expression for table "Task": key "title" is not a queryable field; version 1 stays active (.unsubscribe the rejected query to go on)"#)
        #expect(shell.subscriptions.active.version == 1)
        #expect(shell.subscriptions.latest.version == 2)
        // Removing the rejected query makes a version the server accepts.
        shell.execute(".unsubscribe bad")
        #expect(capture.output.last == "version 3: complete (1 subscription)")
        // A name that exists with another query is updated in place.
        shell.execute(#".subscribe owner == "alice" AND priority >= 3 as high"#)
        #expect(capture.output.last == "version 4: complete (2 subscriptions)")
        shell.execute(#".subscribe owner == "alice" AND priority >= 5 as high"#)
        #expect(capture.output.last == "version 5: complete (2 subscriptions)")
        #expect(shell.subscriptions.active.subscriptions.map(\.query) == [#"owner == "alice""#, #"owner == "alice" AND priority >= 5"#])
        // With no query, the last query run.
        shell.execute(#"owner == "alice" AND status == "open""#)
        shell.execute(".subscribe as open")
        #expect(capture.output.last == "version 6: complete (3 subscriptions)")
        #expect(shell.subscriptions.active.subscriptions.last == Subscription(name: "open", collection: "Task", query: #"owner == "alice" AND status == "open""#))
        // A query the SDK cannot parse against the schema is never sent: no version.
        let before = capture.output.count
        shell.execute(#".subscribe ownr == "alice""#)
        #expect(capture.output.count == before)
        #expect(capture.errors.last?.contains("'Task' has no property 'ownr'") == true)
        #expect(shell.subscriptions.latest.version == 6)
    }

    @Test func subscriptionsListTheActiveAndLatestSetsWithTheirWireForm() throws {
        let (shell, capture) = try Self.shell()
        shell.execute(".subscriptions")
        #expect(capture.output == ["active: version 0, complete", "  (no subscriptions)", "  wire form: {}", "latest: version 0, the active set"])
        shell.execute(#".subscribe owner == "alice" AND priority >= 4 as mine"#)
        shell.execute(#".subscribe owner == "alice""#)
        shell.execute(#".subscribe status == "open""#)
        capture.output = []
        shell.execute(".subscriptions")
        #expect(capture.output == [
            "active: version 2, complete",
            #"  Task: owner == "alice" AND priority >= 4 (as mine)"#,
            #"  Task: owner == "alice""#,
            #"  wire form: {"Task":"(owner == \"alice\") OR (owner == \"alice\" AND priority >= 4)"}"#,
            #"latest: version 3, error: Invalid query: invalid match expression for table "Task": the indexed queryable field "owner" must be compared with == or IN against a constant in every subscription, joined to the rest with AND"#,
            #"  Task: owner == "alice" AND priority >= 4 (as mine)"#,
            #"  Task: owner == "alice""#,
            #"  Task: status == "open""#,
            #"  wire form: {"Task":"(owner == \"alice\") OR (owner == \"alice\" AND priority >= 4) OR (status == \"open\")"}"#,
        ])
    }

    @Test func unsubscribeByNameQueryOrAll() throws {
        let (shell, capture) = try Self.shell()
        shell.execute(#".subscribe owner == "alice" as a"#)
        shell.execute(#".subscribe owner == "bob""#)
        shell.execute(#".subscribe owner == "carol""#)
        shell.execute(".unsubscribe a")
        #expect(capture.output.last == "version 4: complete (2 subscriptions)")
        shell.execute(#".unsubscribe owner == "bob""#)
        #expect(capture.output.last == "version 5: complete (1 subscription)")
        #expect(shell.subscriptions.active.subscriptions.map(\.query) == [#"owner == "carol""#])
        shell.execute(".unsubscribe nope")
        #expect(capture.errors.last == "no subscription named 'nope' or with that query on 'Task'; .subscriptions lists them")
        shell.execute(".unsubscribe all")
        #expect(capture.output.last == "version 6: complete (0 subscriptions)")
        #expect(shell.subscriptions.active.subscriptions.isEmpty)
    }

    // MARK: - .view

    @Test func viewIsTheSubscriptionsAndTheReadFilter() throws {
        let (shell, capture) = try Self.shell()
        shell.execute(".mode json")
        shell.execute(".view")
        #expect(capture.errors.last == "no active subscription on 'Task' (active set: version 0): .subscribe QUERY")
        // Allowed to subscribe to everyone's tasks, alice still reads only her own.
        shell.execute(#".subscribe owner IN {"alice", "bob"}"#)
        shell.execute(".view")
        #expect(Self.ids(capture) == [1, 2, 3])
        // Subscriptions narrow it: ORed with each other, ANDed with the read filter.
        shell.execute(#".unsubscribe owner IN {"alice", "bob"}"#)
        shell.execute(#".subscribe owner IN {"alice", "bob"} AND priority >= 4"#)
        shell.execute(#".subscribe owner == "bob" AND status == "done""#)
        shell.execute(".view")
        #expect(Self.ids(capture) == [1])
        // An admin reads everything: bob's tasks appear.
        shell.execute(#".user {"id": "erin", "custom_data": {"isAdmin": true}}"#)
        shell.execute(".view")
        #expect(Self.ids(capture) == [1, 4, 5])
        shell.execute(#".user {"id": "bob"}"#)
        shell.execute(".mode count")
        shell.execute(".view")
        #expect(capture.output.last == "2")
        // A denied role shows nothing, with the reason.
        shell.execute(".use Note")
        shell.execute(#".subscribe owner == "bob""#)
        shell.execute(".view")
        #expect(capture.errors.last == "user 'bob' sees nothing in 'Note': access denied: no role applies (apply_when is false for 'admin'; App Services does not fall back to other roles)")
    }

    // MARK: - .changes

    static let changeFile = """
        {"client": "c1", "user": {"id": "alice"}, "subscriptions": {"Task": ["owner == \\"alice\\""]}}
        {"client": "c2", "user": {"id": "bob"}, "subscriptions": {"Task": ["owner IN {\\"alice\\", \\"bob\\"}"]}}
        // an admin, on the high-priority tasks of both
        {"client": "c3", "user": {"id": "erin", "custom_data": {"isAdmin": true}}, "subscriptions": {"Task": ["owner IN {\\"alice\\", \\"bob\\"} AND priority >= 3"]}}
        {"client": "c4", "user": {"id": "dave"}, "subscriptions": {"Task": ["owner == \\"dave\\" AND title == \\"x\\""]}}

        {"op": "insert", "collection": "Task", "after": {"_id": 10, "owner": "alice", "status": "open", "priority": 1}}
        {"op": "update", "collection": "Task", "before": {"_id": 10, "owner": "alice", "status": "open", "priority": 1}, "after": {"_id": 10, "owner": "alice", "status": "open", "priority": 4}}
        {"op": "update", "collection": "Task", "before": {"_id": 10, "owner": "alice", "status": "open", "priority": 4}, "after": {"_id": 10, "owner": "bob", "status": "open", "priority": 4}}
        {"op": "insert", "collection": "Task", "after": {"_id": 11, "owner": "dave", "title": "x", "status": "open", "priority": 5}}
        {"op": "delete", "collection": "Task", "before": {"_id": 10, "owner": "bob", "status": "open", "priority": 4}}
        """

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rql-changes-\(UUID().uuidString).jsonl").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func changesPrintWhoReceivesEachChange() throws {
        let (shell, capture) = try Self.shell()
        shell.execute(".changes " + (try Self.write(Self.changeFile)))
        #expect(capture.output == [
            "#1 insert Task 10: c1 enter",
            "#2 update Task 10: c1 update, c3 enter",
            "#3 update Task 10: c1 leave, c2 enter, c3 update",
            "#4 insert Task 11: (nobody)",
            "#5 delete Task 10: c2 leave, c3 leave",
        ])
        #expect(capture.errors == [#"line 5: client 'c4': the server rejects its subscriptions (Invalid query: invalid match expression for table "Task": key "title" is not a queryable field); it receives nothing"#])
    }

    @Test func aMalformedChangeFileNamesTheLineAndReplaysNothing() throws {
        let (shell, capture) = try Self.shell()
        let path = try Self.write("""
            {"client": "c1", "user": {"id": "alice"}, "subscriptions": {"Task": ["owner == \\"alice\\""]}}
            {"op": "upsert", "collection": "Task", "after": {"_id": 10, "owner": "alice", "status": "open", "priority": 1}}
            {"client": "c2", "subscriptions": {"Task": ["ownr == \\"bob\\""]}}
            {"op": "insert", "collection": "Task", "after": {"_id": 10, "owner": 7, "status": "open", "priority": 1}}
            """)
        shell.execute(".changes " + path)
        #expect(capture.output.isEmpty)
        #expect(capture.errors.count == 4)
        #expect(capture.errors[0].contains(#"line 2: 'op' must be "insert", "update" or "delete", found "upsert""#))
        #expect(capture.errors[0].contains("--> \(path):2:8"))
        #expect(capture.errors[1].contains("line 3: client 'c2' has no 'user'"))
        #expect(capture.errors[2].contains("line 3: client 'c2': subscription on 'Task'"))
        #expect(capture.errors[2].contains("'Task' has no property 'ownr'"))
        #expect(capture.errors[2].contains("--> \(path):3:45"))
        #expect(capture.errors[3].contains("line 4, 'after': field 'owner': expected a string, found number 7"))
    }

    @Test func withoutRulesClientsNeedNoUser() throws {
        let capture = Capture()
        let shell = Shell(output: { capture.output.append($0) }, errors: { capture.errors.append($0) })
        #expect(shell.schema.load(#"{"title": "Task", "bsonType": "object", "properties": {"_id": {"bsonType": "int"}, "owner": {"bsonType": "string"}}}"#).isEmpty)
        let path = try Self.write("""
            {"client": "a", "subscriptions": {"Task": ["owner == \\"alice\\""]}}
            {"op": "insert", "collection": "Task", "after": {"_id": 1, "owner": "alice"}}
            {"op": "delete", "collection": "Task", "before": {"_id": 1, "owner": "alice"}}
            """)
        shell.execute(".changes " + path)
        #expect(capture.errors.isEmpty)
        #expect(capture.output == ["#1 insert Task 1: a enter", "#2 delete Task 1: a leave"])
    }

    // MARK: - Help and completion

    @Test func theNewCommandsHaveHelpAndCompletion() throws {
        let (shell, capture) = try Self.shell()
        shell.execute(".help .changes")
        #expect(capture.output.first?.hasPrefix(".changes FILE") == true)
        #expect(capture.output.contains { $0.contains(#"{"op": "update", "collection": "Task", "before": {...}, "after": {...}}"#) })
        #expect(Completer.candidates(line: ".uns", prefix: ".uns", shell: shell) == [".unsubscribe"])
        #expect(Completer.candidates(line: ".su", prefix: ".su", shell: shell) == [".subscribe", ".subscriptions"])
        #expect(Completer.candidates(line: ".vi", prefix: ".vi", shell: shell) == [".view"])
        shell.execute(#".subscribe owner == "alice" as mine"#)
        #expect(Completer.candidates(line: ".unsubscribe ", prefix: "", shell: shell) == ["mine", "all"])
        #expect(Completer.candidates(line: ".changes da", prefix: "da", shell: shell).isEmpty)
        #expect(Completer.candidates(line: ".subscribe own", prefix: "own", shell: shell) == ["owner"])
    }
}
