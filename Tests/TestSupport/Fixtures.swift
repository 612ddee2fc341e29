import Foundation
import IKEv2
import IKEv2Capture

/// Locates the test fixtures (`Tests/Fixtures`, `samples/`) from this source file, so every test
/// target finds them on a fresh clone. The one locator of the package's tests: extend it rather
/// than defining another.
package enum Fixtures {
    /// The package's root directory (the one holding `Package.swift`).
    package static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `Tests/`.
    package static let testsRoot = packageRoot.appendingPathComponent("Tests")
    /// `Tests/Fixtures/` (see `Tests/Fixtures/PROVENANCE.md`).
    package static let root = testsRoot.appendingPathComponent("Fixtures")
    /// `Tests/Fixtures/corpus/`: third-party messages and captures.
    package static let corpus = root.appendingPathComponent("corpus")
    /// `samples/`: the bundled synthetic failover captures and their key tables.
    package static let samples = packageRoot.appendingPathComponent("samples")

    /// The path of a corpus file.
    package static func path(_ relative: String) -> String { corpus.appendingPathComponent(relative).path }

    /// The bytes of a corpus file.
    package static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: corpus.appendingPathComponent(relative)))
    }

    /// A corpus file as UTF-8 text.
    package static func text(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: corpus.appendingPathComponent(relative)), as: UTF8.self)
    }

    /// A JSON file of the corpus as Foundation objects.
    package static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: corpus.appendingPathComponent(relative)))
    }

    /// Bytes of a hex string, throwing on bad hex.
    package static func hex(_ s: String) throws -> [UInt8] {
        guard let b = Hex.decode(s) else { throw FixtureError.unexpected("bad hex") }
        return b
    }

    /// Every pcap/pcapng/cap capture of the corpus, relative to `corpus/`, sorted.
    package static func captures() -> [String] {
        guard let e = FileManager.default.enumerator(atPath: corpus.path) else { return [] }
        var out: [String] = []
        for case let name as String in e where name.hasSuffix(".pcap") || name.hasSuffix(".pcapng") || name.hasSuffix(".cap") {
            out.append(name)
        }
        return out.sorted()
    }

    /// The path of a bundled sample file (`samples/NAME`).
    package static func sample(_ name: String) -> String { samples.appendingPathComponent(name).path }

    /// Every bundled sample's name (its `.pcap` without the extension), sorted.
    package static func sampleNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: samples.path)
            .filter { $0.hasSuffix(".pcap") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The IKE messages of a corpus capture, in order, as the library's capture reader hands them
    /// out (non-ESP marker removed).
    package static func ikeMessages(inCapture relative: String) throws -> [[UInt8]] {
        let reader = try CaptureReader(path: path(relative))
        var out: [[UInt8]] = []
        try reader.forEach { ev in
            if case .ike = ev.kind { out.append(ev.copyBytes()) }
        }
        return out
    }

    /// One class's string constants from `android-ike/decryption_vectors.json`.
    package static func android(_ className: String) throws -> [String: String] {
        let obj = try json("android-ike/decryption_vectors.json") as? [String: Any]
        let classes = obj?["classes"] as? [String: Any]
        let cls = classes?[className] as? [String: Any]
        return cls?["constants"] as? [String: String] ?? [:]
    }

    /// A fresh temporary directory for one test.
    package static func tempDir(_ prefix: String = "ikev2-test") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The key rows of a key file without comment lines, for tshark's `-o uat:ikev2_decryption_table:`.
    package static func uatRows(_ keyFile: String) throws -> String {
        try String(contentsOfFile: keyFile, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.isEmpty }.joined(separator: "\n")
    }
}

/// A fixture that is not what the test expects.
package enum FixtureError: Error { case unexpected(String) }
