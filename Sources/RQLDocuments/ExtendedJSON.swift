import RQLSemantics
import RQLSyntax

/// Converts MongoDB Extended JSON v2 documents, relaxed or canonical, into `Document`s and checks
/// them against a collection schema.
///
/// Accepted forms by property type:
/// - `int`, `long`: a JSON integer (no fraction, no exponent), `{"$numberInt": "…"}` (32-bit) or
///   `{"$numberLong": "…"}`; anything beyond the int64 range is an error.
/// - `double`: any JSON number, `{"$numberDouble": "1.5" | "Infinity" | "-Infinity" | "NaN"}`,
///   `$numberInt` or `$numberLong`.
/// - `decimal`: `{"$numberDecimal": "…"}`, a JSON number (read from its exact text), `$numberInt`
///   or `$numberLong`. As in MongoDB's Decimal128 spec, a finite spelling whose exponent is beyond
///   the range is an error unless it can be clamped (the coefficient has room for the zeros, so
///   `1E6112` is `10E6111`, exactly); it never becomes infinity. Infinities are only spelled out:
///   `Infinity`, `-Infinity` (or `Inf`, in any case, as the Decimal128 string grammar allows).
/// - `string`, `bool`: a JSON string, `true`/`false`.
/// - `date`: `{"$date": "<ISO-8601>"}` with 0-9 fraction digits, any year 0000-9999 and `Z` or an
///   offset; `{"$date": {"$numberLong": "<millis>"}}`; `{"$date": <millis>}`.
/// - `objectId`: `{"$oid": "<24 hex digits>"}`.
/// - `uuid`: `{"$uuid": "<8-4-4-4-12>"}` or `{"$binary": …}` with subType `04` and 16 bytes.
/// - `binData`: `{"$binary": {"base64": "…", "subType": "<hex>"}}`, the legacy
///   `{"$binary": "<base64>", "$type": "<hex>"}`, or `$uuid`.
/// - lists: a JSON array of the element forms; `null` elements only when the elements are nullable.
///
/// Every problem becomes a diagnostic whose message names the field, what was expected and what
/// was found, and whose range covers the offending JSON value.
public enum ExtendedJSON {
    /// Longest string or number text quoted in a message before it is cut with `…`.
    public static let maxQuotedLength = 40
    /// Most keys of an Extended JSON object listed when describing it in a message.
    static let maxDescribedKeys = 3

    /// Converts one document. `source` is the file name for diagnostics; `line` (1-based), when
    /// given, starts each message with `line N: `. The failure holds every problem found.
    public static func document(from node: JSONNode, schema: ObjectSchema, source: String?,
                                line: Int?) -> Result<Document, DocumentError> {
        let (document, diagnostics) = convert(node, schema: schema, file: source, location: line.map { "line \($0)" })
        if let document { return .success(document) }
        return .failure(DocumentError(diagnostics: diagnostics))
    }

    /// Converts one document, reporting every problem. `location` (e.g. `line 3`) starts each
    /// message. The document is nil when there is any error.
    public static func convert(_ node: JSONNode, schema: ObjectSchema, file: String? = nil,
                               location: String? = nil) -> (document: Document?, diagnostics: [Diagnostic]) {
        var reader = DocumentReader(schema: schema, file: file)
        let document = reader.read(node, location: location)
        return (document, reader.diagnostics)
    }

    /// One value of `type` (null for JSON null), with the document rules; nil when `node` is not
    /// a valid value of that type.
    public static func value(_ node: JSONNode, as type: ScalarType) -> Value? {
        if node.isNull { return .null }
        return try? scalar(node, as: type).get()
    }

    /// Converts the fields a JSON object names (a partial document, as an update gives), each as
    /// its property's type; absent fields are absent, not null. The values are nil when there is
    /// any error.
    public static func fields(_ node: JSONNode, schema: ObjectSchema, file: String? = nil,
                              location: String? = nil) -> (values: [String: Value]?, diagnostics: [Diagnostic]) {
        var reader = DocumentReader(schema: schema, file: file)
        let values = reader.readFields(node, location: location)
        return (values, reader.diagnostics)
    }
}

// MARK: - Documents

/// Converts documents of one collection; built once per load so field lookup is a dictionary hit.
struct DocumentReader {
    let schema: ObjectSchema
    let file: String?
    private let indexByName: [UTF8Key: Int]
    var diagnostics: [Diagnostic] = []

    init(schema: ObjectSchema, file: String?) {
        self.schema = schema
        self.file = file
        var index: [UTF8Key: Int] = [:]
        for (i, p) in schema.properties.enumerated() where index[UTF8Key(p.name)] == nil { index[UTF8Key(p.name)] = i }
        indexByName = index
    }

    /// Converts `node`, appending problems to `diagnostics`; nil when this document has an error.
    mutating func read(_ node: JSONNode, location: String?) -> Document? {
        let prefix = location.map { "\($0): " } ?? ""
        let errorsBefore = diagnostics.count
        guard let (values, present) = readMembers(node, prefix: prefix) else { return nil }
        var result: [Value] = []
        result.reserveCapacity(values.count)
        for (index, property) in schema.properties.enumerated() {
            if let value = values[index] {
                result.append(value)
                continue
            }
            // Absent: an empty list, a null, or an error for a required scalar.
            if case .list = property.type {
                if property.isNullable || present[index] {
                    result.append(.list([]))
                    continue
                }
            } else if property.isNullable || !Self.isModelled(property.type) || present[index] {
                result.append(.null)
                continue
            }
            report(.documentMissingField, "\(prefix)field '\(property.name)' is required but missing",
                   at: Self.head(node))
        }
        return diagnostics.count > errorsBefore ? nil : Document(values: result)
    }

    /// The fields `node` names; nil when this object has an error.
    mutating func readFields(_ node: JSONNode, location: String?) -> [String: Value]? {
        let errorsBefore = diagnostics.count
        guard let (values, _) = readMembers(node, prefix: location.map { "\($0): " } ?? "") else { return nil }
        var fields: [String: Value] = [:]
        for (index, value) in values.enumerated() { if let value { fields[schema.properties[index].name] = value } }
        return diagnostics.count > errorsBefore ? nil : fields
    }

    /// Each member of the object `node` converted to its property's type, by property (nil where
    /// absent or wrong), and which properties were present; nil when `node` is not an object.
    private mutating func readMembers(_ node: JSONNode, prefix: String) -> (values: [Value?], present: [Bool])? {
        guard let members = node.objectMembers else {
            report(.documentNotObject, "\(prefix)a document must be a JSON object, found \(ExtendedJSON.describe(node))",
                   at: node.range)
            return nil
        }
        var values = [Value?](repeating: nil, count: schema.properties.count)
        // Present but invalid fields are already reported; they must not also count as missing.
        var present = [Bool](repeating: false, count: schema.properties.count)
        for member in members {
            guard let index = indexByName[UTF8Key(member.key)] else {
                report(.documentUnknownField,
                       "\(prefix)field '\(member.key)' is not in the schema of '\(schema.title)'\(suggestion(for: member.key))",
                       at: member.keyRange)
                continue
            }
            let property = schema.properties[index]
            present[index] = true
            switch convertField(member.value, property) {
            case .success(let value): values[index] = value
            case .failure(let problem):
                report(problem.code, "\(prefix)field '\(property.name)'\(problem.message)", at: problem.range)
            }
        }
        return (values, present)
    }

    private mutating func report(_ code: DiagnosticCode, _ message: String, at range: SourceRange) {
        diagnostics.append(Diagnostic(code, message, at: range, file: file))
    }

    /// ` (did you mean 'Age'?)` when a property differs only in letter case.
    private func suggestion(for key: String) -> String {
        let lower = key.lowercased()
        guard let match = schema.properties.first(where: { $0.name.lowercased() == lower }) else { return "" }
        return " (did you mean '\(match.name)'?)"
    }

    /// The first byte of a node: errors about a whole document point at its `{`.
    static func head(_ node: JSONNode) -> SourceRange {
        SourceRange(node.range.start, Swift.min(node.range.end, node.range.start + 1))
    }

    static func isModelled(_ type: PropertyType) -> Bool {
        switch type {
        case .scalar, .list: true
        case .embeddedObject, .listOfObjects, .dictionary, .mixed, .unsupported: false
        }
    }

    /// One field's value. Problem messages start right after `field 'name'` (with `: ` or a space).
    private func convertField(_ node: JSONNode, _ property: Property) -> Result<Value, ValueProblem> {
        switch property.type {
        case .scalar(let type):
            if node.isNull {
                guard property.isNullable else {
                    return .failure(ValueProblem(.documentMissingField, " is required (not nullable), found null", node.range))
                }
                return .success(.null)
            }
            return ExtendedJSON.scalar(node, as: type).mapError { $0.prefixed(": ") }
        case .list(let type):
            if node.isNull {
                guard property.isNullable else {
                    return .failure(ValueProblem(.documentMissingField, " is a required list, found null", node.range))
                }
                return .success(.list([]))
            }
            guard let elements = node.arrayValue else {
                return .failure(ValueProblem(.documentTypeMismatch,
                                             ": expected a list of \(type) (JSON array), found \(ExtendedJSON.describe(node))",
                                             node.range))
            }
            var values: [Value] = []
            values.reserveCapacity(elements.count)
            // Only the first bad element is reported: one broken list should not flood the output.
            for (i, element) in elements.enumerated() {
                if element.isNull {
                    guard property.elementsNullable else {
                        return .failure(ValueProblem(.documentTypeMismatch,
                                                     " element \(i): expected \(ExtendedJSON.expectation(type)), found null (the list's items are not nullable)",
                                                     element.range))
                    }
                    values.append(.null)
                    continue
                }
                switch ExtendedJSON.scalar(element, as: type) {
                case .success(let value): values.append(value)
                case .failure(let problem): return .failure(problem.prefixed(" element \(i): "))
                }
            }
            return .success(.list(values))
        case .embeddedObject, .listOfObjects, .dictionary, .mixed, .unsupported:
            if node.isNull { return .success(.null) }
            return .failure(ValueProblem(.documentUnsupportedField,
                                         ": properties of type \(property.type) cannot hold values in documents (omit the field or use null), found \(ExtendedJSON.describe(node))",
                                         node.range))
        }
    }
}

/// The problems that kept JSON text from becoming a `Document` or a write (never empty).
public struct DocumentError: Error, Hashable, Sendable {
    /// The diagnostics, in document order.
    public var diagnostics: [Diagnostic]

    /// An error with the given diagnostics.
    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }
}

/// A problem with one JSON value: the code, the message without the field name, and the range.
struct ValueProblem: Error, Hashable, Sendable {
    var code: DiagnosticCode
    var message: String
    var range: SourceRange

    init(_ code: DiagnosticCode, _ message: String, _ range: SourceRange) {
        self.code = code
        self.message = message
        self.range = range
    }

    func prefixed(_ prefix: String) -> ValueProblem {
        ValueProblem(code, prefix + message, range)
    }
}

// MARK: - Scalars

extension ExtendedJSON {
    /// What a property of `type` accepts, for messages: `an int (JSON integer or {"$numberLong": ...})`.
    static func expectation(_ type: ScalarType) -> String {
        switch type {
        case .int: #"an int (JSON integer or {"$numberLong": ...})"#
        case .long: #"a long (JSON integer or {"$numberLong": ...})"#
        case .double: #"a double (JSON number or {"$numberDouble": ...})"#
        case .decimal: #"a decimal ({"$numberDecimal": ...} or JSON number)"#
        case .string: "a string"
        case .bool: "a bool (true or false)"
        case .date: #"a date ({"$date": "<ISO-8601>"} or {"$date": {"$numberLong": "<millis>"}})"#
        case .objectId: #"an objectId ({"$oid": "<24 hex digits>"})"#
        case .uuid: #"a uuid ({"$uuid": "<8-4-4-4-12 hex>"} or $binary with subType 04)"#
        case .binData: #"binData ({"$binary": {"base64": ..., "subType": ...}})"#
        }
    }

    /// Converts one non-null JSON value to a value of `type`.
    static func scalar(_ node: JSONNode, as type: ScalarType) -> Result<Value, ValueProblem> {
        let mismatch = ValueProblem(.documentTypeMismatch, "expected \(expectation(type)), found \(describe(node))", node.range)
        let wrapper = Wrapper(node)
        switch type {
        case .int, .long:
            if let text = node.numberText {
                guard isIntegerText(text) else { return .failure(mismatch) }
                return integer(text, range: node.range, what: "number").map(Value.int)
            }
            guard let wrapper, wrapper.key == "$numberInt" || wrapper.key == "$numberLong" else { return .failure(mismatch) }
            return wrappedInteger(wrapper).map(Value.int)

        case .double:
            return double(node, wrapper, mismatch)

        case .decimal:
            return decimal(node, wrapper, mismatch)

        case .string:
            guard let s = node.stringValue else { return .failure(mismatch) }
            return .success(.string(s))

        case .bool:
            guard let b = node.boolValue else { return .failure(mismatch) }
            return .success(.bool(b))

        case .date:
            guard let wrapper, wrapper.key == "$date" else { return .failure(mismatch) }
            return date(wrapper).map(Value.timestamp)

        case .objectId:
            guard let wrapper, wrapper.key == "$oid" else { return .failure(mismatch) }
            return wrapper.singleString().flatMap { text in
                guard let oid = ObjectId(hex: text) else {
                    return .failure(ValueProblem(.documentInvalidValue, "invalid $oid \(quoted(text)): expected 24 hex digits",
                                                 wrapper.value.range))
                }
                return .success(.objectId(oid))
            }

        case .uuid:
            guard let wrapper else { return .failure(mismatch) }
            switch wrapper.key {
            case "$uuid":
                return uuid(wrapper).map(Value.uuid)
            case "$binary":
                return binary(wrapper).flatMap { bytes, subtype in
                    guard subtype == uuidSubtype, let u = UUIDValue(bytes: bytes) else {
                        return .failure(ValueProblem(.documentInvalidValue,
                                                     "a uuid as $binary needs subType 04 and 16 bytes, found subType \(hexByte(subtype)) and \(bytes.count) bytes",
                                                     node.range))
                    }
                    return .success(.uuid(u))
                }
            default:
                return .failure(mismatch)
            }

        case .binData:
            guard let wrapper else { return .failure(mismatch) }
            switch wrapper.key {
            case "$binary":
                // Any subtype: realm binary columns keep only the bytes.
                return binary(wrapper).map { bytes, _ in .binary(bytes) }
            case "$uuid":
                return uuid(wrapper).map { u in .binary(uuidBytes(u)) }
            default:
                return .failure(mismatch)
            }
        }
    }

    /// A double: a JSON number, `$numberDouble` (with "Infinity", "-Infinity", "NaN"), or an integer wrapper.
    private static func double(_ node: JSONNode, _ wrapper: Wrapper?, _ mismatch: ValueProblem) -> Result<Value, ValueProblem> {
        if let text = node.numberText {
            guard let d = Double(text), d.isFinite else {
                return .failure(ValueProblem(.documentValueOutOfRange, "number \(shortened(text)) is beyond the range of a double", node.range))
            }
            return .success(.double(d))
        }
        guard let wrapper else { return .failure(mismatch) }
        switch wrapper.key {
        case "$numberDouble":
            return wrapper.singleString().flatMap { text in
                guard let d = doubleText(text) else {
                    return .failure(ValueProblem(.documentInvalidValue,
                                                 #"invalid $numberDouble \#(quoted(text)): expected a decimal number, "Infinity", "-Infinity" or "NaN""#,
                                                 wrapper.value.range))
                }
                // Infinity spelled out is fine; a finite spelling that overflowed is not.
                guard d.isFinite || text == "Infinity" || text == "-Infinity" || d.isNaN else {
                    return .failure(ValueProblem(.documentValueOutOfRange,
                                                 "$numberDouble \(quoted(text)) is beyond the range of a double", wrapper.value.range))
                }
                return .success(.double(d))
            }
        case "$numberInt", "$numberLong":
            return wrappedInteger(wrapper).map { .double(Double($0)) }
        default:
            return .failure(mismatch)
        }
    }

    /// A decimal128: a JSON number read from its exact text, `$numberDecimal`, or an integer wrapper.
    private static func decimal(_ node: JSONNode, _ wrapper: Wrapper?, _ mismatch: ValueProblem) -> Result<Value, ValueProblem> {
        if let text = node.numberText {
            // JSON number text is always valid decimal text; the fallback is unreachable.
            guard let d = Decimal128(text) else { return .failure(mismatch) }
            guard d.isFinite else {
                return .failure(ValueProblem(.documentValueOutOfRange, "number \(shortened(text)) is beyond the range of a decimal128", node.range))
            }
            return .success(.decimal(d))
        }
        guard let wrapper else { return .failure(mismatch) }
        switch wrapper.key {
        case "$numberDecimal":
            return wrapper.singleString().flatMap { text in
                guard let d = Decimal128(text) else {
                    return .failure(ValueProblem(.documentInvalidValue,
                                                 "invalid $numberDecimal \(quoted(text)): expected a decimal number, Infinity or NaN",
                                                 wrapper.value.range))
                }
                // Infinity spelled out is fine; a finite spelling that overflowed is not.
                guard !d.isInfinite || namesInfinity(text) else {
                    return .failure(ValueProblem(.documentValueOutOfRange,
                                                 "$numberDecimal \(quoted(text)) is beyond the range of a decimal128", wrapper.value.range))
                }
                return .success(.decimal(d))
            }
        case "$numberInt", "$numberLong":
            return wrappedInteger(wrapper).map { .decimal(Decimal128($0)) }
        default:
            return .failure(mismatch)
        }
    }

    /// The BSON binary subtype of UUIDs.
    static let uuidSubtype: UInt8 = 4

    // MARK: Numbers

    /// `-?[0-9]+`: JSON integer text (no fraction or exponent).
    static func isIntegerText(_ text: String) -> Bool {
        !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// The value of `-?[0-9]+` text, with an out-of-range or malformed error naming `what`.
    static func integer(_ text: String, range: SourceRange, what: String) -> Result<Int64, ValueProblem> {
        switch parseInteger(text) {
        case .value(let v):
            return .success(v)
        case .outOfRange:
            return .failure(ValueProblem(.documentValueOutOfRange,
                                         "\(what) \(shortened(text)) is beyond the int64 range (\(Int64.min)...\(Int64.max))", range))
        case .malformed:
            return .failure(ValueProblem(.documentInvalidValue, "invalid \(what) \(quoted(text)): expected an integer such as \"42\"", range))
        }
    }

    enum IntegerText: Equatable { case value(Int64), outOfRange, malformed }

    /// Strict decimal integer text: an optional `-`, then digits. Overflow is reported only for
    /// otherwise well-formed text.
    static func parseInteger(_ text: String) -> IntegerText {
        var text = text
        return text.withUTF8 { parseInteger($0) }
    }

    /// `parseInteger` of UTF-8 bytes.
    static func parseInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> IntegerText {
        var digits = bytes[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return .malformed }
        var magnitude: UInt64 = 0
        var overflow = false
        for c in digits {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return .malformed }
            if overflow { continue }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(c - UInt8(ascii: "0")))
            overflow = o1 || o2
            magnitude = a
        }
        let limit = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        guard !overflow, magnitude <= limit else { return .outOfRange }
        if negative { return .value(magnitude == limit ? .min : -Int64(magnitude)) }
        return .value(Int64(magnitude))
    }

    /// `{"$numberInt": "…"}` (32-bit) or `{"$numberLong": "…"}`.
    static func wrappedInteger(_ wrapper: Wrapper) -> Result<Int64, ValueProblem> {
        wrapper.singleString().flatMap { text in
            integer(text, range: wrapper.value.range, what: wrapper.key).flatMap { value in
                if wrapper.key == "$numberInt", Int64(Int32.min) > value || value > Int64(Int32.max) {
                    return .failure(ValueProblem(.documentValueOutOfRange,
                                                 "$numberInt \(quoted(text)) is beyond the 32-bit range; use $numberLong",
                                                 wrapper.value.range))
                }
                return .success(value)
            }
        }
    }

    /// True for decimal text that spells infinity (`Inf`, `-Infinity`...) rather than digits.
    static func namesInfinity(_ text: String) -> Bool {
        let first = text.utf8.first { $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") }
        return first.map { $0 | 0x20 == UInt8(ascii: "i") } ?? false
    }

    /// `$numberDouble` text: a decimal number (`-1.5`, `1e10`, `1.0E+10`), `Infinity`,
    /// `-Infinity` or `NaN`. Swift's `Double(_:)` alone would also take `inf`, `0x1p3`...
    static func doubleText(_ text: String) -> Double? {
        switch text {
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        case "NaN": return .nan
        default: break
        }
        let b = Array(text.utf8)
        var i = 0
        func digitRun() -> Bool {
            let start = i
            while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") { i += 1 }
            return i > start
        }
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        guard digitRun() else { return nil }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard digitRun() else { return nil }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digitRun() else { return nil }
        }
        guard i == b.count else { return nil }
        // Overflowing text gives infinity (or nil on some platforms); callers report it as out of range.
        return Double(text) ?? .infinity
    }

    // MARK: Binary and UUID

    /// `{"$uuid": "<8-4-4-4-12>"}`.
    static func uuid(_ wrapper: Wrapper) -> Result<UUIDValue, ValueProblem> {
        wrapper.singleString().flatMap { text in
            // The spec requires the dashed form; UUIDValue alone would also take 32 bare digits.
            guard text.utf8.count == 36, let u = UUIDValue(text) else {
                return .failure(ValueProblem(.documentInvalidValue,
                                             "invalid $uuid \(quoted(text)): expected 8-4-4-4-12 hex digits",
                                             wrapper.value.range))
            }
            return .success(u)
        }
    }

    static func uuidBytes(_ u: UUIDValue) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: u.high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: u.low >> (56 - 8 * $0)) }
    }

    /// `{"$binary": {"base64": "…", "subType": "<hex>"}}` or the legacy
    /// `{"$binary": "<base64>", "$type": "<hex>"}`: the bytes and the subtype.
    static func binary(_ wrapper: Wrapper) -> Result<([UInt8], UInt8), ValueProblem> {
        let base64Node: JSONNode
        let subtypeNode: JSONNode
        if wrapper.value.stringValue != nil {
            guard wrapper.members.count == 2, let typeNode = wrapper.node["$type"] else {
                return .failure(ValueProblem(.documentInvalidValue,
                                             #"invalid $binary: the legacy form is {"$binary": "<base64>", "$type": "<hex>"}"#,
                                             wrapper.node.range))
            }
            base64Node = wrapper.value
            subtypeNode = typeNode
        } else {
            guard wrapper.members.count == 1, let inner = wrapper.value.objectMembers, inner.count == 2,
                  let b = wrapper.value["base64"], let t = wrapper.value["subType"] else {
                return .failure(ValueProblem(.documentInvalidValue,
                                             #"invalid $binary: expected {"$binary": {"base64": "<base64>", "subType": "<hex>"}}"#,
                                             wrapper.node.range))
            }
            base64Node = b
            subtypeNode = t
        }
        guard let base64 = base64Node.stringValue, let bytes = LiteralValues.base64Decode(base64) else {
            return .failure(ValueProblem(.documentInvalidValue,
                                         "invalid $binary base64: expected a base64 string, found \(describe(base64Node))",
                                         base64Node.range))
        }
        guard let subtypeText = subtypeNode.stringValue, (1...2).contains(subtypeText.utf8.count),
              let subtype = HexDigits.parse(Array(subtypeText.utf8)[...]) else {
            return .failure(ValueProblem(.documentInvalidValue,
                                         "invalid $binary subType: expected one or two hex digits such as \"00\", found \(describe(subtypeNode))",
                                         subtypeNode.range))
        }
        return .success((bytes, UInt8(truncatingIfNeeded: subtype)))
    }

    static func hexByte(_ b: UInt8) -> String {
        HexDigits.format(UInt64(b), digits: 2)
    }

    // MARK: Dates

    /// `{"$date": "<ISO-8601>"}`, `{"$date": {"$numberLong": "<millis>"}}` or `{"$date": <millis>}`.
    static func date(_ wrapper: Wrapper) -> Result<Timestamp, ValueProblem> {
        guard wrapper.members.count == 1 else { return .failure(wrapper.extraKeyProblem()) }
        let value = wrapper.value
        if let text = value.stringValue {
            return isoDate(text).mapError { problem in
                ValueProblem(.documentInvalidValue, "invalid $date \(quoted(text)): \(problem.reason)", value.range)
            }
        }
        if let text = value.numberText {
            guard isIntegerText(text) else {
                return .failure(ValueProblem(.documentInvalidValue,
                                             "invalid $date number \(shortened(text)): expected whole milliseconds since 1970",
                                             value.range))
            }
            return integer(text, range: value.range, what: "$date milliseconds").map(timestamp(milliseconds:))
        }
        if let inner = Wrapper(value), inner.key == "$numberLong" {
            return wrappedInteger(inner).map(timestamp(milliseconds:))
        }
        return .failure(ValueProblem(.documentInvalidValue,
                                     #"invalid $date: expected an ISO-8601 string, {"$numberLong": "<millis>"} or a number, found \#(describe(value))"#,
                                     value.range))
    }

    static let nanosPerSecond: Int64 = 1_000_000_000
    static let nanosPerMillisecond: Int64 = 1_000_000

    /// Milliseconds since the epoch; `/` and `%` truncate, which gives realm's same-sign nanoseconds.
    static func timestamp(milliseconds ms: Int64) -> Timestamp {
        Timestamp(seconds: ms / 1000, nanoseconds: Int32((ms % 1000) * nanosPerMillisecond))
    }

    /// Whole seconds rounded down plus a nonnegative fraction, in realm's convention where the
    /// nanoseconds have the sign of the seconds: -2 s + 0.999999999 s is `T-1:-1`.
    static func timestamp(floorSeconds seconds: Int64, nanoseconds: Int64) -> Timestamp {
        if seconds < 0, nanoseconds > 0 {
            return Timestamp(seconds: seconds + 1, nanoseconds: Int32(nanoseconds - nanosPerSecond))
        }
        return Timestamp(seconds: seconds, nanoseconds: Int32(nanoseconds))
    }

    /// Most fraction digits in an ISO date: realm stores nanoseconds.
    static let maxFractionDigits = 9

    /// `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM|±HHMM)`; the error is the reason, for messages.
    static func isoDate(_ text: String) -> Result<Timestamp, DateProblem> {
        var text = text
        return text.withUTF8 { isoDate($0) }
    }

    /// `isoDate` of UTF-8 bytes.
    static func isoDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Timestamp, DateProblem> {
        var s = DateScanner(bytes)
        let shape: DateProblem = "expected YYYY-MM-DDTHH:MM:SS[.fraction]Z"
        guard let year = s.digits(4), s.skip("-"), let month = s.digits(2), s.skip("-"), let day = s.digits(2),
              s.skip("T") || s.skip("t"),
              let hour = s.digits(2), s.skip(":"), let minute = s.digits(2), s.skip(":"), let second = s.digits(2) else {
            return .failure(shape)
        }
        var nanos: Int64 = 0
        if s.skip(".") {
            let start = s.position
            while let d = s.digits(1) {
                guard s.position - start <= maxFractionDigits else {
                    return .failure("more than \(maxFractionDigits) fraction digits (realm stores nanoseconds)")
                }
                nanos = nanos * 10 + d
            }
            let count = s.position - start
            guard count > 0 else { return .failure("expected digits after '.'") }
            for _ in count..<maxFractionDigits { nanos *= 10 }
        }
        var offsetSeconds: Int64 = 0
        if s.skip("Z") || s.skip("z") {
            // UTC.
        } else if let sign: Int64 = s.skip("+") ? 1 : s.skip("-") ? -1 : nil {
            let oh = s.digits(2)
            _ = s.skip(":")  // Both +HH:MM and +HHMM are ISO-8601.
            guard let oh, let om = s.digits(2), oh <= 23, om <= 59 else {
                return .failure("invalid UTC offset; expected +HH:MM")
            }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        } else {
            return .failure("expected 'Z' or a UTC offset such as +01:00 after the time")
        }
        guard s.atEnd else { return .failure(shape) }
        guard (1...12).contains(month) else { return .failure("month \(month) is out of range") }
        let monthDays = daysInMonth(year: year, month: month)
        guard (1...monthDays).contains(day) else { return .failure("day \(day) is out of range (the month has \(monthDays) days)") }
        guard hour <= 23 else { return .failure("hour \(hour) is out of range") }
        guard minute <= 59 else { return .failure("minute \(minute) is out of range") }
        guard second <= 59 else { return .failure("second \(second) is out of range") }
        let days = TimestampLiteral.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
        return .success(timestamp(floorSeconds: seconds, nanoseconds: nanos))
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2:
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // MARK: Writing dates

    /// The years an ISO-8601 `$date` string can carry: `isoDate` reads exactly four digits.
    public static let isoYears: ClosedRange<Int64> = 0...9999

    /// A date in relaxed Extended JSON that `date(_:)` reads back to the same timestamp:
    /// `{"$date": "<ISO-8601>"}` within `isoYears` (nanoseconds kept, up to 9 fraction digits),
    /// `{"$date": {"$numberLong": "<millis>"}}` outside them, as MongoDB's relaxed format does.
    ///
    /// Outside `isoYears` only whole milliseconds have a spelling the reader accepts; every such
    /// timestamp the reader produces is one (it can only come from milliseconds). A timestamp
    /// built in code with finer precision there is written truncated to the millisecond, and one
    /// beyond the int64 millisecond range is clamped to it.
    public static func date(_ t: Timestamp) -> String {
        if isoYears.contains(civil(t).0.year) { return "{\"$date\": \"\(iso8601(t))\"}" }
        let (scaled, overflow) = t.seconds.multipliedReportingOverflow(by: 1000)
        let millis = overflow ? (t.seconds < 0 ? Int64.min : Int64.max)
            : scaled.addingReportingOverflow(Int64(t.nanoseconds) / nanosPerMillisecond).partialValue
        return "{\"$date\": {\"$numberLong\": \"\(millis)\"}}"
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` in UTC, with as few fraction digits as the nanoseconds
    /// need. Years outside `isoYears` are written with more digits or a sign, for reading only.
    public static func iso8601(_ t: Timestamp) -> String {
        let (c, nanos) = civil(t)
        var s = c.spelling(separator: "T")
        if nanos != 0 {
            var fraction = String(nanos)
            fraction = String(repeating: "0", count: maxFractionDigits - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            s += "." + fraction
        }
        return s + "Z"
    }

    /// The UTC calendar fields of a timestamp and its nonnegative fraction of a second. Realm's
    /// nanoseconds share the sign of the seconds, so a negative fraction borrows a second (except
    /// at the very first second, which has none to borrow: that one is shown without its fraction).
    private static func civil(_ t: Timestamp) -> (TimestampLiteral.Civil, nanos: Int64) {
        var seconds = t.seconds
        var nanos = Int64(t.nanoseconds)
        if nanos < 0 {
            if seconds == .min {
                nanos = 0
            } else {
                seconds -= 1
                nanos += nanosPerSecond
            }
        }
        return (TimestampLiteral.civil(seconds: seconds), nanos)
    }

    // MARK: Describing JSON

    /// A JSON value for `found …` in messages: `string "x"`, `number 1.5`, `{"$oid": ...}`.
    static func describe(_ node: JSONNode) -> String {
        switch node.value {
        case .null: return "null"
        case .bool(let b): return "boolean \(b)"
        case .number(let text): return "number \(shortened(text))"
        case .string(let s): return "string \(quoted(s))"
        case .array(let elements): return elements.isEmpty ? "an empty array" : "an array"
        case .object(let members):
            guard let first = members.first else { return "an empty object" }
            guard first.key.hasPrefix("$") else { return "an object" }
            var keys = members.prefix(maxDescribedKeys).map { quoted($0.key) + ": ..." }
            if members.count > maxDescribedKeys { keys.append("...") }
            return "{" + keys.joined(separator: ", ") + "}"
        }
    }

    /// `s` in double quotes with JSON escapes, cut after `maxQuotedLength` characters.
    public static func quoted(_ s: String) -> String {
        guard let cut = s.index(s.startIndex, offsetBy: maxQuotedLength, limitedBy: s.endIndex), cut < s.endIndex else {
            return ControlCharacters.jsonQuoted(s)
        }
        return ControlCharacters.jsonQuoted(String(s[..<cut])).dropLast() + "…\""
    }

    /// Number text cut after `maxQuotedLength` characters.
    static func shortened(_ text: String) -> String {
        text.count > maxQuotedLength ? String(text.prefix(maxQuotedLength)) + "…" : text
    }
}

// MARK: - Helpers

/// An Extended JSON object such as `{"$oid": "…"}`: an object whose first key starts with `$`.
struct Wrapper {
    let node: JSONNode
    let members: [JSONMember]
    /// The first key, e.g. `$oid`.
    let key: String
    /// The first member's value.
    let value: JSONNode

    init?(_ node: JSONNode) {
        guard let members = node.objectMembers, let first = members.first, first.key.hasPrefix("$") else { return nil }
        self.node = node
        self.members = members
        self.key = first.key
        self.value = first.value
    }

    /// The string of a one-key wrapper such as `{"$numberLong": "42"}`.
    func singleString() -> Result<String, ValueProblem> {
        guard members.count == 1 else { return .failure(extraKeyProblem()) }
        guard let s = value.stringValue else {
            return .failure(ValueProblem(.documentInvalidValue,
                                         "invalid \(key): the value must be a string, found \(ExtendedJSON.describe(value))",
                                         value.range))
        }
        return .success(s)
    }

    func extraKeyProblem() -> ValueProblem {
        let extra = members.dropFirst().first
        return ValueProblem(.documentInvalidValue,
                            "invalid \(key): unexpected key '\(extra?.key ?? "")' (an Extended JSON \(key) object has one key)",
                            extra?.keyRange ?? node.range)
    }
}

/// Why an ISO-8601 date was rejected, for messages.
struct DateProblem: Error, ExpressibleByStringInterpolation {
    var reason: String
    init(stringLiteral value: String) { reason = value }
}

/// A cursor over the bytes of an ISO-8601 date.
struct DateScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    /// Skips `c` if it is next.
    mutating func skip(_ c: Unicode.Scalar) -> Bool {
        guard position < bytes.count, UInt32(bytes[position]) == c.value else { return false }
        position += 1
        return true
    }

    /// Reads exactly `count` decimal digits.
    mutating func digits(_ count: Int) -> Int64? {
        guard position + count <= bytes.count else { return nil }
        var value: Int64 = 0
        for b in bytes[position..<position + count] {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(b - UInt8(ascii: "0"))
        }
        position += count
        return value
    }
}
