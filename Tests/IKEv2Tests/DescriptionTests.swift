import IKEv2
import Testing

/// Printable forms a library user sees with `print` (issue 17): nonces in hex, Ni/Nr, notify types.
@Suite struct DescriptionTests {
    @Test func syncNonceIsHex() throws {
        let d = MessageIDSyncData(nonce: 0x00a1_b2c3, expectedSend: 10, expectedRecv: 12)
        #expect(d.description == "nonce=0x00a1b2c3 expected_send=10 expected_recv=12")
        #expect(NotifyData.messageIDSync(d).description == "IKEV2_MESSAGE_ID_SYNC nonce=0x00a1b2c3 expected_send=10 expected_recv=12")
        #expect(NotifyData.messageIDReset(d).description == "IKEV2_MESSAGE_ID_RESET nonce=0x00a1b2c3 new_send=10 new_recv=12")
        #expect(NotifyData.setWindowSize(4).description == "SET_WINDOW_SIZE window_size=4")
        #expect(NotifyData.initialContact.description == "INITIAL_CONTACT")
        // Enum printing uses the description too (what `print(try decoder.decode(n))` shows).
        #expect("\(NotifyData.messageIDSync(d))".contains("0x00a1b2c3"))
    }

    @Test func payloadNotationKeepsNiNrAndNotifyType() throws {
        #expect(PayloadType.nonce.notation(isInitiator: true) == "Ni")
        #expect(PayloadType.nonce.notation(isInitiator: false) == "Nr")
        #expect(PayloadType.securityAssociation.notation(isInitiator: true) == "SA")
        let n = IKEPayload.notify(.messageIDSync(nonce: 1, expectedSend: 2, expectedRecv: 3))
        #expect(n.description == "N(IKEV2_MESSAGE_ID_SYNC)")
        let nonce = IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: [1, 2, 3, 4])))
        #expect(nonce.summary(isInitiator: false) == "Nr")
        var critical = nonce
        critical.flagsOctet = 0x80
        #expect(critical.summary(isInitiator: true) == "Ni[C]")
    }

    @Test func messageSummariesFromViewsAndOwnedValues() throws {
        var h = IKEHeader(initiatorSPI: 1, responderSPI: 2, exchangeType: .informational, messageID: 0)
        h.isInitiator = false
        let message = IKEMessage(header: h, payloads: [
            IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: [1, 2, 3, 4]))),
            .notify(.messageIDSync(nonce: 0xdead_beef, expectedSend: 5, expectedRecv: 7)),
        ])
        let bytes = try message.serialize()
        let view = try IKEMessageView(parsing: bytes.span.bytes)
        let expected = "INFORMATIONAL[R] request mid=0: Nr N(IKEV2_MESSAGE_ID_SYNC)"
        #expect(view.summary == expected)
        #expect(message.description == expected)
        var it = view.payloads
        var parts: [String] = []
        while let p = try it.next() { parts.append(p.summary(isInitiator: view.header.isInitiator)) }
        #expect(parts == ["Nr", "N(IKEV2_MESSAGE_ID_SYNC)"])
        // A malformed chain lists what came before the error.
        var cut = bytes
        cut[cut.count - 18] = 0xff  // the Notify (20 octets) Payload Length high octet: runs past the end
        let bad = try IKEMessageView(parsing: cut.span.bytes)
        #expect(bad.summary.hasPrefix("INFORMATIONAL[R] request mid=0: Nr [error: "))
    }
}
