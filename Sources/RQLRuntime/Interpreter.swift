import RQLSemantics
import RQLDocuments
import RQLSyntax

/// The reference interpreter: a plain walk over the checked tree, written to be obviously right,
/// not fast. It is the oracle the optimizer and the VM are tested against.
///
/// Comparisons follow realm-core's `Value::compare` (query_expression.hpp) exactly:
/// - two single values: one comparison;
/// - two lists without quantifiers: equal length and every position satisfies the operator
///   (`!=` also matches lists of different lengths);
/// - otherwise a missing quantifier means ANY, and the left side's quantifier is the outer loop.
public enum Interpreter {
    public static func matches<Source: ValueSource>(_ query: CheckedQuery, _ document: Source) -> Bool {
        evaluate(query.predicate, document)
    }

    public static func evaluate<Source: ValueSource>(_ p: CheckedPredicate, _ d: Source) -> Bool {
        switch p {
        case .constant(let b): return b
        case .not(let q): return !evaluate(q, d)
        case .and(let ps): return ps.allSatisfy { evaluate($0, d) }
        case .or(let ps): return ps.contains { evaluate($0, d) }
        case .comparison(let c): return evaluate(c, d)
        }
    }

    public static func evaluate<Source: ValueSource>(_ c: CheckedComparison, _ d: Source) -> Bool {
        if c.op == .between {
            guard let (atLeast, atMost) = c.betweenBounds, case .list(let bounds) = c.right.kind else { return false }
            if c.left.property?.isList == true {
                // ALL list BETWEEN {a, b}: every element in range.
                return values(c.left, d).values.allSatisfy {
                    ValueSemantics.compare(.greaterEqual, $0, bounds[0], caseInsensitive: false)
                        && ValueSemantics.compare(.lessEqual, $0, bounds[1], caseInsensitive: false)
                }
            }
            return evaluate(atLeast, d) && evaluate(atMost, d)
        }
        let (left, leftIsList) = values(c.left, d)
        let (right, rightIsList) = values(c.right, d)
        let nullNeedleMatchesAll = ValueSemantics.nullNeedleMatchesAll(c)
        let nullsOrderFirst = ValueSemantics.nullsOrderFirst(c)
        func test(_ a: Value, _ b: Value) -> Bool {
            ValueSemantics.compare(c.op, a, b, caseInsensitive: c.caseInsensitive, nullNeedleMatchesAll: nullNeedleMatchesAll,
                                   nullsOrderFirst: nullsOrderFirst)
        }
        if !leftIsList && !rightIsList {
            return test(left[0], right[0])
        }
        if leftIsList && rightIsList && c.left.quantifier == nil && c.right.quantifier == nil {
            guard left.count == right.count else { return c.op == .notEqual }
            return zip(left, right).allSatisfy { test($0, $1) }
        }
        // (realm swaps the arguments of string operators and then its loops, which cancels out.)
        let leftQuantifier = c.left.quantifier ?? .any, rightQuantifier = c.right.quantifier ?? .any
        return quantify(leftQuantifier, left) { l in quantify(rightQuantifier, right) { r in test(l, r) } }
    }

    /// ANY: some element; ALL: every element; NONE: no element.
    static func quantify(_ q: Quantifier, _ items: [Value], _ predicate: (Value) -> Bool) -> Bool {
        switch q {
        case .any: items.contains(where: predicate)
        case .all: items.allSatisfy(predicate)
        case .none: !items.contains(where: predicate)
        }
    }

    /// The values of an operand for one document, and whether they came from a list.
    static func values<Source: ValueSource>(_ o: CheckedOperand, _ d: Source) -> (values: [Value], isList: Bool) {
        switch o.kind {
        case .constant(let v): return ([v], false)
        case .list(let vs): return (vs, true)
        case .property(let p):
            let v = d.value(ofProperty: p.index)
            if p.isList {
                if case .list(let elements) = v { return (elements, true) }
                return ([], true)
            }
            return ([v], false)
        }
    }
}

/// Anything the interpreter can read property values from, by schema property index: a
/// `Document`, or one of the application's own objects through an `ObjectMapping`.
public protocol ValueSource {
    func value(ofProperty index: Int) -> Value
}

extension Document: ValueSource {
    public func value(ofProperty index: Int) -> Value {
        index < values.count ? values[index] : .null
    }
}
