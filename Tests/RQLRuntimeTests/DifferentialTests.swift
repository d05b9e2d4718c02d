import Foundation
import Testing
import RQLSyntax
import RQLSemantics
@testable import RQLRuntime

/// Differential testing: random queries over random documents must give the same matches with
/// the reference interpreter, the VM and the VM after the optimizer.
///
/// `swift test --filter DifferentialTests` runs 10,000 queries (fixed seeds). For a long run:
/// `RQL_DIFFERENTIAL_QUERIES=1000000 swift test -c release --filter DifferentialTests`.
@Suite struct DifferentialTests {
    static let schemaJSON = """
        {"title": "Thing", "bsonType": "object", "required": ["_id", "l", "tags"],
         "properties": {"_id": {"bsonType": "int"}, "i": {"bsonType": "int"}, "l": {"bsonType": "long"},
           "d": {"bsonType": "double"}, "dec": {"bsonType": "decimal"}, "s": {"bsonType": "string"},
           "b": {"bsonType": "bool"}, "t": {"bsonType": "date"}, "o": {"bsonType": "objectId"},
           "u": {"bsonType": "uuid"}, "bin": {"bsonType": "binData"},
           "tags": {"bsonType": "array", "items": {"bsonType": "string"}},
           "nums": {"bsonType": "array", "items": {"bsonType": ["long", "null"]}}}}
        """

    static let schema: ObjectSchema = {
        var schema = Schema()
        let d = schema.load(schemaJSON)
        precondition(d.isEmpty, "\(d)")
        return schema.collection(named: "Thing")!
    }()

    static var queryCount: Int {
        ProcessInfo.processInfo.environment["RQL_DIFFERENTIAL_QUERIES"].flatMap(Int.init) ?? 10_000
    }

    @Test func interpreterVMAndOptimizedVMAgree() {
        let seeds: [UInt64] = [1, 2, 3, 4, 5]
        var checkedQueries = 0, failures: [String] = []
        for seed in seeds {
            var generator = RandomData(seed: seed)
            let documents = (0..<60).map { generator.document(id: $0) }
            let collection = ColumnarCollection(schema: Self.schema, documents: documents)
            var attempts = 0
            while checkedQueries < Self.queryCount * Int(seed) / seeds.count, attempts < Self.queryCount * 4 {
                attempts += 1
                let text = generator.query(depth: 0)
                guard let checked = Checker.check(text, collection: Self.schema).query else { continue }
                checkedQueries += 1
                let expected = documents.indices.filter { Interpreter.matches(checked, documents[$0]) }
                let vm = CompiledQuery(checked, optimize: false).filter(collection)
                let optimized = CompiledQuery(checked, optimize: true)
                let viaOptimizer = optimized.filter(collection)
                if vm != expected || viaOptimizer != expected {
                    failures.append("""
                        \(text)
                          interpreter \(expected)
                          vm          \(vm)
                          optimized   \(viaOptimizer)
                          optimized tree: \(CheckedDump.dump(optimized.optimized).replacingOccurrences(of: "\\n", with: " / "))
                        """)
                    if failures.count >= 10 { break }
                }
            }
        }
        #expect(checkedQueries >= Self.queryCount, "only \(checkedQueries) random queries passed the checker")
        #expect(failures.isEmpty, "\(failures.count) disagreements:\n\(failures.joined(separator: "\n"))")
    }
}

/// Random documents and query texts over `DifferentialTests.schema`, with the awkward values
/// (nulls, NaN, empty lists, case and Latin-1 variants, int/double boundaries) made likely.
struct RandomData {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }

    static let words = ["", "a", "A", "ab", "Ab", "abc", "bc", "é", "É", "éa", "ÀB", "x*y", "a?c", "zz", "Zz", "日本"]

    mutating func document(id: Int) -> Document {
        func maybe(_ v: Value) -> Value { chance(15) ? .null : v }
        let doubles: [Double] = [-1.5, 0, 0.5, 1, 2, 2.5, .nan, .infinity, -.infinity, 3]
        return Document(values: [
            .int(Int64(id)),
            maybe(.int(Int64(int(7)) - 3)),
            .int(Int64(int(7)) - 3),
            maybe(.double(pick(doubles))),
            maybe(.decimal(Decimal128(Int64(int(5)) - 2))),
            maybe(.string(pick(Self.words))),
            maybe(.bool(chance(50))),
            maybe(.timestamp(Timestamp(seconds: Int64(int(5)) - 2, nanoseconds: 0))),
            maybe(.objectId(ObjectId(high: UInt64(int(3)), low: 0))),
            maybe(.uuid(UUIDValue(high: 0, low: UInt64(int(3))))),
            maybe(.binary(Array(pick(Self.words).utf8))),
            .list((0..<int(4)).map { _ in .string(pick(Self.words)) }),
            .list((0..<int(4)).map { _ in chance(20) ? .null : .int(Int64(int(5)) - 2) }),
        ])
    }

    mutating func stringLiteral() -> String { chance(10) ? "null" : StringLiteral.encode(pick(Self.words)) }
    mutating func intLiteral() -> String { pick(["-3", "-1", "0", "1", "2", "3", "2.0", "1.5", "null", "'2'", "0x2"]) }
    mutating func doubleLiteral() -> String { pick(["-1.5", "0", "0.5", "1", "2.5", "nan", "inf", "-inf", "3", "null"]) }

    enum ElementKind { case int, string }

    mutating func list(of kind: ElementKind) -> String {
        var elements: [String] = []
        for _ in 0..<int(4) { elements.append(kind == .int ? intLiteral() : stringLiteral()) }
        return "{" + elements.joined(separator: ", ") + "}"
    }

    mutating func comparison() -> String {
        let ordered = ["==", "!=", "<", "<=", ">", ">="]
        let stringOps = ["BEGINSWITH", "ENDSWITH", "CONTAINS", "LIKE"]
        switch int(16) {
        case 0: return "i \(pick(ordered)) \(intLiteral())"
        case 1: return "l \(pick(ordered)) \(intLiteral())"
        case 2: return "d \(pick(ordered)) \(doubleLiteral())"
        case 3: return "dec \(pick(ordered)) \(intLiteral())"
        case 4: return "s \(pick(["==", "!=", "<", ">=", "==[c]", "!=[c]"])) \(stringLiteral())"
        case 5: return "s \(pick(stringOps))\(chance(40) ? "[c]" : "") \(stringLiteral())"
        case 6: return "b == \(pick(["true", "false", "null"]))"
        case 7: return "t \(pick(ordered)) T\(int(5) - 2):0"
        case 8: return "\(pick(["i", "l", "d"])) IN \(list(of: .int))"
        case 9: return "s IN\(chance(30) ? "[c]" : "") \(list(of: .string))"
        case 10: return "\(pick(["", "ANY ", "ALL ", "NONE "]))tags \(pick(["==", "!=", "BEGINSWITH", "CONTAINS[c]", "LIKE"])) \(stringLiteral())"
        case 11: return "\(stringLiteral()) IN tags"
        case 12: return "\(pick(["", "ANY ", "ALL ", "NONE "]))nums \(pick(ordered)) \(intLiteral())"
        case 13: return "\(pick(["i", "l", "d"])) BETWEEN {\(intLiteral()), \(intLiteral())}"
        case 14: return "\(list(of: .int)) \(pick(["==", "!=", "<", "IN"])) \(pick(["", "ANY ", "ALL "]))nums"
        default: return "\(pick(["i", "l", "d"])) \(pick(ordered)) \(pick(["i", "l", "d"]))"
        }
    }

    mutating func query(depth: Int) -> String {
        guard depth < 3 else { return comparison() }
        switch int(10) {
        case 0: return "(\(query(depth: depth + 1)) AND \(query(depth: depth + 1)))"
        case 1: return "(\(query(depth: depth + 1)) OR \(query(depth: depth + 1)) OR \(query(depth: depth + 1)))"
        case 2: return "NOT \(query(depth: depth + 1))"
        case 3: return "\(comparison()) AND \(comparison())"
        case 4: return "\(comparison()) OR \(comparison())"
        case 5: return pick(["TRUEPREDICATE", "FALSEPREDICATE"])
        default: return comparison()
        }
    }
}
