import RQLSemantics
import RQLDocuments

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
/// let matching = try urgent.filter(tasks, using: mapping)
/// ```
///
/// A query that reads a property the mapping does not provide is refused, naming it, rather than
/// read as null (`status != "open"` would hold for an open task); so is an object whose reader
/// returns a value the property cannot hold (a string for an int property), which no comparison
/// could answer as the schema means.
public struct ObjectMapping<Object>: Sendable {
    public typealias Reader = @Sendable (Object) -> Value

    /// Readers by schema property index (nil: not mapped).
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

public struct MappingError: Error, Equatable, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

extension CompiledQuery {
    /// Whether one of the application's objects matches.
    public func matches<Object>(_ object: Object, using mapping: ObjectMapping<Object>) throws(MappingError) -> Bool {
        try checkCovered(by: mapping)
        return try matchesMapped(object, mapping)
    }

    /// The application's objects that match, in order.
    public func filter<Object>(_ objects: [Object], using mapping: ObjectMapping<Object>) throws(MappingError) -> [Object] {
        try checkCovered(by: mapping)
        var out: [Object] = []
        for object in objects where try matchesMapped(object, mapping) { out.append(object) }
        return out
    }

    private func checkCovered<Object>(by mapping: ObjectMapping<Object>) throws(MappingError) {
        for column in program.readColumns where column >= mapping.readers.count || mapping.readers[column] == nil {
            let name = column < program.collection.properties.count ? program.collection.properties[column].name : "#\(column)"
            throw MappingError(message: "the query reads '\(name)', which the mapping of '\(mapping.schema.title)' does not provide")
        }
    }

    private func matchesMapped<Object>(_ object: Object, _ mapping: ObjectMapping<Object>) throws(MappingError) -> Bool {
        let mapped = ObjectMapping<Object>.Mapped(object: object, readers: mapping.readers)
        // Each value the program reads must be one its property can hold (a null, for a required
        // property, is left to the comparisons, as in a document).
        for column in program.readColumns {
            let value = mapped.value(ofProperty: column), property = program.collection.properties[column]
            if !value.isNull, let problem = Document.mismatch(value, property) {
                throw MappingError(message: "the mapping's reader for '\(property.name)' returned \(problem)")
            }
        }
        return VM.run(program, on: mapped) ?? Interpreter.matches(optimized, mapped)
    }
}
