import IKEv2

// The state of one IKE SA inside `FailoverAnalyzer`: the Message ID window model, the counter
// exchanges judged by `HARules`, the takeover evidence, and the ESP/AH anti-replay views.
// Streaming work is per message; what depends on later packets (a lazy sync explaining an
// earlier ESP jump, RFC 6311 §7; the grouping of evidence into failover events) is decided in
// `finish()`.

final class FailoverSAState {
    /// The SA's SPIs, kept once: in its report.
    var key: FailoverAnalyzer.SAKey {
        get { FailoverAnalyzer.SAKey(i: report.initiatorSPI, r: report.responderSPI) }
        set {
            report.initiatorSPI = newValue.i
            report.responderSPI = newValue.r
        }
    }
    /// The analyzer's options and rules: one copy for all SAs.
    let shared: Shared
    var options: FailoverAnalyzer.Options { shared.options }
    var rules: HARules { shared.rules }
    let order: Int
    /// The report's fields known while the SA lives; `finish()` decides the rest and makes the
    /// `FailoverSAReport`, so a live SA does not carry the finished report's fields.
    struct LiveReport {
        var initiatorSPI: UInt64
        var responderSPI: UInt64
        var firstFrame = 0
        var lastFrame = 0
        var messages = 0
        var syncs: [FailoverCounterExchange] = []
        var resets: [FailoverCounterExchange] = []
        var anomalies: [FailoverAnomaly] = []
        var timeline: [FailoverTimelineEntry] = []
        var timelineDropped = 0
        var routineEntriesOmitted = 0
        var anomaliesDropped = 0
        var contentHidden = false
        var lineage = FailoverLineage()
    }
    var report: LiveReport
    var window = MessageIDWindowModel()
    // The flags are declared where they fill padding: three after the window model, three after
    // `hiddenMID0Request`.
    var authRequestVisible = false
    var authResponseVisible = false
    var authHidden = false
    /// The address each side last sent from (an ESP/AH packet found by address is matched to
    /// its sender by it).
    var addresses: BySide<String> = [:]
    var identity: BySide<IdentityTracker> = [:]
    var evidence: BySide<[TakeoverEvidence]> = [:]
    var capsI: Set<HACapability>? {
        get { rare?.capsI ?? nil }
        _modify { yield &rareState.capsI }
    }
    var capsR: Set<HACapability>? {
        get { rare?.capsR ?? nil }
        _modify { yield &rareState.capsR }
    }
    var inheritedCaps: Set<HACapability>? {
        get { rare?.inheritedCaps ?? nil }
        _modify { yield &rareState.inheritedCaps }
    }
    var lastTime: Int64 = 0
    /// Streaming findings (`FailoverAnalyzer.onFinding`).
    var sink: ((FailoverStreamFinding) -> Void)? { shared.sink }
    /// A Delete of the IKE SA itself, per requester: its Message ID (RFC 7296 §1.4.1).
    var deleteRequest: BySide<UInt32> {
        get { rare?.deleteRequest ?? [:] }
        _modify { yield &rareState.deleteRequest }
    }

    // Counter exchanges.
    struct PendingExchange {
        var kind: CounterExchangeKind
        var index: Int
    }
    /// The unanswered (placed) counter request of each requester side.
    var pending: BySide<PendingExchange> {
        get { rare?.pending ?? [:] }
        _modify { yield &rareState.pending }
    }
    /// Misplaced requests (not MID 0 / not protected): their responses are not "without request".
    var misplacedRequests: BySide<Int> {
        get { rare?.misplacedRequests ?? [:] }
        _modify { yield &rareState.misplacedRequests }
    }
    var counterDigests: [MessageDigest: Int] {
        get { rare?.counterDigests ?? [:] }
        _modify { yield &rareState.counterDigests }
    }
    var highestSyncM1: BySide<UInt32> {
        get { rare?.highestSyncM1 ?? [:] }
        _modify { yield &rareState.highestSyncM1 }
    }
    /// Per exchange index (sync) the (M1, highest seen) when §5.1 says the peer drops it.
    var droppedByRule: [Int: (m1: UInt32, highest: UInt32)] {
        get { rare?.droppedByRule ?? [:] }
        _modify { yield &rareState.droppedByRule }
    }
    struct Rebase {
        var value: UInt32
        var requestFrame: Int
        var responseFrame: Int
    }
    /// The last value an exchange moved each side's next request ID to.
    var lastRebase: BySide<Rebase> {
        get { rare?.lastRebase ?? [:] }
        _modify { yield &rareState.lastRebase }
    }
    struct Expectation {
        var value: UInt32
        var exchanges: [(kind: CounterExchangeKind, index: Int, asRequester: Bool)]
    }
    var expectAfter: BySide<Expectation> {
        get { rare?.expectAfter ?? [:] }
        _modify { yield &rareState.expectAfter }
    }

    struct DeltaEvent {
        var frame: Int
        var delta: UInt64
        /// The side whose outgoing ESP/AH counters move (the requester's peer).
        var peer: IKESide
    }
    var deltas: [DeltaEvent] {
        get { rare?.deltas ?? [] }
        _modify { yield &rareState.deltas }
    }
    var hiddenMID0Request: BySide<Int> = [:]
    var keysMissingReported = false
    var decryptFailureReported = false
    /// The Delete was answered: the IKE SA is gone.
    var deleted = false
    /// The highest frame of a hidden Message ID 0 request.
    var lastHiddenMID0: Int?

    // Rekey (RFC 7296 §1.3.2): the IKE SPI offered in a CREATE_CHILD_SA request, per requester.
    var rekeyOffer: BySide<(spi: UInt64, mid: UInt32)> {
        get { rare?.rekeyOffer ?? [:] }
        _modify { yield &rareState.rekeyOffer }
    }
    var hiddenCreateChildFrame: Int?

    // ESP / AH.
    struct Segment {
        var firstFrame: Int
        var firstSequence: UInt64
        var lastFrame: Int
        var lastSequence: UInt64
    }
    struct SequenceTrack: IDMapValue {
        var summary: FailoverESPSummary
        var tracker: SequenceNumberTracker
        var sender: IKESide?
        var inRegression = false
        var duplicateReported = false
        var segments: [Segment] = []
        var segmentGeneration = -1
        /// Digest and frame of the packets inside the window, by sequence number.
        var recent = IDMap<RecentPacket>()

        /// Its key in `esp`: the SPI.
        var id: UInt32 {
            get { summary.spi }
            set { summary.spi = newValue }
        }
    }
    struct RecentPacket: IDMapValue {
        var digest: UInt64
        var frame: Int
        /// The sequence number.
        var id: UInt64 = 0
    }
    var esp = IDMap<SequenceTrack>()
    var espOrder: [UInt32] = []
    /// ESN as negotiated per SPI (from SA payloads).
    var esnBySPI: [UInt32: Bool] {
        get { rare?.esnBySPI ?? [:] }
        _modify { yield &rareState.esnBySPI }
    }
    var requestChildSPIs: BySide<[UInt32]> {
        get { rare?.requestChildSPIs ?? [:] }
        _modify { yield &rareState.requestChildSPIs }
    }
    /// Bumped when evidence is recorded: ESP segments restart there, so the before/after split
    /// at the takeover frame is exact whichever evidence places it.
    var evidenceGeneration = 0
    var learntSPIs: Set<UInt32> = []
    /// The address pairs this SA registered in `FailoverAnalyzer.byAddressPair` (the last four).
    var pairs = RecentValues<FailoverAnalyzer.AddressPair>()

    /// What all SAs of one analyzer share.
    final class Shared {
        let options: FailoverAnalyzer.Options
        let rules: HARules
        /// `FailoverAnalyzer.onFinding`.
        var sink: ((FailoverStreamFinding) -> Void)?
        init(options: FailoverAnalyzer.Options, rules: HARules) {
            self.options = options
            self.rules = rules
        }
    }

    /// State that most SAs never need (capabilities, counter exchanges, rekeys, deletes, frame
    /// times of evidence): allocated on first write, so a
    /// plain SA stays small. Reads of an absent box see the empty defaults.
    final class Rare {
        var capsI: Set<HACapability>?
        var capsR: Set<HACapability>?
        var inheritedCaps: Set<HACapability>?
        var deleteRequest: BySide<UInt32> = [:]
        var pending: BySide<PendingExchange> = [:]
        var misplacedRequests: BySide<Int> = [:]
        var counterDigests: [MessageDigest: Int] = [:]
        var highestSyncM1: BySide<UInt32> = [:]
        var droppedByRule: [Int: (m1: UInt32, highest: UInt32)] = [:]
        var lastRebase: BySide<Rebase> = [:]
        var expectAfter: BySide<Expectation> = [:]
        var deltas: [DeltaEvent] = []
        var rekeyOffer: BySide<(spi: UInt64, mid: UInt32)> = [:]
        var esnBySPI: [UInt32: Bool] = [:]
        var requestChildSPIs: BySide<[UInt32]> = [:]
        var frameTimes: [Int: Int64] = [:]
        var rekeyedInto: FailoverAnalyzer.SAKey?
        var anomaliesDroppedByKind: [FailoverAnomalyKind: Int] = [:]
        /// The report `finish()` made.
        var finished: FailoverSAReport?
    }
    var rare: Rare?
    var rareState: Rare {
        if let rare { return rare }
        let r = Rare()
        rare = r
        return r
    }

    init(key: FailoverAnalyzer.SAKey, shared: Shared, order: Int) {
        self.shared = shared
        self.order = order
        report = LiveReport(initiatorSPI: key.i, responderSPI: key.r)
        window.maxRecords = options.maxRecordsPerSide
    }

    /// The negotiated capabilities: both IKE_AUTH claims seen, or inherited through a rekey.
    var negotiated: Set<HACapability>? {
        if let i = capsI, let r = capsR { return i.intersection(r) }
        return inheritedCaps
    }

    func seen(_ frame: Int, time: Int64) {
        if report.firstFrame == 0 { report.firstFrame = frame }
        report.lastFrame = max(report.lastFrame, frame)
        lastTime = max(lastTime, time)
    }

    // MARK: recording

    func anomaly(_ kind: FailoverAnomalyKind, frame: Int, mid: UInt32?, dir: FailoverDirection?, _ fact: FailoverFact) {
        let a = FailoverAnomaly(kind: kind, frame: frame, messageID: mid, direction: dir, fact: fact)
        sink?(.anomaly(initiatorSPI: key.i, responderSPI: key.r, a, timeNanos: lastTime))
        if report.anomalies.count < options.maxAnomaliesPerSA {
            report.anomalies.append(a)
        } else {
            report.anomaliesDropped += 1
            rareState.anomaliesDroppedByKind[kind, default: 0] += 1
        }
    }

    /// Every anomaly found, kept or dropped, by kind (`FailoverSAReport.anomalyCounts`): counted
    /// from the kept ones when asked, so a live SA holds no table of counts.
    var anomalyCounts: [FailoverAnomalyKind: Int] {
        var counts = rare?.anomaliesDroppedByKind ?? [:]
        for a in report.anomalies { counts[a.kind, default: 0] += 1 }
        return counts
    }

    func finding(_ f: HAFinding, frame: Int, mid: UInt32?, dir: FailoverDirection?) {
        anomaly(f.anomalyKind, frame: frame, mid: mid, dir: dir, .rule(f))
    }

    func timeline(_ entry: FailoverTimelineEntry, force: Bool = false) {
        switch entry.kind {
        case .syncRequest, .syncResponse, .resetRequest, .resetResponse, .rebase, .rekey:
            sink?(.timeline(initiatorSPI: key.i, responderSPI: key.r, entry))
        default:
            break
        }
        if !options.routineTimeline, !force, entry.isRoutine {
            report.routineEntriesOmitted += 1
        } else if report.timeline.count < options.maxTimelineEntriesPerSA || force {
            report.timeline.append(entry)
        } else {
            report.timelineDropped += 1
        }
    }

    func timeline(_ m: FailoverMessageObservation, _ kind: FailoverTimelineEntry.Kind, _ detail: FailoverTimelineDetail,
                  direction: FailoverDirection? = nil) {
        timeline(FailoverTimelineEntry(frame: m.frame, timeNanos: m.timeNanos, kind: kind,
                                       direction: direction ?? FailoverDirection(sender: m.sender),
                                       messageID: m.messageID, exchange: m.exchange, detail: detail))
    }

    func addEvidence(_ side: IKESide, _ e: TakeoverEvidence) {
        guard (evidence[side]?.count ?? 0) < options.maxEvidencePerSide else { return }
        evidence.update(side, default: []) { $0.append(e) }
        evidenceGeneration += 1
        if e.isStrong { sink?(.evidence(initiatorSPI: key.i, responderSPI: key.r, side: side, e)) }
    }

    /// Tracks the sender's link/IP identity in its flow; changes become evidence.
    func trackIdentity(_ side: IKESide, flow: PacketFlow, _ host: FailoverHost, frame: Int, time: Int64) {
        let found = identity.update(side, default: IdentityTracker()) {
            $0.update(flow: flow, mac: host.mac, ttl: host.ttl, ipID: host.ipID, frame: frame, time: time)
        }
        for e in found { addEvidence(side, e) }
    }

    // MARK: IKE messages

    func observe(_ m: FailoverMessageObservation) {
        let dir = FailoverDirection(sender: m.sender)
        let v: FailoverVisibleContent
        switch m.content {
        case .visible(let c):
            v = c
        case .keysMissing:
            report.contentHidden = true
            if !keysMissingReported {
                keysMissingReported = true
                anomaly(.keysMissing, frame: m.frame, mid: m.messageID, dir: dir, .keysMissing)
            }
            observeHidden(m)
            return
        case .undecryptable(let why):
            report.contentHidden = true
            if !decryptFailureReported {
                decryptFailureReported = true
                anomaly(.decryptionFailed, frame: m.frame, mid: m.messageID, dir: dir, .decryptionFailed(why))
            }
            observeHidden(m)
            return
        }
        let summary = ExchangeSummary(exchange: m.exchange, messageID: m.messageID, isResponse: m.isResponse,
                                      payloadTypes: v.payloadTypes, notifies: v.notifies)
        let content = rules.content(of: summary)
        learnChildSPIs(v, m)
        observeCapabilities(content, m)
        observeRekey(v, m)
        // RFC 7296 §1.4.1: a Delete of the IKE SA, once answered, ends it.
        if v.deletesIKESA && !m.isResponse && m.exchange == .informational { deleteRequest[m.sender] = m.messageID }
        if m.isResponse, deleteRequest[m.sender.peer] == m.messageID { deleted = true }

        if let kind = content.kind, let data = content.counters {
            if HARules.isPlacedToAct(content.findings) {
                observeCounterMessage(m, kind: kind, data: data, content: content)
                return
            }
            // Misplaced: reported, never acted on, not the real exchange (RFC 6311 §5.1, §9).
            for f in content.findings { finding(f, frame: m.frame, mid: m.messageID, dir: dir) }
            if !m.isResponse { misplacedRequests[m.sender] = m.frame }
            if m.messageID == 0 {
                if m.isResponse { misplacedRequests[m.sender.peer] = nil }
                let entry: FailoverTimelineEntry.Kind = kind == .sync ? (m.isResponse ? .syncResponse : .syncRequest)
                    : (m.isResponse ? .resetResponse : .resetRequest)
                timeline(m, entry, .fact(.rule(content.findings.first ?? .unprotected(kind, isResponse: m.isResponse))))
                return
            }
            // At a non-zero Message ID it is still an ordinary request or response for the window.
            feedWindow(m, visible: true, windowSize: content.windowSize, detail: .none)
            return
        }
        for f in content.findings { finding(f, frame: m.frame, mid: m.messageID, dir: dir) }
        // A MID-0 INFORMATIONAL response without a counter notify answering a pending request:
        // the peer refuses (reset, docs/reset-extension.md §3) or does not support it (sync).
        if m.isResponse, m.messageID == 0, m.exchange == .informational, let p = pending[m.sender.peer] {
            let refusal: PeerRefusal = content.errorNotify.map { .errorNotify($0) } ?? .emptyResponse
            refuse(p, refusal: refusal, frame: m.frame, m: m)
            return
        }
        if m.isResponse, m.messageID == 0, m.exchange == .informational, misplacedRequests[m.sender.peer] != nil {
            misplacedRequests[m.sender.peer] = nil
            timeline(m, .response, .none)
            return
        }
        var detail = FailoverTimelineDetail.none
        if let d = content.replayDelta, !m.isResponse, m.exchange == .informational {
            // RFC 6311 §5 case 2: IPSEC_REPLAY_COUNTER_SYNC alone in an ordinary INFORMATIONAL.
            if let caps = negotiated, !caps.contains(.replayCounterSync) {
                finding(.notNegotiated(.replayCounterSync), frame: m.frame, mid: m.messageID, dir: dir)
            }
            deltas.append(DeltaEvent(frame: m.frame, delta: d.delta, peer: m.sender.peer))
            addEvidence(m.sender, TakeoverEvidence(kind: .replayCounterRequest, frame: m.frame, timeNanos: m.timeNanos))
            detail = .replayDelta(d.delta)
        }
        feedWindow(m, visible: true, windowSize: content.windowSize, detail: detail)
    }

    func observeHidden(_ m: FailoverMessageObservation) {
        if m.exchange == .ikeAuth { authHidden = true }
        if m.exchange == .createChildSA && !m.isResponse { hiddenCreateChildFrame = m.frame }
        if m.messageID == 0 && m.exchange == .informational {
            if !m.isResponse {
                if hiddenMID0Request[m.sender] == nil { hiddenMID0Request[m.sender] = m.frame }
                lastHiddenMID0 = max(lastHiddenMID0 ?? m.frame, m.frame)
                if window[m.sender].highestRequestID != nil {
                    addEvidence(m.sender, TakeoverEvidence(kind: .hiddenMessageIDZero, frame: m.frame, timeNanos: m.timeNanos))
                }
            }
            timeline(m, .messageIDZero, .hiddenMessageIDZero)
            return
        }
        feedWindow(m, visible: false, windowSize: nil, detail: .none)
    }

    func observeCapabilities(_ c: HAMessageContent, _ m: FailoverMessageObservation) {
        guard m.exchange == .ikeAuth else { return }
        if m.sender == .initiator && !m.isResponse {
            capsI = (capsI ?? []).union(c.capabilities)
            authRequestVisible = true
        } else if m.sender == .responder && m.isResponse {
            let before = capsR ?? []
            capsR = before.union(c.capabilities)
            authResponseVisible = true
            if let i = capsI {
                for f in HARules.negotiate(initiator: i, responder: c.capabilities.subtracting(before)).findings {
                    finding(f, frame: m.frame, mid: m.messageID, dir: .responderToInitiator)
                }
            }
            if authRequestVisible { window.setupSeen() }
        }
    }

    func learnChildSPIs(_ v: FailoverVisibleContent, _ m: FailoverMessageObservation) {
        guard !v.childProposals.isEmpty else { return }
        if !m.isResponse {
            requestChildSPIs[m.sender] = v.childProposals.map(\.spi)
            for p in v.childProposals { if let e = p.extendedSequenceNumbers { esnBySPI[p.spi] = e } }
            return
        }
        // The response names the accepted proposal: its ESN choice holds for both directions.
        let choice = v.childProposals.compactMap(\.extendedSequenceNumbers).first
        for p in v.childProposals { if let e = p.extendedSequenceNumbers ?? choice { esnBySPI[p.spi] = e } }
        if let choice {
            for spi in requestChildSPIs[m.sender.peer] ?? [] { esnBySPI[spi] = choice }
        }
        for (spi, e) in esnBySPI where esp[spi] != nil { esp[spi]?.tracker.extendedSequenceNumbers = e }
    }

    func observeRekey(_ v: FailoverVisibleContent, _ m: FailoverMessageObservation) {
        guard m.exchange == .createChildSA, let spi = v.ikeProposalSPI else { return }
        if !m.isResponse {
            rekeyOffer[m.sender] = (spi, m.messageID)
        } else if let offer = rekeyOffer[m.sender.peer], offer.mid == m.messageID {
            rekeyOffer[m.sender.peer] = nil
            // RFC 7296 §2.18: the rekey's requester is the new SA's initiator.
            let (i, r) = (offer.spi, spi)
            report.lineage.rekeyedInto = [i, r]
            timeline(m, .rekey, .rekey(initiatorSPI: i, responderSPI: r))
            rekeyedInto = FailoverAnalyzer.SAKey(i: i, r: r)
        }
    }
    /// Set when a CREATE_CHILD_SA response completed an IKE SA rekey; the analyzer moves the
    /// Child SAs and capabilities to the new SA.
    var rekeyedInto: FailoverAnalyzer.SAKey? {
        get { rare?.rekeyedInto }
        _modify { yield &rareState.rekeyedInto }
    }

    // MARK: counter exchanges

    func observeCounterMessage(_ m: FailoverMessageObservation, kind: CounterExchangeKind, data: MessageIDSyncData,
                               content: HAMessageContent) {
        let dir = FailoverDirection(sender: m.sender)
        if let prior = counterDigests[m.digest] {
            timeline(m, m.isResponse ? .retransmittedResponse : .retransmittedRequest, .repeats(originalFrame: prior))
            return
        }
        if counterDigests.count < options.maxExchangesPerSA * 4 { counterDigests[m.digest] = m.frame }
        var problems = content.findings
        for f in content.findings { finding(f, frame: m.frame, mid: m.messageID, dir: dir) }

        if !m.isResponse {
            let requester = m.sender
            let list = kind == .sync ? report.syncs : report.resets
            if let same = list.firstIndex(where: { $0.requester == requester && $0.nonce == data.nonce }) {
                let old = list[same]
                if old.request == FailoverCounterValues(send: data.expectedSend, recv: data.expectedRecv) {
                    // Same request re-encrypted (other IV): a retransmission in content.
                    timeline(m, kind == .sync ? .syncRequest : .resetRequest, .repeats(originalFrame: old.requestFrame))
                    return
                }
                let f = HAFinding.nonceReusedWithOtherValues(firstFrame: old.requestFrame)
                finding(f, frame: m.frame, mid: m.messageID, dir: dir)
                problems.append(f)
            }
            var x = FailoverCounterExchange(kind: kind, requestFrame: m.frame, requester: requester, nonce: data.nonce,
                                            request: FailoverCounterValues(send: data.expectedSend, recv: data.expectedRecv))
            x.replayDelta = kind == .sync ? content.replayDelta?.delta : nil
            if let caps = negotiated {
                if !caps.contains(kind.capability) {
                    let f = HAFinding.notNegotiated(kind.capability)
                    finding(f, frame: m.frame, mid: m.messageID, dir: dir)
                    problems.append(f)
                }
                if x.replayDelta != nil && !caps.contains(.replayCounterSync) {
                    let f = HAFinding.notNegotiated(.replayCounterSync)
                    finding(f, frame: m.frame, mid: m.messageID, dir: dir)
                    problems.append(f)
                }
            }
            let index = list.count
            switch kind {
            case .sync:
                let seen = [window[requester].highestRequestID, highestSyncM1[requester]].compactMap { $0 }.max()
                if let h = seen, HARules.isReplayed(m1: data.expectedSend, highestSeen: h) {
                    let f = HAFinding.syncReplayed(m1: data.expectedSend, highestSeen: h)
                    finding(f, frame: m.frame, mid: m.messageID, dir: dir)
                    problems.append(f)
                    droppedByRule[index] = (data.expectedSend, h)
                }
                highestSyncM1[requester] = max(highestSyncM1[requester] ?? 0, data.expectedSend)
            case .reset:
                for (side, value) in [(requester, data.expectedSend), (requester.peer, data.expectedRecv)] {
                    let high = window[side].highestRequestID
                    if HARules.reopensUsedIDs(next: value, highestUsed: high), let h = high {
                        let f = HAFinding.reopensUsedIDs(.reset, side: side, next: value, highestUsed: h)
                        finding(f, frame: m.frame, mid: m.messageID, dir: dir)
                        problems.append(f)
                    }
                }
            }
            x.problems = problems
            addEvidence(requester, TakeoverEvidence(kind: .counterRequest(kind, frame: m.frame), frame: m.frame,
                                                    timeNanos: m.timeNanos))
            if let d = x.replayDelta { deltas.append(DeltaEvent(frame: m.frame, delta: d, peer: requester.peer)) }
            timeline(m, kind == .sync ? .syncRequest : .resetRequest, .counterRequest(kind, data, replayDelta: x.replayDelta))
            if list.count < options.maxExchangesPerSA {
                if let old = pending[requester] { closeUnanswered(old) }
                if kind == .sync { report.syncs.append(x) } else { report.resets.append(x) }
                pending[requester] = PendingExchange(kind: kind, index: index)
            }
            return
        }

        // A response: to the pending request of the other side.
        let requester = m.sender.peer
        guard let p = pending[requester] else {
            if misplacedRequests[requester] != nil {
                misplacedRequests[requester] = nil
                timeline(m, kind == .sync ? .syncResponse : .resetResponse, .counterResponse(kind, data, nonceEchoed: false))
                return
            }
            anomaly(.responseWithoutRequest, frame: m.frame, mid: m.messageID, dir: dir, .unmatchedResponse)
            return
        }
        var x = exchange(p)
        x.problems += problems
        let echoed = data.nonce == x.nonce
        if x.response == nil || echoed {
            x.responseFrame = m.frame
            x.response = FailoverCounterValues(send: data.expectedSend, recv: data.expectedRecv)
            x.nonceEchoed = echoed
        }
        let requestData = MessageIDSyncData(nonce: x.nonce, expectedSend: x.request.send, expectedRecv: x.request.recv)
        let next = { (s: IKESide) -> UInt64? in self.window[s].highestRequestID.map { UInt64($0) + 1 } }
        let found = HARules.checkResponse(p.kind, request: requestData, response: data,
                                          requesterNext: next(requester), peerNext: next(requester.peer))
        for f in found {
            finding(f, frame: m.frame, mid: m.messageID, dir: dir)
            x.problems.append(f)
        }
        timeline(m, p.kind == .sync ? .syncResponse : .resetResponse, .counterResponse(p.kind, data, nonceEchoed: echoed))
        guard echoed else {
            // The requester drops it and keeps waiting (RFC 6311 §5.1, §11).
            store(p, x)
            return
        }
        if p.kind == .sync, let d = droppedByRule[p.index] {
            // RFC 6311 §5.1 says drop, Appendix A.2/A.3 answer: report what the capture shows.
            let f = HAFinding.answeredDespiteReplayRule(m1: d.m1, highestSeen: d.highest)
            finding(f, frame: m.frame, mid: m.messageID, dir: dir)
            x.problems.append(f)
        }
        x.obeysRules = found.isEmpty
        x.valid = true
        let agreed = HARules.agreedNextRequestIDs(p.kind, request: requestData, response: data)
        var moved: [IKESide: UInt32] = [:]
        for (side, value) in [(requester, agreed.requester), (requester.peer, agreed.peer)] {
            // Crossing exchanges (RFC 6311 Appendix A.4): the maxima win.
            var target = value
            if let r = lastRebase[side], r.responseFrame > x.requestFrame {
                target = max(target, r.value)
            }
            moved[side] = target
            lastRebase[side] = Rebase(value: target, requestFrame: x.requestFrame, responseFrame: m.frame)
            for e in window.rebase(side, nextRequestID: target, frame: m.frame) {
                switch e.kind {
                case .rebased(let from, let to) where from != to:
                    timeline(m, .rebase, .rebase(side: side, from: from, to: to), direction: FailoverDirection(sender: side))
                case .rebaseReopensIDs(let high) where p.kind == .sync:
                    let f = HAFinding.reopensUsedIDs(.sync, side: side, next: target, highestUsed: high)
                    finding(f, frame: m.frame, mid: m.messageID, dir: dir)
                    x.problems.append(f)
                default:
                    break  // a reset's re-opening was flagged at its request
                }
            }
        }
        for (side, value) in moved {
            var e = expectAfter[side] ?? Expectation(value: value, exchanges: [])
            e.value = value
            e.exchanges.append((p.kind, p.index, side == requester))
            expectAfter[side] = e
        }
        pending[requester] = nil
        store(p, x)
    }

    /// A counter request that got no (readable) response: at the end of the capture, or when its
    /// requester gave up and sent another (a fallback reset after a sync, RFC 6311 §5 case 4).
    func closeUnanswered(_ p: PendingExchange) {
        var x = exchange(p)
        if x.responseFrame != nil {
            // Answered, but the answer was dropped (nonce not echoed): reported at the response.
        } else if p.kind == .sync {
            x.refusal = .noResponse
            let explained = droppedByRule[p.index] != nil || (negotiated.map { !$0.contains(.messageIDSync) } ?? false)
            let f = HAFinding.peerDoesNotSupport(.sync, .noResponse)
            if !explained { finding(f, frame: x.requestFrame, mid: 0, dir: .init(sender: x.requester)) }
            x.problems.append(f)
        } else {
            x.refusal = .noResponse
            anomaly(.unansweredRequest, frame: x.requestFrame, mid: 0, dir: .init(sender: x.requester), .unanswered(x.requester))
        }
        store(p, x)
    }

    func exchange(_ p: PendingExchange) -> FailoverCounterExchange {
        p.kind == .sync ? report.syncs[p.index] : report.resets[p.index]
    }

    func store(_ p: PendingExchange, _ x: FailoverCounterExchange) {
        if p.kind == .sync { report.syncs[p.index] = x } else { report.resets[p.index] = x }
    }

    func refuse(_ p: PendingExchange, refusal: PeerRefusal, frame: Int, m: FailoverMessageObservation) {
        var x = exchange(p)
        x.responseFrame = frame
        x.refusal = refusal
        if p.kind == .sync {
            let f = HAFinding.peerDoesNotSupport(.sync, refusal)
            if !(negotiated.map { !$0.contains(.messageIDSync) } ?? false) {
                finding(f, frame: frame, mid: m.messageID, dir: FailoverDirection(sender: m.sender))
            }
            x.problems.append(f)
        }
        store(p, x)
        pending[x.requester] = nil
        timeline(m, p.kind == .sync ? .syncResponse : .resetResponse, .counterRefused(p.kind, refusal))
    }

    // MARK: the window

    func feedWindow(_ m: FailoverMessageObservation, visible: Bool, windowSize: UInt32?, detail: FailoverTimelineDetail) {
        let o = ObservedMessage(sender: m.sender, isResponse: m.isResponse, messageID: m.messageID, exchange: m.exchange,
                                digest: m.digest, frame: m.frame, counterSync: nil, announcedWindowSize: windowSize,
                                contentVisible: visible, digestComparable: m.digestComparable)
        let events = window.observe(o)
        let dir = FailoverDirection(sender: m.sender)
        let repeated = events.contains {
            switch $0.kind {
            case .retransmittedRequest, .unverifiedRetransmission: true
            default: false
            }
        }
        if !m.isResponse && !repeated { checkExpectedAfterExchange(m) }
        for e in events {
            switch e.kind {
            case .request: timeline(m, .request, detail)
            case .retransmittedRequest(let f): timeline(m, .retransmittedRequest, .repeats(originalFrame: f))
            case .unverifiedRetransmission(let f): timeline(m, .unverifiedRetransmission, .unverifiedRepeat(originalFrame: f))
            case .initialExchangeRetry(let f): timeline(m, .request, .retriedInitialExchange(previousFrame: f))
            case .response(let f): timeline(m, .response, .answers(requestFrame: f))
            case .retransmittedResponse(let f): timeline(m, .retransmittedResponse, .repeats(originalFrame: f))
            case .counterSyncMessage: timeline(m, .messageIDZero, .hiddenMessageIDZero)
            case .windowSizeChanged(let from, let to):
                timeline(m, .rebase, .windowChanged(side: e.sender, from: from, to: to))
            case .rebased: break
            case .earlierHistory, .historyResponse: timeline(m, .history, .history)
            case .gap(let expected): timeline(m, .gap, .skipped(expected: expected))
            case .messageIDReuse(let f):
                anomaly(.messageIDReuse, frame: m.frame, mid: m.messageID, dir: dir, .messageIDReuse(firstFrame: f))
            case .conflictingResponse(let f):
                anomaly(.messageIDReuse, frame: m.frame, mid: m.messageID, dir: dir, .conflictingResponse(firstFrame: f))
            case .outOfWindow(let low, let w):
                // Known only when the setup or a SET_WINDOW_SIZE was seen and no content since was
                // hidden (SET_WINDOW_SIZE may travel in any later INFORMATIONAL, RFC 7296 §2.3).
                if window[m.sender].windowKnown && !report.contentHidden {
                    anomaly(.outOfWindow, frame: m.frame, mid: m.messageID, dir: dir, .outOfWindow(lowestOutstanding: low, window: w))
                } else {
                    // SET_WINDOW_SIZE may be hidden (no keys) or before the capture began.
                    timeline(m, .windowUnknown, .windowUnknown(lowestOutstanding: low, window: w))
                }
            case .regression(let high):
                anomaly(.messageIDRegression, frame: m.frame, mid: m.messageID, dir: dir, .regression(highestUsed: high))
            case .unmatchedResponse:
                anomaly(.responseWithoutRequest, frame: m.frame, mid: m.messageID, dir: dir, .unmatchedResponse)
            case .windowShrink(let from, let to):
                anomaly(.windowShrink, frame: m.frame, mid: m.messageID, dir: dir, .windowShrink(from: from, to: to))
            case .rebaseReopensIDs:
                break
            case .messageIDSpaceExhausted:
                anomaly(.messageIDExhausted, frame: m.frame, mid: m.messageID, dir: dir, .messageIDExhausted)
            }
        }
    }

    /// After a sync/reset, the first request of each side should use the agreed value.
    func checkExpectedAfterExchange(_ m: FailoverMessageObservation) {
        guard let e = expectAfter[m.sender] else { return }
        expectAfter[m.sender] = nil
        let used = m.messageID == e.value
        for (kind, index, asRequester) in e.exchanges {
            let p = PendingExchange(kind: kind, index: index)
            var x = exchange(p)
            if asRequester { x.requesterUsesNewValues = used } else { x.peerUsesNewValues = used }
            if !used {
                let f = HAFinding.laterRequestNotAtAgreedID(kind, side: m.sender, used: m.messageID, agreed: e.value)
                x.problems.append(f)
                if m.messageID < e.value {
                    finding(f, frame: m.frame, mid: m.messageID, dir: FailoverDirection(sender: m.sender))
                }
            }
            store(p, x)
        }
    }

    // MARK: ESP / AH

    func observeSequence(_ e: FailoverESPObservation, sender: IKESide?, association: FailoverESPSummary.Association) {
        if esp[e.spi] == nil {
            guard esp.count < options.maxESPSPIsPerSA else { return }
            let esn: Bool? = esnBySPI[e.spi] ?? (report.contentHidden || association == .addressPair ? nil : false)
            var t = SequenceTrack(summary: FailoverESPSummary(spi: e.spi, ipProtocol: e.ipProtocol,
                                                          direction: sender.map { FailoverDirection(sender: $0) },
                                                          association: association, firstFrame: e.frame),
                              tracker: SequenceNumberTracker(window: options.replayWindow,
                                                             jumpThreshold: UInt64(options.espJumpThreshold),
                                                             extendedSequenceNumbers: esn))
            t.tracker.maxPacketsPerSecond = options.maxPacketsPerSecond
            t.sender = sender
            espOrder.append(e.spi)
            esp[e.spi] = t
        }
        // In place: the track's window and segments are not copied for every packet.
        esp.update(e.spi) { advance(&$0, e, sender: sender, association: association) }
    }

    private func advance(_ t: inout SequenceTrack, _ e: FailoverESPObservation, sender: IKESide?,
                         association: FailoverESPSummary.Association) {
        t.summary.packets += 1
        if association == .saPayload { t.summary.association = .saPayload }
        if let v = esnBySPI[e.spi] { t.summary.extendedSequenceNumbers = v }
        if t.sender == nil, let sender {
            t.sender = sender
            t.summary.direction = FailoverDirection(sender: sender)
        }
        let dir = t.sender.map { FailoverDirection(sender: $0) }
        let event = t.tracker.observe(e.sequence, timeNanos: e.timeNanos)
        func remember(_ s: UInt64) {
            t.recent[s] = RecentPacket(digest: e.digest, frame: e.frame)
            if t.recent.count > Int(2 * t.tracker.window), let h = t.tracker.highest {
                t.recent.removeAll(through: h >= t.tracker.window ? h - t.tracker.window : 0)
            }
        }
        func extendSegment(_ s: UInt64, newSegment: Bool) {
            if newSegment || t.segments.isEmpty || t.segmentGeneration != evidenceGeneration {
                if t.segments.count >= 64 {
                    // Merge the two oldest: bounded memory, the split keeps its precision at the end.
                    let b = t.segments.remove(at: 1)
                    t.segments[0].lastFrame = b.lastFrame
                    t.segments[0].lastSequence = b.lastSequence
                }
                t.segments.append(Segment(firstFrame: e.frame, firstSequence: s, lastFrame: e.frame, lastSequence: s))
                t.segmentGeneration = evidenceGeneration
            } else if let i = t.segments.indices.last {
                t.segments[i].lastFrame = e.frame
                t.segments[i].lastSequence = max(t.segments[i].lastSequence, s)
            }
        }
        switch event {
        case .first(let s):
            remember(s)
            extendSegment(s, newSegment: true)
        case .advance(_, let to):
            t.inRegression = false
            remember(to)
            extendSegment(to, newSegment: false)
        case .jump(let from, let to):
            remember(to)
            t.inRegression = false
            if t.summary.jumps.count < 16 {
                frameTimes[e.frame] = e.timeNanos
                t.summary.jumps.append(FailoverESPJump(frame: e.frame, from: from, to: to, explanation: .unexplained))
            }
            extendSegment(to, newSegment: true)
        case .reordered(let s, _):
            remember(s)
            t.summary.reordered += 1
        case .duplicate(let s) where t.recent[s].map({ $0.digest != e.digest && $0.digest != 0 && e.digest != 0 }) ?? false:
            // Same number, other bytes: the sender reused its counter (RFC 4303 §3.3.3).
            t.summary.regressions += 1
            if !t.inRegression {
                t.inRegression = true
                let fact = FailoverFact.sequenceReused(spi: e.spi, sequence: s, firstFrame: t.recent[s]?.frame ?? 0)
                anomaly(.espSequenceRegression, frame: e.frame, mid: nil, dir: dir, fact)
                timeline(FailoverTimelineEntry(frame: e.frame, timeNanos: e.timeNanos, kind: .espRegression, direction: dir,
                                               messageID: nil, exchange: nil, detail: .fact(fact)))
            }
        case .duplicate(let s):
            t.summary.duplicates += 1
            if !t.duplicateReported {
                t.duplicateReported = true
                anomaly(.espDuplicate, frame: e.frame, mid: nil, dir: dir, .sequenceDuplicate(spi: e.spi, sequence: s))
                timeline(FailoverTimelineEntry(frame: e.frame, timeNanos: e.timeNanos, kind: .espDuplicate, direction: dir,
                                               messageID: nil, exchange: nil,
                                               detail: .fact(.sequenceDuplicate(spi: e.spi, sequence: s))))
            }
        case .belowWindow(let s, let high):
            t.summary.regressions += 1
            if !t.inRegression {
                t.inRegression = true
                let fact = FailoverFact.sequenceBelowWindow(spi: e.spi, sequence: s, highest: high, window: t.tracker.window)
                anomaly(.espSequenceRegression, frame: e.frame, mid: nil, dir: dir, fact)
                timeline(FailoverTimelineEntry(frame: e.frame, timeNanos: e.timeNanos, kind: .espRegression, direction: dir,
                                               messageID: nil, exchange: nil, detail: .fact(fact)))
            }
        }
    }

    // MARK: finish

    /// Ends the SA: decides what needs the whole capture and makes its report (once: a later call
    /// returns the same report).
    func finish() -> FailoverSAReport {
        if let done = rare?.finished { return done }
        var out = FailoverSAReport(initiatorSPI: report.initiatorSPI, responderSPI: report.responderSPI)
        out.startedBeforeCapture = !window.startedInCapture
        // A hidden Message ID 0 request after an unanswered request may be a sync or reset that
        // abandoned it (RFC 6311 §9): unverified without keys, not an anomaly.
        for side in IKESide.allCases {
            for (id, frame) in window[side].outstanding.sorted(by: { $0.key < $1.key }) {
                if let h = lastHiddenMID0, h > frame {
                    timeline(FailoverTimelineEntry(frame: frame, timeNanos: 0, kind: .unansweredUnverified,
                                                   direction: .init(sender: side), messageID: id, exchange: nil,
                                                   detail: .possiblyAbandoned(byFrame: h)))
                    continue
                }
                anomaly(.unansweredRequest, frame: frame, mid: id, dir: .init(sender: side), .unanswered(side))
            }
            out.nextRequestID[side] = window[side].nextRequestID
        }
        for p in pending.values { closeUnanswered(p) }
        if rare != nil { pending = [:] }
        explainSequenceJumps(&out)
        out.esp = espOrder.compactMap { esp[$0]?.summary }
        splitSequences(&out)
        if let n = negotiated {
            out.capabilities = n
            out.capabilitiesInherited = capsI == nil || capsR == nil
        } else if capsI == nil && capsR == nil && !authHidden {
            out.capabilitiesUnknown = .notInCapture
        } else if authHidden {
            out.capabilitiesUnknown = .encrypted
        } else {
            out.capabilitiesUnknown = .oneSide
        }
        out.anomalyCounts = anomalyCounts
        if report.anomalies.count > 1 {
            report.anomalies.sort { ($0.frame, $0.kind.rawValue) < ($1.frame, $1.kind.rawValue) }
        }
        // Stable: entries of one frame keep their order (a response, then the rebase it caused),
        // after the failover event placed at that frame.
        func rank(_ e: FailoverTimelineEntry) -> Int { e.kind == .takeover || e.kind == .identityChange ? 0 : 1 }
        func before(_ a: FailoverTimelineEntry, _ b: FailoverTimelineEntry) -> Bool {
            (a.frame, rank(a)) < (b.frame, rank(b))
        }
        // Usually already in order: sort only when some neighbour is out of place.
        if zip(report.timeline, report.timeline.dropFirst()).contains(where: { before($1, $0) }) {
            report.timeline = report.timeline.enumerated()
                .sorted { ($0.element.frame, rank($0.element), $0.offset) < ($1.element.frame, rank($1.element), $1.offset) }
                .map(\.element)
        }
        out.firstFrame = report.firstFrame
        out.lastFrame = report.lastFrame
        out.messages = report.messages
        out.syncs = report.syncs
        out.resets = report.resets
        out.anomalies = report.anomalies
        out.timeline = report.timeline
        out.timelineDropped = report.timelineDropped
        out.routineEntriesOmitted = report.routineEntriesOmitted
        out.anomaliesDropped = report.anomaliesDropped
        out.contentHidden = report.contentHidden
        out.lineage = report.lineage
        rareState.finished = out
        return out
    }

    /// Explains ESP/AH jumps (RFC 6311 §5.2), infers the failover events (into `out`), and places
    /// the jumps in them.
    func explainSequenceJumps(_ out: inout FailoverSAReport) {
        // 1. The peer's jumps by a replay-counter delta.
        struct DeltaUse: Hashable {
            var frame: Int
            var spi: UInt32
        }
        var usedDelta: Set<DeltaUse> = []
        for spi in espOrder {
            guard var t = esp[spi], let sender = t.sender else { continue }
            for j in t.summary.jumps.indices {
                let jump = t.summary.jumps[j]
                // RFC 6311 §5.2: one delta moves every Child SA of the peer once.
                if let d = deltas.first(where: {
                    $0.peer == sender && $0.frame < jump.frame && !usedDelta.contains(DeltaUse(frame: $0.frame, spi: spi))
                        && HARules.explainsReplayDelta(last: jump.from, first: jump.to, delta: $0.delta,
                                                       slack: options.replayDeltaSlack)
                }) {
                    t.summary.jumps[j].explanation = .peerReplayCounterDelta
                    t.summary.jumps[j].explainedBy = d.frame
                    usedDelta.insert(DeltaUse(frame: d.frame, spi: spi))
                }
            }
            esp[spi] = t
        }
        // 2. The remaining jumps are evidence of their sender's takeover (weak alone).
        for spi in espOrder {
            guard let t = esp[spi], let sender = t.sender else { continue }
            for jump in t.summary.jumps where jump.explanation == .unexplained {
                addEvidence(sender, TakeoverEvidence(kind: .sequenceJump(spi: spi, from: jump.from, to: jump.to),
                                                     frame: jump.frame, timeNanos: timeOf(frame: jump.frame)))
            }
        }
        // 3. Failover events.
        var inference = TakeoverInference()
        inference.attachWindowNanos = options.evidenceWindowNanos
        inference.corroborationWindowNanos = options.evidenceWindowNanos
        var epochs: [FailoverEpoch] = []
        for side in IKESide.allCases { epochs += inference.epochs(evidence[side] ?? [], side: side) }
        epochs.sort { $0.frame < $1.frame }
        if epochs.count > options.maxEventsPerSA { epochs = Array(epochs.prefix(options.maxEventsPerSA)) }
        out.events = epochs.map { FailoverEvent(side: $0.side, frame: $0.frame, timeNanos: $0.timeNanos,
                                                   evidence: $0.evidence, syncs: [], resets: []) }
        if let first = out.events.first {
            out.takeover = FailoverTakeover(frame: first.frame, side: first.side, evidence: first.evidence)
        }
        for (i, ev) in out.events.enumerated() {
            timeline(FailoverTimelineEntry(frame: ev.frame, timeNanos: ev.timeNanos, kind: i == 0 ? .takeover : .identityChange,
                                           direction: FailoverDirection(sender: ev.side), messageID: nil, exchange: nil,
                                           detail: .takeover(ev.evidence)), force: true)
        }
        // 4. Counter exchanges per event; one of each kind per requester per event (RFC 6311 §7).
        for kind in CounterExchangeKind.allCases {
            let list = kind == .sync ? report.syncs : report.resets
            for (index, x) in list.enumerated() {
                guard let e = out.events.firstIndex(where: { ev in
                    ev.side == x.requester && ev.evidence.contains {
                        if case .counterRequest(kind, let f) = $0.kind { f == x.requestFrame } else { false }
                    }
                }) else { continue }
                let earlier = kind == .sync ? out.events[e].syncs : out.events[e].resets
                if let first = earlier.first {
                    let firstFrame = list[first].requestFrame
                    let f = HAFinding.secondInFailover(kind, firstFrame: firstFrame)
                    finding(f, frame: x.requestFrame, mid: 0, dir: .init(sender: x.requester))
                    if kind == .sync { report.syncs[index].problems.append(f) } else { report.resets[index].problems.append(f) }
                }
                if kind == .sync { out.events[e].syncs.append(index); report.syncs[index].event = e }
                else { out.events[e].resets.append(index); report.resets[index].event = e }
            }
        }
        // 5. The cluster's own forward jump after its takeover; the rest needs keys or is unexplained.
        for spi in espOrder {
            guard var t = esp[spi] else { continue }
            var usedEvents: Set<Int> = []
            for j in t.summary.jumps.indices where t.summary.jumps[j].explanation == .unexplained {
                let jump = t.summary.jumps[j]
                let dir = t.sender.map { FailoverDirection(sender: $0) }
                if let sender = t.sender,
                   let e = out.events.lastIndex(where: { $0.side == sender && $0.frame <= jump.frame && !usedEvents.contains($0.frame) }),
                   out.events[e].evidence.contains(where: { $0.isStrong }) || out.events[e].evidence.count >= 2 {
                    usedEvents.insert(out.events[e].frame)
                    t.summary.jumps[j].explanation = .clusterForwardJump
                    t.summary.jumps[j].explainedBy = out.events[e].frame
                } else if report.contentHidden, let sender = t.sender,
                          [hiddenMID0Request[sender], hiddenMID0Request[sender.peer]].contains(where: { ($0 ?? Int.max) < jump.frame }) {
                    t.summary.jumps[j].explanation = .unverifiedNeedsKeys
                } else {
                    anomaly(.espUnexplainedJump, frame: jump.frame, mid: nil, dir: dir,
                            .sequenceJump(spi: spi, from: jump.from, to: jump.to, explanation: .unexplained))
                }
                let final = t.summary.jumps[j]
                timeline(FailoverTimelineEntry(frame: jump.frame, timeNanos: timeOf(frame: jump.frame), kind: .espJump,
                                               direction: dir, messageID: nil, exchange: nil,
                                               detail: .fact(.sequenceJump(spi: spi, from: jump.from, to: jump.to,
                                                                           explanation: final.explanation))))
            }
            for j in t.summary.jumps where j.explanation == .peerReplayCounterDelta {
                timeline(FailoverTimelineEntry(frame: j.frame, timeNanos: timeOf(frame: j.frame), kind: .espJump,
                                               direction: t.sender.map { FailoverDirection(sender: $0) }, messageID: nil,
                                               exchange: nil,
                                               detail: .fact(.sequenceJump(spi: spi, from: j.from, to: j.to, explanation: j.explanation))))
            }
            esp[spi] = t
        }
    }

    /// Frame times are kept only for evidence; jumps use the nearest known time.
    var frameTimes: [Int: Int64] {
        get { rare?.frameTimes ?? [:] }
        _modify { yield &rareState.frameTimes }
    }
    func timeOf(frame: Int) -> Int64 { frameTimes[frame] ?? lastTime }

    /// Before/after the takeover frame, from the segments (which restart at every evidence).
    func splitSequences(_ out: inout FailoverSAReport) {
        let cut = out.takeover?.frame
        for i in out.esp.indices {
            guard let t = esp[out.esp[i].spi] else { continue }
            var s = out.esp[i]
            for seg in t.segments {
                if let cut, seg.firstFrame >= cut {
                    if s.firstSequenceAfter == nil {
                        s.firstSequenceAfter = seg.firstSequence
                        s.firstFrameAfter = seg.firstFrame
                    }
                    s.lastSequenceAfter = seg.lastSequence
                } else {
                    if s.firstSequenceBefore == nil { s.firstSequenceBefore = seg.firstSequence }
                    s.lastSequenceBefore = seg.lastSequence
                    s.lastFrameBefore = seg.lastFrame
                }
            }
            out.esp[i] = s
        }
    }
}
