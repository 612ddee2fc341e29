// A deterministic benchmark capture: many IKEv2 SAs (RFC 7296 §1.2-§1.5 exchanges) mixed with
// ESP-in-UDP (RFC 3948 §2.1), NAT keepalives (RFC 3948 §2.3) and DNS, as a classic pcap.

import IKEv2
import IKEv2Mutation
import IKEv2Capture
import IKEv2Crypto

/// What `MixedCapture.write` produced.
public struct MixedCaptureSummary: Hashable, Sendable {
    /// The pcap written.
    public var path: String
    /// The Wireshark-format key table written beside it (`nil` when not asked for).
    public var keysPath: String?
    /// IKE messages written (exactly the `messages` asked for).
    public var messages: Int
    /// Frames that are not IKE: ESP-in-UDP, NAT keepalives and DNS (one per 9 IKE messages).
    public var otherFrames: Int
    /// `messages + otherFrames`.
    public var frames: Int { messages + otherFrames }
    /// IKE SAs started (one key table entry each).
    public var sessions: Int
    /// IKE messages sent over UDP 4500 behind the non-ESP marker (RFC 3948 §2.2).
    public var nattMessages: Int
    /// SK messages per cipher suite: AES-GCM-16-256 and AES-CBC-256 + HMAC-SHA2-256-128.
    public var gcmMessages: Int
    public var cbcMessages: Int
    /// Total IKE message bytes (without UDP/IP/link headers or the non-ESP marker).
    public var ikeBytes: Int
    /// File size in bytes.
    public var fileBytes: Int
}

/// A seeded generator of a large mixed IKEv2 capture for benchmarks (`ikev2 synth mixed`).
///
/// Each IKE SA contributes, in order: IKE_SA_INIT request/response on UDP 500 (four proposals
/// in the request, the SA's suite first, RFC 7296 §1.2, §3.3), IKE_AUTH request/response (SK,
/// RFC 7296 §1.2, §3.14), CREATE_CHILD_SA request/response (RFC 7296 §1.3.1), an empty INFORMATIONAL exchange
/// (liveness, §1.4) and an INFORMATIONAL Delete exchange (§1.4.1): ten messages. Five SAs in
/// eight move to UDP 4500 after IKE_SA_INIT, so about half of the messages carry the non-ESP
/// marker. SAs alternate between AES-GCM-16-256 (RFC 5282) and AES-CBC-256 with
/// HMAC-SHA2-256-128 (RFC 3602, RFC 4868); every key is in the returned table, so the SK
/// payloads can be decrypted. After every ninth IKE message one other frame follows, in turn
/// ESP-in-UDP, a DNS query on UDP 53 and a NAT keepalive.
///
/// The same `messages` and `seed` give the same bytes (pcap timestamps included).
public enum MixedCapture {
    /// Writes the capture to `path` (atomically) and, when `keysPath` is given, the Wireshark
    /// IKEv2 decryption table there (`ikev2_decryption_table` format).
    ///
    /// - Parameters:
    ///   - messages: how many IKE messages (≥ 1); the last SA is cut short to hit it exactly.
    ///   - seed: the PRNG seed (SPIs, nonces, keys, IVs, addresses).
    /// - Returns: counts. The keys of every SA are `MixedCapture.keyTable(messages:seed:)`
    ///   (the same table that is written to `keysPath`).
    @discardableResult
    public static func write(to path: String, messages: Int, seed: UInt64, keysPath: String? = nil) throws -> MixedCaptureSummary {
        guard messages >= 1 else { throw SynthError("messages must be at least 1") }
        let writer = try CaptureWriter(path: path, linkType: .ethernet, nanosecond: false)
        var gen = MixedGenerator(seed: seed)
        var summary = MixedCaptureSummary(path: path, keysPath: keysPath, messages: 0, otherFrames: 0, sessions: 0,
                                          nattMessages: 0, gcmMessages: 0, cbcMessages: 0, ikeBytes: 0, fileBytes: 0)
        var table = IKEKeyTable()
        while summary.messages < messages {
            try gen.session(index: summary.sessions, remaining: messages - summary.messages, writer: writer,
                            summary: &summary, table: &table)
            summary.sessions += 1
        }
        try writer.commit()
        if let keysPath {
            try SynthCapture.writeText(table.wiresharkText(), to: keysPath)
        }
        summary.fileBytes = fileSize(path)
        return summary
    }

    /// The key table `write` would produce for the same arguments (regenerates without writing).
    public static func keyTable(messages: Int, seed: UInt64) throws -> IKEKeyTable {
        let gen = MixedGenerator(seed: seed)
        var table = IKEKeyTable()
        var produced = 0
        var index = 0
        while produced < messages {
            let keys = try gen.sessionKeys(index: index)
            table.add(keys)
            produced += MixedGenerator.messagesPerSession
            index += 1
        }
        return table
    }

    static func fileSize(_ path: String) -> Int {
        guard let f = fopen(path, "r") else { return 0 }
        defer { fclose(f) }
        fseek(f, 0, SEEK_END)
        return Int(ftell(f))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif


struct MixedGenerator {
    static let messagesPerSession = 10
    /// Key material and per-session randomness come from a stream derived from the seed and the
    /// session index, so `keyTable` can regenerate keys without building messages.
    let seed: UInt64
    var rng: SplitMix64
    /// 2026-01-01T00:00:00Z.
    var time: Int64 = 1_767_225_600 * 1_000_000_000
    var ikeIndex = 0
    var otherIndex = 0
    var espSequence: UInt32 = 0
    var dnsID: UInt16 = 0

    init(seed: UInt64) {
        self.seed = seed
        rng = SplitMix64(seed: seed ^ 0x6D69_7865_6463_6170)  // "mixedcap"
    }

    static let gcm = SKEncryptionAlgorithm.aesGCM(bits: 256, tag: 16)
    static let cbc = SKEncryptionAlgorithm.aesCBC256

    func sessionKeys(index: Int) throws -> IKESAKeys {
        var k = SplitMix64(seed: seed &+ UInt64(truncatingIfNeeded: index) &* 0x1000_0000_01B3)
        let spiI = k.next() | 1
        let spiR = k.next() | 1
        let useGCM = index % 2 == 0
        let enc = useGCM ? Self.gcm : Self.cbc
        let integ: SKIntegrityAlgorithm = useGCM ? .none : .hmacSHA256_128
        let aLen = integ.keyLength ?? 0
        return try IKESAKeys(initiatorSPI: spiI, responderSPI: spiR, encryption: enc, integrity: integ,
                             skEi: k.wordBytes(enc.keyLength), skEr: k.wordBytes(enc.keyLength),
                             skAi: k.wordBytes(aLen), skAr: k.wordBytes(aLen))
    }

    mutating func session(index: Int, remaining: Int, writer: CaptureWriter,
                          summary: inout MixedCaptureSummary, table: inout IKEKeyTable) throws {
        let keys = try sessionKeys(index: index)
        table.add(keys)
        let natt = index % 8 < 5
        let useGCM = keys.encryption == Self.gcm
        // Initiator 100.64.0.0/10 (RFC 6598 shared space), responder 203.0.113.0/24 (RFC 5737).
        let client = IPAddress.v4(0x6440_0000 | UInt32(truncatingIfNeeded: index &+ 1) & 0x003f_ffff)
        let gateway = IPAddress.v4(0xcb00_7100 | UInt32(index % 16 + 1))
        var ivCounter: UInt64 = 0
        var messageID: UInt32 = 0
        var sent = 0

        func spec(fromInitiator: Bool, nattPorts: Bool) -> FrameSpec {
            var s = FrameSpec()
            s.source = fromInitiator ? client : gateway
            s.destination = fromInitiator ? gateway : client
            let port: UInt16 = nattPorts ? 4500 : 500
            s.sourcePort = port
            s.destinationPort = port
            s.sourceMAC = MACAddress(rawValue: fromInitiator ? 0x02_00_00_00_00_01 : 0x02_00_00_00_00_02)
            s.destinationMAC = MACAddress(rawValue: fromInitiator ? 0x02_00_00_00_00_02 : 0x02_00_00_00_00_01)
            return s
        }

        // One message: header flags/ID given; `inner` non-nil means SK-encrypted.
        func emit(_ bytes: [UInt8], fromInitiator: Bool, onNATT: Bool, encrypted: Bool) throws {
            try writer.writeIKE(bytes, spec: spec(fromInitiator: fromInitiator, nattPorts: onNATT),
                                transport: onNATT ? .udpNATT : .udp, timestampNanoseconds: time)
            time += 150_000 + Int64(rng.next() % 100_000)
            summary.messages += 1
            summary.ikeBytes += bytes.count
            if onNATT { summary.nattMessages += 1 }
            if encrypted {
                if useGCM { summary.gcmMessages += 1 } else { summary.cbcMessages += 1 }
            }
            sent += 1
            ikeIndex += 1
            if ikeIndex % 9 == 0 { try other(writer: writer, client: client, gateway: gateway, summary: &summary) }
        }

        func header(_ exchange: ExchangeType, fromInitiator: Bool, response: Bool, responderSPI: UInt64) -> IKEHeader {
            var h = IKEHeader(initiatorSPI: keys.initiatorSPI, responderSPI: responderSPI, exchangeType: exchange,
                              messageID: messageID)
            h.isInitiator = fromInitiator
            h.isResponse = response
            return h
        }

        func plain(_ h: IKEHeader, _ payloads: [IKEPayload], fromInitiator: Bool) throws {
            let bytes = try IKEMessage(header: h, payloads: payloads).serialize(.built)
            try emit(bytes, fromInitiator: fromInitiator, onNATT: false, encrypted: false)
        }

        func sealed(_ h: IKEHeader, _ inner: [IKEPayload], fromInitiator: Bool) throws {
            let bytes = try IKEEncryptor.encrypt(header: h, innerPayloads: inner, keys: keys) { n in
                // Unique per SA and direction: a counter (GCM needs no repeat under one key).
                ivCounter &+= 1
                var iv = [UInt8](repeating: 0, count: n)
                var c = ivCounter
                var i = n - 1
                while i >= 0 && c != 0 {
                    iv[i] = UInt8(truncatingIfNeeded: c)
                    c >>= 8
                    i -= 1
                }
                if n > 8 { iv[0] = fromInitiator ? 0x49 : 0x52 }
                return iv
            }
            try emit(bytes, fromInitiator: fromInitiator, onNATT: natt, encrypted: true)
        }

        func done() -> Bool { sent >= remaining }

        // IKE_SA_INIT (RFC 7296 §1.2).
        let kePublic = rng.wordBytes(64)
        let offered = useGCM ? Self.gcmFirstProposals : Self.cbcFirstProposals
        let saInitPayloads: [IKEPayload] = [
            IKEPayload(type: .securityAssociation, body: .securityAssociation(SAPayload(proposals: offered))),
            IKEPayload(type: .keyExchange, body: .keyExchange(KEPayload(group: 19, keyExchangeData: kePublic))),
            IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: rng.wordBytes(32)))),
            .notify(NotifyPayload(type: .natDetectionSourceIP, data: rng.wordBytes(20))),
            .notify(NotifyPayload(type: .natDetectionDestinationIP, data: rng.wordBytes(20))),
            .notify(NotifyPayload(type: .ikev2FragmentationSupported)),
            .notify(NotifyPayload(type: .signatureHashAlgorithms, data: [0, 2, 0, 3, 0, 4])),
            IKEPayload(type: .vendorID, body: .vendorID(OpaquePayload(data: rng.wordBytes(16)))),
        ]
        try plain(header(.ikeSAInit, fromInitiator: true, response: false, responderSPI: 0), saInitPayloads, fromInitiator: true)
        if done() { return }
        // RFC 7296 §3.3.1: the accepted proposal keeps the number it was offered with.
        let chosen = offered[0]
        let saInitResponse: [IKEPayload] = [
            IKEPayload(type: .securityAssociation, body: .securityAssociation(SAPayload(proposals: [chosen]))),
            IKEPayload(type: .keyExchange, body: .keyExchange(KEPayload(group: 19, keyExchangeData: rng.wordBytes(64)))),
            IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: rng.wordBytes(32)))),
            .notify(NotifyPayload(type: .natDetectionSourceIP, data: rng.wordBytes(20))),
            .notify(NotifyPayload(type: .natDetectionDestinationIP, data: rng.wordBytes(20))),
            .notify(NotifyPayload(type: .ikev2FragmentationSupported)),
        ]
        try plain(header(.ikeSAInit, fromInitiator: false, response: true, responderSPI: keys.responderSPI),
                  saInitResponse, fromInitiator: false)
        if done() { return }

        // IKE_AUTH (RFC 7296 §1.2) with a configuration request (§3.15).
        messageID = 1
        let espSPI = rng.wordBytes(4)
        let childSA = SAPayload(proposals: [
            Proposal(number: 1, protocolID: .esp, spi: espSPI, transforms: [
                .encryption(.aesGCM16, keyLength: 256), .sequenceNumbers(.noESN),
            ]),
            Proposal(number: 2, protocolID: .esp, spi: espSPI, transforms: [
                .encryption(.aesCBC, keyLength: 256), .integrity(.hmacSHA2_256_128), .sequenceNumbers(.noESN),
            ]),
        ])
        let tsAny = TrafficSelectorsPayload(selectors: [
            TrafficSelector.addressRange(start: [0, 0, 0, 0], end: [255, 255, 255, 255]),
        ].compactMap { $0 })
        let tsNet = TrafficSelectorsPayload(selectors: [
            TrafficSelector.addressRange(start: [10, 20, 0, 0], end: [10, 20, 255, 255]),
            TrafficSelector.addressRange(start: [192, 0, 2, 0], end: [192, 0, 2, 255], ipProtocolID: 6,
                                         startPort: 443, endPort: 443),
        ].compactMap { $0 })
        let idName = Array("client-\(index).vpn.example".utf8)
        let authRequest: [IKEPayload] = [
            IKEPayload(type: .identificationInitiator,
                       body: .identification(IdentificationPayload(idType: .fqdn, data: idName))),
            .notify(NotifyPayload(type: .initialContact)),
            IKEPayload(type: .authentication,
                       body: .authentication(AuthenticationPayload(method: .sharedKeyMIC, data: rng.wordBytes(32)))),
            IKEPayload(type: .configuration, body: .configuration(ConfigurationPayload(cfgType: .request, attributes: [
                ConfigAttribute(type: .internalIP4Address), ConfigAttribute(type: .internalIP4DNS),
            ]))),
            IKEPayload(type: .securityAssociation, body: .securityAssociation(childSA)),
            IKEPayload(type: .trafficSelectorInitiator, body: .trafficSelectors(tsAny)),
            IKEPayload(type: .trafficSelectorResponder, body: .trafficSelectors(tsNet)),
        ]
        try sealed(header(.ikeAuth, fromInitiator: true, response: false, responderSPI: keys.responderSPI),
                   authRequest, fromInitiator: true)
        if done() { return }
        let authResponse: [IKEPayload] = [
            IKEPayload(type: .identificationResponder,
                       body: .identification(IdentificationPayload(idType: .fqdn, data: Array("gw.vpn.example".utf8)))),
            IKEPayload(type: .authentication,
                       body: .authentication(AuthenticationPayload(method: .sharedKeyMIC, data: rng.wordBytes(32)))),
            IKEPayload(type: .configuration, body: .configuration(ConfigurationPayload(cfgType: .reply, attributes: [
                ConfigAttribute(type: .internalIP4Address, value: [10, 99, UInt8(truncatingIfNeeded: index >> 8),
                                                                   UInt8(truncatingIfNeeded: index)]),
                ConfigAttribute(type: .internalIP4DNS, value: [10, 20, 0, 53]),
            ]))),
            IKEPayload(type: .securityAssociation, body: .securityAssociation(SAPayload(proposals: [
                Proposal(number: 1, protocolID: .esp, spi: rng.wordBytes(4),
                         transforms: [.encryption(.aesGCM16, keyLength: 256), .sequenceNumbers(.noESN)]),
            ]))),
            IKEPayload(type: .trafficSelectorInitiator, body: .trafficSelectors(tsAny)),
            IKEPayload(type: .trafficSelectorResponder, body: .trafficSelectors(tsNet)),
        ]
        try sealed(header(.ikeAuth, fromInitiator: false, response: true, responderSPI: keys.responderSPI),
                   authResponse, fromInitiator: false)
        if done() { return }

        // CREATE_CHILD_SA: a Child SA rekey (RFC 7296 §1.3.3) with PFS.
        messageID = 2
        let rekey: [IKEPayload] = [
            .notify(NotifyPayload(protocolID: .esp, type: NotifyType(rawValue: 16393), spi: espSPI)),  // REKEY_SA
            IKEPayload(type: .securityAssociation, body: .securityAssociation(SAPayload(proposals: [
                Proposal(number: 1, protocolID: .esp, spi: rng.wordBytes(4), transforms: [
                    .encryption(.aesGCM16, keyLength: 256), .keyExchange(.ecp256), .sequenceNumbers(.noESN),
                ]),
            ]))),
            IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: rng.wordBytes(32)))),
            IKEPayload(type: .keyExchange, body: .keyExchange(KEPayload(group: 19, keyExchangeData: rng.wordBytes(64)))),
            IKEPayload(type: .trafficSelectorInitiator, body: .trafficSelectors(tsAny)),
            IKEPayload(type: .trafficSelectorResponder, body: .trafficSelectors(tsNet)),
        ]
        try sealed(header(.createChildSA, fromInitiator: true, response: false, responderSPI: keys.responderSPI),
                   rekey, fromInitiator: true)
        if done() { return }
        try sealed(header(.createChildSA, fromInitiator: false, response: true, responderSPI: keys.responderSPI),
                   Array(rekey.dropFirst()), fromInitiator: false)
        if done() { return }

        // INFORMATIONAL: a liveness check from the responder (its own Message ID counter starts
        // at 0, RFC 7296 §2.2), then a Delete of the old Child SA from the initiator (§1.4.1).
        messageID = 0
        try sealed(header(.informational, fromInitiator: false, response: false, responderSPI: keys.responderSPI),
                   [], fromInitiator: false)
        if done() { return }
        try sealed(header(.informational, fromInitiator: true, response: true, responderSPI: keys.responderSPI),
                   [], fromInitiator: true)
        if done() { return }
        messageID = 3
        let delete = IKEPayload(type: .delete, body: .delete(DeletePayload(protocolID: .esp, spiSize: 4, spis: [espSPI])))
        try sealed(header(.informational, fromInitiator: true, response: false, responderSPI: keys.responderSPI),
                   [delete], fromInitiator: true)
        if done() { return }
        try sealed(header(.informational, fromInitiator: false, response: true, responderSPI: keys.responderSPI),
                   [delete], fromInitiator: false)
    }

    /// One non-IKE frame, in turn: ESP-in-UDP on 4500, a DNS query, a NAT keepalive.
    mutating func other(writer: CaptureWriter, client: IPAddress, gateway: IPAddress,
                        summary: inout MixedCaptureSummary) throws {
        var s = FrameSpec()
        s.source = client
        s.destination = gateway
        switch otherIndex % 3 {
        case 0:
            s.sourcePort = 4500
            s.destinationPort = 4500
            espSequence &+= 1
            let body = rng.wordBytes(8 + 64 + 16)  // IV, ciphertext, ICV
            try writer.writeESPInUDP(spi: 0xc000_0000 | UInt32(truncatingIfNeeded: rng.next() & 0xffff),
                                     sequence: espSequence, body: body, spec: s, timestampNanoseconds: time)
        case 1:
            s.sourcePort = 33_000 &+ UInt16(truncatingIfNeeded: otherIndex % 20_000)
            s.destinationPort = 53
            s.destination = .v4(0xc633_6435)  // 198.51.100.53 (RFC 5737)
            dnsID &+= 1
            // Header (RFC 1035 §4.1.1): ID, RD, QDCOUNT 1; question "vpn.example" A IN.
            var q: [UInt8] = [UInt8(dnsID >> 8), UInt8(truncatingIfNeeded: dnsID), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
            q += [3] + Array("vpn".utf8) + [7] + Array("example".utf8) + [0, 0, 1, 0, 1]
            try writer.writeUDP(q, spec: s, timestampNanoseconds: time)
        default:
            s.sourcePort = 4500
            s.destinationPort = 4500
            try writer.writeNATKeepalive(spec: s, timestampNanoseconds: time)
        }
        otherIndex += 1
        summary.otherFrames += 1
        time += 50_000
    }

    /// The initiator's four IKE SA proposals (RFC 7296 §3.3), numbered 1-4 in preference
    /// order: GCM-256 and GCM-128, or CBC-256 and CBC-128 with HMAC-SHA2-256-128, first; each
    /// with PRF HMAC-SHA2-256 and two key exchange methods. The responder accepts proposal 1.
    static func offeredIKEProposals(gcmFirst: Bool) -> [Proposal] {
        let gcm: [[Transform]] = [
            [.encryption(.aesGCM16, keyLength: 256), .prf(.hmacSHA2_256), .keyExchange(.ecp256), .keyExchange(.curve25519)],
            [.encryption(.aesGCM16, keyLength: 128), .prf(.hmacSHA2_256), .keyExchange(.ecp256), .keyExchange(.modp2048)],
        ]
        let cbc: [[Transform]] = [
            [.encryption(.aesCBC, keyLength: 256), .prf(.hmacSHA2_256), .integrity(.hmacSHA2_256_128),
             .keyExchange(.ecp256), .keyExchange(.curve25519)],
            [.encryption(.aesCBC, keyLength: 128), .prf(.hmacSHA2_256), .integrity(.hmacSHA2_256_128),
             .keyExchange(.modp2048)],
        ]
        let ordered = gcmFirst ? gcm + cbc : cbc + gcm
        return ordered.enumerated().map { Proposal(number: UInt8($0.offset + 1), protocolID: .ike, transforms: $0.element) }
    }
    static let gcmFirstProposals = offeredIKEProposals(gcmFirst: true)
    static let cbcFirstProposals = offeredIKEProposals(gcmFirst: false)
}
