import RQLSemantics

/// How realm-core compares two values (its `Mixed` comparisons and query conditions), in one place:
/// the interpreter calls it for every comparison, the compiler's constant folding calls the
/// interpreter, and the VM's typed instructions are tested against it.
///
/// The rules, as the realm-derived corpus and `NOTES.md` establish them:
/// - numbers of any type compare by value (`2 == 2.0`), exactly;
/// - a double NaN is unordered with doubles (`NaN == NaN` is false) but sorts before ints
///   (`progress < 0` matches NaN, `progress < 0.0` does not);
/// - null equals only null; `<`/`>` never match null, `<=`/`>=` match null against null; except
///   strings and binaries, where null sorts before every value (`status < ""` matches nulls);
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
        case (.string(let x), .string(let y)): return compareBytes(Array(x.utf8), Array(y.utf8))
        case (.binary(let x), .binary(let y)): return compareBytes(x, y)
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
        if caseInsensitive, let x = bytes(a), let y = bytes(b), sameKind(a, b) {
            return CaseFolding.fold(x) == CaseFolding.fold(y)
        }
        return order(a, b) == 0
    }

    /// One comparison between two single values.
    public static func compare(_ op: CheckedOperator, _ a: Value, _ b: Value, caseInsensitive: Bool,
                               nullNeedleMatchesAll: Bool = false) -> Bool {
        switch op {
        case .equal: return equal(a, b, caseInsensitive: caseInsensitive)
        case .notEqual: return !equal(a, b, caseInsensitive: caseInsensitive)
        case .less, .lessEqual, .greater, .greaterEqual:
            if a.isNull && b.isNull { return op == .lessEqual || op == .greaterEqual }
            guard let o = order(a, b) else { return false }
            switch op {
            case .less: return o < 0
            case .lessEqual: return o <= 0
            case .greater: return o > 0
            default: return o >= 0
            }
        case .beginsWith, .endsWith, .contains, .like:
            return stringOperator(op, haystack: a, needle: b, caseInsensitive: caseInsensitive,
                                  nullNeedleMatchesAll: nullNeedleMatchesAll)
        case .between:
            preconditionFailure("BETWEEN is evaluated as two comparisons")
        }
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
        guard var h = bytes(haystack), var n = bytes(needle) else { return false }
        if caseInsensitive {
            h = CaseFolding.fold(h)
            n = CaseFolding.fold(n)
        }
        switch op {
        case .beginsWith: return h.starts(with: n)
        case .endsWith: return h.count >= n.count && h[(h.count - n.count)...].elementsEqual(n)
        case .contains: return ByteSearch.contains(h, n)
        default: return Like.matches(h, pattern: n)
        }
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

    static func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return a.count < b.count ? -1 : a.count == b.count ? 0 : 1
    }
}

/// realm's case folding for `[c]` (`case_map` in realm-core's unicode.cpp on non-Windows): ASCII
/// A-Z and the Latin-1 letters U+00C0-U+00DE (but not U+00D7) map to lower case; nothing else.
/// Folding keeps the byte length, so offsets stay valid.
public enum CaseFolding {
    public static func fold(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        var i = 0
        while i < out.count {
            let c = out[i]
            if c >= 0x41 && c <= 0x5A {
                out[i] = c | 0x20
            } else if c == 0xC3, i + 1 < out.count, out[i + 1] >= 0x80, out[i + 1] <= 0x9E, out[i + 1] != 0x97 {
                out[i + 1] += 0x20
                i += 1
            }
            i += 1
        }
        return out
    }
}

/// Substring search over bytes.
public enum ByteSearch {
    public static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}

/// LIKE: `*` is any sequence, `?` exactly one character (one UTF-8 sequence); no escapes; the
/// whole string must match. Greedy with one backtrack point, so time is at most
/// O(haystack × pattern), never exponential.
public enum Like {
    public static func matches(_ s: [UInt8], pattern p: [UInt8]) -> Bool {
        var si = 0, pi = 0
        var starPattern = -1, starString = 0
        while si < s.count {
            if pi < p.count, p[pi] == UInt8(ascii: "?") {
                si += sequenceLength(s, si)
                pi += 1
            } else if pi < p.count, p[pi] == UInt8(ascii: "*") {
                starPattern = pi
                starString = si
                pi += 1
            } else if pi < p.count, p[pi] == s[si] {
                si += 1
                pi += 1
            } else if starPattern >= 0 {
                pi = starPattern + 1
                starString += sequenceLength(s, starString)
                si = starString
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }

    /// Bytes in the UTF-8 sequence starting at `i` (1 for ASCII or a stray byte).
    @inline(__always)
    static func sequenceLength(_ s: [UInt8], _ i: Int) -> Int {
        let c = s[i]
        let n = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4
        return min(n, s.count - i)
    }
}
