import RQL

/// JSON values of rules compared the way MongoDB compares BSON: numbers of any type by value,
/// everything else only with its own type ("type bracketing"), arrays and objects element by
/// element. Extended JSON wrappers (`{"$oid": ...}`) are values of their type.
enum RuleValues {
    /// The `Value` a JSON scalar or Extended JSON wrapper stands for: an integer that fits 64
    /// bits is `.int`, any other number `.double`. Nil for arrays and plain objects.
    static func natural(_ node: JSONNode) -> Value? {
        switch node.value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let text): return number(text)
        case .string(let s): return .string(s)
        case .array: return nil
        case .object(let members):
            guard let type = extendedJSONType(members) else { return nil }
            return ExtendedJSON.value(node, as: type)
        }
    }

    /// A JSON number: `.int` when it is an integer within 64 bits, else `.double`.
    static func number(_ text: String) -> Value? {
        let isInteger = !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
        if isInteger, let i = Int64(text) { return .int(i) }
        return Double(text).map(Value.double)
    }

    /// The scalar type an Extended JSON wrapper denotes, by its key.
    static func extendedJSONType(_ members: [JSONMember]) -> ScalarType? {
        for member in members {
            switch member.key {
            case "$oid": return .objectId
            case "$uuid": return .uuid
            case "$date": return .date
            case "$numberInt", "$numberLong": return .long
            case "$numberDouble": return .double
            case "$numberDecimal": return .decimal
            case "$binary": return .binData
            default: continue
            }
        }
        return nil
    }

    /// MongoDB equality of two JSON values.
    static func equal(_ a: JSONNode, _ b: JSONNode, depth: Int = 0) -> Bool {
        guard depth < JSONLimits.maxDepth else { return false }
        switch (a.value, b.value) {
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1, depth: depth + 1) }
        case (.object(let x), .object(let y)) where extendedJSONType(x) == nil && extendedJSONType(y) == nil:
            // Embedded documents are equal when their fields are equal in the same order, as in MongoDB.
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && equal($0.value, $1.value, depth: depth + 1) }
        default:
            guard let x = natural(a), let y = natural(b) else { return false }
            return ValueSemantics.equal(x, y)
        }
    }

    /// MongoDB ordering of two scalars within one type bracket; nil across brackets, for nulls,
    /// arrays and objects.
    static func order(_ a: JSONNode, _ b: JSONNode) -> Int? {
        guard let x = natural(a), let y = natural(b), !x.isNull, !y.isNull else { return nil }
        return ValueSemantics.order(x, y)
    }

    /// Whether an ordering result satisfies `op`.
    static func satisfies(_ op: RuleOperator, _ order: Int) -> Bool {
        switch op {
        case .gt: order > 0
        case .gte: order >= 0
        case .lt: order < 0
        case .lte: order <= 0
        case .eq, .ne, .in, .nin, .exists, .other: false
        }
    }

    /// The boolean of a `$exists` argument: a boolean, or a number (0 is false).
    static func truthiness(_ node: JSONNode) -> Bool? {
        switch node.value {
        case .bool(let b): return b
        case .number(let text): return Double(text).map { $0 != 0 }
        default: return nil
        }
    }

    /// `a string`, `an array`...: a JSON value's kind for messages.
    static func describe(_ node: JSONNode) -> String {
        switch node.value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object(let members): extendedJSONType(members).map { "an Extended JSON \($0)" } ?? "an object"
        }
    }
}
