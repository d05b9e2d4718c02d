/// Field names App Services refuses for synced schemas and queryable fields, because the RQL
/// lexer would read them as keywords (RQL reference §2.2, mirroring the lexer's case rules).
package enum ReservedNames {
    /// Reserved with any capitalization (`Limit`, `LIMIT` and `limit` are all refused).
    package static let anyCase: [String] = [
        "and", "asc", "ascending", "beginswith", "between", "contains", "desc", "descending", "distinct",
        "endswith", "falsepredicate", "inf", "infinity", "like", "limit", "nan", "nil", "null", "or", "sort",
        "subquery", "truepredicate",
    ]

    /// Reserved only with exactly this capitalization (`True` and `tRUE` are allowed).
    package static let exactCase: [String] = [
        "ALL", "ANY", "B64", "FALSE", "IN", "NONE", "NOT", "SOME", "TRUE",
        "all", "any", "false", "in", "none", "not", "oid", "some", "true", "uuid",
    ]

    private static let anyCaseSet = Set(anyCase)
    private static let exactCaseSet = Set(exactCase)

    /// How a name is reserved.
    package enum Reservation: Sendable, Equatable {
        /// Reserved in every capitalization.
        case anyCase
        /// Reserved in exactly this capitalization.
        case exactCase
    }

    /// Whether `name` is reserved, and how.
    package static func reservation(of name: String) -> Reservation? {
        if exactCaseSet.contains(name) { return .exactCase }
        // The RQL lexer folds ASCII letters only, so fold the same way (not Unicode lowercasing,
        // which would map e.g. the Kelvin sign to 'k').
        let folded = String(decoding: name.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
        return anyCaseSet.contains(folded) ? .anyCase : nil
    }

    /// True when `name` cannot be a synced field name.
    package static func isReserved(_ name: String) -> Bool { reservation(of: name) != nil }
}
