// Value types shared by the capture reader and writer: addresses, metadata, options, errors.

/// An IPv4 or IPv6 address (RFC 791 §3.1, RFC 8200 §3), stored inline (no allocation).
///
/// `description` gives dotted quad for IPv4 and the RFC 5952 §4 canonical compressed text
/// form for IPv6 (lowercase, longest run of two or more zero groups as `::`, first run on a tie).
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt64, UInt64)

    /// The 4 or 16 address bytes in network order.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let a):
            return [UInt8(a >> 24), UInt8(truncatingIfNeeded: a >> 16), UInt8(truncatingIfNeeded: a >> 8), UInt8(truncatingIfNeeded: a)]
        case .v6(let hi, let lo):
            var out: [UInt8] = []
            out.reserveCapacity(16)
            for i in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: hi >> UInt64(i))) }
            for i in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: lo >> UInt64(i))) }
            return out
        }
    }

    public var isIPv6: Bool {
        if case .v6 = self { return true }
        return false
    }

    /// Builds an address from 4 or 16 bytes; `nil` for any other count.
    public init?(bytes: some Collection<UInt8>) {
        let b = Array(bytes)
        if b.count == 4 {
            self = .v4(UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3]))
        } else if b.count == 16 {
            var hi: UInt64 = 0
            var lo: UInt64 = 0
            for i in 0..<8 { hi = hi << 8 | UInt64(b[i]) }
            for i in 8..<16 { lo = lo << 8 | UInt64(b[i]) }
            self = .v6(hi, lo)
        } else {
            return nil
        }
    }

    /// Parses "192.0.2.1" or an IPv6 text form ("2001:db8::1", "::", "::ffff:192.0.2.1").
    public init?(_ text: String) {
        if !text.contains(":") {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var v: UInt32 = 0
            for p in parts {
                guard !p.isEmpty, p.count <= 3, let n = UInt8(p) else { return nil }
                v = v << 8 | UInt32(n)
            }
            self = .v4(v)
            return
        }
        // IPv6: split around at most one "::".
        var groups: [UInt16] = []
        let halves = IPAddress.splitDoubleColon(text)
        guard halves.count <= 2 else { return nil }
        func parseGroups(_ s: String) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            let items = s.split(separator: ":", omittingEmptySubsequences: false)
            for (i, item) in items.enumerated() {
                if i == items.count - 1, item.contains("."), let v4 = IPAddress(String(item)), case .v4(let a) = v4 {
                    out.append(UInt16(a >> 16))
                    out.append(UInt16(truncatingIfNeeded: a))
                } else {
                    guard !item.isEmpty, item.count <= 4, let g = UInt16(item, radix: 16) else { return nil }
                    out.append(g)
                }
            }
            return out
        }
        guard let head = parseGroups(halves[0]) else { return nil }
        if halves.count == 2 {
            guard let tail = parseGroups(halves[1]), head.count + tail.count <= 7 else { return nil }
            groups = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard head.count == 8 else { return nil }
            groups = head
        }
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        for i in 0..<4 { hi = hi << 16 | UInt64(groups[i]) }
        for i in 4..<8 { lo = lo << 16 | UInt64(groups[i]) }
        self = .v6(hi, lo)
    }

    /// Dotted-quad text of an IPv4 address, built in a 16-byte stack buffer (at most 15
    /// characters, so the result is a small string: no allocation per address).
    static func dottedQuad(_ a: UInt32) -> String {
        var buf: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &buf) { raw in
            var n = 0
            for i in 0..<4 {
                let octet = UInt8(truncatingIfNeeded: a >> UInt32(24 - 8 * i))
                if i != 0 { raw[n] = UInt8(ascii: "."); n += 1 }
                if octet >= 100 { raw[n] = 0x30 &+ octet / 100; n += 1 }
                if octet >= 10 { raw[n] = 0x30 &+ (octet / 10) % 10; n += 1 }
                raw[n] = 0x30 &+ octet % 10
                n += 1
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<n]), as: UTF8.self)
        }
    }

    /// Splits `text` around each "::".
    static func splitDoubleColon(_ text: String) -> [String] {
        let u = Array(text.utf8)
        var out: [String] = []
        var start = 0
        var i = 0
        while i + 1 < u.count {
            if u[i] == UInt8(ascii: ":") && u[i + 1] == UInt8(ascii: ":") {
                out.append(String(decoding: u[start..<i], as: UTF8.self))
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        out.append(String(decoding: u[start..<u.count], as: UTF8.self))
        return out
    }

    public var description: String {
        switch self {
        case .v4(let a):
            return IPAddress.dottedQuad(a)
        case .v6(let hi, let lo):
            var g = [UInt16](repeating: 0, count: 8)
            for i in 0..<4 {
                g[i] = UInt16(truncatingIfNeeded: hi >> UInt64(48 - 16 * i))
                g[4 + i] = UInt16(truncatingIfNeeded: lo >> UInt64(48 - 16 * i))
            }
            // Longest run (>= 2) of zero groups.
            var bestStart = -1, bestLen = 0, i = 0
            while i < 8 {
                if g[i] == 0 {
                    var j = i
                    while j < 8 && g[j] == 0 { j += 1 }
                    if j - i > bestLen { bestStart = i; bestLen = j - i }
                    i = j
                } else {
                    i += 1
                }
            }
            if bestLen < 2 { bestStart = -1 }
            var s = ""
            var k = 0
            while k < 8 {
                if k == bestStart {
                    s += "::"
                    k += bestLen
                    continue
                }
                if !s.isEmpty && !s.hasSuffix(":") { s += ":" }
                s += String(g[k], radix: 16)
                k += 1
            }
            return s
        }
    }
}

/// A 48-bit IEEE 802 MAC address (stored in the low 48 bits).
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue & 0xffff_ffff_ffff }
    /// From 6 bytes; `nil` for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 6 else { return nil }
        var v: UInt64 = 0
        for b in bytes { v = v << 8 | UInt64(b) }
        rawValue = v
    }
    /// Parses "02:00:00:00:00:01" (also with '-').
    public init?(_ text: String) {
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == "-" })
        guard parts.count == 6 else { return nil }
        var v: UInt64 = 0
        for p in parts {
            guard p.count <= 2, let b = UInt8(p, radix: 16) else { return nil }
            v = v << 8 | UInt64(b)
        }
        rawValue = v
    }
    public var bytes: [UInt8] {
        (0..<6).map { UInt8(truncatingIfNeeded: rawValue >> UInt64(40 - 8 * $0)) }
    }
    public var description: String {
        bytes.map { b in
            let h = String(b, radix: 16)
            return h.count == 1 ? "0" + h : h
        }.joined(separator: ":")
    }
}

/// A link-layer header type as stored in capture files (LINKTYPE_ values; see
/// the tcpdump.org and IETF OPSAWG link-type registries).
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    /// BSD loopback, address family in the writer's host byte order.
    public static let null = LinkType(rawValue: 0)
    public static let ethernet = LinkType(rawValue: 1)
    /// Raw IP (the file value; libpcap reports it as DLT_RAW 12 on Linux).
    public static let raw = LinkType(rawValue: 101)
    /// OpenBSD loopback, address family big-endian.
    public static let loop = LinkType(rawValue: 108)
    public static let linuxSLL = LinkType(rawValue: 113)
    public static let ipv4 = LinkType(rawValue: 228)
    public static let ipv6 = LinkType(rawValue: 229)
    public static let linuxSLL2 = LinkType(rawValue: 276)
    public var description: String {
        switch rawValue {
        case 0: return "NULL"
        case 1: return "ETHERNET"
        case 12, 14, 101: return "RAW"
        case 108: return "LOOP"
        case 113: return "LINUX_SLL"
        case 228: return "IPV4"
        case 229: return "IPV6"
        case 276: return "LINUX_SLL2"
        default: return "LINKTYPE_\(rawValue)"
        }
    }
}

/// How the IKE (or ESP) bytes were carried.
public enum TransportKind: Hashable, Sendable {
    /// UDP with IKE directly after the UDP header (port 500 style, RFC 7296 §2).
    case udp
    /// UDP port 4500 style (RFC 3948 §2): IKE after the 4-byte non-ESP marker (already stripped
    /// from the bytes handed out), ESP directly, or a 1-byte NAT keepalive.
    case udpNATT
    /// TCP encapsulation (RFC 9329 §3): one length-framed record, marker stripped.
    case tcp
    /// ESP directly in IP (protocol 50, RFC 4303).
    case ip
    /// Not IP / not a recognised transport.
    case none
}

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

/// Resource bounds for IP fragment reassembly and TCP stream reassembly.
public struct ReassemblyLimits: Hashable, Sendable {
    /// Largest reassembled IP datagram payload accepted (bytes).
    public var maxDatagramSize = 65_535
    /// Most fragments kept for one datagram.
    public var maxFragmentsPerDatagram = 128
    /// Most datagrams under reassembly at once.
    public var maxPendingDatagrams = 1_024
    /// Total bytes held by IP reassembly (all datagrams).
    public var maxTotalBytes = 16 << 20
    /// A pending datagram older than this (capture time) is dropped. RFC 791 suggests 15 s
    /// initially; RFC 8200 §4.5 uses 60 s.
    public var timeoutNanoseconds: Int64 = 60_000_000_000
    /// TCP: most streams (directions) tracked at once.
    public var maxTCPStreams = 1_024
    /// TCP: most bytes buffered per direction (partial record + out-of-order segments).
    public var maxTCPBytesPerStream = 256 << 10
    /// TCP: total buffered bytes over all streams.
    public var maxTCPTotalBytes = 32 << 20
    public init() {}
}

/// Reader options.
public struct CaptureOptions: Hashable, Sendable {
    /// UDP ports carrying IKE directly after the UDP header (RFC 7296 §2).
    public var ikePorts: Set<UInt16> = [500]
    /// UDP ports carrying RFC 3948 NAT-T traffic (non-ESP marker + IKE, ESP, keepalives).
    public var nattPorts: Set<UInt16> = [4500]
    /// TCP ports carrying RFC 9329 IKE/ESP over TCP.
    public var tcpPorts: Set<UInt16> = [4500]
    /// Reassemble IP fragments (RFC 791 §3.2, RFC 8200 §4.5).
    public var reassembleIP = true
    /// Reassemble TCP streams on `tcpPorts`.
    public var reassembleTCP = true
    /// Also emit `.ignored` events (one per frame that produced nothing else).
    public var reportIgnored = false
    public var limits = ReassemblyLimits()
    public init() {}
}

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

/// Errors from opening, reading or writing captures.
public struct CaptureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong. An open set, like `IKEError.Code`: a later version may add codes, so a
    /// `switch` over it needs a `default`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let openFailed = Code(rawValue: "openFailed")
        public static let badFilter = Code(rawValue: "badFilter")
        public static let unsupportedLinkType = Code(rawValue: "unsupportedLinkType")
        /// The file ends in the middle of a record or header (libpcap "truncated dump file").
        public static let truncatedFile = Code(rawValue: "truncatedFile")
        /// A record or block header that cannot be valid (e.g. length over libpcap's maximum).
        public static let corruptRecord = Code(rawValue: "corruptRecord")
        public static let writeFailed = Code(rawValue: "writeFailed")
        public static let invalidArgument = Code(rawValue: "invalidArgument")
    }
    public var code: Code
    /// The frame being read when the error happened (records before it were delivered);
    /// 0 when not applicable.
    public var frameNumber: Int
    /// Byte position in the file where reading stopped, when known (-1 otherwise).
    public var byteOffset: Int
    public var message: String

    public init(_ code: Code, frame: Int = 0, byteOffset: Int = -1, _ message: String) {
        self.code = code
        self.frameNumber = frame
        self.byteOffset = byteOffset
        self.message = message
    }

    public var description: String {
        var s = "\(code.rawValue)"
        if frameNumber > 0 { s += " at frame \(frameNumber)" }
        if byteOffset >= 0 { s += " (byte \(byteOffset))" }
        return s + ": " + message
    }
}
