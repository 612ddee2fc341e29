import IKEv2

// The one engine for the rules of RFC 6311 (Message ID sync, replay-counter sync) and of this
// project's private Message ID reset extension (docs/reset-extension.md). Pure functions over
// values: the analyzer, the synthesizer, the procedures (MessageIDSync*/MessageIDReset*) and the
// tests all call these, so the rule that is tested is the rule that runs. Findings are typed
// facts with values; the report layer words them.

/// The two kinds of counter exchange: both are an INFORMATIONAL exchange at Message ID 0
/// carrying one 12-octet notify (nonce, next send, next receive).
public enum CounterExchangeKind: String, Hashable, Sendable, CaseIterable {
    /// IKEV2_MESSAGE_ID_SYNC (16422), RFC 6311 §5.1: counters only move forward (maxima).
    case sync = "message-id-sync"
    /// IKEV2_MESSAGE_ID_RESET (private use), docs/reset-extension.md: the peer adopts the
    /// requested bases, swapped.
    case reset = "message-id-reset"

    /// The capability that must be negotiated in IKE_AUTH before the exchange is used.
    public var capability: HACapability { self == .sync ? .messageIDSync : .messageIDReset }
}

/// The HA capabilities negotiated in IKE_AUTH.
public enum HACapability: String, Hashable, Sendable, CaseIterable {
    /// IKEV2_MESSAGE_ID_SYNC_SUPPORTED (RFC 6311 §6.1).
    case messageIDSync
    /// IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED (RFC 6311 §6.2).
    case replayCounterSync
    /// IKEV2_MESSAGE_ID_RESET_SUPPORTED (docs/reset-extension.md §2).
    case messageIDReset

    /// The name used in reports: `message-id-sync` (16420), `replay-counter-sync` (16421),
    /// `message-id-reset` (private use).
    public var reportName: String {
        switch self {
        case .messageIDSync: "message-id-sync"
        case .replayCounterSync: "replay-counter-sync"
        case .messageIDReset: "message-id-reset"
        }
    }
}

/// A Notify payload as observed, with whether it travelled inside an SK/SKF payload.
public struct SeenNotify: Hashable, Sendable {
    public var payload: NotifyPayload
    /// Inside the encrypted, integrity-protected SK content (RFC 7296 §3.14).
    public var isProtected: Bool

    public init(_ payload: NotifyPayload, protected: Bool) {
        self.payload = payload
        self.isProtected = protected
    }
}

/// What the rules need to know about one message.
public struct ExchangeSummary: Hashable, Sendable {
    public var exchange: ExchangeType
    public var messageID: UInt32
    public var isResponse: Bool
    /// The payload types of the visible content in order (outer cleartext payloads, then the
    /// inner chain of SK content), or nil when the content is not visible (encrypted, no keys).
    public var payloadTypes: [PayloadType]?
    /// The Notify payloads of the visible content.
    public var notifies: [SeenNotify]

    public init(exchange: ExchangeType, messageID: UInt32, isResponse: Bool, payloadTypes: [PayloadType]?,
                notifies: [SeenNotify]) {
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
        var notifies: [SeenNotify] = []
        for p in outer {
            if case .notify(let n) = p.body { notifies.append(SeenNotify(n, protected: false)) }
        }
        for p in inner ?? [] {
            if case .notify(let n) = p.body { notifies.append(SeenNotify(n, protected: true)) }
        }
        let visible: [IKEPayload]? = isEncrypted ? inner.map { outer + $0 } : outer
        self.init(exchange: message.header.exchangeType, messageID: message.header.messageID,
                  isResponse: message.header.isResponse, payloadTypes: visible?.map(\.type), notifies: notifies)
    }
}

/// The sync fields a response rule speaks about (RFC 6311 §5.1).
public enum SyncResponseField: String, Hashable, Sendable {
    /// The peer's next own request (EXPECTED_SEND_REQ_MESSAGE_ID of the response).
    case p2 = "P2"
    /// The Message ID the peer expects from the cluster (EXPECTED_RECV_REQ_MESSAGE_ID).
    case m2 = "M2"
}

/// How a peer showed that it does not support a counter exchange.
public enum PeerRefusal: Hashable, Sendable {
    /// An empty `HDR, SK{}` response (for a reset: the extension's refusal).
    case emptyResponse
    /// A response carrying an error notify instead (e.g. INVALID_SYNTAX).
    case errorNotify(NotifyType)
    /// No response at all by the end of the capture (RFC 7296 §2.2: a request at an old or
    /// unexpected Message ID is dropped by a peer that does not know the extension).
    case noResponse
}

/// One broken rule (or a notable fact) of RFC 6311 or the reset extension, with its values.
public enum HAFinding: Hashable, Sendable {
    /// A notify of a typed kind whose data does not parse.
    case notifyMalformed(NotifyType, reason: String)
    /// An HA *_SUPPORTED notify outside IKE_AUTH (RFC 6311 §6.1, §6.2).
    case capabilityOutsideIKEAuth(HACapability, exchange: ExchangeType)
    /// The IKE_AUTH responder claims a capability the initiator did not claim (RFC 6311 §5).
    case capabilityUnclaimed(HACapability)
    /// A sync or reset notify in another exchange than INFORMATIONAL (RFC 6311 §5.1).
    case wrongExchange(CounterExchangeKind, ExchangeType)
    /// A sync or reset message whose Message ID is not 0 (RFC 6311 §5.1).
    case nonZeroMessageID(CounterExchangeKind, messageID: UInt32, isResponse: Bool)
    /// A sync or reset notify outside the SK payload: unauthenticated, never acted on (RFC 6311 §5.1, §9).
    case unprotected(CounterExchangeKind, isResponse: Bool)
    /// Other payloads beside the counter notify (RFC 6311 §5.1; reset: docs/reset-extension.md §3).
    case extraContents(CounterExchangeKind, isResponse: Bool)
    /// IPSEC_REPLAY_COUNTER_SYNC in a response (RFC 6311 §6.4: only the cluster's request).
    case replayDeltaInResponse
    /// IPSEC_REPLAY_COUNTER_SYNC outside INFORMATIONAL (RFC 6311 §5).
    case replayDeltaWrongExchange(ExchangeType)
    /// IPSEC_REPLAY_COUNTER_SYNC alone at Message ID 0 (RFC 6311 §5 case 2 uses the current IDs).
    case replayDeltaAloneAtZero
    /// Reset bases outside [2^16, 2^31) (docs/reset-extension.md §3).
    case resetBaseOutOfRange(send: UInt32, recv: UInt32)
    /// The response does not echo the request's nonce: the requester drops it (RFC 6311 §5.1, §11).
    case nonceNotEchoed(CounterExchangeKind, request: UInt32, response: UInt32)
    /// A sync response value below the RFC 6311 §5.1 maximum: `value` < max(`requested`, `seenNext`).
    case responseBelowMaximum(SyncResponseField, value: UInt32, requested: UInt32, seenNext: UInt64)
    /// A reset response that is not the request's values swapped (docs/reset-extension.md §3).
    case resetValuesNotSwapped(request: MessageIDSyncData, response: MessageIDSyncData)
    /// The capability was not negotiated for this IKE SA (RFC 6311 §5; reset: docs/reset-extension.md §2).
    case notNegotiated(HACapability)
    /// M1 is not above the highest Message ID already seen from the requester (or an earlier
    /// M1): RFC 6311 §5.1 says the peer silently drops it.
    case syncReplayed(m1: UInt32, highestSeen: UInt32)
    /// A sync request repeats an earlier request's nonce with other values (RFC 6311 §11).
    case nonceReusedWithOtherValues(firstFrame: Int)
    /// A second counter exchange of the same kind from one side in one failover event (RFC 6311 §7).
    case secondInFailover(CounterExchangeKind, firstFrame: Int)
    /// The exchange moved `side`'s next request ID to or below one it already used (Message IDs
    /// can be reused: the reason RFC 6311 only moves forward; docs/reset-extension.md §5).
    case reopensUsedIDs(CounterExchangeKind, side: IKESide, next: UInt32, highestUsed: UInt32)
    /// The first request of `side` after the exchange does not use the agreed ID.
    case laterRequestNotAtAgreedID(CounterExchangeKind, side: IKESide, used: UInt32, agreed: UInt32)
    /// The peer answered a sync that RFC 6311 §5.1 says it should drop (Appendix A.2/A.3
    /// show such answers): the values it used are in the exchange.
    case answeredDespiteReplayRule(m1: UInt32, highestSeen: UInt32)
    /// The peer does not support the exchange (RFC 6311 §5 case 4).
    case peerDoesNotSupport(CounterExchangeKind, PeerRefusal)

    /// The anomaly kind this finding is reported as.
    public var anomalyKind: FailoverAnomalyKind {
        switch self {
        case .notifyMalformed(let t, _):
            t == .ikev2MessageIDSync || t == .ipsecReplayCounterSync || t == .ikev2MessageIDSyncSupported
                || t == .ipsecReplayCounterSyncSupported ? .syncRuleViolation : .resetRuleViolation
        case .capabilityOutsideIKEAuth(let c, _), .capabilityUnclaimed(let c):
            c == .messageIDReset ? .resetRuleViolation : .syncRuleViolation
        case .wrongExchange(let k, _), .nonZeroMessageID(let k, _, _), .unprotected(let k, _),
             .extraContents(let k, _), .secondInFailover(let k, _), .laterRequestNotAtAgreedID(let k, _, _, _):
            k == .sync ? .syncRuleViolation : .resetRuleViolation
        case .replayDeltaInResponse, .replayDeltaWrongExchange, .replayDeltaAloneAtZero, .responseBelowMaximum,
             .answeredDespiteReplayRule:
            .syncRuleViolation
        case .resetBaseOutOfRange, .resetValuesNotSwapped:
            .resetRuleViolation
        case .nonceNotEchoed(let k, _, _):
            k == .sync ? .syncNonceMismatch : .resetNonceMismatch
        case .notNegotiated(let c):
            c == .messageIDReset ? .resetWithoutSupport : .syncWithoutSupport
        case .syncReplayed, .nonceReusedWithOtherValues:
            .syncReplayed
        case .reopensUsedIDs(let k, _, _, _):
            k == .sync ? .syncRuleViolation : .resetReopensMessageIDs
        case .peerDoesNotSupport(let k, _):
            k == .sync ? .syncNotSupportedByPeer : .resetRuleViolation
        }
    }

    /// Where the rule is written: an RFC section or a section of docs/reset-extension.md.
    public var section: String {
        switch self {
        case .notifyMalformed(let t, _):
            t.rawValue >= 40960 ? ResetExtensionDocument.section(3) : "RFC 6311 §6"
        case .capabilityOutsideIKEAuth: "RFC 6311 §6.1, §6.2"
        case .capabilityUnclaimed(let c), .notNegotiated(let c):
            c == .messageIDReset ? ResetExtensionDocument.section(2) : "RFC 6311 §5"
        case .wrongExchange(let k, _), .nonZeroMessageID(let k, _, _), .extraContents(let k, _):
            k == .sync ? "RFC 6311 §5.1" : ResetExtensionDocument.section(3)
        case .unprotected(let k, _): k == .sync ? "RFC 6311 §5.1, §9" : ResetExtensionDocument.section(3)
        case .replayDeltaInResponse: "RFC 6311 §6.4"
        case .replayDeltaWrongExchange, .replayDeltaAloneAtZero: "RFC 6311 §5"
        case .resetBaseOutOfRange, .resetValuesNotSwapped: ResetExtensionDocument.section(3)
        case .nonceNotEchoed(let k, _, _): k == .sync ? "RFC 6311 §5.1, §11" : ResetExtensionDocument.section(3)
        case .responseBelowMaximum, .syncReplayed, .answeredDespiteReplayRule: "RFC 6311 §5.1"
        case .nonceReusedWithOtherValues: "RFC 6311 §11"
        case .secondInFailover(let k, _): k == .sync ? "RFC 6311 §7" : ResetExtensionDocument.section(4)
        case .reopensUsedIDs(let k, _, _, _): k == .sync ? "RFC 6311 §5.1" : ResetExtensionDocument.section(5)
        case .laterRequestNotAtAgreedID(let k, _, _, _): k == .sync ? "RFC 6311 §5.1" : ResetExtensionDocument.section(3)
        case .peerDoesNotSupport(let k, _): k == .sync ? "RFC 6311 §5" : ResetExtensionDocument.section(3)
        }
    }

    /// A stable identifier of the rule (for tests and filters), e.g. `sync.message-id`.
    public var ruleID: String {
        switch self {
        case .notifyMalformed: "notify-malformed"
        case .capabilityOutsideIKEAuth: "supported-exchange"
        case .capabilityUnclaimed: "supported-unclaimed"
        case .wrongExchange(let k, _): "\(k.short).exchange"
        case .nonZeroMessageID(let k, _, _): "\(k.short).message-id"
        case .unprotected(let k, _): "\(k.short).unprotected"
        case .extraContents(let k, let r): "\(k.short).\(r ? "response" : "request")-contents"
        case .replayDeltaInResponse: "replay.in-response"
        case .replayDeltaWrongExchange: "replay.exchange"
        case .replayDeltaAloneAtZero: "replay.message-id"
        case .resetBaseOutOfRange: "reset.base-range"
        case .nonceNotEchoed(let k, _, _): "\(k.short).nonce-echo"
        case .responseBelowMaximum: "sync.response-values"
        case .resetValuesNotSwapped: "reset.response-values"
        case .notNegotiated(let c): "\(c.reportName).not-negotiated"
        case .syncReplayed: "sync.replayed"
        case .nonceReusedWithOtherValues: "sync.nonce-reused"
        case .secondInFailover(let k, _): "\(k.short).second-in-failover"
        case .reopensUsedIDs(let k, _, _, _): "\(k.short).reopens-ids"
        case .laterRequestNotAtAgreedID(let k, _, _, _): "\(k.short).later-request"
        case .answeredDespiteReplayRule: "sync.answered-despite-replay-rule"
        case .peerDoesNotSupport(let k, _): "\(k.short).peer-unsupported"
        }
    }
}

extension CounterExchangeKind {
    var short: String { self == .sync ? "sync" : "reset" }
}

/// Section references into the project's specification of the reset extension.
enum ResetExtensionDocument {
    /// The document's path in the repository.
    static let path = "docs/reset-extension.md"
    /// "docs/reset-extension.md §n".
    static func section(_ n: Int) -> String { "\(path) §\(n)" }
}

/// The decoded HA content of one message.
public struct HAMessageContent: Hashable, Sendable {
    public var kind: CounterExchangeKind?
    /// The sync or reset data (the first one when there are several).
    public var counters: MessageIDSyncData?
    /// Whether that notify was inside SK.
    public var countersProtected: Bool
    public var replayDelta: ReplayCounterDelta?
    public var windowSize: UInt32?
    public var capabilities: Set<HACapability>
    /// The first error notify (type < 16384), if any.
    public var errorNotify: NotifyType?
    /// Findings of this message on its own.
    public var findings: [HAFinding]
}

/// The rules of RFC 6311 and the reset extension, with the decoder that knows the reset type numbers.
public struct HARules: Hashable, Sendable {
    public var decoder: NotifyDecoder

    public init(decoder: NotifyDecoder = NotifyDecoder()) {
        self.decoder = decoder
    }

    /// The range reset bases are drawn from: [2^16, 2^31) (docs/reset-extension.md §3).
    public static let resetBaseRange: Range<UInt32> = 65536..<2_147_483_648

    // MARK: one message

    /// Decodes the HA content of a message and checks the rules that apply to it on its own
    /// (RFC 6311 §5, §5.1, §6; docs/reset-extension.md §3).
    public func content(of s: ExchangeSummary) -> HAMessageContent {
        var c = HAMessageContent(kind: nil, counters: nil, countersProtected: false, replayDelta: nil, windowSize: nil,
                                 capabilities: [], errorNotify: nil, findings: [])
        var syncs = 0, resets = 0, replays = 0, others = 0
        var syncProtected = true, resetProtected = true
        for n in s.notifies {
            let t = n.payload.notifyType
            if t.rawValue < 16384, c.errorNotify == nil { c.errorNotify = t }
            switch t {
            case .ikev2MessageIDSyncSupported: c.capabilities.insert(.messageIDSync)
            case .ipsecReplayCounterSyncSupported: c.capabilities.insert(.replayCounterSync)
            case decoder.resetSupportedType: c.capabilities.insert(.messageIDReset)
            default: break
            }
            let data: NotifyData
            do {
                data = try decoder.decode(n.payload)
            } catch {
                c.findings.append(.notifyMalformed(t, reason: error.description))
                others += 1
                continue
            }
            switch data {
            case .messageIDSync(let d):
                syncs += 1
                syncProtected = syncProtected && n.isProtected
                if c.counters == nil || c.kind == .reset { c.counters = d; c.kind = .sync; c.countersProtected = n.isProtected }
            case .messageIDReset(let d):
                resets += 1
                resetProtected = resetProtected && n.isProtected
                if c.counters == nil { c.counters = d; c.kind = .reset; c.countersProtected = n.isProtected }
            case .replayCounterSync(let d):
                replays += 1
                if c.replayDelta == nil { c.replayDelta = d }
            case .setWindowSize(let w):
                c.windowSize = w
                others += 1
            default:
                others += 1
            }
        }
        for cap in c.capabilities.sorted(by: { $0.rawValue < $1.rawValue }) where s.exchange != .ikeAuth {
            c.findings.append(.capabilityOutsideIKEAuth(cap, exchange: s.exchange))
        }
        let nonNotify = s.payloadTypes.map { $0.filter { $0 != .notify }.count }
        func placement(_ k: CounterExchangeKind, protected: Bool) {
            if s.exchange != .informational { c.findings.append(.wrongExchange(k, s.exchange)) }
            if s.messageID != 0 { c.findings.append(.nonZeroMessageID(k, messageID: s.messageID, isResponse: s.isResponse)) }
            if !protected { c.findings.append(.unprotected(k, isResponse: s.isResponse)) }
        }
        if syncs > 0 {
            placement(.sync, protected: syncProtected)
            let extra = syncs > 1 || (nonNotify ?? 0) > 0 || others > 0 || resets > 0
                || (s.isResponse ? replays > 0 : replays > 1)
            if extra { c.findings.append(.extraContents(.sync, isResponse: s.isResponse)) }
        }
        if resets > 0 {
            placement(.reset, protected: resetProtected)
            if resets > 1 || (nonNotify ?? 0) > 0 || others > 0 || replays > 0 || syncs > 0 {
                c.findings.append(.extraContents(.reset, isResponse: s.isResponse))
            }
            if !s.isResponse, let d = c.counters, c.kind == .reset,
               !Self.resetBaseRange.contains(d.expectedSend) || !Self.resetBaseRange.contains(d.expectedRecv) {
                c.findings.append(.resetBaseOutOfRange(send: d.expectedSend, recv: d.expectedRecv))
            }
        }
        if replays > 0 {
            if s.isResponse { c.findings.append(.replayDeltaInResponse) }
            if s.exchange != .informational { c.findings.append(.replayDeltaWrongExchange(s.exchange)) }
            if s.messageID == 0 && syncs == 0 && resets == 0 { c.findings.append(.replayDeltaAloneAtZero) }
        }
        return c
    }

    /// The findings of one message on its own (`content(of:).findings`).
    public func check(_ s: ExchangeSummary) -> [HAFinding] { content(of: s).findings }

    /// Whether a counter message is placed where it may act: INFORMATIONAL, Message ID 0, inside SK.
    /// A misplaced one is reported and never moves counters (RFC 6311 §5.1, §9).
    public static func isPlacedToAct(_ findings: [HAFinding]) -> Bool {
        !findings.contains {
            switch $0 {
            case .wrongExchange, .nonZeroMessageID, .unprotected: true
            default: false
            }
        }
    }

    // MARK: negotiation

    /// IKE_AUTH negotiation: a capability is usable when both claimed it; the responder claiming
    /// one the initiator did not is a finding (RFC 6311 §5; docs/reset-extension.md §2).
    public static func negotiate(initiator: Set<HACapability>, responder: Set<HACapability>)
        -> (negotiated: Set<HACapability>, findings: [HAFinding]) {
        let unclaimed = responder.subtracting(initiator).sorted { $0.rawValue < $1.rawValue }
        return (initiator.intersection(responder), unclaimed.map { .capabilityUnclaimed($0) })
    }

    // MARK: the requester's side

    /// The sync request a newly active member sends (RFC 6311 §5.1): M1 = its next request ID
    /// plus a margin (at least the window size is recommended), P1 = the ID it expects next.
    public static func syncRequest(replicated: MessageIDCounters, margin: UInt32, nonce: UInt32) throws(HAError) -> MessageIDSyncData {
        let (m1, overflow) = replicated.nextSend.addingReportingOverflow(margin)
        guard !overflow else { throw .messageIDSpaceExhausted }
        return MessageIDSyncData(nonce: nonce, expectedSend: m1, expectedRecv: replicated.nextExpected)
    }

    // MARK: the peer's side

    /// RFC 6311 §5.1 replay check: the peer silently drops a request whose M1 is not above the
    /// highest Message ID it has seen from the cluster (earlier sync requests included).
    public static func isReplayed(m1: UInt32, highestSeen: UInt32?) -> Bool {
        guard let highestSeen else { return false }
        return m1 <= highestSeen
    }

    /// The peer's answer (P2, M2) to a sync request (M1, P1) (RFC 6311 §5.1):
    /// P2 = max(P1, peer's next own request ID), M2 = max(M1, next ID expected from the cluster).
    public static func syncResponse(to request: MessageIDSyncData, peer: MessageIDCounters) -> MessageIDSyncData {
        MessageIDSyncData(nonce: request.nonce, expectedSend: max(request.expectedRecv, peer.nextSend),
                          expectedRecv: max(request.expectedSend, peer.nextExpected))
    }

    /// The peer's answer to a reset request (R1, Q1): the values swapped (docs/reset-extension.md §3).
    public static func resetResponse(to request: MessageIDSyncData) -> MessageIDSyncData {
        MessageIDSyncData(nonce: request.nonce, expectedSend: request.expectedRecv, expectedRecv: request.expectedSend)
    }

    /// The counters both ends use after an accepted exchange: the requester's next request ID and
    /// the peer's next request ID. Sync: the requester sends at M2 (≥ M1) and the peer at P2;
    /// reset: R1 and Q1 (the request's values).
    public static func agreedNextRequestIDs(_ kind: CounterExchangeKind, request: MessageIDSyncData,
                                            response: MessageIDSyncData) -> (requester: UInt32, peer: UInt32) {
        switch kind {
        case .sync: (max(request.expectedSend, response.expectedRecv), response.expectedSend)
        case .reset: (request.expectedSend, request.expectedRecv)
        }
    }

    /// The rules between a request and its (authenticated) response. `requesterNext` and
    /// `peerNext` are the next request IDs of both sides as far as known (highest seen + 1).
    public static func checkResponse(_ kind: CounterExchangeKind, request: MessageIDSyncData, response: MessageIDSyncData,
                                     requesterNext: UInt64?, peerNext: UInt64?) -> [HAFinding] {
        var f: [HAFinding] = []
        if response.nonce != request.nonce {
            f.append(.nonceNotEchoed(kind, request: request.nonce, response: response.nonce))
        }
        switch kind {
        case .sync:
            let p2Min = max(UInt64(request.expectedRecv), peerNext ?? 0)
            if UInt64(response.expectedSend) < p2Min {
                f.append(.responseBelowMaximum(.p2, value: response.expectedSend, requested: request.expectedRecv,
                                               seenNext: peerNext ?? 0))
            }
            let m2Min = max(UInt64(request.expectedSend), requesterNext ?? 0)
            if UInt64(response.expectedRecv) < m2Min {
                f.append(.responseBelowMaximum(.m2, value: response.expectedRecv, requested: request.expectedSend,
                                               seenNext: requesterNext ?? 0))
            }
        case .reset:
            let swapped = resetResponse(to: request)
            if response.expectedSend != swapped.expectedSend || response.expectedRecv != swapped.expectedRecv {
                f.append(.resetValuesNotSwapped(request: request, response: response))
            }
        }
        return f
    }

    /// Whether moving a sender's next request ID to `next` re-opens Message IDs it already used
    /// (`highestUsed` is the highest it sent; nil when none).
    public static func reopensUsedIDs(next: UInt32, highestUsed: UInt32?) -> Bool {
        guard let highestUsed else { return false }
        return next <= highestUsed
    }

    // MARK: replay counters

    /// The default slack for `explainsReplayDelta`: packets of the peer the capture may have
    /// missed between the last one seen and the jump (one anti-replay window, RFC 4303 §3.4.3).
    public static let defaultReplayDeltaSlack: UInt64 = 64

    /// Whether a forward jump of the peer's outbound sequence number from `last` (the last seen
    /// before) to `first` (the first seen after) is the IPSEC_REPLAY_COUNTER_SYNC `delta` (RFC 6311
    /// §5.2, §6.4): the peer adds exactly the delta, so `first` = `last` + 1 + `delta` + the
    /// packets the capture missed, at most `slack`.
    public static func explainsReplayDelta(last: UInt64, first: UInt64, delta: UInt64,
                                           slack: UInt64 = defaultReplayDeltaSlack) -> Bool {
        let (base, o1) = last.addingReportingOverflow(1)
        let (low, o2) = base.addingReportingOverflow(delta)
        guard !o1, !o2, first >= low else { return false }
        return first - low <= slack
    }
}
