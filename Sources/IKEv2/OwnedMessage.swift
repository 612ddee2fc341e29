// Owned payloads and messages, the serializer, and the dispatch from a generic `PayloadView`
// to each type's view. Each payload type's parse and serialize live side by side in Payloads/.

/// An owned payload body, one case per payload type (RFC 7296 §3.3-§3.16 and extensions).
public enum PayloadBody: Hashable, Sendable {
    case securityAssociation(SAPayload)
    case keyExchange(KEPayload)
    /// IDi (35) or IDr (36); the payload's type says which.
    case identification(IdentificationPayload)
    case certificate(CertificatePayload)
    case certificateRequest(CertificatePayload)
    case authentication(AuthenticationPayload)
    case nonce(OpaquePayload)
    case notify(NotifyPayload)
    case delete(DeletePayload)
    case vendorID(OpaquePayload)
    /// TSi (44) or TSr (45).
    case trafficSelectors(TrafficSelectorsPayload)
    /// SK: the encrypted body as received (IV, ciphertext, ICV).
    case encrypted(OpaquePayload)
    case configuration(ConfigurationPayload)
    case eap(EAPPayload)
    /// GSPM (49), IDg (50), GSA (51), KD (52), PS (54): bodies kept as bytes.
    case opaque(OpaquePayload)
    case encryptedFragment(EncryptedFragmentPayload)
    /// A payload type this codec does not know (kept byte-for-byte).
    case unknown(OpaquePayload)
}

/// An owned payload: generic header fields plus a typed body.
public struct IKEPayload: Hashable, Sendable {
    public var type: PayloadType
    /// The octet holding C (0x80) and the 7 reserved bits, as received or to send.
    public var flagsOctet: UInt8
    /// Next Payload as parsed. The built serializer recomputes it from the following payload,
    /// except for SK/SKF, where it names the first inner payload and is always used as is.
    public var nextPayload: PayloadType
    public var body: PayloadBody

    public init(type: PayloadType, critical: Bool = false, nextPayload: PayloadType = .none, body: PayloadBody) {
        self.type = type
        self.flagsOctet = critical ? 0x80 : 0
        self.nextPayload = nextPayload
        self.body = body
    }

    public var isCritical: Bool { flagsOctet & 0x80 != 0 }

    /// Convenience constructors for common payloads.
    public static func notify(_ n: NotifyPayload) -> IKEPayload { IKEPayload(type: .notify, body: .notify(n)) }

    /// An owned copy of a parsed payload (its body fully parsed and validated).
    public init(_ view: borrowing PayloadView) throws(IKEError) {
        type = view.type
        flagsOctet = view.flagsOctet
        nextPayload = view.nextPayload
        do {
            body = try PayloadBody.parse(view)
        } catch {
            throw error.within(view.pathName)
        }
    }

    /// Appends this payload (generic header + body) with a freshly computed length.
    public func write(to w: inout ByteWriter, next: PayloadType) throws(IKEError) {
        let start = w.count
        w.u8(next.rawValue)
        w.u8(flagsOctet)
        w.u16(0)
        switch body {
        case .securityAssociation(let b): try b.writeBody(to: &w)
        case .keyExchange(let b): b.writeBody(to: &w)
        case .identification(let b): b.writeBody(to: &w)
        case .certificate(let b), .certificateRequest(let b): b.writeBody(to: &w)
        case .authentication(let b): b.writeBody(to: &w)
        case .nonce(let b), .vendorID(let b), .encrypted(let b), .opaque(let b), .unknown(let b): b.writeBody(to: &w)
        case .notify(let b): try b.writeBody(to: &w)
        case .delete(let b): try b.writeBody(to: &w)
        case .trafficSelectors(let b): try b.writeBody(to: &w)
        case .configuration(let b): try b.writeBody(to: &w)
        case .eap(let b): try b.writeBody(to: &w)
        case .encryptedFragment(let b): b.writeBody(to: &w)
        }
        let length = w.count - start
        guard length <= 0xffff else {
            throw IKEError(.tooLarge, at: start, path: type.notation, "payload of \(length) bytes exceeds 65535")
        }
        w.patchLength16(at: start + 2, from: start)
    }
}

extension PayloadBody {
    /// Parses a payload's body by its type. Errors carry absolute offsets; the caller adds the path.
    static func parse(_ view: borrowing PayloadView) throws(IKEError) -> PayloadBody {
        let body = view.body
        let at = view.bodyOffset
        switch view.type {
        case .securityAssociation: return .securityAssociation(try SAPayload(try SAView(body: body, baseOffset: at)))
        case .keyExchange: return .keyExchange(KEPayload(try KEView(body: body, baseOffset: at)))
        case .identificationInitiator, .identificationResponder:
            return .identification(IdentificationPayload(try IdentificationView(body: body, baseOffset: at)))
        case .certificate: return .certificate(CertificatePayload(try CertificateView(body: body, baseOffset: at)))
        case .certificateRequest:
            return .certificateRequest(CertificatePayload(try CertificateView(body: body, baseOffset: at)))
        case .authentication:
            return .authentication(AuthenticationPayload(try AuthenticationView(body: body, baseOffset: at)))
        case .nonce: return .nonce(OpaquePayload(body))
        case .notify: return .notify(NotifyPayload(try NotifyView(body: body, baseOffset: at)))
        case .delete: return .delete(DeletePayload(try DeleteView(body: body, baseOffset: at)))
        case .vendorID: return .vendorID(OpaquePayload(body))
        case .trafficSelectorInitiator, .trafficSelectorResponder:
            return .trafficSelectors(try TrafficSelectorsPayload(try TrafficSelectorsView(body: body, baseOffset: at)))
        case .encrypted: return .encrypted(OpaquePayload(body))
        case .configuration:
            return .configuration(try ConfigurationPayload(try ConfigurationView(body: body, baseOffset: at)))
        case .eap: return .eap(EAPPayload(try EAPView(body: body, baseOffset: at)))
        case .encryptedFragment:
            return .encryptedFragment(EncryptedFragmentPayload(try EncryptedFragmentView(body: body, baseOffset: at)))
        case .gspm, .groupIdentification, .groupSecurityAssociation, .keyDownload, .puzzleSolution:
            return .opaque(OpaquePayload(body))
        default: return .unknown(OpaquePayload(body))
        }
    }
}

extension PayloadView {
    /// Parses this payload's body and every sub-structure, throwing the first error (with the
    /// payload path); allocates nothing.
    public func validateBody() throws(IKEError) {
        let b = body
        let at = bodyOffset
        do {
            switch type {
            case .securityAssociation: try SAView(body: b, baseOffset: at).validate()
            case .keyExchange: _ = try KEView(body: b, baseOffset: at)
            case .identificationInitiator, .identificationResponder: _ = try IdentificationView(body: b, baseOffset: at)
            case .certificate, .certificateRequest: _ = try CertificateView(body: b, baseOffset: at)
            case .authentication: _ = try AuthenticationView(body: b, baseOffset: at)
            case .notify: _ = try NotifyView(body: b, baseOffset: at)
            case .delete: try DeleteView(body: b, baseOffset: at).validate()
            case .trafficSelectorInitiator, .trafficSelectorResponder:
                try TrafficSelectorsView(body: b, baseOffset: at).validate()
            case .configuration: try ConfigurationView(body: b, baseOffset: at).validate()
            case .eap: _ = try EAPView(body: b, baseOffset: at)
            case .encryptedFragment: _ = try EncryptedFragmentView(body: b, baseOffset: at)
            default: break
            }
        } catch {
            throw error.within(pathName)
        }
    }
}

/// A payload body kept as bytes: Nonce, Vendor ID, SK, GSPM, IDg, GSA, KD, PS and unknown types.
public struct OpaquePayload: Hashable, Sendable {
    public var data: [UInt8]
    public init(data: [UInt8]) { self.data = data }
    public init(_ body: RawSpan) { data = body.copyBytes() }
    public func writeBody(to w: inout ByteWriter) { w.append(data) }
}

/// An owned IKE message: the header and the outer payload chain.
public struct IKEMessage: Hashable, Sendable {
    public var header: IKEHeader
    public var payloads: [IKEPayload]

    public init(header: IKEHeader, payloads: [IKEPayload]) {
        self.header = header
        self.payloads = payloads
    }

    /// An owned copy of a parsed message; throws the first error of the chain or any body.
    public init(_ view: borrowing IKEMessageView) throws(IKEError) {
        header = view.header
        var out: [IKEPayload] = []
        var it = view.payloads
        while let p = try it.next() {
            out.append(try IKEPayload(p))
        }
        payloads = out
    }

    /// Parses `bytes` (exactly one message) into an owned value.
    public init(parsing bytes: [UInt8]) throws(IKEError) {
        let span = bytes.span.bytes
        let view = try IKEMessageView(parsing: span)
        try self.init(view)
    }

    /// How `serialize` fills the computed fields.
    public enum SerializationMode: Sendable {
        /// Re-emit as parsed: the header's Length and every Next Payload as stored.
        case exact
        /// Fresh: Next Payload fields from the payload order (except SK/SKF's inner type) and the
        /// header Length from the bytes written.
        case built
    }

    /// The message's bytes. Payload lengths are always computed from their bodies (a parsed
    /// message's lengths are exactly those, since the parser rejects any other).
    public func serialize(_ mode: SerializationMode = .built) throws(IKEError) -> [UInt8] {
        var w = ByteWriter(capacity: 512)
        var h = header
        if mode == .built { h.nextPayload = payloads.first?.type ?? .none }
        h.write(to: &w)
        for (i, p) in payloads.enumerated() {
            let next: PayloadType
            if mode == .exact || p.type == .encrypted || p.type == .encryptedFragment {
                next = p.nextPayload
            } else {
                next = i + 1 < payloads.count ? payloads[i + 1].type : .none
            }
            try p.write(to: &w, next: next)
        }
        if mode == .built {
            guard w.count <= Int(UInt32.max) else { throw IKEError(.tooLarge, at: 24, "message too large") }
            w.patchU32(at: 24, UInt32(w.count))
        }
        return w.bytes
    }
}

/// Serializes a payload chain on its own (the plaintext of an SK payload): each payload's
/// Next Payload names the following one; the first type is returned for the SK header.
package func serializeChain(_ payloads: [IKEPayload]) throws(IKEError) -> (first: PayloadType, bytes: [UInt8]) {
    var w = ByteWriter(capacity: 256)
    for (i, p) in payloads.enumerated() {
        try p.write(to: &w, next: i + 1 < payloads.count ? payloads[i + 1].type : .none)
    }
    return (payloads.first?.type ?? .none, w.bytes)
}
