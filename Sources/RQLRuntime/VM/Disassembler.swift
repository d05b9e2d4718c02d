import RQLSemantics
import RQLSyntax

/// An EXPLAIN-style listing of a program, in the manner of SQLite's: address, opcode, operands and
/// a comment taken from the opcode table (`Instruction.synopsis`).
///
/// ```
/// addr  opcode          operands                 comment
/// 0     intRange        age in 20...29           flag = lower <= int column <= upper ...
/// ```
package enum Disassembler {
    package static func listing(_ program: Program) -> String {
        var rows: [(String, String, String, String)] = [("addr", "opcode", "operands", "comment")]
        for (address, instruction) in program.instructions.enumerated() {
            // In a branch-free run the result meets the flag: AND / OR before the operands says how.
            let combine = switch program.combine[address] { case .replace: ""; case .and: "AND "; case .or: "OR " }
            var comment = instruction.synopsis
            if !combine.isEmpty, comment.hasPrefix("flag = ") { comment = "flag = flag " + combine + "(" + comment.dropFirst(7) + ")" }
            rows.append((String(address), instruction.name, combine + operands(instruction, program), comment))
        }
        let widths = [6, 18, max(10, min(40, rows.map(\.2.count).max() ?? 10) + 2)]
        return rows.map { row in
            row.0.padded(widths[0]) + row.1.padded(widths[1]) + row.2.padded(widths[2]) + row.3
        }.joined(separator: "\n")
    }

    /// The operands in words: column names, operators and constants as RQL literals.
    static func operands(_ i: Instruction, _ p: Program) -> String {
        func column(_ c: Int) -> String { c < p.collection.properties.count ? Printer.name(p.collection.properties[c].name) : "#\(c)" }
        func bytes(_ c: Int) -> String { StringLiteral.encode(String(decoding: p.byteConstants[c].text, as: UTF8.self)) }
        func ci(_ b: Bool) -> String { b ? "[c]" : "" }
        switch i {
        case .constant(let b): return b ? "true" : "false"
        case .not: return ""
        case .jumpIfFalse(let t), .jumpIfTrue(let t): return "-> \(t)"
        case .isNull(let c): return "\(column(c)) == null"
        case .intCompare(let c, let op, let v): return "\(column(c)) \(op.rawValue) \(v)"
        case .intRange(let c, let lo, let hi): return "\(column(c)) in \(lo)...\(hi)"
        case .intVersusDouble(let c, let op, let v): return "\(column(c)) \(op.rawValue) \(v)"
        case .doubleCompare(let c, let op, let v): return "\(column(c)) \(op.rawValue) \(v)"
        case .doubleRange(let c, let lo, let loIn, let hi, let hiIn):
            return "\(column(c)) in \(loIn ? "[" : "(")\(lo), \(hi)\(hiIn ? "]" : ")")"
        case .doubleVersusInt(let c, let op, let v): return "\(column(c)) \(op.rawValue) \(v)"
        case .boolEqual(let c, let v): return "\(column(c)) == \(v)"
        case .bytesEqual(let c, let k, let f): return "\(column(c)) ==\(ci(f)) \(bytes(k))"
        case .bytesOrder(let c, let op, let k, let nullsFirst):
            return "\(column(c)) \(op.rawValue) \(bytes(k))\(nullsFirst ? " (null first)" : "")"
        case .bytesMatch(let c, let kind, let k, let f): return "\(column(c)) \(kind.rawValue)\(ci(f)) \(bytes(k))"
        case .timestampCompare(let c, let op, let v): return "\(column(c)) \(op.rawValue) \(v)"
        case .objectIdCompare(let c, let op, let v): return "\(column(c)) \(op.rawValue) \(v)"
        case .uuidCompare(let c, let op, let v): return "\(column(c)) \(op.rawValue) \(v)"
        case .intInSet(let c, let s, let n):
            let set = p.intSets[s]
            let members = set.large.map { "\($0.count) values" } ?? (0..<set.small.count).map { String(set.small.base[$0]) }.joined(separator: ", ")
            return "\(column(c)) IN {\(members)\(n ? ", null" : "")}"
        case .bytesInSet(let c, let s, let n):
            let set = p.byteSets[s]
            let members = set.members.count > 6 ? "\(set.members.count) values"
                : set.members.map { StringLiteral.encode(String(decoding: $0, as: UTF8.self)) }.joined(separator: ", ")
            return "\(column(c)) IN {\(members)\(n ? ", null" : "")}"
        case .anyBytesEqual(let c, let k, let f): return "ANY \(column(c)) ==\(ci(f)) \(bytes(k))"
        case .anyBytesMatch(let c, let kind, let k, let f): return "ANY \(column(c)) \(kind.rawValue)\(ci(f)) \(bytes(k))"
        case .anyIntCompare(let c, let op, let v): return "ANY \(column(c)) \(op.rawValue) \(v)"
        case .fallback(let n): return "#\(n): " + CheckedDump.describe(p.fallbacks[n].left) + " " + p.fallbacks[n].op.rawValue + " " + CheckedDump.describe(p.fallbacks[n].right)
        }
    }
}

extension String {
    /// The text followed by spaces up to `width` columns, one space at least: the columns of
    /// the bytecode listing and of `rql explain`'s tokens.
    package func padded(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
