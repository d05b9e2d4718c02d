import RQL

/// Compiles an expanded document filter (`document_filters.read`, `insert`...) to a
/// `CheckedPredicate` over a collection, so the interpreter and the VM evaluate permissions with
/// the same code as queries.
///
/// MongoDB semantics, mapped onto RQL's:
/// - a field must be a top-level property of a type queries can compare (paths into embedded
///   objects are refused, as Flexible Sync refuses them);
/// - on a list field a value matches when the list contains it (`{"tags": "x"}` is
///   `tags == "x"`, RQL's implied ANY); an array value matches the whole list exactly;
/// - `$in: [...]` is `field == {...}` (`ANY field == {...}` for a list), `$nin` its negation;
/// - `$exists: true/false` is `field != null` / `field == null`; a list always exists (Realm shows
///   an absent list as empty), so on a list it is the constant itself;
/// - type bracketing: a value of another type never matches (`"5"` against an int, a string
///   against an ObjectId: use `%stringToOid`); numbers of any type compare with each other;
///   `$gte`/`$lte` null match null only, `$gt`/`$lt` null match nothing; arrays and objects
///   compared with `$gt` and the like match nothing;
/// - a value whose expansion leads nowhere (`%%user.custom_data.missing`) matches nothing, so
///   `$ne` / `$nin` of it match everything;
/// - conditions on expansions alone (`{"%%user.custom_data.isAdmin": true}`) are decided for the
///   user now and become `TRUEPREDICATE` or `FALSEPREDICATE`.
package enum DocumentFilterCompiler {
    /// Compiles `expression` for the user in `context` against `collection`. `what` names the
    /// expression in errors (`role 'owner': document_filters.read`).
    package static func compile(_ expression: RuleExpression, collection: ObjectSchema, context: ExpansionContext,
                               what: String, file: String? = nil) -> Result<CheckedPredicate, RuleEvaluationError> {
        let session = RuleSession(context: context, what: what, file: file)
        do {
            return .success(try session.compile(expression, collection: collection))
        } catch {
            return .failure(error)
        }
    }

    /// The property a filter field names, or why it cannot be used: the field is a path, is not
    /// in the schema, or has a type queries cannot compare.
    package static func property(named name: String, in collection: ObjectSchema) -> Result<PropertyReference, FieldProblem> {
        if name.contains(".") { return .failure(.path) }
        guard let index = collection.propertyIndex(named: name) else { return .failure(.unknown) }
        guard let reference = collection.reference(named: name) else { return .failure(.notComparable(collection.properties[index].type)) }
        return .success(reference)
    }

    /// Why a filter field cannot become a property reference.
    package enum FieldProblem: Error, Hashable, Sendable {
        /// A dotted path (into an embedded object or an array element).
        case path
        /// The collection has no such property.
        case unknown
        /// The property is an embedded object, dictionary, mixed...
        case notComparable(PropertyType)
    }
}

extension RuleSession {
    func compile(_ e: RuleExpression, collection: ObjectSchema) throws(RuleEvaluationError) -> CheckedPredicate {
        switch e {
        case .constant(let b, _):
            return .constant(b)
        case .and(let es, _):
            var parts: [CheckedPredicate] = []
            for child in es { parts.append(try compile(child, collection: collection)) }
            return PredicateBuilder.and(parts)
        case .or(let es, _):
            var parts: [CheckedPredicate] = []
            for child in es { parts.append(try compile(child, collection: collection)) }
            return PredicateBuilder.or(parts)
        case .unsupported(let op, let range):
            throw error(.operatorNotAllowed, "'\(op)' is not an operator Device Sync rules support", at: range)
        case .condition(let c):
            switch c.subject {
            case .expansion:
                // Decided for this user once, at session start.
                return .constant(try evaluate(e))
            case .field(let name):
                let property = try reference(name, collection: collection, range: c.range)
                var parts: [CheckedPredicate] = []
                for test in c.tests {
                    parts.append(try compile(test, property: property, keyRange: c.range))
                }
                return PredicateBuilder.and(parts)
            }
        }
    }

    private func reference(_ name: String, collection: ObjectSchema, range: SourceRange) throws(RuleEvaluationError) -> PropertyReference {
        switch DocumentFilterCompiler.property(named: name, in: collection) {
        case .success(let p): return p
        case .failure(.path):
            throw error(.ruleFieldNotQueryable,
                        "'\(name)' is a path into an embedded object or array; Device Sync permissions can only use top-level queryable fields",
                        at: range)
        case .failure(.unknown):
            throw error(.unknownRuleField, "'\(collection.title)' has no field '\(name)'", at: range)
        case .failure(.notComparable(let type)):
            throw error(.ruleFieldNotQueryable, "'\(name)' is \(type), which Device Sync cannot query", at: range)
        }
    }

    private func compile(_ test: RuleTest, property p: PropertyReference, keyRange: SourceRange) throws(RuleEvaluationError) -> CheckedPredicate {
        let field = CheckedOperand(.property(p), range: keyRange)
        func comparison(_ op: CheckedOperator, _ value: Value, quantifier: Quantifier? = nil) -> CheckedPredicate {
            .comparison(CheckedComparison(CheckedOperand(.property(p), quantifier: quantifier, range: keyRange), op,
                                          CheckedOperand(.constant(value), range: test.operand.range), range: keyRange))
        }
        switch test.op {
        case .eq, .ne:
            guard let value = try resolve(test.operand) else { return .constant(test.op == .ne) }
            let equality = equality(p, field, value, range: test.operand.range)
            return test.op == .eq ? equality : PredicateBuilder.not(equality)
        case .gt, .gte, .lt, .lte:
            guard let value = try resolve(test.operand) else { return .constant(false) }
            if value.isNull {
                // MongoDB: `$gte: null` and `$lte: null` match null; `$gt`/`$lt` null match nothing.
                return test.op == .gte || test.op == .lte ? comparison(.equal, .null) : .constant(false)
            }
            guard let constant = Self.fit(value, to: p.type) else { return .constant(false) }
            let op: CheckedOperator = switch test.op {
            case .gt: .greater
            case .gte: .greaterEqual
            case .lt: .less
            case .lte: .lessEqual
            case .eq, .ne, .in, .nin, .exists, .other: preconditionFailure("\(test.op) is not an ordering")
            }
            return comparison(op, constant)
        case .in, .nin:
            let isIn = test.op == .in
            guard let items = try resolveList(test) else { return .constant(!isIn) }
            // Elements of another type (or arrays, for a list field) can never match here.
            let values = items.compactMap { Self.fit($0, to: p.type) }
            guard !values.isEmpty else { return .constant(!isIn) }
            let membership = CheckedPredicate.comparison(CheckedComparison(
                CheckedOperand(.property(p), quantifier: p.isList ? .any : nil, range: keyRange), .equal,
                CheckedOperand(.list(values), range: test.operand.range), range: keyRange))
            return isIn ? membership : PredicateBuilder.not(membership)
        case .exists:
            let flag = try existsFlag(test)
            if p.isList { return .constant(flag) }
            return comparison(flag ? .notEqual : .equal, .null)
        case .other(let op):
            throw error(.operatorNotAllowed, "'\(op)' is not an operator Device Sync rules support", at: test.range)
        }
    }

    /// `field == value` with MongoDB's meaning.
    private func equality(_ p: PropertyReference, _ field: CheckedOperand, _ value: JSONNode, range: SourceRange) -> CheckedPredicate {
        if value.isNull {
            return .comparison(CheckedComparison(field, .equal, CheckedOperand(.constant(.null), range: range), range: field.range))
        }
        if let items = value.arrayValue {
            // A whole array equals a list field with the same elements in the same order; a
            // single value can never equal an array.
            guard p.isList else { return .constant(false) }
            let values = items.compactMap { Self.fit($0, to: p.type) }
            guard values.count == items.count else { return .constant(false) }
            return .comparison(CheckedComparison(field, .equal, CheckedOperand(.list(values), range: range), range: field.range))
        }
        guard let constant = Self.fit(value, to: p.type) else { return .constant(false) }
        return .comparison(CheckedComparison(field, .equal, CheckedOperand(.constant(constant), range: range), range: field.range))
    }

    /// A JSON value as a constant for a property of `type`, or nil when MongoDB would never find
    /// them equal (another type bracket). Numbers take the property's numeric type when exact,
    /// as the checker does for RQL literals. Null stays null.
    static func fit(_ node: JSONNode, to type: ScalarType) -> Value? {
        switch node.value {
        case .null: return .null
        case .array: return nil
        case .number(let text):
            if type == .decimal, let d = Decimal128(text) { return .decimal(d) }
            return RuleValues.number(text).flatMap { Checker.fit($0, to: type) }
        case .bool(let b): return type == .bool ? .bool(b) : nil
        case .string(let s): return type == .string ? .string(s) : nil
        case .object(let members):
            guard RuleValues.extendedJSONType(members) != nil else { return nil }
            if let direct = ExtendedJSON.value(node, as: type) { return direct }
            return RuleValues.natural(node).flatMap { Checker.fit($0, to: type) }
        }
    }
}

/// Builds predicates with constants folded, so a filter that is decided for the user (an admin's
/// `{"%%user.custom_data.isAdmin": true}`) leaves a plain `TRUEPREDICATE`.
package enum PredicateBuilder {
    /// AND of the parts: `true` parts dropped, any `false` makes it false, nested ANDs flattened.
    package static func and(_ parts: [CheckedPredicate]) -> CheckedPredicate { chain(parts, isAnd: true) }

    /// OR of the parts: `false` parts dropped, any `true` makes it true, nested ORs flattened.
    package static func or(_ parts: [CheckedPredicate]) -> CheckedPredicate { chain(parts, isAnd: false) }

    /// AND (`isAnd`) or OR: the neutral constant is dropped, the absorbing one decides, nested
    /// chains of the same kind are flattened.
    private static func chain(_ parts: [CheckedPredicate], isAnd: Bool) -> CheckedPredicate {
        var result: [CheckedPredicate] = []
        for part in parts {
            switch part {
            case .constant(let b) where b == isAnd: continue
            case .constant: return .constant(!isAnd)
            case .and(let inner) where isAnd: result.append(contentsOf: inner)
            case .or(let inner) where !isAnd: result.append(contentsOf: inner)
            default: result.append(part)
            }
        }
        if result.isEmpty { return .constant(isAnd) }
        return result.count == 1 ? result[0] : isAnd ? .and(result) : .or(result)
    }

    /// NOT, folding constants and double negation.
    package static func not(_ p: CheckedPredicate) -> CheckedPredicate {
        switch p {
        case .constant(let b): .constant(!b)
        case .not(let inner): inner
        default: .not(p)
        }
    }
}
