import RQL

/// Limits of rules files and rule expressions.
public enum RuleLimits {
    /// Deepest nesting of `$and`/`$or`, operator objects and operand arrays in one expression.
    /// Real rules nest two or three levels; the limit keeps every recursive walk shallow.
    public static let maxExpressionDepth = 64
    /// The longest role name App Services accepts.
    public static let maxRoleNameLength = 100
}

/// A rule expression as written in `rules.json` (App Services "expressions"), parsed but not yet
/// expanded: `true`, `false`, or an object whose keys are ANDed.
///
/// Expansions (`%%user.id`) stay symbolic here; they are replaced by a user's values once per
/// session (`RuleEvaluator`, `DocumentFilterCompiler`). Operators outside the sync-compatible set
/// are kept as `.unsupported` rather than rejected, because App Services accepts them in rules
/// for other services; `SyncCompatibility` reports them.
public indirect enum RuleExpression: Hashable, Sendable {
    /// `true` or `false`.
    case constant(Bool, range: SourceRange)
    /// Several keys of one object, or `$and` / `%and`; `{}` is an empty AND, which is true.
    case and([RuleExpression], range: SourceRange)
    /// `$or` / `%or`.
    case or([RuleExpression], range: SourceRange)
    /// `"<field or expansion>": <value or {operators}>`.
    case condition(RuleCondition)
    /// A top-level operator this toolkit does not evaluate (`$nor`, `$not`, `$expr`, `$where`...).
    case unsupported(operator: String, range: SourceRange)

    /// The JSON text range of the expression.
    public var range: SourceRange {
        switch self {
        case .constant(_, let r), .and(_, let r), .or(_, let r), .unsupported(_, let r): r
        case .condition(let c): c.range
        }
    }

    /// The boolean, when the expression is the literal `true` or `false` (`{}` is an empty AND,
    /// not a literal: sync compatibility wants literals for top-level and field-level permissions).
    public var booleanLiteral: Bool? {
        if case .constant(let b, _) = self { return b }
        return nil
    }

    /// Every condition in the expression, in order.
    public var conditions: [RuleCondition] {
        var result: [RuleCondition] = []
        collect(into: &result)
        return result
    }

    private func collect(into result: inout [RuleCondition]) {
        switch self {
        case .constant, .unsupported: break
        case .and(let es, _), .or(let es, _): for e in es { e.collect(into: &result) }
        case .condition(let c): result.append(c)
        }
    }

    /// Every unsupported top-level operator, in order.
    public var unsupportedOperators: [(name: String, range: SourceRange)] {
        switch self {
        case .constant, .condition: []
        case .unsupported(let op, let r): [(op, r)]
        case .and(let es, _), .or(let es, _): es.flatMap(\.unsupportedOperators)
        }
    }
}

/// One key of an expression object with its value: the subject and the tests it must pass
/// (`{"age": {"$gt": 1, "$lt": 9}}` has two tests, ANDed).
public struct RuleCondition: Hashable, Sendable {
    /// What is tested: a document field or an expansion.
    public var subject: RuleSubject
    /// The tests; a plain value is one `$eq` test.
    public var tests: [RuleTest]
    /// The byte range of the key.
    public var range: SourceRange

    /// A condition.
    public init(subject: RuleSubject, tests: [RuleTest], range: SourceRange = .none) {
        self.subject = subject
        self.tests = tests
        self.range = range
    }
}

/// The left side of a condition.
public enum RuleSubject: Hashable, Sendable {
    /// A document field (`%%root.<name>` implicitly); may be a dotted path.
    case field(String)
    /// A key that is an expansion (`"%%user.custom_data.isAdmin": true`).
    case expansion(Expansion)
}

/// One operator test of a condition.
public struct RuleTest: Hashable, Sendable {
    /// The operator.
    public var op: RuleOperator
    /// Its argument.
    public var operand: RuleOperand
    /// The byte range of the operator key (or of the value for an implicit `$eq`).
    public var range: SourceRange

    /// A test.
    public init(_ op: RuleOperator, _ operand: RuleOperand, range: SourceRange = .none) {
        self.op = op
        self.operand = operand
        self.range = range
    }
}

/// A query operator inside a condition.
public enum RuleOperator: Hashable, Sendable, CustomStringConvertible {
    /// The comparison operators Device Sync accepts (`$eq` ... `$exists`), evaluated here.
    case eq, ne, gt, gte, lt, lte, `in`, nin, exists
    /// An operator this toolkit does not evaluate (`$regex`, `$elemMatch`, `$size`...), as written.
    case other(String)

    /// The operators Device Sync accepts in rules, by every spelling the docs give.
    static let bySpelling: [String: RuleOperator] = [
        "$eq": .eq, "$ne": .ne, "$gt": .gt, "$gte": .gte, "$lt": .lt, "$lte": .lte,
        "$in": .in, "$nin": .nin, "$exists": .exists, "%exists": .exists,
    ]

    /// The canonical `$` spelling (or the text written, for `.other`).
    public var description: String {
        switch self {
        case .eq: "$eq"
        case .ne: "$ne"
        case .gt: "$gt"
        case .gte: "$gte"
        case .lt: "$lt"
        case .lte: "$lte"
        case .in: "$in"
        case .nin: "$nin"
        case .exists: "$exists"
        case .other(let s): s
        }
    }
}

/// An EJSON conversion operator of App Services rules.
public enum RuleConversion: String, Hashable, Sendable, CaseIterable {
    case stringToOid = "%stringToOid"
    case oidToString = "%oidToString"
    case stringToUuid = "%stringToUuid"
    case uuidToString = "%uuidToString"

    /// The conversions the sync-compatibility page lists as allowed in sync rules.
    public var isSyncCompatible: Bool { self == .stringToOid || self == .oidToString }
}

/// The right side of a test: a value, possibly computed from expansions.
public indirect enum RuleOperand: Hashable, Sendable {
    /// A JSON value written in the rule (Extended JSON wrappers such as `{"$oid": ...}` included).
    case literal(JSONNode)
    /// `"%%user.id"` and the like.
    case expansion(Expansion)
    /// A JSON array whose elements may be expansions.
    case array([RuleOperand], range: SourceRange)
    /// `{"%stringToOid": <operand>}` and the other conversions.
    case conversion(RuleConversion, RuleOperand, range: SourceRange)
    /// `{"%function": {"name": ..., "arguments": [...]}}`; never run here.
    case function(name: String?, range: SourceRange)

    /// The JSON text range.
    public var range: SourceRange {
        switch self {
        case .literal(let n): n.range
        case .expansion(let e): e.range
        case .array(_, let r), .conversion(_, _, let r), .function(_, let r): r
        }
    }

    /// Every expansion used, in order.
    public var expansions: [Expansion] {
        switch self {
        case .literal, .function: []
        case .expansion(let e): [e]
        case .array(let items, _): items.flatMap(\.expansions)
        case .conversion(_, let inner, _): inner.expansions
        }
    }

    /// Every conversion used, with its range.
    public var conversions: [(RuleConversion, SourceRange)] {
        switch self {
        case .literal, .expansion, .function: []
        case .array(let items, _): items.flatMap(\.conversions)
        case .conversion(let c, let inner, let r): [(c, r)] + inner.conversions
        }
    }

    /// Every `%function` call, with its name.
    public var functions: [(name: String?, range: SourceRange)] {
        switch self {
        case .literal, .expansion: []
        case .function(let name, let r): [(name, r)]
        case .array(let items, _): items.flatMap(\.functions)
        case .conversion(_, let inner, _): inner.functions
        }
    }
}

/// An expansion such as `%%user.custom_data.teams`: a root name and a path below it.
public struct Expansion: Hashable, Sendable, CustomStringConvertible {
    /// The root without `%%`: `user`, `values`, `environment`, `true`, `root`...
    public var root: String
    /// The path below the root: `["custom_data", "teams"]`.
    public var path: [String]
    /// The byte range of the string (or key) it was written in.
    public var range: SourceRange

    /// The roots Device Sync allows in document filters, insert and delete expressions.
    public static let syncRoots: Set<String> = ["true", "false", "values", "environment", "user"]
    /// The roots that name the document being evaluated; apply_when may not use them with sync.
    public static let documentRoots: Set<String> = ["root", "this", "prev", "prevRoot"]
    /// Every root App Services documents; others are typos.
    public static let knownRoots: Set<String> = syncRoots.union(documentRoots).union(["request", "args", "partition"])

    /// Reads `%%root.a.b`; nil when `text` does not start with `%%` or has an empty segment.
    public init?(_ text: String, range: SourceRange = .none) {
        guard text.hasPrefix("%%") else { return nil }
        let segments = text.dropFirst(2).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = segments.first, !segments.contains(where: \.isEmpty) else { return nil }
        self.root = first
        self.path = Array(segments.dropFirst())
        self.range = range
    }

    /// `%%user.custom_data.teams`.
    public var description: String { "%%" + ([root] + path).joined(separator: ".") }
}
