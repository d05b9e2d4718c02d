import RQLSemantics

extension Optimizer {
    /// Merges the bounds an AND puts on one scalar property: a set of comparisons that no value
    /// satisfies makes the AND `FALSEPREDICATE` (`age > 5 AND age < 3`, `age == 1 AND age == 2`),
    /// and a comparison implied by the others is dropped (`age > 5 AND age > 3` keeps `age > 5`).
    ///
    /// Taking part: `==`, `!=`, `<`, `<=`, `>`, `>=` between a non-list property (no quantifier)
    /// and a non-null constant (either way round), without `[c]`, where values are totally ordered
    /// together: an int/long/double property with int or non-NaN double constants, a date
    /// property with timestamps, a string property with strings. Anything else in the AND is
    /// left alone (decimals, NaN, null constants, lists, `[c]`, string operators).
    ///
    /// Why results are kept: the decision is made by evaluating, not by algebra. The constants
    /// on one property cut its ordered values into regions: each constant itself, and the open
    /// intervals below, between and above them. Every comparison taking part is constant on
    /// each region, because it only asks how the value is ordered against its constant (for
    /// numbers `ValueSemantics.order` is exact between ints and doubles; strings compare as
    /// bytes; timestamps as pairs). The values outside that order are evaluated one by one with
    /// `ValueSemantics.compare`: null (unordered with numbers and dates, but below every string
    /// when the string property is on the left)
    /// and, for numbers, a double NaN (unordered with doubles, below every int). An interval is
    /// assumed to hold values even when it may not (no int between 3 and 4), which can only make
    /// the pass do less. Then:
    /// - if every region makes some comparison false, the conjunction is false for every
    ///   document, so the AND is `FALSEPREDICATE`;
    /// - a comparison is dropped only if, on every region, the conjunction of the others equals
    ///   the conjunction with it; AND being order-independent, the rest of the AND is unaffected.
    package enum RangeMerging {
        /// More comparisons than this on one property are left alone (the check is cubic).
        static let maximumGroup = 32

        package static func apply(_ p: CheckedPredicate) -> CheckedPredicate {
            p.rewrittenBottomUp { node in
                guard case .and(let terms) = node else { return node }
                return merge(terms)
            }
        }

        /// An AND's operands, merged.
        static func merge(_ terms: [CheckedPredicate]) -> CheckedPredicate {
            var groups: [PropertyReference: [(index: Int, bound: Bound)]] = [:]
            var order: [PropertyReference] = []
            for (i, term) in terms.enumerated() {
                guard let (property, bound) = Bound.of(term) else { continue }
                if groups[property] == nil { order.append(property) }
                groups[property, default: []].append((i, bound))
            }
            var dropped = Set<Int>()
            for property in order {
                guard let group = groups[property], group.count > 1, group.count <= maximumGroup else { continue }
                let regions = Region.all(for: group.map(\.bound), property: property)
                let table = group.map { member in regions.map { member.bound.holds(in: $0) } }
                func conjunction(_ members: [Int]) -> [Bool] {
                    regions.indices.map { r in members.allSatisfy { table[$0][r] } }
                }
                var kept = Array(group.indices)
                let full = conjunction(kept)
                if !full.contains(true) { return .constant(false) }
                for candidate in group.indices {
                    let rest = kept.filter { $0 != candidate }
                    if conjunction(rest) == full {
                        kept = rest
                        dropped.insert(group[candidate].index)
                    }
                }
            }
            if dropped.isEmpty { return .and(terms) }
            let kept = terms.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
            return kept.count == 1 ? kept[0] : .and(kept)
        }

        /// The values a property is ordered with.
        enum Domain {
            case numeric, timestamp, string

            init?(_ type: ScalarType) {
                switch type {
                case .int, .long, .double: self = .numeric
                case .date: self = .timestamp
                case .string: self = .string
                case .objectId, .decimal, .bool, .uuid, .binData: return nil
                }
            }

            func admits(_ v: Value) -> Bool {
                switch (self, v) {
                case (.numeric, .int), (.timestamp, .timestamp), (.string, .string): true
                case (.numeric, .double(let d)): !d.isNaN
                default: false
                }
            }

            /// The values of such a property that are not ordered like the constants.
            var outsiders: [Value] {
                self == .numeric ? [.null, .double(.nan)] : [.null]
            }
        }

        /// One comparison taking part.
        struct Bound {
            var op: CheckedOperator
            var constant: Value
            /// False for `5 < age`: the constant is the left operand.
            var propertyOnLeft: Bool

            static func of(_ term: CheckedPredicate) -> (PropertyReference, Bound)? {
                // A parameter (`QueryShape`) has no value to order yet.
                guard case .comparison(let c) = term, !c.caseInsensitive, c.left.parameter == nil, c.right.parameter == nil,
                      [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual].contains(c.op),
                      c.left.quantifier == nil, c.right.quantifier == nil else { return nil }
                let propertyOnLeft: Bool
                let property: PropertyReference, constant: Value
                switch (c.left.kind, c.right.kind) {
                case (.property(let p), .constant(let v)): (property, constant, propertyOnLeft) = (p, v, true)
                case (.constant(let v), .property(let p)): (property, constant, propertyOnLeft) = (p, v, false)
                default: return nil
                }
                guard !property.isList, let domain = Domain(property.type), domain.admits(constant) else { return nil }
                return (property, Bound(op: c.op, constant: constant, propertyOnLeft: propertyOnLeft))
            }

            /// The comparison's result for every property value in `region`.
            func holds(in region: Region) -> Bool {
                switch region {
                case .value(let v):
                    // Null orders below strings only with the (string) property on the left
                    // (`ValueSemantics.nullsOrderFirst`); a string constant means a string property.
                    guard propertyOnLeft else { return ValueSemantics.compare(op, constant, v, caseInsensitive: false) }
                    let isString = if case .string = constant { true } else { false }
                    return ValueSemantics.compare(op, v, constant, caseInsensitive: false, nullsOrderFirst: isString)
                case .between(let below, _):
                    // Strictly between two neighbouring constants (or beyond the last one): the
                    // value is above this constant exactly when this constant is at most `below`.
                    let valueAbove = below.map { ValueSemantics.order(constant, $0).map { $0 <= 0 } ?? false } ?? false
                    // The sign of (left operand - right operand).
                    let sign = valueAbove == propertyOnLeft ? 1 : -1
                    switch op {
                    case .equal: return false
                    case .notEqual: return true
                    case .less: return sign < 0
                    case .lessEqual: return sign <= 0
                    case .greater: return sign > 0
                    case .greaterEqual: return sign >= 0
                    case .beginsWith, .endsWith, .contains, .like, .between: return false
                    }
                }
            }
        }

        /// A set of property values on which every bound is constant.
        enum Region {
            /// One value: a constant, or a value outside the order (null, NaN).
            case value(Value)
            /// The values strictly between two neighbouring constants; nil is beyond the ends.
            case between(Value?, Value?)

            static func all(for bounds: [Bound], property: PropertyReference) -> [Region] {
                var points: [Value] = []
                for b in bounds.map(\.constant).sorted(by: { (ValueSemantics.order($0, $1) ?? 0) < 0 })
                where points.last.map({ ValueSemantics.order($0, b) != 0 }) ?? true {
                    points.append(b)
                }
                var regions: [Region] = [.between(nil, points.first)]
                for (i, p) in points.enumerated() {
                    regions.append(.value(p))
                    regions.append(.between(p, i + 1 < points.count ? points[i + 1] : nil))
                }
                let outsiders = Domain(property.type)?.outsiders ?? [.null]
                return regions + outsiders.map(Region.value)
            }
        }
    }
}
