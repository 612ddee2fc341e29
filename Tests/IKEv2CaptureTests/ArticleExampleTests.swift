import Foundation
import IKEv2
import IKEv2Capture
import Testing
import TestSupport

/// The code of Sources/IKEv2Capture/Documentation.docc/ReadingCaptures.md, kept compiling and true.
@Suite struct ArticleExampleTests {
    @Test func readingAndWriting() throws {
        var lines: [String] = []
        // --- article example begins ---
        let reader = try CaptureReader(path: Fixtures.sample("rfc6311-sync.pcap"))   // pcap or pcapng
        try reader.forEach { event in
            guard case .ike = event.kind else { return }    // skip ESP, keepalives, other traffic
            do {
                let message = try IKEMessageView(parsing: event.bytes)   // a view: nothing copied
                print(event.meta.frameNumber, message.summary)           // 29 INFORMATIONAL[R] request mid=0: SK
                lines.append("\(event.meta.frameNumber) \(message.summary)")
            } catch {
                print(event.meta.frameNumber, "malformed:", error)       // code, byte offset, payload path
            }
        }
        print(reader.statistics.ikeMessages, "IKE messages")
        // --- article example ends ---
        #expect(lines.contains("29 INFORMATIONAL[R] request mid=0: SK"))
        #expect(reader.statistics.ikeMessages == lines.count)

        let dir = try Fixtures.tempDir("article")
        defer { try? FileManager.default.removeItem(at: dir) }
        let messageBytes = try Fixtures.bytes("android-ike/IkeSessionPskTest__SUCCESS_IKE_INIT_RESP.bin")
        let out = dir.appendingPathComponent("out.pcap").path
        // --- article example begins ---
        let writer = try CaptureWriter(path: out, linkType: .ethernet)
        try writer.writeIKE(messageBytes, spec: FrameSpec(), transport: .udpNATT, timestampNanoseconds: 0)
        try writer.commit()                               // atomic: the file appears complete
        // --- article example ends ---
        var back: [[UInt8]] = []
        try CaptureReader(path: out).forEach { if case .ike = $0.kind { back.append($0.copyBytes()) } }
        #expect(back == [messageBytes])
    }
}
