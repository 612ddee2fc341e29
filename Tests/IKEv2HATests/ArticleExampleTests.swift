import IKEv2
import IKEv2HA
import Testing

/// The code of Sources/IKEv2HA/Documentation.docc/SyncVsReset.md, kept compiling and true.
@Suite struct ArticleExampleTests {
    @Test func syncProcedures() throws {
        var next: UInt32?
        // --- article example begins ---
        // Member side (newly active). Replicated: highest own request 4, highest received 11.
        var member = MessageIDSyncRequester(replicated: try MessageIDCounters(highestSent: 4, highestReceived: 11))
        let request = try member.makeRequest(margin: 5, nonce: 0xa1b2_c3d4)   // M1 = 10, P1 = 12
        let notify = NotifyPayload.messageIDSync(nonce: request.nonce, expectedSend: request.expectedSend,
                                                 expectedRecv: request.expectedRecv)  // goes inside SK

        // Peer side: its next request is 14, it expects 7.
        var peer = MessageIDSyncResponder(counters: MessageIDCounters(nextSend: 14, nextExpected: 7))
        if case .respond(let answer, _) = peer.handleRequest(request) {   // P2 = 14, M2 = 10
            if case .accepted(let counters) = member.handleResponse(answer) {
                print(counters.nextSend)                                      // 10: the member's next request
                next = counters.nextSend
            }
        }
        // --- article example ends ---
        #expect(request == MessageIDSyncData(nonce: 0xa1b2_c3d4, expectedSend: 10, expectedRecv: 12))
        #expect(try NotifyDecoder().decode(notify) == .messageIDSync(request))
        #expect(next == 10)
    }
}
