import RQLSyntax

/// A Realm scalar type; the raw value is its App Services `bsonType` name.
public enum ScalarType: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case objectId, string, int, long, double, decimal, bool, date, uuid, binData

    /// The `bsonType` spelling.
    public var description: String { rawValue }
}

/// The type of one property of a collection schema.
///
/// The cases after `list` are shapes App Services accepts but Flexible Sync cannot query. They are
/// kept rather than rejected so later stages can say exactly why a query on them is refused.
public enum PropertyType: Hashable, Sendable, CustomStringConvertible {
    /// A single scalar value.
    case scalar(ScalarType)
    /// A list (or set) of scalars.
    case list(ScalarType)
    /// An embedded object (`bsonType: "object"` with `properties`). Its own properties are not
    /// read: Flexible Sync cannot query inside embedded objects.
    case embeddedObject
    /// A list of embedded objects.
    case listOfObjects
    /// A dictionary (`bsonType: "object"` with `additionalProperties` and no `properties`).
    case dictionary
    /// `bsonType: "mixed"`.
    case mixed
    /// A valid App Services shape this toolkit does not model, described for messages
    /// (e.g. `list of mixed`, `list of lists`).
    case unsupported(String)

    /// The scalar type of a scalar or of a list's elements.
    public var scalarType: ScalarType? {
        switch self {
        case .scalar(let t), .list(let t): t
        default: nil
        }
    }

    /// True for a list of scalars.
    public var isList: Bool {
        if case .list = self { return true }
        return false
    }

    /// Words for messages: `string`, `list of int`, `embedded object`...
    public var description: String {
        switch self {
        case .scalar(let t): t.rawValue
        case .list(let t): "list of \(t.rawValue)"
        case .embeddedObject: "embedded object"
        case .listOfObjects: "list of objects"
        case .dictionary: "dictionary"
        case .mixed: "mixed"
        case .unsupported(let what): what
        }
    }
}

/// One property of a collection schema.
public struct Property: Hashable, Sendable {
    /// The field name.
    public var name: String
    /// The type.
    public var type: PropertyType
    /// True when the property may be null or missing: it is not listed in `required`, or its
    /// `bsonType` list contains `"null"`. (For lists this only says the field may be absent from
    /// a document; Realm itself shows an absent list as empty.)
    public var isNullable: Bool
    /// For lists: true when the elements may be null (`items.bsonType` contains `"null"`).
    public var elementsNullable: Bool
    /// True for a set (`bsonType: "array"` with `uniqueItems: true`); otherwise it behaves as a list.
    public var isSet: Bool
    /// The byte range of the property's key in its schema file (`.none` when built in code).
    public var range: SourceRange

    /// A property; only `name` and `type` are needed when building schemas in code.
    public init(name: String, type: PropertyType, isNullable: Bool = false, elementsNullable: Bool = false,
                isSet: Bool = false, range: SourceRange = .none) {
        self.name = name
        self.type = type
        self.isNullable = isNullable
        self.elementsNullable = elementsNullable
        self.isSet = isSet
        self.range = range
    }
}

/// The schema of one collection (one Realm object type).
public struct ObjectSchema: Hashable, Sendable {
    /// The name of the primary key property every synced object type has.
    public static let primaryKeyName = "_id"

    /// The Realm object-type name (`title` in schema.json); queries name the collection by it.
    public var title: String
    /// The MongoDB collection name (the folder name in an app export). App Services names
    /// collections in `sync/config.json` by it; it is usually, not always, equal to `title`.
    public var collectionName: String
    /// The properties in file order.
    public private(set) var properties: [Property]
    /// The file the schema was read from, for diagnostics.
    public var file: String?
    /// The byte range of the `title` value in that file.
    public var titleRange: SourceRange
    private var indexByName: [UTF8Key: Int]

    /// A schema. With duplicate property names the first one wins (the loader never produces them).
    public init(title: String, properties: [Property], collectionName: String? = nil,
                file: String? = nil, titleRange: SourceRange = .none) {
        self.title = title
        self.collectionName = collectionName ?? title
        self.properties = properties
        self.file = file
        self.titleRange = titleRange
        var index: [UTF8Key: Int] = [:]
        for (i, p) in properties.enumerated() where index[UTF8Key(p.name)] == nil { index[UTF8Key(p.name)] = i }
        self.indexByName = index
    }

    /// The property named `name` (exact case, as Realm matches field names).
    public func property(named name: String) -> Property? {
        indexByName[UTF8Key(name)].map { properties[$0] }
    }

    /// Where the property named `name` is in `properties` (exact bytes, as Realm matches names).
    public func propertyIndex(named name: String) -> Int? {
        indexByName[UTF8Key(name)]
    }

    /// The `_id` property; the loader guarantees it exists.
    public var primaryKey: Property? { property(named: Self.primaryKeyName) }
}

/// A set of collection schemas, looked up by title.
public struct Schema: Hashable, Sendable {
    /// The collections in the order they were added.
    public private(set) var collections: [ObjectSchema] = []
    private var indexByTitle: [UTF8Key: Int] = [:]

    /// An empty schema.
    public init() {}

    /// A schema of the given collections; a duplicate title keeps the first one.
    public init(_ collections: [ObjectSchema]) {
        for c in collections { _ = add(c) }
    }

    /// The collection whose title is `title`.
    public subscript(title: String) -> ObjectSchema? {
        indexByTitle[UTF8Key(title)].map { collections[$0] }
    }

    /// The collection whose MongoDB collection name is `name` (the first one if several
    /// databases use the same name).
    public func collection(named name: String) -> ObjectSchema? {
        collections.first { UTF8Key.sameBytes($0.collectionName, name) }
    }

    /// The collection a query, a directive or a config names: by its MongoDB collection name
    /// first, then by its schema title (the corpus and the REPL name collections either way).
    public func lookup(_ name: String) -> ObjectSchema? {
        collection(named: name) ?? self[name]
    }

    /// The titles in order.
    public var titles: [String] { collections.map(\.title) }

    /// True when there are no collections.
    public var isEmpty: Bool { collections.isEmpty }

    /// Adds a collection. A second collection with the same title is not added; the error points
    /// at its title.
    public mutating func add(_ objectSchema: ObjectSchema) -> Diagnostic? {
        if let existing = self[objectSchema.title] {
            let first = existing.file.map { "first defined in '\($0)'" } ?? "first defined earlier"
            return Diagnostic(.duplicateSchema,
                              "schema '\(objectSchema.title)' is defined twice",
                              at: objectSchema.titleRange,
                              notes: [DiagnosticNote(first, range: existing.file == objectSchema.file ? existing.titleRange : nil)],
                              file: objectSchema.file)
        }
        indexByTitle[UTF8Key(objectSchema.title)] = collections.count
        collections.append(objectSchema)
        return nil
    }

    /// Reads one `schema.json` text and adds the collection if it has no errors.
    /// Returns every problem found (an empty array means the collection was added).
    public mutating func load(_ text: String, file: String? = nil, collectionName: String? = nil) -> [Diagnostic] {
        let (objectSchema, diagnostics) = SchemaLoader.load(text, file: file, collectionName: collectionName)
        guard let objectSchema, !diagnostics.hasErrors else { return diagnostics }
        if let duplicate = add(objectSchema) { return diagnostics + [duplicate] }
        return diagnostics
    }
}
