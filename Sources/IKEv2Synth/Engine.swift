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
        /// ESP straight over IP, protocol 50 (RFC 4303 §2; no NAT, no UDP).
        case espIP(spi: UInt32, sequence: UInt32, body: [UInt8])
        /// AH, IP protocol 51 (RFC 4302 §2), transport mode: the header with `icv`, then
        /// `payload` (a complete upper-layer datagram whose protocol is `nextHeader`).
        case ah(spi: UInt32, sequence: UInt32, nextHeader: UInt8, icv: [UInt8], payload: [UInt8])

        /// Whether this is IPsec traffic (ESP or AH) rather than IKE.
        var isIPsec: Bool {
            if case .ike = self { return false }
            return true
        }
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
    /// A second IP ID counter for ESP/AH when the box keeps one per flow (Linux: per socket
    /// for IKE, per destination for the kernel's IPsec output); nil: one counter for all.
    var ipsecIPID: UInt16? = nil
    /// TTLs used in turn (ECMP: the same box seen over paths with different hop counts);
    /// empty: always `ttl`.
    var ttlCycle: [UInt8] = []
    var ttlIndex = 0

    mutating func nextIPID(ipsec: Bool = false) -> UInt16 {
        if ipsec, let v = ipsecIPID {
            ipsecIPID = v &+ 1
            return v
        }
        let v = ipID
        ipID &+= ipIDStep
        return v
    }

    mutating func nextTTL() -> UInt8 {
        guard !ttlCycle.isEmpty else { return ttl }
        let v = ttlCycle[ttlIndex % ttlCycle.count]
        ttlIndex += 1
        return v
    }
}

/// How Child SA traffic is carried.
enum ChildTransport: Hashable, Sendable {
    /// ESP-in-UDP on port 4500 (RFC 3948), the default.
    case espInUDP
    /// ESP in IP protocol 50 (RFC 4303).
    case espInIP
    /// AH in IP protocol 51 (RFC 4302), transport mode over a UDP datagram.
    case ah
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
    /// Every IKE SA's keys, oldest first (`keys` is the current one; a rekey adds one).
    var allKeys: [IKESAKeys]
    /// How the Child SA's packets are carried.
    var childTransport = ChildTransport.espInUDP
    /// ESP body size in 16-octet blocks between IV and ICV; AH payload size in 4-octet words.
    var espBlocks: ClosedRange<Int> = 3...40
    var ahWords: ClosedRange<Int> = 5...40

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
        allKeys = [keys]
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
        let spec = makeSpec(from: side, ipsec: content.isIPsec, port: port)
        return append(spec, content)
    }

    /// The addresses, TTL and next IP ID of a frame sent now by `side`'s active member.
    mutating func makeSpec(from side: IKESide, ipsec: Bool, port: UInt16) -> FrameSpec {
        var me = self[side]
        let other = self[side.peer]
        var spec = FrameSpec()
        spec.sourceMAC = me.members[me.active].mac
        spec.destinationMAC = other.members[other.active].mac
        spec.source = me.members[me.active].ip
        spec.destination = other.members[other.active].ip
        spec.sourcePort = port
        spec.destinationPort = port
        spec.ttl = me.members[me.active].nextTTL()
        spec.ipID = me.members[me.active].nextIPID(ipsec: ipsec)
        self[side] = me
        return spec
    }

    mutating func append(_ spec: FrameSpec, _ content: SynthFrame.Content) -> Int {
        let n = frames.count + 1
        frames.append(SynthFrame(number: n, timestampNanoseconds: clock, spec: spec, content: content))
        return n
    }

    /// The same bytes again a little later (a network duplicate: same IP ID, same everything).
    @discardableResult
    mutating func duplicate(_ frame: Int) throws(SynthError) -> Int {
        guard frame >= 1, frame <= frames.count else { throw SynthError("no frame \(frame) to duplicate") }
        let f = frames[frame - 1]
        wait(ms: 0...2)
        return append(f.spec, f.content)
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
    /// (IV + ciphertext + ICV sized like AES-CBC/HMAC-SHA2-256-128 traffic). With another
    /// `childTransport`, ESP in IP or AH instead. With ESN only the low 32 bits go on the wire
    /// (RFC 4303 §2.2.1).
    @discardableResult
    mutating func esp(from side: IKESide) -> Int {
        self[side].espSequence &+= 1
        let content = ipsecContent(from: side, sequence: self[side].espSequence)
        return emit(from: side, content, port: childTransport == .ah ? 5004 : 4500)
    }

    /// The packet carrying `sequence` on `side`'s outbound SA (its low 32 bits on the wire).
    mutating func ipsecContent(from side: IKESide, sequence: UInt64) -> SynthFrame.Content {
        let seq = UInt32(truncatingIfNeeded: sequence)
        let spi = self[side].espSPI
        switch childTransport {
        case .espInUDP:
            return .esp(spi: spi, sequence: seq, body: rng.wordBytes(16 + 16 * rng.int(in: espBlocks) + 16))
        case .espInIP:
            return .espIP(spi: spi, sequence: seq, body: rng.wordBytes(16 + 16 * rng.int(in: espBlocks) + 16))
        case .ah:
            // HMAC-SHA2-256-128: a 16-octet ICV (RFC 4868 §2.3); the header is then 28 octets.
            return .ah(spi: spi, sequence: seq, nextHeader: 17, icv: rng.wordBytes(16),
                       payload: rng.wordBytes(4 * rng.int(in: ahWords)))
        }
    }

    /// `count` packets from `side` with consecutive sequence numbers, numbered and stamped in
    /// send order (IP IDs too), but captured in `order` (indices into the burst): reordering
    /// on the path (RFC 4303 §3.4.3: the receiver accepts them inside its window).
    /// Returns the frames, in burst index order.
    @discardableResult
    mutating func espBurst(from side: IKESide, count: Int, order: [Int]) throws(SynthError) -> [Int] {
        guard count >= 1, order.sorted() == Array(0..<count) else { throw SynthError("burst order is not a permutation") }
        var made: [(FrameSpec, SynthFrame.Content)] = []
        for _ in 0..<count {
            self[side].espSequence &+= 1
            let content = ipsecContent(from: side, sequence: self[side].espSequence)
            made.append((makeSpec(from: side, ipsec: true, port: childTransport == .ah ? 5004 : 4500), content))
        }
        var frameOf = [Int](repeating: 0, count: count)
        for i in order {
            wait(ms: 0...3)
            frameOf[i] = append(made[i].0, made[i].1)
        }
        return frameOf
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

    /// An AH proposal (RFC 7296 §3.3: integrity and ESN transforms, no encryption).
    static func ahProposal(spi: UInt32, esn: Bool) -> SAPayload {
        SAPayload(proposals: [Proposal(protocolID: .ah, spi: bigEndian(spi), transforms: [
            .integrity(.hmacSHA2_256_128), .sequenceNumbers(esn ? .esn : .noESN),
        ])])
    }

    static func bigEndian64(_ v: UInt64) -> [UInt8] {
        bigEndian(UInt32(truncatingIfNeeded: v >> 32)) + bigEndian(UInt32(truncatingIfNeeded: v))
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
    /// With `nat` false no NAT detection is offered and IKE stays on port 500 (ESP then goes
    /// in IP protocol 50). `extra` notifies follow (e.g. IKEV2_FRAGMENTATION_SUPPORTED,
    /// RFC 7383 §2.3).
    mutating func ikeSAInit(nat: Bool = true, extra: [NotifyPayload] = []) throws(SynthError) {
        for side in [IKESide.initiator, .responder] {
            var payloads: [IKEPayload] = [
                IKEPayload(type: .securityAssociation, body: .securityAssociation(Self.ikeProposal())),
                IKEPayload(type: .keyExchange, body: .keyExchange(KEPayload(group: 14, keyExchangeData: rng.wordBytes(256)))),
                IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: rng.wordBytes(32)))),
            ]
            if nat {
                payloads += [
                    .notify(NotifyPayload(type: .natDetectionSourceIP, data: rng.wordBytes(20))),
                    .notify(NotifyPayload(type: .natDetectionDestinationIP, data: rng.wordBytes(20))),
                ]
            }
            payloads += extra.map { IKEPayload.notify($0) }
            _ = try plain(from: side, exchange: .ikeSAInit, messageID: 0, response: side == .responder,
                          responderSPI: side == .initiator ? 0 : keys.responderSPI, payloads: payloads)
            wait(ms: side == .initiator ? 12...40 : 3...10)
        }
        initiator.counters = MessageIDCounters(nextSend: 1, nextExpected: 0)
        responder.counters = MessageIDCounters(nextSend: 0, nextExpected: 1)
        natt = nat
    }

    /// IKE_AUTH (RFC 7296 §1.2) with each side's claimed capability notifies (RFC 6311 §5,
    /// docs/reset-extension.md): the responder claims only what the initiator also claimed.
    mutating func ikeAuth(esn: Bool = false) throws(SynthError) {
        let ah = childTransport == .ah
        let childSA = { (spi: UInt32) -> SAPayload in
            ah ? Self.ahProposal(spi: spi, esn: esn) : Self.espProposal(spi: spi, esn: esn)
        }
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
            IKEPayload(type: .securityAssociation, body: .securityAssociation(childSA(responder.espSPI))),
            IKEPayload(type: .trafficSelectorInitiator, body: .trafficSelectors(tsi)),
            IKEPayload(type: .trafficSelectorResponder, body: .trafficSelectors(tsr)),
        ]
        var resp: [IKEPayload] = [
            IKEPayload(type: .identificationResponder, body: .identification(IdentificationPayload(idType: .fqdn, data: Array("gw.example.com".utf8)))),
            IKEPayload(type: .authentication, body: .authentication(AuthenticationPayload(method: .sharedKeyMIC, data: rng.wordBytes(32)))),
        ]
        resp += responder.claims.map { IKEPayload.notify($0) }
        resp += [
            IKEPayload(type: .securityAssociation, body: .securityAssociation(childSA(initiator.espSPI))),
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

// MARK: - IKE SA rekey and fragments

/// What an IKE SA rekey (RFC 7296 §1.3.2) put in the capture.
struct IKERekeyFrames {
    var request: Int
    var response: Int
    var deleteRequest: Int
    var deleteResponse: Int
    var old: IKESAKeys
    var new: IKESAKeys
}

/// IVs drawn up front for a message whose fragment count is not known before it is sealed.
final class IVPool {
    private var ivs: [[UInt8]]
    private var next = 0
    /// Set when more IVs were asked for than drawn (the message must then be refused).
    private(set) var exhausted = false
    init(_ ivs: [[UInt8]]) { self.ivs = ivs }
    func take(_ count: Int) -> [UInt8] {
        guard next < ivs.count else {
            exhausted = true
            return [UInt8](repeating: 0, count: count)
        }
        defer { next += 1 }
        return Array(ivs[next].prefix(count))
    }
}

extension Engine {
    /// Rekeys the IKE SA from `side` (RFC 7296 §1.3.2): CREATE_CHILD_SA with an SA payload of
    /// protocol IKE carrying the sender's new 8-octet SPI, a nonce and a KE payload; the answer
    /// the same with the responder's new SPI. The new SA gets new keys (added to the key table)
    /// and both its Message ID counters start at 0 (RFC 7296 §2.18). Then the rekey initiator
    /// deletes the old SA with an INFORMATIONAL carrying Delete (protocol IKE, no SPIs) on the
    /// old SA, answered by an empty INFORMATIONAL (§1.4.1). Child SAs move to the new SA.
    mutating func rekeyIKESA(from side: IKESide) throws(SynthError) -> IKERekeyFrames {
        let newSPIs = (initiator: rng.next() | 1, responder: rng.next() | 1)
        func ikeSA(_ spi: UInt64) -> IKEPayload {
            IKEPayload(type: .securityAssociation, body: .securityAssociation(SAPayload(proposals: [
                Proposal(protocolID: .ike, spi: Self.bigEndian64(spi), transforms: Self.ikeProposal().proposals[0].transforms),
            ])))
        }
        let mine = side == .initiator ? newSPIs.initiator : newSPIs.responder
        let theirs = side == .initiator ? newSPIs.responder : newSPIs.initiator
        let req: [IKEPayload] = [
            ikeSA(mine),
            IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: rng.wordBytes(32)))),
            IKEPayload(type: .keyExchange, body: .keyExchange(KEPayload(group: 14, keyExchangeData: rng.wordBytes(256)))),
        ]
        let resp: [IKEPayload] = [
            ikeSA(theirs),
            IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: rng.wordBytes(32)))),
            IKEPayload(type: .keyExchange, body: .keyExchange(KEPayload(group: 14, keyExchangeData: rng.wordBytes(256)))),
        ]
        let (request, response) = try exchange(from: side, inner: req, responseInner: resp, exchange: .createChildSA)
        let old = keys
        let new: IKESAKeys
        do {
            new = try IKESAKeys(initiatorSPI: newSPIs.initiator, responderSPI: newSPIs.responder, encryption: .aesCBC256,
                                integrity: .hmacSHA256_128, skEi: rng.wordBytes(32), skEr: rng.wordBytes(32),
                                skAi: rng.wordBytes(32), skAr: rng.wordBytes(32))
        } catch {
            throw SynthError("rekeyed keys: \(error)")
        }
        wait(ms: 20...120)
        let delete = IKEPayload(type: .delete, body: .delete(DeletePayload(protocolID: .ike, spiSize: 0, spis: [])))
        let (deleteRequest, deleteResponse) = try exchange(from: side, inner: [delete], responseInner: [])
        keys = new
        allKeys.append(new)
        initiator.counters = MessageIDCounters(nextSend: 0, nextExpected: 0)
        responder.counters = MessageIDCounters(nextSend: 0, nextExpected: 0)
        sentResponses = [.initiator: [:], .responder: [:]]
        return IKERekeyFrames(request: request, response: response, deleteRequest: deleteRequest,
                              deleteResponse: deleteResponse, old: old, new: new)
    }

    /// An SK message sent as RFC 7383 fragments (SKF) of at most `maxChunk` plaintext octets
    /// each, one frame per fragment. Returns the frames.
    @discardableResult
    mutating func skFragments(from side: IKESide, exchange: ExchangeType, messageID: UInt32, response: Bool,
                              inner: [IKEPayload], maxChunk: Int) throws(SynthError) -> [Int] {
        let pool = IVPool((0..<32).map { _ in rng.wordBytes(keys.encryption.ivLength) })
        let parts: [[UInt8]]
        do {
            parts = try IKEEncryptor.encryptFragments(
                header: header(from: side, exchange: exchange, messageID: messageID, response: response),
                innerPayloads: inner, keys: keys, maxChunk: maxChunk, ivGenerator: { pool.take($0) })
        } catch {
            throw SynthError("encrypt fragments: \(error)")
        }
        guard !pool.exhausted else { throw SynthError("more than 32 fragments: raise the fragment size") }
        var out: [Int] = []
        for (i, bytes) in parts.enumerated() {
            if i > 0 { wait(ms: 0...1) }
            let n = emitIKE(from: side, bytes)
            var meta = ExpectedIKEFrame(frame: n, sender: side.rawValue, messageID: messageID, exchange: exchange.rawValue,
                                        isResponse: response, encrypted: true, notifyTypes: [], retransmissionOf: nil)
            meta.fragmentNumber = i + 1
            meta.fragmentTotal = parts.count
            ikeFrames.append(meta)
            out.append(n)
        }
        if response, let last = out.last { sentResponses[side, default: [:]][messageID] = last }
        return out
    }
}
