/// How bad a diagnostic is.
public enum Severity: String, Sendable, Comparable {
    case note, warning, error

    public static func < (a: Severity, b: Severity) -> Bool {
        let order: [Severity] = [.note, .warning, .error]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

/// A suggested edit: replace `range` of the source with `replacement`.
public struct FixIt: Hashable, Sendable {
    public var range: SourceRange
    public var replacement: String
    public init(range: SourceRange, replacement: String) {
        self.range = range
        self.replacement = replacement
    }
}

/// A secondary message attached to a diagnostic, optionally pointing somewhere else.
public struct DiagnosticNote: Hashable, Sendable {
    public var message: String
    public var range: SourceRange?
    public init(_ message: String, range: SourceRange? = nil) {
        self.message = message
        self.range = range
    }
}

/// One problem found in a query, schema, config or document.
///
/// Diagnostics are values: stages collect them instead of throwing, so one query can report
/// several problems. `code` is stable across releases (tests and tools may match on it);
/// `message` is for people: lowercase, no trailing period, user text in single quotes.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public var code: DiagnosticCode
    public var severity: Severity
    public var message: String
    public var range: SourceRange
    public var notes: [DiagnosticNote]
    public var fixIts: [FixIt]
    /// The file the range points into, when the diagnostic is about a file rather than a query.
    public var file: String?

    public init(_ code: DiagnosticCode, _ message: String, at range: SourceRange,
                severity: Severity? = nil, notes: [DiagnosticNote] = [], fixIts: [FixIt] = [],
                file: String? = nil) {
        self.code = code
        self.severity = severity ?? code.defaultSeverity
        self.message = message
        self.range = range
        self.notes = notes
        self.fixIts = fixIts
        self.file = file
    }

    /// The error class of the corpus format (`syntax`, `type`, ...).
    public var kind: DiagnosticKind { code.kind }

    public var description: String {
        "\(severity.rawValue)[\(code.rawValue)] \(range): \(message)"
    }
}

extension Array where Element == Diagnostic {
    /// True when at least one diagnostic is an error (warnings and notes do not count).
    public var hasErrors: Bool { contains { $0.severity == .error } }
    /// Only the errors.
    public var errors: [Diagnostic] { filter { $0.severity == .error } }

    /// The error that decides the query's fate (the corpus's `error <kind>`): the first syntax
    /// error, else the first `unsupported` one (a query that uses links is unsupported whatever
    /// else is wrong with it), else the first error.
    public var primaryError: Diagnostic? {
        let errors = self.errors
        return errors.first { $0.kind == .syntax } ?? errors.first { $0.kind == .unsupported } ?? errors.first
    }

    /// In source order (stable for equal positions), at most `Limits.maxDiagnostics` of them plus
    /// one line saying how many more there were: what every stage reports, so that a query with
    /// thousands of mistakes costs no more to read or render than one with twenty.
    public func sortedAndCapped() -> [Diagnostic] {
        var sorted = enumerated().sorted {
            ($0.element.range.start, $0.offset) < ($1.element.range.start, $1.offset)
        }.map(\.element).filter { $0.code != .tooManyErrors }
        guard sorted.count > Limits.maxDiagnostics else { return sorted }
        let dropped = sorted.count - Limits.maxDiagnostics
        let at = sorted[Limits.maxDiagnostics].range
        sorted.removeLast(dropped)
        sorted.append(Diagnostic(.tooManyErrors, "\(dropped) more errors not shown", at: at))
        return sorted
    }
}
