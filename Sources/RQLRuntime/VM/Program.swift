import RQLSemantics
import RQLSyntax

/// A compiled query: instructions plus their constants. Immutable and `Sendable`: one program can
/// run on many threads at once.
public struct Program: Sendable {
    package let instructions: [Instruction]
    /// For each instruction, how its result meets the flag (`replace` but in branch-free runs).
    package let combine: [Combine]
    /// String and binary constants, and the needles of string operators (pre-folded for `[c]`).
    let byteConstants: [ByteConstant]
    /// `byteConstants` as raw pointers, for the VM's loops (reading them retains nothing).
    let needles: [Needle]
    let intSets: [IntSet]
    let byteSets: [ByteSet]
    /// Comparisons the VM leaves to the reference semantics (`fallback`).
    package let fallbacks: [CheckedComparison]
    /// The collection the program reads.
    public let collection: ObjectSchema
    /// The program listed instruction by instruction, EXPLAIN-style (`rql explain`'s bytecode).
    public var listing: String { Disassembler.listing(self) }
    /// Whether some instruction ANDs or ORs into the flag (a branch-free run): the loops without
    /// runs skip the per-instruction check.
    let hasBranchFreeRuns: Bool
    /// By property index: whether it holds binaries rather than strings (distinct types that the
    /// byte instructions do not tell apart).
    let holdsBinary: [Bool]
    /// For a query shape's program (`QueryShape`), where each parameter's value goes; empty
    /// otherwise.
    let parameterSites: [ParameterSite]
    /// The properties (by index) the program reads, ascending.
    let readColumns: [Int]

    init(instructions: [Instruction], combine: [Combine], byteConstants: [ByteConstant], intSets: [IntSet],
         byteSets: [ByteSet], fallbacks: [CheckedComparison], collection: ObjectSchema, parameterSites: [ParameterSite] = [],
         holdsBinary: [Bool]? = nil) {
        self.instructions = instructions
        self.combine = combine
        self.byteConstants = byteConstants
        self.needles = byteConstants.map(\.needle)
        self.intSets = intSets
        self.byteSets = byteSets
        self.fallbacks = fallbacks
        self.collection = collection
        self.hasBranchFreeRuns = combine.contains { $0 != .replace }
        self.holdsBinary = holdsBinary ?? collection.properties.map { $0.type == .scalar(.binData) || $0.type == .list(.binData) }
        self.parameterSites = parameterSites
        var read = Set(instructions.compactMap(\.column))
        for c in fallbacks { for operand in [c.left, c.right] { if let p = operand.property { read.insert(p.index) } } }
        self.readColumns = read.sorted()
    }

    /// This shape's program with `values` in place of its parameters: the instructions that hold
    /// one are copied with the new value, everything else (sets, the other constants, the
    /// schema) is shared. `values[k]` must have the kind parameter `k` had when the shape was
    /// made (`QueryShape` guarantees it: the kinds are part of the shape).
    func binding(_ values: [Value]) -> Program {
        guard !parameterSites.isEmpty else { return self }
        var instructions = self.instructions
        var byteConstants = self.byteConstants
        var fallbacks = self.fallbacks
        var intSets = self.intSets
        var byteSets = self.byteSets
        for site in parameterSites {
            switch site {
            case .instruction(let address, let parameter):
                let value = values[parameter]
                switch (instructions[address], value) {
                case (.intInSet(_, let set, _), .list(let elements)):
                    intSets[set] = IntSet(Compiler.intMembers(elements) ?? [])
                case (.bytesInSet(let column, let set, _), .list(let elements)):
                    byteSets[set] = ByteSet(Compiler.byteMembers(elements, binary: holdsBinary[column]))
                case (let instruction, _):
                    if let constant = instruction.byteConstant {
                        byteConstants[constant] = ByteConstant(ValueSemantics.bytes(value) ?? [])
                    } else {
                        instructions[address] = instruction.with(value)
                    }
                }
            case .fallback(let i):
                fallbacks[i] = fallbacks[i].binding(values)
            }
        }
        return Program(instructions: instructions, combine: combine, byteConstants: byteConstants, intSets: intSets,
                       byteSets: byteSets, fallbacks: fallbacks, collection: collection, holdsBinary: holdsBinary)
    }
}

/// Where the compiler put a parameter of a query shape.
enum ParameterSite: Sendable {
    /// The constant of the instruction at `address` (its value, or its byte constant).
    case instruction(address: Int, parameter: Int)
    /// Somewhere in fallback comparison `i`.
    case fallback(Int)
}

/// A byte string constant with its `[c]` variants: byte `i` of a case-insensitive match must be
/// `lower[i]` or `upper[i]` (realm's folding keeps lengths, so this is exact). The three are one
/// allocation, `bytes ++ lower ++ upper`: a million compiled views hold millions of these.
/// (`@unchecked`: the raw allocation is written once, in `init`.)
final class ByteConstant: @unchecked Sendable {
    let count: Int
    private let storage: UnsafeMutablePointer<UInt8>

    init(_ value: [UInt8]) {
        count = value.count
        storage = .allocate(capacity: max(1, 3 * count))
        let folded = CaseFolding.fold(value)
        storage.initialize(from: value, count: count)
        (storage + count).initialize(from: folded, count: count)
        (storage + 2 * count).initialize(from: CaseFolding.upper(folded), count: count)
    }

    deinit { storage.deallocate() }

    /// The constant as written.
    var text: [UInt8] { Array(UnsafeBufferPointer(start: storage, count: count)) }

    /// The constant as the byte rules take it; valid while this object lives.
    var needle: Needle {
        Needle(bytes: UnsafePointer(storage), lower: UnsafePointer(storage + count), upper: UnsafePointer(storage + 2 * count),
               count: count)
    }
}

/// A set of ints: a short array scanned linearly, or a hash set when large.
final class IntSet: Sendable {
    static let linearLimit = 16
    let small: Buffer<Int64>
    let large: Set<Int64>?

    init(_ values: [Int64]) {
        let unique = Array(Set(values)).sorted()
        small = Buffer(unique.count <= Self.linearLimit ? unique : [])
        large = unique.count <= Self.linearLimit ? nil : Set(unique)
    }

    @inline(__always)
    func contains(_ v: Int64) -> Bool {
        if let large { return large.contains(v) }
        return Self.linearContains(small.pointer, small.count, v)
    }

    /// Membership in a short array (the VM binds `small` once and calls this per row).
    @inline(__always)
    static func linearContains(_ set: UnsafePointer<Int64>, _ count: Int, _ v: Int64) -> Bool {
        var i = 0
        while i < count {
            if set[i] == v { return true }
            i += 1
        }
        return false
    }
}

/// A set of byte strings. The VM scans small sets member by member and looks larger ones up by an
/// FNV-1a hash of the bytes (no allocation per probe).
final class ByteSet: Sendable {
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

    /// Whether `bytes[0..<count]` is a member.
    func contains(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        if members.count <= Self.linearLimit {
            return Self.linearContains(flatBytes.pointer, flatOffsets.pointer, members.count, bytes, count)
        }
        return hashedContains(UnsafeBufferPointer(start: bytes, count: count))
    }

    /// Membership by hash, for sets larger than `linearLimit`.
    func hashedContains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let candidates = buckets[Self.hash(bytes)] else { return false }
        for i in candidates {
            let start = flatOffsets.base[Int(i)], count = flatOffsets.base[Int(i) + 1] - start
            if count == bytes.count, ByteRules.memoryEqual(flatBytes.pointer + start, bytes.baseAddress ?? ByteRules.empty, count) {
                return true
            }
        }
        return false
    }

    /// Membership by comparing member by member, for sets of up to `linearLimit` members (the VM
    /// binds the flat members once and calls this per row).
    @inline(__always)
    static func linearContains(_ members: UnsafePointer<UInt8>, _ offsets: UnsafePointer<Int>, _ memberCount: Int,
                               _ bytes: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var i = 0
        while i < memberCount {
            let start = offsets[i]
            if offsets[i + 1] - start == count, ByteRules.memoryEqual(bytes, members + start, count) { return true }
            i += 1
        }
        return false
    }
}
