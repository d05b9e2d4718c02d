import RQL
import RQLTesting

// The standard benchmark dataset (docs/BENCHMARK.md), generated exactly: SplitMix64 with
// seed 42 and the draws in the documented order.

/// One object as a plain Swift struct: what the hand-written closures and `#Predicate` read.
struct Item: Sendable {
    let id: Int64
    let name: String
    let age: Int64
    let score: Double?
    let active: Bool
    let owner: String?
    let tags: [String]
    let created: Int64
}

enum Dataset {
    static let syllables = ["ka", "lo", "mi", "ra", "ne", "to", "su", "vi", "an", "el", "or", "ia", "be", "da", "zu", "qu", "sa", "ti", "mo", "re"]
    static let tags = ["red", "green", "blue", "urgent", "home", "work", "alpha", "beta", "gamma", "delta", "north", "south",
                       "east", "west", "x", "y", "z", "hot", "cold", "misc"]

    static func items(count: Int, seed: UInt64 = 42) -> [Item] {
        var items: [Item] = []
        items.reserveCapacity(count)
        forEachItem(count: count, seed: seed) { items.append($0) }
        return items
    }

    /// The same objects one at a time, for writing them out without holding them all.
    static func forEachItem(count: Int, seed: UInt64 = 42, _ body: (Item) -> Void) {
        var rng = SplitMix64(seed: seed)
        for i in 0..<count {
            let syllableCount = 2 + rng.below(2)
            var name = ""
            for _ in 0..<syllableCount { name += syllables[Int(rng.below(20))] }
            name = name.prefix(1).uppercased() + name.dropFirst()
            let age = Int64(rng.below(100))
            let sc = rng.below(100_000)
            let score: Double? = rng.below(100) < 5 ? nil : Double(sc) / 100.0
            let active = rng.below(2) == 1
            let ow = rng.below(1000)
            let owner: String? = rng.below(100) < 2 ? nil : "user\(ow)"
            let tagCount = Int(rng.below(5))
            var chosen: [String] = []
            while chosen.count < tagCount {
                let t = tags[Int(rng.below(20))]
                if !chosen.contains(t) { chosen.append(t) }
            }
            let created = 1_577_836_800 + Int64(rng.below(5 * 365 * 86_400))
            body(Item(id: Int64(i), name: name, age: age, score: score, active: active, owner: owner, tags: chosen, created: created))
        }
    }

    /// The same objects as documents of the benchmark schema (property order of `itemSchemaJSON`).
    static func documents(_ items: [Item]) -> [Document] {
        items.map { item in
            Document(values: [
                .int(item.id), .string(item.name), .int(item.age), item.score.map(Value.double) ?? .null,
                .bool(item.active), item.owner.map(Value.string) ?? .null, .list(item.tags.map(Value.string)),
                .timestamp(Timestamp(seconds: item.created, nanoseconds: 0)),
            ])
        }
    }
}
