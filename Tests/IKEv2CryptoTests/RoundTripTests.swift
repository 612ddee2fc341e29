import IKEv2
import Testing
@testable import IKEv2Crypto
import TestSupport

/// Encrypt-then-decrypt for every algorithm pair, plus fragmentation and reassembly.
@Suite struct RoundTripTests {
    static let pairs: [(SKEncryptionAlgorithm, SKIntegrityAlgorithm)] = {
        var out: [(SKEncryptionAlgorithm, SKIntegrityAlgorithm)] = []
        for e in SKEncryptionAlgorithm.all where !e.isAEAD {
            for i in [SKIntegrityAlgorithm.hmacSHA1_96, .hmacSHA256_128, .hmacSHA384_192, .hmacSHA512_256, .hmacMD5_96,
                      .aesXCBC96, .aesCMAC96] {
                out.append((e, i))
            }
        }
        for e in SKEncryptionAlgorithm.all where e.isAEAD { out.append((e, .none)) }
        return out
    }()

    static func keys(_ e: SKEncryptionAlgorithm, _ i: SKIntegrityAlgorithm) throws -> IKESAKeys {
        func key(_ n: Int, _ seed: UInt8) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(seed)) } }
        return try IKESAKeys(initiatorSPI: 0x1122334455667788, responderSPI: 0x99aabbccddeeff00, encryption: e, integrity: i,
                             skEi: key(e.keyLength, 1), skEr: key(e.keyLength, 2),
                             skAi: key(i.keyLength ?? 0, 3), skAr: key(i.keyLength ?? 0, 4))
    }

    static let inner: [IKEPayload] = [
        IKEPayload(type: .identificationInitiator,
                   body: .identification(IdentificationPayload(idType: .fqdn, data: Array("gw.example".utf8)))),
        IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: (0..<32).map { UInt8($0) }))),
        .notify(NotifyPayload(type: .initialContact)),
    ]

    func feed(_ re: inout FragmentReassembler, _ bytes: [UInt8], _ keys: IKESAKeys?) throws -> FragmentEvent {
        let view = try IKEMessageView(parsing: bytes.span.bytes)
        return re.add(view, keys: keys)
    }

    func ivs() -> IKEEncryptor.IVGenerator {
        { n in (0..<n).map { UInt8($0 &+ 0x40) } }
    }

    @Test(arguments: 0..<RoundTripTests.pairs.count)
    func roundTrip(_ index: Int) throws {
        let (e, i) = Self.pairs[index]
        let keys = try Self.keys(e, i)
        for fromInitiator in [true, false] {
            var h = IKEHeader(initiatorSPI: keys.initiatorSPI, responderSPI: keys.responderSPI,
                              exchangeType: .informational, messageID: 7)
            h.isInitiator = fromInitiator
            h.isResponse = !fromInitiator
            let bytes = try IKEEncryptor.encrypt(header: h, innerPayloads: Self.inner, keys: keys, ivGenerator: ivs())
            let view = try IKEMessageView(parsing: bytes.span.bytes)
            try view.validate()
            let r = IKEDecryptor.decrypt(message: view, keys: keys)
            #expect(r.isClean, "\(e) / \(i): \(r.findings)")
            #expect(r.plaintext == (try serializeChain(Self.inner).bytes), "\(e) / \(i)")
            #expect(r.firstInnerType == .identificationInitiator)
            #expect(r.fromInitiator == fromInitiator)
            #expect((r.plaintext.count + r.padLength + 1) % e.blockSize == 0)
            // Any flipped bit anywhere in the message is an ICV finding (or an outer parse finding).
            for pos in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 9)) {
                var bad = bytes
                bad[pos] ^= 0x04
                guard let v = try? IKEMessageView(parsing: bad.span.bytes) else { continue }
                let rb = IKEDecryptor.decrypt(message: v, keys: keys)
                #expect(!rb.isDecrypted, "\(e) / \(i): bit at \(pos) went unnoticed")
                #expect(rb.plaintext.isEmpty)
                #expect(rb.findings.contains { [.icvMismatch, .outerMalformed, .badLength].contains($0.code) },
                        "\(e) / \(i): bit at \(pos): \(rb.findings)")
            }
        }
    }

    @Test func everyAlgorithmIsCovered() {
        #expect(Self.pairs.count == 8 * 7 + 19)
        #expect(Set(Self.pairs.map(\.0)).count == SKEncryptionAlgorithm.all.count)
    }

    @Test func fragmentsReassemble() throws {
        let keys = try Self.keys(.aesGCM(bits: 256, tag: 16), .none)
        var h = IKEHeader(initiatorSPI: keys.initiatorSPI, responderSPI: keys.responderSPI, exchangeType: .ikeAuth, messageID: 1)
        h.isResponse = true
        let frags = try IKEEncryptor.encryptFragments(header: h, innerPayloads: Self.inner, keys: keys, maxChunk: 20, ivGenerator: ivs())
        let whole = try serializeChain(Self.inner).bytes
        #expect(frags.count == (whole.count + 19) / 20)
        var re = FragmentReassembler()
        // Out of order, with a duplicate and a corrupted copy.
        var order = Array(frags.indices.reversed())
        order.insert(order[0], at: 1)
        var corrupted = frags[1]
        corrupted[corrupted.count - 1] ^= 1
        let badEvent = try feed(&re, corrupted, keys)
        #expect(badEvent.kind == .rejected)
        #expect(badEvent.findings.map(\.code) == [.icvMismatch], "\(badEvent.findings)")
        var kinds: [FragmentEvent.Kind] = []
        var done: ReassembledMessage?
        for idx in order {
            let ev = try feed(&re, frags[idx], keys)
            kinds.append(ev.kind)
            if let m = ev.message { done = m }
        }
        #expect(kinds.first == .queued)
        #expect(kinds[1] == .duplicate)
        #expect(kinds.last == .complete)
        let m = try #require(done)
        #expect(m.plaintext == whole)
        #expect(m.firstInnerType == .identificationInitiator)
        #expect(m.findings.isEmpty)
        #expect(re.pending.isEmpty)
        // A retransmission after completion.
        #expect(try feed(&re, frags[0], keys).kind == .alreadyComplete)
    }

    @Test func largerTotalRestartsSmallerIsDropped() throws {
        let keys = try Self.keys(.aesCBC128, .hmacSHA256_128)
        let h = IKEHeader(initiatorSPI: keys.initiatorSPI, responderSPI: keys.responderSPI, exchangeType: .ikeAuth,
                          flags: IKEHeader.initiatorFlag, messageID: 1)
        let three = try IKEEncryptor.encryptFragments(header: h, innerPayloads: Self.inner, keys: keys, maxChunk: 30, ivGenerator: ivs())
        let four = try IKEEncryptor.encryptFragments(header: h, innerPayloads: Self.inner, keys: keys, maxChunk: 20, ivGenerator: ivs())
        #expect(three.count == 3 && four.count == 4)
        var re = FragmentReassembler()
        #expect(try feed(&re, three[0], keys).kind == .queued)
        #expect(try feed(&re, four[0], keys).kind == .restarted)
        #expect(try feed(&re, three[1], keys).kind == .smallerTotal)
        var last: FragmentEvent?
        for f in four.dropFirst() { last = try feed(&re, f, keys) }
        #expect(last?.kind == .complete)
        #expect(last?.message?.plaintext == (try serializeChain(Self.inner).bytes))
    }

    @Test func withoutKeysFragmentsAreGroupedAndCounted() throws {
        var re = FragmentReassembler()
        let f1 = try Fixtures.bytes("android-ike/IkeSessionDigitalSignatureTest__IKE_AUTH_RESP_FRAG_1.bin")
        let f2 = try Fixtures.bytes("android-ike/IkeSessionDigitalSignatureTest__IKE_AUTH_RESP_FRAG_2.bin")
        let e1 = try feed(&re, f1, nil)
        #expect(e1.kind == .queued && e1.held == 1 && e1.fragment?.total == 2 && !e1.decrypted)
        #expect(re.pending.count == 1)
        let e2 = try feed(&re, f2, nil)
        #expect(e2.kind == .complete && e2.held == 2 && e2.message == nil)
        #expect(e2.description.contains("2 of 2"))
        // Not a fragment.
        let sk = try Fixtures.bytes("android-ike/IkeSessionPskTest__SUCCESS_IKE_AUTH_RESP.bin")
        #expect(try feed(&re, sk, nil).kind == .notAFragment)
    }

    @Test func limitsBoundBuffers() throws {
        var limits = FragmentReassembler.Limits()
        limits.maxPendingMessages = 2
        limits.maxTotalFragments = 3
        var re = FragmentReassembler(limits: limits)
        let keys = try Self.keys(.aesCTR128, .hmacSHA1_96)
        for mid in UInt32(1)...4 {
            let h = IKEHeader(initiatorSPI: keys.initiatorSPI, responderSPI: keys.responderSPI, exchangeType: .ikeAuth,
                              flags: IKEHeader.initiatorFlag, messageID: mid)
            let frags = try IKEEncryptor.encryptFragments(header: h, innerPayloads: Self.inner, keys: keys, maxChunk: 40, ivGenerator: ivs())
            #expect(frags.count == 2)
            _ = try feed(&re, frags[0], keys)
        }
        #expect(re.pending.count == 2)
        #expect(re.pending.map(\.key.messageID) == [3, 4])
        let h = IKEHeader(initiatorSPI: keys.initiatorSPI, responderSPI: keys.responderSPI, exchangeType: .ikeAuth,
                          flags: IKEHeader.initiatorFlag, messageID: 9)
        let many = try IKEEncryptor.encryptFragments(header: h, innerPayloads: Self.inner, keys: keys, maxChunk: 10, ivGenerator: ivs())
        #expect(try feed(&re, many[0], keys).kind == .limitExceeded)
    }
}
