import RQLSemantics
import RQLSyntax

/// The loader's shortcut for the common case: a document on one line whose fields use the plain
/// forms (JSON numbers, strings without escapes, `true`/`false`, `null`, `{"$date": "<ISO>"}`,
/// `{"$oid": "…"}`, arrays of strings or integers), read straight from the bytes into values,
/// with no JSON tree and no `String` per key.
///
/// It never reports anything: on the first byte it does not expect (an escape, a wrapper it does
/// not know, an unknown or repeated field, anything invalid) it declines, and the loader reads the
/// line with `JSON` and `DocumentReader`, which accept every valid document and report every
/// problem. What it accepts it converts exactly as they do (the number, date and objectId
/// conversions are theirs), so it changes how fast a file loads, never what it loads or says.
struct DocumentLineReader {
    private struct Field {
        let name: [UInt8]
        let type: PropertyType
        let isNullable: Bool
        let elementsNullable: Bool
    }

    private let fields: [Field]
    private let idIndex: Int?
    /// The document read by the last successful `read`, one value per property.
    private(set) var values: [Value]
    /// The byte range of the `_id` value (or of the document's `{` when it has none).
    private(set) var idRange = SourceRange.none
    private var seen: [Bool]

    init(schema: ObjectSchema) {
        fields = schema.properties.map {
            Field(name: Array($0.name.utf8), type: $0.type, isNullable: $0.isNullable, elementsNullable: $0.elementsNullable)
        }
        idIndex = schema.properties.firstIndex { $0.name == ObjectSchema.primaryKeyName }
        values = Array(repeating: .null, count: fields.count)
        seen = Array(repeating: false, count: fields.count)
    }

    /// Reads the document in `b[start..<end]` (valid UTF-8); false to decline.
    mutating func read(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var cursor = Cursor(b: b, p: start, end: end)
        cursor.skipBlanks()
        let open = cursor.p
        guard cursor.take(UInt8(ascii: "{")) else { return false }
        for i in seen.indices { seen[i] = false }
        idRange = SourceRange(open, open + 1)
        cursor.skipBlanks()
        if !cursor.take(UInt8(ascii: "}")) {
            var expected = 0
            while true {
                guard let key = cursor.plainString(), let index = field(named: key, in: b, expected: expected), !seen[index] else {
                    return false
                }
                expected = index + 1
                seen[index] = true
                cursor.skipBlanks()
                guard cursor.take(UInt8(ascii: ":")) else { return false }
                cursor.skipBlanks()
                let valueStart = cursor.p
                guard let value = readValue(&cursor, fields[index]) else { return false }
                values[index] = value
                if index == idIndex { idRange = SourceRange(valueStart, cursor.p) }
                cursor.skipBlanks()
                if cursor.take(UInt8(ascii: ",")) {
                    cursor.skipBlanks()
                    continue
                }
                guard cursor.take(UInt8(ascii: "}")) else { return false }
                break
            }
        }
        cursor.skipBlanks()
        guard cursor.p == end else { return false }
        // Absent fields: what `DocumentReader` gives them, or decline where it reports an error.
        for (i, field) in fields.enumerated() where !seen[i] {
            if case .list = field.type {
                guard field.isNullable else { return false }
                values[i] = .list([])
            } else {
                guard field.isNullable || !DocumentReader.isModelled(field.type) else { return false }
                values[i] = .null
            }
        }
        return true
    }

    /// The property whose name is the key's bytes; `expected` is tried first, since exported
    /// documents usually list their fields in schema order.
    private func field(named key: Range<Int>, in b: UnsafeBufferPointer<UInt8>, expected: Int) -> Int? {
        func matches(_ i: Int) -> Bool {
            let name = fields[i].name
            guard name.count == key.count else { return false }
            return name.withUnsafeBufferPointer { name in (0..<key.count).allSatisfy { name[$0] == b[key.lowerBound + $0] } }
        }
        if expected < fields.count, matches(expected) { return expected }
        return fields.indices.first(where: matches)
    }

    private func readValue(_ c: inout Cursor, _ field: Field) -> Value? {
        if c.takeWord("null") {
            switch field.type {
            case .scalar: return field.isNullable ? .null : nil
            case .list: return field.isNullable ? .list([]) : nil
            case .embeddedObject, .listOfObjects, .dictionary, .mixed, .unsupported: return .null
            }
        }
        switch field.type {
        case .scalar(let type):
            return scalar(&c, type)
        case .list(let type):
            guard type == .string || type == .int || type == .long, c.take(UInt8(ascii: "[")) else { return nil }
            var items: [Value] = []
            c.skipBlanks()
            if c.take(UInt8(ascii: "]")) { return .list(items) }
            while true {
                if c.takeWord("null") {
                    guard field.elementsNullable else { return nil }
                    items.append(.null)
                } else {
                    guard let item = scalar(&c, type) else { return nil }
                    items.append(item)
                }
                c.skipBlanks()
                if c.take(UInt8(ascii: "]")) { return .list(items) }
                guard c.take(UInt8(ascii: ",")) else { return nil }
                c.skipBlanks()
            }
        case .embeddedObject, .listOfObjects, .dictionary, .mixed, .unsupported:
            return nil
        }
    }

    private func scalar(_ c: inout Cursor, _ type: ScalarType) -> Value? {
        switch type {
        case .int, .long:
            guard let number = c.number(), number.isInteger,
                  case .value(let v) = ExtendedJSON.parseInteger(c.slice(number.range)) else { return nil }
            return .int(v)
        case .double:
            guard let number = c.number(), let d = Double(c.text(number.range)), d.isFinite else { return nil }
            return .double(d)
        case .string:
            return c.plainString().map { .string(c.text($0)) }
        case .bool:
            if c.takeWord("true") { return .bool(true) }
            if c.takeWord("false") { return .bool(false) }
            return nil
        case .date:
            guard let text = c.wrappedString("$date"), case .success(let t) = ExtendedJSON.isoDate(c.slice(text)) else { return nil }
            return .timestamp(t)
        case .objectId:
            guard let text = c.wrappedString("$oid"), let oid = ObjectId(hexDigits: c.slice(text)) else { return nil }
            return .objectId(oid)
        case .decimal, .uuid, .binData:
            return nil
        }
    }
}

/// A position in one line of bytes.
private struct Cursor {
    let b: UnsafeBufferPointer<UInt8>
    var p: Int
    let end: Int

    /// JSON whitespace within a line.
    mutating func skipBlanks() {
        while p < end, b[p] == 0x20 || b[p] == 0x09 || b[p] == 0x0D { p += 1 }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard p < end, b[p] == byte else { return false }
        p += 1
        return true
    }

    /// `null`, `true` or `false` as a whole word.
    mutating func takeWord(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard p + n <= end else { return false }
        let w = word.utf8Start
        for i in 0..<n where b[p + i] != w[i] { return false }
        if p + n < end, Self.isWordByte(b[p + n]) { return false }
        p += n
        return true
    }

    static func isWordByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_")
    }

    /// A string with no escapes and no control characters: the range of its contents.
    mutating func plainString() -> Range<Int>? {
        guard p < end, b[p] == UInt8(ascii: "\"") else { return nil }
        let start = p + 1
        var i = start
        while i < end {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                p = i + 1
                return start..<i
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    /// `{"<key>": "<text>"}` with optional blanks: the range of the text.
    mutating func wrappedString(_ key: StaticString) -> Range<Int>? {
        guard take(UInt8(ascii: "{")) else { return nil }
        skipBlanks()
        guard let name = plainString(), name.count == key.utf8CodeUnitCount,
              name.indices.allSatisfy({ b[$0] == key.utf8Start[$0 - name.lowerBound] }) else { return nil }
        skipBlanks()
        guard take(UInt8(ascii: ":")) else { return nil }
        skipBlanks()
        guard let text = plainString() else { return nil }
        skipBlanks()
        guard take(UInt8(ascii: "}")) else { return nil }
        return text
    }

    /// A JSON number (RFC 8259 grammar): its range, and whether it has no fraction or exponent.
    mutating func number() -> (range: Range<Int>, isInteger: Bool)? {
        let start = p
        var i = p
        func isDigit(_ i: Int) -> Bool { i < end && b[i] >= UInt8(ascii: "0") && b[i] <= UInt8(ascii: "9") }
        if i < end, b[i] == UInt8(ascii: "-") { i += 1 }
        if i < end, b[i] == UInt8(ascii: "0") {
            i += 1
            if isDigit(i) { return nil }
        } else {
            guard isDigit(i) else { return nil }
            while isDigit(i) { i += 1 }
        }
        var isInteger = true
        if i < end, b[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { return nil }
            while isDigit(i) { i += 1 }
            isInteger = false
        }
        if i < end, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < end, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { return nil }
            while isDigit(i) { i += 1 }
            isInteger = false
        }
        p = i
        return (start..<i, isInteger)
    }

    func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: b[range])
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: slice(range), as: UTF8.self)
    }
}
