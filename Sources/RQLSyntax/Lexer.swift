/// The RQL lexer: realm-core's `query_flex.ll`, rule for rule.
///
/// Flex picks the longest match at each position and breaks ties by rule order. Most rules can
/// only start with certain bytes, so `scanToken` dispatches on the first byte and, where several
/// rules compete (identifiers against keywords, numbers against floats and dates), measures each
/// candidate and keeps the longest, preferring the rule that comes first in realm's file.
///
/// The lexer never fails: a byte that starts no token becomes an `.invalid` token with a
/// diagnostic, and scanning goes on, so the parser can report several problems at once.
package struct Lexer: Sendable {
    /// The query text as UTF-8 bytes.
    package let source: [UInt8]
    /// Problems found while scanning (invalid characters, bad escapes, unterminated strings).
    package private(set) var diagnostics: [Diagnostic] = []
    private var position = 0

    package init(_ source: [UInt8]) { self.source = source }
    package init(_ source: String) { self.source = Array(source.utf8) }

    /// All tokens of the source, ending with one `.end` token.
    package static func tokenize(_ source: [UInt8]) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        tokens.reserveCapacity(source.count / 3 + 2)
        while true {
            let token = lexer.next()
            tokens.append(token)
            if token.kind == .end { break }
        }
        return (tokens, lexer.diagnostics)
    }

    /// The spelling of a token (or any range) as a String; invalid UTF-8 is repaired.
    package func text(_ range: SourceRange) -> String {
        String(decoding: source[range.start..<range.end], as: UTF8.self)
    }

    /// Scans the next token, skipping blanks and newlines.
    package mutating func next() -> Token {
        while position < source.count, Self.isBlank(source[position]) { position += 1 }
        let start = position
        guard start < source.count else { return Token(.end, SourceRange(start, start)) }
        let (kind, length) = scanToken(at: start)
        position = start + length
        return Token(kind, SourceRange(start, position))
    }

    // MARK: - Dispatch on the first byte

    private mutating func scanToken(at p: Int) -> (TokenKind, Int) {
        let c = source[p]
        switch c {
        case UInt8(ascii: "*"): return (.star, 1)
        case UInt8(ascii: "/"): return (.slash, 1)
        case UInt8(ascii: "+"), UInt8(ascii: "-"): return scanSigned(at: p)
        case UInt8(ascii: "="):
            switch byte(p + 1) {
            case UInt8(ascii: "="): return (.equal, 2)
            case UInt8(ascii: "<"): return (.lessEqual, 2)
            case UInt8(ascii: ">"): return (.greaterEqual, 2)
            default: return (.equal, 1)
            }
        case UInt8(ascii: "!"): return byte(p + 1) == UInt8(ascii: "=") ? (.notEqual, 2) : (.not, 1)
        case UInt8(ascii: "<"):
            switch byte(p + 1) {
            case UInt8(ascii: ">"): return (.notEqual, 2)
            case UInt8(ascii: "="): return (.lessEqual, 2)
            default: return (.less, 1)
            }
        case UInt8(ascii: ">"): return byte(p + 1) == UInt8(ascii: "=") ? (.greaterEqual, 2) : (.greater, 1)
        case UInt8(ascii: "&"):
            if byte(p + 1) == UInt8(ascii: "&") { return (.and, 2) }
        case UInt8(ascii: "|"):
            if byte(p + 1) == UInt8(ascii: "|") { return (.or, 2) }
        case UInt8(ascii: "["):
            if byte(p + 1) == UInt8(ascii: "c"), byte(p + 2) == UInt8(ascii: "]") { return (.caseInsensitive, 3) }
            return (.leftBracket, 1)
        case UInt8(ascii: "]"): return (.rightBracket, 1)
        case UInt8(ascii: ","): return (.comma, 1)
        case UInt8(ascii: "("): return (.leftParen, 1)
        case UInt8(ascii: ")"): return (.rightParen, 1)
        case UInt8(ascii: "{"): return (.leftBrace, 1)
        case UInt8(ascii: "}"): return (.rightBrace, 1)
        case UInt8(ascii: "."):
            let float = matchFloat(at: p)
            return float > 1 ? (.float, float) : (.dot, 1)
        case UInt8(ascii: "@"):
            if let (kind, length) = matchAtKeyword(at: p) { return (kind, length) }
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return (.string, scanString(at: p))
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return scanNumber(at: p)
        default:
            if Self.isLetter(c) || c >= 0x80 {
                if let word = scanWord(at: p) { return word }
            }
        }
        return invalidCharacter(at: p)
    }

    private func byte(_ i: Int) -> UInt8 { i < source.count ? source[i] : 0 }

    // MARK: - Words: identifiers, keywords and the literals that start with a letter

    /// Identifiers and everything that competes with them. Keywords win ties with an identifier of
    /// the same length (they come first in realm's file); a longer identifier wins (`truepredicates`).
    private mutating func scanWord(at p: Int) -> (TokenKind, Int)? {
        let idLength = matchIdentifier(at: p)
        var best: (TokenKind, Int)? = nil
        func consider(_ kind: TokenKind, _ length: Int) {
            if length > 0, length > (best?.1 ?? 0) { best = (kind, length) }
        }
        if idLength > 0, let keyword = Self.keyword(source[p..<(p + idLength)]) {
            consider(keyword, idLength)
        }
        switch source[p] {
        case UInt8(ascii: "u"): consider(.uuid, matchUUID(at: p))
        case UInt8(ascii: "o"): consider(.oid, matchOID(at: p))
        case UInt8(ascii: "T"): consider(.timestamp, matchEpochTimestamp(at: p))
        case UInt8(ascii: "O"): consider(.link, matchLink(at: p))
        case UInt8(ascii: "L"): consider(.typedLink, matchTypedLink(at: p))
        case UInt8(ascii: "$"):
            let digits = countDigits(from: p + 1)
            consider(.argument, digits > 0 ? 1 + digits : 0)
            if byte(p + 1) == UInt8(ascii: "K") {
                let kDigits = countDigits(from: p + 2)
                consider(.keyPathArgument, kDigits > 0 ? 2 + kDigits : 0)
            }
        case UInt8(ascii: "B"): consider(.base64, matchBase64(at: p))
        default: break
        }
        if let best, best.1 >= idLength {
            if best.0 == .timestamp { validateTimestamp(SourceRange(p, p + best.1)) }
            return best
        }
        if idLength > 0 { return (.identifier, idLength) }
        return best
    }

    /// `({letter}|{utf8})({id_char}|{utf8}|{ws})*` where `ws` is a backslash before space, n, r or t.
    private func matchIdentifier(at p: Int) -> Int {
        var i = p
        if Self.isLetter(byte(i)) { i += 1 } else if let n = utf8Length(at: i) { i += n } else { return 0 }
        while i < source.count {
            let c = source[i]
            if Self.isIdentifierByte(c) {
                i += 1
            } else if c >= 0x80, let n = utf8Length(at: i) {
                i += n
            } else if c == UInt8(ascii: "\\"), Self.isEscapedWhitespace(byte(i + 1)) {
                i += 2
            } else {
                break
            }
        }
        return i - p
    }

    /// The keyword a whole word spells, with realm's mixed casing rules: most keywords ignore case,
    /// but `true`, `false`, `in`, `not`, `any`, `some`, `all`, `none`, `first`, `last` and `size`
    /// exist only in all-lowercase and all-uppercase spellings (`True` is a property name).
    static func keyword(_ word: ArraySlice<UInt8>) -> TokenKind? {
        guard word.count >= 2, word.count <= 16 else { return nil }
        var key = KeywordKey()
        var hasLower = false, hasUpper = false
        for (i, c) in word.enumerated() {
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): hasLower = true; key.set(i, c)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): hasUpper = true; key.set(i, c | 0x20)
            default: return nil
            }
        }
        if let kind = caseInsensitiveKeywords[key] { return kind }
        if !(hasLower && hasUpper), let kind = twoSpellingKeywords[key] { return kind }
        return nil
    }

    /// A lowercase word of up to 16 letters packed into two integers: keyword lookup without
    /// allocating a String per identifier.
    struct KeywordKey: Hashable {
        var low: UInt64 = 0
        var high: UInt64 = 0
        init() {}
        init(_ word: String) {
            for (i, c) in word.utf8.enumerated() { set(i, c) }
        }
        mutating func set(_ i: Int, _ c: UInt8) {
            if i < 8 { low |= UInt64(c) << (8 * UInt64(i)) } else { high |= UInt64(c) << (8 * UInt64(i - 8)) }
        }
    }

    /// A word the lexer reads as a keyword.
    package struct Keyword: Sendable {
        /// As completion offers it (other spellings are aliases: `asc`, `some`, `nil`...).
        package let spelling: String
        package let kind: TokenKind
        /// Realm accepts any letter case; otherwise only all-lowercase and all-uppercase
        /// (`True` is a property name).
        let anyCase: Bool
        /// Part of the language RQLKit evaluates, so completion offers it.
        package let evaluated: Bool
    }

    /// Every keyword, the one table the lexer's lookups and the REPL's completion read: the
    /// comparison operators' from the operator table (`ComparisonOperator.keyword`), then the rest.
    package static let keywords: [Keyword] = ComparisonOperator.allCases.compactMap(\.keyword) + [
        Keyword(spelling: "AND", kind: .and, anyCase: true, evaluated: true),
        Keyword(spelling: "OR", kind: .or, anyCase: true, evaluated: true),
        Keyword(spelling: "NOT", kind: .not, anyCase: false, evaluated: true),
        Keyword(spelling: "ANY", kind: .any, anyCase: false, evaluated: true),
        Keyword(spelling: "SOME", kind: .any, anyCase: false, evaluated: false),
        Keyword(spelling: "ALL", kind: .all, anyCase: false, evaluated: true),
        Keyword(spelling: "NONE", kind: .none, anyCase: false, evaluated: true),
        Keyword(spelling: "TRUEPREDICATE", kind: .truePredicate, anyCase: true, evaluated: true),
        Keyword(spelling: "FALSEPREDICATE", kind: .falsePredicate, anyCase: true, evaluated: true),
        Keyword(spelling: "true", kind: .true, anyCase: false, evaluated: true),
        Keyword(spelling: "false", kind: .false, anyCase: false, evaluated: true),
        Keyword(spelling: "null", kind: .null, anyCase: true, evaluated: true),
        Keyword(spelling: "nil", kind: .null, anyCase: true, evaluated: false),
        Keyword(spelling: "inf", kind: .infinity, anyCase: true, evaluated: false),
        Keyword(spelling: "infinity", kind: .infinity, anyCase: true, evaluated: false),
        Keyword(spelling: "nan", kind: .nan, anyCase: true, evaluated: false),
        Keyword(spelling: "bin", kind: .binary, anyCase: true, evaluated: false),
        Keyword(spelling: "binary", kind: .binary, anyCase: true, evaluated: false),
        Keyword(spelling: "GEOBOX", kind: .geoBox, anyCase: true, evaluated: false),
        Keyword(spelling: "GEOPOLYGON", kind: .geoPolygon, anyCase: true, evaluated: false),
        Keyword(spelling: "GEOCIRCLE", kind: .geoCircle, anyCase: true, evaluated: false),
        Keyword(spelling: "SORT", kind: .sort, anyCase: true, evaluated: false),
        Keyword(spelling: "DISTINCT", kind: .distinct, anyCase: true, evaluated: false),
        Keyword(spelling: "LIMIT", kind: .limit, anyCase: true, evaluated: false),
        Keyword(spelling: "ASCENDING", kind: .ascending, anyCase: true, evaluated: false),
        Keyword(spelling: "ASC", kind: .ascending, anyCase: true, evaluated: false),
        Keyword(spelling: "DESCENDING", kind: .descending, anyCase: true, evaluated: false),
        Keyword(spelling: "DESC", kind: .descending, anyCase: true, evaluated: false),
        Keyword(spelling: "SUBQUERY", kind: .subquery, anyCase: true, evaluated: false),
        Keyword(spelling: "obj", kind: .obj, anyCase: true, evaluated: false),
        Keyword(spelling: "FIRST", kind: .first, anyCase: false, evaluated: false),
        Keyword(spelling: "LAST", kind: .last, anyCase: false, evaluated: false),
        Keyword(spelling: "SIZE", kind: .indexSize, anyCase: false, evaluated: false),
    ]

    private static let caseInsensitiveKeywords: [KeywordKey: TokenKind] = Dictionary(uniqueKeysWithValues:
        keywords.filter(\.anyCase).map { (KeywordKey($0.spelling.lowercased()), $0.kind) })

    /// Keywords realm spells only in all-lowercase or all-uppercase.
    private static let twoSpellingKeywords: [KeywordKey: TokenKind] = Dictionary(uniqueKeysWithValues:
        keywords.filter { !$0.anyCase }.map { (KeywordKey($0.spelling.lowercased()), $0.kind) })

    private static let atKeywords: [(String, TokenKind)] = [
        ("@size", .size), ("@count", .size), ("@max", .max), ("@min", .min), ("@sum", .sum),
        ("@avg", .avg), ("@links", .backlinks), ("@type", .type), ("@keys", .keyOrValue),
        ("@values", .keyOrValue),
    ]

    private func matchAtKeyword(at p: Int) -> (TokenKind, Int)? {
        for (spelling, kind) in Self.atKeywords where hasPrefix(spelling, at: p) { return (kind, spelling.utf8.count) }
        return nil
    }

    private func hasPrefix(_ s: String, at p: Int) -> Bool {
        var i = p
        for c in s.utf8 {
            guard i < source.count, source[i] == c else { return false }
            i += 1
        }
        return true
    }

    /// `uuid(` 8-4-4-4-12 hex `)`.
    private func matchUUID(at p: Int) -> Int {
        guard hasPrefix("uuid(", at: p) else { return 0 }
        var i = p + 5
        for (n, group) in [8, 4, 4, 4, 12].enumerated() {
            if n > 0 { guard byte(i) == UInt8(ascii: "-") else { return 0 }; i += 1 }
            guard countHex(from: i) >= group else { return 0 }
            i += group
        }
        return byte(i) == UInt8(ascii: ")") ? i + 1 - p : 0
    }

    /// `oid(` 24 hex `)`.
    private func matchOID(at p: Int) -> Int {
        guard hasPrefix("oid(", at: p), countHex(from: p + 4) >= 24, byte(p + 28) == UInt8(ascii: ")") else { return 0 }
        return 29
    }

    /// `T{sint}:{sint}`.
    private func matchEpochTimestamp(at p: Int) -> Int {
        var i = p + 1
        let seconds = countSignedInt(from: i)
        guard seconds > 0 else { return 0 }
        i += seconds
        guard byte(i) == UInt8(ascii: ":") else { return 0 }
        let nanos = countSignedInt(from: i + 1)
        return nanos > 0 ? i + 1 + nanos - p : 0
    }

    /// What realm-core would make of a TIMESTAMP token (`TimestampLiteral`): errors for what it
    /// rejects or aborts on, a warning for a date it normalises.
    private mutating func validateTimestamp(_ range: SourceRange) {
        switch TimestampLiteral.read(source[range.start..<range.end]) {
        case .failure(.mixedSigns):
            // realm-core says only "Invalid timestamp format" (get_timestamp_if_valid); keep its words first.
            report(.invalidTimestamp, "Invalid timestamp format: the seconds and nanoseconds of '\(text(range))' must have the same sign", range)
        case .failure(.nanosecondsOutOfRange):
            report(.invalidTimestamp, "the nanoseconds of a timestamp must be less than 1000000000 (one second)", range)
        case .failure(.outOfRange):
            report(.invalidTimestamp, "'\(text(range))' is beyond the range of a timestamp", range)
        case .success(let reading):
            guard let normalized = reading.normalized else { return }
            let spelling = text(range)
            if normalized.count == 10, let separator = spelling.firstIndex(where: { $0 == "@" || $0 == "T" }) {
                report(.nonexistentDate, "\(spelling[..<separator]) is not a date; realm-core reads it as \(normalized)", range)
            } else {
                report(.nonexistentDate, "\(spelling) is not a date and time; realm-core reads it as \(normalized)", range)
            }
        }
    }

    /// `O{int}`, realm's internal object-key literal.
    private func matchLink(at p: Int) -> Int {
        let digits = countDigits(from: p + 1)
        return digits > 0 ? 1 + digits : 0
    }

    /// `L{int}:{int}`, realm's internal typed-link literal.
    private func matchTypedLink(at p: Int) -> Int {
        let table = countDigits(from: p + 1)
        guard table > 0, byte(p + 1 + table) == UInt8(ascii: ":") else { return 0 }
        let key = countDigits(from: p + 2 + table)
        return key > 0 ? 2 + table + key : 0
    }

    /// `B64"[a-zA-Z0-9/+=]*"`.
    private func matchBase64(at p: Int) -> Int {
        guard hasPrefix("B64\"", at: p) else { return 0 }
        var i = p + 4
        while i < source.count, Self.isBase64Byte(source[i]) { i += 1 }
        return byte(i) == UInt8(ascii: "\"") ? i + 1 - p : 0
    }

    // MARK: - Numbers and dates

    /// A token starting with a digit: NATURAL0, hex NUMBER, FLOAT or a readable TIMESTAMP.
    /// Order of preference on equal length: TIMESTAMP, NATURAL0, NUMBER, FLOAT (realm's file order).
    private mutating func scanNumber(at p: Int) -> (TokenKind, Int) {
        var best: (TokenKind, Int) = (.natural, countDigits(from: p))
        func consider(_ kind: TokenKind, _ length: Int) { if length > best.1 { best = (kind, length) } }
        let timestamp = matchReadableTimestamp(at: p)
        if timestamp >= best.1 { best = (.timestamp, timestamp) }
        if source[p] == UInt8(ascii: "0"), byte(p + 1) | 0x20 == UInt8(ascii: "x") {
            let hex = countHex(from: p + 2)
            if hex > 0 { consider(.number, 2 + hex) }
        }
        consider(.float, matchFloat(at: p))
        if best.0 == .timestamp { validateTimestamp(SourceRange(p, p + best.1)) }
        return best
    }

    /// A token starting with `+` or `-`: the operator itself, a signed NUMBER or FLOAT, or a signed
    /// `inf`/`infinity`/`nan`.
    private mutating func scanSigned(at p: Int) -> (TokenKind, Int) {
        var best: (TokenKind, Int) = (source[p] == UInt8(ascii: "+") ? .plus : .minus, 1)
        func consider(_ kind: TokenKind, _ length: Int) { if length > best.1 { best = (kind, length) } }
        let digits = countDigits(from: p + 1)
        if digits > 0 { consider(.number, 1 + digits) }
        consider(.float, matchFloat(at: p))
        // Flex matches the fixed spellings, so `-information` is `-inf` followed by `ormation`.
        for (spelling, kind) in Self.signedWords where hasPrefixIgnoringCase(spelling, at: p + 1) {
            consider(kind, 1 + spelling.count)
            break
        }
        return best
    }

    private static let signedWords: [(String, TokenKind)] = [("infinity", .infinity), ("inf", .infinity), ("nan", .nan)]

    private func hasPrefixIgnoringCase(_ s: String, at p: Int) -> Bool {
        var i = p
        for c in s.utf8 {
            guard i < source.count, source[i] | 0x20 == c else { return false }
            i += 1
        }
        return true
    }

    /// `[+-]?{int}{exp}?f?` or `[+-]?(({int}.{optint})|({optint}.{int})){exp}?f?`; 0 if none.
    private func matchFloat(at p: Int) -> Int {
        var i = p
        if byte(i) == UInt8(ascii: "+") || byte(i) == UInt8(ascii: "-") { i += 1 }
        let intDigits = countDigits(from: i)
        i += intDigits
        var fractionDigits = 0
        if byte(i) == UInt8(ascii: ".") {
            let after = countDigits(from: i + 1)
            if intDigits > 0 || after > 0 {
                fractionDigits = after
                i += 1 + after
            }
        }
        guard intDigits > 0 || fractionDigits > 0 else { return 0 }
        if byte(i) | 0x20 == UInt8(ascii: "e") {
            let exponent = countSignedInt(from: i + 1)
            if exponent > 0 { i += 1 + exponent }
        }
        if byte(i) == UInt8(ascii: "f") { i += 1 }
        return i - p
    }

    /// `{int}-{int}-{int}[@T]{int}:{int}:{int}(:{int})?`; 0 if none.
    private func matchReadableTimestamp(at p: Int) -> Int {
        var i = p
        func int() -> Bool {
            let n = countDigits(from: i)
            i += n
            return n > 0
        }
        func expect(_ c: Character) -> Bool {
            guard byte(i) == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard int(), expect("-"), int(), expect("-"), int() else { return 0 }
        guard byte(i) == UInt8(ascii: "@") || byte(i) == UInt8(ascii: "T") else { return 0 }
        i += 1
        guard int(), expect(":"), int(), expect(":"), int() else { return 0 }
        let beforeNanos = i
        if expect(":"), int() { return i - p }
        return beforeNanos - p
    }

    private func countDigits(from p: Int) -> Int {
        var i = p
        while i < source.count, Self.isDigit(source[i]) { i += 1 }
        return i - p
    }

    private func countSignedInt(from p: Int) -> Int {
        let sign = (byte(p) == UInt8(ascii: "+") || byte(p) == UInt8(ascii: "-")) ? 1 : 0
        let digits = countDigits(from: p + sign)
        return digits > 0 ? sign + digits : 0
    }

    private func countHex(from p: Int) -> Int {
        var i = p
        while i < source.count, Self.isHexDigit(source[i]) { i += 1 }
        return i - p
    }

    // MARK: - Strings

    /// A string in single or double quotes. Escapes are checked here (so the error points at the
    /// escape) and decoded later by the parser (`StringLiteral.decode`). Returns the token length; an unterminated
    /// string runs to the end of the input.
    private mutating func scanString(at p: Int) -> Int {
        let quote = source[p]
        var i = p + 1
        while i < source.count {
            let c = source[i]
            if c == quote { return i + 1 - p }
            if c == UInt8(ascii: "\\") {
                let escapeLength = Self.escapeLength(source, at: i)
                if escapeLength == 0 {
                    let end = Swift.min(i + 2, source.count)
                    report(.invalidEscape, "invalid escape '\(text(SourceRange(i, end)))' in string",
                           SourceRange(i, end),
                           notes: [DiagnosticNote("valid escapes are \\\" \\' \\\\ \\/ \\b \\f \\n \\r \\t \\0 and \\u followed by 4 hex digits")])
                    i = end
                } else {
                    i += escapeLength
                }
                continue
            }
            if c >= 0x80 {
                if let n = utf8Length(at: i) { i += n; continue }
                report(.invalidUTF8, "invalid UTF-8 byte 0x\(String(c, radix: 16, uppercase: true)) in string", SourceRange(i, i + 1))
            }
            i += 1
        }
        let closing = quote == UInt8(ascii: "'") ? "'" : "\""
        report(.unterminatedString, "unterminated string: expected a closing \(closing) before the end of the query",
               SourceRange(p, source.count), fixIts: [FixIt(range: SourceRange(source.count, source.count), replacement: closing)])
        return source.count - p
    }

    /// Length of a valid escape at `i` (which holds a backslash), or 0.
    static func escapeLength(_ source: [UInt8], at i: Int) -> Int {
        guard i + 1 < source.count else { return 0 }
        switch source[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"), UInt8(ascii: "0"), UInt8(ascii: "\\"):
            return 2
        case UInt8(ascii: "u"):
            guard i + 6 <= source.count else { return 0 }
            return source[(i + 2)..<(i + 6)].allSatisfy(isHexDigit) ? 6 : 0
        default:
            return 0
        }
    }

    // MARK: - Errors

    private mutating func invalidCharacter(at p: Int) -> (TokenKind, Int) {
        if source[p] >= 0x80, utf8Length(at: p) == nil {
            report(.invalidUTF8, "invalid UTF-8 byte 0x\(String(source[p], radix: 16, uppercase: true))", SourceRange(p, p + 1))
            return (.invalid, 1)
        }
        let length = source[p] >= 0x80 ? (utf8Length(at: p) ?? 1) : 1
        let range = SourceRange(p, p + length)
        let shown = ControlCharacters.escaped(text(range))
        var notes: [DiagnosticNote] = []
        switch source[p] {
        case UInt8(ascii: "&"): notes.append(DiagnosticNote("use '&&' or 'AND'"))
        case UInt8(ascii: "|"): notes.append(DiagnosticNote("use '||' or 'OR'"))
        case UInt8(ascii: "#"): notes.append(DiagnosticNote("property names may contain letters, digits, '_', '$' and '-'"))
        default: break
        }
        report(.invalidCharacter, "invalid character '\(shown)'", range, notes: notes)
        return (.invalid, length)
    }

    private mutating func report(_ code: DiagnosticCode, _ message: String, _ range: SourceRange,
                                 notes: [DiagnosticNote] = [], fixIts: [FixIt] = []) {
        diagnostics.append(Diagnostic(code, message, at: range, notes: notes, fixIts: fixIts))
    }

    // MARK: - Character classes

    /// Length of the well-formed UTF-8 sequence at `i` (2 to 4 bytes), or nil.
    func utf8Length(at i: Int) -> Int? {
        Self.utf8SequenceLength(source, at: i)
    }

    /// Length of a well-formed multi-byte UTF-8 sequence (no overlongs, surrogates or values
    /// above U+10FFFF; Unicode's table 3-7), or nil. ASCII returns nil: callers handle it
    /// separately. The one statement of the rule: the lexer, the renderer and the check every
    /// text file gets (`UTF8Text`) use it.
    @inlinable
    package static func utf8SequenceLength<Bytes: RandomAccessCollection<UInt8>>(_ s: Bytes, at i: Int) -> Int?
        where Bytes.Index == Int {
        guard i >= s.startIndex, i < s.endIndex else { return nil }
        let c = s[i]
        func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            i + k < s.endIndex && s[i + k] >= lo && s[i + k] <= hi
        }
        switch c {
        case 0xC2...0xDF: return cont(1) ? 2 : nil
        case 0xE0: return cont(1, 0xA0) && cont(2) ? 3 : nil
        case 0xED: return cont(1, 0x80, 0x9F) && cont(2) ? 3 : nil
        case 0xE1...0xEF: return cont(1) && cont(2) ? 3 : nil
        case 0xF0: return cont(1, 0x90) && cont(2) && cont(3) ? 4 : nil
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : nil
        case 0xF4: return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : nil
        default: return nil
        }
    }

    static func isBlank(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") || c == UInt8(ascii: "\n")
    }
    /// The letter after a backslash that makes escaped whitespace in an identifier (`float\\ fees`).
    static func isEscapedWhitespace(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: "n") || c == UInt8(ascii: "r") || c == UInt8(ascii: "t")
    }
    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    static func isHexDigit(_ c: UInt8) -> Bool {
        isDigit(c) || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "f"))
    }
    /// `[a-zA-Z_$]`
    static func isLetter(_ c: UInt8) -> Bool {
        (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "$")
    }
    /// `[a-zA-Z_\-$0-9]`
    static func isIdentifierByte(_ c: UInt8) -> Bool { isLetter(c) || isDigit(c) || c == UInt8(ascii: "-") }
    static func isBase64Byte(_ c: UInt8) -> Bool {
        isDigit(c) || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z"))
            || c == UInt8(ascii: "/") || c == UInt8(ascii: "+") || c == UInt8(ascii: "=")
    }
}
