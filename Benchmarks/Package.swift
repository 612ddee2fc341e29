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
        // Shared by the benchmarks and bench-walk: the mmap'd classic-pcap walk (library-level
        // parse + walk). The codec only: no libpcap, so a process that walks with it starts
        // like the plain C walker it is compared with.
        .target(
            name: "BenchSupport",
            dependencies: [.product(name: "IKEv2", package: parent)],
            swiftSettings: lifetimes
        ),
        // `bench-gen OUT.pcap MESSAGES [SEED] [KEYS]`: the mixed benchmark capture.
        .executableTarget(
            name: "bench-gen",
            dependencies: [.product(name: "IKEv2Synth", package: parent)]
        ),
        // `bench-walk [--mmap|--chain|--header|...] FILE [REPEAT]`: parse + walk every IKE message
        // of an mmap'd classic pcap.
        .executableTarget(
            name: "bench-walk",
            dependencies: ["BenchSupport", .product(name: "IKEv2", package: parent)]
        ),
        // `bench-capture FILE [REPEAT]`: the same parse + walk fed by IKEv2Capture.CaptureReader (libpcap).
        .executableTarget(
            name: "bench-capture",
            dependencies: [
                "BenchSupport",
                .product(name: "IKEv2", package: parent),
                .product(name: "IKEv2Capture", package: parent),
            ]
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
