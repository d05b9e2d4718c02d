import RQL

/// A condition that every document in a client's view satisfies, cheap to look a document up by.
/// A view's anchors (`Anchor.anchors(_:)`) only have to never miss: the matcher still evaluates
/// the whole view on every candidate they find.
///
/// Every kind is an exact consequence of realm's comparison rules (`ValueSemantics`): `[c]`, NaN
/// constants, decimal fractions (whose encodings do not hash alike), null bounds and `ALL`/`NONE`
/// never anchor.
enum Anchor: Hashable, Sendable {
    /// The property's value (or one element of a list) is one of `keys`.
    case values(property: Int, keys: [IndexKey])
    /// A string property's value starts with these bytes.
    case prefix(property: Int, bytes: [UInt8])
    /// A scalar int/long/double/date property's value lies within the bounds (at least one set).
    case range(property: Int, lower: Bound?, upper: Bound?)

    struct Bound: Hashable, Sendable {
        /// An int, a non-NaN double or a timestamp.
        var value: Value
        var inclusive: Bool
    }

    /// Anchors such that every document matching `p` satisfies at least one; nil when none are
    /// known (the view is tested on every change); empty when nothing matches.
    static func anchors(_ p: CheckedPredicate) -> [Anchor]? {
        switch p {
        case .constant(let value): return value ? nil : []
        case .not: return nil
        case .comparison(let c): return anchor(c).map { [$0] }
        case .or(let disjuncts):
            var all: [Anchor] = []
            for d in disjuncts {
                guard let anchors = anchors(d) else { return nil }
                all += anchors
            }
            return all
        case .and(let conjuncts):
            // A scalar's bounds from different conjuncts narrow to one range.
            var candidates = conjuncts.compactMap(anchors)
            candidates += mergedRanges(candidates.compactMap { $0.count == 1 ? $0[0] : nil })
            // Ties go to the later conjunct: in a view, the read filter's, which names the user
            // (`status == "open" AND owner == "u1"` is anchored by owner).
            return candidates.reversed().min { Selectivity($0) < Selectivity($1) }
        }
    }

    /// How to prefer one anchor set over another in an AND: fewer value keys first, then longer
    /// prefixes, then ranges bounded on both sides, then half ranges. A bool key counts as many
    /// keys: it splits documents in two at best (`owner IN {"a", "b"} AND done == false` is
    /// anchored by owner).
    struct Selectivity: Comparable {
        var kind: Int
        var size: Int

        init(_ anchors: [Anchor]) {
            kind = 0
            size = 0
            for a in anchors {
                switch a {
                case .values(_, let keys): size += keys.reduce(0) { $0 + ($1.isBool ? 100 : 1) }
                case .prefix(_, let bytes): kind = max(kind, 1); size += 1_000 - min(bytes.count, 999)
                case .range(_, let lower, let upper): kind = max(kind, lower != nil && upper != nil ? 2 : 3); size += 1
                }
            }
        }

        static func < (a: Selectivity, b: Selectivity) -> Bool { (a.kind, a.size) < (b.kind, b.size) }
    }

    /// The anchor of one comparison, if it has one.
    static func anchor(_ c: CheckedComparison) -> Anchor? {
        guard !c.caseInsensitive else { return nil }
        switch c.op {
        case .equal: return equality(c)
        case .beginsWith:
            guard let p = c.left.property, !p.isList, p.type == .string, case .constant(.string(let s)) = c.right.kind,
                  !s.utf8.isEmpty else { return nil }
            return .prefix(property: p.index, bytes: Array(s.utf8))
        case .between:
            guard let p = rangeProperty(c.left), case .list(let ends) = c.right.kind, c.right.quantifier == nil,
                  ends.count == 2, let low = boundValue(ends[0], p), let high = boundValue(ends[1], p) else { return nil }
            return .range(property: p.index, lower: Bound(value: low, inclusive: true), upper: Bound(value: high, inclusive: true))
        case .less, .lessEqual, .greater, .greaterEqual:
            var (side, op, other) = (c.left, c.op, c.right)
            if side.property == nil, let swapped = op.swapped { (side, op, other) = (c.right, swapped, c.left) }
            guard let p = rangeProperty(side), case .constant(let v) = other.kind, other.quantifier == nil,
                  let value = boundValue(v, p) else { return nil }
            let bound = Bound(value: value, inclusive: op == .lessEqual || op == .greaterEqual)
            return op == .less || op == .lessEqual
                ? .range(property: p.index, lower: nil, upper: bound)
                : .range(property: p.index, lower: bound, upper: nil)
        case .notEqual, .endsWith, .contains, .like: return nil
        }
    }

    /// `p == c`, `p IN {...}`, `c IN list`, `ANY list == c`: a property (scalar, or a list with
    /// implied ANY) equal to a constant or to any of a constant list.
    private static func equality(_ c: CheckedComparison) -> Anchor? {
        guard let (side, other) = c.propertyEquality, let property = side.property,
              side.quantifier == nil || side.quantifier == .any else { return nil }
        switch other.kind {
        case .constant(let v):
            guard let key = IndexKey.exact(v) else { return nil }
            return .values(property: property.index, keys: [key])
        case .list(let vs) where !property.isList && (other.quantifier == nil || other.quantifier == .any):
            var keys: [IndexKey] = []
            for v in vs {
                guard let key = IndexKey.exact(v) else { return nil }
                if !keys.contains(key) { keys.append(key) }
            }
            return .values(property: property.index, keys: keys)
        default: return nil
        }
    }

    /// A scalar property whose values are totally ordered with the bounds: no list (whose
    /// elements could satisfy two bounds separately), no decimal.
    private static func rangeProperty(_ side: CheckedOperand) -> PropertyReference? {
        guard let p = side.property, !p.isList, side.quantifier == nil,
              [.int, .long, .double, .date].contains(p.type) else { return nil }
        return p
    }

    /// A constant usable as a bound: null, NaN and decimals are not.
    private static func boundValue(_ v: Value, _ p: PropertyReference) -> Value? {
        switch v {
        case .int where p.type != .date, .timestamp where p.type == .date: return v
        case .double(let d) where p.type != .date && !d.isNaN: return v
        default: return nil
        }
    }

    /// One range per scalar property bounded by single-comparison anchors on both sides,
    /// keeping the tightest lower and upper bound.
    private static func mergedRanges(_ anchors: [Anchor]) -> [[Anchor]] {
        var bounds: [Int: (lower: Bound?, upper: Bound?)] = [:]
        var order: [Int] = []
        for case .range(let property, let lower, let upper) in anchors {
            if bounds[property] == nil { order.append(property) }
            var current = bounds[property] ?? (nil, nil)
            if let lower { current.lower = tighter(current.lower, lower, lower: true) }
            if let upper { current.upper = tighter(current.upper, upper, lower: false) }
            bounds[property] = current
        }
        return order.compactMap { property in
            guard let (lower, upper) = bounds[property], let lower, let upper else { return nil }
            return [.range(property: property, lower: lower, upper: upper)]
        }
    }

    private static func tighter(_ a: Bound?, _ b: Bound, lower: Bool) -> Bound {
        guard let a, let o = ValueSemantics.order(a.value, b.value) else { return b }
        if o == 0 { return a.inclusive ? b : a }
        return (o > 0) == lower ? a : b
    }
}

/// A value as an index key: numbers that are equal compare equal (`5` and `5.0`).
enum IndexKey: Hashable, Sendable {
    case value(Value)

    static func make(_ v: Value) -> IndexKey {
        switch v {
        case .double(let d): if let i = Int64(exactly: d) { return .value(.int(i)) }
        case .decimal(let d): if let i = d.int64Value { return .value(.int(i)) }
        default: break
        }
        return .value(v)
    }

    /// The key of a constant whose equals all have this same key; nil for a NaN (equal to
    /// nothing) and a decimal fraction (equal values may be encoded, and hashed, differently).
    static func exact(_ v: Value) -> IndexKey? {
        let key = make(v)
        switch key {
        case .value(.double(let d)) where d.isNaN: return nil
        case .value(.decimal): return nil
        default: return key
        }
    }

    var isBool: Bool {
        if case .value(.bool) = self { return true }
        return false
    }

    /// The keys a document's value is found under (each element of a list).
    static func keys(of v: Value) -> [IndexKey] {
        if case .list(let elements) = v { return elements.map(make) }
        return [make(v)]
    }
}
