// The machine-readable statement of what a synthetic capture contains: the ground truth that
// `ikev2 failover` is judged against.

import IKEv2
import IKEv2HA

/// The anomaly kinds a failover analyzer reports (the project's shared vocabulary; raw values
/// are the strings used in reports and JSON).
public enum FailoverAnomalyKind: String, Hashable, Sendable, CaseIterable, Codable, Comparable {
    /// A request Message ID used again with different bytes (RFC 7296 §2.2).
    case messageIDReuse = "message-id-reuse"
    /// A new request ID below one the sender already used.
    case messageIDRegression = "message-id-regression"
    /// A request beyond the sender's window (RFC 7296 §2.3).
    case outOfWindow = "out-of-window"
    /// A request never answered in the capture.
    case unansweredRequest = "unanswered-request"
    /// A response with no matching request.
    case responseWithoutRequest = "response-without-request"
    /// An RFC 6311 sync (or reset) on an IKE SA where support was not negotiated in IKE_AUTH
    /// (RFC 6311 §5, §6.1; `ha-reset.md`).
    case syncWithoutSupport = "sync-without-support"
    /// A sync/reset response whose nonce is not the request's (RFC 6311 §11).
    case syncNonceMismatch = "sync-nonce-mismatch"
    /// A sync request with M1 at or below the highest Message ID already seen from that side
    /// (RFC 6311 §5.1: the peer drops it as a replay).
    case syncReplayed = "sync-replayed"
    /// Any other RFC 6311 §5.1 rule broken (payloads, MID, values).
    case syncRuleViolation = "sync-rule-violation"
    /// A reset base at or below an ID already used in that direction (`ha-reset.md`).
    case resetReopensMessageIDs = "reset-reopens-message-ids"
    /// An ESP sequence number at or below one already seen on that SPI (RFC 4303 §3.3.3).
    case espSequenceRegression = "esp-sequence-regression"
    /// A forward ESP jump not explained by a takeover or an IPSEC_REPLAY_COUNTER_SYNC delta.
    case espUnexplainedJump = "esp-unexplained-jump"
    /// SK payloads that could not be decrypted for lack of keys.
    case keysMissing = "keys-missing"

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One anomaly the capture is built to contain, with the frame that shows it (1-based, tshark
/// numbering).
public struct ExpectedAnomaly: Hashable, Sendable, Codable {
    public var kind: FailoverAnomalyKind
    public var frame: Int
    public var note: String

    public init(kind: FailoverAnomalyKind, frame: Int, note: String) {
        self.kind = kind
        self.frame = frame
        self.note = note
    }
}

/// One RFC 6311 Message ID sync or reset exchange in the capture, with its values.
public struct ExpectedCounterSync: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        /// IKEV2_MESSAGE_ID_SYNC (16422), RFC 6311 §5.1.
        case messageIDSync = "message-id-sync"
        /// IKEV2_MESSAGE_ID_RESET (49374 by default), `ha-reset.md`.
        case messageIDReset = "message-id-reset"
    }

    /// What the receiver did with the request.
    public enum Outcome: String, Hashable, Sendable, Codable {
        /// Answered with the nonce echoed; both sides adopted the new counters.
        case accepted
        /// Silently dropped because M1 was not above the highest Message ID seen (RFC 6311 §5.1).
        case droppedReplay = "dropped-replay"
        /// Ignored: the receiver never negotiated the extension.
        case ignoredUnsupported = "ignored-unsupported"
    }

    public var kind: Kind
    /// The original IKE role of the requester (the I flag of its messages).
    public var requester: String
    public var requestFrame: Int
    /// Frames re-sending the request byte for byte (RFC 7296 §2.1).
    public var retransmissionFrames: [Int]
    public var responseFrame: Int?
    public var nonce: UInt32
    /// M1 (sync) or R1 (reset): the requester's next request ID.
    public var requestSend: UInt32
    /// P1 (sync) or Q1 (reset): the ID the requester expects next.
    public var requestRecv: UInt32
    /// P2 (sync) or Q1 (reset): the responder's next request ID, from the response.
    public var responseSend: UInt32?
    /// M2 (sync) or R1 (reset): the ID the responder expects next, from the response.
    public var responseRecv: UInt32?
    /// The IPSEC_REPLAY_COUNTER_SYNC delta in the same request (RFC 6311 §6.4), if any.
    public var replayCounterDelta: UInt64?
    public var outcome: Outcome

    public init(kind: Kind, requester: IKESide, requestFrame: Int, retransmissionFrames: [Int] = [],
                responseFrame: Int?, request: MessageIDSyncData, response: MessageIDSyncData?,
                replayCounterDelta: UInt64? = nil, outcome: Outcome) {
        self.kind = kind
        self.requester = requester.rawValue
        self.requestFrame = requestFrame
        self.retransmissionFrames = retransmissionFrames
        self.responseFrame = responseFrame
        self.nonce = request.nonce
        self.requestSend = request.expectedSend
        self.requestRecv = request.expectedRecv
        self.responseSend = response?.expectedSend
        self.responseRecv = response?.expectedRecv
        self.replayCounterDelta = replayCounterDelta
        self.outcome = outcome
    }
}

/// A forward jump in one ESP SPI's sequence numbers, and why it is there.
public struct ExpectedESPJump: Hashable, Sendable, Codable {
    public var spi: UInt32
    /// Who sends on this SPI: "initiator" or "responder" (original IKE roles).
    public var sender: String
    public var lastBefore: UInt32
    public var firstAfter: UInt32
    /// The frame carrying `firstAfter`.
    public var frame: Int
    /// `takeover-outbound-jump` (RFC 6311 §5.2: the new active member advances its own counters)
    /// or `replay-counter-sync` (the peer added the IPSEC_REPLAY_COUNTER_SYNC delta).
    public var reason: String
}

/// One IKE message of the capture as a dissector should see it.
public struct ExpectedIKEFrame: Hashable, Sendable, Codable {
    public var frame: Int
    public var sender: String
    public var messageID: UInt32
    public var exchange: UInt8
    public var isResponse: Bool
    /// Whether the message carries an SK payload (decryptable with the key table).
    public var encrypted: Bool
    /// Notify Message Types in order: outer ones for IKE_SA_INIT, inner (decrypted) ones for SK.
    public var notifyTypes: [UInt16]
    /// Whether the bytes repeat an earlier frame exactly (a retransmission).
    public var retransmissionOf: Int?
}

/// Everything a synthetic capture is built to show.
public struct SynthExpectation: Hashable, Sendable, Codable {
    public var scenario: String
    public var seed: UInt64
    /// IKE SA SPIs as 16 hex digits.
    public var initiatorSPI: String
    public var responderSPI: String
    /// The first frame sent by a newly active member (one per takeover).
    public var takeoverFrames: [Int]
    public var syncs: [ExpectedCounterSync]
    /// Anomalies the analyzer must report (kind and frame).
    public var anomalies: [ExpectedAnomaly]
    /// Kinds the analyzer may additionally report as direct consequences (e.g. a dropped sync
    /// request also stays unanswered); never required.
    public var toleratedAnomalyKinds: [FailoverAnomalyKind]
    public var espJumps: [ExpectedESPJump]
    public var ikeFrames: [ExpectedIKEFrame]
    public var frameCount: Int

    /// The distinct anomaly kinds that must be reported, sorted.
    public var anomalyKinds: [FailoverAnomalyKind] { Array(Set(anomalies.map(\.kind))).sorted() }
}
