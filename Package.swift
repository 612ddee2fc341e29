// swift-tools-version: 6.2
import PackageDescription

/// The codec stores `RawSpan` views in `~Escapable` structs; that needs the experimental
/// `Lifetimes` feature on the targets that declare such types or lifetimes (IKEv2, IKEv2Crypto,
/// IKEv2Capture); dependents build without it.
let lifetimes: [SwiftSetting] = [.enableExperimentalFeature("Lifetimes")]

/// The lowest deployment targets the code needs, so dependents are not forced higher. `Span`,
/// `RawSpan` and the `span`/`bytes` properties it uses are back-deployed by Swift 6.2+ toolchains
/// (to macOS 10.14.4 / iOS 12.2); the floor is the Swift 6.0 runtime, for typed-throws function
/// types (macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2). Linux has no platform floor.
let package = Package(
    name: "swift-ikev2",
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],
    products: [
        .library(name: "IKEv2", targets: ["IKEv2"]),
        // Valid and malformed message generators for fuzzing (ours and other implementations').
        .library(name: "IKEv2Mutation", targets: ["IKEv2Mutation"]),
        .library(name: "IKEv2Crypto", targets: ["IKEv2Crypto"]),
        .library(name: "IKEv2HA", targets: ["IKEv2HA"]),
        .library(name: "IKEv2Capture", targets: ["IKEv2Capture"]),
        .library(name: "IKEv2Report", targets: ["IKEv2Report"]),
        .library(name: "IKEv2Synth", targets: ["IKEv2Synth"]),
        .executable(name: "ikev2", targets: ["ikev2"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // `swift package generate-documentation` for the DocC catalogs of the library products.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // Codec: header, registries, payload views (parse + serialize side by side). Stdlib only.
        .target(name: "IKEv2", swiftSettings: lifetimes),
        // Message synthesizer, mutation generator, codec walk, seeded generator: test tooling,
        // kept out of the codec product.
        .target(name: "IKEv2Mutation", dependencies: ["IKEv2"]),
        // SK/SKF decryption and encryption, key tables, IKE fragment reassembly.
        .target(
            name: "IKEv2Crypto",
            dependencies: [
                "IKEv2", "COpenSSL",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: lifetimes
        ),
        // Debian's OpenSSL libcrypto, for 3DES-CBC only (swift-crypto has no DES).
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // Message-ID window model, RFC 6311 sync and reset procedures, failover analysis.
        .target(name: "IKEv2HA", dependencies: ["IKEv2"]),
        // libpcap.
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        // Capture files -> frames -> datagrams -> IKE bytes with context; writing pcap. IKEv2 for
        // the one hex and address text definition (`Hex`, `AddressText`).
        .target(name: "IKEv2Capture", dependencies: ["CPcap", "IKEv2"], swiftSettings: lifetimes),
        // line / text / JSON renderers, testable without the CLI.
        .target(
            name: "IKEv2Report",
            dependencies: ["IKEv2", "IKEv2Crypto", "IKEv2HA", "IKEv2Capture"]
        ),
        // Failover scenarios -> frames + key table.
        .target(
            name: "IKEv2Synth",
            dependencies: ["IKEv2", "IKEv2Mutation", "IKEv2Crypto", "IKEv2HA", "IKEv2Capture"]
        ),
        .executableTarget(
            name: "ikev2",
            dependencies: [
                "IKEv2", "IKEv2Mutation", "IKEv2Crypto", "IKEv2HA", "IKEv2Capture", "IKEv2Report", "IKEv2Synth",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets: the one fixture locator (Tests/Fixtures, samples/), the
        // built `ikev2` binary, tool lookup. A regular target so tests can share it; not a product.
        .target(name: "TestSupport", dependencies: ["IKEv2", "IKEv2Capture"], path: "Tests/TestSupport"),
        // Regressions/ holds fuzz-found inputs, read through the locator (not resources).
        .testTarget(
            name: "IKEv2Tests", dependencies: ["IKEv2", "IKEv2Mutation", "TestSupport"], exclude: ["Regressions"]
        ),
        .testTarget(name: "IKEv2CryptoTests", dependencies: ["IKEv2Crypto", "IKEv2", "IKEv2Capture", "TestSupport"]),
        .testTarget(name: "IKEv2HATests", dependencies: ["IKEv2HA", "IKEv2", "IKEv2Mutation", "TestSupport"]),
        .testTarget(name: "IKEv2CaptureTests", dependencies: ["IKEv2Capture", "IKEv2", "TestSupport"]),
        .testTarget(
            name: "IKEv2ReportTests",
            dependencies: ["IKEv2Report", "IKEv2Synth", "IKEv2Capture", "IKEv2", "IKEv2Crypto", "IKEv2HA", "TestSupport"]
        ),
        .testTarget(
            name: "IKEv2SynthTests",
            dependencies: ["IKEv2Synth", "IKEv2Report", "IKEv2Capture", "IKEv2", "IKEv2Crypto", "IKEv2HA", "TestSupport"]
        ),
        // Runs the built `ikev2` executable (SwiftPM builds it with the tests).
        .testTarget(
            name: "IKEv2CLITests",
            dependencies: ["IKEv2Report", "IKEv2Capture", "IKEv2", "IKEv2Crypto", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
