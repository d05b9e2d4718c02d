import PostgresNIO

/// Why a database operation failed, in words that name the server by its redacted URL (never the
/// password) and, for data, the document and the field.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The server could not be reached or refused the login (sysexits: unavailable, 69).
        case cannotConnect
        /// The connection broke after it was made (I/O error, 74).
        case connectionLost
        /// The server refused a statement: a SQL error with its SQLSTATE (data error, 65).
        case server
        /// A document or a value the table cannot take, or a row that does not read back (65).
        case badData
        /// The server is too old or its encoding is not UTF-8 (69).
        case unsupportedServer
    }

    public var kind: Kind
    public var message: String
    /// The server's SQLSTATE for `.server` errors (`42P01`: no such table, ...).
    public var sqlState: String?

    public init(_ kind: Kind, _ message: String, sqlState: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
    }

    public var description: String { message }

    /// A postgres-nio error as one of ours: `doing` says what was being done ("loading into
    /// \"Item\""). PSQLError's own description hides the server's message, so it is read here.
    static func from(_ error: any Error, doing: String, url: DatabaseURL) -> DatabaseError {
        if let error = error as? DatabaseError { return error }
        if let transaction = error as? PostgresTransactionError {
            // The first failure is the cause; a failed rollback after it only follows from it.
            if let cause = transaction.beginError ?? transaction.closureError ?? transaction.commitError {
                return from(cause, doing: doing, url: url)
            }
        }
        guard let psql = error as? PSQLError else {
            return DatabaseError(.connectionLost, "\(url.redacted): \(doing) failed: \(error)")
        }
        switch psql.code {
        case .server:
            let info = psql.serverInfo
            let state = info?[.sqlState]
            var text = info?[.message] ?? "an error"
            if let detail = info?[.detail] { text += " (\(detail))" }
            if let hint = info?[.hint] { text += "; hint: \(hint)" }
            // Class 08 (connection exceptions) and 57P (the server shutting down) are lost connections.
            let lost = state.map { $0.hasPrefix("08") || $0.hasPrefix("57P") } ?? false
            return DatabaseError(lost ? .connectionLost : .server, "\(url.redacted): \(doing): \(text)" + (state.map { " [SQLSTATE \($0)]" } ?? ""), sqlState: state)
        case .connectionError, .sslUnsupported, .failedToAddSSLHandler:
            return DatabaseError(.cannotConnect, "\(url.redacted): cannot connect: \(underlyingText(psql))")
        case .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
            return DatabaseError(.cannotConnect, "\(url.redacted): cannot log in as '\(url.user)': \(psql.code)")
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .queryCancelled:
            return DatabaseError(.connectionLost, "\(url.redacted): \(doing): the connection was lost (\(psql.code))")
        default:
            return DatabaseError(.connectionLost, "\(url.redacted): \(doing): \(psql.code)")
        }
    }

    /// The socket error under a connection failure ("connection refused", "no such file").
    private static func underlyingText(_ error: PSQLError) -> String {
        guard let underlying = error.underlying else { return "\(error.code)" }
        return "\(underlying)"
    }
}
