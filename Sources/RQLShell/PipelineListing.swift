import RQL

/// Every stage of the pipeline for one query, as `rql explain` and the REPL's `.explain` (and
/// `.tokens`, `.ast`, `.optimized`, `.bytecode`, `.plan`) print it: one listing, so the two
/// cannot drift apart.
public struct PipelineListing {
    public enum Stage: Sendable { case tokens, syntaxTree, canonicalForm, checked, optimized, bytecode, plan }

    public struct Section {
        public let stage: Stage
        /// The `-- title` line above the section.
        public let title: String
        public let text: String
    }

    /// The stages reached, in pipeline order: it stops at the first stage that rejects the query.
    public private(set) var sections: [Section] = []
    /// The parser's or the checker's diagnostics (errors stop the listing; warnings do not).
    public private(set) var diagnostics: [Diagnostic] = []
    public let source: [UInt8]
    /// Whether the query was rejected, so the listing stopped early.
    public var failed: Bool { diagnostics.hasErrors }

    /// Lists `text` up to its canonical form, then, given a collection, checked, optimized,
    /// compiled and planned (`plan` says how the compiled query would reach the documents; its
    /// title is the plan section's title).
    public init(_ text: String, collection: ObjectSchema?, arguments: [Value],
                plan: (CompiledQuery) -> (title: String, plan: QueryPlan)) {
        let parsed = Parser.parse(text)
        source = parsed.source
        let tokens = parsed.tokens.filter { $0.kind != .end }.map { token in
            "\(token.range.start)..<\(token.range.end)".padded(12) + "\(token.kind)".padded(16) + ControlCharacters.escaped(parsed.text(token.range))
        }
        add(.tokens, "tokens", tokens.joined(separator: "\n"))
        diagnostics = parsed.diagnostics
        guard !parsed.diagnostics.hasErrors else { return }
        add(.syntaxTree, "syntax tree", ASTDump.dump(parsed.query))
        add(.canonicalForm, "canonical form", Printer.print(parsed.query))
        guard let collection else { return }
        let result = Checker.check(parsed, collection: collection, arguments: arguments)
        diagnostics += result.diagnostics
        guard let checked = result.query else { return }
        add(.checked, "checked query on '\(collection.title)'", CheckedDump.dump(checked))
        let compiled = CompiledQuery(checked)
        add(.optimized, "optimized", CheckedDump.dump(compiled.optimized))
        add(.bytecode, "bytecode", Disassembler.listing(compiled.program))
        let (title, chosen) = plan(compiled)
        add(.plan, title, chosen.description)
    }

    private mutating func add(_ stage: Stage, _ title: String, _ text: String) {
        sections.append(Section(stage: stage, title: title, text: text))
    }

    /// The section of one stage, if the listing reached it.
    public subscript(stage: Stage) -> Section? { sections.first { $0.stage == stage } }
}
