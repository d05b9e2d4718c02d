import Synchronization
import RQLSemantics

/// A checked query with its constants taken out: `owner == "u1" AND priority >= 4` and
/// `owner == "u7" AND priority >= 2` have one shape, `owner == $0 AND priority >= $1` with two
/// parameters, an int and a string. A shape is optimized and compiled once (`ShapeCache`);
/// each query of that shape then binds its own values into the shape's program, which costs a
/// copy of the instructions instead of the optimizer and the compiler.
///
/// A constant compared with a property becomes a parameter: a single value, or a list (`owner
/// IN {"u1", "u2"}`) but for BETWEEN's bounds. Null and decimals stay in the shape, and so does
/// a list holding one. The placeholder left in the shape has the value's kind (a list: each
/// element's, so its length and its nulls too), so two queries share a shape only if each
/// parameter has the same kind in both, and the kinds are all the compiler looks at. The
/// optimizer's rewrites that decide by value (`RangeMerging`, `EqualitiesToSet`) leave
/// parameters alone, so a shape's optimized form holds for every binding.
public struct QueryShape: Hashable, Sendable {
    /// The query with placeholders (each operand's `parameter` says which), source ranges cleared.
    public let query: CheckedQuery

    /// The shape of `query` and the values of its parameters, in order.
    public static func of(_ query: CheckedQuery) -> (shape: QueryShape, values: [Value]) {
        var values: [Value] = []
        let predicate = query.predicate.mappingComparisons { c in
            let propertyOnLeft = c.left.property != nil, propertyOnRight = c.right.property != nil
            guard propertyOnLeft != propertyOnRight else { return c.withoutRanges }
            var lifted = c.withoutRanges
            let liftsLists = c.op != .between
            if propertyOnLeft {
                lifted.right = lift(lifted.right, liftsLists: liftsLists, &values)
            } else {
                lifted.left = lift(lifted.left, liftsLists: liftsLists, &values)
            }
            return lifted
        }
        return (QueryShape(query: CheckedQuery(collection: query.collection, predicate: predicate)), values)
    }

    /// The operand as a parameter, when it is a constant that can be one.
    private static func lift(_ operand: CheckedOperand, liftsLists: Bool, _ values: inout [Value]) -> CheckedOperand {
        var lifted = operand
        switch operand.kind {
        case .constant(let value):
            guard let placeholder = placeholder(of: value) else { return operand }
            values.append(value)
            lifted.kind = .constant(placeholder)
        case .list(let elements) where liftsLists:
            var placeholders: [Value] = []
            for element in elements {
                guard let placeholder = element.isNull ? .null : placeholder(of: element) else { return operand }
                placeholders.append(placeholder)
            }
            values.append(.list(elements))
            lifted.kind = .list(placeholders)
        default:
            return operand
        }
        lifted.parameter = values.count - 1
        return lifted
    }

    /// A value of the same kind, the same for every value of that kind; nil for the kinds that
    /// stay in the shape.
    static func placeholder(of value: Value) -> Value? {
        switch value {
        case .bool: .bool(false)
        case .int: .int(0)
        case .double: .double(0)
        case .string: .string("")
        case .binary: .binary([])
        case .timestamp: .timestamp(Timestamp(seconds: 0, nanoseconds: 0))
        case .objectId: .objectId(ObjectId(high: 0, low: 0))
        case .uuid: .uuid(UUIDValue(high: 0, low: 0))
        case .null, .decimal, .list: nil
        }
    }
}

/// Compiles queries through their shapes: the first query of a shape pays for the optimizer and
/// the compiler, the others only bind their values. Safe from many threads.
public final class ShapeCache: Sendable {
    /// Past this many shapes the cache starts again empty, so a stream of one-off shapes cannot
    /// grow it without bound (the programs already bound keep working).
    public static let maxShapes = 4_096

    /// A shape, optimized and compiled with placeholders.
    struct Template: Sendable {
        let optimized: CheckedQuery
        let program: Program
    }

    private let templates = Mutex<[QueryShape: Template]>([:])

    public init() {}

    /// How many shapes are cached.
    public var count: Int { templates.withLock { $0.count } }

    /// The same `CompiledQuery` as `CompiledQuery(query)`: the same optimized query and the same
    /// program, its constants bound from `query`.
    public func compile(_ query: CheckedQuery) -> CompiledQuery {
        let (shape, values) = QueryShape.of(query)
        let template = templates.withLock { $0[shape] } ?? {
            // Outside the lock: two threads may compile one new shape twice, never wait on it.
            let optimized = Optimizer.optimize(shape.query)
            let made = Template(optimized: optimized, program: Compiler.compile(optimized))
            templates.withLock { cache in
                if cache.count >= Self.maxShapes { cache.removeAll() }
                cache[shape] = made
            }
            return made
        }()
        return CompiledQuery(checked: query, shape: template.optimized, values: values, program: template.program.binding(values))
    }
}

extension CheckedPredicate {
    /// The predicate with `transform` applied to each comparison.
    func mappingComparisons(_ transform: (CheckedComparison) -> CheckedComparison) -> CheckedPredicate {
        switch self {
        case .constant: self
        case .not(let q): .not(q.mappingComparisons(transform))
        case .and(let ps): .and(ps.map { $0.mappingComparisons(transform) })
        case .or(let ps): .or(ps.map { $0.mappingComparisons(transform) })
        case .comparison(let c): .comparison(transform(c))
        }
    }

    /// A shape's predicate with its parameters replaced by `values`.
    func binding(_ values: [Value]) -> CheckedPredicate {
        mappingComparisons { $0.binding(values) }
    }
}

extension CheckedComparison {
    /// The comparison with its parameters replaced by `values`.
    func binding(_ values: [Value]) -> CheckedComparison {
        var c = self
        c.left = c.left.binding(values)
        c.right = c.right.binding(values)
        return c
    }

    var withoutRanges: CheckedComparison {
        var c = self
        c.range = .none
        c.left.range = .none
        c.right.range = .none
        return c
    }
}

extension CheckedOperand {
    func binding(_ values: [Value]) -> CheckedOperand {
        guard let parameter else { return self }
        var bound = self
        if case .list = kind, case .list(let elements) = values[parameter] {
            bound.kind = .list(elements)
        } else {
            bound.kind = .constant(values[parameter])
        }
        bound.parameter = nil
        return bound
    }
}
