#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RQLSemantics

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
    static func compareIntDouble(_ i: Int64, _ d: Double) -> Int? {
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
    public static func compare(_ op: CheckedOperator, _ a: Value, _ b: Value, caseInsensitive: Bool,
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
    public static func nullsOrderFirst(_ c: CheckedComparison) -> Bool {
        guard c.op == .less || c.op == .lessEqual || c.op == .greater || c.op == .greaterEqual,
              let p = c.left.property, p.type == .string, !p.isList, c.left.quantifier == nil,
              case .constant = c.right.kind else { return false }
        return true
    }

    /// Whether a null needle matches every object in this comparison. realm scans a plain column
    /// (a single property against a constant) with a rule of its own: `name CONTAINS NULL` matches
    /// everything, even a null name; elsewhere (lists, constants on the left) a null needle matches
    /// only non-null haystacks, and so does `binaryProperty CONTAINS[c] NULL`.
    public static func nullNeedleMatchesAll(_ c: CheckedComparison) -> Bool {
        guard c.op.isStringOperator, c.op != .like, let p = c.left.property, !p.isList,
              case .constant = c.right.kind else { return false }
        return !(p.type == .binData && c.caseInsensitive && c.op == .contains)
    }

    /// BEGINSWITH, ENDSWITH, CONTAINS, LIKE with realm's null rules: a null haystack matches no
    /// non-null needle; a null needle is decided by `nullNeedleMatchesAll`; LIKE with a null on
    /// either side means both are null.
    public static func stringOperator(_ op: CheckedOperator, haystack: Value, needle: Value, caseInsensitive: Bool,
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
    public static func bytes(_ v: Value) -> [UInt8]? {
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

/// realm's case folding for `[c]` (`case_map` in realm-core's unicode.cpp on non-Windows): ASCII
/// A-Z and the Latin-1 letters U+00C0-U+00DE (but not U+00D7) map to lower case; nothing else.
/// A byte's case depends only on the byte before it (a Latin-1 letter is 0xC3 and one byte), and
/// folding keeps the byte length, so offsets stay valid.
package enum CaseFolding {
    /// Byte `c` in lower case, given the byte before it (0 at the start).
    @inline(__always)
    static func lower(_ c: UInt8, after previous: UInt8) -> UInt8 {
        if c >= 0x41 && c <= 0x5A { return c | 0x20 }
        if previous == 0xC3, c >= 0x80, c <= 0x9E, c != 0x97 { return c + 0x20 }
        return c
    }

    /// Byte `c` of folded bytes in upper case, given the byte before it (0 at the start).
    @inline(__always)
    static func upper(_ c: UInt8, after previous: UInt8) -> UInt8 {
        if c >= 0x61 && c <= 0x7A { return c & ~0x20 }
        if previous == 0xC3, c >= 0xA0, c <= 0xBE, c != 0xB7 { return c - 0x20 }
        return c
    }

    /// The lower-case form of `bytes`.
    public static func fold(_ bytes: [UInt8]) -> [UInt8] { map(bytes, lower) }

    /// The upper-case partner of folded bytes, for the two-variant matching of `[c]`.
    package static func upper(_ folded: [UInt8]) -> [UInt8] { map(folded, upper) }

    @inline(__always)
    static func map(_ bytes: [UInt8], _ rule: (UInt8, UInt8) -> UInt8) -> [UInt8] {
        bytes.indices.map { rule(bytes[$0], $0 > 0 ? bytes[$0 - 1] : 0) }
    }
}

/// A byte string to compare against (a constant, or a value the interpreter compares with) with
/// its `[c]` variants: byte `i` of a case-insensitive match must be `lower[i]` or `upper[i]`
/// (realm-core's `search_case_fold`: the needle is case-mapped, the haystack is not).
/// Sendable because the bytes it points to are never written (a program's constants, or the
/// interpreter's stack copy for the length of one call).
struct Needle: @unchecked Sendable {
    let bytes: UnsafePointer<UInt8>
    let lower: UnsafePointer<UInt8>
    let upper: UnsafePointer<UInt8>
    let count: Int

    /// `body` with a needle for `bytes`, its variants on the stack (the interpreter's needles are
    /// values, not constants).
    static func withTemporary<R>(_ bytes: UnsafePointer<UInt8>, _ count: Int, _ body: (Needle) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, 3 * count)) { buffer in
            let base = buffer.baseAddress!
            var previous: UInt8 = 0
            for i in 0..<count {
                base[i] = bytes[i]
                base[count + i] = CaseFolding.lower(bytes[i], after: previous)
                previous = bytes[i]
            }
            previous = 0
            for i in 0..<count {
                base[2 * count + i] = CaseFolding.upper(base[count + i], after: previous)
                previous = base[count + i]
            }
            return body(Needle(bytes: base, lower: base + count, upper: base + 2 * count, count: count))
        }
    }
}

/// The byte rules of strings and binaries, over raw bytes: ordering, equality, BEGINSWITH,
/// ENDSWITH, CONTAINS and LIKE, each optionally `[c]`. The one implementation: the interpreter
/// (through `ValueSemantics`), the column VM and the document VM all call these.
enum ByteRules {
    /// Where an empty string's bytes point (never read: the count is 0).
    nonisolated(unsafe) static let empty = UnsafePointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))

    /// `body` with a string's UTF-8 in place (no copy for native strings).
    @inline(__always)
    static func withBytes<R>(_ s: String, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        if let r = s.utf8.withContiguousStorageIfAvailable({ body($0.baseAddress ?? empty, $0.count) }) { return r }
        var copy = s
        return copy.withUTF8 { body($0.baseAddress ?? empty, $0.count) }
    }

    /// `body` with the bytes of a string or binary value in place; nil for other values.
    @inline(__always)
    static func withBytes<R>(_ v: Value, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R? {
        switch v {
        case .string(let s): withBytes(s, body)
        case .binary(let b): b.withUnsafeBufferPointer { body($0.baseAddress ?? empty, $0.count) }
        default: nil
        }
    }

    @inline(__always)
    static func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        n == 0 || memcmp(a, b, n) == 0
    }

    /// Three-way bytewise order: -1, 0 or 1; a proper prefix sorts first.
    @inline(__always)
    static func compare(_ a: UnsafePointer<UInt8>, _ an: Int, _ b: UnsafePointer<UInt8>, _ bn: Int) -> Int {
        let n = min(an, bn)
        if n > 0 {
            let r = memcmp(a, b, n)
            if r != 0 { return r < 0 ? -1 : 1 }
        }
        return an < bn ? -1 : an == bn ? 0 : 1
    }

    /// `[c]` equality of `n` bytes: each byte is the lower or the upper variant of the needle's.
    @inline(__always)
    static func equalFolded(_ h: UnsafePointer<UInt8>, _ c: Needle, _ n: Int) -> Bool {
        var i = 0
        while i < n {
            let x = h[i]
            if x != c.lower[i] && x != c.upper[i] { return false }
            i += 1
        }
        return true
    }

    /// Whether the needle's bytes are at `h` (which holds at least `c.count` bytes).
    @inline(__always)
    static func equalAt(_ h: UnsafePointer<UInt8>, _ c: Needle, _ ci: Bool) -> Bool {
        ci ? equalFolded(h, c, c.count) : memoryEqual(h, c.bytes, c.count)
    }

    /// `==`: the same length and the same bytes (or `[c]` variants).
    @inline(__always)
    static func equal(_ h: UnsafePointer<UInt8>, _ n: Int, _ c: Needle, _ ci: Bool) -> Bool {
        n == c.count && equalAt(h, c, ci)
    }

    static func match(_ kind: MatchKind, _ h: UnsafePointer<UInt8>, _ n: Int, _ c: Needle, _ ci: Bool) -> Bool {
        switch kind {
        case .beginsWith:
            return n >= c.count && equalAt(h, c, ci)
        case .endsWith:
            return n >= c.count && equalAt(h + (n - c.count), c, ci)
        case .contains:
            if c.count == 0 { return true }
            guard n >= c.count else { return false }
            let firstLower = c.lower[0], firstUpper = c.upper[0], first = c.bytes[0]
            var i = 0
            let last = n - c.count
            while i <= last {
                let x = h[i]
                if ci ? (x == firstLower || x == firstUpper) : x == first {
                    if equalAt(h + i, c, ci) { return true }
                }
                i += 1
            }
            return false
        case .like:
            return like(h, n, ci ? c.lower : c.bytes, c.count, ci)
        }
    }

    /// LIKE: `*` is any sequence, `?` exactly one character (one UTF-8 sequence); no escapes; the
    /// whole string must match. Greedy with one backtrack point, so time is at most
    /// O(haystack × pattern), never exponential. For `[c]` the pattern is folded and the haystack
    /// is folded on the fly.
    static func like(_ s: UnsafePointer<UInt8>, _ sn: Int, _ p: UnsafePointer<UInt8>, _ pn: Int, _ ci: Bool) -> Bool {
        @inline(__always) func at(_ i: Int) -> UInt8 {
            ci ? CaseFolding.lower(s[i], after: i > 0 ? s[i - 1] : 0) : s[i]
        }
        @inline(__always) func sequenceLength(_ i: Int) -> Int {
            let c = s[i]
            return min(c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4, sn - i)
        }
        var si = 0, pi = 0, starPattern = -1, starString = 0
        let star = UInt8(ascii: "*"), question = UInt8(ascii: "?")
        while si < sn {
            if pi < pn, p[pi] == question {
                si += sequenceLength(si)
                pi += 1
            } else if pi < pn, p[pi] == star {
                starPattern = pi
                starString = si
                pi += 1
            } else if pi < pn, p[pi] == at(si) {
                si += 1
                pi += 1
            } else if starPattern >= 0 {
                pi = starPattern + 1
                starString += sequenceLength(starString)
                si = starString
            } else {
                return false
            }
        }
        while pi < pn, p[pi] == star { pi += 1 }
        return pi == pn
    }
}
