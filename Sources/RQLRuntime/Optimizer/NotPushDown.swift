import RQLSemantics

extension Optimizer {
    /// Pushes NOT down to the comparisons: `NOT (a AND b)` is `NOT a OR NOT b`,
    /// `NOT (a OR b)` is `NOT a AND NOT b` (De Morgan), `NOT NOT p` is `p`, `NOT TRUEPREDICATE`
    /// is `FALSEPREDICATE`, and `NOT a == v` is `a != v` (and `!=` back to `==`) when both sides
    /// are single values; `NOT a < 5` is `a >= 5` (and so on) only for a required int property
    /// against an int. This is the one place a NOT is absorbed into a comparison.
    ///
    /// Why results are kept: the interpreter evaluates AND/OR/NOT as plain boolean logic, where
    /// De Morgan's laws and double negation hold. For a comparison, the negation is absorbed only
    /// when the interpreter decides it with one call of `ValueSemantics.compare` (neither side a
    /// list, no quantifier) and the operator is `==` or `!=`, which that function defines as exact
    /// complements (`!=` is `!equal(...)`, nulls included, with or without `[c]`). Ordering
    /// operators stay under NOT: `NOT a < 5` is not `a >= 5`, since both `<` and `>=` are false on
    /// null and NaN, except where neither can occur: a required int property against an int. Comparisons involving lists stay under NOT too: `NOT ANY tags == 'x'` is
    /// `NONE`, not `ANY tags != 'x'`, and a whole-list `!=` also matches lists of other lengths.
    package enum NotPushDown {
        package static func apply(_ p: CheckedPredicate) -> CheckedPredicate {
            push(p, negated: false)
        }

        /// `p`, or `NOT p` when `negated`, with every NOT moved as far down as it exactly goes.
        static func push(_ p: CheckedPredicate, negated: Bool) -> CheckedPredicate {
            switch p {
            case .constant(let b):
                return .constant(b != negated)
            case .not(let q):
                return push(q, negated: !negated)
            case .and(let ps):
                let children = ps.map { push($0, negated: negated) }
                return negated ? .or(children) : .and(children)
            case .or(let ps):
                let children = ps.map { push($0, negated: negated) }
                return negated ? .and(children) : .or(children)
            case .comparison(let c):
                guard negated else { return p }
                if let complement = complement(c) { return .comparison(complement) }
                return .not(p)
            }
        }

        /// The comparison that is true exactly when `c` is false, when one is known exactly.
        static func complement(_ c: CheckedComparison) -> CheckedComparison? {
            guard isSingleValued(c.left), isSingleValued(c.right) else { return nil }
            var flipped = c
            switch c.op {
            case .equal: flipped.op = .notEqual
            case .notEqual: flipped.op = .equal
            case .less, .lessEqual, .greater, .greaterEqual:
                guard isRequiredInt(c.left) && isInt(c.right) || isInt(c.left) && isRequiredInt(c.right) else { return nil }
                flipped.op = switch c.op {
                case .less: .greaterEqual
                case .lessEqual: .greater
                case .greater: .lessEqual
                case .greaterEqual: .less
                case .equal, .notEqual, .beginsWith, .endsWith, .contains, .like, .between: c.op  // not an ordering: not reached
                }
            case .beginsWith, .endsWith, .contains, .like, .between: return nil
            }
            return flipped
        }

        /// A property of type int that cannot be null (so never null, never NaN).
        static func isRequiredInt(_ o: CheckedOperand) -> Bool {
            guard case .property(let p) = o.kind else { return false }
            return (p.type == .int || p.type == .long) && !p.isNullable && !p.isList
        }

        /// An int constant (or a parameter that takes ints).
        static func isInt(_ o: CheckedOperand) -> Bool {
            guard case .constant(let v) = o.kind, case .int = v else { return false }
            return true
        }

        /// A scalar property or a constant, without a quantifier: the interpreter reads exactly one
        /// value for it.
        static func isSingleValued(_ o: CheckedOperand) -> Bool {
            guard o.quantifier == nil else { return false }
            switch o.kind {
            case .property(let p): return !p.isList
            case .constant: return true
            case .list: return false
            }
        }
    }
}
