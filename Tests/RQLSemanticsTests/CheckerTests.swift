import Testing
import RQLSyntax
@testable import RQLSemantics

/// The type checker: what realm-core accepts, what it rejects and with which kind.
@Suite struct CheckerTests {
    static let task: ObjectSchema = {
        var schema = Schema()
        let diagnostics = schema.load("""
            {"title": "Task", "bsonType": "object", "required": ["_id", "owner", "priority"],
             "properties": {
               "_id": {"bsonType": "objectId"}, "owner": {"bsonType": "string"}, "status": {"bsonType": "string"},
               "priority": {"bsonType": "int"}, "estimate": {"bsonType": "double"}, "budget": {"bsonType": "decimal"},
               "done": {"bsonType": "bool"}, "due": {"bsonType": "date"}, "ref": {"bsonType": "uuid"},
               "blob": {"bsonType": "binData"}, "tags": {"bsonType": "array", "items": {"bsonType": "string"}},
               "scores": {"bsonType": "array", "items": {"bsonType": ["long", "null"]}},
               "details": {"bsonType": "mixed"},
               "address": {"bsonType": "object", "title": "Address", "properties": {"city": {"bsonType": "string"}}}}}
            """)
        precondition(diagnostics.isEmpty, "\(diagnostics)")
        return schema.collection(named: "Task")!
    }()

    static func check(_ text: String, _ args: [Value] = []) -> CheckResult {
        Checker.check(text, collection: task, arguments: args)
    }

    static func kinds(_ text: String, _ args: [Value] = []) -> [DiagnosticKind] {
        check(text, args).diagnostics.errors.map(\.kind)
    }

    static func comparison(_ text: String, _ args: [Value] = []) -> CheckedComparison? {
        let result = check(text, args)
        #expect(!result.diagnostics.hasErrors, "\(text): \(result.diagnostics.map(\.message))")
        guard case .comparison(let c)? = result.query?.predicate else { return nil }
        return c
    }

    @Test func resolvesPropertiesWithTheirTypes() {
        let c = Self.comparison("tags == 'x'")
        #expect(c?.left.property == PropertyReference(name: "tags", index: 10, type: .string, isList: true, isNullable: false))
        #expect(Self.comparison("ANY scores > 1")?.left.property?.isNullable == true)
        #expect(Self.comparison("status == nil")?.left.property?.isNullable == true)
        #expect(Self.comparison("priority == 1")?.left.property?.isNullable == false)
    }

    @Test func unknownPropertiesSuggestTheNearestName() {
        let d = Self.check("ownr == 'u1'").diagnostics.errors
        #expect(d.map(\.code) == [.unknownProperty])
        #expect(d[0].message == "'Task' has no property 'ownr'")
        #expect(d[0].notes.map(\.message) == ["did you mean 'owner'?"])
        #expect(d[0].fixIts == [FixIt(range: SourceRange(0, 4), replacement: "owner")])
        #expect(Self.check("OWNER == 'u1'").diagnostics.errors[0].notes.map(\.message) == ["did you mean 'owner'?"])
        #expect(Self.check("zzzzzz == 'u1'").diagnostics.errors[0].notes.isEmpty)
    }

    @Test func literalsTakeThePropertysType() {
        #expect(Self.comparison("priority == 5.0")?.right.kind == .constant(.int(5)))
        #expect(Self.comparison("priority == 5.5")?.right.kind == .constant(.double(5.5)))
        // An int stays an int against a double (realm orders NaN below ints but not below doubles).
        #expect(Self.comparison("estimate == 2")?.right.kind == .constant(.int(2)))
        #expect(Self.comparison("priority == '30'")?.right.kind == .constant(.int(30)))
        #expect(Self.comparison("priority == ' 30.5'")?.right.kind == .constant(.int(30)))
        #expect(Self.comparison("budget == 3.141592653589793238")?.right.kind == .constant(.decimal(Decimal128("3.141592653589793238")!)))
        #expect(Self.comparison("due > 2021-02-20@17:30:15")?.right.kind == .constant(.timestamp(Timestamp(seconds: 1_613_842_215, nanoseconds: 0))))
        #expect(Self.comparison("due > 1969-12-31@23:59:59:1")?.right.kind == .constant(.timestamp(Timestamp(seconds: -1, nanoseconds: -1))))
        #expect(Self.comparison("owner == B64\"aXQncw==\"")?.right.kind == .constant(.string("it's")))
        #expect(Self.comparison("blob == bin('ab')")?.right.kind == .constant(.binary([0x61, 0x62])))
        #expect(Self.comparison("priority == 0x1F")?.right.kind == .constant(.int(31)))
        #expect(Self.comparison("estimate == 2.33f")?.right.kind == .constant(.double(Double(Float(2.33)))))
    }

    @Test func octalAndHugeIntegersWarnButKeepRealmsValue() {
        let octal = Self.check("priority == 010")
        #expect(octal.diagnostics.map(\.code) == [.octalLiteral])
        guard case .comparison(let c)? = octal.query?.predicate else { Issue.record("no query"); return }
        #expect(c.right.kind == .constant(.int(8)))
        let huge = Self.check("priority == 123456789012345678901234567890")
        #expect(huge.diagnostics.map(\.code) == [.integerOutOfRange])
        guard case .comparison(let h)? = huge.query?.predicate else { Issue.record("no query"); return }
        #expect(h.right.kind == .constant(.int(.max)))
    }

    @Test func typeErrorsNameBothTypes() {
        #expect(Self.check("priority == 'thirty'").diagnostics.errors.map(\.message)
                == ["unsupported comparison between type 'int' and type 'string'"])
        #expect(Self.kinds("owner == 5") == [.type])
        #expect(Self.kinds("done == 1") == [.type])
        #expect(Self.kinds("_id == 'abc'") == [.type])
        #expect(Self.kinds("due == 5") == [.type])
        #expect(Self.kinds("owner == estimate") == [.type])
        #expect(Self.kinds("priority == inf") == [.type])
        #expect(Self.kinds("owner == nan") == [.type])
        #expect(Self.check("priority < estimate").diagnostics.isEmpty)
        #expect(Self.check("budget >= priority").diagnostics.isEmpty)
    }

    @Test func quantifiersNeedLists() {
        #expect(Self.check("ANY owner == 'x'").diagnostics.errors.map(\.message)
                == ["the keypath following 'ANY' must contain a list, but 'owner' is a single string"])
        #expect(Self.kinds("ALL tags == 'x'").isEmpty)
        #expect(Self.kinds("NONE tags == 'x'").isEmpty)
        #expect(Self.kinds("priority IN 5") == [.type])
        #expect(Self.kinds("5 IN priority") == [.type])
        #expect(Self.kinds("'x' IN tags").isEmpty)
        #expect(Self.kinds("priority IN {1, 2, 'x'}").isEmpty)
        #expect(Self.kinds("tags == scores") == [.unsupported])
    }

    @Test func betweenRules() {
        #expect(Self.kinds("priority BETWEEN {1, 5}").isEmpty)
        #expect(Self.kinds("priority BETWEEN {1}") == [.type])
        #expect(Self.kinds("priority BETWEEN {1, 2, 3}") == [.type])
        #expect(Self.kinds("scores BETWEEN {1, 5}") == [.type])
        #expect(Self.kinds("ANY scores BETWEEN {1, 5}") == [.type])
        #expect(Self.kinds("ALL scores BETWEEN {1, 5}").isEmpty)
        #expect(Self.kinds("priority BETWEEN {1, 'x'}") == [.type])
    }

    @Test func stringOperatorsAndCaseInsensitivity() {
        #expect(Self.kinds("owner BEGINSWITH[c] 'u'").isEmpty)
        #expect(Self.kinds("ANY tags CONTAINS 'x'").isEmpty)
        #expect(Self.kinds("blob CONTAINS bin('x')").isEmpty)
        #expect(Self.check("priority LIKE 'x'").diagnostics.errors.map(\.message)
                == ["unsupported comparison operator 'like' against type 'int': it needs a string or binary property"])
        #expect(Self.kinds("owner CONTAINS 5") == [.type])
        #expect(Self.kinds("priority ==[c] 5") == [.type])
        #expect(Self.kinds("_id CONTAINS oid(507f1f77bcf86cd799439011)") == [.type])
    }

    @Test func argumentsAreBoundAndTyped() {
        #expect(Self.comparison("owner == $0", [.string("u1")])?.right.kind == .constant(.string("u1")))
        #expect(Self.comparison("priority == $0", [.double(3)])?.right.kind == .constant(.int(3)))
        #expect(Self.check("priority > $1", [.int(1)]).diagnostics.errors.map(\.message)
                == ["request for argument $1 but only 1 argument is provided"])
        #expect(Self.check("priority > $0").diagnostics.errors.map(\.message) == ["request for argument $0 but no arguments are provided"])
        #expect(Self.kinds("owner == $0", [.int(2)]) == [.type])
        #expect(Self.kinds("priority == $0", [.string("3")]) == [.type])
        // realm-core's wording, with the article English wants ("to a int" in realm-core).
        #expect(Self.check("priority == $0", [.string("3")]).diagnostics.errors.map(\.message)
                == [#"cannot compare argument $0 with value '"3"' to an int"#])
        #expect(Self.kinds("priority == $0", [.double(.infinity)]) == [.type])
        #expect(Self.kinds("priority IN ANY $0", [.int(1)]) == [.args])
        #expect(Self.kinds("priority IN $0", [.list([.int(1), .string("x")])]).isEmpty)
        #expect(Self.kinds("priority IN {$0}", [.list([.int(1)])]) == [.args])
        #expect(Self.kinds("status == $0", [.null]).isEmpty)
    }

    @Test func twoConstantsCannotBeCompared() {
        #expect(Self.kinds("1 == 1") == [.type])
        #expect(Self.kinds("$0 == $1", [.int(1), .int(2)]) == [.type])
    }

    @Test(arguments: [
        "address.city == 'x'", "owner.name == 'x'", "tags.@count > 1", "tags.@size > 1", "tags[FIRST] == 'x'",
        "scores.@max > 1", "details == 1", "address == nil", "details.@type == 'string'",
        "SUBQUERY(tags, $x, $x == 'a').@count > 0", "priority + 1 > 2", "owner TEXT 'x'", "@links.@count > 0",
        "TRUEPREDICATE SORT(owner ASC)", "TRUEPREDICATE LIMIT(1)", "owner == obj('Person', 1)", "$K0 == 1",
    ])
    func unsupportedConstructsAreNamed(_ query: String) {
        let errors = Self.check(query).diagnostics
        #expect(errors.primaryError?.kind == .unsupported, "\(query): \(errors.map(\.message))")
    }

    @Test func everyErrorOfAQueryIsReported() {
        let errors = Self.check("ownr == 1 AND priority == 'x' AND tags.@count > 2").diagnostics.errors
        #expect(errors.map(\.code) == [.unknownProperty, .typeMismatch, .unsupportedAggregate])
        #expect(errors.primaryError?.code == .unsupportedAggregate)
    }
}
