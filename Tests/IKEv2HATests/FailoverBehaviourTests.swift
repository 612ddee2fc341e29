import IKEv2
import Testing
@testable import IKEv2HA

/// The behaviours of issue 12, each on a hand-built observation sequence with a near miss.
@Suite struct FailoverBehaviourTests {
    static let syncCaps = [NotifyPayload.messageIDSyncSupported(), NotifyPayload.replayCounterSyncSupported()]

    /// Established SA with traffic: initiator used 1..2, responder 0..1; ESP both ways.
    func base(_ caps: [NotifyPayload] = syncCaps) -> FailoverScript {
        var s = FailoverScript()
        s.establish(caps)
        s.exchange(.initiator, 2)
        s.exchange(.responder, 0)
        s.exchange(.responder, 1)
        for q: UInt32 in 1...5 {
            s.esp(.initiator, spi: 0x1111, q, digest: UInt64(q))
            s.esp(.responder, spi: 0x2222, q, digest: UInt64(q) + 100)
        }
        return s
    }

    func sync(_ s: inout FailoverScript, from side: IKESide = .responder, nonce: UInt32 = 0xA1B2_C3D4, m1: UInt32 = 12,
              p1: UInt32 = 3, p2: UInt32 = 3, m2: UInt32 = 12, delta: UInt64? = nil, answer: Bool = true) {
        var req: [NotifyPayload] = [.messageIDSync(nonce: nonce, expectedSend: m1, expectedRecv: p1)]
        if let delta, let n = try? NotifyPayload.replayCounterSync(delta: delta, extendedSequenceNumbers: false) { req.append(n) }
        s.msg(side, response: false, 0, notifies: req)
        if answer { s.msg(side.peer, response: true, 0, notifies: [.messageIDSync(nonce: nonce, expectedSend: p2, expectedRecv: m2)]) }
    }

    // 1. ESN: a wrap of the low 32 bits, and a 2^30 jump across 2^32, are progress.
    @Test("ESN wrap and a 2^30 jump across 2^32 are not regressions; without ESN a wrap is")
    func esn() {
        var t = SequenceNumberTracker(window: 64, jumpThreshold: 4096, extendedSequenceNumbers: true)
        #expect(t.observe(0xFFFF_FFF0) == .first(0xFFFF_FFF0))
        #expect(t.observe(0xFFFF_FFFF) == .advance(from: 0xFFFF_FFF0, to: 0xFFFF_FFFF))
        #expect(t.observe(2) == .advance(from: 0xFFFF_FFFF, to: 0x1_0000_0002))
        #expect(t.observe(0xFFFF_FFFE) == .reordered(0xFFFF_FFFE, highest: 0x1_0000_0002))
        var jump = SequenceNumberTracker(window: 64, jumpThreshold: 4096, extendedSequenceNumbers: true)
        _ = jump.observe(0xF000_0000)
        #expect(jump.observe(0x3000_0000) == .jump(from: 0xF000_0000, to: 0x1_3000_0000))
        var plain = SequenceNumberTracker(window: 64, jumpThreshold: 4096, extendedSequenceNumbers: false)
        _ = plain.observe(0xFFFF_FFF0)
        #expect(plain.observe(2) == .belowWindow(2, highest: 0xFFFF_FFF0))
        // ESN, but far from the top: a low number is below the window, not a wrap.
        var low = SequenceNumberTracker(window: 64, jumpThreshold: 4096, extendedSequenceNumbers: true)
        _ = low.observe(300)
        #expect(low.observe(5) == .belowWindow(5, highest: 300))
    }

    @Test("the anti-replay window agrees with a plain set of seen numbers, for windows of one and several words",
          arguments: [1, 32, 63, 64, 65, 100, 128, 200, 4096] as [UInt64])
    func windowMatchesSetModel(window: UInt64) {
        var t = SequenceNumberTracker(window: window, jumpThreshold: 300, extendedSequenceNumbers: false)
        var seen: Set<UInt64> = []
        var highest: UInt64? = nil
        // A fixed pseudo-random walk: mostly forward, steps across word boundaries, jumps, reordering.
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        var q: UInt64 = 1000
        for _ in 0..<5000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            let r = x >> 33
            switch r % 10 {
            case 0...5: q += r % 3 + 1
            case 6: q += r % 700
            case 7: q = q > 80 ? q - r % 80 : q
            case 8: q = q > 5000 ? q - r % 5000 : q
            default: break
            }
            let expected: SequenceNumberEvent
            if let h = highest {
                if q > h {
                    expected = q - h > 300 ? .jump(from: h, to: q) : .advance(from: h, to: q)
                } else if h - q >= window {
                    expected = .belowWindow(q, highest: h)
                } else {
                    expected = seen.contains(q) ? .duplicate(q) : .reordered(q, highest: h)
                }
            } else {
                expected = .first(q)
            }
            if case .belowWindow = expected {} else {
                seen.insert(q)
                highest = max(highest ?? q, q)
            }
            #expect(t.observe(UInt32(q)) == expected)
        }
    }

    @Test("a large step after a silence of a minute or more is unseen traffic; after a short pause it is a jump")
    func silenceAllowance() {
        let second: Int64 = 1_000_000_000
        var t = SequenceNumberTracker(window: 64, jumpThreshold: 4096, extendedSequenceNumbers: false)
        _ = t.observe(10, timeNanos: 0)
        #expect(t.observe(10 + 1_000_000, timeNanos: 59 * second) == .jump(from: 10, to: 1_000_010))
        // 70 minutes later: 2M packets per second could have been sent.
        #expect(t.observe(4_000_000_000, timeNanos: 4259 * second) == .advance(from: 1_000_010, to: 4_000_000_000))
    }

    // 2. No invented takeovers.
    @Test("ECMP TTLs, separate IKE/ESP IP ID counters and one reordered packet make no takeover")
    func noInventedTakeover() {
        var s = base()
        // ECMP: the gateway's packets alternate between two TTLs.
        for (i, ttl) in [UInt8(63), 64, 63, 64].enumerated() {
            s.responder.ttl = ttl
            s.esp(.responder, spi: 0x2222, UInt32(6 + i), digest: UInt64(6 + i) + 100)
        }
        s.responder.ttl = 64
        // IKE and ESP from the gateway, each with its own sequential IP ID counter.
        var ikeID: UInt32 = 1000, espID: UInt32 = 40000
        for i in 0..<6 {
            s.responder.ipID = ikeID
            s.exchange(.responder, UInt32(2 + i))
            ikeID += 1
            s.responder.ipID = espID
            s.esp(.responder, spi: 0x2222, UInt32(20 + i), digest: UInt64(20 + i) + 100)
            espID += 1
        }
        // One reordered packet in the ESP flow (an older IP ID), then the counter goes on.
        s.responder.ipID = espID - 3
        s.esp(.responder, spi: 0x2222, 40, digest: 140)
        s.responder.ipID = espID
        s.esp(.responder, spi: 0x2222, 41, digest: 141)
        let sa = s.sa()
        #expect(sa?.takeover == nil)
        #expect(sa?.events == [])
        #expect(s.kinds() == [])
    }

    @Test("a new MAC is one strong hint; a TTL change alone is not; TTL with an IP ID break is")
    func evidenceWeights() {
        var mac = base()
        mac.responder.mac = 0x02
        mac.esp(.responder, spi: 0x2222, 6, digest: 106)
        #expect(mac.sa()?.takeover?.evidence.map(\.isStrong) == [true])
        var ttl = base()
        ttl.responder.ttl = 255
        for q: UInt32 in 6...9 { ttl.esp(.responder, spi: 0x2222, q, digest: UInt64(q)) }
        #expect(ttl.sa()?.takeover == nil)
        var both = base()
        both.responder.ipID = 10
        for q: UInt32 in 6...9 { both.esp(.responder, spi: 0x2222, q, digest: UInt64(q)); both.responder.ipID? += 1 }
        both.responder.ttl = 255
        both.responder.ipID = 5000
        for q: UInt32 in 10...12 { both.esp(.responder, spi: 0x2222, q, digest: UInt64(q)); both.responder.ipID? += 1 }
        let t = both.sa()?.takeover
        #expect(t != nil)
        #expect(Set(t?.evidence.map { $0.isStrong } ?? []) == [false])
    }

    // 3. Silent takeover, lazy sync.
    @Test("a cluster ESP jump explained by a later sync; the takeover placed at the jump")
    func silentTakeoverLazySync() {
        var s = base()
        s.esp(.responder, spi: 0x2222, 5 + (1 << 30), digest: 7)      // same MAC and TTL (VRRP)
        let jumpFrame = s.frame
        for q: UInt32 in 1...3 { s.esp(.responder, spi: 0x2222, 5 + (1 << 30) + q, digest: UInt64(q) + 8) }
        s.exchange(.initiator, 3)                                      // the peer's next request comes later
        sync(&s, p1: 4, p2: 4)
        s.exchange(.responder, 12)
        let sa = s.sa()
        #expect(s.kinds() == [])
        #expect(sa?.takeover?.frame == jumpFrame)
        #expect(sa?.esp.first { $0.spi == 0x2222 }?.jumps.first?.explanation == .clusterForwardJump)
        // Near miss: the same jump with no sync is unexplained, and no takeover.
        var alone = base()
        alone.esp(.responder, spi: 0x2222, 5 + (1 << 30), digest: 7)
        #expect(alone.kinds() == [.espUnexplainedJump])
        #expect(alone.sa()?.takeover == nil)
    }

    // 4. Failover then failback.
    @Test("failover then failback: two events, each with its own sync and jump; a repeat without new hints is a second sync")
    func failoverFailback() {
        var s = base()
        s.responder.mac = 0x02
        sync(&s, m1: 12, p1: 3, p2: 3, m2: 12)
        s.esp(.responder, spi: 0x2222, 5 + (1 << 20), digest: 1)
        s.exchange(.responder, 12)
        s.clock += 120_000_000_000                                      // two minutes later
        s.esp(.responder, spi: 0x2222, 6 + (1 << 20), digest: 3)
        s.responder.mac = 0x01                                          // the first member is back
        sync(&s, nonce: 0x5555, m1: 30, p1: 3, p2: 3, m2: 30)
        s.esp(.responder, spi: 0x2222, 5 + (1 << 21), digest: 2)
        s.exchange(.responder, 30)
        let sa = s.sa()
        #expect(s.kinds() == [])
        #expect(sa?.events.count == 2)
        #expect(sa?.events.map { $0.syncs.count } == [1, 1])
        #expect(sa?.esp.first { $0.spi == 0x2222 }?.jumps.map(\.explanation) == [.clusterForwardJump, .clusterForwardJump])
        // Near miss: a second sync with no new hint is a second one in the same event (RFC 6311 §7).
        var twice = base()
        twice.responder.mac = 0x02
        sync(&twice, m1: 12, p1: 3, p2: 3, m2: 12)
        let first = twice.frame - 1
        sync(&twice, nonce: 0x6666, m1: 20, p1: 3, p2: 3, m2: 20)
        #expect(twice.sa()?.anomalies.map { $0.fact } == [.rule(.secondInFailover(.sync, firstFrame: first))])
    }

    // 6. Protection and placement.
    @Test("a sync outside SK or at Message ID 7 is a violation, never moves counters, and MID 7 stays an ordinary request")
    func placement() {
        var s = base()
        s.protected = false
        sync(&s, m1: 40, p1: 3, p2: 3, m2: 40, answer: false)
        let outside = s.frame
        s.protected = true
        s.msg(.responder, response: false, 2, notifies: [.messageIDSync(nonce: 9, expectedSend: 50, expectedRecv: 3)])
        let atSeven = s.frame
        s.msg(.initiator, response: true, 2)
        s.exchange(.responder, 3)                                      // counters did not move: 3 is fine
        let sa = s.sa()
        #expect(sa?.syncs == [])
        #expect(sa?.anomalies.map(\.kind) == [.syncRuleViolation, .syncRuleViolation])
        #expect(sa?.anomalies.map(\.frame) == [outside, atSeven])
        #expect(sa?.anomalies.first?.fact == .rule(.unprotected(.sync, isResponse: false)))
        #expect(!(sa?.anomalies.contains { $0.kind == .responseWithoutRequest } ?? true))
    }

    // 7. Peers without support.
    @Test("an empty or error response, or none, to a sync: the peer does not support it, not reuse")
    func peerWithoutSupport() {
        var empty = base([])
        empty.msg(.responder, response: false, 0, notifies: [.messageIDSync(nonce: 1, expectedSend: 12, expectedRecv: 3)])
        empty.msg(.initiator, response: true, 0)
        // No capabilities negotiated: sync-without-support says it; the empty answer is the consequence.
        #expect(empty.kinds() == [.syncWithoutSupport])
        #expect(empty.sa()?.syncs.first?.refusal == .emptyResponse)
        var unknown = FailoverScript()                                 // IKE_AUTH not in the capture
        unknown.exchange(.initiator, 7)
        unknown.msg(.responder, response: false, 0, notifies: [.messageIDSync(nonce: 1, expectedSend: 12, expectedRecv: 8)])
        unknown.msg(.initiator, response: true, 0, notifies: [NotifyPayload(type: .invalidSyntax)])
        #expect(unknown.kinds() == [.syncNotSupportedByPeer])
        #expect(unknown.sa()?.syncs.first?.refusal == .errorNotify(.invalidSyntax))
        var silent = base()
        sync(&silent, answer: false)
        #expect(silent.kinds() == [.syncNotSupportedByPeer])
        #expect(silent.sa()?.syncs.first?.refusal == .noResponse)
    }

    // 8. The A.2/A.3 contradiction and replays.
    @Test("a peer answering a sync §5.1 says to drop is reported with its values; same nonce other values is a replay")
    func answeredDespiteRule() {
        var s = base()
        sync(&s, m1: 1, p1: 3, p2: 3, m2: 2)                           // M1 = 1 <= 1 already used
        let sa = s.sa()
        #expect(Set(s.kinds()) == [.syncReplayed, .syncRuleViolation])
        #expect(sa?.syncs.first?.response == FailoverCounterValues(send: 3, recv: 2))
        #expect(sa?.anomalies.contains { $0.fact == .rule(.answeredDespiteReplayRule(m1: 1, highestSeen: 1)) } == true)
        var replay = base()
        sync(&replay, m1: 12, p1: 3, p2: 3, m2: 12)
        replay.msg(.responder, response: false, 0, notifies: [.messageIDSync(nonce: 0xA1B2_C3D4, expectedSend: 13, expectedRecv: 3)])
        #expect(replay.sa()?.anomalies.map(\.kind).contains(.syncReplayed) == true)
    }

    // 9. Capture starts mid-SA.
    @Test("mid-SA start: earlier IDs unknown, no out-of-window, a first response is history, a reuse still counts")
    func midCapture() {
        var s = FailoverScript()
        s.msg(.initiator, response: true, 40)                          // answers a request before the capture
        s.msg(.initiator, response: false, 57)
        s.msg(.initiator, response: false, 58)                         // window unknown: not out-of-window
        s.msg(.responder, response: true, 57)
        s.msg(.responder, response: true, 58)
        s.msg(.responder, response: false, 12)
        s.msg(.initiator, response: true, 12)
        #expect(s.kinds() == [])
        #expect(s.sa()?.startedBeforeCapture == true)
        s.msg(.initiator, response: false, 57, variant: 9)             // other bytes at a seen ID
        #expect(s.kinds() == [.messageIDReuse, .unansweredRequest])
    }

    // 10. Re-fragmented retransmission.
    @Test("without keys a fragment with other bytes at a seen ID is unverified, never reuse; with full content it is reuse")
    func refragmented() {
        var s = FailoverScript()
        s.establish([])
        s.msg(.initiator, response: false, 2, variant: 1, content: .keysMissing, comparable: false)
        s.msg(.initiator, response: false, 2, variant: 2, content: .keysMissing, comparable: false)
        s.msg(.responder, response: true, 2, content: .keysMissing)
        #expect(!s.kinds().contains(.messageIDReuse))
        #expect(s.sa()?.timeline.contains { $0.kind == .unverifiedRetransmission } == true)
        var whole = FailoverScript()
        whole.establish([])
        whole.msg(.initiator, response: false, 2, variant: 1)
        whole.msg(.initiator, response: false, 2, variant: 2)
        #expect(whole.kinds().contains(.messageIDReuse))
    }

    // 11. Replay delta with loss.
    @Test("the peer's jump is the delta with a few packets lost; far beyond the slack it is not")
    func replayDeltaWithLoss() {
        var s = base()
        s.responder.mac = 0x02
        sync(&s, delta: 65536)
        s.esp(.initiator, spi: 0x1111, 5 + 1 + 65536 + 3, digest: 9)   // three packets not captured
        #expect(s.kinds() == [])
        #expect(s.sa()?.esp.first { $0.spi == 0x1111 }?.jumps.first?.explanation == .peerReplayCounterDelta)
        var far = base()
        far.responder.mac = 0x02
        sync(&far, delta: 65536)
        far.esp(.initiator, spi: 0x1111, 5 + 1 + 65536 + 500, digest: 9)
        #expect(far.kinds() == [.espUnexplainedJump])
    }

    // 12. Crossing syncs with unequal values (A.4).
    @Test("crossing syncs: the maxima win, later requests are checked against them")
    func crossing() {
        var s = base()
        s.responder.mac = 0x02
        s.initiator.mac = 0x20
        s.msg(.responder, response: false, 0, notifies: [.messageIDSync(nonce: 1, expectedSend: 12, expectedRecv: 3)])
        s.msg(.initiator, response: false, 0, notifies: [.messageIDSync(nonce: 2, expectedSend: 20, expectedRecv: 2)])
        s.msg(.initiator, response: true, 0, notifies: [.messageIDSync(nonce: 1, expectedSend: 20, expectedRecv: 12)])
        s.msg(.responder, response: true, 0, notifies: [.messageIDSync(nonce: 2, expectedSend: 12, expectedRecv: 20)])
        s.exchange(.responder, 12)
        s.exchange(.initiator, 20)
        let sa = s.sa()
        #expect(s.kinds() == [])
        #expect(sa?.syncs.count == 2)
        #expect(sa?.syncs.allSatisfy { $0.requesterUsesNewValues == true && $0.peerUsesNewValues == true } == true)
        #expect(sa?.nextRequestID[.initiator] == 21 && sa?.nextRequestID[.responder] == 13)
    }

    // 13. Sync, then a fallback reset in the same event.
    @Test("a sync the peer ignores, then a reset in the same failover event: recovered by the reset")
    func syncThenReset() {
        var s = base([.messageIDSyncSupported(), .messageIDResetSupported()])
        s.responder.mac = 0x02
        sync(&s, answer: false)
        s.msg(.responder, response: false, 0, notifies: [.messageIDReset(nonce: 3, newSend: 70_000, newRecv: 80_000)])
        s.msg(.initiator, response: true, 0, notifies: [.messageIDReset(nonce: 3, newSend: 80_000, newRecv: 70_000)])
        s.exchange(.responder, 70_000)
        let sa = s.sa()
        #expect(sa?.events.count == 1)
        #expect(sa?.events.first?.syncs.count == 1 && sa?.events.first?.resets.count == 1)
        #expect(sa?.resets.first?.valid == true)
        #expect(s.kinds() == [.syncNotSupportedByPeer])
    }

    @Test("a failed recovery, then IKE_SA_INIT again on the same addresses: the new SA names the one it replaces")
    func reestablished() {
        var s = base()
        s.responder.mac = 0x02
        sync(&s, answer: false)
        let old = [s.spiI, s.spiR]
        s.spiI = 0x9999
        s.spiR = 0x8888
        s.establish(Self.syncCaps)
        let sas = s.run().sas
        #expect(sas.count == 2)
        #expect(sas.last?.lineage.replaces == old)
        // Near miss: after a recovered failover, a new SA replaces nothing.
        var ok = base()
        ok.responder.mac = 0x02
        sync(&ok)
        ok.spiI = 0x9999
        ok.spiR = 0x8888
        ok.establish(Self.syncCaps)
        #expect(ok.run().sas.last?.lineage.replaces == nil)
    }

    @Test("an answered Delete of the IKE SA, or idleness, retires the SA: its report is handed over and its state freed")
    func retirement() {
        var s = base()
        s.msg(.initiator, response: false, 3, content: .visible(FailoverVisibleContent(payloadTypes: [.delete], notifies: [],
                                                                                           deletesIKESA: true)))
        s.msg(.responder, response: true, 3)
        s.msg(.responder, response: true, 3, variant: 1)                 // late: counted, not a new SA
        var retired: [FailoverSAReport] = []
        let a = FailoverAnalyzer()
        a.onRetire = { retired.append($0) }
        for item in s.items {
            switch item {
            case .ike(let m): a.observe(m)
            case .esp(let e): a.observe(e)
            }
        }
        #expect(retired.count == 1 && a.liveSAs == 0)
        let r = a.finish()
        #expect(r.sas.isEmpty && r.summary.retiredSAs == 1 && r.summary.messagesAfterRetirement == 1)
        #expect(r.summary.ikeMessagesInSAs + r.summary.messagesAfterRetirement == r.summary.ikeMessages)
        // Idle: an hour of silence ends the SA; without onRetire finish() still returns it.
        var idle = base()
        idle.clock += 3_700_000_000_000
        idle.spiI = 0x7777
        idle.exchange(.initiator, 9)
        let report = idle.run()
        #expect(report.summary.retiredSAs == 1 && report.sas.count == 2)
        // Near miss: a Delete without its response keeps the SA.
        var open = base()
        open.msg(.initiator, response: false, 3, content: .visible(FailoverVisibleContent(payloadTypes: [.delete], notifies: [],
                                                                                              deletesIKESA: true)))
        #expect(open.run().summary.retiredSAs == 0)
    }

    // 14. AH like ESP.
    @Test("AH sequence numbers are tracked like ESP")
    func ah() {
        var s = base()
        for q: UInt32 in [1, 2, 3, 2] { s.esp(.responder, spi: 0x3333, q, digest: UInt64(q), ipProtocol: 51) }
        let sa = s.sa()
        #expect(sa?.esp.first { $0.spi == 0x3333 }?.ipProtocol == 51)
        #expect(s.kinds() == [.espDuplicate])
    }

    @Test("the evidence log, events and exchange lists stay bounded")
    func bounded() {
        var s = base()
        for i in 0..<200 {
            s.responder.mac = UInt64(0x100 + i)
            s.esp(.responder, spi: 0x2222, UInt32(10 + i), digest: UInt64(i))
        }
        var o = FailoverAnalyzer.Options()
        o.maxEvidencePerSide = 10
        o.maxEventsPerSA = 4
        let sa = s.run(o).sas.first
        #expect((sa?.events.count ?? 99) <= 4)
        #expect((sa?.events.flatMap(\.evidence).count ?? 99) <= 10)
    }

    @Test("without routine timeline entries only plain requests and the responses answering them are left out, and counted")
    func routineTimeline() {
        var s = base()
        sync(&s)
        s.exchange(.initiator, 12)
        s.msg(.initiator, response: false, 12, variant: 1)       // reuse: an anomaly, and its entry stays
        let all = s.run()
        var o = FailoverAnalyzer.Options()
        o.routineTimeline = false
        let notable = s.run(o)
        guard let full = all.sas.first, let lean = notable.sas.first else {
            Issue.record("no SA")
            return
        }
        let routine = full.timeline.filter(\.isRoutine)
        #expect(routine.count >= 8)
        #expect(lean.routineEntriesOmitted == routine.count)
        #expect(lean.timeline == full.timeline.filter { !$0.isRoutine })
        #expect(lean.timeline.contains { $0.kind == .syncRequest } && lean.timeline.contains { $0.kind == .syncResponse })
        // Everything else is the same report.
        #expect(lean.anomalies == full.anomalies && lean.syncs == full.syncs && lean.events == full.events)
        #expect(full.routineEntriesOmitted == 0)
    }

    @Test("finish(handing:) gives every live SA the report finish() would, frees it, and keeps the summary")
    func finishHanding() {
        var s = base()
        sync(&s)
        s.spiI = 0x9999
        s.establish(Self.syncCaps)
        s.exchange(.initiator, 2)
        let whole = s.run()
        let a = FailoverAnalyzer()
        for item in s.items {
            switch item {
            case .ike(let m): a.observe(m)
            case .esp(let e): a.observe(e)
            }
        }
        var handed: [FailoverSAReport] = []
        let rest = a.finish { handed.append($0) }
        #expect(whole.sas.count == 2)
        #expect(handed == whole.sas)
        #expect(rest.sas.isEmpty && a.liveSAs == 0)
        #expect(rest.summary == whole.summary)
    }

    @Test("message digests: up to 16 octets kept exactly (length included), longer ones folded")
    func digests() {
        #expect(MessageDigest([1, 2, 3]) == MessageDigest([1, 2, 3]))
        #expect(MessageDigest([1]) != MessageDigest([1, 0]))
        #expect(MessageDigest([]) != MessageDigest([0]))
        let long = Array(repeating: UInt8(7), count: 40)
        var other = long
        other[39] = 8
        #expect(MessageDigest(long) == MessageDigest(long) && MessageDigest(long) != MessageDigest(other))
        #expect(MessageDigest(Array(long.prefix(16))) != MessageDigest(Array(long.prefix(17))))
    }
}

