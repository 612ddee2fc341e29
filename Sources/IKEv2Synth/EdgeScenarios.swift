// Failover edge cases: ESP/AH anti-replay semantics, takeover evidence that must not be
// invented, lazy and repeated syncs, IKE SA rekey, misplaced sync notifies, captures that start
// mid-SA, re-fragmented retransmissions, loss after a replay-counter delta and crossing syncs.
// Each expectation is written from the RFCs (RFC 7296, RFC 6311, RFC 4302/4303, RFC 7383); the
// counter values come from the IKEv2HA procedures, as in Scenarios.swift.

import IKEv2
import IKEv2Capture
import IKEv2Crypto
import IKEv2HA

extension SynthScenario {
    /// The receiver's anti-replay window assumed by the expectations (RFC 4303 §3.4.3: 32 is
    /// the minimum, 64 the default).
    static let antiReplayWindow: UInt64 = 64

    public static let espAntiReplay = SynthScenario(
        id: .espAntiReplay,
        summary: "No failover. RFC 4303 §3.4.3 with a 64-packet window: the peer's packets arrive reordered inside the window (one packet 4 places late, one 63 below the highest: still inside), the gateway's network duplicates one packet byte for byte (esp-duplicate there), and one peer packet arrives 64 below the highest seen, just below the window (esp-sequence-regression there).",
        expectedAnomalyKinds: [.espDuplicate, .espSequenceRegression], toleratedAnomalyKinds: [], sampleSeed: 4303)
    public static let esnWrap = SynthScenario(
        id: .esnWrap,
        summary: "ESN negotiated for the Child SA (ESN transform 1 in IKE_AUTH). The capture resumes after ~70 minutes of bulk traffic it did not keep: the peer's low 32 bits wrap to 0 (ESN 2^32), then the gateway fails over, syncs with IPSEC_REPLAY_COUNTER_SYNC (8-octet ESN delta) and jumps 2^30 across 2^32 (low half on the wire goes down). No anomaly.",
        expectedAnomalyKinds: [], toleratedAnomalyKinds: [], sampleSeed: 4304)
    public static let noInventedTakeover = SynthScenario(
        id: .noInventedTakeover,
        summary: "No failover. No NAT: IKE on UDP 500, ESP in IP protocol 50. Each box keeps separate IP ID counters for IKE and ESP (as Linux does), the gateway's packets alternate between two ECMP paths (TTL 61 and 60), and one gateway ESP packet is reordered (its IP ID too). No takeover, no anomaly.",
        expectedAnomalyKinds: [], toleratedAnomalyKinds: [], sampleSeed: 50)
    public static let silentTakeoverLazySync = SynthScenario(
        id: .silentTakeoverLazySync,
        summary: "VRRP-style cluster: the standby keeps the virtual MAC and TTL. Its first frame is ESP jumped by 2^30 (RFC 6311 §5.2; the takeover frame); it syncs lazily only when the peer's next request (MID 5, out of its stale window) arrives (RFC 6311 §7); the peer abandons that request (§9). The jump is explained by the later sync. No anomaly.",
        expectedAnomalyKinds: [], toleratedAnomalyKinds: [], sampleSeed: 6312)
    public static let failoverFailback = SynthScenario(
        id: .failoverFailback,
        summary: "Failover then failback (member 0 -> 1 -> 0): each takeover has its own valid IKEV2_MESSAGE_ID_SYNC (one per failover event, RFC 6311 §7) from the state replicated to that member and its own 2^30 ESP jump. No anomaly.",
        expectedAnomalyKinds: [], toleratedAnomalyKinds: [], sampleSeed: 6313)
    public static let ikeSARekeyFailover = SynthScenario(
        id: .ikeSARekeyFailover,
        summary: "16420 and 16421 claimed in IKE_AUTH; the peer rekeys the IKE SA with CREATE_CHILD_SA (RFC 7296 §1.3.2: new SPIs, new keys in the key table, Message IDs restart at 0) and deletes the old SA; then the gateway fails over on the NEW SA and syncs with IPSEC_REPLAY_COUNTER_SYNC: the Child SA created under the old SA jumps by the delta (peer) and 2^30 (gateway). No anomaly.",
        expectedAnomalyKinds: [], toleratedAnomalyKinds: [], sampleSeed: 7297)
    public static let misplacedSync = SynthScenario(
        id: .misplacedSync,
        summary: "RFC 6311 §5.1, §9: after the takeover the new member first sends IKEV2_MESSAGE_ID_SYNC in a cleartext INFORMATIONAL MID 0 (no SK; the peer drops it), then inside SK at its next request ID 7 (the peer answers it as an ordinary INFORMATIONAL); both are sync-rule-violation and neither is the sync. Then the real, valid MID-0 sync.",
        expectedAnomalyKinds: [.syncRuleViolation], toleratedAnomalyKinds: [], sampleSeed: 6314)
    public static let midSACapture = SynthScenario(
        id: .midSACapture,
        summary: "The capture starts mid-SA (no IKE_SA_INIT/IKE_AUTH): first a response to a request before the capture, then requests at high Message IDs; the peer later reuses a seen Message ID with different bytes (message-id-reuse there, the only anomaly); then a failover with a valid sync.",
        expectedAnomalyKinds: [.messageIDReuse], toleratedAnomalyKinds: [], sampleSeed: 5757)
    public static let refragmentedRetransmission = SynthScenario(
        id: .refragmentedRetransmission,
        summary: "No failover. IKEV2_FRAGMENTATION_SUPPORTED in IKE_SA_INIT; a CREATE_CHILD_SA request sent as SKF fragments goes unanswered and is retransmitted with smaller fragments (RFC 7383 §2.5): other bytes, same reassembled content. With keys: no anomaly. Without keys it cannot be told from reuse: it must be reported as unverified, never message-id-reuse.",
        expectedAnomalyKinds: [], toleratedAnomalyKinds: [], sampleSeed: 7383)
    public static let replayDeltaWithLoss = SynthScenario(
        id: .replayDeltaWithLoss,
        summary: "As rfc6311-sync-with-replay-counter, but the first 2-4 packets the peer sends after adding the delta D are not in the capture: its first captured ESP is last + 1 + D + k (RFC 6311 §5.2 gives a lower bound). Explained, no anomaly.",
        expectedAnomalyKinds: [], toleratedAnomalyKinds: [], sampleSeed: 16424)
    public static let crossingSyncsUnequal = SynthScenario(
        id: .crossingSyncsUnequal,
        summary: "RFC 6311 Appendix A.4 with unequal values: both ends are clusters and fail over; the peer's member uses margin 30, the gateway's margin 10 and a receive margin of 3; the syncs cross, the maxima win on both sides, and the next requests use them. No anomaly.",
        expectedAnomalyKinds: [], toleratedAnomalyKinds: [], sampleSeed: 6028)
    public static let ahStaleCounter = SynthScenario(
        id: .ahStaleCounter,
        summary: "AH Child SA (IP protocol 51, RFC 4302; no NAT). The gateway sends 70 AH packets the synch channel never replicated, fails over, syncs the IKE counters validly, but restarts its AH counter from the stale replicated value (no RFC 6311 §5.2 jump): its first AH packet is far below the window (esp-sequence-regression there).",
        expectedAnomalyKinds: [.espSequenceRegression], toleratedAnomalyKinds: [], sampleSeed: 4302)

    static let issue12: [SynthScenario] = [
        espAntiReplay, esnWrap, noInventedTakeover, silentTakeoverLazySync, failoverFailback, ikeSARekeyFailover,
        misplacedSync, midSACapture, refragmentedRetransmission, replayDeltaWithLoss, crossingSyncsUnequal,
        ahStaleCounter,
    ]
}

extension Story {
    static let bigJump = ReplayCounterSync.defaultOutboundJump

    /// A sync requester's data from `replicated` (RFC 6311 §5.1).
    mutating func syncRequest(_ counters: MessageIDCounters, margin: UInt32 = SynthScenario.syncMargin) throws(SynthError) -> MessageIDSyncData {
        var member = MessageIDSyncRequester(replicated: counters)
        let nonce = UInt32(truncatingIfNeeded: engine.rng.next())
        var request = MessageIDSyncData(nonce: 0, expectedSend: 0, expectedRecv: 0)
        try Self.ha { () throws(HAError) in request = try member.makeRequest(margin: margin, nonce: nonce) }
        return request
    }

    /// An exchange from `side` mirrored into the peer's sync-responder state (the peer is the
    /// initiator).
    mutating func mirroredExchange(from side: IKESide, peer: inout MessageIDSyncResponder) throws(SynthError) {
        let mid = engine[side].counters.nextSend
        if side == .initiator {
            try Self.ha { () throws(HAError) in try peer.sentRequest() }
            try engine.exchange(from: .initiator)
            peer.receivedResponse(messageID: mid)
        } else {
            try engine.exchange(from: .responder)
            try Self.ha { () throws(HAError) in try peer.receivedRequest(messageID: mid) }
        }
    }

    // MARK: behaviour 1

    mutating func espAntiReplayScenario() throws(SynthError) {
        engine.espBlocks = 1...3
        try engine.ikeSAInit()
        engine.wait(ms: 2...8)
        try engine.ikeAuth()
        engine.traffic(2)
        // Reordering inside the window: packet 1 of 6 arrives after packet 5.
        engine.wait(ms: 200...400)
        try engine.espBurst(from: .initiator, count: 6, order: [0, 2, 3, 4, 5, 1])
        engine.traffic(1)
        // A network duplicate of one gateway packet (same bytes, same IP ID).
        engine.wait(ms: 200...400)
        let original = engine.esp(from: .responder)
        let dup = try engine.duplicate(original)
        anomalies.append(ExpectedAnomaly(kind: .espDuplicate, frame: dup,
                                         note: "frame \(original) again byte for byte, inside the window"))
        engine.traffic(1)
        try engine.exchange(from: .initiator)
        // Near miss: a packet 63 below the highest seen is at the window's left edge, accepted.
        let w = Int(SynthScenario.antiReplayWindow)
        engine.wait(ms: 200...400)
        try engine.espBurst(from: .initiator, count: w, order: Array(1..<w) + [0])
        engine.traffic(1)
        // A packet 64 below the highest seen: left of the window, rejected (RFC 4303 §3.4.3).
        engine.wait(ms: 200...400)
        let late = try engine.espBurst(from: .initiator, count: w + 1, order: Array(1...w) + [0])
        anomalies.append(ExpectedAnomaly(kind: .espSequenceRegression, frame: late[0],
                                         note: "sequence \(UInt32(truncatingIfNeeded: engine.initiator.espSequence) &- UInt32(w)) arrives after \(UInt32(truncatingIfNeeded: engine.initiator.espSequence)): below the 64-packet window"))
        engine.traffic(1)
        try engine.exchange(from: .responder)
    }

    /// ESN (RFC 4303 §2.2.1, Appendix A): low-half wrap and a 2^30 takeover jump across 2^32.
    mutating func esnWrapScenario() throws(SynthError) {
        engine.initiator.claims = [.messageIDSyncSupported(), .replayCounterSyncSupported()]
        engine.responder.claims = [.messageIDSyncSupported(), .replayCounterSyncSupported()]
        engine.espBlocks = 2...12
        try engine.ikeSAInit()
        engine.wait(ms: 2...8)
        try engine.ikeAuth(esn: true)
        engine.traffic(2)
        try engine.exchange(from: .initiator)
        // The capture keeps nothing for ~70 minutes of bulk traffic (~1 Mpps each way).
        let lastI = engine.initiator.espSequence
        let lastR = engine.responder.espSequence
        engine.clock &+= Int64(engine.rng.int(in: 4_100...4_200)) * 1_000_000_000
        engine.initiator.espSequence = (1 << 32) - UInt64(engine.rng.int(in: 3...4))
        engine.responder.espSequence = (1 << 32) - (1 << 29) - UInt64(engine.rng.int(in: 1_000...9_000))
        let firstI = engine.esp(from: .initiator)
        espJumps.append(ExpectedESPJump(spi: engine.initiator.espSPI, sender: IKESide.initiator.rawValue,
                                        lastBefore: UInt32(truncatingIfNeeded: lastI),
                                        firstAfter: UInt32(truncatingIfNeeded: engine.initiator.espSequence),
                                        frame: firstI, reason: "not-captured"))
        engine.wait(ms: 1...5)
        let firstR = engine.esp(from: .responder)
        espJumps.append(ExpectedESPJump(spi: engine.responder.espSPI, sender: IKESide.responder.rawValue,
                                        lastBefore: UInt32(truncatingIfNeeded: lastR),
                                        firstAfter: UInt32(truncatingIfNeeded: engine.responder.espSequence),
                                        frame: firstR, reason: "not-captured"))
        // The peer's low 32 bits wrap: ..., 0xFFFFFFFF, 0 (ESN 2^32), 1, ...
        for _ in 0..<5 {
            engine.wait(ms: 1...20)
            engine.esp(from: .initiator)
        }
        guard engine.initiator.espSequence > 1 << 32 else { throw SynthError("the ESN low half did not wrap") }
        try engine.exchange(from: .responder)
        let replicated = engine.replicate(.responder)
        engine.traffic(2)
        try engine.exchange(from: .initiator)
        engine.traffic(1)
        let lastSent = engine.responder.espSequence
        for _ in 0..<2 {
            engine.wait(ms: 300...900)
            engine.esp(from: .initiator)
        }
        engine.wait(ms: 1500...3000)
        engine.takeover(.responder, member: 1, replicated: replicated)
        var peer = MessageIDSyncResponder(counters: engine.initiator.counters)
        let delta = UInt64(1) << engine.rng.int(in: 14...18)
        _ = try gatewaySync(replicated: replicated, delta: delta, peer: &peer, esn: true)
        engine.wait(ms: 20...200)
        outboundJump(.responder, lastSentBefore: lastSent, by: Self.bigJump)
        guard replicated.espSequence < 1 << 32, engine.responder.espSequence > 1 << 32 else {
            throw SynthError("the takeover jump does not cross 2^32")
        }
        try peerAppliesDelta(delta, esn: true)
        try epilogue()
    }

    /// RFC 6311 §5.2: the peer adds the delta to its outbound counter; its next packet shows it.
    mutating func peerAppliesDelta(_ delta: UInt64, esn: Bool) throws(SynthError) {
        let before = engine.initiator.espSequence
        var advanced: [ChildSACounter] = []
        try Self.ha { () throws(HAError) in
            advanced = try ReplayCounterSync.apply(ReplayCounterDelta(delta: delta, extendedSequenceNumbers: esn),
                                                   to: [ChildSACounter(spi: engine.initiator.espSPI, sequence: before,
                                                                       extendedSequenceNumbers: esn)])
        }
        engine.initiator.espSequence = advanced.first?.sequence ?? before
        engine.wait(ms: 5...60)
        let frame = engine.esp(from: .initiator)
        espJumps.append(ExpectedESPJump(spi: engine.initiator.espSPI, sender: IKESide.initiator.rawValue,
                                        lastBefore: UInt32(truncatingIfNeeded: before),
                                        firstAfter: UInt32(truncatingIfNeeded: engine.initiator.espSequence),
                                        frame: frame, reason: "replay-counter-sync"))
    }

    // MARK: behaviour 2

    mutating func noInventedTakeoverScenario() throws(SynthError) {
        engine.initiator.claims = [.messageIDSyncSupported()]
        engine.responder.claims = [.messageIDSyncSupported()]
        engine.childTransport = .espInIP
        engine.espBlocks = 2...12
        // Linux: IKE (a UDP socket) and ESP (the kernel's xfrm output) number IP IDs separately.
        for side in [IKESide.initiator, .responder] {
            for m in engine[side].members.indices {
                engine[side].members[m].ipsecIPID = UInt16(truncatingIfNeeded: engine.rng.next())
                engine[side].members[m].ipIDStep = 1
            }
        }
        // Two ECMP paths between the gateway and the capture point, one hop apart.
        engine.responder.members[0].ttlCycle = [61, 60]
        try engine.ikeSAInit(nat: false)
        engine.wait(ms: 2...8)
        try engine.ikeAuth()
        engine.traffic(3)
        try engine.exchange(from: .initiator)
        engine.traffic(2)
        try engine.exchange(from: .responder)
        // One gateway ESP packet overtaken by the next one (IP IDs in send order).
        engine.wait(ms: 200...500)
        try engine.espBurst(from: .responder, count: 4, order: [0, 2, 1, 3])
        engine.traffic(2)
        try engine.exchange(from: .initiator)
        engine.traffic(2)
        try engine.exchange(from: .responder)
        engine.traffic(1)
    }

    // MARK: behaviour 3

    mutating func silentTakeoverLazySyncScenario() throws(SynthError) {
        engine.initiator.claims = [.messageIDSyncSupported()]
        engine.responder.claims = [.messageIDSyncSupported()]
        // VRRP/CARP: the virtual MAC moves with the role; same OS, same TTL; own IP ID counter.
        engine.responder.members[1].mac = engine.responder.members[0].mac
        engine.responder.members[1].ttl = engine.responder.members[0].ttl
        engine.responder.members[1].ipIDStep = 1
        engine.espBlocks = 2...12
        let replicated = try prologue().responder
        let lastSent = engine.responder.espSequence
        engine.takeover(.responder, member: 1, replicated: replicated)
        // Its first frame: ESP with its own forward jump (RFC 6311 §5.2), no IKE yet.
        let jumpFrame = outboundJump(.responder, lastSentBefore: lastSent, by: Self.bigJump)
        takeoverFrames.append(jumpFrame)
        engine.traffic(3)
        // The peer's next liveness check (MID 5) is outside the member's stale window (it
        // expects 4, window 1): RFC 6311 §7 (a) triggers the sync; the request itself is dropped
        // (§8.1) and abandoned by the peer when it answers the sync (§9).
        engine.wait(ms: 1500...3000)
        let mid = engine.initiator.counters.nextSend
        var peer = MessageIDSyncResponder(counters: engine.initiator.counters)
        try Self.ha { () throws(HAError) in try peer.sentRequest() }
        try engine.sk(from: .initiator, exchange: .informational, messageID: mid, response: false, inner: [])
        engine.initiator.counters.nextSend = mid &+ 1
        engine.wait(ms: 5...30)
        _ = try gatewaySync(replicated: replicated, delta: nil, peer: &peer, marksTakeover: false)
        guard peer.outstandingRequests.isEmpty, engine.initiator.counters.nextSend > mid else {
            throw SynthError("the peer did not abandon MID \(mid)")
        }
        try epilogue()
    }

    // MARK: behaviour 4

    mutating func failoverFailbackScenario() throws(SynthError) {
        engine.initiator.claims = [.messageIDSyncSupported()]
        engine.responder.claims = [.messageIDSyncSupported()]
        engine.espBlocks = 2...12
        let replicated = try prologue().responder
        let lastSent = engine.responder.espSequence
        engine.takeover(.responder, member: 1, replicated: replicated)
        var peer = MessageIDSyncResponder(counters: engine.initiator.counters)
        _ = try gatewaySync(replicated: replicated, delta: nil, peer: &peer)
        engine.wait(ms: 20...200)
        outboundJump(.responder, lastSentBefore: lastSent, by: Self.bigJump)
        engine.traffic(1)
        try mirroredExchange(from: .responder, peer: &peer)
        engine.traffic(1)
        try mirroredExchange(from: .initiator, peer: &peer)
        // Member 0 is back as standby and gets member 1's state; member 1 goes on a little.
        let back = engine.replicate(.responder)
        engine.traffic(2)
        try mirroredExchange(from: .responder, peer: &peer)
        engine.traffic(1)
        let lastSent2 = engine.responder.espSequence
        for _ in 0..<2 {
            engine.wait(ms: 300...900)
            engine.esp(from: .initiator)
        }
        engine.wait(ms: 1500...3000)
        // Failback: a new failover event, a new sync (RFC 6311 §7), from the state member 0 got.
        engine.takeover(.responder, member: 0, replicated: back)
        _ = try gatewaySync(replicated: back, delta: nil, peer: &peer)
        engine.wait(ms: 20...200)
        outboundJump(.responder, lastSentBefore: lastSent2, by: Self.bigJump)
        try epilogue()
    }

    // MARK: behaviour 5

    mutating func ikeSARekeyFailoverScenario() throws(SynthError) {
        engine.initiator.claims = [.messageIDSyncSupported(), .replayCounterSyncSupported()]
        engine.responder.claims = [.messageIDSyncSupported(), .replayCounterSyncSupported()]
        engine.espBlocks = 2...12
        try engine.ikeSAInit()
        engine.wait(ms: 2...8)
        try engine.ikeAuth()
        engine.traffic(2)
        try engine.exchange(from: .initiator)
        engine.traffic(1)
        try engine.exchange(from: .responder)
        engine.wait(ms: 1500...3000)
        let old = engine.keys
        let r = try engine.rekeyIKESA(from: .initiator)
        rekeys.append(ExpectedIKERekey(oldInitiatorSPI: Hex.fixed(old.initiatorSPI, width: 16), oldResponderSPI: Hex.fixed(old.responderSPI, width: 16),
                                       newInitiatorSPI: Hex.fixed(r.new.initiatorSPI, width: 16), newResponderSPI: Hex.fixed(r.new.responderSPI, width: 16),
                                       requestFrame: r.request, responseFrame: r.response,
                                       deleteRequestFrame: r.deleteRequest, deleteResponseFrame: r.deleteResponse))
        // The Child SA created in IKE_AUTH now belongs to the new IKE SA.
        engine.traffic(2)
        try engine.exchange(from: .initiator)              // new SA: peer MID 0
        engine.wait(ms: 1500...3000)
        try engine.exchange(from: .responder)              // gateway MID 0
        engine.wait(ms: 1500...3000)
        try engine.exchange(from: .initiator)              // peer MID 1
        let replicated = engine.replicate(.responder)
        engine.traffic(2)
        try engine.exchange(from: .responder)              // gateway MID 1
        engine.wait(ms: 1500...3000)
        try engine.exchange(from: .initiator)              // peer MID 2
        engine.traffic(1)
        let lastSent = engine.responder.espSequence
        for _ in 0..<2 {
            engine.wait(ms: 300...900)
            engine.esp(from: .initiator)
        }
        engine.wait(ms: 1500...3000)
        engine.takeover(.responder, member: 1, replicated: replicated)
        var peer = MessageIDSyncResponder(counters: engine.initiator.counters)
        let delta = UInt64(1) << engine.rng.int(in: 14...18)
        _ = try gatewaySync(replicated: replicated, delta: delta, peer: &peer)
        engine.wait(ms: 20...200)
        outboundJump(.responder, lastSentBefore: lastSent, by: Self.bigJump)
        try peerAppliesDelta(delta, esn: false)
        try epilogue()
    }

    // MARK: behaviour 6

    mutating func misplacedSyncScenario() throws(SynthError) {
        engine.initiator.claims = [.messageIDSyncSupported()]
        engine.responder.claims = [.messageIDSyncSupported()]
        engine.espBlocks = 2...8
        try engine.ikeSAInit()
        engine.wait(ms: 2...8)
        try engine.ikeAuth()
        engine.traffic(1)
        // The gateway uses request IDs 0-6, the peer 2-4.
        for round in 0..<7 {
            engine.wait(ms: 800...1500)
            try engine.exchange(from: .responder)
            if round % 2 == 1 {
                engine.wait(ms: 300...800)
                try engine.exchange(from: .initiator)
            }
        }
        engine.traffic(1)
        let replicated = engine.replicate(.responder)       // fresh: next send 7
        let lastSent = engine.responder.espSequence
        for _ in 0..<2 {
            engine.wait(ms: 300...900)
            engine.esp(from: .initiator)
        }
        engine.wait(ms: 1500...3000)
        engine.takeover(.responder, member: 1, replicated: replicated)
        // (a) 16422 in a cleartext INFORMATIONAL, MID 0: not protected (RFC 6311 §5.1, RFC 7296
        // §1.4); the peer drops it.
        let a = try syncRequest(replicated.counters)
        let frameA = try engine.plain(from: .responder, exchange: .informational, messageID: 0, response: false,
                                      responderSPI: engine.keys.responderSPI,
                                      payloads: [.notify(.messageIDSync(nonce: a.nonce, expectedSend: a.expectedSend,
                                                                        expectedRecv: a.expectedRecv))])
        takeoverFrames.append(frameA)
        anomalies.append(ExpectedAnomaly(kind: .syncRuleViolation, frame: frameA,
                                         note: "IKEV2_MESSAGE_ID_SYNC outside any SK payload"))
        // (b) 16422 inside SK but at the member's next request ID, not 0: an ordinary
        // INFORMATIONAL request for the window; the peer answers it without the notify.
        engine.wait(ms: 900...1200)
        let b = try syncRequest(replicated.counters)
        let mid = engine.responder.counters.nextSend
        guard mid == 7 else { throw SynthError("the gateway's next request ID is \(mid), not 7") }
        let (frameB, _) = try engine.exchange(from: .responder,
                                              inner: [.notify(.messageIDSync(nonce: b.nonce, expectedSend: b.expectedSend,
                                                                             expectedRecv: b.expectedRecv))])
        anomalies.append(ExpectedAnomaly(kind: .syncRuleViolation, frame: frameB,
                                         note: "IKEV2_MESSAGE_ID_SYNC in a request with Message ID \(mid), not 0"))
        // (c) The real sync, from the member's counters now (it used MID 7).
        engine.wait(ms: 200...600)
        var peer = MessageIDSyncResponder(counters: engine.initiator.counters)
        _ = try gatewaySync(replicated: Replicated(counters: engine.responder.counters, espSequence: replicated.espSequence),
                            delta: nil, peer: &peer, marksTakeover: false)
        engine.wait(ms: 20...200)
        outboundJump(.responder, lastSentBefore: lastSent, by: Self.bigJump)
        try epilogue()
    }

    // MARK: behaviour 9

    mutating func midSACaptureScenario() throws(SynthError) {
        engine.espBlocks = 2...12
        engine.natt = true
        let peerNext = UInt32(engine.rng.int(in: 50...60))
        let gatewayNext = UInt32(engine.rng.int(in: 20...30))
        engine.initiator.counters = MessageIDCounters(nextSend: peerNext, nextExpected: gatewayNext)
        engine.responder.counters = MessageIDCounters(nextSend: gatewayNext, nextExpected: peerNext)
        engine.initiator.espSequence = UInt64(engine.rng.int(in: 10_000...90_000))
        engine.responder.espSequence = UInt64(engine.rng.int(in: 10_000...90_000))
        // The first frame answers the peer's request peerNext-1, sent before the capture began.
        try engine.sk(from: .responder, exchange: .informational, messageID: peerNext &- 1, response: true, inner: [])
        engine.traffic(1)
        try engine.exchange(from: .initiator)              // peerNext
        engine.traffic(1)
        try engine.exchange(from: .responder)              // gatewayNext
        engine.wait(ms: 1500...3000)
        let (reqFrame, _) = try engine.exchange(from: .initiator)   // peerNext + 1
        engine.traffic(1)
        // The peer sends peerNext + 1 again with other bytes (new IV): a real reuse; the
        // gateway re-sends its cached response (RFC 7296 §2.1).
        engine.wait(ms: 1500...3000)
        let reused = peerNext &+ 1
        let again = try engine.sk(from: .initiator, exchange: .informational, messageID: reused, response: false, inner: [])
        anomalies.append(ExpectedAnomaly(kind: .messageIDReuse, frame: again,
                                         note: "initiator request MID \(reused) (frame \(reqFrame)) again with different bytes"))
        guard let cached = engine.sentResponses[.responder]?[reused] else { throw SynthError("no cached response") }
        engine.wait(ms: 8...45)
        try engine.retransmit(cached, from: .responder)
        engine.traffic(1)
        try engine.exchange(from: .responder)
        let replicated = engine.replicate(.responder)
        engine.traffic(2)
        try engine.exchange(from: .initiator)
        engine.traffic(1)
        try engine.exchange(from: .responder)
        let lastSent = engine.responder.espSequence
        for _ in 0..<2 {
            engine.wait(ms: 300...900)
            engine.esp(from: .initiator)
        }
        engine.wait(ms: 1500...3000)
        engine.takeover(.responder, member: 1, replicated: replicated)
        var peer = MessageIDSyncResponder(counters: engine.initiator.counters)
        _ = try gatewaySync(replicated: replicated, delta: nil, peer: &peer)
        engine.wait(ms: 20...200)
        outboundJump(.responder, lastSentBefore: lastSent, by: Self.bigJump)
        try epilogue()
    }

    // MARK: behaviour 10

    mutating func refragmentedRetransmissionScenario() throws(SynthError) {
        engine.espBlocks = 2...12
        let fragmentation = NotifyPayload(type: .ikev2FragmentationSupported)
        try engine.ikeSAInit(extra: [fragmentation])
        engine.wait(ms: 2...8)
        try engine.ikeAuth()
        engine.traffic(2)
        try engine.exchange(from: .initiator)
        engine.traffic(1)
        // A new Child SA (RFC 7296 §1.3.1), large enough to be fragmented.
        let newSPI = 0xC000_0000 | UInt32(truncatingIfNeeded: engine.rng.next() >> 34)
        let request: [IKEPayload] = [
            IKEPayload(type: .securityAssociation, body: .securityAssociation(Engine.espProposal(spi: newSPI, esn: false))),
            IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: engine.rng.wordBytes(32)))),
            IKEPayload(type: .keyExchange, body: .keyExchange(KEPayload(group: 14, keyExchangeData: engine.rng.wordBytes(256)))),
            IKEPayload(type: .trafficSelectorInitiator, body: .trafficSelectors(try Engine.selectors(3))),
            IKEPayload(type: .trafficSelectorResponder, body: .trafficSelectors(try Engine.selectors(4))),
        ]
        let mid = engine.initiator.counters.nextSend
        engine.wait(ms: 1500...3000)
        try engine.skFragments(from: .initiator, exchange: .createChildSA, messageID: mid, response: false,
                               inner: request, maxChunk: 200)
        // No answer (a fragment was lost on the path): retransmitted with smaller fragments.
        engine.wait(ms: 1800...2200)
        try engine.skFragments(from: .initiator, exchange: .createChildSA, messageID: mid, response: false,
                               inner: request, maxChunk: 120)
        engine.initiator.counters.nextSend = mid &+ 1
        engine.wait(ms: 10...40)
        let peerSPI = 0xC000_0000 | UInt32(truncatingIfNeeded: engine.rng.next() >> 34)
        let response: [IKEPayload] = [
            IKEPayload(type: .securityAssociation, body: .securityAssociation(Engine.espProposal(spi: peerSPI, esn: false))),
            IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: engine.rng.wordBytes(32)))),
            IKEPayload(type: .keyExchange, body: .keyExchange(KEPayload(group: 14, keyExchangeData: engine.rng.wordBytes(256)))),
            IKEPayload(type: .trafficSelectorInitiator, body: .trafficSelectors(try Engine.selectors(3))),
            IKEPayload(type: .trafficSelectorResponder, body: .trafficSelectors(try Engine.selectors(4))),
        ]
        try engine.sk(from: .responder, exchange: .createChildSA, messageID: mid, response: true, inner: response)
        engine.responder.counters.nextExpected = mid &+ 1
        engine.traffic(2)
        try engine.exchange(from: .responder)
        engine.traffic(1)
    }

    // MARK: behaviour 14

    mutating func ahStaleCounterScenario() throws(SynthError) {
        engine.initiator.claims = [.messageIDSyncSupported()]
        engine.responder.claims = [.messageIDSyncSupported()]
        engine.childTransport = .ah
        engine.ahWords = 2...10
        let replicated = try prologue(nat: false, burstAfterSnapshot: Int(SynthScenario.antiReplayWindow) + 6).responder
        let lastSent = engine.responder.espSequence
        engine.takeover(.responder, member: 1, replicated: replicated)
        var peer = MessageIDSyncResponder(counters: engine.initiator.counters)
        _ = try gatewaySync(replicated: replicated, delta: nil, peer: &peer)
        // No RFC 6311 §5.2 jump: the member continues from the replicated AH counter.
        engine.wait(ms: 20...200)
        let frame = engine.esp(from: .responder)
        let restart = engine.responder.espSequence
        guard restart + SynthScenario.antiReplayWindow <= lastSent else { throw SynthError("the restart is inside the window") }
        anomalies.append(ExpectedAnomaly(kind: .espSequenceRegression, frame: frame,
                                         note: "AH SPI restarts at \(restart) after \(lastSent): below the 64-packet window"))
        try epilogue()
    }
}
