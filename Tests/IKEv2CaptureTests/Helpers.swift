import Foundation
@testable import IKEv2Capture
import Testing
import TestSupport

/// A fresh temporary directory for one test.
func tempDir() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ikev2capture-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.path
}

/// A minimal IKE message: 28-byte header (RFC 7296 §3.1) plus one Nonce payload of `bodyLength`
/// bytes (so messages of any size can be made).
func ikeMessage(mid: UInt32, exchange: UInt8 = 37, response: Bool = false, bodyLength: Int = 16, spi: UInt64 = 0x0102_0304_0506_0708) -> [UInt8] {
    let total = 28 + 4 + bodyLength
    var m: [UInt8] = []
    for i in stride(from: 56, through: 0, by: -8) { m.append(UInt8(truncatingIfNeeded: spi >> UInt64(i))) }
    m += [0, 0, 0, 0, 0, 0, 0, 1]
    m += [40, 0x20, exchange, response ? 0x20 : 0x08]
    m += FrameBuilder.be32(mid) + FrameBuilder.be32(UInt32(total))
    m += [0, 0] + FrameBuilder.be16(UInt16(4 + bodyLength))
    m += (0..<bodyLength).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    return m
}

/// Records of a little-endian classic pcap file: (header 16 bytes, data).
func rawRecords(_ path: String) throws -> (header: [UInt8], records: [([UInt8], [UInt8])]) {
    let d = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    try #require(d.count >= 24)
    func le32(_ i: Int) -> Int { Int(d[i]) | Int(d[i + 1]) << 8 | Int(d[i + 2]) << 16 | Int(d[i + 3]) << 24 }
    var out: [([UInt8], [UInt8])] = []
    var off = 24
    while off + 16 <= d.count {
        let cap = le32(off + 8)
        try #require(off + 16 + cap <= d.count)
        out.append((Array(d[off..<off + 16]), Array(d[off + 16..<off + 16 + cap])))
        off += 16 + cap
    }
    return (Array(d[0..<24]), out)
}

/// Rewrites a little-endian pcap as big-endian (every header field byte-swapped).
func swapToBigEndian(_ src: String, _ dst: String) throws {
    var d = [UInt8](try Data(contentsOf: URL(fileURLWithPath: src)))
    func swap(_ i: Int, _ n: Int) { d[i..<i + n].reverse() }
    swap(0, 4); swap(4, 2); swap(6, 2); swap(8, 4); swap(12, 4); swap(16, 4); swap(20, 4)
    var off = 24
    while off + 16 <= d.count {
        let cap = Int(d[off + 8]) | Int(d[off + 9]) << 8 | Int(d[off + 10]) << 16 | Int(d[off + 11]) << 24
        for k in 0..<4 { swap(off + 4 * k, 4) }
        off += 16 + cap
    }
    try Data(d).write(to: URL(fileURLWithPath: dst))
}

/// All events of a file, copied out.
struct Seen {
    var kind: CaptureEventKind
    var meta: PacketMeta
    var bytes: [UInt8]
}

func readAll(_ path: String, filter: String? = nil, options: CaptureOptions = .init()) throws -> (events: [Seen], stats: CaptureStatistics) {
    let r = try CaptureReader(path: path, filter: filter, options: options)
    var out: [Seen] = []
    try r.forEach { ev in out.append(Seen(kind: ev.kind, meta: ev.meta, bytes: ev.copyBytes())) }
    return (out, r.statistics)
}

func midOf(_ b: [UInt8]) -> UInt32 {
    guard b.count >= 24 else { return .max }
    return UInt32(b[20]) << 24 | UInt32(b[21]) << 16 | UInt32(b[22]) << 8 | UInt32(b[23])
}

/// tshark, when installed.
enum Tshark {
    static let path: String? = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs tshark with checksum validation on and returns stdout lines.
    static func run(_ args: [String]) throws -> [String] {
        guard let path else { return [] }
        let checks = ["-n", "-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"]
        return try Fixtures.run(path, checks + args).split(separator: "\n").map(String.init)
    }

    /// Frame numbers tshark decodes as ISAKMP, and frames with a checksum/length problem.
    static func check(_ file: String) throws -> (isakmp: [Int], problems: [String]) {
        let isakmp = try run(["-r", file, "-Y", "isakmp", "-T", "fields", "-e", "frame.number"]).compactMap { Int($0) }
        let problems = try run(["-r", file, "-Y",
            "ip.checksum.status == 0 || udp.checksum.status == 0 || tcp.checksum.status == 0 || _ws.malformed || _ws.expert.severity >= 8388608 || udp.length.bad || udp.length.bad_zero",
            "-T", "fields", "-e", "frame.number", "-e", "_ws.col.Info"])
        return (isakmp, problems)
    }
}
