// swift-tools-version: 6.0
// RQLKit: a toolkit for the Flexible Sync subset of Realm Query Language.
//
// The pipeline is visible in the targets:
//   RQLSyntax    source -> tokens -> AST (lexer, Pratt parser, diagnostics, printers); no dependencies
//   RQLSemantics schemas, App Services config, type checker, Flexible Sync rules
//   RQLDocuments documents: Extended JSON, the document loader, App Services exports from disk
//   RQLRuntime   the interpreter, optimizer, compiler and VM: the whole hot path
//   RQL          the public facade for embedding
//   RQLSQL       checked queries as PostgreSQL WHERE clauses, tables from schemas; no database code
//   RQLPostgres  RQLSQL run in a PostgreSQL server (postgres-nio): load with COPY, query, decode rows;
//                its own product, so embedders without PostgreSQL never build postgres-nio
//   RQLCorpus    the .rqlt conformance corpus: reader and runner
//   rql          the command-line tool
import PackageDescription

let package = Package(
    name: "RQLKit",
    products: [
        .library(name: "RQL", targets: ["RQL"]),
        // What a sync server needs beyond queries: subscriptions, permissions, the change matcher.
        .library(name: "RQLSync", targets: ["RQLSync"]),
        // Queries pushed down to PostgreSQL: the translator and the table layout, with no database code.
        .library(name: "RQLSQL", targets: ["RQLSQL"]),
        // The same queries run in a PostgreSQL server: connect, install the helper functions, load, query.
        .library(name: "RQLPostgres", targets: ["RQLPostgres"]),
        .executable(name: "rql", targets: ["rql"]),
        .executable(name: "rql-bench", targets: ["rql-bench"]),
        .executable(name: "FuzzParser", targets: ["FuzzParser"]),
        .executable(name: "FuzzChecker", targets: ["FuzzChecker"]),
        .executable(name: "FuzzEvaluator", targets: ["FuzzEvaluator"]),
        .executable(name: "FuzzMatcher", targets: ["FuzzMatcher"]),
        .executable(name: "FuzzLive", targets: ["FuzzLive"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // API documentation: swift package generate-documentation --target RQL (README, "Embedding").
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Only RQLPostgres (and the rql tool) depend on it.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(name: "RQLSyntax"),
        .target(name: "RQLSemantics", dependencies: ["RQLSyntax"]),
        .target(name: "RQLDocuments", dependencies: ["RQLSyntax", "RQLSemantics"]),
        .target(name: "RQLRuntime", dependencies: ["RQLSyntax", "RQLSemantics", "RQLDocuments"]),
        .target(name: "RQL", dependencies: ["RQLSyntax", "RQLSemantics", "RQLDocuments", "RQLRuntime"]),
        .target(name: "RQLSQL", dependencies: ["RQL"], resources: [.embedInCode("rqlkit-functions.sql")]),
        .target(name: "RQLPostgres", dependencies: ["RQL", "RQLSQL", .product(name: "PostgresNIO", package: "postgres-nio")]),
        .target(name: "RQLCorpus", dependencies: ["RQL", "RQLSync", "RQLSQL"]),
        .target(name: "RQLSync", dependencies: ["RQL"]),
        // The REPL's logic, with no terminal code: lines come from a LineSource (libedit in `rql`).
        .target(name: "RQLShell", dependencies: ["RQL", "RQLSync"]),
        .systemLibrary(name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .executableTarget(
            name: "rql",
            dependencies: ["RQL", "RQLCorpus", "RQLShell", "RQLSync", "RQLSQL", "RQLPostgres", "CLibEdit",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            resources: [.copy("Resources/demo-app")]),
        .executableTarget(name: "rql-bench", dependencies: ["RQL", "RQLSync", "RQLTesting", "RQLSQL", "RQLPostgres"]),
        // Test support shared by the tests and the fuzz targets: the random document/query generator,
        // and the change matcher's model.
        .target(name: "RQLTesting", dependencies: ["RQLSyntax", "RQLSemantics", "RQLDocuments", "RQLRuntime", "RQLSync"]),
        // libFuzzer targets (Tests/Fuzz/run.sh builds them with -sanitize=fuzzer -DFUZZING); a normal
        // build makes replay tools: `.build/debug/FuzzParser FILE-OR-DIR...`.
        .executableTarget(name: "FuzzParser", dependencies: ["RQLSyntax", "RQLTesting"]),
        .executableTarget(name: "FuzzChecker", dependencies: ["RQLSyntax", "RQLSemantics", "RQLTesting"]),
        .executableTarget(name: "FuzzEvaluator", dependencies: ["RQLSyntax", "RQLSemantics", "RQLDocuments", "RQLRuntime", "RQLTesting"]),
        .executableTarget(name: "FuzzMatcher", dependencies: ["RQLSync", "RQLTesting"]),
        .executableTarget(name: "FuzzLive", dependencies: ["RQLRuntime", "RQLTesting"]),
        .testTarget(name: "RQLSyntaxTests", dependencies: ["RQLSyntax", "RQLCorpus", "RQLTesting"]),
        .testTarget(name: "RQLSemanticsTests", dependencies: ["RQLSemantics", "RQLDocuments", "RQLSyntax", "RQLTesting"]),
        .testTarget(name: "RQLDocumentsTests", dependencies: ["RQLDocuments", "RQLSemantics", "RQLSyntax", "RQLTesting"]),
        .testTarget(name: "RQLShellTests", dependencies: ["RQLShell", "RQL", "RQLSync"]),
        .testTarget(name: "RQLSyncTests", dependencies: ["RQLSync", "RQL", "RQLTesting"]),
        // Runs only when RQL_TEST_DATABASE names a PostgreSQL server (.ci/run starts one).
        .testTarget(name: "RQLPostgresTests", dependencies: ["RQLPostgres", "RQLSQL", "RQL", "RQLRuntime", "RQLTesting"]),
        .testTarget(name: "RQLSQLTests", dependencies: ["RQLSQL", "RQL", "RQLRuntime", "RQLTesting"]),
        .testTarget(name: "RQLRuntimeTests", dependencies: ["RQLRuntime", "RQLSemantics", "RQLDocuments", "RQLSyntax", "RQLTesting"]),
    ]
)
