import IKEv2
import IKEv2HA

/// What the run knew besides the analyzer's report (for the summary block).
public struct FailoverRunInfo: Sendable, Hashable {
    /// A key file was given.
    public var keysGiven: Bool
    public var counts: FailoverPipeline.Counts
    public init(keysGiven: Bool = false, counts: FailoverPipeline.Counts = .init()) {
        self.keysGiven = keysGiven
        self.counts = counts
    }
}

/// Renders a `FailoverReport` as one JSON document (schema in the README, "ikev2 failover"). Message IDs,
/// nonces, deltas, sequence numbers and frames are JSON numbers; SPIs lowercase hex strings.
public struct FailoverJSONRenderer: Sendable {
    public init() {}

    public func render(_ report: FailoverReport, info: FailoverRunInfo = .init(), into out: inout OutputBuffer) {
        out.append("{\"sas\":[")
        for (i, sa) in report.sas.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            renderSA(sa, into: &out)
        }
        out.append("],")
        renderSummary(report, info: info, into: &out)
        out.append("\n")
    }

    /// One JSON line for one SA (`--format jsonl`): `{"sa": {...}}`.
    public func renderLine(_ sa: FailoverSAReport, into out: inout OutputBuffer) {
        out.append("{\"sa\":")
        renderSA(sa, into: &out)
        out.append("}\n")
    }

    /// The last JSON line of `--format jsonl`: `{"summary": {...}, "limits": {...}}`.
    public func renderSummaryLine(_ report: FailoverReport, info: FailoverRunInfo = .init(), into out: inout OutputBuffer) {
        out.append("{")
        renderSummary(report, info: info, into: &out)
        out.append("\n")
    }

    /// `"summary":{...},"limits":{...}`
    func renderSummary(_ report: FailoverReport, info: FailoverRunInfo, into out: inout OutputBuffer) {
        let s = report.summary
        out.append("\"summary\":{")
        out.key("ike_messages"); out.decimal(s.ikeMessages)
        out.append(","); out.key("esp_packets"); out.decimal(s.espPackets)
        out.append(","); out.key("sas_seen"); out.decimal(s.sasSeen)
        out.append(","); out.key("sas_reported"); out.decimal(s.retiredSAs + s.liveSAsAtEnd)
        out.append(","); out.key("sas_retired"); out.decimal(s.retiredSAs)
        out.append(","); out.key("sas_live_at_end"); out.decimal(s.liveSAsAtEnd)
        out.append(","); out.key("sas_resumed"); out.decimal(s.sasResumed)
        out.append(","); out.key("ike_messages_in_sas"); out.decimal(s.ikeMessagesInSAs)
        out.append(","); out.key("ike_messages_in_evicted_sas"); out.decimal(s.ikeMessagesInEvictedSAs)
        out.append(","); out.key("ike_messages_after_retirement"); out.decimal(s.messagesAfterRetirement)
        out.append(","); out.key("fragments_held"); out.decimal(info.counts.fragmentsHeld)
        out.append(","); out.key("anomalies"); out.decimal(s.totalAnomalies)
        out.append(","); out.key("anomalies_by_kind"); out.byte(UInt8(ascii: "{"))
        for (i, (k, n)) in s.anomaliesByKind.sorted(by: { $0.key.rawValue < $1.key.rawValue }).enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.key(k.rawValue); out.decimal(n)
        }
        out.append("},"); out.key("unassociated_esp_packets"); out.decimal(s.unassociatedESPPackets)
        out.append(","); out.key("malformed_messages"); out.decimal(info.counts.malformed)
        out.append(","); out.key("ikev1_messages"); out.decimal(info.counts.ikev1)
        out.append(","); out.key("keys_given"); out.bool(info.keysGiven)
        out.append(","); out.key("ike_sightings"); out.decimal(info.counts.ikeSightings)
        out.append(","); out.key("esp_sightings"); out.decimal(info.counts.espSightings)
        out.append(","); out.key("sightings_evicted"); out.decimal(info.counts.sightingsEvicted)
        out.append("},\"limits\":{")
        out.key("max_sas"); out.decimal(s.maxSAs)
        out.append(","); out.key("evicted_sas"); out.decimal(s.evictedSAs)
        out.append(","); out.key("max_timeline_entries_per_sa"); out.decimal(s.maxTimelineEntriesPerSA)
        out.append(","); out.key("timeline_entries_dropped"); out.decimal(s.timelineEntriesDropped)
        out.append(","); out.key("max_anomalies_per_sa"); out.decimal(s.maxAnomaliesPerSA)
        out.append(","); out.key("anomalies_dropped"); out.decimal(s.anomaliesDropped)
        out.append("}}")  // closes "limits" and the enclosing object
    }

    func renderSA(_ sa: FailoverSAReport, into out: inout OutputBuffer) {
        out.append("{\"spi_i\":\""); out.hex(sa.initiatorSPI, width: 16)
        out.append("\",\"spi_r\":\""); out.hex(sa.responderSPI, width: 16)
        out.append("\","); out.key("first_frame"); out.decimal(sa.firstFrame)
        out.append(","); out.key("last_frame"); out.decimal(sa.lastFrame)
        out.append(","); out.key("messages"); out.decimal(sa.messages)
        out.append(","); out.key("capabilities")
        if let caps = sa.capabilities {
            out.byte(UInt8(ascii: "["))
            for (i, c) in HACapability.allCases.filter({ caps.contains($0) }).enumerated() {
                if i > 0 { out.byte(UInt8(ascii: ",")) }
                out.jsonString(c.reportName)
            }
            out.byte(UInt8(ascii: "]"))
        } else {
            out.append("null")
        }
        out.append(","); out.key("capabilities_unknown_reason")
        optionalString(sa.capabilitiesUnknown.map(FailoverWording.capabilitiesUnknown), into: &out)
        out.append(","); out.key("capabilities_inherited"); out.bool(sa.capabilitiesInherited)
        out.append(","); out.key("takeover")
        if let t = sa.takeover {
            out.append("{"); out.key("frame"); out.decimal(t.frame)
            out.append(","); out.key("side"); out.jsonString(t.side.rawValue)
            out.append(","); out.key("reason"); out.jsonString(FailoverWording.takeoverReason(t))
            out.append(","); out.key("evidence"); renderEvidence(t.evidence, into: &out)
            out.append("}")
        } else {
            out.append("null")
        }
        out.append(",\"events\":[")
        for (i, ev) in sa.events.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.append("{"); out.key("frame"); out.decimal(ev.frame)
            out.append(",\"time\":\""); Timestamp.rfc3339(ev.timeNanos, into: &out); out.append("\"")
            out.append(","); out.key("side"); out.jsonString(ev.side.rawValue)
            out.append(","); out.key("evidence"); renderEvidence(ev.evidence, into: &out)
            out.append(",\"sync_request_frames\":[")
            for (j, k) in ev.syncs.enumerated() where sa.syncs.indices.contains(k) {
                if j > 0 { out.byte(UInt8(ascii: ",")) }
                out.decimal(sa.syncs[k].requestFrame)
            }
            out.append("],\"reset_request_frames\":[")
            for (j, k) in ev.resets.enumerated() where sa.resets.indices.contains(k) {
                if j > 0 { out.byte(UInt8(ascii: ",")) }
                out.decimal(sa.resets[k].requestFrame)
            }
            out.append("]}")
        }
        out.append("]")
        out.append(",\"syncs\":[")
        for (i, x) in sa.syncs.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            renderExchange(x, sync: true, into: &out)
        }
        out.append("],\"resets\":[")
        for (i, x) in sa.resets.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            renderExchange(x, sync: false, into: &out)
        }
        out.append("],\"esp\":[")
        for (i, e) in sa.esp.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            renderESP(e, into: &out)
        }
        out.append("],\"anomalies\":[")
        for (i, a) in sa.anomalies.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.append("{"); out.key("kind"); out.jsonString(a.kind.rawValue)
            out.append(","); out.key("frame"); out.decimal(a.frame)
            out.append(","); out.key("message_id"); optionalNumber(a.messageID.map(UInt64.init), into: &out)
            out.append(","); out.key("direction"); optionalString(a.direction?.rawValue, into: &out)
            out.append(","); out.key("detail"); out.jsonString(FailoverWording.fact(a.fact))
            out.append("}")
        }
        out.append("],\"timeline\":[")
        for (i, t) in sa.timeline.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.append("{"); out.key("frame"); out.decimal(t.frame)
            out.append(",\"time\":\""); Timestamp.rfc3339(t.timeNanos, into: &out); out.append("\"")
            out.append(","); out.key("kind"); out.jsonString(t.kind.rawValue)
            out.append(","); out.key("direction"); optionalString(t.direction?.rawValue, into: &out)
            out.append(","); out.key("message_id"); optionalNumber(t.messageID.map(UInt64.init), into: &out)
            out.append(","); out.key("exchange"); optionalString(t.exchange.map(FailoverWording.exchangeName), into: &out)
            out.append(","); out.key("note"); out.jsonString(FailoverWording.note(t))
            out.append("}")
        }
        out.append("],"); out.key("timeline_dropped"); out.decimal(sa.timelineDropped)
        out.append(","); out.key("timeline_routine_omitted"); out.decimal(sa.routineEntriesOmitted)
        out.append(","); out.key("anomalies_dropped"); out.decimal(sa.anomaliesDropped)
        out.append(","); out.key("content_hidden"); out.bool(sa.contentHidden)
        out.append(","); out.key("started_before_capture"); out.bool(sa.startedBeforeCapture)
        out.append(",\"lineage\":{")
        out.key("rekeyed_from"); optionalSPIs(sa.lineage.rekeyedFrom, into: &out)
        out.append(","); out.key("rekeyed_into"); optionalSPIs(sa.lineage.rekeyedInto, into: &out)
        out.append(","); out.key("rekey_link_unknown_frame"); optionalNumber(sa.lineage.rekeyLinkUnknownFrame.map(UInt64.init), into: &out)
        out.append(","); out.key("replaces"); optionalSPIs(sa.lineage.replaces, into: &out)
        out.append("}")
        out.append(",\"next_request_id\":{")
        out.key("initiator"); optionalNumber(sa.nextRequestID[.initiator].map(UInt64.init), into: &out)
        out.append(","); out.key("responder"); optionalNumber(sa.nextRequestID[.responder].map(UInt64.init), into: &out)
        out.append("},"); out.key("verdict"); out.jsonString(FailoverWording.verdict(sa))
        out.append("}")
    }

    func renderExchange(_ x: FailoverCounterExchange, sync: Bool, into out: inout OutputBuffer) {
        let keys = MessageIDSyncData.fieldKeys(reset: !sync)
        let (sendKey, recvKey) = (keys.send.description, keys.recv.description)
        func values(_ v: FailoverCounterValues?, into out: inout OutputBuffer) {
            guard let v else { out.append("null"); return }
            out.append("{"); out.key(sendKey); out.decimal(v.send)
            out.append(","); out.key(recvKey); out.decimal(v.recv)
            out.append("}")
        }
        out.append("{"); out.key("request_frame"); out.decimal(x.requestFrame)
        out.append(","); out.key("response_frame"); optionalNumber(x.responseFrame.map(UInt64.init), into: &out)
        out.append(","); out.key("requester"); out.jsonString(x.requester.rawValue)
        out.append(","); out.key("nonce"); out.decimal(x.nonce)
        out.append(","); out.key("nonce_hex"); out.jsonString("0x" + Hex.fixed(UInt64(x.nonce), width: 8))
        out.append(","); out.key("event"); optionalNumber(x.event.map(UInt64.init), into: &out)
        out.append(","); out.key("request"); values(x.request, into: &out)
        out.append(","); out.key("response"); values(x.response, into: &out)
        out.append(","); out.key("nonce_echoed"); optionalBool(x.nonceEchoed, into: &out)
        out.append(","); out.key(sync ? "obeys_rfc_maxima" : "values_swapped"); optionalBool(x.obeysRules, into: &out)
        out.append(","); out.key("requester_uses_new_values"); optionalBool(x.requesterUsesNewValues, into: &out)
        out.append(","); out.key("peer_uses_new_values"); optionalBool(x.peerUsesNewValues, into: &out)
        if sync {
            out.append(","); out.key("replay_delta"); optionalNumber(x.replayDelta, into: &out)
        } else {
            out.append(","); out.key("refused"); out.bool(x.refused)
        }
        out.append(","); out.key("peer_refusal")
        switch x.refusal {
        case nil: out.append("null")
        case .emptyResponse?: out.jsonString("empty-response")
        case .errorNotify(let t)?: out.jsonString("error-notify-\(t.rawValue)")
        case .noResponse?: out.jsonString("no-response")
        }
        out.append(","); out.key("valid"); out.bool(x.valid)
        out.append(",\"problems\":[")
        for (i, p) in x.problems.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.jsonString(FailoverWording.finding(p))
        }
        out.append("],\"problem_rules\":[")
        for (i, p) in x.problems.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.jsonString(p.ruleID)
        }
        out.append("]}")
    }

    func renderESP(_ e: FailoverESPSummary, into out: inout OutputBuffer) {
        out.append("{\"spi\":\""); out.hex(UInt64(e.spi), width: 8)
        out.append("\","); out.key("protocol"); out.jsonString(e.ipProtocol == 51 ? "ah" : "esp")
        out.append(","); out.key("direction"); optionalString(e.direction?.rawValue, into: &out)
        out.append(","); out.key("association"); out.jsonString(e.association.rawValue)
        out.append(","); out.key("extended_sequence_numbers"); optionalBool(e.extendedSequenceNumbers, into: &out)
        out.append(","); out.key("packets"); out.decimal(e.packets)
        out.append(","); out.key("first_frame"); out.decimal(e.firstFrame)
        out.append(","); out.key("before_takeover")
        if let first = e.firstSequenceBefore {
            out.append("{"); out.key("first_sequence"); out.decimal(first)
            out.append(","); out.key("last_sequence"); optionalNumber(e.lastSequenceBefore, into: &out)
            out.append(","); out.key("last_frame"); optionalNumber(e.lastFrameBefore.map(UInt64.init), into: &out)
            out.append("}")
        } else {
            out.append("null")
        }
        out.append(","); out.key("after_takeover")
        if let first = e.firstSequenceAfter {
            out.append("{"); out.key("first_sequence"); out.decimal(first)
            out.append(","); out.key("first_frame"); optionalNumber(e.firstFrameAfter.map(UInt64.init), into: &out)
            out.append(","); out.key("last_sequence"); optionalNumber(e.lastSequenceAfter, into: &out)
            out.append("}")
        } else {
            out.append("null")
        }
        out.append(",\"jumps\":[")
        for (i, j) in e.jumps.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.append("{"); out.key("frame"); out.decimal(j.frame)
            out.append(","); out.key("from"); out.decimal(j.from)
            out.append(","); out.key("to"); out.decimal(j.to)
            out.append(","); out.key("explanation"); out.jsonString(j.explanation.rawValue)
            out.append(","); out.key("explained_by_frame"); optionalNumber(j.explainedBy.map(UInt64.init), into: &out)
            out.append("}")
        }
        out.append("],"); out.key("regressions"); out.decimal(e.regressions)
        out.append(","); out.key("duplicates"); out.decimal(e.duplicates)
        out.append(","); out.key("reordered"); out.decimal(e.reordered)
        out.append("}")
    }

    func renderEvidence(_ list: [TakeoverEvidence], into out: inout OutputBuffer) {
        out.byte(UInt8(ascii: "["))
        for (i, e) in list.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.append("{"); out.key("kind"); out.jsonString(FailoverWording.evidenceKind(e))
            out.append(","); out.key("frame"); out.decimal(e.frame)
            out.append(","); out.key("weight"); out.jsonString(e.isStrong ? "strong" : "weak")
            out.append(","); out.key("detail"); out.jsonString(FailoverWording.evidence(e))
            out.append("}")
        }
        out.byte(UInt8(ascii: "]"))
    }

    func optionalSPIs(_ v: [UInt64]?, into out: inout OutputBuffer) {
        guard let v else { out.append("null"); return }
        out.byte(UInt8(ascii: "["))
        for (i, spi) in v.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.append("\""); out.hex(spi, width: 16); out.append("\"")
        }
        out.byte(UInt8(ascii: "]"))
    }

    func optionalNumber(_ v: UInt64?, into out: inout OutputBuffer) {
        if let v { out.decimal(v) } else { out.append("null") }
    }

    func optionalString(_ v: String?, into out: inout OutputBuffer) {
        if let v { out.jsonString(v) } else { out.append("null") }
    }

    func optionalBool(_ v: Bool?, into out: inout OutputBuffer) {
        if let v { out.bool(v) } else { out.append("null") }
    }
}

/// Renders a `FailoverReport` for a person: per SA the capabilities, the takeover, a timeline
/// in two lanes (`I->R | R->I`), the sync/reset exchanges, ESP, anomalies and a verdict.
public struct FailoverTextRenderer: Sendable {
    /// Width of one timeline lane.
    public var laneWidth: Int

    public init(laneWidth: Int = 44) {
        self.laneWidth = laneWidth
    }

    public func render(_ report: FailoverReport, info: FailoverRunInfo = .init(), into out: inout OutputBuffer) {
        for sa in report.sas {
            renderSA(sa, into: &out)
            out.append("\n")
        }
        let s = report.summary
        out.append("Summary: \(report.sas.count) IKE SA(s) reported (\(s.sasSeen) seen, \(s.evictedSAs) evicted at the bound of \(s.maxSAs)), ")
        out.append("\(s.ikeMessages) IKE messages, \(s.espPackets) ESP packets (\(s.unassociatedESPPackets) not tied to an IKE SA), ")
        out.append("\(s.totalAnomalies) anomalies")
        if info.counts.malformed > 0 { out.append(", \(info.counts.malformed) malformed messages") }
        if info.counts.ikev1 > 0 { out.append(", \(info.counts.ikev1) IKEv1 messages ignored") }
        if info.counts.ikeSightings + info.counts.espSightings > 0 {
            out.append(", \(info.counts.ikeSightings) IKE and \(info.counts.espSightings) ESP further sightings at other capture points folded into their first copy")
        }
        out.append(".\n")
        if !info.keysGiven {
            out.append("No key file given: capabilities, sync/reset contents and Child SA SPIs need --keys; header-level checks ran.\n")
        }
        if s.timelineEntriesDropped > 0 || s.anomaliesDropped > 0 {
            out.append("Bounds: \(s.timelineEntriesDropped) timeline entries and \(s.anomaliesDropped) anomalies not kept (per-SA limits \(s.maxTimelineEntriesPerSA)/\(s.maxAnomaliesPerSA)).\n")
        }
    }

    func renderSA(_ sa: FailoverSAReport, into out: inout OutputBuffer) {
        out.append("IKE SA "); out.hex(sa.initiatorSPI, width: 16); out.append(" / "); out.hex(sa.responderSPI, width: 16)
        out.append("  (frames \(sa.firstFrame)-\(sa.lastFrame), \(sa.messages) IKE messages)\n")
        if let caps = sa.capabilities {
            let names = HACapability.allCases.filter { caps.contains($0) }.map(\.reportName)
            out.append("  Capabilities: \(names.isEmpty ? "none negotiated" : names.joined(separator: ", "))\n")
        } else {
            out.append("  Capabilities: unknown (\(sa.capabilitiesUnknown.map(FailoverWording.capabilitiesUnknown) ?? "not seen"))\n")
        }
        if let t = sa.takeover {
            out.append("  Takeover: frame \(t.frame), \(t.side.rawValue) side: \(FailoverWording.takeoverReason(t))\n")
            for ev in sa.events.dropFirst() {
                out.append("  Later failover event: frame \(ev.frame), \(ev.side.rawValue) side: \(FailoverWording.evidenceList(ev.evidence))\n")
            }
        } else {
            out.append("  Takeover: none seen\n")
        }
        out.append("\n  frame  " + pad("I->R", laneWidth) + " | R->I\n")
        out.append("  " + String(repeating: "-", count: 7 + laneWidth + 3 + laneWidth) + "\n")
        var anomaliesByFrame: [Int: [FailoverAnomaly]] = [:]
        for a in sa.anomalies { anomaliesByFrame[a.frame, default: []].append(a) }
        var shownAnomalies: Set<Int> = []
        for e in sa.timeline {
            if e.kind == .takeover || e.kind == .identityChange {
                let label = e.kind == .takeover ? "takeover" : "failover event"
                out.append("  ==== \(label) (frame \(e.frame), \(e.direction?.sender.rawValue ?? "?") side: \(FailoverWording.note(e))) ====\n")
                continue
            }
            lane(frame: e.frame, e.direction, cell(e), into: &out)
            if !shownAnomalies.contains(e.frame), let list = anomaliesByFrame[e.frame] {
                shownAnomalies.insert(e.frame)
                for a in list { lane(frame: nil, a.direction ?? e.direction, "!! \(a.kind.rawValue)", into: &out) }
            }
        }
        if sa.timelineDropped > 0 { out.append("  ... \(sa.timelineDropped) more timeline entries not kept\n") }
        if sa.routineEntriesOmitted > 0 {
            out.append("  (\(sa.routineEntriesOmitted) routine request/response entries not listed: --timeline all)\n")
        }

        for x in sa.syncs { renderExchange(x, sync: true, into: &out) }
        for x in sa.resets { renderExchange(x, sync: false, into: &out) }
        if !sa.esp.isEmpty {
            out.append("\n  ESP:\n")
            for e in sa.esp {
                out.append(e.ipProtocol == 51 ? "    AH SPI 0x" : "    SPI 0x"); out.hex(UInt64(e.spi), width: 8)
                out.append(" \(e.direction?.rawValue ?? "direction unknown") (\(e.association.rawValue)): \(e.packets) packets")
                if let f = e.firstSequenceBefore, let l = e.lastSequenceBefore {
                    out.append("; before takeover \(f)..\(l)")
                }
                if let f = e.firstSequenceAfter, let l = e.lastSequenceAfter {
                    out.append("; after takeover \(f)..\(l)")
                }
                if e.regressions > 0 { out.append("; \(e.regressions) below the window") }
                if e.duplicates > 0 { out.append("; \(e.duplicates) duplicates") }
                if e.reordered > 0 { out.append("; \(e.reordered) reordered") }
                if e.extendedSequenceNumbers == true { out.append("; ESN") }
                out.append("\n")
                for j in e.jumps {
                    out.append("      jump \(j.from) -> \(j.to) at frame \(j.frame): \(j.explanation.rawValue)\n")
                }
            }
        }
        out.append("\n  Anomalies:")
        if sa.anomalies.isEmpty {
            out.append(" none\n")
        } else {
            out.append("\n")
            for a in sa.anomalies {
                out.append("    frame \(a.frame)")
                if let mid = a.messageID { out.append(" MID \(mid)") }
                if let d = a.direction { out.append(" \(d.rawValue)") }
                out.append(" \(a.kind.rawValue): \(FailoverWording.fact(a.fact))\n")
            }
            if sa.anomaliesDropped > 0 { out.append("    ... \(sa.anomaliesDropped) more not kept\n") }
        }
        out.append("\n  Verdict: \(FailoverWording.verdict(sa))\n")
    }

    func renderExchange(_ x: FailoverCounterExchange, sync: Bool, into out: inout OutputBuffer) {
        let nonce = "0x" + Hex.fixed(UInt64(x.nonce), width: 8)
        out.append("\n  \(sync ? "RFC 6311 sync" : "Message ID reset") by the \(x.requester.rawValue): request frame \(x.requestFrame)")
        out.append(x.responseFrame.map { ", response frame \($0)" } ?? ", no response")
        out.append("\n    nonce \(nonce), \(sync ? "(M1, P1)" : "(R1, Q1)") = (\(x.request.send), \(x.request.recv))")
        if let r = x.response { out.append(sync ? " -> (P2, M2) = (\(r.send), \(r.recv))" : " -> (\(r.send), \(r.recv))") }
        if let d = x.replayDelta { out.append(", replay delta \(d)") }
        out.append("\n    nonce echoed: \(yesNo(x.nonceEchoed)); \(sync ? "RFC maxima obeyed" : "values swapped"): \(yesNo(x.obeysRules));")
        out.append(" later requests use new values: \(x.requester.rawValue) \(yesNo(x.requesterUsesNewValues)), \(x.requester.peer.rawValue) \(yesNo(x.peerUsesNewValues))")
        if x.refused { out.append("; REFUSED") }
        out.append("\n    \(x.valid ? "VALID" : "NOT VALID")")
        for p in x.problems { out.append("\n    - \(FailoverWording.finding(p))") }
        out.append("\n")
    }

    func yesNo(_ b: Bool?) -> String {
        guard let b else { return "unknown" }
        return b ? "yes" : "no"
    }

    func cell(_ e: FailoverTimelineEntry) -> String {
        let ex = e.exchange.map { shortExchange(FailoverWording.exchangeName($0)) } ?? ""
        let mid = e.messageID.map { " #\($0)" } ?? ""
        let note = FailoverWording.note(e)
        switch e.kind {
        case .request: return "req  \(ex)\(mid)" + (note.isEmpty || note.hasPrefix("to frame") ? "" : " \(note)")
        case .response: return "resp \(ex)\(mid)"
        case .retransmittedRequest: return "retx req \(ex)\(mid)"
        case .retransmittedResponse: return "retx resp \(ex)\(mid)"
        case .unverifiedRetransmission: return "retx? \(ex)\(mid) (other fragmentation? unverified)"
        case .gap: return "gap: \(note)"
        case .syncRequest: return "SYNC req #\(e.messageID ?? 0) \(note)"
        case .syncResponse: return "SYNC resp #\(e.messageID ?? 0) \(note)"
        case .resetRequest: return "RESET req #\(e.messageID ?? 0) \(note)"
        case .resetResponse: return "RESET resp #\(e.messageID ?? 0) \(note)"
        case .messageIDZero: return "#0 \(ex) \(note)"
        case .windowUnknown: return "window? #\(e.messageID.map(String.init) ?? "?") (SET_WINDOW_SIZE may be hidden)"
        case .rebase: return "rebase: \(note)"
        case .espJump: return "ESP jump: \(note)"
        case .espRegression: return "ESP regression: \(note)"
        case .espDuplicate: return "ESP duplicate: \(note)"
        case .history: return "hist \(ex)\(mid)"
        case .rekey: return "rekey: \(note)"
        case .unansweredUnverified: return "unanswered? \(ex)\(mid) (a hidden sync may have abandoned it)"
        case .takeover, .identityChange: return note
        }
    }

    func lane(frame: Int?, _ d: FailoverDirection?, _ text: String, into out: inout OutputBuffer) {
        let f = frame.map { pad(String($0), 5, left: true) } ?? "     "
        if d == .responderToInitiator {
            out.append("  \(f)  " + pad("", laneWidth) + " | " + text + "\n")
        } else {
            // Long text overflows into the other lane rather than being cut.
            out.append("  \(f)  " + pad(text, laneWidth) + " |\n")
        }
    }

    func shortExchange(_ s: String) -> String {
        switch s {
        case "IKE_SA_INIT": "SA_INIT"
        case "IKE_AUTH": "AUTH"
        case "CREATE_CHILD_SA": "CHILD"
        case "INFORMATIONAL": "INFO"
        default: s
        }
    }

    func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
        let n = s.count
        guard n < width else { return s }
        let fill = String(repeating: " ", count: width - n)
        return left ? fill + s : s + fill
    }

}
