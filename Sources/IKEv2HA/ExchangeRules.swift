import IKEv2

// Whole-message rules of RFC 6311 §5, §6 and the reset extension (`ha-reset.md`). They work
// on a light summary so they apply to decrypted inner payloads as well as cleartext messages.
// A violation is a finding, not an exception.

/// What the rules need to know about one message.
public struct ExchangeSummary: Hashable, Sendable {
    public var exchange: ExchangeType
    public var messageID: UInt32
    public var isResponse: Bool
    /// The payload types of the message content in order (the inner chain for an encrypted
    /// message), or nil when the content is not visible (encrypted, no keys).
    public var payloadTypes: [PayloadType]?
    /// The Notify payloads of the visible content.
    public var notifies: [NotifyPayload]

    public init(exchange: ExchangeType, messageID: UInt32, isResponse: Bool,
                payloadTypes: [PayloadType]?, notifies: [NotifyPayload]) {
        self.exchange = exchange
        self.messageID = messageID
        self.isResponse = isResponse
        self.payloadTypes = payloadTypes
        self.notifies = notifies
    }

    /// A summary of an owned message. `inner` is the decrypted SK content, if any; without it
    /// an encrypted message's content counts as not visible.
    public init(message: IKEMessage, inner: [IKEPayload]? = nil) {
        let outer = message.payloads.filter { $0.type != .encrypted && $0.type != .encryptedFragment }
        let isEncrypted = outer.count != message.payloads.count
        let visible: [IKEPayload]? = isEncrypted ? inner.map { outer + $0 } : outer
        var notifies: [NotifyPayload] = []
        for p in visible ?? outer {
            if case .notify(let n) = p.body { notifies.append(n) }
        }
        self.init(exchange: message.header.exchangeType, messageID: message.header.messageID,
                  isResponse: message.header.isResponse, payloadTypes: visible?.map(\.type), notifies: notifies)
    }
}

/// A rule violation found in a message or an exchange.
public struct HAFinding: Hashable, Sendable, CustomStringConvertible {
    /// A stable rule id, e.g. `ha.sync-message-id`.
    public var rule: String
    /// The RFC (or project note) section, e.g. `RFC 6311 §5.1`.
    public var section: String
    public var message: String

    public init(rule: String, section: String, message: String) {
        self.rule = rule
        self.section = section
        self.message = message
    }

    public var description: String { "\(rule) (\(section)): \(message)" }
}

/// The HA capabilities negotiated in IKE_AUTH.
public enum HACapability: String, Hashable, Sendable, CaseIterable {
    /// IKEV2_MESSAGE_ID_SYNC_SUPPORTED (RFC 6311 §6.1).
    case messageIDSync
    /// IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED (RFC 6311 §6.2).
    case replayCounterSync
    /// IKEV2_MESSAGE_ID_RESET_SUPPORTED (`ha-reset.md`).
    case messageIDReset
}

/// The message and exchange rules, with the decoder that knows the reset type numbers.
public struct HAExchangeRules: Hashable, Sendable {
    public var decoder: NotifyDecoder

    public init(decoder: NotifyDecoder = NotifyDecoder()) {
        self.decoder = decoder
    }

    /// The typed notifies of a message; undecodable ones become findings.
    public func decodedNotifies(_ s: ExchangeSummary) -> (data: [NotifyData], findings: [HAFinding]) {
        var out: [NotifyData] = []
        var findings: [HAFinding] = []
        for n in s.notifies {
            do {
                out.append(try decoder.decode(n))
            } catch {
                findings.append(HAFinding(rule: "ha.notify-malformed", section: "RFC 6311 §6",
                                          message: error.description))
                out.append(.raw(spi: n.spi, data: n.data))
            }
        }
        return (out, findings)
    }

    /// The capabilities a message claims.
    public func capabilities(in s: ExchangeSummary) -> Set<HACapability> {
        var caps: Set<HACapability> = []
        for n in s.notifies {
            switch n.notifyType {
            case .ikev2MessageIDSyncSupported: caps.insert(.messageIDSync)
            case .ipsecReplayCounterSyncSupported: caps.insert(.replayCounterSync)
            case decoder.resetSupportedType: caps.insert(.messageIDReset)
            default: break
            }
        }
        return caps
    }

    /// Rules that apply to one message on its own.
    public func check(_ s: ExchangeSummary) -> [HAFinding] {
        let (data, malformed) = decodedNotifies(s)
        var f = malformed
        func add(_ rule: String, _ section: String, _ message: String) {
            f.append(HAFinding(rule: rule, section: section, message: message))
        }
        let syncs = data.filter { if case .messageIDSync = $0 { return true } else { return false } }.count
        let replays = data.filter { if case .replayCounterSync = $0 { return true } else { return false } }.count
        let resets = data.filter { if case .messageIDReset = $0 { return true } else { return false } }.count
        let role = s.isResponse ? "response" : "request"

        if !capabilities(in: s).isEmpty && s.exchange != .ikeAuth {
            add("ha.supported-exchange", "RFC 6311 §6.1, §6.2",
                "an HA *_SUPPORTED notify appears in \(s.exchange), not IKE_AUTH")
        }
        if syncs > 0 {
            if s.exchange != .informational {
                add("ha.sync-exchange", "RFC 6311 §5.1", "IKEV2_MESSAGE_ID_SYNC in \(s.exchange), not INFORMATIONAL")
            }
            if s.messageID != 0 {
                add("ha.sync-message-id", "RFC 6311 §5.1",
                    "IKEV2_MESSAGE_ID_SYNC \(role) with Message ID \(s.messageID), not 0")
            }
            if let types = s.payloadTypes {
                let others = types.filter { $0 != .notify }.count
                let extraNotifies = data.count - syncs - (s.isResponse ? 0 : replays)
                if syncs > 1 || others > 0 || extraNotifies > 0 || (!s.isResponse && replays > 1) {
                    add(s.isResponse ? "ha.sync-response-contents" : "ha.sync-request-contents", "RFC 6311 §5.1",
                        s.isResponse
                            ? "a sync response may hold only one IKEV2_MESSAGE_ID_SYNC"
                            : "a sync request may hold only one IKEV2_MESSAGE_ID_SYNC and at most one IPSEC_REPLAY_COUNTER_SYNC")
                }
            }
        }
        if replays > 0 {
            if s.isResponse {
                add("ha.replay-sync-in-response", "RFC 6311 §6.4", "IPSEC_REPLAY_COUNTER_SYNC in a response (only the cluster's request carries it)")
            }
            if s.exchange != .informational {
                add("ha.replay-sync-exchange", "RFC 6311 §5", "IPSEC_REPLAY_COUNTER_SYNC in \(s.exchange), not INFORMATIONAL")
            }
            if s.messageID == 0 && syncs == 0 {
                add("ha.replay-sync-message-id", "RFC 6311 §5",
                    "IPSEC_REPLAY_COUNTER_SYNC alone uses the current Message ID counters, not Message ID 0")
            }
        }
        if resets > 0 {
            if s.exchange != .informational {
                add("ha.reset-exchange", "ha-reset.md", "IKEV2_MESSAGE_ID_RESET in \(s.exchange), not INFORMATIONAL")
            }
            if s.messageID != 0 {
                add("ha.reset-message-id", "ha-reset.md", "IKEV2_MESSAGE_ID_RESET \(role) with Message ID \(s.messageID), not 0")
            }
            if let types = s.payloadTypes, resets > 1 || types.count != 1 || data.count != 1 {
                add(s.isResponse ? "ha.reset-response-contents" : "ha.reset-request-contents", "ha-reset.md",
                    "a reset \(role) holds nothing but one IKEV2_MESSAGE_ID_RESET")
            }
            if !s.isResponse {
                for case .messageIDReset(let d) in data {
                    let range = MessageIDResetRequester.baseRange
                    if !range.contains(d.expectedSend) || !range.contains(d.expectedRecv) {
                        add("ha.reset-base-range", "ha-reset.md",
                            "reset bases (\(d.expectedSend), \(d.expectedRecv)) are not both in [2^16, 2^31)")
                    }
                }
            }
        }
        return f
    }

    /// Rules between a sync or reset request and its response: nonce echo, and the values the
    /// peer must send (RFC 6311 §5.1: P2 ≥ P1 and M2 ≥ M1; reset: the values swapped).
    public func checkResponse(_ response: ExchangeSummary, to request: ExchangeSummary) -> [HAFinding] {
        let req = decodedNotifies(request).data
        let resp = decodedNotifies(response).data
        var f: [HAFinding] = []
        for case .messageIDSync(let q) in req {
            guard let r = resp.lazy.compactMap({ if case .messageIDSync(let d) = $0 { d } else { nil } }).first else {
                if response.payloadTypes != nil {
                    f.append(HAFinding(rule: "ha.sync-response-contents", section: "RFC 6311 §5.1",
                                       message: "the response to a sync request carries no IKEV2_MESSAGE_ID_SYNC"))
                }
                continue
            }
            if r.nonce != q.nonce {
                f.append(HAFinding(rule: "ha.sync-nonce-echo", section: "RFC 6311 §5.1, §11",
                                   message: "response nonce \(hex8(r.nonce)) does not echo request nonce \(hex8(q.nonce))"))
            }
            if r.expectedSend < q.expectedRecv {
                f.append(HAFinding(rule: "ha.sync-response-values", section: "RFC 6311 §5.1",
                                   message: "P2 = \(r.expectedSend) is below P1 = \(q.expectedRecv) (P2 must be max(P1, ...))"))
            }
            if r.expectedRecv < q.expectedSend {
                f.append(HAFinding(rule: "ha.sync-response-values", section: "RFC 6311 §5.1",
                                   message: "M2 = \(r.expectedRecv) is below M1 = \(q.expectedSend) (M2 must be ≥ M1)"))
            }
        }
        for case .messageIDReset(let q) in req {
            guard let r = resp.lazy.compactMap({ if case .messageIDReset(let d) = $0 { d } else { nil } }).first else {
                continue  // an empty response is a refusal
            }
            if r.nonce != q.nonce {
                f.append(HAFinding(rule: "ha.reset-nonce-echo", section: "ha-reset.md",
                                   message: "response nonce \(hex8(r.nonce)) does not echo request nonce \(hex8(q.nonce))"))
            }
            if r.expectedSend != q.expectedRecv || r.expectedRecv != q.expectedSend {
                f.append(HAFinding(rule: "ha.reset-response-values", section: "ha-reset.md",
                                   message: "response (\(r.expectedSend), \(r.expectedRecv)) is not the request (\(q.expectedSend), \(q.expectedRecv)) swapped"))
            }
        }
        return f
    }

    /// IKE_AUTH negotiation: the responder claims only capabilities the initiator claimed
    /// (RFC 6311 §5; `ha-reset.md`). Returns the negotiated set with the findings.
    public func checkCapabilities(initiatorRequest: ExchangeSummary, responderResponse: ExchangeSummary)
        -> (negotiated: Set<HACapability>, findings: [HAFinding]) {
        let i = capabilities(in: initiatorRequest)
        let r = capabilities(in: responderResponse)
        var f: [HAFinding] = []
        for c in r.subtracting(i).sorted(by: { $0.rawValue < $1.rawValue }) {
            f.append(HAFinding(rule: "ha.supported-unclaimed", section: c == .messageIDReset ? "ha-reset.md" : "RFC 6311 §5",
                               message: "the IKE_AUTH responder claims \(c.rawValue) which the initiator did not claim"))
        }
        return (i.intersection(r), f)
    }
}

private func hex8(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 8 - s.count)) + s
}
