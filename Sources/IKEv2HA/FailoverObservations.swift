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

/// A Child SA proposal seen in an SA payload (RFC 7296 §3.3.1): the SPI is the sender's
/// inbound SPI, so the other side sends ESP/AH with it.
public struct FailoverChildProposal: Hashable, Sendable {
    public var spi: UInt32
    /// ESP (50) or AH (51).
    public var ipProtocol: UInt8
    /// Whether the proposal offers only ESN (true), only 32-bit numbers (false), or both / none (nil)
    /// (transform type 5, RFC 7296 §3.3.2).
    public var extendedSequenceNumbers: Bool?

    public init(spi: UInt32, ipProtocol: UInt8 = 50, extendedSequenceNumbers: Bool? = nil) {
        self.spi = spi
        self.ipProtocol = ipProtocol
        self.extendedSequenceNumbers = extendedSequenceNumbers
    }
}

/// The visible content of a message.
public struct FailoverVisibleContent: Hashable, Sendable {
    /// The payload chain: outer cleartext payloads, then the inner chain of SK content.
    public var payloadTypes: [PayloadType]
    /// The Notify payloads, each with whether it was inside SK.
    public var notifies: [SeenNotify]
    /// ESP/AH proposals of SA payloads.
    public var childProposals: [FailoverChildProposal]
    /// The 8-octet SPI of an IKE proposal in a CREATE_CHILD_SA (an IKE SA rekey, RFC 7296 §1.3.2).
    public var ikeProposalSPI: UInt64?
    /// A Delete payload for the IKE SA itself (protocol 1, RFC 7296 §3.11).
    public var deletesIKESA: Bool

    public init(payloadTypes: [PayloadType], notifies: [SeenNotify], childProposals: [FailoverChildProposal] = [],
                ikeProposalSPI: UInt64? = nil, deletesIKESA: Bool = false) {
        self.payloadTypes = payloadTypes
        self.notifies = notifies
        self.childProposals = childProposals
        self.ikeProposalSPI = ikeProposalSPI
        self.deletesIKESA = deletesIKESA
    }
}

/// What is visible of a message's content.
public enum FailoverContent: Hashable, Sendable {
    /// Cleartext, or SK content that was decrypted and authenticated.
    case visible(FailoverVisibleContent)
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
    public var digest: MessageDigest
    /// Whether `digest` covers the whole content (false for one fragment seen without keys:
    /// another fragmentation of the same message has other bytes, RFC 7383 §2.5.3).
    public var digestComparable: Bool
    public var source: FailoverHost
    public var destination: FailoverHost
    public var content: FailoverContent

    public init(frame: Int, timeNanos: Int64 = 0, initiatorSPI: UInt64, responderSPI: UInt64, sender: IKESide,
                isResponse: Bool, messageID: UInt32, exchange: ExchangeType, digest: [UInt8],
                digestComparable: Bool = true,
                source: FailoverHost, destination: FailoverHost, content: FailoverContent) {
        self.init(frame: frame, timeNanos: timeNanos, initiatorSPI: initiatorSPI, responderSPI: responderSPI,
                  sender: sender, isResponse: isResponse, messageID: messageID, exchange: exchange,
                  digest: MessageDigest(digest), digestComparable: digestComparable, source: source,
                  destination: destination, content: content)
    }

    public init(frame: Int, timeNanos: Int64 = 0, initiatorSPI: UInt64, responderSPI: UInt64, sender: IKESide,
                isResponse: Bool, messageID: UInt32, exchange: ExchangeType, digest: MessageDigest,
                digestComparable: Bool = true,
                source: FailoverHost, destination: FailoverHost, content: FailoverContent) {
        self.digestComparable = digestComparable
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

/// One ESP (RFC 4303 §2) or AH (RFC 4302 §2) packet: SPI and the low 32 bits of its sequence number.
public struct FailoverESPObservation: Hashable, Sendable {
    public var frame: Int
    public var timeNanos: Int64
    public var spi: UInt32
    public var sequence: UInt32
    /// 50 for ESP (also UDP-encapsulated), 51 for AH.
    public var ipProtocol: UInt8
    /// Any digest of the packet bytes (0 when unknown): a duplicate repeats the bytes, a sender
    /// that reuses its counter sends other bytes with the same sequence number.
    public var digest: UInt64
    public var source: FailoverHost
    public var destination: FailoverHost

    public init(frame: Int, timeNanos: Int64 = 0, spi: UInt32, sequence: UInt32, ipProtocol: UInt8 = 50,
                digest: UInt64 = 0, source: FailoverHost, destination: FailoverHost) {
        self.ipProtocol = ipProtocol
        self.digest = digest
        self.frame = frame
        self.timeNanos = timeNanos
        self.spi = spi
        self.sequence = sequence
        self.source = source
        self.destination = destination
    }
}
