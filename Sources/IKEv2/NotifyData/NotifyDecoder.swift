// Strict typed decoding of Notification Data (RFC 7296 §3.10, RFC 6311 §6, RFC 5685 §9,
// RFC 7383 §2.3, RFC 7427 §4, docs/reset-extension.md).

extension IKEError.Code {
    /// A notify whose Protocol ID breaks its type's rule (e.g. RFC 6311 §6: must be 0).
    public static let notifyProtocolID = IKEError.Code(rawValue: "notify-protocol-id")
    /// A notify whose SPI Size breaks its type's rule (e.g. RFC 6311 §6: must be 0).
    public static let notifySPISize = IKEError.Code(rawValue: "notify-spi-size")
    /// Notification Data of a length its type does not allow.
    public static let notifyDataLength = IKEError.Code(rawValue: "notify-data-length")
    /// Notification Data whose content is inconsistent (e.g. an identity length that disagrees).
    public static let notifyDataValue = IKEError.Code(rawValue: "notify-data-value")
}

/// Notify type numbers the decoder refers to that may not be named in `NotifyType` yet.
enum NotifyNumbers {
    static let unsupportedCriticalPayload = NotifyType(rawValue: 1)
    static let invalidMessageID = NotifyType(rawValue: 9)
    static let invalidSPI = NotifyType(rawValue: 11)
    static let invalidKEPayload = NotifyType(rawValue: 17)
    static let initialContact = NotifyType(rawValue: 16384)
    static let setWindowSize = NotifyType(rawValue: 16385)
    static let natDetectionSourceIP = NotifyType(rawValue: 16388)
    static let natDetectionDestinationIP = NotifyType(rawValue: 16389)
    static let cookie = NotifyType(rawValue: 16390)
    static let useTransportMode = NotifyType(rawValue: 16391)
    static let rekeySA = NotifyType(rawValue: 16393)
    static let redirectSupported = NotifyType(rawValue: 16406)
    static let redirect = NotifyType(rawValue: 16407)
    static let redirectedFrom = NotifyType(rawValue: 16408)
    static let messageIDSyncSupported = NotifyType(rawValue: 16420)
    static let replayCounterSyncSupported = NotifyType(rawValue: 16421)
    static let messageIDSync = NotifyType(rawValue: 16422)
    static let replayCounterSync = NotifyType(rawValue: 16423)
    static let fragmentationSupported = NotifyType(rawValue: 16430)
    static let signatureHashAlgorithms = NotifyType(rawValue: 16431)
    static let defaultResetSupported = NotifyType(rawValue: 49373)
    static let defaultReset = NotifyType(rawValue: 49374)
}

/// Decodes Notification Data into `NotifyData` with strict validation, and encodes it back.
///
/// The numbers of the private-use Message-ID reset extension (docs/reset-extension.md) are configurable:
/// private-use values have no global meaning, so a decoder given another pair decodes that pair,
/// and the default pair is then left opaque (`.raw`).
///
/// Strictness: for the RFC 6311 and reset types, Protocol ID and SPI Size must be 0 (RFC 6311
/// §6.1-§6.4) and the data length exact. For RFC 7296 types carried with an empty SPI, the
/// Protocol ID is *not* checked, since RFC 7296 §3.10 says to ignore it on receipt (real stacks
/// send 1 in NAT_DETECTION_*); SPI Size and data length are checked.
///
/// ```swift
/// let n = try payload.notify()
/// switch try NotifyDecoder().decode(n) {
/// case .messageIDSync(let d): print(d.nonce, d.expectedSend, d.expectedRecv)
/// default: break
/// }
/// ```
public struct NotifyDecoder: Hashable, Sendable {
    /// The number decoded as IKEV2_MESSAGE_ID_RESET_SUPPORTED (default 49373).
    public let resetSupportedType: NotifyType
    /// The number decoded as IKEV2_MESSAGE_ID_RESET (default 49374).
    public let resetType: NotifyType

    /// A decoder with the default reset numbers 49373 / 49374.
    public init() {
        resetSupportedType = NotifyNumbers.defaultResetSupported
        resetType = NotifyNumbers.defaultReset
    }

    /// A decoder using other numbers for the reset extension. Both must be distinct status
    /// private-use values (40960-65535, RFC 7296 §3.10.1); otherwise `nil`.
    public init?(resetSupportedType: NotifyType, resetType: NotifyType) {
        guard resetSupportedType.rawValue >= 40960, resetType.rawValue >= 40960,
              resetSupportedType != resetType else { return nil }
        self.resetSupportedType = resetSupportedType
        self.resetType = resetType
    }

    /// The notify type name, including the configured reset names.
    public func name(of type: NotifyType) -> String {
        if type == resetSupportedType { return "IKEV2_MESSAGE_ID_RESET_SUPPORTED" }
        if type == resetType { return "IKEV2_MESSAGE_ID_RESET" }
        if type == NotifyNumbers.defaultResetSupported || type == NotifyNumbers.defaultReset {
            return "Private status \(type.rawValue)"
        }
        return type.description
    }

    /// Decodes a parsed notify. Types without a typed form give `.raw`.
    /// - Throws: `IKEError` with code `notifyProtocolID`, `notifySPISize`, `notifyDataLength` or
    ///   `notifyDataValue`, the offset of the offending field, and a message citing the rule.
    public func decode(_ view: borrowing NotifyView) throws(IKEError) -> NotifyData {
        let type = view.notifyType
        let data = view.data
        let n = data.byteCount
        // Built only when an error is thrown (a String per notify otherwise: dissect hot path).
        var path: String { "N(\(name(of: type)))" }
        let protoOffset = view.baseOffset
        let spiOffset = view.baseOffset + 1
        let dataOffset = view.dataOffset

        func requireHA(_ section: String) throws(IKEError) {
            guard view.protocolID == .none else {
                throw IKEError(.notifyProtocolID, at: protoOffset, path: path,
                               "\(section): Protocol ID must be 0, got \(view.protocolID.rawValue)")
            }
            guard view.spiSize == 0 else {
                throw IKEError(.notifySPISize, at: spiOffset, path: path,
                               "\(section): SPI Size must be 0, got \(view.spiSize)")
            }
        }
        func requireNoSPI(_ section: String) throws(IKEError) {
            guard view.spiSize == 0 else {
                throw IKEError(.notifySPISize, at: spiOffset, path: path,
                               "\(section): SPI Size must be 0, got \(view.spiSize)")
            }
        }
        func requireLength(_ allowed: [Int], _ section: String) throws(IKEError) {
            guard allowed.contains(n) else {
                let want = allowed.map(String.init).joined(separator: " or ")
                throw IKEError(.notifyDataLength, at: dataOffset, path: path,
                               "\(section): data must be \(want) octets, got \(n)")
            }
        }

        switch type {
        case resetSupportedType:
            try requireHA("docs/reset-extension.md §3")
            try requireLength([0], "docs/reset-extension.md §2")
            return .messageIDResetSupported
        case resetType:
            try requireHA("docs/reset-extension.md §3")
            try requireLength([12], "docs/reset-extension.md §3")
            return .messageIDReset(MessageIDSyncData(nonce: data.u32(0), expectedSend: data.u32(4),
                                                     expectedRecv: data.u32(8)))
        case NotifyNumbers.messageIDSyncSupported:
            try requireHA("RFC 6311 §6.1")
            try requireLength([0], "RFC 6311 §6.1")
            return .messageIDSyncSupported
        case NotifyNumbers.replayCounterSyncSupported:
            try requireHA("RFC 6311 §6.2")
            try requireLength([0], "RFC 6311 §6.2")
            return .replayCounterSyncSupported
        case NotifyNumbers.messageIDSync:
            try requireHA("RFC 6311 §6.3")
            try requireLength([12], "RFC 6311 §6.3")
            return .messageIDSync(MessageIDSyncData(nonce: data.u32(0), expectedSend: data.u32(4),
                                                    expectedRecv: data.u32(8)))
        case NotifyNumbers.replayCounterSync:
            try requireHA("RFC 6311 §6.4")
            try requireLength([4, 8], "RFC 6311 §6.4")
            return .replayCounterSync(n == 8
                ? ReplayCounterDelta(delta: data.u64(0), extendedSequenceNumbers: true)
                : ReplayCounterDelta(delta: UInt64(data.u32(0)), extendedSequenceNumbers: false))
        case NotifyNumbers.unsupportedCriticalPayload:
            try requireNoSPI("RFC 7296 §3.10.1")
            try requireLength([1], "RFC 7296 §3.10.1 UNSUPPORTED_CRITICAL_PAYLOAD")
            return .unsupportedCriticalPayload(PayloadType(rawValue: data.u8(0)))
        case NotifyNumbers.invalidMessageID:
            try requireNoSPI("RFC 7296 §3.10.1")
            try requireLength([4], "RFC 7296 §3.10.1 INVALID_MESSAGE_ID")
            return .invalidMessageID(data.u32(0))
        case NotifyNumbers.invalidSPI:
            guard n > 0 else {
                throw IKEError(.notifyDataLength, at: dataOffset, path: path,
                               "RFC 7296 §3.10.1 INVALID_SPI: data must hold the SPI, got 0 octets")
            }
            return .invalidSPI(data.copyBytes())
        case NotifyNumbers.invalidKEPayload:
            try requireNoSPI("RFC 7296 §3.10.1")
            try requireLength([2], "RFC 7296 §1.2 INVALID_KE_PAYLOAD")
            return .invalidKEPayload(group: data.u16(0))
        case NotifyNumbers.initialContact, NotifyNumbers.useTransportMode,
             NotifyNumbers.redirectSupported, NotifyNumbers.fragmentationSupported:
            try requireNoSPI("RFC 7296 §3.10")
            try requireLength([0], "RFC 7296 §3.10.1")
            switch type {
            case NotifyNumbers.initialContact: return .initialContact
            case NotifyNumbers.useTransportMode: return .useTransportMode
            case NotifyNumbers.redirectSupported: return .redirectSupported
            default: return .fragmentationSupported
            }
        case NotifyNumbers.setWindowSize:
            try requireNoSPI("RFC 7296 §3.10")
            try requireLength([4], "RFC 7296 §2.3 SET_WINDOW_SIZE")
            return .setWindowSize(data.u32(0))
        case NotifyNumbers.natDetectionSourceIP, NotifyNumbers.natDetectionDestinationIP:
            try requireNoSPI("RFC 7296 §3.10")
            try requireLength([20], "RFC 7296 §2.23 NAT_DETECTION (SHA-1)")
            return type == NotifyNumbers.natDetectionSourceIP
                ? .natDetectionSourceIP(data.copyBytes()) : .natDetectionDestinationIP(data.copyBytes())
        case NotifyNumbers.cookie:
            try requireNoSPI("RFC 7296 §3.10")
            guard (1...64).contains(n) else {
                throw IKEError(.notifyDataLength, at: dataOffset, path: path,
                               "RFC 7296 §2.6 COOKIE: data must be 1 to 64 octets, got \(n)")
            }
            return .cookie(data.copyBytes())
        case NotifyNumbers.rekeySA:
            guard view.spiSize == 4 else {
                throw IKEError(.notifySPISize, at: spiOffset, path: path,
                               "RFC 7296 §1.3.3 REKEY_SA: SPI Size must be 4 (the Child SA's SPI), got \(view.spiSize)")
            }
            guard view.protocolID == .ah || view.protocolID == .esp else {
                throw IKEError(.notifyProtocolID, at: protoOffset, path: path,
                               "RFC 7296 §3.10 REKEY_SA: Protocol ID must be AH (2) or ESP (3), got \(view.protocolID.rawValue)")
            }
            try requireLength([0], "RFC 7296 §1.3.3 REKEY_SA")
            return .rekeySA(protocolID: view.protocolID, spi: view.spi.copyBytes())
        case NotifyNumbers.redirect, NotifyNumbers.redirectedFrom:
            try requireNoSPI("RFC 5685 §9")
            guard n >= 2 else {
                throw IKEError(.notifyDataLength, at: dataOffset, path: path,
                               "RFC 5685 §9: data needs GW Ident Type and GW Ident Len (2 octets), got \(n)")
            }
            let identType = data.u8(0)
            let identLen = Int(data.u8(1))
            guard 2 + identLen <= n else {
                throw IKEError(.notifyDataLength, at: dataOffset + 1, path: path,
                               "RFC 5685 §9: GW Ident Len \(identLen) runs past the data (\(n - 2) octets left)")
            }
            let ident = data.copyBytes(2..<(2 + identLen))
            let gateway: GatewayIdentity
            switch identType {
            case 1:
                guard identLen == 4 else {
                    throw IKEError(.notifyDataValue, at: dataOffset + 1, path: path,
                                   "RFC 5685 §9: an IPv4 gateway identity is 4 octets, GW Ident Len is \(identLen)")
                }
                gateway = .ipv4(ident)
            case 2:
                guard identLen == 16 else {
                    throw IKEError(.notifyDataValue, at: dataOffset + 1, path: path,
                                   "RFC 5685 §9: an IPv6 gateway identity is 16 octets, GW Ident Len is \(identLen)")
                }
                gateway = .ipv6(ident)
            case 3:
                guard identLen > 0 else {
                    throw IKEError(.notifyDataValue, at: dataOffset + 1, path: path,
                                   "RFC 5685 §9: an FQDN gateway identity cannot be empty")
                }
                gateway = .fqdn(ident)
            default:
                gateway = .other(type: identType, identity: ident)
            }
            let rest = data.copyBytes((2 + identLen)..<n)
            if type == NotifyNumbers.redirectedFrom {
                guard rest.isEmpty else {
                    throw IKEError(.notifyDataLength, at: dataOffset + 2 + identLen, path: path,
                                   "RFC 5685 §9 REDIRECTED_FROM: \(rest.count) octets after the gateway identity")
                }
                return .redirectedFrom(gateway)
            }
            return .redirect(gateway: gateway, nonce: rest)
        case NotifyNumbers.signatureHashAlgorithms:
            try requireNoSPI("RFC 7427 §4")
            guard n % 2 == 0 else {
                throw IKEError(.notifyDataLength, at: dataOffset, path: path,
                               "RFC 7427 §4 SIGNATURE_HASH_ALGORITHMS: data is a list of 2-octet IDs, got \(n) octets")
            }
            var ids: [UInt16] = []
            ids.reserveCapacity(n / 2)
            var i = 0
            while i < n {
                ids.append(data.u16(i))
                i += 2
            }
            return .signatureHashAlgorithms(ids)
        default:
            return .raw(spi: view.spi.copyBytes(), data: data.copyBytes())
        }
    }

    /// Decodes an owned notify (offsets in errors are relative to its body).
    public func decode(_ payload: NotifyPayload) throws(IKEError) -> NotifyData {
        var w = ByteWriter(capacity: 8 + payload.spi.count + payload.data.count)
        try payload.writeBody(to: &w)
        let bytes = w.bytes
        let view = try NotifyView(body: bytes.span.bytes, baseOffset: 0)
        return try decode(view)
    }
}
