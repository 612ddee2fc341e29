// Building frames: link headers, IPv4/IPv6, UDP/TCP with checksums, IP fragmentation.

/// Builds wire frames for writing captures (owned arrays; allocation is fine on this path).
package enum FrameBuilder {
    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(truncatingIfNeeded: v)] }
    static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }
    static func le32(_ v: UInt32) -> [UInt8] { be32(v).reversed() }

    /// The Internet checksum (RFC 1071): one's complement of the one's complement sum.
    package static func internetChecksum(_ chunks: [UInt8]...) -> UInt16 {
        var sum: UInt32 = 0
        for bytes in chunks {
            var i = 0
            while i + 1 < bytes.count {
                sum &+= UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
                i += 2
            }
            if i < bytes.count { sum &+= UInt32(bytes[i]) << 8 }
            while sum > 0xffff { sum = (sum & 0xffff) &+ (sum >> 16) }
        }
        return ~UInt16(truncatingIfNeeded: sum)
    }

    /// The pseudo-header for UDP/TCP checksums: RFC 768 (IPv4) / RFC 8200 §8.1 (IPv6).
    static func pseudoHeader(_ spec: FrameSpec, proto: UInt8, length: Int) -> [UInt8] {
        if spec.source.isIPv6 || spec.destination.isIPv6 {
            return spec.source.bytes + spec.destination.bytes + be32(UInt32(length)) + [0, 0, 0, proto]
        }
        return spec.source.bytes + spec.destination.bytes + [0, proto] + be16(UInt16(truncatingIfNeeded: length))
    }

    /// A UDP datagram (RFC 768) with the checksum over the pseudo-header (0 is sent as 0xFFFF);
    /// unset ports are 500.
    package static func udp(_ payload: [UInt8], spec: FrameSpec) throws(CaptureError) -> [UInt8] {
        let length = 8 + payload.count
        guard length <= 65_535 else { throw CaptureError(.invalidArgument, "UDP payload too long (\(payload.count))") }
        var d = be16(spec.sourcePort ?? FrameSpec.ikePort) + be16(spec.destinationPort ?? FrameSpec.ikePort) + be16(UInt16(length)) + [0, 0] + payload
        var c = internetChecksum(pseudoHeader(spec, proto: 17, length: length), d)
        if c == 0 { c = 0xffff }
        d[6] = UInt8(c >> 8)
        d[7] = UInt8(truncatingIfNeeded: c)
        return d
    }

    /// A TCP segment (RFC 9293 §3.1) with a 20-byte header and a correct checksum.
    /// `flags`: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10. Unset ports are 4500 (RFC 9329 §3).
    package static func tcp(_ payload: [UInt8], spec: FrameSpec, seq: UInt32, ack: UInt32 = 0, flags: UInt8 = 0x18, window: UInt16 = 65_535) throws(CaptureError) -> [UInt8] {
        let length = 20 + payload.count
        guard length <= 65_535 else { throw CaptureError(.invalidArgument, "TCP payload too long") }
        var d = be16(spec.sourcePort ?? FrameSpec.nattPort) + be16(spec.destinationPort ?? FrameSpec.nattPort) + be32(seq) + be32(ack)
        d += [0x50, flags] + be16(window) + [0, 0, 0, 0] + payload
        let c = internetChecksum(pseudoHeader(spec, proto: 6, length: length), d)
        d[16] = UInt8(c >> 8)
        d[17] = UInt8(truncatingIfNeeded: c)
        return d
    }

    /// An IPv4 (RFC 791) or IPv6 (RFC 8200) packet around `payload`, by the spec's address family.
    package static func ip(_ payload: [UInt8], protocol proto: UInt8, spec: FrameSpec) throws(CaptureError) -> [UInt8] {
        switch (spec.source, spec.destination) {
        case (.v4, .v4):
            let total = 20 + payload.count
            guard total <= 65_535 else { throw CaptureError(.invalidArgument, "IPv4 packet too long") }
            var h: [UInt8] = [0x45, 0] + be16(UInt16(total)) + be16(spec.ipID)
            h += be16(spec.dontFragment ? 0x4000 : 0) + [spec.ttl, proto, 0, 0]
            h += spec.source.bytes + spec.destination.bytes
            let c = internetChecksum(h)
            h[10] = UInt8(c >> 8)
            h[11] = UInt8(truncatingIfNeeded: c)
            return h + payload
        case (.v6, .v6):
            guard payload.count <= 65_535 else { throw CaptureError(.invalidArgument, "IPv6 payload too long") }
            return [0x60, 0, 0, 0] + be16(UInt16(payload.count)) + [proto, spec.ttl]
                + spec.source.bytes + spec.destination.bytes + payload
        default:
            throw CaptureError(.invalidArgument, "source and destination address families differ")
        }
    }

    /// Splits an IPv4 packet (header without options handled generally) into fragments whose
    /// data is at most `maxData` bytes (rounded down to a multiple of 8), RFC 791 §3.2.
    package static func fragmentIPv4(_ packet: [UInt8], maxData: Int) throws(CaptureError) -> [[UInt8]] {
        guard packet.count >= 20, packet[0] >> 4 == 4 else { throw CaptureError(.invalidArgument, "not an IPv4 packet") }
        let ihl = Int(packet[0] & 0x0f) * 4
        guard ihl >= 20, ihl <= packet.count else { throw CaptureError(.invalidArgument, "bad IHL") }
        let step = maxData / 8 * 8
        guard step >= 8 else { throw CaptureError(.invalidArgument, "maxData below 8") }
        let data = Array(packet[ihl...])
        var out: [[UInt8]] = []
        var off = 0
        while off < data.count || (off == 0 && data.isEmpty) {
            let end = min(off + step, data.count)
            let more = end < data.count
            var h = Array(packet[0..<ihl])
            let total = ihl + end - off
            h[2] = UInt8(total >> 8)
            h[3] = UInt8(truncatingIfNeeded: total)
            let fo = UInt16(off / 8) | (more ? 0x2000 : 0)
            h[6] = UInt8(fo >> 8)
            h[7] = UInt8(truncatingIfNeeded: fo)
            h[10] = 0
            h[11] = 0
            let c = internetChecksum(h)
            h[10] = UInt8(c >> 8)
            h[11] = UInt8(truncatingIfNeeded: c)
            out.append(h + data[off..<end])
            off = end
            if data.isEmpty { break }
        }
        return out
    }

    /// Splits an IPv6 packet (no extension headers) into fragments with a Fragment header
    /// (RFC 8200 §4.5), each carrying at most `maxData` bytes (multiple of 8 except the last).
    package static func fragmentIPv6(_ packet: [UInt8], maxData: Int, identification: UInt32) throws(CaptureError) -> [[UInt8]] {
        guard packet.count >= 40, packet[0] >> 4 == 6 else { throw CaptureError(.invalidArgument, "not an IPv6 packet") }
        let step = maxData / 8 * 8
        guard step >= 8 else { throw CaptureError(.invalidArgument, "maxData below 8") }
        let nh = packet[6]
        let data = Array(packet[40...])
        var out: [[UInt8]] = []
        var off = 0
        repeat {
            let end = min(off + step, data.count)
            let more = end < data.count
            var h = Array(packet[0..<40])
            let plen = 8 + end - off
            h[4] = UInt8(plen >> 8)
            h[5] = UInt8(truncatingIfNeeded: plen)
            h[6] = 44
            let word = UInt16(off / 8) << 3 | (more ? 1 : 0)
            let frag: [UInt8] = [nh, 0] + be16(word) + be32(identification)
            out.append(h + frag + data[off..<end])
            off = end
        } while off < data.count
        return out
    }

    /// Puts a link-layer header in front of an IP packet (the tcpdump.org link-type registry).
    ///
    /// Ethernet adds the spec's VLAN tags (two or more: outer TPID 0x88A8, inner 0x8100);
    /// NULL writes the address family in little-endian (this host's order), LOOP in big-endian;
    /// IPv6 families use 30 (Darwin) for NULL and 24 for LOOP; SLL/SLL2 carry the source MAC.
    package static func link(_ ip: [UInt8], linkType: LinkType, spec: FrameSpec) throws(CaptureError) -> [UInt8] {
        let v6 = ip.first.map { $0 >> 4 == 6 } ?? false
        let etherType: UInt16 = v6 ? 0x86dd : 0x0800
        switch linkType.rawValue {
        case 1:
            var h = spec.destinationMAC.bytes + spec.sourceMAC.bytes
            for (i, vid) in spec.vlans.enumerated() {
                let tpid: UInt16 = spec.vlans.count > 1 && i == 0 ? 0x88a8 : 0x8100
                h += be16(tpid) + be16(vid & 0x0fff)
            }
            return h + be16(etherType) + ip
        case 0:
            return le32(v6 ? 30 : 2) + ip
        case 108:
            return be32(v6 ? 24 : 2) + ip
        case 12, 14, 101, 228, 229:
            if linkType.rawValue == 228 && v6 || linkType.rawValue == 229 && !v6 {
                throw CaptureError(.invalidArgument, "address family does not match link type \(linkType)")
            }
            return ip
        case 113:
            // packet type 4 (outgoing), ARPHRD_ETHER 1, address length 6, address (8), protocol
            return [0, 4, 0, 1, 0, 6] + spec.sourceMAC.bytes + [0, 0] + be16(etherType) + ip
        case 276:
            return be16(etherType) + [0, 0] + be32(1) + [0, 1, 4, 6] + spec.sourceMAC.bytes + [0, 0] + ip
        default:
            throw CaptureError(.unsupportedLinkType, "cannot build frames for link type \(linkType.rawValue)")
        }
    }
}
