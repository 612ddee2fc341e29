// How to read: ports, reassembly limits and the other options.

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
