import Foundation
import RQLRuntime
import RQLSemantics
import RQLDocuments
import RQLSyntax

/// Random documents and query texts over `RandomData.schema`, with the awkward values
/// (nulls, NaN, empty lists, case and Latin-1 variants, int/double boundaries) made likely.
///
/// Shared by the differential tests (`Tests/RQLRuntimeTests/DifferentialTests.swift`, driven by a
/// seed) and the `FuzzEvaluator` fuzz target (driven by the fuzzer's input bytes, see
/// `init(bytes:)`).
public struct RandomData {
    /// The schema of the documents and queries: one property of each scalar type and two lists.
    public static let schemaJSON = """
        {"title": "Thing", "bsonType": "object", "required": ["_id", "l", "tags"],
         "properties": {"_id": {"bsonType": "int"}, "i": {"bsonType": "int"}, "l": {"bsonType": "long"},
           "d": {"bsonType": "double"}, "dec": {"bsonType": "decimal"}, "s": {"bsonType": "string"},
           "b": {"bsonType": "bool"}, "t": {"bsonType": "date"}, "o": {"bsonType": "objectId"},
           "u": {"bsonType": "uuid"}, "bin": {"bsonType": "binData"},
           "tags": {"bsonType": "array", "items": {"bsonType": "string"}},
           "nums": {"bsonType": "array", "items": {"bsonType": ["long", "null"]}}}}
        """

    /// `schemaJSON`, loaded.
    public static let schema: ObjectSchema = {
        var schema = Schema()
        let d = schema.load(schemaJSON)
        precondition(d.isEmpty, "\(d)")
        return schema.collection(named: "Thing")!
    }()

    /// The stream the choices come from (after the fuzzer input, with `init(bytes:)`).
    private var random: SplitMix64
    /// Fuzzer input consumed as the random stream before SplitMix64 takes over (empty with a seed).
    private var input: [UInt8]
    private var position = 0

    /// A generator driven by SplitMix64 from `seed`. The seed is mixed first (it seeds the stream
    /// with SplitMix64's first output for it): SplitMix64 adds the same constant at every step, so
    /// starting at `seed × constant` made seed n + 1 replay seed n's stream one draw later, and
    /// tests looping over nearby seeds repeated one run.
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        random = SplitMix64(seed: mixer.next())
        input = []
    }

    /// A generator driven by fuzzer input: every choice among at most 256 alternatives consumes
    /// one byte (`byte % n`), so a mutation of one byte changes one decision. When the bytes run
    /// out, the stream goes on with SplitMix64 from a fixed seed, so every input, even an empty
    /// one, yields complete documents and queries, and the same input always yields the same ones.
    public init(bytes: [UInt8]) {
        self.init(seed: 0x5EED_F022)
        input = bytes
    }

    /// How many input bytes have been used so far (with `init(bytes:)`).
    public var bytesConsumed: Int { position }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        var z = random.next()
        var shift: UInt64 = 0
        while position < input.count, shift < 64 {
            z = z & ~(0xFF << shift) | UInt64(input[position]) << shift
            position += 1
            shift += 8
        }
        return z
    }

    /// A number in `0..<n`.
    public mutating func int(_ n: Int) -> Int {
        if n <= 256, position < input.count {
            defer { position += 1 }
            return Int(input[position]) % n
        }
        return Int(next() % UInt64(n))
    }
    public mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    public mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }

    public static let words = ["", "a", "A", "ab", "Ab", "abc", "bc", "é", "É", "éa", "ÀB", "x*y", "a?c", "zz", "Zz", "日本"]

    /// A document of `schema` with the given `_id`.
    public mutating func document(id: Int) -> Document {
        func maybe(_ v: Value) -> Value { chance(15) ? .null : v }
        let doubles: [Double] = [-1.5, 0, 0.5, 1, 2, 2.5, .nan, .infinity, -.infinity, 3, -0.0, 0.1, 9007199254740992]
        let decimals = ["-2", "-1", "0", "1", "2", "NaN", "0.1", "-0", "2.50", "1E+30", "Infinity"].compactMap(Decimal128.init)
        return Document(values: [
            .int(Int64(id)),
            maybe(.int(Int64(int(7)) - 3)),
            .int(chance(10) ? 9007199254740993 : Int64(int(7)) - 3),
            maybe(.double(pick(doubles))),
            maybe(.decimal(pick(decimals))),
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

    public mutating func stringLiteral() -> String { chance(10) ? "null" : StringLiteral.encode(pick(Self.words)) }
    public mutating func intLiteral() -> String { pick(["-3", "-1", "0", "1", "2", "3", "2.0", "1.5", "null", "'2'", "0x2", "9007199254740993"]) }
    public mutating func doubleLiteral() -> String {
        pick(["-1.5", "0", "0.5", "1", "2.5", "nan", "inf", "-inf", "3", "null", "-0.0", "0.1", "9007199254740992.0"])
    }

    public enum ElementKind { case int, string }

    public mutating func list(of kind: ElementKind) -> String {
        var elements: [String] = []
        for _ in 0..<int(4) { elements.append(kind == .int ? intLiteral() : stringLiteral()) }
        return "{" + elements.joined(separator: ", ") + "}"
    }

    /// One comparison on a property of `schema`.
    public mutating func comparison() -> String {
        let ordered = ["==", "!=", "<", "<=", ">", ">="]
        let stringOps = ["BEGINSWITH", "ENDSWITH", "CONTAINS", "LIKE"]
        switch int(20) {
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
        case 16: return "dec \(pick(ordered)) \(doubleLiteral())"
        case 17: return "bin \(pick(["==", "!=", "<", ">=", "BEGINSWITH", "ENDSWITH", "CONTAINS", "LIKE"]))\(chance(40) ? "[c]" : "") \(stringLiteral())"
        case 18: return "\(pick(["o", "u"])) \(pick(ordered)) \(pick(["oid(000000000000000100000000)", "uuid(00000000-0000-0000-0000-000000000001)", "null"]))"
        case 19: return pick(["tags == tags", "nums != nums", "tags == {\"a\", \"b\"}", "{1, null} != nums", "s == ANY tags", "ANY tags < s"])
        default: return "\(pick(["i", "l", "d", "dec"])) \(pick(ordered)) \(pick(["i", "l", "d", "dec"]))"
        }
    }

    /// A query text: comparisons joined with AND, OR and NOT, nested at most three levels.
    public mutating func query(depth: Int) -> String {
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

// MARK: - Reports

extension RandomData {
    /// A document for failure messages: `{_id: 3, i: null, s: "ab", tags: ["a"], ...}` with the
    /// values spelled as RQL literals (binary data as `bin("...")`, timestamps as `T<s>:<ns>`).
    public static func describe(_ document: Document, schema: ObjectSchema = RandomData.schema) -> String {
        let fields = document.values.enumerated().map { i, value in
            let name = i < schema.properties.count ? schema.properties[i].name : "#\(i)"
            return "\(name): \(describe(value))"
        }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// A value spelled as an RQL literal.
    public static func describe(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .double(let d): d.isNaN ? "nan" : d == .infinity ? "inf" : d == -.infinity ? "-inf" : "\(d)"
        case .decimal(let d): "\(d)"
        case .string(let s): StringLiteral.encode(s)
        case .binary(let b): "bin(\(StringLiteral.encode(String(decoding: b, as: UTF8.self))))"
        case .timestamp(let t): t.description
        case .objectId(let o): o.description
        case .uuid(let u): u.description
        case .list(let vs): "[" + vs.map(describe).joined(separator: ", ") + "]"
        }
    }
}

/// Shared pieces of the fuzz targets (`Sources/Fuzz*`).
public enum FuzzSupport {
    /// libFuzzer's input as bytes (it may pass a null pointer for an empty input).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// Fuzzer input for a failure message: as a Swift string literal when it is valid UTF-8
    /// (with its byte count), otherwise also as hex bytes.
    public static func describe(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        var out = "\(bytes.count) bytes: \(String(reflecting: text))"
        if Array(text.utf8) != bytes {
            out += "\nhex: " + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
        }
        return out
    }

    /// The interpreter, the VM, the optimized VM and the VM on the query's shape with its values
    /// bound (`ShapeCache`) on the same documents: nil when they agree (on the matching rows and
    /// on the count, and one document at a time on the documents and on the same values seen
    /// through an `ObjectMapping`), otherwise a report naming what each returned.
    public static func differentialDisagreement(_ checked: CheckedQuery, documents: [Document],
                                                collection: ColumnarCollection? = nil) -> String? {
        // Callers running many queries over the same documents pass their columns once.
        let collection = collection ?? ColumnarCollection(schema: checked.collection, documents: documents)
        let expected = documents.indices.filter { Interpreter.matches(checked, documents[$0]) }
        let plain = CompiledQuery(checked, optimize: false)
        let optimized = CompiledQuery(checked, optimize: true)
        // Always through a template: a shape is compiled with placeholders, then bound.
        let shaped = ShapeCache().compile(checked)
        let vm: [Int], viaOptimizer: [Int], viaShape: [Int], vmCount: Int, optimizedCount: Int, shapedCount: Int
        do throws(SchemaMismatchError) {
            (vm, viaOptimizer, viaShape) = (try plain.filter(collection), try optimized.filter(collection), try shaped.filter(collection))
            (vmCount, optimizedCount, shapedCount) = (try plain.count(in: collection), try optimized.count(in: collection), try shaped.count(in: collection))
        } catch {
            return "\(error)"
        }
        let mapping = dictionaryMapping(checked.collection)
        let objects = documents.map { dictionary($0, checked.collection) }
        let single = [plain, optimized, shaped].map { q in documents.indices.filter { q.matches(documents[$0]) } }
        let mapped = [plain, optimized, shaped].map { q in objects.indices.filter { (try? q.matches(objects[$0], using: mapping)) == true } }
        if vm == expected, viaOptimizer == expected, viaShape == expected, vmCount == expected.count,
           optimizedCount == expected.count, shapedCount == expected.count, (single + mapped).allSatisfy({ $0 == expected }) {
            return nil
        }
        return """
            interpreter \(expected)
            vm          \(vm) (count \(vmCount))
            optimized   \(viaOptimizer) (count \(optimizedCount))
            shaped      \(viaShape) (count \(shapedCount))
            single      \(single[0]), optimized \(single[1]), shaped \(single[2])
            mapped      \(mapped[0]), optimized \(mapped[1]), shaped \(mapped[2])
            optimized tree: \(CheckedDump.dump(optimized.optimized))
            shaped tree: \(CheckedDump.dump(shaped.optimized))
            """
    }

    /// A document as the application's own value: a dictionary by property name (what a JSON
    /// decoder gives), seen through `dictionaryMapping`.
    public static func dictionary(_ document: Document, _ schema: ObjectSchema) -> [String: Value] {
        var fields: [String: Value] = [:]
        for (i, property) in schema.properties.enumerated() where i < document.values.count && !document.values[i].isNull {
            fields[property.name] = document.values[i]
        }
        return fields
    }

    /// Every property of `schema` read from a dictionary by name; a missing key reads as null.
    public static func dictionaryMapping(_ schema: ObjectSchema) -> ObjectMapping<[String: Value]> {
        var readers: [String: ObjectMapping<[String: Value]>.Reader] = [:]
        for property in schema.properties {
            let name = property.name
            readers[name] = { $0[name] ?? .null }
        }
        // The names come from the schema itself, so the mapping cannot be refused.
        return try! ObjectMapping(schema: schema, readers)
    }
}

/// The replay mode of the fuzz targets in a normal (non-`FUZZING`) build: `FuzzParser FILE-OR-DIR...`
/// runs every file (directories: every file in them, recursively, in name order) through the same
/// harness as the fuzzer. Arguments starting with `-` (libFuzzer flags) are ignored, so a libFuzzer
/// command line can be reused. A failing input stops the process (the harness calls `fatalError`).
public enum FuzzReplay {
    public static func main(_ arguments: [String], _ harness: (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
        let name = arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "fuzzer"
        let operands = arguments.dropFirst().filter { !$0.hasPrefix("-") }
        guard !operands.isEmpty else {
            FileHandle.standardError.write(Data("""
                usage: \(name) FILE-OR-DIRECTORY...
                  replays inputs through the \(name) harness (this build has no libFuzzer;
                  Tests/Fuzz/run.sh builds the fuzzing variant)

                """.utf8))
            return 2
        }
        var files: [String] = []
        let fm = FileManager.default
        for operand in operands {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: operand, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("\(name): no such file or directory: \(operand)\n".utf8))
                return 2
            }
            if isDirectory.boolValue {
                let found = (fm.enumerator(atPath: operand)?.allObjects as? [String] ?? []).sorted()
                for relative in found {
                    let path = (operand as NSString).appendingPathComponent(relative)
                    var dir: ObjCBool = false
                    if fm.fileExists(atPath: path, isDirectory: &dir), !dir.boolValue { files.append(path) }
                }
            } else {
                files.append(operand)
            }
        }
        for path in files {
            guard let data = fm.contents(atPath: path) else {
                FileHandle.standardError.write(Data("\(name): cannot read \(path)\n".utf8))
                return 2
            }
            FileHandle.standardError.write(Data("Running: \(path)\n".utf8))
            let bytes = [UInt8](data)
            _ = bytes.withUnsafeBufferPointer { harness($0.baseAddress, $0.count) }
        }
        print("\(name): replayed \(files.count) inputs, no failure")
        return 0
    }
}
