// swift-tools-version: 6.2
// libFuzzer targets for swift-ikev2 (a separate package with its own .build, so the main
// package's build and CI never compile the fuzzer instrumentation). Build and run with `./run`.
import PackageDescription

let package = Package(
    name: "swift-ikev2-fuzz",
    platforms: [.macOS(.v26)],
    dependencies: [
        .package(name: "swift-ikev2", path: ".."),
    ],
    targets: [
        // Shared helpers: the entry-point plumbing and input decoding (not a fuzz target).
        .target(name: "FuzzSupport", dependencies: [.product(name: "IKEv2", package: "swift-ikev2"),
                                                   .product(name: "IKEv2Mutation", package: "swift-ikev2")]),
        // Parse + walk every payload and sub-structure, typed notify decoding, SK/SKF splits, owned conversion.
        .executableTarget(name: "FuzzMessage", dependencies: ["FuzzSupport", .product(name: "IKEv2", package: "swift-ikev2"),
                                                        .product(name: "IKEv2Mutation", package: "swift-ikev2")]),
        // Exact serialization reproduces parsed input; built messages re-parse to equal values.
        .executableTarget(name: "FuzzRoundTrip", dependencies: ["FuzzSupport", .product(name: "IKEv2", package: "swift-ikev2"),
                                                        .product(name: "IKEv2Mutation", package: "swift-ikev2")]),
        // The bytes as a pcap/pcapng file through CaptureReader, IP/TCP reassembly, the codec and SKF grouping.
        .executableTarget(
            name: "FuzzCapture",
            dependencies: [
                "FuzzSupport",
                .product(name: "IKEv2", package: "swift-ikev2"),
                .product(name: "IKEv2Mutation", package: "swift-ikev2"),
                .product(name: "IKEv2Capture", package: "swift-ikev2"),
                .product(name: "IKEv2Crypto", package: "swift-ikev2"),
            ]
        ),
        // Fixed keys (AES-CBC-256/HMAC-SHA2-256-128, AES-GCM-16-256): SK/SKF decryption and reassembly.
        .executableTarget(
            name: "FuzzDecrypt",
            dependencies: [
                "FuzzSupport",
                .product(name: "IKEv2", package: "swift-ikev2"),
                .product(name: "IKEv2Crypto", package: "swift-ikev2"),
            ]
        ),
        // Arbitrary observation sequences through FailoverAnalyzer and the report layer, small bounds.
        .executableTarget(
            name: "FuzzFailover",
            dependencies: [
                "FuzzSupport",
                .product(name: "IKEv2", package: "swift-ikev2"),
                .product(name: "IKEv2HA", package: "swift-ikev2"),
                .product(name: "IKEv2Report", package: "swift-ikev2"),
            ]
        ),
        // Structure-aware: LLVMFuzzerCustomMutator over MutationGenerator, same walk as FuzzMessage.
        .executableTarget(name: "FuzzStructured", dependencies: ["FuzzSupport", .product(name: "IKEv2", package: "swift-ikev2"),
                                                        .product(name: "IKEv2Mutation", package: "swift-ikev2")]),
    ],
    swiftLanguageModes: [.v6]
)
