// Link types and the transport an IKE message travelled on.

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
