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
/// of kind, default severity and a one-line summary (the kind is what the corpus compares).
public enum DiagnosticCode: String, Sendable, CaseIterable {
    // Lexer
    case invalidCharacter = "RQL1001"
    case invalidUTF8 = "RQL1002"
    case unterminatedString = "RQL1003"
    case invalidEscape = "RQL1004"
    case invalidTimestamp = "RQL1005"
    case invalidInteger = "RQL1006"
    case loneSurrogate = "RQL1007"
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
    // Flexible Sync subscriptions
    case subscriptionTooLarge = "RQL4001"
    case asymmetricCollection = "RQL4002"
    case fieldNotQueryable = "RQL4003"
    case indexedFieldNotUsed = "RQL4004"
    case unsupportedInSubscription = "RQL4005"
    case caseInsensitiveSubscription = "RQL4006"
    // Type checker
    case unknownCollection = "RQL2001"
    case unknownProperty = "RQL2002"
    case unsupportedKeyPath = "RQL2101"
    case unsupportedPropertyType = "RQL2102"
    case unsupportedAggregate = "RQL2103"
    case unsupportedSubquery = "RQL2104"
    case unsupportedArithmetic = "RQL2105"
    case unsupportedOperator = "RQL2106"
    case unsupportedSuffix = "RQL2107"
    case unsupportedLinkConstant = "RQL2108"
    case unsupportedListComparison = "RQL2109"
    case typeMismatch = "RQL2201"
    case quantifierNeedsList = "RQL2202"
    case inNeedsList = "RQL2203"
    case betweenNeedsTwoValues = "RQL2204"
    case betweenOnListNeedsAll = "RQL2205"
    case stringOperatorType = "RQL2206"
    case caseInsensitiveType = "RQL2207"
    case constantComparison = "RQL2208"
    case nonFiniteNotSupported = "RQL2209"
    case invalidLiteral = "RQL2210"
    case missingArgument = "RQL2301"
    case argumentNotList = "RQL2302"
    case argumentIsList = "RQL2303"
    case invalidArgument = "RQL2304"
    case octalLiteral = "RQL2401"
    case integerOutOfRange = "RQL2402"
    case nonexistentDate = "RQL2403"
    // Schema files, sync config, app exports
    case invalidJSON = "RQL3001"
    case unreadableFile = "RQL3002"
    case invalidSchema = "RQL3003"
    case unsupportedBsonType = "RQL3004"
    case missingPrimaryKey = "RQL3005"
    case invalidPrimaryKey = "RQL3006"
    case duplicateSchema = "RQL3007"
    case invalidSyncConfig = "RQL3008"
    case notFlexibleSync = "RQL3009"
    case reservedFieldName = "RQL3010"
    case ineligibleQueryableField = "RQL3011"
    case indexedFieldNotQueryable = "RQL3012"
    case ineligibleIndexedField = "RQL3013"
    case tooManyIndexedFields = "RQL3014"
    case tooManyQueryableFields = "RQL3015"
    case unknownConfigCollection = "RQL3016"
    case queryableFieldNotInSchema = "RQL3017"
    case noSyncConfig = "RQL3018"
    // Documents (`objects` blocks, Extended JSON document files)
    case documentInvalidJSON = "RQL5001"
    case documentNotObject = "RQL5002"
    case documentUnknownField = "RQL5003"
    case documentMissingField = "RQL5004"
    case documentTypeMismatch = "RQL5005"
    case documentInvalidValue = "RQL5006"
    case documentValueOutOfRange = "RQL5007"
    case documentUnsupportedField = "RQL5008"
    case documentDuplicateID = "RQL5009"
    case documentTooManyErrors = "RQL5010"
    case documentNotFound = "RQL5011"
    case invalidWrite = "RQL5012"
    case loadCancelled = "RQL5013"
    // Permissions: rules.json, default_rule.json, users (RQLSync)
    case invalidRules = "RQL6001"
    case invalidRole = "RQL6002"
    case duplicateRoleName = "RQL6003"
    case invalidRuleExpression = "RQL6004"
    case invalidSyncUser = "RQL6005"
    // Permissions: sync compatibility of roles
    case missingDocumentFilter = "RQL6101"
    case ruleFieldNotQueryable = "RQL6102"
    case unknownRuleField = "RQL6103"
    case expansionNotAllowed = "RQL6104"
    case functionNotAllowed = "RQL6105"
    case operatorNotAllowed = "RQL6106"
    case nonBooleanPermission = "RQL6107"
    case primaryKeyFieldPermission = "RQL6108"
    case applyWhenReadsDocument = "RQL6109"
    // Permissions: expanding rules for a user
    case invalidExpansionValue = "RQL6201"
    case functionNotEvaluated = "RQL6202"
    // PostgreSQL pushdown (RQLSQL)
    case unsupportedInSQL = "RQL7001"

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
        case .loneSurrogate: Info(kind: .warning, severity: .warning, summary: "a \\u escape of half a UTF-16 surrogate pair, kept as written as realm-core keeps every escape")
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
        case .subscriptionTooLarge: Info(kind: .limit, severity: .error, summary: "a subscription query over 256 kB")
        case .asymmetricCollection: Info(kind: .notQueryable, severity: .error, summary: "a subscription on an asymmetric (Data Ingest) collection")
        case .fieldNotQueryable: Info(kind: .notQueryable, severity: .error, summary: "a field that is not queryable for the collection")
        case .indexedFieldNotUsed: Info(kind: .unsupported, severity: .error, summary: "a subscription without == or IN on the indexed queryable field in a top-level AND")
        case .unsupportedInSubscription: Info(kind: .unsupported, severity: .error, summary: "valid RQL that Flexible Sync rejects (list vs list, LIKE, ALL/NONE over arrays)")
        case .caseInsensitiveSubscription: Info(kind: .warning, severity: .warning, summary: "[c] in a subscription: the server cannot use indexes")
        case .unknownCollection: Info(kind: .unknown, severity: .error, summary: "no collection of that name in the schema")
        case .unknownProperty: Info(kind: .unknown, severity: .error, summary: "no property of that name in the collection")
        case .unsupportedKeyPath: Info(kind: .unsupported, severity: .error, summary: "a key path through links, embedded objects, dictionaries or indexes")
        case .unsupportedPropertyType: Info(kind: .unsupported, severity: .error, summary: "a property of a type queries cannot use (embedded object, mixed, dictionary)")
        case .unsupportedAggregate: Info(kind: .unsupported, severity: .error, summary: "@count, @size, @min, @max, @sum, @avg or @type")
        case .unsupportedSubquery: Info(kind: .unsupported, severity: .error, summary: "SUBQUERY")
        case .unsupportedArithmetic: Info(kind: .unsupported, severity: .error, summary: "arithmetic (+ - * /)")
        case .unsupportedOperator: Info(kind: .unsupported, severity: .error, summary: "TEXT (full-text search) or GEOWITHIN")
        case .unsupportedSuffix: Info(kind: .unsupported, severity: .error, summary: "SORT, DISTINCT or LIMIT")
        case .unsupportedLinkConstant: Info(kind: .unsupported, severity: .error, summary: "a link constant: obj(...), O1, L1:2")
        case .unsupportedListComparison: Info(kind: .unsupported, severity: .error, summary: "a comparison between two list properties")
        case .typeMismatch: Info(kind: .type, severity: .error, summary: "operands of types that cannot be compared")
        case .quantifierNeedsList: Info(kind: .type, severity: .error, summary: "ANY/ALL/NONE before a property that is not a list")
        case .inNeedsList: Info(kind: .type, severity: .error, summary: "IN with something other than a list on its right")
        case .betweenNeedsTwoValues: Info(kind: .type, severity: .error, summary: "BETWEEN with a list of other than two values")
        case .betweenOnListNeedsAll: Info(kind: .type, severity: .error, summary: "BETWEEN on a list property without ALL")
        case .stringOperatorType: Info(kind: .type, severity: .error, summary: "a string operator on something that is not a string or binary")
        case .caseInsensitiveType: Info(kind: .type, severity: .error, summary: "[c] on something that is not a string or binary")
        case .constantComparison: Info(kind: .type, severity: .error, summary: "a comparison between two constants")
        case .nonFiniteNotSupported: Info(kind: .type, severity: .error, summary: "inf or nan compared with an int or string")
        case .invalidLiteral: Info(kind: .type, severity: .error, summary: "a literal whose value is malformed (base64, date)")
        case .missingArgument: Info(kind: .args, severity: .error, summary: "$n with fewer than n+1 arguments")
        case .argumentNotList: Info(kind: .args, severity: .error, summary: "ANY/ALL/NONE before an argument that is not a list")
        case .argumentIsList: Info(kind: .args, severity: .error, summary: "a list argument where a single value is needed")
        case .invalidArgument: Info(kind: .args, severity: .error, summary: "an argument that is not a literal RQL value")
        case .octalLiteral: Info(kind: .warning, severity: .warning, summary: "an integer with a leading zero, which realm reads as octal")
        case .integerOutOfRange: Info(kind: .warning, severity: .warning, summary: "an integer beyond 64 bits, which realm caps")
        case .nonexistentDate: Info(kind: .warning, severity: .warning, summary: "a date or time that does not exist (2024-02-30), which realm normalises as timegm does")
        case .invalidJSON: Info(kind: .schema, severity: .error, summary: "a schema or config file that is not valid JSON")
        case .unreadableFile: Info(kind: .schema, severity: .error, summary: "a file or folder that is missing, unreadable or not UTF-8")
        case .invalidSchema: Info(kind: .schema, severity: .error, summary: "a schema.json field with the wrong shape (title, properties, required, items...)")
        case .unsupportedBsonType: Info(kind: .schema, severity: .error, summary: "a bsonType that is unknown or not a Realm property type")
        case .missingPrimaryKey: Info(kind: .schema, severity: .error, summary: "a schema without the primary key property '_id'")
        case .invalidPrimaryKey: Info(kind: .schema, severity: .error, summary: "an '_id' whose type cannot be a primary key (objectId, string, int, long, uuid)")
        case .duplicateSchema: Info(kind: .schema, severity: .error, summary: "a second schema with the same title")
        case .invalidSyncConfig: Info(kind: .schema, severity: .error, summary: "a sync/config.json field with the wrong shape")
        case .notFlexibleSync: Info(kind: .schema, severity: .error, summary: "a sync config whose type is not 'flexible'")
        case .reservedFieldName: Info(kind: .schema, severity: .error, summary: "an RQL reserved word used as a property or queryable field name")
        case .ineligibleQueryableField: Info(kind: .schema, severity: .error, summary: "a queryable field that is an embedded object, list of objects, dictionary or mixed")
        case .indexedFieldNotQueryable: Info(kind: .schema, severity: .error, summary: "an indexed queryable field missing from queryable_fields_names")
        case .ineligibleIndexedField: Info(kind: .schema, severity: .error, summary: "an indexed queryable field that is not an int, long, string, objectId or uuid")
        case .tooManyIndexedFields: Info(kind: .schema, severity: .error, summary: "more than one indexed queryable field")
        case .tooManyQueryableFields: Info(kind: .warning, severity: .warning, summary: "more than 10 queryable fields apply to one collection")
        case .unknownConfigCollection: Info(kind: .warning, severity: .warning, summary: "a collection named in the sync config that is not in the schema")
        case .queryableFieldNotInSchema: Info(kind: .warning, severity: .warning, summary: "a collection queryable field that the collection does not have")
        case .noSyncConfig: Info(kind: .warning, severity: .note, summary: "no sync config: subscriptions are judged as in development mode")
        case .documentInvalidJSON: Info(kind: .schema, severity: .error, summary: "a document (or document file) that is not valid JSON")
        case .documentNotObject: Info(kind: .schema, severity: .error, summary: "a document that is not a JSON object")
        case .documentUnknownField: Info(kind: .schema, severity: .error, summary: "a document field the collection's schema does not have")
        case .documentMissingField: Info(kind: .schema, severity: .error, summary: "a required field that is missing or null")
        case .documentTypeMismatch: Info(kind: .schema, severity: .error, summary: "a field value whose JSON or Extended JSON type does not fit the property type")
        case .documentInvalidValue: Info(kind: .schema, severity: .error, summary: "Extended JSON of the right type with a malformed value ($date, $oid, $uuid, $binary...)")
        case .documentValueOutOfRange: Info(kind: .schema, severity: .error, summary: "a number beyond the range of its property type (int64, double, date)")
        case .documentUnsupportedField: Info(kind: .schema, severity: .error, summary: "a value for an embedded object, dictionary or mixed property, which documents cannot hold")
        case .documentDuplicateID: Info(kind: .schema, severity: .error, summary: "two documents with the same _id")
        case .documentNotFound: Info(kind: .schema, severity: .error, summary: "a replace, update or delete of an _id the collection does not have")
        case .loadCancelled: Info(kind: .schema, severity: .error, summary: "a load stopped before the end (Ctrl-C in the REPL); nothing was loaded")
        case .invalidWrite: Info(kind: .schema, severity: .error, summary: "a write that is not insert, replace, upsert, update or delete followed by a JSON object, or an update or delete without an _id")
        case .documentTooManyErrors: Info(kind: .schema, severity: .error, summary: "more document errors than DocumentLoader.maxReportedErrors; the rest are not reported")
        case .invalidRules: Info(kind: .schema, severity: .error, summary: "a rules.json or default_rule.json field with the wrong shape (collection, roles, filters)")
        case .invalidRole: Info(kind: .schema, severity: .error, summary: "a role field with the wrong shape (name, apply_when, document_filters, fields...)")
        case .duplicateRoleName: Info(kind: .schema, severity: .error, summary: "two roles of one collection with the same name")
        case .invalidRuleExpression: Info(kind: .schema, severity: .error, summary: "a malformed rule expression ($and not an array, $in without an array, a bad expansion)")
        case .invalidSyncUser: Info(kind: .schema, severity: .error, summary: "a user JSON with the wrong shape (id, type, custom_data, data)")
        case .missingDocumentFilter: Info(kind: .unsupported, severity: .error, summary: "a role without document_filters.read or .write, so not sync compatible")
        case .ruleFieldNotQueryable: Info(kind: .notQueryable, severity: .error, summary: "a role's filter uses a field that is not a queryable top-level field")
        case .unknownRuleField: Info(kind: .unknown, severity: .error, summary: "a role's filter uses a field the collection does not have")
        case .expansionNotAllowed: Info(kind: .unsupported, severity: .error, summary: "an expansion other than %%true, %%false, %%values, %%environment, %%user in a sync role")
        case .functionNotAllowed: Info(kind: .unsupported, severity: .error, summary: "%function in a sync role's filters, insert or delete (allowed only in apply_when)")
        case .operatorNotAllowed: Info(kind: .unsupported, severity: .error, summary: "an operator Device Sync rules do not support ($regex, $nor, %stringToUuid...)")
        case .nonBooleanPermission: Info(kind: .unsupported, severity: .error, summary: "a top-level or field-level read/write that is not true or false in a sync role")
        case .primaryKeyFieldPermission: Info(kind: .unsupported, severity: .error, summary: "field-level permissions on _id in a sync role")
        case .applyWhenReadsDocument: Info(kind: .unsupported, severity: .error, summary: "an apply_when that reads document fields (%%root, %%this, a field name)")
        case .invalidExpansionValue: Info(kind: .type, severity: .error, summary: "an expanded value that does not fit its use ($in with a non-array, %stringToOid with a bad string)")
        case .functionNotEvaluated: Info(kind: .unsupported, severity: .error, summary: "a %function call, which RQLKit cannot run")
        case .unsupportedInSQL: Info(kind: .unsupported, severity: .error, summary: "a construct the PostgreSQL translator cannot express with realm-core's answers")
        }
    }

    public var kind: DiagnosticKind { info.kind }
    public var defaultSeverity: Severity { info.severity }
}
