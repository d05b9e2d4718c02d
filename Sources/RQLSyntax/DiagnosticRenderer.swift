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

    /// Renders one diagnostic. Text from the input (the message's names, the source line, fix-its)
    /// is printed with its control characters escaped.
    public func render(_ d: Diagnostic, source: [UInt8], fileName: String? = nil) -> String {
        var out = headline(d) + "\n"
        let severityColor = Self.severityColor(d)
        let location = DisplayLocation(of: d.range.start, in: source)
        let name = (d.file ?? fileName).map(ControlCharacters.escaped)
        let gutter = String(repeating: " ", count: String(location.line).count)
        out += gutter + paint("--> ", "34") + (name.map { $0 + ":" } ?? "") + "\(location.line):\(location.column)\n"
        if !source.isEmpty || d.range.start == 0 {
            out += snippet(d.range, at: location, source: source, marker: "^", color: severityColor, gutter: gutter)
        }
        for note in d.notes {
            out += gutter + paint(" = note: ", "1;36") + ControlCharacters.escaped(note.message) + "\n"
            if let range = note.range, range != d.range {
                out += snippet(range, at: DisplayLocation(of: range.start, in: source), source: source, marker: "-", color: "36", gutter: gutter)
            }
        }
        for fix in d.fixIts {
            let replacement = Self.shortened(ControlCharacters.escaped(fix.replacement))
            let verb = fix.replacement.isEmpty ? "remove '\(text(fix.range, source))'"
                : fix.range.isEmpty ? "insert '\(replacement)'" : "replace with '\(replacement)'"
            out += gutter + paint(" = help: ", "1;32") + verb + "\n"
        }
        return out
    }

    /// One scalar of a source line as shown: its byte offset, its text (a control character
    /// escaped) and its width in terminal cells.
    private struct Cell {
        var offset: Int
        var text: String
        var width: Int
    }

    /// The cells of `source[from..<to]`, stopping at a newline, or once they are wider than
    /// `maxWidth` cells. `complete` is false when that width stopped it.
    private static func cells(_ source: [UInt8], from: Int, to: Int, maxWidth: Int = .max) -> (cells: [Cell], complete: Bool) {
        var cells: [Cell] = []
        var width = 0
        var i = from
        while i < to, source[i] != 0x0A {
            if width > maxWidth { return (cells, false) }
            let (scalar, length) = decodeScalar(source, at: i)
            let cell = ControlCharacters.isControl(scalar)
                ? Cell(offset: i, text: ControlCharacters.escape(scalar), width: ControlCharacters.escape(scalar).utf8.count)
                : Cell(offset: i, text: String(Character(scalar)), width: displayWidth(scalar))
            cells.append(cell)
            width += cell.width
            i += length
        }
        return (cells, true)
    }

    /// The first line of a diagnostic alone (`note[RQL3018]: ...`), for one about no text.
    public func headline(_ d: Diagnostic) -> String {
        paint("\(d.severity.rawValue)[\(d.code.rawValue)]", "1;\(Self.severityColor(d))") + paint(": \(ControlCharacters.escaped(d.message))", "1")
    }

    private static func severityColor(_ d: Diagnostic) -> String {
        d.severity == .error ? "31" : d.severity == .warning ? "33" : "36"
    }

    /// The source line holding `range.start` (at `location`), with the range marked underneath.
    /// Only a window of `maxLineWidth` cells around the mark is read, so a diagnostic on a line of
    /// 100 MB costs what one on a short line does (apart from finding the line).
    private func snippet(_ range: SourceRange, at location: DisplayLocation, source: [UInt8], marker: Character,
                         color: String, gutter: String) -> String {
        let start = min(max(location.lineStart, range.start), source.count)
        // Up to maxLineWidth scalars before the mark (at most 4 bytes each), from a scalar boundary.
        var from = max(location.lineStart, start - Self.maxLineWidth * 4)
        while from > location.lineStart, from < start, source[from] & 0xC0 == 0x80 { from += 1 }
        let before = Self.cells(source, from: from, to: start).cells
        let after = Self.cells(source, from: start, to: source.count, maxWidth: Self.maxLineWidth)
        let beforeCut = from > location.lineStart, afterCut = !after.complete
        // Columns, counted from the first cell read, before the mark and under it.
        let beforeWidth = before.reduce(0) { $0 + $1.width }
        let under = max(1, after.cells.prefix { $0.offset < range.end }.reduce(0) { $0 + $1.width })
        let total = beforeWidth + after.cells.reduce(0) { $0 + $1.width }
        var windowStart = 0
        if beforeCut || afterCut || total > Self.maxLineWidth {
            windowStart = max(0, min(beforeWidth - Self.maxLineWidth / 3, total - Self.maxLineWidth))
        }
        let windowEnd = windowStart + Self.maxLineWidth
        let leadingEllipsis = windowStart > 0 || beforeCut
        var line = leadingEllipsis ? "…" : ""
        // Columns shown before the mark: a wide character cut by the window's edge is not shown.
        var pad = leadingEllipsis ? 1 : 0
        var column = 0
        for cell in before + after.cells {
            if column >= windowStart, column + cell.width <= windowEnd {
                line += cell.text
                if cell.offset < start { pad += cell.width }
            }
            column += cell.width
        }
        if total > windowEnd || afterCut { line += "…" }
        let visibleUnder = min(under, max(1, Self.maxLineWidth - (beforeWidth - windowStart)))
        let marks = String(repeating: marker, count: visibleUnder)
        return gutter + " " + paint("|", "34") + "\n"
            + "\(location.line) " + paint("|", "34") + " " + line + "\n"
            + gutter + " " + paint("|", "34") + " " + String(repeating: " ", count: max(0, pad)) + paint(marks, "1;\(color)") + "\n"
    }

    /// At most `maxLineWidth` characters of `s`, then "…".
    private static func shortened(_ s: String) -> String {
        s.count > maxLineWidth ? String(s.prefix(maxLineWidth)) + "…" : s
    }

    private func paint(_ s: String, _ code: String) -> String {
        useColor ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }

    /// The source text of `range`, shortened and with control characters escaped.
    private func text(_ range: SourceRange, _ source: [UInt8]) -> String {
        let end = min(range.end, source.count), start = min(range.start, end)
        // Four bytes a character at most: enough to fill maxLineWidth characters and see there is more.
        let shownEnd = min(end, start + (Self.maxLineWidth + 1) * 4)
        let text = Self.shortened(ControlCharacters.escaped(String(decoding: source[start..<shownEnd], as: UTF8.self)))
        return shownEnd < end && !text.hasSuffix("…") ? text + "…" : text
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
