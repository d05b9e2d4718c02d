import RQLSyntax

/// Flexible Sync validation of a subscription: the rules App Services' sync server applied, on top
/// of the type checker (docs/LANGUAGE.md, "Flexible Sync"). Messages follow the server's shape
/// (`invalid match expression for table "Task": key "notes" is not a queryable field`) so users
/// recognise them, and point at the offending text.
public enum FlexibleSyncValidator {
    /// Checks `text` as a local query (not a subscription). The only sync rule that applies:
    /// realm refuses any query on an asymmetric (Data Ingest) collection ("Query on ephemeral
    /// objects not allowed"), whose objects never reach the device.
    public static func validateLocalQuery(_ text: String, collection: ObjectSchema, config: SyncConfig?,
                                          arguments: [Value] = []) -> CheckResult {
        if let config, config.isAsymmetric(collection) {
            return CheckResult(query: nil, diagnostics: [Diagnostic(
                .asymmetricCollection,
                "query on ephemeral objects not allowed: '\(collection.title)' is an asymmetric (Data Ingest) collection, whose objects are only written, never queried",
                at: SourceRange(0, text.utf8.count))])
        }
        return Checker.check(text, collection: collection, arguments: arguments)
    }

    /// Said wherever a subscription is judged without a sync config: every verdict then rests on
    /// development mode's assumptions, so a subscription on what the real app makes asymmetric, or
    /// on a field it does not make queryable, is "valid".
    public static let noConfigNote = Diagnostic(
        .noSyncConfig,
        "no Flexible Sync config (\(SyncConfig.exportPath)) found: assuming development mode, where every field is queryable and no collection is asymmetric",
        at: .none)

    /// Checks `text` as a subscription on `collection` under `config`.
    public static func validate(_ text: String, collection: ObjectSchema, config: SyncConfig,
                                arguments: [Value] = []) -> CheckResult {
        let table = "table \"\(collection.title)\""
        let size = text.utf8.count
        if size > Limits.maxSubscriptionBytes {
            return CheckResult(query: nil, diagnostics: [Diagnostic(
                .subscriptionTooLarge,
                "the subscription query is \(size) bytes; Flexible Sync accepts at most 256 kB (\(Limits.maxSubscriptionBytes) bytes) per query (LimitsExceeded)",
                at: SourceRange(0, size))])
        }
        if config.isAsymmetric(collection) {
            return CheckResult(query: nil, diagnostics: [Diagnostic(
                .asymmetricCollection,
                "unsupported query for \(table): '\(collection.title)' is an asymmetric (Data Ingest) collection, which clients can write to but not subscribe to",
                at: SourceRange(0, size))])
        }
        let parsed = Parser.parse(text)
        var result = Checker.check(parsed, collection: collection, arguments: arguments)
        guard let query = result.query else { return result }
        var rules = Rules(collection: collection, config: config, table: table, source: parsed.source)
        rules.visit(query.predicate, topLevel: true)
        rules.checkIndexedField(query.predicate, wholeQuery: SourceRange(0, size))
        result.diagnostics = (result.diagnostics + rules.diagnostics).sortedAndCapped()
        if result.diagnostics.hasErrors { result.query = nil }
        return result
    }

    /// The walk over a checked query that applies each rule.
    private struct Rules {
        let collection: ObjectSchema
        let config: SyncConfig
        let table: String
        let source: [UInt8]
        var diagnostics: [Diagnostic] = []
        var reported: Set<String> = []

        init(collection: ObjectSchema, config: SyncConfig, table: String, source: [UInt8]) {
            self.collection = collection
            self.config = config
            self.table = table
            self.source = source
        }

        mutating func visit(_ p: CheckedPredicate, topLevel: Bool) {
            switch p {
            case .constant: break
            case .not(let inner): visit(inner, topLevel: false)
            case .and(let ps), .or(let ps): for q in ps { visit(q, topLevel: false) }
            case .comparison(let c): visit(c)
            }
        }

        mutating func visit(_ c: CheckedComparison) {
            for side in [c.left, c.right] {
                guard let property = side.property else { continue }
                if !config.isQueryable(property.name, in: collection.collectionName),
                   !config.isQueryable(property.name, in: collection.title) {
                    if reported.insert(property.name).inserted {
                        diagnostics.append(Diagnostic(
                            .fieldNotQueryable, "invalid match expression for \(table): key \"\(property.name)\" is not a queryable field",
                            at: side.range, notes: [DiagnosticNote("add it to queryable_fields_names or collection_queryable_fields_names in sync/config.json")]))
                    }
                }
                if property.isList, let q = side.quantifier, q != .any {
                    diagnostics.append(Diagnostic(
                        .unsupportedInSubscription,
                        "unsupported query for \(table): \(q.rawValue) over the array \"\(property.name)\" is not supported by Flexible Sync; use ANY (or IN)",
                        at: side.range))
                }
            }
            if c.left.property?.isList == true && isConstantList(c.right) || c.right.property?.isList == true && isConstantList(c.left) {
                diagnostics.append(Diagnostic(
                    .unsupportedInSubscription,
                    "unsupported query for \(table): Flexible Sync cannot compare two lists ('\(text(c.range))'); compare one value with the array, e.g. 'comedy' IN genres",
                    at: c.range))
            }
            if !c.op.isDocumentedForSubscriptions {
                diagnostics.append(Diagnostic(
                    .unsupportedInSubscription,
                    "unsupported query for \(table): \(c.op.rawValue) is not among the operators Flexible Sync documents; use BEGINSWITH, ENDSWITH or CONTAINS",
                    at: c.range))
            }
            if c.caseInsensitive {
                diagnostics.append(Diagnostic(
                    .caseInsensitiveSubscription,
                    "case-insensitive comparisons ([c]) cannot use indexes on the server and may be slow",
                    at: c.range))
            }
        }

        private func isConstantList(_ o: CheckedOperand) -> Bool {
            if case .list = o.kind { return true }
            return false
        }

        /// The indexed queryable field must be compared with `==` or `IN` against a constant in the
        /// query or in one of its top-level AND terms (reference §2.1).
        mutating func checkIndexedField(_ p: CheckedPredicate, wholeQuery: SourceRange) {
            guard let field = config.indexedQueryableField, collection.property(named: field) != nil else { return }
            let terms: [CheckedPredicate]
            if case .and(let ps) = p { terms = ps } else { terms = [p] }
            let satisfied = terms.contains { term in
                guard case .comparison(let c) = term, let (side, _) = c.propertyEquality, let property = side.property else { return false }
                return property.name == field && !property.isList && side.quantifier == nil
            }
            if !satisfied {
                diagnostics.append(Diagnostic(
                    .indexedFieldNotUsed,
                    "invalid match expression for \(table): the indexed queryable field \"\(field)\" must be compared with == or IN against a constant in every subscription, joined to the rest with AND",
                    at: wholeQuery,
                    notes: [DiagnosticNote("for example '\(field) == $0 AND (...)' or '\(field) IN {1, 2} AND ...'; an OR, a NOT or a range comparison does not count")]))
            }
        }

        private func text(_ range: SourceRange) -> String {
            let end = min(range.end, source.count), start = min(range.start, end)
            return String(decoding: source[start..<end], as: UTF8.self)
        }
    }
}
