import Foundation
import RQL
import RQLCorpus
import RQLPostgres
import RQLSQL

/// The corpus runner's database (`CorpusDatabase`) in PostgreSQL: each corpus file gets a
/// fresh schema of its own, named after this process so concurrent runs never share tables.
/// `rql test --engine postgres --database URL` runs the corpus with it.
final class PostgresCorpusDatabase: CorpusDatabase {
    let database: BlockingDatabase
    let schemaName: String

    /// Connects and installs the helper functions; the schema is made by the first `reset()`.
    init(url: DatabaseURL) throws(DatabaseError) {
        database = try BlockingDatabase.connect(to: url)
        schemaName = "rqlkit_corpus_\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try database.installFunctions()
        } catch {
            database.close()
            throw error
        }
    }

    func reset() throws {
        try database.dropSchema(schemaName)
        try database.createSchema(schemaName)
    }

    func replaceTable(_ layout: TableLayout, rows: [Document]) throws {
        do {
            try database.load(rows, into: layout, createTable: true, replacingTable: true)
        } catch where error.kind == .badData {
            // Checked before anything is sent: the transaction never began.
            throw DocumentRefused(error.message)
        }
    }

    func ids(_ query: SQLQuery) throws -> [Value] {
        try database.matchingIDs(query)
    }

    /// Drops the schema and closes the connection.
    func close() {
        try? database.dropSchema(schemaName)
        database.close()
    }
}
