import IKEv2

// The project's private-use Message-ID reset extension (docs/reset-extension.md): the new active member
// tells the peer to restart Message IDs at random bases; the peer adopts them. Simpler than
// RFC 6311 sync, but it can re-open Message IDs already used in the same IKE SA (the reason
// RFC 6311 only moves counters forward), so analyzers must flag the risk.

/// The requesting member's side of a Message ID reset.
///
/// ```swift
/// var member = MessageIDResetRequester(counters: replicated)
/// var rng = SystemRandomNumberGenerator()
/// let request = try member.makeRequest(using: &rng)   // (R1, Q1) in [2^16, 2^31)
/// switch member.handleResponse(response) { case .accepted(let c): ...; case .refused: /* delete IKE SA */ ... }
/// ```
public struct MessageIDResetRequester: Hashable, Sendable {
    /// The range random bases are drawn from: [2^16, 2^31) (docs/reset-extension.md).
    public static let baseRange: Range<UInt32> = HARules.resetBaseRange

    public enum Phase: Hashable, Sendable {
        case idle
        case awaitingResponse(request: MessageIDSyncData)
        case accepted(request: MessageIDSyncData)
        /// The peer answered with an empty response: the requester deletes the IKE SA.
        case refused(request: MessageIDSyncData)
    }

    public private(set) var counters: MessageIDCounters
    public private(set) var phase: Phase = .idle
    /// At most one reset per IKE SA per failover event.
    public private(set) var requestedThisFailover = false

    public init(counters: MessageIDCounters) {
        self.counters = counters
    }

    /// Draws a nonce and two bases (R1 = new next send, Q1 = new next expected) from `rng`.
    /// - Throws: `alreadySynchronizedThisFailover` on a second reset in one failover event.
    public mutating func makeRequest<R: RandomNumberGenerator>(using rng: inout R) throws(HAError) -> MessageIDSyncData {
        guard !requestedThisFailover else { throw .alreadySynchronizedThisFailover }
        let nonce = UInt32(truncatingIfNeeded: rng.next())
        let r1 = UInt32.random(in: Self.baseRange, using: &rng)
        let q1 = UInt32.random(in: Self.baseRange, using: &rng)
        let request = MessageIDSyncData(nonce: nonce, expectedSend: r1, expectedRecv: q1)
        requestedThisFailover = true
        phase = .awaitingResponse(request: request)
        return request
    }

    /// Processes the response: `nil` is an empty `HDR, SK{}` response (refusal). A valid
    /// acceptance echoes the nonce and carries the request's values swapped (Q1, R1).
    public mutating func handleResponse(_ response: MessageIDSyncData?) -> ResetResponseOutcome {
        guard case .awaitingResponse(let request) = phase else { return .droppedNotAwaiting }
        guard let response else {
            phase = .refused(request: request)
            return .refused
        }
        guard response.nonce == request.nonce else {
            return .droppedNonceMismatch(expected: request.nonce, received: response.nonce)
        }
        guard HARules.checkResponse(.reset, request: request, response: response, requesterNext: nil, peerNext: nil).isEmpty else {
            return .droppedValuesMismatch(expectedSend: request.expectedRecv, expectedRecv: request.expectedSend,
                                          received: response)
        }
        let agreed = HARules.agreedNextRequestIDs(.reset, request: request, response: response)
        counters = MessageIDCounters(nextSend: agreed.requester, nextExpected: agreed.peer)
        phase = .accepted(request: request)
        return .accepted(counters)
    }

    public mutating func beginFailoverEvent(counters newCounters: MessageIDCounters? = nil) {
        if let newCounters { counters = newCounters }
        phase = .idle
        requestedThisFailover = false
    }

    /// Whether moving a sender's next request ID to `newBase` re-opens Message IDs it already
    /// used in this IKE SA (`highestUsed` is the highest it sent; nil when none).
    public static func reopensUsedIDs(newBase: UInt32, highestUsed: UInt32?) -> Bool {
        HARules.reopensUsedIDs(next: newBase, highestUsed: highestUsed)
    }
}

/// What the requester did with a reset response.
public enum ResetResponseOutcome: Hashable, Sendable {
    case accepted(MessageIDCounters)
    /// Empty response: the peer refused; delete the IKE SA (docs/reset-extension.md).
    case refused
    case droppedNonceMismatch(expected: UInt32, received: UInt32)
    /// The response does not carry the request's values swapped.
    case droppedValuesMismatch(expectedSend: UInt32, expectedRecv: UInt32, received: MessageIDSyncData)
    case droppedNotAwaiting
}

/// The peer's side of a Message ID reset: it adopts the requested values (no maximum with its
/// own counters, unlike RFC 6311), abandons pending requests, and answers with the values swapped.
public struct MessageIDResetResponder: Hashable, Sendable {
    public private(set) var counters: MessageIDCounters
    public private(set) var outstandingRequests: [UInt32]
    /// Whether both sides claimed IKEV2_MESSAGE_ID_RESET_SUPPORTED in IKE_AUTH.
    public var negotiated: Bool

    public init(counters: MessageIDCounters, outstandingRequests: [UInt32] = [], negotiated: Bool = true) {
        self.counters = counters
        self.outstandingRequests = outstandingRequests
        self.negotiated = negotiated
    }

    public mutating func handleRequest(_ request: MessageIDSyncData) -> ResetRequestOutcome {
        guard negotiated else { return .refuse }
        let abandoned = outstandingRequests
        outstandingRequests = []
        let answer = HARules.resetResponse(to: request)
        counters = MessageIDCounters(nextSend: answer.expectedSend, nextExpected: answer.expectedRecv)
        return .respond(answer, abandoned: abandoned)
    }
}

public enum ResetRequestOutcome: Hashable, Sendable {
    /// Answer with this data (INFORMATIONAL, Message ID 0).
    case respond(MessageIDSyncData, abandoned: [UInt32])
    /// Answer with an empty `HDR, SK{}` Message ID 0 response.
    case refuse
}
