import Foundation
import IKEv2
import TestSupport

/// The codec corpus's raw IKE messages (Android, rusticata, openiked), on top of the shared
/// fixture locator.
extension Fixtures {
    /// Every `.bin` IKE message of the corpus (Android, rusticata, openiked), by relative path.
    static func rawMessages() throws -> [String] {
        var out: [String] = []
        for dir in ["android-ike", "rusticata-ipsec-parser", "openiked"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: corpus.appendingPathComponent(dir).path)
            out += names.filter { $0.hasSuffix(".bin") }.sorted().map { "\(dir)/\($0)" }
        }
        return out
    }

    /// The bare SA payload (generic header + body, not a message) in the rusticata corpus.
    static let bareSAPayload = "rusticata-ipsec-parser/src_ikev2_parser_IKEV2_PAYLOAD_SA.bin"
    /// The rusticata message that starts with a 4-byte non-ESP marker (RFC 3948 §2.2).
    static let markerPrefixed = "rusticata-ipsec-parser/tests_ikev2_IKEV2_MSG.bin"

    /// Every raw IKE message of the corpus with its bytes: the bare SA payload is left out and
    /// the non-ESP marker is stripped from the message that has one.
    static func ikeMessages() throws -> [(name: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        for name in try rawMessages() where name != bareSAPayload {
            var b = try bytes(name)
            if name == markerPrefixed {
                guard b.count > 4, b[0..<4] == [0, 0, 0, 0] else { throw FixtureError.unexpected(name) }
                b.removeFirst(4)
            }
            out.append((name, b))
        }
        return out
    }

    /// tshark's per-file summary of the raw messages (`_summary/tshark_summary.json`), by file.
    static func tsharkRawSummary() throws -> [String: [String: Any]] {
        guard let root = try json("_summary/tshark_summary.json") as? [String: Any],
              let raws = root["raw_messages"] as? [[String: Any]] else { throw FixtureError.unexpected("tshark summary") }
        var out: [String: [String: Any]] = [:]
        for r in raws { if let f = r["file"] as? String { out[f] = r } }
        return out
    }
}
