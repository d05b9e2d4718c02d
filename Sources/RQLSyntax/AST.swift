/// The syntax tree of an RQL query: everything realm-core's grammar accepts, including the parts
/// RQLKit does not evaluate (links, aggregates, SUBQUERY, arithmetic, geo, SORT...), so that later
/// stages can reject them by name instead of calling them syntax errors.
///
/// Parentheses leave no node: the tree's shape records the grouping. AND and OR chains written
/// without parentheses are one n-ary node, so a chain of 100,000 terms is a flat array, not a
/// 100,000-deep tree. Every node carries the byte range it was parsed from.

/// A whole query: a predicate and its SORT / DISTINCT / LIMIT suffixes.
public struct Query: Hashable, Sendable {
    public var predicate: Predicate
    public var suffixes: [QuerySuffix]
    public var range: SourceRange

    public init(predicate: Predicate, suffixes: [QuerySuffix] = [], range: SourceRange = .none) {
        self.predicate = predicate
        self.suffixes = suffixes
        self.range = range
    }
}

/// Something that is true or false for an object.
public indirect enum Predicate: Hashable, Sendable {
    /// `TRUEPREDICATE` or `FALSEPREDICATE`.
    case constant(Bool, SourceRange)
    /// `NOT p` or `!p`.
    case not(Predicate, SourceRange)
    /// `p1 AND p2 AND ...` (two or more operands).
    case and([Predicate], SourceRange)
    /// `p1 OR p2 OR ...` (two or more operands).
    case or([Predicate], SourceRange)
    case comparison(Comparison)
    /// Stands where the parser found an error, so the rest of the tree can still be built.
    case missing(SourceRange)

    public var range: SourceRange {
        switch self {
        case .constant(_, let r), .not(_, let r), .and(_, let r), .or(_, let r), .missing(let r): r
        case .comparison(let c): c.range
        }
    }
}

/// The operators of a comparison, spelled as the canonical printer writes them.
public enum ComparisonOperator: String, Hashable, Sendable, CaseIterable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case `in` = "IN"
    case beginsWith = "BEGINSWITH"
    case endsWith = "ENDSWITH"
    case contains = "CONTAINS"
    case like = "LIKE"
    case text = "TEXT"
    case between = "BETWEEN"
    case geoWithin = "GEOWITHIN"

    /// `==`, `!=` and `IN`: realm's `equality` rule (arithmetic operands, `[c]` allowed).
    public var isEquality: Bool { role == .equality }
    /// `<`, `<=`, `>`, `>=`: realm's `relational` rule (arithmetic operands, no `[c]`).
    public var isRelational: Bool { role == .relational }
    /// BEGINSWITH, ENDSWITH, CONTAINS, LIKE: realm's `stringop` rule (plain values, `[c]` allowed).
    public var isStringOperator: Bool { role == .stringOperator }
}

/// The operator table: for each comparison operator the token that spells it, its grammar rule,
/// and how the lexer reads it when it is a word. The lexer's keywords, the parser's infix table
/// and its token-to-operator mapping are read from here; each switch is exhaustive, so a new
/// operator is a compile error until every property says what it is.
extension ComparisonOperator {
    /// The token that spells the operator.
    package var token: TokenKind {
        switch self {
        case .equal: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        case .in: .in
        case .beginsWith: .beginsWith
        case .endsWith: .endsWith
        case .contains: .contains
        case .like: .like
        case .text: .text
        case .between: .between
        case .geoWithin: .geoWithin
        }
    }

    /// The grammar rule the operator follows (what its operands may be, whether `[c]` applies).
    package var role: Parser.InfixRole {
        switch self {
        case .equal, .notEqual, .in: .equality
        case .less, .lessEqual, .greater, .greaterEqual: .relational
        case .beginsWith, .endsWith, .contains, .like: .stringOperator
        case .text: .text
        case .between: .between
        case .geoWithin: .geoWithin
        }
    }

    /// For an operator spelt as a word: the lexer's keyword (realm reads these in any letter case
    /// but `IN`); nil for a symbol (`==`, `<`...), which the lexer reads as punctuation.
    package var keyword: Lexer.Keyword? {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: nil
        case .in: Lexer.Keyword(spelling: rawValue, kind: token, anyCase: false, evaluated: true)
        case .beginsWith, .endsWith, .contains, .like, .between:
            Lexer.Keyword(spelling: rawValue, kind: token, anyCase: true, evaluated: true)
        case .text, .geoWithin: Lexer.Keyword(spelling: rawValue, kind: token, anyCase: true, evaluated: false)
        }
    }

    /// The operator a token spells, if it spells one.
    package init?(token: TokenKind) {
        guard let op = Self.byToken[Int(token.rawValue)] else { return nil }
        self = op
    }

    /// `init(token:)`'s lookup, by token kind.
    private static let byToken: [ComparisonOperator?] = {
        var table = [ComparisonOperator?](repeating: nil, count: TokenKind.allCases.count)
        for op in allCases { table[Int(op.token.rawValue)] = op }
        return table
    }()
}

/// `lhs op rhs`, optionally case-insensitive (`==[c]`).
public struct Comparison: Hashable, Sendable {
    public var lhs: Expression
    public var op: ComparisonOperator
    public var caseInsensitive: Bool
    public var rhs: Expression
    /// The operator token (and `[c]`), for diagnostics about the operator itself.
    public var operatorRange: SourceRange
    public var range: SourceRange

    public init(_ lhs: Expression, _ op: ComparisonOperator, _ rhs: Expression, caseInsensitive: Bool = false,
                operatorRange: SourceRange = .none, range: SourceRange = .none) {
        self.lhs = lhs
        self.op = op
        self.caseInsensitive = caseInsensitive
        self.rhs = rhs
        self.operatorRange = operatorRange
        self.range = range
    }
}

/// `ANY`/`SOME`, `ALL` or `NONE` before a key path, list or argument.
public enum Quantifier: String, Hashable, Sendable, CaseIterable {
    case any = "ANY", all = "ALL", none = "NONE"
}

/// A value: one operand of a comparison.
public indirect enum Expression: Hashable, Sendable {
    case literal(Literal)
    /// `$0`, or `ANY $0` for a list argument.
    case argument(Argument)
    /// `{1, 2, 3}`, optionally quantified.
    case list(ListLiteral)
    /// `name`, `ANY tags`, `tags.@count`, `a.b.c`...
    case keyPath(KeyPathExpression)
    /// `scores.@max` or `items.@avg.price`.
    case aggregate(Aggregate)
    /// `SUBQUERY(items, $x, $x.price > 5).@count`.
    case subquery(Subquery)
    /// `a + b`, `a * b`...
    case arithmetic(Arithmetic)
    /// The right side of GEOWITHIN.
    case geometry(Geometry)
    /// Stands where the parser found an error.
    case missing(SourceRange)

    public var range: SourceRange {
        switch self {
        case .literal(let x): x.range
        case .argument(let x): x.range
        case .list(let x): x.range
        case .keyPath(let x): x.range
        case .aggregate(let x): x.range
        case .subquery(let x): x.range
        case .arithmetic(let x): x.range
        case .geometry(let x): x.range
        case .missing(let r): r
        }
    }
}

/// A constant written in the query.
public struct Literal: Hashable, Sendable {
    public var value: LiteralValue
    public var range: SourceRange
    public init(_ value: LiteralValue, range: SourceRange = .none) {
        self.value = value
        self.range = range
    }
}

/// The forms of constant. Numbers, dates and ids keep their spelling (so `0x1F`, `010` and
/// `1.50` print back as written and later stages decide their value); strings are decoded.
public indirect enum LiteralValue: Hashable, Sendable {
    /// `42`, `-7`, `+3`, `010` (octal, as in realm), `0x1F`.
    case integer(String)
    /// `1.5`, `.5`, `1e5`, `2.5f` (a trailing `f` means a 32-bit float).
    case float(String)
    /// `inf`, `+infinity`, `-INF`.
    case infinity(negative: Bool)
    /// `nan`, `-NaN`.
    case nan
    /// `'text'` or `"text"`, escapes decoded.
    case string(String)
    /// `B64"aGk="`: a string given as base64 (the text between the quotes).
    case base64(String)
    /// `T1613842215:0` or `2021-02-20@17:30:15[:nanos]`, as written.
    case timestamp(String)
    /// The hex digits of `uuid(...)`, as written.
    case uuid(String)
    /// The 24 hex digits of `oid(...)`, as written.
    case objectId(String)
    /// `true`/`TRUE`, `false`/`FALSE`.
    case bool(Bool)
    /// `null`, `nil` (any case).
    case null
    /// `bin('...')`, `binary("...")` or `bin(B64"...")`: the payload is `.string` or `.base64`.
    case binary(LiteralValue)
    /// `O123`: realm's internal object key.
    case link(String)
    /// `L1:2`: realm's internal typed link.
    case typedLink(String)
    /// `obj("Class", key)`.
    case object(type: String, key: LiteralValue)
}

extension LiteralValue {
    /// The literal's type as realm-core names it in messages (`int`, `double`, `string`, ...),
    /// shown by the syntax tree dump and the checker alike.
    public var typeName: String {
        switch self {
        case .integer: "int"
        case .float, .infinity, .nan: "double"
        case .string, .base64: "string"
        case .timestamp: "timestamp"
        case .uuid: "uuid"
        case .objectId: "objectId"
        case .bool: "bool"
        case .null: "null"
        case .binary: "binary"
        case .link, .typedLink, .object: "link"
        }
    }
}


/// `$n`, optionally quantified (`ANY $0`).
public struct Argument: Hashable, Sendable {
    public var index: Int
    public var quantifier: Quantifier?
    public var range: SourceRange
    public init(_ index: Int, quantifier: Quantifier? = nil, range: SourceRange = .none) {
        self.index = index
        self.quantifier = quantifier
        self.range = range
    }
}

/// `{a, b, c}`: elements are literals or arguments (realm's `constant`).
public struct ListLiteral: Hashable, Sendable {
    public var quantifier: Quantifier?
    public var elements: [Expression]
    public var range: SourceRange
    public init(_ elements: [Expression], quantifier: Quantifier? = nil, range: SourceRange = .none) {
        self.quantifier = quantifier
        self.elements = elements
        self.range = range
    }
}

/// A property path with an optional quantifier and post-operation.
public struct KeyPathExpression: Hashable, Sendable {
    public var quantifier: Quantifier?
    public var path: KeyPath
    public var postOperation: PostOperation?
    public var range: SourceRange
    public init(_ path: KeyPath, quantifier: Quantifier? = nil, postOperation: PostOperation? = nil,
                range: SourceRange = .none) {
        self.quantifier = quantifier
        self.path = path
        self.postOperation = postOperation
        self.range = range
    }
}

/// `a.b[0].c`: one or more components.
public struct KeyPath: Hashable, Sendable {
    public var components: [PathComponent]
    public var range: SourceRange
    public init(_ components: [PathComponent], range: SourceRange = .none) {
        self.components = components
        self.range = range
    }

    /// True for a single plain property name (the only form Flexible Sync queries use).
    public var isSimpleName: Bool {
        if components.count == 1, case .property = components[0].kind { return true }
        return false
    }
}

/// One step of a key path.
public struct PathComponent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// A property name, escapes (`float\ fees`) decoded.
        case property(String)
        /// `@links` (backlinks).
        case backlinks
        /// `@keys` or `@values` of a dictionary.
        case keysOrValues(String)
        /// `$K0`: a property name supplied as an argument (first component only).
        case keyPathArgument(Int)
        /// `[...]` after a component.
        case index(IndexSelector)
    }
    public var kind: Kind
    public var range: SourceRange
    public init(_ kind: Kind, range: SourceRange = .none) {
        self.kind = kind
        self.range = range
    }
}

/// What can stand between brackets in a key path.
public enum IndexSelector: Hashable, Sendable {
    /// `[3]`: the digits as written.
    case position(String)
    case first, last
    /// `[*]`
    case all
    /// `['key']`: a dictionary key.
    case key(String)
    /// `[$0]`
    case argument(Int)
}

/// `.@count`/`.@size`, `.@type`, or `[SIZE]` after a key path.
public enum PostOperation: Hashable, Sendable {
    /// `@count` or `@size` (the spelling is kept for printing).
    case size(spelling: String)
    case type
    /// `[SIZE]` or `[size]`.
    case indexSize(spelling: String)
}

/// `@min`, `@max`, `@sum`, `@avg`.
public enum AggregateOperator: String, Hashable, Sendable, CaseIterable {
    case min = "@min", max = "@max", sum = "@sum", avg = "@avg"
}

/// `path.@max` or `path.@avg.property`.
public struct Aggregate: Hashable, Sendable {
    public var path: KeyPath
    public var op: AggregateOperator
    public var property: String?
    public var range: SourceRange
    public init(_ path: KeyPath, _ op: AggregateOperator, property: String? = nil, range: SourceRange = .none) {
        self.path = path
        self.op = op
        self.property = property
        self.range = range
    }
}

/// `SUBQUERY(path, $var, predicate).@count`.
public struct Subquery: Hashable, Sendable {
    public var path: KeyPath
    public var variable: String
    public var predicate: Predicate
    /// `@count` or `@size`.
    public var sizeSpelling: String
    public var range: SourceRange
    public init(path: KeyPath, variable: String, predicate: Predicate, sizeSpelling: String = "@count",
                range: SourceRange = .none) {
        self.path = path
        self.variable = variable
        self.predicate = predicate
        self.sizeSpelling = sizeSpelling
        self.range = range
    }
}

/// `+ - * /` between numeric operands.
public enum ArithmeticOperator: String, Hashable, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
}

/// `lhs op rhs` in arithmetic.
public struct Arithmetic: Hashable, Sendable {
    public var op: ArithmeticOperator
    public var lhs: Expression
    public var rhs: Expression
    public var range: SourceRange
    public init(_ lhs: Expression, _ op: ArithmeticOperator, _ rhs: Expression, range: SourceRange = .none) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        self.range = range
    }
}

/// A coordinate of a geo point: a number as written, or an argument.
public enum Coordinate: Hashable, Sendable {
    case number(String)
    case argument(Int)
}

/// `[longitude, latitude]` or `[longitude, latitude, altitude]`.
public struct GeoPoint: Hashable, Sendable {
    public var longitude: Coordinate
    public var latitude: Coordinate
    public var altitude: String?
    public init(_ longitude: Coordinate, _ latitude: Coordinate, altitude: String? = nil) {
        self.longitude = longitude
        self.latitude = latitude
        self.altitude = altitude
    }
}

/// The shapes GEOWITHIN accepts.
public struct Geometry: Hashable, Sendable {
    public enum Shape: Hashable, Sendable {
        case box(GeoPoint, GeoPoint)
        case circle(GeoPoint, radius: Coordinate)
        /// An outer ring and optional holes, each a list of points.
        case polygon([[GeoPoint]])
        case argument(Int)
    }
    public var shape: Shape
    public var range: SourceRange
    public init(_ shape: Shape, range: SourceRange = .none) {
        self.shape = shape
        self.range = range
    }
}

/// `SORT(...)`, `DISTINCT(...)` or `LIMIT(n)` after the predicate.
public struct QuerySuffix: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case sort([SortKey])
        case distinct([KeyPath])
        /// The digits as written.
        case limit(String)
    }
    public var kind: Kind
    public var range: SourceRange
    public init(_ kind: Kind, range: SourceRange = .none) {
        self.kind = kind
        self.range = range
    }
}

/// One key of SORT: a path and a direction.
public struct SortKey: Hashable, Sendable {
    public var path: KeyPath
    public var ascending: Bool
    public init(_ path: KeyPath, ascending: Bool) {
        self.path = path
        self.ascending = ascending
    }
}
