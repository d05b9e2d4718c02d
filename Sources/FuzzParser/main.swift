// libFuzzer target: arbitrary bytes through the lexer, the parser and the diagnostic renderer.
//
// Property: a query that parses without errors prints (`Printer.print`) to a canonical form that
// parses without errors to the same tree (source ranges aside). Anything else is a crash.
//
// Fuzzing build (see Tests/Fuzz/run.sh): `-sanitize=fuzzer -DFUZZING`, `FuzzEntry.main` hands control
// to libFuzzer's `LLVMFuzzerRunDriver`. Normal build: a replay tool, `FuzzParser FILE-OR-DIR...`
// runs each file through the same harness (CI, reproducing a crash without libFuzzer).
import RQLSyntax
import RQLTesting

/// Keeps the renderer's output observable so the call cannot be optimised away.
nonisolated(unsafe) var sink = 0

func fail(_ what: String, _ bytes: [UInt8], _ details: String) -> Never {
    fatalError("FuzzParser: \(what)\ninput: \(FuzzSupport.describe(bytes))\n\(details)")
}

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzSupport.bytes(data, size)
    let parsed = Parser.parse(bytes)
    // Render every diagnostic of short inputs, only the first of longer ones: rendering costs
    // O(line length) per diagnostic with Unicode property lookups per character, and rendering
    // all of up to 21 diagnostics of every input made the harness about 10x slower.
    let renderer = DiagnosticRenderer(useColor: size & 1 == 1)
    if size <= 64 {
        sink &+= renderer.render(parsed.diagnostics, source: bytes, fileName: "fuzz.rql").utf8.count
    } else if let first = parsed.diagnostics.first {
        sink &+= renderer.render(first, source: bytes).utf8.count
    }
    guard !parsed.diagnostics.hasErrors else { return 0 }

    let tree = parsed.query.erasingRanges()
    let canonical = Printer.print(parsed.query)
    let reparsed = Parser.parse(canonical)
    if reparsed.diagnostics.hasErrors {
        fail("the canonical form does not parse", bytes, """
            canonical: \(String(reflecting: canonical))
            \(DiagnosticRenderer().render(reparsed.diagnostics, source: Array(canonical.utf8)))
            """)
    }
    if reparsed.query.erasingRanges() != tree {
        fail("parse(print(q)) != q", bytes, """
            canonical: \(String(reflecting: canonical))
            reprinted: \(String(reflecting: Printer.print(reparsed.query)))
            original tree: \(tree)
            reparsed tree: \(reparsed.query.erasingRanges())
            """)
    }
    return 0
}

FuzzEntry.main { data, size in fuzzOne(data, size) }
