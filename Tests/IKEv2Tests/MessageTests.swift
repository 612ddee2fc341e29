import Testing
@testable import IKEv2
import TestSupport

@Suite struct MessageTests {
    @Test func androidInitResponseParsesAndRoundTrips() throws {
        let bytes = try Fixtures.bytes("android-ike/IkeSessionPskTest__SUCCESS_IKE_INIT_RESP.bin")
        let view = try IKEMessageView(parsing: bytes.span.bytes)
        #expect(view.header.exchangeType == .ikeSAInit)
        #expect(view.header.isResponse)
        var types: [PayloadType] = []
        var it = view.payloads
        while let p = try it.next() { types.append(p.type) }
        #expect(types.first == .securityAssociation)
        try view.validate()
        let owned = try IKEMessage(view)
        #expect(try owned.serialize(.exact) == bytes)
        #expect(try owned.serialize(.built) == bytes)
    }
}
