// The machine-readable statement of what a synthetic capture contains: the ground truth that
// `ikev2 failover` is judged against.

import IKEv2
import IKEv2HA

// The anomaly vocabulary is the analyzer's own `FailoverAnomalyKind` (IKEv2HA), so the expected
// and the reported kinds compare directly. Its raw values are the JSON strings (encoded by hand
// here, so this module adds no conformance to a type it does not own).

/// One anomaly the capture is built to contain, with the frame that shows it (1-based, tshark
/// numbering).
public struct ExpectedAnomaly: Hashable, Sendable, Encodable {
    public var kind: FailoverAnomalyKind
    public var frame: Int
    public var note: String

    public init(kind: FailoverAnomalyKind, frame: Int, note: String) {
        self.kind = kind
        self.frame = frame
        self.note = note
    }

    enum CodingKeys: String, CodingKey { case kind, frame, note }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind.rawValue, forKey: .kind)
        try c.encode(frame, forKey: .frame)
        try c.encode(note, forKey: .note)
    }
}

/// One RFC 6311 Message ID sync or reset exchange in the capture, with its values.
public struct ExpectedCounterSync: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        /// IKEV2_MESSAGE_ID_SYNC (16422), RFC 6311 §5.1.
        case messageIDSync = "message-id-sync"
        /// IKEV2_MESSAGE_ID_RESET (49374 by default), docs/reset-extension.md.
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
    /// Whether that delta is the 8-octet ESN form (the Child SAs use ESN).
    public var replayCounterESN: Bool
    public var outcome: Outcome

    public init(kind: Kind, requester: IKESide, requestFrame: Int, retransmissionFrames: [Int] = [],
                responseFrame: Int?, request: MessageIDSyncData, response: MessageIDSyncData?,
                replayCounterDelta: UInt64? = nil, replayCounterESN: Bool = false, outcome: Outcome) {
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
        self.replayCounterESN = replayCounterESN
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
    /// `takeover-outbound-jump` (RFC 6311 §5.2: the new active member advances its own counters),
    /// `replay-counter-sync` (the peer added the IPSEC_REPLAY_COUNTER_SYNC delta), or
    /// `not-captured` (no failover: the capture kept nothing for a while, as in `esn-wrap`; RFC 4303
    /// §3.4.3 receivers accept any higher number, so this is not an anomaly).
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
    /// For an SKF message (RFC 7383 §2.5): its Fragment Number and Total Fragments. Notify
    /// types are then not listed per fragment.
    public var fragmentNumber: Int? = nil
    public var fragmentTotal: Int? = nil
}

/// An IKE SA rekey (RFC 7296 §1.3.2) in the capture: the lineage old SPIs -> new SPIs.
public struct ExpectedIKERekey: Hashable, Sendable, Codable {
    /// Old and new SPIs as 16 hex digits.
    public var oldInitiatorSPI: String
    public var oldResponderSPI: String
    public var newInitiatorSPI: String
    public var newResponderSPI: String
    /// The CREATE_CHILD_SA request and response (on the old SA).
    public var requestFrame: Int
    public var responseFrame: Int
    /// The INFORMATIONAL with Delete (protocol IKE) on the old SA, and its response.
    public var deleteRequestFrame: Int
    public var deleteResponseFrame: Int
}

/// Everything a synthetic capture is built to show.
public struct SynthExpectation: Hashable, Sendable, Encodable {
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
    /// IKE SA rekeys, in order (the key table has one row per SA).
    public var rekeys: [ExpectedIKERekey] = []

    enum CodingKeys: String, CodingKey {
        case scenario, seed, initiatorSPI, responderSPI, takeoverFrames, syncs, anomalies, toleratedAnomalyKinds,
             espJumps, ikeFrames, frameCount, rekeys
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scenario, forKey: .scenario)
        try c.encode(seed, forKey: .seed)
        try c.encode(initiatorSPI, forKey: .initiatorSPI)
        try c.encode(responderSPI, forKey: .responderSPI)
        try c.encode(takeoverFrames, forKey: .takeoverFrames)
        try c.encode(syncs, forKey: .syncs)
        try c.encode(anomalies, forKey: .anomalies)
        try c.encode(toleratedAnomalyKinds.map(\.rawValue), forKey: .toleratedAnomalyKinds)
        try c.encode(espJumps, forKey: .espJumps)
        try c.encode(ikeFrames, forKey: .ikeFrames)
        try c.encode(frameCount, forKey: .frameCount)
        if !rekeys.isEmpty { try c.encode(rekeys, forKey: .rekeys) }
    }

    /// The distinct anomaly kinds that must be reported, sorted.
    public var anomalyKinds: [FailoverAnomalyKind] { Array(Set(anomalies.map(\.kind))).sorted { $0.rawValue < $1.rawValue } }
}
