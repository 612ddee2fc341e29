// What the reader hands out per frame: metadata and the kind of event.

/// Everything known about where an event's bytes came from.
public struct PacketMeta: Hashable, Sendable {
    /// Which input of a `CaptureReader` the packet came from (0-based, in the order the files
    /// were given; always 0 for one file or an interface). Frame numbers count per input.
    public var captureIndex: Int = 0
    /// 1-based record number in the file (every record counts, as in tshark's `frame.number`).
    /// For a message rebuilt from IP fragments or TCP segments: the frame that completed it.
    public var frameNumber: Int = 0
    /// First frame that contributed (equal to `frameNumber` unless reassembled).
    public var firstFrameNumber: Int = 0
    /// Capture timestamp in nanoseconds since 1970-01-01 UTC (of `frameNumber`).
    public var timestampNanoseconds: Int64 = 0
    public var capturedLength: Int = 0
    public var originalLength: Int = 0
    public var linkType = LinkType.ethernet
    /// Ethernet addresses; for Linux SLL/SLL2 only the source (when it is 6 bytes).
    public var sourceMAC: MACAddress? = nil
    public var destinationMAC: MACAddress? = nil
    /// 802.1Q/802.1ad VLAN IDs, outermost first (0 = none).
    public var outerVLAN: UInt16 = 0
    public var innerVLAN: UInt16 = 0
    /// 4 or 6 (0 when the frame is not IP).
    public var ipVersion: UInt8 = 0
    public var source = IPAddress.v4(0)
    public var destination = IPAddress.v4(0)
    /// IPv4 TTL or IPv6 Hop Limit.
    public var ttl: UInt8 = 0
    /// IPv4 Identification; IPv6: the Fragment header's Identification, else 0.
    public var ipID: UInt32 = 0
    public var sourcePort: UInt16 = 0
    public var destinationPort: UInt16 = 0
    public var transport = TransportKind.none
    /// Rebuilt from IP fragments or several TCP segments.
    public var isReassembled = false
    /// The bytes handed out are shorter than the transport says (snaplen cut or a truncated
    /// first fragment that could not be reassembled).
    public var isTruncated = false

    public init() {}
}

/// Why a frame produced no IKE/ESP/keepalive event.
public enum IgnoredReason: Hashable, Sendable {
    /// The BPF filter did not match (only reported when `CaptureOptions.reportIgnored`).
    case filteredOut
    case unsupportedLinkProtocol
    case notIP
    case malformed
    /// A UDP/TCP packet on ports not configured as IKE.
    case otherTraffic
    /// An IP fragment held for reassembly (the datagram is not complete yet).
    case fragmentHeld
    /// A TCP segment with no complete record yet.
    case segmentHeld
}

/// What a frame (or a reassembled datagram/record) carried.
public enum CaptureEventKind: Hashable, Sendable {
    /// An IKE message (IKEv1 or IKEv2); `CaptureEvent.bytes` starts at the IKE header.
    case ike
    /// An ESP packet (RFC 4303 §2): SPI and 32-bit sequence number; `bytes` is the ESP packet.
    case esp(spi: UInt32, sequence: UInt32)
    /// An AH header (RFC 4302 §2, IP protocol 51): SPI and 32-bit sequence number; `bytes` is
    /// the AH header with its ICV. What follows AH (e.g. UDP with IKE, or ESP) is decoded too and
    /// reported as its own event.
    case ah(spi: UInt32, sequence: UInt32)
    /// A 1-byte 0xFF NAT-keepalive (RFC 3948 §2.3).
    case natKeepalive
    case ignored(IgnoredReason)
}
