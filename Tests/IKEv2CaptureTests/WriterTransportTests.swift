import IKEv2
@testable import IKEv2Capture
import Testing

/// `writeIKE`'s transport and the frame's ports agree by construction (issue 17): an unset port
/// takes the transport's well-known port, a contradicting explicit port is an error, and what is
/// written reads back as the same IKE message (by this library and by tshark).
@Suite struct WriterTransportTests {
    /// Writes one message with `spec`/`transport`, commits, reads it back.
    func roundTrip(_ spec: FrameSpec, _ transport: TransportKind, options: CaptureOptions = .init()) throws -> (Seen, String) {
        let path = try tempDir() + "/t.pcap"
        let w = try CaptureWriter(path: path, linkType: .ethernet)
        try w.writeIKE(ikeMessage(mid: 7), spec: spec, transport: transport, timestampNanoseconds: 1)
        try w.commit()
        let (ev, _) = try readAll(path, options: options)
        try #require(ev.count == 1)
        return (ev[0], path)
    }

    @Test func natTWithUnsetPortsUses4500AndReadsBack() throws {
        let (ev, path) = try roundTrip(FrameSpec(), .udpNATT)
        #expect(ev.kind == .ike)
        #expect(ev.meta.transport == .udpNATT)
        #expect(ev.meta.sourcePort == 4500 && ev.meta.destinationPort == 4500)
        #expect(ev.bytes == ikeMessage(mid: 7))
        #expect(try parsedHeader(ev.bytes).messageID == 7)
        if Tshark.path != nil {
            let (isakmp, problems) = try Tshark.check(path)
            #expect(isakmp == [1])
            #expect(problems.isEmpty, "tshark problems: \(problems)")
            // tshark strips the marker too: the message ID it decodes is the one written.
            let mids = try Tshark.run(["-r", path, "-T", "fields", "-e", "udp.srcport", "-e", "isakmp.messageid"])
            #expect(mids == ["4500\t0x00000007"])
        } else {
            print("skipping the tshark oracle: tshark is not installed")
        }
    }

    @Test func plainUDPWithUnsetPortsUses500() throws {
        let (ev, _) = try roundTrip(FrameSpec(), .udp)
        #expect(ev.kind == .ike && ev.meta.transport == .udp)
        #expect(ev.meta.sourcePort == 500 && ev.meta.destinationPort == 500)
        #expect(ev.bytes == ikeMessage(mid: 7))
    }

    @Test func oneUnsetPortIsFilledByTheTransport() throws {
        var spec = FrameSpec()
        spec.sourcePort = 31_000  // a NAT-mapped source port
        let (ev, _) = try roundTrip(spec, .udpNATT)
        #expect(ev.kind == .ike && ev.meta.transport == .udpNATT)
        #expect(ev.meta.sourcePort == 31_000 && ev.meta.destinationPort == 4500)
    }

    @Test func customPortsAreWrittenAsGiven() throws {
        var spec = FrameSpec()
        spec.sourcePort = 4501
        spec.destinationPort = 4501
        var options = CaptureOptions()
        options.nattPorts = [4501]
        let (ev, _) = try roundTrip(spec, .udpNATT, options: options)
        #expect(ev.kind == .ike && ev.meta.transport == .udpNATT)
        #expect(ev.bytes == ikeMessage(mid: 7))
    }

    @Test(arguments: [(UInt16(500), UInt16(500)), (500, 4500), (4500, 500)])
    func natTOnPort500IsAnError(source: UInt16, destination: UInt16) throws {
        let path = try tempDir() + "/t.pcap"
        let w = try CaptureWriter(path: path, linkType: .ethernet)
        var spec = FrameSpec()
        spec.sourcePort = source
        spec.destinationPort = destination
        do {
            try w.writeIKE(ikeMessage(mid: 1), spec: spec, transport: .udpNATT, timestampNanoseconds: 0)
            Issue.record("writeIKE(.udpNATT) on ports \(source)/\(destination) did not throw")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("port 500"))
        }
        #expect(w.framesWritten == 0)
        #expect(throws: CaptureError.self) {
            try w.writeESPInUDP(spi: 1, sequence: 1, body: [], spec: spec, timestampNanoseconds: 0)
        }
        #expect(throws: CaptureError.self) { try w.writeNATKeepalive(spec: spec, timestampNanoseconds: 0) }
        #expect(w.framesWritten == 0)
    }

    @Test func plainUDPOnPort4500IsAnError() throws {
        let w = try CaptureWriter(path: try tempDir() + "/t.pcap", linkType: .ethernet)
        var spec = FrameSpec()
        spec.destinationPort = 4500
        do {
            try w.writeIKE(ikeMessage(mid: 1), spec: spec, transport: .udp, timestampNanoseconds: 0)
            Issue.record("writeIKE(.udp) to port 4500 did not throw")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("port 4500"))
        }
        #expect(w.framesWritten == 0)
    }

    @Test(arguments: [TransportKind.tcp, .ip, .none])
    func nonUDPTransportsAreErrors(transport: TransportKind) throws {
        let w = try CaptureWriter(path: try tempDir() + "/t.pcap", linkType: .ethernet)
        #expect(throws: CaptureError(.invalidArgument, "writeIKE writes UDP only (transport .udp or .udpNATT)")) {
            try w.writeIKE(ikeMessage(mid: 1), spec: FrameSpec(), transport: transport, timestampNanoseconds: 0)
        }
        #expect(w.framesWritten == 0)
    }

    @Test func espAndKeepaliveDefaultTo4500() throws {
        let path = try tempDir() + "/t.pcap"
        let w = try CaptureWriter(path: path, linkType: .ethernet)
        try w.writeESPInUDP(spi: 0xc0ffee01, sequence: 3, body: [1, 2, 3, 4], spec: FrameSpec(), timestampNanoseconds: 0)
        try w.writeNATKeepalive(spec: FrameSpec(), timestampNanoseconds: 1)
        try w.commit()
        let (ev, _) = try readAll(path)
        try #require(ev.count == 2)
        #expect(ev[0].kind == .esp(spi: 0xc0ffee01, sequence: 3) && ev[0].meta.destinationPort == 4500)
        #expect(ev[1].kind == .natKeepalive && ev[1].meta.sourcePort == 4500)
    }
}
