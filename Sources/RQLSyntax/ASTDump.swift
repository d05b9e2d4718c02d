/// A tree view of the AST for the REPL (`.ast`), `rql explain` and tests:
///
/// ```
/// OR
/// ├─ AND
/// │  ├─ > @0..<8
/// │  │  ├─ property age
/// │  │  └─ integer 5
/// ```
package enum ASTDump {
    package static func dump(_ query: Query, ranges: Bool = false) -> String {
        var lines: [String] = []
        var node = Node(predicate: query.predicate, ranges: ranges)
        if !query.suffixes.isEmpty {
            node = Node(label: "QUERY", children: [node] + query.suffixes.map { Node(label: Printer.print($0), children: []) })
        }
        node.render(prefix: "", childPrefix: "", into: &lines)
        return lines.joined(separator: "\n")
    }

    /// A generic labelled tree, built from the AST and then drawn.
    struct Node {
        var label: String
        var children: [Node]

        init(label: String, children: [Node]) {
            self.label = label
            self.children = children
        }

        init(predicate p: Predicate, ranges: Bool) {
            let at = ranges ? " @\(p.range)" : ""
            switch p {
            case .constant(let b, _): self.init(label: (b ? "TRUEPREDICATE" : "FALSEPREDICATE") + at, children: [])
            case .not(let inner, _): self.init(label: "NOT" + at, children: [Node(predicate: inner, ranges: ranges)])
            case .and(let ps, _): self.init(label: "AND" + at, children: ps.map { Node(predicate: $0, ranges: ranges) })
            case .or(let ps, _): self.init(label: "OR" + at, children: ps.map { Node(predicate: $0, ranges: ranges) })
            case .comparison(let c):
                self.init(label: c.op.rawValue + (c.caseInsensitive ? "[c]" : "") + at,
                          children: [Node(expression: c.lhs, ranges: ranges), Node(expression: c.rhs, ranges: ranges)])
            case .missing: self.init(label: "<missing>" + at, children: [])
            }
        }

        init(expression e: Expression, ranges: Bool) {
            let at = ranges ? " @\(e.range)" : ""
            switch e {
            case .literal(let l):
                self.init(label: l.value.typeName + " " + Printer.spelling(l.value) + at, children: [])
            case .argument(let a):
                self.init(label: "argument " + (a.quantifier.map { $0.rawValue + " " } ?? "") + "$\(a.index)" + at, children: [])
            case .list(let l):
                self.init(label: "list" + (l.quantifier.map { " " + $0.rawValue } ?? "") + at,
                          children: l.elements.map { Node(expression: $0, ranges: ranges) })
            case .keyPath(let k):
                var label = "property " + (k.quantifier.map { $0.rawValue + " " } ?? "") + Printer.spelling(k.path)
                switch k.postOperation {
                case .size(let s): label += " ." + s
                case .type: label += " .@type"
                case .indexSize(let s): label += " [" + s + "]"
                case nil: break
                }
                self.init(label: label + at, children: [])
            case .aggregate(let a):
                self.init(label: "aggregate " + a.op.rawValue + " of " + Printer.spelling(a.path) + (a.property.map { "." + $0 } ?? "") + at,
                          children: [])
            case .subquery(let s):
                self.init(label: "SUBQUERY " + Printer.spelling(s.path) + " " + s.variable + " ." + s.sizeSpelling + at,
                          children: [Node(predicate: s.predicate, ranges: ranges)])
            case .arithmetic(let a):
                self.init(label: a.op.rawValue + at,
                          children: [Node(expression: a.lhs, ranges: ranges), Node(expression: a.rhs, ranges: ranges)])
            case .geometry:
                self.init(label: "geometry " + Printer.print(e) + at, children: [])
            case .missing:
                self.init(label: "<missing>" + at, children: [])
            }
        }

        func render(prefix: String, childPrefix: String, into lines: inout [String]) {
            lines.append(prefix + label)
            for (i, child) in children.enumerated() {
                let last = i == children.count - 1
                child.render(prefix: childPrefix + (last ? "└─ " : "├─ "),
                             childPrefix: childPrefix + (last ? "   " : "│  "), into: &lines)
            }
        }
    }
}
