import IKEv2

// The walk every fuzz target, the regression replay test and `ikev2 mutate` share: parse a
// buffer as an IKE message and touch every payload and sub-structure the codec exposes
// (RFC 7296 §3.1-§3.16, RFC 7383 §2.5, RFC 6311 §6), then check the exact and built round trips.
//
// The walk itself must never trap, hang or allocate without bound on any input; a round-trip
// mismatch is reported as a value (fuzz targets turn it into a crash, tests into a failure).

/// What `CodecWalk.walk` saw.
public struct WalkOutcome: Hashable, Sendable {
    /// The bytes parsed as a message view (header and Length accepted).
    public var parsedHeader = false
    /// `validate()` and the owned conversion both succeeded.
    public var valid = false
    /// The first error of the strict parse (`IKEMessageView` + `validate()` + `IKEMessage`).
    public var error: IKEError? = nil
    /// Payloads seen on the outer chain before the walk stopped.
    public var payloads = 0
    /// Notify payloads whose Notification Data the typed decoder rejected.
    public var notifyDecodeErrors = 0
    /// Notify payloads decoded.
    public var notifies = 0
    /// SK/SKF splits that succeeded (one per IV/ICV size pair that fits).
    public var encryptedSplits = 0
    /// A description of the first round-trip failure, or nil (see `CodecWalk.roundTripMismatch`).
    public var roundTripFailure: String? = nil

    public init() {}
}

/// The shared fuzz walk over the codec (stdlib only, no I/O).
///
/// ```swift
/// let outcome = CodecWalk.walk(bytes.span.bytes)
/// if let bad = outcome.roundTripFailure { fatalError(bad) }
/// ```
public enum CodecWalk {
    /// IV/ICV size pairs tried on every SK/SKF body: none, 3DES/HMAC-SHA1-96, AES-CBC with
    /// HMAC-SHA2-256-128, AES-GCM-16 (8-byte IV, 16-byte ICV), AES-CBC with HMAC-SHA2-512-256,
    /// and a pair larger than any body the fuzzer is likely to give.
    public static let splitSizes: [(iv: Int, icv: Int)] = [(0, 0), (8, 12), (16, 16), (8, 16), (16, 32), (4096, 4096)]

    /// Parses `bytes` as one message (strictly, and as a stream with trailing bytes allowed) and
    /// walks every payload, proposal, transform, attribute, selector, configuration attribute,
    /// Delete SPI, EAP field and notify (typed decoding with the default and a private-use reset
    /// pair), splits SK/SKF bodies with `splitSizes`, converts to owned values, and — when the
    /// strict parse succeeded — checks the round trips (`roundTripMismatch`).
    public static func walk(_ bytes: RawSpan) -> WalkOutcome {
        var out = WalkOutcome()
        // Stream parse: header + Length only.
        do {
            let stream = try IKEMessageView(parsing: bytes, allowTrailing: true)
            _ = stream.bytes.byteCount
        } catch {}
        do {
            let view = try IKEMessageView(parsing: bytes)
            out.parsedHeader = true
            deepWalk(view, &out)
            try view.validate()
            let owned = try IKEMessage(view)
            out.valid = true
            out.roundTripFailure = roundTripMismatch(owned: owned, original: bytes)
        } catch {
            out.error = error
        }
        return out
    }

    /// Convenience for owned buffers.
    public static func walk(_ bytes: [UInt8]) -> WalkOutcome { walk(bytes.span.bytes) }

    /// nil when `bytes` does not parse (nothing to check) or both round trips hold; otherwise
    /// what differs:
    /// - exact: `IKEMessage(parsing:)` then `serialize(.exact)` reproduces the input byte for
    ///   byte (IKEv2 only: IKEv1 bodies are not modelled, RFC 7296 §3.1 major version 1);
    /// - built: `serialize(.built)` re-parses to the message with its computed fields
    ///   (header Next Payload and Length, Next Payload of every non-SK/SKF payload) refreshed.
    public static func roundTripMismatch(_ bytes: [UInt8]) -> String? {
        let owned: IKEMessage
        do { owned = try IKEMessage(parsing: bytes) } catch { return nil }
        return roundTripMismatch(owned: owned, original: bytes.span.bytes)
    }

    static func roundTripMismatch(owned: IKEMessage, original: RawSpan) -> String? {
        if !owned.header.isIKEv1 {
            do {
                let exact = try owned.serialize(.exact)
                if !original.bytesEqual(exact.span.bytes) {
                    return "exact serialization differs from the input (\(exact.count) vs \(original.byteCount) bytes, first difference at \(firstDifference(original, exact)))"
                }
            } catch {
                return "exact serialization threw \(error)"
            }
        }
        do {
            let built = try owned.serialize(.built)
            let back = try IKEMessage(parsing: built)
            let expected = try owned.normalizedForBuilt()
            if back != expected { return "built message re-parses to a different value" }
        } catch {
            return "built round trip threw \(error)"
        }
        return nil
    }

    static func firstDifference(_ a: RawSpan, _ b: [UInt8]) -> Int {
        a.withUnsafeBytes { x in
            let n = min(x.count, b.count)
            for i in 0..<n where x[i] != b[i] { return i }
            return n
        }
    }

    /// Touches every sub-structure; per-payload errors are swallowed so later payloads are still
    /// reached (the strict verdict comes from `validate()`).
    static func deepWalk(_ view: borrowing IKEMessageView, _ out: inout WalkOutcome) {
        var it = view.payloads
        let decoder = NotifyDecoder()
        let privateDecoder = NotifyDecoder(resetSupportedType: NotifyType(rawValue: 40961),
                                           resetType: NotifyType(rawValue: 40962))
        while true {
            let next: PayloadView?
            do { next = try it.next() } catch { return }
            guard let p = next else { return }
            out.payloads += 1
            _ = p.nextPayload
            _ = p.isCritical
            _ = p.reservedBits
            do {
                switch p.type {
                case .securityAssociation: try walkSA(p.securityAssociation())
                case .keyExchange: _ = try p.keyExchange().keyExchangeData.byteCount
                case .identificationInitiator, .identificationResponder: _ = try p.identification().data.byteCount
                case .certificate, .certificateRequest: _ = try p.certificate().data.byteCount
                case .authentication: _ = try p.authentication().data.byteCount
                case .notify:
                    let n = try p.notify()
                    _ = n.spi.byteCount
                    _ = n.data.byteCount
                    out.notifies += 1
                    do { _ = try decoder.decode(n) } catch { out.notifyDecodeErrors += 1 }
                    if let d = privateDecoder { _ = try? d.decode(n) }
                case .delete:
                    let d = try p.delete()
                    for i in 0..<min(d.spiCount, 0x1_0000) {
                        _ = d.spi(i).byteCount
                        _ = d.spiValue(i)
                    }
                case .trafficSelectorInitiator, .trafficSelectorResponder:
                    var s = try p.trafficSelectors().selectors
                    while let ts = try s.next() {
                        _ = ts.startPort
                        _ = ts.endPort
                        _ = ts.startAddress.byteCount
                        _ = ts.endAddress.byteCount
                        _ = ts.securityLabel.byteCount
                    }
                case .configuration:
                    var a = try p.configuration().attributes
                    while let attr = try a.next() { _ = attr.value.byteCount; _ = attr.type }
                case .eap:
                    let e = try p.eap()
                    _ = e.eapType
                    _ = e.typeData.byteCount
                case .encrypted:
                    let sk = p.encrypted()
                    for s in splitSizes {
                        if let parts = try? sk.split(ivSize: s.iv, icvSize: s.icv) {
                            _ = parts.ciphertext.byteCount &+ parts.iv.byteCount &+ parts.icv.byteCount
                            out.encryptedSplits += 1
                        }
                    }
                case .encryptedFragment:
                    let skf = try p.encryptedFragment()
                    _ = skf.fragmentNumber
                    _ = skf.totalFragments
                    for s in splitSizes {
                        if let parts = try? skf.split(ivSize: s.iv, icvSize: s.icv) {
                            _ = parts.ciphertext.byteCount &+ parts.iv.byteCount &+ parts.icv.byteCount
                            out.encryptedSplits += 1
                        }
                    }
                default:
                    _ = p.body.byteCount
                }
            } catch {}
        }
    }

    static func walkSA(_ sa: borrowing SAView) throws(IKEError) {
        var props = sa.proposals
        while let prop = try props.next() {
            _ = prop.spi.byteCount
            _ = prop.spiValue
            var ts = prop.transforms
            while let t = try ts.next() {
                _ = t.idName
                _ = t.keyLength
                var attrs = t.attributes
                while let a = try attrs.next() {
                    _ = a.tvValue
                    _ = a.value.byteCount
                }
            }
        }
    }
}

extension IKEMessage {
    /// This message with the fields `serialize(.built)` computes filled in: the header's Next
    /// Payload and Length, and each payload's Next Payload except SK/SKF's (which names the
    /// first inner payload, RFC 7296 §3.14). Parsing the built bytes yields exactly this value.
    public func normalizedForBuilt() throws(IKEError) -> IKEMessage {
        var m = self
        m.header.nextPayload = payloads.first?.type ?? .none
        m.header.length = UInt32(clamping: try serialize(.built).count)
        for i in m.payloads.indices where m.payloads[i].type != .encrypted && m.payloads[i].type != .encryptedFragment {
            m.payloads[i].nextPayload = i + 1 < m.payloads.count ? m.payloads[i + 1].type : .none
        }
        return m
    }
}
