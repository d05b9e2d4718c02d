import Dispatch
import RQL
import RQLSQL

/// `PostgresDatabase` for synchronous callers (the `rql` tool, the corpus runner): each method
/// runs the async one and waits for it. Call it only from synchronous code, never from inside a
/// task: it blocks the calling thread.
public final class BlockingDatabase: Sendable {
    public let database: PostgresDatabase

    public init(_ database: PostgresDatabase) {
        self.database = database
    }

    /// Closes the connection if the owner did not: postgres-nio asserts that every connection is
    /// closed before it goes away. Synchronous owners release this on their own thread, so
    /// blocking here is as safe as any other call.
    deinit {
        if !database.isClosed { close() }
    }

    public var url: DatabaseURL { database.url }

    public static func connect(to url: DatabaseURL) throws(DatabaseError) -> BlockingDatabase {
        BlockingDatabase(try runBlocking { () async throws(DatabaseError) in try await PostgresDatabase.connect(to: url) })
    }

    public func close() {
        let database = self.database
        _ = try? runBlocking { () async throws(DatabaseError) in await database.close() }
    }

    public func installFunctions() throws(DatabaseError) {
        let database = self.database
        try runBlocking { () async throws(DatabaseError) in try await database.installFunctions() }
    }

    public func createSchema(_ name: String) throws(DatabaseError) {
        let database = self.database
        try runBlocking { () async throws(DatabaseError) in try await database.createSchema(name) }
    }

    public func useSchema(_ name: String) throws(DatabaseError) {
        let database = self.database
        try runBlocking { () async throws(DatabaseError) in try await database.useSchema(name) }
    }

    public func dropSchema(_ name: String) throws(DatabaseError) {
        let database = self.database
        try runBlocking { () async throws(DatabaseError) in try await database.dropSchema(name) }
    }

    public func createTable(_ layout: TableLayout, indexes: [String] = []) throws(DatabaseError) {
        let database = self.database
        try runBlocking { () async throws(DatabaseError) in try await database.createTable(layout, indexes: indexes) }
    }

    public func execute(_ statements: [String]) throws(DatabaseError) {
        let database = self.database
        try runBlocking { () async throws(DatabaseError) in try await database.execute(statements) }
    }

    @discardableResult
    public func load(_ documents: [Document], into layout: TableLayout, createTable: Bool = false,
                     replacingTable: Bool = false, indexes: [String] = []) throws(DatabaseError) -> Int {
        let database = self.database
        return try runBlocking { () async throws(DatabaseError) in
            try await database.load(documents, into: layout, createTable: createTable, replacingTable: replacingTable, indexes: indexes)
        }
    }

    public func matchingIDs(_ query: SQLQuery) throws(DatabaseError) -> [Value] {
        let database = self.database
        return try runBlocking { () async throws(DatabaseError) in try await database.matchingIDs(query) }
    }

    public func count(_ query: SQLQuery) throws(DatabaseError) -> Int {
        let database = self.database
        return try runBlocking { () async throws(DatabaseError) in try await database.count(query) }
    }

    public func matchingDocuments(_ query: SQLQuery) throws(DatabaseError) -> [Document] {
        let database = self.database
        return try runBlocking { () async throws(DatabaseError) in try await database.matchingDocuments(query) }
    }

    public func allDocuments(_ layout: TableLayout) throws(DatabaseError) -> [Document] {
        let database = self.database
        return try runBlocking { () async throws(DatabaseError) in try await database.allDocuments(layout) }
    }

    public func explain(_ query: SQLQuery, analyze: Bool = false) throws(DatabaseError) -> String {
        let database = self.database
        return try runBlocking { () async throws(DatabaseError) in try await database.explain(query, analyze: analyze) }
    }

    public func textRows(_ sql: String, parameters: [String?] = []) throws(DatabaseError) -> [[String?]] {
        let database = self.database
        return try runBlocking { () async throws(DatabaseError) in try await database.textRows(sql, parameters: parameters) }
    }
}

/// Runs `body` in a new task and blocks the calling thread until it finishes. Detached, so the task
/// never waits for the actor of the caller (the main actor of top-level code), which is blocked here.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws(DatabaseError) -> T) throws(DatabaseError) -> T {
    let outcome = Outcome<T>()
    Task.detached {
        do throws(DatabaseError) {
            outcome.result = .success(try await body())
        } catch {
            outcome.result = .failure(error)
        }
        outcome.done.signal()
    }
    outcome.done.wait()
    // The task always sets a result before it signals.
    guard let result = outcome.result else {
        throw DatabaseError(.connectionLost, "the database task ended without a result")
    }
    return try result.get()
}

/// The task's result, handed to the waiting thread; the semaphore orders the write before the read.
private final class Outcome<T: Sendable>: @unchecked Sendable {
    var result: Result<T, DatabaseError>?
    let done = DispatchSemaphore(value: 0)
}
