/// Copies of a tree with every source range set to `.none`, so that trees parsed from different
/// spellings of the same query compare equal (`parse(print(q))` against `q`).
extension Query {
    public func erasingRanges() -> Query {
        Query(predicate: predicate.erasingRanges(), suffixes: suffixes.map { $0.erasingRanges() }, range: .none)
    }
}

extension Predicate {
    public func erasingRanges() -> Predicate {
        switch self {
        case .constant(let b, _): .constant(b, .none)
        case .not(let p, _): .not(p.erasingRanges(), .none)
        case .and(let ps, _): .and(ps.map { $0.erasingRanges() }, .none)
        case .or(let ps, _): .or(ps.map { $0.erasingRanges() }, .none)
        case .comparison(let c):
            .comparison(Comparison(c.lhs.erasingRanges(), c.op, c.rhs.erasingRanges(), caseInsensitive: c.caseInsensitive))
        case .missing: .missing(.none)
        }
    }
}

extension Expression {
    public func erasingRanges() -> Expression {
        switch self {
        case .literal(let l): .literal(Literal(l.value))
        case .argument(let a): .argument(Argument(a.index, quantifier: a.quantifier))
        case .list(let l): .list(ListLiteral(l.elements.map { $0.erasingRanges() }, quantifier: l.quantifier))
        case .keyPath(let k):
            .keyPath(KeyPathExpression(k.path.erasingRanges(), quantifier: k.quantifier, postOperation: k.postOperation))
        case .aggregate(let a): .aggregate(Aggregate(a.path.erasingRanges(), a.op, property: a.property))
        case .subquery(let s):
            .subquery(Subquery(path: s.path.erasingRanges(), variable: s.variable,
                               predicate: s.predicate.erasingRanges(), sizeSpelling: s.sizeSpelling))
        case .arithmetic(let a): .arithmetic(Arithmetic(a.lhs.erasingRanges(), a.op, a.rhs.erasingRanges()))
        case .geometry(let g): .geometry(Geometry(g.shape))
        case .missing: .missing(.none)
        }
    }
}

extension KeyPath {
    public func erasingRanges() -> KeyPath {
        KeyPath(components.map { PathComponent($0.kind) })
    }
}

extension QuerySuffix {
    public func erasingRanges() -> QuerySuffix {
        switch kind {
        case .sort(let keys): QuerySuffix(.sort(keys.map { SortKey($0.path.erasingRanges(), ascending: $0.ascending) }))
        case .distinct(let paths): QuerySuffix(.distinct(paths.map { $0.erasingRanges() }))
        case .limit: QuerySuffix(kind)
        }
    }
}
