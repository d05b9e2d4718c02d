// The public facade: `import RQL` gives the whole toolkit.
@_exported import RQLSyntax
@_exported import RQLSemantics
@_exported import RQLDocuments
@_exported import RQLRuntime
