import IKEv2

// RFC 6311 §5.1, §7, §9, §11: the IKEV2_MESSAGE_ID_SYNC procedure on both sides, as pure
// value-type state machines. Nothing here sends or receives; callers feed values and act on
// the returned outcomes.

/// The newly active cluster member's side of RFC 6311 Message ID synchronization.
///
/// ```swift
/// var member = MessageIDSyncRequester(replicated: MessageIDCounters(nextSend: 5, nextExpected: 12))
/// let request = try member.makeRequest(margin: 5, nonce: 0xA1B2C3D4)   // (M1, P1) = (10, 12)
/// // send NotifyPayload.messageIDSync(nonce:expectedSend:expectedRecv:) in an INFORMATIONAL, MID 0
/// if case .accepted(let c) = member.handleResponse(response) { /* next request uses c.nextSend */ }
/// ```
public struct MessageIDSyncRequester: Hashable, Sendable {
    /// Where the procedure stands.
    public enum Phase: Hashable, Sendable {
        /// No request outstanding.
        case idle
        /// A request was made; only a response echoing its nonce is accepted (§11).
        case awaitingResponse(request: MessageIDSyncData)
        /// One valid response was accepted; further responses are dropped (§11).
        case synchronized(request: MessageIDSyncData, response: MessageIDSyncData)
    }

    /// The member's counters: the replicated (possibly stale) values until a response is
    /// accepted, then the synchronized ones.
    public private(set) var counters: MessageIDCounters
    public private(set) var phase: Phase = .idle
    /// Whether a request was already made in the current failover event (§7: at most one).
    public private(set) var requestedThisFailover = false

    /// Starts from the counters the member last received over the synch channel.
    public init(replicated counters: MessageIDCounters) {
        self.counters = counters
    }

    /// (M1, P1) for a sync request (RFC 6311 §5.1): M1 = last known next send + `margin`
    /// (RECOMMENDED: at least the IKE sender window size), P1 = last received + 1 (that is,
    /// `nextExpected`) + `receiveMargin` (any higher value is allowed).
    public static func requestValues(replicated: MessageIDCounters, margin: UInt32,
                                     receiveMargin: UInt32 = 0) throws(HAError) -> (m1: UInt32, p1: UInt32) {
        let base = try HARules.syncRequest(replicated: replicated, margin: margin, nonce: 0)
        let (p1, overflow) = base.expectedRecv.addingReportingOverflow(receiveMargin)
        guard !overflow else { throw .messageIDSpaceExhausted }
        return (base.expectedSend, p1)
    }

    /// Makes the sync request's data and waits for its response.
    /// - Throws: `alreadySynchronizedThisFailover` on a second call in one failover event (§7),
    ///   `messageIDSpaceExhausted` if M1 or P1 would exceed 32 bits.
    public mutating func makeRequest(margin: UInt32, nonce: UInt32, receiveMargin: UInt32 = 0) throws(HAError) -> MessageIDSyncData {
        guard !requestedThisFailover else { throw .alreadySynchronizedThisFailover }
        let (m1, p1) = try Self.requestValues(replicated: counters, margin: margin, receiveMargin: receiveMargin)
        let request = MessageIDSyncData(nonce: nonce, expectedSend: m1, expectedRecv: p1)
        requestedThisFailover = true
        phase = .awaitingResponse(request: request)
        return request
    }

    /// `makeRequest` with a fresh random nonce from `rng` (§5.1).
    public mutating func makeRequest<R: RandomNumberGenerator>(margin: UInt32, receiveMargin: UInt32 = 0,
                                                               using rng: inout R) throws(HAError) -> MessageIDSyncData {
        try makeRequest(margin: margin, nonce: UInt32(truncatingIfNeeded: rng.next()), receiveMargin: receiveMargin)
    }

    /// Processes a response (P2, M2). Accepts exactly one response echoing the nonce (§5.1, §11);
    /// then the member's next request uses M2 (never below its own M1) and it expects P2.
    public mutating func handleResponse(_ response: MessageIDSyncData) -> SyncResponseOutcome {
        guard case .awaitingResponse(let request) = phase else { return .droppedNotAwaiting }
        guard response.nonce == request.nonce else {
            return .droppedNonceMismatch(expected: request.nonce, received: response.nonce)
        }
        let agreed = HARules.agreedNextRequestIDs(.sync, request: request, response: response)
        counters = MessageIDCounters(nextSend: agreed.requester, nextExpected: agreed.peer)
        phase = .synchronized(request: request, response: response)
        return .accepted(counters)
    }

    /// A new failover event: a new synchronization may be made (§7), starting from `replicated`
    /// (or from the current counters when nil).
    public mutating func beginFailoverEvent(replicated: MessageIDCounters? = nil) {
        if let replicated { counters = replicated }
        phase = .idle
        requestedThisFailover = false
    }
}

/// What the requester did with a response.
public enum SyncResponseOutcome: Hashable, Sendable {
    /// The response was valid; the member's new counters.
    case accepted(MessageIDCounters)
    /// Silently dropped: the nonce is not the request's (a replayed response, §11).
    case droppedNonceMismatch(expected: UInt32, received: UInt32)
    /// Silently dropped: no request is outstanding, or one response was already accepted (§11).
    case droppedNotAwaiting
}

/// The peer's side of RFC 6311 Message ID synchronization.
public struct MessageIDSyncResponder: Hashable, Sendable {
    /// Which Message IDs count as "seen from the cluster" for the replay check.
    public enum ReplayCheck: Hashable, Sendable {
        /// RFC 6311 §5.1 as written: drop if M1 ≤ the highest Message ID received from the
        /// cluster, counting earlier sync messages' M1 (also strongSwan's behaviour).
        case highestReceived
        /// Drop only if M1 ≤ the M1 of an earlier sync message. This is what the RFC's
        /// Appendix A examples assume (A.2 and A.3 answer an M1 below the peer's receive counter).
        case earlierSyncsOnly
    }

    /// The peer's own counters: its next request, and the next request it expects from the cluster.
    public private(set) var counters: MessageIDCounters
    /// The peer's own requests still waiting for a response.
    public private(set) var outstandingRequests: [UInt32]
    /// The highest M1 of any sync request accepted so far.
    public private(set) var highestSyncM1: UInt32?
    public var replayCheck: ReplayCheck

    public init(counters: MessageIDCounters, outstandingRequests: [UInt32] = [],
                replayCheck: ReplayCheck = .highestReceived) {
        self.counters = counters
        self.outstandingRequests = outstandingRequests
        self.replayCheck = replayCheck
    }

    /// The response values (P2, M2) for a request (M1, P1) given the peer's counters (§5.1):
    /// `HARules.syncResponse(to:peer:)`.
    public static func responseValues(request: MessageIDSyncData, own: MessageIDCounters) -> (p2: UInt32, m2: UInt32) {
        let r = HARules.syncResponse(to: request, peer: own)
        return (r.expectedSend, r.expectedRecv)
    }

    /// The threshold M1 must exceed, or nil when nothing was seen yet.
    public var highestSeen: UInt32? {
        let received: UInt32? = replayCheck == .highestReceived && counters.nextExpected > 0
            ? counters.nextExpected - 1 : nil
        switch (received, highestSyncM1) {
        case let (r?, s?): return max(r, s)
        case let (r?, nil): return r
        case let (nil, s?): return s
        case (nil, nil): return nil
        }
    }

    /// Handles an authenticated sync request. On acceptance the peer abandons its outstanding
    /// requests (§9), adopts next own request = P2 and next expected = M2, and answers with the
    /// nonce echoed.
    public mutating func handleRequest(_ request: MessageIDSyncData) -> SyncRequestOutcome {
        if let seen = highestSeen, HARules.isReplayed(m1: request.expectedSend, highestSeen: seen) {
            return .droppedReplay(m1: request.expectedSend, highestSeen: seen)
        }
        let answer = HARules.syncResponse(to: request, peer: counters)
        let abandoned = outstandingRequests
        outstandingRequests = []
        counters = MessageIDCounters(nextSend: answer.expectedSend, nextExpected: answer.expectedRecv)
        highestSyncM1 = max(highestSyncM1 ?? 0, request.expectedSend)
        return .respond(answer, abandoned: abandoned)
    }

    /// Records one of the peer's own requests being sent (advances `nextSend`).
    public mutating func sentRequest() throws(HAError) {
        let (n, o) = counters.nextSend.addingReportingOverflow(1)
        guard !o else { throw .messageIDSpaceExhausted }
        outstandingRequests.append(counters.nextSend)
        counters.nextSend = n
    }

    /// Records the response to one of the peer's own requests.
    public mutating func receivedResponse(messageID: UInt32) {
        outstandingRequests.removeAll { $0 == messageID }
    }

    /// Records a request received from the cluster with `messageID`.
    public mutating func receivedRequest(messageID: UInt32) throws(HAError) {
        let (n, o) = messageID.addingReportingOverflow(1)
        guard !o else { throw .messageIDSpaceExhausted }
        counters.nextExpected = max(counters.nextExpected, n)
    }
}

/// What the peer does with a sync request.
public enum SyncRequestOutcome: Hashable, Sendable {
    /// Answer with this data (INFORMATIONAL, Message ID 0); `abandoned` are the peer's own
    /// requests it stops waiting for.
    case respond(MessageIDSyncData, abandoned: [UInt32])
    /// Silently dropped: M1 is not above the highest value seen from the cluster (§5.1, §11).
    case droppedReplay(m1: UInt32, highestSeen: UInt32)
}
