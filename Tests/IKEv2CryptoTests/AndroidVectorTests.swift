import IKEv2
import Testing
@testable import IKEv2Crypto
import TestSupport

/// The AOSP IKE library's decryption vectors (`android-ike/decryption_vectors.json`).
@Suite struct AndroidVectorTests {
    func keys(_ msg: [UInt8], _ enc: SKEncryptionAlgorithm, _ integ: SKIntegrityAlgorithm, ek: [UInt8], ak: [UInt8]) throws -> IKESAKeys {
        let fromInitiator = msg[19] & 0x08 != 0
        return try IKESAKeys(
            initiatorSPI: spi(msg, at: 0), responderSPI: spi(msg, at: 8), encryption: enc, integrity: integ,
            skEi: fromInitiator ? ek : [], skEr: fromInitiator ? [] : ek,
            skAi: fromInitiator ? ak : [], skAr: fromInitiator ? [] : ak)
    }

    func decrypt(_ msg: [UInt8], _ keys: IKESAKeys) throws -> DecryptResult {
        let view = try IKEMessageView(parsing: msg.span.bytes)
        return IKEDecryptor.decrypt(message: view, keys: keys)
    }

    @Test func aesCBC128HmacSHA1IKEAuth() throws {
        let c = try Fixtures.android("IkeMessageTest")
        let e = try Fixtures.android("IkeEncryptedPayloadBodyTest")
        let msg = try Fixtures.bytes("android-ike/IkeMessageTest__IKE_AUTH_HEX_STRING.bin")
        #expect(msg == hx(c["IKE_AUTH_HEX_STRING"]))
        let k = try keys(msg, .aesCBC128, .hmacSHA1_96, ek: hx(e["ENCR_KEY_FROM_INIT_TO_RESP"]), ak: hx(e["INTE_KEY_FROM_INIT_TO_RESP"]))
        let r = try decrypt(msg, k)
        #expect(r.isClean, "\(r.findings)")
        #expect(r.plaintext == hx(e["IKE_AUTH_INIT_REQUEST_UNENCRYPTED_DATA"]))
        #expect(r.firstInnerType == .identificationInitiator)
        #expect(r.padLength == 11)
        // The padded plaintext as the test states it.
        let padded = hx(c["IKE_AUTH_UNENCRYPTED_PADDED_DATA_HEX_STRING"])
        #expect(Array(padded.prefix(r.plaintext.count)) == r.plaintext)
        // Inner chain: IDi, IDr, AUTH, SA, TSi, TSr, N, N.
        var types: [PayloadType] = []
        var it = PayloadIterator(message: r.plaintext.span.bytes, first: r.firstInnerType, start: 0, inside: .encrypted)
        while let p = try it.next() { types.append(p.type) }
        #expect(types == [.identificationInitiator, .identificationResponder, .authentication, .securityAssociation,
                          .trafficSelectorInitiator, .trafficSelectorResponder, .notify, .notify])
    }

    @Test func tripleDESHmacSHA1Message() throws {
        let e = try Fixtures.android("IkeEncryptedPayloadBodyTest")
        let msg = try Fixtures.bytes("android-ike/IkeEncryptedPayloadBodyTest__HMAC_SHA1_3DES_MSG_HEX_STRING.bin")
        #expect(msg == hx(e["HMAC_SHA1_3DES_MSG_HEX_STRING"]))
        let k = try keys(msg, .tripleDES, .hmacSHA1_96, ek: hx(e["HMAC_SHA1_3DES_MSG_ENCR_KEY"]), ak: hx(e["HMAC_SHA1_3DES_MSG_INTE_KEY"]))
        let r = try decrypt(msg, k)
        #expect(r.isDecrypted, "\(r.findings)")
        #expect(!r.fromInitiator)
        #expect(r.plaintext == hx(e["HMAC_SHA1_3DES_DECRYPTED_BODY_HEX_STRING"]))
    }

    @Test func tripleDESHmacSHA1Fragment() throws {
        let e = try Fixtures.android("IkeEncryptedPayloadBodyTest")
        let msg = try Fixtures.bytes("android-ike/IkeEncryptedPayloadBodyTest__HMAC_SHA1_3DES_FRAG_HEX_STRING.bin")
        let k = try keys(msg, .tripleDES, .hmacSHA1_96, ek: hx(e["HMAC_SHA1_3DES_FRAG_ENCR_KEY"]), ak: hx(e["HMAC_SHA1_3DES_FRAG_INTE_KEY"]))
        let r = try decrypt(msg, k)
        #expect(r.isDecrypted, "\(r.findings)")
        #expect(r.fragment == FragmentInfo(number: 5, total: 5))
        #expect(r.plaintext == hx(e["HMAC_SHA1_3DES_FRAG_DECRYPTED_BODY_HEX_STRING"]))
        #expect(r.padLength == hx(e["HMAC_SHA1_3DES_FRAG_PADDING"]).count)
    }

    @Test func aesGCM16Message() throws {
        let e = try Fixtures.android("IkeEncryptedPayloadBodyTest")
        let msg = try Fixtures.bytes("android-ike/IkeEncryptedPayloadBodyTest__AES_GCM_MSG_HEX_STRING.bin")
        let k = try keys(msg, .aesGCM(bits: 256, tag: 16), .none, ek: hx(e["AES_GCM_MSG_ENCR_KEY"]), ak: [])
        let r = try decrypt(msg, k)
        #expect(r.isDecrypted, "\(r.findings)")
        #expect(r.plaintext == hx(e["AES_GCM_MSG_DECRYPTED_BODY_HEX_STRING"]))
    }

    @Test func aesGCM16Fragment() throws {
        let e = try Fixtures.android("IkeEncryptedPayloadBodyTest")
        let msg = try Fixtures.bytes("android-ike/IkeEncryptedPayloadBodyTest__AES_GCM_FRAG_HEX_STRING.bin")
        let k = try keys(msg, .aesGCM(bits: 256, tag: 16), .none, ek: hx(e["AES_GCM_FRAG_ENCR_KEY"]), ak: [])
        let r = try decrypt(msg, k)
        #expect(r.isDecrypted, "\(r.findings)")
        #expect(r.fragment == FragmentInfo(number: 2, total: 2))
        #expect(r.plaintext == hx(e["AES_GCM_FRAG_DECRYPTED_BODY_HEX_STRING"]))
    }

    @Test func wrongKeyIsAFindingNotACrash() throws {
        let e = try Fixtures.android("IkeEncryptedPayloadBodyTest")
        let msg = try Fixtures.bytes("android-ike/IkeMessageTest__IKE_AUTH_HEX_STRING.bin")
        var ak = hx(e["INTE_KEY_FROM_INIT_TO_RESP"])
        ak[0] ^= 1
        let k = try keys(msg, .aesCBC128, .hmacSHA1_96, ek: hx(e["ENCR_KEY_FROM_INIT_TO_RESP"]), ak: ak)
        let r = try decrypt(msg, k)
        #expect(!r.isDecrypted)
        #expect(r.plaintext.isEmpty)
        #expect(r.findings.map(\.code) == [.icvMismatch])
        #expect(r.findings.first?.message.contains("ICV mismatch for SA 5f54bf6d8b48e6e1/909232b3d1edcb5c, message 1") == true)
        // Wrong direction: the responder's keys are missing.
        let other = try IKESAKeys(initiatorSPI: k.initiatorSPI, responderSPI: k.responderSPI, encryption: .aesCBC128,
                                  integrity: .hmacSHA1_96, skEi: [], skEr: k.skEi, skAi: [], skAr: k.skAi)
        #expect(try decrypt(msg, other).findings.map(\.code) == [.noKeys])
    }
}
