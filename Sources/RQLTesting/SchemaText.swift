/// A schema.json text with the given properties (JSON text) and `required` list.
public func schemaText(_ title: String = "Task", properties: String, required: [String] = ["_id"]) -> String {
    let req = required.map { "\"\($0)\"" }.joined(separator: ", ")
    return """
        {
          "title": "\(title)",
          "bsonType": "object",
          "required": [\(req)],
          "properties": {
            \(properties)
          }
        }
        """
}
