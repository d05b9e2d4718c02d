import RQLSemantics
import RQLSyntax

extension Optimizer {
    /// Turns an OR of equalities on one scalar property into one set-membership comparison:
    /// `p == 1 OR q > 2 OR p == 3 OR p IN {4, 1}` becomes `p == {1, 3, 4} OR q > 2` (the merged
    /// comparison takes the place of the first term it replaces; values keep their first
    /// appearance order, duplicates removed).
    ///
    /// Terms merge when they compare the same non-list property with `==` against a constant or
    /// a constant list (no quantifier on the property, none or ANY on the list), either way round,
    /// and with the same `[c]` flag.
    ///
    /// Why results are kept: the interpreter evaluates `p == {v1, …, vn}` (a single value against
    /// a list, ANY implied) as "some `vi` with `equal(p, vi)`", which is exactly the OR of the
    /// `p == vi`; `ValueSemantics.equal` is symmetric, so `v == p` and `{…} == p` mean the same.
    /// OR is associative and commutative and has no side effects, so gathering its terms in one
    /// place changes nothing. Duplicates are recognised byte for byte (strings by their UTF-8
    /// bytes, doubles by their bits), never by Swift's `String ==`, which would merge canonically
    /// equivalent strings that realm tells apart.
    ///
    /// An AND of inequalities merges the same way: `p != 1 AND q > 2 AND p != 3` becomes
    /// `NOT p == {1, 3} AND q > 2`. For a non-list property against a single constant, `!=` is
    /// exactly `!equal` (`ValueSemantics.compare`), so by De Morgan the AND of the inequalities
    /// is the negation of the OR of the equalities, which merges as above. Only single constants
    /// take part: `p != {1, 3}` is an ANY comparison, not a conjunction. An AND of 200,000
    /// `_id != k` terms took one comparison per term and row; the set takes one lookup.
    ///
    /// A parameter (`QueryShape`) never merges: duplicates are found by value.
    package enum EqualitiesToSet {
        package static func apply(_ p: CheckedPredicate) -> CheckedPredicate {
            p.rewrittenBottomUp { node in
                switch node {
                case .or(let terms):
                    let merged = merge(terms, negated: false)
                    return merged.count == 1 ? merged[0] : .or(merged)
                case .and(let terms):
                    let merged = merge(terms, negated: true)
                    return merged.count == 1 ? merged[0] : .and(merged)
                default:
                    return node
                }
            }
        }

        /// What merges together: one property, one `[c]` flag.
        struct Key: Hashable {
            var property: PropertyReference
            var caseInsensitive: Bool
        }

        /// The OR's terms with each group of two or more mergeable equalities replaced by one (or,
        /// `negated`, the AND's terms with each group of inequalities replaced by `NOT p == {...}`).
        static func merge(_ terms: [CheckedPredicate], negated: Bool) -> [CheckedPredicate] {
            var groups: [Key: [Int]] = [:]
            var parts: [(key: Key, values: [Value], propertySide: CheckedOperand)?] = []
            for (i, term) in terms.enumerated() {
                let part = negated ? exclusion(term) : membership(term)
                parts.append(part)
                if let part { groups[part.key, default: []].append(i) }
            }
            var out: [CheckedPredicate] = []
            for (i, term) in terms.enumerated() {
                guard let part = parts[i], let members = groups[part.key], members.count > 1 else {
                    out.append(term)
                    continue
                }
                guard members[0] == i else { continue }  // merged into the group's first term
                var seen = Set<ExactValue>()
                var values: [Value] = []
                for m in members {
                    for v in parts[m]?.values ?? [] where seen.insert(ExactValue(v)).inserted {
                        values.append(v)
                    }
                }
                let range: SourceRange
                if case .comparison(let c) = term { range = c.range } else { range = .none }
                let right = values.count == 1 ? CheckedOperand(.constant(values[0])) : CheckedOperand(.list(values))
                var left = part.propertySide
                left.quantifier = nil
                let merged = CheckedPredicate.comparison(CheckedComparison(left, .equal, right, caseInsensitive: part.key.caseInsensitive, range: range))
                out.append(negated ? .not(merged) : merged)
            }
            return out
        }

        /// The property and value of `p != v` or `v != p` with a single constant `v`.
        static func exclusion(_ term: CheckedPredicate) -> (key: Key, values: [Value], propertySide: CheckedOperand)? {
            guard case .comparison(let c) = term, c.op == .notEqual else { return nil }
            for (propertySide, other) in [(c.left, c.right), (c.right, c.left)] {
                guard let p = propertySide.property, !p.isList, propertySide.quantifier == nil,
                      case .constant(let v) = other.kind, other.quantifier == nil, other.parameter == nil else { continue }
                return (Key(property: p, caseInsensitive: c.caseInsensitive), [v], propertySide)
            }
            return nil
        }

        /// The property and values of `p == v`, `v == p`, `p == {…}` or `{…} == p`, if the term
        /// is one of those.
        static func membership(_ term: CheckedPredicate) -> (key: Key, values: [Value], propertySide: CheckedOperand)? {
            guard case .comparison(let c) = term, c.op == .equal else { return nil }
            func values(_ o: CheckedOperand) -> [Value]? {
                switch o.kind {
                case .constant(let v): return o.quantifier == nil && o.parameter == nil ? [v] : nil
                case .list(let vs): return (o.quantifier == nil || o.quantifier == .any) && o.parameter == nil ? vs : nil
                case .property: return nil
                }
            }
            for (propertySide, other) in [(c.left, c.right), (c.right, c.left)] {
                guard let p = propertySide.property, !p.isList, propertySide.quantifier == nil,
                      let vs = values(other) else { continue }
                return (Key(property: p, caseInsensitive: c.caseInsensitive), vs, propertySide)
            }
            return nil
        }
    }

    /// A value compared bit for bit: strings by UTF-8 bytes, doubles by bit pattern. Two values
    /// with the same `ExactValue` behave identically in every comparison.
    struct ExactValue: Hashable {
        private enum Form: Hashable {
            case bytes([UInt8])
            case double(UInt64)
            case list([ExactValue])
            case other(Value)
        }
        private let form: Form

        init(_ v: Value) {
            switch v {
            case .string(let s): form = .bytes(Array(s.utf8))
            case .double(let d): form = .double(d.bitPattern)
            case .list(let vs): form = .list(vs.map(ExactValue.init))
            default: form = .other(v)
            }
        }
    }
}
