import Foundation
import RQLSyntax
import RQLTesting
import Testing

@testable import RQLSemantics
@testable import RQLDocuments

/// A fresh temporary folder, removed by `remove()`.
private struct TempApp {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "rqlkit-export-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func write(_ relativePath: String, _ text: String) throws {
        try write(relativePath, Data(text.utf8))
    }

    func write(_ relativePath: String, _ data: Data) throws {
        let url = URL(fileURLWithPath: root + "/" + relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func path(_ relativePath: String) -> String { root + "/" + relativePath }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

private let db = "data_sources/mongodb-atlas/todo"

@Suite("App export")
struct AppExportTests {
    @Test("an exported app loads every collection schema and the sync config")
    func loadsExport() throws {
        let app = try TempApp()
        defer { app.remove() }
        try app.write("\(db)/Task/schema.json", schemaText(properties: """
            "_id": {"bsonType": "objectId"}, "owner_id": {"bsonType": "string"}, "status": {"bsonType": "string"}
            """))
        try app.write("\(db)/items/schema.json", schemaText("Item", properties: #""_id": {"bsonType": "uuid"}, "status": {"bsonType": "int"}"#))
        try app.write("\(db)/items/rules.json", "{}")
        try app.write("\(db)/audit/rules.json", "{}")  // no schema: not synced, not an error
        try app.write("data_sources/mongodb-atlas/config.json", #"{"name": "mongodb-atlas"}"#)
        try app.write("sync/config.json", """
            {"type": "flexible", "queryable_fields_names": ["owner_id"],
             "collection_queryable_fields_names": {"items": ["status"]}}
            """)

        let export = AppExport.load(directory: app.root)
        #expect(export.diagnostics.isEmpty, "\(export.diagnostics)")
        #expect(export.schema.titles == ["Task", "Item"])
        #expect(export.schema["Item"]?.collectionName == "items")
        #expect(export.schema["Task"]?.file == app.path("\(db)/Task/schema.json"))
        let config = try #require(export.syncConfig)
        #expect(config.queryableFields(for: "items") == ["owner_id", "status"])
        #expect(export.fileTexts[app.path("sync/config.json")]?.contains("flexible") == true)
    }

    @Test("a bad schema is reported with its path and not loaded; the others load")
    func badSchema() throws {
        let app = try TempApp()
        defer { app.remove() }
        try app.write("\(db)/Good/schema.json", schemaText("Good", properties: #""_id": {"bsonType": "objectId"}"#))
        try app.write("\(db)/Bad/schema.json", schemaText("Bad", properties: #""_id": {"bsonType": "objectId"}, "x": {"bsonType": "regex"}"#))
        try app.write("\(db)/Broken/schema.json", #"{"title": "Broken", "#)

        let export = AppExport.load(directory: app.root)
        #expect(export.schema.titles == ["Good"])
        let byFile = Dictionary(grouping: export.diagnostics, by: { $0.file ?? "" })
        #expect(byFile[app.path("\(db)/Bad/schema.json")]?.map(\.code) == [.unsupportedBsonType])
        #expect(byFile[app.path("\(db)/Broken/schema.json")]?.map(\.code) == [.invalidJSON])
    }

    @Test("a file that is not UTF-8 is reported with its path")
    func notUTF8() throws {
        let app = try TempApp()
        defer { app.remove() }
        try app.write("\(db)/Task/schema.json", Data([0x7B, 0xFF, 0xFE, 0x7D]))
        let export = AppExport.load(directory: app.root)
        let d = try #require(export.diagnostics.first)
        #expect(d.code == .unreadableFile)
        #expect(d.file == app.path("\(db)/Task/schema.json"))
        #expect(d.message.contains("not valid UTF-8"))
        #expect(export.schema.isEmpty)
    }

    @Test("a schema.json that is a folder is reported")
    func schemaIsFolder() throws {
        let app = try TempApp()
        defer { app.remove() }
        try FileManager.default.createDirectory(atPath: app.path("\(db)/Task/schema.json"), withIntermediateDirectories: true)
        let export = AppExport.load(directory: app.root)
        #expect(export.diagnostics.map(\.code) == [.unreadableFile])
        #expect(export.diagnostics.first?.message.contains("is a folder") == true)
    }

    @Test("a missing app folder or data_sources folder is an error naming the path")
    func missingFolders() throws {
        let missing = AppExport.load(directory: "/nonexistent/rqlkit/app")
        #expect(missing.diagnostics.map(\.code) == [.unreadableFile])
        #expect(missing.diagnostics.first?.file == "/nonexistent/rqlkit/app")

        let app = try TempApp()
        defer { app.remove() }
        let empty = AppExport.load(directory: app.root)
        #expect(empty.diagnostics.map(\.code) == [.unreadableFile])
        #expect(empty.diagnostics.first?.file == app.path("data_sources"))
    }

    @Test("config errors and validation errors name the config file")
    func configErrors() throws {
        let app = try TempApp()
        defer { app.remove() }
        try app.write("\(db)/Task/schema.json", schemaText(properties: """
            "_id": {"bsonType": "objectId"}, "address": {"bsonType": "object", "properties": {}}
            """))
        try app.write("sync/config.json", #"{"queryable_fields_names": ["address", "limit"]}"#)
        let export = AppExport.load(directory: app.root)
        #expect(export.diagnostics.map(\.code) == [.reservedFieldName, .ineligibleQueryableField])
        #expect(export.diagnostics.allSatisfy { $0.file == app.path("sync/config.json") })

        try app.write("sync/config.json", #"{"type": "partition"}"#)
        let partition = AppExport.load(directory: app.root)
        #expect(partition.syncConfig == nil)
        #expect(partition.diagnostics.map(\.code) == [.notFlexibleSync])
    }

    @Test("without a sync config the schema's property names are still checked")
    func noConfig() throws {
        let app = try TempApp()
        defer { app.remove() }
        try app.write("\(db)/Task/schema.json", schemaText(properties: #""_id": {"bsonType": "objectId"}, "TRUE": {"bsonType": "bool"}"#))
        let export = AppExport.load(directory: app.root)
        #expect(export.syncConfig == nil)
        #expect(export.diagnostics.map(\.code) == [.reservedFieldName])
        #expect(export.diagnostics.first?.file == app.path("\(db)/Task/schema.json"))

        try app.write("sync/config.json", "{")
        let broken = AppExport.load(directory: app.root)
        #expect(broken.syncConfig == nil)
        #expect(broken.diagnostics.map(\.code) == [.invalidJSON, .reservedFieldName])
    }

    @Test("two collections with the same title: the second is refused")
    func duplicateTitles() throws {
        let app = try TempApp()
        defer { app.remove() }
        try app.write("\(db)/a/schema.json", schemaText(properties: #""_id": {"bsonType": "objectId"}"#))
        try app.write("\(db)/b/schema.json", schemaText(properties: #""_id": {"bsonType": "string"}"#))
        let export = AppExport.load(directory: app.root)
        #expect(export.diagnostics.map(\.code) == [.duplicateSchema])
        #expect(export.schema["Task"]?.collectionName == "a")
    }
}
