import Foundation
import IKEv2
@testable import IKEv2Capture
import Testing

/// AH (IP protocol 51, RFC 4302) written by `CaptureWriter.writeAH` and read back as `.ah`
/// events, with what it protects decoded after it; tshark, when installed, is the oracle.
@Suite struct AHTests {
    @Test func ahPacketsReadBack() throws {
        let path = try tempDir() + "/ah.pcap"
        let w = try CaptureWriter(path: path, linkType: .ethernet)
        var spec = FrameSpec()
        spec.ipID = 0x4242
        spec.sourcePort = 500
        spec.destinationPort = 500
        let icv = (0..<16).map { UInt8($0) }
        // 1: AH over UDP 500 carrying an IKE message: an .ah event, then the .ike event.
        let ike = ikeMessage(mid: 3)
        try w.writeAH(spi: 0xa1a2_a3a4, sequence: 7, nextHeader: 17, icv: icv, payload: FrameBuilder.udp(ike, spec: spec),
                      spec: spec, timestampNanoseconds: 1_000)
        // 2: AH over ESP (AH + ESP combined): .ah then .esp.
        try w.writeAH(spi: 0xb1b2_b3b4, sequence: 0xffff_fffe, nextHeader: 50, icv: icv,
                      payload: FrameBuilder.be32(0xc0ff_ee01) + FrameBuilder.be32(9) + [UInt8](repeating: 0xab, count: 32),
                      spec: spec, timestampNanoseconds: 2_000)
        // 3: IPv6 AH (the header is a multiple of 8: 12 + 20-octet ICV) over a non-IKE UDP datagram.
        var v6 = spec
        v6.source = try #require(IPAddress("2001:db8::1"))
        v6.destination = try #require(IPAddress("2001:db8::2"))
        v6.sourcePort = 4000
        v6.destinationPort = 4001
        try w.writeAH(spi: 0xc1c2_c3c4, sequence: 1, nextHeader: 17, icv: [UInt8](repeating: 7, count: 20),
                      payload: FrameBuilder.udp([1, 2, 3], spec: v6), spec: v6, timestampNanoseconds: 3_000)
        // 4: ESP straight over IP.
        try w.writeESPInIP(spi: 0xd1d2_d3d4, sequence: 5, body: [UInt8](repeating: 1, count: 24), spec: spec, timestampNanoseconds: 4_000)
        // An ICV that leaves the header unaligned (RFC 4302 §2.2) is refused.
        #expect(throws: CaptureError.self) {
            try w.writeAH(spi: 1, sequence: 1, nextHeader: 17, icv: [1, 2], payload: [], spec: spec, timestampNanoseconds: 5_000)
        }
        try w.commit()

        let (ev, stats) = try readAll(path)
        #expect(ev.map(\.kind) == [
            .ah(spi: 0xa1a2_a3a4, sequence: 7), .ike,
            .ah(spi: 0xb1b2_b3b4, sequence: 0xffff_fffe), .esp(spi: 0xc0ff_ee01, sequence: 9),
            .ah(spi: 0xc1c2_c3c4, sequence: 1),
            .esp(spi: 0xd1d2_d3d4, sequence: 5),
        ])
        #expect(ev.map(\.meta.frameNumber) == [1, 1, 2, 2, 3, 4])
        #expect(stats.ahPackets == 3 && stats.espPackets == 2 && stats.ikeMessages == 1)
        #expect(ev[0].bytes.count == 28 && ev[0].bytes[0] == 17 && ev[0].bytes[1] == 5)
        #expect(ev[0].meta.transport == .ip && ev[0].meta.ipID == 0x4242)
        #expect(midOf(ev[1].bytes) == 3)
        #expect(ev[4].bytes.count == 32 && ev[4].meta.ipVersion == 6)

        // tshark reads the same SPIs and sequence numbers.
        guard Tshark.path != nil else { return }
        let lines = try Tshark.run(["-r", path, "-T", "fields", "-e", "ah.spi", "-e", "ah.sequence", "-e", "esp.spi", "-e", "esp.sequence"])
        #expect(lines.count == 4)
        #expect(lines.first?.split(separator: "\t").first.map(String.init) == "0xa1a2a3a4")
        #expect(lines.first?.contains("\t7") == true)
        #expect(lines.last?.hasPrefix("\t\t0xd1d2d3d4\t5") == true)
    }

    @Test func truncatedAHIsNotReported() throws {
        let path = try tempDir() + "/ah-short.pcap"
        let w = try CaptureWriter(path: path, linkType: .raw)
        var spec = FrameSpec()
        spec.ipID = 1
        // Payload Len 0xff claims a 1028-octet header in a 40-octet packet.
        let ah: [UInt8] = [17, 0xff, 0, 0] + FrameBuilder.be32(1) + FrameBuilder.be32(2) + [UInt8](repeating: 0, count: 8)
        try w.write(FrameBuilder.ip(ah, protocol: 51, spec: spec), timestampNanoseconds: 1)
        try w.commit()
        let (ev, stats) = try readAll(path)
        #expect(ev.isEmpty && stats.ahPackets == 0)
    }
}
