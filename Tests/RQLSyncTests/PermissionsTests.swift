import Testing
import RQL
import RQLSync

/// Roles, expansions and document filters (App Services' rules.json roles), evaluated with the interpreter.
@Suite("Permissions")
struct PermissionsTests {
    static let schemaText = """
        {"title": "Task", "bsonType": "object", "required": ["_id", "owner", "title"],
         "properties": {
           "_id": {"bsonType": "objectId"},
           "owner": {"bsonType": "string"},
           "title": {"bsonType": "string"},
           "team": {"bsonType": "string"},
           "priority": {"bsonType": "int"},
           "score": {"bsonType": "double"},
           "archived": {"bsonType": "bool"},
           "creator": {"bsonType": "objectId"},
           "tags": {"bsonType": "array", "items": {"bsonType": "string"}},
           "details": {"bsonType": "object", "title": "Details", "properties": {"note": {"bsonType": "string"}}}
         }}
        """

    static let schema: Schema = {
        var schema = Schema()
        let diagnostics = schema.load(schemaText, file: "todo/Task/schema.json")
        precondition(diagnostics.isEmpty, "\(diagnostics)")
        return schema
    }()

    static var task: ObjectSchema {
        guard let task = schema["Task"] else { preconditionFailure("the test schema has Task") }
        return task
    }

    /// Four tasks, found by title in the results.
    static let documentsText = """
        {"_id": {"$oid": "000000000000000000000001"}, "owner": "u1", "title": "one", "team": "a", "priority": 1, "score": 1.5, "tags": ["x", "y"], "creator": {"$oid": "65a000000000000000000001"}}
        {"_id": {"$oid": "000000000000000000000002"}, "owner": "u2", "title": "two", "team": "b", "priority": 5, "tags": ["z"]}
        {"_id": {"$oid": "000000000000000000000003"}, "owner": "u1", "title": "three", "team": "c", "priority": 3, "archived": true}
        {"_id": {"$oid": "000000000000000000000004"}, "owner": "u3", "title": "four", "priority": 2, "tags": ["x"]}
        """

    static let documents: [Document] = {
        let (documents, diagnostics) = DocumentLoader.load(documentsText, schema: task)
        precondition(diagnostics.isEmpty, "\(diagnostics)")
        return documents
    }()

    // MARK: Helpers

    static func user(_ json: String) throws -> SyncUser {
        let (user, diagnostics) = SyncUser.load(json, file: "user.json")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        return try #require(user)
    }

    static let alice = #"{"id": "u1", "custom_data": {"teams": ["a", "b"], "level": 3}, "data": {"email": "alice@example.com"}}"#
    static let admin = #"{"id": "u9", "custom_data": {"isAdmin": true}}"#
    static let nobody = #"{"id": "u7"}"#

    /// `rules.json` for Task with the given roles (a JSON array).
    static func collectionRules(_ roles: String) throws -> CollectionRules {
        let (rules, diagnostics) = CollectionRules.load(
            #"{"database": "todo", "collection": "Task", "roles": \#(roles)}"#, file: "todo/Task/rules.json")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        return try #require(rules)
    }

    static func resolver(roles: String? = nil, defaultRoles: String? = nil, config: SyncConfig = .developmentMode,
                         values: [String: JSONNode] = [:], environment: RuleEnvironment = RuleEnvironment()) throws -> PermissionResolver {
        var set = RuleSet()
        if let roles { set.add(try collectionRules(roles)) }
        if let defaultRoles {
            let (rule, diagnostics) = DefaultRule.load(#"{"roles": \#(defaultRoles)}"#, file: "default_rule.json")
            #expect(diagnostics.isEmpty, "\(diagnostics)")
            let loaded: DefaultRule = try #require(rule)
            set.defaultRule = loaded
        }
        return PermissionResolver(rules: set, schema: schema, config: config, values: values, environment: environment)
    }

    static func resolve(_ roles: String, user: String, config: SyncConfig = .developmentMode) throws -> ResolvedPermissions {
        try resolver(roles: roles, config: config).resolve(user: try Self.user(user), collection: task)
    }

    /// The titles of the documents a predicate matches, evaluated by the interpreter.
    static func titles(_ predicate: CheckedPredicate) -> [String] {
        let query = CheckedQuery(collection: task, predicate: predicate)
        return documents.filter { Interpreter.matches(query, $0) }.compactMap {
            if case .string(let title)? = $0["title", in: task] { return title }
            return nil
        }
    }

    /// A sync-compatible role with the given read and write filters.
    static func role(_ name: String, applyWhen: String = "{}", read: String, write: String = "false") -> String {
        #"{"name": "\#(name)", "apply_when": \#(applyWhen), "document_filters": {"read": \#(read), "write": \#(write)}, "read": true, "write": true}"#
    }

    static let ownerAndAdmin = "[" + role("admin", applyWhen: #"{"%%user.custom_data.isAdmin": true}"#, read: "true", write: "true")
        + ", " + role("owner", read: #"{"owner": "%%user.id"}"#, write: #"{"owner": "%%user.id"}"#) + "]"

    // MARK: Users

    @Test("a user loads id, type, custom_data and data")
    func userLoads() throws {
        let u = try Self.user(#"{"id": "u1", "type": "server", "custom_data": {"isAdmin": true, "teams": ["a", "b"]}, "data": {"email": "x"}}"#)
        #expect(u.id == "u1")
        #expect(u.type == .server)
        #expect(u.customData?["isAdmin"]?.boolValue == true)
        #expect(u.data?["email"]?.stringValue == "x")
        let plain = try Self.user(#"{"id": "u2", "custom_data": null}"#)
        #expect(plain.type == .normal)
        #expect(plain.customData == nil)
    }

    @Test("malformed users are reported with the field", arguments: [
        (#"{"type": "normal"}"#, "user: 'id' is missing"),
        (#"{"id": "u1", "type": "admin"}"#, "user: 'type' must be \"normal\" or \"server\""),
        (#"{"id": "u1", "customData": {}}"#, "user: unknown key 'customData' in a user; App Services calls it 'custom_data'"),
        (#"{"id": "u1", "custom_data": [1]}"#, "user: 'custom_data' must be an object or null"),
    ])
    func malformedUser(_ text: String, _ message: String) throws {
        let (user, diagnostics) = SyncUser.load(text, file: "users/u1.json")
        #expect(user == nil)
        let first = try #require(diagnostics.first)
        #expect(first.code == .invalidSyncUser)
        #expect(first.file == "users/u1.json")
        #expect(first.message.hasPrefix(message), "\(first.message)")
    }

    // MARK: Role selection

    @Test("roles are tried in order and the first whose apply_when is true wins")
    func roleOrder() throws {
        let resolver = try Self.resolver(roles: Self.ownerAndAdmin)
        let admin = resolver.resolve(user: try Self.user(Self.admin), collection: Self.task)
        #expect(admin.roleName == "admin")
        #expect(admin.readFilter == .constant(true))
        #expect(Self.titles(admin.readFilter) == ["one", "two", "three", "four"])
        let alice = resolver.resolve(user: try Self.user(Self.alice), collection: Self.task)
        #expect(alice.roleName == "owner")
        #expect(alice.roleSource == .collection)
        #expect(Self.titles(alice.readFilter) == ["one", "three"])

        // Swapped: the catch-all owner role comes first, so even the admin is only an owner.
        let swapped = "[" + Self.role("owner", read: #"{"owner": "%%user.id"}"#) + ", "
            + Self.role("admin", applyWhen: #"{"%%user.custom_data.isAdmin": true}"#, read: "true") + "]"
        #expect(try Self.resolve(swapped, user: Self.admin).roleName == "owner")
    }

    @Test("collection roles hide the default roles, with no fallback when none applies")
    func noFallback() throws {
        let defaults = "[" + Self.role("everyone", read: "true") + "]"
        let onlyAdmins = "[" + Self.role("admin", applyWhen: #"{"%%user.custom_data.isAdmin": true}"#, read: "true") + "]"
        let resolver = try Self.resolver(roles: onlyAdmins, defaultRoles: defaults)
        let p = resolver.resolve(user: try Self.user(Self.nobody), collection: Self.task)
        #expect(p.isDenied)
        #expect(p.denial == .noRoleApplies(roles: ["admin"]))
        #expect(p.readFilter == .constant(false))
        #expect(Self.titles(p.readFilter).isEmpty)

        // Without collection roles (no rules.json, or an empty roles array) the defaults apply.
        let defaultsOnly = try Self.resolver(defaultRoles: defaults).resolve(user: try Self.user(Self.nobody), collection: Self.task)
        #expect(defaultsOnly.roleName == "everyone")
        #expect(defaultsOnly.roleSource == .defaultRule)
        let emptyRoles = try Self.resolver(roles: "[]", defaultRoles: defaults).resolve(user: try Self.user(Self.nobody), collection: Self.task)
        #expect(emptyRoles.roleName == "everyone")
        let none = try Self.resolver().resolve(user: try Self.user(Self.nobody), collection: Self.task)
        #expect(none.denial == .noRoles)
    }

    @Test("apply_when reads custom_data, data, type and values", arguments: [
        (#"{"%%user.custom_data.isAdmin": true}"#, false),
        (#"{"%%user.custom_data.teams": "b"}"#, true),                          // array contains
        (#"{"%%user.custom_data.teams": {"$in": ["q", "a"]}}"#, true),
        (#"{"%%user.custom_data.level": {"$gte": 3, "$lt": 4}}"#, true),
        (#"{"%%user.custom_data.level": {"$gt": "2"}}"#, false),                // another type bracket
        (#"{"%%user.data.email": {"$exists": true}}"#, true),
        (#"{"%%user.custom_data.missing": {"%exists": false}}"#, true),
        (#"{"%%user.type": "server"}"#, false),
        (#"{"%%user.id": {"$in": "%%values.admins"}}"#, true),
        (#"{"%%environment.tag": "production"}"#, true),
        (#"{"%or": [{"%%user.custom_data.isAdmin": true}, {"%%true": true}]}"#, true),
        (#"{"$and": [{"%%user.id": "u1"}, {"%%user.custom_data.level": {"$ne": 3}}]}"#, false),
    ])
    func applyWhen(_ expression: String, _ expected: Bool) throws {
        let (parsed, diagnostics) = RuleExpression.parse(expression)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let context = ExpansionContext(user: try Self.user(Self.alice),
                                       values: ["admins": try JSON.parse(#"["u0", "u1"]"#)],
                                       environment: RuleEnvironment(tag: "production"))
        let result = RuleEvaluator.evaluate(try #require(parsed), context: context, what: "apply_when")
        #expect(try result.get() == expected)
    }

    @Test("an apply_when that cannot be evaluated for the user denies access")
    func undecidableApplyWhen() throws {
        let roles = "[" + Self.role("fn", applyWhen: #"{"%%true": {"%function": {"name": "isAdmin", "arguments": []}}}"#, read: "true")
            + ", " + Self.role("everyone", read: "true") + "]"
        let p = try Self.resolve(roles, user: Self.alice)
        guard case .applyWhenFailed(let role, let error)? = p.denial else {
            Issue.record("expected applyWhenFailed, got \(String(describing: p.denial))")
            return
        }
        #expect(role == "fn")
        #expect(error.diagnostic.code == .functionNotEvaluated)
        #expect(error.diagnostic.message.contains("'isAdmin'"))
    }

    // MARK: Document filters

    @Test("the owner filter expands %%user.id and is evaluated by the interpreter")
    func ownerFilter() throws {
        let p = try Self.resolve(Self.ownerAndAdmin, user: Self.alice)
        guard case .comparison(let c) = p.writeFilter else {
            Issue.record("expected one comparison, got \(p.writeFilter)")
            return
        }
        #expect(c.left.property?.name == "owner")
        #expect(c.op == .equal)
        #expect(c.right.kind == .constant(.string("u1")))
        #expect(Self.titles(p.writeFilter) == ["one", "three"])
        let three = Self.documents[2], two = Self.documents[1]
        #expect(p.canRead(three) && p.canWrite(three))
        #expect(!p.canRead(two) && !p.canWrite(two))
        #expect(Interpreter.matches(p.readQuery, three))
    }

    @Test("filters compile with MongoDB semantics", arguments: [
        // $in with an expansion; list fields contain; $nin negates.
        (#"{"team": {"$in": "%%user.custom_data.teams"}}"#, ["one", "two"]),
        (#"{"team": {"$nin": "%%user.custom_data.teams"}}"#, ["three", "four"]),
        (#"{"team": {"$in": "%%user.custom_data.nothing"}}"#, []),
        (#"{"tags": "x"}"#, ["one", "four"]),
        (#"{"tags": {"$in": ["z", "y"]}}"#, ["one", "two"]),
        (#"{"tags": ["x", "y"]}"#, ["one"]),
        (#"{"tags": {"$ne": "x"}}"#, ["two", "three"]),
        // $exists on a scalar and on a list (a Realm list always exists).
        (#"{"team": {"$exists": true}}"#, ["one", "two", "three"]),
        (#"{"team": {"$exists": false}}"#, ["four"]),
        (#"{"tags": {"$exists": false}}"#, []),
        // Comparisons, implicit AND, $and / $or / %or.
        (#"{"priority": {"$gt": 1, "$lte": 3}}"#, ["three", "four"]),
        (#"{"owner": "%%user.id", "priority": {"$gte": 2}}"#, ["three"]),
        (#"{"$or": [{"team": "b"}, {"archived": true}]}"#, ["two", "three"]),
        (#"{"%or": [{"owner": "u3"}, {"$and": [{"owner": "u1"}, {"tags": "y"}]}]}"#, ["one", "four"]),
        (#"{"%%user.custom_data.level": 3}"#, ["one", "two", "three", "four"]),
        (#"{"$or": [{"%%user.custom_data.isAdmin": true}, {"owner": "%%user.id"}]}"#, ["one", "three"]),
        // Type bracketing: numbers compare with numbers only; 2.0 fits an int, "5" never does.
        (#"{"priority": 2.0}"#, ["four"]),
        (#"{"priority": "5"}"#, []),
        (#"{"priority": {"$ne": "5"}}"#, ["one", "two", "three", "four"]),
        (#"{"score": {"$lt": 2}}"#, ["one"]),
        (#"{"owner": {"$gte": null}}"#, []),
        (#"{"team": null}"#, ["four"]),
        // An ObjectId field needs %stringToOid (or Extended JSON): a plain string never matches.
        (#"{"creator": "65a000000000000000000001"}"#, []),
        (#"{"creator": {"%stringToOid": "%%user.custom_data.creatorId"}}"#, ["one"]),
        (#"{"creator": {"$oid": "65a000000000000000000001"}}"#, ["one"]),
        // {} is true.
        ("{}", ["one", "two", "three", "four"]),
    ])
    func filterSemantics(_ filter: String, _ expected: [String]) throws {
        let (parsed, diagnostics) = RuleExpression.parse(filter)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        var alice = try Self.user(Self.alice)
        alice.customData = try JSON.parse(#"{"teams": ["a", "b"], "level": 3, "creatorId": "65a000000000000000000001"}"#)
        let predicate = try DocumentFilterCompiler.compile(try #require(parsed), collection: Self.task,
                                                           context: ExpansionContext(user: alice), what: "filter").get()
        #expect(Self.titles(predicate) == expected, "\(predicate)")
    }

    @Test("an expansion of the wrong type for its operator is an error, not a silent match")
    func wrongExpansionType() throws {
        let (parsed, _) = RuleExpression.parse(#"{"team": {"$in": "%%user.id"}}"#)
        let result = DocumentFilterCompiler.compile(try #require(parsed), collection: Self.task,
                                                    context: ExpansionContext(user: try Self.user(Self.alice)), what: "role 'r': document_filters.read")
        guard case .failure(let error) = result else {
            Issue.record("expected an error")
            return
        }
        #expect(error.diagnostic.code == .invalidExpansionValue)
        #expect(error.diagnostic.message == "role 'r': document_filters.read: '$in' needs an array, but '%%user.id' is a string")
    }

    @Test("write implies read: a read filter of false is unioned with the write filter")
    func writeImpliesRead() throws {
        let roles = "[" + Self.role("writer", read: "false", write: #"{"owner": "%%user.id"}"#) + "]"
        let p = try Self.resolve(roles, user: Self.alice)
        #expect(Self.titles(p.readFilter) == ["one", "three"])
        #expect(Self.titles(p.writeFilter) == ["one", "three"])

        let both = "[" + Self.role("team", read: #"{"team": "b"}"#, write: #"{"owner": "%%user.id"}"#) + "]"
        let q = try Self.resolve(both, user: Self.alice)
        #expect(Self.titles(q.readFilter) == ["one", "two", "three"])
        #expect(Self.titles(q.writeFilter) == ["one", "three"])
    }

    @Test("top-level and field-level read/write decide field access and whether filters grant anything")
    func fieldLevel() throws {
        let readOnly = #"[{"name": "reader", "apply_when": {}, "document_filters": {"read": true, "write": true}, "read": true, "write": false}]"#
        let p = try Self.resolve(readOnly, user: Self.alice)
        #expect(p.readFilter == .constant(true))
        #expect(p.writeFilter == .constant(false))
        #expect(p.access(toField: "title") == FieldAccess(read: true, write: false))

        let fields = #"[{"name": "f", "apply_when": {}, "document_filters": {"read": true, "write": {"owner": "%%user.id"}}, "fields": {"title": {"write": true}}, "additional_fields": {"read": true}}]"#
        let q = try Self.resolve(fields, user: Self.alice)
        #expect(q.access(toField: "title") == FieldAccess(read: true, write: true))
        #expect(q.access(toField: "team") == FieldAccess(read: true, write: false))
        #expect(Self.titles(q.writeFilter) == ["one", "three"])

        let nothing = #"[{"name": "n", "apply_when": {}, "document_filters": {"read": true, "write": true}}]"#
        #expect(try Self.resolve(nothing, user: Self.alice).readFilter == .constant(false))
    }

    @Test("the client sees its subscription AND its read filter")
    func subscriptionAndPermissions() throws {
        let p = try Self.resolve(Self.ownerAndAdmin, user: Self.alice)
        let subscription = try #require(Checker.check("priority >= 2", collection: Self.task).query)
        #expect(Self.titles(subscription.predicate) == ["two", "three", "four"])
        let visible = p.visibleQuery(subscription: subscription.predicate)
        #expect(Self.titles(visible.predicate) == ["three"])
    }

    @Test("a session resolves every collection once, with values and environment")
    func session() throws {
        let roles = "[" + Self.role("teams", read: #"{"team": {"$in": "%%values.openTeams"}}"#, write: #"{"team": "%%environment.values.ownTeam"}"#) + "]"
        let resolver = try Self.resolver(roles: roles, values: ["openTeams": try JSON.parse(#"["a", "c"]"#)],
                                         environment: RuleEnvironment(tag: "qa", values: ["ownTeam": JSONNode(.string("b"))]))
        let session = resolver.startSession(user: try Self.user(Self.nobody))
        #expect(session.count == 1)
        let p = try #require(session.first)
        #expect(p.userID == "u7")
        #expect(Self.titles(p.readFilter) == ["one", "two", "three"])
        #expect(Self.titles(p.writeFilter) == ["two"])
        #expect(resolver.resolve(user: try Self.user(Self.nobody), collectionNamed: "Nope") == nil)
    }

    // MARK: Sync compatibility

    static let queryable = SyncConfig(queryableFields: ["owner", "team"])

    @Test("roles that are not sync compatible say why", arguments: [
        (#"{"name": "r", "apply_when": {}, "read": true, "write": true}"#, DiagnosticCode.missingDocumentFilter,
         "'document_filters' is missing"),
        (#"{"name": "r", "apply_when": {}, "document_filters": {"read": true}, "read": true}"#, .missingDocumentFilter,
         "'document_filters.write' is missing"),
        (PermissionsTests.role("r", read: #"{"priority": {"$gt": 1}}"#), .ruleFieldNotQueryable,
         "'document_filters.read' uses 'priority', which is not a queryable field of 'Task'"),
        (PermissionsTests.role("r", read: #"{"details.note": "x"}"#), .ruleFieldNotQueryable, "a path into an embedded object"),
        (PermissionsTests.role("r", read: #"{"colour": "red"}"#), .unknownRuleField, "the field 'colour', which 'Task' does not have"),
        (PermissionsTests.role("r", read: #"{"owner": "%%root.team"}"#), .expansionNotAllowed, "uses '%%root.team' (it reads the document"),
        (PermissionsTests.role("r", read: #"{"owner": "%%request.remoteIPAddress"}"#), .expansionNotAllowed, "Device Sync allows only %%true"),
        (PermissionsTests.role("r", read: #"{"owner": {"%function": {"name": "owner"}}}"#), .functionNotAllowed, "%function is allowed only in apply_when"),
        (PermissionsTests.role("r", read: #"{"owner": {"$regex": "^u"}}"#), .operatorNotAllowed, "'$regex' in 'document_filters.read'"),
        (PermissionsTests.role("r", read: #"{"$nor": [{"owner": "u1"}]}"#), .operatorNotAllowed, "'$nor' in 'document_filters.read'"),
        (#"{"name": "r", "apply_when": {}, "document_filters": {"read": true, "write": true}, "read": {"owner": "%%user.id"}}"#,
         .nonBooleanPermission, "'read' must be true or false"),
        (#"{"name": "r", "apply_when": {}, "document_filters": {"read": true, "write": true}, "fields": {"title": {"read": {"%%true": true}}}}"#,
         .nonBooleanPermission, "'fields.title.read' must be true or false"),
        (#"{"name": "r", "apply_when": {}, "document_filters": {"read": true, "write": true}, "fields": {"_id": {"read": true}}}"#,
         .primaryKeyFieldPermission, "'fields._id' sets field-level permissions on '_id'"),
        (PermissionsTests.role("r", applyWhen: #"{"owner": "%%user.id"}"#, read: "true"), .applyWhenReadsDocument,
         "'apply_when' reads the document field 'owner'"),
        (PermissionsTests.role("r", applyWhen: #"{"%%root.owner": "%%user.id"}"#, read: "true"), .applyWhenReadsDocument,
         "'apply_when' uses '%%root.owner', which reads the document"),
        (PermissionsTests.role("r", applyWhen: #"{"%%partition": "x"}"#, read: "true"), .expansionNotAllowed, "'apply_when' uses '%%partition'"),
    ])
    func incompatible(_ role: String, _ code: DiagnosticCode, _ message: String) throws {
        let rules = try Self.collectionRules("[\(role)]")
        let r = try #require(rules.roles.first)
        let reasons = SyncCompatibility.check(r, collection: Self.task, config: Self.queryable)
        let first = try #require(reasons.first)
        #expect(first.code == code, "\(reasons)")
        #expect(first.message.hasPrefix("role 'r' is not sync compatible: "))
        #expect(first.message.contains(message), "\(first.message)")
        #expect(first.file == "todo/Task/rules.json")
        #expect(first.range != .none)
    }

    @Test("compatible roles have no reasons")
    func compatible() throws {
        let rules = try Self.collectionRules(Self.ownerAndAdmin)
        for role in rules.roles {
            #expect(SyncCompatibility.check(role, collection: Self.task, config: Self.queryable).isEmpty)
        }
        let allowed = Self.role("ok", applyWhen: #"{"%%user.id": {"$in": "%%values.ids"}, "%%true": {"%function": {"name": "f"}}}"#,
                                read: #"{"team": {"$in": "%%user.custom_data.teams"}, "owner": {"$exists": true, "$ne": null}}"#,
                                write: #"{"$or": [{"owner": "%%user.id"}, {"team": "%%environment.values.t"}]}"#)
        let role = try #require(try Self.collectionRules("[\(allowed)]").roles.first)
        #expect(SyncCompatibility.check(role, collection: Self.task, config: Self.queryable).isEmpty)
    }

    @Test("a selected role that is not sync compatible denies access; later roles are not tried")
    func incompatibleSelectedRole() throws {
        let roles = "[" + Self.role("bad", read: #"{"priority": 1}"#) + ", " + Self.role("good", read: "true") + "]"
        let p = try Self.resolve(roles, user: Self.alice, config: Self.queryable)
        guard case .notSyncCompatible(let role, let reasons)? = p.denial else {
            Issue.record("expected notSyncCompatible, got \(String(describing: p.denial))")
            return
        }
        #expect(role == "bad")
        #expect(reasons.map(\.code) == [.ruleFieldNotQueryable])
        #expect(p.denial?.description.contains("role 'bad' applies but is not sync compatible") == true)
        #expect(p.readFilter == .constant(false))
    }

    // MARK: Malformed files

    @Test("malformed rules files name the file, the role and the field", arguments: [
        (#"{"collection": "Task", "roles": {}}"#, DiagnosticCode.invalidRules,
         "rules.json for 'Task': 'roles' must be an array of roles, found an object"),
        (#"{"roles": []}"#, .invalidRules, "rules.json: 'collection' is missing"),
        (#"{"collection": "Task", "roles": [{"apply_when": {}}]}"#, .invalidRole, "rules.json for 'Task': roles[0]: 'name' is missing"),
        (#"{"collection": "Task", "roles": [{"name": "r"}]}"#, .invalidRole,
         "rules.json for 'Task': role 'r' (roles[0]): 'apply_when' is missing"),
        (#"{"collection": "Task", "roles": [{"name": "r", "applyWhen": {}}]}"#, .invalidRole,
         "rules.json for 'Task': role 'r' (roles[0]): unknown key 'applyWhen' in a role; App Services calls it 'apply_when'"),
        (#"{"database": "todo", "collection": "Task", "roles": [{"name": "r", "apply_when": "yes"}]}"#, .invalidRuleExpression,
         "rules.json for 'todo.Task': role 'r' (roles[0]): 'apply_when' must be an expression (true, false or an object), found a string (\"yes\")"),
        (#"{"collection": "Task", "roles": [{"name": "r", "apply_when": {}, "document_filters": {"read": {"$or": {}}}}]}"#,
         .invalidRuleExpression, "role 'r' (roles[0]): 'document_filters.read.$or' must be a non-empty array of expressions"),
        (#"{"collection": "Task", "roles": [{"name": "r", "apply_when": {}, "document_filters": {"write": {"team": {"$in": 3}}}}]}"#,
         .invalidRuleExpression, "role 'r' (roles[0]): 'document_filters.write.team.$in' needs an array or an expansion"),
        (#"{"collection": "Task", "roles": [{"name": "r", "apply_when": {"team": {"$eq": 1, "x": 2}}}]}"#,
         .invalidRuleExpression, "'apply_when.team' mixes the operator '$eq' with the field name 'x'"),
        (#"{"collection": "Task", "roles": [{"name": "r", "apply_when": {"%%user.": true}}]}"#,
         .invalidRuleExpression, "'apply_when.%%user.': '%%user.' is not a valid expansion"),
        (#"{"collection": "Task", "roles": [{"name": "r", "apply_when": {}, "fields": {"title": {"read": true, "hidden": true}}}]}"#,
         .invalidRole, "unknown key 'hidden' in 'fields.title'"),
        (#"{"collection": "Task", "roles": [{"name": "r", "apply_when": {}}, {"name": "r", "apply_when": {}}]}"#,
         .duplicateRoleName, "rules.json for 'Task': role name 'r' (roles[1]) is used twice"),
        (#"{"collection": "Task", "roles": [{"name": "r", "apply_when": {}, "search": "yes"}]}"#,
         .invalidRole, "'search' must be true or false"),
        (#"{"collection": "Task", "roles": [], "filters": [{"name": "f", "query": []}]}"#,
         .invalidRules, "filter 'f' (filters[0]): 'query' must be an object"),
        (#"{"collection": "Task", "roles": [], }"#, .invalidJSON, "invalid JSON: trailing comma before '}'"),
    ])
    func malformedRules(_ text: String, _ code: DiagnosticCode, _ message: String) throws {
        let (rules, diagnostics) = CollectionRules.load(text, file: "todo/Task/rules.json")
        #expect(rules == nil)
        let first = try #require(diagnostics.first)
        #expect(first.code == code, "\(diagnostics)")
        #expect(first.file == "todo/Task/rules.json")
        #expect(first.message.contains(message), "\(first.message)")
        #expect(first.kind == .schema)
    }

    @Test("a long role name and a malformed default rule are reported")
    func malformedDefaultRule() throws {
        let long = String(repeating: "n", count: RuleLimits.maxRoleNameLength + 1)
        let (rule, diagnostics) = DefaultRule.load(#"{"roles": [{"name": "\#(long)", "apply_when": {}}], "defaultRoles": []}"#,
                                                   file: "default_rule.json")
        #expect(rule == nil)
        #expect(diagnostics.map(\.code) == [.invalidRules, .invalidRole])
        #expect(diagnostics.allSatisfy { $0.file == "default_rule.json" && $0.message.hasPrefix("default_rule.json: ") })
        #expect(diagnostics.first?.message.contains("unknown key 'defaultRoles' in the file; App Services calls it 'roles'") == true)
        #expect(diagnostics.last?.message.contains("is 101 characters long") == true)
    }

    @Test("expressions nested past the limit are refused")
    func depthLimit() {
        let depth = RuleLimits.maxExpressionDepth + 1
        let text = String(repeating: #"{"$and": ["#, count: depth) + "true" + String(repeating: "]}", count: depth)
        let (expression, diagnostics) = RuleExpression.parse(text)
        #expect(expression == nil)
        #expect(diagnostics.first?.code == .invalidRuleExpression)
        #expect(diagnostics.first?.message.contains("nested deeper than \(RuleLimits.maxExpressionDepth) levels") == true)
    }
}
