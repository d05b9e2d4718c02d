import Foundation
import RQL

/// Matching documents as a table (aligned columns, long values cut), a list of `name: value`
/// blocks, Extended JSON lines, or just a count.
public enum ResultPrinter {
    /// The widest a table cell gets before it is cut with "…".
    public static let maxCellWidth = 28

    public static func render(_ documents: [Document], collection: ObjectSchema, mode: Shell.Mode, maxRows: Int) -> String {
        switch mode {
        case .count:
            return "\(documents.count)"
        case .json:
            return documents.map { json($0, collection) }.joined(separator: "\n")
        case .list:
            var blocks: [String] = []
            for d in documents.prefix(maxRows) {
                let names = collection.properties.map { ControlCharacters.escaped($0.name) }
                let width = names.map(\.count).max() ?? 0
                blocks.append(zip(names, d.values).map {
                    $0.padding(toLength: width, withPad: " ", startingAt: 0) + " = " + text($1)
                }.joined(separator: "\n"))
            }
            return blocks.joined(separator: "\n\n") + more(documents.count, maxRows)
        case .table:
            if documents.isEmpty { return "(no matches)" }
            let header = collection.properties.map { ControlCharacters.escaped($0.name) }
            let rows = documents.prefix(maxRows).map { $0.values.map { cut(text($0)) } }
            var widths = header.map { displayWidth($0) }
            for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], displayWidth(cell)) } }
            func line(_ cells: [String]) -> String {
                zip(cells, widths).map { $0 + String(repeating: " ", count: max(0, $1 - displayWidth($0))) }.joined(separator: "  ")
                    .trimmingCharacters(in: .whitespaces)
            }
            var out = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
            out += rows.map(line)
            return out.joined(separator: "\n") + more(documents.count, maxRows)
        }
    }

    private static func more(_ count: Int, _ shown: Int) -> String {
        count > shown ? "\n... \(count - shown) more (\(count) matches; .mode count or .mode json for all)" : ""
    }

    private static func cut(_ s: String) -> String {
        guard s.count > maxCellWidth else { return s }
        return String(s.prefix(maxCellWidth - 1)) + "…"
    }

    static func displayWidth(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + DiagnosticRenderer.displayWidth($1) }
    }

    /// A value for reading: strings as they are (control characters escaped), dates in ISO 8601.
    public static func text(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .string(let s):
            return ControlCharacters.escaped(s)
        case .timestamp(let t): return ExtendedJSON.iso8601(t)
        case .objectId(let o): return o.hex
        case .uuid(let u): return u.text
        case .list(let items): return "[" + items.map(text).joined(separator: ", ") + "]"
        case .double(let d): return d.isNaN ? "NaN" : "\(d)"
        default: return CheckedDump.literal(v)
        }
    }

    /// Relaxed Extended JSON, one document per line.
    static func json(_ d: Document, _ c: ObjectSchema) -> String {
        "{" + zip(c.properties, d.values).map { ControlCharacters.jsonQuoted($0.name) + ": " + json($1) }.joined(separator: ", ") + "}"
    }

    static func json(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? "\(d)" : "{\"$numberDouble\": \"\(d.isNaN ? "NaN" : d > 0 ? "Infinity" : "-Infinity")\"}"
        case .decimal(let d): return "{\"$numberDecimal\": \"\(d)\"}"
        case .string(let s): return ControlCharacters.jsonQuoted(s)
        case .binary(let b): return "{\"$binary\": {\"base64\": \"\(Base64.encode(b))\", \"subType\": \"00\"}}"
        case .timestamp(let t): return ExtendedJSON.date(t)
        case .objectId(let o): return "{\"$oid\": \"\(o.hex)\"}"
        case .uuid(let u): return "{\"$uuid\": \"\(u.text)\"}"
        case .list(let items): return "[" + items.map(json).joined(separator: ", ") + "]"
        }
    }
}
