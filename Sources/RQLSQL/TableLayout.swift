import RQL

/// How a collection is laid out in PostgreSQL: one table named by the collection's title, one
/// column per property with the property's name, typed so that PostgreSQL's own comparisons agree
/// with realm-core's wherever the translator uses them.
///
/// | Realm type | column type | why |
/// |---|---|---|
/// | `string` | `text COLLATE "C"` | bytewise order, as realm orders UTF-8 |
/// | `int`, `long` | `bigint` | |
/// | `double` | `double precision` | keeps NaN and -0.0 |
/// | `decimal` | `numeric` | every finite decimal128 exactly, NaN and the infinities |
/// | `bool` | `boolean` | false sorts before true, as in realm |
/// | `date` | `numeric` | seconds since the epoch with nine decimals: `timestamp` keeps microseconds only |
/// | `objectId` | `bytea` | its 12 bytes, ordered bytewise |
/// | `uuid` | `uuid` | ordered bytewise |
/// | `binData` | `bytea` | |
///
/// A list is an array of the element type, never null (an absent list is empty, as Realm shows it),
/// with a GIN index for `ANY list == value`; arrays measured against a child table in the README.
public struct TableLayout: Sendable, Hashable {
    public let collection: ObjectSchema

    /// PostgreSQL truncates longer identifiers, which could merge two names.
    public static let maxIdentifierBytes = 63

    /// Why a collection cannot be laid out.
    public struct LayoutError: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The properties that have columns: scalars and lists of scalars. Embedded objects,
    /// dictionaries and mixed values have none: no query can read them (Flexible Sync cannot
    /// either), so they are not stored.
    public let stored: [Property]
    /// For each stored property, its index in `collection.properties` (a document's value).
    let valueIndexes: [Int]

    /// The layout of `collection`; fails for a name PostgreSQL would truncate or cannot hold.
    public init(_ collection: ObjectSchema) throws(LayoutError) {
        let stored = collection.properties.enumerated().filter { $0.element.type.scalarType != nil }
        for name in [collection.title] + stored.map(\.element.name) {
            if name.utf8.count > Self.maxIdentifierBytes {
                throw LayoutError(description: "'\(name)' in '\(collection.title)' is longer than PostgreSQL's \(Self.maxIdentifierBytes)-byte identifiers")
            }
            if name.utf8.contains(0) {
                throw LayoutError(description: "a name in '\(collection.title)' contains the NUL character, which PostgreSQL identifiers cannot")
            }
        }
        self.collection = collection
        self.stored = stored.map(\.element)
        self.valueIndexes = stored.map(\.offset)
    }

    /// A document's values for the stored columns, in column order (a `COPY` row).
    public func row(_ document: Document) -> [Value] {
        valueIndexes.map { $0 < document.values.count ? document.values[$0] : .null }
    }

    /// The table's name, quoted.
    public var table: String { Self.quoted(collection.title) }

    /// The columns' names, quoted, in the order of `row`.
    public var columns: [String] { stored.map { Self.quoted($0.name) } }

    /// An identifier in double quotes (a `"` doubled), so any name is exactly itself.
    public static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The column type of a scalar type (a list's is this with `[]`).
    public static func columnType(_ type: ScalarType) -> String {
        switch type {
        case .string: "text"
        case .int, .long: "bigint"
        case .double: "double precision"
        case .decimal, .date: "numeric"
        case .bool: "boolean"
        case .objectId, .binData: "bytea"
        case .uuid: "uuid"
        }
    }

    /// `CREATE TABLE`: `_id` the primary key, required properties `NOT NULL`, lists `NOT NULL
    /// DEFAULT '{}'`.
    public var createTable: String {
        let definitions = stored.map { p -> String in
            let type = p.type.scalarType ?? .string
            var column = Self.quoted(p.name) + " " + Self.columnType(type) + (p.type.isList ? "[]" : "")
            if type == .string { column += " COLLATE \"C\"" }
            if p.type.isList {
                column += " NOT NULL DEFAULT '{}'"
            } else if p.name == ObjectSchema.primaryKeyName {
                column += " PRIMARY KEY"
            } else if !p.isNullable {
                column += " NOT NULL"
            }
            return "  " + column
        }
        return "CREATE TABLE \(table) (\n" + definitions.joined(separator: ",\n") + "\n);"
    }

    /// The suggested indexes: a btree on each scalar property in `fields` (the queryable fields of
    /// the sync configuration, or every property) except `_id` (the primary key has one), a GIN on
    /// each list among them.
    public func suggestedIndexes(fields: [String]? = nil) -> [String] {
        stored.compactMap { p in
            guard p.name != ObjectSchema.primaryKeyName, fields?.contains(p.name) ?? true else { return nil }
            let name = Self.quoted(Self.truncated("\(collection.title)_\(p.name)_idx"))
            let method = p.type.isList ? "gin" : "btree"
            return "CREATE INDEX \(name) ON \(table) USING \(method) (\(Self.quoted(p.name)));"
        }
    }

    /// `name` cut to whole characters within PostgreSQL's identifier length.
    static func truncated(_ name: String) -> String {
        var result = ""
        for c in name {
            if result.utf8.count + c.utf8.count > maxIdentifierBytes { break }
            result.append(c)
        }
        return result
    }
}
