import IKEv2

/// One endpoint's two Message ID counters for an IKE SA (RFC 7296 §2.2): the ID of its next
/// own request, and the ID it expects in the next request from its peer.
///
/// `nextExpected` is "highest request received + 1": RFC 6311 §9 tells the peer to stop waiting
/// for missing requests (received 4-7 but not 3 → advertise 8), so a hole below it is not tracked.
public struct MessageIDCounters: Hashable, Sendable, CustomStringConvertible {
    /// The Message ID this endpoint puts in its next request.
    public var nextSend: UInt32
    /// The Message ID this endpoint expects in the next request it receives.
    public var nextExpected: UInt32

    public init(nextSend: UInt32, nextExpected: UInt32) {
        self.nextSend = nextSend
        self.nextExpected = nextExpected
    }

    /// The counters from what an endpoint has seen, as people usually count: the highest Message
    /// ID it used in a request of its own, and the highest it received in a request from its peer
    /// (nil: none yet). Throws when either is already the last ID (RFC 7296 §2.2: rekey instead).
    ///
    /// `MessageIDCounters(highestSent: 4, highestReceived: 11)` is `(nextSend: 5, nextExpected: 12)`.
    public init(highestSent: UInt32?, highestReceived: UInt32?) throws(HAError) {
        func next(_ v: UInt32?) throws(HAError) -> UInt32 {
            guard let v else { return 0 }
            let (n, overflow) = v.addingReportingOverflow(1)
            guard !overflow else { throw .messageIDSpaceExhausted }
            return n
        }
        self.init(nextSend: try next(highestSent), nextExpected: try next(highestReceived))
    }

    /// The highest Message ID used in an own request (nil before the first).
    public var highestSent: UInt32? { nextSend == 0 ? nil : nextSend - 1 }
    /// The highest Message ID received in a request from the peer (nil before the first).
    public var highestReceived: UInt32? { nextExpected == 0 ? nil : nextExpected - 1 }

    /// `(SEND, RECV)`, the tuple notation of RFC 6311 Appendix A.
    public var description: String { "(\(nextSend), \(nextExpected))" }
}

/// The two ends of an IKE SA by original role (the I flag, RFC 7296 §3.1).
public enum IKESide: String, Hashable, Sendable, CaseIterable {
    case initiator
    case responder

    /// The other end.
    public var peer: IKESide { self == .initiator ? .responder : .initiator }
}

/// Errors of the HA procedures (not wire errors: those are `IKEError`).
public enum HAError: Error, Hashable, Sendable {
    /// The 32-bit Message ID space would be exceeded; RFC 7296 §2.2 requires closing or
    /// rekeying the IKE SA instead.
    case messageIDSpaceExhausted
    /// RFC 6311 §7 (and docs/reset-extension.md): at most one counter synchronization per IKE SA per
    /// failover event.
    case alreadySynchronizedThisFailover
    /// The delta's width does not match the Child SAs' ESN setting (RFC 6311 §6.4).
    case deltaWidthMismatch(spi: UInt32, childUsesESN: Bool)
    /// Advancing a counter by the delta would make it cycle (RFC 4303 §3.3.3).
    case sequenceNumberWouldWrap(spi: UInt32)
}
