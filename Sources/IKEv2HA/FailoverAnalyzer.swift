import IKEv2

// Failover analysis of a capture, per IKE SA: Message ID timelines (RFC 7296 §2.1-§2.3), the
// takeover point, HA capabilities (RFC 6311 §5), sync exchanges (RFC 6311 §5.1, §7, §11),
// reset exchanges (`ha-reset.md`) and ESP sequence numbers (RFC 4303 §3.3.3, RFC 6311 §5.2).

/// Judges an HA cluster failover from observed IKE messages and ESP packets.
///
/// Feed observations in capture order, then call `finish()`:
/// ```swift
/// let analyzer = FailoverAnalyzer()
/// for o in observations { analyzer.observe(o) }       // FailoverMessageObservation / FailoverESPObservation
/// let report = analyzer.finish()
/// for sa in report.sas { print(sa.verdict); for a in sa.anomalies { print(a.kind.rawValue, a.frame) } }
/// ```
///
/// Memory is bounded by the live SAs: at most `Options.maxSAs` SAs are kept (the least recently
/// seen is evicted and counted), and every per-SA list has its own bound.
public final class FailoverAnalyzer {
    public struct Options: Sendable {
        /// Most IKE SAs tracked at once.
        public var maxSAs = 100_000
        /// Most timeline entries kept per SA (later ones are counted as dropped).
        public var maxTimelineEntriesPerSA = 512
        /// Most anomalies kept per SA (all are counted in the summary).
        public var maxAnomaliesPerSA = 256
        /// Most Message IDs remembered per side and direction for retransmission/reuse checks.
        public var maxRecordsPerSide = 512
        /// Most ESP SPIs tracked per SA.
        public var maxESPSPIsPerSA = 32
        /// Most sync plus reset exchanges kept per SA.
        public var maxExchangesPerSA = 32
        /// A forward ESP sequence step larger than this is a jump (smaller ones are capture loss).
        public var espJumpThreshold: UInt32 = 4096
        /// Knows the type numbers of the reset extension.
        public var notifyDecoder = NotifyDecoder()
        public init() {}
    }

    typealias SAState = FailoverSAState

    public let options: Options
    let rules: HAExchangeRules
    public private(set) var summary = FailoverSummary()
    let table = FailoverLRU<SAKey, SAState>()
    /// IKE_SA_INIT requests carry a zero responder SPI: where the initiator SPI's SA lives.
    var byInitiatorSPI: [UInt64: SAKey] = [:]
    /// Child SA SPIs learnt from SA payloads: SA and the side that sends ESP with that SPI.
    var bySPI: [UInt32: (key: SAKey, sender: IKESide)] = [:]
    /// The most recent IKE SA seen on an unordered address pair.
    var byAddressPair: [AddressPair: SAKey] = [:]
    var order = 0

    public init(options: Options = Options()) {
        self.options = options
        rules = HAExchangeRules(decoder: options.notifyDecoder)
        summary.maxSAs = options.maxSAs
        summary.maxTimelineEntriesPerSA = options.maxTimelineEntriesPerSA
        summary.maxAnomaliesPerSA = options.maxAnomaliesPerSA
    }

    /// The number of SAs currently tracked.
    public var liveSAs: Int { table.count }

    // MARK: SA table

    struct SAKey: Hashable {
        var i: UInt64
        var r: UInt64
    }

    struct AddressPair: Hashable {
        var a: String
        var b: String
        init(_ x: String, _ y: String) {
            if x <= y { a = x; b = y } else { a = y; b = x }
        }
    }

    func state(initiatorSPI: UInt64, responderSPI: UInt64, frame: Int) -> SAState {
        if responderSPI == 0, let k = byInitiatorSPI[initiatorSPI], let s = table.value(k) {
            table.touch(k)
            return s
        }
        let key = SAKey(i: initiatorSPI, r: responderSPI)
        if let s = table.value(key) {
            table.touch(key)
            return s
        }
        let half = SAKey(i: initiatorSPI, r: 0)
        if responderSPI != 0, let s = table.value(half) {
            // The SA_INIT response names the responder SPI: join the half-open SA to it.
            table.rekey(half, to: key)
            table.touch(key)
            s.key = key
            s.report.responderSPI = responderSPI
            byInitiatorSPI[initiatorSPI] = key
            return s
        }
        let s = SAState(key: key, options: options, order: order)
        order += 1
        summary.sasSeen += 1
        if let (_, old) = table.insert(key, s, capacity: options.maxSAs) {
            evict(old)
        }
        if byInitiatorSPI[initiatorSPI] == nil || responderSPI == 0 { byInitiatorSPI[initiatorSPI] = key }
        return s
    }

    func evict(_ s: SAState) {
        summary.evictedSAs += 1
        if byInitiatorSPI[s.key.i] == s.key { byInitiatorSPI[s.key.i] = nil }
        for spi in s.learntSPIs where bySPI[spi]?.key == s.key { bySPI[spi] = nil }
        for p in s.pairs where byAddressPair[p] == s.key { byAddressPair[p] = nil }
        summary.timelineEntriesDropped += s.report.timelineDropped
        summary.anomaliesDropped += s.report.anomaliesDropped
        for (kind, n) in s.anomalyCounts { summary.anomaliesByKind[kind, default: 0] += n }
    }

    // MARK: IKE messages

    /// Observes one IKE message (in capture order).
    public func observe(_ m: FailoverMessageObservation) {
        summary.ikeMessages += 1
        let sa = state(initiatorSPI: m.initiatorSPI, responderSPI: m.responderSPI, frame: m.frame)
        sa.seen(m.frame)
        sa.report.messages += 1
        sa.hosts[m.sender] = m.source
        sa.hosts[m.sender.peer] = sa.hosts[m.sender.peer] ?? m.destination
        registerPair(sa, m.source.address, m.destination.address)
        sa.trackIdentity(m.sender, m.source, frame: m.frame, time: m.timeNanos)

        var visible: (types: [PayloadType], notifies: [NotifyPayload], spis: [UInt32])? = nil
        switch m.content {
        case .visible(let t, let n, let s): visible = (t, n, s)
        case .keysMissing:
            sa.report.contentHidden = true
            if !sa.keysMissingReported {
                sa.keysMissingReported = true
                sa.anomaly(.keysMissing, frame: m.frame, mid: m.messageID, dir: .init(sender: m.sender),
                           "SK payload present but no key for this IKE SA: capabilities, sync/reset contents and Child SA SPIs need keys (--keys)")
            }
        case .undecryptable(let why):
            sa.report.contentHidden = true
            if !sa.decryptFailureReported {
                sa.decryptFailureReported = true
                sa.anomaly(.decryptionFailed, frame: m.frame, mid: m.messageID, dir: .init(sender: m.sender),
                           "SK content not decrypted: \(why)")
            }
        }
        if m.exchange == .ikeAuth && visible == nil { sa.authHidden = true }

        guard let v = visible else {
            observeHidden(sa, m)
            return
        }
        let summaryMsg = ExchangeSummary(exchange: m.exchange, messageID: m.messageID, isResponse: m.isResponse,
                                         payloadTypes: v.types, notifies: v.notifies)
        let (data, _) = rules.decodedNotifies(summaryMsg)
        let findings = rules.check(summaryMsg)
        learnSPIs(sa, v.spis, sentIn: m.sender)

        // Capabilities (RFC 6311 §5): IKE_AUTH request of the initiator, response of the responder.
        if m.exchange == .ikeAuth {
            let caps = rules.capabilities(in: summaryMsg)
            if m.sender == .initiator && !m.isResponse {
                sa.capsI = (sa.capsI ?? []).union(caps)
            } else if m.sender == .responder && m.isResponse {
                let newClaims = caps.subtracting(sa.capsR ?? [])
                sa.capsR = (sa.capsR ?? []).union(caps)
                if let i = sa.capsI {
                    for c in newClaims.subtracting(i).sorted(by: { $0.rawValue < $1.rawValue }) {
                        sa.anomaly(c == .messageIDReset ? .resetRuleViolation : .syncRuleViolation, frame: m.frame,
                                   mid: m.messageID, dir: .responderToInitiator,
                                   "the IKE_AUTH responder claims \(c.reportName) which the initiator did not claim (RFC 6311 §5)")
                    }
                }
            }
        }

        var syncData: MessageIDSyncData? = nil
        var resetData: MessageIDSyncData? = nil
        var delta: ReplayCounterDelta? = nil
        var window: UInt32? = nil
        for d in data {
            switch d {
            case .messageIDSync(let s): syncData = syncData ?? s
            case .messageIDReset(let s): resetData = resetData ?? s
            case .replayCounterSync(let x): delta = delta ?? x
            case .setWindowSize(let n): window = n
            default: break
            }
        }

        if syncData != nil || resetData != nil {
            observeCounterExchange(sa, m, sync: syncData, reset: resetData, delta: delta, findings: findings)
            return
        }
        // Findings of ordinary messages (an HA notify in the wrong place).
        for f in findings {
            sa.anomaly(f.rule.hasPrefix("ha.reset") ? .resetRuleViolation : .syncRuleViolation, frame: m.frame,
                       mid: m.messageID, dir: .init(sender: m.sender), "\(f.message) (\(f.section))")
        }
        // A pending reset answered by an empty MID-0 response: refusal (`ha-reset.md`).
        if m.messageID == 0 && m.isResponse && m.exchange == .informational,
           let idx = sa.pendingReset[m.sender.peer],
           v.types.isEmpty {
            sa.report.resets[idx].responseFrame = m.frame
            sa.report.resets[idx].refused = true
            sa.report.resets[idx].problems.append("the peer refused the reset (empty response): the IKE SA is to be deleted")
            sa.pendingReset[m.sender.peer] = nil
            sa.timeline(m, .resetResponse, "reset refused (empty response)")
            return
        }
        if let d = delta, !m.isResponse {
            // RFC 6311 case 2: IPSEC_REPLAY_COUNTER_SYNC alone in an ordinary INFORMATIONAL.
            if let caps = sa.negotiated, !caps.contains(.replayCounterSync) {
                sa.anomaly(.syncWithoutSupport, frame: m.frame, mid: m.messageID, dir: .init(sender: m.sender),
                           "IPSEC_REPLAY_COUNTER_SYNC on an SA that did not negotiate IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED (RFC 6311 §5)")
            }
            sa.deltas.append(.init(frame: m.frame, delta: d.delta, peer: m.sender.peer))
            sa.candidateTakeover(frame: m.frame, side: m.sender, reason: "IPSEC_REPLAY_COUNTER_SYNC request")
        }
        feedWindow(sa, m, exchange: m.exchange, counterSync: nil, contentVisible: true, announcedWindow: window,
                   note: delta.map { "IPSEC_REPLAY_COUNTER_SYNC delta \($0.delta)" })
    }

    func observeHidden(_ sa: SAState, _ m: FailoverMessageObservation) {
        if m.messageID == 0 && m.exchange == .informational {
            if !m.isResponse && sa.hiddenMID0Request[m.sender] == nil { sa.hiddenMID0Request[m.sender] = m.frame }
            sa.timeline(m, .messageIDZero, "Message ID 0 INFORMATIONAL, content not visible (RFC 6311 sync or reset? needs keys)")
            return
        }
        feedWindow(sa, m, exchange: m.exchange, counterSync: nil, contentVisible: false, announcedWindow: nil, note: nil)
    }

    func feedWindow(_ sa: SAState, _ m: FailoverMessageObservation, exchange: ExchangeType, counterSync: CounterSyncKind?,
                    contentVisible: Bool, announcedWindow: UInt32?, note: String?) {
        let o = ObservedMessage(sender: m.sender, isResponse: m.isResponse, messageID: m.messageID, exchange: exchange,
                                digest: m.digest, frame: m.frame, counterSync: counterSync,
                                announcedWindowSize: announcedWindow, contentVisible: contentVisible)
        let events = sa.window.observe(o)
        let dir = FailoverDirection(sender: m.sender)
        let retransmitted = events.contains { if case .retransmittedRequest = $0.kind { true } else { false } }
        if !m.isResponse && !retransmitted { sa.checkExpectedAfterExchange(m) }
        for e in events {
            switch e.kind {
            case .request:
                sa.timeline(m, .request, note ?? "")
            case .retransmittedRequest(let f):
                sa.timeline(m, .retransmittedRequest, "identical to frame \(f)")
            case .initialExchangeRetry(let f):
                sa.timeline(m, .request, "IKE_SA_INIT retried with new content (frame \(f) before)")
            case .response(let f):
                sa.timeline(m, .response, "to frame \(f)")
            case .retransmittedResponse(let f):
                sa.timeline(m, .retransmittedResponse, "identical to frame \(f)")
            case .counterSyncMessage:
                sa.timeline(m, .messageIDZero, "Message ID 0 INFORMATIONAL")
            case .windowSizeChanged(let from, let to):
                sa.timeline(m, .rebase, "window of the \(e.sender.rawValue) \(from) -> \(to) (SET_WINDOW_SIZE)")
            case .rebased:
                break
            case .gap(let expected):
                sa.timeline(m, .gap, "Message IDs \(expected)..\(m.messageID &- 1) not seen")
            case .messageIDReuse(let f):
                sa.anomaly(.messageIDReuse, frame: m.frame, mid: m.messageID, dir: dir,
                           "request Message ID \(m.messageID) was used at frame \(f) with different bytes (RFC 7296 §2.2)")
            case .conflictingResponse(let f):
                sa.anomaly(.messageIDReuse, frame: m.frame, mid: m.messageID, dir: dir,
                           "second response to Message ID \(m.messageID) differs from frame \(f)")
            case .outOfWindow(let low, let w) where sa.report.contentHidden:
                // The peer may have raised the window with SET_WINDOW_SIZE inside SK content we
                // could not read: not an anomaly until keys show otherwise.
                sa.timeline(m, .windowUnknown,
                            "request \(m.messageID) while \(low) is unanswered: beyond a window of \(w), but SET_WINDOW_SIZE may be encrypted (needs keys)")
            case .outOfWindow(let low, let w):
                sa.anomaly(.outOfWindow, frame: m.frame, mid: m.messageID, dir: dir,
                           "request \(m.messageID) while \(low) is unanswered and the window is \(w) (RFC 7296 §2.3)")
            case .regression(let high):
                sa.anomaly(.messageIDRegression, frame: m.frame, mid: m.messageID, dir: dir,
                           "new request Message ID \(m.messageID) below \(high) already used (RFC 7296 §2.2)")
            case .unmatchedResponse:
                sa.anomaly(.responseWithoutRequest, frame: m.frame, mid: m.messageID, dir: dir,
                           "response to Message ID \(m.messageID), no request seen")
            case .windowShrink(let from, let to):
                sa.anomaly(.windowShrink, frame: m.frame, mid: m.messageID, dir: dir,
                           "SET_WINDOW_SIZE \(to) below the earlier \(from) (RFC 7296 §2.3)")
            case .rebaseReopensIDs(let high):
                sa.anomaly(.syncRuleViolation, frame: m.frame, mid: m.messageID, dir: dir,
                           "counters moved to or below Message ID \(high) already used")
            case .messageIDSpaceExhausted:
                sa.anomaly(.messageIDExhausted, frame: m.frame, mid: m.messageID, dir: dir,
                           "Message ID space exhausted (RFC 7296 §2.2: rekey the IKE SA)")
            }
        }
    }

    func learnSPIs(_ sa: SAState, _ spis: [UInt32], sentIn side: IKESide) {
        // RFC 7296 §3.3.1: the SPI in a proposal is the sender's inbound SPI, so ESP with it
        // is sent by the other side.
        for spi in spis where sa.learntSPIs.count < options.maxESPSPIsPerSA || sa.learntSPIs.contains(spi) {
            sa.learntSPIs.insert(spi)
            bySPI[spi] = (sa.key, side.peer)
        }
    }

    func registerPair(_ sa: SAState, _ a: String, _ b: String) {
        let p = AddressPair(a, b)
        byAddressPair[p] = sa.key
        if !sa.pairs.contains(p) {
            if sa.pairs.count >= 4 { sa.pairs.removeFirst() }
            sa.pairs.append(p)
        }
    }

    // MARK: Sync and reset exchanges

    func observeCounterExchange(_ sa: SAState, _ m: FailoverMessageObservation, sync: MessageIDSyncData?,
                                reset: MessageIDSyncData?, delta: ReplayCounterDelta?, findings: [HAFinding]) {
        let isSync = sync != nil
        let dir = FailoverDirection(sender: m.sender)
        if let prior = sa.counterDigests[m.digest] {
            sa.timeline(m, m.isResponse ? .retransmittedResponse : .retransmittedRequest, "identical to frame \(prior)")
            return
        }
        if sa.counterDigests.count < options.maxExchangesPerSA * 4 { sa.counterDigests[m.digest] = m.frame }
        let violation: FailoverAnomalyKind = isSync ? .syncRuleViolation : .resetRuleViolation
        let name = isSync ? "sync" : "reset"
        var problems: [String] = []
        func flag(_ kind: FailoverAnomalyKind, _ text: String) {
            problems.append(text)
            sa.anomaly(kind, frame: m.frame, mid: m.messageID, dir: dir, text)
        }
        for f in findings { flag(f.rule.hasPrefix("ha.reset") ? .resetRuleViolation : .syncRuleViolation, "\(f.message) (\(f.section))") }

        guard let d = sync ?? reset else { return }
        if !m.isResponse {
            let requester = m.sender
            var x = FailoverCounterExchange(requestFrame: m.frame, requester: requester, nonce: d.nonce,
                                            request: FailoverCounterValues(send: d.expectedSend, recv: d.expectedRecv))
            x.replayDelta = isSync ? delta?.delta : nil
            if let caps = sa.negotiated {
                if isSync && !caps.contains(.messageIDSync) {
                    flag(.syncWithoutSupport, "IKEV2_MESSAGE_ID_SYNC but IKEV2_MESSAGE_ID_SYNC_SUPPORTED was not negotiated (RFC 6311 §5)")
                }
                if isSync && delta != nil && !caps.contains(.replayCounterSync) {
                    flag(.syncWithoutSupport, "IPSEC_REPLAY_COUNTER_SYNC but IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED was not negotiated (RFC 6311 §5)")
                }
                if !isSync && !caps.contains(.messageIDReset) {
                    flag(.resetWithoutSupport, "IKEV2_MESSAGE_ID_RESET but IKEV2_MESSAGE_ID_RESET_SUPPORTED was not negotiated (ha-reset.md)")
                }
            }
            if isSync {
                let seen = [sa.window[requester].highestRequestID, sa.highestSyncM1[requester]].compactMap { $0 }.max()
                if let h = seen, d.expectedSend <= h {
                    flag(.syncReplayed, "M1 = \(d.expectedSend) is not above \(h), the highest Message ID already seen from the \(requester.rawValue): the peer drops it (RFC 6311 §5.1, §11)")
                }
                sa.highestSyncM1[requester] = max(sa.highestSyncM1[requester] ?? 0, d.expectedSend)
            } else {
                let sendHigh = sa.window[requester].highestRequestID
                let recvHigh = sa.window[requester.peer].highestRequestID
                if MessageIDResetRequester.reopensUsedIDs(newBase: d.expectedSend, highestUsed: sendHigh), let h = sendHigh {
                    flag(.resetReopensMessageIDs, "new base \(d.expectedSend) for the \(requester.rawValue)'s requests is at or below \(h), already used: those Message IDs can be reused (ha-reset.md)")
                }
                if MessageIDResetRequester.reopensUsedIDs(newBase: d.expectedRecv, highestUsed: recvHigh), let h = recvHigh {
                    flag(.resetReopensMessageIDs, "new base \(d.expectedRecv) for the \(requester.peer.rawValue)'s requests is at or below \(h), already used: those Message IDs can be reused (ha-reset.md)")
                }
            }
            // RFC 6311 §7 / ha-reset.md: one per IKE SA per failover event.
            if let epoch = sa.lastRequestEpoch[requester], epoch == sa.identityEpoch[requester, default: 0] {
                flag(violation, "a second \(name) request from the \(requester.rawValue) in one failover event (at most one per failover, RFC 6311 §7)")
            }
            sa.lastRequestEpoch[requester] = sa.identityEpoch[requester, default: 0]
            x.problems = problems
            let what = isSync ? "RFC 6311 Message ID sync request" : "Message ID reset request"
            sa.candidateTakeover(frame: m.frame, side: requester, reason: what)
            var note = isSync
                ? "nonce 0x\(failoverHex8(d.nonce)), (M1, P1) = (\(d.expectedSend), \(d.expectedRecv))"
                : "nonce 0x\(failoverHex8(d.nonce)), (R1, Q1) = (\(d.expectedSend), \(d.expectedRecv))"
            if let delta = x.replayDelta { note += ", replay delta \(delta)" }
            sa.timeline(m, isSync ? .syncRequest : .resetRequest, note)
            if isSync {
                if sa.report.syncs.count < options.maxExchangesPerSA {
                    sa.report.syncs.append(x)
                    sa.pendingSync[requester] = sa.report.syncs.count - 1
                }
                if let dl = x.replayDelta { sa.deltas.append(.init(frame: m.frame, delta: dl, peer: requester.peer)) }
            } else if sa.report.resets.count < options.maxExchangesPerSA {
                sa.report.resets.append(x)
                sa.pendingReset[requester] = sa.report.resets.count - 1
            }
            return
        }

        // A response.
        let pending = isSync ? sa.pendingSync[m.sender.peer] : sa.pendingReset[m.sender.peer]
        guard let idx = pending else {
            flag(.responseWithoutRequest, "\(name) response without a \(name) request from the \(m.sender.peer.rawValue)")
            return
        }
        var x = isSync ? sa.report.syncs[idx] : sa.report.resets[idx]
        x.problems += problems
        let echoed = d.nonce == x.nonce
        if x.response == nil || echoed {
            x.responseFrame = m.frame
            x.response = FailoverCounterValues(send: d.expectedSend, recv: d.expectedRecv)
            x.nonceEchoed = echoed
        }
        if !echoed {
            let text = "response nonce 0x\(failoverHex8(d.nonce)) does not echo the request nonce 0x\(failoverHex8(x.nonce)): the requester drops it (RFC 6311 §5.1, §11)"
            x.problems.append(text)
            sa.anomaly(isSync ? .syncNonceMismatch : .resetNonceMismatch, frame: m.frame, mid: m.messageID, dir: dir, text)
            sa.timeline(m, isSync ? .syncResponse : .resetResponse, "nonce NOT echoed")
            store(sa, x, isSync: isSync, idx: idx)
            return
        }
        let requester = x.requester
        let peer = requester.peer
        var ok = true
        let newRequester: UInt32
        let newPeer: UInt32
        if isSync {
            // RFC 6311 §5.1: P2 = max(P1, peer's highest + 1), M2 ≥ max(M1, highest from cluster + 1).
            let (m1, p1, p2, m2) = (x.request.send, x.request.recv, d.expectedSend, d.expectedRecv)
            let peerNext = sa.window[peer].highestRequestID.map { UInt64($0) + 1 } ?? 0
            let reqNext = sa.window[requester].highestRequestID.map { UInt64($0) + 1 } ?? 0
            if UInt64(p2) < max(UInt64(p1), peerNext) {
                ok = false
                let t = "P2 = \(p2) is below max(P1 = \(p1), the \(peer.rawValue)'s next request ID \(peerNext)) (RFC 6311 §5.1)"
                x.problems.append(t)
                sa.anomaly(.syncRuleViolation, frame: m.frame, mid: m.messageID, dir: dir, t)
            }
            if UInt64(m2) < max(UInt64(m1), reqNext) {
                ok = false
                let t = "M2 = \(m2) is below max(M1 = \(m1), the \(requester.rawValue)'s next request ID \(reqNext)) (RFC 6311 §5.1)"
                x.problems.append(t)
                sa.anomaly(.syncRuleViolation, frame: m.frame, mid: m.messageID, dir: dir, t)
            }
            newRequester = max(m1, m2)
            newPeer = p2
        } else {
            if d.expectedSend != x.request.recv || d.expectedRecv != x.request.send {
                ok = false
                let t = "response (\(d.expectedSend), \(d.expectedRecv)) is not the request (\(x.request.send), \(x.request.recv)) swapped (ha-reset.md)"
                x.problems.append(t)
                sa.anomaly(.resetRuleViolation, frame: m.frame, mid: m.messageID, dir: dir, t)
            }
            newRequester = x.request.send
            newPeer = x.request.recv
        }
        x.obeysRules = ok
        let values = isSync ? "(P2, M2) = (\(d.expectedSend), \(d.expectedRecv))" : "(\(d.expectedSend), \(d.expectedRecv))"
        sa.timeline(m, isSync ? .syncResponse : .resetResponse, "nonce echoed, \(values)")
        for e in sa.window.rebase(requester, nextRequestID: newRequester, frame: m.frame)
            + sa.window.rebase(peer, nextRequestID: newPeer, frame: m.frame) {
            switch e.kind {
            case .rebased(let from, let to) where from != to:
                sa.timeline(m, .rebase, "\(e.sender.rawValue)'s next request ID \(from) -> \(to)", direction: .init(sender: e.sender))
            case .rebaseReopensIDs(let high) where isSync:
                let t = "sync moved the \(e.sender.rawValue)'s next request ID to \(e.messageID), at or below \(high) already used"
                x.problems.append(t)
                sa.anomaly(.syncRuleViolation, frame: m.frame, mid: m.messageID, dir: dir, t)
            default:
                break  // a reset's re-opening was flagged at its request
            }
        }
        sa.expectAfter[requester] = .init(value: newRequester, isSync: isSync, index: idx, asRequester: true)
        sa.expectAfter[peer] = .init(value: newPeer, isSync: isSync, index: idx, asRequester: false)
        if isSync { sa.pendingSync[requester] = nil } else { sa.pendingReset[requester] = nil }
        store(sa, x, isSync: isSync, idx: idx)
    }

    func store(_ sa: SAState, _ x: FailoverCounterExchange, isSync: Bool, idx: Int) {
        if isSync { sa.report.syncs[idx] = x } else { sa.report.resets[idx] = x }
    }

    // MARK: ESP

    /// Observes one ESP packet (in capture order).
    public func observe(_ e: FailoverESPObservation) {
        summary.espPackets += 1
        var sa: SAState? = nil
        var sender: IKESide? = nil
        var association = FailoverESPSummary.Association.addressPair
        if let hit = bySPI[e.spi], let s = table.value(hit.key) {
            sa = s
            sender = hit.sender
            association = .saPayload
        } else if let k = byAddressPair[AddressPair(e.source.address, e.destination.address)], let s = table.value(k) {
            sa = s
            if s.hosts[.initiator]?.address == e.source.address {
                sender = .initiator
            } else if s.hosts[.responder]?.address == e.source.address {
                sender = .responder
            }
        }
        guard let sa else {
            summary.unassociatedESPPackets += 1
            return
        }
        table.touch(sa.key)
        sa.seen(e.frame)
        if let sender { sa.trackIdentity(sender, e.source, frame: e.frame, time: e.timeNanos) }
        sa.observeESP(e, sender: sender, association: association)
    }

    // MARK: Finish

    /// Ends the run: flags unanswered requests, writes verdicts, and returns the report of the
    /// live SAs (ordered by first frame) with the run's summary.
    public func finish() -> FailoverReport {
        var out: [FailoverSAReport] = []
        var s = summary
        for sa in table.allValues.sorted(by: { $0.order < $1.order }) {
            sa.finish()
            s.timelineEntriesDropped += sa.report.timelineDropped
            s.anomaliesDropped += sa.report.anomaliesDropped
            for (kind, n) in sa.anomalyCounts { s.anomaliesByKind[kind, default: 0] += n }
            out.append(sa.report)
        }
        return FailoverReport(sas: out, summary: s)
    }
}

func failoverHex8(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 8 - s.count)) + s
}
