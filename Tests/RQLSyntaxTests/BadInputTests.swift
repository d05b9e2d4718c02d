import Testing
import RQLTesting
@testable import RQLSyntax

/// Hostile input: no crash, no hang, no stack overflow, and a diagnostic that says what is wrong.
@Suite struct BadInputTests {
    @Test func nestingUpToTheLimitParses() {
        let depth = Limits.maxNestingDepth
        let query = String(repeating: "(", count: depth) + "a == 1" + String(repeating: ")", count: depth)
        #expect(Parser.parse(query).diagnostics.isEmpty)
        let nots = String(repeating: "NOT ", count: depth) + "a == 1"
        #expect(Parser.parse(nots).diagnostics.isEmpty)
    }

    @Test func tenThousandNestedParenthesesGiveOneClearError() {
        let query = String(repeating: "(", count: 10_000) + "a == 1" + String(repeating: ")", count: 10_000)
        let errors = Parser.parse(query).diagnostics.errors
        #expect(errors.map(\.code) == [.nestingTooDeep])
        #expect(errors[0].message.contains("\(Limits.maxNestingDepth)"))
        // Values nest too: ((((a)))) == 1 and long arithmetic chains.
        let values = String(repeating: "(", count: 10_000) + "a" + String(repeating: ")", count: 10_000) + " == 1"
        #expect(Parser.parse(values).diagnostics.errors.map(\.code) == [.nestingTooDeep])
        let sum = "a" + String(repeating: " + a", count: 5_000) + " == 1"
        #expect(Parser.parse(sum).diagnostics.errors.map(\.code) == [.nestingTooDeep])
    }

    @Test func aHundredThousandOrTermsAreOneFlatNode() {
        let query = (0..<100_000).map { "owner == 'u\($0)'" }.joined(separator: " OR ")
        let parsed = Parser.parse(query)
        #expect(parsed.diagnostics.isEmpty)
        guard case .or(let terms, _) = parsed.query.predicate else {
            Issue.record("expected OR")
            return
        }
        #expect(terms.count == 100_000)
        #expect(Printer.print(parsed.query).utf8.count == query.utf8.count)
    }

    @Test func oneMegabyteQuery() {
        // A 1 MB string literal and a 1 MB run of garbage.
        let big = "name == '" + String(repeating: "x", count: 1 << 20) + "'"
        #expect(Parser.parse(big).diagnostics.isEmpty)
        let garbage = String(repeating: "a == ( # ", count: (1 << 20) / 9)
        let errors = Parser.parse(garbage).diagnostics
        #expect(errors.hasErrors)
        #expect(errors.count <= Limits.maxDiagnostics + 1)
    }

    @Test func unterminatedThings() {
        for query in ["name == 'abc", "name == \"abc\\\"", "a IN {1, 2", "a IN {1, 2,", "(a == 1", "a[0 == 1",
                      "SUBQUERY(items, $x, $x.a == 1", "TRUEPREDICATE SORT(a ASC", "bin('x'", "a == oid(12"] {
            let parsed = Parser.parse(query)
            #expect(parsed.diagnostics.hasErrors, "\(query)")
            #expect(parsed.diagnostics.allSatisfy { $0.range.end <= query.utf8.count }, "\(query)")
        }
    }

    @Test func integersBeyondSixtyFourBitsAreTokensNotCrashes() {
        let parsed = Parser.parse("age == 123456789012345678901234567890 AND $123456789012345678901234567890 == a")
        // The literal is kept as written (the checker decides its value); the argument index cannot be.
        #expect(parsed.diagnostics.errors.map(\.code) == [.missingArgument])
    }

    @Test func everyByteValueAloneAndInContext() {
        for byte in UInt8.min...UInt8.max {
            for bytes in [[byte], Array("a == ".utf8) + [byte], [byte] + Array(" == 1".utf8),
                          Array("a == '".utf8) + [byte] + Array("'".utf8)] {
                let parsed = Parser.parse(bytes)
                for d in parsed.diagnostics {
                    #expect(d.range.start >= 0 && d.range.end <= bytes.count && d.range.start <= d.range.end)
                }
                // Rendering must cope with whatever the source holds.
                _ = DiagnosticRenderer().render(parsed.diagnostics, source: bytes)
            }
        }
    }

    @Test func invalidUTF8AndNulBytes() {
        let invalid: [UInt8] = Array("name == 'ab".utf8) + [0xFF, 0xFE] + Array("' AND x\u{0}y == 1".utf8)
        let codes = Parser.parse(invalid).diagnostics.map(\.code)
        #expect(codes.contains(.invalidUTF8))
        #expect(codes.contains(.invalidCharacter))
    }

    @Test func randomBytesNeverCrashAndRoundTripWhenTheyParse() {
        var rng = SplitMix64(seed: 7)
        let alphabet = Array("abc$_ 019.-+*/=!<>&|()[]{},'\"\\@xTO:uidn\u{0}é".utf8)
        for _ in 0..<20_000 {
            let length = Int(rng.next() % 24)
            let bytes = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let parsed = Parser.parse(bytes)
            if !parsed.diagnostics.hasErrors {
                let again = Parser.parse(Printer.print(parsed.query))
                #expect(!again.diagnostics.hasErrors, "\(String(decoding: bytes, as: UTF8.self))")
                #expect(again.query.erasingRanges() == parsed.query.erasingRanges(), "\(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }

    /// The right-hand string of `s == <literal>` and the diagnostics of parsing it.
    private static func stringOperand(_ literal: String) -> (value: String?, diagnostics: [Diagnostic]) {
        let parsed = Parser.parse("s == " + literal)
        guard case .comparison(let c) = parsed.query.predicate, case .literal(let l) = c.rhs,
              case .string(let value) = l.value else { return (nil, parsed.diagnostics) }
        return (value, parsed.diagnostics)
    }

    @Test func loneSurrogateEscapesAreKeptAsWrittenWithAWarning() {
        // realm-core accepts any \uXXXX and keeps every escape verbatim; a lone surrogate names no
        // character, so we keep it verbatim too (it used to become U+FFFD in silence).
        let high = Self.stringOperand(#""\uD800""#)
        #expect(high.value == #"\uD800"#)
        #expect(high.diagnostics.map(\.code) == [.loneSurrogate])
        #expect(high.diagnostics.map(\.severity) == [.warning])
        #expect(high.diagnostics.first?.kind == .warning)
        #expect(high.diagnostics.first?.range == SourceRange(6, 12))
        // A high surrogate before something other than a low one; a low one alone.
        let beforeA = Self.stringOperand(#"'\uD800\u0041'"#)
        #expect(beforeA.value == #"\uD800A"#)
        #expect(beforeA.diagnostics.map(\.range) == [SourceRange(6, 12)])
        let low = Self.stringOperand(#""x\uDE00""#)
        #expect(low.value == #"x\uDE00"#)
        #expect(low.diagnostics.map(\.range) == [SourceRange(7, 13)])
        // Two highs then a low: the first is lone, the second pairs.
        let twoHighs = Self.stringOperand(#""\uD800\uD83D\uDE00""#)
        #expect(twoHighs.value == #"\uD800"# + "😀")
        #expect(twoHighs.diagnostics.map(\.range) == [SourceRange(6, 12)])
        // A valid pair is one character, without a word.
        let pair = Self.stringOperand(#""\uD83D\uDE00""#)
        #expect(pair.value == "😀")
        #expect(pair.diagnostics.isEmpty)
    }

    /// The diagnostics of `t == <literal>`.
    private static func dateDiagnostics(_ literal: String) -> [Diagnostic] {
        Parser.parse("t == " + literal).diagnostics
    }

    @Test func datesThatDoNotExistAreReadAsTimegmReadsThemWithAWarning() {
        // realm-core normalises them (timegm); we do the same, but say so.
        let february = Self.dateDiagnostics("2024-02-30@00:00:00")
        #expect(february.map(\.code) == [.nonexistentDate])
        #expect(february.map(\.severity) == [.warning])
        #expect(february.first?.kind == .warning)
        #expect(february.first?.range == SourceRange(5, 24))
        #expect(february.first?.message == "2024-02-30 is not a date; realm-core reads it as 2024-03-01")
        #expect(Self.dateDiagnostics("2024-13-01T00:00:00").map(\.message) == ["2024-13-01 is not a date; realm-core reads it as 2025-01-01"])
        #expect(Self.dateDiagnostics("2023-02-29@12:00:00:5").map(\.message) == ["2023-02-29 is not a date; realm-core reads it as 2023-03-01"])
        #expect(Self.dateDiagnostics("2024-01-01@99:99:99").map(\.message)
                == ["2024-01-01@99:99:99 is not a date and time; realm-core reads it as 2024-01-05@04:40:39"])
        #expect(Self.dateDiagnostics("2024-1-1T24:0:0").map(\.message)
                == ["2024-1-1T24:0:0 is not a date and time; realm-core reads it as 2024-01-02T00:00:00"])
        // Real dates, unpadded fields and leap days say nothing.
        for literal in ["2024-02-29@23:59:59:999999999", "2024-1-1@0:0:0", "1969-12-31T23:59:59:1"] {
            #expect(Self.dateDiagnostics(literal).isEmpty, "\(literal)")
        }
        // The value is timegm's.
        let read = { (text: String) in try? TimestampLiteral.read(text.utf8).get() }
        #expect(read("2024-02-30@00:00:00")?.seconds == read("2024-03-01@00:00:00")?.seconds)
        #expect(read("2024-01-01@99:99:99")?.seconds == read("2024-01-05@04:40:39")?.seconds)
    }

    @Test func nanosecondsOfOneSecondOrMoreAreErrors() {
        // realm-core's Timestamp constructor asserts on them (an abort); they used to become null
        // inside a list.
        for query in ["t == 2024-01-01@00:00:00:1000000000", "t == 2024-01-01T00:00:00:1000000000",
                      "t IN {T0:1000000000}", "t == T-1:-1000000000"] {
            let diagnostics = Parser.parse(query).diagnostics
            #expect(diagnostics.map(\.code) == [.invalidTimestamp], "\(query)")
            #expect(diagnostics.first?.message.contains("nanoseconds") == true, "\(query)")
        }
        #expect(Parser.parse("t == T0:999999999").diagnostics.isEmpty)
    }
}
