import IKEv2
import Testing
@testable import IKEv2HA

/// Builds observation sequences for one IKE SA by hand.
struct FailoverScript {
    var frame = 0
    var spiI: UInt64 = 0x1111_2222_3333_4444
    var spiR: UInt64 = 0x5555_6666_7777_8888
    var initiator = FailoverHost(address: "198.51.100.10", port: 4500, mac: 0x10, ttl: 64)
    var responder = FailoverHost(address: "203.0.113.1", port: 4500, mac: 0x01, ttl: 64)
    var items: [Item] = []
    /// Capture time of the next frame, and the step per frame (1 s unless a test says otherwise).
    var clock: Int64 = 1_000_000_000
    var step: Int64 = 1_000_000_000
    var protected = true

    mutating func tick() -> Int64 {
        defer { clock += step }
        return clock
    }

    enum Item {
        case ike(FailoverMessageObservation)
        case esp(FailoverESPObservation)
    }

    mutating func msg(_ sender: IKESide, response: Bool, _ mid: UInt32, _ exchange: ExchangeType = .informational,
                      variant: UInt8 = 0, notifies: [NotifyPayload] = [], content: FailoverContent? = nil,
                      spiR overrideR: UInt64? = nil, comparable: Bool = true) {
        frame += 1
        let digest: [UInt8] = [sender == .initiator ? 1 : 2, response ? 1 : 0,
                               UInt8(truncatingIfNeeded: mid >> 24), UInt8(truncatingIfNeeded: mid >> 16),
                               UInt8(truncatingIfNeeded: mid >> 8), UInt8(truncatingIfNeeded: mid), variant]
            + notifies.flatMap { $0.data }
        let c = content ?? .visible(FailoverVisibleContent(payloadTypes: notifies.map { _ in PayloadType.notify },
                                                             notifies: notifies.map { SeenNotify($0, protected: protected) }))
        let (src, dst) = sender == .initiator ? (initiator, responder) : (responder, initiator)
        items.append(.ike(FailoverMessageObservation(
            frame: frame, timeNanos: tick(), initiatorSPI: spiI, responderSPI: overrideR ?? spiR, sender: sender, isResponse: response,
            messageID: mid, exchange: exchange, digest: digest, digestComparable: comparable, source: src, destination: dst,
            content: c)))
    }

    /// A request and its response.
    mutating func exchange(_ sender: IKESide, _ mid: UInt32, _ exchange: ExchangeType = .informational) {
        msg(sender, response: false, mid, exchange)
        msg(sender.peer, response: true, mid, exchange)
    }

    mutating func esp(_ sender: IKESide, spi: UInt32, _ seq: UInt32, digest: UInt64 = 0, ipProtocol: UInt8 = 50) {
        frame += 1
        let (src, dst) = sender == .initiator ? (initiator, responder) : (responder, initiator)
        items.append(.esp(FailoverESPObservation(frame: frame, timeNanos: tick(), spi: spi, sequence: seq,
                                                 ipProtocol: ipProtocol, digest: digest,
                                                 source: src, destination: dst)))
    }

    /// IKE_SA_INIT (zero responder SPI in the request) and IKE_AUTH claiming `caps` on both sides.
    mutating func establish(_ caps: [NotifyPayload]) {
        msg(.initiator, response: false, 0, .ikeSAInit, spiR: 0)
        msg(.responder, response: true, 0, .ikeSAInit)
        msg(.initiator, response: false, 1, .ikeAuth, notifies: caps)
        msg(.responder, response: true, 1, .ikeAuth, notifies: caps)
    }

    static let bothCaps = [NotifyPayload.messageIDSyncSupported(), NotifyPayload.replayCounterSyncSupported()]

    func run(_ options: FailoverAnalyzer.Options = .init()) -> FailoverReport {
        let a = FailoverAnalyzer(options: options)
        for i in items {
            switch i {
            case .ike(let m): a.observe(m)
            case .esp(let e): a.observe(e)
            }
        }
        return a.finish()
    }

    func sa() -> FailoverSAReport? { run().sas.first }

    func kinds() -> [FailoverAnomalyKind] { sa()?.anomalies.map(\.kind) ?? [] }
}

@Suite struct FailoverAnalyzerTests {
    @Test func cleanSessionHasNoAnomalyAndJoinsZeroResponderSPI() {
        var s = FailoverScript()
        s.establish(FailoverScript.bothCaps)
        s.exchange(.initiator, 2)
        s.exchange(.responder, 0)   // the responder's first request uses Message ID 0: ordinary, not a sync
        s.exchange(.responder, 1)
        let r = s.run()
        #expect(r.sas.count == 1)
        let sa = r.sas.first
        #expect(sa?.responderSPI == s.spiR)
        #expect(sa?.anomalies == [])
        #expect(sa?.takeover == nil)
        #expect(sa?.syncs.isEmpty == true)
        #expect(sa?.capabilities == [.messageIDSync, .replayCounterSync])
        #expect(sa?.nextRequestID[.responder] == 2)
    }

    @Test func messageIDReuseVersusRetransmission() {
        var s = FailoverScript()
        s.establish([])
        s.exchange(.initiator, 2)
        var near = s
        s.msg(.initiator, response: false, 2, variant: 9)   // same ID, other bytes
        s.msg(.responder, response: true, 2, variant: 9)
        let sa = s.sa()
        #expect(sa?.anomalies.first?.kind == .messageIDReuse)
        #expect(sa?.anomalies.first?.messageID == 2)
        #expect(sa?.anomalies.first?.direction == .initiatorToResponder)
        near.msg(.initiator, response: false, 2)             // identical bytes: a retransmission
        near.msg(.responder, response: true, 2)
        #expect(near.kinds() == [])
        #expect(near.sa()?.timeline.contains { $0.kind == .retransmittedRequest } == true)
    }

    @Test func regressionVersusGapFill() {
        var s = FailoverScript()
        s.establish([])
        s.exchange(.initiator, 2)
        s.exchange(.initiator, 1000)                         // gap too large to remember
        s.exchange(.initiator, 500)
        #expect(s.kinds() == [.messageIDRegression])
        var near = FailoverScript()
        near.establish([])
        near.exchange(.initiator, 2)
        near.exchange(.initiator, 10)                        // gap 3..9 remembered
        near.exchange(.initiator, 5)                         // fills the gap
        #expect(near.kinds() == [])
        #expect(near.sa()?.timeline.contains { $0.kind == .gap } == true)
    }

    @Test func outOfWindowVersusAnswered() {
        var s = FailoverScript()
        s.establish([])
        s.msg(.initiator, response: false, 2)
        s.msg(.initiator, response: false, 3)                // window 1, 2 still unanswered
        s.msg(.responder, response: true, 2)
        s.msg(.responder, response: true, 3)
        #expect(s.kinds() == [.outOfWindow])
        var near = FailoverScript()
        near.establish([])
        near.exchange(.initiator, 2)
        near.exchange(.initiator, 3)
        #expect(near.kinds() == [])
    }

    /// Without keys the window is unknown (SET_WINDOW_SIZE travels encrypted in IKE_AUTH):
    /// pipelined requests are a timeline note, not an anomaly.
    @Test func outOfWindowNeedsVisibleContent() {
        var s = FailoverScript()
        s.establish([])
        s.msg(.initiator, response: false, 2, content: .keysMissing)
        s.msg(.initiator, response: false, 3, content: .keysMissing)
        s.msg(.responder, response: true, 2, content: .keysMissing)
        s.msg(.responder, response: true, 3, content: .keysMissing)
        #expect(!s.kinds().contains(.outOfWindow))
        #expect(s.sa()?.timeline.contains { $0.kind == .windowUnknown && $0.messageID == 3 } == true)
    }

    @Test func unansweredAndResponseWithoutRequest() {
        var s = FailoverScript()
        s.establish([])
        s.msg(.initiator, response: false, 2)
        s.msg(.responder, response: true, 7)
        let sa = s.sa()
        #expect(sa?.anomalies.map(\.kind) == [.unansweredRequest, .responseWithoutRequest])
        #expect(sa?.anomalies.last?.direction == .responderToInitiator)
        var near = FailoverScript()
        near.establish([])
        near.exchange(.initiator, 2)
        #expect(near.kinds() == [])
    }

    /// RFC 6311 Appendix-style failover: the responder is the cluster.
    func syncScript(caps: [NotifyPayload] = FailoverScript.bothCaps, m1: UInt32 = 10, p1: UInt32 = 3,
                    p2: UInt32 = 3, m2: UInt32 = 10, echo: Bool = true, delta: UInt64? = nil) -> FailoverScript {
        var s = FailoverScript()
        s.establish(caps)
        s.exchange(.initiator, 2)
        s.exchange(.responder, 0)
        s.exchange(.responder, 1)
        s.responder.mac = 0x02                                  // the standby takes over
        var req = [NotifyPayload.messageIDSync(nonce: 0xA1B2C3D4, expectedSend: m1, expectedRecv: p1)]
        if let delta, let n = try? NotifyPayload.replayCounterSync(delta: delta, extendedSequenceNumbers: false) {
            req.append(n)
        }
        s.msg(.responder, response: false, 0, notifies: req)
        s.msg(.initiator, response: true, 0,
              notifies: [.messageIDSync(nonce: echo ? 0xA1B2C3D4 : 0x0BAD0BAD, expectedSend: p2, expectedRecv: m2)])
        return s
    }

    @Test func validSyncIsAnEventWithTakeover() {
        var s = syncScript()
        s.exchange(.responder, 10)
        s.exchange(.initiator, 3)
        let sa = s.sa()
        #expect(sa?.anomalies == [])
        #expect(sa?.takeover?.frame == 11)
        #expect(sa?.takeover?.side == .responder)
        let x = sa?.syncs.first
        #expect(x?.requestFrame == 11 && x?.responseFrame == 12)
        #expect(x?.nonce == 0xA1B2C3D4)
        #expect(x?.request == FailoverCounterValues(send: 10, recv: 3))
        #expect(x?.response == FailoverCounterValues(send: 3, recv: 10))
        #expect(x?.valid == true && x?.nonceEchoed == true && x?.obeysRules == true)
        #expect(x?.requesterUsesNewValues == true && x?.peerUsesNewValues == true)
    }

    @Test func syncWithoutSupport() {
        #expect(syncScript(caps: []).kinds() == [.syncWithoutSupport])
        #expect(syncScript(caps: [.messageIDSyncSupported()], delta: 100).kinds() == [.syncWithoutSupport])
        #expect(syncScript(caps: FailoverScript.bothCaps, delta: 100).kinds() == [])
    }

    @Test func syncNonceMismatch() {
        let s = syncScript(echo: false)
        #expect(s.kinds() == [.syncNonceMismatch])
        #expect(s.sa()?.syncs.first?.valid == false)
        #expect(syncScript(echo: true).kinds() == [])
    }

    @Test func syncReplayed() {
        // The responder already used Message ID 1: M1 = 1 is not above it.
        #expect(syncScript(m1: 1, m2: 2).kinds().contains(.syncReplayed))
        #expect(syncScript(m1: 2, m2: 2).kinds() == [])
    }

    @Test func syncRuleViolationOnResponseMaxima() {
        // The initiator used Message ID 2, so P2 must be at least 3; M2 at least M1.
        #expect(Set(syncScript(p1: 3, p2: 2).kinds()) == [.syncRuleViolation])
        #expect(Set(syncScript(m1: 10, m2: 9).kinds()) == [.syncRuleViolation])
        #expect(syncScript(p1: 3, p2: 4, m2: 12).kinds() == [])
    }

    @Test func laterRequestsMustUseSyncedValues() {
        var s = syncScript()
        s.exchange(.responder, 5)                               // below M2 = 10
        let sa = s.sa()
        #expect(sa?.syncs.first?.requesterUsesNewValues == false)
        #expect(sa?.anomalies.map(\.kind).contains(.syncRuleViolation) == true)
    }

    func resetScript(r1: UInt32, caps: [NotifyPayload] = [.messageIDResetSupported()], echo: Bool = true) -> FailoverScript {
        var s = FailoverScript()
        s.establish(caps)
        s.exchange(.initiator, 2)
        s.exchange(.responder, 70_000)
        s.msg(.responder, response: false, 0, notifies: [.messageIDReset(nonce: 7, newSend: r1, newRecv: 65_536)])
        s.msg(.initiator, response: true, 0, notifies: [.messageIDReset(nonce: echo ? 7 : 8, newSend: 65_536, newRecv: r1)])
        return s
    }

    @Test func resetReopensMessageIDs() {
        let s = resetScript(r1: 65_536)
        #expect(s.kinds() == [.resetReopensMessageIDs])
        #expect(s.sa()?.anomalies.first?.direction == .responderToInitiator)
        #expect(resetScript(r1: 70_001).kinds() == [])
        #expect(resetScript(r1: 70_001).sa()?.resets.first?.valid == true)
    }

    @Test func resetWithoutSupportAndNonce() {
        #expect(resetScript(r1: 70_001, caps: []).kinds() == [.resetWithoutSupport])
        #expect(resetScript(r1: 70_001, echo: false).kinds() == [.resetNonceMismatch])
    }

    @Test func espRegressionVersusIncrease() {
        var s = FailoverScript()
        s.establish([])
        // Below the 64-packet window (RFC 4303 §3.4.3): 300 - 64 = 236.
        for q: UInt32 in [100, 200, 300, 236, 5] { s.esp(.responder, spi: 0x2222, q) }
        let sa = s.sa()
        #expect(sa?.anomalies.map(\.kind) == [.espSequenceRegression])   // one per episode
        #expect(sa?.esp.first?.regressions == 2)
        // At the window's bottom edge (237 is inside): reordering, no anomaly.
        var edge = FailoverScript()
        edge.establish([])
        for q: UInt32 in [100, 200, 300, 237] { edge.esp(.responder, spi: 0x2222, q) }
        #expect(edge.kinds() == [])
        #expect(edge.sa()?.esp.first?.reordered == 1)
        #expect(sa?.esp.first?.direction == .responderToInitiator)
        #expect(sa?.esp.first?.association == .addressPair)
        var near = FailoverScript()
        near.establish([])
        for q: UInt32 in [1, 2, 3, 5, 4000] { near.esp(.responder, spi: 0x2222, q) }
        #expect(near.kinds() == [])
    }

    @Test("RFC 4303 §3.4.3: reordering inside the window is fine, a repeat is a duplicate, other bytes are a reuse")
    func espReorderDuplicateReuse() {
        var reorder = FailoverScript()
        reorder.establish([])
        for q: UInt32 in [1, 2, 4, 3, 6, 5] { reorder.esp(.responder, spi: 0x2222, q, digest: UInt64(q)) }
        #expect(reorder.kinds() == [])
        #expect(reorder.sa()?.esp.first?.reordered == 2)
        var dup = FailoverScript()
        dup.establish([])
        for q: UInt32 in [1, 2, 3, 2] { dup.esp(.responder, spi: 0x2222, q, digest: UInt64(q)) }
        #expect(dup.kinds() == [.espDuplicate])
        #expect(dup.sa()?.anomalies.first?.frame == 8)
        var reuse = FailoverScript()
        reuse.establish([])
        for (q, d): (UInt32, UInt64) in [(1, 1), (2, 2), (3, 3), (2, 99)] { reuse.esp(.responder, spi: 0x2222, q, digest: d) }
        #expect(reuse.kinds() == [.espSequenceRegression])
        // A window of 2: 1 is then below it.
        var narrow = FailoverScript()
        narrow.establish([])
        for q: UInt32 in [1, 2, 3, 1] { narrow.esp(.responder, spi: 0x2222, q, digest: UInt64(q)) }
        var options = FailoverAnalyzer.Options()
        options.replayWindow = 2
        #expect(narrow.run(options).sas.first?.anomalies.map(\.kind) == [.espSequenceRegression])
    }

    @Test func espJumpsExplainedOrNot() {
        // No takeover: a big jump is unexplained.
        var s = FailoverScript()
        s.establish([])
        for q: UInt32 in [1, 2, 100_000] { s.esp(.responder, spi: 0x2222, q) }
        #expect(s.kinds() == [.espUnexplainedJump])
        // The cluster's own forward jump after a takeover (new MAC) is an event.
        var c = FailoverScript()
        c.establish([])
        c.esp(.responder, spi: 0x2222, 1)
        c.esp(.responder, spi: 0x2222, 2)
        c.responder.mac = 0x02
        c.esp(.responder, spi: 0x2222, 1 << 20)
        #expect(c.kinds() == [])
        #expect(c.sa()?.esp.first?.jumps.first?.explanation == .clusterForwardJump)
        #expect(c.sa()?.takeover?.frame == 7)
        // The peer's jump by exactly the delta is an event; off by 5000 it is not.
        for (extra, expected) in [(UInt32(0), [FailoverAnomalyKind]()), (5000, [.espUnexplainedJump])] {
            var q = FailoverScript()
            q.establish(FailoverScript.bothCaps)
            q.esp(.initiator, spi: 0x1111, 1)
            q.esp(.initiator, spi: 0x1111, 5)
            q.responder.mac = 0x02
            q.msg(.responder, response: false, 0, notifies: [.messageIDSync(nonce: 1, expectedSend: 10, expectedRecv: 2),
                                                             (try? .replayCounterSync(delta: 65_536, extendedSequenceNumbers: false)) ?? .messageIDSyncSupported()])
            q.msg(.initiator, response: true, 0, notifies: [.messageIDSync(nonce: 1, expectedSend: 2, expectedRecv: 10)])
            q.esp(.initiator, spi: 0x1111, 5 + 1 + 65_536 + extra)
            #expect(q.kinds() == expected)
        }
    }

    @Test func keysMissingOncePerSA() {
        var s = FailoverScript()
        s.msg(.initiator, response: false, 0, .ikeSAInit, spiR: 0)
        s.msg(.responder, response: true, 0, .ikeSAInit)
        s.msg(.initiator, response: false, 1, .ikeAuth, content: .keysMissing)
        s.msg(.responder, response: true, 1, .ikeAuth, content: .keysMissing)
        s.msg(.initiator, response: false, 2, content: .keysMissing)
        s.msg(.initiator, response: false, 2, variant: 5, content: .keysMissing)   // header-level reuse still found
        s.msg(.responder, response: true, 2, content: .keysMissing)
        let sa = s.sa()
        #expect(sa?.anomalies.map(\.kind) == [.keysMissing, .messageIDReuse])
        #expect(sa?.capabilities == nil)
        #expect(sa?.capabilitiesUnknown == .encrypted)
        var near = FailoverScript()
        near.establish([])
        #expect(near.kinds() == [])
    }

    @Test func saTableIsBoundedLeastRecentlySeenFirst() {
        var options = FailoverAnalyzer.Options()
        options.maxSAs = 2
        let a = FailoverAnalyzer(options: options)
        func m(_ i: UInt64, _ frame: Int) -> FailoverMessageObservation {
            FailoverMessageObservation(frame: frame, initiatorSPI: i, responderSPI: i + 100, sender: .initiator,
                                       isResponse: false, messageID: 2, exchange: .informational, digest: [UInt8(i)],
                                       source: FailoverHost(address: "a\(i)"), destination: FailoverHost(address: "b"),
                                       content: .keysMissing)
        }
        a.observe(m(1, 1))
        a.observe(m(2, 2))
        a.observe(m(1, 3))          // SA 1 seen again: SA 2 is now least recent
        a.observe(m(3, 4))
        #expect(a.liveSAs == 2)
        let r = a.finish()
        #expect(r.summary.evictedSAs == 1)
        #expect(r.summary.sasSeen == 3)
        #expect(r.sas.map(\.initiatorSPI) == [1, 3])
        // Evicted SAs' anomalies still count in the summary.
        #expect(r.summary.anomaliesByKind[.keysMissing] == 3)
    }

    @Test func perSATimelineIsBounded() {
        var options = FailoverAnalyzer.Options()
        options.maxTimelineEntriesPerSA = 5
        var s = FailoverScript()
        s.establish([])
        for mid: UInt32 in 2..<20 { s.exchange(.initiator, mid) }
        let r = s.run(options)
        #expect(r.sas.first?.timeline.count == 5)
        #expect(r.summary.timelineEntriesDropped == 4 + 36 - 5)
    }
}
