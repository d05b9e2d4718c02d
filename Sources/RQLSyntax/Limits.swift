/// Every limit the front end enforces, in one place.
public enum Limits {
    /// Deepest nesting of parentheses, NOT and arithmetic the parser accepts. realm-core's bison
    /// parser accepts about 5,000 before its stack runs out; every stage after ours recurses over
    /// the tree, so we stop well before any thread's stack could.
    public static let maxNestingDepth = 1_000
    /// Diagnostics reported for one query before the rest are summarised in one line.
    public static let maxDiagnostics = 20
}
