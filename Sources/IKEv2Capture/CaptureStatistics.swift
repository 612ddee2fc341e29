// Running counts of a read, with the reasons frames were dropped.

/// Why data was dropped.
public enum DropReason: String, Hashable, Sendable, CaseIterable {
    /// A pending IP datagram was not completed within the timeout.
    case fragmentTimeout
    /// A pending datagram was evicted because too many datagrams or bytes were held.
    case fragmentBufferFull
    /// The datagram would exceed `maxDatagramSize` or `maxFragmentsPerDatagram`.
    case fragmentTooLarge
    /// IPv6 overlapping fragments (RFC 5722 §4: the whole datagram is discarded).
    case fragmentOverlap
    /// Fragments still pending when the file ended.
    case fragmentIncompleteAtEnd
    /// Inconsistent fragment (e.g. non-final fragment not a multiple of 8, bad length).
    case fragmentMalformed
    /// A TCP stream exceeded its buffer limit or the stream table was full.
    case tcpBufferFull
    /// A TCP record length of 0 or 1 (RFC 9329 §3: fatal for the connection).
    case tcpBadFraming
    /// TCP data missing (a gap that was never filled).
    case tcpGap
}

/// Running counts, updated while reading.
public struct CaptureStatistics: Hashable, Sendable {
    /// Every record in the file read so far.
    public var framesRead = 0
    /// Records that passed the BPF filter (all records when no filter).
    public var framesMatched = 0
    public var ikeMessages = 0
    public var espPackets = 0
    /// AH headers (RFC 4302) seen.
    public var ahPackets = 0
    public var natKeepalives = 0
    /// Frames that were IP fragments.
    public var ipFragments = 0
    /// IP datagrams rebuilt from fragments.
    public var datagramsReassembled = 0
    /// IKE/ESP records taken from TCP streams.
    public var tcpRecords = 0
    /// IPv4 fragments whose data overlapped data already held (RFC 791: later data wins).
    public var overlappingFragments = 0
    /// Exact duplicate fragments (ignored).
    public var duplicateFragments = 0
    public var drops: [DropReason: Int] = [:]
    public init() {}
    mutating func drop(_ r: DropReason, _ n: Int = 1) { drops[r, default: 0] += n }
    /// Sum of all drops.
    public var totalDrops: Int { drops.values.reduce(0, +) }

    /// Adds another input's counters (several capture points read together).
    mutating func add(_ s: CaptureStatistics) {
        framesRead += s.framesRead
        framesMatched += s.framesMatched
        ikeMessages += s.ikeMessages
        espPackets += s.espPackets
        ahPackets += s.ahPackets
        natKeepalives += s.natKeepalives
        ipFragments += s.ipFragments
        datagramsReassembled += s.datagramsReassembled
        tcpRecords += s.tcpRecords
        overlappingFragments += s.overlappingFragments
        duplicateFragments += s.duplicateFragments
        for (k, v) in s.drops { drops[k, default: 0] += v }
    }
}
