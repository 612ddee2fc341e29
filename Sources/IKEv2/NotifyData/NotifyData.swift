// Typed Notification Data (RFC 7296 §3.10 and extensions): the value model.
//
// `NotifyDecoder` (NotifyDecoder.swift) turns a `NotifyView` into a `NotifyData`, checking each
// typed kind strictly; `NotifyDecoder.encode(_:)` and the `NotifyPayload` constructors
// (NotifyEncoders.swift) build owned payloads back.

/// The data of an RFC 6311 IKEV2_MESSAGE_ID_SYNC notify (§6.3), or of this project's private
/// IKEV2_MESSAGE_ID_RESET notify (docs/reset-extension.md), which has the same 12-octet layout.
///
/// Both counters are from the point of view of whoever *sends* the notify (RFC 6311 §5.1):
/// a sync request carries (M1, P1), its response (P2, M2).
public struct MessageIDSyncData: Hashable, Sendable {
    /// Random 32 bits chosen by the requester; the response echoes them (RFC 6311 §5.1, §11).
    public var nonce: UInt32
    /// EXPECTED_SEND_REQ_MESSAGE_ID (sync) / NEW_SEND_REQ_MESSAGE_ID (reset): the Message ID
    /// the sender of this notify uses in its next request.
    public var expectedSend: UInt32
    /// EXPECTED_RECV_REQ_MESSAGE_ID (sync) / NEW_RECV_REQ_MESSAGE_ID (reset): the Message ID
    /// the sender of this notify expects in the next request it receives.
    public var expectedRecv: UInt32

    public init(nonce: UInt32, expectedSend: UInt32, expectedRecv: UInt32) {
        self.nonce = nonce
        self.expectedSend = expectedSend
        self.expectedRecv = expectedRecv
    }

    /// The nonce as its 4 wire octets.
    public var nonceBytes: [UInt8] {
        [UInt8(truncatingIfNeeded: nonce >> 24), UInt8(truncatingIfNeeded: nonce >> 16),
         UInt8(truncatingIfNeeded: nonce >> 8), UInt8(truncatingIfNeeded: nonce)]
    }
}

/// The data of IPSEC_REPLAY_COUNTER_SYNC (RFC 6311 §6.4): the amount by which the peer advances
/// the outgoing sequence numbers of every Child SA of the IKE SA.
public struct ReplayCounterDelta: Hashable, Sendable {
    /// The delta value.
    public var delta: UInt64
    /// `true` for the 8-octet form (Child SAs use ESN), `false` for the 4-octet form.
    public var extendedSequenceNumbers: Bool

    public init(delta: UInt64, extendedSequenceNumbers: Bool) {
        self.delta = delta
        self.extendedSequenceNumbers = extendedSequenceNumbers
    }

    /// Octets on the wire: 8 with ESN, 4 without.
    public var width: Int { extendedSequenceNumbers ? 8 : 4 }
}

/// A gateway identity of the REDIRECT family (RFC 5685 §9: GW Ident Type, GW Ident Len, identity).
public enum GatewayIdentity: Hashable, Sendable {
    /// Type 1: a 4-octet IPv4 address.
    case ipv4([UInt8])
    /// Type 2: a 16-octet IPv6 address.
    case ipv6([UInt8])
    /// Type 3: a fully qualified domain name (octets as received).
    case fqdn([UInt8])
    /// Any other identity type, kept as bytes.
    case other(type: UInt8, identity: [UInt8])

    /// The GW Ident Type octet.
    public var typeCode: UInt8 {
        switch self {
        case .ipv4: 1
        case .ipv6: 2
        case .fqdn: 3
        case .other(let t, _): t
        }
    }

    /// The identity octets.
    public var identity: [UInt8] {
        switch self {
        case .ipv4(let b), .ipv6(let b), .fqdn(let b), .other(_, let b): b
        }
    }

    /// A printable form: dotted IPv4, RFC 5952-style IPv6, the FQDN, or hex.
    public var text: String {
        switch self {
        case .ipv4(let b) where b.count == 4, .ipv6(let b) where b.count == 16: return AddressText.string(b)
        case .fqdn(let b): return String(decoding: b, as: UTF8.self)
        default: return Hex.encode(identity)
        }
    }

    /// A name for the type: `ipv4`, `ipv6`, `fqdn` or the number.
    public var typeName: String {
        switch self {
        case .ipv4: "ipv4"
        case .ipv6: "ipv6"
        case .fqdn: "fqdn"
        case .other(let t, _): "\(t)"
        }
    }
}

/// Typed Notification Data. Produced by `NotifyDecoder.decode(_:)`; every kind whose data has a
/// structure operators look at is a case, anything else is `.raw`.
public enum NotifyData: Hashable, Sendable {
    /// IKEV2_MESSAGE_ID_SYNC_SUPPORTED (16420, RFC 6311 §6.1): no data.
    case messageIDSyncSupported
    /// IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED (16421, RFC 6311 §6.2): no data.
    case replayCounterSyncSupported
    /// IKEV2_MESSAGE_ID_SYNC (16422, RFC 6311 §6.3).
    case messageIDSync(MessageIDSyncData)
    /// IPSEC_REPLAY_COUNTER_SYNC (16423, RFC 6311 §6.4).
    case replayCounterSync(ReplayCounterDelta)
    /// IKEV2_MESSAGE_ID_RESET_SUPPORTED (private use, default 49373, docs/reset-extension.md): no data.
    case messageIDResetSupported
    /// IKEV2_MESSAGE_ID_RESET (private use, default 49374, docs/reset-extension.md): nonce,
    /// NEW_SEND_REQ_MESSAGE_ID, NEW_RECV_REQ_MESSAGE_ID.
    case messageIDReset(MessageIDSyncData)
    /// UNSUPPORTED_CRITICAL_PAYLOAD (1, RFC 7296 §3.10.1): the 1-octet payload type.
    case unsupportedCriticalPayload(PayloadType)
    /// INVALID_MESSAGE_ID (9, RFC 7296 §3.10.1): the 4-octet offending Message ID.
    case invalidMessageID(UInt32)
    /// INVALID_SPI (11, RFC 7296 §3.10.1): the SPI of the unknown SA, as bytes.
    case invalidSPI([UInt8])
    /// INVALID_KE_PAYLOAD (17, RFC 7296 §1.2, §3.10.1): the 2-octet DH group the responder wants.
    case invalidKEPayload(group: UInt16)
    /// INITIAL_CONTACT (16384, RFC 7296 §2.4): no data.
    case initialContact
    /// SET_WINDOW_SIZE (16385, RFC 7296 §2.3): the 4-octet window size.
    case setWindowSize(UInt32)
    /// NAT_DETECTION_SOURCE_IP (16388, RFC 7296 §2.23): the 20-octet SHA-1 hash.
    case natDetectionSourceIP([UInt8])
    /// NAT_DETECTION_DESTINATION_IP (16389, RFC 7296 §2.23): the 20-octet SHA-1 hash.
    case natDetectionDestinationIP([UInt8])
    /// COOKIE (16390, RFC 7296 §2.6): 1 to 64 octets.
    case cookie([UInt8])
    /// USE_TRANSPORT_MODE (16391, RFC 7296 §1.3.1): no data.
    case useTransportMode
    /// REKEY_SA (16393, RFC 7296 §1.3.3): the SA being rekeyed, named by the SPI field.
    case rekeySA(protocolID: ProtocolID, spi: [UInt8])
    /// REDIRECT_SUPPORTED (16406, RFC 5685 §4): no data.
    case redirectSupported
    /// REDIRECT (16407, RFC 5685 §9): the new gateway and, in IKE_SA_INIT, the initiator's
    /// nonce (empty otherwise).
    case redirect(gateway: GatewayIdentity, nonce: [UInt8])
    /// REDIRECTED_FROM (16408, RFC 5685 §9): the gateway the initiator was redirected from.
    case redirectedFrom(GatewayIdentity)
    /// IKEV2_FRAGMENTATION_SUPPORTED (16430, RFC 7383 §2.3): no data.
    case fragmentationSupported
    /// SIGNATURE_HASH_ALGORITHMS (16431, RFC 7427 §4): a list of 2-octet hash algorithm IDs.
    case signatureHashAlgorithms([UInt16])
    /// Any other notify: SPI and data as bytes.
    case raw(spi: [UInt8], data: [UInt8])
}

/// A rendered value of one field of a `NotifyData` (see `NotifyData.fields`).
public indirect enum NotifyFieldValue: Hashable, Sendable {
    case number(UInt64)
    case hex([UInt8])
    case string(String)
    case list([NotifyFieldValue])
}

/// One named field of a decoded notify, in wire order.
public struct NotifyField: Hashable, Sendable {
    /// A snake_case key, e.g. `expected_send_req_message_id`.
    public var key: String
    public var value: NotifyFieldValue

    public init(_ key: String, _ value: NotifyFieldValue) {
        self.key = key
        self.value = value
    }
}

/// Receives the fields of typed notify data, in wire order: the one description of each notify's
/// fields (`NotifyData.emitFields(into:)`), rendered as owned `fields`, as streaming JSON, as text.
public protocol NotifyFieldSink {
    mutating func number(_ key: StaticString, _ value: UInt64)
    mutating func hex(_ key: StaticString, bytes value: [UInt8])
    mutating func string(_ key: StaticString, _ value: String)
    mutating func numberList(_ key: StaticString, _ values: [UInt64])
}

extension MessageIDSyncData {
    /// The keys of the 12-octet data: RFC 6311 §6.3 names for a sync, the reset extension's names
    /// (docs/reset-extension.md §3) for a reset.
    package static func fieldKeys(reset: Bool) -> (nonce: StaticString, send: StaticString, recv: StaticString) {
        reset ? ("nonce", "new_send_req_message_id", "new_recv_req_message_id")
            : ("nonce", "expected_send_req_message_id", "expected_recv_req_message_id")
    }
}

extension NotifyData {
    /// Writes the data's fields, in wire order, into `sink`. Kinds without data write nothing.
    public func emitFields<S: NotifyFieldSink>(into s: inout S) {
        switch self {
        case .messageIDSyncSupported, .replayCounterSyncSupported, .messageIDResetSupported,
             .initialContact, .useTransportMode, .redirectSupported, .fragmentationSupported:
            break
        case .messageIDSync(let d), .messageIDReset(let d):
            let k = MessageIDSyncData.fieldKeys(reset: { if case .messageIDReset = self { true } else { false } }())
            s.number(k.nonce, UInt64(d.nonce))
            s.number(k.send, UInt64(d.expectedSend))
            s.number(k.recv, UInt64(d.expectedRecv))
        case .replayCounterSync(let d):
            s.number("delta", d.delta)
        case .unsupportedCriticalPayload(let t):
            s.number("payload_type", UInt64(t.rawValue))
        case .invalidMessageID(let m):
            s.number("message_id", UInt64(m))
        case .invalidSPI(let spi):
            s.hex("spi", bytes: spi)
        case .invalidKEPayload(let g):
            s.number("group", UInt64(g))
        case .setWindowSize(let n):
            s.number("window_size", UInt64(n))
        case .natDetectionSourceIP(let h), .natDetectionDestinationIP(let h):
            s.hex("hash", bytes: h)
        case .cookie(let c):
            s.hex("cookie", bytes: c)
        case .rekeySA(let p, let spi):
            s.number("protocol_id", UInt64(p.rawValue))
            s.hex("spi", bytes: spi)
        case .redirect(let gw, let nonce):
            s.number("gateway_identity_type", UInt64(gw.typeCode))
            s.string("gateway_identity", gw.text)
            if !nonce.isEmpty { s.hex("nonce", bytes: nonce) }
        case .redirectedFrom(let gw):
            s.number("gateway_identity_type", UInt64(gw.typeCode))
            s.string("gateway_identity", gw.text)
        case .signatureHashAlgorithms(let ids):
            s.numberList("hash_algorithms", ids.map { UInt64($0) })
        case .raw(let spi, let data):
            if !spi.isEmpty { s.hex("spi", bytes: spi) }
            s.hex("data", bytes: data)
        }
    }

    /// The data's fields, in wire order, for generic renderers (JSON objects, text lines).
    /// Kinds without data return `[]`.
    public var fields: [NotifyField] {
        var sink = FieldCollector()
        emitFields(into: &sink)
        return sink.fields
    }

    /// `true` for `.raw` (no typed decoding applies).
    public var isRaw: Bool {
        if case .raw = self { return true }
        return false
    }
}

/// Collects fields as owned values (`NotifyData.fields`).
struct FieldCollector: NotifyFieldSink {
    var fields: [NotifyField] = []
    mutating func number(_ key: StaticString, _ value: UInt64) { fields.append(NotifyField(key.description, .number(value))) }
    mutating func hex(_ key: StaticString, bytes value: [UInt8]) { fields.append(NotifyField(key.description, .hex(value))) }
    mutating func string(_ key: StaticString, _ value: String) { fields.append(NotifyField(key.description, .string(value))) }
    mutating func numberList(_ key: StaticString, _ values: [UInt64]) {
        fields.append(NotifyField(key.description, .list(values.map { .number($0) })))
    }
}

