// The failover scenarios. Every counter value in the captures comes from the IKEv2HA procedures
// (MessageIDSyncRequester/Responder, MessageIDResetRequester/Responder, ReplayCounterSync), not
// from hand-picked numbers; the engine only turns their outcomes into sealed IKE messages.

import IKEv2
import IKEv2Capture
import IKEv2Crypto
import IKEv2HA

/// A named failover capture recipe and the statement of what it contains.
///
/// ```swift
/// let capture = try SynthScenario.rfc6311Sync.generate(seed: 6311)
/// try capture.write(pcap: "sync.pcap", keys: "sync.keys")
/// capture.expectation.anomalyKinds   // [] for the clean scenarios
/// ```
public struct SynthScenario: Hashable, Sendable {
    /// The scenario names accepted by `ikev2 synth`.
    public enum ID: String, Hashable, Sendable, CaseIterable {
        case rfc6311Sync = "rfc6311-sync"
        case rfc6311SyncWithReplayCounter = "rfc6311-sync-with-replay-counter"
        case reset = "reset"
        case noSyncReuse = "no-sync-reuse"
        case simultaneousFailover = "simultaneous-failover"
        case peerWithoutSupport = "peer-without-support"
        case replayedSync = "replayed-sync"
        case espAntiReplay = "esp-anti-replay"
        case esnWrap = "esn-wrap"
        case noInventedTakeover = "no-invented-takeover"
        case silentTakeoverLazySync = "silent-takeover-lazy-sync"
        case failoverFailback = "failover-failback"
        case ikeSARekeyFailover = "ike-sa-rekey-failover"
        case misplacedSync = "misplaced-sync"
        case midSACapture = "mid-sa-capture"
        case refragmentedRetransmission = "refragmented-retransmission"
        case replayDeltaWithLoss = "replay-delta-with-loss"
        case crossingSyncsUnequal = "crossing-syncs-unequal"
        case ahStaleCounter = "ah-stale-counter"
    }

    public let id: ID
    /// One line on what the capture shows.
    public let summary: String
    /// The anomaly kinds `ikev2 failover` must report on this scenario (empty: a clean failover).
    public let expectedAnomalyKinds: [FailoverAnomalyKind]
    /// Kinds it may additionally report as a direct consequence of the intended ones.
    public let toleratedAnomalyKinds: [FailoverAnomalyKind]
    /// The seed of the committed sample in `samples/`.
    public let sampleSeed: UInt64

    public var name: String { id.rawValue }

    /// 2026-01-01T00:00:00Z in nanoseconds: the fixed first timestamp (deterministic output).
    public static let defaultTimestampBase: Int64 = 1_767_225_600 * 1_000_000_000
    /// M1 = replicated next request + this margin (RFC 6311 §5.1 recommends at least the IKE
    /// window size; these SAs use window 1).
    static let syncMargin: UInt32 = 10
    /// The new active member's own outbound ESP jump: a bandwidth estimate (RFC 6311 §5.2).
    static let outboundJump: UInt64 = 1 << 20

    public static let rfc6311Sync = SynthScenario(
        id: .rfc6311Sync,
        summary: "Both sides claim 16420; the standby (stale counters) takes over and syncs with a MID-0 IKEV2_MESSAGE_ID_SYNC; both sides continue at the synced IDs.",
        expectedAnomalyKinds: [], toleratedAnomalyKinds: [], sampleSeed: 6311)
    public static let rfc6311SyncWithReplayCounter = SynthScenario(
        id: .rfc6311SyncWithReplayCounter,
        summary: "Both sides claim 16420 and 16421; the sync request also carries IPSEC_REPLAY_COUNTER_SYNC and the peer's ESP sequence jumps by exactly the delta.",
        expectedAnomalyKinds: [], toleratedAnomalyKinds: [], sampleSeed: 16423)
    public static let reset = SynthScenario(
        id: .reset,
        summary: "Both sides claim the private reset extension (49373); the standby sends IKEV2_MESSAGE_ID_RESET with random bases above every used ID; the peer adopts them.",
        expectedAnomalyKinds: [], toleratedAnomalyKinds: [], sampleSeed: 49374)
    public static let noSyncReuse = SynthScenario(
        id: .noSyncReuse,
        summary: "No HA extension; the standby restarts from stale replicated counters: it reuses request Message ID 1 with different bytes (the peer replays its cached response) and restarts its ESP sequence below what it already sent.",
        expectedAnomalyKinds: [.espSequenceRegression, .messageIDReuse], toleratedAnomalyKinds: [], sampleSeed: 7296)
    public static let simultaneousFailover = SynthScenario(
        id: .simultaneousFailover,
        summary: "RFC 6311 Appendix A.4: both ends are clusters and both fail over; each new active member sends a sync request, each answers the other's, and both end with the larger values.",
        expectedAnomalyKinds: [], toleratedAnomalyKinds: [], sampleSeed: 6027)
    public static let peerWithoutSupport = SynthScenario(
        id: .peerWithoutSupport,
        summary: "The peer claims no HA support (so the gateway claims none either); the new active member sends a sync anyway, which the peer ignores, then continues with its (fresh) counters.",
        expectedAnomalyKinds: [.syncWithoutSupport], toleratedAnomalyKinds: [.unansweredRequest], sampleSeed: 16420)
    public static let replayedSync = SynthScenario(
        id: .replayedSync,
        summary: "Two failovers: the first standby syncs but does not replicate what it sent; when the first member takes back over it repeats the old sync values (M1 <= highest seen) and the peer drops the request.",
        expectedAnomalyKinds: [.syncReplayed], toleratedAnomalyKinds: [.unansweredRequest], sampleSeed: 6311_11)

    /// Every scenario, in `ID` order.
    public static let all: [SynthScenario] = [
        rfc6311Sync, rfc6311SyncWithReplayCounter, reset, noSyncReuse, simultaneousFailover, peerWithoutSupport,
        replayedSync,
    ] + issue12

    /// Whether the capture contains a failover (a takeover by another cluster member).
    public var hasFailover: Bool {
        ![.espAntiReplay, .noInventedTakeover, .refragmentedRetransmission].contains(id)
    }

    /// The scenario called `name`, or nil.
    public static func named(_ name: String) -> SynthScenario? { all.first { $0.name == name } }

    /// Builds the capture: same `seed` and `timestampBase`, same bytes.
    public func generate(seed: UInt64, timestampBase: Int64 = SynthScenario.defaultTimestampBase) throws(SynthError) -> SynthCapture {
        var e = try Engine(seed: seed, timestampBase: timestampBase)
        var story = Story(engine: e)
        switch id {
        case .rfc6311Sync: try story.syncScenario(replayCounter: false)
        case .rfc6311SyncWithReplayCounter: try story.syncScenario(replayCounter: true)
        case .reset: try story.resetScenario()
        case .noSyncReuse: try story.noSyncReuseScenario()
        case .simultaneousFailover: try story.simultaneousScenario()
        case .peerWithoutSupport: try story.peerWithoutSupportScenario()
        case .replayedSync: try story.replayedSyncScenario()
        case .espAntiReplay: try story.espAntiReplayScenario()
        case .esnWrap: try story.esnWrapScenario()
        case .noInventedTakeover: try story.noInventedTakeoverScenario()
        case .silentTakeoverLazySync: try story.silentTakeoverLazySyncScenario()
        case .failoverFailback: try story.failoverFailbackScenario()
        case .ikeSARekeyFailover: try story.ikeSARekeyFailoverScenario()
        case .misplacedSync: try story.misplacedSyncScenario()
        case .midSACapture: try story.midSACaptureScenario()
        case .refragmentedRetransmission: try story.refragmentedRetransmissionScenario()
        case .replayDeltaWithLoss: try story.syncScenario(replayCounter: true, lostAfterDelta: 2...4,
                                                          jump: ReplayCounterSync.defaultOutboundJump)
        case .crossingSyncsUnequal: try story.simultaneousScenario(marginI: 30, marginR: 10, receiveMarginR: 3,
                                                                   jump: ReplayCounterSync.defaultOutboundJump)
        case .ahStaleCounter: try story.ahStaleCounterScenario()
        }
        e = story.engine
        let expectation = SynthExpectation(
            scenario: name, seed: seed, initiatorSPI: Hex.fixed(e.allKeys[0].initiatorSPI, width: 16), responderSPI: Hex.fixed(e.allKeys[0].responderSPI, width: 16),
            takeoverFrames: story.takeoverFrames, syncs: story.syncs, anomalies: story.anomalies,
            toleratedAnomalyKinds: toleratedAnomalyKinds, espJumps: story.espJumps, ikeFrames: e.ikeFrames,
            frameCount: e.frames.count, rekeys: story.rekeys)
        guard expectation.anomalyKinds == expectedAnomalyKinds.sorted(by: { $0.rawValue < $1.rawValue }) else {
            throw SynthError("\(name): built anomalies \(expectation.anomalyKinds) differ from the declared \(expectedAnomalyKinds)")
        }
        return SynthCapture(scenario: self, frames: e.frames, keys: IKEKeyTable(e.allKeys), expectation: expectation)
    }
}

/// A capture built by a scenario: frames, the key table, and the ground truth.
public struct SynthCapture: Sendable {
    public let scenario: SynthScenario
    public let frames: [SynthFrame]
    public let keys: IKEKeyTable
    public let expectation: SynthExpectation

    /// The key file: Wireshark's `ikev2_decryption_table` text (also read by `--keys`).
    public var keyFileText: String { keys.wiresharkText() }

    /// Writes the capture as classic pcap (LINKTYPE_ETHERNET, microsecond timestamps) atomically,
    /// and the key file when `keys` is given.
    public func write(pcap path: String, keys keysPath: String? = nil) throws(SynthError) {
        // Checked first, for a message that names the directory.
        let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        guard access(dir.isEmpty ? "/" : dir, W_OK) == 0 else {
            throw SynthError("\(path): directory \(dir.isEmpty ? "/" : dir) does not exist or is not writable")
        }
        do {
            let w = try CaptureWriter(path: path, linkType: .ethernet, nanosecond: false)
            for f in frames {
                switch f.content {
                case .ike(let bytes, let transport):
                    try w.writeIKE(bytes, spec: f.spec, transport: transport, timestampNanoseconds: f.timestampNanoseconds)
                case .esp(let spi, let seq, let body):
                    try w.writeESPInUDP(spi: spi, sequence: seq, body: body, spec: f.spec, timestampNanoseconds: f.timestampNanoseconds)
                case .espIP(let spi, let seq, let body):
                    try w.writeESPInIP(spi: spi, sequence: seq, body: body, spec: f.spec, timestampNanoseconds: f.timestampNanoseconds)
                case .ah(let spi, let seq, let nextHeader, let icv, let payload):
                    let upper = try FrameBuilder.udp(payload, spec: f.spec)
                    try w.writeAH(spi: spi, sequence: seq, nextHeader: nextHeader, icv: icv, payload: upper, spec: f.spec,
                                  timestampNanoseconds: f.timestampNanoseconds)
                }
            }
            try w.commit()
        } catch {
            throw SynthError("\(path): \(error)")
        }
        if let keysPath { try Self.writeText(keyFileText, to: keysPath) }
    }

    /// Writes a text file (a key table) in one go.
    static func writeText(_ text: String, to path: String) throws(SynthError) {
        guard let fp = fopen(path, "w") else { throw SynthError("cannot create \(path)") }
        let ok = fputs(text, fp) >= 0
        let closed = fclose(fp) == 0
        guard ok, closed else { throw SynthError("cannot write \(path)") }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One scenario's run: the engine plus what it records for the expectation.
struct Story {
    var engine: Engine
    var takeoverFrames: [Int] = []
    var syncs: [ExpectedCounterSync] = []
    var anomalies: [ExpectedAnomaly] = []
    var espJumps: [ExpectedESPJump] = []
    var rekeys: [ExpectedIKERekey] = []

    init(engine: Engine) { self.engine = engine }

    static func ha(_ body: () throws(HAError) -> Void) throws(SynthError) {
        do { try body() } catch { throw SynthError("HA procedure: \(error)") }
    }

    // MARK: common parts

    /// IKE_SA_INIT, IKE_AUTH, ESP and liveness checks both ways; the synch channel's last update
    /// happens after the peer's MID 3 and the gateway's MID 0 (so a standby misses the gateway's
    /// MID 1 and the peer's MID 4); then the active gateway member dies while the peer keeps
    /// sending ESP. Returns what each side's standby had replicated.
    mutating func prologue(staleReplication: Bool = true, gatewayDies: Bool = true, nat: Bool = true,
                           burstAfterSnapshot: Int = 0) throws(SynthError) -> (initiator: Replicated, responder: Replicated) {
        try engine.ikeSAInit(nat: nat)
        engine.wait(ms: 2...8)
        try engine.ikeAuth()
        engine.traffic(2)
        engine.wait(ms: 2000...4000)
        try engine.exchange(from: .initiator)              // peer MID 2
        engine.traffic(1)
        engine.wait(ms: 1500...3000)
        try engine.exchange(from: .responder)              // gateway MID 0
        engine.wait(ms: 1500...3000)
        try engine.exchange(from: .initiator)              // peer MID 3
        var snapshot = (initiator: engine.replicate(.initiator), responder: engine.replicate(.responder))
        if burstAfterSnapshot > 0 {
            // Bulk traffic from the gateway that the synch channel has not replicated yet.
            engine.wait(ms: 100...300)
            try engine.espBurst(from: .responder, count: burstAfterSnapshot, order: Array(0..<burstAfterSnapshot))
        }
        engine.traffic(2)
        engine.wait(ms: 1500...3000)
        try engine.exchange(from: .responder)              // gateway MID 1
        engine.wait(ms: 1500...3000)
        try engine.exchange(from: .initiator)              // peer MID 4
        engine.traffic(1)
        if !staleReplication {
            snapshot = (initiator: engine.replicate(.initiator), responder: engine.replicate(.responder))
        }
        if gatewayDies {
            // The active gateway member is gone; the peer's ESP lands nowhere (still captured).
            for _ in 0..<2 {
                engine.wait(ms: 300...900)
                engine.esp(from: .initiator)
            }
            engine.wait(ms: 1500...3000)
        }
        return snapshot
    }

    /// The new active member's own outbound jump (RFC 6311 §5.2), recorded on its next ESP packet.
    @discardableResult
    mutating func outboundJump(_ side: IKESide, lastSentBefore: UInt64, by jump: UInt64 = SynthScenario.outboundJump) -> Int {
        let before = engine[side].espSequence
        engine[side].espSequence = before &+ jump
        let frame = engine.esp(from: side)
        espJumps.append(ExpectedESPJump(spi: engine[side].espSPI, sender: side.rawValue,
                                        lastBefore: UInt32(truncatingIfNeeded: lastSentBefore),
                                        firstAfter: UInt32(truncatingIfNeeded: engine[side].espSequence),
                                        frame: frame, reason: "takeover-outbound-jump"))
        return frame
    }

    /// Ordinary traffic after a successful sync: ESP, then a request from each side at its new ID.
    mutating func epilogue() throws(SynthError) {
        engine.wait(ms: 800...2000)
        try engine.exchange(from: .responder)
        engine.traffic(1)
        engine.wait(ms: 800...2000)
        try engine.exchange(from: .initiator)
        engine.traffic(2)
    }

    /// RFC 6311 §5.1 sync from the gateway's standby: request (M1, P1) from its replicated
    /// counters, the peer's answer from its real counters, both sides adopt.
    mutating func gatewaySync(replicated: Replicated, delta: UInt64?, peer: inout MessageIDSyncResponder, esn: Bool = false,
                              marksTakeover: Bool = true) throws(SynthError) -> MessageIDSyncData {
        var member = MessageIDSyncRequester(replicated: replicated.counters)
        let nonce = UInt32(truncatingIfNeeded: engine.rng.next())
        var request = MessageIDSyncData(nonce: 0, expectedSend: 0, expectedRecv: 0)
        try Self.ha { () throws(HAError) in request = try member.makeRequest(margin: SynthScenario.syncMargin, nonce: nonce) }
        var inner: [IKEPayload] = [.notify(.messageIDSync(nonce: request.nonce, expectedSend: request.expectedSend,
                                                          expectedRecv: request.expectedRecv))]
        if let delta {
            do {
                inner.append(.notify(try .replayCounterSync(delta: delta, extendedSequenceNumbers: esn)))
            } catch {
                throw SynthError("replay counter notify: \(error)")
            }
        }
        let reqFrame = try engine.sk(from: .responder, exchange: .informational, messageID: 0, response: false, inner: inner)
        if marksTakeover { takeoverFrames.append(reqFrame) }
        guard case .respond(let answer, _) = peer.handleRequest(request) else {
            throw SynthError("the peer dropped a sync request that should be accepted")
        }
        engine.wait(ms: 8...45)
        let respFrame = try engine.sk(from: .initiator, exchange: .informational, messageID: 0, response: true,
                                      inner: [.notify(.messageIDSync(nonce: answer.nonce, expectedSend: answer.expectedSend,
                                                                     expectedRecv: answer.expectedRecv))])
        guard case .accepted(let counters) = member.handleResponse(answer) else {
            throw SynthError("the member rejected the sync response")
        }
        engine.responder.counters = counters
        engine.initiator.counters = peer.counters
        syncs.append(ExpectedCounterSync(kind: .messageIDSync, requester: .responder, requestFrame: reqFrame,
                                         responseFrame: respFrame, request: request, response: answer,
                                         replayCounterDelta: delta, replayCounterESN: esn, outcome: .accepted))
        return request
    }

    // MARK: scenarios

    mutating func syncScenario(replayCounter: Bool, lostAfterDelta: ClosedRange<Int>? = nil,
                               jump: UInt64 = SynthScenario.outboundJump) throws(SynthError) {
        engine.initiator.claims = [.messageIDSyncSupported()] + (replayCounter ? [.replayCounterSyncSupported()] : [])
        engine.responder.claims = [.messageIDSyncSupported(), .replayCounterSyncSupported()]
        let replicated = try prologue().responder
        let lastSent = engine.responder.espSequence
        engine.takeover(.responder, member: 1, replicated: replicated)
        var peer = MessageIDSyncResponder(counters: engine.initiator.counters)
        // The standby cannot know how much the peer sent since the last replication; it asks for
        // a generous delta (RFC 6311 §5.2 leaves the estimate to the member).
        let delta: UInt64? = replayCounter ? UInt64(1 << engine.rng.int(in: 14...18)) : nil
        _ = try gatewaySync(replicated: replicated, delta: delta, peer: &peer)
        engine.wait(ms: 20...200)
        outboundJump(.responder, lastSentBefore: lastSent, by: jump)
        if let delta {
            // RFC 6311 §5.2: the peer adds the delta to every Child SA's outbound counter.
            let before = engine.initiator.espSequence
            var advanced: [ChildSACounter] = []
            try Self.ha { () throws(HAError) in
                advanced = try ReplayCounterSync.apply(ReplayCounterDelta(delta: delta, extendedSequenceNumbers: false),
                                                       to: [ChildSACounter(spi: engine.initiator.espSPI, sequence: before,
                                                                           extendedSequenceNumbers: false)])
            }
            engine.initiator.espSequence = advanced.first?.sequence ?? before
            if let lostAfterDelta {
                // A few packets sent right after the delta was applied are missing from the
                // capture (lost before the capture point): the first one seen is later.
                engine.initiator.espSequence &+= UInt64(engine.rng.int(in: lostAfterDelta))
            }
            engine.wait(ms: 5...60)
            let frame = engine.esp(from: .initiator)
            espJumps.append(ExpectedESPJump(spi: engine.initiator.espSPI, sender: IKESide.initiator.rawValue,
                                            lastBefore: UInt32(truncatingIfNeeded: before),
                                            firstAfter: UInt32(truncatingIfNeeded: engine.initiator.espSequence),
                                            frame: frame, reason: "replay-counter-sync"))
        }
        try epilogue()
    }

    mutating func resetScenario() throws(SynthError) {
        engine.initiator.claims = [.messageIDResetSupported()]
        engine.responder.claims = [.messageIDResetSupported()]
        let replicated = try prologue().responder
        let lastSent = engine.responder.espSequence
        engine.takeover(.responder, member: 1, replicated: replicated)
        var member = MessageIDResetRequester(counters: replicated.counters)
        var request = MessageIDSyncData(nonce: 0, expectedSend: 0, expectedRecv: 0)
        try Self.ha { () throws(HAError) in request = try member.makeRequest(using: &engine.rng) }
        let reqFrame = try engine.sk(from: .responder, exchange: .informational, messageID: 0, response: false,
                                     inner: [.notify(.messageIDReset(nonce: request.nonce, newSend: request.expectedSend,
                                                                     newRecv: request.expectedRecv))])
        takeoverFrames.append(reqFrame)
        var peer = MessageIDResetResponder(counters: engine.initiator.counters,
                                           negotiated: engine.negotiated(.ikev2MessageIDResetSupported))
        guard case .respond(let answer, _) = peer.handleRequest(request) else { throw SynthError("the peer refused the reset") }
        engine.wait(ms: 8...45)
        let respFrame = try engine.sk(from: .initiator, exchange: .informational, messageID: 0, response: true,
                                      inner: [.notify(.messageIDReset(nonce: answer.nonce, newSend: answer.expectedSend,
                                                                      newRecv: answer.expectedRecv))])
        guard case .accepted(let counters) = member.handleResponse(answer) else { throw SynthError("the member rejected the reset response") }
        // Random bases in [2^16, 2^31) lie above every ID used here: nothing is re-opened.
        guard !MessageIDResetRequester.reopensUsedIDs(newBase: request.expectedSend, highestUsed: 1),
              !MessageIDResetRequester.reopensUsedIDs(newBase: request.expectedRecv, highestUsed: 4)
        else { throw SynthError("reset base re-opens used IDs") }
        engine.responder.counters = counters
        engine.initiator.counters = peer.counters
        syncs.append(ExpectedCounterSync(kind: .messageIDReset, requester: .responder, requestFrame: reqFrame,
                                         responseFrame: respFrame, request: request, response: answer, outcome: .accepted))
        engine.wait(ms: 20...200)
        outboundJump(.responder, lastSentBefore: lastSent)
        try epilogue()
    }

    mutating func noSyncReuseScenario() throws(SynthError) {
        let replicated = try prologue().responder
        engine.takeover(.responder, member: 1, replicated: replicated)
        // The standby's first request reuses MID 1 (new IV, so other bytes); the peer has already
        // answered MID 1 and re-sends its cached response (RFC 7296 §2.1).
        let mid = engine.responder.counters.nextSend
        let reqFrame = try engine.sk(from: .responder, exchange: .informational, messageID: mid, response: false, inner: [])
        takeoverFrames.append(reqFrame)
        anomalies.append(ExpectedAnomaly(kind: .messageIDReuse, frame: reqFrame,
                                         note: "responder request MID \(mid) again with different bytes"))
        guard let cached = engine.sentResponses[.initiator]?[mid] else { throw SynthError("no cached response for MID \(mid)") }
        engine.wait(ms: 8...45)
        try engine.retransmit(cached, from: .initiator)
        engine.responder.counters.nextSend = mid &+ 1
        // Its ESP restarts from the replicated counter: below what the old member already sent.
        engine.wait(ms: 100...400)
        let espFrame = engine.esp(from: .responder)
        anomalies.append(ExpectedAnomaly(kind: .espSequenceRegression, frame: espFrame,
                                         note: "responder SPI restarts at \(engine.responder.espSequence)"))
        engine.traffic(1)
        engine.wait(ms: 800...2000)
        try engine.exchange(from: .responder)
        engine.traffic(1)
    }

    mutating func simultaneousScenario(marginI: UInt32 = SynthScenario.syncMargin, marginR: UInt32 = SynthScenario.syncMargin,
                                       receiveMarginR: UInt32 = 0, jump: UInt64 = SynthScenario.outboundJump) throws(SynthError) {
        engine.initiator.claims = [.messageIDSyncSupported()]
        engine.responder.claims = [.messageIDSyncSupported()]
        let replicated = try prologue(gatewayDies: false)
        // Both clusters lose their active member at about the same time (RFC 6311 Appendix A.4).
        engine.wait(ms: 2000...3500)
        let lastI = engine.initiator.espSequence
        let lastR = engine.responder.espSequence
        engine.takeover(.initiator, member: 1, replicated: replicated.initiator)
        engine.takeover(.responder, member: 1, replicated: replicated.responder)
        var memberI = MessageIDSyncRequester(replicated: replicated.initiator.counters)
        var memberR = MessageIDSyncRequester(replicated: replicated.responder.counters)
        var reqR = MessageIDSyncData(nonce: 0, expectedSend: 0, expectedRecv: 0)
        var reqI = reqR
        let nonceR = UInt32(truncatingIfNeeded: engine.rng.next())
        let nonceI = UInt32(truncatingIfNeeded: engine.rng.next())
        try Self.ha { () throws(HAError) in
            reqR = try memberR.makeRequest(margin: marginR, nonce: nonceR, receiveMargin: receiveMarginR)
            reqI = try memberI.makeRequest(margin: marginI, nonce: nonceI)
        }
        // Each member, having announced (M1, P1), answers the other's request from those values.
        var responderOfI = MessageIDSyncResponder(counters: MessageIDCounters(nextSend: reqI.expectedSend, nextExpected: reqI.expectedRecv))
        var responderOfR = MessageIDSyncResponder(counters: MessageIDCounters(nextSend: reqR.expectedSend, nextExpected: reqR.expectedRecv))
        func syncNotify(_ d: MessageIDSyncData) -> [IKEPayload] {
            [.notify(.messageIDSync(nonce: d.nonce, expectedSend: d.expectedSend, expectedRecv: d.expectedRecv))]
        }
        let frameReqR = try engine.sk(from: .responder, exchange: .informational, messageID: 0, response: false, inner: syncNotify(reqR))
        engine.wait(ms: 1...6)
        let frameReqI = try engine.sk(from: .initiator, exchange: .informational, messageID: 0, response: false, inner: syncNotify(reqI))
        takeoverFrames += [frameReqR, frameReqI]
        guard case .respond(let ansToR, _) = responderOfI.handleRequest(reqR),
              case .respond(let ansToI, _) = responderOfR.handleRequest(reqI)
        else { throw SynthError("a simultaneous sync request was dropped") }
        engine.wait(ms: 8...30)
        let frameRespToR = try engine.sk(from: .initiator, exchange: .informational, messageID: 0, response: true, inner: syncNotify(ansToR))
        engine.wait(ms: 1...6)
        let frameRespToI = try engine.sk(from: .responder, exchange: .informational, messageID: 0, response: true, inner: syncNotify(ansToI))
        guard case .accepted(let cR) = memberR.handleResponse(ansToR), case .accepted(let cI) = memberI.handleResponse(ansToI) else {
            throw SynthError("a simultaneous sync response was rejected")
        }
        // Appendix A.4: both end with the larger values, and the two views agree.
        guard cI.nextSend == cR.nextExpected, cR.nextSend == cI.nextExpected,
              cI == responderOfI.counters, cR == responderOfR.counters
        else { throw SynthError("simultaneous sync: inconsistent counters \(cI) / \(cR)") }
        engine.initiator.counters = cI
        engine.responder.counters = cR
        syncs.append(ExpectedCounterSync(kind: .messageIDSync, requester: .responder, requestFrame: frameReqR,
                                         responseFrame: frameRespToR, request: reqR, response: ansToR, outcome: .accepted))
        syncs.append(ExpectedCounterSync(kind: .messageIDSync, requester: .initiator, requestFrame: frameReqI,
                                         responseFrame: frameRespToI, request: reqI, response: ansToI, outcome: .accepted))
        engine.wait(ms: 20...200)
        outboundJump(.responder, lastSentBefore: lastR, by: jump)
        engine.wait(ms: 5...60)
        outboundJump(.initiator, lastSentBefore: lastI, by: jump)
        try epilogue()
    }

    mutating func peerWithoutSupportScenario() throws(SynthError) {
        engine.initiator.claims = []
        engine.responder.claims = [.messageIDSyncSupported()]   // filtered out: the initiator did not claim it
        let replicated = try prologue(staleReplication: false).responder
        let lastSent = engine.responder.espSequence
        engine.takeover(.responder, member: 1, replicated: replicated)
        // Policy "sync proactively on takeover" (RFC 6311 §7 (c)), without checking support.
        var member = MessageIDSyncRequester(replicated: replicated.counters)
        let nonce = UInt32(truncatingIfNeeded: engine.rng.next())
        var request = MessageIDSyncData(nonce: 0, expectedSend: 0, expectedRecv: 0)
        try Self.ha { () throws(HAError) in request = try member.makeRequest(margin: SynthScenario.syncMargin, nonce: nonce) }
        guard !engine.negotiated(.ikev2MessageIDSyncSupported) else { throw SynthError("support was negotiated") }
        let reqFrame = try engine.sk(from: .responder, exchange: .informational, messageID: 0, response: false,
                                     inner: [.notify(.messageIDSync(nonce: request.nonce, expectedSend: request.expectedSend,
                                                                    expectedRecv: request.expectedRecv))])
        takeoverFrames.append(reqFrame)
        anomalies.append(ExpectedAnomaly(kind: .syncWithoutSupport, frame: reqFrame,
                                         note: "IKEV2_MESSAGE_ID_SYNC although neither side claimed 16420"))
        // The peer sees an old Message ID with no cached response and drops it (RFC 7296 §2.2);
        // the member retransmits once, then gives up and keeps its replicated counters.
        engine.wait(ms: 1800...2200)
        let rt = try engine.retransmit(reqFrame, from: .responder)
        syncs.append(ExpectedCounterSync(kind: .messageIDSync, requester: .responder, requestFrame: reqFrame,
                                         retransmissionFrames: [rt], responseFrame: nil, request: request, response: nil,
                                         outcome: .ignoredUnsupported))
        engine.wait(ms: 1500...2500)
        outboundJump(.responder, lastSentBefore: lastSent)
        try epilogue()
    }

    mutating func replayedSyncScenario() throws(SynthError) {
        engine.initiator.claims = [.messageIDSyncSupported()]
        engine.responder.claims = [.messageIDSyncSupported()]
        let replicated = try prologue().responder
        let lastSent = engine.responder.espSequence
        engine.takeover(.responder, member: 1, replicated: replicated)
        var peer = MessageIDSyncResponder(counters: engine.initiator.counters)
        let first = try gatewaySync(replicated: replicated, delta: nil, peer: &peer)
        engine.wait(ms: 20...200)
        outboundJump(.responder, lastSentBefore: lastSent)
        // Traffic after the sync, mirrored into the peer's procedure state.
        for _ in 0..<2 {
            engine.wait(ms: 800...2000)
            let mid = engine.responder.counters.nextSend
            try engine.exchange(from: .responder)
            try Self.ha { () throws(HAError) in try peer.receivedRequest(messageID: mid) }
        }
        engine.wait(ms: 800...2000)
        try Self.ha { () throws(HAError) in try peer.sentRequest() }
        try engine.exchange(from: .initiator)
        peer.receivedResponse(messageID: engine.initiator.counters.nextSend &- 1)
        engine.traffic(2)
        // Second failover: member 0 is back and takes over with the state it got over the synch
        // channel, which the first standby never updated after its sync (RFC 6311 §5.1 SHOULD).
        engine.wait(ms: 3000...5000)
        engine.takeover(.responder, member: 0, replicated: replicated)
        var again = MessageIDSyncRequester(replicated: replicated.counters)
        let nonce = UInt32(truncatingIfNeeded: engine.rng.next())
        var request = MessageIDSyncData(nonce: 0, expectedSend: 0, expectedRecv: 0)
        try Self.ha { () throws(HAError) in request = try again.makeRequest(margin: SynthScenario.syncMargin, nonce: nonce) }
        guard request.expectedSend == first.expectedSend, request.expectedRecv == first.expectedRecv else {
            throw SynthError("the repeated sync should carry the old values")
        }
        let reqFrame = try engine.sk(from: .responder, exchange: .informational, messageID: 0, response: false,
                                     inner: [.notify(.messageIDSync(nonce: request.nonce, expectedSend: request.expectedSend,
                                                                    expectedRecv: request.expectedRecv))])
        takeoverFrames.append(reqFrame)
        guard case .droppedReplay(let m1, let seen) = peer.handleRequest(request) else {
            throw SynthError("the peer accepted a replayed sync")
        }
        anomalies.append(ExpectedAnomaly(kind: .syncReplayed, frame: reqFrame,
                                         note: "M1 \(m1) <= highest Message ID seen from the cluster \(seen)"))
        engine.wait(ms: 1800...2200)
        let rt = try engine.retransmit(reqFrame, from: .responder)
        syncs.append(ExpectedCounterSync(kind: .messageIDSync, requester: .responder, requestFrame: reqFrame,
                                         retransmissionFrames: [rt], responseFrame: nil, request: request, response: nil,
                                         outcome: .droppedReplay))
        engine.wait(ms: 200...800)
        engine.esp(from: .initiator)
    }
}
