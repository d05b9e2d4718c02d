import RQLSemantics

extension Optimizer {
    /// Sorts the operands of every AND and OR cheapest first, so that evaluation that stops at
    /// the first false (AND) or true (OR) operand does the cheap work first. The sort is stable:
    /// operands of equal cost keep their order, which makes the pass idempotent.
    ///
    /// The cost model (`cost(of:)`), in rough units of one scalar comparison:
    /// - TRUEPREDICATE/FALSEPREDICATE 0; NOT costs what its operand costs; AND/OR the sum of
    ///   their operands;
    /// - a comparison of single values: bool, int, double, date, objectId, uuid 1; string,
    ///   binary or decimal 2; BEGINSWITH/ENDSWITH 3, CONTAINS 5, LIKE 8;
    /// - against a constant list (set membership, BETWEEN) 2, or the operator's cost if higher;
    /// - `[c]` doubles the cost; a list property (a loop over its elements) multiplies it by 4;
    /// - a whole-list comparison (two lists, no quantifier) costs 20.
    ///
    /// Why results are kept: the interpreter evaluates `.and` as "every operand is true" and
    /// `.or` as "some operand is true"; comparisons have no side effects and always terminate,
    /// so the order of the operands cannot change the result.
    package enum CostOrdering {
        package static func apply(_ p: CheckedPredicate) -> CheckedPredicate {
            p.rewrittenBottomUp { node in
                switch node {
                case .and(let ps): return .and(sorted(ps))
                case .or(let ps): return .or(sorted(ps))
                default: return node
                }
            }
        }

        /// Stable sort by cost.
        static func sorted(_ ps: [CheckedPredicate]) -> [CheckedPredicate] {
            ps.enumerated()
                .map { (cost: cost(of: $0.element), offset: $0.offset, predicate: $0.element) }
                .sorted { ($0.cost, $0.offset) < ($1.cost, $1.offset) }
                .map(\.predicate)
        }

        package static func cost(of p: CheckedPredicate) -> Int {
            switch p {
            case .constant: 0
            case .not(let q): cost(of: q)
            case .and(let ps), .or(let ps): ps.reduce(0) { $0 + cost(of: $1) }
            case .comparison(let c): cost(of: c)
            }
        }

        package static func cost(of c: CheckedComparison) -> Int {
            if c.left.isMultiValued && c.right.isMultiValued && c.left.quantifier == nil && c.right.quantifier == nil
                && c.op != .between {
                return 20
            }
            let type = c.left.property?.type ?? c.right.property?.type
            var cost: Int
            switch c.op {
            case .beginsWith, .endsWith: cost = 3
            case .contains: cost = 5
            case .like: cost = 8
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .between:
                switch type {
                case .string?, .binData?, .decimal?: cost = 2
                case .objectId?, .int?, .long?, .double?, .bool?, .date?, .uuid?, nil: cost = 1
                }
            }
            if case .list = c.right.kind { cost = max(cost, 2) }
            if case .list = c.left.kind { cost = max(cost, 2) }
            if c.caseInsensitive { cost *= 2 }
            if c.left.property?.isList == true || c.right.property?.isList == true { cost *= 4 }
            return cost
        }
    }
}
