import RQLSemantics
/// One object of a collection, as a row of values.
///
/// `values` holds one value per property of the collection's `ObjectSchema`, in
/// `schema.properties` order. Scalars use the matching `Value` case (`int` and `long` are both
/// `.int`, `date` is `.timestamp`, `binData` is `.binary`); a missing or `null` optional scalar is
/// `.null`. List properties are `.list([...])`, never `.null`: Realm has no null lists, and shows
/// an absent one as empty. Properties of types documents cannot hold (embedded objects,
/// dictionaries, mixed) are always `.null`.
public struct Document: Hashable, Sendable {
    /// The values, in `schema.properties` order.
    public var values: [Value]

    /// A document with the given values (in `schema.properties` order).
    public init(values: [Value]) {
        self.values = values
    }

    /// The value of the property named `name`, or nil when the schema has no such property (or
    /// the document has fewer values than the schema has properties).
    public subscript(name: String, in schema: ObjectSchema) -> Value? {
        guard let index = schema.properties.firstIndex(where: { UTF8Key.sameBytes($0.name, name) }), index < values.count else {
            return nil
        }
        return values[index]
    }

    /// The value of `_id`, or nil when the schema has no `_id`.
    public func primaryKey(in schema: ObjectSchema) -> Value? {
        self[ObjectSchema.primaryKeyName, in: schema]
    }
}

extension Document {
    /// A primary key value for messages, in the corpus's spelling: `3`, `"abc"`, `oid(…)`, `uuid(…)`.
    public static func describeKey(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .int(let i): String(i)
        case .string(let s): ExtendedJSON.quoted(s)
        case .objectId(let o): o.description
        case .uuid(let u): u.description
        default: value.typeName
        }
    }
}

extension Document {
    /// Why this document does not fit `schema` (wrong number of values, a value of the wrong
    /// type, a null where none is allowed), or nil when it fits. For documents built in code; the
    /// loader only produces fitting ones.
    public func mismatch(with schema: ObjectSchema) -> String? {
        guard values.count == schema.properties.count else {
            return "has \(values.count) values, but '\(schema.title)' has \(schema.properties.count) properties"
        }
        for (value, property) in zip(values, schema.properties) {
            if let problem = Self.mismatch(value, property) { return "field '\(property.name)': \(problem)" }
        }
        return nil
    }

    /// Why `value` cannot be `property`'s value (as in `mismatch(with:)`), or nil when it fits.
    public static func mismatch(_ value: Value, _ property: Property) -> String? {
        switch property.type {
        case .scalar(let type):
            if value.isNull { return property.isNullable ? nil : "null in a required field" }
            return fits(value, type) ? nil : "a \(value.typeName) value in a \(type) field"
        case .list(let type):
            guard case .list(let elements) = value else { return "a \(value.typeName) value in a list field" }
            for element in elements {
                if element.isNull {
                    if !property.elementsNullable { return "a null element in a list whose items are not nullable" }
                } else if !fits(element, type) {
                    return "a \(element.typeName) element in a list of \(type)"
                }
            }
            return nil
        case .embeddedObject, .listOfObjects, .dictionary, .mixed, .unsupported:
            return value.isNull ? nil : "a value in a \(property.type) field, which documents cannot hold"
        }
    }

    private static func fits(_ value: Value, _ type: ScalarType) -> Bool {
        value.scalarType == (type == .long ? .int : type)
    }
}
