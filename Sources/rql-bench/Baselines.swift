import Foundation

/// The hand-written Swift closure for each benchmark query: what a Swift developer writes without
/// a query engine, using the standard library, with byte loops where the standard library's
/// String operations are known to be very slow (CONTAINS[c], LIKE); same semantics as RQL on this
/// data (ASCII names).
let closures: [@Sendable (Item) -> Bool] = [q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12]

@Sendable func q1(_ item: Item) -> Bool { item.age == 42 }
@Sendable func q2(_ item: Item) -> Bool { item.age >= 20 && item.age < 30 }
@Sendable func q3(_ item: Item) -> Bool { item.owner == "user42" }
@Sendable func q4(_ item: Item) -> Bool { item.name.hasPrefix("Ka") }
/// CONTAINS[c] "ra": ASCII case-insensitive byte search.
@Sendable func q5(_ item: Item) -> Bool {
    var previous: UInt8 = 0
    for b in item.name.utf8 {
        if previous | 0x20 == UInt8(ascii: "r") && b | 0x20 == UInt8(ascii: "a") { return true }
        previous = b
    }
    return false
}
/// LIKE "*a?o*": an 'a', any one character, an 'o' (the names are ASCII).
@Sendable func q6(_ item: Item) -> Bool {
    var before2: UInt8 = 0, before1: UInt8 = 0
    for b in item.name.utf8 {
        if before2 == UInt8(ascii: "a") && b == UInt8(ascii: "o") { return true }
        before2 = before1
        before1 = b
    }
    return false
}
let ageSet: [Int64] = [5, 15, 25, 35, 45]
@Sendable func q7(_ item: Item) -> Bool { ageSet.contains(item.age) }
@Sendable func q8(_ item: Item) -> Bool { item.tags.contains("urgent") }
@Sendable func q9(_ item: Item) -> Bool {
    guard item.age > 30, item.active, let score = item.score else { return false }
    return score < 500.0
}
@Sendable func q10(_ item: Item) -> Bool { item.owner == "user1" || item.owner == "user2" || item.age == 7 }
@Sendable func q11(_ item: Item) -> Bool { !(item.age < 50) }
@Sendable func q12(_ item: Item) -> Bool {
    guard let score = item.score else { return false }
    return score >= 100.0 && score <= 200.0
}

/// Foundation's `#Predicate` for each query, where it can express it (nil: it cannot: there is
/// no case-insensitive substring search and no LIKE in `#Predicate` on Linux).
let predicates: [Predicate<Item>?] = [p1, p2, p3, p4, nil, nil, p7, p8, p9, p10, p11, p12]

let p1: Predicate<Item> = #Predicate<Item> { $0.age == 42 }
let p2: Predicate<Item> = #Predicate<Item> { $0.age >= 20 && $0.age < 30 }
let p3: Predicate<Item> = #Predicate<Item> { $0.owner == "user42" }
let p4: Predicate<Item> = #Predicate<Item> { $0.name.starts(with: "Ka") }
let p7: Predicate<Item> = #Predicate<Item> { ageSet.contains($0.age) }
let p8: Predicate<Item> = #Predicate<Item> { $0.tags.contains("urgent") }
// A missing score must not match: nil becomes a value that fails the comparison.
let p9: Predicate<Item> = #Predicate<Item> { item in
    item.age > 30 && item.active && (item.score ?? 500.0) < 500.0
}
let owner1: String? = "user1", owner2: String? = "user2"
let p10: Predicate<Item> = #Predicate<Item> { item in
    item.owner == owner1 || item.owner == owner2 || item.age == 7
}
let p11: Predicate<Item> = #Predicate<Item> { !($0.age < 50) }
let p12: Predicate<Item> = #Predicate<Item> { item in
    (item.score ?? -1.0) >= 100.0 && (item.score ?? -1.0) <= 200.0
}
