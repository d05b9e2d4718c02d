/// The canonical printer: one spelling for every tree, such that `parse(print(q))` gives back `q`
/// (ranges aside).
///
/// Canonical means: keywords in upper case (`AND`, `OR`, `NOT`, `BEGINSWITH`), `==`/`!=`/`<=`/`>=`
/// spellings, single spaces, double-quoted strings with minimal escapes, and parentheses only where
/// the tree needs them (precedence from `Parser.infixRule`).
public enum Printer {
    public static func print(_ query: Query) -> String {
        var out = print(query.predicate)
        for suffix in query.suffixes { out += " " + print(suffix) }
        return out
    }

    public static func print(_ predicate: Predicate) -> String {
        var out = ""
        write(predicate, into: &out)
        return out
    }

    public static func print(_ expression: Expression) -> String {
        var out = ""
        write(expression, into: &out)
        return out
    }

    // MARK: Predicates

    private static func write(_ predicate: Predicate, into out: inout String) {
        switch predicate {
        case .constant(let value, _):
            out += value ? "TRUEPREDICATE" : "FALSEPREDICATE"
        case .not(let operand, _):
            out += "NOT "
            writeOperand(operand, parenthesizedUnless: isAtomic(operand), into: &out)
        case .and(let operands, _):
            for (i, operand) in operands.enumerated() {
                if i > 0 { out += " AND " }
                // An AND inside AND or an OR inside AND was written with parentheses.
                writeOperand(operand, parenthesizedUnless: !isChain(operand), into: &out)
            }
        case .or(let operands, _):
            for (i, operand) in operands.enumerated() {
                if i > 0 { out += " OR " }
                if case .and = operand { writeOperand(operand, parenthesizedUnless: true, into: &out); continue }
                writeOperand(operand, parenthesizedUnless: !isChain(operand), into: &out)
            }
        case .comparison(let c):
            write(c, into: &out)
        case .missing:
            out += "<missing>"
        }
    }

    private static func writeOperand(_ p: Predicate, parenthesizedUnless bare: Bool, into out: inout String) {
        if bare {
            write(p, into: &out)
        } else {
            out += "("
            write(p, into: &out)
            out += ")"
        }
    }

    private static func isChain(_ p: Predicate) -> Bool {
        switch p {
        case .and, .or: true
        default: false
        }
    }

    /// Predicates NOT can take without parentheses and still reads well.
    private static func isAtomic(_ p: Predicate) -> Bool {
        switch p {
        case .constant, .not: true
        default: false
        }
    }

    private static func write(_ c: Comparison, into out: inout String) {
        write(c.lhs, into: &out)
        out += " " + c.op.rawValue
        if c.caseInsensitive { out += "[c]" }
        out += " "
        write(c.rhs, into: &out)
    }

    // MARK: Expressions

    private static func write(_ e: Expression, into out: inout String) {
        switch e {
        case .literal(let l):
            out += spelling(l.value)
        case .argument(let a):
            if let q = a.quantifier { out += q.rawValue + " " }
            out += "$\(a.index)"
        case .list(let l):
            if let q = l.quantifier { out += q.rawValue + " " }
            out += "{"
            for (i, element) in l.elements.enumerated() {
                if i > 0 { out += ", " }
                write(element, into: &out)
            }
            out += "}"
        case .keyPath(let k):
            if let q = k.quantifier { out += q.rawValue + " " }
            out += spelling(k.path)
            switch k.postOperation {
            case .size(let s): out += "." + s
            case .type: out += ".@type"
            case .indexSize(let s): out += "[" + s + "]"
            case nil: break
            }
        case .aggregate(let a):
            out += spelling(a.path) + "." + a.op.rawValue
            if let p = a.property { out += "." + name(p) }
        case .subquery(let s):
            out += "SUBQUERY(" + spelling(s.path) + ", " + name(s.variable) + ", "
            write(s.predicate, into: &out)
            out += ")." + s.sizeSpelling
        case .arithmetic(let a):
            let precedence = Parser.infixRule(token(a.op))!.precedence
            writeArithmeticOperand(a.lhs, parent: precedence, isRight: false, into: &out)
            out += " " + a.op.rawValue + " "
            writeArithmeticOperand(a.rhs, parent: precedence, isRight: true, into: &out)
        case .geometry(let g):
            out += spelling(g)
        case .missing:
            out += "<missing>"
        }
    }

    private static func token(_ op: ArithmeticOperator) -> TokenKind {
        switch op {
        case .add: .plus
        case .subtract: .minus
        case .multiply: .star
        case .divide: .slash
        }
    }

    /// Arithmetic is left-associative: a right operand of equal precedence needs parentheses.
    private static func writeArithmeticOperand(_ e: Expression, parent: Precedence, isRight: Bool, into out: inout String) {
        if case .arithmetic(let inner) = e {
            let precedence = Parser.infixRule(token(inner.op))!.precedence
            if precedence < parent || (isRight && precedence == parent) {
                out += "("
                write(e, into: &out)
                out += ")"
                return
            }
        }
        write(e, into: &out)
    }

    // MARK: Pieces

    /// The canonical spelling of a literal.
    public static func spelling(_ value: LiteralValue) -> String {
        switch value {
        case .integer(let s), .float(let s), .timestamp(let s), .link(let s), .typedLink(let s): s
        case .infinity(let negative): negative ? "-inf" : "inf"
        case .nan: "nan"
        case .string(let s): StringLiteral.encode(s)
        case .base64(let s): "B64\"" + s + "\""
        case .uuid(let s): "uuid(" + s + ")"
        case .objectId(let s): "oid(" + s + ")"
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        case .binary(let payload): "bin(" + spelling(payload) + ")"
        case .object(let type, let key): "obj(" + StringLiteral.encode(type) + ", " + spelling(key) + ")"
        }
    }

    /// A key path as RQL text.
    public static func spelling(_ path: KeyPath) -> String {
        var out = ""
        for (i, component) in path.components.enumerated() {
            switch component.kind {
            case .property(let n): out += (i > 0 ? "." : "") + name(n)
            case .backlinks: out += (i > 0 ? "." : "") + "@links"
            case .keysOrValues(let s): out += (i > 0 ? "." : "") + s
            case .keyPathArgument(let n): out += "$K\(n)"
            case .index(let selector):
                switch selector {
                case .position(let s): out += "[" + s + "]"
                case .first: out += "[FIRST]"
                case .last: out += "[LAST]"
                case .all: out += "[*]"
                case .key(let k): out += "[" + StringLiteral.encode(k) + "]"
                case .argument(let n): out += "[$\(n)]"
                }
            }
        }
        return out
    }

    /// A property name as RQL text: space, tab, newline and carriage return escaped.
    public static func name(_ n: String) -> String {
        guard n.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return n }
        var out = ""
        for ch in n.unicodeScalars {
            switch ch {
            case " ": out += "\\ "
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    private static func spelling(_ c: Coordinate) -> String {
        switch c {
        case .number(let s): s
        case .argument(let n): "$\(n)"
        }
    }

    private static func spelling(_ p: GeoPoint) -> String {
        "[" + spelling(p.longitude) + ", " + spelling(p.latitude) + (p.altitude.map { ", " + $0 } ?? "") + "]"
    }

    private static func spelling(_ g: Geometry) -> String {
        switch g.shape {
        case .box(let a, let b): "geoBox(" + spelling(a) + ", " + spelling(b) + ")"
        case .circle(let c, let r): "geoCircle(" + spelling(c) + ", " + spelling(r) + ")"
        case .polygon(let loops):
            "geoPolygon(" + loops.map { "{" + $0.map(spelling).joined(separator: ", ") + "}" }.joined(separator: ", ") + ")"
        case .argument(let n): "$\(n)"
        }
    }

    public static func print(_ suffix: QuerySuffix) -> String {
        switch suffix.kind {
        case .sort(let keys): "SORT(" + keys.map { spelling($0.path) + ($0.ascending ? " ASC" : " DESC") }.joined(separator: ", ") + ")"
        case .distinct(let paths): "DISTINCT(" + paths.map(spelling).joined(separator: ", ") + ")"
        case .limit(let n): "LIMIT(" + n + ")"
        }
    }
}
