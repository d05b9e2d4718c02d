import RQLSyntax

/// The documents of one collection, as rows in insertion order, with an index on `_id`.
///
/// Inserting is all-or-nothing per call: a batch with any problem (a duplicate `_id`, within
/// the batch or against stored documents, or a document that does not fit the schema) inserts
/// nothing.
public struct CollectionStore: Sendable {
    /// The collection's schema; every document has one value per property, in its order.
    public let schema: ObjectSchema
    /// The documents in insertion order.
    public private(set) var documents: [Document] = []
    /// The position of each document by its `_id`.
    private var positionByID: [Value: Int] = [:]
    /// The position of `_id` in `schema.properties`, if the schema has one.
    private let idIndex: Int?

    /// An empty collection.
    public init(schema: ObjectSchema) {
        self.schema = schema
        idIndex = schema.properties.firstIndex { $0.name == ObjectSchema.primaryKeyName }
    }

    /// How many documents there are.
    public var count: Int { documents.count }

    /// The position in `documents` of the document whose `_id` is `id`.
    public func index(ofID id: Value) -> Int? {
        positionByID[id]
    }

    /// The document whose `_id` is `id`.
    public func document(withID id: Value) -> Document? {
        positionByID[id].map { documents[$0] }
    }

    /// Appends `newDocuments` in order, or nothing if any of them has a problem. Returns the
    /// problems (at most `DocumentLoader.maxReportedErrors`); an empty array means all were
    /// inserted.
    public mutating func insert(contentsOf newDocuments: [Document]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var newPositions: [Value: Int] = [:]
        for (offset, document) in newDocuments.enumerated() {
            if diagnostics.count >= DocumentLoader.maxReportedErrors {
                diagnostics.append(Diagnostic(.documentTooManyErrors,
                                              "more than \(DocumentLoader.maxReportedErrors) errors; the rest are not reported",
                                              at: .none))
                break
            }
            let label = "document at batch index \(offset)"
            if let problem = document.mismatch(with: schema) {
                diagnostics.append(Diagnostic(.documentTypeMismatch,
                                              "\(label) does not fit '\(schema.title)': \(problem)", at: .none))
                continue
            }
            guard let idIndex else { continue }
            let id = document.values[idIndex]
            let key = Document.describeKey(id)
            if let existing = positionByID[id] {
                diagnostics.append(Diagnostic(.documentDuplicateID,
                                              "\(label): duplicate _id \(key) (already in '\(schema.title)' at position \(existing))",
                                              at: .none))
            } else if let earlier = newPositions[id] {
                diagnostics.append(Diagnostic(.documentDuplicateID,
                                              "\(label): duplicate _id \(key) (also at batch index \(earlier - documents.count))",
                                              at: .none))
            } else {
                newPositions[id] = documents.count + offset
            }
        }
        guard !diagnostics.hasErrors else { return diagnostics }
        positionByID.merge(newPositions) { old, _ in old }
        documents.append(contentsOf: newDocuments)
        return diagnostics
    }

    /// Reads Extended JSON text with `DocumentLoader` and inserts the documents if the text has
    /// no errors and no `_id` is already stored. Returns every problem found.
    public mutating func load(_ text: String, file: String? = nil) -> [Diagnostic] {
        let (loaded, diagnostics) = DocumentLoader.load(text, schema: schema, file: file)
        guard !diagnostics.hasErrors else { return diagnostics }
        return diagnostics + insert(contentsOf: loaded)
    }
}
