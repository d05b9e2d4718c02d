import RQLSyntax
import Testing

@testable import RQLSemantics
@testable import RQLDocuments

/// A collection with one property of every modelled type, plus lists and unmodelled types.
private let itemSchema = ObjectSchema(title: "Item", properties: [
    Property(name: "_id", type: .scalar(.int)),
    Property(name: "name", type: .scalar(.string)),
    Property(name: "i", type: .scalar(.int), isNullable: true),
    Property(name: "l", type: .scalar(.long), isNullable: true),
    Property(name: "d", type: .scalar(.double), isNullable: true),
    Property(name: "dec", type: .scalar(.decimal), isNullable: true),
    Property(name: "s", type: .scalar(.string), isNullable: true),
    Property(name: "b", type: .scalar(.bool), isNullable: true),
    Property(name: "t", type: .scalar(.date), isNullable: true),
    Property(name: "o", type: .scalar(.objectId), isNullable: true),
    Property(name: "u", type: .scalar(.uuid), isNullable: true),
    Property(name: "bin", type: .scalar(.binData), isNullable: true),
    Property(name: "tags", type: .list(.string), isNullable: true),
    Property(name: "nums", type: .list(.long), isNullable: true, elementsNullable: true),
    Property(name: "addr", type: .embeddedObject, isNullable: true),
    Property(name: "m", type: .mixed, isNullable: true),
])

private func load(_ text: String) -> (documents: [Document], diagnostics: [Diagnostic]) {
    DocumentLoader.load(text, schema: itemSchema, file: "items.json")
}

/// The one document of `{"_id": 1, "name": "n", <fields>}`, or the diagnostics.
private func item(_ fields: String) -> (document: Document?, diagnostics: [Diagnostic]) {
    let (documents, diagnostics) = load(#"{"_id": 1, "name": "n""# + (fields.isEmpty ? "" : ", " + fields) + "}")
    return (documents.first, diagnostics)
}

/// The value of `field` in the one document of `item(fields)`.
private func value(_ field: String, _ fields: String) -> Value? {
    item(fields).document?[field, in: itemSchema]
}

/// The source text a range covers.
private func covered(_ text: String, _ range: SourceRange) -> String {
    let bytes = Array(text.utf8)
    guard range.start >= 0, range.end <= bytes.count, range.start <= range.end else { return "<bad range \(range)>" }
    return String(decoding: bytes[range.start..<range.end], as: UTF8.self)
}

private func ts(_ seconds: Int64, _ nanoseconds: Int32) -> Value {
    .timestamp(Timestamp(seconds: seconds, nanoseconds: nanoseconds))
}

@Suite("Document loader")
struct DocumentLoaderTests {
    // MARK: Values

    @Test("relaxed forms of every type")
    func relaxedForms() throws {
        let (document, diagnostics) = item(#"""
            "i": -42, "l": 9223372036854775807, "d": 1.5, "dec": 0.1, "s": "héllo", "b": true,
            "t": {"$date": "2017-12-01T12:07:53.000000505Z"}, "o": {"$oid": "0123456789ABCDEFabcdef01"},
            "u": {"$uuid": "01234567-89ab-cdef-0123-456789ABCDEF"},
            "bin": {"$binary": {"base64": "AAEC/w==", "subType": "00"}}, "tags": ["a", "b"], "nums": [1, null, -3]
            """#.replacingOccurrences(of: "\n", with: " "))
        #expect(diagnostics.isEmpty)
        let doc = try #require(document)
        #expect(doc.values.count == itemSchema.properties.count)
        #expect(doc["_id", in: itemSchema] == .int(1))
        #expect(doc["i", in: itemSchema] == .int(-42))
        #expect(doc["l", in: itemSchema] == .int(.max))
        #expect(doc["d", in: itemSchema] == .double(1.5))
        #expect(doc["dec", in: itemSchema] == .decimal(try #require(Decimal128("0.1"))))
        #expect(doc["s", in: itemSchema] == .string("héllo"))
        #expect(doc["b", in: itemSchema] == .bool(true))
        #expect(doc["t", in: itemSchema] == ts(1_512_130_073, 505))
        #expect(doc["o", in: itemSchema] == .objectId(try #require(ObjectId(hex: "0123456789abcdefabcdef01"))))
        #expect(doc["u", in: itemSchema] == .uuid(try #require(UUIDValue("01234567-89ab-cdef-0123-456789abcdef"))))
        #expect(doc["bin", in: itemSchema] == .binary([0, 1, 2, 255]))
        #expect(doc["tags", in: itemSchema] == .list([.string("a"), .string("b")]))
        #expect(doc["nums", in: itemSchema] == .list([.int(1), .null, .int(-3)]))
        #expect(doc["addr", in: itemSchema] == .null)
        #expect(doc["nope", in: itemSchema] == nil)
        #expect(doc.primaryKey(in: itemSchema) == .int(1))
    }

    @Test("canonical forms of every type")
    func canonicalForms() throws {
        let (document, diagnostics) = item(#"""
            "i": {"$numberInt": "-2147483648"}, "l": {"$numberLong": "-9223372036854775808"},
            "d": {"$numberDouble": "-1.25E+2"}, "dec": {"$numberDecimal": "1.10"}, "s": "x", "b": false,
            "t": {"$date": {"$numberLong": "1512130073005"}}, "o": {"$oid": "000000000000000000000001"},
            "u": {"$binary": {"base64": "ASNFZ4mrze8BI0VniavN7w==", "subType": "04"}},
            "bin": {"$binary": "AAE=", "$type": "80"}, "nums": [{"$numberLong": "7"}, {"$numberInt": "8"}]
            """#.replacingOccurrences(of: "\n", with: " "))
        #expect(diagnostics.isEmpty)
        let doc = try #require(document)
        #expect(doc["i", in: itemSchema] == .int(Int64(Int32.min)))
        #expect(doc["l", in: itemSchema] == .int(.min))
        #expect(doc["d", in: itemSchema] == .double(-125))
        // Decimals keep their exact text: 1.10, not 1.1.
        #expect(doc["dec", in: itemSchema] == .decimal(try #require(Decimal128("1.10"))))
        #expect(doc["b", in: itemSchema] == .bool(false))
        #expect(doc["t", in: itemSchema] == ts(1_512_130_073, 5_000_000))
        #expect(doc["u", in: itemSchema] == .uuid(try #require(UUIDValue("01234567-89ab-cdef-0123-456789abcdef"))))
        #expect(doc["bin", in: itemSchema] == .binary([0, 1]))
        #expect(doc["nums", in: itemSchema] == .list([.int(7), .int(8)]))
    }

    @Test("numbers convert across the numeric wrappers")
    func numericConversions() throws {
        #expect(value("d", #""d": 3"#) == .double(3))
        #expect(value("d", #""d": -1e300"#) == .double(-1e300))
        #expect(value("d", #""d": {"$numberLong": "5"}"#) == .double(5))
        #expect(value("d", #""d": {"$numberDouble": "Infinity"}"#) == .double(.infinity))
        #expect(value("d", #""d": {"$numberDouble": "-Infinity"}"#) == .double(-.infinity))
        guard case .double(let nan)? = value("d", #""d": {"$numberDouble": "NaN"}"#) else {
            Issue.record("NaN did not load")
            return
        }
        #expect(nan.isNaN)
        #expect(value("dec", #""dec": 12345678901234567890.5"#) == .decimal(try #require(Decimal128("12345678901234567890.5"))))
        #expect(value("dec", #""dec": {"$numberLong": "-4"}"#) == .decimal(Decimal128(Int64(-4))))
        #expect(value("dec", #""dec": {"$numberDecimal": "-Infinity"}"#) == .decimal(.negativeInfinity))
        // An exponent above the range is clamped when the coefficient has room for the zeros.
        #expect(value("dec", #""dec": {"$numberDecimal": "1E6112"}"#) == .decimal(try #require(Decimal128(negative: false, coefficient: 10, exponent: 6111))))
        #expect(value("dec", #""dec": {"$numberDecimal": "Infinity"}"#) == .decimal(.infinity))
        #expect(value("i", #""i": -0"#) == .int(0))
        #expect(value("bin", #""bin": {"$uuid": "00000000-0000-0000-0000-0000000000ff"}"#)
            == .binary([UInt8](repeating: 0, count: 15) + [255]))
        #expect(value("bin", #""bin": {"$binary": {"base64": "", "subType": "5"}}"#) == .binary([]))
    }

    @Test("dates with nanoseconds, before 1970, as millis and with offsets", arguments: [
        (#"{"$date": "1969-12-31T23:59:58.999999999Z"}"#, ts(-1, -1)),
        (#"{"$date": "1970-01-01T00:00:00.000000001Z"}"#, ts(0, 1)),
        (#"{"$date": "1969-12-31T23:59:59.5Z"}"#, ts(0, -500_000_000)),
        (#"{"$date": "1969-12-31T23:59:59Z"}"#, ts(-1, 0)),
        (#"{"$date": "1970-01-01T00:00:00Z"}"#, ts(0, 0)),
        (#"{"$date": "1970-01-01T00:00:01.000000002Z"}"#, ts(1, 2)),
        (#"{"$date": "1900-03-01T00:00:00.25Z"}"#, ts(-2_203_891_200 + 1, -750_000_000)),
        (#"{"$date": "2000-02-29T12:00:00+01:00"}"#, ts(951_822_000, 0)),
        (#"{"$date": "2000-02-29T12:00:00-0130"}"#, ts(951_831_000, 0)),
        (#"{"$date": "0001-01-01T00:00:00Z"}"#, ts(-62_135_596_800, 0)),
        (#"{"$date": 1500}"#, ts(1, 500_000_000)),
        (#"{"$date": -1}"#, ts(0, -1_000_000)),
        (#"{"$date": {"$numberLong": "-1001"}}"#, ts(-1, -1_000_000)),
        (#"{"$date": {"$numberLong": "0"}}"#, ts(0, 0)),
    ])
    func dates(_ json: String, _ expected: Value) {
        let (document, diagnostics) = item(#""t": "# + json)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(document?["t", in: itemSchema] == expected)
    }

    @Test("missing and null optional fields")
    func missingOptionalFields() throws {
        let doc = try #require(item(#""s": null, "nums": null, "addr": null, "m": null"#).document)
        for property in itemSchema.properties where !["_id", "name", "tags", "nums"].contains(property.name) {
            #expect(doc[property.name, in: itemSchema] == .null, "\(property.name)")
        }
        // Realm has no null lists: absent or null lists are empty.
        #expect(doc["tags", in: itemSchema] == .list([]))
        #expect(doc["nums", in: itemSchema] == .list([]))
    }

    // MARK: Layouts

    @Test("one document per line, with blank lines and CRLF")
    func lineForm() throws {
        let text = "\n" + #"{"_id": 1, "name": "a"}"# + "\r\n  \r\n\t\n" + #"{"_id": 2, "name": "b"}"# + "\n\n"
        let (documents, diagnostics) = load(text)
        #expect(diagnostics.isEmpty)
        #expect(documents.map { $0["_id", in: itemSchema] } == [.int(1), .int(2)])
        #expect(documents.map { $0["name", in: itemSchema] } == [.string("a"), .string("b")])
    }

    @Test("a JSON array of documents, possibly pretty-printed")
    func arrayForm() {
        let text = """
            \u{FEFF}  [
              {"_id": 3, "name": "c"},
              {"_id": 1,
               "name": "a"}
            ]
            """
        let (documents, diagnostics) = load(text)
        #expect(diagnostics.isEmpty)
        #expect(documents.map { $0["_id", in: itemSchema] } == [.int(3), .int(1)])
        #expect(load("[]") == ([], []))
        #expect(load("") == ([], []))
        #expect(load(" \n\n ") == ([], []))
    }

    // MARK: Errors

    @Test("each error names the line, the field, what was expected and what was found", arguments: [
        (#""i": "x""#, DiagnosticCode.documentTypeMismatch,
         #"line 1: field 'i': expected an int (JSON integer or {"$numberLong": ...}), found string "x""#, #""x""#),
        (#""i": 1.5"#, .documentTypeMismatch, "field 'i': expected an int", "1.5"),
        (#""l": 1e3"#, .documentTypeMismatch, "found number 1e3", "1e3"),
        (#""i": {"$numberDouble": "1"}"#, .documentTypeMismatch, #"found {"$numberDouble": ...}"#, #"{"$numberDouble": "1"}"#),
        (#""i": {"$numberInt": "3000000000"}"#, .documentValueOutOfRange, "beyond the 32-bit range", #""3000000000""#),
        (#""i": {"$numberLong": "12x"}"#, .documentInvalidValue, #"invalid $numberLong "12x""#, #""12x""#),
        (#""i": {"$numberLong": 12}"#, .documentInvalidValue, "the value must be a string, found number 12", "12"),
        (#""i": {"$numberLong": "1", "x": 2}"#, .documentInvalidValue, "unexpected key 'x'", #""x""#),
        (#""d": "1.5""#, .documentTypeMismatch, "field 'd': expected a double", #""1.5""#),
        (#""d": 1e400"#, .documentValueOutOfRange, "beyond the range of a double", "1e400"),
        (#""d": {"$numberDouble": "inf"}"#, .documentInvalidValue, #"invalid $numberDouble "inf""#, #""inf""#),
        (#""d": {"$numberDouble": "1e999"}"#, .documentValueOutOfRange, "beyond the range of a double", #""1e999""#),
        (#""dec": {"$numberDecimal": "1,5"}"#, .documentInvalidValue, #"invalid $numberDecimal "1,5""#, #""1,5""#),
        (#""dec": {"$numberDecimal": "1e99999"}"#, .documentValueOutOfRange, #"$numberDecimal "1e99999" is beyond the range of a decimal128"#, #""1e99999""#),
        (#""dec": {"$numberDecimal": "-12345678901234567890123456789012345e6111"}"#, .documentValueOutOfRange, "beyond the range of a decimal128", #""-12345678901234567890123456789012345e6111""#),
        (#""dec": 1e6145"#, .documentValueOutOfRange, "number 1e6145 is beyond the range of a decimal128", "1e6145"),
        (#""dec": "1.5""#, .documentTypeMismatch, "field 'dec': expected a decimal", #""1.5""#),
        (#""s": 5"#, .documentTypeMismatch, "field 's': expected a string, found number 5", "5"),
        (#""b": "true""#, .documentTypeMismatch, "field 'b': expected a bool (true or false), found string", #""true""#),
        (#""t": "2020-01-01""#, .documentTypeMismatch, "field 't': expected a date", #""2020-01-01""#),
        (#""t": {"$date": "2020-13-01T00:00:00Z"}"#, .documentInvalidValue, "month 13 is out of range", #""2020-13-01T00:00:00Z""#),
        (#""t": {"$date": "2021-02-29T00:00:00Z"}"#, .documentInvalidValue, "day 29 is out of range", #""2021-02-29T00:00:00Z""#),
        (#""t": {"$date": "2020-01-01T00:00:00.1234567891Z"}"#, .documentInvalidValue, "more than 9 fraction digits", #""2020-01-01T00:00:00.1234567891Z""#),
        (#""t": {"$date": "2020-01-01T00:00:00"}"#, .documentInvalidValue, "expected 'Z' or a UTC offset", #""2020-01-01T00:00:00""#),
        (#""t": {"$date": "2020-01-01 00:00:00Z"}"#, .documentInvalidValue, "expected YYYY-MM-DDTHH:MM:SS", #""2020-01-01 00:00:00Z""#),
        (#""t": {"$date": 1.5}"#, .documentInvalidValue, "whole milliseconds", "1.5"),
        (#""t": {"$date": {"$numberLong": "99999999999999999999"}}"#, .documentValueOutOfRange, "beyond the int64 range", #""99999999999999999999""#),
        (#""o": {"$oid": "0123"}"#, .documentInvalidValue, #"invalid $oid "0123": expected 24 hex digits"#, #""0123""#),
        (#""o": "0123456789abcdef01234567""#, .documentTypeMismatch, "field 'o': expected an objectId", #""0123456789abcdef01234567""#),
        (#""u": {"$uuid": "0123456789abcdef0123456789abcdef"}"#, .documentInvalidValue, "expected 8-4-4-4-12 hex digits", #""0123456789abcdef0123456789abcdef""#),
        (#""u": {"$binary": {"base64": "AAE=", "subType": "04"}}"#, .documentInvalidValue, "needs subType 04 and 16 bytes", #"{"$binary": {"base64": "AAE=", "subType": "04"}}"#),
        (#""bin": {"$binary": {"base64": "A", "subType": "00"}}"#, .documentInvalidValue, "invalid $binary base64", #""A""#),
        (#""bin": {"$binary": {"base64": "AA==", "subType": "zz"}}"#, .documentInvalidValue, "invalid $binary subType", #""zz""#),
        (#""bin": {"$binary": {"base64": "AA=="}}"#, .documentInvalidValue, "invalid $binary", #"{"$binary": {"base64": "AA=="}}"#),
        (#""bin": "AA==""#, .documentTypeMismatch, "field 'bin': expected binData", #""AA==""#),
        (#""tags": "a""#, .documentTypeMismatch, "field 'tags': expected a list of string (JSON array), found string", #""a""#),
        (#""tags": ["a", 2]"#, .documentTypeMismatch, "field 'tags' element 1: expected a string, found number 2", "2"),
        (#""tags": ["a", null]"#, .documentTypeMismatch, "field 'tags' element 1: expected a string, found null (the list's items are not nullable)", "null"),
        (#""agee": 3"#, .documentUnknownField, "line 1: field 'agee' is not in the schema of 'Item'", #""agee""#),
        (#""NAME2": 3"#, .documentUnknownField, "field 'NAME2' is not in the schema", #""NAME2""#),
        (#""addr": {"city": "x"}"#, .documentUnsupportedField, "field 'addr': properties of type embedded object cannot hold values", #"{"city": "x"}"#),
        (#""m": 1"#, .documentUnsupportedField, "properties of type mixed", "1"),
    ])
    func fieldErrors(_ fields: String, _ code: DiagnosticCode, _ message: String, _ offending: String) throws {
        let text = #"{"_id": 1, "name": "n", "# + fields + "}"
        let (documents, diagnostics) = load(text)
        #expect(documents.isEmpty)
        try #require(diagnostics.count == 1, "\(diagnostics)")
        let d = diagnostics[0]
        #expect(d.code == code)
        #expect(d.kind == .schema)
        #expect(d.severity == .error)
        #expect(d.file == "items.json")
        #expect(d.message.contains(message), "\(d.message)")
        #expect(d.message.hasPrefix("line 1: "), "\(d.message)")
        #expect(covered(text, d.range) == offending)
    }

    @Test("an unknown field that differs only in case gets a suggestion")
    func caseSuggestion() {
        let diagnostics = item(#""Name": "x""#).diagnostics
        #expect(diagnostics.map(\.message) == ["line 1: field 'Name' is not in the schema of 'Item' (did you mean 'name'?)"])
    }

    @Test("a missing required field points at the document")
    func missingRequired() {
        let text = #"{"_id": 1}"#
        let (documents, diagnostics) = load(text)
        #expect(documents.isEmpty)
        #expect(diagnostics.map(\.code) == [.documentMissingField])
        #expect(diagnostics.first?.message == "line 1: field 'name' is required but missing")
        #expect(diagnostics.first.map { covered(text, $0.range) } == "{")

        let nullText = #"{"_id": 1, "name": null}"#
        let null = load(nullText).diagnostics
        #expect(null.map(\.code) == [.documentMissingField])
        #expect(null.first?.message == "line 1: field 'name' is required (not nullable), found null")
        #expect(null.first.map { covered(nullText, $0.range) } == "null")
    }

    @Test("a document that is not an object")
    func notAnObject() {
        let (documents, diagnostics) = load("[1, {\"_id\": 1, \"name\": \"a\"}]")
        #expect(documents.isEmpty)
        #expect(diagnostics.map(\.code) == [.documentNotObject])
        #expect(diagnostics.first?.message == "array index 0 (line 1): a document must be a JSON object, found number 1")
    }

    @Test("errors name the line of each bad document, with ranges into the whole text")
    func errorsNameLines() throws {
        let lines = [
            #"{"_id": 1, "name": "a"}"#,
            "",
            #"{"_id": 2, "name": "b", "i": true}"#,
            #"{"_id": 3, "name": "c"}"#,
            #"{"_id": 4, "name": 4}"#,
        ]
        let text = lines.joined(separator: "\n")
        let (documents, diagnostics) = load(text)
        #expect(documents.isEmpty, "nothing is half-loaded")
        #expect(diagnostics.map(\.message) == [
            #"line 3: field 'i': expected an int (JSON integer or {"$numberLong": ...}), found boolean true"#,
            "line 5: field 'name': expected a string, found number 4",
        ])
        #expect(diagnostics.map { covered(text, $0.range) } == ["true", "4"])
        #expect(diagnostics.map { LineColumn(offset: $0.range.start, in: text).line } == [3, 5])
    }

    @Test("errors in the array form name the index and its line")
    func errorsNameArrayIndex() {
        let text = "[\n" + #"{"_id": 1, "name": "a"},"# + "\n" + #"{"_id": 2, "name": "b", "s": 1}"# + "\n]"
        let (documents, diagnostics) = load(text)
        #expect(documents.isEmpty)
        #expect(diagnostics.map(\.message) == ["array index 1 (line 3): field 's': expected a string, found number 1"])
        #expect(diagnostics.map { covered(text, $0.range) } == ["1"])
    }

    @Test("invalid JSON names the line and column")
    func invalidJSON() {
        let text = #"{"_id": 1, "name": "a"}"# + "\n" + #"{"_id": 2, "name": 'b'}"#
        let (documents, diagnostics) = load(text)
        #expect(documents.isEmpty)
        #expect(diagnostics.map(\.code) == [.documentInvalidJSON])
        #expect(diagnostics.first?.message.hasPrefix("line 2, column 20: invalid JSON: ") == true, "\(diagnostics)")
        #expect(diagnostics.first.map { covered(text, $0.range) } == "'")

        // A document spread over lines gets a hint.
        let spread = load("{\"_id\": 1,\n \"name\": \"a\"}").diagnostics
        #expect(spread.first?.message.hasPrefix("line 1, column") == true)
        #expect(spread.first?.notes.first?.message.contains("one line") == true)

        let array = load("[\n{\"_id\": 1, \"name\": \"a\"}\n{\"_id\": 2}]").diagnostics
        #expect(array.map(\.code) == [.documentInvalidJSON])
        #expect(array.first?.message.hasPrefix("line 3, column 1: invalid JSON: expected ','") == true, "\(array)")
    }

    @Test("duplicate _id names both lines")
    func duplicateID() throws {
        let text = [
            #"{"_id": 7, "name": "a"}"#, #"{"_id": 8, "name": "b"}"#, #"{"name": "c", "_id": 7}"#,
        ].joined(separator: "\n")
        let (documents, diagnostics) = load(text)
        #expect(documents.isEmpty)
        try #require(diagnostics.count == 1)
        let d = diagnostics[0]
        #expect(d.code == .documentDuplicateID)
        #expect(d.message == "line 3: duplicate _id 7 (also on line 1)")
        #expect(covered(text, d.range) == "7")
        #expect(LineColumn(offset: d.range.start, in: text).line == 3)
        #expect(d.notes.first?.range.map { LineColumn(offset: $0.start, in: text).line } == 1)

        let arrayText = #"[{"_id": 1, "name": "a"}, {"_id": 1, "name": "b"}]"#
        #expect(load(arrayText).diagnostics.map(\.message) == ["array index 1 (line 1): duplicate _id 1 (also at array index 0)"])
    }

    @Test("duplicate string, objectId and uuid keys are spelled as literals")
    func duplicateKeySpelling() {
        let schema = ObjectSchema(title: "S", properties: [Property(name: "_id", type: .scalar(.objectId))])
        let line = #"{"_id": {"$oid": "00000000000000000000000a"}}"#
        let diagnostics = DocumentLoader.load(line + "\n" + line, schema: schema).diagnostics
        #expect(diagnostics.map(\.message) == ["line 2: duplicate _id oid(00000000000000000000000a) (also on line 1)"])
        #expect(Document.describeKey(.string("a\"b")) == #""a\"b""#)
    }

    @Test("integers beyond int64 are errors, the extremes are not", arguments: [
        ("9223372036854775808", false), ("-9223372036854775809", false), ("100000000000000000000000", false),
        ("9223372036854775807", true), ("-9223372036854775808", true),
    ])
    func int64Range(_ number: String, _ fits: Bool) throws {
        for json in [number, #"{"$numberLong": "\#(number)"}"#] {
            let (document, diagnostics) = item(#""l": "# + json)
            if fits {
                #expect(document?["l", in: itemSchema] == .int(Int64(number) ?? 0))
            } else {
                #expect(document == nil)
                #expect(diagnostics.map(\.code) == [.documentValueOutOfRange])
                #expect(diagnostics.first?.message.contains("field 'l': ") == true)
                #expect(diagnostics.first?.message.contains("beyond the int64 range") == true)
            }
        }
    }

    @Test("JSON nested 10,000 arrays deep is an error, not a crash")
    func deepNesting() {
        let depth = 10_000
        let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let line = load(#"{"_id": 1, "name": "a", "tags": "# + deep + "}").diagnostics
        #expect(line.map(\.code) == [.documentInvalidJSON])
        #expect(line.first?.message.contains("nesting deeper than") == true)
        let array = load(deep).diagnostics
        #expect(array.map(\.code) == [.documentInvalidJSON])
        // Just inside the reader's limit, the nesting reaches the converter: a plain type error.
        let nested = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(load(#"{"_id": 1, "name": "a", "tags": "# + nested + "}").diagnostics.map(\.code) == [.documentTypeMismatch])
    }

    @Test("nothing is half-loaded, and at most maxReportedErrors errors are reported")
    func allOrNothingAndLimit() {
        var lines = (1...5).map { #"{"_id": \#($0), "name": "ok"}"# }
        lines += (6...40).map { #"{"_id": \#($0), "name": 0}"# }
        let (documents, diagnostics) = load(lines.joined(separator: "\n"))
        #expect(documents.isEmpty)
        #expect(diagnostics.count == DocumentLoader.maxReportedErrors + 1)
        #expect(diagnostics.dropLast().allSatisfy { $0.code == .documentTypeMismatch })
        #expect(diagnostics.last?.code == .documentTooManyErrors)
        #expect(diagnostics.first?.message.hasPrefix("line 6: ") == true)

        // Several errors in one document are all reported.
        let several = item(#""i": "x", "s": 1, "zz": 0"#).diagnostics
        #expect(several.map(\.code) == [.documentTypeMismatch, .documentTypeMismatch, .documentUnknownField])
    }

    @Test("ExtendedJSON.document converts one parsed node")
    func singleDocumentAPI() throws {
        let good = try JSON.parse(#"{"_id": 5, "name": "x"}"#)
        let doc = try ExtendedJSON.document(from: good, schema: itemSchema, source: "f.json", line: 9).get()
        #expect(doc.primaryKey(in: itemSchema) == .int(5))

        let bad = try JSON.parse(#"{"_id": "5", "name": "x"}"#)
        guard case .failure(let error) = ExtendedJSON.document(from: bad, schema: itemSchema, source: "f.json", line: 9) else {
            Issue.record("a string _id for an int field was accepted")
            return
        }
        #expect(error.diagnostics.map(\.message) == [#"line 9: field '_id': expected an int (JSON integer or {"$numberLong": ...}), found string "5""#])
        #expect(error.diagnostics.first?.file == "f.json")
        #expect(ExtendedJSON.convert(bad, schema: itemSchema).diagnostics.first?.message.hasPrefix("field '_id'") == true)
    }

    @Test("long strings are cut in messages")
    func longStringsAreCut() {
        let long = String(repeating: "x", count: 500)
        let message = item(#""i": ""# + long + #"""#).diagnostics.first?.message ?? ""
        #expect(message.hasSuffix("found string \"" + String(repeating: "x", count: ExtendedJSON.maxQuotedLength) + "…\""))
    }

    // MARK: Documents built in code

    @Test("documents built in code must fit the schema")
    func shapeCheck() {
        #expect(Document(values: [.int(1)]).mismatch(with: itemSchema)?.contains("has 1 values, but 'Item' has 16 properties") == true)
        var values = [Value](repeating: .null, count: itemSchema.properties.count)
        values[0] = .int(1)
        values[1] = .string("a")
        values[12] = .list([])
        values[13] = .list([.null])
        #expect(Document(values: values).mismatch(with: itemSchema) == nil)
        values[12] = .list([.null])
        #expect(Document(values: values).mismatch(with: itemSchema) == "field 'tags': a null element in a list whose items are not nullable")
        values[12] = .list([])
        values[2] = .string("x")
        #expect(Document(values: values).mismatch(with: itemSchema) != nil)
    }
}
