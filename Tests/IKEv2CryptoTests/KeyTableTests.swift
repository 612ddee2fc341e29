import IKEv2
import Testing
@testable import IKEv2Crypto
import TestSupport

@Suite struct KeyTableTests {
    @Test func wiresharkTemplateParsesAndWritesBackByteForByte() throws {
        let text = try Fixtures.text("wireshark/ikev2_decryption_table.tmpl")
        let table = try IKEKeyTable(wireshark: text)
        #expect(table.count == 9)
        let ccm = try #require(table.keys(initiatorSPI: 0xea684d21597afd36, responderSPI: 0xd9fe2ab22dac23ac))
        #expect(ccm.encryption == .aesCCM(bits: 128, tag: 12))
        #expect(ccm.integrity == .none)
        #expect(ccm.skEi.count == 19)
        let cbc = try #require(table.keys(initiatorSPI: 0x191ccd371a7a1f7b, responderSPI: 0xbc123d15e4af593f))
        #expect(cbc.encryption == .aesCBC256 && cbc.integrity == .hmacSHA256_128)
        #expect(table.keys(initiatorSPI: 0xea684d21597afd36, responderSPI: 0) == nil)
        #expect(table.wiresharkText() == text)
        #expect(try IKEKeyTable(parsing: text).count == 9)
    }

    @Test func tcpdumpSecretsMergeBothDirections() throws {
        let table = try IKEKeyTable(parsing: try Fixtures.text("tcpdump/ikev2pI2-secrets.txt"))
        let k = try #require(table.keys(initiatorSPI: 0x0001020304050607, responderSPI: 0xc02e7a3031a03188))
        #expect(k.encryption == .aesCBC128 && k.integrity == .hmacSHA1_96)
        #expect(k.skEi == hx("3f44bf47cafd8150591deb088199fcbf"))
        #expect(k.skEr == hx("bedb67ec7dc3d00cccac42e70cd63bde"))
        #expect(k.skAi == hx("4ea8e662b07cdd430f6944c6723e4b82d5722418"))
        #expect(k.skAr == hx("515b0bd22e6d76b34fdb760aa7bfad80b109b75d"))
        // Written in Wireshark's form and read back.
        let again = try IKEKeyTable(wireshark: table.wiresharkText())
        #expect(again.entries == table.entries)
        #expect(table.wiresharkText().contains("0001020304050607,c02e7a3031a03188,3f44bf47cafd8150591deb088199fcbf,bedb67ec7dc3d00cccac42e70cd63bde,\"AES-CBC-128 [RFC3602]\",4ea8e662b07cdd430f6944c6723e4b82d5722418,515b0bd22e6d76b34fdb760aa7bfad80b109b75d,\"HMAC_SHA1_96 [RFC2404]\"\n"))
    }

    @Test func syntaxErrorsCarryLineAndColumn() {
        let text = "# comment\n\n1234567890123456,0987654321098765,zz,,\"NULL [RFC2410]\",,,\"NONE [RFC4306]\"\n"
        #expect(throws: KeyTableError(.syntax, line: 3, column: 35, "SK_ei is not unquoted hex: \"zz\"")) {
            try IKEKeyTable(wireshark: text)
        }
        do {
            _ = try IKEKeyTable(wireshark: "1234567890123456,0987654321098765,,,\"NULL [RFC2410]\",,\n")
            Issue.record("no error")
        } catch {
            #expect(error.kind == .syntax && error.line == 1)
        }
        do {
            _ = try IKEKeyTable(wireshark: "1234567890123456,0987654321098765,,,\"Rot13 [RFC0]\",,,\"NONE [RFC4306]\"")
            Issue.record("no error")
        } catch {
            #expect(error.kind == .unknownAlgorithm && error.line == 1 && error.column == 37)
        }
        do {
            _ = try IKEKeyTable(tcpdump: "ikev2 I 0x0001020304050607 0xc02e7a3031a03188 sha1:0x4ea8 aes128:0xqq\n")
            Issue.record("no error")
        } catch {
            #expect(error.line == 1)
            #expect(error.column == 66)
        }
    }

    @Test func wrongKeyLengthNamesTheSA() {
        let text = "1111111111111111,2222222222222222,00112233,00112233,\"AES-CBC-128 [RFC3602]\",,,\"NONE [RFC4306]\"\n"
        do {
            _ = try IKEKeyTable(wireshark: text)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .badKeyLength)
            #expect(error.sa == "1111111111111111/2222222222222222")
            #expect(error.description.contains("SK_ei has 4 octets; AES-CBC-128 [RFC3602] needs 16"))
        }
        // AEAD needs integrity NONE; GCM's SK_e includes the 4-octet salt.
        #expect(throws: KeyTableError.self) {
            try IKESAKeys(initiatorSPI: 1, responderSPI: 2, encryption: .aesGCM(bits: 128, tag: 16),
                          integrity: .hmacSHA1_96, skEi: [UInt8](repeating: 0, count: 20), skEr: [])
        }
        #expect(throws: KeyTableError.self) {
            try IKESAKeys(initiatorSPI: 1, responderSPI: 2, encryption: .aesGCM(bits: 128, tag: 16),
                          integrity: .none, skEi: [UInt8](repeating: 0, count: 16), skEr: [])
        }
    }

    @Test func algorithmNamesAndSizes() {
        #expect(SKEncryptionAlgorithm(wiresharkName: "AES-GCM-256 with 16 octet ICV [RFC5282]") == .aesGCM(bits: 256, tag: 16))
        #expect(SKEncryptionAlgorithm.aesCCM(bits: 256, tag: 16).keyLength == 35)
        #expect(SKEncryptionAlgorithm.chaCha20Poly1305.keyLength == 36)
        #expect(SKEncryptionAlgorithm.aesCTR192.keyLength == 28)
        #expect(SKEncryptionAlgorithm.tripleDES.ivLength == 8)
        #expect(SKEncryptionAlgorithm(transform: .aesGCM16, keyBits: 256) == .aesGCM(bits: 256, tag: 16))
        #expect(SKEncryptionAlgorithm(transform: .tripleDES, keyBits: nil) == .tripleDES)
        #expect(SKIntegrityAlgorithm(transform: .hmacSHA2_256_128) == .hmacSHA256_128)
        #expect(SKIntegrityAlgorithm(wiresharkName: "ANY 96-bits of Authentication [No Checking]")?.icvLength == 12)
    }
}
