/// How realm-core compares two values (its `Mixed` comparisons and query conditions), in one place:
/// the interpreter calls it for every comparison, the compiler's constant folding calls the
/// interpreter, and the VM's typed instructions are tested against it.
///
/// The rules, as the realm-derived corpus and `Corpus/realm-core/NOTES.md` establish them:
/// - numbers of any type compare by value (`2 == 2.0`), exactly;
/// - a double NaN is unordered with doubles (`NaN == NaN` is false) but sorts before ints
///   (`progress < 0` matches NaN, `progress < 0.0` does not);
/// - null equals only null; `<`/`>` never match null, `<=`/`>=` match null against null; except
///   a plain string property against a constant, where null sorts before every value
///   (`status < ""` matches nulls: see `nullsOrderFirst`);
/// - strings and binaries compare as bytes (each only with its own kind); `[c]` folds ASCII and
///   Latin-1 letters only.
public enum ValueSemantics {
    /// Three-way ordering: negative, zero or positive; nil when the values are unordered
    /// (different kinds, NaN, a null outside strings).
    public static func order(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : x == y ? 0 : 1
        case (.double(let x), .double(let y)):
            if x.isNaN || y.isNaN { return nil }
            return x < y ? -1 : x == y ? 0 : 1
        case (.int(let x), .double(let y)): return compareIntDouble(x, y)
        case (.double(let x), .int(let y)): return compareIntDouble(y, x).map { -$0 }
        case (.decimal(let x), .decimal(let y)): return Decimal128.compare(x, y)
        case (.decimal(let x), .int(let y)): return Decimal128.compare(x, y)
        case (.int(let x), .decimal(let y)): return Decimal128.compare(y, x).map { -$0 }
        case (.decimal(let x), .double(let y)): return Decimal128.compare(x, y)
        case (.double(let x), .decimal(let y)): return Decimal128.compare(y, x).map { -$0 }
        // Strings and binaries are distinct types (realm-core 14): neither equal nor ordered.
        case (.string, .string), (.binary, .binary): return withBytes(a, b) { ByteRules.compare($0, $1, $2, $3) }
        case (.null, .string), (.null, .binary): return -1
        case (.string, .null), (.binary, .null): return 1
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
        case (.timestamp(let x), .timestamp(let y)): return x < y ? -1 : x == y ? 0 : 1
        case (.objectId(let x), .objectId(let y)): return x < y ? -1 : x == y ? 0 : 1
        case (.uuid(let x), .uuid(let y)): return x < y ? -1 : x == y ? 0 : 1
        default: return nil
        }
    }

    /// An int against a double, exactly; a NaN double sorts before every int.
    package static func compareIntDouble(_ i: Int64, _ d: Double) -> Int? {
        if d.isNaN { return 1 }
        if d >= 9.223372036854775808e18 { return -1 }
        if d < -9.223372036854775808e18 { return 1 }
        let whole = d.rounded(.towardZero)
        let j = Int64(whole)
        if i != j { return i < j ? -1 : 1 }
        let fraction = d - whole
        return fraction == 0 ? 0 : (fraction > 0 ? -1 : 1)
    }

    /// `==`, optionally case-insensitive.
    public static func equal(_ a: Value, _ b: Value, caseInsensitive: Bool = false) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.null, _), (_, .null): return false
        default: break
        }
        if caseInsensitive, sameKind(a, b), let equal = withNeedle(a, b, { ByteRules.equal($0, $1, $2, true) }) {
            return equal
        }
        return order(a, b) == 0
    }

    /// One comparison between two single values. `nullsOrderFirst` (see the function of that
    /// name) makes a null order below every string or binary; otherwise an ordered comparison
    /// with one null side is false.
    package static func compare(_ op: CheckedOperator, _ a: Value, _ b: Value, caseInsensitive: Bool,
                               nullNeedleMatchesAll: Bool = false, nullsOrderFirst: Bool = false) -> Bool {
        switch op {
        case .equal: return equal(a, b, caseInsensitive: caseInsensitive)
        case .notEqual: return !equal(a, b, caseInsensitive: caseInsensitive)
        case .less, .lessEqual, .greater, .greaterEqual:
            if a.isNull && b.isNull { return op == .lessEqual || op == .greaterEqual }
            if (a.isNull || b.isNull) && !nullsOrderFirst { return false }
            guard let o = order(a, b) else { return false }
            switch op {
            case .less: return o < 0
            case .lessEqual: return o <= 0
            case .greater: return o > 0
            case .greaterEqual: return o >= 0
            case .equal, .notEqual, .beginsWith, .endsWith, .contains, .like, .between: return false
            }
        case .beginsWith, .endsWith, .contains, .like:
            return stringOperator(op, haystack: a, needle: b, caseInsensitive: caseInsensitive,
                                  nullNeedleMatchesAll: nullNeedleMatchesAll)
        case .between:
            preconditionFailure("BETWEEN is evaluated as two comparisons")
        }
    }

    /// Whether null orders below every string in this ordered comparison (`<`, `<=`, `>`, `>=`;
    /// BETWEEN is evaluated as two of them), or is unordered as it is with numbers.
    ///
    /// realm-core 14 has two paths (src/realm/parser/driver.cpp, `RelationalNode::visit`). A plain
    /// string property on the left against a single constant or argument on the right becomes a
    /// column condition (`drv->simple_query`, `StringNode<Less>` and friends in query_engine.hpp),
    /// which compares with `StringData`'s operators, where a null string is below every string
    /// ("" included). Every other shape takes the expression path, `Compare<Less>` etc. in
    /// query_expression.hpp, whose conditions on `QueryValue` (query_conditions.hpp: `Less`,
    /// `Greater` return `Mixed::types_are_comparable(m1, m2) && m1 < m2`; `LessEqual`,
    /// `GreaterEqual` first accept null against null) never order a null against a value,
    /// because `Mixed::types_are_comparable` (mixed.cpp) is false when one side is null. That path
    /// takes binaries always (`case type_Binary: break;` in `RelationalNode::visit`), strings with
    /// the constant on the left (`"b" > name`), list elements and property against property.
    package static func nullsOrderFirst(_ c: CheckedComparison) -> Bool {
        guard c.op == .less || c.op == .lessEqual || c.op == .greater || c.op == .greaterEqual,
              let p = c.left.property, p.type == .string, !p.isList, c.left.quantifier == nil,
              case .constant = c.right.kind else { return false }
        return true
    }

    /// Whether a null needle matches every object in this comparison. realm scans a plain column
    /// (a single property against a constant) with a rule of its own: `name CONTAINS NULL` matches
    /// everything, even a null name; elsewhere (lists, constants on the left) a null needle matches
    /// only non-null haystacks, and so does `binaryProperty CONTAINS[c] NULL`.
    package static func nullNeedleMatchesAll(_ c: CheckedComparison) -> Bool {
        guard c.op.isStringOperator, c.op != .like, let p = c.left.property, !p.isList,
              case .constant = c.right.kind else { return false }
        return !(p.type == .binData && c.caseInsensitive && c.op == .contains)
    }

    /// BEGINSWITH, ENDSWITH, CONTAINS, LIKE with realm's null rules: a null haystack matches no
    /// non-null needle; a null needle is decided by `nullNeedleMatchesAll`; LIKE with a null on
    /// either side means both are null.
    package static func stringOperator(_ op: CheckedOperator, haystack: Value, needle: Value, caseInsensitive: Bool,
                                      nullNeedleMatchesAll: Bool) -> Bool {
        if op == .like, haystack.isNull || needle.isNull { return haystack.isNull && needle.isNull }
        if needle.isNull { return nullNeedleMatchesAll || !haystack.isNull }
        guard let kind = MatchKind(op) else { return false }
        return withNeedle(haystack, needle) { ByteRules.match(kind, $0, $1, $2, caseInsensitive) } ?? false
    }

    /// Both strings or both binaries.
    static func sameKind(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.string, .string), (.binary, .binary): true
        default: false
        }
    }

    /// The bytes of a string or binary value.
    package static func bytes(_ v: Value) -> [UInt8]? {
        switch v {
        case .string(let s): Array(s.utf8)
        case .binary(let b): b
        default: nil
        }
    }

    /// `body` with the bytes of two strings or binaries (in place); nil when either is neither.
    static func withBytes<R>(_ a: Value, _ b: Value,
                             _ body: (UnsafePointer<UInt8>, Int, UnsafePointer<UInt8>, Int) -> R) -> R? {
        ByteRules.withBytes(a) { x, xn in ByteRules.withBytes(b) { y, yn in body(x, xn, y, yn) } } ?? nil
    }

    /// `body` with the haystack's bytes and the needle's as a `Needle` (its `[c]` variants made on
    /// the stack); nil when either is not a string or binary.
    static func withNeedle<R>(_ haystack: Value, _ needle: Value, _ body: (UnsafePointer<UInt8>, Int, Needle) -> R) -> R? {
        withBytes(haystack, needle) { h, hn, n, nn in Needle.withTemporary(n, nn) { body(h, hn, $0) } }
    }
}

/// The string operators: the byte rules' `match` and the VM's instructions take one.
@usableFromInline package enum MatchKind: String, Hashable, Sendable, BitwiseCopyable {
    case beginsWith = "BEGINSWITH", endsWith = "ENDSWITH", contains = "CONTAINS", like = "LIKE"

    /// The string operator's kind; nil for the others.
    package init?(_ op: CheckedOperator) {
        switch op {
        case .beginsWith: self = .beginsWith
        case .endsWith: self = .endsWith
        case .contains: self = .contains
        case .like: self = .like
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .between: return nil
        }
    }
}
