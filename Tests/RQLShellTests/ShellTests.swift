import Foundation
import Testing
import RQL
@testable import RQLShell

/// The REPL's logic, driven with scripted lines (no terminal).
@Suite struct ShellTests {
    final class Capture: @unchecked Sendable {
        var output: [String] = []
        var errors: [String] = []
    }

    static func shell() -> (Shell, Capture) {
        let capture = Capture()
        let shell = Shell(output: { capture.output.append($0) }, errors: { capture.errors.append($0) })
        let problems = shell.schema.load("""
            {"title": "Task", "bsonType": "object", "required": ["_id", "owner", "priority"],
             "properties": {"_id": {"bsonType": "int"}, "owner": {"bsonType": "string"}, "priority": {"bsonType": "int"},
               "tags": {"bsonType": "array", "items": {"bsonType": "string"}}}}
            """)
        precondition(problems.isEmpty)
        shell.current = "Task"
        let task = shell.schema.collection(named: "Task")!
        let loaded = DocumentLoader.load("""
            {"_id": 1, "owner": "alice", "priority": 5, "tags": ["urgent"]}
            {"_id": 2, "owner": "bob", "priority": 1, "tags": []}
            {"_id": 3, "owner": "alice", "priority": 2, "tags": ["home"]}
            """, schema: task)
        precondition(loaded.diagnostics.isEmpty)
        try! shell.live(task)!.insert(contentsOf: loaded.documents)
        return (shell, capture)
    }

    @Test func multiLineInputContinuesWhileParenthesesAreOpen() {
        let (shell, capture) = Self.shell()
        shell.mode = .count
        var source = ScriptedSource(lines: ["owner == \"alice\" AND (", "priority > 1 OR", "priority < 0)"])
        shell.run(&source)
        #expect(source.prompts == ["rql> ", "...> ", "...> ", "rql> "])
        #expect(capture.output == ["2"])
        #expect(source.history == ["owner == \"alice\" AND ( priority > 1 OR priority < 0)"])
    }

    @Test func ctrlCDropsThePendingStatement() {
        let (shell, capture) = Self.shell()
        shell.mode = .count
        var source = ScriptedSource([.line("owner == (\"x\""), .interrupted, .line("priority > 3")])
        shell.run(&source)
        #expect(source.prompts == ["rql> ", "...> ", "rql> ", "rql> "])
        #expect(capture.output == ["1"])
        #expect(capture.errors.isEmpty)
    }

    @Test func badQueriesShowACaretAndTheShellGoesOn() {
        let (shell, capture) = Self.shell()
        shell.mode = .count
        var source = ScriptedSource(lines: ["ownr == 'x'", "priority >", "priority > 4"])
        shell.run(&source)
        #expect(capture.errors.count == 2)
        #expect(capture.errors[0].contains("'Task' has no property 'ownr'"))
        #expect(capture.errors[0].contains("^^^^"))
        #expect(capture.errors[0].contains("did you mean 'owner'?"))
        #expect(capture.errors[1].contains("expected a value after '>'"))
        #expect(capture.output == ["1"])
    }

    @Test func modesShowMatchesAsTableListJsonOrCount() {
        let (shell, capture) = Self.shell()
        shell.execute("owner == \"alice\"")
        #expect(capture.output.last?.components(separatedBy: "\n").first == "_id  owner  priority  tags")
        #expect(capture.output.last?.contains("1    alice  5         [urgent]") == true)
        shell.execute(".mode json")
        shell.execute("priority == 1")
        #expect(capture.output.last == #"{"_id": 2, "owner": "bob", "priority": 1, "tags": []}"#)
        shell.execute(".mode list")
        shell.execute("priority == 1")
        #expect(capture.output.last?.contains("owner    = bob") == true)
        shell.execute(".mode nonsense")
        #expect(capture.errors.last?.contains("modes: table, list, auto, csv, markdown, json, count") == true)
    }

    @Test func argumentsTimerAndExplain() {
        let (shell, capture) = Self.shell()
        shell.execute(".args \"alice\", {1, 5}")
        shell.execute(".mode count")
        shell.execute(".timer on")
        let before = capture.output.count
        shell.execute("owner == $0 AND priority IN $1")
        #expect(capture.output.count == before + 1, "the count once, in the timing line")
        #expect(capture.output.last?.hasPrefix("1 of 3 objects, ") == true)
        shell.execute(".bytecode")
        #expect(capture.output.last?.contains("bytesEqual") == true)
        #expect(capture.output.last?.contains("intInSet") == true)
        shell.execute(".explain priority > 2")
        #expect(capture.output.contains { $0.contains("intCompare") })
        shell.execute(".mode table")
        shell.execute("owner == $0")
        #expect(capture.output.suffix(2).first?.hasPrefix("_id  owner") == true)
        #expect(capture.output.last?.hasPrefix("2 of 3 objects, ") == true)
    }

    /// With 3 objects a search that finds one is already over a quarter of them, so the plan is
    /// a scan; an element no object holds is searched.
    @Test func indexesAreMadeListedAndShownInThePlan() {
        let (shell, capture) = Self.shell()
        shell.execute(".index")
        #expect(capture.output.last == "indexes on Task: _id")
        shell.execute(".index ownr")
        #expect(capture.errors.last == "no property 'ownr' in 'Task'; did you mean 'owner'?")
        shell.execute(".index tags")
        shell.execute(".index priority")
        #expect(capture.output.last == "index on Task.priority (3 objects)")
        shell.execute(".index")
        #expect(capture.output.last == "indexes on Task: _id, priority, tags")
        shell.execute(".plan owner == \"alice\"")
        #expect(capture.output.last == "SCAN Task")
        shell.execute(".plan \"x\" IN tags")
        #expect(capture.output.last == "SEARCH Task USING INDEX tags (tags=?)")
        shell.execute(".mode count")
        shell.execute("\"home\" IN tags OR priority == 5")
        #expect(capture.output.last == "2")
        shell.execute(".explain priority > 1 AND owner == \"bob\"")
        #expect(capture.output.contains("-- plan"))
    }

    /// Long work asks the front end whether Ctrl-C was pressed: a scan stops and shows nothing,
    /// a load stops and keeps nothing.
    @Test func anInterruptStopsScansAndLoads() throws {
        let (shell, capture) = Self.shell()
        shell.isInterrupted = { true }
        shell.execute("priority > 0")
        #expect(capture.errors.last == "query cancelled (Ctrl-C); nothing shown")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rql-interrupt-\(UUID().uuidString).json").path
        let lines = (10..<(10 + 2 * DocumentLoader.checkEvery)).map { #"{"_id": \#($0), "owner": "x", "priority": 1}"# }
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(!shell.load(file: path, into: "Task"))
        #expect(capture.errors.last?.contains("loading stopped after \(DocumentLoader.checkEvery) documents; nothing was loaded") == true)
        #expect(shell.collections["Task"]?.count == 3)
        shell.isInterrupted = { false }
        #expect(shell.load(file: path, into: "Task"))
        #expect(shell.collections["Task"]?.count == 3 + 2 * DocumentLoader.checkEvery)
    }

    /// `.insert`, `.replace`, `.upsert`, `.update` and `.delete` change what the next query
    /// finds, through the indexes too; a write with any problem changes nothing and says why.
    @Test func writesChangeTheCollectionAndBadOnesChangeNothing() {
        let (shell, capture) = Self.shell()
        shell.mode = .count
        shell.execute(".index owner")
        shell.execute(#".insert {"_id": 4, "owner": "carol", "priority": 7, "tags": ["home"]}"#)
        #expect(capture.output.last == "inserted; 4 objects in 'Task'")
        shell.execute(#".update {"_id": 2, "owner": "carol"}"#)
        shell.execute(#"owner == "carol""#)
        #expect(capture.output.last == "2")
        shell.execute(#".replace {"_id": 4, "owner": "dan", "priority": 1}"#)
        shell.execute(#"owner == "carol" AND priority == 1"#)
        #expect(capture.output.last == "1")
        shell.execute(#""home" IN tags"#)
        #expect(capture.output.last == "1")
        shell.execute(#".upsert {"_id": 5, "owner": "eve", "priority": 3}"#)
        shell.execute(".delete 1")
        #expect(capture.output.last == "deleted; 4 objects in 'Task'")
        shell.execute(#".insert [{"_id": 6, "owner": "fay", "priority": 0}, {"_id": 7, "owner": "gus", "priority": 0}]"#)
        #expect(capture.output.last == "inserted 2 documents; 6 objects in 'Task'")
        shell.execute("priority <= 1")
        #expect(capture.output.last == "4")
        shell.mode = .json
        shell.execute(#"owner == "eve""#)
        #expect(capture.output.last?.contains(#""priority": 3"#) == true)
        let errorsBefore = capture.errors.count
        shell.execute(".delete 1")
        #expect(capture.errors.last == "error[RQL5011]: delete: no document with _id 1 in 'Task'")
        shell.execute(#".insert {"_id": 2, "owner": "x", "priority": 1}"#)
        #expect(capture.errors.last?.contains("duplicate _id 2") == true)
        shell.execute(#".insert [{"_id": 8, "owner": "x", "priority": 1}, {"_id": 8, "owner": "y", "priority": 1}]"#)
        #expect(capture.errors.last?.contains("duplicate _id 8") == true)
        shell.execute(#".update {"_id": 3, "priority": "high"}"#)
        #expect(capture.errors.last?.contains("--> 1:24") == true)
        shell.execute(".update")
        #expect(capture.errors.last?.hasPrefix("usage: .update") == true)
        #expect(capture.errors.count == errorsBefore + 5)
        #expect(shell.collections["Task"]?.count == 6)
        shell.mode = .count
        shell.execute(#"owner IN {"x", "y"} OR priority == 7"#)
        #expect(capture.output.last == "0")
    }

    /// Commands alone show their state; a bad argument says what is allowed and changes nothing.
    @Test func settingsShowThemselvesAndRefuseNonsense() {
        let (shell, capture) = Self.shell()
        shell.execute(".timer")
        #expect(capture.output.last == "timer off")
        shell.execute(".timer maybe")
        #expect(capture.errors.last == "usage: .timer on|off (now off)" && !shell.timer)
        shell.execute(".mode")
        #expect(capture.output.last == "mode table")
        shell.execute(".mode grid")
        #expect(capture.errors.last == "no mode 'grid'; modes: table, list, auto, csv, markdown, json, count (now table)")
        shell.execute(".args \"bob\", 2")
        shell.execute(".args")
        #expect(capture.output.last == "$0... = \"bob\", 2" && shell.arguments == [.string("bob"), .int(2)])
        shell.execute(".args \"bob\",")
        #expect(capture.errors.last?.contains("argument $1 is missing") == true && shell.arguments.count == 2)
        shell.execute(".args clear")
        #expect(shell.arguments.isEmpty)
        shell.execute(".use")
        #expect(capture.errors.last == "usage: .use COLLECTION (one of Task; now Task)")
        shell.current = nil
        shell.execute(".use task")
        #expect(shell.current == "Task")
        shell.execute(".use Tsak")
        #expect(capture.errors.last == "no collection 'Tsak'; did you mean 'Task'? there are: Task")
        shell.execute(".read")
        #expect(capture.errors.last == "usage: .read FILE")
    }

    /// A script counts its failed statements (the CLI then exits 65); `.bail on` stops at the
    /// first; `.echo on` prints each statement; warnings do not fail.
    @Test func scriptsCountFailuresAndCanBailOrEcho() {
        let (shell, capture) = Self.shell()
        var source = ScriptedSource(lines: [".mode count", "ownr == 'x'", "TRUEPREDICATE"])
        #expect(shell.run(&source) == .endOfInput)
        #expect(shell.failedStatements == 1 && capture.output.last == "3")
        shell.execute(".echo on")
        shell.execute(".bail on")
        var bailing = ScriptedSource(lines: ["priority > 1", "nonsense ==", "priority > 4"])
        #expect(shell.run(&bailing) == .bailed)
        #expect(shell.failedStatements == 2)
        #expect(Array(capture.output.suffix(3)) == ["priority > 1", "2", "nonsense =="])
    }

    /// CSV quotes a field with a comma, a quote or a line feed (RFC 4180); Markdown is a pipe
    /// table with `|` escaped; `.headers off` leaves the names out of CSV.
    @Test func csvAndMarkdownModes() {
        let (shell, capture) = Self.shell()
        shell.execute(#".insert {"_id": 4, "owner": "o'neil, \"jr\"\nsecond line", "priority": 9, "tags": ["a|b", "c"]}"#)
        shell.execute(".mode csv")
        shell.execute("priority >= 5")
        #expect(capture.output.last == """
            _id,owner,priority,tags
            1,alice,5,[urgent]
            4,"o'neil, ""jr""
            second line",9,"[a|b, c]"
            """)
        #expect(ResultPrinter.csvField(.null) == "" && ResultPrinter.csvField(.string("")) == #""""#, "as psql writes them")
        shell.execute(".headers")
        #expect(capture.output.last == "headers on")
        shell.execute(".headers off")
        shell.execute("priority == 1")
        #expect(capture.output.last == "2,bob,1,[]")
        let printed = capture.output.count
        shell.execute("priority > 100")
        #expect(capture.output.count == printed, "no matches print nothing, not an empty record")
        shell.execute(".mode markdown")
        shell.execute("priority >= 5")
        #expect(capture.output.last == #"""
            | _id | owner                     | priority | tags      |
            |-----|---------------------------|----------|-----------|
            | 1   | alice                     | 5        | [urgent]  |
            | 4   | o'neil, "jr"\nsecond line | 9        | [a\|b, c] |
            """#, "a pipe table always has its header row")
    }

    /// A table ends in psql's row count; `.limit` cuts the table, list and Markdown modes (and
    /// says so), never CSV or JSON; `.limit 0` shows every row.
    @Test func tablesCountTheirRowsAndTheRowLimitCanChange() {
        let (shell, capture) = Self.shell()
        shell.execute("TRUEPREDICATE")
        #expect(capture.output.last == """
            _id  owner  priority  tags
            ---  -----  --------  --------
            1    alice  5         [urgent]
            2    bob    1         []
            3    alice  2         [home]
            (3 rows)
            """)
        shell.execute("priority == 1")
        #expect(capture.output.last?.hasSuffix("\n(1 row)") == true)
        shell.execute(".limit")
        #expect(capture.output.last == "limit \(Shell.defaultRowLimit)")
        shell.execute(".limit 2")
        shell.execute("TRUEPREDICATE")
        #expect(capture.output.last?.hasSuffix("\n2    bob    1         []\n(2 of 3 rows; .limit 0 shows all)") == true)
        shell.execute(".headers off")
        shell.execute("TRUEPREDICATE")
        #expect(capture.output.last == "1    alice  5         [urgent]\n2    bob    1         []\n... 1 more (3 matches; .limit 0 shows all)")
        shell.execute(".mode list")
        shell.execute("TRUEPREDICATE")
        #expect(capture.output.last?.hasSuffix("tags     = []\n... 1 more (3 matches; .limit 0 shows all)") == true)
        shell.execute(".mode markdown")
        shell.execute("TRUEPREDICATE")
        #expect(capture.output.last?.hasSuffix("| 2   | bob   | 1        | []       |\n\n... 1 more (3 matches; .limit 0 shows all)") == true,
                "a blank line ends the table first")
        shell.execute(".mode csv")
        shell.execute("TRUEPREDICATE")
        #expect(capture.output.last?.components(separatedBy: "\n").count == 3)
        shell.execute(".limit -1")
        #expect(capture.errors.last == "usage: .limit N (rows shown; 0 for every row; now 2)" && shell.rowLimit == 2)
        shell.execute(".limit 0")
        shell.execute(".limit")
        #expect(capture.output.last == "limit 0 (every row)" && shell.rowLimit == nil)
        shell.execute(".mode table")
        shell.execute(".headers on")
        shell.execute("TRUEPREDICATE")
        #expect(capture.output.last?.hasSuffix("\n(3 rows)") == true)
    }

    /// `.output FILE` sends matches to the file and says so; diagnostics and the timer's line stay
    /// on the terminal; `.output` alone brings the matches back.
    @Test func outputSendsMatchesToAFile() throws {
        let (shell, capture) = Self.shell()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rql-output-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        shell.execute(".mode csv")
        shell.execute(".output \(path)")
        #expect(capture.output.last == "results go to '\(path)' (.output alone: back to standard output)")
        let printed = capture.output.count
        shell.execute("owner == \"alice\"")
        shell.execute("ownr == 1")
        shell.execute(".mode count")
        shell.execute(".timer on")
        shell.execute("priority > 1")
        #expect(capture.output.count == printed + 1 && capture.output.last?.hasPrefix("2 of 3 objects, ") == true)
        #expect(capture.errors.count == 1 && capture.errors[0].contains("ownr"))
        shell.execute(".output")
        #expect(capture.output.last == "results go to standard output")
        shell.execute(".timer off")
        shell.execute("priority > 4")
        #expect(capture.output.last == "1")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "_id,owner,priority,tags\n1,alice,5,[urgent]\n3,alice,2,[home]\n2\n")
        shell.execute(".output /nonexistent-\(UUID().uuidString)/x.csv")
        #expect(capture.errors.last?.contains("No such file or directory; results go to standard output") == true)
        shell.execute("priority > 4")
        #expect(capture.output.last == "1")
    }

    /// With a `width`, a table narrows its widest columns (cut with "…") to fit; when even
    /// `minCellWidth` columns are too wide, `auto` shows a list instead. `.columns` picks and
    /// orders the properties shown in every mode.
    @Test func tablesFitTheWidthAndColumnsCanBeChosen() {
        let (shell, capture) = Self.shell()
        shell.execute(#".update {"_id": 2, "owner": "bob, who owns far more than fits in a column"}"#)
        #expect(ResultPrinter.fit([3, 28, 8, 8], into: 40) == [3, 15, 8, 8])
        #expect(ResultPrinter.fit([3, 28, 8, 8], into: 60) == [3, 28, 8, 8])
        #expect(ResultPrinter.fit([3, 28, 8, 8], into: 32) == nil)
        shell.width = 40
        shell.execute("TRUEPREDICATE")
        let lines = capture.output.last?.components(separatedBy: "\n") ?? []
        #expect(lines.allSatisfy { ResultPrinter.displayWidth($0) <= 40 }, "\(lines)")
        #expect(lines.contains("2    bob, who owns …  1         []"))
        shell.width = 20
        shell.execute("TRUEPREDICATE")
        #expect(capture.output.last?.hasPrefix("_id  owner     priority  tags") == true, "no narrower than minCellWidth")
        shell.execute(".mode auto")
        shell.execute("TRUEPREDICATE")
        #expect(capture.output.last?.hasPrefix("_id      = 1\nowner    = alice\n") == true)
        shell.width = nil
        shell.execute("TRUEPREDICATE")
        #expect(capture.output.last?.hasPrefix("_id  owner") == true, "without a width a table always fits")

        shell.execute(".columns")
        #expect(capture.output.last == "columns of Task: all (_id, owner, priority, tags)")
        shell.execute(".columns priority, OWNER")
        shell.execute(".columns")
        #expect(capture.output.last == "columns of Task: priority, owner")
        shell.execute(".mode table")
        shell.execute("priority >= 2")
        #expect(capture.output.last == "priority  owner\n--------  -----\n5         alice\n2         alice\n(2 rows)")
        shell.execute(".mode json")
        shell.execute("priority == 5")
        #expect(capture.output.last == #"{"priority": 5, "owner": "alice"}"#)
        shell.execute(".columns priority ownr")
        #expect(capture.errors.last == "no property 'ownr' in 'Task'; did you mean 'owner'?; nothing changed")
        shell.execute(".columns all")
        shell.execute("priority == 5")
        #expect(capture.output.last == #"{"_id": 1, "owner": "alice", "priority": 5, "tags": ["urgent"]}"#)
    }

    /// A `.read` file may have comment lines, and a diagnostic points at the file's own line.
    @Test func readFilesHaveCommentsAndTheirOwnLineNumbers() throws {
        let (shell, capture) = Self.shell()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rql-read-\(UUID().uuidString).rql").path
        try "# counts\n.mode count\n-- the owners\n\npriority > 1\n// and a typo\nownr == 'x'\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        shell.execute(".read \(path)")
        #expect(capture.output.last == "2")
        #expect(capture.errors.count == 1)
        #expect(capture.errors.last?.contains(" --> \(path):7:1") == true, "\(capture.errors)")
        #expect(shell.failedStatements == 2, "the typo and the .read that ran it")
    }

    /// `.load` tells a schema from documents by what the file holds (a pretty-printed schema named
    /// person.json was read as documents), and says what it loaded and where.
    @Test func loadDecidesByContentAndSaysWhatItLoaded() throws {
        let (shell, capture) = Self.shell()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rql-load-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{\n  \"title\": \"Person\",\n  \"bsonType\": \"object\",\n  \"required\": [\"_id\"],\n  \"properties\": {\"_id\": {\"bsonType\": \"int\"}, \"name\": {\"bsonType\": \"string\"}}\n}\n"
            .write(toFile: dir + "/person.json", atomically: true, encoding: .utf8)
        try "{\"_id\": 1, \"name\": \"Ann\"}\n{\"_id\": 2, \"name\": \"Bo\"}\n".write(toFile: dir + "/people.json", atomically: true, encoding: .utf8)
        shell.execute(".load \(dir)/person.json")
        #expect(capture.errors.isEmpty, "\(capture.errors)")
        #expect(capture.output.last == "schema 'Person': 2 properties")
        shell.execute(".load \(dir)/people.json Person")
        #expect(capture.output.last == "2 objects in 'Person'")
        shell.execute(".load \(dir)/people.json")
        #expect(capture.errors.last?.contains("duplicate _id") == false, "the documents went to the current collection, Task")
        #expect(shell.failedStatements == 1, "people do not fit Task")
    }

    @Test func explainLabelsItsSectionsAsTheCommandLineDoes() {
        let (shell, capture) = Self.shell()
        shell.execute(".explain priority > 3")
        #expect(capture.output.filter { $0.hasPrefix("-- ") } == ["-- tokens", "-- syntax tree", "-- canonical form",
                                                                    "-- checked query on 'Task'", "-- optimized", "-- bytecode", "-- plan"])
        shell.execute(".help syntax")
        #expect(capture.output.last?.contains("BEGINSWITH, ENDSWITH, CONTAINS, LIKE") == true)
    }

    @Test func subscriptionsAreJudgedWithTheSyncConfig() {
        let (shell, capture) = Self.shell()
        shell.sync = SyncConfig(queryableFields: ["owner"], indexedQueryableFields: ["owner"])
        shell.execute(".subscribe owner == \"alice\"")
        #expect(capture.output.last == "version 1: complete (1 subscription)")
        shell.execute(".subscribe priority > 2")
        #expect(capture.errors.last?.contains(#"key "priority" is not a queryable field"#) == true)
    }

    @Test func commandsComeFromOneTable() {
        let (shell, capture) = Self.shell()
        shell.execute(".help")
        for command in ShellCommand.all { #expect(capture.output.contains { $0.hasPrefix(command.name) }) }
        shell.execute(".hepl")
        #expect(capture.errors.last?.contains("did you mean .help?") == true)
        #expect(shell.execute(".quit") == .quit)
    }

    @Test func completionOffersCommandsPropertiesAndKeywords() {
        let (shell, _) = Self.shell()
        #expect(Completer.candidates(line: ".us", prefix: ".us", shell: shell) == [".use", ".user"])
        #expect(Completer.candidates(line: "pri", prefix: "pri", shell: shell) == ["priority"])
        #expect(Completer.candidates(line: "priority > 2 A", prefix: "A", shell: shell).contains("AND"))
        #expect(Completer.candidates(line: ".use T", prefix: "T", shell: shell) == ["Task"])
        #expect(Completer.candidates(line: ".mode m", prefix: "m", shell: shell) == ["markdown"])
        #expect(Completer.candidates(line: ".columns owner,p", prefix: "owner,p", shell: shell) == ["owner,priority"])
        #expect(Completer.candidates(line: ".columns ", prefix: "", shell: shell) == ["_id", "owner", "priority", "tags", "all"])
        #expect(Completer.candidates(line: ".limit ", prefix: "", shell: shell).isEmpty)
    }

    /// After `.read`, `.load`, `.open`, `.changes` and `.output`, Tab completes paths relative
    /// to the current folder (or absolute, or from ~/), folders with a "/".
    @Test func completionOffersPathsForTheCommandsThatTakeFiles() throws {
        let (shell, _) = Self.shell()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rql-complete-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/scripts", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for file in ["scripts/setup.rql", "schema.json", "seed.json", ".hidden"] { #expect(FileManager.default.createFile(atPath: dir + "/" + file, contents: nil)) }
        let complete = { (line: String, prefix: String) in Completer.candidates(line: line, prefix: prefix, shell: shell, directory: dir) }
        #expect(complete(".read s", "s") == ["schema.json", "scripts/", "seed.json"])
        #expect(complete(".read scripts/", "scripts/") == ["scripts/setup.rql"])
        #expect(complete(".load se", "se") == ["seed.json"])
        #expect(complete(".load seed.json T", "T") == ["Task"])
        #expect(complete(".open ", "") == ["schema.json", "scripts/", "seed.json"])
        #expect(complete(".output .h", ".h") == [".hidden"])
        #expect(complete(".changes \(dir)/sc", "\(dir)/sc") == ["\(dir)/schema.json", "\(dir)/scripts/"])
        #expect(complete(".read nowhere/x", "nowhere/x") == [])
    }

    @Test func completenessFollowsQuotesAndBrackets() {
        #expect(InputCompleteness.isComplete("a == 1"))
        #expect(!InputCompleteness.isComplete("a IN {1, 2"))
        #expect(!InputCompleteness.isComplete("a == 'it''"))
        #expect(InputCompleteness.isComplete(#"a == "(\"""#))
        #expect(InputCompleteness.isComplete("a == 1)"))
    }

    /// A line that ends in a logical operator waits for its operand, as an open parenthesis does;
    /// a name that merely ends in one (`band`) or an operator inside quotes does not.
    @Test func aTrailingLogicalOperatorContinuesTheStatement() {
        for text in ["a == 1 AND", "a == 1 and ", "a == 1 Or", "NOT", "a == 1 AND not", "a == 1 &&", "a==1||", "a == 1 AND !",
                     "(a == 1)AND", "a == 'x' OR\t", "a == 1 AND\nb == 2 OR"] {
            #expect(!InputCompleteness.isComplete(text), "\(text)")
        }
        for text in ["band == 1", "a == band", "a == 1 AND cOR", "x-or == 1", "a == 'x AND'", "a == \"1 ||\"", "a != 1", "NOT a",
                     "a == 1 AND\nb == 2"] {
            #expect(InputCompleteness.isComplete(text), "\(text)")
        }
        let (shell, capture) = Self.shell()
        shell.mode = .count
        var source = ScriptedSource(lines: ["priority > 1 AND", "NOT", "owner == \"bob\""])
        shell.run(&source)
        #expect(source.prompts == ["rql> ", "...> ", "...> ", "rql> "])
        #expect(capture.output == ["2"])
        #expect(source.history == ["priority > 1 AND NOT owner == \"bob\""])
    }
}

extension ShellTests {
    @Test(".load refuses invalid UTF-8 with the line and column, and loads nothing")
    func loadRefusesInvalidUTF8() throws {
        let (shell, capture) = Self.shell()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rql-shell-\(UUID().uuidString).json").path
        let bytes = Array("{\"_id\": 10, \"owner\": \"x\", \"priority\": 1}\n{\"_id\": 11, \"owner\": \"".utf8) + [0xC3, 0x28]
            + Array("\", \"priority\": 1}\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(!shell.load(file: path, into: "Task"))
        #expect(capture.errors.count == 1)
        #expect(capture.errors.first?.contains("invalid UTF-8 at line 2, column 23") == true)
        #expect(shell.collections["Task"]?.count == 3)
    }
}
