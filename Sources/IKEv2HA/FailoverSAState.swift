import IKEv2

/// Link/IP identity of one side as seen so far; a change marks a possible takeover
/// (RFC 6027 §2: the standby member takes over the SAs, usually from another box).
struct FailoverIdentityTracker {
    var mac: UInt64?
    var ttl: UInt8?
    var lastIPID: UInt32?
    /// Consecutive small forward IP ID steps (a sequential IP ID pattern).
    var sequentialRun = 0

    /// Updates with one packet; returns a description of the change, if the identity changed.
    mutating func update(_ h: FailoverHost) -> String? {
        var reasons: [String] = []
        if let old = mac, let new = h.mac, old != new {
            reasons.append("new MAC \(macText(new)) (was \(macText(old)))")
        }
        if let old = ttl, let new = h.ttl, old != new {
            reasons.append("TTL \(old) -> \(new)")
        }
        var ipBreak = false
        if let old = lastIPID, let new = h.ipID {
            let step = (new &- old) & 0xffff
            if step >= 1 && step <= 1024 {
                sequentialRun = min(sequentialRun + 1, 1_000)
            } else {
                ipBreak = sequentialRun >= 3
                sequentialRun = 0
            }
            if ipBreak || !reasons.isEmpty {
                reasons.append("IP ID 0x\(String(old, radix: 16)) -> 0x\(String(new, radix: 16))")
            }
        }
        if h.mac != nil { mac = h.mac }
        if h.ttl != nil { ttl = h.ttl }
        if h.ipID != nil { lastIPID = h.ipID }
        if reasons.isEmpty || (reasons.count == 1 && !ipBreak && reasons[0].hasPrefix("IP ID")) { return nil }
        sequentialRun = 0
        return reasons.joined(separator: ", ")
    }
}

func macText(_ v: UInt64) -> String {
    (0..<6).map { i -> String in
        let b = UInt8(truncatingIfNeeded: v >> UInt64(8 * (5 - i)))
        return b < 16 ? "0" + String(b, radix: 16) : String(b, radix: 16)
    }.joined(separator: ":")
}

/// The state of one IKE SA inside `FailoverAnalyzer`.
final class FailoverSAState {
    var key: FailoverAnalyzer.SAKey
    let options: FailoverAnalyzer.Options
    let order: Int
    var report: FailoverSAReport
    var window = MessageIDWindowModel()
    var hosts: [IKESide: FailoverHost] = [:]
    var identity: [IKESide: FailoverIdentityTracker] = [:]
    /// Number of identity changes per side (a new failover event each).
    var identityEpoch: [IKESide: Int] = [:]
    var capsI: Set<HACapability>?
    var capsR: Set<HACapability>?
    var authHidden = false
    var keysMissingReported = false
    var decryptFailureReported = false
    /// The unanswered sync / reset request of each requester side (index into the report).
    var pendingSync: [IKESide: Int] = [:]
    var pendingReset: [IKESide: Int] = [:]
    /// Per side: the first identity change or sync/reset request (that side's takeover).
    var sideTakeoverFrame: [IKESide: Int] = [:]
    var highestSyncM1: [IKESide: UInt32] = [:]
    var lastRequestEpoch: [IKESide: Int] = [:]
    var counterDigests: [[UInt8]: Int] = [:]
    var hiddenMID0Request: [IKESide: Int] = [:]
    var learntSPIs: Set<UInt32> = []
    var pairs: [FailoverAnalyzer.AddressPair] = []
    var anomalyCounts: [FailoverAnomalyKind: Int] = [:]
    var finished = false

    struct Expectation {
        var value: UInt32
        var isSync: Bool
        var index: Int
        var asRequester: Bool
    }
    var expectAfter: [IKESide: Expectation] = [:]

    struct DeltaEvent {
        var frame: Int
        var delta: UInt64
        /// The side whose outgoing ESP counters move.
        var peer: IKESide
    }
    var deltas: [DeltaEvent] = []

    struct ESPTrack {
        var summary: FailoverESPSummary
        var highest: UInt32 = 0
        var sender: IKESide?
        var inRegression = false
        var usedClusterJump = false
        var usedDeltaFrames: Set<Int> = []
    }
    var esp: [UInt32: ESPTrack] = [:]
    var espOrder: [UInt32] = []

    init(key: FailoverAnalyzer.SAKey, options: FailoverAnalyzer.Options, order: Int) {
        self.key = key
        self.options = options
        self.order = order
        report = FailoverSAReport(initiatorSPI: key.i, responderSPI: key.r)
        window.maxRecords = options.maxRecordsPerSide
    }

    /// The negotiated capabilities, when both IKE_AUTH claims were visible.
    var negotiated: Set<HACapability>? {
        guard let i = capsI, let r = capsR else { return nil }
        return i.intersection(r)
    }

    func seen(_ frame: Int) {
        if report.firstFrame == 0 { report.firstFrame = frame }
        report.lastFrame = max(report.lastFrame, frame)
    }

    func anomaly(_ kind: FailoverAnomalyKind, frame: Int, mid: UInt32?, dir: FailoverDirection?, _ detail: String) {
        anomalyCounts[kind, default: 0] += 1
        if report.anomalies.count < options.maxAnomaliesPerSA {
            report.anomalies.append(FailoverAnomaly(kind: kind, frame: frame, messageID: mid, direction: dir, detail: detail))
        } else {
            report.anomaliesDropped += 1
        }
    }

    func timeline(_ entry: FailoverTimelineEntry) {
        if report.timeline.count < options.maxTimelineEntriesPerSA {
            report.timeline.append(entry)
        } else {
            report.timelineDropped += 1
        }
    }

    func timeline(_ m: FailoverMessageObservation, _ kind: FailoverTimelineEntry.Kind, _ note: String,
                  direction: FailoverDirection? = nil) {
        timeline(FailoverTimelineEntry(frame: m.frame, timeNanos: m.timeNanos, kind: kind,
                                       direction: direction ?? FailoverDirection(sender: m.sender),
                                       messageID: m.messageID, exchange: m.exchange.name ?? "\(m.exchange.rawValue)",
                                       note: note))
    }

    /// Tracks the sender's link/IP identity; a change is a takeover candidate.
    func trackIdentity(_ side: IKESide, _ host: FailoverHost, frame: Int, time: Int64) {
        var t = identity[side] ?? FailoverIdentityTracker()
        let change = t.update(host)
        identity[side] = t
        guard let change else { return }
        identityEpoch[side, default: 0] += 1
        if sideTakeoverFrame[side] == nil { sideTakeoverFrame[side] = frame }
        if report.takeover == nil {
            report.takeover = FailoverTakeover(frame: frame, side: side, reason: change)
            timeline(FailoverTimelineEntry(frame: frame, timeNanos: time, kind: .takeover, direction: .init(sender: side),
                                           messageID: nil, exchange: nil, note: change))
        } else {
            timeline(FailoverTimelineEntry(frame: frame, timeNanos: time, kind: .identityChange,
                                           direction: .init(sender: side), messageID: nil, exchange: nil, note: change))
        }
    }

    /// A sync/reset request: the takeover point unless an identity change came first.
    func candidateTakeover(frame: Int, side: IKESide, reason: String) {
        if sideTakeoverFrame[side] == nil { sideTakeoverFrame[side] = frame }
        if let t = report.takeover {
            if t.frame == frame && t.side == side && !t.reason.contains(reason) {
                report.takeover?.reason += "; " + reason
            }
            return
        }
        report.takeover = FailoverTakeover(frame: frame, side: side, reason: reason)
    }

    /// After a sync/reset, the first request of each side should use the new values.
    func checkExpectedAfterExchange(_ m: FailoverMessageObservation) {
        guard let e = expectAfter[m.sender] else { return }
        expectAfter[m.sender] = nil
        let used = m.messageID == e.value
        var x = e.isSync ? report.syncs[e.index] : report.resets[e.index]
        if e.asRequester { x.requesterUsesNewValues = used } else { x.peerUsesNewValues = used }
        if !used {
            let t = "first request of the \(m.sender.rawValue) after the \(e.isSync ? "sync" : "reset") (frame \(m.frame)) uses Message ID \(m.messageID), not \(e.value)"
            x.problems.append(t)
            if m.messageID < e.value {
                anomaly(e.isSync ? .syncRuleViolation : .resetRuleViolation, frame: m.frame, mid: m.messageID,
                        dir: .init(sender: m.sender), t)
            }
        }
        if e.isSync { report.syncs[e.index] = x } else { report.resets[e.index] = x }
    }

    // MARK: ESP

    func observeESP(_ e: FailoverESPObservation, sender: IKESide?, association: FailoverESPSummary.Association) {
        var t: ESPTrack
        if let old = esp[e.spi] {
            t = old
        } else {
            guard esp.count < options.maxESPSPIsPerSA else { return }
            t = ESPTrack(summary: FailoverESPSummary(spi: e.spi, direction: sender.map { FailoverDirection(sender: $0) },
                                                     association: association, firstFrame: e.frame))
            t.sender = sender
            espOrder.append(e.spi)
        }
        defer { esp[e.spi] = t }
        t.summary.packets += 1
        if association == .saPayload { t.summary.association = .saPayload }
        if t.sender == nil, let sender {
            t.sender = sender
            t.summary.direction = FailoverDirection(sender: sender)
        }
        let seq = e.sequence
        if let tk = report.takeover, e.frame >= tk.frame {
            if t.summary.firstSequenceAfter == nil {
                t.summary.firstSequenceAfter = seq
                t.summary.firstFrameAfter = e.frame
            }
            t.summary.lastSequenceAfter = seq
        } else {
            if t.summary.firstSequenceBefore == nil { t.summary.firstSequenceBefore = seq }
            t.summary.lastSequenceBefore = seq
            t.summary.lastFrameBefore = e.frame
        }
        guard t.summary.packets > 1 else {
            t.highest = seq
            return
        }
        let dir = t.sender.map { FailoverDirection(sender: $0) }
        if seq > t.highest {
            let from = t.highest
            t.highest = seq
            t.inRegression = false
            guard seq - from > options.espJumpThreshold else { return }
            let why = explainJump(&t, frame: e.frame, from: from, to: seq)
            if t.summary.jumps.count < 16 {
                t.summary.jumps.append(FailoverESPJump(frame: e.frame, from: from, to: seq, explanation: why))
            }
            let spi = "0x" + failoverHex8(e.spi)
            let note: String
            switch why {
            case .clusterForwardJump:
                note = "ESP \(spi) \(from) -> \(seq): the cluster's own forward jump after takeover (RFC 6311 §5.2)"
            case .peerReplayCounterDelta:
                note = "ESP \(spi) \(from) -> \(seq): advanced by exactly the IPSEC_REPLAY_COUNTER_SYNC delta (RFC 6311 §5.2)"
            case .unverifiedNeedsKeys:
                note = "ESP \(spi) \(from) -> \(seq): possibly an IPSEC_REPLAY_COUNTER_SYNC delta (needs keys to check)"
            case .unexplained:
                note = "ESP \(spi) \(from) -> \(seq): jump of \(seq - from - 1) not explained by RFC 6311"
                anomaly(.espUnexplainedJump, frame: e.frame, mid: nil, dir: dir, note)
            }
            timeline(FailoverTimelineEntry(frame: e.frame, timeNanos: e.timeNanos, kind: .espJump, direction: dir,
                                           messageID: nil, exchange: nil, note: note))
        } else {
            t.summary.regressions += 1
            if !t.inRegression {
                t.inRegression = true
                let note = "ESP 0x\(failoverHex8(e.spi)) sequence \(seq) at or below \(t.highest) already seen (replayed or reused counter, RFC 4303 §3.4.3)"
                anomaly(.espSequenceRegression, frame: e.frame, mid: nil, dir: dir, note)
                timeline(FailoverTimelineEntry(frame: e.frame, timeNanos: e.timeNanos, kind: .espRegression,
                                               direction: dir, messageID: nil, exchange: nil, note: note))
            }
        }
    }

    func explainJump(_ t: inout ESPTrack, frame: Int, from: UInt32, to: UInt32) -> FailoverESPJumpExplanation {
        guard let sender = t.sender else { return .unexplained }
        // The peer adds exactly the delta of a replay-counter sync (RFC 6311 §5.2, §6.4).
        for d in deltas where d.peer == sender && d.frame < frame && !t.usedDeltaFrames.contains(d.frame) {
            if UInt64(to) == UInt64(from) + 1 + d.delta {
                t.usedDeltaFrames.insert(d.frame)
                return .peerReplayCounterDelta
            }
        }
        // The cluster jumps its own outbound counters forward after takeover (RFC 6311 §5.2).
        // Each side that took over (both in a simultaneous failover, RFC 6311 Appendix A.4).
        if let tk = sideTakeoverFrame[sender], frame >= tk, !t.usedClusterJump {
            t.usedClusterJump = true
            return .clusterForwardJump
        }
        if report.contentHidden, let f = hiddenMID0Request[sender.peer], f < frame {
            return .unverifiedNeedsKeys
        }
        return .unexplained
    }

    // MARK: Finish

    func finish() {
        guard !finished else { return }
        finished = true
        for side in IKESide.allCases {
            for (id, frame) in window[side].outstanding.sorted(by: { $0.key < $1.key }) {
                anomaly(.unansweredRequest, frame: frame, mid: id, dir: .init(sender: side),
                        "request Message ID \(id) of the \(side.rawValue) got no response in the capture")
            }
            report.nextRequestID[side] = window[side].nextRequestID
        }
        for (i, x) in report.syncs.enumerated() where x.responseFrame == nil {
            anomaly(.unansweredRequest, frame: x.requestFrame, mid: 0, dir: .init(sender: x.requester),
                    "sync request got no response in the capture")
            report.syncs[i].problems.append("no response in the capture")
        }
        for (i, x) in report.resets.enumerated() where x.responseFrame == nil {
            anomaly(.unansweredRequest, frame: x.requestFrame, mid: 0, dir: .init(sender: x.requester),
                    "reset request got no response in the capture")
            report.resets[i].problems.append("no response in the capture")
        }
        for i in report.syncs.indices {
            let x = report.syncs[i]
            report.syncs[i].valid = x.response != nil && x.nonceEchoed == true && x.problems.isEmpty
        }
        for i in report.resets.indices {
            let x = report.resets[i]
            report.resets[i].valid = x.response != nil && x.nonceEchoed == true && !x.refused && x.problems.isEmpty
        }
        if let n = negotiated {
            report.capabilities = n
        } else if capsI == nil && capsR == nil && !authHidden {
            report.capabilitiesUnknownReason = "IKE_AUTH not in the capture"
        } else if authHidden {
            report.capabilitiesUnknownReason = "IKE_AUTH is encrypted and no key was given for this SA"
        } else {
            report.capabilitiesUnknownReason = "only one side's IKE_AUTH message was seen"
        }
        report.esp = espOrder.compactMap { esp[$0]?.summary }
        report.anomalies.sort { ($0.frame, $0.kind.rawValue) < ($1.frame, $1.kind.rawValue) }
        report.verdict = verdict()
    }

    func verdict() -> String {
        var parts: [String] = []
        let validSync = report.syncs.first { $0.valid }
        let validReset = report.resets.first { $0.valid }
        if let t = report.takeover {
            var s = "Failover at frame \(t.frame) (\(t.side.rawValue) side: \(t.reason))"
            if let x = validSync, let r = x.response {
                s += " recovered by RFC 6311 sync (frames \(x.requestFrame)/\(x.responseFrame ?? 0): (M1, P1) = (\(x.request.send), \(x.request.recv)) answered (P2, M2) = (\(r.send), \(r.recv)), nonce echoed"
                if x.requesterUsesNewValues == true && x.peerUsesNewValues == true { s += ", later requests use the synced values" }
                if let d = x.replayDelta { s += ", ESP replay delta \(d)" }
                s += ")."
            } else if let x = validReset {
                s += " recovered by a Message ID reset (frames \(x.requestFrame)/\(x.responseFrame ?? 0))."
            } else if let x = report.syncs.first {
                s += "; the RFC 6311 sync at frame \(x.requestFrame) did not succeed: \(x.problems.first ?? "no valid response")."
            } else if let x = report.resets.first {
                s += "; the Message ID reset at frame \(x.requestFrame) did not succeed: \(x.problems.first ?? "no valid response")."
            } else if report.contentHidden {
                s += "; whether an RFC 6311 sync or reset followed is not visible without keys."
            } else {
                s += "; no RFC 6311 sync or reset followed."
            }
            parts.append(s)
        } else {
            parts.append("No takeover seen for this IKE SA.")
        }
        let jumps = report.esp.flatMap(\.jumps)
        let explained = jumps.filter { $0.explanation == .clusterForwardJump || $0.explanation == .peerReplayCounterDelta }
        let unverified = jumps.filter { $0.explanation == .unverifiedNeedsKeys }
        if !explained.isEmpty {
            parts.append("ESP sequence jumps explained by RFC 6311 §5.2: " +
                         explained.map { "\($0.from) -> \($0.to) (\($0.explanation.rawValue))" }.joined(separator: ", ") + ".")
        }
        if !unverified.isEmpty {
            parts.append("ESP sequence jumps that may be an IPSEC_REPLAY_COUNTER_SYNC delta (needs keys to check): " +
                         unverified.map { "\($0.from) -> \($0.to)" }.joined(separator: ", ") + ".")
        }
        let counts = anomalyCounts.filter { $0.key != .keysMissing }
        if counts.isEmpty {
            parts.append(report.contentHidden ? "Header-level checks found no anomaly; no Message ID reused."
                                              : "No anomaly: no Message ID reused.")
        } else {
            let list = counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
            parts.append("Anomalies: " + list.joined(separator: ", ") + ".")
        }
        if report.contentHidden {
            parts.append("SK content not visible (keys missing): capabilities, sync/reset values and Child SA SPIs need keys.")
        }
        return parts.joined(separator: " ")
    }
}
