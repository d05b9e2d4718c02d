import RQLSemantics

extension Optimizer {
    /// Removes TRUEPREDICATE and FALSEPREDICATE from the logic: `p AND TRUE` is `p`,
    /// `p AND FALSE` is `FALSE`, `p OR TRUE` is `TRUE`, `p OR FALSE` is `p`, `NOT TRUE` is `FALSE`;
    /// an AND/OR left with one operand is that operand, an empty AND is TRUE and an empty OR FALSE.
    ///
    /// Why results are kept: the interpreter evaluates `.and` as "every operand is true" and
    /// `.or` as "some operand is true", so TRUE is the identity of AND and FALSE its absorbing
    /// element (dually for OR), and the empty AND/OR have exactly those values
    /// (`allSatisfy`/`contains` on an empty array).
    package enum PruneConstants {
        package static func apply(_ p: CheckedPredicate) -> CheckedPredicate {
            p.rewrittenBottomUp(step)
        }

        /// One node, whose children are already pruned.
        static func step(_ p: CheckedPredicate) -> CheckedPredicate {
            switch p {
            case .not(.constant(let b)):
                return .constant(!b)
            case .and(let ps):
                return prune(ps, identity: true, wrap: CheckedPredicate.and)
            case .or(let ps):
                return prune(ps, identity: false, wrap: CheckedPredicate.or)
            default:
                return p
            }
        }

        /// `identity` is the constant that can be dropped; its negation decides the whole node.
        private static func prune(_ ps: [CheckedPredicate], identity: Bool,
                                  wrap: ([CheckedPredicate]) -> CheckedPredicate) -> CheckedPredicate {
            var kept: [CheckedPredicate] = []
            for q in ps {
                if case .constant(let b) = q {
                    if b == identity { continue }
                    return .constant(!identity)
                }
                kept.append(q)
            }
            if kept.isEmpty { return .constant(identity) }
            if kept.count == 1 { return kept[0] }
            return wrap(kept)
        }
    }
}
