// Short printable summaries in the notation of RFC 7296 §1.2 and of `ikev2 dissect`'s line
// format: `SA KE Ni N(NAT_DETECTION_SOURCE_IP)`. Views get `summary` functions (they cannot
// conform to `CustomStringConvertible`); owned values get `description`.

extension PayloadType {
    /// The notation as a message of this direction shows it: the Nonce payload is `Ni` in
    /// messages sent by the original initiator and `Nr` in the responder's (RFC 7296 §1.2);
    /// every other type is `notation`.
    public func notation(isInitiator: Bool) -> String {
        self == .nonce ? (isInitiator ? "Ni" : "Nr") : notation
    }
}

/// The shared formatting of one payload's summary.
enum PayloadSummary {
    static func text(type: PayloadType, critical: Bool, notifyType: NotifyType?, isInitiator: Bool?) -> String {
        var s: String
        if type == .notify {
            s = "N(" + (notifyType.map { $0.description } ?? "?") + ")"
        } else if let isInitiator {
            s = type.notation(isInitiator: isInitiator)
        } else {
            s = type.notation
        }
        if critical { s += "[C]" }
        return s
    }
}

extension PayloadView {
    /// `N(IKEV2_MESSAGE_ID_SYNC)`, `Ni`/`Nr`, `SA`, ... with `[C]` for a critical payload:
    /// the payload as `ikev2 dissect` lists it. `isInitiator` is the message's I flag
    /// (`header.isInitiator`); it picks `Ni` or `Nr`.
    public func summary(isInitiator: Bool) -> String {
        let notifyType: NotifyType? = type == .notify ? (try? notify())?.notifyType : nil
        return PayloadSummary.text(type: type, critical: isCritical, notifyType: notifyType, isInitiator: isInitiator)
    }
}

extension PayloadIterator {
    /// The rest of the chain as `SA KE Ni N(NAT_DETECTION_SOURCE_IP)`; a malformed payload
    /// ends the list with `[error: ...]` (the payloads before it are listed).
    public consuming func summary(isInitiator: Bool) -> String {
        var parts: [String] = []
        do {
            while let p = try next() { parts.append(p.summary(isInitiator: isInitiator)) }
        } catch {
            parts.append("[error: \(error)]")
        }
        return parts.joined(separator: " ")
    }
}

extension IKEMessageView {
    /// `INFORMATIONAL[R] request mid=0: SK`: exchange, I flag, request or response, Message ID
    /// and the outer payload chain (`ikev2 dissect`'s line format without the capture fields).
    public var summary: String {
        let h = header
        return "\(h.exchangeType)[\(h.isInitiator ? "I" : "R")] \(h.isResponse ? "response" : "request") mid=\(h.messageID): "
            + payloads.summary(isInitiator: h.isInitiator)
    }
}

extension IKEPayload: CustomStringConvertible {
    /// `N(IKEV2_MESSAGE_ID_SYNC)`, `SA`, `Nonce`, ... (`[C]` when critical). An owned payload
    /// does not know its message's direction: use `summary(isInitiator:)` for `Ni`/`Nr`.
    public var description: String {
        PayloadSummary.text(type: type, critical: isCritical, notifyType: notifyType, isInitiator: nil)
    }

    /// As `description`, with `Ni`/`Nr` for the Nonce payload by the message's I flag.
    public func summary(isInitiator: Bool) -> String {
        PayloadSummary.text(type: type, critical: isCritical, notifyType: notifyType, isInitiator: isInitiator)
    }

    private var notifyType: NotifyType? {
        if case .notify(let n) = body { return n.notifyType }
        return nil
    }
}

extension IKEMessage: CustomStringConvertible {
    /// `INFORMATIONAL[R] request mid=0: SK` (see `IKEMessageView.summary`).
    public var description: String {
        "\(header.exchangeType)[\(header.isInitiator ? "I" : "R")] \(header.isResponse ? "response" : "request") mid=\(header.messageID): "
            + payloads.map { $0.summary(isInitiator: header.isInitiator) }.joined(separator: " ")
    }
}

extension NotifyPayload: CustomStringConvertible {
    /// `N(IKEV2_MESSAGE_ID_SYNC)` plus the SPI and data in hex when present.
    public var description: String {
        var s = "N(\(notifyType))"
        if !spi.isEmpty { s += " spi=" + Hex.encode(spi) }
        if !data.isEmpty { s += " data=" + Hex.encode(data) }
        return s
    }
}

extension MessageIDSyncData: CustomStringConvertible {
    /// `nonce=0xa1b2c3d4 expected_send=10 expected_recv=12`: the nonce in hex, as Wireshark
    /// and `ikev2 dissect --format text` print it; the Message IDs in decimal.
    public var description: String {
        "nonce=0x\(Hex.fixed(UInt64(nonce), width: 8)) expected_send=\(expectedSend) expected_recv=\(expectedRecv)"
    }
}

extension ReplayCounterDelta: CustomStringConvertible {
    public var description: String { "delta=\(delta)\(extendedSequenceNumbers ? " (64-bit)" : "")" }
}

extension NotifyData: CustomStringConvertible {
    /// The kind and its fields, e.g. `IKEV2_MESSAGE_ID_SYNC nonce=0xa1b2c3d4 expected_send=10
    /// expected_recv=12`; nonces and byte strings in hex, counters in decimal.
    public var description: String {
        switch self {
        case .messageIDSync(let d): return "IKEV2_MESSAGE_ID_SYNC \(d)"
        case .messageIDReset(let d):
            return "IKEV2_MESSAGE_ID_RESET nonce=0x\(Hex.fixed(UInt64(d.nonce), width: 8)) new_send=\(d.expectedSend) new_recv=\(d.expectedRecv)"
        case .replayCounterSync(let d): return "IPSEC_REPLAY_COUNTER_SYNC \(d)"
        default:
            let label = Self.label(self)
            let fields = self.fields.map { "\($0.key)=\(Self.text($0.value))" }
            return fields.isEmpty ? label : label + " " + fields.joined(separator: " ")
        }
    }

    /// The IANA name of the kind (the reset extension's private-use names for those two).
    private static func label(_ d: NotifyData) -> String {
        switch d {
        case .messageIDSyncSupported: "IKEV2_MESSAGE_ID_SYNC_SUPPORTED"
        case .replayCounterSyncSupported: "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED"
        case .messageIDSync: "IKEV2_MESSAGE_ID_SYNC"
        case .replayCounterSync: "IPSEC_REPLAY_COUNTER_SYNC"
        case .messageIDResetSupported: "IKEV2_MESSAGE_ID_RESET_SUPPORTED"
        case .messageIDReset: "IKEV2_MESSAGE_ID_RESET"
        case .unsupportedCriticalPayload: "UNSUPPORTED_CRITICAL_PAYLOAD"
        case .invalidMessageID: "INVALID_MESSAGE_ID"
        case .invalidSPI: "INVALID_SPI"
        case .invalidKEPayload: "INVALID_KE_PAYLOAD"
        case .initialContact: "INITIAL_CONTACT"
        case .setWindowSize: "SET_WINDOW_SIZE"
        case .natDetectionSourceIP: "NAT_DETECTION_SOURCE_IP"
        case .natDetectionDestinationIP: "NAT_DETECTION_DESTINATION_IP"
        case .cookie: "COOKIE"
        case .useTransportMode: "USE_TRANSPORT_MODE"
        case .rekeySA: "REKEY_SA"
        case .redirectSupported: "REDIRECT_SUPPORTED"
        case .redirect: "REDIRECT"
        case .redirectedFrom: "REDIRECTED_FROM"
        case .fragmentationSupported: "IKEV2_FRAGMENTATION_SUPPORTED"
        case .signatureHashAlgorithms: "SIGNATURE_HASH_ALGORITHMS"
        case .raw: "raw"
        }
    }

    private static func text(_ v: NotifyFieldValue) -> String {
        switch v {
        case .number(let n): return "\(n)"
        case .hex(let b): return Hex.encode(b)
        case .string(let s): return s
        case .list(let l): return "[" + l.map(text).joined(separator: ",") + "]"
        }
    }
}
