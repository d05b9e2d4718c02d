import Foundation
import RQL

/// Matching documents as a table (aligned columns, long values cut, fitted to a width), a list of
/// `name = value` blocks, CSV, a Markdown table, Extended JSON lines, or just a count.
public enum ResultPrinter {
    /// The widest a table cell gets before it is cut with "…".
    public static let maxCellWidth = 28
    /// The narrowest a table column is squeezed to fit a width: a narrower cell says too little.
    public static let minCellWidth = 8
    /// Between the columns of a table.
    static let columnGap = "  "

    /// How matches are laid out: the shell's settings that shape the text.
    public struct Layout: Sendable {
        public var mode: Shell.Mode
        /// Column names above table and CSV rows (a Markdown table always has them: it is no
        /// table without), and the table's "(N rows)" footer.
        public var headers = true
        /// Rows shown by the table, list and Markdown modes before saying how many more; nil: all.
        /// CSV and JSON are for other programs, so they always get every row.
        public var rowLimit: Int?
        /// The positions of the properties shown, in order; nil: all of the collection's.
        public var columns: [Int]?
        /// The width a table fits (a terminal's); nil: unlimited.
        public var width: Int?

        public init(mode: Shell.Mode, headers: Bool = true, rowLimit: Int? = nil, columns: [Int]? = nil, width: Int? = nil) {
            self.mode = mode
            self.headers = headers
            self.rowLimit = rowLimit
            self.columns = columns
            self.width = width
        }
    }

    public static func render(_ documents: [Document], collection: ObjectSchema, layout: Layout) -> String {
        let shown = layout.columns ?? Array(collection.properties.indices)
        let names = shown.map { ControlCharacters.escaped(collection.properties[$0].name) }
        // The rows the limit lets through, made only by the modes that show them.
        func limitedRows() -> [[Value]] { documents.prefix(layout.rowLimit ?? documents.count).map { d in shown.map { d.values[$0] } } }
        switch layout.mode {
        case .count:
            return "\(documents.count)"
        case .json:
            return documents.map { d in
                "{" + shown.map { ControlCharacters.jsonQuoted(collection.properties[$0].name) + ": " + json(d.values[$0]) }.joined(separator: ", ") + "}"
            }.joined(separator: "\n")
        case .list:
            let rows = limitedRows()
            return list(rows, names: names) + more(documents.count, shown: rows.count)
        case .csv:
            let lines = documents.map { d in shown.map { csvField(d.values[$0]) }.joined(separator: ",") }
            return ((layout.headers ? [names.map(csvQuoted).joined(separator: ",")] : []) + lines).joined(separator: "\n")
        case .markdown:
            let rows = limitedRows()
            return markdown(rows, names: names) + (rows.count < documents.count ? "\n" + more(documents.count, shown: rows.count) : "")
        case .table, .auto:
            if documents.isEmpty { return "(no matches)" }
            let rows = limitedRows()
            let cells = rows.map { $0.map(text) }
            var widths = names.map { min(displayWidth($0), maxCellWidth) }
            for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], min(displayWidth(cell), maxCellWidth)) } }
            let fitted = layout.width.map { fit(widths, into: $0) } ?? widths
            if fitted == nil, layout.mode == .auto { return list(rows, names: names) + more(documents.count, shown: rows.count) }
            return table(cells, names: layout.headers ? names : nil, widths: fitted ?? widths.map { min($0, minCellWidth) })
                + footer(documents.count, shown: rows.count, headers: layout.headers)
        }
    }

    // MARK: - Tables

    /// Column widths that fit `width` with the gaps between them: the widest columns are narrowed
    /// first, none below `minCellWidth`; nil when even that is too wide.
    static func fit(_ widths: [Int], into width: Int) -> [Int]? {
        let room = width - columnGap.count * (widths.count - 1)
        if widths.reduce(0, +) <= room { return widths }
        guard widths.map({ min($0, minCellWidth) }).reduce(0, +) <= room else { return nil }
        // The widest every column may be, then what is left over for the first columns it cut.
        var cap = minCellWidth
        while widths.map({ min($0, cap + 1) }).reduce(0, +) <= room { cap += 1 }
        var fitted = widths.map { min($0, cap) }
        var spare = room - fitted.reduce(0, +)
        for i in fitted.indices where spare > 0 && fitted[i] < widths[i] {
            fitted[i] += 1
            spare -= 1
        }
        return fitted
    }

    private static func table(_ cells: [[String]], names: [String]?, widths: [Int]) -> String {
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { cell, width in
                let shown = cut(cell, to: width)
                return shown + String(repeating: " ", count: max(0, width - displayWidth(shown)))
            }.joined(separator: columnGap).trimmingCharacters(in: .whitespaces)
        }
        var lines: [String] = []
        if let names { lines = [line(names), widths.map { String(repeating: "-", count: $0) }.joined(separator: columnGap)] }
        return (lines + cells.map(line)).joined(separator: "\n")
    }

    /// psql's "(3 rows)" under a table with headers; without them, only the rows cut off.
    private static func footer(_ count: Int, shown: Int, headers: Bool) -> String {
        guard headers else { return more(count, shown: shown) }
        let rows = count == 1 ? "1 row" : "\(count) rows"
        return shown < count ? "\n(\(shown) of \(rows); .limit 0 shows all)" : "\n(\(rows))"
    }

    private static func more(_ count: Int, shown: Int) -> String {
        count > shown ? "\n... \(count - shown) more (\(count) matches; .limit 0 shows all)" : ""
    }

    /// `s` in at most `width` columns: when it is wider, what fits and "…".
    static func cut(_ s: String, to width: Int) -> String {
        guard displayWidth(s) > width else { return s }
        var kept = ""
        var used = 0
        for character in s {
            let w = displayWidth(String(character))
            if used + w > width - 1 { break }
            kept.append(character)
            used += w
        }
        return kept + "…"
    }

    static func displayWidth(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + DiagnosticRenderer.displayWidth($1) }
    }

    // MARK: - List, Markdown, CSV

    private static func list(_ rows: [[Value]], names: [String]) -> String {
        let width = names.map(\.count).max() ?? 0
        return rows.map { values in
            zip(names, values).map { $0.padding(toLength: width, withPad: " ", startingAt: 0) + " = " + text($1) }.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }

    /// A pipe table; `|` in a cell is escaped, and the columns are aligned for reading the text.
    private static func markdown(_ rows: [[Value]], names: [String]) -> String {
        let escape = { (s: String) in s.replacingOccurrences(of: "|", with: "\\|") }
        let header = names.map(escape)
        let cells = rows.map { $0.map { escape(text($0)) } }
        var widths = header.map(displayWidth)
        for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], displayWidth(cell)) } }
        func line(_ cells: [String]) -> String {
            "| " + zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - displayWidth($0)) }.joined(separator: " | ") + " |"
        }
        let rule = "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"
        return ([line(header), rule] + cells.map(line)).joined(separator: "\n")
    }

    /// A CSV field: null is empty and an empty string `""`, as psql writes them. Line feeds are
    /// kept (quoted, as RFC 4180 allows); other control characters are escaped as in every mode.
    static func csvField(_ v: Value) -> String {
        switch v {
        case .null: return ""
        case .string(let s):
            let kept = s.split(separator: "\n", omittingEmptySubsequences: false).map { ControlCharacters.escaped(String($0)) }
            return s.isEmpty ? "\"\"" : csvQuoted(kept.joined(separator: "\n"))
        default: return csvQuoted(text(v))
        }
    }

    /// RFC 4180: a field with a comma, a quote or a line break goes in quotes, its quotes doubled.
    static func csvQuoted(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - Values

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

    /// Relaxed Extended JSON.
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
