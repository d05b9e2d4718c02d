import RQL

/// Checked queries as PostgreSQL conditions with realm-core's answers.
///
/// The translation follows the reference interpreter shape for shape (`Interpreter.evaluate`:
/// single values, lists compared position by position, quantifier loops) and
/// `ValueSemantics.compare` case by case, so that every place SQL decides differently by default
/// is written out:
/// - every comparison is two-valued: its null cases are spelled (`A IS NULL AND B IS NULL`), and
///   the comparison proper runs only when both sides are present, so `NOT` never meets SQL's
///   unknown;
/// - NaN is unordered (PostgreSQL sorts it above everything and makes it equal to itself);
/// - an int against a double, and a double against a decimal, go through the helper functions of
///   `rqlkit-functions.sql`, which compare exactly as realm does;
/// - `[c]` folds ASCII and Latin-1 only (`rqlkit.fold`), LIKE's `*` and `?` become `%` and `_`
///   with PostgreSQL's own wildcards escaped (`rqlkit.like_pattern`);
/// - strings compare bytewise (`COLLATE "C"` on every text column and parameter).
///
/// Lists are arrays; a quantifier is `EXISTS` over `unnest`. Two shapes get the forms an index
/// can serve: `p IN {...}` is `p = ANY($1::type[])`, and `value IN list` is `list @> ARRAY[$1]`.
public enum SQLTranslator {
    /// The condition for `query` (checked, and optimized or not), or the construct it cannot express.
    public static func translate(_ query: CheckedQuery) throws(UnsupportedInSQL) -> SQLQuery {
        let layout: TableLayout
        do { layout = try TableLayout(query.collection) } catch { throw UnsupportedInSQL(error.description) }
        let translation = Translation()
        let condition = try translation.predicate(query.predicate)
        return SQLQuery(layout: layout, condition: condition.sql, parameters: translation.parameters)
    }
}

/// A boolean SQL expression that is never NULL, or a constant the translation folds away.
enum Condition: Equatable {
    case constant(Bool)
    case sql(String)

    var sql: String {
        switch self {
        case .constant(let b): b ? "TRUE" : "FALSE"
        case .sql(let s): s
        }
    }

    static func all(_ conditions: [Condition]) -> Condition { combine(conditions, identity: true, joiner: " AND ") }

    static func any(_ conditions: [Condition]) -> Condition { combine(conditions, identity: false, joiner: " OR ") }

    /// AND (identity true) or OR (identity false), folding the constants: the identity drops out,
    /// its opposite decides.
    private static func combine(_ conditions: [Condition], identity: Bool, joiner: String) -> Condition {
        var parts: [String] = []
        for c in conditions {
            switch c {
            case .constant(let b): if b != identity { return .constant(b) }
            case .sql(let s): parts.append(s)
            }
        }
        if parts.isEmpty { return .constant(identity) }
        return parts.count == 1 ? .sql(parts[0]) : .sql("(" + parts.joined(separator: joiner) + ")")
    }

    static prefix func ! (c: Condition) -> Condition {
        switch c {
        case .constant(let b): .constant(!b)
        case .sql(let s): .sql("(NOT \(s))")
        }
    }
}

/// One side of a single comparison: a column, an array element or a parameter, with what is
/// known of it before the query runs.
struct Term {
    /// Whether the value can be, or always is, SQL NULL.
    enum Nullness { case never, maybe, always }

    var sql: String
    /// The type the value has (`long` is `int`); nil for the null constant.
    var type: ScalarType?
    var nullness: Nullness
    /// The value when the term is a constant.
    var constant: Value?

    /// The parameter (1-based) a constant is, so a rewrite can change its encoding in place.
    var parameter: Int?

    var isNull: Condition {
        switch nullness {
        case .never: .constant(false)
        case .always: .constant(true)
        case .maybe: .sql("\(sql) IS NULL")
        }
    }

    var isPresent: Condition {
        switch nullness {
        case .never: .constant(true)
        case .always: .constant(false)
        case .maybe: .sql("\(sql) IS NOT NULL")
        }
    }

    var isNumeric: Bool { type == .int || type == .double || type == .decimal }
    /// Strings and binaries: the kinds a null orders below when `nullsOrderFirst` applies.
    var isBytes: Bool { type == .string || type == .binData }
    /// True when the value is a NaN constant, which realm orders with nothing of its own type.
    var isNaNConstant: Bool {
        switch constant {
        case .double(let d)?: d.isNaN
        case .decimal(let d)?: d.isNaN
        default: false
        }
    }
}

/// One translation's state: the parameters so far and the aliases used.
/// (A class: the quantifier loops hand closures that add parameters to the translation.)
final class Translation {
    var parameters: [String?] = []
    var aliases = 0

    // MARK: Predicates

    func predicate(_ p: CheckedPredicate) throws(UnsupportedInSQL) -> Condition {
        switch p {
        case .constant(let b): return .constant(b)
        case .not(let q): return !(try predicate(q))
        case .and(let ps): return .all(try ps.map { (q) throws(UnsupportedInSQL) in try predicate(q) })
        case .or(let ps): return .any(try ps.map { (q) throws(UnsupportedInSQL) in try predicate(q) })
        case .comparison(let c): return try comparison(c)
        }
    }

    /// One comparison, shaped as `Interpreter.evaluate` shapes it.
    func comparison(_ c: CheckedComparison) throws(UnsupportedInSQL) -> Condition {
        if c.op == .between {
            guard let (atLeast, atMost) = c.betweenBounds, case .list(let bounds) = c.right.kind else { return .constant(false) }
            if let p = c.left.property, p.isList {
                // ALL list BETWEEN {a, b}: every element in range (realm's plain comparisons).
                let low = try constant(bounds[0], at: c.range), high = try constant(bounds[1], at: c.range)
                return try quantify(.all, c.left) { (t: Term) throws(UnsupportedInSQL) -> Condition in
                    .all([try self.test(.greaterEqual, t, low, in: c, plain: true),
                          try self.test(.lessEqual, t, high, in: c, plain: true)])
                }
            }
            return .all([try comparison(atLeast), try comparison(atMost)])
        }
        if let indexed = try indexableMembership(c) { return indexed }
        let leftIsList = c.left.isMultiValued, rightIsList = c.right.isMultiValued
        if !leftIsList && !rightIsList {
            return try test(c.op, try single(c.left, at: c.range), try single(c.right, at: c.range), in: c)
        }
        if leftIsList && rightIsList && c.left.quantifier == nil && c.right.quantifier == nil {
            return try pairwise(c)
        }
        return try quantify(c.left.quantifier ?? .any, c.left) { (l: Term) throws(UnsupportedInSQL) -> Condition in
            try self.quantify(c.right.quantifier ?? .any, c.right) { (r: Term) throws(UnsupportedInSQL) -> Condition in
                try self.test(c.op, l, r, in: c)
            }
        }
    }

    /// Two lists without quantifiers: the same length and every position satisfying the operator;
    /// `!=` also matches lists of different lengths.
    func pairwise(_ c: CheckedComparison) throws(UnsupportedInSQL) -> Condition {
        let differentLengths = Condition.constant(c.op == .notEqual)
        switch (c.left.kind, c.right.kind) {
        case (.property(let l), .property(let r)):
            let i = nextAlias()
            let left = element(of: l, at: "\(i).i"), right = element(of: r, at: "\(i).i")
            let position = try test(c.op, left, right, in: c)
            let lists = "cardinality(\(column(l))) <> cardinality(\(column(r)))"
            return .sql("(CASE WHEN \(lists) THEN \(differentLengths.sql) ELSE NOT EXISTS "
                        + "(SELECT 1 FROM generate_subscripts(\(column(l)), 1) AS \(i)(i) WHERE NOT \((position).sql)) END)")
        case (.property(let p), .list(let values)), (.list(let values), .property(let p)):
            let propertyOnLeft = c.left.property != nil
            var positions: [Condition] = []
            for (k, value) in values.enumerated() {
                let e = element(of: p, at: String(k + 1)), v = try constant(value, at: c.range)
                positions.append(try propertyOnLeft ? test(c.op, e, v, in: c) : test(c.op, v, e, in: c))
            }
            return .sql("(CASE WHEN cardinality(\(column(p))) <> \(values.count) THEN \(differentLengths.sql) ELSE \(Condition.all(positions).sql) END)")
        case (.list(let l), .list(let r)):
            guard l.count == r.count else { return differentLengths }
            var positions: [Condition] = []
            for (a, b) in zip(l, r) { positions.append(try test(c.op, try constant(a, at: c.range), try constant(b, at: c.range), in: c)) }
            return .all(positions)
        default:
            return .constant(false)
        }
    }

    /// ANY, ALL or NONE of `operand`'s values satisfying `body`; a single value is its own list.
    func quantify(_ q: Quantifier, _ operand: CheckedOperand,
                  _ body: (Term) throws(UnsupportedInSQL) -> Condition) throws(UnsupportedInSQL) -> Condition {
        switch operand.kind {
        case .property(let p) where p.isList:
            let e = nextAlias()
            let inner = try body(Term(sql: "\(e).v", type: Self.kind(p.type), nullness: p.isNullable ? .maybe : .never))
            let some: Condition = switch inner {
            case .constant(false): .constant(false)
            case .constant(true): .sql("cardinality(\(column(p))) > 0")
            case .sql(let s): .sql("EXISTS (SELECT 1 FROM unnest(\(column(p))) AS \(e)(v) WHERE \(s))")
            }
            switch q {
            case .any: return some
            case .none: return !some
            case .all:
                return switch inner {
                case .constant(true): .constant(true)
                case .constant(false): .sql("cardinality(\(column(p))) = 0")
                case .sql(let s): .sql("NOT EXISTS (SELECT 1 FROM unnest(\(column(p))) AS \(e)(v) WHERE NOT \(s))")
                }
            }
        case .list(let values):
            var tests: [Condition] = []
            for v in values { tests.append(try body(try constant(v, at: operand.range))) }
            switch q {
            case .any: return .any(tests)
            case .all: return .all(tests)
            case .none: return !.any(tests)
            }
        default:
            let inner = try body(try single(operand, at: operand.range))
            return q == .none ? !inner : inner
        }
    }

    // MARK: Forms an index serves

    /// `p IN {a, b}` as `p = ANY($1::type[])` (a btree serves it), and `a IN list` / `ANY list ==
    /// a` as `list @> ARRAY[$1]` (a GIN serves it); nil when the comparison has another shape.
    /// Only where PostgreSQL's equality is realm's: no `[c]`, no nulls, no NaN, the same type.
    func indexableMembership(_ c: CheckedComparison) throws(UnsupportedInSQL) -> Condition? {
        guard c.op == .equal, !c.caseInsensitive else { return nil }
        for (side, other) in [(c.left, c.right), (c.right, c.left)] {
            guard let p = side.property, case let type = Self.kind(p.type), type != .binData else { continue }
            let arrayType = TableLayout.columnType(type) + "[]"
            switch other.kind {
            case .list(let values) where !p.isList && side.quantifier == nil && (other.quantifier ?? .any) == .any
                && !values.isEmpty && values.allSatisfy({ Self.sameTypeNoNaN($0, type) }):
                let array = try parameter(.list(values), cast: arrayType, at: other.range)
                return .sql("(\(column(p)) IS NOT NULL AND \(column(p)) = ANY(\(array)))")
            case .constant(let value) where p.isList && other.quantifier == nil && Self.sameTypeNoNaN(value, type):
                let contains = Condition.sql("\(column(p)) @> ARRAY[\(try parameter(value, cast: TableLayout.columnType(type), at: other.range))]")
                switch side.quantifier ?? .any {
                case .any: return contains
                case .none: return !contains
                case .all: continue
                }
            default: continue
            }
        }
        return nil
    }

    static func sameTypeNoNaN(_ value: Value, _ type: ScalarType) -> Bool {
        guard value.scalarType == type else { return false }
        switch value {
        case .double(let d): return !d.isNaN
        case .decimal(let d): return !d.isNaN
        default: return true
        }
    }

    // MARK: One comparison of two values

    /// `ValueSemantics.compare(op, a, b)` as SQL. `plain` drops the column-scan rules (a null
    /// needle matching everything, nulls ordering below strings), as realm does for list elements.
    func test(_ op: CheckedOperator, _ a: Term, _ b: Term, in c: CheckedComparison,
              plain: Bool = false) throws(UnsupportedInSQL) -> Condition {
        let nullsOrderFirst = !plain && ValueSemantics.nullsOrderFirst(c)
        let nullNeedleMatchesAll = !plain && ValueSemantics.nullNeedleMatchesAll(c)
        let bothPresent = Condition.all([a.isPresent, b.isPresent])
        let bothNull = Condition.all([a.isNull, b.isNull])
        switch op {
        case .equal, .notEqual:
            let equal = Condition.any([.all([bothPresent, try equalCore(a, b, caseInsensitive: c.caseInsensitive, at: c.range)]), bothNull])
            return op == .equal ? equal : !equal
        case .less, .lessEqual, .greater, .greaterEqual:
            var cases: [Condition] = [.all([bothPresent, try orderCore(op, a, b)])]
            if op == .lessEqual || op == .greaterEqual { cases.append(bothNull) }
            if nullsOrderFirst {
                // A null sorts below every string or binary: order(null, s) < 0, order(s, null) > 0.
                if (op == .less || op == .lessEqual) && b.isBytes { cases.append(.all([a.isNull, b.isPresent])) }
                if (op == .greater || op == .greaterEqual) && a.isBytes { cases.append(.all([a.isPresent, b.isNull])) }
            }
            return .any(cases)
        case .beginsWith, .endsWith, .contains, .like:
            let core = Condition.all([bothPresent, try stringCore(op, a, b, caseInsensitive: c.caseInsensitive, at: c.range)])
            if op == .like { return .any([core, bothNull]) }
            // A null needle: every object when the column rule applies, else every present haystack.
            return .any([core, .all([b.isNull, nullNeedleMatchesAll ? .constant(true) : a.isPresent])])
        case .between:
            throw UnsupportedInSQL("BETWEEN inside a list comparison", at: c.range)
        }
    }

    /// `==` of two present values.
    func equalCore(_ a: Term, _ b: Term, caseInsensitive: Bool, at range: SourceRange) throws(UnsupportedInSQL) -> Condition {
        if caseInsensitive && a.type == b.type {
            // The same folding as the string operators; binaries by realm's byte rule.
            if a.type == .string, case .string(let needle)? = b.constant, let index = b.parameter,
               needle.unicodeScalars.count <= Self.maxPatternScalars {
                parameters[index - 1] = Self.caseInsensitivePattern(needle, .equal)
                return .sql("\(a.sql) ~ $\(index)::text")
            }
            if a.type == .string { return .sql("rqlkit.fold(\(a.sql)) = rqlkit.fold(\(b.sql))") }
            if a.type == .binData { return .sql("rqlkit.bytes_match_folded('equal', \(a.sql), \(b.sql))") }
        }
        return try orderCore(.equal, a, b)
    }

    /// `a op b` for two present values by realm's order (`ValueSemantics.order`); false where the
    /// two are unordered (different types, NaN).
    func orderCore(_ op: CheckedOperator, _ a: Term, _ b: Term) throws(UnsupportedInSQL) -> Condition {
        guard let ta = a.type, let tb = b.type else { return .constant(false) }
        let o = op == .equal ? "=" : op.rawValue
        if a.isNumeric && b.isNumeric {
            // A NaN constant is unordered with everything but an int (before which a double NaN sorts).
            if a.isNaNConstant && !(ta == .double && tb == .int) || b.isNaNConstant && !(tb == .double && ta == .int) {
                return .constant(false)
            }
            switch (ta, tb) {
            case (.int, .double): return .sql("rqlkit.compare_int_double(\(a.sql), \(b.sql)) \(o) 0")
            case (.double, .int): return .sql("0 \(o) rqlkit.compare_int_double(\(b.sql), \(a.sql))")
            case (.int, .decimal): return .all([.sql("\(a.sql)::numeric \(o) \(b.sql)"), notNaN(b)])
            case (.decimal, .int): return .all([.sql("\(a.sql) \(o) \(b.sql)::numeric"), notNaN(a)])
            case (.double, .decimal): return .all([.sql("rqlkit.double_to_decimal(\(a.sql)) \(o) \(b.sql)"), notNaN(a), notNaN(b)])
            case (.decimal, .double): return .all([.sql("\(a.sql) \(o) rqlkit.double_to_decimal(\(b.sql))"), notNaN(a), notNaN(b)])
            default: return .all([.sql("\(a.sql) \(o) \(b.sql)"), notNaN(a), notNaN(b)])
            }
        }
        guard ta == tb else { return .constant(false) }
        return .sql("\(a.sql) \(o) \(b.sql)")
    }

    /// `x <> 'NaN'` for a double or decimal that may be NaN; nothing for an int or a constant that is not.
    func notNaN(_ t: Term) -> Condition {
        guard t.type == .double || t.type == .decimal, t.constant == nil else { return .constant(true) }
        return .sql("\(t.sql) <> 'NaN'")
    }

    /// BEGINSWITH, ENDSWITH, CONTAINS, LIKE of two present values: strings by characters (which
    /// is realm's byte rule for valid UTF-8), binaries by bytes, through the helper functions
    /// where `[c]` or LIKE needs realm's byte rules.
    func stringCore(_ op: CheckedOperator, _ h: Term, _ n: Term, caseInsensitive: Bool,
                    at range: SourceRange) throws(UnsupportedInSQL) -> Condition {
        switch (h.type, n.type) {
        case (.string?, .string?):
            if caseInsensitive, case .string(let needle)? = n.constant, let index = n.parameter,
               needle.unicodeScalars.count <= Self.maxPatternScalars {
                // A constant needle under [c]: a regular expression with both cases of each letter,
                // which PostgreSQL runs several times faster than folding every row.
                parameters[index - 1] = Self.caseInsensitivePattern(needle, op)
                return .sql("\(h.sql) ~ $\(index)::text")
            }
            let (hs, ns) = caseInsensitive ? ("rqlkit.fold(\(h.sql))", "rqlkit.fold(\(n.sql))") : (h.sql, n.sql)
            return switch op {
            case .beginsWith: .sql("starts_with(\(hs), \(ns))")
            case .endsWith: .sql("right(\(hs), length(\(ns))) = \(ns)")
            case .contains: .sql("strpos(\(hs), \(ns)) > 0")
            case .like: .sql("\(hs) LIKE rqlkit.like_pattern(\(ns))")
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .between: .constant(false)
            }
        case (.binData?, .binData?):
            if caseInsensitive && op != .like {
                return .sql("rqlkit.bytes_match_folded('\(op.rawValue.lowercased())', \(h.sql), \(n.sql))")
            }
            return switch op {
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .between: .constant(false)
            case .beginsWith: .sql("substr(\(h.sql), 1, length(\(n.sql))) = \(n.sql)")
            case .endsWith: .sql("(length(\(h.sql)) >= length(\(n.sql)) AND substr(\(h.sql), length(\(h.sql)) - length(\(n.sql)) + 1) = \(n.sql))")
            case .contains: .sql("position(\(n.sql) IN \(h.sql)) > 0")
            case .like: .sql("rqlkit.bytes_like(\(h.sql), \(n.sql), \(caseInsensitive))")
            }
        case (.string?, .binData?), (.binData?, .string?):
            // realm matches a string against a binary by their bytes: the string's UTF-8.
            return try stringCore(op, try bytes(h, at: range), try bytes(n, at: range), caseInsensitive: caseInsensitive, at: range)
        default:
            return .constant(false)
        }
    }

    /// The longest `[c]` needle made a regular expression; PostgreSQL refuses regular expressions
    /// past a compiled size ("too complex"), so longer ones fold every row instead.
    static let maxPatternScalars = 256

    /// `op[c] needle` as a PostgreSQL regular expression over the haystack: each character that
    /// realm's `[c]` folds is a class of its two cases (the needle's lower and upper variants,
    /// as `ByteRules` matches them), every other character itself (escaped when ASCII punctuation);
    /// LIKE's `*` and `?` are `.*` and `.`; anchored as the operator needs.
    static func caseInsensitivePattern(_ needle: String, _ op: CheckedOperator) -> String {
        var pattern = ""
        for scalar in needle.unicodeScalars {
            if op == .like && scalar == "*" { pattern += ".*"; continue }
            if op == .like && scalar == "?" { pattern += "."; continue }
            let lower = CaseFolding.fold(Array(String(scalar).utf8))
            let upper = CaseFolding.upper(lower)
            if lower != upper {
                pattern += "[" + String(decoding: lower, as: UTF8.self) + String(decoding: upper, as: UTF8.self) + "]"
            } else if scalar.isASCII && !(scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) {
                pattern += "\\" + String(scalar)
            } else {
                pattern.unicodeScalars.append(scalar)
            }
        }
        return switch op {
        case .beginsWith: "^" + pattern
        case .endsWith: pattern + "$"
        case .contains: pattern
        case .equal, .like, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .between: "^" + pattern + "$"
        }
    }

    // MARK: Terms

    /// A string term as its UTF-8 bytes (`bytea`); other terms as they are.
    func bytes(_ t: Term, at range: SourceRange) throws(UnsupportedInSQL) -> Term {
        guard t.type == .string else { return t }
        if case .string(let s)? = t.constant, let index = t.parameter {
            // The same parameter, sent as the string's bytes.
            parameters[index - 1] = SQLText.bytea(Array(s.utf8))
            return Term(sql: "$\(index)::bytea", type: .binData, nullness: .never, constant: .binary(Array(s.utf8)), parameter: index)
        }
        return Term(sql: "convert_to(\(t.sql), 'UTF8')", type: .binData, nullness: t.nullness)
    }

    /// A property or a constant that is a single value.
    func single(_ operand: CheckedOperand, at range: SourceRange) throws(UnsupportedInSQL) -> Term {
        switch operand.kind {
        case .property(let p):
            Term(sql: column(p), type: Self.kind(p.type), nullness: p.isNullable ? .maybe : .never)
        case .constant(let v):
            try constant(v, at: operand.range == .none ? range : operand.range)
        case .list:
            throw UnsupportedInSQL("a list where one value is expected", at: range)
        }
    }

    /// A constant as a bind parameter cast to its column type (`$1::bigint`); null is `NULL`.
    func constant(_ value: Value, at range: SourceRange) throws(UnsupportedInSQL) -> Term {
        guard let type = value.scalarType else {
            if value.isNull { return Term(sql: "NULL", type: nil, nullness: .always, constant: value) }
            throw UnsupportedInSQL("a list inside a list", at: range)
        }
        let sql = try parameter(value, cast: TableLayout.columnType(type), at: range)
        return Term(sql: sql, type: type, nullness: .never, constant: value, parameter: parameters.count)
    }

    /// `$n::type` for a new parameter holding `value` (text and text arrays compare bytewise).
    func parameter(_ value: Value, cast: String, at range: SourceRange) throws(UnsupportedInSQL) -> String {
        do { parameters.append(try SQLText.encode(value)) } catch {
            throw UnsupportedInSQL(error.description, at: range)
        }
        let reference = "$\(parameters.count)::\(cast)"
        return cast.hasPrefix("text") ? "(\(reference) COLLATE \"C\")" : reference
    }

    /// A property's column, qualified by the row's alias.
    func column(_ p: PropertyReference) -> String {
        "\(SQLQuery.rowAlias).\(TableLayout.quoted(p.name))"
    }

    /// Element `position` (1-based, or an SQL expression) of a list property.
    func element(of p: PropertyReference, at position: String) -> Term {
        Term(sql: "(\(column(p)))[\(position)]", type: Self.kind(p.type), nullness: p.isNullable ? .maybe : .never)
    }

    /// A fresh alias for a subquery's rows (`rql_e1`, ...): generated names, never a property's.
    func nextAlias() -> String {
        aliases += 1
        return "rql_e\(aliases)"
    }

    /// The type a comparison sees: `long` is `int`.
    static func kind(_ type: ScalarType) -> ScalarType {
        type == .long ? .int : type
    }
}
