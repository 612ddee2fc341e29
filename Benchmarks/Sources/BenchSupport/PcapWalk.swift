// A minimal, allocation-free walk of a classic pcap file (the classic libpcap file format) held in memory:
// record headers -> Ethernet (+802.1Q) -> IPv4/IPv6 -> UDP 500/4500 -> IKE bytes.
// This is the library-level fast path the benchmarks measure; the full-featured reader
// (pcapng, other link types, reassembly, filters) is IKEv2Capture.CaptureReader.

import IKEv2

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts from one walk.
public struct WalkCounts: Sendable, Hashable {
    public var records = 0
    public var ikeMessages = 0
    public var ikeBytes = 0
    public var payloads = 0
    public var malformed = 0
    public var esp = 0
    public var keepalives = 0
    public var other = 0
    /// SA transforms seen and the sum of their IDs (`--chain`, as `perf/walk.c` prints them).
    public var transforms = 0
    public var check = 0
    public init() {}
}

extension WalkCounts {
    /// The counts and the in-process time of a run as one JSON line (what bench-walk and
    /// bench-capture print).
    public func jsonLine(mode: String, nanoseconds: UInt64) -> String {
        let secs = Double(nanoseconds) / 1e9
        let rate = secs > 0 ? Double(ikeMessages) / secs : 0
        return "{\"mode\":\"\(mode)\",\"records\":\(records),\"ike\":\(ikeMessages),"
            + "\"payloads\":\(payloads),\"malformed\":\(malformed),\"esp\":\(esp),"
            + "\"keepalives\":\(keepalives),\"other\":\(other),\"ikeBytes\":\(ikeBytes),"
            + "\"transforms\":\(transforms),\"check\":\(check),"
            + "\"seconds\":\(secs),\"messagesPerSecond\":\(Int(rate))}"
    }
}

/// CLOCK_MONOTONIC in nanoseconds.
public func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Why a file cannot be walked.
public struct WalkError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

/// A whole file, read-only, mapped into memory (or an owned copy when mapping fails).
public final class MappedFile {
    public let count: Int
    let base: UnsafeRawPointer?
    let mapped: Bool

    /// Maps `path`. `populate` pre-faults every page (MAP_POPULATE) so the walk itself does not
    /// take page faults; the mapping cost is then paid here.
    public init(path: String, populate: Bool = false) throws(WalkError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw WalkError("cannot open \(path)") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw WalkError("cannot stat \(path)") }
        count = Int(st.st_size)
        if count == 0 {
            base = nil
            mapped = false
            return
        }
        #if canImport(Glibc)
        let flags = MAP_PRIVATE | (populate ? MAP_POPULATE : 0)
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let p = mmap(nil, count, PROT_READ, flags, fd, 0), p != MAP_FAILED else {
            throw WalkError("cannot map \(path)")
        }
        _ = madvise(p, count, MADV_SEQUENTIAL)
        base = UnsafeRawPointer(p)
        mapped = true
    }

    deinit {
        if mapped, let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// The file's bytes, valid while `self` is alive.
    public func withBytes<R>(_ body: (RawSpan) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count).bytes)
    }
}

extension RawSpan {
    @inlinable @inline(__always) func b8(_ o: Int) -> UInt8 { unsafeLoad(fromByteOffset: o, as: UInt8.self) }
    @inlinable @inline(__always) func be16(_ o: Int) -> UInt16 {
        UInt16(bigEndian: unsafeLoadUnaligned(fromByteOffset: o, as: UInt16.self))
    }
    @inlinable @inline(__always) func le32(_ o: Int) -> UInt32 {
        UInt32(littleEndian: unsafeLoadUnaligned(fromByteOffset: o, as: UInt32.self))
    }
    @inlinable @inline(__always) func be32(_ o: Int) -> UInt32 {
        UInt32(bigEndian: unsafeLoadUnaligned(fromByteOffset: o, as: UInt32.self))
    }
}

/// The classic-pcap walk. Every length is checked before it is used (so offsets are added
/// without overflow checks: each sum stays within the file); a damaged record stops the walk
/// with `WalkError` (the messages before it have been delivered).
public enum PcapWalk {
    /// What a UDP payload on port 500 or 4500 is.
    public enum Datagram { case ike, esp, keepalive, other }

    /// Calls `body` with every IKE message (the bytes after UDP 500, or after the non-ESP
    /// marker on UDP 4500) in an Ethernet classic pcap. Nothing is allocated per record.
    /// Inlinable, so that `body` is inlined into the walk rather than called per message.
    @inlinable
    public static func forEachIKE(
        in file: RawSpan, counts: inout WalkCounts, _ body: (RawSpan, inout WalkCounts) -> Void
    ) throws(WalkError) {
        let n = file.byteCount
        guard n >= 24 else { throw WalkError("not a pcap file: \(n) bytes") }
        let magic = file.le32(0)
        let swapped: Bool
        switch magic {
        case 0xa1b2_c3d4, 0xa1b2_3c4d: swapped = false
        case 0xd4c3_b2a1, 0x4d3c_b2a1: swapped = true
        default: throw WalkError("not a classic pcap file (magic \(magic))")
        }
        @inline(__always) func u32(_ o: Int) -> UInt32 {
            let v = file.le32(o)
            return swapped ? v.byteSwapped : v
        }
        let linkType = u32(20) & 0x0fff_ffff
        guard linkType == 1 else { throw WalkError("link type \(linkType): only Ethernet (1) is walked here") }
        var off = 24
        while off < n {
            guard n &- off >= 16 else { throw WalkError("truncated record header at \(off)") }
            let caplen = Int(u32(off &+ 8))
            let start = off &+ 16
            guard caplen <= n &- start else { throw WalkError("record at \(off) runs past the end of the file") }
            off = start &+ caplen
            counts.records &+= 1
            let frame = file.extracting(start..<(start &+ caplen))
            decodeEthernet(frame, counts: &counts, body)
        }
    }

    @inlinable @inline(__always)
    static func decodeEthernet(_ f: RawSpan, counts: inout WalkCounts, _ body: (RawSpan, inout WalkCounts) -> Void) {
        var o = 12
        let c = f.byteCount
        guard c >= 14 else { counts.other &+= 1; return }
        var etherType = f.be16(o)
        o &+= 2
        // Up to two 802.1Q / 802.1ad tags.
        var tags = 0
        while (etherType == 0x8100 || etherType == 0x88a8) && tags < 2 {
            guard c &- o >= 4 else { counts.other &+= 1; return }
            etherType = f.be16(o &+ 2)
            o &+= 4
            tags &+= 1
        }
        var proto: UInt8
        var l4: Int
        var l4End: Int
        switch etherType {
        case 0x0800:
            guard c &- o >= 20 else { counts.other &+= 1; return }
            let vihl = f.b8(o)
            let ihl = Int(vihl & 0x0f) &* 4
            let total = Int(f.be16(o &+ 2))
            let fragment = f.be16(o &+ 6) & 0x3fff
            guard vihl >> 4 == 4, ihl >= 20, total >= ihl, total <= c &- o, fragment == 0 else {
                counts.other &+= 1
                return
            }
            proto = f.b8(o &+ 9)
            l4 = o &+ ihl
            l4End = o &+ total
        case 0x86dd:
            guard c &- o >= 40 else { counts.other &+= 1; return }
            let plen = Int(f.be16(o &+ 4))
            guard plen <= c &- o &- 40 else { counts.other &+= 1; return }
            proto = f.b8(o &+ 6)
            l4 = o &+ 40
            l4End = l4 &+ plen
        default:
            counts.other &+= 1
            return
        }
        guard proto == 17, l4End &- l4 >= 8 else { counts.other &+= 1; return }
        let sport = f.be16(l4)
        let dport = f.be16(l4 &+ 2)
        let ulen = Int(f.be16(l4 &+ 4))
        guard ulen >= 8, ulen <= l4End &- l4 else { counts.other &+= 1; return }
        let payload = l4 &+ 8
        let end = l4 &+ ulen
        if sport == 500 || dport == 500 {
            body(f.extracting(payload..<end), &counts)
        } else if sport == 4500 || dport == 4500 {
            let len = end &- payload
            if len == 1 && f.b8(payload) == 0xff {
                counts.keepalives &+= 1
            } else if len >= 4 && f.be32(payload) == 0 {
                body(f.extracting((payload &+ 4)..<end), &counts)
            } else if len >= 8 {
                counts.esp &+= 1
            } else {
                counts.other &+= 1
            }
        } else {
            counts.other &+= 1
        }
    }

    /// Parses and validates one IKE message: header, every payload and every sub-structure
    /// (`IKEMessageView.validate()`), counting payloads. Allocates nothing for valid input.
    @inline(__always)
    public static func parseAndWalk(_ bytes: RawSpan, counts: inout WalkCounts) {
        counts.ikeMessages &+= 1
        counts.ikeBytes &+= bytes.byteCount
        do throws(IKEError) {
            let msg = try IKEMessageView(parsing: bytes)
            var it = msg.payloads
            while let p = try it.next() {
                try p.validateBody()
                counts.payloads &+= 1
            }
        } catch {
            counts.malformed &+= 1
        }
    }

    /// The walk `perf/walk.c` (the plain C floor) does, through the library's views: the header,
    /// the generic payload chain, and inside SA payloads every proposal and transform (transform
    /// IDs summed, as the C walker does), nothing else validated.
    public static func parseAndWalkChain(_ bytes: RawSpan, counts: inout WalkCounts) {
        counts.ikeMessages &+= 1
        counts.ikeBytes &+= bytes.byteCount
        do throws(IKEError) {
            let msg = try IKEMessageView(parsing: bytes)
            var it = msg.payloads
            while let p = try it.next() {
                counts.payloads &+= 1
                counts.check &+= Int(p.type.rawValue)
                guard p.type == .securityAssociation else { continue }
                var proposals = try p.securityAssociation().proposals
                while let prop = try proposals.next() {
                    var transforms = prop.transforms
                    while let t = try transforms.next() {
                        counts.transforms &+= 1
                        counts.check &+= Int(t.id)
                    }
                }
            }
        } catch {
            counts.malformed &+= 1
        }
    }

    /// Header only: `IKEMessageView(parsing:)` (28-byte header + Length check).
    @inline(__always)
    public static func parseHeader(_ bytes: RawSpan, counts: inout WalkCounts) {
        counts.ikeMessages &+= 1
        counts.ikeBytes &+= bytes.byteCount
        do throws(IKEError) {
            let msg = try IKEMessageView(parsing: bytes)
            counts.payloads &+= Int(msg.header.messageID & 1)
        } catch {
            counts.malformed &+= 1
        }
    }
}
