import Foundation
import RQL

/// Diagnostics as JSON for editors and CI (`rql check --json`): one object per diagnostic with
/// its code, severity, byte range, line and column (1-based; the column counts display cells,
/// as the caret does), message, notes and fix-its.
enum DiagnosticJSON {
    struct Entry: Encodable {
        struct Range: Encodable { let start: Int, end: Int }
        struct Note: Encodable { let message: String, range: Range? }
        struct FixIt: Encodable { let range: Range, replacement: String }
        let code: String, severity: String, range: Range, line: Int, column: Int, message: String
        let notes: [Note], fixIts: [FixIt]
    }

    static func encode(_ diagnostics: [Diagnostic], source: String) -> String {
        let bytes = Array(source.utf8)
        let entries = diagnostics.map { d in
            let location = DisplayLocation(of: d.range.start, in: bytes)
            return Entry(code: d.code.rawValue, severity: d.severity.rawValue, range: .init(start: d.range.start, end: d.range.end),
                         line: location.line, column: location.column, message: d.message,
                         notes: d.notes.map { .init(message: $0.message, range: $0.range.map { .init(start: $0.start, end: $0.end) }) },
                         fixIts: d.fixIts.map { .init(range: .init(start: $0.range.start, end: $0.range.end), replacement: $0.replacement) })
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(entries)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
