import RQL

extension RuleExpression {
    /// Parses one expression from JSON text (e.g. an `apply_when` written on its own).
    /// `file` names the source in diagnostics.
    public static func parse(_ text: String, file: String? = nil) -> (expression: RuleExpression?, diagnostics: [Diagnostic]) {
        switch JSON.parseResult(text) {
        case .failure(let error):
            return (nil, [Diagnostic(jsonError: error, file: file)])
        case .success(let node):
            var reader = RulesFileReader(file: file, subject: "expression")
            let expression = reader.expression(node, path: "", depth: 0)
            return (reader.diagnostics.hasErrors ? nil : expression, reader.diagnostics)
        }
    }
}

/// Extended JSON wrapper keys: an object with one of these is a value, not a set of operators.
/// (`$type` alone is the query operator; with `$binary` it is the legacy binary subtype.)
let extendedJSONKeys: Set<String> = [
    "$oid", "$date", "$numberInt", "$numberLong", "$numberDouble", "$numberDecimal", "$uuid",
    "$binary", "$timestamp", "$regularExpression", "$minKey", "$maxKey", "$symbol", "$code",
]

/// The logical operators of an expression object, by spelling (`$` in MongoDB, `%` in the
/// App Services examples).
private let logicalOperators: [String: Bool] = ["$and": true, "%and": true, "$or": false, "%or": false]

/// The key of a `%function` call.
let functionKey = "%function"

extension RulesFileReader {
    /// Reads an expression: `true`, `false` or an object. `path` names it in messages
    /// (`document_filters.read`); nil after reporting why it is malformed.
    mutating func expression(_ node: JSONNode, path: String, depth: Int) -> RuleExpression? {
        guard depth < RuleLimits.maxExpressionDepth else {
            report(.invalidRuleExpression, "\(name(path)) is nested deeper than \(RuleLimits.maxExpressionDepth) levels", at: node.range)
            return nil
        }
        if let b = node.boolValue { return .constant(b, range: node.range) }
        guard let members = node.objectMembers else {
            report(.invalidRuleExpression,
                   "\(name(path)) must be an expression (true, false or an object), found \(describe(node))", at: node.range)
            return nil
        }
        var parts: [RuleExpression] = []
        var ok = true
        for member in members {
            let memberPath = join(path, member.key)
            if let isAnd = logicalOperators[member.key] {
                guard let items = member.value.arrayValue, !items.isEmpty else {
                    report(.invalidRuleExpression,
                           "'\(memberPath)' must be a non-empty array of expressions, found \(describe(member.value))",
                           at: member.value.range)
                    ok = false
                    continue
                }
                var children: [RuleExpression] = []
                for (i, item) in items.enumerated() {
                    if let child = expression(item, path: "\(memberPath)[\(i)]", depth: depth + 1) {
                        children.append(child)
                    } else {
                        ok = false
                    }
                }
                parts.append(isAnd ? .and(children, range: member.value.range) : .or(children, range: member.value.range))
            } else if member.key.hasPrefix("%%") {
                guard let expansion = Expansion(member.key, range: member.keyRange) else {
                    report(.invalidRuleExpression, "'\(memberPath)': '\(member.key)' is not a valid expansion", at: member.keyRange)
                    ok = false
                    continue
                }
                guard let tests = tests(member.value, path: memberPath, depth: depth + 1) else {
                    ok = false
                    continue
                }
                parts.append(.condition(RuleCondition(subject: .expansion(expansion), tests: tests, range: member.keyRange)))
            } else if member.key.hasPrefix("$") || member.key.hasPrefix("%") {
                // `$nor`, `$not`, `$expr`, `%function` at the top...: valid for other services, kept
                // for the sync-compatibility report.
                parts.append(.unsupported(operator: member.key, range: member.keyRange))
            } else if member.key.isEmpty {
                report(.invalidRuleExpression, "\(name(path)) has an empty field name", at: member.keyRange)
                ok = false
            } else {
                guard let tests = tests(member.value, path: memberPath, depth: depth + 1) else {
                    ok = false
                    continue
                }
                parts.append(.condition(RuleCondition(subject: .field(member.key), tests: tests, range: member.keyRange)))
            }
        }
        guard ok else { return nil }
        return parts.count == 1 ? parts[0] : .and(parts, range: node.range)
    }

    /// The tests of one condition: a plain value is `$eq`; an object of operators is one test each.
    private mutating func tests(_ node: JSONNode, path: String, depth: Int) -> [RuleTest]? {
        guard depth < RuleLimits.maxExpressionDepth else {
            report(.invalidRuleExpression, "'\(path)' is nested deeper than \(RuleLimits.maxExpressionDepth) levels", at: node.range)
            return nil
        }
        guard let members = node.objectMembers, isOperatorObject(members) else {
            return operand(node, path: path, depth: depth).map { [RuleTest(.eq, $0, range: node.range)] }
        }
        let operatorKeys = members.filter { $0.key.hasPrefix("$") || $0.key.hasPrefix("%") }
        if operatorKeys.count != members.count, let op = operatorKeys.first,
           let field = members.first(where: { !($0.key.hasPrefix("$") || $0.key.hasPrefix("%")) }) {
            report(.invalidRuleExpression,
                   "'\(path)' mixes the operator '\(op.key)' with the field name '\(field.key)'; use one or the other",
                   at: field.keyRange)
            return nil
        }
        var result: [RuleTest] = []
        var ok = true
        for member in members {
            let memberPath = "\(path).\(member.key)"
            let op = RuleOperator.bySpelling[member.key] ?? .other(member.key)
            switch op {
            case .in, .nin:
                let value = member.value
                let isExpansion = value.stringValue.map { $0.hasPrefix("%%") } ?? false
                guard value.arrayValue != nil || isExpansion else {
                    report(.invalidRuleExpression,
                           "'\(memberPath)' needs an array or an expansion such as '%%user.custom_data.teams', found \(describe(value))",
                           at: value.range)
                    ok = false
                    continue
                }
            case .exists:
                let value = member.value
                let isExpansion = value.stringValue.map { $0.hasPrefix("%%") } ?? false
                guard value.boolValue != nil || value.numberText != nil || isExpansion else {
                    report(.invalidRuleExpression, "'\(memberPath)' needs true or false, found \(describe(value))", at: value.range)
                    ok = false
                    continue
                }
            case .other:
                // Kept as written: its argument may use syntax of its own (`$regex` patterns).
                result.append(RuleTest(op, .literal(member.value), range: member.keyRange))
                continue
            case .eq, .ne, .gt, .gte, .lt, .lte:
                break
            }
            guard let operand = operand(member.value, path: memberPath, depth: depth + 1) else {
                ok = false
                continue
            }
            result.append(RuleTest(op, operand, range: member.keyRange))
        }
        return ok ? result : nil
    }

    /// True when the object's keys are operators, not a value: not Extended JSON, not a
    /// conversion or `%function` call, and starting with `$` or `%`.
    private func isOperatorObject(_ members: [JSONMember]) -> Bool {
        guard let first = members.first else { return false }
        if members.contains(where: { extendedJSONKeys.contains($0.key) }) { return false }
        if members.count == 1, first.key == functionKey || RuleConversion(rawValue: first.key) != nil { return false }
        return members.contains { $0.key.hasPrefix("$") || $0.key.hasPrefix("%") }
    }

    /// Reads a value: an expansion string, an array of operands, a conversion, a `%function`
    /// call, or any other JSON value as a literal.
    private mutating func operand(_ node: JSONNode, path: String, depth: Int) -> RuleOperand? {
        guard depth < RuleLimits.maxExpressionDepth else {
            report(.invalidRuleExpression, "'\(path)' is nested deeper than \(RuleLimits.maxExpressionDepth) levels", at: node.range)
            return nil
        }
        switch node.value {
        case .string(let s) where s.hasPrefix("%%"):
            guard let expansion = Expansion(s, range: node.range) else {
                report(.invalidRuleExpression, "'\(path)': '\(s)' is not a valid expansion", at: node.range)
                return nil
            }
            return .expansion(expansion)
        case .array(let items):
            var operands: [RuleOperand] = []
            for (i, item) in items.enumerated() {
                guard let o = operand(item, path: "\(path)[\(i)]", depth: depth + 1) else { return nil }
                operands.append(o)
            }
            return .array(operands, range: node.range)
        case .object(let members) where members.count == 1:
            let member = members[0]
            if let conversion = RuleConversion(rawValue: member.key) {
                guard let inner = operand(member.value, path: "\(path).\(member.key)", depth: depth + 1) else { return nil }
                return .conversion(conversion, inner, range: node.range)
            }
            if member.key == functionKey {
                guard member.value.objectMembers != nil else {
                    report(.invalidRuleExpression,
                           "'\(path).\(functionKey)' must be an object such as {\"name\": \"isAdmin\", \"arguments\": []}, found \(describe(member.value))",
                           at: member.value.range)
                    return nil
                }
                return .function(name: member.value["name"]?.stringValue, range: node.range)
            }
            return .literal(node)
        default:
            return .literal(node)
        }
    }

    /// `'path'`, or `the expression` at the top.
    private func name(_ path: String) -> String {
        path.isEmpty ? "the expression" : "'\(path)'"
    }

    private func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }
}
