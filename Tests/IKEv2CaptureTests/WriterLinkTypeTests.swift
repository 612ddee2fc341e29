import Foundation
import IKEv2
@testable import IKEv2Capture
import Testing

/// Writes the same five frames (IKE on 500, IKE on 4500 with marker, ESP-in-UDP, keepalive,
/// an unrelated UDP packet) for a link type and address family, reads them back.
func writeStandardFrames(_ path: String, linkType: LinkType, v6: Bool, vlans: [UInt16] = []) throws -> FrameSpec {
    let w = try CaptureWriter(path: path, linkType: linkType)
    var spec = FrameSpec()
    spec.vlans = vlans
    spec.ttl = 61
    spec.ipID = 0x1234
    if v6 {
        spec.source = try #require(IPAddress("2001:db8::1"))
        spec.destination = try #require(IPAddress("2001:db8:0:0:1::2"))
    }
    try w.writeIKE(ikeMessage(mid: 0, exchange: 34), spec: spec, timestampNanoseconds: 1_700_000_000_123_456_789)
    var natt = spec
    natt.sourcePort = 4500
    natt.destinationPort = 4500
    try w.writeIKE(ikeMessage(mid: 1, exchange: 35), spec: natt, transport: .udpNATT, timestampNanoseconds: 1_700_000_001_000_000_000)
    try w.writeESPInUDP(spi: 0xc0ffee01, sequence: 7, body: Array(repeating: 0xab, count: 40), spec: natt, timestampNanoseconds: 1_700_000_002_000_000_000)
    try w.writeNATKeepalive(spec: natt, timestampNanoseconds: 1_700_000_003_000_000_000)
    var dns = spec
    dns.sourcePort = 40000
    dns.destinationPort = 40001
    try w.writeUDP([1, 2, 3, 4], spec: dns, timestampNanoseconds: 1_700_000_004_000_000_000)
    try w.commit()
    return spec
}

func checkStandardFrames(_ path: String, spec: FrameSpec, ethernet: Bool, tshark: Bool = true) throws {
    var opts = CaptureOptions()
    opts.reportIgnored = true
    let (ev, stats) = try readAll(path, options: opts)
    try #require(ev.count == 5)
    #expect(stats.framesRead == 5)
    #expect(stats.ikeMessages == 2 && stats.espPackets == 1 && stats.natKeepalives == 1)
    #expect(ev[0].kind == .ike && ev[0].meta.transport == .udp)
    #expect(try parsedHeader(ev[0].bytes).messageID == 0)
    #expect(ev[1].kind == .ike && ev[1].meta.transport == .udpNATT)
    let h1 = try parsedHeader(ev[1].bytes)
    #expect(h1.messageID == 1 && h1.exchangeType.rawValue == 35)
    #expect(ev[2].kind == .esp(spi: 0xc0ffee01, sequence: 7))
    #expect(ev[3].kind == .natKeepalive && ev[3].bytes == [0xff])
    #expect(ev[4].kind == .ignored(.otherTraffic))
    let m = ev[0].meta
    #expect(m.frameNumber == 1 && ev[4].meta.frameNumber == 5)
    #expect(m.timestampNanoseconds == 1_700_000_000_123_456_789)
    #expect(m.source == spec.source && m.destination == spec.destination)
    #expect(m.sourcePort == 500 && m.destinationPort == 500)
    #expect(m.ttl == 61)
    #expect(m.ipVersion == (spec.source.isIPv6 ? 6 : 4))
    if !spec.source.isIPv6 { #expect(m.ipID == 0x1234) }
    if ethernet {
        #expect(m.sourceMAC == spec.sourceMAC && m.destinationMAC == spec.destinationMAC)
        #expect(m.outerVLAN == (spec.vlans.first ?? 0))
        #expect(m.innerVLAN == (spec.vlans.count > 1 ? spec.vlans[1] : 0))
    }
    #expect(!m.isReassembled && !m.isTruncated)
    if tshark, Tshark.path != nil {
        let (isakmp, problems) = try Tshark.check(path)
        #expect(isakmp == [1, 2], "tshark ISAKMP frames in \(path)")
        #expect(problems.isEmpty, "tshark problems: \(problems)")
    }
}

func parsedHeader(_ b: [UInt8]) throws -> IKEHeader {
    let s = b.span
    return try IKEMessageView(parsing: s.bytes).header
}

let linkTypeCases: [(Int32, Bool)] = [
    (1, false), (1, true), (0, false), (0, true), (108, false), (108, true), (101, false), (101, true),
    (228, false), (229, true), (113, false), (113, true), (276, false), (276, true),
]

@Suite struct WriterLinkTypeTests {
    @Test(arguments: 0..<14)
    func linkTypeRoundTrip(_ i: Int) throws {
        let (lt, v6) = linkTypeCases[i]
        let dir = try tempDir()
        let path = dir + "/lt\(lt)-\(v6).pcap"
        let spec = try writeStandardFrames(path, linkType: LinkType(rawValue: lt), v6: v6)
        let r = try CaptureReader(path: path)
        #expect(r.linkType == LinkType(rawValue: lt))
        try checkStandardFrames(path, spec: spec, ethernet: lt == 1)
        if lt == 113 || lt == 276 {
            let (ev, _) = try readAll(path)
            #expect(ev[0].meta.sourceMAC == spec.sourceMAC)
        }
    }

    @Test(arguments: [[100], [100, 200], [7, 8, 9]])
    func vlanTags(_ vlans: [UInt16]) throws {
        let path = try tempDir() + "/vlan.pcap"
        let spec = try writeStandardFrames(path, linkType: .ethernet, v6: false, vlans: vlans)
        try checkStandardFrames(path, spec: spec, ethernet: true)
    }

    /// A file that literally stores 12 or 14 (DLT_RAW on some systems), patched after writing,
    /// and NULL written by a big-endian host (AF 2 as 00 00 00 02).
    @Test(arguments: [Int32(12), 14])
    func literalRawLinkTypes(_ lt: Int32) throws {
        let dir = try tempDir()
        let path = dir + "/raw.pcap"
        let spec = try writeStandardFrames(path, linkType: .raw, v6: false)
        var d = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        d[20] = UInt8(lt)
        d[21] = 0
        let patched = dir + "/raw\(lt).pcap"
        try Data(d).write(to: URL(fileURLWithPath: patched))
        try checkStandardFrames(patched, spec: spec, ethernet: false, tshark: false)
    }

    @Test func nullWithOtherByteOrderAndAllIPv6Families() throws {
        let dir = try tempDir()
        let path = dir + "/null.pcap"
        let spec = try writeStandardFrames(path, linkType: .null, v6: true)
        for af: UInt8 in [24, 28, 30] {
            let (_, recs) = try rawRecords(path)
            var d = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            // Rewrite each record's AF as big-endian `af` (a big-endian writer's host order).
            var off = 24
            for (_, data) in recs {
                d.replaceSubrange(off + 16..<off + 20, with: [0, 0, 0, af])
                off += 16 + data.count
            }
            let patched = dir + "/null\(af).pcap"
            try Data(d).write(to: URL(fileURLWithPath: patched))
            try checkStandardFrames(patched, spec: spec, ethernet: false, tshark: false)
        }
    }

    @Test func microsecondAndBigEndianFiles() throws {
        let dir = try tempDir()
        let micro = dir + "/micro.pcap"
        let w = try CaptureWriter(path: micro, linkType: .ethernet, nanosecond: false)
        try w.writeIKE(ikeMessage(mid: 9), spec: FrameSpec(), timestampNanoseconds: 1_600_000_000_987_654_321)
        try w.commit()
        let (hdr, _) = try rawRecords(micro)
        #expect(Array(hdr[0..<4]) == [0xd4, 0xc3, 0xb2, 0xa1])
        var (ev, _) = try readAll(micro)
        #expect(ev.count == 1 && ev[0].meta.timestampNanoseconds == 1_600_000_000_987_654_000)
        let big = dir + "/big.pcap"
        try swapToBigEndian(micro, big)
        (ev, _) = try readAll(big)
        #expect(ev.count == 1 && midOf(ev[0].bytes) == 9 && ev[0].meta.timestampNanoseconds == 1_600_000_000_987_654_000)
        let nano = dir + "/nano.pcap"
        let w2 = try CaptureWriter(path: nano, linkType: .ethernet)
        try w2.writeIKE(ikeMessage(mid: 10), spec: FrameSpec(), timestampNanoseconds: 1_600_000_000_987_654_321)
        try w2.commit()
        let bigNano = dir + "/bignano.pcap"
        try swapToBigEndian(nano, bigNano)
        let (hdr2, _) = try rawRecords(nano)
        #expect(Array(hdr2[0..<4]) == [0x4d, 0x3c, 0xb2, 0xa1])
        (ev, _) = try readAll(bigNano)
        #expect(ev.count == 1 && midOf(ev[0].bytes) == 10 && ev[0].meta.timestampNanoseconds == 1_600_000_000_987_654_321)
    }

    @Test func unknownLinkTypeIsAClearError() throws {
        let dir = try tempDir()
        let path = dir + "/x.pcap"
        let w = try CaptureWriter(path: path, linkType: LinkType(rawValue: 147))  // USER0
        try w.write([1, 2, 3], timestampNanoseconds: 0)
        try w.commit()
        #expect(throws: CaptureError.self) { try CaptureReader(path: path) }
        do {
            _ = try CaptureReader(path: path)
        } catch {
            #expect(error.code == .unsupportedLinkType)
        }
    }

    @Test func writesAreAtomicAndUncommittedFilesVanish() throws {
        let dir = try tempDir()
        let path = dir + "/a.pcap"
        do {
            let w = try CaptureWriter(path: path, linkType: .ethernet)
            try w.writeIKE(ikeMessage(mid: 1), spec: FrameSpec(), timestampNanoseconds: 0)
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    /// A writer that cannot create its file throws (it used to close libpcap's handle twice).
    @Test func writerIntoMissingDirectoryThrows() throws {
        let path = try tempDir() + "/no/such/dir/a.pcap"
        #expect(throws: CaptureError.self) { _ = try CaptureWriter(path: path, linkType: .ethernet) }
    }

    @Test func bpfFilterKeepsFrameNumbers() throws {
        let path = try tempDir() + "/f.pcap"
        _ = try writeStandardFrames(path, linkType: .ethernet, v6: false)
        let (ev, stats) = try readAll(path, filter: "udp port 4500")
        #expect(ev.map(\.meta.frameNumber) == [2, 3, 4])
        #expect(stats.framesRead == 5 && stats.framesMatched == 3)
        #expect(throws: CaptureError.self) { try CaptureReader(path: path, filter: "udp port nonsense(") }
    }

    @Test func extractCopiesMatchingFramesByteIdentical() throws {
        let dir = try tempDir()
        let path = dir + "/in.pcap"
        _ = try writeStandardFrames(path, linkType: .ethernet, v6: true)
        let out = dir + "/out.pcap"
        let n = try CaptureWriter.extract(from: path, to: out) { ev in
            if case .ike = ev.kind { return true }
            return false
        }
        #expect(n == 2)
        let a = try rawRecords(path).records
        let b = try rawRecords(out).records
        try #require(b.count == 2)
        #expect(b[0].0 == a[0].0 && b[0].1 == a[0].1)
        #expect(b[1].0 == a[1].0 && b[1].1 == a[1].1)
    }

    @Test func addressText() throws {
        #expect(IPAddress("192.0.2.1")?.description == "192.0.2.1")
        #expect(IPAddress("2001:db8:0:0:0:0:2:1")?.description == "2001:db8::2:1")  // RFC 5952 §4.2.1
        #expect(IPAddress("2001:db8:0:1:1:1:1:1")?.description == "2001:db8:0:1:1:1:1:1")  // §4.2.2
        #expect(IPAddress("2001:0:0:1:0:0:0:1")?.description == "2001:0:0:1::1")  // §4.2.3
        #expect(IPAddress("2001:db8:0:0:1:0:0:1")?.description == "2001:db8::1:0:0:1")  // tie: first
        #expect(IPAddress("::")?.description == "::")
        #expect(IPAddress("::ffff:192.0.2.1")?.description == "::ffff:c000:201")
        #expect(IPAddress("1.2.3") == nil && IPAddress("1::2::3") == nil && IPAddress("256.1.1.1") == nil)
        #expect(MACAddress("02:00:00:00:00:0a")?.description == "02:00:00:00:00:0a")
    }
}
