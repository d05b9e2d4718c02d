import ArgumentParser
import Foundation
import RQL
import RQLPostgres
import RQLSQL

/// `rql sql`: queries pushed down to PostgreSQL: the translation, the tables, loading documents.
struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "PostgreSQL: translate queries, print tables and helper functions, load documents.",
        subcommands: [Translate.self, DDL.self, Functions.self, Load.self],
        defaultSubcommand: Translate.self)

    /// `rql sql translate QUERY`: the SQL and its parameters.
    struct Translate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a query's PostgreSQL translation (the _id query) and its parameters; exit 65 if it has none.")

        @OptionGroup var input: QueryInput
        @OptionGroup var options: SchemaOptions

        func run() throws {
            let text = try input.text()
            let (schema, sync) = try options.load()
            let collection = try options.collection(in: schema)
            let query = try translatedQuery(text, collection: collection, sync: sync, arguments: try options.arguments())
            print(query.selectIDs)
            for (i, parameter) in query.parameters.enumerated() {
                print("$\(i + 1) = " + (parameter.map(sqlLiteral) ?? "NULL"))
            }
        }
    }

    /// `rql sql ddl`: CREATE TABLE and the suggested indexes.
    struct DDL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ddl",
            abstract: "Print CREATE TABLE for each collection (or --collection) and its suggested indexes.")

        @OptionGroup var options: SchemaOptions

        @Flag(name: .long, help: "Leave out the CREATE INDEX statements.")
        var noIndexes = false

        func run() throws {
            let (schema, sync) = try options.load()
            let collections = options.collection == nil ? schema.collections : [try options.collection(in: schema)]
            if collections.isEmpty {
                printError("rql sql ddl: no schema: give --app DIR or --schema FILE")
                throw ExitStatus.usage
            }
            var blocks: [String] = []
            for collection in collections {
                let layout = try tableLayout(collection, command: "rql sql ddl")
                var block = [layout.createTable]
                if !noIndexes { block += layout.suggestedIndexes(fields: indexedFields(collection, sync: sync)) }
                blocks.append(block.joined(separator: "\n"))
            }
            print(blocks.joined(separator: "\n\n"))
        }
    }

    /// `rql sql functions`: the helper-function script.
    struct Functions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the SQL helper functions (schema rqlkit) that translated queries call.")

        func run() throws {
            let script = SQLFunctions.script
            print(script, terminator: script.hasSuffix("\n") ? "" : "\n")
        }
    }

    /// `rql sql load`: a document file into the collection's table, in one transaction.
    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a document file (JSON array, JSON lines, Extended JSON) into the collection's table in one transaction.")

        @OptionGroup var database: DatabaseOption
        @OptionGroup var options: SchemaOptions

        @Flag(name: .long, help: "Create the table (and its suggested indexes) first.")
        var create = false

        @Flag(name: .long, help: "With --create, leave out the indexes.")
        var noIndexes = false

        @ArgumentParser.Argument(help: "The document file, or '-' for standard input.")
        var file: String

        func run() throws {
            let url = try database.url(command: "rql sql load")
            let (schema, sync) = try options.load()
            let collection = try options.collection(in: schema)
            let layout = try tableLayout(collection, command: "rql sql load")
            let documents = Array(try loadDocumentFile(file, collection: collection, command: "rql sql load").documents)
            let indexes = create && !noIndexes ? layout.suggestedIndexes(fields: indexedFields(collection, sync: sync)) : []
            let start = ContinuousClock.now
            try withDatabase(url, command: "rql sql load") { db throws(DatabaseError) in
                try db.load(documents, into: layout, createTable: create, indexes: indexes)
            }
            let elapsed = ContinuousClock.now - start
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            print("\(documents.count) document\(documents.count == 1 ? "" : "s") loaded into \(layout.table) in \(Int(ms.rounded())) ms")
        }
    }
}

/// `--database URL`, shared by the commands that talk to PostgreSQL.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "A PostgreSQL URL: postgres://user:password@host:port/db, or ?host=/socket/dir for a Unix socket.")
    var database: String

    func url(command: String) throws -> DatabaseURL { try parseDatabaseURL(database, command: command) }
}

/// The parsed URL; a malformed one is a usage error (its message never shows the password).
func parseDatabaseURL(_ text: String, command: String) throws -> DatabaseURL {
    do {
        return try DatabaseURL(text)
    } catch {
        printError("\(command): \(error)")
        throw ExitStatus.usage
    }
}

/// A checked, optimized and translated query; diagnostics or an `UnsupportedInSQL` (rendered as a
/// diagnostic pointing into the query) exit 65.
func translatedQuery(_ text: String, collection: ObjectSchema, sync: SyncConfig?, arguments: [Value]) throws -> SQLQuery {
    let renderer = DiagnosticRenderer(useColor: DiagnosticRenderer.colorAllowed(fileDescriptor: 2))
    let result = FlexibleSyncValidator.validateLocalQuery(text, collection: collection, config: sync, arguments: arguments)
    if !result.diagnostics.isEmpty { printError(renderer.render(result.diagnostics, source: text)) }
    guard let checked = result.query else { throw ExitStatus.dataError }
    do {
        return try SQLTranslator.translate(Optimizer.optimize(checked))
    } catch {
        printError(renderer.render([Diagnostic(.unsupportedInSQL, error.description, at: error.range)], source: text))
        throw ExitStatus.dataError
    }
}

/// The collection's table layout; a collection PostgreSQL cannot hold is bad data (65).
func tableLayout(_ collection: ObjectSchema, command: String) throws -> TableLayout {
    do {
        return try TableLayout(collection)
    } catch {
        printError("\(command): \(error)")
        throw ExitStatus.dataError
    }
}

/// The fields to index: the sync configuration's queryable fields, or (nil) every property.
func indexedFields(_ collection: ObjectSchema, sync: SyncConfig?) -> [String]? {
    sync.map { Array($0.queryableFields(for: collection)) }
}

/// A string as a SQL literal, for showing parameters.
func sqlLiteral(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
}

/// Connects, runs `body`, closes; a database error is printed (with the redacted URL only) and
/// exits 69 (cannot connect, unsupported server), 74 (connection lost) or 65 (refused data).
@discardableResult
func withDatabase<T>(_ url: DatabaseURL, command: String, _ body: (BlockingDatabase) throws(DatabaseError) -> T) throws -> T {
    do {
        let database = try BlockingDatabase.connect(to: url)
        defer { database.close() }
        return try body(database)
    } catch {
        printError("\(command): \(error.message)")
        switch error.kind {
        case .cannotConnect, .unsupportedServer: throw ExitStatus.unavailable
        case .connectionLost: throw ExitStatus.ioError
        case .server, .badData: throw ExitStatus.dataError
        }
    }
}
