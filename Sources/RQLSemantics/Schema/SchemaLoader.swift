import RQLSyntax

/// Reads App Services collection schemas (`schema.json`).
///
/// Every problem becomes a `Diagnostic` whose message names the schema and the field
/// (`schema 'Task': property 'tags': items has unsupported bsonType 'regex'`) and whose range
/// points into the JSON text. A schema with any error is not returned: callers never see half
/// of a collection.
public enum SchemaLoader {
    /// The `bsonType` names App Services accepts. Names outside this list are typos; names in it
    /// that are not Realm property types are reported as unsupported.
    public static let appServicesBsonTypes: Set<String> = [
        "double", "string", "object", "array", "objectId", "date", "bool", "null", "regex", "int",
        "timestamp", "long", "decimal", "uuid", "binData", "mixed", "number",
    ]

    /// The scalar types a primary key can have.
    public static let primaryKeyTypes: Set<ScalarType> = [.objectId, .string, .int, .long, .uuid]

    /// Parses `text` as JSON and reads it as one collection schema.
    public static func load(_ text: String, file: String? = nil,
                            collectionName: String? = nil) -> (schema: ObjectSchema?, diagnostics: [Diagnostic]) {
        switch JSON.parseResult(text) {
        case .failure(let error):
            return (nil, [Diagnostic(jsonError: error, file: file)])
        case .success(let root):
            return load(root, file: file, collectionName: collectionName)
        }
    }

    /// Reads an already parsed JSON value as one collection schema.
    public static func load(_ root: JSONNode, file: String? = nil,
                            collectionName: String? = nil) -> (schema: ObjectSchema?, diagnostics: [Diagnostic]) {
        var reader = SchemaReader(file: file)
        let schema = reader.readRoot(root, collectionName: collectionName)
        let diagnostics = reader.diagnostics
        return (diagnostics.hasErrors ? nil : schema, diagnostics)
    }
}

extension Diagnostic {
    /// A JSON syntax error in a file, as an `invalidJSON` diagnostic.
    public init(jsonError error: JSONError, file: String?) {
        self.init(.invalidJSON, "invalid JSON: \(error.message)", at: error.range, file: file)
    }
}

/// The state of reading one schema: the diagnostics so far and how to name the schema in them.
private struct SchemaReader {
    let file: String?
    var diagnostics: [Diagnostic] = []
    /// `schema 'Task'` once the title is known.
    var subject = "schema"

    init(file: String?) { self.file = file }

    /// Reports `schema 'Task': <message>`.
    mutating func report(_ code: DiagnosticCode, _ message: String, at range: SourceRange, notes: [DiagnosticNote] = []) {
        diagnostics.append(Diagnostic(code, "\(subject): \(message)", at: range, notes: notes, file: file))
    }

    /// Reports `schema 'Task' <predicate>`, for problems of the schema as a whole.
    mutating func reportSchema(_ code: DiagnosticCode, _ predicate: String, at range: SourceRange) {
        diagnostics.append(Diagnostic(code, "\(subject) \(predicate)", at: range, file: file))
    }

    /// The first byte of a node, for errors about a whole object.
    static func head(_ node: JSONNode) -> SourceRange {
        SourceRange(node.range.start, Swift.min(node.range.end, node.range.start + 1))
    }

    // MARK: Root

    mutating func readRoot(_ root: JSONNode, collectionName: String?) -> ObjectSchema? {
        guard root.objectMembers != nil else {
            reportSchema(.invalidSchema, "must be a JSON object, found \(root.value.typeName)", at: Self.head(root))
            return nil
        }
        guard let titleMember = root.member("title") else {
            reportSchema(.invalidSchema, "has no 'title' (the object type name)", at: Self.head(root))
            return nil
        }
        guard let title = titleMember.value.stringValue, !title.isEmpty else {
            report(.invalidSchema, "'title' must be a non-empty string", at: titleMember.value.range)
            return nil
        }
        subject = "schema '\(title)'"

        if let bsonType = root.member("bsonType"), bsonType.value.stringValue != "object" {
            report(.invalidSchema, "the root 'bsonType' must be \"object\"", at: bsonType.value.range)
        }
        guard let propertiesMember = root.member("properties") else {
            reportSchema(.invalidSchema, "has no 'properties'", at: Self.head(root))
            return nil
        }
        guard let members = propertiesMember.value.objectMembers else {
            report(.invalidSchema, "'properties' must be an object, found \(propertiesMember.value.value.typeName)",
                   at: propertiesMember.value.range)
            return nil
        }
        let required = readRequired(root, propertyNames: Set(members.map { UTF8Key($0.key) }))

        var properties: [Property] = []
        properties.reserveCapacity(members.count)
        for member in members {
            if let property = readProperty(member, required: required) { properties.append(property) }
        }

        if let idMember = members.first(where: { $0.key == ObjectSchema.primaryKeyName }) {
            if let id = properties.first(where: { $0.name == ObjectSchema.primaryKeyName }) {
                let allowed = id.type.scalarType.map { SchemaLoader.primaryKeyTypes.contains($0) && !id.type.isList } ?? false
                if !allowed {
                    report(.invalidPrimaryKey,
                           "'_id' is \(id.type); a primary key must be objectId, string, int, long or uuid",
                           at: idMember.keyRange)
                }
            }
        } else {
            reportSchema(.missingPrimaryKey, "has no '_id' property (every synced object type needs one)",
                   at: propertiesMember.keyRange)
        }

        return ObjectSchema(title: title, properties: properties, collectionName: collectionName,
                            file: file, titleRange: titleMember.value.range)
    }

    /// The names in `required`; each must be a property.
    mutating func readRequired(_ root: JSONNode, propertyNames: Set<UTF8Key>) -> Set<UTF8Key> {
        guard let member = root.member("required") else { return [] }
        guard let items = member.value.arrayValue else {
            report(.invalidSchema, "'required' must be an array of property names", at: member.value.range)
            return []
        }
        var names: Set<UTF8Key> = []
        for item in items {
            guard let name = item.stringValue else {
                report(.invalidSchema, "'required' must contain only strings, found \(item.value.typeName)", at: item.range)
                continue
            }
            if !propertyNames.contains(UTF8Key(name)) {
                report(.invalidSchema, "'required' lists '\(name)', which is not a property", at: item.range)
            }
            names.insert(UTF8Key(name))
        }
        return names
    }

    // MARK: Properties

    mutating func readProperty(_ member: JSONMember, required: Set<UTF8Key>) -> Property? {
        let context = "property '\(member.key)'"
        if member.key.isEmpty {
            report(.invalidSchema, "a property name is empty", at: member.keyRange)
            return nil
        }
        guard let shape = readType(member.value, context: context, path: member.key) else { return nil }
        return Property(name: member.key, type: shape.type,
                        isNullable: !required.contains(UTF8Key(member.key)) || shape.nullable,
                        elementsNullable: shape.elementsNullable, isSet: shape.isSet, range: member.keyRange)
    }

    /// What one property schema says about its type.
    struct Shape {
        var type: PropertyType
        var nullable: Bool
        var elementsNullable = false
        var isSet = false
    }

    /// The type of a property schema (`context` names it in messages; `path` is its dotted name,
    /// `address.street`, for the properties of embedded objects inside it).
    mutating func readType(_ node: JSONNode, context: String, path: String) -> Shape? {
        guard let declared = readBsonType(node, context: context) else { return nil }
        if let scalar = ScalarType(rawValue: declared.name) {
            return Shape(type: .scalar(scalar), nullable: declared.nullable)
        }
        switch declared.name {
        case "mixed":
            return Shape(type: .mixed, nullable: declared.nullable)
        case "object":
            guard let isEmbedded = readObjectShape(node, context: context, path: path) else { return nil }
            return Shape(type: isEmbedded ? .embeddedObject : .dictionary, nullable: declared.nullable)
        case "array":
            return readArray(node, context: context, path: path, nullable: declared.nullable)
        default:
            reportUnsupported(declared.name, context: context, at: declared.range)
            return nil
        }
    }

    /// `array` with `items`: a list or set of scalars, a list of objects, or an unsupported nesting.
    mutating func readArray(_ node: JSONNode, context: String, path: String, nullable: Bool) -> Shape? {
        var isSet = false
        if let unique = node.member("uniqueItems") {
            guard let flag = unique.value.boolValue else {
                report(.invalidSchema, "\(context): 'uniqueItems' must be true or false", at: unique.value.range)
                return nil
            }
            isSet = flag
        }
        guard let itemsMember = node.member("items") else {
            report(.invalidSchema, "\(context) is an array without 'items'", at: Self.head(node))
            return nil
        }
        let itemsContext = "\(context): items"
        var items = itemsMember.value
        if let list = items.arrayValue {
            guard list.count == 1, let only = list.first else {
                report(.invalidSchema, "\(itemsContext) lists \(list.count) schemas; only a single item schema is supported",
                       at: items.range)
                return nil
            }
            items = only
        }
        guard let declared = readBsonType(items, context: itemsContext) else { return nil }
        let type: PropertyType
        if let scalar = ScalarType(rawValue: declared.name) {
            type = .list(scalar)
        } else {
            switch declared.name {
            case "object":
                guard let isEmbedded = readObjectShape(items, context: itemsContext, path: path) else { return nil }
                type = isEmbedded ? .listOfObjects : .unsupported("list of dictionaries")
            case "mixed":
                type = .unsupported("list of mixed")
            case "array":
                type = .unsupported("list of lists")
            default:
                reportUnsupported(declared.name, context: itemsContext, at: declared.range)
                return nil
            }
        }
        return Shape(type: type, nullable: nullable, elementsNullable: declared.nullable, isSet: isSet)
    }

    /// For `bsonType: "object"`: true for an embedded object (`properties`), false for a
    /// dictionary (`additionalProperties` schema and no `properties`), nil after an error.
    /// An embedded object's properties are checked like a collection's, named by their path.
    mutating func readObjectShape(_ node: JSONNode, context: String, path: String) -> Bool? {
        if let properties = node.member("properties") {
            guard let members = properties.value.objectMembers else {
                report(.invalidSchema, "\(context): 'properties' must be an object, found \(properties.value.value.typeName)",
                       at: properties.value.range)
                return nil
            }
            var valid = true
            for member in members {
                let memberPath = path + "." + member.key
                if member.key.isEmpty {
                    report(.invalidSchema, "\(context): a property name is empty", at: member.keyRange)
                    valid = false
                } else if readType(member.value, context: "property '\(memberPath)'", path: memberPath) == nil {
                    valid = false
                }
            }
            return valid ? true : nil
        }
        if let additional = node.member("additionalProperties"), additional.value.objectMembers != nil {
            return false
        }
        report(.invalidSchema,
               "\(context) is an object with neither 'properties' (embedded object) nor an 'additionalProperties' schema (dictionary)",
               at: Self.head(node))
        return nil
    }

    /// The one type named by `bsonType` (a string, or a list of one type plus optional "null").
    mutating func readBsonType(_ node: JSONNode, context: String) -> (name: String, nullable: Bool, range: SourceRange)? {
        guard node.objectMembers != nil else {
            report(.invalidSchema, "\(context) must be a schema object, found \(node.value.typeName)", at: node.range)
            return nil
        }
        guard let member = node.member("bsonType") else {
            let hint = node.member("type") != nil ? " ('type' is not read; use 'bsonType')" : ""
            report(.invalidSchema, "\(context) has no 'bsonType'\(hint)", at: Self.head(node))
            return nil
        }
        var names: [String] = []
        if let single = member.value.stringValue {
            names = [single]
        } else if let list = member.value.arrayValue, !list.isEmpty {
            for item in list {
                guard let name = item.stringValue else {
                    report(.invalidSchema, "\(context): 'bsonType' must contain only strings", at: item.range)
                    return nil
                }
                names.append(name)
            }
        } else {
            report(.invalidSchema, "\(context): 'bsonType' must be a string or a non-empty list of strings",
                   at: member.value.range)
            return nil
        }
        for name in names where !SchemaLoader.appServicesBsonTypes.contains(name) {
            report(.unsupportedBsonType, "\(context) has unknown bsonType '\(name)'", at: member.value.range,
                   notes: Self.suggestion(for: name).map { [DiagnosticNote("did you mean '\($0)'?")] } ?? [])
            return nil
        }
        let nullable = names.contains("null")
        let types = names.filter { $0 != "null" }
        guard let first = types.first else {
            report(.unsupportedBsonType, "\(context): bsonType 'null' alone is not a property type", at: member.value.range)
            return nil
        }
        if Set(types).count > 1 {
            let listed = types.map { "'\($0)'" }.joined(separator: ", ")
            report(.unsupportedBsonType,
                   "\(context): bsonType lists several types (\(listed)); only one type, optionally with 'null', is supported",
                   at: member.value.range, notes: [DiagnosticNote("use 'mixed' for a field that holds values of several types")])
            return nil
        }
        return (first, nullable, member.value.range)
    }

    mutating func reportUnsupported(_ name: String, context: String, at range: SourceRange) {
        let hint: String? = switch name {
        case "number": "use 'int', 'long', 'double' or 'decimal'"
        case "timestamp": "use 'date'"
        default: nil
        }
        let supported = ScalarType.allCases.map(\.rawValue).joined(separator: ", ")
        var notes = [DiagnosticNote("Realm properties use \(supported), array, object or mixed")]
        if let hint { notes.insert(DiagnosticNote(hint), at: 0) }
        report(.unsupportedBsonType, "\(context) has unsupported bsonType '\(name)'", at: range, notes: notes)
    }

    /// A known bsonType that differs from `name` only in case, or a common alias.
    static func suggestion(for name: String) -> String? {
        let aliases = ["integer": "int", "boolean": "bool", "objectid": "objectId", "bindata": "binData",
                       "float": "double", "datetime": "date", "str": "string", "int64": "long", "int32": "int"]
        let lower = name.lowercased()
        if let known = SchemaLoader.appServicesBsonTypes.first(where: { $0.lowercased() == lower }) { return known }
        return aliases[lower]
    }
}
