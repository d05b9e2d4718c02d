/// The error classes of the corpus format (`error <kind>` in a `.rqlt` file).
public enum DiagnosticKind: String, Sendable, CaseIterable {
    /// The lexer or parser rejected the text.
    case syntax
    /// No such collection or property.
    case unknown
    /// Operands or operator do not fit the types.
    case type
    /// A missing argument, or a list where a scalar is needed (or the reverse).
    case args
    /// Valid RQL that this toolkit (or Flexible Sync) does not support.
    case unsupported
    /// A field that is not queryable, or a query on an asymmetric collection.
    case notQueryable = "not-queryable"
    /// A subscription over the size limit.
    case limit
    /// A bad schema, sync config or document.
    case schema
    /// Advice that does not reject anything.
    case warning
}

/// The catalogue of every diagnostic RQLKit can report: one case per message shape.
///
/// The raw value is the stable id shown to users and matched by tests. `info` is the single table
/// of kind, default severity and a one-line summary (used by `rql explain --codes` and the docs).
public enum DiagnosticCode: String, Sendable, CaseIterable {
    // Lexer
    case invalidCharacter = "RQL1001"
    case invalidUTF8 = "RQL1002"
    case unterminatedString = "RQL1003"
    case invalidEscape = "RQL1004"
    case invalidTimestamp = "RQL1005"
    case invalidInteger = "RQL1006"
    // Parser
    case emptyQuery = "RQL1101"
    case expectedValue = "RQL1102"
    case expectedPredicate = "RQL1103"
    case expectedOperator = "RQL1104"
    case expectedToken = "RQL1105"
    case unexpectedToken = "RQL1106"
    case unbalancedParenthesis = "RQL1107"
    case nestingTooDeep = "RQL1108"
    case chainedComparison = "RQL1109"
    case invalidOperand = "RQL1110"
    case misplacedQuantifier = "RQL1111"
    case invalidCaseModifier = "RQL1112"
    case invalidPath = "RQL1113"
    case invalidSuffix = "RQL1114"
    case tooManyErrors = "RQL1199"

    /// Kind, severity and summary of one code.
    public struct Info: Sendable {
        public var kind: DiagnosticKind
        public var severity: Severity
        public var summary: String
    }

    public var info: Info {
        switch self {
        case .invalidCharacter: Info(kind: .syntax, severity: .error, summary: "a character that starts no token")
        case .invalidUTF8: Info(kind: .syntax, severity: .error, summary: "bytes that are not valid UTF-8")
        case .unterminatedString: Info(kind: .syntax, severity: .error, summary: "a string literal without its closing quote")
        case .invalidEscape: Info(kind: .syntax, severity: .error, summary: "an escape other than \\\" \\' \\\\ \\/ \\b \\f \\n \\r \\t \\0 \\uXXXX")
        case .invalidTimestamp: Info(kind: .syntax, severity: .error, summary: "a timestamp literal whose parts do not fit together")
        case .invalidInteger: Info(kind: .syntax, severity: .error, summary: "an integer literal that is malformed")
        case .emptyQuery: Info(kind: .syntax, severity: .error, summary: "a query with no predicate")
        case .expectedValue: Info(kind: .syntax, severity: .error, summary: "a value (property, literal, argument or list) is missing")
        case .expectedPredicate: Info(kind: .syntax, severity: .error, summary: "a predicate (comparison, TRUEPREDICATE, FALSEPREDICATE) is missing")
        case .expectedOperator: Info(kind: .syntax, severity: .error, summary: "a comparison operator is missing after a value")
        case .expectedToken: Info(kind: .syntax, severity: .error, summary: "a specific token is missing")
        case .unexpectedToken: Info(kind: .syntax, severity: .error, summary: "a token that cannot appear here")
        case .unbalancedParenthesis: Info(kind: .syntax, severity: .error, summary: "a parenthesis, brace or bracket without its partner")
        case .nestingTooDeep: Info(kind: .syntax, severity: .error, summary: "nesting deeper than Limits.maxNestingDepth")
        case .chainedComparison: Info(kind: .syntax, severity: .error, summary: "two comparison operators in a row (a == b == c)")
        case .invalidOperand: Info(kind: .syntax, severity: .error, summary: "an operand the operator does not take (arithmetic or parentheses where RQL wants a plain value)")
        case .misplacedQuantifier: Info(kind: .syntax, severity: .error, summary: "ANY/ALL/NONE before something other than a key path, list or argument")
        case .invalidCaseModifier: Info(kind: .syntax, severity: .error, summary: "[c] after an operator that does not take it")
        case .invalidPath: Info(kind: .syntax, severity: .error, summary: "a malformed key path")
        case .invalidSuffix: Info(kind: .syntax, severity: .error, summary: "a malformed SORT, DISTINCT or LIMIT clause")
        case .tooManyErrors: Info(kind: .syntax, severity: .error, summary: "more errors than Limits.maxDiagnostics; the rest are not reported")
        }
    }

    public var kind: DiagnosticKind { info.kind }
    public var defaultSeverity: Severity { info.severity }
}
