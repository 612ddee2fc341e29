import IKEv2

// The output of `FailoverAnalyzer`: per IKE SA what happened around a failover and what went
// wrong. Plain values; `IKEv2Report` renders them as text or JSON.

/// A message direction in terms of the original IKE initiator (RFC 7296 §2.2).
public enum FailoverDirection: String, Hashable, Sendable {
    case initiatorToResponder = "initiator-to-responder"
    case responderToInitiator = "responder-to-initiator"

    /// The direction of a message sent by `side`.
    public init(sender side: IKESide) {
        self = side == .initiator ? .initiatorToResponder : .responderToInitiator
    }

    /// The sending side.
    public var sender: IKESide { self == .initiatorToResponder ? .initiator : .responder }
}

/// The kinds of anomaly the analyzer reports. Raw values are the JSON `kind` strings.
public enum FailoverAnomalyKind: String, Hashable, Sendable, CaseIterable {
    /// Same direction and request Message ID as an earlier message, different bytes (RFC 7296 §2.2);
    /// also a second, different response to an answered ID.
    case messageIDReuse = "message-id-reuse"
    /// A new request ID below one the sender already used, not filling a gap (RFC 7296 §2.2).
    case messageIDRegression = "message-id-regression"
    /// A request beyond the window of outstanding requests (RFC 7296 §2.3).
    case outOfWindow = "out-of-window"
    /// A request with no response by the end of the capture (and not abandoned by a sync/reset).
    case unansweredRequest = "unanswered-request"
    /// A response whose request was not seen.
    case responseWithoutRequest = "response-without-request"
    /// A SET_WINDOW_SIZE smaller than before (RFC 7296 §2.3).
    case windowShrink = "window-shrink"
    /// The 32-bit Message ID space is used up (RFC 7296 §2.2).
    case messageIDExhausted = "message-id-exhausted"
    /// IKEV2_MESSAGE_ID_SYNC / IPSEC_REPLAY_COUNTER_SYNC on an SA that did not negotiate it (RFC 6311 §5).
    case syncWithoutSupport = "sync-without-support"
    /// The sync response's nonce is not the request's (RFC 6311 §5.1, §11).
    case syncNonceMismatch = "sync-nonce-mismatch"
    /// M1 ≤ the highest Message ID already seen from the requester (RFC 6311 §5.1, §11).
    case syncReplayed = "sync-replayed"
    /// Any other RFC 6311 rule broken (exchange, Message ID, contents, response maxima, one sync per failover).
    case syncRuleViolation = "sync-rule-violation"
    /// IKEV2_MESSAGE_ID_RESET on an SA that did not negotiate it (`ha-reset.md`).
    case resetWithoutSupport = "reset-without-support"
    /// The reset response's nonce is not the request's (`ha-reset.md`).
    case resetNonceMismatch = "reset-nonce-mismatch"
    /// Any other reset rule broken (contents, values not swapped, base range, one per failover).
    case resetRuleViolation = "reset-rule-violation"
    /// A reset moved a sender's next request ID to or below an ID it already used (`ha-reset.md`).
    case resetReopensMessageIDs = "reset-reopens-message-ids"
    /// An ESP/AH sequence number below the receiver's anti-replay window (RFC 4303 §3.4.3): the
    /// sender reused or restarted its counter. Reordering inside the window is not one.
    case espSequenceRegression = "esp-sequence-regression"
    /// An ESP/AH sequence number seen before on that SPI, inside the window (RFC 4303 §3.4.3: the
    /// receiver drops it as a duplicate; a network or capture duplicate, not a counter restart).
    case espDuplicate = "esp-duplicate"
    /// A sync request answered with no IKEV2_MESSAGE_ID_SYNC (empty or error response), or not
    /// answered at all: the peer does not support RFC 6311 sync (RFC 6311 §5, §5.1).
    case syncNotSupportedByPeer = "sync-not-supported-by-peer"
    /// A forward ESP sequence jump that RFC 6311 §5.2 does not explain.
    case espUnexplainedJump = "esp-unexplained-jump"
    /// SK present but no key for this IKE SA (reported once per SA).
    case keysMissing = "keys-missing"
    /// Keys present but SK content did not decrypt/authenticate (reported once per SA).
    case decryptionFailed = "decryption-failed"
}

/// One anomaly.
public struct FailoverAnomaly: Hashable, Sendable {
    public var kind: FailoverAnomalyKind
    public var frame: Int
    /// The Message ID concerned (nil for ESP anomalies).
    public var messageID: UInt32?
    public var direction: FailoverDirection?
    public var detail: String

    public init(kind: FailoverAnomalyKind, frame: Int, messageID: UInt32?, direction: FailoverDirection?, detail: String) {
        self.kind = kind
        self.frame = frame
        self.messageID = messageID
        self.direction = direction
        self.detail = detail
    }
}

/// One line of an SA's timeline.
public struct FailoverTimelineEntry: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case request
        case response
        case retransmittedRequest = "retransmitted-request"
        case retransmittedResponse = "retransmitted-response"
        /// Request IDs were skipped before this request.
        case gap
        case syncRequest = "sync-request"
        case syncResponse = "sync-response"
        case resetRequest = "reset-request"
        case resetResponse = "reset-response"
        /// A Message ID 0 INFORMATIONAL whose content is not visible (could be a sync or reset).
        case messageIDZero = "message-id-zero"
        /// A request beyond the default window while the window size is unknown: SET_WINDOW_SIZE
        /// travels inside SK payloads that could not be read (RFC 7296 §2.3).
        case windowUnknown = "window-unknown"
        /// A side's counters were moved by an accepted sync or reset.
        case rebase
        /// The takeover point.
        case takeover
        /// A later change of a side's link/IP identity.
        case identityChange = "identity-change"
        /// An ESP sequence jump (explained or not).
        case espJump = "esp-jump"
        /// An ESP sequence regression.
        case espRegression = "esp-regression"
    }

    public var frame: Int
    public var timeNanos: Int64
    public var kind: Kind
    public var direction: FailoverDirection?
    public var messageID: UInt32?
    /// The exchange name, e.g. `INFORMATIONAL`.
    public var exchange: String?
    public var note: String

    public init(frame: Int, timeNanos: Int64, kind: Kind, direction: FailoverDirection?, messageID: UInt32?,
                exchange: String?, note: String) {
        self.frame = frame
        self.timeNanos = timeNanos
        self.kind = kind
        self.direction = direction
        self.messageID = messageID
        self.exchange = exchange
        self.note = note
    }
}

/// The takeover point of an SA: where the gateway side changed identity, or the first
/// sync/reset request, whichever comes first.
public struct FailoverTakeover: Hashable, Sendable {
    public var frame: Int
    /// The side that took over (the cluster side).
    public var side: IKESide
    public var reason: String
    public init(frame: Int, side: IKESide, reason: String) {
        self.frame = frame
        self.side = side
        self.reason = reason
    }
}

/// (send, recv) values of an IKEV2_MESSAGE_ID_SYNC or IKEV2_MESSAGE_ID_RESET notify, from the
/// point of view of its sender (RFC 6311 §6.3).
public struct FailoverCounterValues: Hashable, Sendable {
    public var send: UInt32
    public var recv: UInt32
    public init(send: UInt32, recv: UInt32) {
        self.send = send
        self.recv = recv
    }
}

/// One RFC 6311 Message ID sync exchange (or a reset exchange, `ha-reset.md`).
public struct FailoverCounterExchange: Hashable, Sendable {
    public var requestFrame: Int
    public var responseFrame: Int?
    /// The side that sent the request (the cluster side).
    public var requester: IKESide
    public var nonce: UInt32
    /// (M1, P1) for a sync; (R1, Q1) for a reset.
    public var request: FailoverCounterValues
    /// (P2, M2) for a sync; the swapped values for a reset; nil without (readable) response.
    public var response: FailoverCounterValues?
    public var nonceEchoed: Bool?
    /// Sync: P2 ≥ max(P1, peer's highest seen request + 1), M2 ≥ max(M1, requester's highest + 1)
    /// (RFC 6311 §5.1). Reset: the values are the request's swapped.
    public var obeysRules: Bool?
    /// Whether the first later request of the requester / of the peer used the new values.
    public var requesterUsesNewValues: Bool?
    public var peerUsesNewValues: Bool?
    /// IPSEC_REPLAY_COUNTER_SYNC delta in the request (sync only).
    public var replayDelta: UInt64?
    /// Reset only: the peer answered with an empty response (refusal).
    public var refused: Bool
    public var valid: Bool
    public var problems: [String]

    public init(requestFrame: Int, requester: IKESide, nonce: UInt32, request: FailoverCounterValues) {
        self.requestFrame = requestFrame
        self.requester = requester
        self.nonce = nonce
        self.request = request
        self.responseFrame = nil
        self.response = nil
        self.nonceEchoed = nil
        self.obeysRules = nil
        self.requesterUsesNewValues = nil
        self.peerUsesNewValues = nil
        self.replayDelta = nil
        self.refused = false
        self.valid = false
        self.problems = []
    }
}

/// How an ESP jump was explained.
public enum FailoverESPJumpExplanation: String, Hashable, Sendable {
    /// The cluster's own forward jump after takeover (RFC 6311 §5.2).
    case clusterForwardJump = "cluster-forward-jump"
    /// The peer advanced by exactly the IPSEC_REPLAY_COUNTER_SYNC delta (RFC 6311 §5.2, §6.4).
    case peerReplayCounterDelta = "peer-replay-counter-delta"
    /// Possibly a replay-counter sync that is not visible without keys.
    case unverifiedNeedsKeys = "unverified-needs-keys"
    /// Not explained: an anomaly.
    case unexplained
}

/// A forward jump in an ESP SPI's sequence numbers.
public struct FailoverESPJump: Hashable, Sendable {
    public var frame: Int
    public var from: UInt32
    public var to: UInt32
    public var explanation: FailoverESPJumpExplanation
    public init(frame: Int, from: UInt32, to: UInt32, explanation: FailoverESPJumpExplanation) {
        self.frame = frame
        self.from = from
        self.to = to
        self.explanation = explanation
    }
}

/// The sequence numbers of one ESP SPI of an SA.
public struct FailoverESPSummary: Hashable, Sendable {
    /// How the SPI was tied to the IKE SA.
    public enum Association: String, Hashable, Sendable {
        /// From a decrypted SA payload (RFC 7296 §3.3.1).
        case saPayload = "sa-payload"
        /// By the IP address pair of the IKE SA (no keys).
        case addressPair = "address-pair"
    }

    public var spi: UInt32
    /// The sending side, when known.
    public var direction: FailoverDirection?
    public var association: Association
    public var packets: Int
    public var firstFrame: Int
    /// Before the takeover (or all packets when there is none).
    public var firstSequenceBefore: UInt32?
    public var lastSequenceBefore: UInt32?
    public var lastFrameBefore: Int?
    /// At or after the takeover.
    public var firstSequenceAfter: UInt32?
    public var firstFrameAfter: Int?
    public var lastSequenceAfter: UInt32?
    public var jumps: [FailoverESPJump]
    public var regressions: Int

    public init(spi: UInt32, direction: FailoverDirection?, association: Association, firstFrame: Int) {
        self.spi = spi
        self.direction = direction
        self.association = association
        self.packets = 0
        self.firstFrame = firstFrame
        self.jumps = []
        self.regressions = 0
    }
}

/// The analysis of one IKE SA.
public struct FailoverSAReport: Hashable, Sendable {
    public var initiatorSPI: UInt64
    public var responderSPI: UInt64
    public var firstFrame: Int
    public var lastFrame: Int
    public var messages: Int
    /// Negotiated HA capabilities; nil when unknown (IKE_AUTH not seen or not decrypted).
    public var capabilities: Set<HACapability>?
    /// Why capabilities are unknown (nil when known).
    public var capabilitiesUnknownReason: String?
    public var takeover: FailoverTakeover?
    public var syncs: [FailoverCounterExchange]
    public var resets: [FailoverCounterExchange]
    public var esp: [FailoverESPSummary]
    public var anomalies: [FailoverAnomaly]
    public var timeline: [FailoverTimelineEntry]
    /// Entries not kept because of the per-SA bounds.
    public var timelineDropped: Int
    public var anomaliesDropped: Int
    /// Whether some SK content of this SA was not visible (keys missing or undecryptable).
    public var contentHidden: Bool
    /// Next request IDs at the end of the capture, per side.
    public var nextRequestID: [IKESide: UInt32]
    /// A one-paragraph verdict.
    public var verdict: String

    public init(initiatorSPI: UInt64, responderSPI: UInt64) {
        self.initiatorSPI = initiatorSPI
        self.responderSPI = responderSPI
        firstFrame = 0
        lastFrame = 0
        messages = 0
        capabilities = nil
        capabilitiesUnknownReason = nil
        takeover = nil
        syncs = []
        resets = []
        esp = []
        anomalies = []
        timeline = []
        timelineDropped = 0
        anomaliesDropped = 0
        contentHidden = false
        nextRequestID = [:]
        verdict = ""
    }
}

/// Totals and bounds of a run.
public struct FailoverSummary: Hashable, Sendable {
    public var ikeMessages = 0
    public var espPackets = 0
    /// IKE SAs ever tracked (including evicted ones).
    public var sasSeen = 0
    /// Anomalies per kind over all SAs (evicted SAs included).
    public var anomaliesByKind: [FailoverAnomalyKind: Int] = [:]
    /// ESP packets that could not be tied to any IKE SA.
    public var unassociatedESPPackets = 0
    /// The bound on live SAs.
    public var maxSAs = 0
    /// SAs evicted (least recently seen first) to stay within `maxSAs`.
    public var evictedSAs = 0
    public var maxTimelineEntriesPerSA = 0
    public var maxAnomaliesPerSA = 0
    public var timelineEntriesDropped = 0
    public var anomaliesDropped = 0
    public init() {}

    public var totalAnomalies: Int { anomaliesByKind.values.reduce(0, +) }
}

/// The result of a run.
public struct FailoverReport: Hashable, Sendable {
    /// Live SAs, ordered by first frame.
    public var sas: [FailoverSAReport]
    public var summary: FailoverSummary
    public init(sas: [FailoverSAReport], summary: FailoverSummary) {
        self.sas = sas
        self.summary = summary
    }
}

extension HACapability {
    /// The name used in reports: `message-id-sync` (16420), `replay-counter-sync` (16421),
    /// `message-id-reset` (private use, `ha-reset.md`).
    public var reportName: String {
        switch self {
        case .messageIDSync: "message-id-sync"
        case .replayCounterSync: "replay-counter-sync"
        case .messageIDReset: "message-id-reset"
        }
    }
}
