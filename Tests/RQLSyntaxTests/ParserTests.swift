import Testing
@testable import RQLSyntax

/// Structure, precedence and diagnostics of the parser.
@Suite struct ParserTests {
    static func tree(_ text: String) -> String {
        let parsed = Parser.parse(text)
        #expect(parsed.diagnostics.isEmpty, "\(text): \(parsed.diagnostics)")
        return ASTDump.dump(parsed.query)
    }

    static func canonical(_ text: String) -> String {
        let parsed = Parser.parse(text)
        #expect(parsed.diagnostics.isEmpty, "\(text): \(parsed.diagnostics)")
        return Printer.print(parsed.query)
    }

    static func errors(_ text: String) -> [Diagnostic] { Parser.parse(text).diagnostics.errors }

    @Test func andBindsTighterThanOrAndNotTighterThanAnd() {
        #expect(Self.canonical("a == 1 || b == 2 && c == 3") == "a == 1 OR b == 2 AND c == 3")
        #expect(Self.tree("a == 1 || b == 2 && c == 3") == """
            OR
            ├─ ==
            │  ├─ property a
            │  └─ int 1
            └─ AND
               ├─ ==
               │  ├─ property b
               │  └─ int 2
               └─ ==
                  ├─ property c
                  └─ int 3
            """)
        // NOT applies to the next predicate only (realm's %right NOT).
        #expect(Self.canonical("!id1 == 5 && !(id2 == 12)") == "NOT (id1 == 5) AND NOT (id2 == 12)")
        #expect(Self.canonical("(a == 1 || b == 2) && c == 3") == "(a == 1 OR b == 2) AND c == 3")
    }

    @Test func chainsAreFlatButParenthesesAreKept() {
        guard case .or(let terms, _) = Parser.parse("a == 1 OR a == 2 OR a == 3 OR a == 4").query.predicate else {
            Issue.record("expected an OR")
            return
        }
        #expect(terms.count == 4)
        #expect(Self.canonical("(a == 1 AND b == 1) AND c == 1") == "(a == 1 AND b == 1) AND c == 1")
    }

    @Test func parenthesesAroundValuesAndPredicatesAreTellApart() {
        #expect(Self.canonical("(age + 1) * 2 > 3") == "(age + 1) * 2 > 3")
        #expect(Self.canonical("(age) == 3") == "age == 3")
        #expect(Self.canonical("((age == 3))") == "age == 3")
        #expect(Self.canonical("((age)) == 3 AND ((b == 1))") == "age == 3 AND b == 1")
        #expect(Self.canonical("age - (b - 1) == 2 * (3 + c)") == "age - (b - 1) == 2 * (3 + c)")
        #expect(Self.canonical("a * b + c / d < 1") == "a * b + c / d < 1")
    }

    @Test func keywordsThatRealmAlsoAcceptsAsNames() {
        #expect(Self.canonical("in in 'in'") == #"in IN "in""#)
        #expect(Self.canonical("contains contains 'contains'") == #"contains CONTAINS "contains""#)
        #expect(Self.canonical("sort > 0 AND between == 0") == "sort > 0 AND between == 0")
        #expect(Self.canonical("TRUEPREDICATE SORT(sort ASC, distinct ASC, limit ASC)")
                == "TRUEPREDICATE SORT(sort ASC, distinct ASC, limit ASC)")
        #expect(Self.canonical("desc CONTAINS[c] 'empty'") == #"desc CONTAINS[c] "empty""#)
    }

    @Test func everyConstructOfRealmsGrammarParses() {
        let queries = [
            "ANY tags == 'x' AND ALL scores > 2 AND NONE tags BEGINSWITH 'y'",
            "'comedy' IN genres", "{'a', 'b'} IN genres", "ANY {1, 2} == ALL items", "x IN $0", "x == ANY $1",
            "age BETWEEN {20, 30}", "ALL scores BETWEEN {$0, $1}", "name LIKE[c] '*a?'", "name TEXT 'cheese -wine'",
            "items.@count > 2", "items.@size == 0", "items[SIZE] == 3", "mixed.@type == 'string'",
            "items.@avg.price > 5", "scores.@max < 10", "SUBQUERY(items, $x, $x.price > 5 AND $x.name == 'a').@count > 1",
            "@links.Person.friends.@count > 0", "dict.@keys == 'a'", "dict['key'] == 1", "dict[$0] == 1", "list[*] == 1",
            "list[FIRST] == 1", "list[LAST] == 2", "list[3] == 4", "$K0 == 5", "link == obj('Person', 5)", "link == O12",
            "link == L1:2", "data == bin('abc')", "data == binary(B64\"YWJj\")", "s == B64\"aXQncw==\"",
            "id == oid(507f1f77bcf86cd799439011)", "u == uuid(d1b186e1-e9e0-4768-a1a7-c492519d47ee)",
            "d > T1613842215:0", "d > 2021-02-20@17:30:15:500", "x == 1.5f", "x < inf AND x != -nan",
            "loc GEOWITHIN geoBox([0.1, 0.2], [1.0, 2])", "loc GEOWITHIN geoCircle([-73.5, 40.0, 1.5], 0.01)",
            "loc GEOWITHIN geoPolygon({[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]}, {[0.1, 0.1], [0.2, 0.1], [0.1, 0.1]})",
            "loc GEOWITHIN $0", "TRUEPREDICATE LIMIT(5) SORT(a DESC) DISTINCT(b, c.d)", "a + b * 2 == c - 1",
        ]
        for q in queries {
            let parsed = Parser.parse(q)
            #expect(parsed.diagnostics.isEmpty, "\(q): \(parsed.diagnostics.map(\.message))")
            let again = Parser.parse(Printer.print(parsed.query))
            #expect(again.query.erasingRanges() == parsed.query.erasingRanges(), "\(q)")
        }
    }

    @Test func messagesSayWhatWasExpectedAndWhere() {
        let missing = Self.errors("age ==")
        #expect(missing.count == 1)
        #expect(missing[0].message == "expected a value after '==', found end of query")
        #expect(missing[0].range == SourceRange(6, 6))

        let bare = Self.errors("done")
        #expect(bare[0].code == .expectedOperator)
        #expect(bare[0].message.contains("'done' is not a predicate"))

        let paren = Self.errors("(a == 1")
        #expect(paren[0].code == .unbalancedParenthesis)
        #expect(paren[0].notes.first?.range == SourceRange(0, 1))

        let chained = Self.errors("a == b == c")
        #expect(chained.map(\.code) == [.chainedComparison])
        #expect(chained[0].range == SourceRange(7, 9))

        #expect(Self.errors("age > [c] 3").map(\.code) == [.invalidCaseModifier])
        #expect(Self.errors("(a) BEGINSWITH 'x'").map(\.code) == [.invalidOperand])
        #expect(Self.errors("a + 1 CONTAINS 'x'").map(\.code) == [.invalidOperand])
        #expect(Self.errors("age BETWEEN 5").map(\.code) == [.invalidOperand])
        #expect(Self.errors("ANY 'milk' == name").map(\.code) == [.misplacedQuantifier])
        #expect(Self.errors("a IN {b, c}").first?.code == .expectedValue)
        #expect(Self.errors("TRUEPREDICATE SORT(p)").map(\.code) == [.invalidSuffix])
        #expect(Self.errors("TRUEPREDICATE LIMIT(-1)").map(\.code) == [.invalidSuffix])
        #expect(Self.errors("").map(\.code) == [.emptyQuery])
        #expect(Self.errors("a startswith 'x'")[0].notes.map(\.message) == ["did you mean 'BEGINSWITH'?"])
    }

    @Test func severalErrorsInOneQuery() {
        let errors = Self.errors("a == AND b == 1 AND c d AND (e == 1")
        #expect(errors.map(\.code) == [.expectedValue, .expectedOperator, .unbalancedParenthesis])
    }

    @Test func lexerErrorsAreNotRepeatedByTheParser() {
        #expect(Self.errors("stone#age = 5").map(\.code) == [.invalidCharacter])
        #expect(Self.errors("name == 'abc").map(\.code) == [.unterminatedString])
    }
}
