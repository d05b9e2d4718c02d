import RQLSemantics

/// Queries over the application's own Swift types, without converting them to documents: each
/// schema property a query can use is mapped once to a function that reads it from an object;
/// names are resolved against the schema when the mapping is made, not per object.
///
/// ```swift
/// struct Task { var owner: String; var priority: Int; var tags: [String] }
/// let mapping = try ObjectMapping<Task>(schema: taskSchema, [
///     "owner": { .string($0.owner) },
///     "priority": { .int(Int64($0.priority)) },
///     "tags": { .list($0.tags.map(Value.string)) },
/// ])
/// let urgent = try CompiledQuery("priority > 2 AND 'urgent' IN tags", collection: taskSchema)
/// let matching = urgent.filter(tasks, using: mapping)
/// ```
public struct ObjectMapping<Object>: Sendable {
    public typealias Reader = @Sendable (Object) -> Value

    /// Readers by schema property index (nil: not mapped, reads as null).
    let readers: [Reader?]
    public let schema: ObjectSchema

    /// Maps property names to readers; every name must be a property of the schema.
    public init(schema: ObjectSchema, _ fields: [String: Reader]) throws(MappingError) {
        var readers = [Reader?](repeating: nil, count: schema.properties.count)
        for (name, reader) in fields {
            guard let index = schema.properties.firstIndex(where: { UTF8Key.sameBytes($0.name, name) }) else {
                throw MappingError(message: "'\(schema.title)' has no property '\(name)' to map")
            }
            readers[index] = reader
        }
        self.readers = readers
        self.schema = schema
    }

    /// One object seen through the mapping.
    struct Mapped: ValueSource {
        let object: Object
        let readers: [Reader?]
        func value(ofProperty index: Int) -> Value { readers[index]?(object) ?? .null }
    }
}

public struct MappingError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

extension CompiledQuery {
    /// Whether one of the application's objects matches.
    public func matches<Object>(_ object: Object, using mapping: ObjectMapping<Object>) -> Bool {
        matches(source: ObjectMapping<Object>.Mapped(object: object, readers: mapping.readers))
    }

    /// The application's objects that match, in order.
    public func filter<Object>(_ objects: [Object], using mapping: ObjectMapping<Object>) -> [Object] {
        objects.filter { matches($0, using: mapping) }
    }
}
