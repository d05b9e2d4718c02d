import RQLSemantics

extension Optimizer {
    /// Flattens the logic: an AND inside an AND (an OR inside an OR) is spliced into its parent,
    /// an AND/OR of one operand is that operand, and NOT NOT p is p.
    ///
    /// Why results are kept: AND and OR are associative (the interpreter evaluates `.and` as
    /// "all operands true", so nesting does not matter), the AND/OR of one operand has that
    /// operand's value, and `!!b == b`. Empty AND/OR are left for `PruneConstants`.
    package enum FlattenLogic {
        package static func apply(_ p: CheckedPredicate) -> CheckedPredicate {
            p.rewrittenBottomUp(step)
        }

        /// One node, whose children are already flat.
        static func step(_ p: CheckedPredicate) -> CheckedPredicate {
            switch p {
            case .not(.not(let q)):
                return q
            case .and(let ps):
                let flat = ps.flatMap { q -> [CheckedPredicate] in
                    if case .and(let inner) = q { return inner }
                    return [q]
                }
                return flat.count == 1 ? flat[0] : .and(flat)
            case .or(let ps):
                let flat = ps.flatMap { q -> [CheckedPredicate] in
                    if case .or(let inner) = q { return inner }
                    return [q]
                }
                return flat.count == 1 ? flat[0] : .or(flat)
            default:
                return p
            }
        }
    }
}
