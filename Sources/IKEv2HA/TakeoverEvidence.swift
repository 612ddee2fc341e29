// A takeover is an inference, not an observation: the capture shows hints that another box now
// speaks for one side of the IKE SA (RFC 6027 §2, RFC 6311 §7). Each hint is recorded with its
// weight; one strong hint, or two weak hints of different kinds close together, make a failover
// event. One weak hint alone never does (ECMP paths differ in TTL, IKE and ESP have separate IP ID
// counters on Linux, packets get reordered, capture loss makes sequence gaps).

/// The flow a packet belongs to for identity tracking: IP ID counters and paths are per flow.
enum PacketFlow: Hashable, Sendable {
    /// IKE over UDP (or TCP) from this source port.
    case ike(port: UInt16)
    /// ESP (in IP or UDP-encapsulated) or AH traffic.
    case ipsec(ipProtocol: UInt8)
}

/// One hint that a side of the IKE SA changed hands.
public struct TakeoverEvidence: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Another source MAC inside one flow (a non-VRRP cluster member).
        case newMAC(old: UInt64, new: UInt64)
        /// Another IPv4 TTL / IPv6 Hop Limit inside one flow, not seen before on it.
        case ttlChange(old: UInt8, new: UInt8)
        /// The IPv4 Identification of one flow continues from a new value (confirmed by the next
        /// packet of that flow, so one reordered packet does not count).
        case ipIDDiscontinuity(old: UInt32, new: UInt32)
        /// A visible, protected sync or reset request at Message ID 0 (RFC 6311 §5.1).
        case counterRequest(CounterExchangeKind, frame: Int)
        /// IPSEC_REPLAY_COUNTER_SYNC from this side (RFC 6311 §5.2).
        case replayCounterRequest
        /// A forward jump of this side's outbound ESP/AH sequence numbers (RFC 6311 §5.2).
        case sequenceJump(spi: UInt32, from: UInt64, to: UInt64)
        /// A Message ID 0 INFORMATIONAL request whose content is hidden (no keys), from a side
        /// that already used Message ID 0 for a request: a sync or reset, unverified.
        case hiddenMessageIDZero
    }

    public var kind: Kind
    public var frame: Int
    public var timeNanos: Int64

    public init(kind: Kind, frame: Int, timeNanos: Int64) {
        self.kind = kind
        self.frame = frame
        self.timeNanos = timeNanos
    }

    /// Strong hints make a failover event alone.
    public var isStrong: Bool {
        switch kind {
        case .newMAC, .counterRequest, .replayCounterRequest: true
        case .ttlChange, .ipIDDiscontinuity, .sequenceJump, .hiddenMessageIDZero: false
        }
    }

    /// Hints of the same class do not corroborate each other.
    var corroborationClass: Int {
        switch kind {
        case .newMAC: 0
        case .ttlChange: 1
        case .ipIDDiscontinuity: 2
        case .counterRequest, .replayCounterRequest: 3
        case .sequenceJump: 4
        case .hiddenMessageIDZero: 5
        }
    }
}

/// The link and IP identity of one side, per flow, turned into evidence.
struct IdentityTracker {
    struct FlowState {
        // Ordered so that the small fields, the flow among them, share words (40 bytes a flow).
        var mac: UInt64?
        var ttl: UInt8?
        var firstTTL: UInt8?
        let flow: PacketFlow
        var lastIPID: UInt32?
        /// Sequential IP ID steps in a row (capped at 1,000).
        var sequentialRun: Int16 = 0
        /// What few flows ever need, out of line (nil while both are empty).
        private var rare: Rare?

        init(flow: PacketFlow) { self.flow = flow }

        /// The first TTL seen on the flow and the other ones since (at most `maxTTLs` in all):
        /// a TTL seen before is a path coming back, not a new box.
        var laterTTLs: [UInt8] {
            get { rare?.laterTTLs ?? [] }
            set { rare = Rare.unlessEmpty(laterTTLs: newValue, pendingBreak: pendingBreak) }
        }
        /// A break waiting for the next packet of the flow to confirm it.
        var pendingBreak: (old: UInt32, new: UInt32, frame: Int, time: Int64)? {
            get { rare?.pendingBreak }
            set { rare = Rare.unlessEmpty(laterTTLs: laterTTLs, pendingBreak: newValue) }
        }

        func hasSeen(ttl t: UInt8) -> Bool { firstTTL == t || laterTTLs.contains(t) }

        mutating func remember(ttl t: UInt8) {
            if firstTTL == nil { firstTTL = t } else if !hasSeen(ttl: t), laterTTLs.count < IdentityTracker.maxTTLs - 1 {
                laterTTLs.append(t)
            }
        }

        /// Immutable, so that copies of a flow state never share a change: a change makes a new one.
        final class Rare {
            let laterTTLs: [UInt8]
            let pendingBreak: (old: UInt32, new: UInt32, frame: Int, time: Int64)?

            private init(laterTTLs: [UInt8], pendingBreak: (old: UInt32, new: UInt32, frame: Int, time: Int64)?) {
                self.laterTTLs = laterTTLs
                self.pendingBreak = pendingBreak
            }

            static func unlessEmpty(laterTTLs: [UInt8], pendingBreak: (old: UInt32, new: UInt32, frame: Int, time: Int64)?) -> Rare? {
                laterTTLs.isEmpty && pendingBreak == nil ? nil : Rare(laterTTLs: laterTTLs, pendingBreak: pendingBreak)
            }
        }
    }

    /// Most flows tracked per side.
    static let maxFlows = 8
    /// Most distinct TTLs remembered per flow.
    static let maxTTLs = 8
    /// A sequential IP ID step (per-flow counters may be shared with a few other flows).
    static let maxSequentialStep: UInt32 = 1024

    /// At most `maxFlows`, searched linearly (an SA has two or three: IKE on 500, on 4500, ESP).
    var flows: [FlowState] = []

    /// Updates with one packet of `flow`; returns the evidence it shows.
    mutating func update(flow: PacketFlow, mac: UInt64?, ttl: UInt8?, ipID: UInt32?, frame: Int,
                         time: Int64) -> [TakeoverEvidence] {
        let index: Int
        if let i = flows.firstIndex(where: { $0.flow == flow }) {
            index = i
        } else if flows.count < Self.maxFlows {
            flows.append(FlowState(flow: flow))
            index = flows.count - 1
        } else {
            return []
        }
        var st = flows[index]
        var out: [TakeoverEvidence] = []
        if let new = mac {
            // Any change of MAC inside a flow is evidence, also back to one seen before (a
            // failback shows as a change too).
            if let old = st.mac, old != new {
                out.append(TakeoverEvidence(kind: .newMAC(old: old, new: new), frame: frame, timeNanos: time))
            }
            st.mac = new
        }
        if let new = ttl {
            if let old = st.ttl, old != new, !st.hasSeen(ttl: new) {
                out.append(TakeoverEvidence(kind: .ttlChange(old: old, new: new), frame: frame, timeNanos: time))
            }
            st.ttl = new
            st.remember(ttl: new)
        }
        if let new = ipID {
            if let p = st.pendingBreak {
                st.pendingBreak = nil
                let fromNew = (new &- p.new) & 0xffff
                let fromOld = (new &- p.old) & 0xffff
                if fromOld >= 1 && fromOld <= Self.maxSequentialStep {
                    // The old counter goes on: the break was one stray (reordered) packet.
                    st.lastIPID = new
                    st.sequentialRun = min(st.sequentialRun + 1, 1_000)
                } else if fromNew >= 1 && fromNew <= Self.maxSequentialStep {
                    out.append(TakeoverEvidence(kind: .ipIDDiscontinuity(old: p.old, new: p.new), frame: p.frame,
                                                timeNanos: p.time))
                    st.lastIPID = new
                    st.sequentialRun = 1
                } else {
                    st.lastIPID = new
                    st.sequentialRun = 0
                }
            } else if let old = st.lastIPID {
                let step = (new &- old) & 0xffff
                if step >= 1 && step <= Self.maxSequentialStep {
                    st.sequentialRun = min(st.sequentialRun + 1, 1_000)
                    st.lastIPID = new
                } else if st.sequentialRun >= 3 {
                    st.pendingBreak = (old, new, frame, time)
                } else {
                    st.sequentialRun = 0
                    st.lastIPID = new
                }
            } else {
                st.lastIPID = new
            }
        }
        flows[index] = st
        return out
    }
}

/// One failover event of one side, inferred from evidence.
struct FailoverEpoch: Hashable, Sendable {
    /// The side that changed hands (the cluster side).
    var side: IKESide
    /// Where the takeover is placed: the first frame of its evidence.
    var frame: Int
    var timeNanos: Int64
    /// The evidence, in capture order.
    var evidence: [TakeoverEvidence]
}

/// Groups evidence into failover events (RFC 6311 §7: "one synchronization per failover event").
struct TakeoverInference: Hashable, Sendable {
    /// Evidence of one side within this time of an event's last evidence belongs to it.
    var attachWindowNanos: Int64 = 30_000_000_000
    /// Two weak hints corroborate each other within this time.
    var corroborationWindowNanos: Int64 = 30_000_000_000

    init() {}

    /// The failover events in `evidence` (any order of sides; capture order within a side).
    func epochs(_ evidence: [TakeoverEvidence], side: IKESide) -> [FailoverEpoch] {
        var epochs: [FailoverEpoch] = []
        var pending: [TakeoverEvidence] = []
        var joinedFrame: Int? = nil
        for e in evidence.sorted(by: { $0.frame < $1.frame }) {
            // Hints of one packet stay together.
            if let last = epochs.last, joinedFrame == e.frame || joins(e, last, freshHints: !pending.isEmpty) {
                epochs[epochs.count - 1].evidence.append(e)
                joinedFrame = e.frame
                continue
            }
            joinedFrame = nil
            if e.isStrong {
                // Weak hints just before belong to this event, and so does the last sequence jump
                // of each SPI since the last event, however early: a lazy sync explains it later
                // (RFC 6311 §7); the takeover is placed at it.
                var lastJump: [UInt32: Int] = [:]
                for (i, p) in pending.enumerated() {
                    if case .sequenceJump(let spi, _, _) = p.kind { lastJump[spi] = i }
                }
                let earlier = pending.enumerated().filter { i, p in
                    if case .sequenceJump(let spi, _, _) = p.kind { return lastJump[spi] == i }
                    return elapsed(p.timeNanos, e.timeNanos) <= corroborationWindowNanos
                }.map(\.element)
                let all = earlier + [e]
                epochs.append(FailoverEpoch(side: side, frame: all[0].frame, timeNanos: all[0].timeNanos, evidence: all))
                pending = []
                joinedFrame = e.frame
                continue
            }
            pending.append(e)
            let recent = pending.filter { elapsed($0.timeNanos, e.timeNanos) <= corroborationWindowNanos }
            if Set(recent.map(\.corroborationClass)).count >= 2 {
                epochs.append(FailoverEpoch(side: side, frame: recent[0].frame, timeNanos: recent[0].timeNanos,
                                            evidence: recent))
                pending = []
            }
        }
        return epochs
    }

    /// Whether `e` adds to the ongoing event `epoch` rather than starting another one.
    /// `freshHints`: weak hints arrived since the event's last evidence and are still pending.
    func joins(_ e: TakeoverEvidence, _ epoch: FailoverEpoch, freshHints: Bool) -> Bool {
        guard let last = epoch.evidence.last else { return false }
        let recent = elapsed(last.timeNanos, e.timeNanos) <= attachWindowNanos
        func has(_ match: (TakeoverEvidence.Kind) -> Bool) -> Bool { epoch.evidence.contains { match($0.kind) } }
        switch e.kind {
        case .counterRequest(let k, _):
            // A counter request belongs to the ongoing event, however late (a lazy sync, RFC 6311
            // §7), unless the event already has one of this kind and new hints came since: then
            // it is the next failover. A repeat without new hints is a second one in one event.
            let hasSame = has { if case .counterRequest(k, _) = $0 { true } else { false } }
            return !hasSame || !freshHints
        case .replayCounterRequest:
            let hasSame = has { if case .replayCounterRequest = $0 { true } else { false } }
            return !hasSame || !freshHints
        case .newMAC(_, let mac):
            // The same new box seen in another flow is the same event, however late.
            if has({ if case .newMAC(_, mac) = $0 { true } else { false } }) { return true }
            return recent && !has { if case .newMAC = $0 { true } else { false } }
        case .ttlChange(_, let ttl):
            if has({ if case .ttlChange(_, ttl) = $0 { true } else { false } }) { return true }
            return recent
        default:
            return recent
        }
    }
}

/// `to - from` in capture nanoseconds, saturating (timestamps of adversarial captures are arbitrary).
func elapsed(_ from: Int64, _ to: Int64) -> Int64 {
    let (d, overflow) = to.subtractingReportingOverflow(from)
    guard !overflow else { return to > from ? Int64.max : Int64.min }
    return d
}
