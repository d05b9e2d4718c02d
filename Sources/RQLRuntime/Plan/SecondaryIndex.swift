import RQLSemantics

/// A property value as an index key. Two values of the property's own kind have equal keys
/// exactly when realm's `==` holds between them: strings by their bytes (never Swift's
/// canonical equivalence), doubles by value (0.0 and -0.0 together; NaN equals nothing, so it has
/// no key), everything else by value.
enum ColumnKey: Hashable, Sendable {
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case bool(Bool)
    case timestamp(Timestamp)
    case objectId(ObjectId)
    case uuid(UUIDValue)

    /// The key of `value` for a property of type `type`; nil for null, NaN, and a value of
    /// another kind (`5.0` against an int property: the planner leaves such comparisons to the
    /// scan rather than reason about promotion).
    init?(_ value: Value, type: ScalarType) {
        switch (type, value) {
        case (.int, .int(let i)), (.long, .int(let i)): self = .int(i)
        case (.double, .double(let d)) where !d.isNaN: self = .double(d == 0 ? 0 : d)
        case (.string, .string(let s)): self = .bytes(Array(s.utf8))
        case (.bool, .bool(let b)): self = .bool(b)
        case (.date, .timestamp(let t)): self = .timestamp(t)
        case (.objectId, .objectId(let o)): self = .objectId(o)
        case (.uuid, .uuid(let u)): self = .uuid(u)
        default: return nil
        }
    }
}

/// A secondary index on one property of a collection: for each key the rows holding it (for a
/// list, the rows with an element equal to it), in ascending order; and, for ints, doubles and
/// dates, the keys in order, for ranges. Nulls and NaNs are not indexed: no comparison the
/// planner serves with an index matches them.
///
/// A row is a number that only grows as rows are stored (a `ColumnarCollection`'s position, a
/// live collection's handle), so adding rows in storage order appends. A live collection keeps
/// the entries of rows it deletes or replaces, which the snapshots taken before still see, and
/// removes only entries no snapshot can reach (`remove`).
/// (`@unchecked`: mutable, but changed only before it is shared or under `LiveIndexes`' lock.)
package final class SecondaryIndex: @unchecked Sendable {
    /// The property, resolved against the collection's schema.
    package let property: PropertyReference
    private var postings: [ColumnKey: [Int]] = [:]
    private var ordered: OrderedKeys?

    /// The property types an index can be made on: scalars of these types and lists of strings and
    /// ints.
    package static func canIndex(_ property: PropertyReference) -> Bool {
        switch property.type {
        case .int, .long, .string: true
        case .double, .bool, .date, .objectId, .uuid: !property.isList
        case .decimal, .binData: false
        }
    }

    init(_ property: PropertyReference) {
        precondition(Self.canIndex(property))
        self.property = property
        if !property.isList {
            switch property.type {
            case .int, .long: ordered = .int(OrderedEntries())
            case .double: ordered = .double(OrderedEntries())
            case .date: ordered = .date(OrderedEntries())
            case .objectId, .string, .decimal, .bool, .uuid, .binData: break
            }
        }
    }

    /// Records row `row`'s value.
    func add(_ value: Value, row: Int) {
        if property.isList {
            for key in keys(of: value) { add(key, row) }
        } else if let key = ColumnKey(value, type: property.type) {
            add(key, row)
        }
    }

    private func add(_ key: ColumnKey, _ row: Int) {
        Self.insertSorted(row, into: &postings[key, default: []])
        switch (ordered, key) {
        case (.int(let entries), .int(let i)): entries.insert(i, row)
        case (.double(let entries), .double(let d)): entries.insert(d, row)
        case (.date(let entries), .timestamp(let t)): entries.insert(t, row)
        default: break
        }
    }

    /// Forgets that row `row` holds `value` (what `add` recorded).
    func remove(_ value: Value, row: Int) {
        let keys = keys(of: value)
        for key in keys {
            if let i = postings[key].map({ Self.position(of: row, in: $0) }), i < postings[key]!.count, postings[key]![i] == row {
                postings[key]!.remove(at: i)
                if postings[key]!.isEmpty { postings[key] = nil }
            }
            switch (ordered, key) {
            case (.int(let entries), .int(let i)): entries.remove(i, row)
            case (.double(let entries), .double(let d)): entries.remove(d, row)
            case (.date(let entries), .timestamp(let t)): entries.remove(t, row)
            default: break
            }
        }
    }

    /// Removes every entry whose row lies in `rows` (a compacted segment's): one pass over the
    /// index, rather than a search per row.
    func removeRows(in rows: Range<Int>) {
        for key in Array(postings.keys) {
            let (lower, upper) = postings[key].map { (Self.position(of: rows.lowerBound, in: $0), Self.position(of: rows.upperBound, in: $0)) } ?? (0, 0)
            guard lower < upper else { continue }
            postings[key]!.removeSubrange(lower..<upper)
            if postings[key]!.isEmpty { postings[key] = nil }
        }
        switch ordered {
        case .int(let e): e.removeRows(in: rows)
        case .double(let e): e.removeRows(in: rows)
        case .date(let e): e.removeRows(in: rows)
        case nil: break
        }
    }

    /// Row `row`'s value changes from `old` to `new`: its entries move, unless the keys are the same.
    func replace(_ old: Value, with new: Value, row: Int) {
        guard keys(of: old) != keys(of: new) else { return }
        remove(old, row: row)
        add(new, row: row)
    }

    /// The keys a value is found under: a list's distinct elements, or the value itself; none
    /// for null and NaN.
    private func keys(of value: Value) -> [ColumnKey] {
        guard property.isList else { return ColumnKey(value, type: property.type).map { [$0] } ?? [] }
        guard case .list(let elements) = value else { return [] }
        // A set for the repeats: a list may be long, and a linear search per element is quadratic.
        var keys: [ColumnKey] = []
        var seen = Set<ColumnKey>()
        for element in elements {
            if let key = ColumnKey(element, type: property.type), seen.insert(key).inserted { keys.append(key) }
        }
        return keys
    }

    /// Where `row` is or would go in ascending `rows`.
    private static func position(of row: Int, in rows: [Int]) -> Int {
        var lo = 0, hi = rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if rows[mid] < row { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Rows arrive in ascending order but for a row changed in place: appending is the rule.
    private static func insertSorted(_ row: Int, into rows: inout [Int]) {
        if let last = rows.last, last > row {
            rows.insert(row, at: position(of: row, in: rows))
        } else {
            rows.append(row)
        }
    }

    /// The rows holding `key`, ascending.
    func rows(equalTo key: ColumnKey) -> [Int] { postings[key] ?? [] }

    /// How many rows hold `key`.
    func count(equalTo key: ColumnKey) -> Int { postings[key]?.count ?? 0 }

    /// How many rows numbered below `row` hold `key`.
    func count(equalTo key: ColumnKey, below row: Int) -> Int {
        postings[key].map { Self.position(of: row, in: $0) } ?? 0
    }

    /// Whether ranges can be served (ints, doubles and dates that are not lists).
    var isOrdered: Bool { ordered != nil }

    /// The rows whose value lies within the range, in no particular order; nil when the index
    /// has no order or a bound is of another kind.
    func rows(in range: KeyRange) -> [Int]? {
        switch ordered {
        case .int(let e): e.rows(in: range)
        case .double(let e): e.rows(in: range)
        case .date(let e): e.rows(in: range)
        case nil: nil
        }
    }

    /// How many rows numbered below `row` lie within the range; nil as for `rows(in:)`.
    func count(in range: KeyRange, below row: Int) -> Int? {
        switch ordered {
        case .int(let e): e.count(in: range, below: row)
        case .double(let e): e.count(in: range, below: row)
        case .date(let e): e.count(in: range, below: row)
        case nil: nil
        }
    }

    /// How many rows `rows(in:)` gives, without collecting them; past `limit` the count stops
    /// (at some number above it).
    func count(in range: KeyRange, limit: Int = .max) -> Int? {
        switch ordered {
        case .int(let e): e.count(in: range, limit: limit)
        case .double(let e): e.count(in: range, limit: limit)
        case .date(let e): e.count(in: range, limit: limit)
        case nil: nil
        }
    }

    private enum OrderedKeys {
        case int(OrderedEntries<Int64>)
        case double(OrderedEntries<Double>)
        case date(OrderedEntries<Timestamp>)
    }
}

/// An interval of keys, each end open, closed or absent.
struct KeyRange: Hashable, Sendable {
    struct Bound: Hashable, Sendable {
        var key: ColumnKey
        var inclusive: Bool
    }
    var lower: Bound?
    var upper: Bound?
}

/// The key types of ordered indexes, and how a `ColumnKey` bound reads as one.
protocol OrderedKey: Comparable {
    init?(_ key: ColumnKey)
}

extension Int64: OrderedKey {
    init?(_ key: ColumnKey) { if case .int(let i) = key { self = i } else { return nil } }
}

extension Double: OrderedKey {
    init?(_ key: ColumnKey) { if case .double(let d) = key { self = d } else { return nil } }
}

extension Timestamp: OrderedKey {
    init?(_ key: ColumnKey) { if case .timestamp(let t) = key { self = t } else { return nil } }
}

/// `(key, row)` pairs in key order, in buckets of at most `bucketSize`: an insert moves at most
/// one bucket's entries, not the whole index.
final class OrderedEntries<Key: OrderedKey> {
    static var bucketSize: Int { 1_024 }
    private var buckets: [[(key: Key, row: Int)]] = []
    /// Each bucket's first key, for the binary search.
    private var firstKeys: [Key] = []
    /// The largest row ever inserted: when it is below a snapshot's end, every entry is a row
    /// stored before the snapshot.
    private var maxRow = Int.min

    func insert(_ key: Key, _ row: Int) {
        maxRow = max(maxRow, row)
        guard !buckets.isEmpty else {
            buckets = [[(key, row)]]
            firstKeys = [key]
            return
        }
        // The last bucket whose first key is <= key (or the first bucket); among equal keys, by row.
        let b = max(0, upperBound(firstKeys, key) - 1)
        var i = upperBound(buckets[b], key)
        while i > 0, buckets[b][i - 1].key == key, buckets[b][i - 1].row > row { i -= 1 }
        buckets[b].insert((key, row), at: i)
        firstKeys[b] = buckets[b][0].key
        if buckets[b].count > Self.bucketSize {
            let half = Array(buckets[b][(Self.bucketSize / 2)...])
            buckets[b].removeLast(half.count)
            buckets.insert(half, at: b + 1)
            firstKeys.insert(half[0].key, at: b + 1)
        }
    }

    /// Removes the entries whose rows lie in `rows`.
    func removeRows(in rows: Range<Int>) {
        var b = 0
        while b < buckets.count {
            buckets[b].removeAll { rows.contains($0.row) }
            if buckets[b].isEmpty {
                buckets.remove(at: b)
                firstKeys.remove(at: b)
            } else {
                firstKeys[b] = buckets[b][0].key
                b += 1
            }
        }
    }

    /// Removes the entry `(key, row)`, if there is one.
    func remove(_ key: Key, _ row: Int) {
        // Equal keys may span buckets: from the first bucket that can hold the key.
        var b = max(0, lowerBound(firstKeys, key) - 1)
        while b < buckets.count {
            let start = lowerBound(buckets[b], key), end = upperBound(buckets[b], key)
            // Equal keys are in row order.
            var lo = start, hi = end
            while lo < hi {
                let mid = (lo + hi) / 2
                if buckets[b][mid].row < row { lo = mid + 1 } else { hi = mid }
            }
            if lo < end, buckets[b][lo].row == row {
                let i = lo
                buckets[b].remove(at: i)
                if buckets[b].isEmpty {
                    buckets.remove(at: b)
                    firstKeys.remove(at: b)
                } else {
                    firstKeys[b] = buckets[b][0].key
                }
                return
            }
            if end < buckets[b].count { return }
            b += 1
        }
    }

    func rows(in range: KeyRange) -> [Int]? {
        var rows: [Int] = []
        guard visit(range, { bucket, run in
            for i in run { rows.append(bucket[i].row) }
            return true
        }) else { return nil }
        return rows
    }

    /// How many entries with rows below `end` lie within the range: two binary searches per
    /// bucket when every row is, one comparison per entry otherwise.
    func count(in range: KeyRange, below end: Int) -> Int? {
        if maxRow < end { return count(in: range, limit: .max) }
        var n = 0
        guard visit(range, { bucket, run in
            for i in run where bucket[i].row < end { n += 1 }
            return true
        }) else { return nil }
        return n
    }

    /// Counting a range costs two binary searches per bucket it spans, up to `limit`.
    func count(in range: KeyRange, limit: Int) -> Int? {
        var n = 0
        guard visit(range, { _, run in
            n += run.count
            return n <= limit
        }) else { return nil }
        return n
    }

    /// `body` on each bucket's run of entries within the range, while it returns true; false
    /// when a bound is of another kind.
    private func visit(_ range: KeyRange, _ body: ([(key: Key, row: Int)], Range<Int>) -> Bool) -> Bool {
        var lower: (value: Key, inclusive: Bool)?, upper: (value: Key, inclusive: Bool)?
        if let l = range.lower {
            guard let key = Key(l.key) else { return false }
            lower = (key, l.inclusive)
        }
        if let u = range.upper {
            guard let key = Key(u.key) else { return false }
            upper = (key, u.inclusive)
        }
        var b = lower.map { max(0, lowerBound(firstKeys, $0.value) - 1) } ?? 0
        while b < buckets.count {
            let bucket = buckets[b]
            var start = 0
            if let lower {
                start = lower.inclusive ? lowerBound(bucket, lower.value) : upperBound(bucket, lower.value)
            }
            var end = bucket.count
            var last = false
            if let upper {
                end = upper.inclusive ? upperBound(bucket, upper.value) : lowerBound(bucket, upper.value)
                last = end < bucket.count
            }
            if start < end, !body(bucket, start..<end) { break }
            if last { break }
            b += 1
        }
        return true
    }

    private func lowerBound(_ keys: [Key], _ key: Key) -> Int {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private func upperBound(_ keys: [Key], _ key: Key) -> Int {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if key < keys[mid] { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    private func lowerBound(_ entries: [(key: Key, row: Int)], _ key: Key) -> Int {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].key < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private func upperBound(_ entries: [(key: Key, row: Int)], _ key: Key) -> Int {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if key < entries[mid].key { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
