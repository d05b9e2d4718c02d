// swift-tools-version: 6.0
// A package outside RQLKit that depends on its library products, as a server developer's would:
// `.ci/run` builds and runs it, so the README's embedding and sync examples compile against the
// public API only and give the printed answers.
import PackageDescription

let package = Package(
    name: "Consumer",
    dependencies: [.package(name: "RQLKit", path: "../..")],
    targets: [
        .executableTarget(name: "Consumer", dependencies: [
            .product(name: "RQL", package: "RQLKit"),
            .product(name: "RQLSync", package: "RQLKit"),
        ]),
    ]
)
