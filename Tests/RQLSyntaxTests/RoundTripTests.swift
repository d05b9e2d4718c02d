import Testing
import RQLTesting
@testable import RQLSyntax

/// `parse(print(ast)) == ast` for random trees covering every node kind.
@Suite struct RoundTripTests {
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomTreesRoundTrip(seed: UInt64) {
        var generator = RandomAST(seed: seed)
        var failures: [String] = []
        for _ in 0..<2_000 {
            let query = generator.query()
            let text = Printer.print(query)
            let parsed = Parser.parse(text)
            if parsed.diagnostics.hasErrors {
                failures.append("does not parse: \(text)\n  \(parsed.diagnostics.errors[0].message)")
            } else if parsed.query.erasingRanges() != query {
                failures.append("parses differently: \(text)\n  as \(Printer.print(parsed.query))")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(5).joined(separator: "\n"))")
    }
}

/// A generator of random, grammatical ASTs (ranges `.none`), for round-trip and fuzz tests.
struct RandomAST {
    var rng: SplitMix64
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
    mutating func chance(_ percent: Int) -> Bool { int(100) < percent }

    mutating func query() -> Query {
        var suffixes: [QuerySuffix] = []
        if chance(10) {
            for _ in 0..<(1 + int(2)) {
                switch int(3) {
                case 0: suffixes.append(QuerySuffix(.sort((0..<(1 + int(2))).map { _ in SortKey(plainPath(), ascending: chance(50)) })))
                case 1: suffixes.append(QuerySuffix(.distinct((0..<(1 + int(2))).map { _ in plainPath() })))
                default: suffixes.append(QuerySuffix(.limit(pick(["0", "5", "100"]))))
                }
            }
        }
        return Query(predicate: predicate(depth: 0), suffixes: suffixes)
    }

    mutating func predicate(depth: Int) -> Predicate {
        let choice = depth > 3 ? int(2) : int(6)
        switch choice {
        case 0: return chance(90) ? .comparison(comparison(depth: depth)) : .constant(chance(50), .none)
        case 1: return .comparison(comparison(depth: depth))
        case 2: return .and((0..<(2 + int(3))).map { _ in predicate(depth: depth + 1) }, .none)
        case 3: return .or((0..<(2 + int(3))).map { _ in predicate(depth: depth + 1) }, .none)
        case 4: return .not(predicate(depth: depth + 1), .none)
        default: return .comparison(comparison(depth: depth))
        }
    }

    mutating func comparison(depth: Int) -> Comparison {
        let op = pick(ComparisonOperator.allCases)
        switch op {
        case .equal, .notEqual, .in:
            return Comparison(expression(depth: 0), op, expression(depth: 0), caseInsensitive: chance(20))
        case .less, .lessEqual, .greater, .greaterEqual:
            return Comparison(expression(depth: 0), op, expression(depth: 0))
        case .beginsWith, .endsWith, .contains, .like:
            return Comparison(value(depth: depth), op, value(depth: depth), caseInsensitive: chance(30))
        case .text:
            return Comparison(value(depth: depth), op, value(depth: depth))
        case .between:
            return Comparison(value(depth: depth), op, .list(list()))
        case .geoWithin:
            return Comparison(.keyPath(keyPath()), op, .geometry(geometry()))
        }
    }

    /// realm's `expr`: a value or arithmetic.
    mutating func expression(depth: Int) -> Expression {
        if depth < 3, chance(15) {
            return .arithmetic(Arithmetic(expression(depth: depth + 1), pick(ArithmeticOperator.allCases), expression(depth: depth + 1)))
        }
        return value(depth: depth)
    }

    /// realm's `value`: constant, property, list, aggregate or subquery.
    mutating func value(depth: Int) -> Expression {
        switch int(12) {
        case 0, 1, 2, 3: return .keyPath(keyPath())
        case 4, 5, 6: return .literal(Literal(literal()))
        case 7: return .argument(Argument(int(12), quantifier: chance(30) ? pick(Quantifier.allCases) : nil))
        case 8: return .list(list())
        case 9: return .aggregate(Aggregate(plainPath(), pick(AggregateOperator.allCases), property: chance(50) ? name() : nil))
        case 10 where depth < 2:
            return .subquery(Subquery(path: plainPath(), variable: "$" + pick(["x", "item", "y2"]),
                                      predicate: predicate(depth: depth + 2), sizeSpelling: pick(["@count", "@size"])))
        default: return .literal(Literal(literal()))
        }
    }

    mutating func list() -> ListLiteral {
        let elements: [Expression] = (0..<int(4)).map { _ in
            chance(80) ? .literal(Literal(literal())) : .argument(Argument(int(3), quantifier: chance(20) ? .any : nil))
        }
        return ListLiteral(elements, quantifier: chance(30) ? pick(Quantifier.allCases) : nil)
    }

    mutating func literal() -> LiteralValue {
        switch int(16) {
        case 0: return .integer(pick(["0", "42", "-7", "+3", "0x1F", "010", "9223372036854775807", "-9223372036854775808"]))
        case 1: return .float(pick(["1.5", ".5", "-0.25", "1e5", "2.5f", "10.", "-1.5E-3", "+2.0e+2"]))
        case 2: return .infinity(negative: chance(50))
        case 3: return .nan
        case 4, 5: return .string(pick(["", "bob", "it's", "say \"hi\"", "back\\slash", "tab\tnew\nline", "é😀", "\u{0}\u{1F}", "*a?"]))
        case 6: return .base64(pick(["", "aXQncw==", "YWJj"]))
        case 7: return .timestamp(pick(["T0:0", "T1613842215:0", "T-5:-100", "2021-02-20@17:30:15", "2021-02-20T17:30:15:500"]))
        case 8: return .uuid("d1b186e1-e9e0-4768-a1a7-c492519d47ee")
        case 9: return .objectId("507f1f77bcf86cd799439011")
        case 10: return .bool(chance(50))
        case 11: return .null
        case 12: return .binary(chance(50) ? .string(pick(["abc", "x'y"])) : .base64("YWJj"))
        case 13: return .link("O\(int(100))")
        case 14: return .typedLink("L\(int(9)):\(int(9))")
        default: return .object(type: pick(["Person", "Item"]), key: pick([.integer("5"), .string("k"), .objectId("507f1f77bcf86cd799439011")]))
        }
    }

    mutating func name() -> String {
        pick(["age", "name", "tags", "owner_id", "_id", "$a", "a$a", "not-1", "NOT0", "True", "in", "sort", "size", "first",
              "desc", "contains", "float fees", "tab\tname", "你好", "løbenummer", "e10", "T2017-12-04"])
    }

    mutating func plainPath() -> KeyPath {
        var components = [PathComponent(chance(5) ? .keyPathArgument(int(3)) : .property(name()))]
        for _ in 0..<int(3) {
            switch int(6) {
            case 0: components.append(PathComponent(.backlinks))
            case 1: components.append(PathComponent(.keysOrValues(pick(["@keys", "@values"]))))
            case 2: components.append(PathComponent(.index(pick([.position("0"), .first, .last, .all, .key("k"), .argument(1)]))))
            default: components.append(PathComponent(.property(name())))
            }
        }
        return KeyPath(components)
    }

    mutating func keyPath() -> KeyPathExpression {
        let post: PostOperation? = chance(80) ? nil : pick([.size(spelling: "@count"), .size(spelling: "@size"), .type,
                                                             .indexSize(spelling: "SIZE"), .indexSize(spelling: "size")])
        return KeyPathExpression(plainPath(), quantifier: chance(25) ? pick(Quantifier.allCases) : nil, postOperation: post)
    }

    mutating func coordinate() -> Coordinate {
        chance(20) ? .argument(int(3)) : .number(pick(["0", "12", "1.5", "-73.25", "40.0"]))
    }

    mutating func point() -> GeoPoint {
        GeoPoint(coordinate(), coordinate(), altitude: chance(20) ? "1.5" : nil)
    }

    mutating func geometry() -> Geometry {
        switch int(4) {
        case 0: return Geometry(.box(point(), point()))
        case 1: return Geometry(.circle(point(), radius: coordinate()))
        case 2: return Geometry(.polygon((0..<(1 + int(2))).map { _ in (0..<(1 + int(4))).map { _ in point() } }))
        default: return Geometry(.argument(int(3)))
        }
    }
}
