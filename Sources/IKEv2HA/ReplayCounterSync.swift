import IKEv2

// RFC 6311 §5.2, §6.4, §8.2: IPsec replay-counter synchronization.

/// The outgoing ESP/AH sequence counter of one Child SA (RFC 4303 §3.3.3): the number of the
/// last packet sent (0 before the first).
public struct ChildSACounter: Hashable, Sendable {
    /// The Child SA's SPI (for diagnostics).
    public var spi: UInt32
    /// Last sequence number used (64 bits with ESN, else at most 2^32-1).
    public var sequence: UInt64
    /// Whether the Child SA negotiated Extended Sequence Numbers.
    public var extendedSequenceNumbers: Bool

    public init(spi: UInt32, sequence: UInt64, extendedSequenceNumbers: Bool) {
        self.spi = spi
        self.sequence = sequence
        self.extendedSequenceNumbers = extendedSequenceNumbers
    }
}

public enum ReplayCounterSync {
    /// RFC 6311 §5.2: the jump a member makes in its own outbound counters when it has no
    /// bandwidth estimate (2^30); it should rekey soon after.
    public static let defaultOutboundJump: UInt64 = 1 << 30

    /// Applies a received delta to **all** Child SAs of the IKE SA (RFC 6311 §5.2, §6.4), or to
    /// none: a 4-octet delta requires every Child SA to be non-ESN, an 8-octet delta every one
    /// to use ESN, and no counter may cycle (RFC 4303 §3.3.3: rekey instead).
    public static func apply(_ delta: ReplayCounterDelta, to counters: [ChildSACounter]) throws(HAError) -> [ChildSACounter] {
        var out = counters
        for i in out.indices {
            let c = out[i]
            guard c.extendedSequenceNumbers == delta.extendedSequenceNumbers else {
                throw .deltaWidthMismatch(spi: c.spi, childUsesESN: c.extendedSequenceNumbers)
            }
            let (sum, overflow) = c.sequence.addingReportingOverflow(delta.delta)
            let limit: UInt64 = c.extendedSequenceNumbers ? UInt64.max : UInt64(UInt32.max)
            guard !overflow, sum <= limit else { throw .sequenceNumberWouldWrap(spi: c.spi) }
            out[i].sequence = sum
        }
        return out
    }

    /// The delta form (4 or 8 octets) for a set of Child SAs, or nil when they mix ESN and
    /// non-ESN (RFC 6311 §6.4: one delta covers all, so the mechanism needs all or none).
    public static func deltaUsesESN(for counters: [ChildSACounter]) -> Bool? {
        guard let first = counters.first?.extendedSequenceNumbers else { return nil }
        return counters.allSatisfy { $0.extendedSequenceNumbers == first } ? first : nil
    }
}
