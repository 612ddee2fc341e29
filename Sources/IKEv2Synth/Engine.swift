// The building blocks of a synthetic failover capture: two parties (each one or more cluster
// members), real IKE messages built from owned payloads and sealed with IKEEncryptor, ESP-in-UDP
// packets, and a clock. Scenarios drive it with the IKEv2HA procedures.

import IKEv2
import IKEv2Capture
import IKEv2Crypto
import IKEv2HA

/// An error building a synthetic capture.
public struct SynthError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One record of a synthetic capture, before link/IP/UDP framing.
public struct SynthFrame: Hashable, Sendable {
    public enum Content: Hashable, Sendable {
        /// An IKE message: `.udp` on port 500, `.udpNATT` (non-ESP marker) on port 4500.
        case ike([UInt8], TransportKind)
        /// ESP-in-UDP (RFC 3948 §2.1): SPI, sequence number, opaque body.
        case esp(spi: UInt32, sequence: UInt32, body: [UInt8])
    }

    /// 1-based position (tshark's frame number).
    public var number: Int
    public var timestampNanoseconds: Int64
    /// Addresses, ports, TTL and IP ID of the frame.
    public var spec: FrameSpec
    public var content: Content
}

/// One box on the wire: what makes its frames recognisable (MAC, TTL, IP ID pattern).
struct Host {
    var mac: MACAddress
    var ip: IPAddress
    var ttl: UInt8
    var ipID: UInt16
    var ipIDStep: UInt16

    mutating func nextIPID() -> UInt16 {
        let v = ipID
        ipID &+= ipIDStep
        return v
    }
}

/// One end of the IKE SA (an original role), possibly a cluster with several members.
struct Party {
    var members: [Host]
    var active = 0
    /// The true Message ID counters of whoever is active.
    var counters = MessageIDCounters(nextSend: 0, nextExpected: 0)
    /// The SPI this party sends ESP on (the other party's inbound SA).
    var espSPI: UInt32 = 0
    /// The last ESP sequence number this party sent (0 before the first, RFC 4303 §3.3.3).
    var espSequence: UInt64 = 0
    /// Notifies claimed in IKE_AUTH.
    var claims: [NotifyPayload] = []
}

/// The state a standby member received over the synch channel (possibly stale).
struct Replicated {
    var counters: MessageIDCounters
    var espSequence: UInt64
}

struct Engine {
    var rng: SeededGenerator
    var clock: Int64
    var keys: IKESAKeys
    var initiator: Party
    var responder: Party
    var frames: [SynthFrame] = []
    var ikeFrames: [ExpectedIKEFrame] = []
    /// After IKE_SA_INIT, IKE moves to UDP 4500 (RFC 7296 §2.23: NAT detected).
    var natt = false
    /// Responses each side sent, by Message ID: what a peer retransmits for an old request.
    var sentResponses: [IKESide: [UInt32: Int]] = [.initiator: [:], .responder: [:]]

    init(seed: UInt64, timestampBase: Int64) throws(SynthError) {
        var rng = SeededGenerator(seed: seed)
        let spiI = rng.next() | 1
        let spiR = rng.next() | 1
        do {
            keys = try IKESAKeys(initiatorSPI: spiI, responderSPI: spiR, encryption: .aesCBC256,
                                 integrity: .hmacSHA256_128, skEi: rng.wordBytes(32), skEr: rng.wordBytes(32),
                                 skAi: rng.wordBytes(32), skAr: rng.wordBytes(32))
        } catch {
            throw SynthError("keys: \(error)")
        }
        // Peer (initiator) 198.51.100.10 behind one box; gateway 203.0.113.1, two members.
        let peer = Host(mac: MACAddress(rawValue: 0x02_00_00_00_00_10), ip: .v4(0xC633_640A), ttl: 64,
                        ipID: UInt16(truncatingIfNeeded: rng.next()), ipIDStep: 1)
        let peerStandby = Host(mac: MACAddress(rawValue: 0x02_00_00_00_00_11), ip: .v4(0xC633_640A), ttl: 128,
                               ipID: UInt16(truncatingIfNeeded: rng.next()), ipIDStep: 5)
        let gwActive = Host(mac: MACAddress(rawValue: 0x02_00_00_00_00_01), ip: .v4(0xCB00_7101), ttl: 64,
                            ipID: UInt16(truncatingIfNeeded: rng.next()), ipIDStep: 1)
        let gwStandby = Host(mac: MACAddress(rawValue: 0x02_00_00_00_00_02), ip: .v4(0xCB00_7101), ttl: 255,
                             ipID: UInt16(truncatingIfNeeded: rng.next()), ipIDStep: 3)
        initiator = Party(members: [peer, peerStandby])
        responder = Party(members: [gwActive, gwStandby])
        initiator.espSPI = 0xC000_0000 | UInt32(truncatingIfNeeded: rng.next() >> 34)
        responder.espSPI = 0xC000_0000 | UInt32(truncatingIfNeeded: rng.next() >> 34)
        self.rng = rng
        clock = timestampBase
    }

    subscript(side: IKESide) -> Party {
        get { side == .initiator ? initiator : responder }
        set { if side == .initiator { initiator = newValue } else { responder = newValue } }
    }

    // MARK: clock and frames

    /// Advances the clock by a random number of milliseconds in `ms`.
    mutating func wait(ms: ClosedRange<Int>) {
        let micro = rng.int(in: (ms.lowerBound * 1000)...(ms.upperBound * 1000))
        clock &+= Int64(micro) * 1000
    }

    /// Frames `content` from the active member of `side` to the active member of the other side.
    mutating func emit(from side: IKESide, _ content: SynthFrame.Content, port: UInt16) -> Int {
        var me = self[side]
        let other = self[side.peer]
        var spec = FrameSpec()
        spec.sourceMAC = me.members[me.active].mac
        spec.destinationMAC = other.members[other.active].mac
        spec.source = me.members[me.active].ip
        spec.destination = other.members[other.active].ip
        spec.sourcePort = port
        spec.destinationPort = port
        spec.ttl = me.members[me.active].ttl
        spec.ipID = me.members[me.active].nextIPID()
        self[side] = me
        let n = frames.count + 1
        frames.append(SynthFrame(number: n, timestampNanoseconds: clock, spec: spec, content: content))
        return n
    }

    mutating func emitIKE(from side: IKESide, _ bytes: [UInt8]) -> Int {
        emit(from: side, .ike(bytes, natt ? .udpNATT : .udp), port: natt ? 4500 : 500)
    }

    /// Makes `member` the active box of `side` (a takeover), restarting from `replicated` state.
    mutating func takeover(_ side: IKESide, member: Int, replicated: Replicated?) {
        self[side].active = member
        if let replicated {
            self[side].counters = replicated.counters
            self[side].espSequence = replicated.espSequence
        }
    }

    func replicate(_ side: IKESide) -> Replicated {
        Replicated(counters: self[side].counters, espSequence: self[side].espSequence)
    }

    // MARK: IKE messages

    func header(from side: IKESide, exchange: ExchangeType, messageID: UInt32, response: Bool,
                responderSPI: UInt64? = nil) -> IKEHeader {
        var flags: UInt8 = 0
        if side == .initiator { flags |= IKEHeader.initiatorFlag }
        if response { flags |= IKEHeader.responseFlag }
        return IKEHeader(initiatorSPI: keys.initiatorSPI, responderSPI: responderSPI ?? keys.responderSPI,
                         exchangeType: exchange, flags: flags, messageID: messageID)
    }

    static func notifyTypes(_ payloads: [IKEPayload]) -> [UInt16] {
        payloads.compactMap { p in
            if case .notify(let n) = p.body { return n.notifyType.rawValue }
            return nil
        }
    }

    /// An unencrypted message (IKE_SA_INIT).
    mutating func plain(from side: IKESide, exchange: ExchangeType, messageID: UInt32, response: Bool,
                        responderSPI: UInt64, payloads: [IKEPayload]) throws(SynthError) -> Int {
        let bytes: [UInt8]
        do {
            bytes = try IKEMessage(header: header(from: side, exchange: exchange, messageID: messageID, response: response,
                                                  responderSPI: responderSPI), payloads: payloads).serialize()
        } catch {
            throw SynthError("serialize: \(error)")
        }
        let n = emitIKE(from: side, bytes)
        ikeFrames.append(ExpectedIKEFrame(frame: n, sender: side.rawValue, messageID: messageID, exchange: exchange.rawValue,
                                          isResponse: response, encrypted: false,
                                          notifyTypes: Self.notifyTypes(payloads), retransmissionOf: nil))
        if response { sentResponses[side, default: [:]][messageID] = n }
        return n
    }

    /// An SK message (RFC 7296 §3.14) sealed with the sender's keys and a seeded IV.
    @discardableResult
    mutating func sk(from side: IKESide, exchange: ExchangeType, messageID: UInt32, response: Bool,
                     inner: [IKEPayload]) throws(SynthError) -> Int {
        let iv = rng.wordBytes(keys.encryption.ivLength)
        let bytes: [UInt8]
        do {
            bytes = try IKEEncryptor.encrypt(header: header(from: side, exchange: exchange, messageID: messageID, response: response),
                                             innerPayloads: inner, keys: keys, ivGenerator: { _ in iv })
        } catch {
            throw SynthError("encrypt: \(error)")
        }
        let n = emitIKE(from: side, bytes)
        ikeFrames.append(ExpectedIKEFrame(frame: n, sender: side.rawValue, messageID: messageID, exchange: exchange.rawValue,
                                          isResponse: response, encrypted: true,
                                          notifyTypes: Self.notifyTypes(inner), retransmissionOf: nil))
        if response { sentResponses[side, default: [:]][messageID] = n }
        return n
    }

    /// Sends the bytes of frame `original` again from `side`'s active member (RFC 7296 §2.1).
    @discardableResult
    mutating func retransmit(_ original: Int, from side: IKESide) throws(SynthError) -> Int {
        guard original >= 1, original <= frames.count, case .ike(let bytes, _) = frames[original - 1].content,
              let meta = ikeFrames.first(where: { $0.frame == original })
        else { throw SynthError("frame \(original) is not an IKE message") }
        let n = emitIKE(from: side, bytes)
        var copy = meta
        copy.frame = n
        copy.retransmissionOf = original
        ikeFrames.append(copy)
        return n
    }

    /// A request from `side` at its next Message ID and the other side's response (an ordinary
    /// exchange, RFC 7296 §1.4: a liveness check when both payload lists are empty).
    @discardableResult
    mutating func exchange(from side: IKESide, inner: [IKEPayload] = [], responseInner: [IKEPayload] = [],
                           exchange: ExchangeType = .informational) throws(SynthError) -> (request: Int, response: Int) {
        let mid = self[side].counters.nextSend
        let req = try sk(from: side, exchange: exchange, messageID: mid, response: false, inner: inner)
        self[side].counters.nextSend = mid &+ 1
        wait(ms: 8...45)
        let resp = try sk(from: side.peer, exchange: exchange, messageID: mid, response: true, inner: responseInner)
        self[side.peer].counters.nextExpected = max(self[side.peer].counters.nextExpected, mid &+ 1)
        return (req, resp)
    }

    // MARK: ESP

    /// One ESP-in-UDP packet from `side` with its next sequence number; the body is opaque
    /// (IV + ciphertext + ICV sized like AES-CBC/HMAC-SHA2-256-128 traffic).
    @discardableResult
    mutating func esp(from side: IKESide) -> Int {
        self[side].espSequence &+= 1
        let seq = UInt32(truncatingIfNeeded: self[side].espSequence)
        let body = rng.wordBytes(16 + 16 * rng.int(in: 3...40) + 16)
        return emit(from: side, .esp(spi: self[side].espSPI, sequence: seq, body: body), port: 4500)
    }

    /// ESP from both sides, a few times, with gaps.
    mutating func traffic(_ rounds: Int) {
        for _ in 0..<rounds {
            wait(ms: 150...1200)
            esp(from: .initiator)
            wait(ms: 5...60)
            esp(from: .responder)
        }
    }

    // MARK: payloads

    static func ikeProposal() -> SAPayload {
        SAPayload(proposals: [Proposal(protocolID: .ike, transforms: [
            .encryption(.aesCBC, keyLength: 256), .prf(.hmacSHA2_256), .integrity(.hmacSHA2_256_128),
            .keyExchange(.modp2048),
        ])])
    }

    static func espProposal(spi: UInt32, esn: Bool) -> SAPayload {
        SAPayload(proposals: [Proposal(protocolID: .esp, spi: bigEndian(spi), transforms: [
            .encryption(.aesCBC, keyLength: 256), .integrity(.hmacSHA2_256_128),
            .sequenceNumbers(esn ? .esn : .noESN),
        ])])
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }

    static func selectors(_ a: UInt8) throws(SynthError) -> TrafficSelectorsPayload {
        guard let ts = TrafficSelector.addressRange(start: [10, a, 0, 0], end: [10, a, 0, 255]) else {
            throw SynthError("traffic selector")
        }
        return TrafficSelectorsPayload(selectors: [ts])
    }

    /// IKE_SA_INIT (RFC 7296 §1.2) on UDP 500: SA, KE (group 14), Nonce, NAT detection. The NAT
    /// hashes are random, i.e. a NAT is "detected", so IKE_AUTH moves to UDP 4500 (§2.23).
    mutating func ikeSAInit() throws(SynthError) {
        for side in [IKESide.initiator, .responder] {
            let payloads: [IKEPayload] = [
                IKEPayload(type: .securityAssociation, body: .securityAssociation(Self.ikeProposal())),
                IKEPayload(type: .keyExchange, body: .keyExchange(KEPayload(group: 14, keyExchangeData: rng.wordBytes(256)))),
                IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: rng.wordBytes(32)))),
                .notify(NotifyPayload(type: .natDetectionSourceIP, data: rng.wordBytes(20))),
                .notify(NotifyPayload(type: .natDetectionDestinationIP, data: rng.wordBytes(20))),
            ]
            _ = try plain(from: side, exchange: .ikeSAInit, messageID: 0, response: side == .responder,
                          responderSPI: side == .initiator ? 0 : keys.responderSPI, payloads: payloads)
            wait(ms: side == .initiator ? 12...40 : 3...10)
        }
        initiator.counters = MessageIDCounters(nextSend: 1, nextExpected: 0)
        responder.counters = MessageIDCounters(nextSend: 0, nextExpected: 1)
        natt = true
    }

    /// IKE_AUTH (RFC 7296 §1.2) with each side's claimed capability notifies (RFC 6311 §5,
    /// `ha-reset.md`): the responder claims only what the initiator also claimed.
    mutating func ikeAuth(esn: Bool = false) throws(SynthError) {
        let tsi = try Self.selectors(1)
        let tsr = try Self.selectors(2)
        let offered = Set(initiator.claims.map(\.notifyType))
        responder.claims = responder.claims.filter { offered.contains($0.notifyType) }
        var req: [IKEPayload] = [
            IKEPayload(type: .identificationInitiator, body: .identification(IdentificationPayload(idType: .fqdn, data: Array("peer.example.net".utf8)))),
            IKEPayload(type: .authentication, body: .authentication(AuthenticationPayload(method: .sharedKeyMIC, data: rng.wordBytes(32)))),
        ]
        req += initiator.claims.map { IKEPayload.notify($0) }
        req += [
            IKEPayload(type: .securityAssociation, body: .securityAssociation(Self.espProposal(spi: responder.espSPI, esn: esn))),
            IKEPayload(type: .trafficSelectorInitiator, body: .trafficSelectors(tsi)),
            IKEPayload(type: .trafficSelectorResponder, body: .trafficSelectors(tsr)),
        ]
        var resp: [IKEPayload] = [
            IKEPayload(type: .identificationResponder, body: .identification(IdentificationPayload(idType: .fqdn, data: Array("gw.example.com".utf8)))),
            IKEPayload(type: .authentication, body: .authentication(AuthenticationPayload(method: .sharedKeyMIC, data: rng.wordBytes(32)))),
        ]
        resp += responder.claims.map { IKEPayload.notify($0) }
        resp += [
            IKEPayload(type: .securityAssociation, body: .securityAssociation(Self.espProposal(spi: initiator.espSPI, esn: esn))),
            IKEPayload(type: .trafficSelectorInitiator, body: .trafficSelectors(tsi)),
            IKEPayload(type: .trafficSelectorResponder, body: .trafficSelectors(tsr)),
        ]
        try exchange(from: .initiator, inner: req, responseInner: resp, exchange: .ikeAuth)
    }

    /// Whether both sides claimed `type` (the capability is usable, RFC 6311 §5).
    func negotiated(_ type: NotifyType) -> Bool {
        initiator.claims.contains { $0.notifyType == type } && responder.claims.contains { $0.notifyType == type }
    }
}
