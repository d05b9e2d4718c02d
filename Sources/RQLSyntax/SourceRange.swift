/// A half-open range of UTF-8 byte offsets into a query's source text.
///
/// Every token and AST node carries one, so that any later stage (checker, Flexible Sync
/// validation) can point its diagnostics at the exact characters.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    @inlinable public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }

    /// The empty range at offset 0, used by nodes that were not parsed from text.
    public static let none = SourceRange(0, 0)

    @inlinable public var count: Int { end - start }
    @inlinable public var isEmpty: Bool { start == end }

    /// The smallest range covering both.
    @inlinable public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(Swift.min(start, other.start), Swift.max(end, other.end))
    }

    public var description: String { "\(start)..<\(end)" }
}
