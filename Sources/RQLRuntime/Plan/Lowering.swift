import RQLSemantics

/// Rewrites of single comparisons that the reference interpreter and the compiler share, so that
/// the two cannot lower a construct differently.
extension CheckedComparison {
    /// `x BETWEEN {a, b}` as `x >= a` and `x <= b` (realm lowers BETWEEN the same way; on a list
    /// property the interpreter applies both to each element); nil when this is not a BETWEEN
    /// with two bounds.
    public var betweenBounds: (atLeast: CheckedComparison, atMost: CheckedComparison)? {
        guard op == .between, case .list(let bounds) = right.kind, bounds.count == 2 else { return nil }
        return (CheckedComparison(left, .greaterEqual, CheckedOperand(.constant(bounds[0])), range: range),
                CheckedComparison(left, .lessEqual, CheckedOperand(.constant(bounds[1])), range: range))
    }
}
