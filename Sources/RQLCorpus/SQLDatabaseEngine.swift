import RQL
import RQLSQL

/// What the corpus runner needs from a SQL database to run a file's queries there: a fresh
/// namespace per file, a collection's table filled with its current documents, and the `_id`s a
/// translated query matches. `RQLPostgres` provides it for PostgreSQL (`rql test --engine postgres`).
public protocol CorpusDatabase: AnyObject {
    /// Empties the namespace the file's tables live in (called once per file, before its blocks).
    func reset() throws
    /// Makes the collection's table hold exactly `rows` (one transaction); throws
    /// `DocumentRefused`, loading nothing, when a document cannot be held there.
    func replaceTable(_ layout: TableLayout, rows: [Document]) throws
    /// The `_id`s of the rows `query` matches, in any order.
    func ids(_ query: SQLQuery) throws -> [Value]
}

extension BuiltinEngine {
    /// The database's answer to a checked query: the optimized query translated, the collection's
    /// table brought up to date first if a load changed it since.
    mutating func databaseMatches(_ checked: CheckedQuery, in database: CorpusDatabase) -> Result<[Value], DatabaseAnswerError> {
        let translated: SQLQuery
        do { translated = try SQLTranslator.translate(Optimizer.optimize(checked)) } catch {
            return .failure(.unsupported(error.description))
        }
        let title = checked.collection.title
        do {
            if loadedInDatabase[title] != loads[title, default: 0] {
                try database.replaceTable(translated.layout, rows: documents(of: checked.collection))
                loadedInDatabase[title] = loads[title, default: 0]
            }
            return .success(try database.ids(translated))
        } catch let refused as DocumentRefused {
            // A document the database cannot hold (U+0000 in a string) makes the collection's
            // queries unsupported there, as `rql sql load` refuses the document.
            return .failure(.unsupported("the collection has a document the database cannot hold: \(refused)"))
        } catch {
            return .failure(.database("\(error)"))
        }
    }
}

/// A document `CorpusDatabase.replaceTable` cannot store, in the database's words.
public struct DocumentRefused: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// Why the database engine has no matches for a query.
enum DatabaseAnswerError: Error {
    /// The translator refuses the query (an error of kind `unsupported`, which known failures list).
    case unsupported(String)
    /// The database failed: the case fails.
    case database(String)
}
