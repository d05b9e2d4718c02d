import RQL

/// `%%environment`: the app's environment tag and its environment values.
public struct RuleEnvironment: Hashable, Sendable {
    /// `%%environment.tag` (`development`, `testing`, `qa`, `production`), if set.
    public var tag: String?
    /// `%%environment.values.<name>`.
    public var values: [String: JSONNode]

    /// An environment.
    public init(tag: String? = nil, values: [String: JSONNode] = [:]) {
        self.tag = tag
        self.values = values
    }
}

/// What an expansion stands for in one session.
public enum ExpansionValue: Hashable, Sendable {
    /// A JSON value.
    case value(JSONNode)
    /// A path that leads nowhere (`%%user.custom_data.missing`): like a missing field.
    case missing
    /// An expansion a sync session cannot expand (`%%root`, `%%request`, an unknown root), and why.
    case unavailable(String)
}

/// The inputs of expansions for one user's session: the user, `%%values` and `%%environment`.
/// Expansions are resolved once, when a session starts, exactly as App Services does.
public struct ExpansionContext: Hashable, Sendable {
    /// `%%user`.
    public var user: SyncUser
    /// `%%values.<name>`: the app's values (secrets resolved to their strings by the caller).
    public var values: [String: JSONNode]
    /// `%%environment`.
    public var environment: RuleEnvironment

    /// A context.
    public init(user: SyncUser, values: [String: JSONNode] = [:], environment: RuleEnvironment = RuleEnvironment()) {
        self.user = user
        self.values = values
        self.environment = environment
    }

    /// The value of one expansion.
    public func resolve(_ e: Expansion) -> ExpansionValue {
        switch e.root {
        case "true", "false":
            guard e.path.isEmpty else { return .unavailable("'\(e)' has a path after a boolean") }
            return .value(JSONNode(.bool(e.root == "true")))
        case "user":
            return Self.walk(user.json, e.path)
        case "values":
            guard let name = e.path.first else { return .value(Self.object(values)) }
            guard let value = values[name] else { return .missing }
            return Self.walk(value, Array(e.path.dropFirst()))
        case "environment":
            var members: [JSONMember] = []
            if let tag = environment.tag { members.append(JSONMember(key: "tag", value: JSONNode(.string(tag)))) }
            members.append(JSONMember(key: "values", value: Self.object(environment.values)))
            return Self.walk(JSONNode(.object(members)), e.path)
        case _ where Expansion.documentRoots.contains(e.root):
            return .unavailable("'%%\(e.root)' refers to the document, which a sync session does not have when it expands rules")
        case "request", "partition", "args":
            return .unavailable("'%%\(e.root)' is not available to Device Sync rules")
        default:
            return .unavailable("'%%\(e.root)' is not an expansion App Services knows")
        }
    }

    /// Follows a dotted path through objects (by key) and arrays (by index), as MongoDB does.
    static func walk(_ node: JSONNode, _ path: [String]) -> ExpansionValue {
        var current = node
        for segment in path {
            if let members = current.objectMembers {
                guard let next = members.first(where: { $0.key == segment }) else { return .missing }
                current = next.value
            } else if let items = current.arrayValue, let index = Int(segment), index >= 0, index < items.count {
                current = items[index]
            } else {
                return .missing
            }
        }
        return .value(current)
    }

    /// A map as a JSON object with sorted keys, so the result does not depend on hashing.
    static func object(_ map: [String: JSONNode]) -> JSONNode {
        JSONNode(.object(map.keys.sorted().compactMap { key in map[key].map { JSONMember(key: key, value: $0) } }))
    }
}
