import RQLRuntime
import RQLSemantics
import RQLDocuments
import RQLSyntax

/// Runs one query text through every stage a user or a server can reach: parse, print, dump,
/// check, Flexible Sync validation, optimize, compile, disassemble, the interpreter and the VM
/// over a few documents, and rendering of every diagnostic. Used by the hostile-input tests on a
/// small stack, so that any stage that recurses or allocates without bound shows up.
public enum EveryStage {
    /// The documents the query runs over: three generated ones over `RandomData.schema`.
    public static let documents: [Document] = {
        var generator = RandomData(seed: 42)
        return (0..<3).map { generator.document(id: $0) }
    }()
    public static let collection = ColumnarCollection(schema: RandomData.schema, documents: documents)
    /// Every property of `RandomData.schema` queryable, `i` the indexed one.
    public static let config = SyncConfig(
        queryableFields: RandomData.schema.properties.map(\.name), indexedQueryableFields: ["i"])

    /// Runs `bytes` through every stage; returns how many matched (VM count) or nil when the
    /// query did not check, plus the parse and check diagnostics.
    @discardableResult
    public static func run(_ bytes: [UInt8], arguments: [Value] = []) -> (matches: Int?, diagnostics: [Diagnostic]) {
        let parsed = Parser.parse(bytes)
        var sink = ASTDump.dump(parsed.query).utf8.count
        if !parsed.diagnostics.hasErrors { sink &+= Printer.print(parsed.query).utf8.count }
        let checked = Checker.check(parsed, collection: RandomData.schema, arguments: arguments)
        let text = String(decoding: bytes, as: UTF8.self)
        let sync = FlexibleSyncValidator.validate(text, collection: RandomData.schema, config: config, arguments: arguments)
        let renderer = DiagnosticRenderer()
        sink &+= renderer.render(checked.diagnostics, source: bytes).utf8.count
        sink &+= renderer.render(sync.diagnostics, source: text).utf8.count
        var matches: Int?
        if let query = checked.query {
            sink &+= CheckedDump.dump(query).utf8.count
            let compiled = CompiledQuery(query)
            sink &+= CheckedDump.dump(compiled.optimized).utf8.count
            sink &+= Disassembler.listing(compiled.program).utf8.count
            let count = try! compiled.count(in: collection)
            let interpreted = documents.filter { Interpreter.matches(query, $0) }.count
            precondition(count == interpreted, "VM \(count) and interpreter \(interpreted) disagree")
            precondition(try! compiled.filter(collection).count == count)
            matches = count
        }
        withExtendedLifetime(sink) {}
        return (matches, checked.diagnostics)
    }
}
