import RQL

/// Why a rule expression could not be evaluated or compiled for a user.
public struct RuleEvaluationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The problem, pointing into the rules file.
    public var diagnostic: Diagnostic

    /// An error.
    public init(_ diagnostic: Diagnostic) {
        self.diagnostic = diagnostic
    }

    /// The diagnostic's message.
    public var description: String { diagnostic.message }
}

/// Evaluates expressions that read only the user and the app's values: `apply_when`, and the
/// conditions on expansions inside document filters (`{"%%user.custom_data.isAdmin": true}`).
///
/// Semantics are MongoDB's over the expanded JSON values: a subject that is an array matches
/// `$eq` when it equals the value or contains it (so `{"%%user.custom_data.teams": "a"}` asks
/// whether the user is in team `a`); comparisons stay within a type bracket; a missing subject
/// equals only `null`. An operand whose expansion leads nowhere matches nothing (`$ne`/`$nin`,
/// being negations, then match).
package enum RuleEvaluator {
    /// Evaluates `expression` for the user in `context`. `what` names the expression in messages
    /// (`role 'admin': apply_when`); `file` is the rules file.
    package static func evaluate(_ expression: RuleExpression, context: ExpansionContext, what: String,
                                file: String? = nil) -> Result<Bool, RuleEvaluationError> {
        let session = RuleSession(context: context, what: what, file: file)
        do {
            return .success(try session.evaluate(expression))
        } catch {
            return .failure(error)
        }
    }
}

/// A resolved operand: a JSON value, or nothing (an expansion that led nowhere).
typealias ResolvedOperand = JSONNode?

/// One expression being evaluated for one user: the expansion inputs and how to name the
/// expression in errors.
struct RuleSession {
    let context: ExpansionContext
    /// `role 'admin': apply_when`.
    let what: String
    let file: String?

    func error(_ code: DiagnosticCode, _ message: String, at range: SourceRange) -> RuleEvaluationError {
        RuleEvaluationError(Diagnostic(code, "\(what): \(message)", at: range, file: file))
    }

    // MARK: User-only evaluation

    func evaluate(_ e: RuleExpression) throws(RuleEvaluationError) -> Bool {
        switch e {
        case .constant(let b, _): return b
        case .and(let es, _):
            for child in es {
                if try !evaluate(child) { return false }
            }
            return true
        case .or(let es, _):
            for child in es {
                if try evaluate(child) { return true }
            }
            return false
        case .unsupported(let op, let range):
            throw error(.operatorNotAllowed, "'\(op)' is not an operator Device Sync rules support", at: range)
        case .condition(let c):
            let subject: ResolvedOperand
            switch c.subject {
            case .field(let name):
                throw error(.applyWhenReadsDocument,
                            "'\(name)' is a document field; this expression can only use the user and values (%%user, %%values, %%environment)",
                            at: c.range)
            case .expansion(let expansion):
                subject = try resolve(expansion)
            }
            for test in c.tests {
                if try !matches(subject, test) { return false }
            }
            return true
        }
    }

    /// One test of a JSON subject with MongoDB semantics.
    func matches(_ subject: ResolvedOperand, _ test: RuleTest) throws(RuleEvaluationError) -> Bool {
        switch test.op {
        case .eq:
            guard let value = try resolve(test.operand) else { return false }
            return Self.equals(subject, value)
        case .ne:
            guard let value = try resolve(test.operand) else { return true }
            return !Self.equals(subject, value)
        case .gt, .gte, .lt, .lte:
            guard let value = try resolve(test.operand) else { return false }
            let candidates: [JSONNode] = subject.map { $0.arrayValue ?? [$0] } ?? [JSONNode(.null)]
            return candidates.contains { candidate in
                if candidate.isNull && value.isNull { return test.op == .gte || test.op == .lte }
                return RuleValues.order(candidate, value).map { RuleValues.satisfies(test.op, $0) } ?? false
            }
        case .in, .nin:
            let isIn = test.op == .in
            guard let list = try resolveList(test) else { return !isIn }
            let found = list.contains { Self.equals(subject, $0) }
            return isIn ? found : !found
        case .exists:
            return try (subject != nil) == existsFlag(test)
        case .other(let op):
            throw error(.operatorNotAllowed, "'\(op)' is not an operator Device Sync rules support", at: test.range)
        }
    }

    /// MongoDB `$eq`: a missing subject equals null; an array subject also matches by element.
    static func equals(_ subject: ResolvedOperand, _ value: JSONNode) -> Bool {
        guard let subject else { return value.isNull }
        if RuleValues.equal(subject, value) { return true }
        if let items = subject.arrayValue { return items.contains { RuleValues.equal($0, value) } }
        return false
    }

    // MARK: Operands

    func resolve(_ e: Expansion) throws(RuleEvaluationError) -> ResolvedOperand {
        switch context.resolve(e) {
        case .value(let node): return node
        case .missing: return nil
        case .unavailable(let why):
            let code: DiagnosticCode = Expansion.documentRoots.contains(e.root) ? .applyWhenReadsDocument : .expansionNotAllowed
            throw error(code, why, at: e.range)
        }
    }

    func resolve(_ o: RuleOperand) throws(RuleEvaluationError) -> ResolvedOperand {
        switch o {
        case .literal(let node): return node
        case .expansion(let e): return try resolve(e)
        case .array(let items, let range):
            var nodes: [JSONNode] = []
            // Elements that lead nowhere are left out: they could match nothing.
            for item in items {
                if let node = try resolve(item) { nodes.append(node) }
            }
            return JSONNode(.array(nodes), range: range)
        case .function(let name, let range):
            throw error(.functionNotEvaluated,
                        "the function \(name.map { "'\($0)'" } ?? "call") cannot be run here: RQLKit does not execute App Services functions",
                        at: range)
        case .conversion(let conversion, let inner, let range):
            guard let value = try resolve(inner) else { return nil }
            return try convert(conversion, value, range: range)
        }
    }

    /// `%stringToOid` and friends, producing Extended JSON so later comparisons see the type.
    private func convert(_ c: RuleConversion, _ value: JSONNode, range: SourceRange) throws(RuleEvaluationError) -> JSONNode {
        let natural = RuleValues.natural(value)
        switch c {
        case .stringToOid:
            if case .objectId? = natural { return value }
            if case .string(let s)? = natural, let oid = ObjectId(hex: s) {
                return JSONNode(.object([JSONMember(key: "$oid", value: JSONNode(.string(oid.hex)))]), range: range)
            }
        case .stringToUuid:
            if case .uuid? = natural { return value }
            if case .string(let s)? = natural, let uuid = UUIDValue(s) {
                return JSONNode(.object([JSONMember(key: "$uuid", value: JSONNode(.string(uuid.text)))]), range: range)
            }
        case .oidToString:
            if case .objectId(let oid)? = natural { return JSONNode(.string(oid.hex), range: range) }
        case .uuidToString:
            if case .uuid(let uuid)? = natural { return JSONNode(.string(uuid.text), range: range) }
        }
        let expected = switch c {
        case .stringToOid: "a string of 24 hex digits"
        case .stringToUuid: "a UUID string"
        case .oidToString: "an ObjectId"
        case .uuidToString: "a UUID"
        }
        throw error(.invalidExpansionValue, "'\(c.rawValue)' needs \(expected), found \(RuleValues.describe(value))", at: range)
    }

    /// The array of `$in` / `$nin`; nil when its expansion leads nowhere.
    func resolveList(_ test: RuleTest) throws(RuleEvaluationError) -> [JSONNode]? {
        guard let value = try resolve(test.operand) else { return nil }
        guard let items = value.arrayValue else {
            throw error(.invalidExpansionValue,
                        "'\(test.op)' needs an array, but '\(describe(test.operand))' is \(RuleValues.describe(value))",
                        at: test.operand.range)
        }
        return items
    }

    /// The flag of `$exists`.
    func existsFlag(_ test: RuleTest) throws(RuleEvaluationError) -> Bool {
        guard let value = try resolve(test.operand), let flag = RuleValues.truthiness(value) else {
            throw error(.invalidExpansionValue, "'$exists' needs true or false", at: test.operand.range)
        }
        return flag
    }

    /// An operand as written, for messages.
    func describe(_ o: RuleOperand) -> String {
        switch o {
        case .expansion(let e): e.description
        case .literal: "the value"
        case .array: "the array"
        case .conversion(let c, _, _): c.rawValue
        case .function: "%function"
        }
    }
}
