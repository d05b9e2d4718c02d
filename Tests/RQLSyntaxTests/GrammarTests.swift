import Foundation
import Testing
import RQLTesting
@testable import RQLSyntax

/// Keeps `Grammar/rql.ebnf` honest. The test reads the grammar file at run time, parses its W3C
/// EBNF, and then:
/// * checks the lexical part token by token against `Lexer` (every token rule has a `TokenKind`,
///   and samples generated from the rule lex as exactly that one token);
/// * generates random sentences from the syntactic part (seeded SplitMix64, depth-bounded, tokens
///   generated from the lexical rules, one space between tokens) and requires `Parser` to accept
///   every one without a diagnostic, with every syntactic rule and alternative used;
/// * round-trips every sentence through the canonical printer;
/// * runs an Earley recognizer built from the syntactic part over queries the parser accepts
///   (printed sentences, a list of tricky queries, and the `.rqlt` corpus when present), so the
///   grammar is not narrower than the parser either.
@Suite struct GrammarTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let grammarPath = repositoryRoot.appendingPathComponent("Grammar").appendingPathComponent("rql.ebnf").path

    static let loaded: Result<EBNFGrammar, EBNFError> = {
        guard let text = try? String(contentsOfFile: grammarPath, encoding: .utf8) else {
            return .failure(EBNFError(message: "cannot read \(grammarPath)", line: 0))
        }
        return Result { try EBNFGrammar.parse(text) }.mapError { $0 as? EBNFError ?? EBNFError(message: "\($0)", line: 0) }
    }()

    static let seeds: [UInt64] = [1, 2, 3, 4, 5, 6, 7, 8]
    static let sentencesPerSeed = 300
    /// Past this many nested expansions of recursive rules (or_expr, unary, expr, value, ...) the
    /// generator takes their shortest alternatives and no repetitions.
    static let maxDepth = 12

    static let generated: GeneratedSentences? = {
        guard case .success(let grammar) = loaded else { return nil }
        var all = GeneratedSentences()
        for seed in seeds {
            var generator = SentenceGenerator(grammar: grammar, seed: seed, maxDepth: maxDepth)
            for _ in 0..<sentencesPerSeed {
                all.sentences.append(generator.sentence())
            }
            all.merge(generator)
        }
        return all
    }()

    /// The token each UPPER_CASE rule of the lexical part stands for.
    static let tokenKinds: [String: TokenKind] = [
        "EQUAL": .equal, "NOT_EQUAL": .notEqual, "LESS": .less, "GREATER": .greater, "LESS_EQUAL": .lessEqual,
        "GREATER_EQUAL": .greaterEqual, "CASE": .caseInsensitive,
        "AND": .and, "OR": .or, "NOT": .not, "IN": .in, "ANY": .any, "ALL": .all, "NONE": .none,
        "BEGINSWITH": .beginsWith, "ENDSWITH": .endsWith, "CONTAINS": .contains, "TEXT": .text, "LIKE": .like,
        "BETWEEN": .between, "GEOWITHIN": .geoWithin, "GEOBOX": .geoBox, "GEOPOLYGON": .geoPolygon,
        "GEOCIRCLE": .geoCircle, "TRUEPREDICATE": .truePredicate, "FALSEPREDICATE": .falsePredicate,
        "SORT": .sort, "DISTINCT": .distinct, "LIMIT": .limit, "ASCENDING": .ascending, "DESCENDING": .descending,
        "SUBQUERY": .subquery, "BINARY": .binary, "OBJ": .obj,
        "SIZE": .size, "MAX": .max, "MIN": .min, "SUM": .sum, "AVG": .avg, "BACKLINKS": .backlinks, "TYPE": .type,
        "KEY_OR_VALUE": .keyOrValue, "FIRST": .first, "LAST": .last, "INDEX_SIZE": .indexSize,
        "TRUE": .true, "FALSE": .false, "NULL": .null, "INFINITY": .infinity, "NAN": .nan,
        "NATURAL0": .natural, "NUMBER": .number, "FLOAT": .float, "STRING": .string, "BASE64": .base64,
        "UUID": .uuid, "OID": .oid, "TIMESTAMP": .timestamp, "LINK": .link, "TYPED_LINK": .typedLink,
        "ARG": .argument, "KP_ARG": .keyPathArgument, "ID": .identifier,
    ]

    /// The one-character tokens, written quoted in the syntactic part.
    static let punctuationKinds: [String: TokenKind] = [
        "+": .plus, "-": .minus, "*": .star, "/": .slash, "[": .leftBracket, "]": .rightBracket, ",": .comma,
        "(": .leftParen, ")": .rightParen, "{": .leftBrace, "}": .rightBrace, ".": .dot,
    ]

    static func describe(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { "    \($0)" }.joined(separator: "\n")
    }

    // MARK: - The file itself

    @Test func grammarFileIsWellFormed() throws {
        let grammar = try Self.loaded.get()
        #expect(grammar.rules.count > 60)
        #expect(grammar.byName["query"]?.isLexical == false, "the start rule 'query' must be in the syntactic part")
        #expect(!grammar.syntaxRules.isEmpty && !grammar.lexicalRules.isEmpty)
        var problems: [String] = []
        for rule in grammar.rules {
            for name in rule.body.references where grammar.byName[name] == nil {
                problems.append("line \(rule.line): '\(rule.name)' uses undefined '\(name)'")
            }
            if rule.isLexical {
                for name in rule.body.references where grammar.byName[name]?.isLexical == false {
                    problems.append("line \(rule.line): lexical rule '\(rule.name)' uses syntactic rule '\(name)'")
                }
            } else {
                if rule.name != rule.name.lowercased() {
                    problems.append("line \(rule.line): syntactic rule '\(rule.name)' must be lower_case")
                }
                for name in rule.body.references {
                    if let target = grammar.byName[name], target.isLexical, !EBNFGrammar.isTokenName(name) {
                        problems.append("line \(rule.line): '\(rule.name)' uses lexical piece '\(name)'; syntax may use only tokens (UPPER_CASE)")
                    }
                }
                if !rule.body.classes.isEmpty {
                    problems.append("line \(rule.line): character class in syntactic rule '\(rule.name)'")
                }
                if rule.body.containsExclusion {
                    problems.append("line \(rule.line): '-' exclusion in syntactic rule '\(rule.name)'")
                }
            }
        }
        // No dead rules: everything is reachable from `query` (through exclusions too).
        var reached: Set<String> = ["query"]
        var work = ["query"]
        while let name = work.popLast() {
            for next in grammar.byName[name]?.body.references ?? [] where !reached.contains(next) {
                reached.insert(next)
                work.append(next)
            }
        }
        for rule in grammar.rules where !reached.contains(rule.name) {
            problems.append("line \(rule.line): '\(rule.name)' is not reachable from 'query'")
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    // MARK: - Lexical part against the lexer

    @Test func everyTokenRuleHasATokenKind() throws {
        let grammar = try Self.loaded.get()
        let tokenRules = Set(grammar.lexicalRules.filter(EBNFGrammar.isTokenName).map(\.name))
        #expect(tokenRules == Set(Self.tokenKinds.keys),
                "token rules without a TokenKind: \(tokenRules.subtracting(Self.tokenKinds.keys).sorted()); TokenKinds without a rule: \(Set(Self.tokenKinds.keys).subtracting(tokenRules).sorted())")
        let quoted = Set(grammar.syntaxRules.flatMap { $0.body.literals })
        #expect(quoted == Set(Self.punctuationKinds.keys), "quoted terminals in the syntactic part: \(quoted.sorted())")
        // Every token the lexer can produce is described by the grammar.
        let described = Set(Self.tokenKinds.values).union(Self.punctuationKinds.values)
        let missing = TokenKind.allCases.filter { $0 != .end && $0 != .invalid && !described.contains($0) }
        #expect(missing.isEmpty, "token kinds the grammar does not describe: \(missing)")
        // Every token rule the syntax uses exists (so the generator has one for each).
        for rule in grammar.syntaxRules {
            for name in rule.body.references where grammar.byName[name]?.isLexical == true {
                #expect(Self.tokenKinds[name] != nil, "'\(rule.name)' uses token '\(name)' with no TokenKind")
            }
        }
    }

    @Test func tokenRulesGenerateWhatTheLexerReads() throws {
        let grammar = try Self.loaded.get()
        var generator = SentenceGenerator(grammar: grammar, seed: 42, maxDepth: Self.maxDepth)
        var failures: [String] = []
        for rule in grammar.lexicalRules where EBNFGrammar.isTokenName(rule.name) {
            guard let kind = Self.tokenKinds[rule.name] else { continue }
            for _ in 0..<300 {
                let sample = generator.lexeme(rule.name)
                let (tokens, diagnostics) = Lexer.tokenize(Array(sample.utf8))
                // Warnings do not change the token: random dates such as 7-83-1T803:149:527 do not
                // exist and are read as timegm reads them, with a warning.
                if tokens.count != 2 || tokens[0].kind != kind || tokens[0].range != SourceRange(0, sample.utf8.count)
                    || diagnostics.hasErrors {
                    failures.append("\(rule.name): \(sample.debugDescription) lexes as \(tokens.dropLast().map(\.kind))\(diagnostics.isEmpty ? "" : "\n" + Self.describe(diagnostics))")
                }
            }
        }
        for (text, kind) in Self.punctuationKinds {
            let tokens = Lexer.tokenize(Array(text.utf8)).tokens
            #expect(tokens.map(\.kind) == [kind, .end], "\(text.debugDescription)")
        }
        #expect(generator.failures.isEmpty, "\(generator.failures.prefix(20).joined(separator: "\n"))")
        #expect(failures.isEmpty, "\(failures.count) samples lex differently:\n\(failures.prefix(30).joined(separator: "\n"))")
        // Every alternative of every lexical rule was generated.
        let unused = grammar.choices.filter { choice in
            grammar.byName[choice.rule]?.isLexical == true && choice.generated
                && (generator.choiceUses[choice.id]?.count ?? 0) < choice.count
        }
        #expect(unused.isEmpty, "lexical alternatives never generated: \(unused.map { "\($0.rule) #\($0.id): used \((generator.choiceUses[$0.id] ?? []).sorted()) of \($0.count)" })")
    }

    // MARK: - Sentences

    @Test func generatedSentencesParseWithoutErrors() throws {
        let grammar = try Self.loaded.get()
        let generated = try #require(Self.generated)
        #expect(generated.sentences.count >= 2_000)
        #expect(generated.failures.isEmpty, "\(generated.failures.prefix(20).joined(separator: "\n"))")
        var failures: [String] = []
        for sentence in generated.sentences {
            let parsed = Parser.parse(sentence)
            // Warnings are advice: random dates such as 4-3-9T72:8:242 do not exist, and are read
            // as timegm reads them.
            if parsed.diagnostics.hasErrors {
                failures.append("\(sentence.debugDescription)\n\(Self.describe(parsed.diagnostics))")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(generated.sentences.count) generated sentences are rejected:\n\(failures.prefix(30).joined(separator: "\n"))")

        // Coverage: every syntactic rule, and every alternative of every choice in it, was expanded.
        let unexpanded = grammar.syntaxRules.map(\.name).filter { (generated.ruleUses[$0] ?? 0) == 0 }
        #expect(unexpanded.isEmpty, "syntactic rules never expanded: \(unexpanded)")
        let unchosen = grammar.choices.filter { choice in
            grammar.byName[choice.rule]?.isLexical == false && (generated.choiceUses[choice.id]?.count ?? 0) < choice.count
        }
        #expect(unchosen.isEmpty, "alternatives never chosen: \(unchosen.map { "\($0.rule) #\($0.id): \((generated.choiceUses[$0.id] ?? []).sorted()) of \($0.count)" })")
    }

    @Test func generatedSentencesRoundTripThroughThePrinter() throws {
        let generated = try #require(Self.generated)
        var failures: [String] = []
        for sentence in generated.sentences {
            let parsed = Parser.parse(sentence)
            guard parsed.diagnostics.isEmpty else { continue }  // reported by the test above
            let printed = Printer.print(parsed.query)
            let reparsed = Parser.parse(printed)
            if !reparsed.diagnostics.isEmpty {
                failures.append("\(sentence.debugDescription)\n  prints as \(printed.debugDescription), which is rejected:\n\(Self.describe(reparsed.diagnostics))")
            } else if reparsed.query.erasingRanges() != parsed.query.erasingRanges() {
                failures.append("\(sentence.debugDescription)\n  prints as \(printed.debugDescription), which parses to a different tree")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) sentences do not round-trip:\n\(failures.prefix(30).joined(separator: "\n"))")
    }

    // MARK: - The other direction: what the parser accepts is in the grammar

    /// Queries from realm-core's lexer rules (query_flex.ll) and realm's test_parser.cpp valid_queries that exercise the
    /// lexer's corners and every construct.
    static let trickyQueries = [
        "in in 'in'", "contains contains 'contains'", "sort > 0", "TRUEPREDICATE SORT(sort ASC, distinct ASC, limit ASC)",
        "a=1AND NOTb=2", "not-1=1", "$-1 = $0", "a$a = a", "$ = $", "$a = $0", "你好=5", "float\\ fees > 2.0E0",
        "nullable\\tdata == NULL", "true\\ love = false", "truepredicates = falsepredicates", "NOT0 == 1",
        "0 = 001", "0 == [c] 0", "a contains [c] b", "!(age => 2)", "3 =< age", "fees < +inFINITY", "fees != -nAn",
        "0 BeGiNsWiTh 0", "licensed = TRUE", "(age + 1) * 2 > 5", "(age) == 3", "((age)) == 3 && ((a == b))",
        "age - 1 > 5 || age * 2 / 3 < 4 - -1", "items.@avg.price > 5", "scores.@max == 1", "tags.@count > 2",
        "tags[SIZE] == 2", "list[FIRST] == 1", "list[last].name == 'x'", "dict['key'] == 1", "dict[$0][*] == 1",
        "mixed[0]['key'][*] == 1", "dict.@keys == 'a'", "dict.@values.@count > 0", "@links.@count > 2",
        "@links.Person.dogs.@count == 1", "mixedType.@type == 'string'", "ANY dict.@type == 'string'",
        "SUBQUERY(items, $x, $x.price > 5 && $x.name BEGINSWITH[c] 'a').@count > 1",
        "location GEOWITHIN geoBox([0.2, 0.2], [0.7, 0.7])", "location GEOWITHIN geoCircle([-73.0, 40.5, 1.0], 0.25)",
        "location GEOWITHIN geoPolygon({[1, 1], [2, 2], [3, 3], [1, 1]}, {[1.5, 1.5], [2, 2], [1.5, 1.5]})",
        "location GEOWITHIN $0", "$K0 == 1", "ANY $K0.tags == 'a'", "name IN {'a', 'b'} AND NONE tags IN ANY $1",
        "age BETWEEN {20, 24}", "ALL scores BETWEEN {$0, $1}", "body TEXT 'hello -world pre*'",
        "data == bin('abc') || data == binary(B64\"aGVsbG8=\")", "link == obj(\"Item\", oid(507f1f77bcf86cd799439011))",
        "id == uuid(d1b186e1-e9e0-4768-a1a7-c492519d47ee)", "t > T1613842215:0 && t < 2021-02-20@17:30:15 && t != 2021-02-20T17:30:15:500",
        "link == O12 || link == L1:2", "x == 0x1F || x == -7 || x == 1.5e5f || x == .5 || x == 10.", "x == nan",
        "s == B64\"aXQncw==\"", "s == \"\\\"\\n\\0\\r\\\\'\\u00e9\"", "NOT NOT a == 1", "!(a == 1 OR b == 2) AND c != 3",
        "a == 1 LIMIT(5) DISTINCT(a, b.c) SORT(a DESC, b ASCENDING)", "{1, 2} == ANY tags", "ANY {1, 2} <> ALL tags",
        "age > $0 && name ==[c] $1 AND tags IN $2", "a == {}", "a == {ANY $0, 1, 'x', null}", "value == NIL",
    ]

    @Test func parserAcceptedQueriesAreInTheGrammar() throws {
        let grammar = try Self.loaded.get()
        let recognizer = try EarleyRecognizer(grammar: grammar, start: "query", tokenNames: Self.tokenKinds, punctuation: Self.punctuationKinds)
        var candidates: [(where: String, text: String)] = Self.trickyQueries.map { ("tricky", $0) }
        candidates += Self.corpusQueries()
        if let generated = Self.generated {
            // The generated sentences are in the grammar by construction: this checks the recognizer.
            candidates += generated.sentences.prefix(500).map { ("generated", $0) }
            // The canonical printer must write sentences of the grammar.
            candidates += generated.sentences.map { ("printed", Printer.print(Parser.parse($0).query)) }
        }
        var checked = 0
        var failures: [String] = []
        for candidate in candidates {
            let parsed = Parser.parse(candidate.text)
            guard parsed.diagnostics.isEmpty else {
                if candidate.where == "tricky" { failures.append("tricky query rejected by the parser: \(candidate.text)\n\(Self.describe(parsed.diagnostics))") }
                continue
            }
            // Very long queries (the size-limit corpus case) only cost time here.
            guard parsed.tokens.count <= Self.maxRecognizedTokens else { continue }
            checked += 1
            if !recognizer.recognizes(parsed.tokens.dropLast().map(\.kind)) {
                failures.append("\(candidate.where): the parser accepts \(candidate.text.debugDescription), the grammar does not")
            }
        }
        #expect(checked > 1_000)
        #expect(failures.isEmpty, "\(failures.count) disagreements:\n\(failures.prefix(30).joined(separator: "\n"))")
    }

    /// The bodies of `query` and `subscribe` blocks of every `.rqlt` file under Corpus/ (none if
    /// the folder is absent).
    static let maxRecognizedTokens = 5_000

    static func corpusQueries() -> [(where: String, text: String)] {
        let root = repositoryRoot.appendingPathComponent("Corpus")
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var out: [(String, String)] = []
        for case let relative as String in walker where relative.hasSuffix(".rqlt") {
            guard let text = try? String(contentsOfFile: root.appendingPathComponent(relative).path, encoding: .utf8) else { continue }
            let lines = text.components(separatedBy: "\n")
            var i = 0
            while i < lines.count {
                let line = lines[i]
                i += 1
                guard line.hasPrefix("query ") || line.hasPrefix("subscribe ") else { continue }
                let start = i
                var body: [String] = []
                while i < lines.count, lines[i] != "----", !lines[i].trimmingCharacters(in: .whitespaces).isEmpty {
                    if !lines[i].hasPrefix("#") { body.append(lines[i]) }
                    i += 1
                }
                if !body.isEmpty { out.append(("Corpus/\(relative):\(start)", body.joined(separator: "\n"))) }
            }
        }
        return out
    }
}

// The helpers live inside the suite so that their names cannot clash with other test files.
extension GrammarTests {
    // MARK: - EBNF model and reader

    indirect enum GrammarExpr: Sendable {
        case ref(String)
        case literal(String)
        case charClass(CharClass)
        case sequence([GrammarExpr])
        /// A choice and its id (an index into `EBNFGrammar.choices`).
        case choice([GrammarExpr], id: Int)
        case optional(GrammarExpr)
        case zeroOrMore(GrammarExpr)
        case oneOrMore(GrammarExpr)
        /// W3C `A - B`: a match of A that is not a match of B.
        case except(GrammarExpr, GrammarExpr)

        /// Every rule name used, in order, with repeats.
        var references: [String] {
            switch self {
            case .ref(let n): [n]
            case .literal, .charClass: []
            case .sequence(let xs), .choice(let xs, _): xs.flatMap(\.references)
            case .optional(let x), .zeroOrMore(let x), .oneOrMore(let x): x.references
            case .except(let a, let b): a.references + b.references
            }
        }

        var literals: [String] {
            switch self {
            case .literal(let s): [s]
            case .ref, .charClass: []
            case .sequence(let xs), .choice(let xs, _): xs.flatMap(\.literals)
            case .optional(let x), .zeroOrMore(let x), .oneOrMore(let x): x.literals
            case .except(let a, let b): a.literals + b.literals
            }
        }

        var classes: [CharClass] {
            switch self {
            case .charClass(let c): [c]
            case .ref, .literal: []
            case .sequence(let xs), .choice(let xs, _): xs.flatMap(\.classes)
            case .optional(let x), .zeroOrMore(let x), .oneOrMore(let x): x.classes
            case .except(let a, let b): a.classes + b.classes
            }
        }

        var containsExclusion: Bool {
            switch self {
            case .except: true
            case .ref, .literal, .charClass: false
            case .sequence(let xs), .choice(let xs, _): xs.contains { $0.containsExclusion }
            case .optional(let x), .zeroOrMore(let x), .oneOrMore(let x): x.containsExclusion
            }
        }
    }

    /// `[a-z]`, `[^#x22#x5C]`: ranges of Unicode scalar values.
    struct CharClass: Sendable {
        var negated: Bool
        var ranges: [ClosedRange<UInt32>]
        func contains(_ v: UInt32) -> Bool { ranges.contains { $0.contains(v) } != negated }
    }

    struct GrammarRule: Sendable {
        var name: String
        var body: GrammarExpr
        var line: Int
        /// Defined after the "Part 2: lexical rules" banner.
        var isLexical: Bool
    }

    struct EBNFError: Error, Sendable, CustomStringConvertible {
        var message: String
        var line: Int
        var description: String { "Grammar/rql.ebnf:\(line): \(message)" }
    }

    struct EBNFGrammar: Sendable {
        struct Choice: Sendable {
            var id: Int
            var rule: String
            var count: Int
            /// False for choices only reachable through the right side of an exclusion (matched, never generated).
            var generated: Bool
        }
        var rules: [GrammarRule]
        var byName: [String: GrammarRule]
        var choices: [Choice]

        var syntaxRules: [GrammarRule] { rules.filter { !$0.isLexical } }
        var lexicalRules: [GrammarRule] { rules.filter(\.isLexical) }

        /// Token rules are UPPER_CASE (digits and `_` allowed).
        static func isTokenName(_ name: String) -> Bool { name == name.uppercased() && name.contains(where: \.isLetter) }
        static func isTokenName(_ rule: GrammarRule) -> Bool { isTokenName(rule.name) }

        static let lexicalBanner = "Part 2: lexical rules"

        static func parse(_ text: String) throws -> EBNFGrammar {
            let scalars = Array(text.unicodeScalars)
            var lexer = EBNFLexer(scalars: scalars)
            var tokens: [EBNFLexer.Token] = []
            while true {
                let token = try lexer.next()
                tokens.append(token)
                if case .end = token.kind { break }
            }
            guard let bannerLine = text.components(separatedBy: "\n").firstIndex(where: { $0.contains(lexicalBanner) }) else {
                throw EBNFError(message: "no '\(lexicalBanner)' banner separating the two parts", line: 0)
            }
            var reader = EBNFReader(tokens: tokens)
            var rules: [GrammarRule] = []
            while !reader.atEnd {
                let (name, line, body) = try reader.rule()
                rules.append(GrammarRule(name: name, body: body, line: line, isLexical: line > bannerLine + 1))
            }
            var byName: [String: GrammarRule] = [:]
            for rule in rules {
                if byName[rule.name] != nil { throw EBNFError(message: "'\(rule.name)' is defined twice", line: rule.line) }
                byName[rule.name] = rule
            }
            // Which rule each choice belongs to, and whether generation can reach it.
            var choices = reader.choiceCounts.enumerated().map { Choice(id: $0.offset, rule: "", count: $0.element, generated: false) }
            func visit(_ e: GrammarExpr, rule: String, generated: Bool) {
                switch e {
                case .choice(let xs, let id):
                    choices[id].rule = rule
                    choices[id].generated = choices[id].generated || generated
                    xs.forEach { visit($0, rule: rule, generated: generated) }
                case .sequence(let xs): xs.forEach { visit($0, rule: rule, generated: generated) }
                case .optional(let x), .zeroOrMore(let x), .oneOrMore(let x): visit(x, rule: rule, generated: generated)
                case .except(let a, let b):
                    visit(a, rule: rule, generated: generated)
                    visit(b, rule: rule, generated: false)
                case .ref, .literal, .charClass: break
                }
            }
            for rule in rules { visit(rule.body, rule: rule.name, generated: true) }
            // A rule only used on the right of an exclusion is never generated.
            var generatedRules: Set<String> = []
            func mark(_ e: GrammarExpr) {
                switch e {
                case .ref(let n):
                    if generatedRules.insert(n).inserted, let r = byName[n] { mark(r.body) }
                case .sequence(let xs), .choice(let xs, _): xs.forEach(mark)
                case .optional(let x), .zeroOrMore(let x), .oneOrMore(let x): mark(x)
                case .except(let a, _): mark(a)
                case .literal, .charClass: break
                }
            }
            mark(.ref("query"))
            for i in choices.indices where !generatedRules.contains(choices[i].rule) { choices[i].generated = false }
            return EBNFGrammar(rules: rules, byName: byName, choices: choices)
        }
    }

    /// Tokens of the EBNF notation itself.
    struct EBNFLexer {
        enum Kind {
            case name(String), defines, bar, question, star, plus, minus, open, close
            case literal(String), charClass(CharClass), end
        }
        struct Token {
            var kind: Kind
            var line: Int
        }
        let scalars: [Unicode.Scalar]
        var i = 0
        var line = 1

        init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

        private func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < scalars.count ? scalars[i + k] : nil }
        private mutating func bump() -> Unicode.Scalar {
            let c = scalars[i]
            i += 1
            if c == "\n" { line += 1 }
            return c
        }

        mutating func next() throws -> Token {
            while let c = peek() {
                if c == " " || c == "\t" || c == "\n" || c == "\r" {
                    _ = bump()
                } else if c == "/", peek(1) == "*" {
                    let start = line
                    _ = bump(); _ = bump()
                    while !(peek() == "*" && peek(1) == "/") {
                        guard peek() != nil else { throw EBNFError(message: "unterminated comment", line: start) }
                        _ = bump()
                    }
                    _ = bump(); _ = bump()
                } else {
                    break
                }
            }
            let line = self.line
            guard let c = peek() else { return Token(kind: .end, line: line) }
            func token(_ k: Kind, _ n: Int) -> Token {
                for _ in 0..<n { _ = bump() }
                return Token(kind: k, line: line)
            }
            switch c {
            case ":":
                guard peek(1) == ":", peek(2) == "=" else { throw EBNFError(message: "expected '::='", line: line) }
                return token(.defines, 3)
            case "|": return token(.bar, 1)
            case "?": return token(.question, 1)
            case "*": return token(.star, 1)
            case "+": return token(.plus, 1)
            case "-": return token(.minus, 1)
            case "(": return token(.open, 1)
            case ")": return token(.close, 1)
            case "\"", "'":
                _ = bump()
                var text = ""
                while let d = peek(), d != c {
                    guard d != "\n" else { throw EBNFError(message: "newline in a quoted terminal", line: line) }
                    text.unicodeScalars.append(bump())
                }
                guard peek() == c else { throw EBNFError(message: "unterminated quoted terminal", line: line) }
                _ = bump()
                guard !text.isEmpty else { throw EBNFError(message: "empty quoted terminal", line: line) }
                return Token(kind: .literal(text), line: line)
            case "[":
                _ = bump()
                var negated = false
                if peek() == "^" { negated = true; _ = bump() }
                var ranges: [ClosedRange<UInt32>] = []
                while let d = peek(), d != "]" {
                    let low = try classChar()
                    if peek() == "-", let after = peek(1), after != "]" {
                        _ = bump()
                        let high = try classChar()
                        guard low <= high else { throw EBNFError(message: "empty range in character class", line: line) }
                        ranges.append(low...high)
                    } else {
                        ranges.append(low...low)
                    }
                    _ = d
                }
                guard peek() == "]", !ranges.isEmpty else { throw EBNFError(message: "bad character class", line: line) }
                _ = bump()
                return Token(kind: .charClass(CharClass(negated: negated, ranges: ranges)), line: line)
            case "#":
                let value = try classChar()
                guard let scalar = Unicode.Scalar(value) else { throw EBNFError(message: "bad #x character", line: line) }
                return Token(kind: .literal(String(Character(scalar))), line: line)
            default:
                guard c.properties.isAlphabetic || c == "_" else {
                    throw EBNFError(message: "unexpected character '\(c)'", line: line)
                }
                var name = ""
                while let d = peek(), d.properties.isAlphabetic || d == "_" || ("0"..."9").contains(d) {
                    name.unicodeScalars.append(bump())
                }
                return Token(kind: .name(name), line: line)
            }
        }

        /// One character of a class: a literal character or `#xN`.
        private mutating func classChar() throws -> UInt32 {
            guard let c = peek() else { throw EBNFError(message: "unterminated character class", line: line) }
            if c == "#", peek(1) == "x" {
                _ = bump(); _ = bump()
                var hex = ""
                while let d = peek(), d.properties.isASCIIHexDigit { hex.unicodeScalars.append(bump()) }
                guard let value = UInt32(hex, radix: 16) else { throw EBNFError(message: "bad #x character", line: line) }
                return value
            }
            return bump().value
        }
    }

    /// Recursive descent over EBNF tokens: rule ::= name '::=' choice.
    struct EBNFReader {
        let tokens: [EBNFLexer.Token]
        var p = 0
        /// Number of alternatives of each choice, by id.
        var choiceCounts: [Int] = []

        init(tokens: [EBNFLexer.Token]) { self.tokens = tokens }

        var atEnd: Bool { if case .end = tokens[p].kind { return true } else { return false } }
        private var current: EBNFLexer.Kind { tokens[p].kind }
        private var line: Int { tokens[p].line }

        private func startsRule(at q: Int) -> Bool {
            if case .name = tokens[q].kind, q + 1 < tokens.count, case .defines = tokens[q + 1].kind { return true }
            return false
        }

        mutating func rule() throws -> (String, Int, GrammarExpr) {
            guard case .name(let name) = current, startsRule(at: p) else {
                throw EBNFError(message: "expected 'name ::='", line: line)
            }
            let ruleLine = line
            p += 2
            let body = try choice()
            guard atEnd || startsRule(at: p) else { throw EBNFError(message: "unexpected token in rule '\(name)'", line: line) }
            return (name, ruleLine, body)
        }

        private mutating func choice() throws -> GrammarExpr {
            var alternatives = [try sequence()]
            while case .bar = current {
                p += 1
                alternatives.append(try sequence())
            }
            if alternatives.count == 1 { return alternatives[0] }
            choiceCounts.append(alternatives.count)
            return .choice(alternatives, id: choiceCounts.count - 1)
        }

        private mutating func sequence() throws -> GrammarExpr {
            var items: [GrammarExpr] = []
            loop: while true {
                switch current {
                case .bar, .close, .end: break loop
                case .name where startsRule(at: p): break loop
                default: items.append(try difference())
                }
            }
            guard !items.isEmpty else { throw EBNFError(message: "empty alternative", line: line) }
            return items.count == 1 ? items[0] : .sequence(items)
        }

        private mutating func difference() throws -> GrammarExpr {
            let a = try postfix()
            if case .minus = current {
                p += 1
                return .except(a, try postfix())
            }
            return a
        }

        private mutating func postfix() throws -> GrammarExpr {
            var e = try primary()
            while true {
                switch current {
                case .question: e = .optional(e)
                case .star: e = .zeroOrMore(e)
                case .plus: e = .oneOrMore(e)
                default: return e
                }
                p += 1
            }
        }

        private mutating func primary() throws -> GrammarExpr {
            let token = current
            p += 1
            switch token {
            case .name(let n): return .ref(n)
            case .literal(let s): return .literal(s)
            case .charClass(let c): return .charClass(c)
            case .open:
                let inner = try choice()
                guard case .close = current else { throw EBNFError(message: "expected ')'", line: line) }
                p += 1
                return inner
            default:
                p -= 1
                throw EBNFError(message: "expected a name, terminal, character class or '('", line: line)
            }
        }
    }

    // MARK: - Sentence generation

    struct GeneratedSentences: Sendable {
        var sentences: [String] = []
        var ruleUses: [String: Int] = [:]
        var choiceUses: [Int: Set<Int>] = [:]
        var failures: [String] = []

        mutating func merge(_ g: SentenceGenerator) {
            ruleUses.merge(g.ruleUses, uniquingKeysWith: +)
            choiceUses.merge(g.choiceUses) { $0.union($1) }
            failures += g.failures
        }
    }

    /// Random sentences of the syntactic part, tokens from the lexical part, one space between tokens.
    struct SentenceGenerator {
        let grammar: EBNFGrammar
        let maxDepth: Int
        var rng: SplitMix64
        var ruleUses: [String: Int] = [:]
        var choiceUses: [Int: Set<Int>] = [:]
        var failures: [String] = []
        /// Fewest nested syntactic rule expansions each syntactic rule needs to finish.
        let heights: [String: Int]
        /// Syntactic rules that can expand into themselves (predicates, expressions, values). Only
        /// their nesting counts as depth, and only their choices are cut short when deep; the other
        /// rules terminate anyway and always choose freely.
        let recursive: Set<String>
        let matcher: LexicalMatcher

        /// Characters the generator likes for large classes: Latin-1, CJK, Greek, an emoji.
        static let niceScalars: [Unicode.Scalar] = ["é", "ø", "ß", "你", "好", "Ω", "🦄", "\u{00A0}", "ł"]

        init(grammar: EBNFGrammar, seed: UInt64, maxDepth: Int) {
            self.grammar = grammar
            self.maxDepth = maxDepth
            self.rng = SplitMix64(seed: seed)
            self.matcher = LexicalMatcher(grammar: grammar)
            var h: [String: Int] = [:]
            let infinity = Int.max / 4
            for rule in grammar.syntaxRules { h[rule.name] = infinity }
            func height(_ e: GrammarExpr) -> Int {
                switch e {
                case .ref(let n): grammar.byName[n]?.isLexical == false ? min(infinity, (h[n] ?? infinity) + 1) : 0
                case .literal, .charClass: 0
                case .sequence(let xs): xs.map(height).max() ?? 0
                case .choice(let xs, _): xs.map(height).min() ?? 0
                case .optional, .zeroOrMore: 0
                case .oneOrMore(let x), .except(let x, _): height(x)
                }
            }
            var changed = true
            while changed {
                changed = false
                for rule in grammar.syntaxRules {
                    let value = height(rule.body)
                    if value < h[rule.name]! { h[rule.name] = value; changed = true }
                }
            }
            heights = h
            func reaches(_ from: String) -> Set<String> {
                var seen: Set<String> = []
                var work = [from]
                while let n = work.popLast() {
                    for next in grammar.byName[n]?.body.references ?? [] where grammar.byName[next]?.isLexical == false {
                        if seen.insert(next).inserted { work.append(next) }
                    }
                }
                return seen
            }
            recursive = Set(grammar.syntaxRules.map(\.name).filter { reaches($0).contains($0) })
        }

        private func height(_ e: GrammarExpr) -> Int {
            switch e {
            case .ref(let n): grammar.byName[n]?.isLexical == false ? (heights[n] ?? 0) + 1 : 0
            case .literal, .charClass: 0
            case .sequence(let xs): xs.map(height).max() ?? 0
            case .choice(let xs, _): xs.map(height).min() ?? 0
            case .optional, .zeroOrMore: 0
            case .oneOrMore(let x), .except(let x, _): height(x)
            }
        }

        mutating func sentence() -> String {
            var tokens: [String] = []
            expand(.ref("query"), depth: 0, recursiveRule: false, into: &tokens)
            return tokens.joined(separator: " ")
        }

        /// 0 (half the time), 1 or 2 repetitions; none when deep.
        private mutating func repetitions(deep: Bool) -> Int {
            if deep { return 0 }
            let r = Int.random(in: 0..<10, using: &rng)
            return r < 5 ? 0 : r < 8 ? 1 : 2
        }

        private mutating func expand(_ e: GrammarExpr, depth: Int, recursiveRule: Bool, into tokens: inout [String]) {
            let deep = recursiveRule && depth >= maxDepth
            switch e {
            case .ref(let name):
                guard let rule = grammar.byName[name] else {
                    failures.append("undefined rule '\(name)'")
                    return
                }
                if rule.isLexical {
                    tokens.append(lexeme(name))
                } else {
                    ruleUses[name, default: 0] += 1
                    let isRecursive = recursive.contains(name)
                    expand(rule.body, depth: isRecursive ? depth + 1 : depth, recursiveRule: isRecursive, into: &tokens)
                }
            case .literal(let s):
                tokens.append(s)
            case .charClass, .except:
                failures.append("character-level construct in the syntactic part")
            case .sequence(let xs):
                for x in xs { expand(x, depth: depth, recursiveRule: recursiveRule, into: &tokens) }
            case .choice(let xs, let id):
                var candidates = Array(xs.indices)
                if deep {
                    let least = xs.map(height).min()!
                    candidates = candidates.filter { height(xs[$0]) == least }
                }
                let pick = candidates.randomElement(using: &rng)!
                choiceUses[id, default: []].insert(pick)
                expand(xs[pick], depth: depth, recursiveRule: recursiveRule, into: &tokens)
            case .optional(let x):
                if !deep, Bool.random(using: &rng) { expand(x, depth: depth, recursiveRule: recursiveRule, into: &tokens) }
            case .zeroOrMore(let x):
                for _ in 0..<repetitions(deep: deep) { expand(x, depth: depth, recursiveRule: recursiveRule, into: &tokens) }
            case .oneOrMore(let x):
                for _ in 0..<(1 + min(1, repetitions(deep: deep))) { expand(x, depth: depth, recursiveRule: recursiveRule, into: &tokens) }
            }
        }

        /// One lexeme of a lexical rule, generated from its characters.
        mutating func lexeme(_ name: String) -> String {
            var out = String.UnicodeScalarView()
            generate(.ref(name), into: &out)
            return String(out)
        }

        private mutating func generate(_ e: GrammarExpr, into out: inout String.UnicodeScalarView) {
            switch e {
            case .ref(let name):
                guard let rule = grammar.byName[name] else {
                    failures.append("undefined rule '\(name)'")
                    return
                }
                ruleUses[name, default: 0] += 1
                generate(rule.body, into: &out)
            case .literal(let s):
                out.append(contentsOf: s.unicodeScalars)
            case .charClass(let c):
                out.append(pick(from: c))
            case .sequence(let xs):
                for x in xs { generate(x, into: &out) }
            case .choice(let xs, let id):
                let pick = Int.random(in: 0..<xs.count, using: &rng)
                choiceUses[id, default: []].insert(pick)
                generate(xs[pick], into: &out)
            case .optional(let x):
                if Bool.random(using: &rng) { generate(x, into: &out) }
            case .zeroOrMore(let x):
                for _ in 0..<Int.random(in: 0...3, using: &rng) { generate(x, into: &out) }
            case .oneOrMore(let x):
                for _ in 0..<Int.random(in: 1...3, using: &rng) { generate(x, into: &out) }
            case .except(let a, let b):
                for _ in 0..<1_000 {
                    var candidate = String.UnicodeScalarView()
                    generate(a, into: &candidate)
                    if !matcher.matchesWhole(b, Array(candidate)) {
                        out.append(contentsOf: candidate)
                        return
                    }
                }
                failures.append("could not generate a lexeme for an exclusion in 1,000 tries")
            }
        }

        private mutating func pick(from c: CharClass) -> Unicode.Scalar {
            if c.negated {
                // Printable ASCII mostly, sometimes a tab, newline or non-ASCII character.
                while true {
                    let r = Int.random(in: 0..<20, using: &rng)
                    let v: UInt32 = r < 16 ? UInt32.random(in: 0x20...0x7E, using: &rng)
                        : r == 16 ? 0x09 : r == 17 ? 0x0A : Self.niceScalars.randomElement(using: &rng)!.value
                    if c.contains(v), let s = Unicode.Scalar(v) { return s }
                }
            }
            let big = c.ranges.filter { $0.count > 1_000 }
            if !big.isEmpty, Bool.random(using: &rng) {
                let nice = Self.niceScalars.filter { c.contains($0.value) }
                if let s = nice.randomElement(using: &rng) { return s }
            }
            // Ranges weighted by size, capped so that `$` and `_` are not rare nor common.
            let weights = c.ranges.map { min($0.count, 26) }
            var r = Int.random(in: 0..<weights.reduce(0, +), using: &rng)
            var range = c.ranges[0]
            for (i, w) in weights.enumerated() {
                if r < w { range = c.ranges[i]; break }
                r -= w
            }
            while true {
                if let s = Unicode.Scalar(UInt32.random(in: range, using: &rng)) { return s }  // skips surrogates
            }
        }
    }

    /// Whole-string matching of lexical rules (for `A - B`).
    struct LexicalMatcher: Sendable {
        let grammar: EBNFGrammar

        func matchesWhole(_ e: GrammarExpr, _ s: [Unicode.Scalar]) -> Bool {
            ends(e, s, 0).contains(s.count)
        }

        /// Every position where a match of `e` starting at `i` can end.
        func ends(_ e: GrammarExpr, _ s: [Unicode.Scalar], _ i: Int) -> Set<Int> {
            switch e {
            case .ref(let n):
                guard let rule = grammar.byName[n] else { return [] }
                return ends(rule.body, s, i)
            case .literal(let t):
                let t = Array(t.unicodeScalars)
                return i + t.count <= s.count && Array(s[i..<(i + t.count)]) == t ? [i + t.count] : []
            case .charClass(let c):
                return i < s.count && c.contains(s[i].value) ? [i + 1] : []
            case .sequence(let xs):
                var positions: Set<Int> = [i]
                for x in xs {
                    positions = Set(positions.flatMap { ends(x, s, $0) })
                    if positions.isEmpty { break }
                }
                return positions
            case .choice(let xs, _):
                return Set(xs.flatMap { ends($0, s, i) })
            case .optional(let x):
                return ends(x, s, i).union([i])
            case .zeroOrMore(let x):
                return closure(x, s, [i])
            case .oneOrMore(let x):
                return closure(x, s, ends(x, s, i))
            case .except(let a, let b):
                let excluded = ends(b, s, i)
                return ends(a, s, i).subtracting(excluded)
            }
        }

        private func closure(_ x: GrammarExpr, _ s: [Unicode.Scalar], _ start: Set<Int>) -> Set<Int> {
            var result = start
            var frontier = Array(start)
            while let p = frontier.popLast() {
                for q in ends(x, s, p) where q > p && !result.contains(q) {
                    result.insert(q)
                    frontier.append(q)
                }
            }
            return result
        }
    }

    // MARK: - Earley recognizer over tokens

    /// Recognizes token sequences with the syntactic part, desugared to plain BNF. Terminals are token
    /// rule names (UPPER_CASE) and the quoted one-character tokens.
    struct EarleyRecognizer {
        private var productions: [(lhs: Int, rhs: [Symbol])] = []
        private var byLhs: [[Int]] = []
        private var nullable: [Bool] = []
        private var names: [String] = []
        private var index: [String: Int] = [:]
        private var start = 0
        private var terminalOf: [TokenKind: String] = [:]

        enum Symbol: Hashable {
            case nonterminal(Int)
            case terminal(String)
        }

        init(grammar: EBNFGrammar, start: String, tokenNames: [String: TokenKind], punctuation: [String: TokenKind]) throws {
            for (name, kind) in tokenNames { terminalOf[kind] = name }
            for (text, kind) in punctuation { terminalOf[kind] = text }
            for rule in grammar.syntaxRules { _ = nonterminal(rule.name) }
            for rule in grammar.syntaxRules {
                let lhs = index[rule.name]!
                if case .choice(let xs, _) = rule.body {
                    for x in xs { add(lhs, try convert(x, grammar)) }
                } else {
                    add(lhs, try convert(rule.body, grammar))
                }
            }
            let augmented = nonterminal(" start")
            add(augmented, [.nonterminal(index[start]!)])
            self.start = augmented
            // Nullable nonterminals (for predictions that skip them).
            nullable = Array(repeating: false, count: names.count)
            var changed = true
            while changed {
                changed = false
                for (lhs, rhs) in productions where !nullable[lhs] {
                    if rhs.allSatisfy({ if case .nonterminal(let n) = $0 { nullable[n] } else { false } }) {
                        nullable[lhs] = true
                        changed = true
                    }
                }
            }
        }

        private mutating func nonterminal(_ name: String) -> Int {
            if let i = index[name] { return i }
            names.append(name)
            byLhs.append([])
            index[name] = names.count - 1
            return names.count - 1
        }

        private mutating func fresh() -> Int { nonterminal(" n\(names.count)") }

        private mutating func add(_ lhs: Int, _ rhs: [Symbol]) {
            productions.append((lhs, rhs))
            byLhs[lhs].append(productions.count - 1)
        }

        private mutating func convert(_ e: GrammarExpr, _ grammar: EBNFGrammar) throws -> [Symbol] {
            switch e {
            case .ref(let n):
                guard let rule = grammar.byName[n] else { throw EBNFError(message: "undefined '\(n)'", line: 0) }
                return rule.isLexical ? [.terminal(n)] : [.nonterminal(index[n]!)]
            case .literal(let s):
                return [.terminal(s)]
            case .sequence(let xs):
                var out: [Symbol] = []
                for x in xs { out += try convert(x, grammar) }
                return out
            case .choice(let xs, _):
                let n = fresh()
                for x in xs { add(n, try convert(x, grammar)) }
                return [.nonterminal(n)]
            case .optional(let x):
                let n = fresh()
                add(n, [])
                add(n, try convert(x, grammar))
                return [.nonterminal(n)]
            // Repetitions are left-recursive: Earley handles left recursion in linear time.
            case .zeroOrMore(let x):
                let n = fresh()
                add(n, [])
                add(n, [.nonterminal(n)] + (try convert(x, grammar)))
                return [.nonterminal(n)]
            case .oneOrMore(let x):
                let n = fresh()
                let body = try convert(x, grammar)
                add(n, body)
                add(n, [.nonterminal(n)] + body)
                return [.nonterminal(n)]
            case .charClass, .except:
                throw EBNFError(message: "character-level construct in the syntactic part", line: 0)
            }
        }

        private struct Item: Hashable {
            var production: Int
            var dot: Int
            var origin: Int
        }

        func recognizes(_ kinds: [TokenKind]) -> Bool {
            let input: [String?] = kinds.map { terminalOf[$0] }
            if input.contains(where: { $0 == nil }) { return false }
            var sets: [[Item]] = Array(repeating: [], count: input.count + 1)
            var seen: [Set<Item>] = Array(repeating: [], count: input.count + 1)
            /// For each set, its items by the nonterminal after their dot (for completion).
            var waitingOn: [[Int: [Item]]] = Array(repeating: [:], count: input.count + 1)
            func insert(_ item: Item, _ k: Int) {
                if seen[k].insert(item).inserted { sets[k].append(item) }
            }
            for p in byLhs[start] { insert(Item(production: p, dot: 0, origin: 0), 0) }
            for k in 0...input.count {
                var j = 0
                while j < sets[k].count {
                    let item = sets[k][j]
                    j += 1
                    let rhs = productions[item.production].rhs
                    if item.dot < rhs.count {
                        switch rhs[item.dot] {
                        case .nonterminal(let n):
                            waitingOn[k][n, default: []].append(item)
                            for p in byLhs[n] { insert(Item(production: p, dot: 0, origin: k), k) }
                            if nullable[n] { insert(Item(production: item.production, dot: item.dot + 1, origin: item.origin), k) }
                        case .terminal(let t):
                            if k < input.count, input[k] == t {
                                insert(Item(production: item.production, dot: item.dot + 1, origin: item.origin), k + 1)
                            }
                        }
                    } else {
                        let lhs = productions[item.production].lhs
                        // An empty completion (origin == k) is covered by the nullable rule in prediction.
                        for waiting in waitingOn[item.origin][lhs] ?? [] {
                            insert(Item(production: waiting.production, dot: waiting.dot + 1, origin: waiting.origin), k)
                        }
                    }
                }
            }
            return sets[input.count].contains { item in
                productions[item.production].lhs == start && item.origin == 0 && item.dot == productions[item.production].rhs.count
            }
        }
    }
}
