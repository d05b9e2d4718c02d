import Testing
@testable import RQLSyntax

/// The lexer reproduces realm-core's flex rules: longest match, ties to the earlier rule.
@Suite struct LexerTests {
    static func kinds(_ text: String) -> [TokenKind] {
        Lexer.tokenize(Array(text.utf8)).tokens.map(\.kind).dropLast().map { $0 }
    }

    static func texts(_ text: String) -> [String] {
        let lexer = Lexer(text)
        return Lexer.tokenize(Array(text.utf8)).tokens.dropLast().map { lexer.text($0.range) }
    }

    @Test(arguments: [
        ("==", TokenKind.equal), ("=", .equal), ("!=", .notEqual), ("<>", .notEqual), ("<=", .lessEqual),
        ("=<", .lessEqual), (">=", .greaterEqual), ("=>", .greaterEqual), ("&&", .and), ("and", .and),
        ("AnD", .and), ("||", .or), ("oR", .or), ("!", .not), ("not", .not), ("NOT", .not), ("any", .any),
        ("SOME", .any), ("all", .all), ("NONE", .none), ("in", .in), ("IN", .in), ("BeGiNsWiTh", .beginsWith),
        ("truepredicate", .truePredicate), ("FALSEPREDICATE", .falsePredicate), ("asc", .ascending),
        ("Descending", .descending), ("bin", .binary), ("BINARY", .binary), ("@count", .size), ("@size", .size),
        ("@avg", .avg), ("@links", .backlinks), ("@type", .type), ("@keys", .keyOrValue), ("[c]", .caseInsensitive),
        ("true", .true), ("FALSE", .false), ("nil", .null), ("NuLl", .null), ("inf", .infinity),
        ("-Infinity", .infinity), ("+inFINITY", .infinity), ("-nAn", .nan), ("FIRST", .first), ("size", .indexSize),
    ])
    func keywordsAndOperators(_ text: String, _ kind: TokenKind) {
        #expect(Self.kinds(text) == [kind])
    }

    @Test(arguments: ["True", "In", "Not", "Any", "tRUE", "truepredicates", "NOT0", "NOTb", "ORa", "falsey", "infin",
                      "not-1", "$", "$age", "$-1", "a$a", "E-12", "e10", "T2017-12-04", "你好", "løbenummer", "$0a", "O12a"])
    func identifiers(_ text: String) {
        #expect(Self.kinds(text) == [.identifier])
    }

    @Test func escapedWhitespaceBelongsToTheIdentifier() {
        #expect(Self.texts(#"float\ fees > 2"#) == [#"float\ fees"#, ">", "2"])
        #expect(Self.kinds(#"true\ love = false"#) == [.identifier, .equal, .false])
        #expect(Self.kinds(#"nullable\tdata"#) == [.identifier])
    }

    @Test(arguments: [
        ("0", TokenKind.natural), ("001", .natural), ("-5", .number), ("+7", .number), ("0x1F", .number),
        ("0XfF", .number), ("1.5", .float), ("10.", .float), (".5", .float), ("-.034", .float), ("1e5", .float),
        ("2.0E0", .float), ("200e-2", .float), ("2.5f", .float), ("1f", .float), ("$0", .argument), ("$002", .argument),
        ("$K0", .keyPathArgument), ("'a'", .string), ("\"a\\\"b\"", .string), ("B64\"aXQncw==\"", .base64),
        ("oid(507f1f77bcf86cd799439011)", .oid), ("uuid(d1b186e1-e9e0-4768-a1a7-c492519d47ee)", .uuid),
        ("T1613842215:0", .timestamp), ("T-5:-100", .timestamp), ("2021-02-20@17:30:15", .timestamp),
        ("2021-02-20T17:30:15:500", .timestamp), ("2017-12-1@12:07:53", .timestamp), ("O12", .link), ("L1:2", .typedLink),
    ])
    func literals(_ text: String, _ kind: TokenKind) {
        #expect(Self.kinds(text) == [kind])
    }

    @Test func longestMatchSplitsLikeFlex() {
        // `1-0` is NATURAL0 then NUMBER: realm rejects it as arithmetic.
        #expect(Self.texts("1-0") == ["1", "-0"])
        #expect(Self.texts("age -1") == ["age", "-1"])
        #expect(Self.texts("age - 1") == ["age", "-", "1"])
        #expect(Self.texts("a=1AND NOTb=2") == ["a", "=", "1", "AND", "NOTb", "=", "2"])
        #expect(Self.texts("a=1ANDNOT b=2") == ["a", "=", "1", "ANDNOT", "b", "=", "2"])
        #expect(Self.texts("0===>0") == ["0", "==", "=>", "0"])
        #expect(Self.texts("1..0") == ["1.", ".0"])
        #expect(Self.texts("03a") == ["03", "a"])
        #expect(Self.texts("0x") == ["0", "x"])
        #expect(Self.texts("-information") == ["-inf", "ormation"])
        #expect(Self.texts("@sizes") == ["@size", "s"])
        #expect(Self.texts("uuid") == ["uuid"])
        #expect(Self.texts("T5") == ["T5"])
    }

    @Test func timestampSignsMustAgree() {
        #expect(Lexer.tokenize(Array("T-1:1".utf8)).diagnostics.map(\.code) == [.invalidTimestamp])
        #expect(Lexer.tokenize(Array("T1:-1".utf8)).diagnostics.map(\.code) == [.invalidTimestamp])
        #expect(Lexer.tokenize(Array("T0:-1".utf8)).diagnostics.isEmpty)
        #expect(Lexer.tokenize(Array("T-1:-1".utf8)).diagnostics.isEmpty)
        // realm-core's words first, then which literal and why.
        #expect(Lexer.tokenize(Array("T1:-5".utf8)).diagnostics.map(\.message)
                == ["Invalid timestamp format: the seconds and nanoseconds of 'T1:-5' must have the same sign"])
    }

    @Test func badEscapesAndUnterminatedStringsAreReportedWhereTheyAre() {
        let bad = Lexer.tokenize(Array(#"'\a' = ''"#.utf8))
        #expect(bad.diagnostics.map(\.code) == [.invalidEscape])
        #expect(bad.diagnostics[0].range == SourceRange(1, 3))
        #expect(Lexer.tokenize(Array(#"'\u0' = ''"#.utf8)).diagnostics.map(\.code) == [.invalidEscape])
        let open = Lexer.tokenize(Array("name == 'abc".utf8))
        #expect(open.diagnostics.map(\.code) == [.unterminatedString])
        #expect(open.diagnostics[0].range == SourceRange(8, 12))
        #expect(open.diagnostics[0].fixIts == [FixIt(range: SourceRange(12, 12), replacement: "'")])
    }

    @Test func invalidCharactersAndBytes() {
        #expect(Lexer.tokenize(Array("stone#age".utf8)).diagnostics.map(\.code) == [.invalidCharacter])
        #expect(Lexer.tokenize([0x61, 0xFF, 0x62]).diagnostics.map(\.code) == [.invalidUTF8])
        #expect(Lexer.tokenize([0x61, 0x00]).diagnostics.map(\.code) == [.invalidCharacter])
        // An overlong encoding is not UTF-8.
        #expect(Lexer.tokenize([0xC0, 0xAF]).diagnostics.first?.code == .invalidUTF8)
    }

    @Test func stringsDecodeTheirEscapes() {
        func value(_ text: String) -> String {
            StringLiteral.decode(Array(text.utf8), SourceRange(0, text.utf8.count)).value
        }
        #expect(value(#"'a\'b'"#) == "a'b")
        #expect(value(#""\"\n\0\r\\'""#) == "\"\n\u{0}\r\\'")
        #expect(value(#"'\u00e9\/'"#) == "é/")
        #expect(value(#"'\ud83d\ude00'"#) == "😀")
        #expect(value(#"'\ud83d'"#) == #"\ud83d"#)
        for s in ["", "plain", "quote\"and\\back", "tab\tnew\nline", "\u{1}\u{7F}", "é😀"] {
            #expect(value(StringLiteral.encode(s)) == s)
        }
    }
}
