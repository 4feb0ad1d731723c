// swift-tools-version:6.1
import PackageDescription

/// Settings given to every target, so the whole package holds to the same rules.
let swiftSettings: [SwiftSetting] = [
    // `any P` spelled out: existential costs are visible at the use site.
    .enableUpcomingFeature("ExistentialAny"),
    // A file sees only the members of modules it imports itself.
    .enableUpcomingFeature("MemberImportVisibility"),
    // Imports are internal unless marked `public import`: no dependency leaks into our API by accident.
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "yunfu-report",
    // Built and tested on Linux (Debian bookworm). On Apple systems the code would need macOS 15
    // (Synchronization.Mutex); it is not built or tested there (docs/decisions.md).
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "yunfu-report", targets: ["yunfu-report"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // libxlsxwriter, the Debian package, seen by SwiftPM through a module map.
        .systemLibrary(
            name: "CXlsxWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev", "zlib1g-dev"])]
        ),
        // renameat2(RENAME_EXCHANGE), which Glibc's Swift overlay does not expose: the atomic swap of run directories.
        .target(name: "CSystemShims"),
        // The one Swift module that imports the C library.
        .target(
            name: "XlsxWriter",
            dependencies: ["CXlsxWriter"],
            swiftSettings: swiftSettings
        ),
        // The simulated platform: a real HTTP server on loopback, for `demo`, `simulate`, tests and the benchmark.
        .target(
            name: "YunfuSimulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The job: configuration → fetch → decode → aggregate → report → writers → run directory.
        .target(
            name: "YunfuReport",
            dependencies: [
                "CSystemShims",
                "XlsxWriter",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["Writers/Markdown/Templates/README.md"],
            // The default Markdown templates, compiled in: the files of the top-level Templates/
            // (Writers/Markdown/Templates is a link to it).
            resources: [
                .embedInCode("Writers/Markdown/Templates/report.zh-CN.md.mustache"),
                .embedInCode("Writers/Markdown/Templates/report.en.md.mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        // The commands: they wire the job, the simulated platform (`demo`, `simulate`) and the
        // benchmark, and own the process (signals, the terminal, the logging set-up, exit codes).
        .target(
            name: "YunfuReportCLI",
            dependencies: [
                "YunfuReport",
                "YunfuSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A thin executable: one @main that calls the root command.
        .executableTarget(
            name: "yunfu-report",
            dependencies: ["YunfuReportCLI"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "YunfuReportTests",
            dependencies: [
                "YunfuReport",
                "YunfuReportCLI",
                "YunfuSimulator",
                "XlsxWriter",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
    ]
)
