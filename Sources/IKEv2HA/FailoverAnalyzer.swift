import IKEv2

// Failover analysis of a capture, per IKE SA: Message ID timelines (RFC 7296 §2.1-§2.3), the
// failover events inferred from evidence, HA capabilities (RFC 6311 §5), sync and reset
// exchanges judged by `HARules` (RFC 6311 §5.1, §7, §11; docs/reset-extension.md), and ESP/AH
// sequence numbers (RFC 4303 §3.4.3, RFC 6311 §5.2). The result is facts; `IKEv2Report` words them.

/// Judges an HA cluster failover from observed IKE messages and ESP/AH packets.
///
/// Feed observations in capture order, then call `finish()`:
/// ```swift
/// let analyzer = FailoverAnalyzer()
/// for o in observations { analyzer.observe(o) }       // FailoverMessageObservation / FailoverESPObservation
/// let report = analyzer.finish()
/// for sa in report.sas { for a in sa.anomalies { print(a.kind.rawValue, a.frame) } }
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
        /// Whether the timeline keeps routine entries: a request, and a response answering it,
        /// with nothing else to say. When false they are only counted
        /// (`FailoverSAReport.routineEntriesOmitted`), which keeps a live SA small.
        public var routineTimeline = true
        /// Most anomalies kept per SA (all are counted in the summary).
        public var maxAnomaliesPerSA = 256
        /// Most Message IDs remembered per side and direction for retransmission/reuse checks.
        public var maxRecordsPerSide = 512
        /// Most ESP/AH SPIs tracked per SA.
        public var maxESPSPIsPerSA = 32
        /// Most sync plus reset exchanges kept per SA.
        public var maxExchangesPerSA = 32
        /// Most pieces of takeover evidence kept per side of an SA.
        public var maxEvidencePerSide = 64
        /// Most failover events reported per SA.
        public var maxEventsPerSA = 16
        /// A forward ESP/AH sequence step larger than this is a jump (smaller ones are capture loss).
        public var espJumpThreshold: UInt32 = 4096
        /// The fastest one SA plausibly sends (packets per second): after a silence, a forward step
        /// up to this rate times the silence is traffic the capture did not see, not a jump.
        public var maxPacketsPerSecond: UInt64 = 2_000_000
        /// The anti-replay window the capture point plays (RFC 4303 §3.4.3; 64 by default).
        public var replayWindow: UInt64 = 64
        /// Packets the capture may miss between a peer's last ESP before a replay-counter sync and
        /// its first after (RFC 6311 §5.2: the peer adds exactly the delta).
        public var replayDeltaSlack: UInt64 = HARules.defaultReplayDeltaSlack
        /// Evidence within this much capture time belongs to one failover event.
        public var evidenceWindowNanos: Int64 = 30_000_000_000
        /// A new IKE_SA_INIT on the same addresses within this time of a failed recovery replaces it.
        public var reestablishWindowNanos: Int64 = 300_000_000_000
        /// An SA with no packet for this much capture time is retired (its report is final).
        public var idleTimeoutNanos: Int64 = 3_600_000_000_000
        /// Most keys of retired SAs remembered, so that late packets of a retired SA are counted,
        /// not taken for a new SA.
        public var maxRetiredKeys = 4096
        /// Knows the type numbers of the reset extension.
        public var notifyDecoder = NotifyDecoder()
        public init() {}
    }

    /// Called with each SA's final report when it is retired (its IKE SA deleted, rekeyed away
    /// and deleted, or idle past `idleTimeoutNanos`); its state is freed then. When nil, retired
    /// reports are kept and returned by `finish()` with the live ones.
    public var onRetire: ((FailoverSAReport) -> Void)?
    /// Called as soon as something is known, for a streaming (`--follow`) report.
    public var onFinding: ((FailoverStreamFinding) -> Void)? {
        didSet { shared.sink = onFinding }
    }

    typealias SAState = FailoverSAState

    public let options: Options
    let rules: HARules
    /// Options and rules, shared by every SA state.
    let shared: SAState.Shared
    public private(set) var summary = FailoverSummary()
    let table = FailoverLRU<SAKey, SAState>()
    /// IKE_SA_INIT requests carry a zero responder SPI: where the initiator SPI's SA lives.
    var byInitiatorSPI: [UInt64: SAKey] = [:]
    /// Child SA SPIs learnt from SA payloads: SA and the side that sends ESP with that SPI.
    var bySPI: [UInt32: (key: SAKey, sender: IKESide)] = [:]
    /// The most recent IKE SA seen on an unordered address pair.
    var byAddressPair: [AddressPair: SAKey] = [:]
    /// Rekeyed SAs waiting for their successor's first message: new key -> old SA.
    var rekeyedFrom: [SAKey: SAState] = [:]
    var order = 0
    /// The pair `registerPair` wrote last and its SA (a repeat needs no table write).
    var lastPair: (pair: AddressPair, key: SAKey)?
    /// Reports of retired SAs when nobody takes them (`onRetire` nil).
    var retired: [FailoverSAReport] = []
    var retiredKeys = FailoverLRU<SAKey, RetiredMarker>()
    final class RetiredMarker {
        /// Ended by an answered Delete (later packets are stragglers), not by idleness.
        let deleted: Bool
        init(deleted: Bool) { self.deleted = deleted }
    }
    var now: Int64 = 0

    public init(options: Options = Options()) {
        self.options = options
        rules = HARules(decoder: options.notifyDecoder)
        shared = SAState.Shared(options: options, rules: rules)
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

    func state(for m: FailoverMessageObservation) -> SAState {
        let (initiatorSPI, responderSPI) = (m.initiatorSPI, m.responderSPI)
        if responderSPI == 0, let k = byInitiatorSPI[initiatorSPI], let s = table.use(k) {
            return s
        }
        let key = SAKey(i: initiatorSPI, r: responderSPI)
        if let s = table.use(key) {
            return s
        }
        let half = SAKey(i: initiatorSPI, r: 0)
        if responderSPI != 0, let s = table.value(half) {
            // The SA_INIT response names the responder SPI: join the half-open SA to it.
            table.rekey(half, to: key)
            table.touch(key)
            s.key = key
            byInitiatorSPI[initiatorSPI] = key
            return s
        }
        let s = SAState(key: key, shared: shared, order: order)
        order += 1
        summary.sasSeen += 1
        if let (_, old) = table.insert(key, s, capacity: options.maxSAs) {
            evict(old)
        }
        if byInitiatorSPI[initiatorSPI] == nil || responderSPI == 0 { byInitiatorSPI[initiatorSPI] = key }
        link(s, first: m)
        return s
    }

    /// Ties a new SA to its past: the SA it was rekeyed from (its Child SAs and capabilities move
    /// to it, RFC 7296 §2.18), or an SA on the same addresses whose recovery failed (a new
    /// IKE_SA_INIT after a failover, RFC 6311 §5 case 4).
    func link(_ s: SAState, first m: FailoverMessageObservation) {
        let pair = AddressPair(m.source.address, m.destination.address)
        if let old = rekeyedFrom.removeValue(forKey: s.key) {
            s.report.lineage.rekeyedFrom = [old.key.i, old.key.r]
            s.inheritedCaps = old.negotiated
            for (spi, entry) in bySPI where entry.key == old.key {
                bySPI[spi] = (s.key, entry.sender)
                s.learntSPIs.insert(spi)
            }
            for spi in old.espOrder {
                if let t = old.esp.removeValue(forKey: spi) {
                    s.esp[spi] = t
                    s.espOrder.append(spi)
                }
            }
            old.espOrder = []
            s.esnBySPI.merge(old.esnBySPI) { a, _ in a }
            return
        }
        guard let oldKey = byAddressPair[pair], let old = table.value(oldKey), old !== s else { return }
        if m.exchange != .ikeSAInit {
            // An SA that appears without IKE_SA_INIT next to one whose CREATE_CHILD_SA we could not
            // read: possibly its rekey, but without keys the link is unknown.
            if let f = old.hiddenCreateChildFrame { s.report.lineage.rekeyLinkUnknownFrame = f }
            return
        }
        let failed = (old.report.syncs + old.report.resets).contains { !$0.valid } || !(old.evidence.values.allSatisfy { $0.isEmpty })
        if failed, elapsed(old.lastTime, m.timeNanos) <= options.reestablishWindowNanos,
           !(old.report.syncs + old.report.resets).contains(where: \.valid) {
            s.report.lineage.replaces = [old.key.i, old.key.r]
        }
    }

    func evict(_ s: SAState) {
        summary.evictedSAs += 1
        if byInitiatorSPI[s.key.i] == s.key { byInitiatorSPI[s.key.i] = nil }
        for spi in s.learntSPIs where bySPI[spi]?.key == s.key { bySPI[spi] = nil }
        for p in s.pairs.values where byAddressPair[p] == s.key { byAddressPair[p] = nil }
        lastPair = nil
        account(s, evicted: true)
    }

    // MARK: IKE messages

    /// Observes one IKE message (in capture order).
    public func observe(_ m: FailoverMessageObservation) {
        summary.ikeMessages += 1
        advanceClock(m.timeNanos)
        let key = SAKey(i: m.initiatorSPI, r: m.responderSPI)
        if let marker = retiredKeys.value(key) {
            guard !marker.deleted else {
                summary.messagesAfterRetirement += 1
                return
            }
            // Idle past the timeout, then alive again (a capture gap): a new report for the SA,
            // read as a capture that starts in the middle of it.
            _ = retiredKeys.remove(key)
            summary.sasResumed += 1
        }
        let sa = state(for: m)
        sa.seen(m.frame, time: m.timeNanos)
        sa.report.messages += 1
        sa.addresses[m.sender] = m.source.address
        sa.addresses[m.sender.peer] = sa.addresses[m.sender.peer] ?? m.destination.address
        registerPair(sa, m.source.address, m.destination.address)
        sa.trackIdentity(m.sender, flow: .ike(port: m.source.port), m.source, frame: m.frame, time: m.timeNanos)
        sa.observe(m)
        if case .visible(let v) = m.content { learnSPIs(sa, v.childProposals, sentIn: m.sender) }
        if let next = sa.rekeyedInto {
            sa.rekeyedInto = nil
            if rekeyedFrom.count < options.maxSAs { rekeyedFrom[next] = sa }
        }
        if sa.deleted { retire(sa) }
    }

    // MARK: Retirement

    /// Capture time moves on: SAs idle past the timeout are retired, least recently seen first.
    func advanceClock(_ t: Int64) {
        guard t > now else { return }
        now = t
        while let (_, sa) = table.leastRecent, elapsed(sa.lastTime, now) > options.idleTimeoutNanos {
            retire(sa)
        }
    }

    /// Ends one SA: its report is final; its state is freed.
    func retire(_ sa: SAState) {
        guard table.remove(sa.key) != nil else { return }
        if byInitiatorSPI[sa.key.i] == sa.key { byInitiatorSPI[sa.key.i] = nil }
        for spi in sa.learntSPIs where bySPI[spi]?.key == sa.key { bySPI[spi] = nil }
        for p in sa.pairs.values where byAddressPair[p] == sa.key { byAddressPair[p] = nil }
        lastPair = nil
        let report = sa.finish()
        summary.retiredSAs += 1
        account(sa)
        if retiredKeys.value(sa.key) == nil {
            _ = retiredKeys.insert(sa.key, RetiredMarker(deleted: sa.deleted), capacity: options.maxRetiredKeys)
        }
        if let onRetire {
            onRetire(report)
        } else {
            retired.append(report)
        }
        emit(.retired(initiatorSPI: sa.key.i, responderSPI: sa.key.r))
    }

    func account(_ sa: SAState, evicted: Bool = false) {
        summary.timelineEntriesDropped += sa.report.timelineDropped
        summary.anomaliesDropped += sa.report.anomaliesDropped
        if evicted { summary.ikeMessagesInEvictedSAs += sa.report.messages } else { summary.ikeMessagesInSAs += sa.report.messages }
        for (kind, n) in sa.anomalyCounts { summary.anomaliesByKind[kind, default: 0] += n }
    }

    func emit(_ f: FailoverStreamFinding) { onFinding?(f) }

    func learnSPIs(_ sa: SAState, _ proposals: [FailoverChildProposal], sentIn side: IKESide) {
        // RFC 7296 §3.3.1: the SPI in a proposal is the sender's inbound SPI, so ESP with it
        // is sent by the other side.
        for p in proposals where sa.learntSPIs.count < options.maxESPSPIsPerSA || sa.learntSPIs.contains(p.spi) {
            sa.learntSPIs.insert(p.spi)
            bySPI[p.spi] = (sa.key, side.peer)
        }
    }

    func registerPair(_ sa: SAState, _ a: String, _ b: String) {
        let p = AddressPair(a, b)
        // Most messages come from the SA that last registered this very pair.
        if let last = lastPair, last.key == sa.key, last.pair == p { return }
        lastPair = (p, sa.key)
        byAddressPair[p] = sa.key
        sa.pairs.insert(p, keeping: 4)
    }

    // MARK: ESP / AH

    /// Observes one ESP or AH packet (in capture order).
    public func observe(_ e: FailoverESPObservation) {
        summary.espPackets += 1
        advanceClock(e.timeNanos)
        var sa: SAState? = nil
        var sender: IKESide? = nil
        var association = FailoverESPSummary.Association.addressPair
        if let hit = bySPI[e.spi], let s = table.value(hit.key) {
            sa = s
            sender = hit.sender
            association = .saPayload
        } else if let k = byAddressPair[AddressPair(e.source.address, e.destination.address)], let s = table.value(k) {
            sa = s
            if s.addresses[.initiator] == e.source.address {
                sender = .initiator
            } else if s.addresses[.responder] == e.source.address {
                sender = .responder
            }
        }
        guard let sa else {
            summary.unassociatedESPPackets += 1
            return
        }
        table.touch(sa.key)
        sa.seen(e.frame, time: e.timeNanos)
        if let sender {
            sa.trackIdentity(sender, flow: .ipsec(ipProtocol: e.ipProtocol), e.source, frame: e.frame, time: e.timeNanos)
        }
        sa.observeSequence(e, sender: sender, association: association)
    }

    // MARK: Finish

    /// Ends the run: flags unanswered requests, infers the failover events, and returns the
    /// report of the live SAs (ordered by first frame) with the run's summary.
    public func finish() -> FailoverReport {
        var out: [FailoverSAReport] = []
        let s = finishLive(release: false) { out.append($0) }
        let all = (retired + out).sorted { ($0.firstFrame, $0.initiatorSPI) < ($1.firstFrame, $1.initiatorSPI) }
        return FailoverReport(sas: all, summary: s)
    }

    /// Ends the run like `finish()`, but hands each SA still live to `body` as soon as its report
    /// is final (first seen first) and frees it, so that the end of a large run needs no more
    /// memory than its middle. The returned report holds the summary and the reports of SAs
    /// retired earlier that nobody took (`onRetire` nil), not the ones given to `body`.
    public func finish(handing body: (FailoverSAReport) -> Void) -> FailoverReport {
        FailoverReport(sas: retired, summary: finishLive(release: true, body))
    }

    /// Finishes every live SA, first seen first, and hands its report to `body`; with `release`
    /// each state is freed as it goes. Returns the run's summary, leaving the analyzer's own as it
    /// was (the live SAs are accounted in the returned copy only).
    private func finishLive(release: Bool, _ body: (FailoverSAReport) -> Void) -> FailoverSummary {
        let saved = summary
        // Sorted newest first and taken from the end (first seen first), so that with `release`
        // the list lets go of each SA as soon as it is finished.
        var live = table.allValues
        live.sort { $0.order > $1.order }
        let count = live.count
        while let sa = live.popLast() {
            if release { _ = table.remove(sa.key) }
            let report = sa.finish()
            account(sa)
            body(report)
        }
        var s = summary
        summary = saved
        s.liveSAsAtEnd = count
        return s
    }
}
