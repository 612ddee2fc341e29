import IKEv2
import Testing
import TestSupport

/// The code of the IKEv2 DocC articles (Sources/IKEv2/Documentation.docc), kept compiling and true.
@Suite struct ArticleExampleTests {
    /// ParsingAndWalking.md, "Sub-structures".
    @Test func walkingProposals() throws {
        let bytes = try Fixtures.bytes("android-ike/IkeSessionPskTest__SUCCESS_IKE_INIT_RESP.bin")
        let message = try IKEMessageView(parsing: bytes.span.bytes)
        var counts: [Int] = []
        // --- article example begins ---
        var it = message.payloads
        while let p = try it.next() {
            guard p.type == .securityAssociation else { continue }
            var proposals = try p.securityAssociation().proposals
            while let proposal = try proposals.next() {
                var transforms = proposal.transforms
                var count = 0
                while try transforms.next() != nil { count += 1 }
                print("proposal with \(count) transforms")
                counts.append(count)
            }
        }
        // --- article example ends ---
        #expect(!counts.isEmpty && counts.allSatisfy { $0 > 0 })
    }

    /// BuildingAndSerializing.md: a message built and serialized, then the notify data example.
    @Test func buildingAndNotifyData() throws {
        // --- article example begins ---
        var header = IKEHeader(initiatorSPI: 0x0102_0304_0506_0708, responderSPI: 0x1112_1314_1516_1718,
                               exchangeType: .informational, messageID: 7)
        header.isInitiator = true
        let message = IKEMessage(header: header, payloads: [
            .notify(.messageIDSyncSupported()),
            IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: [UInt8](repeating: 0xab, count: 16)))),
        ])
        let bytes = try message.serialize(.built)                     // Next Payload and Length computed
        let back = try IKEMessage(parsing: bytes)
        print(back.header.length, back.payloads.map(\.type))          // 56 [N, Nonce]
        // --- article example ends ---
        #expect(back.header.length == 56 && bytes.count == 56)
        #expect(back.payloads.map(\.type) == [.notify, .nonce])
        #expect("\(back.payloads.map(\.type))" == "[N, Nonce]")

        // --- article example begins ---
        let sync = NotifyPayload.messageIDSync(nonce: 0xa1b2_c3d4, expectedSend: 10, expectedRecv: 12)
        let decoded = try NotifyDecoder().decode(sync)               // .messageIDSync(...)
        let again = try NotifyDecoder().encode(decoded)              // the same payload
        for field in decoded.fields { print(field.key, field.value) } // nonce, expected_send_req_message_id, ...
        // --- article example ends ---
        #expect(again == sync)
        #expect(decoded.fields.map(\.key) == ["nonce", "expected_send_req_message_id", "expected_recv_req_message_id"])
    }
}
