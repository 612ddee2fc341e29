import Foundation
import IKEv2
import IKEv2Capture
import IKEv2Crypto
import IKEv2HA
import IKEv2Report
import Testing
import TestSupport

/// `ikev2 failover` judged against the independent Python/scapy capture
/// (`Tests/Fixtures/independent`, see its README.md and expected.json).
@Suite struct FailoverFixtureTests {
    static let dir = Fixtures.root.appendingPathComponent("independent")

    static func analyze(keys: Bool) throws -> (FailoverReport, FailoverRunInfo) {
        var table: IKEKeyTable? = nil
        if keys {
            let text = try String(contentsOf: dir.appendingPathComponent("rfc6311-sync.keys"), encoding: .utf8)
            table = try IKEKeyTable(parsing: text)
        }
        let pipeline = FailoverPipeline(keys: table)
        try pipeline.run(reader: CaptureReader(path: dir.appendingPathComponent("rfc6311-sync.pcap").path))
        return (pipeline.finish(), FailoverRunInfo(keysGiven: keys, counts: pipeline.counts))
    }

    static func expected() throws -> [String: Any] {
        let data = try Data(contentsOf: dir.appendingPathComponent("expected.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func number(_ any: Any?) -> UInt64? { (any as? NSNumber)?.uint64Value }

    @Test func findsExactlyTheSyncAndNoAnomaly() throws {
        let exp = try Self.expected()
        let sync = try #require(exp["sync"] as? [String: Any])
        let ike = try #require(exp["ike_sa"] as? [String: Any])
        let (report, _) = try Self.analyze(keys: true)
        #expect(report.sas.count == 1)
        let sa = try #require(report.sas.first)
        #expect(String(sa.initiatorSPI, radix: 16) == ike["spi_i"] as? String)
        #expect(String(sa.responderSPI, radix: 16) == ike["spi_r"] as? String)
        #expect(sa.anomalies == [])
        #expect(sa.capabilities == [.messageIDSync, .replayCounterSync])
        #expect(sa.takeover?.frame == (exp["takeover_frame"] as? Int))
        #expect(sa.takeover?.frame == 24)
        #expect(sa.takeover?.side == .responder)
        #expect(sa.resets.isEmpty)
        #expect(sa.syncs.count == 1)
        let x = try #require(sa.syncs.first)
        #expect(x.requestFrame == sync["request_frame"] as? Int)
        #expect(x.responseFrame == sync["response_frame"] as? Int)
        #expect(x.nonce == UInt32((sync["nonce"] as? String) ?? "", radix: 16))
        #expect(x.nonce == 0x07c2152d)
        #expect(UInt64(x.request.send) == Self.number(sync["M1"]) && x.request.send == 101)
        #expect(UInt64(x.request.recv) == Self.number(sync["P1"]) && x.request.recv == 4)
        #expect(UInt64(x.response?.send ?? 0) == Self.number(sync["P2"]) && x.response?.send == 5)
        #expect(UInt64(x.response?.recv ?? 0) == Self.number(sync["M2"]) && x.response?.recv == 101)
        #expect(x.replayDelta == Self.number(sync["replay_counter_delta"]) && x.replayDelta == 65_536)
        #expect(x.requester == .responder)
        #expect(x.nonceEchoed == true && x.obeysRules == true && x.valid)
        #expect(x.requesterUsesNewValues == true && x.peerUsesNewValues == true)
        #expect(x.problems == [])
        // Frame 11 is an ordinary Message ID 0 INFORMATIONAL (the responder's first request).
        #expect(sa.timeline.first { $0.frame == 11 }?.kind == .request)
        // ESP: both jumps are events, not anomalies.
        let peer = try #require(sa.esp.first { $0.spi == 0x1111_1111 })
        let gateway = try #require(sa.esp.first { $0.spi == 0x2222_2222 })
        #expect(peer.direction == .initiatorToResponder && peer.association == .saPayload)
        #expect(peer.jumps == [FailoverESPJump(frame: 27, from: 5, to: 65_542, explanation: .peerReplayCounterDelta, explainedBy: 24)])
        #expect(peer.lastSequenceBefore == 5 && peer.firstSequenceAfter == 65_542)
        #expect(gateway.direction == .responderToInitiator)
        #expect(gateway.jumps == [FailoverESPJump(frame: 26, from: 4, to: 1_048_579, explanation: .clusterForwardJump, explainedBy: 24)])
        #expect(report.summary.totalAnomalies == 0)
        #expect(report.summary.unassociatedESPPackets == 0)
        #expect(FailoverWording.verdict(sa).hasPrefix("Failover at frame 24"))
        #expect(FailoverWording.verdict(sa).contains("recovered by RFC 6311 sync"))
    }

    @Test func jsonDocumentUsesNumbersAndHexSPIs() throws {
        let (report, info) = try Self.analyze(keys: true)
        var out = OutputBuffer()
        FailoverJSONRenderer().render(report, info: info, into: &out)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.bytes)) as? [String: Any])
        let sas = try #require(doc["sas"] as? [[String: Any]])
        let sa = try #require(sas.first)
        #expect(sa["spi_i"] as? String == "6b3aa2de8a354b40")
        #expect(sa["spi_r"] as? String == "7f6c296d150a5750")
        #expect(sa["capabilities"] as? [String] == ["message-id-sync", "replay-counter-sync"])
        let sync = try #require((sa["syncs"] as? [[String: Any]])?.first)
        #expect(Self.number(sync["nonce"]) == 0x07c2152d)
        #expect(Self.number(sync["request_frame"]) == 24)
        #expect(Self.number(sync["response_frame"]) == 25)
        #expect(Self.number(sync["replay_delta"]) == 65_536)
        let req = try #require(sync["request"] as? [String: Any])
        let resp = try #require(sync["response"] as? [String: Any])
        #expect(Self.number(req["expected_send_req_message_id"]) == 101)
        #expect(Self.number(req["expected_recv_req_message_id"]) == 4)
        #expect(Self.number(resp["expected_send_req_message_id"]) == 5)
        #expect(Self.number(resp["expected_recv_req_message_id"]) == 101)
        #expect(sync["nonce_echoed"] as? Bool == true)
        #expect(sync["valid"] as? Bool == true)
        #expect((sa["anomalies"] as? [Any])?.isEmpty == true)
        let takeover = try #require(sa["takeover"] as? [String: Any])
        #expect(Self.number(takeover["frame"]) == 24)
        #expect((takeover["reason"] as? String)?.contains("new MAC 02:00:00:00:00:02") == true)
        let esp = try #require(sa["esp"] as? [[String: Any]])
        #expect(Set(esp.compactMap { $0["spi"] as? String }) == ["11111111", "22222222"])
        let limits = try #require(doc["limits"] as? [String: Any])
        #expect(Self.number(limits["evicted_sas"]) == 0)
        #expect(Self.number(limits["max_sas"]) == 100_000)
        let summary = try #require(doc["summary"] as? [String: Any])
        #expect(Self.number(summary["anomalies"]) == 0)
    }

    @Test func withoutKeysHeaderChecksStillRun() throws {
        let (report, info) = try Self.analyze(keys: false)
        let sa = try #require(report.sas.first)
        // keys-missing once per SA, not once per encrypted message (18 SK messages).
        #expect(sa.anomalies.map(\.kind) == [.keysMissing])
        #expect(sa.anomalies.first?.frame == 3)
        #expect(sa.capabilities == nil)
        #expect(sa.capabilitiesUnknown.map(FailoverWording.capabilitiesUnknown)?.contains("no key") == true)
        #expect(sa.syncs.isEmpty)
        #expect(sa.contentHidden)
        // Header level: takeover from MAC/TTL/IP ID, Message ID 0 exchanges flagged as needing keys.
        #expect(sa.takeover?.frame == 24)
        #expect(sa.timeline.first { $0.frame == 24 && $0.kind == .messageIDZero } != nil)
        #expect(sa.nextRequestID[.responder] == 102)
        #expect(sa.nextRequestID[.initiator] == 6)
        let jumps = sa.esp.flatMap(\.jumps).map(\.explanation)
        #expect(Set(jumps) == [.clusterForwardJump, .unverifiedNeedsKeys])
        var text = OutputBuffer()
        FailoverTextRenderer().render(report, info: info, into: &text)
        #expect(text.string.contains("Capabilities: unknown"))
        #expect(text.string.contains("need --keys"))
    }

    @Test func textReportDrawsLanesAndTakeoverRule() throws {
        let (report, info) = try Self.analyze(keys: true)
        var out = OutputBuffer()
        FailoverTextRenderer().render(report, info: info, into: &out)
        let s = out.string
        #expect(s.contains("I->R"))
        #expect(s.contains("| R->I"))
        #expect(s.contains("==== takeover (frame 24, responder side: new MAC 02:00:00:00:00:02"))
        #expect(s.contains("SYNC req #0 nonce 0x07c2152d, (M1, P1) = (101, 4), replay delta 65536"))
        #expect(s.contains("Verdict: Failover at frame 24"))
        #expect(s.contains("Anomalies: none"))
    }
}

/// `ikev2 failover` on every scenario capture of `samples/` (written by `ikev2 synth`; the
/// expected syncs and anomalies are the table in samples/README.md).
@Suite struct FailoverSampleTests {
    struct Case: Sendable {
        var name: String
        var anomalies: [String: Int]          // required kind -> frame
        var tolerated: Set<String> = []
        var syncs: [(Int, Int?)] = []
        var resets: [(Int, Int?)] = []
    }

    static let cases: [Case] = [
        Case(name: "rfc6311-sync", anomalies: [:], syncs: [(29, 30)]),
        Case(name: "rfc6311-sync-with-replay-counter", anomalies: [:], syncs: [(29, 30)]),
        Case(name: "reset", anomalies: [:], resets: [(29, 30)]),
        Case(name: "no-sync-reuse", anomalies: ["message-id-reuse": 29, "esp-sequence-regression": 31]),
        Case(name: "simultaneous-failover", anomalies: [:], syncs: [(27, 29), (28, 30)]),
        Case(name: "peer-without-support", anomalies: ["sync-without-support": 29], tolerated: ["unanswered-request"],
             syncs: [(29, nil)]),
        Case(name: "replayed-sync", anomalies: ["sync-replayed": 42], tolerated: ["unanswered-request"],
             syncs: [(29, 30), (42, nil)]),
    ]

    @Test(arguments: cases.map(\.name)) func sample(_ name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let keys = try IKEKeyTable(parsing: String(contentsOf: Fixtures.samples.appendingPathComponent("\(name).keys"), encoding: .utf8))
        let pipeline = FailoverPipeline(keys: keys)
        try pipeline.run(reader: CaptureReader(path: Fixtures.samples.appendingPathComponent("\(name).pcap").path))
        let report = pipeline.finish()
        #expect(report.sas.count == 1)
        let sa = try #require(report.sas.first)
        for (kind, frame) in c.anomalies {
            #expect(sa.anomalies.contains { $0.kind.rawValue == kind && $0.frame == frame }, "\(name): \(kind) at \(frame)")
        }
        let allowed = Set(c.anomalies.keys).union(c.tolerated)
        for a in sa.anomalies {
            #expect(allowed.contains(a.kind.rawValue), "\(name): unexpected \(a.kind.rawValue) at frame \(a.frame): \(FailoverWording.fact(a.fact))")
        }
        #expect(sa.syncs.map(\.requestFrame) == c.syncs.map(\.0))
        #expect(sa.syncs.map(\.responseFrame) == c.syncs.map(\.1))
        #expect(sa.resets.map(\.requestFrame) == c.resets.map(\.0))
        #expect(sa.resets.map(\.responseFrame) == c.resets.map(\.1))
        #expect(sa.takeover?.frame != nil)
    }
}
