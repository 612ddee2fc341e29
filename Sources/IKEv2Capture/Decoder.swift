// Frame -> link layer -> IPv4/IPv6 (+ reassembly) -> UDP/TCP/ESP -> IKE bytes.
// Layouts: the tcpdump.org link-type registry, RFC 791, RFC 8200 §4, RFC 768, RFC 3948 §2, RFC 9329 §3.

typealias EmitFunction = (CaptureEventKind, PacketMeta, UnsafeRawBufferPointer) throws -> Void

/// Decodes frames of one link type; holds the reassembly state and the counters.
final class FrameDecoder {
    let options: CaptureOptions
    /// The DLT_ value libpcap reports.
    let dlt: Int32
    var stats = CaptureStatistics()
    var ip: IPReassembler
    var tcp: TCPReassembler
    // Counters kept outside `stats` so that emitting (which may read `statistics`) never
    // overlaps an access to `stats`.
    var nIKE = 0, nESP = 0, nAH = 0, nKeepalive = 0, nTCPRecords = 0
    private var produced = false
    private var reason = IgnoredReason.malformed

    /// The link types this decoder understands (DLT values as libpcap reports them on Linux,
    /// plus the BSD spellings of RAW).
    static func supports(dlt: Int32) -> Bool {
        [0, 1, 12, 14, 101, 108, 113, 228, 229, 276].contains(dlt)
    }

    init(dlt: Int32, options: CaptureOptions) {
        self.dlt = dlt
        self.options = options
        ip = IPReassembler(limits: options.limits)
        tcp = TCPReassembler(limits: options.limits)
    }

    var statistics: CaptureStatistics {
        var s = stats
        s.ikeMessages = nIKE
        s.espPackets = nESP
        s.ahPackets = nAH
        s.natKeepalives = nKeepalive
        s.tcpRecords = nTCPRecords
        return s
    }

    /// Decodes one frame, calling `emit` for each event; emits `.ignored` when nothing else
    /// came out and `options.reportIgnored` is set.
    func decode(frame: UnsafeRawBufferPointer, meta: PacketMeta, emit: EmitFunction) throws {
        produced = false
        reason = .malformed
        var m = meta
        try decodeLink(SafeBytes(frame), &m, emit)
        if !produced && options.reportIgnored {
            try emit(.ignored(reason), m, UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }

    /// End of input: pending fragments and partial TCP records are counted as drops.
    func finish() {
        ip.finish(stats: &stats)
        tcp.finish(stats: &stats)
    }

    private func out(_ kind: CaptureEventKind, _ m: PacketMeta, _ bytes: UnsafeRawBufferPointer, _ emit: EmitFunction) throws {
        produced = true
        switch kind {
        case .ike: nIKE += 1
        case .esp: nESP += 1
        case .ah: nAH += 1
        case .natKeepalive: nKeepalive += 1
        case .ignored: break
        }
        try emit(kind, m, bytes)
    }

    // MARK: Link layer

    private func decodeLink(_ b: SafeBytes, _ m: inout PacketMeta, _ emit: EmitFunction) throws {
        switch dlt {
        case 1:  // Ethernet: dst(6) src(6) type(2)
            guard b.count >= 14 else { return }
            m.destinationMAC = b.mac(0)
            m.sourceMAC = b.mac(6)
            try decodeEtherType(b, type: b.u16(12), at: 14, &m, emit)
        case 113:  // Linux SLL: type(2) arphrd(2) alen(2) addr(8) proto(2)
            guard b.count >= 16 else { return }
            if b.u16(4) == 6 { m.sourceMAC = b.mac(6) }
            try decodeEtherType(b, type: b.u16(14), at: 16, &m, emit)
        case 276:  // Linux SLL2: proto(2) rsv(2) ifindex(4) arphrd(2) pkttype(1) alen(1) addr(8)
            guard b.count >= 20 else { return }
            if b.u8(11) == 6 { m.sourceMAC = b.mac(12) }
            try decodeEtherType(b, type: b.u16(0), at: 20, &m, emit)
        case 0, 108:  // NULL (host order) / LOOP (network order) address family
            guard b.count >= 4 else { return }
            var af = dlt == 108 ? b.u32(0) : b.u32le(0)
            if dlt == 0 && af > 0xffff { af = b.u32(0) }  // written by a host of the other byte order
            try decodeAF(af, SafeBytes(b.slice(4, b.count)), &m, emit)
        case 14:
            // 14 is DLT_RAW on OpenBSD/BSD/OS; a LOOP header would start 00 00 00 <af>.
            let af = b.u8(3)
            if b.count >= 4 && b.u8(0) == 0 && b.u16(1) == 0 && (af == 2 || af == 24 || af == 28 || af == 30) {
                try decodeAF(b.u32(0), SafeBytes(b.slice(4, b.count)), &m, emit)
            } else {
                try decodeIP(b, &m, emit)
            }
        case 12, 101:
            try decodeIP(b, &m, emit)
        case 228:
            try decodeIPv4(b, &m, emit)
        case 229:
            try decodeIPv6(b, &m, emit)
        default:
            reason = .unsupportedLinkProtocol
        }
    }

    private func decodeAF(_ af: UInt32, _ b: SafeBytes, _ m: inout PacketMeta, _ emit: EmitFunction) throws {
        switch af {
        case 2: try decodeIPv4(b, &m, emit)
        case 24, 28, 30: try decodeIPv6(b, &m, emit)  // NetBSD/OpenBSD/Npcap, FreeBSD, Darwin
        default: reason = .notIP
        }
    }

    private func decodeIP(_ b: SafeBytes, _ m: inout PacketMeta, _ emit: EmitFunction) throws {
        switch b.u8(0) >> 4 {
        case 4: try decodeIPv4(b, &m, emit)
        case 6: try decodeIPv6(b, &m, emit)
        default: reason = .notIP
        }
    }

    /// EtherType dispatch after any number (≤ 8) of 802.1Q / 802.1ad / QinQ tags.
    private func decodeEtherType(_ b: SafeBytes, type: UInt16, at offset: Int, _ m: inout PacketMeta, _ emit: EmitFunction) throws {
        var type = type
        var off = offset
        var tags = 0
        while type == 0x8100 || type == 0x88a8 || type == 0x9100 || type == 0x9200 {
            guard off + 4 <= b.count, tags < 8 else { return }
            let vid = b.u16(off) & 0x0fff
            if tags == 0 { m.outerVLAN = vid } else if tags == 1 { m.innerVLAN = vid }
            type = b.u16(off + 2)
            off += 4
            tags += 1
        }
        switch type {
        case 0x0800: try decodeIPv4(SafeBytes(b.slice(off, b.count)), &m, emit)
        case 0x86dd: try decodeIPv6(SafeBytes(b.slice(off, b.count)), &m, emit)
        default: reason = .notIP
        }
    }

    // MARK: IP

    /// IPv4 (RFC 791 §3.1). Trailing link padding is cut at Total Length.
    private func decodeIPv4(_ b: SafeBytes, _ m: inout PacketMeta, _ emit: EmitFunction) throws {
        guard b.count >= 20, b.u8(0) >> 4 == 4 else { reason = b.count >= 1 && b.u8(0) >> 4 != 4 ? .notIP : .malformed; return }
        let ihl = Int(b.u8(0) & 0x0f) * 4
        guard ihl >= 20, ihl <= b.count else { return }
        var total = Int(b.u16(2))
        if total == 0 { total = b.count }  // TSO captures leave Total Length 0
        guard total >= ihl else { return }
        let end = min(total, b.count)
        let truncated = b.count < total
        m.ipVersion = 4
        m.ttl = b.u8(8)
        m.ipID = UInt32(b.u16(4))
        m.source = b.ipv4(12)
        m.destination = b.ipv4(16)
        let proto = b.u8(9)
        let flags = b.u16(6)
        let more = flags & 0x2000 != 0
        let fragOffset = Int(flags & 0x1fff) * 8
        let payload = b.slice(ihl, end)
        if more || fragOffset != 0 {
            stats.ipFragments += 1
            if options.reassembleIP && !truncated {
                let key = FragmentKey(source: m.source, destination: m.destination, identification: m.ipID, proto: proto)
                let r = ip.add(key: key, offset: fragOffset, more: more, bytes: payload, ipv6: false,
                               nextHeader: proto, frame: m.frameNumber, time: m.timestampNanoseconds, stats: &stats)
                switch r {
                case .held:
                    reason = .fragmentHeld
                case .complete(let data, let firstFrame, _):
                    m.isReassembled = true
                    m.firstFrameNumber = firstFrame
                    try data.withUnsafeBytes { raw in
                        try decodeTransport(proto, SafeBytes(raw), truncated: false, &m, emit)
                    }
                }
            } else if fragOffset == 0 {
                // Like Wireshark: a first fragment that cannot be reassembled (here: cut by the
                // snaplen) is dissected as far as it goes.
                try decodeTransport(proto, SafeBytes(payload), truncated: true, &m, emit)
            } else {
                reason = .fragmentHeld
            }
            return
        }
        try decodeTransport(proto, SafeBytes(payload), truncated: truncated, &m, emit)
    }

    /// IPv6 (RFC 8200 §3); the extension-header walk follows.
    private func decodeIPv6(_ b: SafeBytes, _ m: inout PacketMeta, _ emit: EmitFunction) throws {
        guard b.count >= 40, b.u8(0) >> 4 == 6 else { reason = b.count >= 1 && b.u8(0) >> 4 != 6 ? .notIP : .malformed; return }
        let plen = Int(b.u16(4))
        let total = plen == 0 ? b.count : 40 + plen  // 0: jumbogram/TSO, use what is there
        let end = min(total, b.count)
        m.ipVersion = 6
        m.ttl = b.u8(7)
        m.ipID = 0
        m.source = b.ipv6(8)
        m.destination = b.ipv6(24)
        try walkIPv6(next: b.u8(6), SafeBytes(b.slice(0, end)), from: 40, truncated: b.count < total,
                     allowFragment: true, &m, emit)
    }

    /// Follows the extension-header chain (RFC 8200 §4, at most 16 headers) to the transport.
    private func walkIPv6(
        next: UInt8, _ b: SafeBytes, from start: Int, truncated: Bool, allowFragment: Bool,
        _ m: inout PacketMeta, _ emit: EmitFunction
    ) throws {
        var nh = next
        var off = start
        for _ in 0..<16 {
            switch nh {
            case 0, 43, 60, 135, 139, 140, 253, 254:
                guard off + 8 <= b.count else { return }
                let len = (Int(b.u8(off + 1)) + 1) * 8
                nh = b.u8(off)
                off += len
                guard off <= b.count else { return }
            case 51:  // AH (RFC 4302 §2): reported, then the walk goes on after it
                guard let len = try authenticationHeader(SafeBytes(b.slice(off, b.count)), truncated: truncated, &m, emit) else { return }
                nh = b.u8(off)
                off += len
            case 44:  // Fragment header (RFC 8200 §4.5)
                guard allowFragment, off + 8 <= b.count else { return }
                let fnh = b.u8(off)
                let word = b.u16(off + 2)
                let fragOffset = Int(word >> 3) * 8
                let more = word & 1 != 0
                let id = b.u32(off + 4)
                off += 8
                m.ipID = id
                if fragOffset == 0 && !more {  // atomic fragment (RFC 6946)
                    nh = fnh
                    continue
                }
                stats.ipFragments += 1
                let payload = b.slice(off, b.count)
                if options.reassembleIP && !truncated {
                    let key = FragmentKey(source: m.source, destination: m.destination, identification: id, proto: 0)
                    let r = ip.add(key: key, offset: fragOffset, more: more, bytes: payload, ipv6: true,
                                   nextHeader: fnh, frame: m.frameNumber, time: m.timestampNanoseconds, stats: &stats)
                    switch r {
                    case .held:
                        reason = .fragmentHeld
                    case .complete(let data, let firstFrame, let firstNH):
                        m.isReassembled = true
                        m.firstFrameNumber = firstFrame
                        try data.withUnsafeBytes { raw in
                            try walkIPv6(next: firstNH ?? fnh, SafeBytes(raw), from: 0, truncated: false,
                                         allowFragment: false, &m, emit)
                        }
                    }
                } else if fragOffset == 0 {
                    try walkIPv6(next: fnh, SafeBytes(payload), from: 0, truncated: true, allowFragment: false, &m, emit)
                } else {
                    reason = .fragmentHeld
                }
                return
            case 59:
                reason = .otherTraffic
                return
            default:
                try decodeTransport(nh, SafeBytes(b.slice(off, b.count)), truncated: truncated, &m, emit)
                return
            }
        }
    }

    // MARK: Transport

    private enum PortRole { case none, ike, natt }

    private func role(_ port: UInt16) -> PortRole {
        if options.ikePorts.contains(port) { return .ike }
        if options.nattPorts.contains(port) { return .natt }
        return .none
    }

    private func decodeTransport(_ proto: UInt8, _ b: SafeBytes, truncated: Bool, _ m: inout PacketMeta, _ emit: EmitFunction) throws {
        switch proto {
        case 17:
            try decodeUDP(b, truncated: truncated, &m, emit)
        case 6:
            try decodeTCP(b, truncated: truncated, &m, emit)
        case 50:  // ESP in IP (RFC 4303 §2)
            guard b.count >= 8 else { return }
            m.transport = .ip
            m.isTruncated = m.isTruncated || truncated
            try out(.esp(spi: b.u32(0), sequence: b.u32(4)), m, b.raw, emit)
        case 51:  // AH (RFC 4302 §2), then what it protects (one level: AH after AH is not followed)
            guard let len = try authenticationHeader(b, truncated: truncated, &m, emit) else { return }
            let next = b.u8(0)
            guard next != 51 else { return }
            try decodeTransport(next, SafeBytes(b.slice(len, b.count)), truncated: truncated, &m, emit)
        default:
            reason = .otherTraffic
        }
    }

    /// An AH header (RFC 4302 §2.1-2.5): Next Header (1), Payload Len (1, the header length in
    /// 4-octet units minus 2), Reserved (2), SPI (4), Sequence Number (4), ICV. Emits `.ah` and
    /// returns the header length, or nil when it is too short or its length runs past the data.
    private func authenticationHeader(_ b: SafeBytes, truncated: Bool, _ m: inout PacketMeta, _ emit: EmitFunction) throws -> Int? {
        guard b.count >= 12 else { return nil }
        let len = (Int(b.u8(1)) + 2) * 4
        guard len >= 12, len <= b.count else { return nil }
        m.transport = .ip
        m.isTruncated = m.isTruncated || truncated
        try out(.ah(spi: b.u32(4), sequence: b.u32(8)), m, b.slice(0, len), emit)
        return len
    }

    /// UDP (RFC 768). The lower port is tried first, as Wireshark does, so 500↔4500 is port 500.
    private func decodeUDP(_ b: SafeBytes, truncated: Bool, _ m: inout PacketMeta, _ emit: EmitFunction) throws {
        guard b.count >= 8 else { return }
        let sp = b.u16(0), dp = b.u16(2)
        let ulen = Int(b.u16(4))
        m.sourcePort = sp
        m.destinationPort = dp
        var end = b.count
        var cut = truncated
        if ulen >= 8 {
            if ulen <= b.count { end = ulen } else { cut = true }
        } else if ulen != 0 {
            return
        }
        let lo = min(sp, dp), hi = max(sp, dp)
        var r = role(lo)
        if r == .none { r = role(hi) }
        let data = SafeBytes(b.slice(8, end))
        m.isTruncated = m.isTruncated || cut
        switch r {
        case .none:
            reason = .otherTraffic
        case .ike:
            m.transport = .udp
            guard data.count > 0 else { return }
            try out(.ike, m, data.raw, emit)
        case .natt:
            m.transport = .udpNATT
            try classifyNATT(data, &m, emit)
        }
    }

    /// RFC 3948 §2: keepalive (1 byte 0xFF), non-ESP marker + IKE, or ESP (SPI ≠ 0).
    private func classifyNATT(_ data: SafeBytes, _ m: inout PacketMeta, _ emit: EmitFunction) throws {
        if data.count == 1 && data.u8(0) == 0xff {
            try out(.natKeepalive, m, data.raw, emit)
        } else if data.count >= 4 && data.u32(0) == 0 {
            let ike = data.slice(4, data.count)
            guard !ike.isEmpty else { return }
            try out(.ike, m, ike, emit)
        } else if data.count >= 8 {
            try out(.esp(spi: data.u32(0), sequence: data.u32(4)), m, data.raw, emit)
        }
    }

    /// TCP (RFC 9293 §3.1) carrying RFC 9329 framing.
    private func decodeTCP(_ b: SafeBytes, truncated: Bool, _ m: inout PacketMeta, _ emit: EmitFunction) throws {
        guard b.count >= 20 else { return }
        let sp = b.u16(0), dp = b.u16(2)
        m.sourcePort = sp
        m.destinationPort = dp
        guard options.reassembleTCP, options.tcpPorts.contains(sp) || options.tcpPorts.contains(dp) else {
            reason = .otherTraffic
            return
        }
        let seq = b.u32(4)
        let dataOffset = Int(b.u8(12) >> 4) * 4
        let flags = b.u8(13)
        guard dataOffset >= 20, dataOffset <= b.count else { return }
        m.transport = .tcp
        reason = .segmentHeld
        if truncated {
            // Bytes missing from the stream: the segment cannot be used.
            stats.drop(.tcpGap)
            return
        }
        let key = TCPStreamKey(source: m.source, destination: m.destination, sourcePort: sp, destinationPort: dp)
        var local = CaptureStatistics()
        let meta = m
        try tcp.add(key: key, seq: seq, flags: flags, payload: b.slice(dataOffset, b.count),
                    frame: m.frameNumber, time: m.timestampNanoseconds, stats: &local) { raw, record, head in
            var mm = meta
            if head != meta.frameNumber {
                mm.isReassembled = true
                mm.firstFrameNumber = head
            }
            let rb = SafeBytes(raw)
            switch record {
            case .ike(let r):
                nTCPRecords += 1
                try out(.ike, mm, rb.slice(r.lowerBound, r.upperBound), emit)
            case .esp(let r, let spi, let seq):
                nTCPRecords += 1
                try out(.esp(spi: spi, sequence: seq), mm, rb.slice(r.lowerBound, r.upperBound), emit)
            case .keepalive:
                try out(.natKeepalive, mm, UnsafeRawBufferPointer(start: nil, count: 0), emit)
            case .malformed:
                break
            }
        }
        for (k, v) in local.drops { stats.drop(k, v) }
    }
}
