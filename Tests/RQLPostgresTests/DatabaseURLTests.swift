// Parsing that needs no server: connection URLs and PostgreSQL's array text.
import RQL
import Testing

@testable import RQLPostgres

@Suite("DatabaseURL")
struct DatabaseURLTests {
    @Test("TCP URLs: user, password, host, port, database, percent-decoding")
    func tcp() throws {
        let url = try DatabaseURL("postgresql://al%40ice:p%2Fss%3Aw@db.example.com:6543/my%20db?sslmode=disable")
        #expect(url.endpoint == .tcp(host: "db.example.com", port: 6543))
        #expect(url.user == "al@ice")
        #expect(url.password == "p/ss:w")
        #expect(url.database == "my db")
        #expect(url.redacted == "postgres://al@ice@db.example.com:6543/my db")
        #expect(!url.redacted.contains("p/ss"))

        let defaults = try DatabaseURL("postgres://bob@localhost")
        #expect(defaults.endpoint == .tcp(host: "localhost", port: 5432))
        #expect(defaults.database == "bob")
        #expect(try DatabaseURL("postgres://u@[::1]:5433/d").endpoint == .tcp(host: "::1", port: 5433))
        #expect(try DatabaseURL("postgres://u@h/d?connect_timeout=3&application_name=x").connectTimeoutSeconds == 3)
    }

    @Test("?host=/dir is a Unix socket <dir>/.s.PGSQL.<port>")
    func socket() throws {
        let url = try DatabaseURL("postgres://postgres:hidden@localhost/postgres?host=/tmp/pg&port=5999")
        #expect(url.endpoint == .unixSocket(directory: "/tmp/pg", port: 5999))
        #expect(url.socketPath == "/tmp/pg/.s.PGSQL.5999")
        #expect(url.redacted.contains("/tmp/pg") && url.redacted.contains("5999") && !url.redacted.contains("hidden"))
        let encoded = try DatabaseURL("postgres://u@%2Fvar%2Frun%2Fpostgresql/d")
        #expect(encoded.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
    }

    @Test("malformed URLs say what is wrong, never showing the password")
    func malformed() {
        let cases: [(String, String)] = [
            ("localhost:5432/db", "scheme"),
            ("mysql://u@h/d", "mysql"),
            ("postgres://u@h:99999/d", "port"),
            ("postgres://u:sec/ret@h/d", "port"),
            ("postgres://u@h/d?sslmode=require", "TLS"),
            ("postgres://u@h/d?frobnicate=1", "frobnicate"),
            ("postgres://u@h1,h2/d", "several hosts"),
            ("postgres://u%zz@h/d", "user name"),
            ("postgres://u@[::1/d", "']'"),
        ]
        for (text, expected) in cases {
            #expect {
                _ = try DatabaseURL(text)
            } throws: { error in
                let message = (error as? DatabaseURL.ParseError)?.description ?? ""
                return message.contains(expected) && !message.contains("sec/ret") && !message.contains("ret@")
            }
        }
    }
}

@Suite("Column text")
struct ColumnTextTests {
    @Test("array literals split into elements, quoted ones unescaped, NULL as nil")
    func arrays() throws {
        #expect(try ColumnText.arrayElements("{}") == [])
        #expect(try ColumnText.arrayElements(#"{a,"b c",NULL,"NULL","x\"y\\z",""}"#)
            == ["a", "b c", nil, "NULL", "x\"y\\z", ""])
        for bad in ["", "{", "a}", "{\"a}", "{\"a\"b}", "{{1},{2}}", "{\"a\\"] {
            #expect(throws: ColumnText.Unreadable.self) { try ColumnText.arrayElements(bad) }
        }
    }

    @Test("timestamps from numeric seconds, exact to the nanosecond")
    func timestamps() {
        #expect(ColumnText.timestamp("-1.000000001") == Timestamp(seconds: -1, nanoseconds: -1))
        #expect(ColumnText.timestamp("-0.000000001") == Timestamp(seconds: 0, nanoseconds: -1))
        #expect(ColumnText.timestamp("5") == Timestamp(seconds: 5, nanoseconds: 0))
        #expect(ColumnText.timestamp("5.5") == Timestamp(seconds: 5, nanoseconds: 500_000_000))
        #expect(ColumnText.timestamp("1.0000000010") == Timestamp(seconds: 1, nanoseconds: 1))
        #expect(ColumnText.timestamp("-9223372036854775808.999999999") == Timestamp(seconds: .min, nanoseconds: -999_999_999))
        #expect(ColumnText.timestamp("9223372036854775807.5") == Timestamp(seconds: .max, nanoseconds: 500_000_000))
        for bad in ["", "-", "1.0000000001", "x", "1e3", "99999999999999999999", "9223372036854775808", "-9223372036854775809"] {
            #expect(ColumnText.timestamp(bad) == nil, "\(bad)")
        }
    }
}
