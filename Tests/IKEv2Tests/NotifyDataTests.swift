import Testing
import IKEv2
import IKEv2Mutation
import TestSupport

/// Byte examples of each RFC 6311 §6 notify, constructed from its layout (the codec's typed
/// notify data, `NotifyDecoder`).
@Suite struct ConstructedExampleTests {
    @Test func supportedNotifies() throws {
        #expect(try decodeNotifyPayloadBytes([0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x40, 0x24]) == .messageIDSyncSupported)
        // (b) has Next Payload 33 (SA): decode the payload alone, the chain continues elsewhere.
        let b: [UInt8] = [0x21, 0x00, 0x00, 0x08, 0x00, 0x00, 0x40, 0x25]
        let view = try NotifyView(body: Array(b[4...]).span.bytes, baseOffset: 4)
        #expect(try NotifyDecoder().decode(view) == .replayCounterSyncSupported)
    }

    @Test func syncRequestAndResponse() throws {
        let c: [UInt8] = [0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x40, 0x26, 0xA1, 0xB2, 0xC3, 0xD4,
                          0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x0C]
        let d: [UInt8] = [0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x40, 0x26, 0xA1, 0xB2, 0xC3, 0xD4,
                          0x00, 0x00, 0x00, 0x0E, 0x00, 0x00, 0x00, 0x0A]
        let req = try decodeNotifyPayloadBytes(c)
        #expect(req == .messageIDSync(MessageIDSyncData(nonce: 0xA1B2C3D4, expectedSend: 10, expectedRecv: 12)))
        #expect(try decodeNotifyPayloadBytes(d) == .messageIDSync(MessageIDSyncData(nonce: 0xA1B2C3D4, expectedSend: 14, expectedRecv: 10)))
        #expect(req.fields == [NotifyField("nonce", .number(0xA1B2_C3D4)),
                               NotifyField("expected_send_req_message_id", .number(10)),
                               NotifyField("expected_recv_req_message_id", .number(12))])
        // Encoding reproduces the bytes (payload = generic header + body).
        let (_, bytes) = try serializeChain([.notify(.messageIDSync(nonce: 0xA1B2C3D4, expectedSend: 10, expectedRecv: 12))])
        #expect(bytes == c)
        // The example's computation by the sync procedure: SyncProcedureTests.constructedExample.
    }

    @Test func replayCounterDeltas() throws {
        let e: [UInt8] = [0x00, 0x00, 0x00, 0x0C, 0x00, 0x00, 0x40, 0x27, 0x00, 0x01, 0x00, 0x00]
        let f: [UInt8] = [0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x40, 0x27, 0, 0, 0, 0, 0x00, 0x01, 0x00, 0x00]
        #expect(try decodeNotifyPayloadBytes(e) == .replayCounterSync(ReplayCounterDelta(delta: 65536, extendedSequenceNumbers: false)))
        #expect(try decodeNotifyPayloadBytes(f) == .replayCounterSync(ReplayCounterDelta(delta: 65536, extendedSequenceNumbers: true)))
        #expect(try decodeNotifyPayloadBytes(f).fields == [NotifyField("delta", .number(65536))])
        #expect(try serializeChain([.notify(try .replayCounterSync(delta: 65536, extendedSequenceNumbers: true))]).bytes == f)
        #expect(throws: IKEError.self) { try NotifyPayload.replayCounterSync(delta: 1 << 32, extendedSequenceNumbers: false) }
    }

    /// (g): the case-1 request header, with (c) as the first inner payload.
    @Test func caseOneHeader() throws {
        let header: [UInt8] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x00,
                               0x2E, 0x20, 0x25, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x60]
        let h = try IKEHeader(parsing: header.span.bytes)
        #expect(h.exchangeType == .informational)
        #expect(h.messageID == 0)
        #expect(!h.isResponse && !h.isInitiator)
        #expect(h.length == 96)
    }
}

@Suite struct StrictRejectionTests {
    func expectCode(_ bytes: [UInt8], _ code: IKEError.Code, offset: Int, decoder: NotifyDecoder = NotifyDecoder(),
                    sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let d = try decodeNotifyPayloadBytes(bytes, decoder: decoder)
            Issue.record("decoded \(d), expected \(code)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, sourceLocation: sourceLocation)
            #expect(error.offset == offset, sourceLocation: sourceLocation)
        }
    }

    @Test func haTypesRequireProtocolZeroSPIZeroAndExactLength() {
        // Protocol ID 1 on 16420 / 16422 / 16423 / reset.
        expectCode([0, 0, 0, 8, 0x01, 0, 0x40, 0x24], .notifyProtocolID, offset: 4)
        expectCode([0, 0, 0, 20, 0x01, 0, 0x40, 0x26] + [UInt8](repeating: 0, count: 12), .notifyProtocolID, offset: 4)
        expectCode([0, 0, 0, 12, 0x03, 0, 0x40, 0x27, 0, 0, 0, 1], .notifyProtocolID, offset: 4)
        expectCode([0, 0, 0, 20, 0x02, 0, 0xC0, 0xDE] + [UInt8](repeating: 0, count: 12), .notifyProtocolID, offset: 4)
        // SPI Size 4.
        expectCode([0, 0, 0, 12, 0, 4, 0x40, 0x25, 1, 2, 3, 4], .notifySPISize, offset: 5)
        expectCode([0, 0, 0, 24, 0, 4, 0x40, 0x26, 1, 2, 3, 4] + [UInt8](repeating: 0, count: 12), .notifySPISize, offset: 5)
        // Data length.
        expectCode([0, 0, 0, 9, 0, 0, 0x40, 0x24, 0], .notifyDataLength, offset: 8)
        expectCode([0, 0, 0, 9, 0, 0, 0x40, 0x25, 0], .notifyDataLength, offset: 8)
        expectCode([0, 0, 0, 19, 0, 0, 0x40, 0x26] + [UInt8](repeating: 0, count: 11), .notifyDataLength, offset: 8)
        expectCode([0, 0, 0, 21, 0, 0, 0x40, 0x26] + [UInt8](repeating: 0, count: 13), .notifyDataLength, offset: 8)
        for n in [0, 1, 2, 3, 5, 6, 7, 9, 12] {
            expectCode([0, 0, 0, UInt8(8 + n), 0, 0, 0x40, 0x27] + [UInt8](repeating: 0, count: n), .notifyDataLength, offset: 8)
        }
        expectCode([0, 0, 0, 16, 0, 0, 0xC0, 0xDE] + [UInt8](repeating: 0, count: 8), .notifyDataLength, offset: 8)
        expectCode([0, 0, 0, 10, 0, 0, 0xC0, 0xDD, 0, 0], .notifyDataLength, offset: 8)
    }

    @Test func errorsNameTheRule() {
        do {
            _ = try decodeNotifyPayloadBytes([0, 0, 0, 19, 0, 0, 0x40, 0x26] + [UInt8](repeating: 0, count: 11))
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("RFC 6311 §6.3"))
            #expect(error.message.contains("12"))
            #expect(error.path == "N(IKEV2_MESSAGE_ID_SYNC)")
        }
    }

    @Test func otherTypesAreStrictOnLength() {
        expectCode([0, 0, 0, 11, 0, 0, 0x00, 0x11, 0, 0, 0], .notifyDataLength, offset: 8)          // INVALID_KE 3 octets
        expectCode([0, 0, 0, 8, 0, 0, 0x40, 0x06], .notifyDataLength, offset: 8)                     // empty COOKIE
        expectCode([0, 0, 0, 73, 0, 0, 0x40, 0x06] + [UInt8](repeating: 1, count: 65), .notifyDataLength, offset: 8)
        expectCode([0, 0, 0, 27, 1, 0, 0x40, 0x04] + [UInt8](repeating: 1, count: 19), .notifyDataLength, offset: 8)
        expectCode([0, 0, 0, 11, 0, 0, 0x40, 0x01, 0, 0, 1], .notifyDataLength, offset: 8)          // SET_WINDOW_SIZE
        expectCode([0, 0, 0, 11, 0, 0, 0x00, 0x09, 0, 0, 1], .notifyDataLength, offset: 8)          // INVALID_MESSAGE_ID
        expectCode([0, 0, 0, 11, 0, 0, 0x40, 0x2F, 0, 1, 0], .notifyDataLength, offset: 8)          // SIG_HASH odd
        expectCode([0, 0, 0, 9, 0, 0, 0x40, 0x2E, 0], .notifyDataLength, offset: 8)                 // FRAGMENTATION_SUPPORTED
        expectCode([0, 0, 0, 8, 3, 0, 0x40, 0x09], .notifySPISize, offset: 5)                      // REKEY_SA without SPI
        expectCode([0, 0, 0, 12, 1, 4, 0x40, 0x09, 1, 2, 3, 4], .notifyProtocolID, offset: 4)      // REKEY_SA of IKE
        expectCode([0, 0, 0, 13, 0, 0, 0x40, 0x17, 1, 5, 1, 2, 3], .notifyDataLength, offset: 9)   // REDIRECT len past end
        expectCode([0, 0, 0, 13, 0, 0, 0x40, 0x18, 1, 3, 1, 2, 3], .notifyDataValue, offset: 9)    // IPv4 of 3 octets
        expectCode([0, 0, 0, 15, 0, 0, 0x40, 0x18, 1, 4, 1, 2, 3, 4, 9], .notifyDataLength, offset: 14)
    }

    @Test func truncatedNotifyIsACodecError() {
        expectCode([0, 0, 0, 7, 0, 0, 0x40], .truncated, offset: 7)
    }
}

@Suite struct ResetNumberConfigurationTests {
    let resetBytes: [UInt8] = [0, 0, 0, 20, 0, 0, 0xC0, 0xDE, 0xDE, 0xAD, 0xBE, 0xEF, 0, 1, 0, 0, 0, 2, 0, 0]

    @Test func defaultNumbersDecode() throws {
        let d = try decodeNotifyPayloadBytes(resetBytes)
        #expect(d == .messageIDReset(MessageIDSyncData(nonce: 0xDEADBEEF, expectedSend: 65536, expectedRecv: 131072)))
        #expect(d.fields.map(\.key) == ["nonce", "new_send_req_message_id", "new_recv_req_message_id"])
        #expect(try decodeNotifyPayloadBytes([0, 0, 0, 8, 0, 0, 0xC0, 0xDD]) == .messageIDResetSupported)
    }

    @Test func otherNumbersDecodeThoseAndLeaveTheDefaultOpaque() throws {
        let custom = try #require(NotifyDecoder(resetSupportedType: NotifyType(rawValue: 40970),
                                                resetType: NotifyType(rawValue: 40971)))
        var moved = resetBytes
        moved[6] = 0xA0; moved[7] = 0x0B  // 40971
        #expect(try decodeNotifyPayloadBytes(moved, decoder: custom)
                == .messageIDReset(MessageIDSyncData(nonce: 0xDEADBEEF, expectedSend: 65536, expectedRecv: 131072)))
        #expect(try decodeNotifyPayloadBytes(resetBytes, decoder: custom) == .raw(spi: [], data: Array(resetBytes[8...])))
        // ...and the default decoder leaves 40971 opaque.
        #expect(try decodeNotifyPayloadBytes(moved).isRaw)
        #expect(custom.name(of: NotifyType(rawValue: 40971)) == "IKEV2_MESSAGE_ID_RESET")
        // Encoding through the custom decoder uses its numbers.
        let p = try custom.encode(.messageIDResetSupported)
        #expect(p.notifyType.rawValue == 40970)
    }

    @Test func onlyPrivateUseNumbersAreAccepted() {
        #expect(NotifyDecoder(resetSupportedType: NotifyType(rawValue: 16422), resetType: NotifyType(rawValue: 49374)) == nil)
        #expect(NotifyDecoder(resetSupportedType: NotifyType(rawValue: 49374), resetType: NotifyType(rawValue: 49374)) == nil)
    }
}

@Suite struct RoundTripTests {
    static let samples: [NotifyData] = [
        .messageIDSyncSupported, .replayCounterSyncSupported, .messageIDResetSupported,
        .messageIDSync(MessageIDSyncData(nonce: 0, expectedSend: .max, expectedRecv: 1)),
        .messageIDReset(MessageIDSyncData(nonce: 0xFFFF_FFFF, expectedSend: 1 << 16, expectedRecv: (1 << 31) - 1)),
        .replayCounterSync(ReplayCounterDelta(delta: .max, extendedSequenceNumbers: true)),
        .replayCounterSync(ReplayCounterDelta(delta: 0xFFFF_FFFF, extendedSequenceNumbers: false)),
        .unsupportedCriticalPayload(PayloadType(rawValue: 200)), .invalidMessageID(7), .invalidSPI([1, 2, 3, 4]),
        .invalidKEPayload(group: 19), .initialContact, .setWindowSize(10),
        .natDetectionSourceIP([UInt8](repeating: 7, count: 20)), .natDetectionDestinationIP([UInt8](repeating: 8, count: 20)),
        .cookie([1]), .cookie([UInt8](repeating: 9, count: 64)), .useTransportMode,
        .rekeySA(protocolID: .esp, spi: [0xCA, 0xFE, 0xBA, 0xBE]), .redirectSupported,
        .redirect(gateway: .ipv6([UInt8](repeating: 0, count: 15) + [1]), nonce: [1, 2, 3]),
        .redirect(gateway: .fqdn(Array("vpn.example".utf8)), nonce: []),
        .redirectedFrom(.ipv4([192, 0, 2, 1])), .redirectedFrom(.other(type: 9, identity: [])),
        .fragmentationSupported, .signatureHashAlgorithms([1, 2, 3, 4]), .signatureHashAlgorithms([]),
    ]

    @Test(arguments: samples) func encodeThenDecode(_ value: NotifyData) throws {
        let d = NotifyDecoder()
        let payload = try d.encode(value)
        #expect(try d.decode(payload) == value)
        // Through the wire as well: a view over the serialized payload.
        let (_, bytes) = try serializeChain([.notify(payload)])
        #expect(try decodeNotifyPayloadBytes(bytes) == value)
    }

    @Test func rawStaysRaw() throws {
        var p = try NotifyDecoder().encode(.raw(spi: [], data: [1, 2, 3]))
        p.notifyType = NotifyType(rawValue: 16403)  // AUTH_LIFETIME: not typed here
        #expect(try NotifyDecoder().decode(p) == .raw(spi: [], data: [1, 2, 3]))
        #expect(try NotifyDecoder().decode(p).fields == [NotifyField("data", .hex([1, 2, 3]))])
    }

    @Test func invalidValuesDoNotEncode() {
        let d = NotifyDecoder()
        #expect(throws: IKEError.self) { try d.encode(.cookie([])) }
        #expect(throws: IKEError.self) { try d.encode(.natDetectionSourceIP([1])) }
        #expect(throws: IKEError.self) { try d.encode(.rekeySA(protocolID: .esp, spi: [1])) }
        #expect(throws: IKEError.self) { try d.encode(.redirectedFrom(.fqdn([UInt8](repeating: 0x61, count: 256)))) }
    }

    /// Random 12-octet sync/reset values survive encode → bytes → decode (seeded).
    @Test func randomSyncValues() throws {
        var rng = SplitMix64(seed: 6311)
        for _ in 0..<500 {
            let v = MessageIDSyncData(nonce: UInt32(truncatingIfNeeded: rng.next()),
                                      expectedSend: UInt32(truncatingIfNeeded: rng.next()),
                                      expectedRecv: UInt32(truncatingIfNeeded: rng.next()))
            let (_, bytes) = try serializeChain([.notify(.messageIDSync(nonce: v.nonce, expectedSend: v.expectedSend, expectedRecv: v.expectedRecv))])
            #expect(bytes.count == 20)
            #expect(try decodeNotifyPayloadBytes(bytes) == .messageIDSync(v))
        }
    }
}

/// Third-party bytes: scapy's RFC 5685 REDIRECT capture (corpus `scapy/ikev2_notify_redirect.pcap`).
@Suite struct CorpusNotifyTests {
    @Test func redirectCapture() throws {
        let messages = try Fixtures.ikeMessages(inCapture: "scapy/ikev2_notify_redirect.pcap")
        #expect(messages.count == 4)
        let d = NotifyDecoder()
        let first = try outerNotifies(messages[0]).map { try d.decode($0) }
        #expect(first.contains(.redirectSupported))
        #expect(first.contains(.fragmentationSupported))
        #expect(first.contains(.signatureHashAlgorithms([1, 2, 3, 4])))
        // NAT_DETECTION_* with Protocol ID 1 (ignored on receipt, RFC 7296 §3.10).
        #expect(first.contains(.natDetectionSourceIP(Hex.decode("53120985399e14cf2b79211f375b439bd03031ac") ?? [])))

        let second = try outerNotifies(messages[1]).map { try d.decode($0) }
        guard case .redirect(let gw, let nonce)? = second.first else { Issue.record("no REDIRECT: \(second)"); return }
        #expect(gw == .fqdn(Array("moneybin.duckburg.disney.com".utf8)))
        #expect(gw.text == "moneybin.duckburg.disney.com")
        #expect(nonce.count == 40)
        #expect(second.first?.fields.map(\.key) == ["gateway_identity_type", "gateway_identity", "nonce"])

        let third = try outerNotifies(messages[2]).map { try d.decode($0) }
        #expect(third.contains(.redirectedFrom(.ipv4([10, 5, 2, 52]))))
        #expect(GatewayIdentity.ipv4([10, 5, 2, 52]).text == "10.5.2.52")

        let fourth = try outerNotifies(messages[3]).map { try d.decode($0) }
        #expect(fourth == [.raw(spi: [], data: [])])  // NO_PROPOSAL_CHOSEN has no typed form
    }

    @Test func ipv6Text() {
        #expect(GatewayIdentity.ipv6([0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]).text == "2001:db8::1")
    }
}
