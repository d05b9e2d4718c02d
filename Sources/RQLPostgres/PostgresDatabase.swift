import PostgresNIO
import RQL
import RQLSQL

/// One connection to a PostgreSQL server, for loading collections and running translated queries.
///
/// Operations run one at a time: the search path and transactions are the connection's state, so
/// do not start an operation before the previous one returned. Call `close()` when done:
/// postgres-nio asserts (in debug builds) that a connection is closed before it goes away. Values
/// travel as text in both directions (`SQLText` out, `ColumnText` back), which PostgreSQL reads
/// and prints exactly for every column type of `TableLayout`.
public final class PostgresDatabase: Sendable {
    /// The oldest server the helper functions run on: numeric Infinity came in 14.
    public static let minimumServerVersion = 140000
    /// The `pg_advisory_xact_lock` key that serialises installs of the helper functions ("RQLK").
    public static let installLockKey: Int64 = 0x52514C4B
    /// `COPY` data goes to the server in pieces of about this size.
    public static let copyChunkBytes = 1 << 20
    /// Messages quote at most this much of a bad value.
    public static let maxQuotedValueCharacters = 120

    public let url: DatabaseURL
    private let connection: PostgresConnection
    private let logger: Logger

    private init(url: DatabaseURL, connection: PostgresConnection, logger: Logger) {
        self.url = url
        self.connection = connection
        self.logger = logger
    }

    /// Connects and logs in. Failures are `.cannotConnect`, naming the redacted URL.
    public static func connect(to url: DatabaseURL, logger: Logger? = nil) async throws(DatabaseError) -> PostgresDatabase {
        var configuration: PostgresConnection.Configuration
        switch url.endpoint {
        case .tcp(let host, let port):
            configuration = .init(host: host, port: port, username: url.user, password: url.password, database: url.database, tls: .disable)
        case .unixSocket:
            configuration = .init(unixSocketPath: url.socketPath ?? "", username: url.user, password: url.password, database: url.database)
        }
        // Text output that reads back exactly (see ColumnText), in UTF-8 whatever the server's default.
        configuration.options.additionalStartupParameters = [
            ("client_encoding", "UTF8"), ("bytea_output", "hex"), ("extra_float_digits", "1"),
        ]
        if let seconds = url.connectTimeoutSeconds { configuration.options.connectTimeout = .seconds(Int64(seconds)) }
        var quiet = Logger(label: "rqlkit.postgres")
        quiet.logLevel = .critical
        let logger = logger ?? quiet
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            return PostgresDatabase(url: url, connection: connection, logger: logger)
        } catch {
            var failure = DatabaseError.from(error, doing: "logging in", url: url)
            // Whatever fails before the session exists (a missing role or database too) is a failure to connect.
            if failure.kind != .cannotConnect {
                failure = DatabaseError(.cannotConnect, "cannot connect to " + failure.message, sqlState: failure.sqlState)
            }
            throw failure
        }
    }

    /// Whether the connection is closed (by `close()`, the server or the network).
    public var isClosed: Bool { connection.isClosed }

    /// The connection, checked first: postgres-nio 1.33.2 never answers a query sent on a
    /// connection that is already closed (the server ended it, say), so that is refused here.
    private func openConnection(doing: String) throws(DatabaseError) -> PostgresConnection {
        guard !connection.isClosed else {
            throw DatabaseError(.connectionLost, "\(url.redacted): \(doing): the connection is closed (the server ended it, or close() was called)")
        }
        return connection
    }

    /// Closes the connection; closing a closed connection does nothing.
    public func close() async {
        try? await connection.close()
    }

    // MARK: Setup

    /// Installs the helper functions (`SQLFunctions.script`, schema `rqlkit`) unless this version is
    /// there already. Refuses a server older than 14 or not in UTF-8. Safe when several processes
    /// install at once: they take turns on an advisory lock inside one transaction.
    public func installFunctions() async throws(DatabaseError) {
        let versionText = try await value("SELECT current_setting('server_version_num')", doing: "reading the server version")
        let encoding = try await value("SELECT current_setting('server_encoding')", doing: "reading the server encoding")
        guard let version = versionText.flatMap({ Int($0) }), version >= Self.minimumServerVersion else {
            throw DatabaseError(.unsupportedServer, "\(url.redacted): the server's version number is \(versionText ?? "unknown"); RQLKit needs PostgreSQL 14 or later (numeric Infinity)")
        }
        guard encoding == "UTF8" else {
            throw DatabaseError(.unsupportedServer, "\(url.redacted): the server's encoding is \(encoding ?? "unknown"); RQLKit needs a UTF8 database (initdb -E UTF8)")
        }
        let install = try Self.installStatement()
        let logger = self.logger
        let connection = try openConnection(doing: "installing the helper functions")
        do {
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.installLockKey))", logger: logger)
                let exists = try await connection.query("""
                    SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = 'rqlkit' AND p.proname = 'version' AND p.pronargs = 0
                    """, logger: logger).collect()
                if !exists.isEmpty {
                    let rows = try await connection.query("SELECT rqlkit.version()::text", logger: logger).collect()
                    if let first = rows.first, let text = try first.makeRandomAccess()[0].decode(String?.self),
                       Int(text) == SQLFunctions.version {
                        return
                    }
                }
                try await connection.query(PostgresQuery(unsafeSQL: install), logger: logger)
            }
        } catch {
            throw DatabaseError.from(error, doing: "installing the helper functions", url: url)
        }
    }

    /// The script as one statement: a `DO` block whose `EXECUTE` runs every statement in it
    /// (the extended protocol postgres-nio speaks takes one statement at a time).
    static func installStatement() throws(DatabaseError) -> String {
        let tag = "$rqlkit_script$"
        guard !SQLFunctions.script.contains(tag), !SQLFunctions.script.contains("$rqlkit_install$") else {
            throw DatabaseError(.badData, "the helper-function script contains \(tag), which quotes it for installing")
        }
        return "DO $rqlkit_install$ BEGIN EXECUTE \(tag)\(SQLFunctions.script)\(tag); END $rqlkit_install$"
    }

    /// Creates the PostgreSQL schema `name` and makes it the only one on the search path, so
    /// tables are created and found there (the helper functions are called by qualified name).
    public func createSchema(_ name: String) async throws(DatabaseError) {
        try await execute("CREATE SCHEMA \(TableLayout.quoted(name))", doing: "creating schema '\(name)'")
        try await useSchema(name)
    }

    /// Puts only `name` on the search path.
    public func useSchema(_ name: String) async throws(DatabaseError) {
        try await execute("SET search_path TO \(TableLayout.quoted(name))", doing: "using schema '\(name)'")
    }

    /// Drops the schema `name` with everything in it; nothing happens when it does not exist.
    public func dropSchema(_ name: String) async throws(DatabaseError) {
        try await execute("DROP SCHEMA IF EXISTS \(TableLayout.quoted(name)) CASCADE", doing: "dropping schema '\(name)'")
    }

    /// Creates the collection's table, then `indexes` (`layout.suggestedIndexes(fields:)`), in one transaction.
    public func createTable(_ layout: TableLayout, indexes: [String] = []) async throws(DatabaseError) {
        try await transaction(doing: "creating table \(layout.table)") { connection, logger in
            try await connection.query(PostgresQuery(unsafeSQL: layout.createTable), logger: logger)
            for index in indexes {
                try await connection.query(PostgresQuery(unsafeSQL: index), logger: logger)
            }
        }
    }

    /// Runs statements without parameters (DDL such as `CREATE INDEX`), in one transaction.
    public func execute(_ statements: [String]) async throws(DatabaseError) {
        try await transaction(doing: "running \(statements.count) statement(s)") { connection, logger in
            for statement in statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }

    // MARK: Loading

    /// Loads `documents` into the collection's table with one `COPY`, in one transaction: with
    /// `createTable` the table is created first (with `replacingTable`, after dropping any table of
    /// that name) and `indexes` after the rows (faster than keeping them up to date row by row).
    /// Every document is checked against the schema and encoded before anything is sent, so a bad
    /// document writes nothing; the error names it by position and `_id`. Any failure rolls the
    /// whole transaction back. Returns the number of rows loaded.
    @discardableResult
    public func load(_ documents: [Document], into layout: TableLayout, createTable: Bool = false,
                     replacingTable: Bool = false, indexes: [String] = []) async throws(DatabaseError) -> Int {
        let names = [layout.collection.title] + layout.stored.map(\.name)
        // postgres-nio's COPY quotes the names it is given without doubling quotes.
        if let name = names.first(where: { $0.contains("\"") }) {
            throw DatabaseError(.badData, "cannot load '\(layout.collection.title)': the name '\(name)' contains '\"', which COPY cannot quote")
        }
        let chunks = try Self.copyData(documents, layout: layout)
        try await transaction(doing: "loading into \(layout.table)") { connection, logger in
            if createTable && replacingTable {
                try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(layout.table)"), logger: logger)
            }
            if createTable {
                try await connection.query(PostgresQuery(unsafeSQL: layout.createTable), logger: logger)
            }
            try await connection.copyFrom(table: layout.collection.title, columns: layout.stored.map(\.name),
                                          format: .text(.init()), logger: logger) { writer in
                for chunk in chunks { try await writer.write(chunk) }
            }
            for index in indexes {
                try await connection.query(PostgresQuery(unsafeSQL: index), logger: logger)
            }
        }
        return documents.count
    }

    /// The `COPY` text of `documents`, in chunks; the first bad document stops it.
    static func copyData(_ documents: [Document], layout: TableLayout) throws(DatabaseError) -> [ByteBuffer] {
        let schema = layout.collection
        var chunks: [ByteBuffer] = []
        var buffer = ByteBufferAllocator().buffer(capacity: copyChunkBytes)
        for (index, document) in documents.enumerated() {
            if let problem = document.mismatch(with: schema) {
                throw DatabaseError(.badData, "\(describe(document, at: index, in: schema)) does not fit '\(schema.title)': \(problem); nothing was loaded")
            }
            let values = layout.row(document)
            let row: String
            do {
                row = try SQLText.copyRow(values)
            } catch {
                // Which field: encode them one by one (only on this rare path).
                let field = zip(layout.stored, values).first { (try? SQLText.encode($0.1)) == nil }?.0.name
                throw DatabaseError(.badData, "\(describe(document, at: index, in: schema))"
                    + (field.map { ", field '\($0)'" } ?? "") + ": \(quoted(error.description)); nothing was loaded")
            }
            buffer.writeString(row)
            if buffer.readableBytes >= copyChunkBytes {
                chunks.append(buffer)
                buffer = ByteBufferAllocator().buffer(capacity: copyChunkBytes)
            }
        }
        if buffer.readableBytes > 0 { chunks.append(buffer) }
        return chunks
    }

    /// "document 3 (_id 42)", counting from 1 as editors count lines.
    static func describe(_ document: Document, at index: Int, in schema: ObjectSchema) -> String {
        let key = document.primaryKey(in: schema).map { " (_id \(quoted(Document.describeKey($0))))" } ?? ""
        return "document \(index + 1)\(key)"
    }

    static func quoted(_ text: String) -> String {
        text.count > maxQuotedValueCharacters ? String(text.prefix(maxQuotedValueCharacters)) + "…" : text
    }

    // MARK: Queries

    /// The `_id`s of the rows matching `query`, as values of the primary key's type, in the
    /// order the server returns them (unspecified; compare them as a set).
    public func matchingIDs(_ query: SQLQuery) async throws(DatabaseError) -> [Value] {
        let schema = query.layout.collection
        guard let key = schema.primaryKey else {
            throw DatabaseError(.badData, "'\(schema.title)' has no \(ObjectSchema.primaryKeyName) property")
        }
        // Around the query's own SELECT, which knows how its condition names the table.
        let sql = "SELECT \(TableLayout.quoted(key.name))::text FROM (\(query.selectIDs)) AS rql_ids"
        let rows = try await fetchTextRows(sql, parameters: query.parameters, doing: "querying \(query.layout.table)")
        var ids: [Value] = []
        ids.reserveCapacity(rows.count)
        for row in rows {
            ids.append(try decode(row.first ?? nil, as: key, in: schema))
        }
        return ids
    }

    /// The number of rows matching `query`.
    public func count(_ query: SQLQuery) async throws(DatabaseError) -> Int {
        let text = try await fetchTextRows("SELECT n::text FROM (\(query.selectCount)) AS rql_count(n)",
                                      parameters: query.parameters, doing: "counting in \(query.layout.table)").first?.first ?? nil
        guard let text, let count = Int(text) else {
            throw DatabaseError(.badData, "\(url.redacted): the count is not a number")
        }
        return count
    }

    /// The rows matching `query` as documents of the collection (every stored property, exact
    /// values; properties without a column, such as embedded objects, are null), in the order the
    /// server returns them.
    public func matchingDocuments(_ query: SQLQuery) async throws(DatabaseError) -> [Document] {
        let layout = query.layout, schema = layout.collection
        let columns = layout.columns.map { $0 + "::text" }.joined(separator: ", ")
        let rows = try await fetchTextRows("SELECT \(columns) FROM (\(query.selectRows)) AS rql_rows",
                                           parameters: query.parameters, doing: "querying \(layout.table)")
        let valueIndexes = layout.stored.map { schema.propertyIndex(named: $0.name) }
        var documents: [Document] = []
        documents.reserveCapacity(rows.count)
        for row in rows {
            var values = [Value](repeating: .null, count: schema.properties.count)
            for ((text, property), index) in zip(zip(row, layout.stored), valueIndexes) {
                guard let index else { continue }
                values[index] = try decode(text, as: property, in: schema)
            }
            documents.append(Document(values: values))
        }
        return documents
    }

    /// Every document of the collection's table.
    public func allDocuments(_ layout: TableLayout) async throws(DatabaseError) -> [Document] {
        try await matchingDocuments(SQLQuery(layout: layout, condition: "true", parameters: []))
    }

    /// PostgreSQL's plan for the `_id` query, as `EXPLAIN` prints it; with `analyze`, run and timed.
    public func explain(_ query: SQLQuery, analyze: Bool = false) async throws(DatabaseError) -> String {
        let rows = try await fetchTextRows("EXPLAIN \(analyze ? "(ANALYZE) " : "")\(query.selectIDs)",
                                      parameters: query.parameters, doing: "explaining a query on \(query.layout.table)")
        return rows.compactMap { $0.first ?? nil }.joined(separator: "\n")
    }

    /// The rows of a statement whose columns are all text (cast them: `x::text`), with the
    /// parameters bound as text. For what the methods above do not cover (tests, tools).
    public func textRows(_ sql: String, parameters: [String?] = []) async throws(DatabaseError) -> [[String?]] {
        try await fetchTextRows(sql, parameters: parameters, doing: "running a query")
    }

    private func fetchTextRows(_ sql: String, parameters: [String?], doing: String) async throws(DatabaseError) -> [[String?]] {
        var binds = PostgresBindings(capacity: parameters.count)
        for parameter in parameters { binds.append(parameter) }
        let connection = try openConnection(doing: doing)
        do {
            var rows: [[String?]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
                var texts: [String?] = []
                texts.reserveCapacity(row.count)
                for cell in row {
                    do {
                        texts.append(try cell.decode(String?.self))
                    } catch {
                        throw DatabaseError(.badData, "\(url.redacted): \(doing): column '\(cell.columnName)' is \(cell.dataType), not text")
                    }
                }
                rows.append(texts)
            }
            return rows
        } catch {
            throw DatabaseError.from(error, doing: doing, url: url)
        }
    }

    /// The first column of the first row, or nil.
    private func value(_ sql: String, doing: String) async throws(DatabaseError) -> String? {
        try await fetchTextRows(sql, parameters: [], doing: doing).first?.first ?? nil
    }

    private func execute(_ sql: String, doing: String) async throws(DatabaseError) {
        _ = try await fetchTextRows(sql, parameters: [], doing: doing)
    }

    private func decode(_ text: String?, as property: Property, in schema: ObjectSchema) throws(DatabaseError) -> Value {
        do {
            return try ColumnText.decode(text, as: property)
        } catch {
            throw DatabaseError(.badData, "\(url.redacted): '\(schema.title)'.\(property.name): \(error.description)")
        }
    }

    private func transaction(doing: String,
                             _ body: (PostgresConnection, Logger) async throws -> Void) async throws(DatabaseError) {
        let logger = self.logger
        let connection = try openConnection(doing: doing)
        do {
            try await connection.withTransaction(logger: logger) { connection in
                try await body(connection, logger)
            }
        } catch {
            throw DatabaseError.from(error, doing: doing, url: url)
        }
    }
}
