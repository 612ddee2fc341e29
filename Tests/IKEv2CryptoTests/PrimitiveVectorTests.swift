import IKEv2
import Testing
@testable import IKEv2Crypto

/// Published test vectors for each algorithm (sources in each test's comment).
@Suite struct PrimitiveVectorTests {
    /// RFC 7634 Appendix B: a complete IKEv2 message with ChaCha20-Poly1305 (responder's keys:
    /// the I flag is clear), decrypted through the SK path.
    @Test func rfc7634AppendixB() throws {
        let aad = hx("c0c1c2c3c4c5c6c7d0d1d2d3d4d5d6d72e202500000000090000004529000029")
        let iv = hx("1011121314151617")
        let ct = hx("610394701f8d017f7c12924889")
        let tag = hx("6b71bfe25236efd7cdc67066906315b2")
        let msg = aad + iv + ct + tag
        #expect(msg.count == 0x45)
        let keymat = hx("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3")
        let keys = try IKESAKeys(initiatorSPI: spi(msg, at: 0), responderSPI: spi(msg, at: 8),
                                 encryption: .chaCha20Poly1305, integrity: .none, skEi: [], skEr: keymat)
        let r = IKEDecryptor.decrypt(message: try IKEMessageView(parsing: msg.span.bytes), keys: keys)
        #expect(r.isClean, "\(r.findings)")
        #expect(r.firstInnerType == .notify)
        #expect(r.plaintext == hx("0000000c000040010000000a"))
        #expect(r.padLength == 0)
        // And the encryptor reproduces the RFC's bytes from the same IV.
        let header = try IKEHeader(parsing: msg.span.bytes)
        var it = PayloadIterator(message: r.plaintext.span.bytes, first: .notify, start: 0)
        var inner: [IKEPayload] = []
        while let p = try it.next() { inner.append(try IKEPayload(p)) }
        let rebuilt = try IKEEncryptor.encrypt(header: header, innerPayloads: inner, keys: keys, ivGenerator: { _ in iv })
        #expect(rebuilt == msg)
    }

    /// RFC 3610 packet vectors 1 and 2 (AES-CCM, 13-octet nonce, 8-octet MAC).
    @Test func rfc3610CCM() throws {
        let key = hx("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf")
        let aad = hx("0001020304050607")
        let v1 = try Primitive.ccmSeal(key: key, nonce: hx("00000003020100a0a1a2a3a4a5"), aad: aad,
                                       hx("08090a0b0c0d0e0f101112131415161718191a1b1c1d1e"), tagLength: 8)
        #expect(v1.ciphertext == hx("588c979a61c663d2f066d0c2c0f989806d5f6b61dac384"))
        #expect(v1.tag == hx("17e8d12cfdf926e0"))
        let v2 = try Primitive.ccmSeal(key: key, nonce: hx("00000004030201a0a1a2a3a4a5"), aad: aad,
                                       hx("08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), tagLength: 8)
        #expect(v2.ciphertext + v2.tag == hx("72c91a36e135f8cf291ca894085c87e3cc15c439c9e43a3ba091d56e10400916"))
        let opened = try Primitive.ccmOpen(key: key, nonce: hx("00000003020100a0a1a2a3a4a5"), aad: aad, v1.ciphertext, tag: v1.tag)
        #expect(opened == hx("08090a0b0c0d0e0f101112131415161718191a1b1c1d1e"))
        var bad = v1.tag
        bad[7] ^= 0x80
        #expect(try Primitive.ccmOpen(key: key, nonce: hx("00000003020100a0a1a2a3a4a5"), aad: aad, v1.ciphertext, tag: bad) == nil)
    }

    /// NIST SP 800-38C Appendix C, Example 1 (7-octet nonce, 4-octet tag).
    @Test func sp800_38cExample1() throws {
        let r = try Primitive.ccmSeal(key: hx("404142434445464748494a4b4c4d4e4f"), nonce: hx("10111213141516"),
                                      aad: hx("0001020304050607"), hx("20212223"), tagLength: 4)
        #expect(r.ciphertext + r.tag == hx("7162015b4dac255d"))
    }

    /// RFC 3566 §4 test cases 1, 2, 5 and 6 (AES-XCBC-MAC; -96 is the first 12 octets).
    @Test func rfc3566XCBC() throws {
        let key = hx("000102030405060708090a0b0c0d0e0f")
        let all = hx("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021")
        #expect(try Primitive.xcbcMAC(key: key, []) == hx("75f0251d528ac01c4573dfd584d79f29"))
        #expect(try Primitive.xcbcMAC(key: key, Array(all.prefix(3))) == hx("5b376580ae2f19afe7219ceef172756f"))
        #expect(try Primitive.xcbcMAC(key: key, Array(all.prefix(32))) == hx("f54f0ec8d2b9f3d36807734bd5283fd4"))
        #expect(try Primitive.xcbcMAC(key: key, all) == hx("becbb3bccdb518a30677d5481fb6b4d8"))
        #expect(Array(try Primitive.mac(.aesXCBC, key: key, []).prefix(12)) == hx("75f0251d528ac01c4573dfd5"))
    }

    /// RFC 4493 §4 examples 1-3 (AES-CMAC).
    @Test func rfc4493CMAC() throws {
        let key = hx("2b7e151628aed2a6abf7158809cf4f3c")
        let m = hx("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411")
        #expect(try Primitive.mac(.aesCMAC, key: key, []) == hx("bb1d6929e95937287fa37d129b756746"))
        #expect(try Primitive.mac(.aesCMAC, key: key, Array(m.prefix(16))) == hx("070a16b46b4d4144f79bdd9dd04a287c"))
        #expect(try Primitive.mac(.aesCMAC, key: key, m) == hx("dfa66747de9ae63030ca32611497c827"))
    }

    /// RFC 2202 test case 1 (HMAC-MD5, HMAC-SHA1) and RFC 4231 test case 1 (SHA-2), with the
    /// truncations IKEv2 uses (RFC 2403/2404: 96 bits; RFC 4868: half the output).
    @Test func hmacTruncations() throws {
        let hi = Array("Hi There".utf8)
        #expect(try Primitive.mac(.hmacMD5, key: [UInt8](repeating: 0x0b, count: 16), hi) == hx("9294727a3638bb1c13f48ef8158bfc9d"))
        #expect(try Primitive.mac(.hmacSHA1, key: [UInt8](repeating: 0x0b, count: 20), hi) == hx("b617318655057264e28bc0b6fb378c8ef146be00"))
        let k = [UInt8](repeating: 0x0b, count: 20)
        #expect(try Primitive.mac(.hmacSHA256, key: k, hi) == hx("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"))
        #expect(try Primitive.mac(.hmacSHA384, key: k, hi) == hx("afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6"))
        #expect(try Primitive.mac(.hmacSHA512, key: k, hi) == hx("87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"))
        #expect(SKIntegrityAlgorithm.hmacSHA256_128.icvLength == 16)
        #expect(SKIntegrityAlgorithm.hmacSHA384_192.icvLength == 24)
        #expect(SKIntegrityAlgorithm.hmacSHA512_256.icvLength == 32)
        #expect(SKIntegrityAlgorithm.hmacSHA1_96.icvLength == 12)
        #expect(SKIntegrityAlgorithm.hmacMD5_96.icvLength == 12)
    }

    @Test func constantTimeCompare() {
        #expect(Primitive.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!Primitive.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!Primitive.constantTimeEqual([1, 2, 3], [1, 2]))
    }
}
