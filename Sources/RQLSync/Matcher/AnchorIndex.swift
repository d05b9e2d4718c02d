import RQL

/// A client's place in the matcher (reused after the client is removed).
typealias Slot = Int32

/// The clients of one collection by their views' anchors: a changed document is looked up by
/// its values, and the clients found are the only ones whose views can contain it (plus the
/// unanchored ones, tested on every change).
struct AnchorIndex: Sendable {
    var values: [Int: [IndexKey: [Slot]]] = [:]
    /// By property, then prefix length in bytes, then the prefix.
    var prefixes: [Int: [Int: [[UInt8]: [Slot]]]] = [:]
    var ranges: [Int: RangeIndex] = [:]
    var unanchored: [Slot] = []

    /// Adds a view's anchors (nil: unanchored).
    mutating func insert(_ anchors: [Anchor]?, _ slot: Slot) {
        guard let anchors else { return unanchored.append(slot) }
        for anchor in anchors {
            switch anchor {
            case .values(let property, let keys):
                for key in keys { values[property, default: [:]][key, default: []].append(slot) }
            case .prefix(let property, let bytes):
                prefixes[property, default: [:]][bytes.count, default: [:]][bytes, default: []].append(slot)
            case .range(let property, let lower, let upper):
                ranges[property, default: RangeIndex()].insert(lower: lower, upper: upper, slot)
            }
        }
    }

    /// Removes what `insert` added, touching only those entries; emptied keys are dropped.
    mutating func remove(_ anchors: [Anchor]?, _ slot: Slot) {
        guard let anchors else { return unanchored.removeSlot(slot) }
        for anchor in anchors {
            switch anchor {
            case .values(let property, let keys):
                for key in keys { values.update(at: property) { $0.update(at: key) { $0.removeSlot(slot) } } }
            case .prefix(let property, let bytes):
                prefixes.update(at: property) { byLength in
                    byLength.update(at: bytes.count) { $0.update(at: bytes) { $0.removeSlot(slot) } }
                }
            case .range(let property, let lower, let upper):
                ranges.update(at: property) { $0.remove(lower: lower, upper: upper, slot) }
            }
        }
    }

    /// Appends the slots whose anchors the document satisfies (with repeats).
    func candidates(of document: Document, into out: inout [Slot]) {
        for (property, byKey) in values {
            for key in IndexKey.keys(of: document.value(ofProperty: property)) {
                if let slots = byKey[key] { out += slots }
            }
        }
        for (property, byLength) in prefixes {
            guard case .string(let s) = document.value(ofProperty: property) else { continue }
            let bytes = Array(s.utf8)
            for (length, byPrefix) in byLength where length <= bytes.count {
                if let slots = byPrefix[Array(bytes[..<length])] { out += slots }
            }
        }
        for (property, index) in ranges {
            index.candidates(of: document.value(ofProperty: property), into: &out)
        }
    }

    /// Slots recorded plus the keys, lengths and bounds holding them: zero once every client
    /// is removed.
    var entryCount: Int {
        unanchored.count
            + values.values.reduce(0) { $0 + 1 + $1.values.reduce(0) { $0 + 1 + $1.count } }
            + prefixes.values.reduce(0) { $0 + 1 + $1.values.reduce(0) { $0 + 1 + $1.values.reduce(0) { $0 + 1 + $1.count } } }
            + ranges.values.reduce(0) { $0 + 1 + $1.entryCount }
    }

    var isEmpty: Bool { values.isEmpty && prefixes.isEmpty && ranges.isEmpty && unanchored.isEmpty }
}

/// The range anchors on one scalar property: by their lower bound, or by the upper bound for
/// those without one.
struct RangeIndex: Sendable {
    var byLower = SortedBounds()
    var byUpper = SortedBounds()
    /// The upper-bounded slots whose bound is an int: a NaN satisfies them all (it sorts below
    /// every int), and only them. Kept apart because `5` and `5.0` share one bound value.
    var belowAnInt: [Slot] = []

    mutating func insert(lower: Anchor.Bound?, upper: Anchor.Bound?, _ slot: Slot) {
        if let lower { return byLower.insert(lower, slot) }
        guard let upper else { return }
        byUpper.insert(upper, slot)
        if case .int = upper.value { belowAnInt.append(slot) }
    }

    mutating func remove(lower: Anchor.Bound?, upper: Anchor.Bound?, _ slot: Slot) {
        if let lower { return byLower.remove(lower, slot) }
        guard let upper else { return }
        byUpper.remove(upper, slot)
        if case .int = upper.value { belowAnInt.removeSlot(slot) }
    }

    /// The slots whose half-open bound the value satisfies, walking only those bounds.
    func candidates(of value: Value, into out: inout [Slot]) {
        if case .double(let d) = value, d.isNaN { return out += belowAnInt }
        // Null and values of other kinds satisfy no bound (`ValueSemantics.compare`).
        if let (p, equal) = byLower.position(of: value) {
            for i in 0..<p { out += byLower.inclusive[i]; out += byLower.exclusive[i] }
            if equal { out += byLower.inclusive[p] }
        }
        if let (p, equal) = byUpper.position(of: value) {
            if equal { out += byUpper.inclusive[p] }
            for i in (equal ? p + 1 : p)..<byUpper.bounds.count { out += byUpper.inclusive[i]; out += byUpper.exclusive[i] }
        }
    }

    var entryCount: Int { byLower.entryCount + byUpper.entryCount + belowAnInt.count }
    var isEmpty: Bool { byLower.bounds.isEmpty && byUpper.bounds.isEmpty }
}

/// Distinct bound values in ascending order, with the slots bounded at each (inclusive or not).
struct SortedBounds: Sendable {
    private(set) var bounds: [Value] = []
    private(set) var inclusive: [[Slot]] = []
    private(set) var exclusive: [[Slot]] = []

    /// The first bound at or above `value`, and whether it equals it; nil when the value is not
    /// ordered with the bounds (null, another kind).
    func position(of value: Value) -> (Int, equal: Bool)? {
        var low = 0, high = bounds.count
        while low < high {
            let mid = (low + high) / 2
            guard let o = ValueSemantics.order(bounds[mid], value) else { return nil }
            if o < 0 { low = mid + 1 } else { high = mid }
        }
        if low == bounds.count {
            // Still ask one bound, so a value of another kind is not taken as above them all.
            guard let first = bounds.first else { return (0, false) }
            return ValueSemantics.order(first, value) == nil ? nil : (low, false)
        }
        guard let o = ValueSemantics.order(bounds[low], value) else { return nil }
        return (low, o == 0)
    }

    mutating func insert(_ bound: Anchor.Bound, _ slot: Slot) {
        guard let (i, equal) = position(of: bound.value) else { preconditionFailure("a bound outside the order") }
        if !equal {
            // O(distinct bounds) memmove: inserting a new bound value is rare next to lookups.
            bounds.insert(bound.value, at: i)
            inclusive.insert([], at: i)
            exclusive.insert([], at: i)
        }
        if bound.inclusive { inclusive[i].append(slot) } else { exclusive[i].append(slot) }
    }

    mutating func remove(_ bound: Anchor.Bound, _ slot: Slot) {
        guard let (i, equal) = position(of: bound.value), equal else { return }
        if bound.inclusive { inclusive[i].removeSlot(slot) } else { exclusive[i].removeSlot(slot) }
        if inclusive[i].isEmpty && exclusive[i].isEmpty {
            bounds.remove(at: i)
            inclusive.remove(at: i)
            exclusive.remove(at: i)
        }
    }

    var entryCount: Int { bounds.count + inclusive.reduce(0) { $0 + $1.count } + exclusive.reduce(0) { $0 + $1.count } }
}

extension Array where Element == Slot {
    /// Removes one occurrence (a view adds a slot once per anchor); order is not kept.
    mutating func removeSlot(_ slot: Slot) {
        guard let i = lastIndex(of: slot) else { return }
        swapAt(i, count - 1)
        removeLast()
    }
}

extension Dictionary {
    /// Updates the entry at `key` in place with `body`, dropping it once it is empty.
    fileprivate mutating func update(at key: Key, _ body: (inout Value) -> Void) where Value: EmptyTestable {
        guard self[key] != nil else { return }
        body(&self[key]!)
        if self[key]!.isEmpty { self[key] = nil }
    }
}

/// Containers that are dropped from the index once empty.
protocol EmptyTestable { var isEmpty: Bool { get } }
extension Array: EmptyTestable {}
extension Dictionary: EmptyTestable {}
extension RangeIndex: EmptyTestable {}
