import RQL

/// Checked queries as PostgreSQL conditions with realm-core's answers.
public enum SQLTranslator {
    /// The condition for `query` (checked, and optimized or not), or the construct it cannot express.
    public static func translate(_ query: CheckedQuery) throws(UnsupportedInSQL) -> SQLQuery {
        throw UnsupportedInSQL("every query: the translator is not written yet")
    }
}
