import Dispatch
import Testing
import RQLSyntax
import RQLSemantics
import RQLDocuments
@testable import RQLRuntime

/// The embedding API: compile once, match documents, collections and the application's own types.
@Suite struct CompiledQueryTests {
    static let task: ObjectSchema = {
        var schema = Schema()
        let d = schema.load("""
            {"title": "Task", "bsonType": "object", "required": ["_id", "owner", "priority"],
             "properties": {"_id": {"bsonType": "int"}, "owner": {"bsonType": "string"}, "priority": {"bsonType": "int"},
               "status": {"bsonType": "string"}, "tags": {"bsonType": "array", "items": {"bsonType": "string"}}}}
            """)
        precondition(d.isEmpty)
        return schema.collection(named: "Task")!
    }()

    static func document(_ id: Int64, _ owner: String, _ priority: Int64, _ status: String?, _ tags: [String]) -> Document {
        Document(values: [.int(id), .string(owner), .int(priority), status.map(Value.string) ?? .null, .list(tags.map(Value.string))])
    }

    static let documents = [
        document(1, "u1", 3, "open", ["urgent"]), document(2, "u2", 1, nil, []), document(3, "u1", 5, "late", ["home", "urgent"]),
    ]

    @Test func compilesOnceAndMatchesDocumentsAndCollections() throws {
        let query = try CompiledQuery("owner == $0 AND priority > 2", collection: Self.task, arguments: [.string("u1")])
        let collection = ColumnarCollection(schema: Self.task, documents: Self.documents)
        #expect(try query.filter(collection) == [0, 2])
        #expect(try query.count(in: collection) == 2)
        #expect(query.matches(Self.documents[0]))
        #expect(!query.matches(Self.documents[1]))
    }

    /// Two bounds on one int column become one range instruction wherever they are in the AND
    /// (cost ordering puts the cheap int comparisons together only by chance).
    @Test func boundsFuseIntoOneRangeWhereverTheyAre() throws {
        for text in [#"priority >= 2 AND priority < 5"#, #"priority < 5 AND owner == "u1" AND priority >= 2"#,
                     "priority BETWEEN {2, 4}", #"priority > 1 AND status != "x" AND tags == "a" AND priority <= 4"#] {
            let query = try CompiledQuery(text, collection: Self.task, optimize: false)
            let ranges = query.program.instructions.filter { if case .intRange(_, 2, 4) = $0 { true } else { false } }
            #expect(ranges.count == 1, "\(text):\n\(Disassembler.listing(query.program))")
            let collection = ColumnarCollection(schema: Self.task, documents: Self.documents)
            #expect(try query.filter(collection) == Self.documents.indices.filter { Interpreter.matches(query.checked, Self.documents[$0]) })
        }
    }

    @Test func invalidQueriesThrowTheirDiagnostics() {
        #expect(throws: QueryError.self) { try CompiledQuery("ownr == 'x'", collection: Self.task) }
        do {
            _ = try CompiledQuery("ownr == 'x'", collection: Self.task)
        } catch {
            #expect(error.diagnostics.map(\.code) == [.unknownProperty])
            #expect(error.description.contains("did you mean 'owner'?"))
        }
    }

    struct MyTask {
        var owner: String
        var priority: Int
        var tags: [String]
    }

    @Test func worksOverTheApplicationsOwnTypes() throws {
        let mapping = try ObjectMapping<MyTask>(schema: Self.task, [
            "owner": { .string($0.owner) },
            "priority": { .int(Int64($0.priority)) },
            "tags": { .list($0.tags.map(Value.string)) },
        ])
        let tasks = [MyTask(owner: "u1", priority: 3, tags: ["urgent"]), MyTask(owner: "u2", priority: 9, tags: [])]
        let query = try CompiledQuery("priority > 2 AND 'urgent' IN tags", collection: Self.task)
        #expect(try query.filter(tasks, using: mapping).map(\.owner) == ["u1"])
        #expect(throws: MappingError.self) { try ObjectMapping<MyTask>(schema: Self.task, ["nope": { _ in .null }]) }
    }

    @Test func oneCompiledQueryRunsOnManyThreadsAtOnce() throws {
        var documents: [Document] = []
        for i in 0..<2_000 {
            let status: String? = i % 3 == 0 ? nil : "open"
            let tags: [String] = i % 2 == 0 ? ["urgent"] : []
            documents.append(Self.document(Int64(i), "u\(i % 7)", Int64(i % 10), status, tags))
        }
        let collection = ColumnarCollection(schema: Self.task, documents: documents)
        let query = try CompiledQuery("priority >= 5 AND status != nil AND 'urgent' IN tags", collection: Self.task)
        let expected = documents.indices.filter { Interpreter.matches(query.checked, documents[$0]) }.count
        let results = SendableBox(Array(repeating: -1, count: 8))
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            results.set(i, (try? query.count(in: collection)) ?? -2)
        }
        #expect(results.values == Array(repeating: expected, count: 8))
    }

    /// The VM fetches one 16-byte step per instruction; an operand stored inline in `VM.Bound`
    /// would widen every step (at 80 bytes, dispatch cost up to 2x on the benchmark queries).
    @Test func boundInstructionsStaySixteenBytes() {
        #expect(MemoryLayout<VM.Step>.stride == 16)
    }

    @Test func aHundredThousandInValuesBecomeOneSet() throws {
        let values = (0..<100_000).map { "\($0 * 3)" }.joined(separator: ", ")
        let query = try CompiledQuery("priority IN {\(values)}", collection: Self.task)
        guard case .intInSet(_, let set, _)? = query.program.instructions.first else {
            Issue.record("expected a set membership instruction, got \(query.program.instructions)")
            return
        }
        #expect(query.program.intSets[set].large?.count == 100_000)
        let collection = ColumnarCollection(schema: Self.task, documents: Self.documents)
        #expect(try query.filter(collection) == [0])  // priorities 3, 1, 5: only 3 is a multiple of 3
    }

    /// String sets up to `ByteSet.linearLimit` members are scanned, larger ones hashed: both must
    /// agree with the interpreter, for members of every length (the length test comes first).
    @Test func stringSetsSmallAndLargeAgreeWithTheInterpreter() throws {
        let owners = ["", "u", "u1", "u12", "u1x", "U1", "u2", "u1\u{0}", "é", "u10"]
        let documents = owners.enumerated().map { Self.document(Int64($0.offset), $0.element, 1, nil, []) }
        let collection = ColumnarCollection(schema: Self.task, documents: documents)
        for size in [1, 2, ByteSet.linearLimit, ByteSet.linearLimit + 1, 20] {
            let members = (0..<size).map { ["u1", "", "é", "u12", "x"][$0 % 5] + String(repeating: "1", count: $0 / 5) }
            let text = "owner IN {" + members.map { "'\($0)'" }.joined(separator: ", ") + "}"
            let query = try CompiledQuery(text, collection: Self.task)
            let expected = documents.indices.filter { Interpreter.matches(query.checked, documents[$0]) }
            #expect(!expected.isEmpty, "\(text)")
            #expect(try query.filter(collection) == expected, "\(text)")
        }
    }

    @Test func pathologicalLikePatternsStayPolynomial() throws {
        // Exponential backtracking would not finish; the greedy matcher is O(text × pattern).
        let long = String(repeating: "a", count: 10_000)
        let documents = [Self.document(1, long, 1, long, [long])]
        let collection = ColumnarCollection(schema: Self.task, documents: documents)
        for text in ["owner LIKE '*a*a*a*a*a*a*b'", "owner LIKE[c] '*A*a*A*a*a*a*b'", "ANY tags LIKE '*a*a*a*a*a*a*b'"] {
            let query = try CompiledQuery(text, collection: Self.task)
            #expect(try query.count(in: collection) == 0)
            #expect(!Interpreter.matches(query.checked, documents[0]))
        }
        let match = try CompiledQuery("owner LIKE '*a*a*a*a*a*a*'", collection: Self.task)
        #expect(try match.count(in: collection) == 1)
    }

    /// A mapping whose reader returns a value the property cannot hold (a string for an int) is
    /// refused for the objects where it does, naming the property: no comparison could answer
    /// such a value as the schema means. A null is a value every nullable property can hold.
    @Test func mistypedMappedValuesAreRefused() throws {
        struct Loose { var owner: Value; var priority: Value; var tags: Value }
        let mapping = try ObjectMapping<Loose>(schema: Self.task, [
            "owner": { $0.owner }, "priority": { $0.priority }, "tags": { $0.tags },
        ])
        let good = Loose(owner: .string("u1"), priority: .int(3), tags: .list([.string("urgent")]))
        let query = try CompiledQuery("priority == 3 AND owner == 'u1'", collection: Self.task)
        #expect(try query.matches(good, using: mapping))
        for (object, name) in [(Loose(owner: .string("u1"), priority: .string("3"), tags: .null), "priority"),
                               (Loose(owner: .binary(Array("u1".utf8)), priority: .int(3), tags: .null), "owner")] {
            do {
                _ = try query.matches(object, using: mapping)
                Issue.record("a \(name) of the wrong type was matched")
            } catch {
                #expect(error.message.hasPrefix("the mapping's reader for '\(name)' returned a "), "\(error)")
            }
        }
        let tagged = try CompiledQuery("'urgent' IN tags", collection: Self.task)
        #expect(throws: MappingError.self) { try tagged.matches(Loose(owner: .null, priority: .null, tags: .string("urgent")), using: mapping) }
    }

    /// A property the query reads but the mapping does not provide would read as null, and
    /// `status != "open"` would hold for an open task: refused, naming the property.
    @Test func queriesReadingUnmappedPropertiesAreRefused() throws {
        struct Small { var owner: String }
        let mapping = try ObjectMapping<Small>(schema: Self.task, ["owner": { .string($0.owner) }])
        let query = try CompiledQuery("owner == 'u1' AND status != 'open'", collection: Self.task)
        #expect(throws: MappingError(message: "the query reads 'status', which the mapping of 'Task' does not provide")) {
            try query.filter([Small(owner: "u1")], using: mapping)
        }
        #expect(try CompiledQuery("owner == 'u1'", collection: Self.task).filter([Small(owner: "u1")], using: mapping).count == 1)
    }

    /// A document with fewer values than the schema has properties reads the rest as null, in the
    /// document VM as in the interpreter.
    @Test func missingValuesReadAsNull() throws {
        let short = Document(values: [.int(1), .string("u1")])
        for text in ["status == nil", "priority == nil", "priority != 3", "'urgent' IN tags", "owner == 'u1' AND status == nil"] {
            let query = try CompiledQuery(text, collection: Self.task)
            #expect(query.matches(short) == Interpreter.matches(query.checked, short), "\(text)")
            #expect(VM.run(query.program, on: short) != nil, "\(text)")
        }
    }
}

/// A lock-protected array for collecting results from concurrent threads in a test.
final class SendableBox: @unchecked Sendable {
    private var storage: [Int]
    private let lock = DispatchSemaphore(value: 1)
    init(_ values: [Int]) { storage = values }
    func set(_ i: Int, _ v: Int) {
        lock.wait()
        storage[i] = v
        lock.signal()
    }
    var values: [Int] {
        lock.wait()
        defer { lock.signal() }
        return storage
    }
}
