import Foundation
import IKEv2
@testable import IKEv2Capture
import Testing

/// Builds Ethernet/IP/UDP frames of one IKE message and fragments it.
func fragmentedFrames(_ msg: [UInt8], spec: FrameSpec, maxData: Int, v6: Bool = false, id: UInt32 = 77) throws -> [[UInt8]] {
    let udp = try FrameBuilder.udp(msg, spec: spec)
    let ip = try FrameBuilder.ip(udp, protocol: 17, spec: spec)
    let frags = v6 ? try FrameBuilder.fragmentIPv6(ip, maxData: maxData, identification: id)
                   : try FrameBuilder.fragmentIPv4(ip, maxData: maxData)
    return try frags.map { try FrameBuilder.link($0, linkType: .ethernet, spec: spec) }
}

func writeFrames(_ path: String, _ frames: [[UInt8]], linkType: LinkType = .ethernet, step: Int64 = 1_000_000) throws {
    let w = try CaptureWriter(path: path, linkType: linkType)
    for (i, f) in frames.enumerated() { try w.write(f, timestampNanoseconds: 1_000_000_000 + Int64(i) * step) }
    try w.commit()
}

@Suite struct IPFragmentTests {
    @Test func ipv4OutOfOrderWithDuplicateIsDeliveredOnce() throws {
        var spec = FrameSpec()
        spec.ipID = 0x4242
        let msg = ikeMessage(mid: 5, exchange: 35, bodyLength: 3000)
        let f = try fragmentedFrames(msg, spec: spec, maxData: 1200)
        try #require(f.count == 3)
        let path = try tempDir() + "/v4frag.pcap"
        // order: 2, 0, 0 (duplicate), 1 -> completes at frame 4
        try writeFrames(path, [f[2], f[0], f[0], f[1]])
        let (ev, stats) = try readAll(path)
        try #require(ev.count == 1)
        #expect(ev[0].bytes == msg)
        #expect(ev[0].meta.frameNumber == 4 && ev[0].meta.firstFrameNumber == 1)
        #expect(ev[0].meta.isReassembled && ev[0].meta.ipID == 0x4242)
        #expect(stats.ipFragments == 4 && stats.datagramsReassembled == 1 && stats.duplicateFragments == 1)
        #expect(stats.totalDrops == 0)
        if Tshark.path != nil {
            let (isakmp, problems) = try Tshark.check(path)
            #expect(isakmp == [4])
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test func ipv6FragmentsAreReassembled() throws {
        var spec = FrameSpec()
        spec.source = try #require(IPAddress("2001:db8::a"))
        spec.destination = try #require(IPAddress("2001:db8::b"))
        spec.sourcePort = 4500
        spec.destinationPort = 4500
        let msg = ikeMessage(mid: 3, bodyLength: 2500)
        let f = try fragmentedFrames([0, 0, 0, 0] + msg, spec: spec, maxData: 1000, v6: true, id: 0xdead)
        try #require(f.count == 3)
        let path = try tempDir() + "/v6frag.pcap"
        try writeFrames(path, [f[1], f[2], f[0]])
        let (ev, stats) = try readAll(path)
        try #require(ev.count == 1)
        #expect(ev[0].bytes == msg && ev[0].meta.transport == .udpNATT)
        #expect(ev[0].meta.frameNumber == 3 && ev[0].meta.ipID == 0xdead && ev[0].meta.isReassembled)
        #expect(stats.datagramsReassembled == 1)
        if Tshark.path != nil {
            let (isakmp, problems) = try Tshark.check(path)
            #expect(isakmp == [3])
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    /// RFC 5722 §4: an overlapping IPv6 fragment discards the whole datagram, including
    /// fragments that arrive later.
    @Test func ipv6OverlapDropsTheDatagram() throws {
        var spec = FrameSpec()
        spec.source = try #require(IPAddress("2001:db8::a"))
        spec.destination = try #require(IPAddress("2001:db8::b"))
        let msg = ikeMessage(mid: 3, bodyLength: 2500)
        let a = try fragmentedFrames(msg, spec: spec, maxData: 1000, v6: true)
        let b = try fragmentedFrames(msg, spec: spec, maxData: 1600, v6: true)  // same ID, other cut
        let path = try tempDir() + "/v6overlap.pcap"
        try writeFrames(path, [a[0], b[0], a[1], a[2]])
        let (ev, stats) = try readAll(path)
        #expect(ev.count == 0)
        #expect(stats.drops[.fragmentOverlap] == 1)
    }

    /// IPv4: a partially overlapping fragment is accepted, later data overwriting earlier
    /// (RFC 791's procedure), and counted.
    @Test func ipv4OverlapIsCountedAndMissingFragmentIsReported() throws {
        let msg = ikeMessage(mid: 8, bodyLength: 2500)
        let a = try fragmentedFrames(msg, spec: FrameSpec(), maxData: 1000)
        let b = try fragmentedFrames(msg, spec: FrameSpec(), maxData: 1600)
        let path = try tempDir() + "/v4overlap.pcap"
        try writeFrames(path, [a[0], b[0], a[2], a[1]])
        let (ev, stats) = try readAll(path)
        #expect(ev.count == 1 && ev.first?.bytes == msg)
        #expect(stats.overlappingFragments >= 1)
        // Missing middle fragment: nothing delivered, one drop at end of file.
        let path2 = try tempDir() + "/v4missing.pcap"
        try writeFrames(path2, [a[0], a[2]])
        let (ev2, stats2) = try readAll(path2)
        #expect(ev2.count == 0 && stats2.drops[.fragmentIncompleteAtEnd] == 1)
    }

    @Test func timeoutDropsStaleFragments() throws {
        let msg = ikeMessage(mid: 8, bodyLength: 2500)
        let a = try fragmentedFrames(msg, spec: FrameSpec(), maxData: 1000)
        let path = try tempDir() + "/timeout.pcap"
        try writeFrames(path, [a[0], a[1], a[2]], step: 40_000_000_000)  // 40 s apart
        var opts = CaptureOptions()
        opts.limits.timeoutNanoseconds = 30_000_000_000
        let (ev, stats) = try readAll(path, options: opts)
        #expect(ev.count == 0)
        #expect((stats.drops[.fragmentTimeout] ?? 0) >= 1)
    }

    /// Thousands of incomplete datagrams: the pending table and held bytes stay under the
    /// limits at every frame, and every evicted datagram is counted.
    @Test func adversarialIncompleteDatagramsStayBounded() throws {
        let dir = try tempDir()
        let path = dir + "/flood.pcap"
        let w = try CaptureWriter(path: path, linkType: .ethernet)
        let msg = ikeMessage(mid: 1, bodyLength: 2000)
        var spec = FrameSpec()
        let n = 5000
        for i in 0..<n {
            spec.ipID = UInt16(truncatingIfNeeded: i)
            spec.source = .v4(0x0a00_0000 | UInt32(i >> 16))
            let f = try fragmentedFrames(msg, spec: spec, maxData: 1400)
            try w.write(f[0], timestampNanoseconds: Int64(i) * 1_000)
        }
        // One good message at the end still gets through.
        spec.ipID = 0xffff
        spec.source = .v4(0x0b00_0001)
        for f in try fragmentedFrames(ikeMessage(mid: 99, bodyLength: 2000), spec: spec, maxData: 1400) {
            try w.write(f, timestampNanoseconds: Int64(n) * 1_000)
        }
        try w.commit()
        var opts = CaptureOptions()
        opts.reportIgnored = true
        opts.limits.maxPendingDatagrams = 100
        opts.limits.maxTotalBytes = 64 << 10
        let reader = try CaptureReader(path: path, options: opts)
        var maxPending = 0, maxHeld = 0
        var mids: [UInt32] = []
        try reader.forEach { ev in
            maxPending = max(maxPending, reader.decoder.ip.pendingCount)
            maxHeld = max(maxHeld, reader.decoder.ip.heldBytes)
            if case .ike = ev.kind { mids.append(midOf(ev.copyBytes())) }
        }
        #expect(maxPending <= 100)
        #expect(maxHeld <= 64 << 10)
        #expect(mids == [99])
        let s = reader.statistics
        #expect(s.framesRead == n + 2)
        let evicted = s.drops[.fragmentBufferFull] ?? 0
        let atEnd = s.drops[.fragmentIncompleteAtEnd] ?? 0
        #expect(evicted + atEnd == n, "\(s.drops)")
        #expect(evicted >= n - 100)
    }
}

@Suite struct DamagedFileTests {
    func threeFrames() throws -> (String, Int) {
        let dir = try tempDir()
        let path = dir + "/three.pcap"
        let w = try CaptureWriter(path: path, linkType: .ethernet)
        for i in 0..<3 { try w.writeIKE(ikeMessage(mid: UInt32(i)), spec: FrameSpec(), timestampNanoseconds: Int64(i)) }
        try w.commit()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        return (path, size)
    }

    @Test(arguments: [10, 30])  // cut inside the 3rd record's data / inside its header
    func truncatedFileDeliversEarlierRecordsThenThrows(_ cutBack: Int) throws {
        let (path, size) = try threeFrames()
        let recordSize = (size - 24) / 3
        let keep = cutBack == 10 ? size - 10 : 24 + 2 * recordSize + 5
        let d = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(keep)
        try d.write(to: URL(fileURLWithPath: path))
        let r = try CaptureReader(path: path)
        var mids: [UInt32] = []
        do {
            try r.forEach { ev in mids.append(midOf(ev.copyBytes())) }
            Issue.record("no error for a truncated file")
        } catch let e as CaptureError {
            #expect(e.code == .truncatedFile)
            #expect(e.frameNumber == 3)
            #expect(e.byteOffset > 0 && e.byteOffset <= keep)
            #expect(e.message.contains("truncated"))
        }
        #expect(mids == [0, 1])
    }

    @Test func corruptRecordLengthAndHeader() throws {
        let (path, _) = try threeFrames()
        var d = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let recordSize = (d.count - 24) / 3
        // 2nd record's incl_len = 0x7fffffff (over libpcap's maximum).
        let off = 24 + recordSize + 8
        d.replaceSubrange(off..<off + 4, with: [0xff, 0xff, 0xff, 0x7f])
        try Data(d).write(to: URL(fileURLWithPath: path))
        let r = try CaptureReader(path: path)
        var n = 0
        #expect(throws: CaptureError.self) { try r.forEach { _ in n += 1 } }
        #expect(n == 1)
        // Corrupt file header.
        d[0] = 0x00
        try Data(d).write(to: URL(fileURLWithPath: path))
        #expect(throws: CaptureError.self) { try CaptureReader(path: path) }
        #expect(throws: CaptureError.self) { try CaptureReader(path: "/nonexistent/x.pcap") }
    }

    @Test func snaplenCutFramesAreMarkedTruncated() throws {
        let path = try tempDir() + "/snap.pcap"
        let w = try CaptureWriter(path: path, linkType: .ethernet, snapLength: 100)
        try w.writeIKE(ikeMessage(mid: 4, bodyLength: 500), spec: FrameSpec(), timestampNanoseconds: 0)
        try w.commit()
        let (ev, _) = try readAll(path)
        try #require(ev.count == 1)
        #expect(ev[0].meta.isTruncated && ev[0].bytes.count == 100 - 42 && midOf(ev[0].bytes) == 4)
        #expect(ev[0].meta.capturedLength == 100 && ev[0].meta.originalLength > 500)
    }
}
