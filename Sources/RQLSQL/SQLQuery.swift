import RQL

/// A query translated for PostgreSQL: a `WHERE` condition over the collection's table
/// (`TableLayout`) whose values are all bind parameters, sent as text and cast in the SQL.
public struct SQLQuery: Sendable, Hashable {
    public var layout: TableLayout
    /// The condition, two-valued (never SQL NULL), so that `NOT` means what it means in RQL.
    public var condition: String
    /// `$1`, `$2`, ... in order, as PostgreSQL text (`SQLText`); nil is SQL NULL.
    public var parameters: [String?]

    public init(layout: TableLayout, condition: String, parameters: [String?]) {
        self.layout = layout
        self.condition = condition
        self.parameters = parameters
    }

    /// The table's alias in every `SELECT`: the condition qualifies each column with it, so that a
    /// property named like an alias of the condition's own subqueries is never captured by them.
    public static let rowAlias = "rql_row"

    /// `FROM table AS rql_row WHERE condition`.
    var fromWhere: String { "FROM \(layout.table) AS \(Self.rowAlias) WHERE \(condition)" }

    /// The `_id`s of the matching rows.
    public var selectIDs: String {
        "SELECT \(Self.rowAlias).\(TableLayout.quoted(ObjectSchema.primaryKeyName)) \(fromWhere)"
    }

    /// Every column of the matching rows, in property order.
    public var selectRows: String {
        "SELECT \(layout.columns.map { "\(Self.rowAlias).\($0)" }.joined(separator: ", ")) \(fromWhere)"
    }

    /// The number of matching rows.
    public var selectCount: String {
        "SELECT count(*) \(fromWhere)"
    }
}

/// A query the translator cannot express exactly, refused rather than translated loosely: what
/// it is and where it is in the query.
public struct UnsupportedInSQL: Error, Sendable, Equatable, CustomStringConvertible {
    /// The construct, in words: "LIKE on a binary property", ...
    public var construct: String
    public var range: SourceRange

    public init(_ construct: String, at range: SourceRange = .none) {
        self.construct = construct
        self.range = range
    }

    public var description: String { "unsupported in PostgreSQL: \(construct)" }
}
