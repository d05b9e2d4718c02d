import RQLSyntax

/// A query after type checking: every property resolved against the collection's schema, every
/// constant converted to a value of the type it is compared with, every argument bound.
///
/// It keeps realm's comparison shapes (which side is a list, which quantifier applies) so that the
/// interpreter and the compiler decide the same thing. `IN` has become `==` (realm: "IN is a
/// shorthand for == ANY"); TEXT, GEOWITHIN, links, aggregates and the like never get here.
public struct CheckedQuery: Hashable, Sendable {
    /// The collection queried.
    public var collection: ObjectSchema
    public var predicate: CheckedPredicate

    public init(collection: ObjectSchema, predicate: CheckedPredicate) {
        self.collection = collection
        self.predicate = predicate
    }
}

public indirect enum CheckedPredicate: Hashable, Sendable {
    case constant(Bool)
    case not(CheckedPredicate)
    case and([CheckedPredicate])
    case or([CheckedPredicate])
    case comparison(CheckedComparison)
}

/// The comparison operators left after checking.
public enum CheckedOperator: String, Hashable, Sendable, CaseIterable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case beginsWith = "BEGINSWITH"
    case endsWith = "ENDSWITH"
    case contains = "CONTAINS"
    case like = "LIKE"
    /// Inclusive at both ends; the right side is a list of exactly two values.
    case between = "BETWEEN"

    /// BEGINSWITH, ENDSWITH, CONTAINS, LIKE: a string or binary needle, `[c]` allowed.
    public var isStringOperator: Bool {
        switch self {
        case .beginsWith, .endsWith, .contains, .like: true
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .between: false
        }
    }

    /// Whether Flexible Sync subscriptions may use it: LIKE is not among the operators its
    /// documentation lists (RQL-REFERENCE, Flexible Sync), so a subscription is refused.
    public var isDocumentedForSubscriptions: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .beginsWith, .endsWith, .contains, .between: true
        case .like: false
        }
    }

    /// The operator with its operands swapped (`5 < age` is `age > 5`); nil for the string
    /// operators and BETWEEN, whose sides play different roles.
    public var swapped: CheckedOperator? {
        switch self {
        case .equal, .notEqual: self
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .greater: .less
        case .greaterEqual: .lessEqual
        case .beginsWith, .endsWith, .contains, .like, .between: nil
        }
    }
}

/// A property of the queried collection, resolved.
public struct PropertyReference: Hashable, Sendable {
    public var name: String
    /// Position in `ObjectSchema.properties`: the column the runtime reads.
    public var index: Int
    /// The scalar type, or the element type of a list.
    public var type: ScalarType
    public var isList: Bool
    /// Whether the value (or, for a list, an element) can be null.
    public var isNullable: Bool

    public init(name: String, index: Int, type: ScalarType, isList: Bool, isNullable: Bool) {
        self.name = name
        self.index = index
        self.type = type
        self.isList = isList
        self.isNullable = isNullable
    }
}

/// One side of a comparison.
public struct CheckedOperand: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case property(PropertyReference)
        /// A literal or scalar argument.
        case constant(Value)
        /// A list literal or list argument.
        case list([Value])
    }
    public var kind: Kind
    /// ANY/ALL/NONE as written; nil when implied.
    public var quantifier: Quantifier?
    public var range: SourceRange
    /// In a query shape (`QueryShape`), the parameter this constant stands for: its value is
    /// bound per use, so no rewrite may decide anything from it. Nil in a query as written.
    public var parameter: Int?

    public init(_ kind: Kind, quantifier: Quantifier? = nil, range: SourceRange = .none, parameter: Int? = nil) {
        self.kind = kind
        self.quantifier = quantifier
        self.range = range
        self.parameter = parameter
    }

    /// True for a list property or a constant list: the side holds several values.
    public var isMultiValued: Bool {
        switch kind {
        case .property(let p): p.isList
        case .constant: false
        case .list: true
        }
    }

    public var property: PropertyReference? {
        if case .property(let p) = kind { return p }
        return nil
    }
}

public struct CheckedComparison: Hashable, Sendable {
    public var left: CheckedOperand
    public var op: CheckedOperator
    public var caseInsensitive: Bool
    public var right: CheckedOperand
    public var range: SourceRange

    public init(_ left: CheckedOperand, _ op: CheckedOperator, _ right: CheckedOperand,
                caseInsensitive: Bool = false, range: SourceRange = .none) {
        self.left = left
        self.op = op
        self.caseInsensitive = caseInsensitive
        self.right = right
        self.range = range
    }
}

extension ObjectSchema {
    /// The property named `name` as queries read it (position, scalar type, list or not, whether
    /// it or its elements can be null), for the checker, rule filters and indexes alike; nil when
    /// there is no such property or queries cannot compare its type (check `propertyIndex`).
    public func reference(named name: String) -> PropertyReference? {
        guard let index = propertyIndex(named: name) else { return nil }
        let property = properties[index]
        guard let type = property.type.scalarType else { return nil }
        let isList = property.type.isList
        return PropertyReference(name: property.name, index: index, type: type, isList: isList,
                                 isNullable: isList ? property.elementsNullable : property.isNullable)
    }
}

extension CheckedComparison {
    /// An equality between a property and what is not a property (`p == c`, `c == p`,
    /// `p IN {c1, c2}`, `ANY list == c`, `p == $0`): the property's side and the other. The one
    /// reading of "compared with == against a constant" that the Flexible Sync rule for the indexed
    /// queryable field and the change matcher's anchors share; nil for another operator or two
    /// properties.
    public var propertyEquality: (property: CheckedOperand, other: CheckedOperand)? {
        guard op == .equal else { return nil }
        for (side, other) in [(left, right), (right, left)] where side.property != nil && other.property == nil {
            return (side, other)
        }
        return nil
    }
}
