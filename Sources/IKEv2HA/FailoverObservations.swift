import IKEv2

// The input of `FailoverAnalyzer`: what a capture shows about each IKE message and ESP packet,
// as plain values. The analyzer does not depend on a capture library; `IKEv2Report` turns
// capture events into these observations (and decrypts SK payloads when keys are given).

/// One end of a packet as seen on the wire: the IP-layer and link-layer identity of the host
/// that sent (or received) it. A failover shows up as a change of this identity on the gateway
/// side of an IKE SA (new MAC, other TTL, other IP ID pattern; RFC 6027 §2 "Failover").
public struct FailoverHost: Hashable, Sendable {
    /// The IP address as text (only compared for equality).
    public var address: String
    /// UDP/TCP port (0 for ESP directly in IP).
    public var port: UInt16
    /// The source MAC (48 bits) when the link layer shows one.
    public var mac: UInt64?
    /// IPv4 TTL or IPv6 Hop Limit.
    public var ttl: UInt8?
    /// IPv4 Identification (nil for IPv6 without a Fragment header).
    public var ipID: UInt32?

    public init(address: String, port: UInt16 = 0, mac: UInt64? = nil, ttl: UInt8? = nil, ipID: UInt32? = nil) {
        self.address = address
        self.port = port
        self.mac = mac
        self.ttl = ttl
        self.ipID = ipID
    }
}

/// What is visible of a message's content.
public enum FailoverContent: Hashable, Sendable {
    /// Cleartext, or SK content that was decrypted and authenticated. `payloadTypes` is the
    /// (inner) payload chain, `notifies` the Notify payloads, `childSPIs` the 4-octet SPIs of
    /// ESP/AH proposals in SA payloads (RFC 7296 §3.3.1: each is the sender's inbound SPI).
    case visible(payloadTypes: [PayloadType], notifies: [NotifyPayload], childSPIs: [UInt32])
    /// An SK/SKF payload is present but no key is known for this IKE SA.
    case keysMissing
    /// Keys exist but the content could not be decrypted (ICV mismatch, bad padding ...).
    case undecryptable(String)
}

/// One IKEv2 message.
public struct FailoverMessageObservation: Hashable, Sendable {
    /// Frame number (1-based, as tshark numbers them).
    public var frame: Int
    /// Capture time, nanoseconds since the Unix epoch.
    public var timeNanos: Int64
    public var initiatorSPI: UInt64
    /// Zero in an IKE_SA_INIT request (RFC 7296 §3.1); the analyzer joins it to its SA.
    public var responderSPI: UInt64
    /// The original role of the sender: the I flag (RFC 7296 §3.1).
    public var sender: IKESide
    /// The R flag.
    public var isResponse: Bool
    public var messageID: UInt32
    public var exchange: ExchangeType
    /// Any digest of the message bytes, only compared for equality (a retransmission is
    /// bitwise identical, RFC 7296 §2.1).
    public var digest: [UInt8]
    public var source: FailoverHost
    public var destination: FailoverHost
    public var content: FailoverContent

    public init(frame: Int, timeNanos: Int64 = 0, initiatorSPI: UInt64, responderSPI: UInt64, sender: IKESide,
                isResponse: Bool, messageID: UInt32, exchange: ExchangeType, digest: [UInt8],
                source: FailoverHost, destination: FailoverHost, content: FailoverContent) {
        self.frame = frame
        self.timeNanos = timeNanos
        self.initiatorSPI = initiatorSPI
        self.responderSPI = responderSPI
        self.sender = sender
        self.isResponse = isResponse
        self.messageID = messageID
        self.exchange = exchange
        self.digest = digest
        self.source = source
        self.destination = destination
        self.content = content
    }
}

/// One ESP packet (RFC 4303 §2): SPI and the low 32 bits of its sequence number.
public struct FailoverESPObservation: Hashable, Sendable {
    public var frame: Int
    public var timeNanos: Int64
    public var spi: UInt32
    public var sequence: UInt32
    public var source: FailoverHost
    public var destination: FailoverHost

    public init(frame: Int, timeNanos: Int64 = 0, spi: UInt32, sequence: UInt32, source: FailoverHost,
                destination: FailoverHost) {
        self.frame = frame
        self.timeNanos = timeNanos
        self.spi = spi
        self.sequence = sequence
        self.source = source
        self.destination = destination
    }
}
