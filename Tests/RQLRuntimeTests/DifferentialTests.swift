import Foundation
import Testing
import RQLSyntax
import RQLSemantics
@testable import RQLRuntime
import RQLTesting

/// Differential testing: random queries over random documents must give the same matches with
/// the reference interpreter, the VM and the VM after the optimizer (rows and counts).
///
/// `swift test --filter DifferentialTests` runs 10,000 queries (fixed seeds). For a long run:
/// `RQL_DIFFERENTIAL_QUERIES=1000000 swift test -c release --filter DifferentialTests`.
@Suite struct DifferentialTests {
    /// The schema and the generator live in `RQLTesting`, shared with the `FuzzEvaluator` fuzz target.
    static var schema: ObjectSchema { RandomData.schema }

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
                // The same agreement the FuzzEvaluator target checks: rows and counts of all three.
                if let report = FuzzSupport.differentialDisagreement(checked, documents: documents, collection: collection) {
                    failures.append(text + "\n" + report)
                    if failures.count >= 10 { break }
                }
            }
        }
        #expect(checkedQueries >= Self.queryCount, "only \(checkedQueries) random queries passed the checker")
        #expect(failures.isEmpty, "\(failures.count) disagreements:\n\(failures.joined(separator: "\n"))")
    }

    /// The random documents have their properties' types, so the single-document agreement above
    /// is the document VM's own, never the interpreter's answering for it.
    @Test func theDocumentVMAnswersForWellTypedDocuments() {
        var generator = RandomData(seed: 99)
        let documents = (0..<40).map { generator.document(id: $0) }
        let mapping = FuzzSupport.dictionaryMapping(Self.schema)
        var queries = 0
        while queries < 2_000 {
            guard let checked = Checker.check(generator.query(depth: 0), collection: Self.schema).query else { continue }
            queries += 1
            let program = CompiledQuery(checked).program
            for document in documents {
                let mapped = ObjectMapping.Mapped(object: FuzzSupport.dictionary(document, Self.schema), readers: mapping.readers)
                #expect(VM.run(program, on: document) != nil && VM.run(program, on: mapped) != nil,
                        "\(Disassembler.listing(program))\n\(RandomData.describe(document))")
            }
        }
    }

    /// `[c]` on binaries with bytes that are not UTF-8: the interpreter and the VMs share one
    /// implementation (realm's `search_case_fold`: the needle's case variants against the raw
    /// haystack), so they agree even where folding both sides would not.
    @Test func caseInsensitiveBinaryMatchingAgreesAcrossEngines() throws {
        let haystacks: [[UInt8]] = [[0xC3, 0x80], [0xC3, 0xA0], [0x80], [0xA0], [0x41, 0xC3], [], [0xC3, 0x9E, 0x41]]
        var generator = RandomData(seed: 7)
        let documents = haystacks.enumerated().map { i, bytes in
            var d = generator.document(id: i)
            d.values[Self.schema.properties.firstIndex { $0.name == "bin" }!] = .binary(bytes)
            return d
        }
        let collection = ColumnarCollection(schema: Self.schema, documents: documents)
        for needle: [UInt8] in [[0x80], [0xA0], [0xC3, 0x80], [0xC3, 0xA0], [0x61], [0x41, 0xC3], []] {
            for op in ["CONTAINS[c]", "BEGINSWITH[c]", "ENDSWITH[c]", "==[c]", "LIKE[c]"] {
                let checked = try #require(Checker.check("bin \(op) $0", collection: Self.schema, arguments: [.binary(needle)]).query)
                #expect(FuzzSupport.differentialDisagreement(checked, documents: documents, collection: collection) == nil,
                        "bin \(op) \(needle)")
            }
        }
        // The case that folding both sides got wrong: U+00C0's second byte is 0x80, a needle of
        // its own; the needle [0x80] has no case variant, so it matches the raw byte.
        #expect(ValueSemantics.compare(.contains, .binary([0xC3, 0x80]), .binary([0x80]), caseInsensitive: true))
    }

    /// Ordered comparisons of strings and binaries with nulls among the values and the constants,
    /// the constant on either side: realm orders a null below every string only for a string
    /// property on the left of a constant (its column scan); binaries, and strings with the
    /// constant on the left, never order a null (`ValueSemantics.nullsOrderFirst`). The VMs get
    /// this from a flag of their `bytesOrder` instruction, so both the answers and the agreement
    /// are checked.
    @Test func nullOrderingOfStringsAndBinariesAgreesAcrossEngines() throws {
        let s = try #require(Self.schema.properties.firstIndex { $0.name == "s" })
        let bin = try #require(Self.schema.properties.firstIndex { $0.name == "bin" })
        var generator = RandomData(seed: 11)
        let values: [(Value, Value)] = [(.string(""), .binary([])), (.string("b"), .binary([0x62])), (.null, .null), (.string("c"), .binary([0x63]))]
        let documents = values.enumerated().map { i, pair in
            var d = generator.document(id: i)
            d.values[s] = pair.0
            d.values[bin] = pair.1
            return d
        }
        let collection = ColumnarCollection(schema: Self.schema, documents: documents)
        func matches(_ text: String) throws -> [Int] {
            let checked = try #require(Checker.check(text, collection: Self.schema).query, "\(text)")
            #expect(FuzzSupport.differentialDisagreement(checked, documents: documents, collection: collection) == nil, "\(text)")
            return try CompiledQuery(checked).filter(collection)
        }
        // The column scan: null is below "".
        #expect(try matches("s <= ''") == [0, 2])
        #expect(try matches("s > null") == [0, 1, 3])
        // Expressions: null is unordered, and NOT brings it back.
        #expect(try matches("'' >= s") == [0])
        #expect(try matches("bin <= bin('')") == [0])
        #expect(try matches("bin('b') > bin") == [0])
        #expect(try matches("NOT bin < bin('c')") == [2, 3])
        #expect(try matches("bin >= null") == [2])
        for ops in ["<", "<=", ">", ">="] {
            for (property, constants) in [("s", ["''", "'b'", "null"]), ("bin", ["bin('')", "bin('b')", "null"])] {
                for c in constants {
                    for text in ["\(property) \(ops) \(c)", "\(c) \(ops) \(property)", "NOT \(property) \(ops) \(c)",
                                 "NOT \(c) \(ops) \(property)", "\(property) BETWEEN {\(c), \(constants[1])}"] {
                        _ = try matches(text)
                    }
                }
            }
        }
    }
}
