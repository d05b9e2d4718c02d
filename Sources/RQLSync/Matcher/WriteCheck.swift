import RQL

/// Whether a client's write is accepted, or undone by a compensating write, and why (App
/// Services: a write outside the client's view (subscriptions AND read filter), or not permitted
/// by its role's write filter, is reverted).
public enum WriteVerdict: Hashable, Sendable, CustomStringConvertible {
    case allowed
    case compensatingWrite(reason: String)

    public var description: String {
        switch self {
        case .allowed: "allowed"
        case .compensatingWrite(let reason): "compensating write: \(reason)"
        }
    }
}

public enum WriteCheck {
    /// Judges a client's write against its subscriptions (on the change's collection) and its
    /// resolved permissions for that collection.
    public static func check(_ change: Change, subscriptions: [CheckedQuery], permissions: ResolvedPermissions) -> WriteVerdict {
        if let denial = permissions.denial { return .compensatingWrite(reason: "no access: \(denial)") }
        let role = permissions.roleName.map { "role '\($0)'" } ?? "the role"
        let subscribed = ClientView(collection: permissions.collection, subscriptions: subscriptions, readFilter: .constant(true))
        func inView(_ d: Document) -> Bool { subscribed.contains(d) }
        switch change {
        case .insert(_, let after):
            guard inView(after) else { return .compensatingWrite(reason: "the inserted document is outside the client's subscriptions") }
            guard permissions.canInsert(after), permissions.canWrite(after) else {
                return .compensatingWrite(reason: "\(role) does not permit inserting this document")
            }
        case .update(_, let before, let after):
            guard inView(before), inView(after) else {
                return .compensatingWrite(reason: "the document is (or would be) outside the client's subscriptions")
            }
            guard permissions.canWrite(before), permissions.canWrite(after) else {
                return .compensatingWrite(reason: "\(role) does not permit writing this document")
            }
        case .delete(_, let before):
            guard inView(before) else { return .compensatingWrite(reason: "the deleted document is outside the client's subscriptions") }
            guard permissions.canDelete(before), permissions.canWrite(before) else {
                return .compensatingWrite(reason: "\(role) does not permit deleting this document")
            }
        }
        return .allowed
    }
}
