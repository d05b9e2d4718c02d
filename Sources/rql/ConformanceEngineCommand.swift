import ArgumentParser
import RQLCorpus
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `rql conformance-engine`: RQLKit's engine side of the corpus line protocol, for
/// `rql test --engine 'exec:rql conformance-engine'` (the protocol: Corpus/README.md).
/// Reads one JSON request per line on standard input and writes one JSON answer per line;
/// the state (schemas, documents, sync configuration) lasts until the input ends.
struct ConformanceEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance-engine",
        abstract: "Answer corpus requests (JSON lines on stdin) with RQLKit's engines, for rql test --engine exec:.")

    @Option(name: .long, help: "interpreter, vm (also runs the optimized VM), or both (all three; the default).")
    var engine: TestCommand.BuiltinChoice = .both

    func run() throws {
        var state = BuiltinEngine(engines: engine.engines)
        while let line = readLine(strippingNewline: true) {
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            let response: CorpusResponse
            switch CorpusRequest.parse(line) {
            case .success(let request): response = state.perform(request)
            case .failure(let error): response = .error(kind: "protocol", message: "cannot read the request: \(error.message)")
            }
            print(response.jsonLine)
            fflush(stdout)
        }
    }
}
