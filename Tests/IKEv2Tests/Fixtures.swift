import Foundation

/// Locates `Tests/Fixtures` from this source file, so tests run on a fresh clone.
enum Fixtures {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let corpus = root.appendingPathComponent("corpus")

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: corpus.appendingPathComponent(relative)))
    }

    /// Every `.bin` IKE message of the corpus (Android, rusticata, openiked), by relative path.
    static func rawMessages() throws -> [String] {
        var out: [String] = []
        for dir in ["android-ike", "rusticata-ipsec-parser", "openiked"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: corpus.appendingPathComponent(dir).path)
            out += names.filter { $0.hasSuffix(".bin") }.sorted().map { "\(dir)/\($0)" }
        }
        return out
    }
}
