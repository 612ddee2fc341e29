import IKEv2
import IKEv2Capture
import IKEv2Crypto
import Testing
import TestSupport

/// The code of Sources/IKEv2Crypto/Documentation.docc/Decrypting.md, kept compiling and true.
@Suite struct ArticleExampleTests {
    @Test func decryptingAndEncrypting() throws {
        var seen: [String] = []
        // --- article example begins ---
        let keys = try IKEKeyTable(contentsOfFile: Fixtures.sample("rfc6311-sync.keys"))  // Wireshark or tcpdump form
        try CaptureReader(path: Fixtures.sample("rfc6311-sync.pcap")).forEach { event in
            guard case .ike = event.kind, let message = try? IKEMessageView(parsing: event.bytes) else { return }
            let result = IKEDecryptor.decrypt(message: message, table: keys)   // findings, never a throw
            var inner = result.innerPayloads              // the decrypted chain, from offset 0 of plaintext
            while let p = try inner.next() {
                guard p.type == .notify else { continue }
                if case .messageIDSync(let sync) = try NotifyDecoder().decode(try p.notify()) {
                    print(event.meta.frameNumber, sync)   // 29 nonce=0x8bda80de expected_send=11 expected_recv=4
                    seen.append("\(event.meta.frameNumber) \(sync)")
                }
            }
        }
        // --- article example ends ---
        #expect(seen.first == "29 nonce=0x8bda80de expected_send=11 expected_recv=4")

        // --- article example begins ---
        guard let sa = keys.entries.first else { return }              // one SA's IKESAKeys
        var header = IKEHeader(initiatorSPI: sa.initiatorSPI, responderSPI: sa.responderSPI,
                               exchangeType: .informational, messageID: 0)
        header.isInitiator = false
        let sync = NotifyPayload.messageIDSync(nonce: 0xa1b2_c3d4, expectedSend: 10, expectedRecv: 12)
        let bytes = try IKEEncryptor.encrypt(header: header, innerPayloads: [.notify(sync)], keys: sa)
        // --- article example ends ---
        let result = IKEDecryptor.decrypt(message: try IKEMessageView(parsing: bytes.span.bytes), table: keys)
        #expect(result.isClean)
        #expect(result.innerSummary == "N(IKEV2_MESSAGE_ID_SYNC)")
    }
}
