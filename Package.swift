// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Clientele",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "clientele", targets: ["clientele"]),
        .library(name: "ClienteleCore", targets: ["ClienteleCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CNCurses",
            path: "Sources/CNCurses",
            providers: [.apt(["libncurses-dev"])]
        ),
        .target(
            name: "ClienteleCore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "ClienteleTUI",
            dependencies: [
                "ClienteleCore",
                "CNCurses",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "clientele",
            dependencies: [
                "ClienteleCore",
                "ClienteleTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Measures the console for scripts/bench; its own executable so benchmark code never ships in `clientele`.
        .executableTarget(
            name: "ConsoleBenchmark",
            dependencies: ["ClienteleCore", "ClienteleTUI"]
        ),
        .testTarget(
            name: "ClienteleCoreTests",
            dependencies: ["ClienteleCore"]
        ),
        .testTarget(
            name: "ClienteleIntegrationTests",
            dependencies: ["ClienteleCore"]
        ),
        .testTarget(
            name: "ClienteleTUITests",
            dependencies: ["ClienteleTUI", "ClienteleCore"],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "ConsoleBenchmarkTests",
            dependencies: ["ConsoleBenchmark", "ClienteleCore", "ClienteleTUI"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
