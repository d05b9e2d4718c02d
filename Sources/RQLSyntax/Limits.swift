/// Every limit the front end enforces, in one place.
public enum Limits {
    /// The largest subscription query Flexible Sync accepts (the server's `LimitsExceeded`). It is
    /// the bound on everything a client sends in a query (list literals, IN lists, nesting runs):
    /// every stage must handle any query of this size in bounded time and stack.
    public static let maxSubscriptionBytes = 256 * 1024
    /// Deepest nesting of parentheses, NOT and arithmetic the parser accepts. realm-core's bison
    /// parser accepts about 5,000 before its stack runs out; every stage after ours recurses over
    /// the tree (destroying it too), and all of them must fit a 512 KiB server thread's stack in
    /// a debug build (`HostileQueryTests`). cel-go stops at 250 and SQLite at 1,000.
    public static let maxNestingDepth = 128
    /// Diagnostics reported for one query before the rest are summarised in one line.
    public static let maxDiagnostics = 20
}
