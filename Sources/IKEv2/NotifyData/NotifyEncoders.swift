// Building owned Notify payloads from typed data (the inverse of `NotifyDecoder.decode`).

extension NotifyPayload {
    /// IKEV2_MESSAGE_ID_SYNC_SUPPORTED (16420, RFC 6311 §6.1): Protocol ID 0, SPI Size 0, no data.
    public static func messageIDSyncSupported() -> NotifyPayload {
        NotifyPayload(type: NotifyNumbers.messageIDSyncSupported)
    }

    /// IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED (16421, RFC 6311 §6.2): no data.
    public static func replayCounterSyncSupported() -> NotifyPayload {
        NotifyPayload(type: NotifyNumbers.replayCounterSyncSupported)
    }

    /// IKEV2_MESSAGE_ID_SYNC (16422, RFC 6311 §6.3): nonce, EXPECTED_SEND_REQ_MESSAGE_ID,
    /// EXPECTED_RECV_REQ_MESSAGE_ID, from the sender's point of view.
    public static func messageIDSync(nonce: UInt32, expectedSend: UInt32, expectedRecv: UInt32) -> NotifyPayload {
        NotifyPayload(type: NotifyNumbers.messageIDSync,
                      data: twelveOctets(MessageIDSyncData(nonce: nonce, expectedSend: expectedSend,
                                                           expectedRecv: expectedRecv)))
    }

    /// IPSEC_REPLAY_COUNTER_SYNC (16423, RFC 6311 §6.4): a 4-octet delta, or 8 octets when the
    /// Child SAs use ESN.
    /// - Throws: `notifyDataValue` when a delta above 2^32-1 is asked for without ESN.
    public static func replayCounterSync(delta: UInt64, extendedSequenceNumbers: Bool) throws(IKEError) -> NotifyPayload {
        var w = ByteWriter(capacity: 8)
        if extendedSequenceNumbers {
            w.u64(delta)
        } else {
            guard let d32 = UInt32(exactly: delta) else {
                throw IKEError(.notifyDataValue, at: 0, path: "N(IPSEC_REPLAY_COUNTER_SYNC)",
                               "RFC 6311 §6.4: delta \(delta) does not fit the 4-octet (non-ESN) form")
            }
            w.u32(d32)
        }
        return NotifyPayload(type: NotifyNumbers.replayCounterSync, data: w.bytes)
    }

    /// IKEV2_MESSAGE_ID_RESET_SUPPORTED (docs/reset-extension.md), with a configurable type number.
    public static func messageIDResetSupported(type: NotifyType = .ikev2MessageIDResetSupported) -> NotifyPayload {
        NotifyPayload(type: type)
    }

    /// IKEV2_MESSAGE_ID_RESET (docs/reset-extension.md): nonce, NEW_SEND_REQ_MESSAGE_ID,
    /// NEW_RECV_REQ_MESSAGE_ID, with a configurable type number.
    public static func messageIDReset(nonce: UInt32, newSend: UInt32, newRecv: UInt32,
                                      type: NotifyType = .ikev2MessageIDReset) -> NotifyPayload {
        NotifyPayload(type: type, data: twelveOctets(MessageIDSyncData(nonce: nonce, expectedSend: newSend,
                                                                       expectedRecv: newRecv)))
    }

    static func twelveOctets(_ d: MessageIDSyncData) -> [UInt8] {
        var w = ByteWriter(capacity: 12)
        w.u32(d.nonce)
        w.u32(d.expectedSend)
        w.u32(d.expectedRecv)
        return w.bytes
    }
}

extension NotifyDecoder {
    /// The owned notify payload for `data`, using this decoder's reset numbers, such that
    /// `decode(encode(x)) == x` for every value the decoder accepts.
    /// - Throws: `notifyDataValue`/`notifyDataLength` for values that have no valid encoding
    ///   (e.g. a 33-byte COOKIE, a non-ESN delta above 2^32-1, an identity over 255 octets).
    public func encode(_ data: NotifyData) throws(IKEError) -> NotifyPayload {
        switch data {
        case .messageIDSyncSupported: return .messageIDSyncSupported()
        case .replayCounterSyncSupported: return .replayCounterSyncSupported()
        case .messageIDSync(let d):
            return .messageIDSync(nonce: d.nonce, expectedSend: d.expectedSend, expectedRecv: d.expectedRecv)
        case .replayCounterSync(let d):
            return try .replayCounterSync(delta: d.delta, extendedSequenceNumbers: d.extendedSequenceNumbers)
        case .messageIDResetSupported: return .messageIDResetSupported(type: resetSupportedType)
        case .messageIDReset(let d):
            return .messageIDReset(nonce: d.nonce, newSend: d.expectedSend, newRecv: d.expectedRecv, type: resetType)
        case .unsupportedCriticalPayload(let t):
            return NotifyPayload(type: NotifyNumbers.unsupportedCriticalPayload, data: [t.rawValue])
        case .invalidMessageID(let m):
            var w = ByteWriter(capacity: 4)
            w.u32(m)
            return NotifyPayload(type: NotifyNumbers.invalidMessageID, data: w.bytes)
        case .invalidSPI(let spi):
            guard !spi.isEmpty else { throw Self.encodeError("INVALID_SPI needs the SPI") }
            return NotifyPayload(type: NotifyNumbers.invalidSPI, data: spi)
        case .invalidKEPayload(let g):
            var w = ByteWriter(capacity: 2)
            w.u16(g)
            return NotifyPayload(type: NotifyNumbers.invalidKEPayload, data: w.bytes)
        case .initialContact: return NotifyPayload(type: NotifyNumbers.initialContact)
        case .setWindowSize(let n):
            var w = ByteWriter(capacity: 4)
            w.u32(n)
            return NotifyPayload(type: NotifyNumbers.setWindowSize, data: w.bytes)
        case .natDetectionSourceIP(let h), .natDetectionDestinationIP(let h):
            guard h.count == 20 else { throw Self.encodeError("NAT_DETECTION hash must be 20 octets, got \(h.count)") }
            let t = data == .natDetectionSourceIP(h) ? NotifyNumbers.natDetectionSourceIP : NotifyNumbers.natDetectionDestinationIP
            return NotifyPayload(type: t, data: h)
        case .cookie(let c):
            guard (1...64).contains(c.count) else { throw Self.encodeError("COOKIE must be 1 to 64 octets, got \(c.count)") }
            return NotifyPayload(type: NotifyNumbers.cookie, data: c)
        case .useTransportMode: return NotifyPayload(type: NotifyNumbers.useTransportMode)
        case .rekeySA(let p, let spi):
            guard spi.count == 4 else { throw Self.encodeError("REKEY_SA SPI must be 4 octets, got \(spi.count)") }
            return NotifyPayload(protocolID: p, type: NotifyNumbers.rekeySA, spi: spi)
        case .redirectSupported: return NotifyPayload(type: NotifyNumbers.redirectSupported)
        case .redirect(let gw, let nonce):
            return NotifyPayload(type: NotifyNumbers.redirect, data: try Self.gatewayBytes(gw) + nonce)
        case .redirectedFrom(let gw):
            return NotifyPayload(type: NotifyNumbers.redirectedFrom, data: try Self.gatewayBytes(gw))
        case .fragmentationSupported: return NotifyPayload(type: NotifyNumbers.fragmentationSupported)
        case .signatureHashAlgorithms(let ids):
            var w = ByteWriter(capacity: ids.count * 2)
            for id in ids { w.u16(id) }
            return NotifyPayload(type: NotifyNumbers.signatureHashAlgorithms, data: w.bytes)
        case .raw(let spi, let data):
            // A raw value carries no type; the caller sets `notifyType` (and Protocol ID).
            return NotifyPayload(type: NotifyType(rawValue: 0), spi: spi, data: data)
        }
    }

    static func gatewayBytes(_ gw: GatewayIdentity) throws(IKEError) -> [UInt8] {
        let ident = gw.identity
        guard let len = UInt8(exactly: ident.count) else {
            throw encodeError("RFC 5685 §9: gateway identity of \(ident.count) octets exceeds 255")
        }
        return [gw.typeCode, len] + ident
    }

    static func encodeError(_ message: String) -> IKEError {
        IKEError(.notifyDataValue, at: 0, path: "N", message)
    }
}
