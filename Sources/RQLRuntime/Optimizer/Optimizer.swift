import RQLSemantics

/// Rewrites a checked query into a cheaper one that matches exactly the same documents.
///
/// "Exactly" means under the reference semantics: for every document `d`,
/// `Interpreter.matches(optimize(q), d) == Interpreter.matches(q, d)`. Every pass is a pure
/// function on `CheckedPredicate`, testable alone, and each one's documentation says why it keeps
/// results. None of them relies on another having run first.
///
/// The passes run in this fixed order, and the whole round repeats until a round changes nothing
/// (at most `maximumRounds` rounds; every pass only shrinks the tree or sorts it stably, so a
/// fixed point comes quickly):
/// 1. `FlattenLogic`: nested AND/OR become n-ary, one-operand AND/OR unwrapped, NOT NOT removed;
/// 2. `NotPushDown`: NOT moved to the leaves (De Morgan), `NOT a == v` becomes `a != v` where exact;
/// 3. `ConstantFolding`: document-independent comparisons become TRUEPREDICATE/FALSEPREDICATE;
/// 4. `PruneConstants`: TRUE/FALSE removed from AND/OR/NOT;
/// 5. `EqualitiesToSet`: `p == 1 OR p == 2` becomes `p == {1, 2}`, `p != 1 AND p != 2`
///    becomes `NOT p == {1, 2}`;
/// 6. `RangeMerging`: contradictory bounds become FALSE, redundant bounds are dropped;
/// 7. `CostOrdering`: AND/OR operands sorted cheapest first.
///
/// Structural passes come first so that the later ones see n-ary AND/OR with NOT at the leaves;
/// cost ordering is last so that it sorts the final shape.
///
/// On a query shape (`QueryShape`) the two passes that decide by a constant's value,
/// `EqualitiesToSet` and `RangeMerging`, leave its parameters alone; the others decide by kinds
/// and structure only, so a shape's optimized form holds for every binding of its parameters.
public enum Optimizer {
    /// One rewrite of a predicate.
    package struct Pass: Sendable {
        package let name: String
        package let apply: @Sendable (CheckedPredicate) -> CheckedPredicate

        package init(name: String, apply: @escaping @Sendable (CheckedPredicate) -> CheckedPredicate) {
            self.name = name
            self.apply = apply
        }

        /// The pass applied to a whole query.
        package func callAsFunction(_ query: CheckedQuery) -> CheckedQuery {
            CheckedQuery(collection: query.collection, predicate: apply(query.predicate))
        }
    }

    /// The passes, in the order `optimize` applies them.
    package static let passes: [Pass] = [
        Pass(name: "FlattenLogic") { FlattenLogic.apply($0) },
        Pass(name: "NotPushDown") { NotPushDown.apply($0) },
        Pass(name: "ConstantFolding") { ConstantFolding.apply($0) },
        Pass(name: "PruneConstants") { PruneConstants.apply($0) },
        Pass(name: "EqualitiesToSet") { EqualitiesToSet.apply($0) },
        Pass(name: "RangeMerging") { RangeMerging.apply($0) },
        Pass(name: "CostOrdering") { CostOrdering.apply($0) },
    ]

    /// An upper bound on rounds, so a pass pair that undid each other could never loop forever.
    package static let maximumRounds = 8

    /// The query rewritten to a fixed point of the passes: the same answers, cheaper to run.
    public static func optimize(_ q: CheckedQuery) -> CheckedQuery {
        CheckedQuery(collection: q.collection, predicate: optimize(q.predicate))
    }

    package static func optimize(_ p: CheckedPredicate) -> CheckedPredicate {
        var current = p
        for _ in 0..<maximumRounds {
            let before = current
            for pass in passes { current = pass.apply(current) }
            if identical(current, before) { break }
        }
        return current
    }
}

extension CheckedPredicate {
    /// The predicate with `transform` applied to every node, children first.
    func rewrittenBottomUp(_ transform: (CheckedPredicate) -> CheckedPredicate) -> CheckedPredicate {
        switch self {
        case .constant, .comparison: return transform(self)
        case .not(let q): return transform(.not(q.rewrittenBottomUp(transform)))
        case .and(let ps): return transform(.and(ps.map { $0.rewrittenBottomUp(transform) }))
        case .or(let ps): return transform(.or(ps.map { $0.rewrittenBottomUp(transform) }))
        }
    }
}

extension Optimizer {
    /// Whether two predicates are the same tree, constants compared bit for bit (`==` on the
    /// tree says a NaN constant differs from itself, which would keep the fixed-point loop going).
    package static func identical(_ a: CheckedPredicate, _ b: CheckedPredicate) -> Bool {
        switch (a, b) {
        case (.constant(let x), .constant(let y)): return x == y
        case (.not(let x), .not(let y)): return identical(x, y)
        case (.and(let xs), .and(let ys)), (.or(let xs), .or(let ys)):
            return xs.count == ys.count && zip(xs, ys).allSatisfy { identical($0, $1) }
        case (.comparison(let x), .comparison(let y)):
            return x.op == y.op && x.caseInsensitive == y.caseInsensitive && x.range == y.range
                && identical(x.left, y.left) && identical(x.right, y.right)
        default: return false
        }
    }

    static func identical(_ a: CheckedOperand, _ b: CheckedOperand) -> Bool {
        guard a.quantifier == b.quantifier, a.range == b.range, a.parameter == b.parameter else { return false }
        switch (a.kind, b.kind) {
        case (.property(let x), .property(let y)): return x == y
        case (.constant(let x), .constant(let y)): return ExactValue(x) == ExactValue(y)
        case (.list(let xs), .list(let ys)): return xs.count == ys.count && zip(xs, ys).allSatisfy { ExactValue($0) == ExactValue($1) }
        default: return false
        }
    }
}
