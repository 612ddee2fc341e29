import Testing
@testable import IKEv2
import TestSupport

@Suite struct RobustnessTests {
    /// Every strict prefix of every corpus message fails with an IKEError (no trap), both as is
    /// (header Length then exceeds the bytes) and with the header Length patched to the prefix
    /// size (so the payload chain and sub-structure checks see the cut).
    @Test func everyStrictPrefixFails() throws {
        var checked = 0
        for (name, bytes) in try Fixtures.ikeMessages() {
            for n in 0..<bytes.count {
                let prefix = Array(bytes[0..<n])
                #expect(fullParseError(prefix) != nil, "\(name) prefix \(n)")
                if n >= IKEHeader.size {
                    let patched = Layout.mutate(prefix, at: 24, width: 4, by: n - bytes.count)
                    let e = fullParseError(patched)
                    #expect(e != nil, "\(name) patched prefix \(n)")
                    if let e { #expect(e.offset >= 0 && e.offset <= n, "\(name) prefix \(n): \(e)") }
                }
                checked += 1
            }
        }
        #expect(checked > 10_000)
    }

    /// Each message embedded between sentinel bytes at a non-zero offset of a larger buffer:
    /// the extracted span parses, validates and round-trips exactly like the original, and a
    /// corrupted copy reports the same error offset (relative to the message) as on its own.
    @Test func messagesEmbeddedInLargerBuffers() throws {
        for (name, bytes) in try Fixtures.ikeMessages() {
            for lead in [1, 7, 64] {
                let buffer = [UInt8](repeating: 0xA5, count: lead) + bytes + [UInt8](repeating: 0x5A, count: 13)
                let span = buffer.span.bytes.extracting(lead..<(lead + bytes.count))
                let view = try IKEMessageView(parsing: span)
                #expect(caught { () throws(IKEError) in try view.validate() } == nil, "\(name) at \(lead)")
                #expect(try summarize(view) == (try summarize(try IKEMessageView(parsing: bytes.span.bytes))), "\(name)")
                #expect(try IKEMessage(view).serialize(.exact) == bytes, "\(name) at \(lead)")
                // With the trailing sentinel included, a stream parse must stop at the Length.
                let stream = buffer.span.bytes.extracting(lead..<buffer.count)
                #expect(try IKEMessageView(parsing: stream, allowTrailing: true).bytes.byteCount == bytes.count)
                #expect(caught { () throws(IKEError) in _ = try IKEMessageView(parsing: stream) }?.code == .trailingBytes)
            }
        }
        // The fixed-layout message, corrupted, embedded: same error, same relative offset.
        let good = try Layout.message().serialize()
        for c in Layout.cases {
            let bad = Layout.mutate(good, at: c.at, width: c.width, by: 1)
            let alone = fullParseError(bad)
            let buffer = [UInt8](repeating: 0xff, count: 9) + bad + [UInt8](repeating: 0xff, count: 9)
            let embedded = caught { () throws(IKEError) in
                let v = try IKEMessageView(parsing: buffer.span.bytes.extracting(9..<(9 + bad.count)))
                try v.validate()
            }
            #expect(embedded == alone, "\(c.name)")
        }
    }

    /// Built messages survive serialize -> parse unchanged (modulo the computed fields).
    @Test func builtMessagesRoundTrip() throws {
        let m = Layout.message()
        #expect(try IKEMessage(parsing: m.serialize()) == normalized(m))
        // Every corpus message, re-built after a change to an SA and to the header.
        for (name, bytes) in try Fixtures.ikeMessages() {
            var owned = try IKEMessage(parsing: bytes)
            owned.header.messageID &+= 1
            for i in owned.payloads.indices {
                if case .securityAssociation(var sa) = owned.payloads[i].body {
                    sa.proposals[0].transforms.append(.keyExchange(.curve25519))
                    owned.payloads[i].body = .securityAssociation(sa)
                }
            }
            let out = try owned.serialize()
            let back = try IKEMessage(parsing: out)
            #expect(back == (try normalized(owned)), "\(name)")
            #expect(fullParseError(out) == nil, "\(name)")
        }
    }

    @Test func builderTransformsAndSelectors() throws {
        let sa = SAPayload(proposals: [
            Proposal(number: 1, protocolID: .ike, transforms: [
                .encryption(.aesGCM16, keyLength: 256), .prf(.hmacSHA2_384), .keyExchange(.ecp384),
            ]),
            Proposal(number: 2, protocolID: .ike, transforms: [
                .encryption(.aesCBC, keyLength: 128), .integrity(.hmacSHA2_256_128), .prf(.hmacSHA2_256),
                .keyExchange(.modp2048),
            ]),
        ])
        var w = ByteWriter()
        try sa.writeBody(to: &w)
        // Proposal 1: 8 + (8+4) + 8 + 8 = 36; proposal 2: 8 + 12 + 8 + 8 + 8 = 44.
        #expect(w.bytes.count == 80)
        #expect(Array(w.bytes[0..<8]) == [2, 0, 0, 36, 1, 1, 0, 3])
        #expect(Array(w.bytes[36..<44]) == [0, 0, 0, 44, 2, 1, 0, 4])
        let back = try SAPayload(try SAView(body: w.bytes.span.bytes, baseOffset: 0))
        #expect(back == sa)
        #expect(back.proposals[1].first(.integrity)?.idName == "AUTH_HMAC_SHA2_256_128")

        let v6 = try #require(TrafficSelector.addressRange(start: [UInt8](repeating: 0, count: 16),
                                                           end: [UInt8](repeating: 0xff, count: 16), ipProtocolID: 17,
                                                           startPort: 500, endPort: 4500))
        #expect(v6.type == .ipv6AddrRange && v6.startPort == 500 && v6.endPort == 4500)
        #expect(v6.endAddress == [UInt8](repeating: 0xff, count: 16))
        #expect(TrafficSelector.addressRange(start: [1, 2, 3], end: [1, 2, 3]) == nil)
        #expect(TrafficSelector.addressRange(start: [1, 2, 3, 4], end: [UInt8](repeating: 0, count: 16)) == nil)
    }

    @Test func registryNames() {
        #expect(TransformType.encryption.name == "Encryption Algorithm (ENCR)")
        #expect(TransformType(rawValue: 4).notation == "KE")
        #expect(TransformType(rawValue: 6).name == "Additional Key Exchange 1 (ADDKE1)")
        #expect(TransformType.encryption.idName(12) == "ENCR_AES_CBC")
        #expect(TransformType.prf.idName(4) == "PRF_AES128_XCBC")
        #expect(TransformType.integrity.idName(2) == "AUTH_HMAC_SHA1_96")
        #expect(TransformType.keyExchange.idName(31) == "Curve25519")
        #expect(TransformType.sequenceNumbers.idName(1) == "Extended Sequence Numbers")
        #expect(EncryptionAlgorithm(rawValue: 17).name == nil)
        #expect(EncryptionAlgorithm.aesGCM16.isAEAD && !EncryptionAlgorithm.aesCBC.isAEAD)
        #expect(KeyExchangeMethod.modp3072.keyExchangeDataLength == 384)
        #expect(TransformAttributeType.keyLength.name == "Key Length")
        #expect(IDType.null.name == "ID_NULL")
        #expect(AuthMethod(rawValue: 13).name == "NULL Authentication")
        #expect(CertEncoding(rawValue: 12).name == "Hash and URL of X.509 certificate")
        #expect(TSType.securityLabel.name == "TS_SECLABEL")
        #expect(CPType.reply.name == "CFG_REPLY")
        #expect(ConfigAttributeType(rawValue: 25).name == "INTERNAL_DNS_DOMAIN")
        #expect(ExchangeType.ikeIntermediate.name == "IKE_INTERMEDIATE")
        // Notify: every value of the IANA notify registry is named; holes and private use are not.
        #expect(NotifyType.names.count == 88)
        #expect((1...49).filter { NotifyType(rawValue: UInt16($0)).name != nil }.count == 25)
        #expect((16384...16446).allSatisfy { NotifyType(rawValue: UInt16($0)).name != nil })
        #expect(NotifyType(rawValue: 16447).name == nil && NotifyType(rawValue: 40961).name == nil)
        #expect(NotifyType.ikev2MessageIDSync.name == "IKEV2_MESSAGE_ID_SYNC")
        #expect(NotifyType.ipsecReplayCounterSyncSupported.name == "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED")
        #expect(NotifyType.useAssignedHoA.rawValue == 42 && NotifyType.tsMaxQueue.rawValue == 48)
        #expect(NotifyType.redirectedFrom.rawValue == 16408)
        #expect(NotifyType(rawValue: 9000).description == "Unknown error 9000")
    }
}
