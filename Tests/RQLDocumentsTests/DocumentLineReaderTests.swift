import RQLSyntax
import Testing

@testable import RQLSemantics
@testable import RQLDocuments

/// The loader's shortcut (`DocumentLineReader`) must change nothing but speed: every text loads
/// to the same documents with the same diagnostics with it as without it.
@Suite struct DocumentLineReaderTests {
    static let schema = ObjectSchema(title: "Item", properties: [
        Property(name: "_id", type: .scalar(.long)),
        Property(name: "name", type: .scalar(.string)),
        Property(name: "age", type: .scalar(.int), isNullable: true),
        Property(name: "score", type: .scalar(.double), isNullable: true),
        Property(name: "active", type: .scalar(.bool)),
        Property(name: "owner", type: .scalar(.string), isNullable: true),
        Property(name: "tags", type: .list(.string), isNullable: true),
        Property(name: "nums", type: .list(.long), isNullable: true, elementsNullable: true),
        Property(name: "created", type: .scalar(.date), isNullable: true),
        Property(name: "oid", type: .scalar(.objectId), isNullable: true),
        Property(name: "dec", type: .scalar(.decimal), isNullable: true),
        Property(name: "addr", type: .embeddedObject, isNullable: true),
    ])

    /// Spellings of each field, valid and not: the shortcut takes some, declines the rest.
    static let spellings: [(key: String, valid: [String], invalid: [String])] = [
        ("_id", ["1", "-0", "9223372036854775807", #"{"$numberLong": "3"}"#], ["9223372036854775808", "1.0", "1e2", "01", "\"1\"", "null"]),
        ("name", [#""a""#, #""é""#, #""e\u0301""#, #""tab\there""#, #""""#], ["null", "5", #""x"y""#]),
        ("age", ["7", "-7", "null", #"{"$numberInt": "7"}"#], ["7.5", "true"]),
        ("score", ["1.5", "-0.0", "1E-3", "2", "null", #"{"$numberDouble": "-Infinity"}"#], ["1e400", "- 1", "1."]),
        ("active", ["true", "false"], ["truex", "null", "1", "TRUE"]),
        ("owner", [#""u1""#, "null", #""u\\1""#], ["u1"]),
        ("tags", [#"["a", "b"]"#, "[]", "[ ]", "null"], [#"["a",]"#, "[null]", #"["a" "b"]"#, "[1]"]),
        ("nums", ["[1, 2]", "[null, 3]", "[]", "null"], ["[1.5]"]),
        ("created", [#"{"$date": "2021-03-04T05:06:07Z"}"#, #"{"$date": "2021-03-04T05:06:07.123456789+01:00"}"#,
                     #"{"$date": {"$numberLong": "-5"}}"#, #"{"$date": 5}"#, #"{ "$date" : "0000-01-01T00:00:00Z" }"#, "null"],
                    [#"{"$date": "2021-02-29T00:00:00Z"}"#, #"{"$date": "2021-03-04T05:06:07Z", "x": 1}"#]),
        ("oid", [#"{"$oid": "0123456789abcdef01234567"}"#, #"{"$oid": "0123456789ABCDEF01234567"}"#, "null"],
                [#"{"$oid": "0123456789ABCDEF0123456"}"#, #"{"$oid": 5}"#]),
        ("dec", [#"{"$numberDecimal": "1.50"}"#, "2", "null"], [#"{"$numberDecimal": "1e99999"}"#]),
        ("addr", ["null"], ["{}"]),
        ("extra", [], ["1"]),
    ]

    static func load(_ text: String, shortcut: Bool) -> (documents: [[Value]], diagnostics: [Diagnostic]) {
        var documents: [[Value]] = []
        let diagnostics = DocumentLoader.load(utf8: Array(text.utf8), schema: schema, file: "f", shortcut: shortcut) { documents.append($0) }
        return (diagnostics.hasErrors ? [] : documents, diagnostics)
    }

    @Test("random documents load the same with the shortcut and without it")
    func sameResults() {
        var state: UInt64 = 42
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var shortcutTaken = 0
        for round in 0..<3_000 {
            var lines: [String] = []
            for line in 0..<(1 + next(3)) {
                var fields: [String] = []
                // Every document has an _id; an unknown field is rare, the other fields common.
                for (key, valid, invalid) in Self.spellings where key == "_id" || (valid.isEmpty ? next(30) == 0 : next(4) != 0) {
                    // Mostly valid spellings, so most texts load; ids mostly distinct.
                    let value = valid.isEmpty || next(40) == 0 ? invalid[next(invalid.count)] : valid[next(valid.count)]
                    fields.append("\"\(key)\"" + [":", ": ", " : "][next(3)] + (key == "_id" && next(10) != 0 ? "\(round * 10 + line)" : value))
                }
                if next(30) == 0 { fields.append(fields[next(fields.count)]) }  // a repeated key
                if next(3) == 0 {
                    var generator = SeededShuffle(seed: state)
                    fields.shuffle(using: &generator)
                }
                lines.append([" ", "", "\t"][next(3)] + "{" + fields.joined(separator: [",", ", "][next(2)]) + "}" + ["", " ", "\r"][next(3)])
            }
            let text = lines.joined(separator: "\n")
            let fast = Self.load(text, shortcut: true), slow = Self.load(text, shortcut: false)
            #expect(fast.documents == slow.documents, "\(text)")
            #expect(fast.diagnostics == slow.diagnostics, "\(text)")
            if !fast.documents.isEmpty { shortcutTaken += 1 }
        }
        // The generator must exercise loading, not only errors.
        #expect(shortcutTaken > 300)
    }

    @Test("documents the shortcut reads get the values the JSON path gives them")
    func commonForms() {
        let text = #"""
            {"_id":1,"name":"Kalo","age":5,"score":12.5,"active":true,"owner":"u1","tags":["red","x"],"nums":[1,null],"created":{"$date":"2021-03-04T05:06:07.5Z"},"oid":{"$oid":"0123456789abcdef01234567"}}
            {"_id": 2, "name": "Mi", "active": false, "score": null, "tags": []}
            """#
        let fast = Self.load(text, shortcut: true)
        #expect(fast.diagnostics.isEmpty)
        #expect(fast.documents == Self.load(text, shortcut: false).documents)
        #expect(fast.documents.count == 2)
        #expect(fast.documents.first?[8] == .timestamp(Timestamp(seconds: 1_614_834_367, nanoseconds: 500_000_000)))
    }
}

/// A seeded generator for `shuffle(using:)`.
struct SeededShuffle: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state
    }
}

extension DocumentLineReaderTests {
    @Test("duplicate int _ids are found in increasing, decreasing and mixed orders, naming the first line")
    func duplicateIntIDs() {
        let schema = ObjectSchema(title: "T", properties: [Property(name: "_id", type: .scalar(.long))])
        func firstDuplicate(_ ids: [Int]) -> String? {
            let text = ids.map { #"{"_id": \#($0)}"# }.joined(separator: "\n")
            return DocumentLoader.load(text, schema: schema).diagnostics.first?.message
        }
        #expect(firstDuplicate([1, 2, 3, 5, 8]) == nil)
        #expect(firstDuplicate([1, 2, 3, 2]) == "line 4: duplicate _id 2 (also on line 2)")
        #expect(firstDuplicate([1, 5, 3, 4, 3]) == "line 5: duplicate _id 3 (also on line 3)")
        #expect(firstDuplicate([9, 8, 7, 9]) == "line 4: duplicate _id 9 (also on line 1)")
        #expect(firstDuplicate([1, 1]) == "line 2: duplicate _id 1 (also on line 1)")
        #expect(firstDuplicate([-5, 0, 5, 0]) == "line 4: duplicate _id 0 (also on line 2)")
    }
}
