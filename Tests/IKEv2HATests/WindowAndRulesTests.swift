import Testing
import IKEv2
import IKEv2HA

@Suite struct WindowModelTests {
    func msg(_ s: IKESide, _ resp: Bool, _ id: UInt32, _ body: String, _ frame: Int,
             _ ex: ExchangeType = .informational, window: UInt32? = nil) -> ObservedMessage {
        ObservedMessage(sender: s, isResponse: resp, messageID: id, exchange: ex, digest: Array(body.utf8),
                        frame: frame, announcedWindowSize: window)
    }
    func kinds(_ e: [MessageIDEvent]) -> [MessageIDEvent.Kind] { e.map(\.kind) }

    @Test func rfc7296Rules() {
        var m = MessageIDWindowModel()
        #expect(kinds(m.observe(msg(.initiator, false, 0, "init1", 1, .ikeSAInit))) == [.request])
        #expect(kinds(m.observe(msg(.responder, true, 0, "cookie", 2, .ikeSAInit))) == [.response(requestFrame: 1)])
        #expect(kinds(m.observe(msg(.initiator, false, 0, "init2", 3, .ikeSAInit))) == [.initialExchangeRetry(previousFrame: 1)])
        #expect(kinds(m.observe(msg(.responder, true, 0, "initresp", 4, .ikeSAInit))) == [.response(requestFrame: 3)])
        #expect(kinds(m.observe(msg(.initiator, false, 1, "auth", 5, .ikeAuth))) == [.request])
        #expect(kinds(m.observe(msg(.initiator, false, 1, "auth", 6, .ikeAuth))) == [.retransmittedRequest(originalFrame: 5)])
        #expect(kinds(m.observe(msg(.responder, true, 1, "authr", 7, .ikeAuth, window: 3))) ==
                [.windowSizeChanged(from: 1, to: 3), .response(requestFrame: 5)])
        #expect(m[.initiator].sendWindow == 3)
        #expect(kinds(m.observe(msg(.responder, true, 1, "authr", 8, .ikeAuth))) == [.retransmittedResponse(originalFrame: 7)])
        #expect(kinds(m.observe(msg(.responder, true, 1, "other", 9, .ikeAuth))) == [.conflictingResponse(firstFrame: 7)])
        // Window 3: 2, 3, 4 may be outstanding; 5 may not.
        for (i, id) in [UInt32(2), 3, 4].enumerated() {
            #expect(kinds(m.observe(msg(.initiator, false, id, "r\(id)", 10 + i))) == [.request])
        }
        #expect(kinds(m.observe(msg(.initiator, false, 5, "r5", 13))) == [.request, .outOfWindow(lowestOutstanding: 2, window: 3)])
        // Reuse: same ID, different bytes.
        #expect(kinds(m.observe(msg(.initiator, false, 3, "different", 14))) == [.messageIDReuse(firstFrame: 11)])
        // Gap, then the missing one arrives late, then a regression.
        #expect(kinds(m.observe(msg(.initiator, false, 8, "r8", 15))) == [.gap(expected: 6), .request,
                                                                          .outOfWindow(lowestOutstanding: 2, window: 3)])
        #expect(kinds(m.observe(msg(.initiator, false, 7, "r7", 16))).first == .request)
        #expect(m[.initiator].missing == [6])
        #expect(kinds(m.observe(msg(.responder, true, 42, "x", 17))) == [.unmatchedResponse])
        #expect(m.nextExpectedRequestID(of: .responder) == 9)
        #expect(kinds(m.observe(msg(.responder, false, 0, "sync", 18))) == [.counterSyncMessage(nil)])
        #expect(kinds(m.observe(msg(.responder, true, 0, "x", 19, window: 2))) == [.windowShrink(from: 3, to: 2), .counterSyncMessage(nil)])
        #expect(m.observe(msg(.initiator, false, 1, "auth", 20, .ikeAuth)).allSatisfy { !$0.isAnomaly })
    }

    /// A Message ID 0 INFORMATIONAL is a counter sync only when its content is hidden or it
    /// carries a sync/reset notify: a responder's first ordinary request also uses ID 0.
    @Test func messageIDZeroInformationalNeedsContentToBeOrdinary() {
        var hidden = MessageIDWindowModel()
        #expect(kinds(hidden.observe(msg(.responder, false, 0, "dpd", 1))) == [.counterSyncMessage(nil)])
        var visible = MessageIDWindowModel()
        let ordinary = ObservedMessage(sender: .responder, isResponse: false, messageID: 0, exchange: .informational,
                                       digest: Array("dpd".utf8), frame: 1, contentVisible: true)
        #expect(kinds(visible.observe(ordinary)) == [.request])
        #expect(visible.nextExpectedRequestID(of: .initiator) == 1)
        let sync = ObservedMessage(sender: .responder, isResponse: false, messageID: 0, exchange: .informational,
                                   digest: Array("sync".utf8), frame: 2, counterSync: .messageIDSync, contentVisible: true)
        #expect(kinds(visible.observe(sync)) == [.counterSyncMessage(.messageIDSync)])
    }

    @Test func regressionAndRebase() {
        var m = MessageIDWindowModel()
        for id in UInt32(0)..<5 {
            _ = m.observe(msg(.responder, false, id, "q\(id)", Int(id) * 2))
            _ = m.observe(msg(.initiator, true, id, "a\(id)", Int(id) * 2 + 1))
        }
        #expect(kinds(m.observe(msg(.responder, false, 2, "q2", 20))) == [.retransmittedRequest(originalFrame: 4)])
        // A reset to a lower base re-opens used IDs; a new message on one of them is a reuse.
        let ev = m.rebase(.responder, nextRequestID: 3, frame: 21)
        #expect(kinds(ev) == [.rebased(from: 5, to: 3), .rebaseReopensIDs(highestUsed: 4)])
        #expect(kinds(m.observe(msg(.responder, false, 3, "new content", 22))) == [.messageIDReuse(firstFrame: 6)])
        // A sync-style rebase upward reopens nothing; a lower unseen ID afterwards is a regression.
        #expect(kinds(m.rebase(.initiator, nextRequestID: 10, frame: 23)) == [.rebased(from: 0, to: 10)])
        _ = m.observe(msg(.initiator, false, 10, "i10", 24))
        #expect(kinds(m.observe(msg(.initiator, false, 7, "i7", 25))) == [.regression(highestUsed: 10)])
    }
}

@Suite struct ExchangeRuleTests {
    let rules = HARules()
    func summary(_ ex: ExchangeType, _ mid: UInt32, response: Bool, _ notifies: [NotifyPayload],
                 extra: [PayloadType] = [], protected: Bool = true) -> ExchangeSummary {
        ExchangeSummary(exchange: ex, messageID: mid, isResponse: response,
                        payloadTypes: notifies.map { _ in PayloadType.notify } + extra,
                        notifies: notifies.map { SeenNotify($0, protected: protected) })
    }
    func ruleIDs(_ f: [HAFinding]) -> Set<String> { Set(f.map(\.ruleID)) }
    func data(_ n: UInt32, _ s: UInt32, _ r: UInt32) -> MessageIDSyncData {
        MessageIDSyncData(nonce: n, expectedSend: s, expectedRecv: r)
    }

    @Test func validSyncExchangeHasNoFindings() throws {
        let req = summary(.informational, 0, response: false,
                          [.messageIDSync(nonce: 1, expectedSend: 10, expectedRecv: 12),
                           try .replayCounterSync(delta: 5, extendedSequenceNumbers: false)])
        let resp = summary(.informational, 0, response: true, [.messageIDSync(nonce: 1, expectedSend: 14, expectedRecv: 10)])
        let c = rules.content(of: req)
        #expect(c.findings.isEmpty && c.kind == .sync && c.counters == data(1, 10, 12) && c.replayDelta?.delta == 5)
        #expect(HARules.isPlacedToAct(c.findings))
        #expect(rules.check(resp).isEmpty)
        #expect(HARules.checkResponse(.sync, request: data(1, 10, 12), response: data(1, 14, 10),
                                      requesterNext: 10, peerNext: 14).isEmpty)
    }

    @Test func syncViolations() throws {
        let bad = summary(.createChildSA, 7, response: false,
                          [.messageIDSync(nonce: 1, expectedSend: 10, expectedRecv: 12)], extra: [.delete])
        #expect(ruleIDs(rules.check(bad)) == ["sync.exchange", "sync.message-id", "sync.request-contents"])
        #expect(!HARules.isPlacedToAct(rules.check(bad)))
        let resp = summary(.informational, 0, response: true,
                           [.messageIDSync(nonce: 2, expectedSend: 11, expectedRecv: 9),
                            try .replayCounterSync(delta: 5, extendedSequenceNumbers: false)])
        #expect(ruleIDs(rules.check(resp)) == ["sync.response-contents", "replay.in-response"])
        let f = HARules.checkResponse(.sync, request: data(1, 10, 12), response: data(2, 11, 9), requesterNext: nil, peerNext: nil)
        #expect(ruleIDs(f) == ["sync.nonce-echo", "sync.response-values"])
        #expect(f.first?.section == "RFC 6311 §5.1, §11")
        #expect(f.first?.anomalyKind == .syncNonceMismatch)
        let alone = summary(.informational, 0, response: false, [try .replayCounterSync(delta: 1, extendedSequenceNumbers: true)])
        #expect(ruleIDs(rules.check(alone)) == ["replay.message-id"])
        let malformed = summary(.informational, 0, response: false,
                                [NotifyPayload(type: .ikev2MessageIDSync, data: [1, 2, 3])])
        #expect(ruleIDs(rules.check(malformed)) == ["notify-malformed"])
    }

    @Test("a sync notify outside SK is unprotected and never acts (RFC 6311 §5.1, §9); inside SK it acts")
    func protection() {
        let outside = rules.check(summary(.informational, 0, response: false,
                                          [.messageIDSync(nonce: 1, expectedSend: 10, expectedRecv: 12)], protected: false))
        #expect(outside == [.unprotected(.sync, isResponse: false)])
        #expect(outside.first?.anomalyKind == .syncRuleViolation)
        #expect(!HARules.isPlacedToAct(outside))
        let inside = rules.check(summary(.informational, 0, response: false,
                                         [.messageIDSync(nonce: 1, expectedSend: 10, expectedRecv: 12)]))
        #expect(HARules.isPlacedToAct(inside))
    }

    @Test("RFC 6311 §5.1 maxima: P2 and M2 at the bound pass, one below fails")
    func responseMaxima() {
        let q = data(7, 10, 12)
        // The peer's own next request is 14, the cluster's next (seen by the peer) 9.
        #expect(HARules.syncResponse(to: q, peer: MessageIDCounters(nextSend: 14, nextExpected: 9)) == data(7, 14, 10))
        #expect(HARules.checkResponse(.sync, request: q, response: data(7, 14, 10), requesterNext: 9, peerNext: 14).isEmpty)
        #expect(HARules.checkResponse(.sync, request: q, response: data(7, 13, 10), requesterNext: 9, peerNext: 14)
                == [.responseBelowMaximum(.p2, value: 13, requested: 12, seenNext: 14)])
        #expect(HARules.checkResponse(.sync, request: q, response: data(7, 14, 9), requesterNext: 9, peerNext: 14)
                == [.responseBelowMaximum(.m2, value: 9, requested: 10, seenNext: 9)])
        // Appendix A.3: request (2, 5), peer (2, 4) -> (5, 4).
        #expect(HARules.syncResponse(to: data(1, 2, 5), peer: MessageIDCounters(nextSend: 2, nextExpected: 4)) == data(1, 5, 4))
        #expect(HARules.agreedNextRequestIDs(.sync, request: data(1, 2, 5), response: data(1, 5, 4)) == (4, 5))
    }

    @Test("§5.1 replay check at the boundary, and the replay-delta slack")
    func replayBoundaries() {
        #expect(HARules.isReplayed(m1: 12, highestSeen: 12))
        #expect(!HARules.isReplayed(m1: 13, highestSeen: 12))
        #expect(!HARules.isReplayed(m1: 0, highestSeen: nil))
        #expect(HARules.explainsReplayDelta(last: 100, first: 101 + 65536, delta: 65536))
        #expect(HARules.explainsReplayDelta(last: 100, first: 101 + 65536 + 64, delta: 65536))
        #expect(!HARules.explainsReplayDelta(last: 100, first: 101 + 65536 + 65, delta: 65536))
        #expect(!HARules.explainsReplayDelta(last: 100, first: 100 + 65536, delta: 65536))
        #expect(!HARules.explainsReplayDelta(last: UInt64.max, first: 0, delta: 1))
    }

    @Test func capabilities() {
        let i = summary(.ikeAuth, 1, response: false, [.messageIDSyncSupported()], extra: [.authentication])
        let r = summary(.ikeAuth, 1, response: true, [.messageIDSyncSupported(), .replayCounterSyncSupported()])
        let (neg, f) = HARules.negotiate(initiator: rules.content(of: i).capabilities, responder: rules.content(of: r).capabilities)
        #expect(neg == [.messageIDSync])
        #expect(f == [.capabilityUnclaimed(.replayCounterSync)])
        #expect(ruleIDs(rules.check(summary(.informational, 2, response: false, [.messageIDResetSupported()])))
                == ["supported-exchange"])
        #expect(rules.check(i).isEmpty)
    }

    @Test func resetRules() {
        let req = summary(.informational, 0, response: false, [.messageIDReset(nonce: 5, newSend: 70000, newRecv: 80000)])
        #expect(rules.check(req).isEmpty)
        #expect(HARules.checkResponse(.reset, request: data(5, 70000, 80000), response: data(5, 80000, 70000),
                                      requesterNext: nil, peerNext: nil).isEmpty)
        #expect(ruleIDs(HARules.checkResponse(.reset, request: data(5, 70000, 80000), response: data(6, 70000, 80000),
                                              requesterNext: nil, peerNext: nil)) == ["reset.nonce-echo", "reset.response-values"])
        #expect(HARules.resetResponse(to: data(5, 70000, 80000)) == data(5, 80000, 70000))
        let crowded = summary(.informational, 3, response: false, [.messageIDReset(nonce: 5, newSend: 7, newRecv: 80000)], extra: [.delete])
        #expect(ruleIDs(rules.check(crowded)) == ["reset.message-id", "reset.request-contents", "reset.base-range"])
        #expect(rules.check(crowded).allSatisfy { $0.section.hasPrefix("docs/reset-extension.md") })
        // A decoder with other numbers does not see 49374 as a reset.
        let other = HARules(decoder: NotifyDecoder(resetSupportedType: NotifyType(rawValue: 40970),
                                                   resetType: NotifyType(rawValue: 40971)) ?? NotifyDecoder())
        #expect(other.check(crowded).isEmpty)
    }

    @Test func summaryOfOwnedMessage() throws {
        let header = IKEHeader(initiatorSPI: 1, responderSPI: 2, exchangeType: .informational, flags: 0x20, messageID: 0)
        let encrypted = IKEMessage(header: header, payloads: [IKEPayload(type: .encrypted, body: .encrypted(OpaquePayload(data: [0])))])
        let hidden = ExchangeSummary(message: encrypted)
        #expect(hidden.payloadTypes == nil)
        #expect(rules.check(hidden).isEmpty)
        let inner = ExchangeSummary(message: encrypted, inner: [.notify(.messageIDSync(nonce: 1, expectedSend: 2, expectedRecv: 3))])
        #expect(inner.payloadTypes == [.notify])
        #expect(inner.isResponse)
        #expect(inner.notifies.allSatisfy { $0.isProtected })
        #expect(rules.check(inner).isEmpty)
    }
}
