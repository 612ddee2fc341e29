import IKEv2
import Testing
@testable import IKEv2Crypto
import TestSupport

/// The decrypt result walks its own inner payloads (issue 17): `innerPayloads`,
/// `forEachInnerPayload`, `ownedInnerPayloads()` and `innerSummary`.
@Suite struct InnerPayloadWalkTests {
    static func makeKeys() throws -> IKESAKeys {
        func key(_ n: Int, _ seed: UInt8) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ Int(seed)) } }
        return try IKESAKeys(initiatorSPI: 0x61f2_55bd_2ac9_0e1b, responderSPI: 0xa312_0103_7d56_0aef,
                             encryption: .aesCBC256, integrity: .hmacSHA256_128,
                             skEi: key(32, 1), skEr: key(32, 2), skAi: key(32, 3), skAr: key(32, 4))
    }
    let keys: IKESAKeys
    init() throws { keys = try Self.makeKeys() }

    /// An INFORMATIONAL request from the original responder holding N(16422), N(16423) and a Nonce.
    static func inner() throws -> [IKEPayload] {
        [
            .notify(.messageIDSync(nonce: 0xa1b2_c3d4, expectedSend: 10, expectedRecv: 12)),
            .notify(try .replayCounterSync(delta: 65_536, extendedSequenceNumbers: false)),
            IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: Array(repeating: 0x5a, count: 16)))),
        ]
    }

    func message() throws -> [UInt8] {
        var h = IKEHeader(initiatorSPI: keys.initiatorSPI, responderSPI: keys.responderSPI,
                          exchangeType: .informational, messageID: 0)
        h.isInitiator = false
        return try IKEEncryptor.encrypt(header: h, innerPayloads: try Self.inner(), keys: keys)
    }

    /// How many payloads are left in the walk.
    func remaining(_ it: inout PayloadIterator) throws -> Int {
        var n = 0
        while try it.next() != nil { n += 1 }
        return n
    }

    @Test func walksTheDecryptedChainFromOffsetZero() throws {
        let bytes = try message()
        let message = try IKEMessageView(parsing: bytes.span.bytes)
        let r = IKEDecryptor.decrypt(message: message, keys: keys)
        try #require(r.isClean, "\(r.findings)")

        var types: [PayloadType] = []
        var sync: MessageIDSyncData?
        var it = r.innerPayloads
        while let p = try it.next() {
            types.append(p.type)
            if p.type == .notify, case .messageIDSync(let d) = try NotifyDecoder().decode(try p.notify()) { sync = d }
        }
        #expect(types == [.notify, .notify, .nonce])
        #expect(sync == MessageIDSyncData(nonce: 0xa1b2_c3d4, expectedSend: 10, expectedRecv: 12))
        #expect(r.innerSummary == "N(IKEV2_MESSAGE_ID_SYNC) N(IPSEC_REPLAY_COUNTER_SYNC) Nr")
        // Owned copies: the same types and bodies (Next Payload is as parsed, not as built).
        let owned = try r.ownedInnerPayloads()
        #expect(owned.map(\.type) == (try Self.inner()).map(\.type))
        #expect(owned.map(\.body) == (try Self.inner()).map(\.body))
        #expect(owned.map(\.description) == ["N(IKEV2_MESSAGE_ID_SYNC)", "N(IPSEC_REPLAY_COUNTER_SYNC)", "Nonce"])

        var seen: [PayloadType] = []
        try r.forEachInnerPayload { p in seen.append(p.type) }
        #expect(seen == [.notify, .notify, .nonce])
    }

    @Test func offsetsMatchTheWireLayout() throws {
        let bytes = try message()
        let r = IKEDecryptor.decrypt(message: try IKEMessageView(parsing: bytes.span.bytes), keys: keys)
        // N(16422): generic header 4 + Protocol ID, SPI Size, Type 4 + data 12 = 20 octets
        // (RFC 6311 §6.3); N(16423) with a 4-octet delta: 4 + 4 + 4 = 12 (§6.4).
        var offsets: [Int] = []
        var it = r.innerPayloads
        while let p = try it.next() { offsets.append(p.offset) }
        #expect(offsets == [0, 20, 32])
        #expect(r.plaintext.count == 32 + 4 + 16)
    }

    @Test func nothingDecryptedWalksNothing() throws {
        var bytes = try message()
        bytes[bytes.count - 1] ^= 1  // the ICV no longer verifies
        let r = IKEDecryptor.decrypt(message: try IKEMessageView(parsing: bytes.span.bytes), keys: keys)
        #expect(r.findings.map(\.code) == [.icvMismatch])
        var it = r.innerPayloads
        let n = try remaining(&it)
        #expect(n == 0)
        #expect(r.innerSummary == "")
        #expect(try r.ownedInnerPayloads().isEmpty)
    }

    @Test func oneFragmentOfSeveralWalksNothing() throws {
        var h = IKEHeader(initiatorSPI: keys.initiatorSPI, responderSPI: keys.responderSPI,
                          exchangeType: .informational, messageID: 0)
        h.isInitiator = true
        let fragments = try IKEEncryptor.encryptFragments(header: h, innerPayloads: try Self.inner(), keys: keys, maxChunk: 16)
        try #require(fragments.count > 1)
        let first = fragments[0]
        let r = IKEDecryptor.decrypt(message: try IKEMessageView(parsing: first.span.bytes), keys: keys)
        #expect(r.isDecrypted && r.fragment?.number == 1)
        var it = r.innerPayloads
        let n = try remaining(&it)
        #expect(n == 0)
    }

    /// A third-party vector: Wireshark's AES-CCM-12 INFORMATIONAL request holds one Delete.
    @Test func wiresharkVectorInnerDelete() throws {
        let table = try IKEKeyTable(parsing: try Fixtures.text("wireshark/ikev2_decryption_table.tmpl"))
        let frame = try Fixtures.bytes("scapy/wireshark-ikev2-decrypt-aes128ccm12_informational_req_encrypted.ether.bin")
        // Ethernet 14 + IPv4 20 (no options in this frame) + UDP 8.
        try #require(frame.count > 42 && frame[14] == 0x45)
        let ike = Array(frame[42...])
        let r = IKEDecryptor.decrypt(message: try IKEMessageView(parsing: ike.span.bytes), table: table)
        try #require(r.isClean, "\(r.findings)")
        var it = r.innerPayloads
        guard let d = try it.next() else {
            Issue.record("no inner payload")
            return
        }
        let (type, offset, length) = (d.type, d.offset, d.length)
        #expect(type == .delete && offset == 0)
        #expect(length == 8)
        let n = try remaining(&it)
        #expect(n == 0)
        #expect(r.innerSummary == "D")
    }

    /// The old spelling without `start: 0` now says what went wrong instead of a negative count.
    @Test func defaultStartOnAPlaintextNamesTheMistake() throws {
        let bytes = try message()
        let r = IKEDecryptor.decrypt(message: try IKEMessageView(parsing: bytes.span.bytes), keys: keys)
        let short = Array(r.plaintext.prefix(20))  // 20 octets, shorter than the 28-octet IKE header
        var it = PayloadIterator(message: short.span.bytes, first: r.firstInnerType)
        do {
            _ = try it.next()
            Issue.record("no error")
        } catch {
            #expect(error.code == .truncated)
            #expect(error.description.contains("past the end of the 20-byte buffer"))
            #expect(!error.description.contains("-8"))
        }
    }
}
