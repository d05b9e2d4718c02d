import RQL

extension Change {
    /// The operations of a change, as change files and corpus cases spell them.
    public static let operations = ["insert", "update", "delete"]

    /// Decodes the documents of a change written as JSON — `op` is "insert", "update" or "delete";
    /// `before` and `after` are Extended JSON documents of `collection`, exactly those the operation
    /// needs — and checks that an update keeps its `_id`.
    ///
    /// Returns the change, or the problems: `shape` about the change object itself (ranges in
    /// `root`'s text), `documents` from converting the documents (they say where, via `location`).
    public static func decode(_ root: JSONNode, op: String, collection: ObjectSchema, file: String?,
                              location: (String) -> String) -> (change: Change?, shape: [Diagnostic], documents: [Diagnostic]) {
        var shape: [Diagnostic] = [], problems: [Diagnostic] = []
        func head(_ node: JSONNode) -> SourceRange { SourceRange(node.range.start, min(node.range.end, node.range.start + 1)) }
        let needs = op == "insert" ? ["after"] : op == "delete" ? ["before"] : ["before", "after"]
        var documents: [String: Document] = [:]
        for key in ["before", "after"] {
            guard let node = root[key] else {
                if needs.contains(key) {
                    shape.append(Diagnostic(.documentMissingField, "an \(op) needs '\(key)' (a document)", at: head(root), file: file))
                }
                continue
            }
            guard needs.contains(key) else {
                shape.append(Diagnostic(.documentUnknownField, "an \(op) has no '\(key)'; it takes \(needs.map { "'\($0)'" }.joined(separator: " and "))",
                                        at: root.member(key)?.keyRange ?? head(root), file: file))
                continue
            }
            let (document, converted) = ExtendedJSON.convert(node, schema: collection, file: file, location: location(key))
            problems += converted
            if let document { documents[key] = document }
        }
        guard !(shape + problems).hasErrors else { return (nil, shape, problems) }
        let before = documents["before"], after = documents["after"]
        if let b = before?.primaryKey(in: collection), let a = after?.primaryKey(in: collection), a != b {
            shape.append(Diagnostic(.documentInvalidValue, "an update cannot change _id (\(CheckedDump.literal(b)) to \(CheckedDump.literal(a)))",
                                    at: root["after"]?["_id"]?.range ?? head(root), file: file))
            return (nil, shape, problems)
        }
        switch (before, after) {
        case (nil, let a?): return (.insert(collection: collection.title, after: a), shape, problems)
        case (let b?, nil): return (.delete(collection: collection.title, before: b), shape, problems)
        case (let b?, let a?): return (.update(collection: collection.title, before: b, after: a), shape, problems)
        case (nil, nil): return (nil, shape, problems)
        }
    }
}
