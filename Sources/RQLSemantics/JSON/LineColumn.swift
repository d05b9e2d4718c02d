/// A 1-based line and column in a text, for messages about files ("line 3, column 14"). The
/// diagnostic renderer uses `DisplayLocation`, whose columns are terminal cells.
///
/// Lines end at `\n` (so `\r\n` works too). The column counts Unicode scalars, not bytes, so it
/// matches what an editor shows for text without combining characters or wide glyphs.
package struct LineColumn: Hashable, Sendable, CustomStringConvertible {
    /// The line, starting at 1.
    package var line: Int
    /// The column, starting at 1.
    package var column: Int

    /// A position given directly.
    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The position of a UTF-8 byte offset in `text`. Offsets past the end are clamped to the end.
    package init(offset: Int, in text: String) {
        self.init(offset: offset, inUTF8: Array(text.utf8))
    }

    /// The position of a byte offset in UTF-8 `bytes`. Offsets past the end are clamped to the end.
    package init(offset: Int, inUTF8 bytes: [UInt8]) {
        let end = Swift.max(0, Swift.min(offset, bytes.count))
        var line = 1
        var column = 1
        var index = 0
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0b1100_0000 != 0b1000_0000 {
                // Continuation bytes belong to the scalar already counted.
                column += 1
            }
            index += 1
        }
        self.init(line: line, column: column)
    }

    /// `line:column`, the form compilers print.
    package var description: String { "\(line):\(column)" }
}
