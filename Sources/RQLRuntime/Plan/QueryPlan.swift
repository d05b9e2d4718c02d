import RQLSemantics

/// How a query reaches its objects: a scan of every object by the program, or index searches
/// whose rows the program then checks (unless the searches answer the whole query). Chosen per
/// query by `Planner.plan`, between the optimizer and the VM; `rql explain` and `.explain` print
/// it as SQLite's EXPLAIN QUERY PLAN does.
public struct QueryPlan: Sendable, CustomStringConvertible {
    public enum Access: Sendable {
        case scan
        /// The rows of one index search.
        case search(IndexSearch)
        /// The union of several (an OR whose every operand an index serves).
        case union([IndexSearch])

        public var isScan: Bool {
            if case .scan = self { return true }
            return false
        }
    }

    public let collection: String
    public let access: Access
    /// Whether the searches find exactly the matching rows, so the program need not run.
    public let isExact: Bool
    /// The rows the searches find (the scan: every row).
    public let estimatedRows: Int

    public var description: String { lines.joined(separator: "\n") }

    /// The searches, or nil for a scan.
    func searches(_ indexes: CollectionIndexes) -> [IndexSearch]? {
        switch access {
        case .scan: nil
        case .search(let s): [s]
        case .union(let searches): searches
        }
    }

    /// The rows the searches find, ascending and without repeats.
    func rows(_ indexes: CollectionIndexes) -> [Int] {
        guard let searches = searches(indexes) else { return [] }
        let found = searches.map { s in indexes[s.property.index].map(s.rows) ?? [] }
        return found.count == 1 ? found[0] : Planner.sortedUnique(found.flatMap { $0 })
    }

    /// The plan, a line per step, in EXPLAIN QUERY PLAN's words.
    public var lines: [String] {
        let checked = isExact ? [] : ["  then the program on each object found"]
        switch access {
        case .scan: return ["SCAN \(collection)"]
        case .search(let s): return [s.line(collection)] + checked
        case .union(let searches): return ["MULTI-INDEX OR"] + searches.map { "  " + $0.line(collection) } + checked
        }
    }
}

extension Array where Element: Comparable {
    /// Sorted, each value once, in place (no set allocated per call).
    mutating func sortAndRemoveRepeats() {
        sort()
        var kept = 0
        for i in indices where kept == 0 || self[kept - 1] != self[i] {
            self[kept] = self[i]
            kept += 1
        }
        removeLast(count - kept)
    }
}

/// One lookup in one property's index: some keys, or a range of keys.
public struct IndexSearch: Sendable {
    enum Keys: Sendable {
        case equal([ColumnKey])
        case range(KeyRange)
    }
    public let property: PropertyReference
    let keys: Keys

    func line(_ collection: String) -> String {
        let name = property.name
        let condition: String
        switch keys {
        case .equal(let keys) where keys.count == 1: condition = "\(name)=?"
        case .equal(let keys): condition = "\(name) IN (\(Array(repeating: "?", count: keys.count).joined(separator: ",")))"
        case .range(let r):
            let lower = r.lower.map { "\(name)>\($0.inclusive ? "=" : "")?" }
            let upper = r.upper.map { "\(name)<\($0.inclusive ? "=" : "")?" }
            condition = [lower, upper].compactMap { $0 }.joined(separator: " AND ")
        }
        return "SEARCH \(collection) USING INDEX \(name) (\(condition))"
    }

    /// How many rows the search finds; past `limit` the count of a range stops early.
    func count(_ index: SecondaryIndex, limit: Int = .max) -> Int {
        switch keys {
        case .equal(let keys): keys.reduce(0) { $0 + index.count(equalTo: $1) }
        case .range(let r): index.count(in: r, limit: limit) ?? 0
        }
    }

    /// How many rows numbered below `row` the search finds.
    func count(_ index: SecondaryIndex, below row: Int) -> Int? {
        switch keys {
        case .equal(let keys): keys.reduce(0) { $0 + index.count(equalTo: $1, below: row) }
        case .range(let r): index.count(in: r, below: row)
        }
    }

    /// The rows found, ascending and without repeats.
    func rows(_ index: SecondaryIndex) -> [Int] {
        switch keys {
        case .equal(let keys) where keys.count == 1: return index.rows(equalTo: keys[0])
        case .equal(let keys): return Planner.sortedUnique(keys.flatMap { index.rows(equalTo: $0) })
        case .range(let r): return (index.rows(in: r) ?? []).sorted()
        }
    }
}

/// Picks a query's access path from the indexes a collection has.
///
/// Only comparisons an index answers exactly are served: a property (or, for `"x" IN tags`, an
/// element of a list) against non-null constants of the property's own kind, with `==`, IN,
/// `<`, `<=`, `>`, `>=` and BETWEEN, without `[c]`. The rest (promotion across int and double,
/// null, NaN, `[c]`, string operators, NOT) is left to the program, which runs on every row the
/// searches find unless they answer the whole query; so a plan can only ever find a superset of
/// the matching rows, and the program decides, as in a scan.
public enum Planner {
    /// A search is worth it when it finds at most this fraction of the rows: each row found is
    /// checked out of order (a cache miss) where a scan reads columns in order, about 4x cheaper
    /// per row (measured with `rql-bench`); a range over half the rows stays a scan.
    public static let maxSearchedFraction = 0.25

    package static func plan(_ query: CheckedQuery, indexes: CollectionIndexes, rowCount: Int,
                            maxSearchedFraction: Double = maxSearchedFraction) -> QueryPlan {
        let scan = QueryPlan(collection: query.collection.title, access: .scan, isExact: false, estimatedRows: rowCount)
        guard !indexes.isEmpty, indexes.schema == query.collection,
              let found = Finder(indexes: indexes, limit: Int(Double(rowCount) * maxSearchedFraction)).access(query.predicate),
              Double(found.estimate) <= Double(rowCount) * maxSearchedFraction else { return scan }
        let access: QueryPlan.Access = found.searches.count == 1 ? .search(found.searches[0]) : .union(found.searches)
        return QueryPlan(collection: query.collection.title, access: access, isExact: found.exact, estimatedRows: found.estimate)
    }

    static func sortedUnique(_ rows: [Int]) -> [Int] {
        var rows = rows
        rows.sortAndRemoveRepeats()
        return rows
    }

    /// The searches of a predicate, whether they are exact, and how many rows they find.
    struct Found {
        var searches: [IndexSearch]
        var exact: Bool
        var estimate: Int
    }

    struct Finder {
        let indexes: CollectionIndexes
        /// The most rows worth searching: estimates stop counting past it.
        let limit: Int

        func access(_ p: CheckedPredicate) -> Found? {
            switch p {
            case .comparison(let c):
                guard let (search, exact) = search(c) else { return nil }
                return found([search], exact: exact)
            case .and(let terms):
                return conjunction(terms)
            case .or(let terms):
                var all = Found(searches: [], exact: true, estimate: 0)
                for term in terms {
                    guard let f = access(term) else { return nil }
                    all.searches += f.searches
                    all.exact = all.exact && f.exact
                    all.estimate += f.estimate
                }
                return all.searches.isEmpty ? nil : all
            case .not, .constant:
                return nil
            }
        }

        func found(_ searches: [IndexSearch], exact: Bool) -> Found {
            Found(searches: searches, exact: exact,
                  estimate: searches.reduce(0) { n, s in n + (indexes[s.property.index].map { s.count($0, limit: limit) } ?? 0) })
        }

        /// The cheapest operand's searches; bounds on one property merge into one range first
        /// (`age >= 20 AND age < 30`). Exact only when that covers every operand exactly.
        func conjunction(_ terms: [CheckedPredicate]) -> Found? {
            var best: (found: Found, covered: Int)?
            func consider(_ f: Found, covers: Int) {
                if best == nil || f.estimate < best!.found.estimate { best = (f, covers) }
            }
            var ranges: [Int: (range: KeyRange, exact: Bool, count: Int, property: PropertyReference)] = [:]
            for term in terms {
                if case .comparison(let c) = term, let (search, exact) = search(c), case .range(let r) = search.keys {
                    let p = search.property
                    if var merged = ranges[p.index] {
                        // A second bound on a side already bounded stays in the program: the
                        // range is then wider than the terms, so no longer exact.
                        let lowerFree = merged.range.lower == nil && r.lower != nil, upperFree = merged.range.upper == nil && r.upper != nil
                        if lowerFree { merged.range.lower = r.lower }
                        if upperFree { merged.range.upper = r.upper }
                        let absorbed = (r.lower == nil || lowerFree) && (r.upper == nil || upperFree)
                        merged.exact = merged.exact && exact && absorbed
                        merged.count += 1
                        ranges[p.index] = merged
                    } else {
                        ranges[p.index] = (r, exact, 1, p)
                    }
                } else if let f = access(term) {
                    consider(f, covers: f.exact ? 1 : 0)
                }
            }
            for (_, r) in ranges {
                let f = found([IndexSearch(property: r.property, keys: .range(r.range))], exact: r.exact)
                consider(f, covers: r.exact ? r.count : 0)
            }
            guard var chosen = best else { return nil }
            chosen.found.exact = chosen.covered == terms.count
            return chosen.found
        }

        /// The search answering one comparison, and whether it is exact.
        func search(_ original: CheckedComparison) -> (IndexSearch, Bool)? {
            var c = original
            if c.left.property == nil, c.right.property != nil, let swapped = c.op.swapped {
                c = CheckedComparison(c.right, swapped, c.left, caseInsensitive: c.caseInsensitive, range: c.range)
            }
            guard !c.caseInsensitive, let p = c.left.property, let index = indexes[p.index] else { return nil }
            // A list property: only ANY element equal (`"x" IN tags`).
            if p.isList {
                guard c.op == .equal, c.left.quantifier == nil || c.left.quantifier == .any,
                      case .constant(let v) = c.right.kind, let key = ColumnKey(v, type: p.type) else { return nil }
                return (IndexSearch(property: p, keys: .equal([key])), true)
            }
            guard c.left.quantifier == nil else { return nil }
            switch (c.op, c.right.kind) {
            case (.equal, .constant(let v)):
                guard let key = ColumnKey(v, type: p.type) else { return nil }
                return (IndexSearch(property: p, keys: .equal([key])), true)
            case (.equal, .list(let values)) where c.right.quantifier == nil || c.right.quantifier == .any:
                var keys: [ColumnKey] = []
                for v in values {
                    guard let key = ColumnKey(v, type: p.type) else { return nil }
                    if !keys.contains(key) { keys.append(key) }
                }
                guard !keys.isEmpty else { return nil }
                return (IndexSearch(property: p, keys: .equal(keys)), true)
            case (.less, .constant(let v)), (.lessEqual, .constant(let v)), (.greater, .constant(let v)), (.greaterEqual, .constant(let v)):
                guard index.isOrdered, let key = ColumnKey(v, type: p.type) else { return nil }
                let bound = KeyRange.Bound(key: key, inclusive: c.op == .lessEqual || c.op == .greaterEqual)
                let range = c.op == .less || c.op == .lessEqual ? KeyRange(lower: nil, upper: bound) : KeyRange(lower: bound, upper: nil)
                return (IndexSearch(property: p, keys: .range(range)), p.type != .date)
            case (.between, .list(let bounds)) where bounds.count == 2 && c.right.quantifier == nil:
                guard index.isOrdered, let lower = ColumnKey(bounds[0], type: p.type), let upper = ColumnKey(bounds[1], type: p.type) else { return nil }
                let range = KeyRange(lower: .init(key: lower, inclusive: true), upper: .init(key: upper, inclusive: true))
                return (IndexSearch(property: p, keys: .range(range)), p.type != .date)
            default:
                return nil
            }
        }
    }
}
