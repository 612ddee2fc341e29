// swift-tools-version: 6.2
// Benchmarks for swift-ikev2, kept out of the main package so its builds do not pay for
// ordo-one/benchmark. Run from this directory: `swift package benchmark` (see the README, "Performance").
import Foundation
import PackageDescription

/// The parent package is referenced by path; SwiftPM names a path dependency after its folder.
let parentFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let parent = parentFolder.lastPathComponent
let lifetimes: [SwiftSetting] = [.enableExperimentalFeature("Lifetimes")]

let package = Package(
    name: "swift-ikev2-benchmarks",
    platforms: [.macOS(.v26)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Shared by the benchmarks and the executables: loading a capture into memory, the
        // mmap'd classic-pcap walk (library-level parse + walk).
        .target(
            name: "BenchSupport",
            dependencies: [
                .product(name: "IKEv2", package: parent),
                .product(name: "IKEv2Capture", package: parent),
            ],
            swiftSettings: lifetimes
        ),
        // `bench-gen OUT.pcap MESSAGES [SEED] [KEYS]`: the mixed benchmark capture.
        .executableTarget(
            name: "bench-gen",
            dependencies: [.product(name: "IKEv2Synth", package: parent)]
        ),
        // `bench-walk [--mmap|--pcap] FILE [REPEAT]`: parse + validate every IKE message.
        .executableTarget(
            name: "bench-walk",
            dependencies: ["BenchSupport", .product(name: "IKEv2", package: parent)]
        ),
        .executableTarget(
            name: "IKEv2Benchmarks",
            dependencies: [
                "BenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "IKEv2", package: parent),
                .product(name: "IKEv2Crypto", package: parent),
                .product(name: "IKEv2Capture", package: parent),
                .product(name: "IKEv2Report", package: parent),
                .product(name: "IKEv2Synth", package: parent),
            ],
            path: "Benchmarks/IKEv2Benchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
