import RQLSyntax
import Testing

@testable import RQLSemantics

/// Parses or records the failure, so tests can assert on either.
private func parse(_ text: String) -> Result<JSONNode, JSONError> { JSON.parseResult(text) }

private func error(_ text: String) -> JSONError? {
    if case .failure(let e) = parse(text) { return e }
    return nil
}

/// The source text a range covers.
private func slice(_ text: String, _ range: SourceRange) -> String {
    String(decoding: Array(text.utf8)[range.start..<range.end], as: UTF8.self)
}

@Suite("JSON reader")
struct JSONTests {
    @Test("objects keep keys in file order with key and value ranges")
    func objectOrderAndRanges() throws {
        let text = #"{"b": 1, "a": [true, null], "c": {"x": "y"}}"#
        let root = try JSON.parse(text)
        let members = try #require(root.objectMembers)
        #expect(members.map(\.key) == ["b", "a", "c"])
        #expect(slice(text, members[1].keyRange) == #""a""#)
        #expect(slice(text, members[1].value.range) == "[true, null]")
        #expect(members[1].value.arrayValue?.map(\.value) == [.bool(true), .null])
        #expect(root["c"]?["x"]?.stringValue == "y")
        #expect(root.range == SourceRange(0, text.utf8.count))
    }

    @Test("numbers keep their exact text", arguments: [
        "0", "-0", "12345678901234567890123", "1.10", "-0.5e-10", "1E+2", "3e0", "9007199254740993",
    ])
    func numberText(_ number: String) throws {
        let root = try JSON.parse("[\(number)]")
        #expect(root.arrayValue?.first?.numberText == number)
        #expect(root.arrayValue?.first?.range == SourceRange(1, 1 + number.utf8.count))
    }

    @Test("escapes including surrogate pairs are decoded")
    func escapes() throws {
        let root = try JSON.parse(#"["\u00e9\uD83D\uDE00", "\"\\\/\b\f\n\r\t", "a\u0000b", "plain é"]"#)
        let strings = try #require(root.arrayValue).compactMap(\.stringValue)
        #expect(strings == ["é😀", "\"\\/\u{8}\u{C}\n\r\t", "a\u{0}b", "plain é"])
    }

    @Test("whitespace, a leading byte order mark, and scalars at the top level")
    func topLevel() throws {
        #expect(try JSON.parse(" \t\r\n 42 \n").numberText == "42")
        #expect(try JSON.parse("\u{FEFF}true").value == .bool(true))
        #expect(try JSON.parse("\"x\"").stringValue == "x")
        #expect(try JSON.parse("{}").objectMembers?.isEmpty == true)
        #expect(try JSON.parse("[ ]").arrayValue?.isEmpty == true)
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        var text: String
        var message: String
        var line: Int
        var column: Int
        var testDescription: String { text }
    }

    @Test("malformed JSON is rejected at the right place", arguments: [
        BadCase(text: #"{"a": 1,}"#, message: "trailing comma before '}'", line: 1, column: 8),
        BadCase(text: "[1, 2, ]", message: "trailing comma before ']'", line: 1, column: 6),
        BadCase(text: #"{"a": 01}"#, message: "leading zeros", line: 1, column: 7),
        BadCase(text: "[-01]", message: "leading zeros", line: 1, column: 3),
        BadCase(text: "NaN", message: "'NaN' is not a JSON number", line: 1, column: 1),
        BadCase(text: "[Infinity]", message: "'Infinity' is not a JSON number", line: 1, column: 2),
        BadCase(text: "-Infinity", message: "no Infinity or NaN", line: 1, column: 2),
        BadCase(text: "+1", message: "a number must start with '-' or a digit", line: 1, column: 1),
        BadCase(text: ".5", message: "a number must start with '-' or a digit", line: 1, column: 1),
        BadCase(text: "1.", message: "expected a digit after the decimal point", line: 1, column: 3),
        BadCase(text: "1e+", message: "expected a digit in the exponent", line: 1, column: 4),
        BadCase(text: #"{"a":1 "b":2}"#, message: "expected ',' or '}'", line: 1, column: 8),
        BadCase(text: "[1 2]", message: "expected ',' or ']'", line: 1, column: 4),
        BadCase(text: #"{"a" 1}"#, message: "expected ':' after the key 'a'", line: 1, column: 6),
        BadCase(text: "{a: 1}", message: "expected a string key", line: 1, column: 2),
        BadCase(text: "{'a': 1}", message: "object keys must use double quotes", line: 1, column: 2),
        BadCase(text: "['a']", message: "strings must use double quotes", line: 1, column: 2),
        BadCase(text: #"  "abc"#, message: "string has no closing quote", line: 1, column: 3),
        BadCase(text: "\"a\nb\"", message: "control character U+000A", line: 1, column: 3),
        BadCase(text: "\"a\tb\"", message: "control character U+0009", line: 1, column: 3),
        BadCase(text: #"{"a": 1, "a": 2}"#, message: "duplicate key 'a'", line: 1, column: 10),
        BadCase(text: #""\uD800""#, message: #"unpaired surrogate \uD800"#, line: 1, column: 2),
        BadCase(text: #""\uD800\u0041""#, message: #"unpaired surrogate \uD800"#, line: 1, column: 2),
        BadCase(text: #""\uDC00""#, message: "a low surrogate without a high one", line: 1, column: 2),
        BadCase(text: #""\u12G4""#, message: "four hex digits", line: 1, column: 2),
        BadCase(text: #""\x""#, message: "invalid escape '\\x'", line: 1, column: 2),
        BadCase(text: "[1] x", message: "unexpected 'x' after the JSON value", line: 1, column: 5),
        BadCase(text: "", message: "expected a JSON value, found end of input", line: 1, column: 1),
        BadCase(text: "[1,", message: "found end of input", line: 1, column: 4),
        BadCase(text: "// note\n1", message: "comments are not allowed", line: 1, column: 1),
        BadCase(text: "tru", message: "unexpected word 'tru'", line: 1, column: 1),
        BadCase(text: "nullx", message: "unexpected word 'nullx'", line: 1, column: 1),
        BadCase(text: "{\n  \"a\": 1,\n  \"b\": tru\n}", message: "unexpected word 'tru'", line: 3, column: 8),
        BadCase(text: "[\"é\", x]", message: "unexpected word 'x'", line: 1, column: 7),
        BadCase(text: "{\r\n\"a\":\r\n]", message: "expected a JSON value, found ']'", line: 3, column: 1),
    ])
    func malformed(_ c: BadCase) throws {
        let e = try #require(error(c.text), "expected an error")
        #expect(e.message.contains(c.message), "message: \(e.message)")
        #expect(e.line == c.line, "message: \(e.message)")
        #expect(e.column == c.column, "message: \(e.message)")
        #expect(LineColumn(offset: e.offset, in: c.text) == LineColumn(line: e.line, column: e.column))
    }

    @Test("the error offset is a byte offset")
    func byteOffset() throws {
        let e = try #require(error("[\"é\", x]"))
        #expect(e.offset == 7)  // 'é' is two bytes
        #expect(e.range == SourceRange(7, 8))
    }

    @Test("nesting up to the limit is accepted")
    func nestingAtLimit() throws {
        let depth = JSONLimits.maxDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var node = try JSON.parse(text)
        var levels = 1
        while let inner = node.arrayValue?.first {
            node = inner
            levels += 1
        }
        #expect(levels == depth)
    }

    @Test("nesting one past the limit is an error at the opening bracket")
    func nestingPastLimit() throws {
        let depth = JSONLimits.maxDepth + 1
        let e = try #require(error(String(repeating: "[", count: depth) + String(repeating: "]", count: depth)))
        #expect(e.message.contains("nesting deeper than \(JSONLimits.maxDepth)"))
        #expect(e.offset == JSONLimits.maxDepth)
    }

    @Test("10,000-deep arrays and objects give an error, not a crash")
    func deepNesting() throws {
        let arrays = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(error(arrays)?.message.contains("nesting deeper") == true)
        let objects = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(error(objects)?.message.contains("nesting deeper") == true)
        let unclosed = String(repeating: "[", count: 10_000)
        #expect(error(unclosed)?.message.contains("nesting deeper") == true)
    }

    @Test("large arrays and objects parse in linear time, with every element kept")
    func largeDocument() throws {
        let count = 100_000
        let array = "[" + (0..<count).map { #"{"i": \#($0), "s": "x\n"}"# }.joined(separator: ",") + "]"
        let object = "{" + (0..<count).map { #""k\#($0)": \#($0)"# }.joined(separator: ",") + "}"
        let clock = ContinuousClock()
        var items: [JSONNode] = []
        var members: [JSONMember] = []
        let elapsed = try clock.measure {
            items = try #require(try JSON.parse(array).arrayValue)
            members = try #require(try JSON.parse(object).objectMembers)
        }
        #expect(items.count == count)
        #expect(items.last?["i"]?.numberText == String(count - 1))
        #expect(items.last?["s"]?.stringValue == "x\n")
        #expect(members.count == count)
        #expect(members.last?.key == "k\(count - 1)")
        // About a second in a debug build; a quadratic append would take minutes.
        #expect(elapsed < .seconds(30))
    }

    @Test("line and column of byte offsets")
    func lineColumn() {
        let text = "ab\r\ncé\nx"
        #expect(LineColumn(offset: 0, in: text) == LineColumn(line: 1, column: 1))
        #expect(LineColumn(offset: 4, in: text) == LineColumn(line: 2, column: 1))
        #expect(LineColumn(offset: 7, in: text) == LineColumn(line: 2, column: 3))  // after 'é' (2 bytes)
        #expect(LineColumn(offset: 8, in: text) == LineColumn(line: 3, column: 1))
        #expect(LineColumn(offset: 999, in: text) == LineColumn(line: 3, column: 2))
        #expect(LineColumn(offset: 8, in: text).description == "3:1")
    }
}
