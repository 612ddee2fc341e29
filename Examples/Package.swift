// swift-tools-version: 6.2
// The five everyday library tasks as small executables, built against the package in the parent
// folder exactly as a user's package would depend on it (public API only). `Examples/run` builds
// them and runs them on the bundled samples; CI runs it after the test suite.
import Foundation
import PackageDescription

// A path dependency's package identity is its folder name (lowercased), not the name in its
// manifest: "swift-ikev2" in a clone of that name, something else in another checkout. A user
// depending by URL writes `package: "swift-ikev2"`.
let ikev2 = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

let package = Package(
    name: "Examples",
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],
    dependencies: [
        .package(path: ".."),  // or .package(url: "https://github.com/<owner>/swift-ikev2", branch: "main")
    ],
    targets: [
        .executableTarget(name: "list-messages", dependencies: [
            .product(name: "IKEv2", package: ikev2), .product(name: "IKEv2Capture", package: ikev2),
        ]),
        .executableTarget(name: "decrypt-sync", dependencies: [
            .product(name: "IKEv2", package: ikev2), .product(name: "IKEv2Crypto", package: ikev2),
            .product(name: "IKEv2Capture", package: ikev2),
        ]),
        .executableTarget(name: "build-sync", dependencies: [
            .product(name: "IKEv2", package: ikev2), .product(name: "IKEv2Crypto", package: ikev2),
        ]),
        .executableTarget(name: "answer-sync", dependencies: [
            .product(name: "IKEv2", package: ikev2), .product(name: "IKEv2Crypto", package: ikev2),
            .product(name: "IKEv2HA", package: ikev2),
        ]),
        .executableTarget(name: "write-pcap", dependencies: [
            .product(name: "IKEv2", package: ikev2), .product(name: "IKEv2Capture", package: ikev2),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
