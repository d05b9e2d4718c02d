#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Renders diagnostics for people: the message, the line of the query with the range underlined
/// (by display width, so CJK and emoji line up), then notes and fix-its.
///
/// ```
/// error[RQL1102]: expected a value after '==', found end of query
///  --> 1:8
///   |
/// 1 | age ==
///   |       ^
/// ```
/// One renderer serves the CLI, the REPL and the corpus runner.
public struct DiagnosticRenderer: Sendable {
    /// Use ANSI colours.
    public var useColor: Bool
    /// The widest slice of a source line shown; longer lines are cut around the range.
    public static let maxLineWidth = 100

    public init(useColor: Bool = false) { self.useColor = useColor }

    /// Colour only when `fd` is a terminal and `NO_COLOR` is not set (https://no-color.org).
    public static func colorAllowed(fileDescriptor fd: Int32) -> Bool {
        if let value = getenv("NO_COLOR"), value.pointee != 0 { return false }
        return isatty(fd) == 1
    }

    /// Renders all diagnostics about one source text.
    public func render(_ diagnostics: [Diagnostic], source: [UInt8], fileName: String? = nil) -> String {
        diagnostics.map { render($0, source: source, fileName: fileName) }.joined(separator: "\n")
    }

    public func render(_ diagnostics: [Diagnostic], source: String, fileName: String? = nil) -> String {
        render(diagnostics, source: Array(source.utf8), fileName: fileName)
    }

    /// Renders one diagnostic.
    public func render(_ d: Diagnostic, source: [UInt8], fileName: String? = nil) -> String {
        let severityColor = d.severity == .error ? "31" : d.severity == .warning ? "33" : "36"
        var out = paint("\(d.severity.rawValue)[\(d.code.rawValue)]", "1;\(severityColor)") + paint(": \(d.message)", "1") + "\n"
        let location = DisplayLocation(of: d.range.start, in: source)
        let name = d.file ?? fileName
        let gutter = String(repeating: " ", count: String(location.line).count)
        out += gutter + paint("--> ", "34") + (name.map { $0 + ":" } ?? "") + "\(location.line):\(location.column)\n"
        if !source.isEmpty || d.range.start == 0 {
            out += snippet(d.range, source: source, marker: "^", color: severityColor, gutter: gutter)
        }
        for note in d.notes {
            if let range = note.range, range != d.range {
                out += gutter + paint(" = note: ", "1;36") + note.message + "\n"
                out += snippet(range, source: source, marker: "-", color: "36", gutter: gutter)
            } else {
                out += gutter + paint(" = note: ", "1;36") + note.message + "\n"
            }
        }
        for fix in d.fixIts {
            let verb = fix.replacement.isEmpty ? "remove '\(text(fix.range, source))'"
                : fix.range.isEmpty ? "insert '\(fix.replacement)'" : "replace with '\(fix.replacement)'"
            out += gutter + paint(" = help: ", "1;32") + verb + "\n"
        }
        return out
    }

    /// The source line holding `range.start`, with the range marked underneath.
    private func snippet(_ range: SourceRange, source: [UInt8], marker: Character, color: String, gutter: String) -> String {
        let location = DisplayLocation(of: range.start, in: source)
        var lineEnd = location.lineStart
        while lineEnd < source.count, source[lineEnd] != 0x0A { lineEnd += 1 }
        let markEnd = max(min(range.end, lineEnd), range.start)
        // Display cells of each scalar on the line, with its byte offset.
        var cells: [(offset: Int, text: String, width: Int)] = []
        var i = location.lineStart
        while i < lineEnd {
            let (scalar, length) = Self.decodeScalar(source, at: i)
            let shown: String
            let width: Int
            if scalar.value < 0x20 || scalar.value == 0x7F {
                shown = " "
                width = 1
            } else {
                shown = String(Character(scalar))
                width = Self.displayWidth(scalar)
            }
            cells.append((i, shown, width))
            i += length
        }
        // Columns before the mark and under it.
        var before = 0, under = 0
        for cell in cells {
            if cell.offset < range.start { before += cell.width } else if cell.offset < markEnd { under += cell.width }
        }
        under = max(under, 1)
        // Cut long lines to a window around the mark.
        let total = cells.reduce(0) { $0 + $1.width }
        var windowStart = 0
        if total > Self.maxLineWidth { windowStart = max(0, min(before - Self.maxLineWidth / 3, total - Self.maxLineWidth)) }
        let windowEnd = windowStart + Self.maxLineWidth
        var line = windowStart > 0 ? "…" : ""
        var column = 0
        for cell in cells {
            if column >= windowStart, column + cell.width <= windowEnd { line += cell.text }
            column += cell.width
        }
        if total > windowEnd { line += "…" }
        let pad = before - windowStart + (windowStart > 0 ? 1 : 0)
        let visibleUnder = min(under, max(1, Self.maxLineWidth - (before - windowStart)))
        let marks = String(repeating: marker, count: visibleUnder)
        return gutter + " " + paint("|", "34") + "\n"
            + "\(location.line) " + paint("|", "34") + " " + line + "\n"
            + gutter + " " + paint("|", "34") + " " + String(repeating: " ", count: max(0, pad)) + paint(marks, "1;\(color)") + "\n"
    }

    private func paint(_ s: String, _ code: String) -> String {
        useColor ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }

    private func text(_ range: SourceRange, _ source: [UInt8]) -> String {
        let end = min(range.end, source.count), start = min(range.start, end)
        return String(decoding: source[start..<end], as: UTF8.self)
    }

    /// The scalar at `i` and its length in bytes; an invalid byte reads as U+FFFD.
    static func decodeScalar(_ s: [UInt8], at i: Int) -> (Unicode.Scalar, Int) {
        if s[i] < 0x80 { return (Unicode.Scalar(s[i]), 1) }
        guard let n = Lexer.utf8SequenceLength(s, at: i) else { return ("\u{FFFD}", 1) }
        let scalar = String(decoding: s[i..<(i + n)], as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
        return (scalar, n)
    }

    /// Terminal columns a scalar takes: 0 for combining marks, 2 for East Asian wide characters
    /// and emoji, 1 otherwise.
    public static func displayWidth(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F { return 1 }  // printable ASCII: no property lookups
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0xFE00...0xFE0F).contains(v) || v == 0x200D { return 0 }
        if scalar.properties.isEmojiPresentation { return 2 }
        return wideRanges.contains { $0.contains(v) } ? 2 : 1
    }

    /// East Asian wide and fullwidth blocks: two terminal columns each.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}

/// A 1-based line and column (in terminal cells, for carets) for a byte offset. `LineColumn` counts
/// columns in Unicode scalars instead, for messages.
public struct DisplayLocation: Hashable, Sendable {
    public var line: Int
    public var column: Int
    /// Byte offset where the line starts.
    public var lineStart: Int

    public init(of offset: Int, in source: [UInt8]) {
        let offset = min(max(0, offset), source.count)
        var line = 1, lineStart = 0
        for i in 0..<offset where source[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        var column = 1, i = lineStart
        while i < offset {
            let (scalar, length) = DiagnosticRenderer.decodeScalar(source, at: i)
            column += DiagnosticRenderer.displayWidth(scalar)
            i += length
        }
        self.line = line
        self.column = column
        self.lineStart = lineStart
    }
}
