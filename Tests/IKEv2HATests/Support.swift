import Foundation
import IKEv2

/// Locates `Tests/Fixtures` from this source file, so tests run on a fresh clone.
enum HAFixtures {
    static let corpus: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("corpus")

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: corpus.appendingPathComponent(relative)))
    }

    struct BadCapture: Error { var reason: String }

    /// The IKE messages (UDP payloads, port 500) of a classic little-endian Ethernet/IPv4 pcap.
    /// Small on purpose: just enough to read a fixture without the capture module.
    static func ikeMessagesFromPcap(_ relative: String) throws -> [[UInt8]] {
        let d = try bytes(relative)
        guard d.count >= 24, d[0] == 0xd4, d[1] == 0xc3, d[2] == 0xb2, d[3] == 0xa1 else {
            throw BadCapture(reason: "not a little-endian classic pcap")
        }
        func le32(_ o: Int) -> Int { Int(d[o]) | Int(d[o + 1]) << 8 | Int(d[o + 2]) << 16 | Int(d[o + 3]) << 24 }
        var out: [[UInt8]] = []
        var off = 24
        while off + 16 <= d.count {
            let caplen = le32(off + 8)
            off += 16
            guard off + caplen <= d.count else { throw BadCapture(reason: "record past end") }
            let frame = Array(d[off..<(off + caplen)])
            off += caplen
            guard frame.count > 14 + 20, frame[12] == 0x08, frame[13] == 0x00 else { continue }
            let ihl = Int(frame[14] & 0x0f) * 4
            guard frame[14 + 9] == 17, frame.count >= 14 + ihl + 8 else { continue }
            out.append(Array(frame[(14 + ihl + 8)...]))
        }
        return out
    }

    /// The owned Notify payloads of a message's outer chain.
    static func notifies(_ message: [UInt8]) throws -> [NotifyPayload] {
        let m = try IKEMessage(parsing: message)
        return m.payloads.compactMap { if case .notify(let n) = $0.body { n } else { nil } }
    }
}


/// Parses `payload` bytes (generic header + Notify body) into a view and decodes it.
func decodeNotifyPayloadBytes(_ bytes: [UInt8], decoder: NotifyDecoder = NotifyDecoder()) throws(IKEError) -> NotifyData {
    var it = PayloadIterator(message: bytes.span.bytes, first: .notify, start: 0)
    guard let p = try it.next() else { throw IKEError(.truncated, at: 0, "no payload") }
    let n = try p.notify()
    return try decoder.decode(n)
}
