import RQL

/// A logged-in App Services user, as rules see it through `%%user`.
///
/// JSON form (one object):
/// `{"id": "u1", "type": "normal", "custom_data": {"isAdmin": true, "teams": ["a", "b"]},
///   "data": {"email": "x"}, "identities": [{"id": "...", "provider_type": "local-userpass"}]}`.
/// Only `id` is required; `type` defaults to `normal`. Values keep their JSON form (Extended JSON
/// such as `{"$oid": "..."}` included), since rules compare them with MongoDB semantics.
public struct SyncUser: Hashable, Sendable {
    /// `%%user.type`.
    public enum UserType: String, Hashable, Sendable, CaseIterable {
        /// An application user.
        case normal
        /// An API key / server user.
        case server
    }

    /// `%%user.id`.
    public var id: String
    /// `%%user.type`.
    public var type: UserType
    /// `%%user.custom_data`: the user's custom data document, if any.
    public var customData: JSONNode?
    /// `%%user.data`: metadata from the authentication provider (email, name...).
    public var data: JSONNode?
    /// `%%user.identities`.
    public var identities: [JSONNode]

    /// The keys of the JSON form.
    public static let keys = ["id", "type", "custom_data", "data", "identities"]

    /// A user built in code.
    public init(id: String, type: UserType = .normal, customData: JSONNode? = nil, data: JSONNode? = nil,
                identities: [JSONNode] = []) {
        self.id = id
        self.type = type
        self.customData = customData
        self.data = data
        self.identities = identities
    }

    /// The user as one JSON object: what `%%user` expands to.
    public var json: JSONNode {
        var members = [JSONMember(key: "id", value: JSONNode(.string(id))),
                       JSONMember(key: "type", value: JSONNode(.string(type.rawValue)))]
        if let data { members.append(JSONMember(key: "data", value: data)) }
        if let customData { members.append(JSONMember(key: "custom_data", value: customData)) }
        members.append(JSONMember(key: "identities", value: JSONNode(.array(identities))))
        return JSONNode(.object(members))
    }

    /// Reads a user from JSON text; nil with the errors when it is malformed.
    public static func load(_ text: String, file: String? = nil) -> (user: SyncUser?, diagnostics: [Diagnostic]) {
        switch JSON.parseResult(text) {
        case .failure(let error): return (nil, [Diagnostic(jsonError: error, file: file)])
        case .success(let root): return load(root, file: file)
        }
    }

    /// Reads an already parsed user.
    public static func load(_ root: JSONNode, file: String? = nil) -> (user: SyncUser?, diagnostics: [Diagnostic]) {
        var reader = RulesFileReader(file: file, subject: "user")
        guard let members = reader.object(root, what: "a user", code: .invalidSyncUser) else { return (nil, reader.diagnostics) }
        reader.rejectUnknownKeys(members, allowed: keys, in: "a user", code: .invalidSyncUser)
        let id = reader.string(root, key: "id", required: true, missingAt: JSONHead.head(root), code: .invalidSyncUser)
        var type = UserType.normal
        if let node = root["type"] {
            if let s = node.stringValue, let t = UserType(rawValue: s) {
                type = t
            } else {
                reader.report(.invalidSyncUser, "'type' must be \"normal\" or \"server\", found \(reader.describe(node))", at: node.range)
            }
        }
        // custom_data is null for users without a custom data document; data is always an object.
        var customData = root["custom_data"]
        if let node = customData {
            if node.isNull {
                customData = nil
            } else if node.objectMembers == nil {
                reader.report(.invalidSyncUser, "'custom_data' must be an object or null, found \(reader.describe(node))", at: node.range)
            }
        }
        let data = root["data"]
        if let node = data, node.objectMembers == nil {
            reader.report(.invalidSyncUser, "'data' must be an object, found \(reader.describe(node))", at: node.range)
        }
        var identities: [JSONNode] = []
        if let node = root["identities"] {
            if let items = node.arrayValue {
                identities = items
            } else {
                reader.report(.invalidSyncUser, "'identities' must be an array, found \(reader.describe(node))", at: node.range)
            }
        }
        guard let id, !reader.diagnostics.hasErrors else { return (nil, reader.diagnostics) }
        return (SyncUser(id: id, type: type, customData: customData, data: data, identities: identities), reader.diagnostics)
    }
}
