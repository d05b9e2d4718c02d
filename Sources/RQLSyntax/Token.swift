/// The kinds of token, one per rule of realm-core's lexer (`query_flex.ll`).
///
/// Spellings that realm treats as the same token (`==` and `=`, `AND` and `&&`) share a kind; the
/// token's text keeps the spelling.
package enum TokenKind: UInt8, Sendable, CaseIterable {
    // Punctuation and operators
    case plus, minus, star, slash
    case equal, notEqual, less, greater, lessEqual, greaterEqual
    case leftBracket, rightBracket, comma, leftParen, rightParen, leftBrace, rightBrace, dot
    case caseInsensitive          // [c]
    // Logical keywords and quantifiers
    case and, or, not
    case any, all, none
    case `in`
    // String and other operators
    case beginsWith, endsWith, contains, like, text, between, geoWithin
    case geoBox, geoPolygon, geoCircle
    // Predicates and suffixes
    case truePredicate, falsePredicate
    case sort, distinct, limit, ascending, descending
    case subquery, binary, obj
    // @-keywords and index keywords
    case size                     // @size @count
    case max, min, sum, avg       // @max @min @sum @avg
    case backlinks                // @links
    case type                     // @type
    case keyOrValue               // @keys @values
    case first, last, indexSize   // FIRST first, LAST last, SIZE size (inside [ ])
    // Literals
    case `true`, `false`, null
    case infinity, nan
    case natural                  // [0-9]+
    case number                   // [+-]?[0-9]+ or 0x...
    case float
    case string, base64
    case uuid, oid, timestamp, link, typedLink
    case argument                 // $0
    case keyPathArgument          // $K0
    case identifier
    // End of input and lexer errors
    case end
    case invalid

    /// How the token is named in messages ("expected a value after '==', found end of query").
    package var displayName: String {
        switch self {
        case .plus: "'+'"
        case .minus: "'-'"
        case .star: "'*'"
        case .slash: "'/'"
        case .equal: "'=='"
        case .notEqual: "'!='"
        case .less: "'<'"
        case .greater: "'>'"
        case .lessEqual: "'<='"
        case .greaterEqual: "'>='"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .comma: "','"
        case .leftParen: "'('"
        case .rightParen: "')'"
        case .leftBrace: "'{'"
        case .rightBrace: "'}'"
        case .dot: "'.'"
        case .caseInsensitive: "'[c]'"
        case .and: "'AND'"
        case .or: "'OR'"
        case .not: "'NOT'"
        case .any: "'ANY'"
        case .all: "'ALL'"
        case .none: "'NONE'"
        case .in: "'IN'"
        case .beginsWith: "'BEGINSWITH'"
        case .endsWith: "'ENDSWITH'"
        case .contains: "'CONTAINS'"
        case .like: "'LIKE'"
        case .text: "'TEXT'"
        case .between: "'BETWEEN'"
        case .geoWithin: "'GEOWITHIN'"
        case .geoBox: "'geoBox'"
        case .geoPolygon: "'geoPolygon'"
        case .geoCircle: "'geoCircle'"
        case .truePredicate: "'TRUEPREDICATE'"
        case .falsePredicate: "'FALSEPREDICATE'"
        case .sort: "'SORT'"
        case .distinct: "'DISTINCT'"
        case .limit: "'LIMIT'"
        case .ascending: "'ASC'"
        case .descending: "'DESC'"
        case .subquery: "'SUBQUERY'"
        case .binary: "'bin'"
        case .obj: "'obj'"
        case .size: "'@count'"
        case .max: "'@max'"
        case .min: "'@min'"
        case .sum: "'@sum'"
        case .avg: "'@avg'"
        case .backlinks: "'@links'"
        case .type: "'@type'"
        case .keyOrValue: "'@keys'"
        case .first: "'FIRST'"
        case .last: "'LAST'"
        case .indexSize: "'SIZE'"
        case .true: "'true'"
        case .false: "'false'"
        case .null: "'null'"
        case .infinity: "infinity"
        case .nan: "NaN"
        case .natural, .number: "number"
        case .float: "floating-point number"
        case .string: "string"
        case .base64: "base64 string"
        case .uuid: "UUID"
        case .oid: "ObjectId"
        case .timestamp: "date"
        case .link: "object link"
        case .typedLink: "typed link"
        case .argument: "argument"
        case .keyPathArgument: "key path argument"
        case .identifier: "property name"
        case .end: "end of query"
        case .invalid: "invalid character"
        }
    }

    /// Keywords that realm's grammar also accepts as property names (its `id` rule).
    package var isUsableAsName: Bool {
        switch self {
        case .identifier, .backlinks, .beginsWith, .endsWith, .contains, .like, .between, .keyOrValue,
             .sort, .distinct, .limit, .ascending, .descending, .in, .text, .binary, .first, .last, .indexSize:
            true
        default:
            false
        }
    }

    /// Tokens that are constants in realm's grammar (`constant` and `primary_key`).
    package var isConstant: Bool {
        switch self {
        case .natural, .number, .float, .infinity, .nan, .string, .base64, .uuid, .oid, .timestamp,
             .link, .typedLink, .true, .false, .null, .argument:
            true
        default:
            false
        }
    }
}

/// One token: a kind and the byte range of its spelling in the source. Tokens do not copy text;
/// `Lexer.text(of:)` slices it on demand.
package struct Token: Hashable, Sendable {
    package var kind: TokenKind
    package var range: SourceRange

    @inlinable public init(_ kind: TokenKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}
