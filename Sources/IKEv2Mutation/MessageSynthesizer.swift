import IKEv2

// Random *valid* IKEv2 messages built from owned payload values (RFC 7296 §3.1-§3.16,
// RFC 7383 §2.5), deterministic per seed: the input of the property tests and a seed source
// for structure-aware fuzzing.

/// Builds random well-formed messages: SA with random proposals/transforms/attributes, KE,
/// Nonce, Notify, Delete, TS, CP, V, IDi/IDr, AUTH, CERT/CERTREQ, EAP, opaque and unknown
/// non-critical payloads, optionally ending with SK or SKF. Every message it returns satisfies
/// the codec's strict checks, so `serialize(.built)` re-parses to `normalizedForBuilt()`.
///
/// ```swift
/// var synth = MessageSynthesizer(seed: 7)
/// let m = synth.message()
/// let bytes = try m.serialize(.built)
/// ```
public struct MessageSynthesizer: Sendable {
    public var rng: SplitMix64

    public init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    /// A message of 0...`maxPayloads` payloads with a random header.
    public mutating func message(maxPayloads: Int = 8) -> IKEMessage {
        let exchanges: [ExchangeType] = [.ikeSAInit, .ikeAuth, .createChildSA, .informational, .ikeIntermediate]
        let flags: [UInt8] = [0, IKEHeader.initiatorFlag, IKEHeader.responseFlag, IKEHeader.initiatorFlag | IKEHeader.responseFlag]
        let header = IKEHeader(
            initiatorSPI: rng.next(), responderSPI: rng.oneIn(4) ? 0 : rng.next(),
            minorVersion: rng.oneIn(8) ? UInt8(rng.below(16)) : 0,
            exchangeType: exchanges[rng.below(exchanges.count)], flags: flags[rng.below(flags.count)],
            messageID: rng.oneIn(3) ? 0 : UInt32(truncatingIfNeeded: rng.next()))
        var payloads: [IKEPayload] = []
        for _ in 0..<rng.below(maxPayloads + 1) { payloads.append(payload()) }
        switch rng.below(6) {
        case 0: payloads.append(encrypted())
        case 1: payloads.append(encryptedFragment())
        default: break
        }
        return IKEMessage(header: header, payloads: payloads)
    }

    /// One random unencrypted payload.
    public mutating func payload() -> IKEPayload {
        switch rng.below(16) {
        case 0, 1: return IKEPayload(type: .securityAssociation, body: .securityAssociation(securityAssociation()))
        case 2: return IKEPayload(type: .keyExchange, body: .keyExchange(
            KEPayload(group: UInt16(truncatingIfNeeded: rng.next()), keyExchangeData: rng.bytes(rng.below(65)),
                      reserved: rng.oneIn(8) ? UInt16(truncatingIfNeeded: rng.next()) : 0)))
        case 3: return IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: rng.bytes(16 + rng.below(49)))))
        case 4, 5: return IKEPayload(type: .notify, body: .notify(notify()))
        case 6: return IKEPayload(type: .delete, body: .delete(delete()))
        case 7: return IKEPayload(type: rng.oneIn(2) ? .trafficSelectorInitiator : .trafficSelectorResponder,
                                  body: .trafficSelectors(trafficSelectors()))
        case 8: return IKEPayload(type: .configuration, body: .configuration(configuration()))
        case 9: return IKEPayload(type: .vendorID, body: .vendorID(OpaquePayload(data: rng.bytes(rng.below(21)))))
        case 10: return IKEPayload(type: rng.oneIn(2) ? .identificationInitiator : .identificationResponder,
                                   body: .identification(IdentificationPayload(
                                       idType: IDType(rawValue: UInt8(1 + rng.below(13))), data: rng.bytes(rng.below(21)),
                                       reserved: rng.oneIn(8) ? UInt32(rng.below(1 << 24)) : 0)))
        case 11: return IKEPayload(type: .authentication, body: .authentication(AuthenticationPayload(
            method: AuthMethod(rawValue: UInt8(1 + rng.below(14))), data: rng.bytes(rng.below(33)))))
        case 12:
            let cert = CertificatePayload(encoding: CertEncoding(rawValue: UInt8(1 + rng.below(15))), data: rng.bytes(rng.below(33)))
            return rng.oneIn(2) ? IKEPayload(type: .certificate, body: .certificate(cert))
                : IKEPayload(type: .certificateRequest, body: .certificateRequest(cert))
        case 13: return IKEPayload(type: .eap, body: .eap(eap()))
        case 14:
            let types: [PayloadType] = [.gspm, .groupIdentification, .groupSecurityAssociation, .keyDownload, .puzzleSolution]
            return IKEPayload(type: types[rng.below(types.count)], body: .opaque(OpaquePayload(data: rng.bytes(rng.below(17)))))
        default:
            // An unknown type without the critical bit (RFC 7296 §2.5: skipped by receivers).
            return IKEPayload(type: PayloadType(rawValue: UInt8(60 + rng.below(68))),
                              body: .unknown(OpaquePayload(data: rng.bytes(rng.below(17)))))
        }
    }

    /// 1-3 proposals numbered 1, then the same or +1 (RFC 7296 §3.3.1), 0-6 transforms each.
    public mutating func securityAssociation() -> SAPayload {
        var proposals: [Proposal] = []
        var number: UInt8 = 1
        for i in 0..<(1 + rng.below(3)) {
            if i > 0 && !rng.oneIn(3) { number &+= 1 }
            let proto: ProtocolID
            let spi: [UInt8]
            switch rng.below(3) {
            case 0: proto = .ike; spi = rng.oneIn(2) ? [] : rng.bytes(8)
            case 1: proto = .esp; spi = rng.bytes(4)
            default: proto = .ah; spi = rng.bytes(4)
            }
            var transforms: [Transform] = []
            for _ in 0..<rng.below(7) {
                let type = TransformType(rawValue: UInt8(1 + rng.below(rng.oneIn(4) ? 13 : 5)))
                var attributes: [TransformAttribute] = []
                if rng.oneIn(3) { attributes.append(.keyLength(UInt16([128, 192, 256][rng.below(3)]))) }
                if rng.oneIn(8) {
                    attributes.append(TransformAttribute(type: TransformAttributeType(rawValue: UInt16(1 + rng.below(0x7ffe))),
                                                         value: .tlv(rng.bytes(rng.below(9)))))
                }
                transforms.append(Transform(type: type, id: UInt16(truncatingIfNeeded: rng.next() % 40), attributes: attributes))
            }
            proposals.append(Proposal(number: number, protocolID: proto, spi: spi, transforms: transforms))
        }
        return SAPayload(proposals: proposals)
    }

    public mutating func notify() -> NotifyPayload {
        let common: [UInt16] = [7, 14, 16384, 16388, 16389, 16390, 16404, 16406, 16420, 16421, 16422, 16423, 16430, 16431]
        let type = rng.oneIn(2) ? common[rng.below(common.count)] : UInt16(truncatingIfNeeded: rng.next())
        let spiSize = [0, 0, 4, 8][rng.below(4)]
        return NotifyPayload(protocolID: ProtocolID(rawValue: UInt8(rng.below(4))), type: NotifyType(rawValue: type),
                             spi: rng.bytes(spiSize), data: rng.bytes(rng.below(25)))
    }

    public mutating func delete() -> DeletePayload {
        let size = [0, 4, 8][rng.below(3)]
        let count = size == 0 ? 0 : rng.below(5)
        return DeletePayload(protocolID: ProtocolID(rawValue: UInt8(1 + rng.below(3))), spiSize: UInt8(size),
                             spis: (0..<count).map { _ in rng.bytes(size) })
    }

    public mutating func trafficSelectors() -> TrafficSelectorsPayload {
        var selectors: [TrafficSelector] = []
        for _ in 0..<(1 + rng.below(3)) {
            switch rng.below(4) {
            case 0, 1:
                let size = rng.oneIn(2) ? 4 : 16
                if let ts = TrafficSelector.addressRange(
                    start: rng.bytes(size), end: rng.bytes(size), ipProtocolID: UInt8(rng.below(256)),
                    startPort: UInt16(truncatingIfNeeded: rng.next()), endPort: UInt16(truncatingIfNeeded: rng.next())) {
                    selectors.append(ts)
                }
            case 2: selectors.append(.securityLabel(rng.bytes(1 + rng.below(16))))
            default:
                // An unassigned selector type: kept as content bytes.
                selectors.append(TrafficSelector(type: TSType(rawValue: UInt8(20 + rng.below(200))),
                                                 ipProtocolID: UInt8(rng.below(256)), content: rng.bytes(rng.below(12))))
            }
        }
        return TrafficSelectorsPayload(selectors: selectors)
    }

    public mutating func configuration() -> ConfigurationPayload {
        var attributes: [ConfigAttribute] = []
        for _ in 0..<rng.below(5) {
            // A length the attribute's type allows (RFC 7296 §3.15.1, RFC 5739 §4, RFC 7651).
            let type = ConfigAttributeType(rawValue: UInt16(1 + rng.below(30)))
            let candidates = [0, 4, 16, 17, 8, 2, 6]
            let first = rng.below(candidates.count)
            var size = 0
            for k in 0..<candidates.count {
                let c = candidates[(first + k) % candidates.count]
                if type.isValidLength(c) ?? true { size = c; break }
            }
            attributes.append(ConfigAttribute(type: type, value: rng.bytes(size)))
        }
        return ConfigurationPayload(cfgType: CPType(rawValue: UInt8(1 + rng.below(4))), attributes: attributes)
    }

    public mutating func eap() -> EAPPayload {
        let code = UInt8(1 + rng.below(4))
        if code <= 2 {
            return EAPPayload(code: code, identifier: UInt8(rng.below(256)), eapType: UInt8(1 + rng.below(60)),
                              typeData: rng.bytes(rng.below(20)))
        }
        return EAPPayload(code: code, identifier: UInt8(rng.below(256)), eapType: nil)
    }

    /// SK (RFC 7296 §3.14): random IV/ciphertext/ICV bytes; Next Payload names the first inner type.
    public mutating func encrypted() -> IKEPayload {
        IKEPayload(type: .encrypted, nextPayload: PayloadType(rawValue: UInt8(33 + rng.below(16))),
                   body: .encrypted(OpaquePayload(data: rng.bytes(rng.below(80)))))
    }

    /// SKF (RFC 7383 §2.5): Fragment Number 1...Total; only fragment 1 names an inner type.
    public mutating func encryptedFragment() -> IKEPayload {
        let total = UInt16(1 + rng.below(8))
        let number = UInt16(1 + rng.below(Int(total)))
        return IKEPayload(type: .encryptedFragment, nextPayload: number == 1 ? PayloadType(rawValue: UInt8(33 + rng.below(16))) : .none,
                          body: .encryptedFragment(EncryptedFragmentPayload(
                              fragmentNumber: number, totalFragments: total, encryptedData: rng.bytes(rng.below(80)))))
    }
}
