import IKEv2
import Testing
import TestSupport

/// The README's library example (also the first one of
/// Sources/IKEv2/Documentation.docc/ParsingAndWalking.md), kept compiling and true.
@Suite struct ReadmeExampleTests {
    @Test func readmeExample() throws {
        let bytes = try Fixtures.bytes("android-ike/IkeSessionPskTest__SUCCESS_IKE_INIT_RESP.bin")
        var seen: [String] = []
        // --- README example begins ---
        let message = try IKEMessageView(parsing: bytes.span.bytes)   // a view: nothing copied
        print(message.header.exchangeType, message.header.messageID)  // IKE_SA_INIT 0
        var payloads = message.payloads                             // lazy, allocation-free walk
        while let p = try payloads.next() {
            if p.type == .notify {
                let n = try p.notify()
                print(n.notifyType, try NotifyDecoder().decode(n))  // typed data, strict checks
            }
            seen.append(p.type.notation)
        }
        let owned = try IKEMessage(message)                          // an owned copy, on request
        let same = try owned.serialize(.exact) == bytes              // byte-identical round trip
        // --- README example ends ---
        #expect(same)
        #expect(seen.first == "SA")
        #expect(seen.contains("N"))
    }
}
