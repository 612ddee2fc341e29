// `ikev2 takeover`: act as the newly active member of an HA cluster against a live peer. Sends a
// protected RFC 6311 IKEV2_MESSAGE_ID_SYNC request (or the private Message-ID reset,
// `docs/reset-extension.md`), checks the answer, probes liveness at the agreed Message ID, then optionally
// serves the peer's requests as a live gateway would.

import IKEv2
import IKEv2Capture
import IKEv2Crypto
import IKEv2HA

/// What `ikev2 takeover` does.
package struct TakeoverOptions: Sendable {
    /// The side of the IKE SA being taken over (its keys and I flag are used).
    package enum Role: String, Sendable, CaseIterable {
        case initiator, responder
    }

    package enum Procedure: String, Sendable {
        /// RFC 6311 §5.1 IKEV2_MESSAGE_ID_SYNC.
        case sync
        /// The private IKEV2_MESSAGE_ID_RESET (`docs/reset-extension.md`).
        case reset
    }

    package var keys: IKESAKeys
    package var role: Role
    package var local: TakeoverEndpoint
    package var peer: TakeoverEndpoint
    /// The taken-over side's next request Message ID as last replicated (N).
    package var nextRequestID: UInt32
    /// The next request Message ID expected from the peer as last replicated (P).
    package var peerNextRequestID: UInt32
    /// Added to N for M1 (RFC 6311 §5.1: at least the sender window size).
    package var margin: UInt32 = 4
    package var procedure: Procedure = .sync
    /// Seconds to wait, before the procedure, for a request of the peer (one in flight to the dead
    /// member, retransmitted: RFC 6311 §7 trigger (a)); the procedure starts at the first one.
    package var listenSeconds: Double = 0
    /// Seconds to answer the peer's requests after the procedure (0: do not serve).
    package var serveSeconds: Double = 0
    /// First retransmission timeout; doubles on each retransmission (RFC 7296 §2.1).
    package var retransmitTimeout: Double = 1
    /// Retransmissions after the first transmission of each request.
    package var retransmissions: Int = 4
    /// The reset notify's type number (its SUPPORTED notify is one less).
    package var resetNotifyType: NotifyType = .ikev2MessageIDReset
    /// A fixed nonce (tests); nil draws a random one.
    package var nonce: UInt32? = nil
    /// Most saved responses kept for answering retransmitted requests.
    package var maxSavedResponses = 16

    package init(keys: IKESAKeys, role: Role, local: TakeoverEndpoint, peer: TakeoverEndpoint,
                nextRequestID: UInt32, peerNextRequestID: UInt32) {
        self.keys = keys
        self.role = role
        self.local = local
        self.peer = peer
        self.nextRequestID = nextRequestID
        self.peerNextRequestID = peerNextRequestID
    }

    /// Whether IKE goes with the 4-byte non-ESP marker (RFC 3948 §2.2): either port is 4500.
    package var usesNonESPMarker: Bool { local.port == 4500 || peer.port == 4500 }
}

/// What happened in one `ikev2 takeover` run.
package struct TakeoverOutcome: Sendable {
    /// What the peer did with the sync/reset request.
    package enum PeerAnswer: Hashable, Sendable {
        /// A protected response with the expected notify.
        case answered
        /// A protected response without the notify (for a reset: the peer refused).
        case emptyResponse
        /// A protected response with an error notify.
        case errorNotify(NotifyType)
        /// No valid response within the retransmission schedule.
        case noResponse

        package var name: String {
            switch self {
            case .answered: "answered"
            case .emptyResponse: "empty-response"
            case .errorNotify: "error-notify"
            case .noResponse: "no-response"
            }
        }
    }

    package struct Liveness: Sendable {
        package var messageID: UInt32
        package var answered = false
        package var transmissions = 0
        package var milliseconds: Int64?
    }

    package struct Serve: Sendable {
        package var seconds: Double = 0
        /// New requests answered with an empty (or NO_ADDITIONAL_SAS) response.
        package var requestsAnswered: [UInt32] = []
        /// Retransmitted requests answered with the saved response.
        package var retransmissionsAnswered = 0
        /// Requests outside the window or failing the ICV, dropped.
        package var dropped = 0
    }

    /// A peer request seen before the procedure completed (e.g. one in flight to the dead member);
    /// at most 64 distinct Message IDs are kept.
    package struct EarlyRequest: Hashable, Sendable {
        package var messageID: UInt32
        package var exchange: ExchangeType
    }

    package var procedure: TakeoverOptions.Procedure
    package var request: MessageIDSyncData
    package var answer: PeerAnswer = .noResponse
    package var response: MessageIDSyncData?
    package var nonceEchoed = false
    /// RFC 6311 §5.1: M2 ≥ M1 and P2 ≥ P1 (sync only; nil when unanswered).
    package var rfcMaximaObeyed: Bool?
    package var transmissions = 0
    package var responseMilliseconds: Int64?
    package var problems: [String] = []
    /// The counters after the procedure: the next request ID used, the next expected from the peer.
    package var counters: MessageIDCounters
    package var liveness: Liveness
    package var serve = Serve()
    package var earlyRequests: [EarlyRequest] = []
    /// Messages with this SA's SPIs that failed decryption or the ICV (ignored).
    package var unverifiedMessages = 0
    package var packetsSent = 0
    package var packetsReceived = 0

    /// Exit status 0 of `ikev2 takeover`: the peer answered the procedure and the liveness check.
    package var succeeded: Bool { answer == .answered && liveness.answered }
}

/// Runs the takeover. Not thread-safe; one run per instance.
package final class TakeoverSession {
    package let options: TakeoverOptions
    let channel: TakeoverChannel
    let capture: CaptureWriter?
    let decoder: NotifyDecoder
    /// Responses sent to the peer's requests, by Message ID, for retransmissions (RFC 7296 §2.1).
    var saved: [(id: UInt32, bytes: [UInt8])] = []
    /// The next request Message ID the peer may send; nil until the procedure completed.
    var peerExpected: UInt32?
    var outcome: TakeoverOutcome
    var captureProblem: String?
    /// Whether the peer's answer gave counters to continue with.
    var countersAgreed = false

    /// Opens the socket and the capture. Refuses without keys for both directions of the SA.
    package init(options: TakeoverOptions, capturePath: String? = nil) throws(TakeoverError) {
        let k = options.keys
        let ours = options.role == .initiator
        guard k.hasKeys(fromInitiator: ours), k.hasKeys(fromInitiator: !ours) else {
            throw TakeoverError("SA \(k.saName): the key table has no SK_e/SK_a for both directions")
        }
        do { try k.validate() } catch { throw TakeoverError("SA \(k.saName): \(error)") }
        guard let d = NotifyDecoder(resetSupportedType: NotifyType(rawValue: options.resetNotifyType.rawValue &- 1),
                                    resetType: options.resetNotifyType) else {
            throw TakeoverError("reset notify type \(options.resetNotifyType.rawValue) is not a private-use status number")
        }
        decoder = d
        self.options = options
        channel = try TakeoverChannel(local: options.local, peer: options.peer)
        if let capturePath {
            do {
                capture = try CaptureWriter(path: capturePath, linkType: .raw)
            } catch {
                throw TakeoverError("cannot write \(capturePath): \(error)")
            }
        } else {
            capture = nil
        }
        let placeholder = MessageIDSyncData(nonce: 0, expectedSend: 0, expectedRecv: 0)
        outcome = TakeoverOutcome(procedure: options.procedure, request: placeholder,
                                  counters: MessageIDCounters(nextSend: options.nextRequestID,
                                                              nextExpected: options.peerNextRequestID),
                                  liveness: .init(messageID: options.nextRequestID))
    }

    /// Runs the procedure, the liveness check and the serve period; commits the capture.
    package func run() throws(TakeoverError) -> TakeoverOutcome {
        var rng = SystemRandomNumberGenerator()
        if options.listenSeconds > 0 {
            let end = TakeoverClock.monotonic() + TakeoverClock.nanoseconds(options.listenSeconds)
            while outcome.earlyRequests.isEmpty {
                let left = (end - TakeoverClock.monotonic()) / 1_000_000
                guard left > 0 else { break }
                if let d = receive(milliseconds: Int32(clamping: left)) { _ = handle(d, awaiting: nil) }
            }
        }
        let replicated = MessageIDCounters(nextSend: options.nextRequestID, nextExpected: options.peerNextRequestID)
        switch options.procedure {
        case .sync:
            var requester = MessageIDSyncRequester(replicated: replicated)
            let request: MessageIDSyncData
            do {
                request = try requester.makeRequest(margin: options.margin,
                                                    nonce: options.nonce ?? UInt32(truncatingIfNeeded: rng.next()))
            } catch { throw TakeoverError("sync request: \(error)") }
            outcome.request = request
            let notify = NotifyPayload.messageIDSync(nonce: request.nonce, expectedSend: request.expectedSend,
                                                     expectedRecv: request.expectedRecv)
            let reply = try exchange(messageID: 0, inner: [.notify(notify)], liveness: false)
            if let reply { judgeSync(reply, requester: &requester) }
        case .reset:
            var requester = MessageIDResetRequester(counters: replicated)
            var request: MessageIDSyncData
            do { request = try requester.makeRequest(using: &rng) } catch { throw TakeoverError("reset request: \(error)") }
            if let n = options.nonce {
                request.nonce = n
            }
            outcome.request = request
            let notify = NotifyPayload.messageIDReset(nonce: request.nonce, newSend: request.expectedSend,
                                                      newRecv: request.expectedRecv, type: options.resetNotifyType)
            let reply = try exchange(messageID: 0, inner: [.notify(notify)], liveness: false)
            if let reply { judgeReset(reply, request: request) }
        }
        // Liveness: an empty INFORMATIONAL at the agreed Message ID (RFC 7296 §1.4.1 DPD), only
        // when the peer agreed to counters (an unanswered procedure leaves none to probe).
        outcome.liveness.messageID = outcome.counters.nextSend
        let agreed = countersAgreed
        if agreed { peerExpected = outcome.counters.nextExpected }
        let start = TakeoverClock.monotonic()
        if agreed, let reply = try exchange(messageID: outcome.counters.nextSend, inner: [], liveness: true) {
            outcome.liveness.answered = true
            outcome.liveness.milliseconds = (TakeoverClock.monotonic() - start) / 1_000_000
            if !reply.notifies.isEmpty {
                outcome.problems.append("liveness response carries \(reply.notifies.map { $0.notifyType.description })")
            }
            let (n, o) = outcome.counters.nextSend.addingReportingOverflow(1)
            if !o { outcome.counters.nextSend = n }
        }
        if options.serveSeconds > 0 {
            serve(seconds: options.serveSeconds)
        }
        if let nextExpected = peerExpected { outcome.counters.nextExpected = nextExpected }
        if let capture {
            do { try capture.commit() } catch { outcome.problems.append("capture: \(error)") }
        }
        if let captureProblem { outcome.problems.append(captureProblem) }
        if outcome.unverifiedMessages > 0 {
            outcome.problems.append("\(outcome.unverifiedMessages) message(s) of this SA failed to decrypt or verify and were ignored")
        }
        return outcome
    }

    // MARK: Sync and reset

    func judgeSync(_ reply: Reply, requester: inout MessageIDSyncRequester) {
        if let e = reply.notifies.first(where: { $0.notifyType.isError }) {
            outcome.answer = .errorNotify(e.notifyType)
            return
        }
        var found: MessageIDSyncData?
        for n in reply.notifies where n.notifyType == .ikev2MessageIDSync {
            if case .messageIDSync(let d)? = try? decoder.decode(n) { found = d } else {
                outcome.problems.append("N(IKEV2_MESSAGE_ID_SYNC) in the response has \(n.data.count) data octets, not 12")
            }
        }
        guard let response = found else {
            outcome.answer = .emptyResponse
            outcome.problems.append("the response has no N(IKEV2_MESSAGE_ID_SYNC)")
            return
        }
        outcome.answer = .answered
        outcome.response = response
        outcome.nonceEchoed = response.nonce == outcome.request.nonce
        // The rules are HARules' (RFC 6311 §5.1): a peer request seen in flight (sent to the dead
        // member) counts as used, so P2 must be above it.
        let inFlight = outcome.earlyRequests.map(\.messageID).max().map { UInt64($0) + 1 }
        let findings = HARules.checkResponse(.sync, request: outcome.request, response: response,
                                             requesterNext: nil, peerNext: inFlight)
        outcome.problems += findings.map(FailoverWording.finding)
        let obeyed = !findings.contains { if case .responseBelowMaximum = $0 { true } else { false } }
        outcome.rfcMaximaObeyed = obeyed
        if case .accepted(let c) = requester.handleResponse(response) {
            outcome.counters = c
            countersAgreed = true
        }
    }

    func judgeReset(_ reply: Reply, request: MessageIDSyncData) {
        if let e = reply.notifies.first(where: { $0.notifyType.isError }) {
            outcome.answer = .errorNotify(e.notifyType)
            return
        }
        var found: MessageIDSyncData?
        for n in reply.notifies where n.notifyType == options.resetNotifyType {
            if case .messageIDReset(let d)? = try? decoder.decode(n) { found = d }
        }
        guard let response = found else {
            outcome.answer = .emptyResponse
            return
        }
        outcome.answer = .answered
        outcome.response = response
        outcome.nonceEchoed = response.nonce == request.nonce
        let findings = HARules.checkResponse(.reset, request: request, response: response, requesterNext: nil, peerNext: nil)
        outcome.problems += findings.map(FailoverWording.finding)
        if !findings.contains(where: { if case .resetValuesNotSwapped = $0 { true } else { false } }) {
            let agreed = HARules.agreedNextRequestIDs(.reset, request: request, response: response)
            outcome.counters = MessageIDCounters(nextSend: agreed.requester, nextExpected: agreed.peer)
            countersAgreed = outcome.nonceEchoed
        }
    }

    // MARK: Exchanges

    /// A verified response: its notifies (decrypted).
    struct Reply {
        var notifies: [NotifyPayload]
    }

    /// Sends a protected INFORMATIONAL request and waits for its response, retransmitting the
    /// same bytes with exponential back-off (RFC 7296 §2.1). Peer requests that arrive meanwhile
    /// are answered once the counters are known (`peerExpected` set).
    func exchange(messageID: UInt32, inner: [IKEPayload], liveness: Bool) throws(TakeoverError) -> Reply? {
        let bytes = try seal(exchange: .informational, response: false, messageID: messageID, inner: inner)
        var timeout = options.retransmitTimeout
        let start = TakeoverClock.monotonic()
        for _ in 0...min(16, max(0, options.retransmissions)) {
            try send(bytes)
            if liveness { outcome.liveness.transmissions += 1 } else { outcome.transmissions += 1 }
            let deadline = TakeoverClock.monotonic() + TakeoverClock.nanoseconds(timeout)
            while true {
                let left = (deadline - TakeoverClock.monotonic()) / 1_000_000
                guard left > 0, let datagram = receive(milliseconds: Int32(clamping: left)) else { break }
                if let reply = handle(datagram, awaiting: messageID) {
                    if !liveness { outcome.responseMilliseconds = (TakeoverClock.monotonic() - start) / 1_000_000 }
                    return reply
                }
            }
            timeout *= 2
        }
        return nil
    }

    /// Answers the peer's requests for `seconds`.
    func serve(seconds: Double) {
        outcome.serve.seconds = seconds
        let end = TakeoverClock.monotonic() + TakeoverClock.nanoseconds(seconds)
        while true {
            let left = (end - TakeoverClock.monotonic()) / 1_000_000
            guard left > 0 else { break }
            if let d = receive(milliseconds: Int32(clamping: left)) { _ = handle(d, awaiting: nil) }
        }
    }

    /// Handles one datagram: returns the verified response to request `awaiting`, answers or
    /// drops peer requests, and ignores everything else (ESP, keepalives, other SAs).
    func handle(_ datagram: [UInt8], awaiting: UInt32?) -> Reply? {
        var ike = datagram
        if options.usesNonESPMarker {
            guard ike.count >= 4, ike[0] == 0, ike[1] == 0, ike[2] == 0, ike[3] == 0 else { return nil }
            ike.removeFirst(4)
        }
        guard let h = IKEHeader.peek(ike.span.bytes), h.majorVersion == 2,
              h.initiatorSPI == options.keys.initiatorSPI, h.responderSPI == options.keys.responderSPI,
              h.isInitiator == (options.role == .responder) else { return nil }
        let opened = open(ike)
        if h.isResponse {
            guard let awaiting, h.messageID == awaiting, h.exchangeType == .informational else { return nil }
            guard let notifies = opened else {
                outcome.unverifiedMessages += 1
                return nil
            }
            return Reply(notifies: notifies)
        }
        guard opened != nil else {
            outcome.serve.dropped += 1
            outcome.unverifiedMessages += 1
            return nil
        }
        if let s = saved.first(where: { $0.id == h.messageID }) {
            try? send(s.bytes)
            outcome.serve.retransmissionsAnswered += 1
            return nil
        }
        guard let expected = peerExpected else {
            if outcome.earlyRequests.count < 64, !outcome.earlyRequests.contains(where: { $0.messageID == h.messageID }) {
                outcome.earlyRequests.append(.init(messageID: h.messageID, exchange: h.exchangeType))
            }
            return nil
        }
        guard h.messageID == expected else {
            // RFC 6311 §8.1: outside the declared window, dropped silently.
            outcome.serve.dropped += 1
            return nil
        }
        let inner: [IKEPayload] = h.exchangeType == .createChildSA
            ? [.notify(NotifyPayload(type: .noAdditionalSAs))] : []
        guard let bytes = try? seal(exchange: h.exchangeType, response: true, messageID: h.messageID, inner: inner) else {
            return nil
        }
        try? send(bytes)
        outcome.serve.requestsAnswered.append(h.messageID)
        saved.append((h.messageID, bytes))
        if saved.count > options.maxSavedResponses { saved.removeFirst() }
        let (n, o) = expected.addingReportingOverflow(1)
        if !o { peerExpected = n }
        return nil
    }

    /// The notifies of a message from the peer, or nil when it fails to decrypt or verify.
    func open(_ ike: [UInt8]) -> [NotifyPayload]? {
        let result: DecryptResult
        do {
            let view = try IKEMessageView(parsing: ike.span.bytes)
            result = IKEDecryptor.decrypt(message: view, keys: options.keys)
        } catch {
            return nil
        }
        guard result.isClean else { return nil }
        var notifies: [NotifyPayload] = []
        let span = result.plaintext.span.bytes
        var it = PayloadIterator(message: span, first: result.firstInnerType, start: 0, inside: .encrypted)
        while true {
            guard let p = try? it.next() else { break }
            if p.type == .notify, let n = try? p.notify() { notifies.append(NotifyPayload(n)) }
        }
        return notifies
    }

    func seal(exchange: ExchangeType, response: Bool, messageID: UInt32, inner: [IKEPayload]) throws(TakeoverError) -> [UInt8] {
        var flags: UInt8 = options.role == .initiator ? IKEHeader.initiatorFlag : 0
        if response { flags |= IKEHeader.responseFlag }
        let h = IKEHeader(initiatorSPI: options.keys.initiatorSPI, responderSPI: options.keys.responderSPI,
                          exchangeType: exchange, flags: flags, messageID: messageID)
        do {
            return try IKEEncryptor.encrypt(header: h, innerPayloads: inner, keys: options.keys)
        } catch {
            throw TakeoverError("cannot protect the \(exchange) message: \(error)")
        }
    }

    // MARK: Wire and capture

    func send(_ ike: [UInt8]) throws(TakeoverError) {
        let datagram = options.usesNonESPMarker ? [0, 0, 0, 0] + ike : ike
        try channel.send(datagram)
        outcome.packetsSent += 1
        record(datagram, outbound: true)
    }

    func receive(milliseconds: Int32) -> [UInt8]? {
        guard let d = channel.receive(milliseconds: milliseconds) else { return nil }
        guard !d.isEmpty else { return [] }
        outcome.packetsReceived += 1
        record(d, outbound: false)
        return d
    }

    func record(_ datagram: [UInt8], outbound: Bool) {
        guard let capture, captureProblem == nil else { return }
        var spec = FrameSpec()
        let (a, b) = outbound ? (options.local, options.peer) : (options.peer, options.local)
        spec.source = a.address
        spec.sourcePort = a.port
        spec.destination = b.address
        spec.destinationPort = b.port
        do {
            try capture.writeUDP(datagram, spec: spec, timestampNanoseconds: TakeoverClock.wall())
        } catch {
            captureProblem = "capture: \(error)"
        }
    }
}

