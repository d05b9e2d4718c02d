import RQLSemantics
import RQLSyntax

/// The secondary indexes of one collection, by property.
public struct CollectionIndexes: Sendable {
    public let schema: ObjectSchema
    /// By property index in `schema.properties`.
    package private(set) var byProperty: [Int: SecondaryIndex] = [:]

    public init(schema: ObjectSchema) {
        self.schema = schema
    }

    /// Indexes kept by their owner (a live collection's).
    init(schema: ObjectSchema, byProperty: [Int: SecondaryIndex]) {
        self.schema = schema
        self.byProperty = byProperty
    }

    /// Indexes on `properties` over the rows of `collection`.
    public init(_ collection: ColumnarCollection, properties: [String]) throws(IndexError) {
        self.init(schema: collection.schema)
        for name in properties { try add(name, rows: collection.count) { collection.value(row: $0, column: $1) } }
    }

    /// The property an index on `name` would cover, or why there can be none.
    public static func property(_ name: String, in schema: ObjectSchema) throws(IndexError) -> PropertyReference {
        guard let index = schema.propertyIndex(named: name) else {
            throw .unknownProperty(name, collection: schema.title,
                                   suggestion: Checker.closestName(to: name, in: schema.properties.map(\.name)))
        }
        guard let reference = schema.reference(named: name), SecondaryIndex.canIndex(reference) else {
            throw .unindexableType(name, type: schema.properties[index].type.description)
        }
        return reference
    }

    /// Adds an index on `name`, filled from `rows` rows of values (`value(row, column)`); adding
    /// one that exists changes nothing.
    mutating func add(_ name: String, rows: Int, _ value: (Int, Int) -> Value) throws(IndexError) {
        let property = try Self.property(name, in: schema)
        guard byProperty[property.index] == nil else { return }
        let index = SecondaryIndex(property)
        for row in 0..<rows { index.add(value(row, property.index), row: row) }
        byProperty[property.index] = index
    }

    package subscript(property: Int) -> SecondaryIndex? { byProperty[property] }

    /// The indexed properties' names, in schema order.
    public var names: [String] { byProperty.keys.sorted().map { schema.properties[$0].name } }

    public var isEmpty: Bool { byProperty.isEmpty }

}

/// Why an index cannot be made.
public enum IndexError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownProperty(String, collection: String, suggestion: String?)
    case unindexableType(String, type: String)

    public var description: String {
        switch self {
        case .unknownProperty(let name, let collection, let suggestion):
            "no property '\(name)' in '\(collection)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
        case .unindexableType(let name, let type):
            "'\(name)' is \(type): indexes cover strings, ints, doubles, bools, dates, objectIds, uuids and lists of strings or ints"
        }
    }
}
