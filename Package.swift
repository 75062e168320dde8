// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Lore",
    products: [
        .executable(name: "lore", targets: ["lore"]),
        .executable(name: "lore-serve", targets: ["lore-serve"]),
        .library(name: "LoreCore", targets: ["LoreCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // `lore serve`: the Model Context Protocol over stdio, and HTTP (Hummingbird, on SwiftNIO).
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Debian libblas-dev: the generic `blas`, swapped for OpenBLAS at run time by alternatives.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libblas-dev"])]),
        // Debian liblapack-dev: the generic `lapack` (Fortran symbols, declared in the shim header).
        .systemLibrary(name: "CLAPACK", path: "Sources/CLAPACK", providers: [.apt(["liblapack-dev"])]),
        // Debian libstemmer-dev: Snowball stemmers.
        .systemLibrary(name: "CStemmer", path: "Sources/CStemmer", providers: [.apt(["libstemmer-dev"])]),
        .target(
            name: "LoreCore",
            dependencies: ["CBLAS", "CLAPACK", "CStemmer", .product(name: "Yams", package: "Yams")]
        ),
        // The command line's shared parts: error reporting, and the options of the notes, the
        // index, a search and the server.
        .target(
            name: "LoreCommandLine",
            dependencies: ["LoreCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "lore", dependencies: ["LoreCore", "LoreCommandLine"]),
        // The server `lore serve` starts in its place: its libraries (the MCP SDK links libcurl)
        // would cost every `lore ask` their loading time.
        .executableTarget(
            name: "lore-serve",
            dependencies: ["LoreCore", "LoreCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "MCP", package: "swift-sdk"), .product(name: "Logging", package: "swift-log"),
                           .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(name: "LoreCoreTests", dependencies: ["LoreCore"]),
        // Runs the built binaries as processes; depending on them makes `swift test` build them.
        .testTarget(name: "LoreEndToEndTests", dependencies: ["lore", "lore-serve"]),
    ]
)
