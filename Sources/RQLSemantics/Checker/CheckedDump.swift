import RQLSyntax

/// A tree view of a checked query (`.explain` in the REPL, `rql explain`): each operand with its
/// resolved type and each constant with its converted value.
package enum CheckedDump {
    package static func dump(_ query: CheckedQuery) -> String {
        var lines: [String] = []
        write(query.predicate, prefix: "", childPrefix: "", into: &lines)
        return lines.joined(separator: "\n")
    }

    private static func write(_ p: CheckedPredicate, prefix: String, childPrefix: String, into lines: inout [String]) {
        switch p {
        case .constant(let b):
            lines.append(prefix + (b ? "TRUEPREDICATE" : "FALSEPREDICATE"))
        case .not(let inner):
            lines.append(prefix + "NOT")
            write(inner, prefix: childPrefix + "└─ ", childPrefix: childPrefix + "   ", into: &lines)
        case .and(let ps), .or(let ps):
            lines.append(prefix + (isAnd(p) ? "AND" : "OR"))
            for (i, q) in ps.enumerated() {
                let last = i == ps.count - 1
                write(q, prefix: childPrefix + (last ? "└─ " : "├─ "), childPrefix: childPrefix + (last ? "   " : "│  "), into: &lines)
            }
        case .comparison(let c):
            lines.append(prefix + c.op.rawValue + (c.caseInsensitive ? "[c]" : ""))
            lines.append(childPrefix + "├─ " + describe(c.left))
            lines.append(childPrefix + "└─ " + describe(c.right))
        }
    }

    private static func isAnd(_ p: CheckedPredicate) -> Bool {
        if case .and = p { return true }
        return false
    }

    /// `property age: int`, `ANY property tags: list of string`, `constant int 42`, `list [1, 2]`.
    package static func describe(_ o: CheckedOperand) -> String {
        let q = o.quantifier.map { $0.rawValue + " " } ?? ""
        switch o.kind {
        case .property(let p):
            return q + "property \(Printer.name(p.name)): " + (p.isList ? "list of " : "") + p.type.realmName + (p.isNullable ? "?" : "")
        case .constant(let v):
            return "constant \(v.typeName) " + literal(v)
        case .list(let vs):
            return q + "list {" + vs.map(literal).joined(separator: ", ") + "}"
        }
    }

    /// A value as an RQL literal.
    package static func literal(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .double(let d): d.isNaN ? "nan" : d.isInfinite ? (d < 0 ? "-inf" : "inf") : "\(d)"
        case .decimal(let d): d.description
        case .string(let s): StringLiteral.encode(s)
        case .binary(let b): "bin(B64\"" + Base64.encode(b) + "\")"
        case .timestamp(let t): t.description
        case .objectId(let o): o.description
        case .uuid(let u): u.description
        case .list(let vs): "{" + vs.map(literal).joined(separator: ", ") + "}"
        }
    }
}

/// Standard base64 with padding.
package enum Base64 {
    package static func encode(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(table[Int(b0 >> 2)])
            out.append(table[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(i + 1 < bytes.count ? table[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? table[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
