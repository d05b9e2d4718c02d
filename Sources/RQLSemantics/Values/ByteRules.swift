#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// realm's case folding for `[c]` (`case_map` in realm-core's unicode.cpp on non-Windows): ASCII
/// A-Z and the Latin-1 letters U+00C0-U+00DE (but not U+00D7) map to lower case; nothing else.
/// A byte's case depends only on the byte before it (a Latin-1 letter is 0xC3 and one byte), and
/// folding keeps the byte length, so offsets stay valid.
@usableFromInline package enum CaseFolding {
    /// Byte `c` in lower case, given the byte before it (0 at the start).
    @inline(__always)
    @inlinable package static func lower(_ c: UInt8, after previous: UInt8) -> UInt8 {
        if c >= 0x41 && c <= 0x5A { return c | 0x20 }
        if previous == 0xC3, c >= 0x80, c <= 0x9E, c != 0x97 { return c + 0x20 }
        return c
    }

    /// Byte `c` of folded bytes in upper case, given the byte before it (0 at the start).
    @inline(__always)
    @inlinable package static func upper(_ c: UInt8, after previous: UInt8) -> UInt8 {
        if c >= 0x61 && c <= 0x7A { return c & ~0x20 }
        if previous == 0xC3, c >= 0xA0, c <= 0xBE, c != 0xB7 { return c - 0x20 }
        return c
    }

    /// The lower-case form of `bytes`.
    package static func fold(_ bytes: [UInt8]) -> [UInt8] { map(bytes, lower) }

    /// The upper-case partner of folded bytes, for the two-variant matching of `[c]`.
    package static func upper(_ folded: [UInt8]) -> [UInt8] { map(folded, upper) }

    private static func map(_ bytes: [UInt8], _ rule: (UInt8, UInt8) -> UInt8) -> [UInt8] {
        bytes.indices.map { rule(bytes[$0], $0 > 0 ? bytes[$0 - 1] : 0) }
    }
}

/// A byte string to compare against (a constant, or a value the interpreter compares with) with
/// its `[c]` variants: byte `i` of a case-insensitive match must be `lower[i]` or `upper[i]`
/// (realm-core's `search_case_fold`: the needle is case-mapped, the haystack is not).
/// Sendable because the bytes it points to are never written (a program's constants, or the
/// interpreter's stack copy for the length of one call).
@usableFromInline package struct Needle: @unchecked Sendable, BitwiseCopyable {
    @usableFromInline package let bytes: UnsafePointer<UInt8>
    @usableFromInline package let lower: UnsafePointer<UInt8>
    @usableFromInline package let upper: UnsafePointer<UInt8>
    @usableFromInline package let count: Int

    @inlinable
    package init(bytes: UnsafePointer<UInt8>, lower: UnsafePointer<UInt8>, upper: UnsafePointer<UInt8>, count: Int) {
        self.bytes = bytes
        self.lower = lower
        self.upper = upper
        self.count = count
    }

    /// `body` with a needle for `bytes`, its variants on the stack (the interpreter's needles are
    /// values, not constants).
    @inlinable package static func withTemporary<R>(_ bytes: UnsafePointer<UInt8>, _ count: Int, _ body: (Needle) -> R) -> R {
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
/// (through `ValueSemantics`), the column VM and the document VM all call these. Inlinable,
/// with `CaseFolding`'s byte rules and `Needle`, because the VMs' loops call them once per row
/// from another module.
@usableFromInline package enum ByteRules {
    /// Where an empty string's bytes point (never read: the count is 0).
    @usableFromInline package nonisolated(unsafe) static let empty = UnsafePointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))

    /// `body` with a string's UTF-8 in place (no copy for native strings).
    @inline(__always)
    @inlinable package static func withBytes<R>(_ s: String, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        if let r = s.utf8.withContiguousStorageIfAvailable({ body($0.baseAddress ?? empty, $0.count) }) { return r }
        var copy = s
        return copy.withUTF8 { body($0.baseAddress ?? empty, $0.count) }
    }

    /// `body` with the bytes of a string or binary value in place; nil for other values.
    @inline(__always)
    @inlinable package static func withBytes<R>(_ v: Value, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R? {
        switch v {
        case .string(let s): withBytes(s, body)
        case .binary(let b): b.withUnsafeBufferPointer { body($0.baseAddress ?? empty, $0.count) }
        default: nil
        }
    }

    @inline(__always)
    @inlinable package static func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        n == 0 || memcmp(a, b, n) == 0
    }

    /// Three-way bytewise order: -1, 0 or 1; a proper prefix sorts first.
    @inline(__always)
    @inlinable package static func compare(_ a: UnsafePointer<UInt8>, _ an: Int, _ b: UnsafePointer<UInt8>, _ bn: Int) -> Int {
        let n = min(an, bn)
        if n > 0 {
            let r = memcmp(a, b, n)
            if r != 0 { return r < 0 ? -1 : 1 }
        }
        return an < bn ? -1 : an == bn ? 0 : 1
    }

    /// `[c]` equality of `n` bytes: each byte is the lower or the upper variant of the needle's.
    @inline(__always)
    @inlinable package static func equalFolded(_ h: UnsafePointer<UInt8>, _ c: Needle, _ n: Int) -> Bool {
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
    @inlinable package static func equalAt(_ h: UnsafePointer<UInt8>, _ c: Needle, _ ci: Bool) -> Bool {
        ci ? equalFolded(h, c, c.count) : memoryEqual(h, c.bytes, c.count)
    }

    /// `==`: the same length and the same bytes (or `[c]` variants).
    @inline(__always)
    @inlinable package static func equal(_ h: UnsafePointer<UInt8>, _ n: Int, _ c: Needle, _ ci: Bool) -> Bool {
        n == c.count && equalAt(h, c, ci)
    }

    /// `@_transparent` because the VMs (another module) call it per row and `@inline(__always)`
    /// does not inline it across modules: called out of line it cost 27 more instructions a row
    /// on `name LIKE "*a?o*"` (callgrind).
    @_transparent
    @usableFromInline package static func match(_ kind: MatchKind, _ h: UnsafePointer<UInt8>, _ n: Int, _ c: Needle, _ ci: Bool) -> Bool {
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
    @inlinable package static func like(_ s: UnsafePointer<UInt8>, _ sn: Int, _ p: UnsafePointer<UInt8>, _ pn: Int, _ ci: Bool) -> Bool {
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
