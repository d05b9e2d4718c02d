#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A PostgreSQL connection URL in libpq's form:
/// `postgres://user:password@host:port/database?host=/socket/dir&port=5433&sslmode=disable`.
///
/// Components are percent-decoded. A host (in the authority or the `host` parameter) that starts
/// with `/` is a folder holding the server's Unix socket `<dir>/.s.PGSQL.<port>`; query parameters
/// override the authority, as in libpq. Only what a plain connection needs is accepted: TLS is not
/// (sslmode `disable`, `allow` and `prefer` connect without it), nor are several hosts.
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    /// libpq's default port, which also names the socket file.
    public static let defaultPort = 5432

    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        /// The socket file `<directory>/.s.PGSQL.<port>`.
        case unixSocket(directory: String, port: Int)
    }

    public var endpoint: Endpoint
    public var user: String
    public var password: String?
    public var database: String
    /// `connect_timeout` in seconds; nil leaves postgres-nio's default (10 s).
    public var connectTimeoutSeconds: Int?

    /// Why a URL was refused, with the offending part (never the password).
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = "invalid database URL: " + description }
    }

    public init(endpoint: Endpoint, user: String, password: String? = nil, database: String) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
    }

    public init(_ text: String) throws(ParseError) {
        var rest = Substring(text)
        guard let schemeEnd = rest.range(of: "://") else {
            throw ParseError("expected postgres://user@host:port/database, without a scheme")
        }
        let scheme = rest[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw ParseError("the scheme is '\(scheme)', expected postgres:// or postgresql://")
        }
        rest = rest[schemeEnd.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        // The authority: [user[:password]@]host[:port]; the last @ ends the user info.
        var user: String?, password: String?
        if let at = rest.lastIndex(of: "@") {
            let info = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = info.firstIndex(of: ":") {
                user = try Self.decode(info[..<colon], "the user name")
                password = try Self.decode(info[info.index(after: colon)...], "the password")
            } else {
                user = try Self.decode(info, "the user name")
            }
        }
        var host: String?, portText: String?
        if rest.hasPrefix("[") {
            // An IPv6 address: [::1]:5432.
            guard let close = rest.firstIndex(of: "]") else { throw ParseError("'[' without ']' in the host") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                portText = String(after.dropFirst())
            } else if !after.isEmpty {
                throw ParseError("unexpected text after the IPv6 address")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = try Self.decode(rest[..<colon], "the host")
            portText = String(rest[rest.index(after: colon)...])
        } else {
            host = try Self.decode(rest, "the host")
        }
        if host?.contains(",") == true { throw ParseError("several hosts are not supported") }
        var database = try path.isEmpty ? nil : Self.decode(path, "the database name")
        var connectTimeoutSeconds: Int?

        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try Self.decode(parts[0], "a parameter name")
            let value = try parts.count == 2 ? Self.decode(parts[1], "the parameter '\(key)'") : ""
            switch key {
            case "host":
                if value.contains(",") { throw ParseError("several hosts are not supported") }
                host = value
            case "port": portText = value
            case "user": user = value
            case "password": password = value
            case "dbname": database = value
            case "sslmode":
                guard ["disable", "allow", "prefer"].contains(value) else {
                    throw ParseError("sslmode=\(value) needs TLS, which RQLKit does not use; use sslmode=disable")
                }
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw ParseError("connect_timeout is not a positive number of seconds")
                }
                connectTimeoutSeconds = seconds
            case "application_name":
                break
            default:
                throw ParseError("unknown parameter '\(key)'")
            }
        }

        var port = Self.defaultPort
        if let portText, !portText.isEmpty {
            guard let number = Int(portText), (1...65535).contains(number) else {
                // Not echoed: a password with an unescaped '/' ends up here.
                throw ParseError("the port is not a number from 1 to 65535")
            }
            port = number
        }
        let resolvedUser = user.flatMap { $0.isEmpty ? nil : $0 } ?? Self.loginName()
        let hostName = host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        endpoint = hostName.hasPrefix("/")
            ? .unixSocket(directory: hostName, port: port)
            : .tcp(host: hostName, port: port)
        self.user = resolvedUser
        self.password = password
        self.database = database.flatMap { $0.isEmpty ? nil : $0 } ?? resolvedUser
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    /// The socket file, for a Unix-socket endpoint.
    public var socketPath: String? {
        guard case .unixSocket(let directory, let port) = endpoint else { return nil }
        return (directory.hasSuffix("/") ? directory : directory + "/") + ".s.PGSQL.\(port)"
    }

    /// The URL without the password: safe for messages and logs.
    public var redacted: String {
        switch endpoint {
        case .tcp(let host, let port):
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "postgres://\(user)@\(shownHost):\(port)/\(database)"
        case .unixSocket(let directory, let port):
            return "postgres://\(user)@/\(database)?host=\(directory)&port=\(port)"
        }
    }

    public var description: String { redacted }

    /// Percent-decoding; a bad escape or bytes that are not UTF-8 name the component.
    static func decode(_ text: Substring, _ component: String) throws(ParseError) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard utf8.count >= 2, let high = hexValue(utf8[utf8.startIndex]), let low = hexValue(utf8[utf8.startIndex + 1]) else {
                throw ParseError("a '%' in \(component) is not followed by two hex digits")
            }
            bytes.append(high << 4 | low)
            utf8 = utf8.dropFirst(2)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw ParseError("\(component) is not UTF-8 after percent-decoding")
        }
        guard !decoded.utf8.contains(0) else { throw ParseError("\(component) contains %00") }
        return decoded
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// libpq's default user: the operating-system user name.
    private static func loginName() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return "postgres"
    }
}
