import Foundation
import IKEv2
import IKEv2Capture
import IKEv2Crypto
import IKEv2HA
import IKEv2Report
import IKEv2Synth
import Testing
import TestSupport

/// `ikev2 failover`'s verdict judged against each scenario's ground truth (written from the RFCs,
/// not from what the analyzer prints): the pipeline runs with the scenario's keys over its
/// committed sample (which `SynthTests.samplesReproduce` pins to the generator).
@Suite("Failover verdict on the synthetic samples")
struct SynthVerdictTests {
    static func analyze(_ s: SynthScenario, keys withKeys: Bool = true) throws -> FailoverReport {
        let pcap = Fixtures.samples.appendingPathComponent("\(s.name).pcap").path
        let keys = withKeys ? try IKEKeyTable(parsing: String(contentsOf: Fixtures.samples.appendingPathComponent("\(s.name).keys"),
                                                              encoding: .utf8)) : nil
        let pipeline = FailoverPipeline(keys: keys)
        try pipeline.run(reader: CaptureReader(path: pcap))
        return pipeline.finish()
    }

    @Test("expected anomalies at their frames, nothing else, the syncs, and the takeover no later than expected",
          arguments: SynthScenario.ID.allCases)
    func verdictMatchesExpectation(_ id: SynthScenario.ID) throws {
        let s = try SynthSupport.scenario(id)
        let e = try s.generate(seed: s.sampleSeed).expectation
        let report = try Self.analyze(s)
        let reported = report.sas.flatMap(\.anomalies)
        // Every required anomaly, at its frame.
        for want in e.anomalies {
            #expect(reported.contains { $0.kind == want.kind && $0.frame == want.frame },
                    "\(s.name): missing \(want.kind.rawValue) at frame \(want.frame) (\(want.note)); reported \(reported.map { "\($0.kind.rawValue)@\($0.frame)" })")
        }
        // Nothing outside the expected and tolerated kinds.
        let allowed = Set(e.anomalies.map(\.kind)).union(e.toleratedAnomalyKinds)
        for got in reported where !allowed.contains(got.kind) {
            Issue.record("\(s.name): unexpected \(got.kind.rawValue) at frame \(got.frame): \(FailoverWording.fact(got.fact))")
        }
        // The sync and reset exchanges, by request and response frame (and no others).
        func frames(_ x: [FailoverCounterExchange]) -> Set<[Int]> { Set(x.map { [$0.requestFrame, $0.responseFrame ?? 0] }) }
        let wantSyncs = Set(e.syncs.filter { $0.kind == .messageIDSync }.map { [$0.requestFrame, $0.responseFrame ?? 0] })
        let wantResets = Set(e.syncs.filter { $0.kind == .messageIDReset }.map { [$0.requestFrame, $0.responseFrame ?? 0] })
        #expect(frames(report.sas.flatMap(\.syncs)) == wantSyncs, "\(s.name): syncs [request, response (0: none)]")
        #expect(frames(report.sas.flatMap(\.resets)) == wantResets, "\(s.name): resets [request, response (0: none)]")
        // The takeover: at or before the first frame the statement names; none without a failover.
        let takeovers = report.sas.compactMap(\.takeover?.frame)
        if let first = e.takeoverFrames.min() {
            let got = takeovers.min()
            #expect(got != nil && got! <= first, "\(s.name): takeover \(String(describing: got)), expected at or before \(first)")
        } else {
            #expect(takeovers.isEmpty, "\(s.name): takeover invented at \(takeovers)")
        }
    }

    /// Without keys the analyzer knows less, never more: a message-id-reuse it reports must be
    /// one the capture really contains. In particular a request retransmitted with another
    /// fragmentation (RFC 7383 §2.5) cannot be told from reuse without keys: it is unverified.
    @Test("without keys, message-id-reuse only where the capture really reuses an ID", arguments: SynthScenario.ID.allCases)
    func noReuseInventedWithoutKeys(_ id: SynthScenario.ID) throws {
        let s = try SynthSupport.scenario(id)
        let e = try s.generate(seed: s.sampleSeed).expectation
        let report = try Self.analyze(s, keys: false)
        let real = Set(e.anomalies.filter { $0.kind == .messageIDReuse }.map(\.frame))
        for got in report.sas.flatMap(\.anomalies) where got.kind == .messageIDReuse && !real.contains(got.frame) {
            Issue.record("\(s.name) without keys: message-id-reuse at frame \(got.frame): \(FailoverWording.fact(got.fact))")
        }
    }

    /// Property: every valid synthesized failover (a scenario built to contain no anomaly), for
    /// any seed, yields zero anomalies, and every expected sync is found.
    @Test("every clean scenario, for several seeds, yields zero anomalies",
          arguments: SynthScenario.all.filter { $0.expectedAnomalyKinds.isEmpty }.map(\.id))
    func cleanScenariosHaveNoAnomaly(_ id: SynthScenario.ID) throws {
        let s = try SynthSupport.scenario(id)
        let dir = try Fixtures.tempDir("synth")
        defer { try? FileManager.default.removeItem(at: dir) }
        for seed: UInt64 in [1, 2, 3, 97, 65_537] {
            let c = try s.generate(seed: seed)
            let pcap = dir.appendingPathComponent("\(seed).pcap").path
            try c.write(pcap: pcap)
            let pipeline = FailoverPipeline(keys: c.keys)
            try pipeline.run(reader: CaptureReader(path: pcap))
            let report = pipeline.finish()
            let allowed = Set(c.expectation.toleratedAnomalyKinds)
            let unexpected = report.sas.flatMap(\.anomalies).filter { !allowed.contains($0.kind) }
            #expect(unexpected.isEmpty, "\(s.name) seed \(seed): \(unexpected.map { "\($0.kind.rawValue)@\($0.frame): \(FailoverWording.fact($0.fact))" })")
            let found = Set(report.sas.flatMap { $0.syncs + $0.resets }.filter(\.valid).map(\.requestFrame))
            for x in c.expectation.syncs where x.outcome == .accepted {
                #expect(found.contains(x.requestFrame), "\(s.name) seed \(seed): sync at \(x.requestFrame) not found valid")
            }
        }
    }

    /// Every IKE message read is in an SA or in a counted, named bucket (with and without keys).
    @Test("the failover summary accounts for every IKE message the capture reader found", arguments: SynthScenario.ID.allCases)
    func everyMessageAccounted(_ id: SynthScenario.ID) throws {
        let s = try SynthSupport.scenario(id)
        for keys in [true, false] {
            let pcap = Fixtures.samples.appendingPathComponent("\(s.name).pcap").path
            let table = keys ? try IKEKeyTable(contentsOfFile: Fixtures.samples.appendingPathComponent("\(s.name).keys").path) : nil
            let pipeline = FailoverPipeline(keys: table)
            let reader = try CaptureReader(path: pcap)
            try pipeline.run(reader: reader)
            let sum = pipeline.finish().summary
            let c = pipeline.counts
            let buckets = sum.ikeMessagesInSAs + sum.ikeMessagesInEvictedSAs + sum.messagesAfterRetirement + c.malformed + c.ikev1
                + c.fragmentsHeld + c.ikeSightings
            #expect(buckets == reader.statistics.ikeMessages, "\(s.name) keys \(keys)")
        }
    }
}
