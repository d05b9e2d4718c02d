/// The result of parsing: always a tree (with `.missing` nodes where errors were), the tokens,
/// and every problem found. A query is usable only when `diagnostics.hasErrors` is false.
public struct ParsedQuery: Sendable {
    public var query: Query
    package var tokens: [Token]
    public var diagnostics: [Diagnostic]
    /// The source as UTF-8 bytes; token and node ranges index into it.
    public var source: [UInt8]

    public var sourceText: String { String(decoding: source, as: UTF8.self) }
    /// The text of a token or node range.
    public func text(_ range: SourceRange) -> String {
        String(decoding: source[range.start..<range.end], as: UTF8.self)
    }
}

/// How tightly an infix operator binds, lowest first (realm's `%left OR; %left AND; %left '+' '-';
/// %left '*' '/'; %right NOT`). Comparisons sit between AND and arithmetic and do not chain.
package enum Precedence: Int, Comparable, Sendable {
    case none, or, and, comparison, additive, multiplicative, prefixNot

    package static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }
}

/// The RQL parser: a Pratt parser over realm-core's grammar (`query_bison.yy`).
///
/// It never throws and never crashes: errors become diagnostics, the offending part of the tree
/// becomes `.missing`, and parsing resumes at the next AND, OR or closing parenthesis so that one
/// run reports several problems. Work is linear in the input; nesting deeper than
/// `Limits.maxNestingDepth` is reported, not recursed into.
public struct Parser {
    /// The infix table: for each token that continues an expression, its precedence and role
    /// (a comparison's from the operator table, `ComparisonOperator.role`). This is the single
    /// source of truth for operator binding; `Printer` reads it too.
    package static func infixRule(_ kind: TokenKind) -> (precedence: Precedence, role: InfixRole)? {
        if let op = ComparisonOperator(token: kind) { return (.comparison, op.role) }
        return switch kind {
        case .or: (.or, .logical)
        case .and: (.and, .logical)
        case .plus, .minus: (.additive, .arithmetic)
        case .star, .slash: (.multiplicative, .arithmetic)
        default: nil
        }
    }

    /// What an infix token does once the table has chosen it.
    package enum InfixRole: Sendable {
        case logical, equality, relational, stringOperator, text, between, geoWithin, arithmetic
    }

    /// Parses a query from its text.
    public static func parse(_ text: String) -> ParsedQuery { parse(Array(text.utf8)) }

    /// Parses a query from UTF-8 bytes (invalid UTF-8 is reported, not repaired).
    public static func parse(_ source: [UInt8]) -> ParsedQuery {
        let (tokens, lexerDiagnostics) = Lexer.tokenize(source)
        var parser = Parser(source: source, tokens: tokens)
        parser.diagnostics = lexerDiagnostics
        let query = parser.parseQuery()
        return ParsedQuery(query: query, tokens: tokens, diagnostics: parser.diagnostics.sortedAndCapped(), source: source)
    }

    // MARK: - State

    private let source: [UInt8]
    private let tokens: [Token]
    private var position = 0
    private var diagnostics: [Diagnostic] = []
    /// Set after an error until the parser has resynchronised, so one mistake yields one message.
    private var recovering = false
    /// Current depth of parentheses, NOT and SUBQUERY.
    private var depth = 0
    /// For each `(` token, the index of its `)` (or -1): decides `( query )` against `( expr )`.
    private let matchingParen: [Int32]

    private init(source: [UInt8], tokens: [Token]) {
        self.source = source
        self.tokens = tokens
        var matching = [Int32](repeating: -1, count: tokens.count)
        var open: [Int] = []
        for (i, token) in tokens.enumerated() {
            if token.kind == .leftParen {
                open.append(i)
            } else if token.kind == .rightParen, let o = open.popLast() {
                matching[o] = Int32(i)
            }
        }
        self.matchingParen = matching
    }

    private var current: Token { tokens[position] }
    private var previous: Token { tokens[max(position - 1, 0)] }
    private func peek(_ n: Int = 1) -> Token { tokens[min(position + n, tokens.count - 1)] }
    private var atEnd: Bool { current.kind == .end }

    @discardableResult
    private mutating func advance() -> Token {
        let token = current
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private func text(_ token: Token) -> String { text(token.range) }
    private func text(_ range: SourceRange) -> String {
        String(decoding: source[range.start..<range.end], as: UTF8.self)
    }

    // MARK: - Query and predicates

    private mutating func parseQuery() -> Query {
        if atEnd {
            report(.emptyQuery, "the query is empty: write a predicate such as 'age > 21', or TRUEPREDICATE", current.range)
            return Query(predicate: .missing(current.range), range: current.range)
        }
        let predicate = parseOr()
        let suffixes = parseSuffixes()
        while !atEnd {
            // Something is left: say what could have come here, skip to the next AND/OR and go on
            // parsing, so that later mistakes are reported too.
            if current.kind == .rightParen {
                report(.unbalancedParenthesis, "unexpected ')': there is no '(' to close", current.range)
            } else if current.kind != .invalid {
                report(.unexpectedToken, "expected AND, OR, SORT, DISTINCT, LIMIT or end of query, found \(describe(current))",
                       current.range, notes: missingOperatorNote())
            }
            while !atEnd, Self.infixRule(current.kind)?.role != .logical { advance() }
            if atEnd { break }
            advance()
            recovering = false
            _ = parseOr()
            _ = parseSuffixes()
        }
        return Query(predicate: predicate, suffixes: suffixes, range: SourceRange(0, source.count))
    }

    /// A hint when two values stand side by side, the commonest cause of "found X" here.
    private func missingOperatorNote() -> [DiagnosticNote] {
        if current.kind == .number || current.kind == .float, let first = source[safe: current.range.start],
           first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            return [DiagnosticNote("'\(text(current))' is read as a signed number; put a space after '\(Character(UnicodeScalar(first)))' for arithmetic")]
        }
        return []
    }

    private mutating func parseOr() -> Predicate {
        let first = parseAnd()
        guard current.kind == .or else { return first }
        var operands = [first]
        while current.kind == .or {
            advance()
            recovering = false
            operands.append(parseAnd())
        }
        return .or(operands, first.range.union(operands.last!.range))
    }

    private mutating func parseAnd() -> Predicate {
        let first = parseUnary()
        guard current.kind == .and else { return first }
        var operands = [first]
        while current.kind == .and {
            advance()
            recovering = false
            operands.append(parseUnary())
        }
        return .and(operands, first.range.union(operands.last!.range))
    }

    /// NOT, TRUEPREDICATE/FALSEPREDICATE, a parenthesized predicate, or a comparison.
    private mutating func parseUnary() -> Predicate {
        let token = current
        switch token.kind {
        case .not:
            guard enterNesting() else { return .missing(token.range) }
            defer { depth -= 1 }
            advance()
            let operand = parseUnary()
            return .not(operand, token.range.union(operand.range))
        case .truePredicate, .falsePredicate:
            advance()
            return .constant(token.kind == .truePredicate, token.range)
        case .leftParen where isPredicateGroup(at: position):
            guard enterNesting() else { return .missing(token.range) }
            defer { depth -= 1 }
            advance()
            let inner = parseOr()
            expectClosing(.rightParen, opener: token)
            return inner
        case .end:
            report(.expectedPredicate, "expected a predicate after \(describe(previous)), found end of query", token.range)
            return .missing(token.range)
        default:
            return parseComparison()
        }
    }

    /// `(` opens a predicate unless its `)` is followed by an operator that takes values
    /// (`(age + 1) * 2 > 5`, `(age) == 3`): bison decides this with look-ahead, we with the
    /// matching-parenthesis table.
    private func isPredicateGroup(at index: Int) -> Bool {
        let close = Int(matchingParen[index])
        guard close >= 0 else { return true }
        let after = tokens[close + 1].kind
        guard let rule = Self.infixRule(after) else { return after != .caseInsensitive }
        return rule.role == .logical
    }

    // MARK: - Comparisons

    private mutating func parseComparison() -> Predicate {
        let start = current.range
        let lhs = parseExpression()
        let operatorToken = current
        guard let rule = Self.infixRule(operatorToken.kind), rule.precedence == .comparison,
              let op = ComparisonOperator(token: operatorToken.kind) else {
            if case .missing = lhs.value { synchronize(); return .missing(start) }
            if operatorToken.kind != .invalid { reportMissingOperator(after: lhs.value) }
            synchronize()
            return .missing(start.union(previous.range))
        }
        advance()
        var caseInsensitive = false
        var operatorRange = operatorToken.range
        if current.kind == .caseInsensitive {
            operatorRange = operatorRange.union(current.range)
            if rule.role == .equality || rule.role == .stringOperator {
                caseInsensitive = true
            } else {
                report(.invalidCaseModifier,
                       "'[c]' cannot follow '\(text(operatorToken))': it applies only to ==, !=, IN, BEGINSWITH, ENDSWITH, CONTAINS and LIKE",
                       current.range, fixIts: [FixIt(range: current.range, replacement: "")])
            }
            advance()
        }

        let rhs: Expression
        switch rule.role {
        case .equality, .relational:
            rhs = parseExpression().value
        case .stringOperator, .text:
            requirePlainValue(lhs, for: operatorToken)
            let value = parsePrimary()
            requirePlainValue(value, for: operatorToken)
            rhs = value.value
        case .between:
            requirePlainValue(lhs, for: operatorToken)
            rhs = parseBetweenList(operatorToken)
        case .geoWithin:
            if case .keyPath = lhs.value, lhs.isPlain {} else if !isMissing(lhs.value) {
                report(.invalidOperand, "GEOWITHIN needs a property on its left, found \(describe(lhs.value))", lhs.value.range)
            }
            rhs = parseGeometry()
        case .logical, .arithmetic:
            preconditionFailure("the comparison rule table has no such role")
        }
        let comparison = Comparison(lhs.value, op, rhs, caseInsensitive: caseInsensitive,
                                    operatorRange: operatorRange, range: start.union(rhs.range).union(previous.range))
        if let next = Self.infixRule(current.kind), next.precedence == .comparison {
            report(.chainedComparison,
                   "comparisons cannot be chained: '\(text(current))' follows a complete comparison; join them with AND or OR",
                   current.range)
            synchronize()
        }
        return .comparison(comparison)
    }

    private mutating func reportMissingOperator(after lhs: Expression) {
        let found = current
        var notes = missingOperatorNote()
        var message = "expected a comparison operator after \(describe(lhs)), found \(describe(found))"
        if found.kind == .end || Self.infixRule(found.kind)?.role == .logical || found.kind == .rightParen {
            if case .keyPath = lhs {
                message = "\(describe(lhs)) is not a predicate: compare it with something, e.g. '\(text(lhs.range)) == true'"
            } else {
                message = "\(describe(lhs)) is not a predicate: a predicate compares two values, e.g. 'age > 21'"
            }
        } else if found.kind == .caseInsensitive {
            notes.append(DiagnosticNote("'[c]' goes right after the operator, as in 'name ==[c] \"bob\"'"))
        } else if found.kind == .identifier, Lexer.keyword(source[found.range.start..<found.range.end]) == nil {
            let word = text(found)
            if let suggestion = Self.operatorSuggestions[word.lowercased()] {
                notes.append(DiagnosticNote("did you mean '\(suggestion)'?"))
            }
        }
        report(.expectedOperator, message, found.range, notes: notes)
    }

    /// Common misspellings of operators and the RQL spelling.
    private static let operatorSuggestions: [String: String] = [
        "startswith": "BEGINSWITH", "beginwith": "BEGINSWITH", "endwith": "ENDSWITH", "contain": "CONTAINS",
        "is": "==", "eq": "==", "ne": "!=", "gt": ">", "lt": "<", "ge": ">=", "le": "<=", "nin": "NOT ... IN",
        "matches": "LIKE", "ilike": "LIKE[c]",
    ]

    /// String operators, TEXT and BETWEEN take realm's `value`: no arithmetic, no parentheses.
    private mutating func requirePlainValue(_ operand: ParsedExpression, for op: Token) {
        guard !operand.isPlain, !isMissing(operand.value) else { return }
        report(.invalidOperand,
               "'\(text(op))' cannot take \(operand.isParenthesized ? "a parenthesized" : "an arithmetic") operand: write the property or value itself",
               operand.value.range)
    }

    private mutating func parseBetweenList(_ op: Token) -> Expression {
        let value = parsePrimary()
        if case .list = value.value, value.isPlain { return value.value }
        if !isMissing(value.value) {
            report(.invalidOperand, "BETWEEN expects a list of two values such as {1, 10}, found \(value.isParenthesized ? "a parenthesized expression" : describe(value.value))",
                   value.value.range)
        }
        return value.value
    }

    // MARK: - Expressions (Pratt loop for arithmetic)

    /// An expression with what the grammar needs to know about how it was written.
    private struct ParsedExpression {
        var value: Expression
        /// Written as a plain value: no arithmetic and no parentheses (realm's `value`).
        var isPlain: Bool
        var isParenthesized: Bool
        /// Height of the arithmetic tree, bounded by `Limits.maxNestingDepth`.
        var height: Int
    }

    private mutating func parseExpression(_ minimum: Precedence = .additive) -> ParsedExpression {
        var lhs = parsePrimary()
        while let rule = Self.infixRule(current.kind), rule.role == .arithmetic, rule.precedence >= minimum {
            let opToken = advance()
            let rhs = parseExpression(Precedence(rawValue: rule.precedence.rawValue + 1)!)
            let height = max(lhs.height, rhs.height) + 1
            // Bounded while recovering too: after an error, a run of operators still builds a
            // tree, and every later stage (destruction included) recurses over it.
            if height > Limits.maxNestingDepth {
                report(.nestingTooDeep, "arithmetic nests deeper than \(Limits.maxNestingDepth) levels", opToken.range)
                skipToEnd()
            }
            let op = ArithmeticOperator(rawValue: text(opToken))!
            lhs = ParsedExpression(
                value: .arithmetic(Arithmetic(lhs.value, op, rhs.value, range: lhs.value.range.union(rhs.value.range))),
                isPlain: false, isParenthesized: false, height: height)
        }
        return lhs
    }

    /// A value: literal, argument, list, key path, aggregate, subquery, or `( expr )`.
    private mutating func parsePrimary() -> ParsedExpression {
        let token = current
        func plain(_ e: Expression) -> ParsedExpression {
            ParsedExpression(value: e, isPlain: true, isParenthesized: false, height: 0)
        }
        switch token.kind {
        case .leftParen:
            guard enterNesting() else { return plain(.missing(token.range)) }
            defer { depth -= 1 }
            advance()
            var inner = parseExpression()
            expectClosing(.rightParen, opener: token)
            inner.isPlain = false
            inner.isParenthesized = true
            return inner
        case .any, .all, .none:
            return plain(parseQuantified())
        case .leftBrace:
            return plain(.list(parseList(quantifier: nil, start: token.range)))
        case .binary where peek().kind == .leftParen:
            return plain(.literal(parseBinaryLiteral()))
        case .obj:
            return plain(.literal(parseObjectLiteral()))
        case .subquery:
            return plain(parseSubquery())
        case .argument:
            advance()
            return plain(.argument(Argument(argumentIndex(token), range: token.range)))
        case .keyPathArgument:
            return plain(parsePathExpression(quantifier: nil, start: token.range))
        case _ where token.kind.isConstant:
            advance()
            return plain(.literal(literal(token)))
        case _ where token.kind.isUsableAsName:
            return plain(parsePathExpression(quantifier: nil, start: token.range))
        case .invalid:
            // The lexer has reported it already.
            recovering = true
            return plain(.missing(token.range))
        default:
            let context = position > 0 ? " after \(describe(previous))" : ""
            report(.expectedValue, "expected a value\(context), found \(describe(token))", token.range,
                   notes: token.kind == .end ? [] : valueHint(token))
            return plain(.missing(token.range))
        }
    }

    private func valueHint(_ token: Token) -> [DiagnosticNote] {
        switch token.kind {
        case .truePredicate, .falsePredicate:
            [DiagnosticNote("TRUEPREDICATE and FALSEPREDICATE are predicates, not values; use true or false")]
        case .not:
            [DiagnosticNote("NOT applies to a whole comparison: write 'NOT (a == b)'")]
        default: []
        }
    }

    /// `ANY`/`ALL`/`NONE` followed by a key path, `{...}` or `$n`.
    private mutating func parseQuantified() -> Expression {
        let token = advance()
        let quantifier: Quantifier = token.kind == .any ? .any : token.kind == .all ? .all : .none
        let next = current
        switch next.kind {
        case .leftBrace:
            return .list(parseList(quantifier: quantifier, start: token.range))
        case .argument:
            advance()
            return .argument(Argument(argumentIndex(next), quantifier: quantifier, range: token.range.union(next.range)))
        case .keyPathArgument:
            return parsePathExpression(quantifier: quantifier, start: token.range)
        case _ where next.kind.isUsableAsName:
            let expression = parsePathExpression(quantifier: quantifier, start: token.range)
            if case .aggregate(let a) = expression {
                report(.misplacedQuantifier, "\(text(token)) cannot apply to an aggregate such as '\(a.op.rawValue)'", token.range)
            }
            return expression
        default:
            if next.kind != .invalid {
                report(.misplacedQuantifier,
                       "\(text(token)) must be followed by a list property, a list such as {1, 2} or an argument, found \(describe(next))",
                       next.range)
            }
            return .missing(token.range.union(next.range))
        }
    }

    private mutating func parseList(quantifier: Quantifier?, start: SourceRange) -> ListLiteral {
        let open = advance()
        var elements: [Expression] = []
        if current.kind != .rightBrace {
            while true {
                elements.append(parseListElement())
                if current.kind == .comma {
                    advance()
                    continue
                }
                break
            }
        }
        expectClosing(.rightBrace, opener: open)
        return ListLiteral(elements, quantifier: quantifier, range: start.union(previous.range))
    }

    /// realm's `constant`: a literal, `$n`, `ANY $n`, `obj(...)` or `bin(...)`.
    private mutating func parseListElement() -> Expression {
        let token = current
        switch token.kind {
        case .argument:
            advance()
            return .argument(Argument(argumentIndex(token), range: token.range))
        case .any where peek().kind == .argument, .all where peek().kind == .argument,
             .none where peek().kind == .argument:
            advance()
            let arg = advance()
            let q: Quantifier = token.kind == .any ? .any : token.kind == .all ? .all : .none
            return .argument(Argument(argumentIndex(arg), quantifier: q, range: token.range.union(arg.range)))
        case .binary where peek().kind == .leftParen:
            return .literal(parseBinaryLiteral())
        case .obj:
            return .literal(parseObjectLiteral())
        case _ where token.kind.isConstant:
            advance()
            return .literal(literal(token))
        case .invalid:
            advance()
            recovering = true
            return .missing(token.range)
        default:
            if token.kind == .rightBrace || token.kind == .comma {
                report(.expectedValue, "expected a constant after \(describe(previous)), found \(describe(token))", token.range,
                       notes: token.kind == .rightBrace ? [DiagnosticNote("remove the trailing ','")] : [])
            } else if token.kind.isUsableAsName {
                report(.expectedValue, "a list may contain only constants (literals and arguments), found \(describe(token))",
                       token.range, notes: [DiagnosticNote("compare with each property separately: 'a == b OR a == c'")])
                advance()
            } else {
                report(.expectedValue, "expected a constant in the list, found \(describe(token))", token.range)
                if token.kind != .end { advance() }
            }
            return .missing(token.range)
        }
    }

    /// `bin('...')`, `binary("...")` or `bin(B64"...")`.
    private mutating func parseBinaryLiteral() -> Literal {
        let start = advance()
        expect(.leftParen, "after '\(text(start))'")
        let payload = current
        var value = LiteralValue.binary(.string(""))
        if payload.kind == .string {
            value = .binary(.string(decodeString(payload)))
            advance()
        } else if payload.kind == .base64 {
            value = .binary(.base64(base64Body(payload)))
            advance()
        } else {
            report(.expectedToken, "'\(text(start))(' expects a string or B64\"...\", found \(describe(payload))", payload.range)
        }
        expect(.rightParen, "to close '\(text(start))('")
        return Literal(value, range: start.range.union(previous.range))
    }

    /// `obj("Class", primaryKey)`.
    private mutating func parseObjectLiteral() -> Literal {
        let start = advance()
        expect(.leftParen, "after 'obj'")
        let typeToken = current
        var type = ""
        if typeToken.kind == .string {
            type = decodeString(typeToken)
            advance()
        } else {
            report(.expectedToken, "obj( expects the class name as a string, found \(describe(typeToken))", typeToken.range)
        }
        expect(.comma, "after the class name in obj(...)")
        let keyToken = current
        var key = LiteralValue.null
        switch keyToken.kind {
        case .natural, .number, .string, .uuid, .oid:
            key = literal(keyToken).value
            advance()
        default:
            report(.expectedToken, "obj(...) expects a primary key (number, string, uuid or oid), found \(describe(keyToken))", keyToken.range)
        }
        expect(.rightParen, "to close 'obj('")
        return Literal(.object(type: type, key: key), range: start.range.union(previous.range))
    }

    /// How much of `Limits.maxNestingDepth` one SUBQUERY uses.
    static let subqueryNestingLevels = 4

    /// `SUBQUERY(path, $var, predicate).@count`
    private mutating func parseSubquery() -> Expression {
        let start = advance()
        // A subquery nests a whole predicate inside an expression: its parsing, and every stage
        // after, recurse through several levels (expression, predicate, comparison) for it.
        guard enterNesting(levels: Self.subqueryNestingLevels) else { return .missing(start.range) }
        defer { depth -= Self.subqueryNestingLevels }
        expect(.leftParen, "after SUBQUERY")
        let path = parseKeyPath()
        expect(.comma, "after the collection of SUBQUERY")
        var variable = ""
        if current.kind.isUsableAsName {
            variable = identifierName(current)
            advance()
        } else {
            report(.expectedToken, "SUBQUERY expects a variable such as $x, found \(describe(current))", current.range)
        }
        expect(.comma, "after the SUBQUERY variable")
        let predicate = parseOr()
        expect(.rightParen, "to close SUBQUERY(")
        expect(.dot, "after SUBQUERY(...): only .@count or .@size may follow")
        var spelling = "@count"
        if current.kind == .size {
            spelling = text(current)
            advance()
        } else {
            report(.expectedToken, "only @count or @size may follow SUBQUERY(...), found \(describe(current))", current.range)
        }
        return .subquery(Subquery(path: path, variable: variable, predicate: predicate, sizeSpelling: spelling,
                                  range: start.range.union(previous.range)))
    }

    // MARK: - Key paths

    /// A key path with optional post-operation (`.@count`, `.@type`, `[SIZE]`), or an aggregate.
    private mutating func parsePathExpression(quantifier: Quantifier?, start: SourceRange) -> Expression {
        var components: [PathComponent] = []
        var postOperation: PostOperation?
        var aggregate: (AggregateOperator, String?)?
        let first = current
        if first.kind == .keyPathArgument {
            advance()
            components.append(PathComponent(.keyPathArgument(keyPathArgumentIndex(first)), range: first.range))
        } else {
            components.append(nameComponent(advance()))
        }
        loop: while true {
            switch current.kind {
            case .dot:
                let dot = advance()
                let next = current
                switch next.kind {
                case .size:
                    advance()
                    postOperation = .size(spelling: text(next))
                    break loop
                case .type:
                    advance()
                    postOperation = .type
                    break loop
                case .max, .min, .sum, .avg:
                    advance()
                    let op = AggregateOperator(rawValue: text(next))!
                    var property: String?
                    if current.kind == .dot, peek().kind.isUsableAsName {
                        advance()
                        property = identifierName(advance())
                    }
                    aggregate = (op, property)
                    break loop
                case _ where next.kind.isUsableAsName:
                    components.append(nameComponent(advance()))
                default:
                    report(.invalidPath, "expected a property name after '.', found \(describe(next))",
                           next.kind == .end ? dot.range : next.range)
                    break loop
                }
            case .leftBracket:
                if peek().kind == .indexSize, peek(2).kind == .rightBracket {
                    advance()
                    postOperation = .indexSize(spelling: text(advance()))
                    advance()
                    break loop
                }
                components.append(parseIndex())
            default:
                break loop
            }
        }
        let path = KeyPath(components, range: components.first!.range.union(components.last!.range))
        let range = start.union(previous.range)
        if let (op, property) = aggregate {
            return .aggregate(Aggregate(path, op, property: property, range: range))
        }
        return .keyPath(KeyPathExpression(path, quantifier: quantifier, postOperation: postOperation, range: range))
    }

    /// A plain key path (SUBQUERY's collection, SORT and DISTINCT keys): names and indexes only.
    private mutating func parseKeyPath() -> KeyPath {
        var components: [PathComponent] = []
        let first = current
        if first.kind == .keyPathArgument {
            advance()
            components.append(PathComponent(.keyPathArgument(keyPathArgumentIndex(first)), range: first.range))
        } else if first.kind.isUsableAsName {
            components.append(nameComponent(advance()))
        } else {
            report(.invalidPath, "expected a property name, found \(describe(first))", first.range)
            return KeyPath([PathComponent(.property(""), range: first.range)], range: first.range)
        }
        while true {
            if current.kind == .dot, peek().kind.isUsableAsName {
                advance()
                components.append(nameComponent(advance()))
            } else if current.kind == .leftBracket {
                components.append(parseIndex())
            } else {
                break
            }
        }
        return KeyPath(components, range: components.first!.range.union(components.last!.range))
    }

    /// `[3]`, `[FIRST]`, `[LAST]`, `[*]`, `['key']`, `[$0]`.
    private mutating func parseIndex() -> PathComponent {
        let open = advance()
        let token = current
        var selector = IndexSelector.all
        switch token.kind {
        case .natural: selector = .position(text(token))
        case .first: selector = .first
        case .last: selector = .last
        case .star: selector = .all
        case .string: selector = .key(decodeString(token))
        case .argument: selector = .argument(argumentIndex(token))
        default:
            report(.invalidPath, "expected an index ([0], [FIRST], [LAST], [*], ['key'] or [$0]) after '[', found \(describe(token))",
                   token.range)
            synchronize()
            return PathComponent(.index(.all), range: open.range)
        }
        advance()
        expectClosing(.rightBracket, opener: open)
        return PathComponent(.index(selector), range: open.range.union(previous.range))
    }

    private func nameComponent(_ token: Token) -> PathComponent {
        switch token.kind {
        case .backlinks: PathComponent(.backlinks, range: token.range)
        case .keyOrValue: PathComponent(.keysOrValues(text(token)), range: token.range)
        default: PathComponent(.property(identifierName(token)), range: token.range)
        }
    }

    /// A property name: the identifier with `\ `, `\t`, `\n`, `\r` turned into the characters.
    private func identifierName(_ token: Token) -> String {
        let bytes = source[token.range.start..<token.range.end]
        guard bytes.contains(UInt8(ascii: "\\")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.endIndex {
                switch bytes[i + 1] {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                default: out.append(bytes[i + 1])
                }
                i += 2
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Geometry

    private mutating func parseGeometry() -> Expression {
        let token = current
        switch token.kind {
        case .argument:
            advance()
            return .geometry(Geometry(.argument(argumentIndex(token)), range: token.range))
        case .geoBox:
            advance()
            expect(.leftParen, "after geoBox")
            let a = parseGeoPoint()
            expect(.comma, "between the corners of geoBox")
            let b = parseGeoPoint()
            expect(.rightParen, "to close geoBox(")
            return .geometry(Geometry(.box(a, b), range: token.range.union(previous.range)))
        case .geoCircle:
            advance()
            expect(.leftParen, "after geoCircle")
            let center = parseGeoPoint()
            expect(.comma, "after the center of geoCircle")
            let radius = parseCoordinate()
            expect(.rightParen, "to close geoCircle(")
            return .geometry(Geometry(.circle(center, radius: radius), range: token.range.union(previous.range)))
        case .geoPolygon:
            advance()
            expect(.leftParen, "after geoPolygon")
            var loops: [[GeoPoint]] = []
            repeat {
                if !loops.isEmpty { advance() }
                let open = current
                expect(.leftBrace, "to open a ring of geoPolygon")
                var points = [parseGeoPoint()]
                while current.kind == .comma {
                    advance()
                    points.append(parseGeoPoint())
                }
                expectClosing(.rightBrace, opener: open)
                loops.append(points)
            } while current.kind == .comma && !recovering
            expect(.rightParen, "to close geoPolygon(")
            return .geometry(Geometry(.polygon(loops), range: token.range.union(previous.range)))
        default:
            report(.expectedValue, "GEOWITHIN expects geoBox(...), geoCircle(...), geoPolygon(...) or an argument, found \(describe(token))",
                   token.range)
            return .missing(token.range)
        }
    }

    /// `[lng, lat]` or `[lng, lat, altitude]`.
    private mutating func parseGeoPoint() -> GeoPoint {
        let open = current
        expect(.leftBracket, "to open a point [longitude, latitude]")
        let longitude = parseCoordinate()
        expect(.comma, "between longitude and latitude")
        let latitude = parseCoordinate()
        var altitude: String?
        if current.kind == .comma {
            advance()
            if current.kind == .float {
                altitude = text(advance())
            } else {
                report(.expectedValue, "the altitude of a point must be a floating-point number, found \(describe(current))", current.range)
            }
        }
        if !recovering { expectClosing(.rightBracket, opener: open) }
        return GeoPoint(longitude, latitude, altitude: altitude)
    }

    /// realm's `coordinate`: FLOAT, NATURAL0 or an argument.
    private mutating func parseCoordinate() -> Coordinate {
        let token = current
        switch token.kind {
        case .float, .natural:
            advance()
            return .number(text(token))
        case .argument:
            advance()
            return .argument(argumentIndex(token))
        default:
            report(.expectedValue, "expected a coordinate (a number or an argument), found \(describe(token))", token.range,
                   notes: token.kind == .number ? [DiagnosticNote("realm's grammar takes negative coordinates only with a decimal point, e.g. -73.0")] : [])
            return .number("0")
        }
    }

    // MARK: - SORT, DISTINCT, LIMIT

    private mutating func parseSuffixes() -> [QuerySuffix] {
        var suffixes: [QuerySuffix] = []
        while current.kind == .sort || current.kind == .distinct || current.kind == .limit, !recovering {
            let keyword = advance()
            expect(.leftParen, "after \(text(keyword).uppercased())")
            switch keyword.kind {
            case .sort:
                var keys: [SortKey] = []
                repeat {
                    if !keys.isEmpty { advance() }
                    let path = parseKeyPath()
                    var ascending = true
                    if current.kind == .ascending || current.kind == .descending {
                        ascending = advance().kind == .ascending
                    } else {
                        report(.invalidSuffix, "SORT needs a direction after '\(text(path.range))': ASC or DESC, found \(describe(current))",
                               current.range, fixIts: [FixIt(range: SourceRange(path.range.end, path.range.end), replacement: " ASC")])
                    }
                    keys.append(SortKey(path, ascending: ascending))
                } while current.kind == .comma && !recovering
                expectClosing(.rightParen, opener: keyword)
                suffixes.append(QuerySuffix(.sort(keys), range: keyword.range.union(previous.range)))
            case .distinct:
                var paths: [KeyPath] = []
                repeat {
                    if !paths.isEmpty { advance() }
                    paths.append(parseKeyPath())
                } while current.kind == .comma && !recovering
                expectClosing(.rightParen, opener: keyword)
                suffixes.append(QuerySuffix(.distinct(paths), range: keyword.range.union(previous.range)))
            default:
                let count = current
                if count.kind == .natural {
                    advance()
                } else {
                    report(.invalidSuffix, "LIMIT takes a whole number written in decimal digits, found \(describe(count))", count.range)
                    if count.kind != .rightParen, count.kind != .end { advance() }
                }
                expectClosing(.rightParen, opener: keyword)
                suffixes.append(QuerySuffix(.limit(count.kind == .natural ? text(count) : "0"),
                                            range: keyword.range.union(previous.range)))
            }
        }
        return suffixes
    }

    // MARK: - Literals

    private mutating func literal(_ token: Token) -> Literal {
        let spelling = text(token)
        let value: LiteralValue
        switch token.kind {
        case .natural, .number: value = .integer(spelling)
        case .float: value = .float(spelling)
        case .infinity: value = .infinity(negative: spelling.hasPrefix("-"))
        case .nan: value = .nan
        case .string: value = .string(decodeString(token))
        case .base64: value = .base64(base64Body(token))
        case .timestamp: value = .timestamp(spelling)
        case .uuid: value = .uuid(String(spelling.dropFirst(5).dropLast()))
        case .oid: value = .objectId(String(spelling.dropFirst(4).dropLast()))
        case .link: value = .link(spelling)
        case .typedLink: value = .typedLink(spelling)
        case .true: value = .bool(true)
        case .false: value = .bool(false)
        default: value = .null
        }
        return Literal(value, range: token.range)
    }

    private func base64Body(_ token: Token) -> String {
        text(SourceRange(token.range.start + 4, token.range.end - 1))
    }

    /// The value of a string token with its escapes decoded (bad escapes were reported by the
    /// lexer and are kept as written; lone surrogates are kept as written with a warning).
    private mutating func decodeString(_ token: Token) -> String {
        let (value, loneSurrogates) = StringLiteral.decode(source, token.range)
        for range in loneSurrogates {
            let escape = text(range)
            // A warning, so not `report`: it must not put the parser into error recovery.
            diagnostics.append(Diagnostic(.loneSurrogate, "'\(escape)' is half of a UTF-16 surrogate pair and names no character; it is kept as written (6 characters), as realm-core keeps every escape", at: range,
                                          notes: [DiagnosticNote("write the character itself, or both halves of the pair (\\uD83D\\uDE00 is one emoji)")]))
        }
        return value
    }

    private mutating func argumentIndex(_ token: Token) -> Int {
        index(digits: SourceRange(token.range.start + 1, token.range.end), token)
    }

    private mutating func keyPathArgumentIndex(_ token: Token) -> Int {
        index(digits: SourceRange(token.range.start + 2, token.range.end), token)
    }

    private mutating func index(digits: SourceRange, _ token: Token) -> Int {
        if let n = Int(text(digits)) { return n }
        // realm lexes it and then finds no such argument: an argument error, not a syntax error.
        report(.missingArgument, "argument index '\(text(token))' is too large", token.range)
        return 0
    }

    // MARK: - Errors and recovery

    /// Counts `levels` more levels of nesting; past the limit reports once and abandons the rest.
    private mutating func enterNesting(levels: Int = 1) -> Bool {
        depth += levels
        if depth <= Limits.maxNestingDepth { return true }
        depth -= levels
        report(.nestingTooDeep, "the query nests deeper than \(Limits.maxNestingDepth) levels of parentheses, NOT and SUBQUERY",
               current.range)
        skipToEnd()
        return false
    }

    private mutating func skipToEnd() {
        position = tokens.count - 1
        recovering = true
    }

    private mutating func expect(_ kind: TokenKind, _ context: String) {
        if current.kind == kind {
            advance()
            return
        }
        if current.kind != .invalid {
            report(.expectedToken, "expected \(kind.displayName) \(context), found \(describe(current))", current.range)
        }
        recovering = true
    }

    /// Expects the partner of `opener`; the diagnostic points back at the opener.
    private mutating func expectClosing(_ kind: TokenKind, opener: Token) {
        if current.kind == kind {
            advance()
            return
        }
        if current.kind != .invalid {
            report(.unbalancedParenthesis,
                   "expected \(kind.displayName) to close \(describe(opener)), found \(describe(current))",
                   current.range, notes: [DiagnosticNote("\(describe(opener)) opened here", range: opener.range)],
                   fixIts: current.kind == .end ? [FixIt(range: current.range, replacement: text(kind))] : [])
        }
        recovering = true
    }

    private func text(_ kind: TokenKind) -> String {
        switch kind {
        case .rightParen: ")"
        case .rightBrace: "}"
        case .rightBracket: "]"
        default: ""
        }
    }

    /// Skips to where parsing can resume: AND, OR, a closing parenthesis or the end.
    private mutating func synchronize() {
        var nesting = 0
        while !atEnd {
            switch current.kind {
            case .leftParen: nesting += 1
            case .rightParen:
                if nesting == 0 { return }
                nesting -= 1
            case .and, .or:
                if nesting == 0 { return }
            default: break
            }
            advance()
        }
    }

    private mutating func report(_ code: DiagnosticCode, _ message: String, _ range: SourceRange,
                                 notes: [DiagnosticNote] = [], fixIts: [FixIt] = []) {
        guard !recovering else { return }
        recovering = true
        if diagnostics.count >= Limits.maxDiagnostics {
            diagnostics.append(Diagnostic(.tooManyErrors, "too many errors; stopping here", at: range))
            skipToEnd()
            return
        }
        diagnostics.append(Diagnostic(code, message, at: range, notes: notes, fixIts: fixIts))
    }

    private func isMissing(_ e: Expression) -> Bool {
        if case .missing = e { return true }
        return false
    }

    /// How a token is named in a message: keywords and operators by their spelling, values by
    /// their kind and text (shortened).
    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .end: return "end of query"
        case .identifier: return "property '\(Self.shorten(text(token)))'"
        case .string, .base64: return "string \(Self.shorten(text(token)))"
        case .natural, .number, .float, .infinity, .nan: return "number '\(Self.shorten(text(token)))'"
        case .timestamp, .uuid, .oid, .link, .typedLink, .argument, .keyPathArgument:
            return "\(token.kind.displayName) '\(Self.shorten(text(token)))'"
        default: return "'\(Self.shorten(text(token)))'"
        }
    }

    private func describe(_ e: Expression) -> String {
        switch e {
        case .keyPath: "property '\(Self.shorten(text(e.range)))'"
        case .literal, .argument: "'\(Self.shorten(text(e.range)))'"
        case .list: "list '\(Self.shorten(text(e.range)))'"
        default: "'\(Self.shorten(text(e.range)))'"
        }
    }

    static func shorten(_ s: String) -> String {
        s.count <= 40 ? s : String(s.prefix(37)) + "..."
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
