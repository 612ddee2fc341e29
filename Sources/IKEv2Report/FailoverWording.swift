import IKEv2
import IKEv2Capture
import IKEv2HA

/// The English of `ikev2 failover`: every fact, finding, timeline note and verdict is worded
/// here, once, and used by the JSON, text and HTML renderers. The analysis (IKEv2HA) returns facts.
public enum FailoverWording {
    // MARK: findings (HARules)

    /// One HA rule finding, with its section.
    public static func finding(_ f: HAFinding) -> String {
        "\(findingText(f)) (\(f.section))"
    }

    static func name(_ k: CounterExchangeKind) -> String {
        k == .sync ? "IKEV2_MESSAGE_ID_SYNC" : "IKEV2_MESSAGE_ID_RESET"
    }

    static func short(_ k: CounterExchangeKind) -> String { k == .sync ? "sync" : "reset" }

    static func capabilityName(_ c: HACapability) -> String {
        switch c {
        case .messageIDSync: "IKEV2_MESSAGE_ID_SYNC_SUPPORTED"
        case .replayCounterSync: "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED"
        case .messageIDReset: "IKEV2_MESSAGE_ID_RESET_SUPPORTED"
        }
    }

    static func exchangeName(_ e: ExchangeType) -> String { e.name ?? "exchange \(e.rawValue)" }

    static func nonce(_ v: UInt32) -> String { "0x" + Hex.fixed(UInt64(v), width: 8) }

    static func findingText(_ f: HAFinding) -> String {
        switch f {
        case .notifyMalformed(let t, let reason):
            return "notify \(t.rawValue) does not parse: \(reason)"
        case .capabilityOutsideIKEAuth(let c, let e):
            return "\(capabilityName(c)) appears in \(exchangeName(e)), not IKE_AUTH"
        case .capabilityUnclaimed(let c):
            return "the IKE_AUTH responder claims \(c.reportName) which the initiator did not claim"
        case .wrongExchange(let k, let e):
            return "\(name(k)) in \(exchangeName(e)), not INFORMATIONAL"
        case .nonZeroMessageID(let k, let mid, let response):
            return "\(name(k)) \(response ? "response" : "request") with Message ID \(mid), not 0: not a \(short(k)) exchange, counters not moved"
        case .unprotected(let k, let response):
            return "\(name(k)) \(response ? "response" : "request") outside the SK payload (unauthenticated): never acted on, counters not moved"
        case .extraContents(let k, let response):
            if k == .sync {
                return response ? "a sync response may hold only one IKEV2_MESSAGE_ID_SYNC"
                    : "a sync request may hold only one IKEV2_MESSAGE_ID_SYNC and at most one IPSEC_REPLAY_COUNTER_SYNC"
            }
            return "a reset \(response ? "response" : "request") holds nothing but one IKEV2_MESSAGE_ID_RESET"
        case .replayDeltaInResponse:
            return "IPSEC_REPLAY_COUNTER_SYNC in a response (only the cluster's request carries it)"
        case .replayDeltaWrongExchange(let e):
            return "IPSEC_REPLAY_COUNTER_SYNC in \(exchangeName(e)), not INFORMATIONAL"
        case .replayDeltaAloneAtZero:
            return "IPSEC_REPLAY_COUNTER_SYNC alone uses the current Message ID counters, not Message ID 0"
        case .resetBaseOutOfRange(let s, let r):
            return "reset bases (\(s), \(r)) are not both in [2^16, 2^31)"
        case .nonceNotEchoed(_, let req, let resp):
            return "response nonce \(nonce(resp)) does not echo the request nonce \(nonce(req)): the requester drops it"
        case .responseBelowMaximum(let field, let value, let requested, let seenNext):
            let other = field == .p2 ? "P1" : "M1"
            return "\(field.rawValue) = \(value) is below max(\(other) = \(requested), next request ID seen \(seenNext))"
        case .resetValuesNotSwapped(let q, let r):
            return "response (\(r.expectedSend), \(r.expectedRecv)) is not the request (\(q.expectedSend), \(q.expectedRecv)) swapped"
        case .notNegotiated(let c):
            return "\(c == .replayCounterSync ? "IPSEC_REPLAY_COUNTER_SYNC" : c == .messageIDSync ? "IKEV2_MESSAGE_ID_SYNC" : "IKEV2_MESSAGE_ID_RESET") but \(capabilityName(c)) was not negotiated"
        case .syncReplayed(let m1, let h):
            return "M1 = \(m1) is not above \(h), the highest Message ID already seen from the requester: the peer drops it"
        case .nonceReusedWithOtherValues(let first):
            return "the nonce of the sync request at frame \(first) again, with other values: a replayed sync"
        case .secondInFailover(let k, let first):
            return "a second \(short(k)) request in one failover event (the first at frame \(first)); at most one per failover"
        case .reopensUsedIDs(let k, let side, let next, let high):
            return "the \(short(k)) moves the \(side.rawValue)'s next request ID to \(next), at or below \(high) already used: those Message IDs can be reused"
        case .laterRequestNotAtAgreedID(let k, let side, let used, let agreed):
            return "the first request of the \(side.rawValue) after the \(short(k)) uses Message ID \(used), not the agreed \(agreed)"
        case .answeredDespiteReplayRule(let m1, let h):
            return "the peer answered although M1 = \(m1) is not above \(h) (§5.1 says drop; RFC 6311 Appendix A.2/A.3 answer such requests)"
        case .peerDoesNotSupport(let k, let how):
            let what: String
            switch how {
            case .emptyResponse: what = "answered with an empty response"
            case .errorNotify(let t): what = "answered with error notify \(t.name ?? String(t.rawValue))"
            case .noResponse: what = "did not answer"
            }
            return k == .sync ? "the peer \(what): it does not support RFC 6311 Message ID sync"
                : "the peer \(what): it refuses the reset (the IKE SA is to be deleted)"
        }
    }

    // MARK: facts

    /// The `detail` of an anomaly.
    public static func fact(_ f: FailoverFact) -> String {
        switch f {
        case .messageIDReuse(let first): "Message ID used at frame \(first) again with different bytes (RFC 7296 §2.2)"
        case .conflictingResponse(let first): "second response differs from frame \(first) (RFC 7296 §2.2)"
        case .regression(let high): "new request below Message ID \(high) already used (RFC 7296 §2.2)"
        case .outOfWindow(let low, let w): "request while \(low) is unanswered and the window is \(w) (RFC 7296 §2.3)"
        case .windowUnknown(let low, let w):
            "request while \(low) is unanswered: beyond a window of \(w), but SET_WINDOW_SIZE may be hidden (encrypted, or before the capture)"
        case .unmatchedResponse: "response, no request seen"
        case .windowShrink(let from, let to): "SET_WINDOW_SIZE \(to) below the earlier \(from) (RFC 7296 §2.3)"
        case .messageIDExhausted: "Message ID space exhausted (RFC 7296 §2.2: rekey the IKE SA)"
        case .unanswered(let side): "request of the \(side.rawValue) got no response in the capture"
        case .keysMissing:
            "SK payload present but no key for this IKE SA: capabilities, sync/reset contents and Child SA SPIs need keys (--keys)"
        case .decryptionFailed(let why): "SK content not decrypted: \(why)"
        case .rule(let f): finding(f)
        case .sequenceBelowWindow(let spi, let s, let h, let w):
            "SPI 0x\(Hex.fixed(UInt64(spi), width: 8)) sequence \(s) below the anti-replay window (highest \(h), window \(w)): the counter was reused or restarted (RFC 4303 §3.4.3)"
        case .sequenceDuplicate(let spi, let s):
            "SPI 0x\(Hex.fixed(UInt64(spi), width: 8)) sequence \(s) seen before inside the window: a duplicate the receiver drops (RFC 4303 §3.4.3)"
        case .sequenceReused(let spi, let s, let first):
            "SPI 0x\(Hex.fixed(UInt64(spi), width: 8)) sequence \(s) again with other bytes than frame \(first): the sender reused its counter (RFC 4303 §3.3.3)"
        case .sequenceJump(let spi, let from, let to, let why):
            "SPI 0x\(Hex.fixed(UInt64(spi), width: 8)) \(from) -> \(to): " + jumpText(why, from: from, to: to)
        }
    }

    static func jumpText(_ why: FailoverESPJumpExplanation, from: UInt64, to: UInt64) -> String {
        switch why {
        case .clusterForwardJump: "the cluster's own forward jump after its takeover (RFC 6311 §5.2)"
        case .peerReplayCounterDelta: "advanced by the IPSEC_REPLAY_COUNTER_SYNC delta (RFC 6311 §5.2)"
        case .unverifiedNeedsKeys: "possibly a replay-counter sync or takeover (needs keys to check)"
        case .unexplained: "jump of \(to &- from &- 1) not explained by RFC 6311"
        }
    }

    // MARK: evidence

    /// One piece of takeover evidence.
    public static func evidence(_ e: TakeoverEvidence) -> String {
        switch e.kind {
        case .newMAC(let old, let new):
            "new MAC \(MACAddress(rawValue: new)) (was \(MACAddress(rawValue: old)))"
        case .ttlChange(let old, let new): "TTL \(old) -> \(new)"
        case .ipIDDiscontinuity(let old, let new): "IP ID 0x\(Hex.minimal(UInt64(old))) -> 0x\(Hex.minimal(UInt64(new))) in one flow"
        case .counterRequest(let k, _): k == .sync ? "RFC 6311 Message ID sync request" : "Message ID reset request"
        case .replayCounterRequest: "IPSEC_REPLAY_COUNTER_SYNC request"
        case .sequenceJump(let spi, let from, let to): "ESP/AH 0x\(Hex.fixed(UInt64(spi), width: 8)) jumps \(from) -> \(to)"
        case .hiddenMessageIDZero: "Message ID 0 INFORMATIONAL request (content hidden: sync or reset?)"
        }
    }

    /// The evidence of a failover event, with weights: "new MAC ... [strong], TTL 64 -> 255 [weak] (frame 29)".
    /// The same hint seen in several flows is listed once with its frames.
    public static func evidenceList(_ list: [TakeoverEvidence]) -> String {
        var order: [String] = []
        var frames: [String: [Int]] = [:]
        var strong: [String: Bool] = [:]
        for e in list {
            let text = evidence(e)
            if frames[text] == nil { order.append(text) }
            frames[text, default: []].append(e.frame)
            strong[text] = e.isStrong
        }
        return order.map { text in
            let f = frames[text] ?? []
            let at = f.count == 1 ? "at frame \(f[0])" : "at frames " + f.map(String.init).joined(separator: ", ")
            return "\(text) \(at) [\(strong[text] == true ? "strong" : "weak")]"
        }.joined(separator: "; ")
    }

    /// A stable name of an evidence kind for JSON.
    public static func evidenceKind(_ e: TakeoverEvidence) -> String {
        switch e.kind {
        case .newMAC: "new-mac"
        case .ttlChange: "ttl-change"
        case .ipIDDiscontinuity: "ip-id-discontinuity"
        case .counterRequest(let k, _): k == .sync ? "sync-request" : "reset-request"
        case .replayCounterRequest: "replay-counter-request"
        case .sequenceJump: "sequence-jump"
        case .hiddenMessageIDZero: "hidden-message-id-zero"
        }
    }

    // MARK: timeline

    /// The note of a timeline entry.
    public static func note(_ e: FailoverTimelineEntry) -> String {
        switch e.detail {
        case .none: ""
        case .replayDelta(let d): "IPSEC_REPLAY_COUNTER_SYNC delta \(d)"
        case .answers(let f): "to frame \(f)"
        case .repeats(let f): "identical to frame \(f)"
        case .unverifiedRepeat(let f):
            "same Message ID as frame \(f), other bytes: a retransmission with other fragmentation or a reuse, unverified without keys (RFC 7383 §2.5.3)"
        case .retriedInitialExchange(let f): "IKE_SA_INIT retried with new content (frame \(f) before)"
        case .skipped(let expected): "Message IDs \(expected)..\(e.messageID.map { $0 &- 1 } ?? expected) not seen"
        case .windowChanged(let side, let from, let to): "window of the \(side.rawValue) \(from) -> \(to) (SET_WINDOW_SIZE)"
        case .windowUnknown(let low, let w): fact(.windowUnknown(lowestOutstanding: low, window: w))
        case .hiddenMessageIDZero: "Message ID 0 INFORMATIONAL, content not visible (RFC 6311 sync or reset? needs keys)"
        case .counterRequest(let k, let d, let delta):
            "nonce \(nonce(d.nonce)), \(k == .sync ? "(M1, P1)" : "(R1, Q1)") = (\(d.expectedSend), \(d.expectedRecv))"
                + (delta.map { ", replay delta \($0)" } ?? "")
        case .counterResponse(let k, let d, let echoed):
            echoed ? "nonce echoed, \(k == .sync ? "(P2, M2)" : "values") = (\(d.expectedSend), \(d.expectedRecv))"
                : "nonce \(nonce(d.nonce)) NOT echoed"
        case .counterRefused(let k, let how): findingText(.peerDoesNotSupport(k, how))
        case .rebase(let side, let from, let to): "\(side.rawValue)'s next request ID \(from) -> \(to)"
        case .takeover(let list): evidenceList(list)
        case .history: "from before the capture began (the capture starts mid-SA)"
        case .possiblyAbandoned(let f):
            "no response in the capture, but the hidden Message ID 0 request at frame \(f) may be a sync or reset that abandoned it (RFC 6311 §9; needs keys)"
        case .rekey(let i, let r): "IKE SA rekeyed into \(Hex.fixed(i, width: 16)) / \(Hex.fixed(r, width: 16)) (RFC 7296 §1.3.2)"
        case .fact(let f): fact(f)
        }
    }

    // MARK: capabilities, verdict

    public static func capabilitiesUnknown(_ r: FailoverSAReport.CapabilitiesUnknown) -> String {
        switch r {
        case .notInCapture: "IKE_AUTH not in the capture"
        case .encrypted: "IKE_AUTH is encrypted and no key was given for this SA"
        case .oneSide: "only one side's IKE_AUTH message was seen"
        }
    }

    /// The takeover reason: its evidence.
    public static func takeoverReason(_ t: FailoverTakeover) -> String { evidenceList(t.evidence) }

    /// A one-paragraph verdict for an SA.
    public static func verdict(_ sa: FailoverSAReport) -> String {
        var parts: [String] = []
        if sa.events.isEmpty {
            parts.append("No takeover seen for this IKE SA.")
        }
        for (n, ev) in sa.events.enumerated() {
            var s = sa.events.count > 1 ? "Failover event \(n + 1)" : "Failover"
            s += " at frame \(ev.frame) (\(ev.side.rawValue) side: \(evidenceList(ev.evidence)))"
            let syncs = ev.syncs.compactMap { sa.syncs.indices.contains($0) ? sa.syncs[$0] : nil }
            let resets = ev.resets.compactMap { sa.resets.indices.contains($0) ? sa.resets[$0] : nil }
            if let x = syncs.first(where: \.valid), let r = x.response {
                s += " recovered by RFC 6311 sync (frames \(x.requestFrame)/\(x.responseFrame ?? 0): (M1, P1) = (\(x.request.send), \(x.request.recv)) answered (P2, M2) = (\(r.send), \(r.recv)), nonce echoed"
                if x.requesterUsesNewValues == true && x.peerUsesNewValues == true { s += ", later requests use the synced values" }
                if let d = x.replayDelta { s += ", ESP replay delta \(d)" }
                s += ")."
            } else if let x = resets.first(where: \.valid) {
                s += " recovered by a Message ID reset (frames \(x.requestFrame)/\(x.responseFrame ?? 0))."
            } else if let x = syncs.first ?? resets.first {
                let why = x.problems.first.map(findingText) ?? "no valid response"
                s += "; the \(x.kind == .sync ? "RFC 6311 sync" : "Message ID reset") at frame \(x.requestFrame) did not succeed: \(why)."
            } else if sa.contentHidden {
                s += "; whether an RFC 6311 sync or reset followed is not visible without keys."
            } else {
                s += "; no RFC 6311 sync or reset followed."
            }
            parts.append(s)
        }
        if let from = sa.lineage.rekeyedFrom {
            parts.append("Rekeyed from IKE SA \(from.map { Hex.fixed($0, width: 16) }.joined(separator: " / ")) (capabilities and Child SAs inherited).")
        }
        if let into = sa.lineage.rekeyedInto {
            parts.append("Rekeyed into IKE SA \(into.map { Hex.fixed($0, width: 16) }.joined(separator: " / ")).")
        }
        if let f = sa.lineage.rekeyLinkUnknownFrame {
            parts.append("Appears without IKE_SA_INIT next to a CREATE_CHILD_SA at frame \(f) that needs keys: whether it is that SA's rekey is unknown.")
        }
        if let old = sa.lineage.replaces {
            parts.append("Re-established with a new IKE_SA_INIT after the failed recovery of IKE SA \(old.map { Hex.fixed($0, width: 16) }.joined(separator: " / ")).")
        }
        if sa.startedBeforeCapture {
            parts.append("The capture starts in the middle of this IKE SA: earlier Message IDs are unknown, not missing.")
        }
        let jumps = sa.esp.flatMap(\.jumps)
        let explained = jumps.filter { $0.explanation == .clusterForwardJump || $0.explanation == .peerReplayCounterDelta }
        let unverified = jumps.filter { $0.explanation == .unverifiedNeedsKeys }
        if !explained.isEmpty {
            parts.append("ESP sequence jumps explained by RFC 6311 §5.2: " +
                         explained.map { "\($0.from) -> \($0.to) (\($0.explanation.rawValue))" }.joined(separator: ", ") + ".")
        }
        if !unverified.isEmpty {
            parts.append("ESP sequence jumps that may be a replay-counter sync or takeover (unverified: needs keys): " +
                         unverified.map { "\($0.from) -> \($0.to)" }.joined(separator: ", ") + ".")
        }
        let counts = sa.anomalyCounts.filter { $0.key != .keysMissing }
        if counts.isEmpty {
            parts.append(sa.contentHidden ? "Header-level checks found no anomaly; no Message ID reused."
                                          : "No anomaly: no Message ID reused.")
        } else {
            let list = counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
            parts.append("Anomalies: " + list.joined(separator: ", ") + ".")
        }
        if sa.contentHidden {
            parts.append("SK content not visible (keys missing): capabilities, sync/reset values and Child SA SPIs need keys.")
        }
        return parts.joined(separator: " ")
    }
}

// MARK: overview wording (the HTML report)

/// How the failover events of an SA ended, worst first: the overview's "verdict kind".
package enum FailoverOutcome: String, Hashable, Sendable, CaseIterable {
    /// A sync or reset was tried and did not succeed.
    case recoveryFailed = "recovery-failed"
    /// A failover event with no sync or reset after it (content visible).
    case noRecovery = "no-recovery"
    /// A failover event whose recovery is not visible without keys.
    case recoveryHidden = "recovery-hidden"
    case recoveredByReset = "recovered-reset"
    case recoveredBySync = "recovered-sync"
    /// No failover event.
    case noTakeover = "no-takeover"
}

extension FailoverWording {
    /// The outcome of an SA: the worst of its failover events, judged as `verdict` judges each.
    package static func outcome(_ sa: FailoverSAReport) -> FailoverOutcome {
        var worst = FailoverOutcome.noTakeover
        let order = FailoverOutcome.allCases
        for ev in sa.events {
            let syncs = ev.syncs.compactMap { sa.syncs.indices.contains($0) ? sa.syncs[$0] : nil }
            let resets = ev.resets.compactMap { sa.resets.indices.contains($0) ? sa.resets[$0] : nil }
            let o: FailoverOutcome
            if syncs.contains(where: { $0.valid && $0.response != nil }) {
                o = .recoveredBySync
            } else if resets.contains(where: \.valid) {
                o = .recoveredByReset
            } else if !syncs.isEmpty || !resets.isEmpty {
                o = .recoveryFailed
            } else if sa.contentHidden {
                o = .recoveryHidden
            } else {
                o = .noRecovery
            }
            if (order.firstIndex(of: o) ?? 0) < (order.firstIndex(of: worst) ?? 0) { worst = o }
        }
        return worst
    }

    /// The words of an outcome, for the overview table.
    package static func outcome(_ o: FailoverOutcome) -> String {
        switch o {
        case .recoveryFailed: "takeover, sync/reset failed"
        case .noRecovery: "takeover, no sync or reset"
        case .recoveryHidden: "takeover, recovery not visible (needs keys)"
        case .recoveredByReset: "recovered by Message ID reset"
        case .recoveredBySync: "recovered by RFC 6311 sync"
        case .noTakeover: "no takeover"
        }
    }

    /// The negotiated HA capabilities of an SA, or why they are unknown.
    package static func capabilities(_ sa: FailoverSAReport) -> String {
        guard let caps = sa.capabilities else {
            return "unknown (\(sa.capabilitiesUnknown.map(capabilitiesUnknown) ?? "not seen"))"
        }
        let names = HACapability.allCases.filter { caps.contains($0) }.map(\.reportName)
        return (names.isEmpty ? "none negotiated" : names.joined(separator: ", "))
            + (sa.capabilitiesInherited ? " (inherited from the rekeyed IKE SA)" : "")
    }

    /// A short name of a timeline entry kind (the JSON vocabulary in words).
    package static func entryKind(_ k: FailoverTimelineEntry.Kind) -> String {
        switch k {
        case .request: "request"
        case .response: "response"
        case .retransmittedRequest: "retransmitted request"
        case .retransmittedResponse: "retransmitted response"
        case .unverifiedRetransmission: "retransmission or reuse (unverified)"
        case .gap: "gap"
        case .syncRequest: "RFC 6311 sync request"
        case .syncResponse: "RFC 6311 sync response"
        case .resetRequest: "Message ID reset request"
        case .resetResponse: "Message ID reset response"
        case .messageIDZero: "Message ID 0, content hidden"
        case .windowUnknown: "request beyond the default window"
        case .rebase: "counters moved"
        case .takeover: "takeover"
        case .identityChange: "later failover event"
        case .espJump: "ESP/AH sequence jump"
        case .espRegression: "ESP/AH sequence regression"
        case .espDuplicate: "ESP/AH duplicate"
        case .history: "from before the capture"
        case .rekey: "IKE SA rekeyed"
        case .unansweredUnverified: "unanswered, possibly abandoned by a hidden sync"
        }
    }

    /// A collapsed run of plain request/response rows: "… 412 INFORMATIONAL exchanges (frames 9-931) …".
    /// `exchange` is the exchange type when all of them share it.
    package static func quietStretch(exchanges: Int, messages: Int, exchange: ExchangeType?, firstFrame: Int, lastFrame: Int) -> String {
        let what = exchange.map { "\(exchangeName($0)) exchange\(exchanges == 1 ? "" : "s")" }
            ?? "request/response exchange\(exchanges == 1 ? "" : "s")"
        return "… \(exchanges) \(what) (\(messages) messages, frames \(firstFrame)-\(lastFrame), no anomaly) …"
    }

    /// A failover event marker: "takeover at frame 29 by the responder side".
    package static func eventTitle(index: Int, of count: Int, frame: Int, side: IKESide) -> String {
        (index == 0 ? "takeover" : "failover event \(index + 1) of \(count)") + " at frame \(frame), \(side.rawValue) side"
    }

    /// Timeline entries over the per-SA bound.
    package static func timelineDropped(_ n: Int) -> String {
        "… \(n) more timeline entries not kept (--max-timeline) …"
    }

    /// Anomalies over the per-SA bound.
    package static func anomaliesDropped(_ n: Int) -> String {
        "… \(n) more anomalies not kept (per-SA bound) …"
    }

    /// An SA with findings whose ladder is left out to keep the report small.
    package static func ladderOmitted(limit: Int) -> String {
        "ladder diagram not drawn: the report draws the first \(limit) IKE SAs with findings; the timeline of this SA is in the JSON report"
    }

    /// SAs without findings, grouped by their verdict.
    package static func quietGroup(_ n: Int) -> String {
        "\(n) IKE SA\(n == 1 ? "" : "s") without findings (no failover event, no sync or reset, no ESP/AH jump, no anomaly other than keys-missing)"
    }

    /// The run had no key file.
    package static let keysNotGiven =
        "No key file given: capabilities, sync/reset contents and Child SA SPIs need --keys; header-level checks ran."

    /// One ESP/AH SPI in a line: "ESP SPI 0x1111 initiator-to-responder (sa-payload): 11 packets; before the takeover 1..5; ...".
    package static func espLine(_ e: FailoverESPSummary) -> String {
        var s = "\(e.ipProtocol == 51 ? "AH" : "ESP") SPI 0x\(Hex.fixed(UInt64(e.spi), width: 8)) "
            + "\(e.direction?.rawValue ?? "direction unknown") (\(e.association.rawValue)): \(e.packets) packets"
        if let f = e.firstSequenceBefore, let l = e.lastSequenceBefore { s += "; before the takeover \(f)..\(l)" }
        if let f = e.firstSequenceAfter, let l = e.lastSequenceAfter { s += "; after the takeover \(f)..\(l)" }
        if e.regressions > 0 { s += "; \(e.regressions) below the window" }
        if e.duplicates > 0 { s += "; \(e.duplicates) duplicates" }
        if e.reordered > 0 { s += "; \(e.reordered) reordered" }
        if e.extendedSequenceNumbers == true { s += "; ESN" }
        return s
    }

    /// The legend of a jump colour in the ESP/AH plots: how the jump is explained, in short.
    package static func jumpLegend(_ e: FailoverESPJumpExplanation) -> String {
        switch e {
        case .clusterForwardJump, .peerReplayCounterDelta: "jump explained by RFC 6311 §5.2"
        case .unverifiedNeedsKeys: "jump possibly a sync or takeover (needs keys)"
        case .unexplained: "jump not explained (anomaly)"
        }
    }

    /// A point of an ESP/AH sequence plot.
    package static func espPoint(_ what: ESPPoint, sequence: UInt64, frame: Int?) -> String {
        let name: String
        switch what {
        case .firstBefore: name = "first sequence number"
        case .lastBefore: name = "last sequence number before the takeover"
        case .firstAfter: name = "first sequence number after the takeover"
        case .lastAfter: name = "last sequence number seen (its frame is not kept)"
        }
        return "\(name): \(sequence)" + (frame.map { ", frame \($0)" } ?? "")
    }

    package enum ESPPoint: Sendable { case firstBefore, lastBefore, firstAfter, lastAfter }

    /// The summary of a run as (label, value) rows, the same numbers as the JSON `summary`.
    package static func summaryRows(_ report: FailoverReport, info: FailoverRunInfo) -> [(String, String)] {
        let s = report.summary
        var rows: [(String, String)] = [
            ("IKE SAs reported", "\(report.sas.count)"),
            ("IKE SAs seen", "\(s.sasSeen)"),
            ("IKE messages", "\(s.ikeMessages)"),
            ("ESP/AH packets", "\(s.espPackets)"),
            ("ESP/AH packets not tied to an IKE SA", "\(s.unassociatedESPPackets)"),
            ("anomalies", "\(s.totalAnomalies)"),
        ]
        for (k, n) in s.anomaliesByKind.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            rows.append(("  \(k.rawValue)", "\(n)"))
        }
        rows.append(("malformed messages", "\(info.counts.malformed)"))
        rows.append(("IKEv1 messages (ignored)", "\(info.counts.ikev1)"))
        rows.append(("key file given", info.keysGiven ? "yes" : "no"))
        return rows
    }

    /// The bounds of a run as (label, value) rows, the same numbers as the JSON `limits`.
    package static func limitRows(_ s: FailoverSummary) -> [(String, String)] {
        [
            ("most IKE SAs tracked at once (--max-sas)", "\(s.maxSAs)"),
            ("IKE SAs evicted at that bound", "\(s.evictedSAs)"),
            ("timeline entries kept per SA (--max-timeline)", "\(s.maxTimelineEntriesPerSA)"),
            ("timeline entries not kept", "\(s.timelineEntriesDropped)"),
            ("anomalies kept per SA", "\(s.maxAnomaliesPerSA)"),
            ("anomalies not kept", "\(s.anomaliesDropped)"),
        ]
    }
}
