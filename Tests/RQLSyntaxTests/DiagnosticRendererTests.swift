import Foundation
import Testing
import RQLSyntax

/// The caret rendering: exact on short lines, a bounded window on long ones, control characters
/// escaped.
@Suite struct DiagnosticRendererTests {
    static func render(_ source: String, _ range: SourceRange, message: String = "bad") -> String {
        DiagnosticRenderer().render(Diagnostic(.unexpectedToken, message, at: range), source: Array(source.utf8))
    }

    /// The source line and the caret line of a rendering.
    static func snippet(_ rendered: String) -> (line: String, marks: String) {
        let lines = rendered.components(separatedBy: "\n")
        return (String(lines[3].drop { $0 != "|" }.dropFirst(2)), String(lines[4].drop { $0 != "|" }.dropFirst(2)))
    }

    @Test func aShortLineIsShownWhole() {
        #expect(Self.render("age == 'x' AND", SourceRange(7, 10)) == """
            error[RQL1106]: bad
             --> 1:8
              |
            1 | age == 'x' AND
              |        ^^^

            """)
    }

    @Test func aLongLineIsCutToAWindowAroundTheMark() {
        let source = String(repeating: "a", count: 5_000) + "XYZ" + String(repeating: "b", count: 5_000)
        let (line, marks) = Self.snippet(Self.render(source, SourceRange(5_000, 5_003)))
        #expect(line.hasPrefix("…a") && line.hasSuffix("b…"))
        #expect(line.count == DiagnosticRenderer.maxLineWidth + 2)
        let caret = marks.prefix { $0 == " " }.count
        #expect(Array(line)[caret..<(caret + 3)] == ["X", "Y", "Z"])
        #expect(marks.hasSuffix("^^^"))
    }

    @Test func aMarkNearTheEndOfALongLineShowsTheEnd() {
        let source = String(repeating: "a", count: 5_000) + "XYZ"
        let (line, marks) = Self.snippet(Self.render(source, SourceRange(5_000, 5_003)))
        #expect(line == "…" + String(repeating: "a", count: DiagnosticRenderer.maxLineWidth - 3) + "XYZ")
        #expect(marks == String(repeating: " ", count: DiagnosticRenderer.maxLineWidth - 2) + "^^^")
    }

    /// The window's left edge can fall inside a wide character, which is then not shown.
    @Test func wideCharactersBeforeTheMarkKeepTheCaretAligned() {
        let source = String(repeating: "漢", count: 300) + "!" + String(repeating: "字", count: 300)
        let start = 300 * 3
        let (line, marks) = Self.snippet(Self.render(source, SourceRange(start, start + 1)))
        let columnsBefore = line.prefix { $0 != "!" }.unicodeScalars.reduce(0) { $0 + DiagnosticRenderer.displayWidth($1) }
        #expect(marks == String(repeating: " ", count: columnsBefore) + "^")
    }

    /// A 100 MB document line with one bad field took 15 s and 4.5 GB: every scalar of the line was
    /// made a cell before the window was cut. 32 MB with the mark near its start now reads about
    /// 100 cells.
    @Test func aHugeLineCostsWhatAShortOneDoes() {
        var source = Array("owner == 1 AND ".utf8)
        source += Array(repeating: UInt8(ascii: "x"), count: 32 << 20)
        let rendered = DiagnosticRenderer().render(Diagnostic(.unexpectedToken, "bad", at: SourceRange(9, 10)), source: source)
        #expect(rendered.utf8.count < 400)
        #expect(Self.snippet(rendered).line == "owner == 1 AND " + String(repeating: "x", count: DiagnosticRenderer.maxLineWidth - 15) + "…")
    }

    @Test func controlCharactersAreEscapedInTheLineAndTheMessage() {
        let source = "title == 'a\u{1B}[2Jb' AND \u{0}x"
        let rendered = Self.render(source, SourceRange(22, 23), message: "no property '\u{1B}]0;pwned\u{07}'")
        #expect(!rendered.unicodeScalars.contains { ControlCharacters.isControl($0) && $0 != "\n" })
        #expect(rendered.contains(#"error[RQL1106]: no property '\u001B]0;pwned\u0007'"#))
        let (line, marks) = Self.snippet(rendered)
        #expect(line == #"title == 'a\u001B[2Jb' AND \u0000x"#)
        #expect(marks == String(repeating: " ", count: 27) + "^^^^^^")
    }
}
