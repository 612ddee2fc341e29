import Foundation
import Testing
import TestSupport

/// `ikev2 failover --format jsonl`: one line per IKE SA as it ends, then the summary line; the
/// same facts as the single JSON document, and by default without routine timeline entries.
@Suite struct FailoverJSONLTests {
    /// A 600-message mixed capture (60 IKE SAs) with its keys.
    static func capture() throws -> (dir: URL, pcap: String, keys: String) {
        let dir = try Fixtures.tempDir("jsonl")
        let pcap = dir.appendingPathComponent("mixed.pcap").path
        let keys = dir.appendingPathComponent("mixed.keys").path
        let r = try CLI.run(["synth", "mixed", "--messages", "600", "--seed", "4", "-o", pcap, "--keys-out", keys])
        guard r.status == 0 else { throw FixtureError.unexpected("synth mixed: \(r.err)") }
        return (dir, pcap, keys)
    }

    static func objects(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    static func key(_ sa: [String: Any]) -> String { "\(sa["spi_i"] ?? "")/\(sa["spi_r"] ?? "")" }

    /// One canonical text per JSON value (sorted keys), for comparing parsed documents.
    static func canonical(_ object: Any?) -> String? {
        guard let object, let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    @Test("with --timeline all the SA lines and the summary line equal the JSON document, SA for SA")
    func sameFactsAsJSON() throws {
        let (dir, pcap, keys) = try Self.capture()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = try CLI.run(["failover", pcap, "--keys", keys, "--format", "jsonl", "--timeline", "all"])
        let doc = try CLI.run(["failover", pcap, "--keys", keys, "--format", "json"])
        #expect(lines.status == 0 && doc.status == 0)
        let objects = Self.objects(lines.out)
        #expect(objects.count == lines.out.split(separator: "\n").count, "every line is one JSON object")
        let sas = objects.compactMap { $0["sa"] as? [String: Any] }
        #expect(sas.count == 60 && objects.count == 61)
        guard let whole = try JSONSerialization.jsonObject(with: Data(doc.out.utf8)) as? [String: Any],
              let docSAs = whole["sas"] as? [[String: Any]], let last = objects.last else {
            Issue.record("unreadable output")
            return
        }
        let byKey = Dictionary(docSAs.map { (Self.key($0), $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byKey.count == 60)
        for sa in sas {
            #expect(Self.canonical(byKey[Self.key(sa)]) == Self.canonical(sa), "SA \(Self.key(sa))")
        }
        #expect(Self.canonical(last["summary"]) != nil && Self.canonical(last["summary"]) == Self.canonical(whole["summary"]))
        #expect(Self.canonical(last["limits"]) != nil && Self.canonical(last["limits"]) == Self.canonical(whole["limits"]))
        // -o: the same lines, in the same order.
        let file = dir.appendingPathComponent("report.jsonl").path
        #expect(try CLI.run(["failover", pcap, "--keys", keys, "--format", "jsonl", "--timeline", "all", "-o", file]).status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == lines.out)
    }

    @Test("by default jsonl leaves out plain requests and their responses, and counts them per SA")
    func notableByDefault() throws {
        let (dir, pcap, _) = try Self.capture()
        defer { try? FileManager.default.removeItem(at: dir) }
        let all = Self.objects(try CLI.run(["failover", pcap, "--format", "jsonl", "--timeline", "all"]).out)
            .compactMap { $0["sa"] as? [String: Any] }
        let notable = Self.objects(try CLI.run(["failover", pcap, "--format", "jsonl"]).out)
            .compactMap { $0["sa"] as? [String: Any] }
        #expect(all.count == 60 && notable.count == 60)
        let full = Dictionary(all.map { (Self.key($0), $0) }, uniquingKeysWith: { a, _ in a })
        var omitted = 0
        for sa in notable {
            let timeline = sa["timeline"] as? [[String: Any]] ?? []
            let fullTimeline = full[Self.key(sa)]?["timeline"] as? [[String: Any]] ?? []
            let n = sa["timeline_routine_omitted"] as? Int ?? -1
            #expect(timeline.count + n == fullTimeline.count)
            // What is left is everything that is not a plain request or an answering response.
            #expect(!timeline.contains { ($0["kind"] as? String == "request" || $0["kind"] as? String == "response")
                    && (($0["note"] as? String) == "" || ($0["note"] as? String)?.hasPrefix("to frame") == true) })
            omitted += n
        }
        #expect(omitted >= 60 * 6)
        // json keeps them all unless asked.
        let doc = try CLI.run(["failover", pcap, "--format", "json", "--timeline", "notable"])
        #expect(doc.status == 0 && doc.out.contains("\"timeline_routine_omitted\":"))
    }
}
