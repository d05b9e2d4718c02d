import RQLSyntax

/// Turning literal spellings into values, with realm's conversions.
package enum LiteralValues {
    /// An integer literal as realm reads it with `strtoll(text, nullptr, 0)`: `0x` is hex, a
    /// leading `0` is octal (stopping at the first 8 or 9, so `09` is 0), and values beyond 64 bits
    /// saturate.
    package struct IntegerReading: Equatable, Sendable {
        package var value: Int64
        package var isOctal = false
        package var saturated = false
        /// Digits left unread (`09`: the `9`).
        package var stoppedEarly = false
    }

    package static func integer(_ text: String) -> IntegerReading {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var radix: UInt64 = 10
        var reading = IntegerReading(value: 0)
        if bytes.count > 1, bytes.first == UInt8(ascii: "0"), bytes.dropFirst().first.map({ $0 | 0x20 }) == UInt8(ascii: "x") {
            radix = 16
            bytes = bytes.dropFirst(2)
        } else if bytes.count > 1, bytes.first == UInt8(ascii: "0") {
            radix = 8
            reading.isOctal = true
        }
        // Accumulate the magnitude in UInt64 and saturate like strtoll.
        var magnitude: UInt64 = 0
        var overflow = false
        for c in bytes {
            guard let digit = digitValue(c), UInt64(digit) < radix else {
                reading.stoppedEarly = true
                break
            }
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: radix)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { overflow = true; break }
            magnitude = m2
        }
        if negative {
            if overflow || magnitude > UInt64(Int64.max) + 1 {
                reading.value = .min
                reading.saturated = true
            } else {
                reading.value = magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
            }
        } else if overflow || magnitude > UInt64(Int64.max) {
            reading.value = .max
            reading.saturated = true
        } else {
            reading.value = Int64(magnitude)
        }
        return reading
    }

    private static func digitValue(_ c: UInt8) -> Int? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(c - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(c - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    /// A float literal: a trailing `f` reads a 32-bit float (widened to double, as realm compares it).
    package static func double(_ text: String) -> Double? {
        if text.hasSuffix("f") {
            return Float(normalizedFloatText(String(text.dropLast()))).map(Double.init)
        }
        return Double(normalizedFloatText(text))
    }

    /// `10.` and `.5` are valid RQL; make sure Swift's parser sees `10.0` and `0.5`.
    private static func normalizedFloatText(_ text: String) -> String {
        var s = text
        if let dot = s.firstIndex(of: ".") {
            let after = s.index(after: dot)
            if after == s.endIndex || !(s[after].isNumber) { s.insert("0", at: after) }
            if dot == s.startIndex || !s[s.index(before: dot)].isNumber { s.insert("0", at: dot) }
        }
        return s
    }

    /// `T<sec>:<ns>` or `YYYY-MM-DD@HH:MM:SS[:NS]` (UTC), read as realm-core reads them
    /// (`TimestampLiteral`); nil for the spellings the lexer reports as errors.
    package static func timestamp(_ text: String) -> Timestamp? {
        guard case .success(let reading) = TimestampLiteral.read(text.utf8) else { return nil }
        return Timestamp(seconds: reading.seconds, nanoseconds: reading.nanoseconds)
    }

    /// Standard base64 (padding optional); nil when malformed.
    package static func base64Decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        var padding = 0
        for c in text.utf8 {
            if c == UInt8(ascii: "=") { padding += 1; continue }
            guard padding == 0 else { return nil }
            let v: UInt8
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = c - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = c - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            default: return nil
            }
            values.append(v)
        }
        guard padding <= 2, values.count % 4 != 1, padding == 0 || (values.count + padding) % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var i = 0
        while i + 1 < values.count {
            let a = values[i], b = values[i + 1]
            out.append(a << 2 | b >> 4)
            if i + 2 < values.count {
                let c = values[i + 2]
                out.append((b & 0x0F) << 4 | c >> 2)
                if i + 3 < values.count { out.append((c & 0x03) << 6 | values[i + 3]) }
            }
            i += 4
        }
        return out
    }

    /// The value of a literal on its own (as an argument, or before its comparison is known):
    /// integers are ints, floats doubles, strings strings.
    package static func naturalValue(_ literal: LiteralValue) -> Value? {
        switch literal {
        case .integer(let s): return .int(integer(s).value)
        case .float(let s): return double(s).map(Value.double)
        case .infinity(let negative): return .double(negative ? -.infinity : .infinity)
        case .nan: return .double(.nan)
        case .string(let s): return .string(s)
        case .base64(let s):
            guard let bytes = base64Decode(s) else { return nil }
            return .string(String(decoding: bytes, as: UTF8.self))
        case .timestamp(let s): return timestamp(s).map(Value.timestamp)
        case .uuid(let s): return UUIDValue(s).map(Value.uuid)
        case .objectId(let s): return ObjectId(hex: s).map(Value.objectId)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .binary(.string(let s)): return .binary(Array(s.utf8))
        case .binary(.base64(let s)): return base64Decode(s).map(Value.binary)
        case .binary, .link, .typedLink, .object: return nil
        }
    }

    /// A numeric prefix of a string, as realm converts `age == "30"` (also `" 30"` and `"30.5"`,
    /// which reads 30): leading blanks, a sign, then digits.
    static func integerPrefix(_ s: String) -> Int64? {
        var bytes = Array(s.utf8)[...]
        while let f = bytes.first, f == 0x20 || (0x09...0x0D).contains(f) { bytes = bytes.dropFirst() }
        var text = ""
        if let f = bytes.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") {
            text.append(Character(UnicodeScalar(f)))
            bytes = bytes.dropFirst()
        }
        let digits = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard !digits.isEmpty else { return nil }
        // Decimal, whatever the leading zeros: this is a string being read, not an octal literal.
        let significant = digits.drop { $0 == UInt8(ascii: "0") }
        text += significant.isEmpty ? "0" : String(decoding: significant, as: UTF8.self)
        return integer(text).value
    }

    /// A floating-point prefix of a string (strtod-like), for double properties.
    static func doublePrefix(_ s: String) -> Double? {
        let trimmed = s.drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        var best: Double?
        var end = trimmed.startIndex
        while end < trimmed.endIndex {
            end = trimmed.index(after: end)
            if let d = Double(trimmed[trimmed.startIndex..<end]) { best = d }
        }
        return best
    }
}

/// Reading the `args:` of a corpus block or the `--args` of the CLI: RQL literals separated by
/// commas, where `{...}` is a list argument.
package enum ArgumentList {
    package static func parse(_ text: String) -> (values: [Value], diagnostics: [Diagnostic]) {
        // Parse as the right side of a comparison, one piece at a time, reusing the literal grammar.
        var values: [Value] = []
        var diagnostics: [Diagnostic] = []
        let source = Array(text.utf8)
        for (index, piece) in splitTopLevel(source).enumerated() {
            let pieceText = String(decoding: source[piece.start..<piece.end], as: UTF8.self)
            let prefix = "x == "
            let parsed = Parser.parse(prefix + pieceText)
            if parsed.diagnostics.hasErrors {
                // The parser's words are about the `x ==` it was given, which the user never typed.
                let message = pieceText.allSatisfy(\.isWhitespace)
                    ? "argument $\(index) is missing: nothing between the commas or after the last one"
                    : "argument $\(index), '\(pieceText)', is not a literal: a number, a string in quotes, true, false, null, "
                        + "a date, oid(...), uuid(...), B64\"...\" or a list {...}"
                diagnostics.append(Diagnostic(.invalidArgument, message, at: piece))
                continue
            }
            guard case .comparison(let c) = parsed.query.predicate else {
                diagnostics.append(Diagnostic(.invalidArgument, "argument '\(pieceText)' is not a literal", at: piece))
                continue
            }
            switch c.rhs {
            case .literal(let l):
                if let v = LiteralValues.naturalValue(l.value) {
                    values.append(v)
                } else {
                    diagnostics.append(Diagnostic(.invalidArgument, "argument '\(pieceText)' is not a supported value", at: piece))
                }
            case .list(let list) where list.quantifier == nil:
                var elements: [Value] = []
                for e in list.elements {
                    if case .literal(let l) = e, let v = LiteralValues.naturalValue(l.value) {
                        elements.append(v)
                    } else {
                        diagnostics.append(Diagnostic(.invalidArgument, "list argument '\(pieceText)' may hold only literals", at: piece))
                    }
                }
                values.append(.list(elements))
            default:
                diagnostics.append(Diagnostic(.invalidArgument, "argument '\(pieceText)' must be a literal or a list of literals", at: piece))
            }
        }
        return (values, diagnostics)
    }

    /// Ranges of the comma-separated pieces: the lexer's commas outside braces and parentheses
    /// (a comma in a string is part of its string token).
    private static func splitTopLevel(_ s: [UInt8]) -> [SourceRange] {
        var pieces: [SourceRange] = []
        var depth = 0, start = 0
        for token in Lexer.tokenize(s).tokens {
            switch token.kind {
            case .leftBrace, .leftParen: depth += 1
            case .rightBrace, .rightParen: depth -= 1
            case .comma where depth == 0:
                pieces.append(trimmed(s, start, token.range.start))
                start = token.range.end
            default: break
            }
        }
        let last = trimmed(s, start, s.count)
        if !last.isEmpty || !pieces.isEmpty { pieces.append(last) }
        return pieces
    }

    private static func trimmed(_ s: [UInt8], _ start: Int, _ end: Int) -> SourceRange {
        var a = start, b = end
        while a < b, s[a] == 0x20 || s[a] == 0x09 { a += 1 }
        while b > a, s[b - 1] == 0x20 || s[b - 1] == 0x09 { b -= 1 }
        return SourceRange(a, b)
    }
}
