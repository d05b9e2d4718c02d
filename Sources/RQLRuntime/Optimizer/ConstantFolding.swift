import RQLSemantics
import RQLDocuments

extension Optimizer {
    /// Replaces a comparison whose result cannot depend on the document by TRUEPREDICATE or
    /// FALSEPREDICATE, **computed by running the interpreter** on an empty document, so folding
    /// cannot drift from runtime semantics.
    ///
    /// A comparison is folded only when `isDocumentIndependent` proves, from the interpreter's
    /// own evaluation rules, that every document gives the same result:
    /// - no side is a property (other passes may produce such comparisons): the interpreter never
    ///   reads the document;
    /// - BETWEEN whose right side is not a list of two values: always false;
    /// - a quantified comparison against an empty constant list, when the quantifiers make the
    ///   answer the same for every length of the other side:
    ///   - the empty list is the left side (the outer loop): ANY over nothing is false, ALL and
    ///     NONE over nothing are true, whatever the right side holds;
    ///   - the empty list is the right side (the inner loop): ANY over nothing is false, ALL/NONE
    ///     true, so the inner test is a constant `c` for every left value. The outer loop over a
    ///     single value is then `c`; over a list property, ANY with `c` false is false, ALL with
    ///     `c` true is true, NONE with `c` false is true. The remaining cases (`ANY tags == ALL {}`
    ///     is "tags is not empty", `ALL tags == {}` is "tags is empty") depend on the document and
    ///     are left alone.
    /// A whole-list comparison (two lists, no quantifiers: `tags == {}`) compares lengths, so it
    /// always depends on the document and is never folded.
    ///
    /// On the empty document a scalar property reads null and a list property reads `[]`; in each
    /// case above the result does not depend on those values, so the empty document's answer is
    /// every document's answer.
    package enum ConstantFolding {
        /// The document the interpreter folds with: every property absent.
        static let emptyDocument = Document(values: [])

        package static func apply(_ p: CheckedPredicate) -> CheckedPredicate {
            p.rewrittenBottomUp { node in
                guard case .comparison(let c) = node, isDocumentIndependent(c) else { return node }
                return .constant(Interpreter.evaluate(c, emptyDocument))
            }
        }

        /// True when `Interpreter.evaluate(c, d)` is provably the same for every document `d`.
        package static func isDocumentIndependent(_ c: CheckedComparison) -> Bool {
            if c.left.property == nil && c.right.property == nil { return true }
            if c.op == .between {
                if case .list(let bounds) = c.right.kind, bounds.count == 2 { return false }
                return true
            }
            // Single values on both sides: one comparison of a property's value.
            if !c.left.isMultiValued && !c.right.isMultiValued { return false }
            // Whole-list comparison: depends on the list property's length.
            if c.left.isMultiValued && c.right.isMultiValued && c.left.quantifier == nil && c.right.quantifier == nil {
                return false
            }
            if case .list(let values) = c.left.kind, values.isEmpty { return true }
            if case .list(let values) = c.right.kind, values.isEmpty {
                let inner = (c.right.quantifier ?? .any) != .any
                // The left side is a property here (a constant left side was handled first).
                guard let p = c.left.property, p.isList else { return true }
                switch c.left.quantifier ?? .any {
                case .any: return !inner
                case .all: return inner
                case .none: return !inner
                }
            }
            return false
        }
    }
}
