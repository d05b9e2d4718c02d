import RQLSyntax

/// Limits of the JSON reader.
public enum JSONLimits {
    /// Deepest nesting of arrays and objects accepted. App Services files nest a few levels; the
    /// limit keeps every later recursive walk (equality, hashing, deinit) far from any stack's end.
    public static let maxDepth = 512
}

/// One JSON value together with the bytes of the text it was read from.
public struct JSONNode: Hashable, Sendable {
    /// The value.
    public var value: JSONValue
    /// The UTF-8 byte range of the value in the parsed text (for strings: including the quotes).
    public var range: SourceRange

    /// A node with a range (`.none` for values built in code).
    public init(_ value: JSONValue, range: SourceRange = .none) {
        self.value = value
        self.range = range
    }
}

/// One `"key": value` pair of a JSON object.
public struct JSONMember: Hashable, Sendable {
    /// The key, unescaped.
    public var key: String
    /// The byte range of the key in the text, including its quotes.
    public var keyRange: SourceRange
    /// The value.
    public var value: JSONNode

    /// A member with ranges (`.none` for values built in code).
    public init(key: String, keyRange: SourceRange = .none, value: JSONNode) {
        self.key = key
        self.keyRange = keyRange
        self.value = value
    }
}

/// A JSON value (RFC 8259). Objects keep their keys in file order; numbers keep their exact text,
/// so `12345678901234567890` or `1.10` reach later stages unchanged.
public enum JSONValue: Hashable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number exactly as written, e.g. `-0.5e10`.
    case number(String)
    /// A string with its escapes decoded.
    case string(String)
    /// Elements in order.
    case array([JSONNode])
    /// Members in file order; keys are unique (the reader rejects duplicates).
    case object([JSONMember])

    /// The JSON type name for messages: `null`, `boolean`, `number`, `string`, `array`, `object`.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONNode {
    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = value { return s }
        return nil
    }

    /// The boolean, if this is `true` or `false`.
    public var boolValue: Bool? {
        if case .bool(let b) = value { return b }
        return nil
    }

    /// The number text, if this is a number.
    public var numberText: String? {
        if case .number(let n) = value { return n }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONNode]? {
        if case .array(let a) = value { return a }
        return nil
    }

    /// The members, if this is an object.
    public var objectMembers: [JSONMember]? {
        if case .object(let m) = value { return m }
        return nil
    }

    /// True for `null`.
    public var isNull: Bool { value == .null }

    /// The member named `key`, if this is an object that has it.
    public func member(_ key: String) -> JSONMember? {
        objectMembers?.first { UTF8Key.sameBytes($0.key, key) }
    }

    /// The value of the member named `key`, if this is an object that has it.
    public subscript(key: String) -> JSONNode? {
        member(key)?.value
    }
}

/// A JSON syntax error, with the byte offset and the 1-based line and column where it was found.
public struct JSONError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, lowercase, no trailing period.
    public var message: String
    /// The UTF-8 byte offset of the problem in the text.
    public var offset: Int
    /// The 1-based line of `offset`.
    public var line: Int
    /// The 1-based column (in Unicode scalars) of `offset`.
    public var column: Int

    /// An error whose position is computed from the text it points into.
    public init(_ message: String, offset: Int, in bytes: [UInt8]) {
        let location = LineColumn(offset: offset, inUTF8: bytes)
        self.init(message, offset: offset, line: location.line, column: location.column)
    }

    /// An error with a known position.
    public init(_ message: String, offset: Int, line: Int, column: Int) {
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// The byte range to underline: one byte at the offset.
    public var range: SourceRange { SourceRange(offset, offset + 1) }

    /// `line:column: message`.
    public var description: String { "\(line):\(column): \(message)" }
}

/// The strict JSON reader (RFC 8259, no extensions).
///
/// Written by hand rather than with Foundation because we need byte ranges for every value, the
/// exact text of numbers, duplicate-key errors and a depth limit. The reader runs in linear time
/// and uses an explicit stack instead of recursion, so no input can overflow the call stack.
public enum JSON {
    /// Reads one JSON text: a single value with optional whitespace around it. A leading byte
    /// order mark is skipped (RFC 8259 §8.1 allows that); ranges still count its bytes.
    public static func parse(_ text: String) throws(JSONError) -> JSONNode {
        var reader = JSONReader(Array(text.utf8))
        return try reader.parseDocument()
    }

    /// Like `parse`, returning a `Result`.
    public static func parseResult(_ text: String) -> Result<JSONNode, JSONError> {
        do {
            return .success(try parse(text))
        } catch {
            return .failure(error)
        }
    }
}

/// The reader state: the bytes, the position, and the stack of open containers.
private struct JSONReader {
    private let bytes: [UInt8]
    private var position = 0

    /// An array or object that has been opened and not yet closed. It is a struct mutated in
    /// place on the stack (`stack[top].elements.append`), so its arrays stay uniquely referenced
    /// and appending never copies them.
    private struct OpenContainer {
        var isObject: Bool
        var start: Int
        var elements: [JSONNode] = []
        var members: [JSONMember] = []
        /// Keys by bytes: canonically equivalent spellings are different keys.
        var keys: Set<UTF8Key> = []
        /// The key whose value is being read (objects only).
        var key = ""
        var keyRange = SourceRange.none
    }

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    // MARK: Bytes

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    private func byte(_ index: Int) -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                position += 1
            default:
                return
            }
        }
    }

    private func error(_ message: String, at offset: Int) -> JSONError {
        JSONError(message, offset: offset, in: bytes)
    }

    /// Names what is at `offset` for messages: `']'`, `end of input`, `control character U+0007`.
    private func describe(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of input" }
        let lead = bytes[offset]
        if lead < 0x20 || lead == 0x7F { return "control character \(Self.hex(UInt32(lead)))" }
        if lead < 0x80 { return "'\(Character(Unicode.Scalar(lead)))'" }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        let end = Swift.min(bytes.count, offset + length)
        return "'\(String(decoding: bytes[offset..<end], as: UTF8.self))'"
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: Swift.max(0, 4 - digits.count)) + digits
    }

    // MARK: Document

    mutating func parseDocument() throws(JSONError) -> JSONNode {
        // A UTF-8 byte order mark (EF BB BF).
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        var stack: [OpenContainer] = []

        parsing: while true {
            skipWhitespace()
            var node: JSONNode
            let start = position
            switch byte(position) {
            case UInt8(ascii: "[")?:
                try checkDepth(stack.count, at: start)
                position += 1
                skipWhitespace()
                if byte(position) == UInt8(ascii: "]") {
                    position += 1
                    node = JSONNode(.array([]), range: SourceRange(start, position))
                } else {
                    stack.append(OpenContainer(isObject: false, start: start))
                    continue parsing
                }
            case UInt8(ascii: "{")?:
                try checkDepth(stack.count, at: start)
                position += 1
                skipWhitespace()
                if byte(position) == UInt8(ascii: "}") {
                    position += 1
                    node = JSONNode(.object([]), range: SourceRange(start, position))
                } else {
                    let (key, keyRange) = try parseKey(afterComma: nil)
                    stack.append(OpenContainer(isObject: true, start: start, keys: [UTF8Key(key)], key: key, keyRange: keyRange))
                    continue parsing
                }
            default:
                node = try parseScalar()
            }

            // A value is complete: hand it to the innermost open container, closing containers
            // as long as their closing bracket follows.
            while true {
                guard let top = stack.indices.last else {
                    skipWhitespace()
                    if position < bytes.count {
                        throw error("unexpected \(describe(at: position)) after the JSON value", at: position)
                    }
                    return node
                }
                if stack[top].isObject {
                    stack[top].members.append(JSONMember(key: stack[top].key, keyRange: stack[top].keyRange, value: node))
                    skipWhitespace()
                    switch byte(position) {
                    case UInt8(ascii: ",")?:
                        let comma = position
                        position += 1
                        let (nextKey, nextRange) = try parseKey(afterComma: comma)
                        if !stack[top].keys.insert(UTF8Key(nextKey)).inserted {
                            throw error("duplicate key '\(nextKey)'", at: nextRange.start)
                        }
                        stack[top].key = nextKey
                        stack[top].keyRange = nextRange
                        continue parsing
                    case UInt8(ascii: "}")?:
                        position += 1
                        let closed = stack.removeLast()
                        node = JSONNode(.object(closed.members), range: SourceRange(closed.start, position))
                    default:
                        throw error("expected ',' or '}' after an object member, found \(describe(at: position))",
                                    at: position)
                    }
                } else {
                    stack[top].elements.append(node)
                    skipWhitespace()
                    switch byte(position) {
                    case UInt8(ascii: ",")?:
                        let comma = position
                        position += 1
                        skipWhitespace()
                        if byte(position) == UInt8(ascii: "]") {
                            throw error("trailing comma before ']'", at: comma)
                        }
                        continue parsing
                    case UInt8(ascii: "]")?:
                        position += 1
                        let closed = stack.removeLast()
                        node = JSONNode(.array(closed.elements), range: SourceRange(closed.start, position))
                    default:
                        throw error("expected ',' or ']' after an array element, found \(describe(at: position))",
                                    at: position)
                    }
                }
            }
        }
    }

    private func checkDepth(_ openCount: Int, at offset: Int) throws(JSONError) {
        if openCount >= JSONLimits.maxDepth {
            throw error("nesting deeper than \(JSONLimits.maxDepth) levels", at: offset)
        }
    }

    /// Reads `"key" :` with the whitespace around it; `afterComma` is the offset of the comma
    /// before the key, if any.
    private mutating func parseKey(afterComma comma: Int?) throws(JSONError) -> (String, SourceRange) {
        skipWhitespace()
        let start = position
        guard byte(position) == Self.quote else {
            if let comma, byte(position) == UInt8(ascii: "}") {
                throw error("trailing comma before '}'", at: comma)
            }
            if byte(position) == UInt8(ascii: "'") {
                throw error("object keys must use double quotes", at: start)
            }
            throw error("expected a string key in double quotes, found \(describe(at: position))", at: start)
        }
        let key = try parseString()
        let range = SourceRange(start, position)
        skipWhitespace()
        guard byte(position) == UInt8(ascii: ":") else {
            throw error("expected ':' after the key '\(key)', found \(describe(at: position))", at: position)
        }
        position += 1
        return (key, range)
    }

    // MARK: Scalars

    private mutating func parseScalar() throws(JSONError) -> JSONNode {
        let start = position
        guard let first = byte(position) else {
            throw error("expected a JSON value, found end of input", at: start)
        }
        switch first {
        case Self.quote:
            let s = try parseString()
            return JSONNode(.string(s), range: SourceRange(start, position))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let text = try parseNumber()
            return JSONNode(.number(text), range: SourceRange(start, position))
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            var end = position
            while let b = byte(end), Self.isWordByte(b) { end += 1 }
            let word = String(decoding: bytes[start..<end], as: UTF8.self)
            let value: JSONValue
            switch word {
            case "true": value = .bool(true)
            case "false": value = .bool(false)
            case "null": value = .null
            case "NaN", "Infinity":
                throw error("'\(word)' is not a JSON number", at: start)
            default:
                throw error("unexpected word '\(word)'; strings must be in double quotes", at: start)
            }
            position = end
            return JSONNode(value, range: SourceRange(start, end))
        case UInt8(ascii: "'"):
            throw error("strings must use double quotes", at: start)
        case UInt8(ascii: "+"), UInt8(ascii: "."):
            throw error("a number must start with '-' or a digit", at: start)
        case UInt8(ascii: "/"):
            throw error("comments are not allowed in JSON", at: start)
        case UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ","), UInt8(ascii: ":"):
            throw error("expected a JSON value, found \(describe(at: start))", at: start)
        default:
            throw error("unexpected \(describe(at: start))", at: start)
        }
    }

    private static func isWordByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    private static func isDigit(_ b: UInt8?) -> Bool {
        guard let b else { return false }
        return b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as written.
    private mutating func parseNumber() throws(JSONError) -> String {
        let start = position
        if byte(position) == UInt8(ascii: "-") {
            position += 1
            if let b = byte(position), Self.isWordByte(b), !Self.isDigit(b) {
                throw error("expected a digit after '-'; JSON has no Infinity or NaN", at: position)
            }
        }
        if byte(position) == UInt8(ascii: "0") {
            position += 1
            if Self.isDigit(byte(position)) {
                throw error("leading zeros are not allowed in JSON numbers", at: position - 1)
            }
        } else if Self.isDigit(byte(position)) {
            while Self.isDigit(byte(position)) { position += 1 }
        } else {
            throw error("expected a digit after '-', found \(describe(at: position))", at: position)
        }
        if byte(position) == UInt8(ascii: ".") {
            position += 1
            guard Self.isDigit(byte(position)) else {
                throw error("expected a digit after the decimal point, found \(describe(at: position))", at: position)
            }
            while Self.isDigit(byte(position)) { position += 1 }
        }
        if byte(position) == UInt8(ascii: "e") || byte(position) == UInt8(ascii: "E") {
            position += 1
            if byte(position) == UInt8(ascii: "+") || byte(position) == UInt8(ascii: "-") { position += 1 }
            guard Self.isDigit(byte(position)) else {
                throw error("expected a digit in the exponent, found \(describe(at: position))", at: position)
            }
            while Self.isDigit(byte(position)) { position += 1 }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// Reads a string starting at its opening quote; leaves `position` after the closing quote.
    private mutating func parseString() throws(JSONError) -> String {
        let open = position
        position += 1
        var segmentStart = position
        // Only strings with escapes need a buffer; the rest are sliced straight from the input.
        var buffer: [UInt8] = []
        var hasEscapes = false
        while true {
            guard let b = byte(position) else {
                throw error("string has no closing quote", at: open)
            }
            switch b {
            case Self.quote:
                let tail = bytes[segmentStart..<position]
                position += 1
                if hasEscapes {
                    buffer.append(contentsOf: tail)
                    return String(decoding: buffer, as: UTF8.self)
                }
                return String(decoding: tail, as: UTF8.self)
            case Self.backslash:
                hasEscapes = true
                buffer.append(contentsOf: bytes[segmentStart..<position])
                try parseEscape(into: &buffer)
                segmentStart = position
            case 0..<0x20:
                let hint = b == UInt8(ascii: "\n") ? " (a string cannot span lines; use \\n)" : ""
                throw error("unescaped control character \(Self.hex(UInt32(b))) in a string\(hint)", at: position)
            default:
                position += 1
            }
        }
    }

    /// Reads one escape starting at its backslash and appends its UTF-8 bytes.
    private mutating func parseEscape(into out: inout [UInt8]) throws(JSONError) {
        let escapeStart = position
        position += 1
        guard let c = byte(position) else {
            throw error("string has no closing quote", at: escapeStart)
        }
        position += 1
        switch c {
        case Self.quote: out.append(Self.quote)
        case Self.backslash: out.append(Self.backslash)
        case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try parseHex4(escapeStart: escapeStart)
            var scalarValue = UInt32(unit)
            switch unit {
            case 0xD800...0xDBFF:
                // A high surrogate must be followed by an escaped low surrogate.
                guard byte(position) == Self.backslash, byte(position + 1) == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate \\u\(Self.hex4(unit)) (a high surrogate needs a following \\uDC00-\\uDFFF)",
                                at: escapeStart)
                }
                let lowStart = position
                position += 2
                let low = try parseHex4(escapeStart: lowStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error("unpaired surrogate \\u\(Self.hex4(unit)) (followed by \\u\(Self.hex4(low)), not a low surrogate)",
                                at: escapeStart)
                }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            case 0xDC00...0xDFFF:
                throw error("unpaired surrogate \\u\(Self.hex4(unit)) (a low surrogate without a high one)",
                            at: escapeStart)
            default:
                break
            }
            guard let scalar = Unicode.Scalar(scalarValue) else {
                throw error("invalid \\u escape", at: escapeStart)
            }
            UTF8.encode(scalar) { out.append($0) }
        default:
            let shown = c < 0x20 || c >= 0x7F ? "" : " '\\\(Character(Unicode.Scalar(c)))'"
            throw error("invalid escape\(shown); JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
                        at: escapeStart)
        }
    }

    /// Reads the four hex digits after `\u`.
    private mutating func parseHex4(escapeStart: Int) throws(JSONError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let b = byte(position), let digit = Self.hexValue(b) else {
                throw error("\\u must be followed by four hex digits", at: escapeStart)
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func hex4(_ unit: UInt16) -> String {
        String(hex(UInt32(unit)).dropFirst(2))
    }
}
