// Writing classic pcap through libpcap's dumper, atomically (temp file + rename).

import CPcap

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a classic pcap file (the classic libpcap file format) through `pcap_open_dead_with_tstamp_precision`
/// + `pcap_dump_open`. Records go to a temporary file in the destination's directory; `commit()`
/// renames it over `path`, so readers never see a half-written capture. Without `commit()` the
/// temporary file is removed when the writer is released.
public final class CaptureWriter {
    public let path: String
    public let linkType: LinkType
    public let nanosecond: Bool
    public let snapLength: Int
    private let tempPath: String
    private let dead: OpaquePointer
    private var dumper: OpaquePointer?
    private var committed = false
    /// Records written so far.
    public private(set) var framesWritten = 0

    /// Creates the writer.
    /// - Parameters:
    ///   - path: the file to create (written to a temporary file, renamed on `commit()`).
    ///   - linkType: the LINKTYPE_ to store (any value libpcap knows; RAW is 101).
    ///   - snapLength: the snapshot length recorded in the file header.
    ///   - nanosecond: write magic `A1B23C4D` with nanosecond timestamps (else microseconds).
    public convenience init(path: String, linkType: LinkType, snapLength: Int = 262_144, nanosecond: Bool = true) throws(CaptureError) {
        // libpcap's API takes DLT_ values; LINKTYPE_RAW (101) is DLT_RAW (12) on this platform.
        let dlt = linkType.rawValue == 101 ? 12 : linkType.rawValue
        try self.init(path: path, dlt: dlt, linkType: linkType, snapLength: snapLength, nanosecond: nanosecond)
    }

    init(path: String, dlt: Int32, linkType: LinkType, snapLength: Int, nanosecond: Bool) throws(CaptureError) {
        guard snapLength > 0, snapLength <= Int(Int32.max) else {
            throw CaptureError(.invalidArgument, "snap length \(snapLength) out of range")
        }
        self.path = path
        self.linkType = linkType
        self.nanosecond = nanosecond
        self.snapLength = snapLength
        let dir: String
        let name: String
        if let slash = path.lastIndex(of: "/") {
            dir = String(path[..<slash])
            name = String(path[path.index(after: slash)...])
        } else {
            dir = "."
            name = path
        }
        tempPath = (dir.isEmpty ? "" : dir) + "/." + name + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard let d = pcap_open_dead_with_tstamp_precision(
            dlt, Int32(snapLength), UInt32(nanosecond ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO))
        else {
            throw CaptureError(.writeFailed, "pcap_open_dead failed for link type \(linkType.rawValue)")
        }
        dead = d
        guard let dp = pcap_dump_open(d, tempPath) else {
            let msg = String(cString: pcap_geterr(d))
            // Every stored property is set, so `deinit` runs and closes `dead`: closing it here
            // too would be a double free.
            throw CaptureError(.writeFailed, "cannot create \(tempPath): \(msg)")
        }
        dumper = dp
    }

    deinit {
        if let dumper { pcap_dump_close(dumper) }
        if !committed { unlink(tempPath) }
        pcap_close(dead)
    }

    /// Appends one record. `originalLength` defaults to the frame's length; frames longer than
    /// the snap length are cut (with the original length kept), as a capture would.
    public func write(_ frame: UnsafeRawBufferPointer, timestampNanoseconds: Int64, originalLength: Int? = nil) throws(CaptureError) {
        guard let dumper else { throw CaptureError(.writeFailed, "writer already committed") }
        guard timestampNanoseconds >= 0 else { throw CaptureError(.invalidArgument, "negative timestamp") }
        let orig = originalLength ?? frame.count
        guard orig >= 0, orig <= Int(UInt32.max), frame.count <= Int(UInt32.max) else {
            throw CaptureError(.invalidArgument, "frame length out of range")
        }
        let cap = min(frame.count, snapLength)
        var hdr = pcap_pkthdr()
        hdr.ts.tv_sec = Int(timestampNanoseconds / 1_000_000_000)
        let frac = Int(timestampNanoseconds % 1_000_000_000)
        hdr.ts.tv_usec = nanosecond ? frac : frac / 1_000
        hdr.caplen = UInt32(cap)
        hdr.len = UInt32(max(orig, cap))
        if let base = frame.baseAddress {
            pcap_dump(UnsafeMutablePointer<UInt8>(dumper), &hdr, base.assumingMemoryBound(to: UInt8.self))
        } else {
            var zero: UInt8 = 0
            withUnsafePointer(to: &zero) { pcap_dump(UnsafeMutablePointer<UInt8>(dumper), &hdr, $0) }
        }
        framesWritten += 1
    }

    public func write(_ frame: [UInt8], timestampNanoseconds: Int64, originalLength: Int? = nil) throws(CaptureError) {
        var failure: CaptureError? = nil
        frame.withUnsafeBytes { raw in
            do throws(CaptureError) {
                try write(raw, timestampNanoseconds: timestampNanoseconds, originalLength: originalLength)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Copies a record as read (header and bytes unchanged) — used by extraction.
    func writeRaw(_ hdr: UnsafePointer<pcap_pkthdr>, _ data: UnsafePointer<UInt8>) {
        guard let dumper else { return }
        pcap_dump(UnsafeMutablePointer<UInt8>(dumper), hdr, data)
        framesWritten += 1
    }

    /// Flushes, closes and renames the temporary file to `path` (atomic on POSIX).
    public func commit() throws(CaptureError) {
        guard let dumper else { throw CaptureError(.writeFailed, "writer already committed") }
        let flushed = pcap_dump_flush(dumper)
        var ioError = false
        if let fp = pcap_dump_file(dumper) { ioError = ferror(fp) != 0 }
        pcap_dump_close(dumper)
        self.dumper = nil
        guard flushed == 0, !ioError else {
            unlink(tempPath)
            throw CaptureError(.writeFailed, "write error on \(tempPath)")
        }
        guard rename(tempPath, path) == 0 else {
            let e = errno
            unlink(tempPath)
            throw CaptureError(.writeFailed, "rename to \(path) failed: \(String(cString: strerror(e)))")
        }
        committed = true
    }

    /// Copies every record for which some event satisfies `predicate` from `input` to `output`,
    /// byte-identical (same timestamps, lengths and bytes; link type kept; written as
    /// nanosecond pcap). A message rebuilt from IP fragments or TCP segments selects only the
    /// frame that completed it. Returns the number of records copied.
    @discardableResult
    public static func extract(
        from input: String, to output: String, filter: String? = nil, options: CaptureOptions = .init(),
        where predicate: (borrowing CaptureEvent) throws -> Bool
    ) throws -> Int {
        let reader = try CaptureReader(path: input, filter: filter, options: options)
        let writer = try CaptureWriter(path: output, dlt: reader.dataLinkType, linkType: reader.linkType,
                                       snapLength: max(reader.snapLength, 65_535), nanosecond: true)
        var selected = false
        try reader.run({ ev in
            if try predicate(ev) { selected = true }
        }, afterFrame: { hdr, data, _ in
            if selected { writer.writeRaw(hdr, data) }
            selected = false
        })
        try writer.commit()
        return writer.framesWritten
    }
}

/// Addresses and header fields for frames built by `FrameBuilder` / `CaptureWriter.writeIKE`.
public struct FrameSpec: Hashable, Sendable {
    public var sourceMAC = MACAddress(rawValue: 0x02_00_00_00_00_01)
    public var destinationMAC = MACAddress(rawValue: 0x02_00_00_00_00_02)
    /// 802.1Q VLAN IDs, outermost first (the outer one uses TPID 0x88A8 when there are two).
    public var vlans: [UInt16] = []
    public var source = IPAddress.v4(0xc000_0201)  // 192.0.2.1
    public var destination = IPAddress.v4(0xc000_0202)  // 192.0.2.2
    /// UDP/TCP ports. `nil` (the default) takes the well-known port of what is written: 500 for
    /// IKE over `.udp` and for `writeUDP`, 4500 for IKE over `.udpNATT`, ESP-in-UDP, NAT keepalives
    /// and TCP. `writeIKE` rejects a port that contradicts its transport (see there).
    public var sourcePort: UInt16? = nil
    public var destinationPort: UInt16? = nil
    /// IPv4 TTL / IPv6 Hop Limit.
    public var ttl: UInt8 = 64
    /// IPv4 Identification.
    public var ipID: UInt16 = 0
    public var dontFragment = false
    public init() {}
}

extension FrameSpec {
    /// IKE's port without the non-ESP marker (RFC 7296 §2).
    public static let ikePort: UInt16 = 500
    /// The NAT-T port: IKE after the non-ESP marker, ESP-in-UDP, keepalives (RFC 3948 §2).
    public static let nattPort: UInt16 = 4500

    /// The spec with unset ports filled in with `port`.
    func withPorts(defaulting port: UInt16) -> FrameSpec {
        var s = self
        s.sourcePort = sourcePort ?? port
        s.destinationPort = destinationPort ?? port
        return s
    }

    /// The spec with its ports resolved for NAT-T traffic (IKE with the marker, ESP-in-UDP,
    /// keepalives): unset ports become 4500; an explicit 500 is an error, since a reader takes
    /// port 500 as IKE without the marker (RFC 7296 §2.23, RFC 3948 §2.2).
    func resolvedForNATT(_ what: String) throws(CaptureError) -> FrameSpec {
        let s = withPorts(defaulting: Self.nattPort)
        if s.sourcePort == Self.ikePort || s.destinationPort == Self.ikePort {
            throw CaptureError(.invalidArgument, "\(what) on port 500 contradicts its transport: port 500 carries IKE without the non-ESP marker (RFC 3948 §2.2); leave the ports unset (4500) or use another port")
        }
        return s
    }
}

extension CaptureWriter {
    /// Writes an IKE message as Ethernet(+VLAN)/IPv4|IPv6/UDP (or the writer's link type):
    /// `.udp` puts the message right after the UDP header (RFC 7296 §2), `.udpNATT` prepends
    /// the 4-byte non-ESP marker (RFC 3948 §2.2). Lengths and checksums are computed.
    ///
    /// Transport and ports agree by construction: a port left `nil` in `spec` becomes 500 for
    /// `.udp` and 4500 for `.udpNATT`. An explicit port that contradicts the transport (4500 with
    /// `.udp`, 500 with `.udpNATT`) throws `.invalidArgument`, since a reader would mis-frame the
    /// datagram. Other ports are written as given (readers then need them configured, e.g.
    /// `CaptureOptions.ikePorts` / `nattPorts`). `.tcp`, `.ip` and `.none` are not UDP and throw.
    public func writeIKE(_ message: [UInt8], spec: FrameSpec, transport: TransportKind = .udp, timestampNanoseconds: Int64) throws(CaptureError) {
        let payload: [UInt8]
        let resolved: FrameSpec
        switch transport {
        case .udp:
            resolved = spec.withPorts(defaulting: FrameSpec.ikePort)
            if resolved.sourcePort == FrameSpec.nattPort || resolved.destinationPort == FrameSpec.nattPort {
                throw CaptureError(.invalidArgument, "IKE over .udp on port 4500 contradicts its transport: port 4500 expects the non-ESP marker (RFC 3948 §2.2); use transport .udpNATT or leave the ports unset (500)")
            }
            payload = message
        case .udpNATT:
            resolved = try spec.resolvedForNATT("IKE over .udpNATT")
            payload = [0, 0, 0, 0] + message
        case .tcp, .ip, .none:
            throw CaptureError(.invalidArgument, "writeIKE writes UDP only (transport .udp or .udpNATT)")
        }
        try writeUDP(payload, spec: resolved, timestampNanoseconds: timestampNanoseconds)
    }

    /// Writes an ESP-in-UDP packet (RFC 3948 §2.1): SPI, sequence number, then `body`. Unset
    /// ports become 4500; an explicit port 500 throws (see `writeIKE`).
    public func writeESPInUDP(spi: UInt32, sequence: UInt32, body: [UInt8], spec: FrameSpec, timestampNanoseconds: Int64) throws(CaptureError) {
        try writeUDP(FrameBuilder.be32(spi) + FrameBuilder.be32(sequence) + body,
                     spec: spec.resolvedForNATT("ESP-in-UDP"), timestampNanoseconds: timestampNanoseconds)
    }

    /// Writes an ESP packet straight over IP (RFC 4303 §2, IP protocol 50; no UDP): SPI,
    /// sequence number, then `body`.
    public func writeESPInIP(spi: UInt32, sequence: UInt32, body: [UInt8], spec: FrameSpec, timestampNanoseconds: Int64) throws(CaptureError) {
        let ip = try FrameBuilder.ip(FrameBuilder.be32(spi) + FrameBuilder.be32(sequence) + body, protocol: 50, spec: spec)
        try write(FrameBuilder.link(ip, linkType: linkType, spec: spec), timestampNanoseconds: timestampNanoseconds)
    }

    /// Writes an AH packet (RFC 4302 §2, IP protocol 51): Next Header, Payload Len, Reserved,
    /// SPI, Sequence Number, `icv`, then `payload` (the protected upper-layer bytes, e.g. a UDP
    /// datagram built with `FrameBuilder.udp`). The header length must be a multiple of 4
    /// octets for IPv4 and 8 for IPv6 (RFC 4302 §2.2), so `icv` is sized accordingly.
    public func writeAH(spi: UInt32, sequence: UInt32, nextHeader: UInt8, icv: [UInt8], payload: [UInt8], spec: FrameSpec,
                        timestampNanoseconds: Int64) throws(CaptureError) {
        let length = 12 + icv.count
        let unit = spec.source.isIPv6 ? 8 : 4
        guard length % unit == 0, length / 4 - 2 <= 255 else {
            throw CaptureError(.invalidArgument, "AH ICV of \(icv.count) octets does not make a header length multiple of \(unit)")
        }
        let ah = [nextHeader, UInt8(length / 4 - 2), 0, 0] + FrameBuilder.be32(spi) + FrameBuilder.be32(sequence) + icv
        let ip = try FrameBuilder.ip(ah + payload, protocol: 51, spec: spec)
        try write(FrameBuilder.link(ip, linkType: linkType, spec: spec), timestampNanoseconds: timestampNanoseconds)
    }

    /// Writes a NAT-keepalive (RFC 3948 §2.3): one 0xFF byte over UDP. Unset ports become 4500;
    /// an explicit port 500 throws (see `writeIKE`).
    public func writeNATKeepalive(spec: FrameSpec, timestampNanoseconds: Int64) throws(CaptureError) {
        try writeUDP([0xff], spec: spec.resolvedForNATT("a NAT keepalive"), timestampNanoseconds: timestampNanoseconds)
    }

    /// Writes any UDP payload with the spec's addresses and ports (unset ports: 500).
    public func writeUDP(_ payload: [UInt8], spec: FrameSpec, timestampNanoseconds: Int64) throws(CaptureError) {
        let udp = try FrameBuilder.udp(payload, spec: spec)
        let ip = try FrameBuilder.ip(udp, protocol: 17, spec: spec)
        try write(FrameBuilder.link(ip, linkType: linkType, spec: spec), timestampNanoseconds: timestampNanoseconds)
    }
}
