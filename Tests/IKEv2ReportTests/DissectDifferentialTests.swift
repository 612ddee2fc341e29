import Foundation
import IKEv2Capture
import IKEv2Report
import Testing
import TestSupport

/// What one IKE message looks like to a tool: the fields both tshark and we print.
struct MessageFacts: Hashable, CustomStringConvertible {
    var frame: Int
    var spiI: String
    var spiR: String
    var version: String
    var exchange: Int
    var messageID: UInt32
    var flags: UInt8
    /// Outer payload chain (IKEv2 only).
    var chain: [Int]
    /// Cleartext notify types in wire order (IKEv2 only).
    var notifies: [Int]

    var description: String {
        "frame \(frame): spi \(spiI)/\(spiR) v\(version) x\(exchange) mid \(messageID) flags 0x\(String(flags, radix: 16)) chain \(chain) N \(notifies)"
    }
}

/// Runs our dissect pipeline (the library the CLI calls) in JSON mode over a capture.
func ourFacts(_ path: String) throws -> [Int: MessageFacts] {
    var options = Dissector.Options()
    options.format = .json
    let dissector = Dissector(options: options)
    let reader = try CaptureReader(path: path)
    var out = OutputBuffer()
    try? reader.forEach { event in
        guard case .ike = event.kind else { return }
        dissector.dissect(event.bytes, meta: MessageMeta(event.meta), into: &out)
    }
    var facts: [Int: MessageFacts] = [:]
    for line in out.string.split(separator: "\n") {
        guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let frame = obj["frame"] as? Int, let spiI = obj["spi_i"] as? String,
              let spiR = obj["spi_r"] as? String, let version = obj["version"] as? String,
              let exchange = obj["exchange"] as? Int, let mid = obj["message_id"] as? UInt32,
              let flags = obj["flags"] as? [String: Bool]
        else { continue }
        var chain: [Int] = []
        var notifies: [Int] = []
        for p in obj["payloads"] as? [[String: Any]] ?? [] {
            guard let t = p["type"] as? Int else { continue }
            chain.append(t)
            if t == 41, let n = p["notify_type"] as? Int { notifies.append(n) }
        }
        let f: UInt8 = (flags["initiator"] == true ? 0x08 : 0) | (flags["higher_version"] == true ? 0x10 : 0)
            | (flags["response"] == true ? 0x20 : 0)
        facts[frame] = MessageFacts(frame: frame, spiI: spiI, spiR: spiR, version: version, exchange: exchange,
                                    messageID: mid, flags: f, chain: chain, notifies: notifies)
    }
    return facts
}

/// tshark's view of the same capture (`-T fields`), or nil when tshark is not installed.
func tsharkFacts(_ tshark: String, _ path: String) throws -> [Int: MessageFacts] {
    let text = try Fixtures.run(tshark, [
        "-n", "-r", path, "-Y", "isakmp", "-T", "fields", "-E", "separator=|", "-E", "occurrence=a",
        "-E", "aggregator=,", "-e", "frame.number", "-e", "isakmp.ispi", "-e", "isakmp.rspi",
        "-e", "isakmp.version", "-e", "isakmp.exchangetype", "-e", "isakmp.messageid", "-e", "isakmp.flags",
        "-e", "isakmp.typepayload", "-e", "isakmp.notify.msgtype",
    ])
    var facts: [Int: MessageFacts] = [:]
    for line in text.split(separator: "\n") {
        let c = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard c.count >= 9, let frame = Int(c[0]) else { continue }
        let version = UInt8(c[3].dropFirst(2), radix: 16) ?? 0
        let major = version >> 4
        // tshark lists proposal (2) and transform (3) substructures among IKEv2 payload types.
        let chain = major == 2 ? c[7].split(separator: ",").compactMap { Int($0) }.filter { $0 != 2 && $0 != 3 } : []
        let notifies = major == 2 ? c[8].split(separator: ",").compactMap { Int($0) } : []
        facts[frame] = MessageFacts(
            frame: frame, spiI: c[1].lowercased(), spiR: c[2].lowercased(), version: "\(major).\(version & 0xf)",
            exchange: Int(c[4]) ?? -1, messageID: UInt32(c[5].dropFirst(2), radix: 16) ?? 0,
            // Only I, V and R have meaning; our JSON has them as booleans (reserved bits are not facts).
            flags: (UInt8(c[6].dropFirst(2), radix: 16) ?? 0) & 0x38, chain: chain, notifies: notifies)
    }
    return facts
}

@Suite struct DissectDifferentialTests {
    /// Frames where tshark and we legitimately differ, with the reason.
    static let knownDifferences: [String: String] = [
        // IKE header Length 0: tshark shows the datagram as undecoded data; we report the malformed
        // message (length-too-small) so the user sees it.
        "tcpdump/isakmp-pointer-loop.pcap": "header length 0",
    ]

    @Test(arguments: Fixtures.captures())
    func jsonMatchesTshark(_ capture: String) throws {
        guard let tshark = Fixtures.tool("tshark") else { return }
        let path = Fixtures.path(capture)
        let theirs = try tsharkFacts(tshark, path)
        let ours = try ourFacts(path)
        if Self.knownDifferences[capture] != nil {
            #expect(theirs.isEmpty, "tshark now decodes \(capture); drop the known difference")
            return
        }
        #expect(Set(ours.keys) == Set(theirs.keys), "frames differ in \(capture)")
        for (frame, t) in theirs.sorted(by: { $0.key < $1.key }) {
            guard let o = ours[frame] else { continue }
            // tshark truncates the chain where the IKEv1/bogus-version body is garbage; compare headers there.
            if t.version != "2.0" {
                // tshark leaves the exchange type empty (-1 here) for a major version it does not know.
                #expect(o.spiI == t.spiI && (t.exchange == -1 || o.exchange == t.exchange) && o.messageID == t.messageID,
                        "\(capture): ours \(o) vs tshark \(t)")
                continue
            }
            #expect(o == t, "\(capture): ours \(o) vs tshark \(t)")
        }
    }

    /// Without tshark, the stored tshark summary (tshark 4.0.17 over the same files) is the oracle
    /// for frames, Message IDs and exchange types.
    @Test func jsonMatchesStoredTsharkSummary() throws {
        let data = try Data(contentsOf: Fixtures.corpus.appendingPathComponent("_summary/tshark_summary.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let captures = try #require(root["captures"] as? [[String: Any]])
        var compared = 0
        for entry in captures {
            guard let file = entry["file"] as? String, Self.knownDifferences[file] == nil,
                  let rows = entry["rows"] as? [[String: String]] else { continue }
            let ours = try ourFacts(Fixtures.path(file))
            var expected: Set<String> = []
            for r in rows {
                guard let f = r["frame.number"], let x = r["isakmp.exchangetype"], let m = r["isakmp.messageid"],
                      let mid = UInt32(m.dropFirst(2), radix: 16) else { continue }
                expected.insert("\(f)/\(x)/\(mid)")
            }
            // The summary has an empty exchange type where tshark did not know the major version.
            let got = Set(ours.values.map {
                "\($0.frame)/\($0.version.hasPrefix("1.") || $0.version.hasPrefix("2.") ? String($0.exchange) : "")/\($0.messageID)"
            })
            #expect(got == expected, "\(file)")
            compared += rows.count
        }
        #expect(compared > 250)
    }
}
