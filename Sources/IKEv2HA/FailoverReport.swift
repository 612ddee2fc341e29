import IKEv2

// The output of `FailoverAnalyzer`: per IKE SA what happened around a failover and what went
// wrong, as facts (kinds, frames, values). No English here: `IKEv2Report` words the facts and
// writes the verdict.

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
    /// IKEV2_MESSAGE_ID_RESET on an SA that did not negotiate it (docs/reset-extension.md §2).
    case resetWithoutSupport = "reset-without-support"
    /// The reset response's nonce is not the request's (docs/reset-extension.md §2).
    case resetNonceMismatch = "reset-nonce-mismatch"
    /// Any other reset rule broken (contents, values not swapped, base range, one per failover).
    case resetRuleViolation = "reset-rule-violation"
    /// A reset moved a sender's next request ID to or below an ID it already used (docs/reset-extension.md §2).
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

/// What an anomaly or a timeline entry is about, with its values.
///
/// The cases with large values are `indirect` (boxed): they are rare, and the common ones stay
/// inline, so an anomaly takes 48 bytes, not 64.
public enum FailoverFact: Hashable, Sendable {
    /// A request Message ID used again with other bytes (RFC 7296 §2.2).
    case messageIDReuse(firstFrame: Int)
    /// A second, different response to an answered request.
    case conflictingResponse(firstFrame: Int)
    /// A new request ID below one the sender already used.
    case regression(highestUsed: UInt32)
    /// A request while `lowestOutstanding` is unanswered and the window is `window` (RFC 7296 §2.3).
    case outOfWindow(lowestOutstanding: UInt32, window: UInt32)
    /// The same, while the window is not known (SET_WINDOW_SIZE may be hidden or before the capture).
    case windowUnknown(lowestOutstanding: UInt32, window: UInt32)
    case unmatchedResponse
    case windowShrink(from: UInt32, to: UInt32)
    case messageIDExhausted
    /// A request of `side` with no response by the end of the capture.
    case unanswered(IKESide)
    case keysMissing
    case decryptionFailed(String)
    /// A rule of RFC 6311 or of the reset extension.
    indirect case rule(HAFinding)
    /// A sequence number below the anti-replay window (RFC 4303 §3.4.3).
    indirect case sequenceBelowWindow(spi: UInt32, sequence: UInt64, highest: UInt64, window: UInt64)
    /// A sequence number seen before, inside the window, with the same bytes.
    case sequenceDuplicate(spi: UInt32, sequence: UInt64)
    /// A sequence number seen before, inside the window, with other bytes: the sender reused it.
    indirect case sequenceReused(spi: UInt32, sequence: UInt64, firstFrame: Int)
    /// A forward sequence jump and how it is explained.
    indirect case sequenceJump(spi: UInt32, from: UInt64, to: UInt64, explanation: FailoverESPJumpExplanation)
}

/// One anomaly.
public struct FailoverAnomaly: Hashable, Sendable {
    public var kind: FailoverAnomalyKind
    public var frame: Int
    /// The Message ID concerned (nil for ESP anomalies).
    public var messageID: UInt32?
    public var direction: FailoverDirection?
    public var fact: FailoverFact

    public init(kind: FailoverAnomalyKind, frame: Int, messageID: UInt32?, direction: FailoverDirection?, fact: FailoverFact) {
        self.kind = kind
        self.frame = frame
        self.messageID = messageID
        self.direction = direction
        self.fact = fact
    }
}

/// The facts behind a timeline entry.
///
/// The cases with large values are `indirect` (boxed): they are rare, and the common ones stay
/// inline, so a timeline entry takes 48 bytes, not 72.
public enum FailoverTimelineDetail: Hashable, Sendable {
    case none
    /// A request carrying IPSEC_REPLAY_COUNTER_SYNC alone (RFC 6311 §5 case 2).
    case replayDelta(UInt64)
    case answers(requestFrame: Int)
    /// Identical bytes to an earlier frame (RFC 7296 §2.1).
    case repeats(originalFrame: Int)
    /// Same Message ID, other bytes that cannot decide (fragments without keys, RFC 7383 §2.5.3).
    case unverifiedRepeat(originalFrame: Int)
    case retriedInitialExchange(previousFrame: Int)
    case skipped(expected: UInt32)
    case windowChanged(side: IKESide, from: UInt32, to: UInt32)
    case windowUnknown(lowestOutstanding: UInt32, window: UInt32)
    /// A Message ID 0 INFORMATIONAL whose content is hidden.
    case hiddenMessageIDZero
    indirect case counterRequest(CounterExchangeKind, MessageIDSyncData, replayDelta: UInt64?)
    indirect case counterResponse(CounterExchangeKind, MessageIDSyncData, nonceEchoed: Bool)
    case counterRefused(CounterExchangeKind, PeerRefusal)
    /// A side's next request ID moved by an accepted exchange.
    case rebase(side: IKESide, from: UInt32, to: UInt32)
    /// A failover event and its evidence.
    case takeover([TakeoverEvidence])
    /// A message from before the capture started (the capture began mid-SA).
    case history
    /// Unanswered, but a later hidden Message ID 0 request (at `byFrame`) may be a sync or reset
    /// that abandoned it (RFC 6311 §9).
    case possiblyAbandoned(byFrame: Int)
    /// A CREATE_CHILD_SA that rekeys this IKE SA into the new SPIs (RFC 7296 §1.3.2).
    indirect case rekey(initiatorSPI: UInt64, responderSPI: UInt64)
    indirect case fact(FailoverFact)
}

/// One line of an SA's timeline.
public struct FailoverTimelineEntry: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case request
        case response
        case retransmittedRequest = "retransmitted-request"
        case retransmittedResponse = "retransmitted-response"
        /// Same Message ID and other bytes that cannot be compared: retransmission or reuse, unverified.
        case unverifiedRetransmission = "unverified-retransmission"
        /// Request IDs were skipped before this request.
        case gap
        case syncRequest = "sync-request"
        case syncResponse = "sync-response"
        case resetRequest = "reset-request"
        case resetResponse = "reset-response"
        /// A Message ID 0 INFORMATIONAL whose content is not visible (could be a sync or reset).
        case messageIDZero = "message-id-zero"
        /// A request beyond the default window while the window size is unknown (RFC 7296 §2.3).
        case windowUnknown = "window-unknown"
        /// A side's counters were moved by an accepted sync or reset.
        case rebase
        /// A failover event (takeover point).
        case takeover
        /// A later failover event of the same SA (kept for the JSON vocabulary).
        case identityChange = "identity-change"
        /// An ESP/AH sequence jump (explained or not).
        case espJump = "esp-jump"
        /// An ESP/AH sequence regression below the window.
        case espRegression = "esp-regression"
        /// An ESP/AH duplicate inside the window.
        case espDuplicate = "esp-duplicate"
        /// A message from before the capture began.
        case history
        /// The IKE SA is rekeyed (RFC 7296 §1.3.2).
        case rekey
        /// A request without a response that a hidden Message ID 0 exchange may have abandoned.
        case unansweredUnverified = "unanswered-unverified"
    }

    public var frame: Int
    public var timeNanos: Int64
    public var kind: Kind
    public var direction: FailoverDirection?
    public var messageID: UInt32?
    /// The exchange type, for IKE messages.
    public var exchange: ExchangeType?
    public var detail: FailoverTimelineDetail

    /// A plain request, or the response answering one, with nothing else to say.
    public var isRoutine: Bool {
        switch (kind, detail) {
        case (.request, .none), (.response, .none), (.response, .answers): true
        default: false
        }
    }

    public init(frame: Int, timeNanos: Int64, kind: Kind, direction: FailoverDirection?, messageID: UInt32?,
                exchange: ExchangeType?, detail: FailoverTimelineDetail) {
        self.frame = frame
        self.timeNanos = timeNanos
        self.kind = kind
        self.direction = direction
        self.messageID = messageID
        self.exchange = exchange
        self.detail = detail
    }
}

/// The takeover point of an SA: its first failover event.
public struct FailoverTakeover: Hashable, Sendable {
    public var frame: Int
    /// The side that took over (the cluster side).
    public var side: IKESide
    /// What shows it, in capture order.
    public var evidence: [TakeoverEvidence]
    public init(frame: Int, side: IKESide, evidence: [TakeoverEvidence]) {
        self.frame = frame
        self.side = side
        self.evidence = evidence
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

/// One counter exchange: an RFC 6311 Message ID sync or a reset (docs/reset-extension.md).
public struct FailoverCounterExchange: Hashable, Sendable {
    public var kind: CounterExchangeKind
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
    /// Sync: the RFC 6311 §5.1 maxima hold; reset: the values are the request's swapped.
    public var obeysRules: Bool?
    /// Whether the first later request of the requester / of the peer used the agreed values.
    public var requesterUsesNewValues: Bool?
    public var peerUsesNewValues: Bool?
    /// IPSEC_REPLAY_COUNTER_SYNC delta in the request (sync only).
    public var replayDelta: UInt64?
    /// How the peer showed that it does not support (or refuses) the exchange.
    public var refusal: PeerRefusal?
    /// Reset only: the peer answered with an empty response (the extension's refusal).
    public var refused: Bool { kind == .reset && refusal != nil }
    /// The failover event (index into `FailoverSAReport.events`) it belongs to.
    public var event: Int?
    /// The exchange moved both sides' counters (answered, nonce echoed, placed to act).
    public var valid: Bool
    /// The rules it broke.
    public var problems: [HAFinding]

    public init(kind: CounterExchangeKind, requestFrame: Int, requester: IKESide, nonce: UInt32,
                request: FailoverCounterValues) {
        self.kind = kind
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
        self.refusal = nil
        self.event = nil
        self.valid = false
        self.problems = []
    }
}

/// How an ESP/AH jump was explained.
public enum FailoverESPJumpExplanation: String, Hashable, Sendable {
    /// The cluster's own forward jump after takeover (RFC 6311 §5.2).
    case clusterForwardJump = "cluster-forward-jump"
    /// The peer advanced by the IPSEC_REPLAY_COUNTER_SYNC delta (RFC 6311 §5.2, §6.4).
    case peerReplayCounterDelta = "peer-replay-counter-delta"
    /// Possibly a replay-counter sync or takeover that is not visible without keys.
    case unverifiedNeedsKeys = "unverified-needs-keys"
    /// Not explained: an anomaly.
    case unexplained
}

/// A forward jump in an SPI's sequence numbers.
public struct FailoverESPJump: Hashable, Sendable {
    public var frame: Int
    public var from: UInt64
    public var to: UInt64
    public var explanation: FailoverESPJumpExplanation
    /// The failover event that explains it (cluster jump) or the sync request frame (delta).
    public var explainedBy: Int?
    public init(frame: Int, from: UInt64, to: UInt64, explanation: FailoverESPJumpExplanation, explainedBy: Int? = nil) {
        self.frame = frame
        self.from = from
        self.to = to
        self.explanation = explanation
        self.explainedBy = explainedBy
    }
}

/// The sequence numbers of one ESP or AH SPI of an SA.
public struct FailoverESPSummary: Hashable, Sendable {
    /// How the SPI was tied to the IKE SA.
    public enum Association: String, Hashable, Sendable {
        /// From a decrypted SA payload (RFC 7296 §3.3.1).
        case saPayload = "sa-payload"
        /// By the IP address pair of the IKE SA (no keys).
        case addressPair = "address-pair"
    }

    public var spi: UInt32
    /// ESP (50) or AH (51).
    public var ipProtocol: UInt8
    /// The sending side, when known.
    public var direction: FailoverDirection?
    public var association: Association
    /// ESN as negotiated in the Child SA's transforms; nil when not seen.
    public var extendedSequenceNumbers: Bool?
    public var packets: Int
    public var firstFrame: Int
    /// Before the takeover (or all packets when there is none).
    public var firstSequenceBefore: UInt64?
    public var lastSequenceBefore: UInt64?
    public var lastFrameBefore: Int?
    /// At or after the takeover.
    public var firstSequenceAfter: UInt64?
    public var firstFrameAfter: Int?
    public var lastSequenceAfter: UInt64?
    public var jumps: [FailoverESPJump]
    /// Packets below the anti-replay window.
    public var regressions: Int
    /// Packets seen twice inside the window.
    public var duplicates: Int
    /// Packets that arrived out of order inside the window.
    public var reordered: Int

    public init(spi: UInt32, ipProtocol: UInt8 = 50, direction: FailoverDirection?, association: Association, firstFrame: Int) {
        self.spi = spi
        self.ipProtocol = ipProtocol
        self.direction = direction
        self.association = association
        self.packets = 0
        self.firstFrame = firstFrame
        self.jumps = []
        self.regressions = 0
        self.duplicates = 0
        self.reordered = 0
    }
}

/// One failover event of an SA with what happened in it.
public struct FailoverEvent: Hashable, Sendable {
    public var side: IKESide
    public var frame: Int
    public var timeNanos: Int64
    public var evidence: [TakeoverEvidence]
    /// Indexes into the SA report's `syncs` and `resets` of the exchanges of this event.
    public var syncs: [Int]
    public var resets: [Int]
}

/// How this IKE SA relates to others: rekeys (RFC 7296 §1.3.2) and re-establishment.
public struct FailoverLineage: Hashable, Sendable {
    /// The SA this one was rekeyed from (its SPIs), when seen.
    public var rekeyedFrom: [UInt64]?
    /// The SA this one was rekeyed into.
    public var rekeyedInto: [UInt64]?
    /// The frame of the CREATE_CHILD_SA that rekeyed this SA into another, when the new SPIs are not
    /// visible (no keys): the link is unknown.
    public var rekeyLinkUnknownFrame: Int?
    /// An earlier SA on the same addresses whose recovery failed, and that this SA (a new
    /// IKE_SA_INIT) replaces.
    public var replaces: [UInt64]?
    public init() {}
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
    /// Whether capabilities were inherited from the SA this one was rekeyed from.
    public var capabilitiesInherited: Bool
    /// Why capabilities are unknown (nil when known).
    public var capabilitiesUnknown: CapabilitiesUnknown?
    /// The first failover event.
    public var takeover: FailoverTakeover?
    /// Every failover event, in order (failover, failback, ...).
    public var events: [FailoverEvent]
    public var syncs: [FailoverCounterExchange]
    public var resets: [FailoverCounterExchange]
    public var esp: [FailoverESPSummary]
    public var anomalies: [FailoverAnomaly]
    public var timeline: [FailoverTimelineEntry]
    /// Entries not kept because of the per-SA bounds.
    public var timelineDropped: Int
    /// Routine timeline entries (a plain request or the response answering it) not kept
    /// (`FailoverAnalyzer.Options.routineTimeline` false).
    public var routineEntriesOmitted: Int
    public var anomaliesDropped: Int
    /// Whether some SK content of this SA was not visible (keys missing or undecryptable).
    public var contentHidden: Bool
    /// Whether the capture began after this SA was set up.
    public var startedBeforeCapture: Bool
    /// Next request IDs at the end of the capture, per side.
    public var nextRequestID: [IKESide: UInt32]
    public var lineage: FailoverLineage
    /// Anomalies per kind for this SA (all, including dropped ones).
    public var anomalyCounts: [FailoverAnomalyKind: Int]

    /// Why the capabilities are unknown.
    public enum CapabilitiesUnknown: String, Hashable, Sendable {
        case notInCapture = "ike-auth-not-in-capture"
        case encrypted = "ike-auth-encrypted"
        case oneSide = "ike-auth-one-side"
    }

    public init(initiatorSPI: UInt64, responderSPI: UInt64) {
        self.initiatorSPI = initiatorSPI
        self.responderSPI = responderSPI
        firstFrame = 0
        lastFrame = 0
        messages = 0
        capabilities = nil
        capabilitiesInherited = false
        capabilitiesUnknown = nil
        takeover = nil
        events = []
        syncs = []
        resets = []
        esp = []
        anomalies = []
        timeline = []
        timelineDropped = 0
        routineEntriesOmitted = 0
        anomaliesDropped = 0
        contentHidden = false
        startedBeforeCapture = false
        nextRequestID = [:]
        lineage = FailoverLineage()
        anomalyCounts = [:]
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
    /// SAs whose report was made final before the end (deleted, or idle past the timeout).
    public var retiredSAs = 0
    /// SAs still live at the end of the capture.
    public var liveSAsAtEnd = 0
    /// IKE messages counted in the reported SAs (retired and live), in evicted SAs, and those
    /// that arrived for an SA already retired: with the pipeline's malformed/IKEv1/fragment
    /// counts they account for every IKE message read.
    public var ikeMessagesInSAs = 0
    public var ikeMessagesInEvictedSAs = 0
    public var messagesAfterRetirement = 0
    /// SAs retired for idleness that showed up again (reported again, as starting mid-SA).
    public var sasResumed = 0
    public init() {}

    public var totalAnomalies: Int { anomaliesByKind.values.reduce(0, +) }
}

/// Something known while the capture is still being read (`FailoverAnalyzer.onFinding`).
public enum FailoverStreamFinding: Sendable {
    /// An anomaly, as soon as it is recorded (ESP jumps: when their SA is retired or at the end).
    case anomaly(initiatorSPI: UInt64, responderSPI: UInt64, FailoverAnomaly, timeNanos: Int64)
    /// A sync or reset request or response (timeline entry), or strong takeover evidence.
    case timeline(initiatorSPI: UInt64, responderSPI: UInt64, FailoverTimelineEntry)
    case evidence(initiatorSPI: UInt64, responderSPI: UInt64, side: IKESide, TakeoverEvidence)
    /// The SA's report is final.
    case retired(initiatorSPI: UInt64, responderSPI: UInt64)
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
