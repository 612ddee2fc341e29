import Foundation
import IKEv2

/// Locates `Tests/Fixtures` from this source file, so tests run on a fresh clone.
enum Fixtures {
    static let corpus: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("corpus")

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: corpus.appendingPathComponent(relative)))
    }

    static func text(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: corpus.appendingPathComponent(relative)), as: UTF8.self)
    }

    /// One class's string constants from `android-ike/decryption_vectors.json`.
    static func android(_ className: String) throws -> [String: String] {
        let data = try Data(contentsOf: corpus.appendingPathComponent("android-ike/decryption_vectors.json"))
        let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let classes = obj?["classes"] as? [String: Any]
        let cls = classes?[className] as? [String: Any]
        return cls?["constants"] as? [String: String] ?? [:]
    }
}

/// Hex for tests: a missing/odd value yields an empty array, which every test then fails on.
func hx(_ s: String?) -> [UInt8] { s.flatMap { Hex.decode($0) } ?? [] }

func spi(_ bytes: [UInt8], at offset: Int) -> UInt64 {
    bytes[offset..<(offset + 8)].reduce(0) { $0 << 8 | UInt64($1) }
}
