import Foundation
import Testing
import RQLTesting
@testable import RQLRuntime
import RQLSemantics
import RQLDocuments
import RQLSyntax

/// Queries an attacker would send, up to Flexible Sync's 256 kB limit, through every stage on a
/// 512 KiB stack (an ordinary server thread): nothing may overflow the stack or blow up.
@Suite struct HostileQueryTests {
    static let limit = Limits.maxSubscriptionBytes

    static func repeated(_ prefix: String, _ unit: String, _ suffix: String = "") -> [UInt8] {
        let room = limit - prefix.utf8.count - suffix.utf8.count
        return Array((prefix + String(repeating: unit, count: room / unit.utf8.count) + suffix).utf8)
    }

    /// Inputs that break off into errors: operators after an error, deep nesting past the limit.
    static let malformed: [(String, [UInt8])] = [
        ("100,000 minus signs", Array(String(repeating: "-", count: 100_000).utf8)),
        ("plus signs", repeated("", "+")),
        ("stars", repeated("", "*")),
        ("slashes", repeated("", "/")),
        ("stars after a comparison", repeated("_id == 1 ", "* ")),
        ("operators after an error", repeated("_id == ) ", "+ ")),
        ("minus after an error", repeated("_id == == ", "-")),
        ("arithmetic after an error", repeated("_id == ) AND i == ", "1 - ")),
        ("nested NOT", repeated("", "NOT ", "i == 1")),
        ("nested !", repeated("", "!", "i == 1")),
        ("nested (", repeated("", "(", "i == 1")),
        ("nested ( in values", repeated("i == ", "(", "1")),
        ("nested - in values", repeated("i == ", "- ", "1")),
        ("nested SUBQUERY", repeated("", "SUBQUERY(tags, $x, ", "$x == 'a'")),
        ("unclosed lists", repeated("i IN ", "{")),
        ("commas", repeated("i IN {", "1,,")),
        ("LIMIT after an error", repeated("s == ) ", "LIMIT(5) ")),
        ("SORT suffixes", repeated("s == 'x' ", "SORT(s ASC) ")),
        ("long key path", repeated("s", ".s", " == 'x'")),
        ("indexes", repeated("tags", "[0]", " == 'x'")),
        ("ANY", repeated("", "ANY ", "tags == 'x'")),
        // Arithmetic parses but does not check: the checker and the dumps still walk it.
        ("arithmetic at the limit", Array(("i" + String(repeating: " + 1", count: Limits.maxNestingDepth) + " == 5").utf8)),
        ("parenthesized arithmetic", Array((String(repeating: "(", count: Limits.maxNestingDepth / 2) + "i"
            + String(repeating: " + 1)", count: Limits.maxNestingDepth / 2) + " == 5").utf8)),
    ]

    /// Valid queries at the limits: every stage runs on them.
    static let valid: [(String, [UInt8])] = [
        ("parentheses at the nesting limit", Array((String(repeating: "(", count: Limits.maxNestingDepth) + "i == 1"
            + String(repeating: ")", count: Limits.maxNestingDepth)).utf8)),
        ("NOT at the nesting limit", Array((String(repeating: "NOT ", count: Limits.maxNestingDepth) + "i == 1").utf8)),
        ("alternating NOT and ( at the limit", Array((String(repeating: "NOT (", count: Limits.maxNestingDepth / 2) + "i == 1"
            + String(repeating: ")", count: Limits.maxNestingDepth / 2)).utf8)),
        ("AND of inequalities", Array((0..<12_000).map { "_id != \($0)" }.joined(separator: " AND ").utf8)),
        ("OR of equalities", Array((0..<12_000).map { "_id == \($0)" }.joined(separator: " OR ").utf8)),
        ("alternating AND and OR", Array((0..<12_000).map { "i == \($0)" }.joined(separator: " AND ")
            .replacingOccurrences(of: "AND i == 7", with: "OR i == 7").utf8)),
        ("IN list", repeated("i IN {0", ", 1", "}")),
        ("string IN list", repeated("s IN {'a'", ", 'b'", "}")),
        // The interpreter's [c] needles are built in temporary storage: 750 kB of it here.
        ("a 256 kB string", repeated("s CONTAINS[c] '", "x", "' OR s ==[c] 'y'")),
    ]

    @Test(arguments: malformed.map(\.0))
    func malformedQueryFailsCleanlyOnASmallStack(name: String) {
        let bytes = Self.malformed.first { $0.0 == name }!.1
        #expect(bytes.count <= Self.limit)
        var result: [Diagnostic] = []
        SmallStack.run { result = EveryStage.run(bytes).diagnostics }
        #expect(result.hasErrors)
        #expect(result.count <= Limits.maxDiagnostics + 1)
    }

    @Test(arguments: valid.map(\.0))
    func validQueryRunsEveryStageOnASmallStack(name: String) {
        let bytes = Self.valid.first { $0.0 == name }!.1
        #expect(bytes.count <= Self.limit)
        var matches: Int?
        var diagnostics: [Diagnostic] = []
        SmallStack.run { (matches, diagnostics) = EveryStage.run(bytes) }
        #expect(matches != nil, "\(diagnostics.prefix(3).map(\.message))")
    }

    @Test func checkerReportsAtMostTheDiagnosticLimit() {
        // Thousands of unsupported suffixes: one error each, capped like the parser's.
        let query = "s == 'x' " + String(repeating: "LIMIT(5) ", count: 4_000)
        let diagnostics = Checker.check(query, collection: RandomData.schema).diagnostics
        #expect(diagnostics.count == Limits.maxDiagnostics + 1)
        #expect(diagnostics.last?.code == .tooManyErrors)
        #expect(diagnostics.last?.message == "\(4_000 - Limits.maxDiagnostics) more errors not shown")
    }

    @Test func branchFreeRunsAreBounded() throws {
        // A long AND of cheap comparisons stops at its first false term within a bounded run
        // (unoptimized: the optimizer makes this AND one set lookup, below).
        let query = (0..<1_000).map { "_id != \($0)" }.joined(separator: " AND ")
        let program = try CompiledQuery(query, collection: RandomData.schema, optimize: false).program
        var run = 1
        var longest = 0
        for combine in program.combine {
            run = combine == .replace ? 1 : run + 1
            longest = max(longest, run)
        }
        #expect(longest == Compiler.maxBranchFreeRun)
        #expect(program.instructions.count > 1_000)
    }

    @Test func anAndOfInequalitiesIsOneSetLookup() throws {
        // 200,000 `_id != k` terms over 100,000 documents took 46 s, one comparison per term and row.
        let query = (0..<200_000).map { "_id != \($0 * 2)" }.joined(separator: " AND ")
        let compiled = try CompiledQuery(query, collection: RandomData.schema)
        #expect(compiled.program.instructions.count <= 2)
        let documents = (0..<1_000).map { Document(values: [.int(Int64($0))] + Array(repeating: .null, count: RandomData.schema.properties.count - 1)) }
        let odd = documents.filter { compiled.matches($0) }.map(\.values[0])
        #expect(odd == (0..<500).map { .int(Int64($0 * 2 + 1)) })
    }

    @Test func inListOfAMillionValuesOnASmallStack() throws {
        let values = (0..<1_000_000).map { String($0 * 3) }.joined(separator: ", ")
        let query = "i IN {" + values + "} OR _id == 2"
        var result: Result<Int, any Error>?
        SmallStack.run {
            result = Result { try CompiledQuery(query, collection: RandomData.schema).count(in: EveryStage.collection) }
        }
        let expected = EveryStage.documents.filter { document in
            if case .int(let i) = document.values[1], i >= 0, i % 3 == 0, i < 3_000_000 { return true }
            return document.values[0] == .int(2)
        }.count
        #expect(try result?.get() == expected)
    }

    /// Inputs the parser and checker fuzz targets crashed on, kept in Tests/Fuzz/regressions:
    /// every stage runs on them, on a small stack.
    @Test func fuzzRegressionsRunEveryStage() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/regressions")
        var count = 0
        for target in ["FuzzParser", "FuzzChecker"] {
            let folder = root.appendingPathComponent(target)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
                let bytes = try Array(Data(contentsOf: folder.appendingPathComponent(name)))
                SmallStack.run { EveryStage.run(bytes) }
                count += 1
            }
        }
        #expect(count >= 3)
    }
}
