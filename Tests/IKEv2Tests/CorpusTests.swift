import Foundation
import Testing
@testable import IKEv2
import TestSupport

/// Third-party raw IKE messages (android-ike, rusticata, openiked): parse, validate, round trip,
/// and agree with the expectations shipped with the corpus.
@Suite struct CorpusTests {
    @Test func corpusHasTheExpectedFiles() throws {
        #expect(try Fixtures.rawMessages().count == 41)
        #expect(try Fixtures.ikeMessages().count == 40)
    }

    @Test func everyMessageParsesValidatesAndRoundTrips() throws {
        for (name, bytes) in try Fixtures.ikeMessages() {
            let view = try IKEMessageView(parsing: bytes.span.bytes)
            #expect(Int(view.header.length) == bytes.count, "\(name)")
            #expect(view.header.majorVersion == 2, "\(name)")
            #expect(caught { () throws(IKEError) in try view.validate() } == nil, "\(name)")
            let owned = try IKEMessage(view)
            #expect(try owned.serialize(.exact) == bytes, "\(name)")
            #expect(try owned.serialize(.built) == bytes, "\(name)")
            #expect(try IKEMessage(parsing: bytes) == owned, "\(name)")
        }
    }

    /// tshark 4.0.17's view of each raw message: exchange type, message ID, flags, payload type
    /// counts (with proposals as 2 and transforms as 3) and cleartext notify types.
    @Test func everyMessageMatchesTsharkSummary() throws {
        let summary = try Fixtures.tsharkRawSummary()
        var compared = 0
        for (name, bytes) in try Fixtures.ikeMessages() {
            let entry = try #require(summary[name], "\(name) missing from tshark summary")
            let view = try IKEMessageView(parsing: bytes.span.bytes)
            let s = try summarize(view)
            let rows = try #require(entry["rows"] as? [[String: String]])
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row["isakmp.exchangetype"] == String(view.header.exchangeType.rawValue), "\(name)")
            #expect(row["isakmp.messageid"] == String(format: "0x%08x", view.header.messageID), "\(name)")
            #expect(row["isakmp.flags"] == String(format: "0x%02x", view.header.flags), "\(name)")
            #expect(entry["payload_types"] as? [String: Int] == s.tsharkCounts, "\(name)")
            #expect(entry["notify_types"] as? [String: Int] == s.notifyCounts, "\(name)")
            compared += 1
        }
        #expect(compared == 40)
    }

    @Test func androidMessagesMatchIndex() throws {
        let index = try #require(try Fixtures.json("android-ike/INDEX.json") as? [String: Any])
        let messages = try #require(index["messages"] as? [[String: Any]])
        #expect(messages.count == 35)
        for m in messages {
            let file = try #require(m["file"] as? String)
            let bytes = try Fixtures.bytes("android-ike/" + file)
            let h = try IKEMessageView(parsing: bytes.span.bytes).header
            #expect(Int(h.length) == m["len"] as? Int, "\(file)")
            #expect(Int(h.exchangeType.rawValue) == m["exch_type"] as? Int, "\(file)")
            #expect(Int(h.flags) == m["flags"] as? Int, "\(file)")
            #expect(Int(h.messageID) == m["msgid"] as? Int, "\(file)")
            #expect(Int(h.nextPayload.rawValue) == m["first_payload"] as? Int, "\(file)")
            #expect(h.exchangeType.name == m["exchange"] as? String, "\(file)")
        }
    }

    // MARK: rusticata/ipsec-parser expectations (MANIFEST.md)

    @Test func rusticataInitRequest() throws {
        let bytes = try Fixtures.bytes("rusticata-ipsec-parser/ike-sa-init-req.bin")
        let view = try IKEMessageView(parsing: bytes.span.bytes)
        #expect(view.header.initiatorSPI == 0x54c1_8496_1bc3_fd77)
        #expect(view.header.flags == 0x08)
        #expect(view.header.length == 256)
        #expect(try summarize(view).payloadTypes == [33, 34, 40])
    }

    @Test func rusticataInitResponse() throws {
        let bytes = try Fixtures.bytes("rusticata-ipsec-parser/ike-sa-init-resp.bin")
        let msg = try IKEMessage(parsing: bytes)
        #expect(msg.payloads.count == 5)
        #expect(msg.payloads.contains { $0.type == .certificateRequest })
        let notifies = msg.payloads.compactMap { p -> NotifyType? in
            if case .notify(let n) = p.body { return n.notifyType } else { return nil }
        }
        #expect(notifies == [NotifyType(rawValue: 16392)])
        #expect(notifies.first?.name == "HTTP_CERT_LOOKUP_SUPPORTED")
    }

    @Test func rusticataMarkerMessageHasFourProposals() throws {
        let raw = try Fixtures.bytes(Fixtures.markerPrefixed)
        #expect(Array(raw[0..<4]) == [0, 0, 0, 0])
        // The marker is not IKE: parsed as a header it gives major version 0.
        let e = caught { () throws(IKEError) in _ = try IKEMessageView(parsing: raw.span.bytes) }
        #expect(e?.code == .unsupportedVersion)
        let bytes = Array(raw[4...])
        let view = try IKEMessageView(parsing: bytes.span.bytes)
        #expect(view.header.initiatorSPI == 0xbca1_937a_7c2f_f5b9)
        #expect(view.header.length == 300)
        let s = try summarize(view)
        #expect(s.proposals == 4)
        #expect(s.transformsPerProposal == [3, 3, 4, 4])
        let msg = try IKEMessage(view)
        guard case .securityAssociation(let sa) = msg.payloads.first?.body else {
            Issue.record("first payload is not SA"); return
        }
        #expect(sa.proposals.map(\.number) == [1, 2, 3, 4])
        #expect(sa.proposals.allSatisfy { $0.protocolID == .ike && $0.spi.isEmpty })
        #expect(sa.proposals[0].first(.encryption)?.keyLength == 128)
    }

    @Test func rusticataInitRequestGroup30() throws {
        let bytes = try Fixtures.bytes("rusticata-ipsec-parser/src_ikev2_parser_IKEV2_INIT_REQ.bin")
        let msg = try IKEMessage(parsing: bytes)
        #expect(msg.header.initiatorSPI == 0x01f8_c3d4_bb77_3f2f)
        #expect(msg.header.length == 328)
        var groups: [UInt16] = []
        for p in msg.payloads {
            if case .keyExchange(let ke) = p.body { groups.append(ke.group) }
            if case .securityAssociation(let sa) = p.body {
                #expect(sa.proposals.first?.first(.keyExchange)?.id == 30)
            }
        }
        #expect(groups == [30])
        #expect(KeyExchangeMethod(rawValue: 30).name == "brainpoolP512r1")
    }

    @Test func rusticataBareSAPayload() throws {
        let bytes = try Fixtures.bytes(Fixtures.bareSAPayload)
        #expect(bytes.count == 40)
        #expect(Int(bytes[2]) << 8 | Int(bytes[3]) == 40)
        let span = bytes.span.bytes
        let sa = try SAView(body: span.extracting(4..<40), baseOffset: 4)
        try sa.validate()
        var props = sa.proposals
        guard let p = try props.next() else { Issue.record("missing p"); return }
        #expect(p.number == 1)
        #expect(p.protocolID == .ike)
        #expect(p.declaredTransformCount == 3)
        var ts = p.transforms
        guard let t1 = try ts.next() else { Issue.record("missing t1"); return }
        #expect(t1.type == .encryption && t1.id == 20 && t1.keyLength == 128)
        #expect(t1.idName == "ENCR_AES_GCM_16")
        var attrs = t1.attributes
        guard let a = try attrs.next() else { Issue.record("missing a"); return }
        #expect(a.isTV && a.type == .keyLength && a.tvValue == 128 && a.offset == 20)
        #expect(try attrs.next() == nil)
        guard let t2 = try ts.next() else { Issue.record("missing t2"); return }
        #expect(t2.type == .prf && t2.id == 5 && t2.idName == "PRF_HMAC_SHA2_256")
        guard let t3 = try ts.next() else { Issue.record("missing t3"); return }
        #expect(t3.type == .keyExchange && t3.id == 30 && t3.isLast)
        #expect(try ts.next() == nil)
        #expect(try props.next() == nil)

        let owned = try SAPayload(sa)
        #expect(owned == SAPayload(proposals: [
            Proposal(number: 1, protocolID: .ike, transforms: [
                .encryption(.aesGCM16, keyLength: 128), .prf(.hmacSHA2_256), .keyExchange(.brainpoolP512r1),
            ]),
        ]))
        var w = ByteWriter()
        try owned.writeBody(to: &w)
        #expect(w.bytes == Array(bytes[4...]))
    }

    // MARK: openiked regress/parser building blocks

    static func openikedArrays() throws -> [String: [UInt8]] {
        let root = try #require(try Fixtures.json("openiked/test_parser_fuzz_arrays.json") as? [String: Any])
        let arrays = try #require(root["arrays"] as? [String: String])
        var out: [String: [UInt8]] = [:]
        for (k, v) in arrays { out[k] = try Fixtures.hex(v) }
        return out
    }

    @Test func openikedValidPacketIsTheBinFile() throws {
        let a = try Self.openikedArrays()
        #expect(a["valid_packet"] == (try Fixtures.bytes("openiked/valid_packet_ike_sa_init.bin")))
        let msg = try IKEMessage(parsing: try #require(a["valid_packet"]))
        #expect(msg.header.initiatorSPI == 0xdead_beef_cafe_0001)
        #expect(msg.header.exchangeType == .ikeSAInit)
    }

    @Test func openikedBuildingBlocksParse() throws {
        let a = try Self.openikedArrays()
        // SA with one proposal and no transforms.
        let sa0 = try #require(a["sa_pld"])
        let v0 = try SAView(body: sa0.span.bytes.extracting(4..<sa0.count), baseOffset: 4)
        try v0.validate()
        var p0 = v0.proposals
        #expect(try p0.next()?.declaredTransformCount == 0)
        // SA with 6 transforms: INTEG 12, ENCR 12 (Key Length 192), KE 14, PRF 5, PRF 2, PRF 1.
        let sax = try #require(a["saxform_pld"])
        let sav = try SAView(body: sax.span.bytes.extracting(4..<sax.count), baseOffset: 4)
        let owned = try SAPayload(sav)
        #expect(owned.proposals.count == 1)
        #expect(owned.proposals[0].transforms.count == 6)
        #expect(owned.proposals[0].transforms[1].keyLength == 192)
        #expect(owned.proposals[0].transforms.map(\.type.rawValue) == [3, 1, 4, 2, 2, 2])

        let ts = try #require(a["ts_pld"])
        let tsv = try TrafficSelectorsView(body: ts.span.bytes.extracting(4..<ts.count), baseOffset: 4)
        var sel = tsv.selectors
        guard let s = try sel.next() else { Issue.record("missing s"); return }
        #expect(s.type == .ipv4AddrRange && s.startPort == 0 && s.endPort == 0xffff)
        #expect(s.startAddress.copyBytes() == [172, 40, 125, 0])
        #expect(s.endAddress.copyBytes() == [172, 40, 125, 255])
        #expect(try sel.next() == nil)

        // CP: five chained payloads (REQUEST, REPLY, SET, REPLY with 4 attributes, ACK).
        let cps = splitPayloads(try #require(a["cp_pld"]))
        #expect(cps.count == 5)
        var types: [UInt8] = []
        var attrCounts: [Int] = []
        for p in cps {
            let v = try ConfigurationView(body: p.span.bytes.extracting(4..<p.count), baseOffset: 4)
            let o = try ConfigurationPayload(v)
            types.append(o.cfgType.rawValue)
            attrCounts.append(o.attributes.count)
            var w = ByteWriter()
            try o.writeBody(to: &w)
            #expect(w.bytes == Array(p[4...]))
        }
        #expect(types == [1, 2, 3, 2, 4])
        #expect(attrCounts == [1, 1, 0, 4, 0])

        // EAP: the second block's EAP Length (5) disagrees with its 8-byte body: strict reject.
        let eaps = splitPayloads(try #require(a["eap_pld"]))
        #expect(eaps.count == 4)
        let eapErrors = eaps.map { p in
            caught { () throws(IKEError) in _ = try EAPView(body: p.span.bytes.extracting(4..<p.count), baseOffset: 4) }
        }
        #expect(eapErrors.map { $0?.code } == [nil, .trailingBytes, nil, nil])
        #expect(eapErrors[1]?.offset == 6)
    }

    /// All blocks chained into one IKE_SA_INIT-shaped message (behind openiked's cookies and
    /// generic header), ending with SK: parses, validates and round-trips.
    @Test func openikedBlocksAssembleIntoValidMessage() throws {
        let a = try Self.openikedArrays()
        let header = try IKEHeader(parsing: (try #require(a["cookies"]) + (try #require(a["genhdr"]))).span.bytes)
        var parts: [(PayloadType, [UInt8])] = []
        func add(_ key: String, _ type: PayloadType) throws {
            for p in splitPayloads(try #require(a[key])) { parts.append((type, p)) }
        }
        try add("saxform_pld", .securityAssociation)
        try add("ke_pld", .keyExchange)
        try add("nonce_pld", .nonce)
        try add("notify_pld", .notify)
        try add("id_pld", .identificationInitiator)
        try add("cert_pld", .certificate)
        try add("certreq_pld", .certificateRequest)
        try add("auth_pld", .authentication)
        try add("delete_pld", .delete)
        try add("vendor_pld", .vendorID)
        try add("ts_pld", .trafficSelectorInitiator)
        try add("cp_pld", .configuration)
        try add("sk_pld", .encrypted)
        #expect(parts.count == 19)
        let bytes = assemble(header: header, payloads: parts)
        #expect(fullParseError(bytes) == nil)
        let msg = try IKEMessage(parsing: bytes)
        #expect(msg.payloads.map(\.type) == parts.map(\.0))
        #expect(try msg.serialize(.exact) == bytes)
        #expect(try msg.serialize(.built) == bytes)
    }
}
