import Testing
import IKEv2
import IKEv2Mutation
import IKEv2HA

/// RFC 6311 Appendix A (tuples are (SEND, RECV)).
@Suite struct AppendixATests {
    struct Row: Sendable, CustomStringConvertible {
        var name: String
        var request: (m1: UInt32, p1: UInt32)
        var peer: MessageIDCounters
        var response: (p2: UInt32, m2: UInt32)
        var description: String { name }
    }

    static let rows: [Row] = [
        Row(name: "A.1", request: (0, 5), peer: MessageIDCounters(nextSend: 5, nextExpected: 0), response: (5, 0)),
        Row(name: "A.2", request: (2, 3), peer: MessageIDCounters(nextSend: 4, nextExpected: 5), response: (4, 5)),
        Row(name: "A.3", request: (2, 5), peer: MessageIDCounters(nextSend: 2, nextExpected: 4), response: (5, 4)),
    ]

    @Test(arguments: rows) func peerResponse(_ row: Row) {
        var peer = MessageIDSyncResponder(counters: row.peer, replayCheck: .earlierSyncsOnly)
        let request = MessageIDSyncData(nonce: 0x0102_0304, expectedSend: row.request.m1, expectedRecv: row.request.p1)
        guard case .respond(let r, _) = peer.handleRequest(request) else {
            Issue.record("\(row.name): dropped")
            return
        }
        #expect(r.nonce == 0x0102_0304)
        #expect(r.expectedSend == row.response.p2)
        #expect(r.expectedRecv == row.response.m2)
        #expect(peer.counters == MessageIDCounters(nextSend: row.response.p2, nextExpected: row.response.m2))
        // The member, on receiving it, ends with the same view.
        var member = MessageIDSyncRequester(replicated: MessageIDCounters(nextSend: row.request.m1, nextExpected: row.request.p1))
        let made = try? member.makeRequest(margin: 0, nonce: 0x0102_0304)
        #expect(made == request)
        #expect(member.handleResponse(r) == .accepted(MessageIDCounters(nextSend: row.response.m2, nextExpected: row.response.p2)))
    }

    /// RFC 6311 §5.1 read literally drops A.2 and A.3 (M1 not above the highest MID received):
    /// the appendix and the rule disagree, hence the `ReplayCheck` choice.
    @Test func literalReplayRuleDropsA2AndA3() {
        var a1 = MessageIDSyncResponder(counters: Self.rows[0].peer)
        #expect(a1.handleRequest(MessageIDSyncData(nonce: 1, expectedSend: 0, expectedRecv: 5)) != .droppedReplay(m1: 0, highestSeen: 0))
        var a2 = MessageIDSyncResponder(counters: Self.rows[1].peer)
        #expect(a2.handleRequest(MessageIDSyncData(nonce: 1, expectedSend: 2, expectedRecv: 3)) == .droppedReplay(m1: 2, highestSeen: 4))
        var a3 = MessageIDSyncResponder(counters: Self.rows[2].peer)
        #expect(a3.handleRequest(MessageIDSyncData(nonce: 1, expectedSend: 2, expectedRecv: 5)) == .droppedReplay(m1: 2, highestSeen: 3))
    }

    /// A.4: both sides are clusters and fail over at once; requests (4,4) and (5,5) cross, both
    /// responses are (5,5) and each side ends with the higher values.
    @Test func simultaneousFailover() throws {
        var xReq = MessageIDSyncRequester(replicated: MessageIDCounters(nextSend: 4, nextExpected: 4))
        var yReq = MessageIDSyncRequester(replicated: MessageIDCounters(nextSend: 5, nextExpected: 5))
        var xPeer = MessageIDSyncResponder(counters: MessageIDCounters(nextSend: 4, nextExpected: 4), replayCheck: .earlierSyncsOnly)
        var yPeer = MessageIDSyncResponder(counters: MessageIDCounters(nextSend: 5, nextExpected: 5), replayCheck: .earlierSyncsOnly)
        let fromX = try xReq.makeRequest(margin: 0, nonce: 0xAAAA)
        let fromY = try yReq.makeRequest(margin: 0, nonce: 0xBBBB)
        #expect((fromX.expectedSend, fromX.expectedRecv) == (4, 4))
        #expect((fromY.expectedSend, fromY.expectedRecv) == (5, 5))
        guard case .respond(let yAnswer, _) = yPeer.handleRequest(fromX),
              case .respond(let xAnswer, _) = xPeer.handleRequest(fromY) else {
            Issue.record("dropped")
            return
        }
        #expect((yAnswer.expectedSend, yAnswer.expectedRecv) == (5, 5))
        #expect((xAnswer.expectedSend, xAnswer.expectedRecv) == (5, 5))
        #expect(xReq.handleResponse(yAnswer) == .accepted(MessageIDCounters(nextSend: 5, nextExpected: 5)))
        #expect(yReq.handleResponse(xAnswer) == .accepted(MessageIDCounters(nextSend: 5, nextExpected: 5)))
        #expect(xPeer.counters == MessageIDCounters(nextSend: 5, nextExpected: 5))
        #expect(yPeer.counters == MessageIDCounters(nextSend: 5, nextExpected: 5))
    }
}

@Suite struct SyncRuleTests {
    @Test func requesterMarginAndOverflow() throws {
        let v = try MessageIDSyncRequester.requestValues(replicated: MessageIDCounters(nextSend: 5, nextExpected: 12), margin: 5)
        #expect(v.m1 == 10 && v.p1 == 12)
        #expect(throws: HAError.messageIDSpaceExhausted) {
            try MessageIDSyncRequester.requestValues(replicated: MessageIDCounters(nextSend: .max - 2, nextExpected: 0), margin: 3)
        }
    }

    @Test func oncePerFailoverAndNonceCheck() throws {
        var m = MessageIDSyncRequester(replicated: MessageIDCounters(nextSend: 3, nextExpected: 3))
        let req = try m.makeRequest(margin: 2, nonce: 7)
        #expect(throws: HAError.alreadySynchronizedThisFailover) { try m.makeRequest(margin: 2, nonce: 8) }
        #expect(m.handleResponse(MessageIDSyncData(nonce: 8, expectedSend: 9, expectedRecv: 9))
                == .droppedNonceMismatch(expected: 7, received: 8))
        #expect(m.handleResponse(MessageIDSyncData(nonce: 7, expectedSend: 6, expectedRecv: 9))
                == .accepted(MessageIDCounters(nextSend: 9, nextExpected: 6)))
        // Only one response is processed (§11).
        #expect(m.handleResponse(MessageIDSyncData(nonce: 7, expectedSend: 60, expectedRecv: 90)) == .droppedNotAwaiting)
        #expect(m.counters == MessageIDCounters(nextSend: 9, nextExpected: 6))
        // A peer answering M2 < M1 does not pull the member below its announced M1.
        m.beginFailoverEvent(replicated: MessageIDCounters(nextSend: 20, nextExpected: 3))
        let r2 = try m.makeRequest(margin: 0, nonce: 1)
        #expect(r2.expectedSend == 20 && req.expectedSend == 5)
        #expect(m.handleResponse(MessageIDSyncData(nonce: 1, expectedSend: 3, expectedRecv: 2))
                == .accepted(MessageIDCounters(nextSend: 20, nextExpected: 3)))
    }

    @Test func peerDropsReplayedRequestAndAbandonsPending() throws {
        var peer = MessageIDSyncResponder(counters: MessageIDCounters(nextSend: 3, nextExpected: 10))
        try peer.sentRequest(); try peer.sentRequest(); try peer.sentRequest()  // 3, 4, 5 outstanding
        peer.receivedResponse(messageID: 4)
        #expect(peer.outstandingRequests == [3, 5])
        let request = MessageIDSyncData(nonce: 9, expectedSend: 12, expectedRecv: 4)
        #expect(peer.handleRequest(request) == .respond(MessageIDSyncData(nonce: 9, expectedSend: 6, expectedRecv: 12), abandoned: [3, 5]))
        #expect(peer.outstandingRequests.isEmpty)
        // The same request again (a replay): M1 = 12 is not above what was seen.
        #expect(peer.handleRequest(request) == .droppedReplay(m1: 12, highestSeen: 12))
        // Earlier syncs count under both policies.
        var lenient = MessageIDSyncResponder(counters: MessageIDCounters(nextSend: 0, nextExpected: 0), replayCheck: .earlierSyncsOnly)
        _ = lenient.handleRequest(MessageIDSyncData(nonce: 1, expectedSend: 50, expectedRecv: 0))
        #expect(lenient.handleRequest(MessageIDSyncData(nonce: 2, expectedSend: 50, expectedRecv: 0)) == .droppedReplay(m1: 50, highestSeen: 50))
        #expect(lenient.handleRequest(MessageIDSyncData(nonce: 3, expectedSend: 40, expectedRecv: 0)) == .droppedReplay(m1: 40, highestSeen: 50))
    }
}

@Suite struct ResetProcedureTests {
    @Test func resetRoundTrip() throws {
        var rng = SplitMix64(seed: 42)
        var member = MessageIDResetRequester(counters: MessageIDCounters(nextSend: 5, nextExpected: 9))
        let req = try member.makeRequest(using: &rng)
        #expect(MessageIDResetRequester.baseRange.contains(req.expectedSend))
        #expect(MessageIDResetRequester.baseRange.contains(req.expectedRecv))
        #expect(throws: HAError.alreadySynchronizedThisFailover) { try member.makeRequest(using: &rng) }
        var peer = MessageIDResetResponder(counters: MessageIDCounters(nextSend: 100, nextExpected: 200), outstandingRequests: [99])
        guard case .respond(let answer, let abandoned) = peer.handleRequest(req) else { Issue.record("refused"); return }
        #expect(abandoned == [99])
        // The peer adopts (no maximum): next own request = Q1, next expected = R1.
        #expect(peer.counters == MessageIDCounters(nextSend: req.expectedRecv, nextExpected: req.expectedSend))
        #expect(member.handleResponse(MessageIDSyncData(nonce: answer.nonce &+ 1, expectedSend: answer.expectedSend, expectedRecv: answer.expectedRecv))
                == .droppedNonceMismatch(expected: req.nonce, received: answer.nonce &+ 1))
        #expect(member.handleResponse(answer) == .accepted(MessageIDCounters(nextSend: req.expectedSend, nextExpected: req.expectedRecv)))
        #expect(member.handleResponse(answer) == .droppedNotAwaiting)
    }

    @Test func refusalAndValueMismatch() throws {
        var rng = SplitMix64(seed: 1)
        var m = MessageIDResetRequester(counters: MessageIDCounters(nextSend: 1, nextExpected: 1))
        let req = try m.makeRequest(using: &rng)
        #expect(m.handleResponse(MessageIDSyncData(nonce: req.nonce, expectedSend: req.expectedSend, expectedRecv: req.expectedRecv))
                == .droppedValuesMismatch(expectedSend: req.expectedRecv, expectedRecv: req.expectedSend,
                                          received: MessageIDSyncData(nonce: req.nonce, expectedSend: req.expectedSend, expectedRecv: req.expectedRecv)))
        #expect(m.handleResponse(nil) == .refused)
        var peer = MessageIDResetResponder(counters: MessageIDCounters(nextSend: 1, nextExpected: 1), negotiated: false)
        #expect(peer.handleRequest(req) == .refuse)
    }

    @Test func basesAreAlwaysInRange() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            var m = MessageIDResetRequester(counters: MessageIDCounters(nextSend: 0, nextExpected: 0))
            let r = try m.makeRequest(using: &rng)
            #expect(r.expectedSend >= 1 << 16 && r.expectedSend < 1 << 31)
            #expect(r.expectedRecv >= 1 << 16 && r.expectedRecv < 1 << 31)
        }
        #expect(MessageIDResetRequester.reopensUsedIDs(newBase: 70000, highestUsed: 70000))
        #expect(!MessageIDResetRequester.reopensUsedIDs(newBase: 70001, highestUsed: 70000))
        #expect(!MessageIDResetRequester.reopensUsedIDs(newBase: 1, highestUsed: nil))
    }
}

@Suite struct ReplayCounterTests {
    @Test func deltaAppliesToAllChildSAs() throws {
        let sas = [ChildSACounter(spi: 1, sequence: 10, extendedSequenceNumbers: false),
                   ChildSACounter(spi: 2, sequence: 0, extendedSequenceNumbers: false)]
        let out = try ReplayCounterSync.apply(ReplayCounterDelta(delta: 65536, extendedSequenceNumbers: false), to: sas)
        #expect(out.map(\.sequence) == [65546, 65536])
        #expect(throws: HAError.deltaWidthMismatch(spi: 1, childUsesESN: false)) {
            try ReplayCounterSync.apply(ReplayCounterDelta(delta: 1, extendedSequenceNumbers: true), to: sas)
        }
        let nearEnd = [ChildSACounter(spi: 3, sequence: UInt64(UInt32.max) - 5, extendedSequenceNumbers: false)]
        #expect(throws: HAError.sequenceNumberWouldWrap(spi: 3)) {
            try ReplayCounterSync.apply(ReplayCounterDelta(delta: 6, extendedSequenceNumbers: false), to: nearEnd)
        }
        let esn = [ChildSACounter(spi: 4, sequence: UInt64(UInt32.max), extendedSequenceNumbers: true)]
        #expect(try ReplayCounterSync.apply(ReplayCounterDelta(delta: 6, extendedSequenceNumbers: true), to: esn)[0].sequence == UInt64(UInt32.max) + 6)
        #expect(ReplayCounterSync.deltaUsesESN(for: sas) == false)
        #expect(ReplayCounterSync.deltaUsesESN(for: sas + esn) == nil)
        #expect(ReplayCounterSync.defaultOutboundJump == 1 << 30)
    }

    @Test("counters from the highest IDs seen read the way people count")
    func countersFromHighestSeen() throws {
        let c = try MessageIDCounters(highestSent: 4, highestReceived: 11)
        #expect(c == MessageIDCounters(nextSend: 5, nextExpected: 12))
        #expect(c.highestSent == 4 && c.highestReceived == 11)
        let fresh = try MessageIDCounters(highestSent: nil, highestReceived: nil)
        #expect(fresh == MessageIDCounters(nextSend: 0, nextExpected: 0) && fresh.highestSent == nil)
        #expect(throws: HAError.messageIDSpaceExhausted) { try MessageIDCounters(highestSent: .max, highestReceived: 0) }
    }
}

/// The byte example of the sync notify (the codec side is `ConstructedExampleTests` in
/// IKEv2Tests), computed by the procedure: M1 = 5 + 5, P1 = 11 + 1; the peer answers (P2, M2) = (14, 10).
@Suite struct ConstructedSyncExampleTests {
    @Test func constructedExample() throws {
        var member = MessageIDSyncRequester(replicated: MessageIDCounters(nextSend: 5, nextExpected: 12))
        let made = try member.makeRequest(margin: 5, nonce: 0xA1B2C3D4)
        #expect(made == MessageIDSyncData(nonce: 0xA1B2C3D4, expectedSend: 10, expectedRecv: 12))
        var peer = MessageIDSyncResponder(counters: MessageIDCounters(nextSend: 14, nextExpected: 7))
        guard case .respond(let answer, _) = peer.handleRequest(made) else { Issue.record("dropped"); return }
        #expect(answer == MessageIDSyncData(nonce: 0xA1B2C3D4, expectedSend: 14, expectedRecv: 10))
    }
}
