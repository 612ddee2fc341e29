import Foundation
import IKEv2
import IKEv2Capture
import Testing
import TestSupport

/// `contrib/wireshark/ikev2-ha.lua` run by tshark, checked field by field against
/// `ikev2 dissect --format json` on the same frames (two independent decoders of the same bytes).
@Suite("Wireshark Lua plugin for the HA notifies",
       .enabled(if: Fixtures.tool("tshark") != nil, "tshark is not installed (apt-get install tshark); the Lua plugin tests are skipped"))
struct WiresharkPluginTests {
    static let script = Fixtures.testsRoot.deletingLastPathComponent()
        .appendingPathComponent("contrib/wireshark/ikev2-ha.lua").path

    /// Every field the plugin defines that carries a value.
    static let fields = [
        "ikev2ha.notify", "ikev2ha.notify.name", "ikev2ha.supported",
        "ikev2ha.sync.nonce", "ikev2ha.sync.expected_send_req_message_id", "ikev2ha.sync.expected_recv_req_message_id",
        "ikev2ha.replay.delta", "ikev2ha.replay.esn",
        "ikev2ha.reset.nonce", "ikev2ha.reset.new_send_req_message_id", "ikev2ha.reset.new_recv_req_message_id",
    ]

    /// The pseudo-field holding the RFC 6311 rule violations: expert messages in tshark, `errors`
    /// in the dissect JSON (the same wording on both sides).
    static let violation = "rfc6311-violation"

    /// Frame number -> field name -> values in order (fields without a value left out).
    typealias FrameFields = [Int: [String: [String]]]

    /// What the plugin shows in tshark, with the key table as `ikev2_decryption_table`.
    static func tsharkFields(_ tshark: String, pcap: String, keys: String?, prefs: [String] = []) throws -> FrameFields {
        var args = ["-r", pcap, "-X", "lua_script:\(script)", "-T", "fields", "-E", "header=n",
                    "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=|", "-e", "frame.number", "-e", "_ws.expert.message"]
        for f in fields { args += ["-e", f] }
        if let keys { args += ["-o", "uat:ikev2_decryption_table:\(try Fixtures.uatRows(keys))"] }
        for p in prefs { args += ["-o", p] }
        let r = try Fixtures.runWithStatus(tshark, args)
        // A script that fails to load only warns; make that a failure with tshark's own words.
        let problems = r.err.split(separator: "\n").filter { $0.localizedCaseInsensitiveContains("lua") || $0.contains("ikev2ha") }
        try #require(r.status == 0 && problems.isEmpty, "tshark with the plugin failed (\(r.status)): \(r.err)")
        var out: FrameFields = [:]
        for line in r.out.split(separator: "\n", omittingEmptySubsequences: true) {
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cols.count == fields.count + 2, let frame = Int(cols[0]) else {
                Issue.record("unexpected tshark line: \(line)")
                continue
            }
            // A Lua runtime error shows up as an expert message in the frame it hit.
            let experts = cols[1].split(separator: "|").map(String.init)
            for e in experts where e.hasPrefix("Lua Error") { Issue.record("frame \(frame): \(e)") }
            let violations = experts.filter { $0.hasPrefix("RFC 6311 §") }
            if !violations.isEmpty { out[frame, default: [:]][violation] = violations }
            for (name, col) in zip(fields, cols.dropFirst(2)) where !col.isEmpty {
                out[frame, default: [:]][name] = col.split(separator: "|").map { normalize(name, String($0)) }
            }
        }
        return out
    }

    /// Booleans are printed 0/1 or False/True depending on the tshark version.
    static func normalize(_ field: String, _ value: String) -> String {
        guard field == "ikev2ha.replay.esn" else { return value }
        return ["1", "true"].contains(value.lowercased()) ? "1" : "0"
    }

    /// The same fields derived from `ikev2 dissect --format json` (the library's strict decoder).
    static func dissectFields(pcap: String, keys: String?, resetType: Int? = nil) throws -> FrameFields {
        var args = ["dissect", pcap, "--format", "json"]
        if let keys { args += ["--keys", keys] }
        if let resetType { args += ["--reset-notify-type", String(resetType)] }
        let r = try CLI.run(args)
        try #require(r.status == 0, "ikev2 dissect failed: \(r.err)")
        var out: FrameFields = [:]
        for line in r.out.split(separator: "\n") {
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let frame = try #require(obj["frame"] as? Int)
            var fields = out[frame] ?? [:]
            collect(obj["payloads"] as? [[String: Any]] ?? [], into: &fields)
            let errors = (obj["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
            fields[violation, default: []] += errors.filter { $0.hasPrefix("RFC 6311 §") }
            if fields[violation]?.isEmpty == true { fields[violation] = nil }
            if !fields.isEmpty { out[frame] = fields }
        }
        return out
    }

    static func number(_ v: Any?) -> String? { (v as? NSNumber)?.stringValue }

    static func hexNonce(_ v: Any?) -> String? {
        guard let s = number(v), let n = UInt32(s) else { return nil }
        let h = String(n, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - h.count) + h
    }

    /// Walks a payload chain (and the decrypted chain inside SK) in wire order.
    static func collect(_ payloads: [[String: Any]], into fields: inout [String: [String]]) {
        func add(_ name: String, _ value: String?) {
            guard let value else {
                Issue.record("\(name): no value in the dissect JSON")
                return
            }
            fields[name, default: []].append(value)
        }
        for p in payloads {
            if let inner = p["payloads"] as? [[String: Any]] { collect(inner, into: &fields) }
            guard let type = p["notify_type"] as? Int, let name = p["notify_name"] as? String else { continue }
            let ha = ["IKEV2_MESSAGE_ID_SYNC_SUPPORTED", "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED", "IKEV2_MESSAGE_ID_SYNC",
                      "IPSEC_REPLAY_COUNTER_SYNC", "IKEV2_MESSAGE_ID_RESET_SUPPORTED", "IKEV2_MESSAGE_ID_RESET"]
            guard ha.contains(name) else { continue }
            add("ikev2ha.notify", String(type))
            add("ikev2ha.notify.name", name)
            // `decoded` is null when the strict decoder rejected the notify: no value fields then.
            guard let d = p["decoded"] as? [String: Any] else { continue }
            switch name {
            case "IKEV2_MESSAGE_ID_SYNC":
                add("ikev2ha.sync.nonce", hexNonce(d["nonce"]))
                add("ikev2ha.sync.expected_send_req_message_id", number(d["expected_send_req_message_id"]))
                add("ikev2ha.sync.expected_recv_req_message_id", number(d["expected_recv_req_message_id"]))
            case "IPSEC_REPLAY_COUNTER_SYNC":
                add("ikev2ha.replay.delta", number(d["delta"]))
                add("ikev2ha.replay.esn", (p["data"] as? String)?.count == 16 ? "1" : "0")
            case "IKEV2_MESSAGE_ID_RESET":
                add("ikev2ha.reset.nonce", hexNonce(d["nonce"]))
                add("ikev2ha.reset.new_send_req_message_id", number(d["new_send_req_message_id"]))
                add("ikev2ha.reset.new_recv_req_message_id", number(d["new_recv_req_message_id"]))
            default:
                add("ikev2ha.supported", String(type))
            }
        }
    }

    /// Compares frame by frame, so a difference names its frame and field.
    static func expectSame(_ lua: FrameFields, _ ours: FrameFields, _ what: String) {
        for frame in Set(lua.keys).union(ours.keys).sorted() {
            #expect(lua[frame] == ours[frame], "\(what), frame \(frame): plugin \(lua[frame] ?? [:]) vs ikev2 dissect \(ours[frame] ?? [:])")
        }
    }

    static func samples() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.samples.path)) ?? []
        return names.filter { $0.hasSuffix(".pcap") }.map { String($0.dropLast(5)) }.sorted()
    }

    @Test("every field on every bundled sample (decrypted with its key table) matches ikev2 dissect")
    func samplesMatchDissect() throws {
        let tshark = try #require(Fixtures.tool("tshark"))
        let names = Self.samples()
        try #require(names.count >= 7, "samples/*.pcap not found")
        var seen: [String: Int] = [:]
        for name in names {
            let pcap = Fixtures.samples.appendingPathComponent("\(name).pcap").path
            let keys = Fixtures.samples.appendingPathComponent("\(name).keys").path
            let lua = try Self.tsharkFields(tshark, pcap: pcap, keys: keys)
            let ours = try Self.dissectFields(pcap: pcap, keys: keys)
            Self.expectSame(lua, ours, name)
            for frame in ours.values { for (f, v) in frame { seen[f, default: 0] += v.count } }
        }
        // The samples exercise every field the brief names (otherwise this comparison proves little).
        for f in Self.fields where f != "ikev2ha.replay.esn" {
            #expect(seen[f, default: 0] > 0, "no sample has \(f)")
        }
        // Counted over samples/ (19 scenarios): 16422 in requests and responses, two reset
        // messages, four IPSEC_REPLAY_COUNTER_SYNC.
        #expect(seen["ikev2ha.sync.nonce"] == 38)
        #expect(seen["ikev2ha.reset.nonce"] == 2)
        #expect(seen["ikev2ha.replay.delta"] == 4)
    }

    @Test("without keys only cleartext notifies are decoded: nothing in the samples' SK content")
    func samplesWithoutKeys() throws {
        let tshark = try #require(Fixtures.tool("tshark"))
        let pcap = Fixtures.samples.appendingPathComponent("rfc6311-sync-with-replay-counter.pcap").path
        let lua = try Self.tsharkFields(tshark, pcap: pcap, keys: nil)
        #expect(lua.isEmpty)
        #expect(try Self.dissectFields(pcap: pcap, keys: nil).isEmpty)
    }

    @Test("the reset type preference: another number leaves 49374 undecoded in the reset sample")
    func resetPreferenceOnSample() throws {
        let tshark = try #require(Fixtures.tool("tshark"))
        let pcap = Fixtures.samples.appendingPathComponent("reset.pcap").path
        let keys = Fixtures.samples.appendingPathComponent("reset.keys").path
        let lua = try Self.tsharkFields(tshark, pcap: pcap, keys: keys, prefs: ["ikev2ha.reset_type:50000"])
        let ours = try Self.dissectFields(pcap: pcap, keys: keys, resetType: 50000)
        Self.expectSame(lua, ours, "reset.pcap, reset type 50000")
        #expect(lua.isEmpty)
        let byDefault = try Self.tsharkFields(tshark, pcap: pcap, keys: keys)
        #expect(byDefault[29]?["ikev2ha.reset.nonce"] == ["0x5e1a42be"])
    }

    /// A cleartext capture (Ethernet/IPv4/UDP 500, INFORMATIONAL without SK) built with the library:
    /// every HA notify, the 8-octet (ESN) delta the samples lack, the reset pair under both the
    /// default numbers and 50000/50001, and notifies the strict decoder rejects.
    static func writeCleartextCapture(_ path: String) throws {
        let writer = try CaptureWriter(path: path, linkType: .ethernet)
        let frames: [[NotifyPayload]] = [
            [.messageIDSyncSupported(), .replayCounterSyncSupported(), .messageIDResetSupported(),
             .messageIDResetSupported(type: NotifyType(rawValue: 50000))],
            [.messageIDSync(nonce: 0x0000_00a1, expectedSend: 7, expectedRecv: 0xffff_fffe),
             try .replayCounterSync(delta: 4_294_967_295, extendedSequenceNumbers: false)],
            [try .replayCounterSync(delta: 0x1_0000_0005, extendedSequenceNumbers: true)],
            [.messageIDReset(nonce: 0xdead_beef, newSend: 65_536, newRecv: 2_147_483_647)],
            [.messageIDReset(nonce: 0x0102_0304, newSend: 70_000, newRecv: 80_000, type: NotifyType(rawValue: 50001))],
            // Rejected by RFC 6311 §6.3/§6.4/§6.1: wrong length, an SPI, a non-zero Protocol ID.
            [NotifyPayload(type: NotifyType(rawValue: 16422), data: [1, 2, 3, 4, 5, 6, 7, 8]),
             NotifyPayload(protocolID: .esp, type: NotifyType(rawValue: 16423), spi: [9, 9, 9, 9], data: [0, 0, 0, 1]),
             NotifyPayload(protocolID: .esp, type: NotifyType(rawValue: 16420))],
            // Not HA: left alone.
            [NotifyPayload(type: NotifyType(rawValue: 16384))],
        ]
        for (i, notifies) in frames.enumerated() {
            let header = IKEHeader(initiatorSPI: 0x1122_3344_5566_7788, responderSPI: 0x99aa_bbcc_ddee_ff00,
                                   exchangeType: .informational, flags: IKEHeader.initiatorFlag, messageID: UInt32(i))
            let message = try IKEMessage(header: header, payloads: notifies.map { .notify($0) }).serialize()
            try writer.writeIKE(message, spec: FrameSpec(), timestampNanoseconds: 1_767_225_600_000_000_000 + Int64(i) * 1_000_000)
        }
        try writer.commit()
    }

    @Test("cleartext notifies, the ESN delta, malformed notifies and the reset type preference match ikev2 dissect")
    func cleartextAndPreference() throws {
        let tshark = try #require(Fixtures.tool("tshark"))
        let dir = try Fixtures.tempDir("synth")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pcap = dir.appendingPathComponent("ha-cleartext.pcap").path
        try Self.writeCleartextCapture(pcap)

        let lua = try Self.tsharkFields(tshark, pcap: pcap, keys: nil)
        Self.expectSame(lua, try Self.dissectFields(pcap: pcap, keys: nil), "cleartext, default reset type")
        #expect(lua[1]?["ikev2ha.supported"] == ["16420", "16421", "49373"])
        #expect(lua[2]?["ikev2ha.sync.nonce"] == ["0x000000a1"])
        #expect(lua[2]?["ikev2ha.replay.delta"] == ["4294967295"])
        #expect(lua[3]?["ikev2ha.replay.delta"] == ["4294967301"])
        #expect(lua[3]?["ikev2ha.replay.esn"] == ["1"])
        #expect(lua[4]?["ikev2ha.reset.nonce"] == ["0xdeadbeef"])
        #expect(lua[5] == nil)
        #expect(lua[6]?["ikev2ha.notify"] == ["16422", "16423", "16420"])
        #expect(lua[6]?["ikev2ha.sync.nonce"] == nil && lua[6]?["ikev2ha.replay.delta"] == nil && lua[6]?["ikev2ha.supported"] == nil)
        #expect(lua[6]?[Self.violation] == ["RFC 6311 §6.3: data must be 12 octets, got 8",
                                           "RFC 6311 §6.4: Protocol ID must be 0, got 3",
                                           "RFC 6311 §6.1: Protocol ID must be 0, got 3"])
        #expect(lua[7] == nil)

        let moved = try Self.tsharkFields(tshark, pcap: pcap, keys: nil, prefs: ["ikev2ha.reset_type:50001"])
        Self.expectSame(moved, try Self.dissectFields(pcap: pcap, keys: nil, resetType: 50001), "cleartext, reset type 50001")
        #expect(moved[1]?["ikev2ha.supported"] == ["16420", "16421", "50000"])
        #expect(moved[4] == nil)
        #expect(moved[5]?["ikev2ha.reset.nonce"] == ["0x01020304"])
        #expect(moved[5]?["ikev2ha.reset.new_send_req_message_id"] == ["70000"])
        #expect(moved[5]?["ikev2ha.reset.new_recv_req_message_id"] == ["80000"])
    }

    @Test("the HA notifies of `ikev2 mutate` (wrong sizes, SPI, Protocol ID, controls): same fields and the same RFC 6311 errors")
    func mutatedNotifies() throws {
        let tshark = try #require(Fixtures.tool("tshark"))
        let dir = try Fixtures.tempDir("synth")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pcap = dir.appendingPathComponent("mutated.pcap").path
        let made = try CLI.run(["mutate", "--synthesize", "2", "-o", pcap, "--seed", "14"])
        try #require(made.status == 0, "ikev2 mutate failed: \(made.err)")
        // Only the ha-notify family: the other families break the message structure, where
        // Wireshark's ISAKMP dissector and the strict parser legitimately disagree.
        let index = try String(contentsOfFile: pcap + ".tsv", encoding: .utf8)
        let frames = Set(index.split(separator: "\n").compactMap { line -> Int? in
            let cols = line.split(separator: "\t")
            return cols.count > 1 && cols[1] == "ha-notify" ? Int(cols[0]) : nil
        })
        try #require(frames.count >= 20, "ikev2 mutate wrote \(frames.count) ha-notify variants")
        let lua = try Self.tsharkFields(tshark, pcap: pcap, keys: nil).filter { frames.contains($0.key) }
        let ours = try Self.dissectFields(pcap: pcap, keys: nil).filter { frames.contains($0.key) }
        Self.expectSame(lua, ours, "mutated")
        let rejected = lua.values.filter { $0[Self.violation] != nil }.count
        #expect(rejected >= frames.count - 4, "only \(rejected) of \(frames.count) variants rejected")
    }
}
