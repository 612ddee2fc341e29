import Foundation
import IKEv2
import IKEv2Crypto
import IKEv2HA
import IKEv2Synth
import Testing
import TestSupport

/// Helpers for the synthetic-capture tests.
enum SynthSupport {
    static func scenario(_ id: SynthScenario.ID) throws -> SynthScenario {
        try #require(SynthScenario.named(id.rawValue))
    }

    /// Writes the scenario's sample (sample seed, fixed timestamps) into `dir`.
    static func writeSample(_ s: SynthScenario, in dir: URL) throws -> (capture: SynthCapture, pcap: String, keys: String) {
        let c = try s.generate(seed: s.sampleSeed)
        let pcap = dir.appendingPathComponent("\(s.name).pcap").path
        let keys = dir.appendingPathComponent("\(s.name).keys").path
        try c.write(pcap: pcap, keys: keys)
        return (c, pcap, keys)
    }

    /// One PDML field: name, show and showname.
    struct Field {
        var name: String
        var show: String
        var showname: String
    }

    /// tshark's PDML, packet by packet (frame number -> fields in order).
    static func tsharkPackets(_ tshark: String, pcap: String, rows: String) throws -> [Int: [Field]] {
        let out = try Fixtures.run(tshark, ["-r", pcap, "-o", "uat:ikev2_decryption_table:\(rows)",
                                            "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-T", "pdml"])
        var packets: [Int: [Field]] = [:]
        for chunk in out.components(separatedBy: "<packet>").dropFirst() {
            var fields: [Field] = []
            for line in chunk.split(separator: "\n") where line.contains("<field ") {
                let l = String(line)
                fields.append(Field(name: attribute("name", l), show: attribute("show", l), showname: attribute("showname", l)))
            }
            if let n = fields.first(where: { $0.name == "frame.number" }).flatMap({ Int($0.show) }) {
                packets[n] = fields
            }
        }
        return packets
    }

    static func attribute(_ name: String, _ line: String) -> String {
        guard let r = line.range(of: " \(name)=\"") else { return "" }
        let rest = line[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return "" }
        return String(rest[..<end])
    }

    static func values(_ fields: [Field], _ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.show)
    }

    static func number(_ s: String) -> UInt64? {
        s.hasPrefix("0x") ? UInt64(s.dropFirst(2), radix: 16) : UInt64(s)
    }
}

@Suite("Synthetic failover captures")
struct SynthTests {
    @Test("same seed, same bytes; another seed, other bytes", arguments: SynthScenario.ID.allCases)
    func deterministic(_ id: SynthScenario.ID) throws {
        let s = try SynthSupport.scenario(id)
        let a = try s.generate(seed: 42)
        let b = try s.generate(seed: 42)
        let c = try s.generate(seed: 43)
        #expect(a.frames == b.frames)
        #expect(a.expectation == b.expectation)
        #expect(a.keyFileText == b.keyFileText)
        #expect(a.frames != c.frames)
        #expect(a.keyFileText != c.keyFileText)
        // Another seed changes values, never the story.
        #expect(a.expectation.anomalyKinds == c.expectation.anomalyKinds)
        #expect(a.expectation.syncs.map(\.outcome) == c.expectation.syncs.map(\.outcome))
    }

    @Test("the statement of each scenario is consistent with the RFC 6311 rules", arguments: SynthScenario.ID.allCases)
    func statement(_ id: SynthScenario.ID) throws {
        let s = try SynthSupport.scenario(id)
        for seed: UInt64 in [s.sampleSeed, 1, 2, 3] {
            let e = try s.generate(seed: seed).expectation
            #expect(e.anomalyKinds == s.expectedAnomalyKinds.sorted { $0.rawValue < $1.rawValue })
            #expect(e.takeoverFrames.isEmpty == !s.hasFailover)
            #expect(!e.syncs.isEmpty || id == .noSyncReuse || !s.hasFailover)
            // Every expected anomaly names a frame of the capture.
            #expect(e.anomalies.allSatisfy { $0.frame >= 1 && $0.frame <= e.frameCount })
            for sync in e.syncs {
                let request = try #require(e.ikeFrames.first { $0.frame == sync.requestFrame })
                #expect(request.messageID == 0 && !request.isResponse && request.exchange == 37)
                guard sync.outcome == .accepted else {
                    #expect(sync.responseFrame == nil)
                    continue
                }
                let responseFrame = try #require(sync.responseFrame)
                let response = try #require(e.ikeFrames.first { $0.frame == responseFrame })
                #expect(response.messageID == 0 && response.isResponse && response.sender != request.sender)
                let p2 = try #require(sync.responseSend)
                let m2 = try #require(sync.responseRecv)
                switch sync.kind {
                case .messageIDSync:
                    // RFC 6311 §5.1: P2 >= P1, M2 >= M1 (the maxima).
                    #expect(p2 >= sync.requestRecv && m2 >= sync.requestSend)
                case .messageIDReset:
                    // docs/reset-extension.md §3: adopted, swapped, random in [2^16, 2^31).
                    #expect(p2 == sync.requestRecv && m2 == sync.requestSend)
                    #expect(MessageIDResetRequester.baseRange.contains(sync.requestSend))
                    #expect(MessageIDResetRequester.baseRange.contains(sync.requestRecv))
                }
                // After the sync each side's next request uses the agreed value.
                let requesterNext = max(m2, sync.requestSend)
                #expect(e.ikeFrames.contains { $0.sender == sync.requester && !$0.isResponse && $0.messageID == requesterNext && $0.frame > responseFrame })
                #expect(e.ikeFrames.contains { $0.sender != sync.requester && !$0.isResponse && $0.messageID == p2 && $0.frame > responseFrame })
            }
            if id == .rfc6311SyncWithReplayCounter {
                let delta = try #require(e.syncs.first?.replayCounterDelta)
                let jump = try #require(e.espJumps.first { $0.reason == "replay-counter-sync" })
                #expect(UInt64(jump.firstAfter) == UInt64(jump.lastBefore) + delta + 1)
            }
            if id == .replayDeltaWithLoss {
                // RFC 6311 §5.2 with a few packets missing from the capture: last + 1 + delta + k.
                let delta = try #require(e.syncs.first?.replayCounterDelta)
                let jump = try #require(e.espJumps.first { $0.reason == "replay-counter-sync" })
                let k = UInt64(jump.firstAfter) - (UInt64(jump.lastBefore) + delta + 1)
                #expect((2...4).contains(k))
            }
            if id == .esnWrap {
                // The gateway's 2^30 jump crosses 2^32: the low half on the wire goes down.
                let jump = try #require(e.espJumps.first { $0.reason == "takeover-outbound-jump" })
                #expect(jump.firstAfter < jump.lastBefore)
                #expect(e.syncs.first?.replayCounterESN == true)
            }
            if id == .crossingSyncsUnequal {
                // Appendix A.4 with unequal margins: each response carries the maxima.
                try #require(e.syncs.count == 2)
                let (r, i) = (e.syncs[0], e.syncs[1])
                #expect(r.responseSend == max(r.requestRecv, i.requestSend) && r.responseRecv == max(r.requestSend, i.requestRecv))
                #expect(r.requestSend - 10 != i.requestSend - 30 || r.requestRecv != i.requestRecv)
            }
            if id == .ikeSARekeyFailover {
                #expect(e.rekeys.count == 1)
                let sync = try #require(e.syncs.first)
                #expect(sync.requestFrame > (e.rekeys.first?.deleteResponseFrame ?? .max))
            }
            if id == .replayedSync {
                #expect(e.syncs.map(\.outcome) == [.accepted, .droppedReplay])
                #expect(e.syncs[1].requestSend == e.syncs[0].requestSend)
            }
        }
    }

    @Test("each committed sample is reproduced byte for byte from its seed", arguments: SynthScenario.ID.allCases)
    func samplesReproduce(_ id: SynthScenario.ID) throws {
        let s = try SynthSupport.scenario(id)
        let dir = try Fixtures.tempDir("synth")
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = try SynthSupport.writeSample(s, in: dir)
        let committedPcap = Fixtures.samples.appendingPathComponent("\(s.name).pcap")
        let committedKeys = Fixtures.samples.appendingPathComponent("\(s.name).keys")
        let want = try Data(contentsOf: committedPcap)
        let got = try Data(contentsOf: URL(fileURLWithPath: w.pcap))
        #expect(want.count > 24)
        #expect(got == want, "\(s.name).pcap differs from the committed sample")
        #expect(try Data(contentsOf: URL(fileURLWithPath: w.keys)) == Data(contentsOf: committedKeys))
        // The committed key file parses and names this capture's SA.
        let table = try IKEKeyTable(parsing: String(contentsOf: committedKeys, encoding: .utf8))
        #expect(table.count == 1 + w.capture.expectation.rekeys.count)
        #expect(table.entries.first.map { hex($0.initiatorSPI) } == w.capture.expectation.initiatorSPI)
        #expect(want.count < 40_000, "\(s.name).pcap should stay small")
    }

    func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// tshark, given only the written key file, is the independent judge of every capture.
@Suite("Synthetic captures through tshark", .serialized)
struct SynthTsharkTests {
    @Test("tshark decrypts every SK payload with a correct ICV and shows the expected notifies; checksums good",
          arguments: SynthScenario.ID.allCases)
    func tsharkVerifies(_ id: SynthScenario.ID) throws {
        guard let tshark = Fixtures.tool("tshark") else { return }   // skipped without tshark
        let s = try SynthSupport.scenario(id)
        let dir = try Fixtures.tempDir("synth")
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = try SynthSupport.writeSample(s, in: dir)
        let e = w.capture.expectation
        let packets = try SynthPlusTshark.packets(tshark, w.pcap, w.keys)
        #expect(packets.count == e.frameCount)
        var correctICVs = 0
        for n in 1...e.frameCount {
            let f = try #require(packets[n], "frame \(n) missing")
            #expect(SynthSupport.values(f, "ip.checksum.status") == ["1"], "frame \(n) IP checksum")
            let content = w.capture.frames[n - 1].content
            if case .espIP = content {
                #expect(SynthSupport.values(f, "udp.checksum.status").isEmpty, "frame \(n) is ESP in IP, no UDP")
                #expect(SynthSupport.values(f, "ip.proto") == ["50"], "frame \(n) IP protocol")
            } else {
                #expect(SynthSupport.values(f, "udp.checksum.status") == ["1"], "frame \(n) UDP checksum")
            }
            if case .ah(let spi, let seq, _, _, _) = content {
                #expect(SynthSupport.values(f, "ip.proto") == ["51"], "frame \(n) IP protocol")
                #expect(SynthSupport.values(f, "ah.spi").compactMap(SynthSupport.number) == [UInt64(spi)], "frame \(n) AH SPI")
                #expect(SynthSupport.values(f, "ah.sequence").compactMap(SynthSupport.number) == [UInt64(seq)], "frame \(n) AH sequence")
                continue
            }
            guard let ike = e.ikeFrames.first(where: { $0.frame == n }) else {
                #expect(!SynthSupport.values(f, "esp.spi").isEmpty, "frame \(n) should be ESP")
                continue
            }
            #expect(SynthSupport.values(f, "isakmp.messageid").compactMap(SynthSupport.number) == [UInt64(ike.messageID)], "frame \(n) MID")
            #expect(SynthSupport.values(f, "isakmp.exchangetype") == ["\(ike.exchange)"], "frame \(n) exchange")
            if ike.encrypted {
                let icv = f.filter { $0.name == "isakmp.enc.icd" }.map(\.showname)
                #expect(icv.count == 1 && icv[0].hasSuffix("[correct]"), "frame \(n) ICV: \(icv)")
                if icv.first?.hasSuffix("[correct]") == true { correctICVs += 1 }
            }
            let types = SynthSupport.values(f, "isakmp.notify.msgtype").compactMap { UInt16($0) }
            if ike.fragmentNumber == nil {
                #expect(types == ike.notifyTypes, "frame \(n) notify types")
            }
        }
        #expect(correctICVs == e.ikeFrames.filter(\.encrypted).count)
        // Wireshark decodes the same sync values the HA procedures produced.
        for sync in e.syncs where sync.kind == .messageIDSync {
            let f = try #require(packets[sync.requestFrame])
            #expect(SynthSupport.values(f, "isakmp.notify.data.ha.expected_send_req_message_id").compactMap(SynthSupport.number) == [UInt64(sync.requestSend)])
            #expect(SynthSupport.values(f, "isakmp.notify.data.ha.expected_recv_req_message_id").compactMap(SynthSupport.number) == [UInt64(sync.requestRecv)])
            if let delta = sync.replayCounterDelta {
                #expect(SynthSupport.values(f, "isakmp.notify.data.ha.incoming_ipsec_sa_delta_value").count == 1)
                _ = delta
            }
            if let r = sync.responseFrame, let p2 = sync.responseSend, let m2 = sync.responseRecv {
                let g = try #require(packets[r])
                #expect(SynthSupport.values(g, "isakmp.notify.data.ha.expected_send_req_message_id").compactMap(SynthSupport.number) == [UInt64(p2)])
                #expect(SynthSupport.values(g, "isakmp.notify.data.ha.expected_recv_req_message_id").compactMap(SynthSupport.number) == [UInt64(m2)])
            }
        }
        for jump in e.espJumps {
            let f = try #require(packets[jump.frame])
            #expect(SynthSupport.values(f, "esp.sequence").compactMap(SynthSupport.number) == [UInt64(jump.firstAfter)])
        }
    }

    @Test("negative control: a wrong SK_ar makes tshark reject every gateway SK payload")
    func wrongKeyFails() throws {
        guard let tshark = Fixtures.tool("tshark") else { return }
        let s = try SynthSupport.scenario(.rfc6311Sync)
        let dir = try Fixtures.tempDir("synth")
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = try SynthSupport.writeSample(s, in: dir)
        var parts = try Fixtures.uatRows(w.keys).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        try #require(parts.count == 8)
        parts[6] = (parts[6].hasPrefix("0") ? "1" : "0") + parts[6].dropFirst()
        let bad = dir.appendingPathComponent("bad.keys").path
        try parts.joined(separator: ",").write(toFile: bad, atomically: true, encoding: .utf8)
        let packets = try SynthPlusTshark.packets(tshark, w.pcap, bad)
        let gateway = w.capture.expectation.ikeFrames.filter { $0.encrypted && $0.sender == "responder" }
        #expect(!gateway.isEmpty)
        for g in gateway {
            let icv = packets[g.frame]?.filter { $0.name == "isakmp.enc.icd" }.map(\.showname) ?? []
            #expect(icv.count == 1 && !icv[0].hasSuffix("[correct]"), "frame \(g.frame) should fail: \(icv)")
        }
    }
}

enum SynthPlusTshark {
    static func packets(_ tshark: String, _ pcap: String, _ keys: String) throws -> [Int: [SynthSupport.Field]] {
        try SynthSupport.tsharkPackets(tshark, pcap: pcap, rows: Fixtures.uatRows(keys))
    }
}

/// The same checks without tshark: the project's own decryptor and notify decoder read back what
/// the HA procedures put in (runs everywhere; tshark above is the independent judge).
@Suite("Synthetic captures through IKEDecryptor")
struct SynthDecryptTests {
    @Test("every SK payload decrypts cleanly; inner notifies and sync values match the statement",
          arguments: SynthScenario.ID.allCases)
    func decryptRoundTrip(_ id: SynthScenario.ID) throws {
        let s = try SynthSupport.scenario(id)
        let c = try s.generate(seed: s.sampleSeed)
        let decoder = NotifyDecoder()
        var decoded: [Int: [NotifyData]] = [:]
        for ike in c.expectation.ikeFrames {
            guard case .ike(let bytes, _) = c.frames[ike.frame - 1].content else {
                Issue.record("frame \(ike.frame) is not IKE")
                continue
            }
            let msg = try IKEMessageView(parsing: bytes.span.bytes)
            #expect(msg.header.messageID == ike.messageID && msg.header.isResponse == ike.isResponse)
            var notifies: [NotifyData] = []
            var types: [UInt16] = []
            if ike.encrypted {
                let keys = try #require(c.keys.keys(for: msg.header), "frame \(ike.frame): no keys for its SA")
                let r = IKEDecryptor.decrypt(message: msg, keys: keys)
                #expect(r.isClean, "frame \(ike.frame): \(r.findings)")
                if let number = ike.fragmentNumber {
                    // An SKF fragment: its chunk is not a payload chain on its own (RFC 7383 §2.5).
                    #expect(r.fragment.map { Int($0.number) } == number && r.fragment.map { Int($0.total) } == ike.fragmentTotal)
                    decoded[ike.frame] = []
                    continue
                }
                #expect(IKEDecryptor.innerChainFindings(r.plaintext, first: r.firstInnerType).isEmpty)
                var it = PayloadIterator(message: r.plaintext.span.bytes, first: r.firstInnerType, start: 0)
                while let p = try it.next() {
                    guard p.type == .notify else { continue }
                    let n = try NotifyView(body: p.body, baseOffset: p.bodyOffset)
                    types.append(n.notifyType.rawValue)
                    notifies.append(try decoder.decode(n))
                }
            } else {
                var it = msg.payloads
                while let p = try it.next() {
                    guard p.type == .notify else { continue }
                    types.append(try NotifyView(body: p.body, baseOffset: p.bodyOffset).notifyType.rawValue)
                }
            }
            #expect(types == ike.notifyTypes, "frame \(ike.frame)")
            decoded[ike.frame] = notifies
        }
        for sync in c.expectation.syncs {
            let want = MessageIDSyncData(nonce: sync.nonce, expectedSend: sync.requestSend, expectedRecv: sync.requestRecv)
            let req = decoded[sync.requestFrame] ?? []
            switch sync.kind {
            case .messageIDSync: #expect(req.first == .messageIDSync(want))
            case .messageIDReset: #expect(req.first == .messageIDReset(want))
            }
            if let delta = sync.replayCounterDelta {
                #expect(req.dropFirst().first == .replayCounterSync(ReplayCounterDelta(delta: delta, extendedSequenceNumbers: sync.replayCounterESN)))
            } else {
                #expect(req.count == 1)
            }
            if let r = sync.responseFrame, let p2 = sync.responseSend, let m2 = sync.responseRecv {
                let got = MessageIDSyncData(nonce: sync.nonce, expectedSend: p2, expectedRecv: m2)
                #expect(decoded[r] == [sync.kind == .messageIDSync ? .messageIDSync(got) : .messageIDReset(got)])
            }
        }
    }
}
