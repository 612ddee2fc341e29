import IKEv2

// RFC 7296 §2.1-§2.3 Message ID rules as an observer's model of one IKE SA: feed it the
// messages seen (in capture order) and get classified events and anomalies back.

/// What RFC 6311 / reset content a message is known to carry (nil in `ObservedMessage` when
/// the caller cannot see the content, e.g. without keys).
public enum CounterSyncKind: String, Hashable, Sendable {
    /// IKEV2_MESSAGE_ID_SYNC (RFC 6311 §5.1).
    case messageIDSync
    /// IKEV2_MESSAGE_ID_RESET (docs/reset-extension.md).
    case messageIDReset
}

/// A 128-bit digest of a message's bytes, only compared for equality (a retransmission is
/// bitwise identical, RFC 7296 §2.1). A fixed-size value, so that remembering a message costs
/// no allocation.
public struct MessageDigest: Hashable, Sendable {
    public var high: UInt64
    public var low: UInt64
    /// How many octets the caller's digest had (up to 16 they are kept exactly).
    var count: UInt16

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
        count = 16
    }

    /// Any digest the caller computed: up to 16 octets are kept exactly, longer ones are folded
    /// to 128 bits (FNV-1a in two lanes).
    public init(_ octets: [UInt8]) {
        count = UInt16(truncatingIfNeeded: min(octets.count, Int(UInt16.max)))
        if octets.count <= 16 {
            var h: UInt64 = 0, l: UInt64 = 0
            for (i, b) in octets.enumerated() {
                if i < 8 { h |= UInt64(b) << UInt64(56 - 8 * i) } else { l |= UInt64(b) << UInt64(56 - 8 * (i - 8)) }
            }
            high = h
            low = l
        } else {
            var a: UInt64 = 0xcbf2_9ce4_8422_2325
            var b: UInt64 = 0x6c62_272e_07bb_0142
            for x in octets {
                a = (a ^ UInt64(x)) &* 0x0000_0100_0000_01b3
                b = (b ^ (UInt64(x) &+ 0x9e)) &* 0x0000_0100_0000_01b3
            }
            high = a
            low = b
        }
    }
}

/// One IKE message as seen by an observer.
public struct ObservedMessage: Hashable, Sendable {
    /// Who sent it, by original role (the I flag).
    public var sender: IKESide
    /// The R flag.
    public var isResponse: Bool
    public var messageID: UInt32
    public var exchange: ExchangeType
    /// A digest of the message bytes from the IKE header on (any hash the caller likes; only
    /// compared for equality). Retransmissions are bitwise identical (RFC 7296 §2.1).
    public var digest: MessageDigest
    /// Frame number (or any position) for references in events.
    public var frame: Int
    /// Set when the caller knows the message carries a sync or reset notify.
    public var counterSync: CounterSyncKind?
    /// The value of a SET_WINDOW_SIZE notify in this message (RFC 7296 §2.3), if any.
    public var announcedWindowSize: UInt32?
    /// The caller could read the content (cleartext or decrypted), so a nil `counterSync` means
    /// "not a sync or reset". When false, a Message ID 0 INFORMATIONAL is assumed to be a
    /// counter-sync exchange (RFC 6311 §5; it cannot be told from a responder's first ordinary
    /// request at Message ID 0 without the content).
    public var contentVisible: Bool
    /// Whether `digest` covers the whole message content, so that a different digest proves
    /// different content. False for one fragment of a message seen without keys: a
    /// retransmission may be fragmented differently (RFC 7383 §2.5.3), so bytes cannot decide.
    public var digestComparable: Bool

    public init(sender: IKESide, isResponse: Bool, messageID: UInt32, exchange: ExchangeType, digest: [UInt8],
                frame: Int, counterSync: CounterSyncKind? = nil, announcedWindowSize: UInt32? = nil,
                contentVisible: Bool = false, digestComparable: Bool = true) {
        self.init(sender: sender, isResponse: isResponse, messageID: messageID, exchange: exchange,
                  digest: MessageDigest(digest), frame: frame, counterSync: counterSync,
                  announcedWindowSize: announcedWindowSize, contentVisible: contentVisible,
                  digestComparable: digestComparable)
    }

    public init(sender: IKESide, isResponse: Bool, messageID: UInt32, exchange: ExchangeType, digest: MessageDigest,
                frame: Int, counterSync: CounterSyncKind? = nil, announcedWindowSize: UInt32? = nil,
                contentVisible: Bool = false, digestComparable: Bool = true) {
        self.contentVisible = contentVisible
        self.digestComparable = digestComparable
        self.sender = sender
        self.isResponse = isResponse
        self.messageID = messageID
        self.exchange = exchange
        self.digest = digest
        self.frame = frame
        self.counterSync = counterSync
        self.announcedWindowSize = announcedWindowSize
    }
}

/// A classified observation.
public struct MessageIDEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// A new request.
        case request
        /// A request re-sent with the same ID and identical bytes (RFC 7296 §2.1).
        case retransmittedRequest(originalFrame: Int)
        /// IKE_SA_INIT repeated with new content (after COOKIE / INVALID_KE_PAYLOAD; RFC 7296 §2.6, §1.2).
        case initialExchangeRetry(previousFrame: Int)
        /// The response to an outstanding request.
        case response(requestFrame: Int)
        /// A response re-sent with identical bytes (answering a retransmitted request).
        case retransmittedResponse(originalFrame: Int)
        /// A Message ID 0 INFORMATIONAL: an RFC 6311 sync or reset message, outside the counters.
        case counterSyncMessage(CounterSyncKind?)
        /// The sender's peer raised its window (RFC 7296 §2.3).
        case windowSizeChanged(from: UInt32, to: UInt32)
        /// A counter rebase after a sync or reset (analyzer-driven).
        case rebased(from: UInt32, to: UInt32)
        /// Same Message ID as an earlier message, other bytes, but the bytes cannot decide (a
        /// fragment seen without keys, RFC 7383 §2.5.3): a retransmission or a reuse, unverified.
        case unverifiedRetransmission(originalFrame: Int)
        /// A request below the first one seen from its sender when the capture started in the
        /// middle of the IKE SA: earlier IDs are unknown, not missing.
        case earlierHistory
        /// A response to a request from before the capture started (no anomaly).
        case historyResponse

        // Anomalies:
        /// Same request Message ID as an earlier request, different bytes (RFC 7296 §2.2).
        case messageIDReuse(firstFrame: Int)
        /// A response for an already-answered ID with different bytes.
        case conflictingResponse(firstFrame: Int)
        /// A request sent while a request ≤ ID − window was unanswered (RFC 7296 §2.3).
        case outOfWindow(lowestOutstanding: UInt32, window: UInt32)
        /// A new request ID below one the sender already used, not filling a gap.
        case regression(highestUsed: UInt32)
        /// Request IDs skipped (missing from the capture, or skipped by the sender).
        case gap(expected: UInt32)
        /// A response with no matching request seen.
        case unmatchedResponse
        /// SET_WINDOW_SIZE lower than before (RFC 7296 §2.3: it can only grow).
        case windowShrink(from: UInt32, to: UInt32)
        /// A rebase moved the next request ID to or below an ID already used by that sender:
        /// those IDs can be used again (docs/reset-extension.md).
        case rebaseReopensIDs(highestUsed: UInt32)
        /// More than one request in the sender's window would exceed 32 bits.
        case messageIDSpaceExhausted
    }

    public var kind: Kind
    /// The side that sent the message (for window and rebase events: the side whose counters changed).
    public var sender: IKESide
    public var messageID: UInt32
    public var frame: Int

    public init(kind: Kind, sender: IKESide, messageID: UInt32, frame: Int) {
        self.kind = kind
        self.sender = sender
        self.messageID = messageID
        self.frame = frame
    }

    /// Whether the event breaks a rule or signals a risk (as opposed to normal traffic).
    public var isAnomaly: Bool {
        switch kind {
        case .request, .retransmittedRequest, .initialExchangeRetry, .response, .retransmittedResponse,
             .counterSyncMessage, .windowSizeChanged, .rebased, .unverifiedRetransmission, .earlierHistory,
             .historyResponse:
            return false
        default:
            return true
        }
    }
}

/// The Message ID state of one side of an IKE SA, as observed.
public struct SideMessageIDState: Hashable, Sendable {
    /// The ID this side will use for its next request (highest used + 1, or a rebased value).
    public internal(set) var nextRequestID: UInt32 = 0
    /// The highest request ID this side ever used in this IKE SA (kept across rebases).
    public internal(set) var highestRequestID: UInt32?
    /// How many requests this side may have outstanding: the window its peer announced with
    /// SET_WINDOW_SIZE (default 1, RFC 7296 §2.3).
    public internal(set) var sendWindow: UInt32 = 1
    /// This side's requests without a response yet, ID → frame.
    public var outstanding: [UInt32: Int] {
        var d: [UInt32: Int] = [:]
        for p in pending.values { d[p.id] = p.frame }
        return d
    }
    /// `outstanding`, as kept.
    var pending = IDMap<Outstanding>()
    struct Outstanding: Hashable, Sendable, IDMapValue {
        var frame: Int
        var id: UInt32 = 0
    }
    /// IDs skipped by a gap, not seen yet.
    public internal(set) var missing: Set<UInt32> = []
    /// The first request ID seen from this side.
    public internal(set) var firstRequestID: UInt32?
    /// Whether the window of this side is known: its peer announced SET_WINDOW_SIZE, or the
    /// whole IKE SA setup was visible (so the default of 1 holds until announced, RFC 7296 §2.3).
    public internal(set) var windowKnown = false

    struct Record: Hashable, Sendable, IDMapValue {
        // In this order the flag and the Message ID fill the digest's padding: 32 bytes.
        var digest: MessageDigest
        var comparable: Bool
        var id: UInt32 = 0
        var frame: Int

        init(digest: MessageDigest, frame: Int, comparable: Bool = true) {
            self.digest = digest
            self.comparable = comparable
            self.frame = frame
        }

        static func earlier(_ a: Record, _ b: Record) -> Bool { a.frame < b.frame }
    }
    var requests = IDMap<Record>()
    var responses = IDMap<Record>()

    /// The lowest outstanding request ID, if any.
    public var lowestOutstanding: UInt32? { pending.lowestID }
}

/// The Message ID window model of one IKE SA (RFC 7296 §2.1-§2.3, RFC 6311 §5.1 for MID 0).
///
/// ```swift
/// var sa = MessageIDWindowModel()
/// for m in observed { for e in sa.observe(m) where e.isAnomaly { print(e) } }
/// ```
public struct MessageIDWindowModel: Hashable, Sendable {
    public private(set) var initiator = SideMessageIDState()
    public private(set) var responder = SideMessageIDState()
    /// Limit on remembered IDs per side and direction (a memory bound).
    public var maxRecords = 16_384
    /// Largest gap whose IDs are remembered as missing.
    public var maxTrackedGap: UInt32 = 256
    /// Whether the IKE SA's first exchange (IKE_SA_INIT) is in the capture. Until it is, the
    /// capture started in the middle of the SA: IDs below the first one seen are history.
    public private(set) var startedInCapture = false

    public init() {}

    /// The whole setup (IKE_SA_INIT and readable IKE_AUTH) was seen: without SET_WINDOW_SIZE
    /// both windows are the default 1 (RFC 7296 §2.3).
    mutating func setupSeen() {
        guard startedInCapture else { return }
        initiator.windowKnown = true
        responder.windowKnown = true
    }

    public subscript(side: IKESide) -> SideMessageIDState {
        get { side == .initiator ? initiator : responder }
        set { if side == .initiator { initiator = newValue } else { responder = newValue } }
    }

    /// Moves one side's state out (leaving an empty one) so that it is mutated in place, not
    /// copied on every change; the caller stores it back.
    private mutating func take(_ side: IKESide) -> SideMessageIDState {
        var x = SideMessageIDState()
        if side == .initiator { swap(&x, &initiator) } else { swap(&x, &responder) }
        return x
    }

    /// The ID `side` expects in the next request from its peer.
    public func nextExpectedRequestID(of side: IKESide) -> UInt32 { self[side.peer].nextRequestID }

    /// Classifies one observed message and updates the model.
    public mutating func observe(_ m: ObservedMessage) -> [MessageIDEvent] {
        var events: [MessageIDEvent] = []
        func emit(_ k: MessageIDEvent.Kind, _ side: IKESide? = nil) {
            events.append(MessageIDEvent(kind: k, sender: side ?? m.sender, messageID: m.messageID, frame: m.frame))
        }
        if let n = m.announcedWindowSize {
            // The sender can receive n outstanding requests: its peer's send window.
            let peer = m.sender.peer
            let old = self[peer].sendWindow
            if n > old {
                self[peer].sendWindow = n
                emit(.windowSizeChanged(from: old, to: n), peer)
            } else if n < old {
                emit(.windowShrink(from: old, to: n), peer)
            }
            self[peer].windowKnown = true
        }
        if m.exchange == .ikeSAInit && m.messageID == 0 && !m.isResponse { startedInCapture = true }
        if m.messageID == 0 && (m.counterSync != nil || (m.exchange == .informational && !m.contentVisible)) {
            emit(.counterSyncMessage(m.counterSync))
            return events
        }
        if m.isResponse {
            observeResponse(m, emit: emit)
        } else {
            observeRequest(m, emit: emit)
        }
        return events
    }

    private mutating func observeRequest(_ m: ObservedMessage, emit: (MessageIDEvent.Kind, IKESide?) -> Void) {
        let s = m.sender
        let id = m.messageID
        var st = take(s)
        defer { self[s] = st }
        if let prior = st.requests[id] {
            if prior.digest == m.digest {
                emit(.retransmittedRequest(originalFrame: prior.frame), nil)
            } else if !prior.comparable || !m.digestComparable {
                emit(.unverifiedRetransmission(originalFrame: prior.frame), nil)
            } else if m.exchange == .ikeSAInit && id == 0 {
                emit(.initialExchangeRetry(previousFrame: prior.frame), nil)
                st.requests[id] = .init(digest: m.digest, frame: m.frame)
                st.responses[id] = nil
                st.pending[id] = .init(frame: m.frame)
            } else {
                emit(.messageIDReuse(firstFrame: prior.frame), nil)
                st.requests[id] = .init(digest: m.digest, frame: m.frame)
                st.responses[id] = nil
                st.pending[id] = .init(frame: m.frame)
            }
            return
        }
        // A new ID.
        if !startedInCapture, st.firstRequestID.map({ id < $0 }) ?? false {
            // Before the first request seen, in an SA whose start is not in the capture.
            emit(.earlierHistory, nil)
        } else if !startedInCapture && st.firstRequestID == nil {
            emit(.request, nil)
            st.nextRequestID = id == UInt32.max ? id : id + 1
        } else if id < st.nextRequestID {
            if st.missing.remove(id) != nil {
                emit(.request, nil)
            } else {
                emit(.regression(highestUsed: st.highestRequestID ?? st.nextRequestID), nil)
            }
        } else {
            if id > st.nextRequestID {
                emit(.gap(expected: st.nextRequestID), nil)
                if id - st.nextRequestID <= maxTrackedGap {
                    for x in st.nextRequestID..<id { st.missing.insert(x) }
                }
            }
            emit(.request, nil)
            if id == UInt32.max {
                emit(.messageIDSpaceExhausted, nil)
                st.nextRequestID = id
            } else {
                st.nextRequestID = id + 1
            }
        }
        if let low = st.lowestOutstanding, UInt64(id) >= UInt64(low) + UInt64(st.sendWindow) {
            emit(.outOfWindow(lowestOutstanding: low, window: st.sendWindow), nil)
        }
        st.highestRequestID = max(st.highestRequestID ?? id, id)
        if st.firstRequestID == nil { st.firstRequestID = id }
        st.pending[id] = .init(frame: m.frame)
        st.requests[id] = .init(digest: m.digest, frame: m.frame, comparable: m.digestComparable)
        if st.requests.count > maxRecords { st.requests.removeFirst(by: SideMessageIDState.Record.earlier) }
    }

    private mutating func observeResponse(_ m: ObservedMessage, emit: (MessageIDEvent.Kind, IKESide?) -> Void) {
        let requester = m.sender.peer
        let id = m.messageID
        var st = take(requester)
        defer { self[requester] = st }
        if let reqFrame = st.pending[id]?.frame {
            st.pending[id] = nil
            st.responses[id] = .init(digest: m.digest, frame: m.frame, comparable: m.digestComparable)
            if st.responses.count > maxRecords { st.responses.removeFirst(by: SideMessageIDState.Record.earlier) }
            emit(.response(requestFrame: reqFrame), nil)
        } else if let prior = st.responses[id] {
            if prior.digest == m.digest {
                emit(.retransmittedResponse(originalFrame: prior.frame), nil)
            } else if !prior.comparable || !m.digestComparable {
                emit(.unverifiedRetransmission(originalFrame: prior.frame), nil)
            } else if m.exchange == .ikeSAInit && id == 0 {
                st.responses[id] = .init(digest: m.digest, frame: m.frame)
                emit(.response(requestFrame: st.requests[id]?.frame ?? prior.frame), nil)
            } else {
                emit(.conflictingResponse(firstFrame: prior.frame), nil)
            }
        } else if !startedInCapture && (st.firstRequestID.map { id < $0 } ?? true) {
            emit(.historyResponse, nil)
        } else {
            emit(.unmatchedResponse, nil)
        }
    }

    /// Moves `side`'s next request ID after an accepted sync or reset (RFC 6311 §5.1,
    /// docs/reset-extension.md): its outstanding requests are abandoned and gaps forgotten. Flags a
    /// rebase that re-opens IDs the side already used.
    public mutating func rebase(_ side: IKESide, nextRequestID: UInt32, frame: Int) -> [MessageIDEvent] {
        var st = take(side)
        var events = [MessageIDEvent(kind: .rebased(from: st.nextRequestID, to: nextRequestID), sender: side,
                                     messageID: nextRequestID, frame: frame)]
        if let high = st.highestRequestID, nextRequestID <= high {
            events.append(MessageIDEvent(kind: .rebaseReopensIDs(highestUsed: high), sender: side,
                                         messageID: nextRequestID, frame: frame))
        }
        st.nextRequestID = nextRequestID
        st.pending = IDMap()
        st.missing = []
        // From here on the side's counter is known: lower IDs are no longer "history".
        if st.firstRequestID == nil { st.firstRequestID = 0 }
        self[side] = st
        return events
    }
}
