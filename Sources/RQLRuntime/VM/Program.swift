import RQLSemantics
import RQLSyntax

/// A compiled query: instructions plus their constants. Immutable and `Sendable`: one program can
/// run on many threads at once.
public struct Program: Sendable {
    public let instructions: [Instruction]
    /// For each instruction, how its result meets the flag (`replace` but in branch-free runs).
    public let combine: [Combine]
    /// String and binary constants, and the needles of string operators (pre-folded for `[c]`).
    let byteConstants: [ByteConstant]
    let intSets: [IntSet]
    let byteSets: [ByteSet]
    /// Comparisons the VM leaves to the reference semantics (`fallback`).
    public let fallbacks: [CheckedComparison]
    /// The collection the program reads.
    public let collection: ObjectSchema
}

/// A byte string constant with its `[c]` variants: byte `i` of a case-insensitive match must be
/// `lower[i]` or `upper[i]` (realm's folding keeps lengths, so this is exact).
final class ByteConstant: @unchecked Sendable {
    let bytes: Buffer<UInt8>
    let lower: Buffer<UInt8>
    let upper: Buffer<UInt8>
    let text: [UInt8]

    init(_ value: [UInt8]) {
        text = value
        bytes = Buffer(value)
        let folded = CaseFolding.fold(value)
        lower = Buffer(folded)
        upper = Buffer(CaseFolding.upper(folded))
    }

    var count: Int { text.count }
}

/// A set of ints: a short array scanned linearly, or a hash set when large.
final class IntSet: @unchecked Sendable {
    static let linearLimit = 16
    let small: Buffer<Int64>
    let large: Set<Int64>?

    init(_ values: [Int64]) {
        let unique = Array(Set(values)).sorted()
        small = Buffer(unique.count <= Self.linearLimit ? unique : [])
        large = unique.count <= Self.linearLimit ? nil : Set(unique)
    }
}

/// A set of byte strings. The VM scans small sets member by member and looks larger ones up by an
/// FNV-1a hash of the bytes (no allocation per probe).
final class ByteSet: @unchecked Sendable {
    /// Up to this many members the VM compares them one by one (cheaper than hashing).
    static let linearLimit = 8

    /// The distinct members in order of first appearance (for listings).
    let members: [[UInt8]]
    /// The members end to end, member `i` at `flatOffsets[i]..<flatOffsets[i + 1]`: the VM reads
    /// them through raw pointers (no class references, so no retain per member).
    let flatBytes: Buffer<UInt8>
    let flatOffsets: Buffer<Int>
    /// Member indexes by hash; empty for sets of up to `linearLimit` members.
    let buckets: [UInt64: [Int32]]

    init(_ values: [[UInt8]]) {
        var seen = Set<[UInt8]>()
        members = values.filter { seen.insert($0).inserted }
        flatBytes = Buffer(members.flatMap { $0 })
        flatOffsets = Buffer(members.reduce(into: [0]) { offsets, m in offsets.append(offsets.last! + m.count) })
        var buckets: [UInt64: [Int32]] = [:]
        if members.count > Self.linearLimit {
            for (i, m) in members.enumerated() {
                m.withUnsafeBufferPointer { buckets[Self.hash($0), default: []].append(Int32(i)) }
            }
        }
        self.buckets = buckets
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// Membership by hash, for sets larger than `linearLimit`.
    func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let candidates = buckets[Self.hash(bytes)] else { return false }
        for i in candidates {
            let start = flatOffsets.base[Int(i)], count = flatOffsets.base[Int(i) + 1] - start
            if count == bytes.count, memcmpEqual(flatBytes.pointer + start, bytes.baseAddress, count) { return true }
        }
        return false
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>?, _ n: Int) -> Bool {
    guard n > 0 else { return true }
    guard let b else { return false }
    var i = 0
    while i < n {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}

extension CaseFolding {
    /// The upper-case partner of folded bytes, for the two-variant matching of `[c]`.
    static func upper(_ folded: [UInt8]) -> [UInt8] {
        var out = folded
        var i = 0
        while i < out.count {
            let c = out[i]
            if c >= 0x61 && c <= 0x7A {
                out[i] = c & ~0x20
            } else if c == 0xC3, i + 1 < out.count, out[i + 1] >= 0xA0, out[i + 1] <= 0xBE, out[i + 1] != 0xB7 {
                out[i + 1] -= 0x20
                i += 1
            }
            i += 1
        }
        return out
    }
}
