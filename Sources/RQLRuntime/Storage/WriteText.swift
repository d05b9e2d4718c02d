import RQLSemantics
import RQLDocuments
import RQLSyntax

/// Writes written as text, one per line: a verb and a JSON object in MongoDB Extended JSON v2, as
/// documents are loaded.
///
///     insert {"_id": 4, "owner": "ann"}         a new document
///     replace {"_id": 4, "owner": "bob"}        the whole document with that _id
///     upsert {"_id": 4, "owner": "bob"}         insert, or replace when the _id is there
///     update {"_id": 4, "status": "done"}       sets the fields named; the others keep their values
///     delete {"_id": 4}                         removes the document with that _id
///
/// The corpus's `batch` blocks and the REPL's write commands read this form.
extension LiveCollection.Write {
    public enum Verb: String, CaseIterable, Sendable { case insert, replace, upsert, update, delete }

    /// One write: `verb` applied to the JSON object `json`. `location` (e.g. `line 3`) starts every
    /// message; the diagnostics' ranges are offsets in `json`.
    public static func parse(_ verb: Verb, json: String, schema: ObjectSchema, file: String? = nil,
                             location: String? = nil) -> Result<Self, DocumentError> {
        let prefix = location.map { "\($0): " } ?? ""
        let node: JSONNode
        switch JSON.parseResult(json) {
        case .success(let parsed): node = parsed
        case .failure(let error):
            return .failure(DocumentError(diagnostics: [Diagnostic(.documentInvalidJSON, "\(prefix)\(error.message)", at: error.range, file: file)]))
        }
        switch verb {
        case .insert, .replace, .upsert:
            let (document, diagnostics) = ExtendedJSON.convert(node, schema: schema, file: file, location: location)
            guard let document else { return .failure(DocumentError(diagnostics: diagnostics)) }
            return .success(verb == .insert ? .insert(document) : verb == .replace ? .replace(document) : .upsert(document))
        case .update, .delete:
            let (fields, diagnostics) = ExtendedJSON.fields(node, schema: schema, file: file, location: location)
            guard var fields else { return .failure(DocumentError(diagnostics: diagnostics)) }
            guard let id = fields.removeValue(forKey: ObjectSchema.primaryKeyName) else {
                let example = verb == .delete ? "{\"_id\": 4}" : "{\"_id\": 4, \"status\": \"done\"}"
                return .failure(DocumentError(diagnostics: [Diagnostic(.invalidWrite, "\(prefix)\(verb.rawValue) needs the document's _id, as in \(verb.rawValue) \(example)",
                                                           at: SourceRange(node.range.start, min(node.range.end, node.range.start + 1)), file: file)]))
            }
            if verb == .delete {
                guard fields.isEmpty else {
                    return .failure(DocumentError(diagnostics: [Diagnostic(.invalidWrite, "\(prefix)delete takes only the _id, not \(fields.keys.sorted().map { "'\($0)'" }.joined(separator: ", "))",
                                                               at: node.range, file: file)]))
                }
                return .success(.delete(id: id))
            }
            return .success(.update(id: id, set: fields))
        }
    }

    /// Every write of `text`, one per line (blank lines skipped), or every problem found, each
    /// starting with `line N:`; `firstLine` numbers the first line. The ranges are offsets in `text`.
    public static func parseLines(_ text: String, schema: ObjectSchema, file: String? = nil,
                                  firstLine: Int = 1) -> Result<[Self], DocumentError> {
        var writes: [Self] = []
        var diagnostics: [Diagnostic] = []
        var offset = 0
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            defer { offset += line.utf8.count + 1 }
            let words = line.drop(while: { $0 == " " || $0 == "\t" })
            guard !words.isEmpty else { continue }
            if diagnostics.count >= DocumentLoader.maxReportedErrors {
                diagnostics.append(Diagnostic(.documentTooManyErrors,
                                              "more than \(DocumentLoader.maxReportedErrors) errors; the rest are not reported", at: .none, file: file))
                break
            }
            let location = "line \(firstLine + number)"
            let verbText = words.prefix(while: { $0 != " " && $0 != "\t" && $0 != "{" })
            let start = offset + (line.utf8.count - words.utf8.count)
            guard let verb = Verb(rawValue: String(verbText)) else {
                let range = SourceRange(start, start + max(verbText.utf8.count, 1))
                diagnostics.append(Diagnostic(.invalidWrite, "\(location): expected insert, replace, upsert, update or delete and a JSON object, found '\(verbText)'",
                                              at: range, file: file))
                continue
            }
            let json = words.dropFirst(verbText.count)
            let jsonStart = start + verbText.utf8.count
            switch parse(verb, json: String(json), schema: schema, file: file, location: location) {
            case .success(let write): writes.append(write)
            case .failure(let error):
                diagnostics += error.diagnostics.map { diagnostic in
                    var moved = diagnostic
                    moved.range = SourceRange(diagnostic.range.start + jsonStart, diagnostic.range.end + jsonStart)
                    return moved
                }
            }
        }
        return diagnostics.isEmpty ? .success(writes) : .failure(DocumentError(diagnostics: diagnostics))
    }
}
