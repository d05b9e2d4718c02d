/// SplitMix64 (Steele, Lea, Flood 2014): the small, fast, seedable generator the benchmark's
/// dataset is defined with (docs/BENCHMARK.md), and every deterministic test uses.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `next() % n`, the benchmark's `below(n)`.
    public mutating func below(_ n: UInt64) -> UInt64 { next() % n }

    /// `below` for an `Int` range.
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
