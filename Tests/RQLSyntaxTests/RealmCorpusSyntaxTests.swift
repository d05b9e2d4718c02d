import Testing
import RQLCorpus
@testable import RQLSyntax

/// The realm-core-derived corpus decides what is a syntax error: realm-core's own parser was run
/// on every query.
@Suite struct RealmCorpusSyntaxTests {
    static let queries = CorpusSupport.queries(in: "realm-core")

    @Test func corpusIsThere() {
        // 1,927 cases in the realm-derived corpus; most are queries.
        #expect(Self.queries.count > 1_800)
    }

    @Test func syntaxErrorsAreExactlyRealms() {
        var wrong: [String] = []
        for q in Self.queries {
            let parsed = Parser.parse(q.text)
            let syntaxErrors = parsed.diagnostics.filter { $0.kind == .syntax && $0.severity == .error }
            let expectsSyntaxError: Bool
            if case .error(let kind, _) = q.expectation, kind == "syntax" { expectsSyntaxError = true } else { expectsSyntaxError = false }
            if expectsSyntaxError && syntaxErrors.isEmpty {
                wrong.append("\(q.where): accepted, but realm-core rejects it: \(q.text)")
            } else if !expectsSyntaxError && !syntaxErrors.isEmpty {
                wrong.append("\(q.where): rejected (\(syntaxErrors[0].message)), but realm-core parses it: \(q.text)")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) disagreements:\n\(wrong.prefix(40).joined(separator: "\n"))")
    }

    @Test func canonicalFormRoundTrips() {
        var wrong: [String] = []
        for q in Self.queries {
            let parsed = Parser.parse(q.text)
            guard !parsed.diagnostics.hasErrors else { continue }
            let printed = Printer.print(parsed.query)
            let reparsed = Parser.parse(printed)
            if reparsed.diagnostics.hasErrors {
                wrong.append("\(q.where): canonical form does not parse: \(printed) (\(reparsed.diagnostics[0].message))")
            } else if reparsed.query.erasingRanges() != parsed.query.erasingRanges() {
                wrong.append("\(q.where): canonical form parses differently: \(q.text) -> \(printed)")
            } else if Printer.print(reparsed.query) != printed {
                wrong.append("\(q.where): printing is not idempotent: \(printed)")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) failures:\n\(wrong.prefix(40).joined(separator: "\n"))")
    }
}
