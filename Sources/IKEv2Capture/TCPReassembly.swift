// Bounded TCP stream reassembly for IKE/ESP over TCP (RFC 9329 §3-§4; same framing as RFC 8229).

/// One direction of a TCP connection.
struct TCPStreamKey: Hashable {
    var source: IPAddress
    var destination: IPAddress
    var sourcePort: UInt16
    var destinationPort: UInt16
}

struct TCPStream {
    /// Next expected sequence number (nil until the first segment).
    var nextSeq: UInt32? = nil
    /// In-order bytes not yet consumed as records.
    var buffer: [UInt8] = []
    /// Frame that delivered `buffer`'s first byte.
    var headFrame = 0
    /// Out-of-order segments by sequence number.
    var outOfOrder: [UInt32: [UInt8]] = [:]
    var outOfOrderBytes = 0
    /// The 6-byte "IKETCP" prefix question is settled (RFC 9329 §3).
    var prefixChecked = false
    /// Framing error or overflow: ignore data until a new SYN.
    var broken = false
    var lastTime: Int64 = 0

    var heldBytes: Int { buffer.count + outOfOrderBytes }
}

/// One record cut from a stream (RFC 9329 §3.1).
enum TCPRecord {
    case ike(Range<Int>)
    case esp(Range<Int>, spi: UInt32, sequence: UInt32)
    case keepalive
    case malformed
}

struct TCPReassembler {
    var limits: ReassemblyLimits
    private(set) var streams: [TCPStreamKey: TCPStream] = [:]
    private(set) var heldBytes = 0

    init(limits: ReassemblyLimits) { self.limits = limits }

    static let prefix: [UInt8] = Array("IKETCP".utf8)

    private mutating func evictOldest(except keep: TCPStreamKey, stats: inout CaptureStatistics) -> Bool {
        var oldest: (TCPStreamKey, Int64)? = nil
        for (k, s) in streams where k != keep {
            if oldest == nil || s.lastTime < (oldest?.1 ?? .max) { oldest = (k, s.lastTime) }
        }
        guard let (k, _) = oldest, let s = streams.removeValue(forKey: k) else { return false }
        heldBytes -= s.heldBytes
        stats.drop(.tcpBufferFull)
        return true
    }

    /// Adds one segment and calls `emit` for each complete record, with the stream buffer
    /// (valid only during the call), the record and the frame that delivered its first byte.
    mutating func add(
        key: TCPStreamKey, seq: UInt32, flags: UInt8, payload: UnsafeRawBufferPointer,
        frame: Int, time: Int64, stats: inout CaptureStatistics,
        emit: (UnsafeRawBufferPointer, TCPRecord, Int) throws -> Void
    ) rethrows {
        let syn = flags & 0x02 != 0
        let finOrRst = flags & 0x05 != 0
        if streams[key] == nil {
            if payload.isEmpty && !syn { return }
            if streams.count >= limits.maxTCPStreams { _ = evictOldest(except: key, stats: &stats) }
            streams[key] = TCPStream()
        }
        guard var s = streams.removeValue(forKey: key) else { return }
        heldBytes -= s.heldBytes
        defer {
            if finOrRst && s.outOfOrder.isEmpty {
                // Connection closing: whatever partial record is left can never complete.
                if !s.buffer.isEmpty && !s.broken { stats.drop(.tcpGap) }
            } else {
                heldBytes += s.heldBytes
                streams[key] = s
            }
        }
        s.lastTime = time
        var seq = seq
        if syn {
            s = TCPStream()
            s.lastTime = time
            seq = seq &+ 1
            s.nextSeq = seq
        }
        if s.broken || payload.isEmpty { return }
        if s.nextSeq == nil { s.nextSeq = seq }
        guard let expected = s.nextSeq else { return }
        var data = payload
        let rel = Int32(bitPattern: seq &- expected)
        if rel < 0 {
            // Retransmission or overlap: keep only bytes beyond what we have.
            let skip = Int(-Int64(rel))
            if skip >= data.count { return }
            data = UnsafeRawBufferPointer(rebasing: data[skip...])
        } else if rel > 0 {
            if s.outOfOrder[seq] == nil {
                s.outOfOrder[seq] = Array(data)
                s.outOfOrderBytes += data.count
            }
            if s.heldBytes > limits.maxTCPBytesPerStream { overflow(&s, stats: &stats) }
            return
        }
        if s.buffer.isEmpty { s.headFrame = frame }
        s.buffer.append(contentsOf: data)
        s.nextSeq = expected &+ UInt32(truncatingIfNeeded: data.count)
        // Pull in out-of-order segments that now fit.
        var progressed = true
        while progressed && !s.outOfOrder.isEmpty {
            progressed = false
            guard let next = s.nextSeq else { break }
            for (k, v) in s.outOfOrder {
                let r = Int32(bitPattern: k &- next)
                if r <= 0 {
                    s.outOfOrder[k] = nil
                    s.outOfOrderBytes -= v.count
                    let skip = Int(-Int64(r))
                    if skip < v.count {
                        s.buffer.append(contentsOf: v[skip...])
                        s.nextSeq = next &+ UInt32(truncatingIfNeeded: v.count - skip)
                    }
                    progressed = true
                    break
                }
            }
        }
        if s.heldBytes > limits.maxTCPBytesPerStream {
            overflow(&s, stats: &stats)
            return
        }
        while heldBytes + s.heldBytes > limits.maxTCPTotalBytes {
            if !evictOldest(except: key, stats: &stats) { break }
        }
        try cutRecords(&s, frame: frame, stats: &stats, emit: emit)
    }

    private func overflow(_ s: inout TCPStream, stats: inout CaptureStatistics) {
        s.broken = true
        s.buffer = []
        s.outOfOrder = [:]
        s.outOfOrderBytes = 0
        stats.drop(.tcpBufferFull)
    }

    private func cutRecords(
        _ s: inout TCPStream, frame: Int, stats: inout CaptureStatistics,
        emit: (UnsafeRawBufferPointer, TCPRecord, Int) throws -> Void
    ) rethrows {
        var pos = 0
        if !s.prefixChecked {
            let n = min(s.buffer.count, 6)
            if s.buffer[0..<n].elementsEqual(Self.prefix[0..<n]) {
                if n < 6 { return }  // could still be the prefix
                pos = 6
            }
            s.prefixChecked = true
        }
        var consumedAny = false
        var bad = false
        var head = s.headFrame
        try s.buffer.withUnsafeBytes { raw in
            let b = SafeBytes(raw)
            while pos + 2 <= b.count {
                let len = Int(b.u16(pos))
                if len < 2 {
                    bad = true
                    return
                }
                guard pos + len <= b.count else { break }
                let start = pos + 2
                let end = pos + len
                let spanned = head
                let rlen = end - start
                if rlen == 0 {
                    // Length 2: empty record, ignored (RFC 9329 §3.1).
                } else if rlen == 1 && b.u8(start) == 0xff {
                    try emit(raw, .keepalive, spanned)
                } else if rlen >= 4 && b.u32(start) == 0 {
                    try emit(raw, .ike(start + 4..<end), spanned)
                } else if rlen >= 8 {
                    try emit(raw, .esp(start..<end, spi: b.u32(start), sequence: b.u32(start + 4)), spanned)
                } else {
                    try emit(raw, .malformed, spanned)
                }
                pos = end
                consumedAny = true
                head = frame
            }
        }
        if bad {
            stats.drop(.tcpBadFraming)
            s.broken = true
            s.buffer = []
            return
        }
        if pos > 0 { s.buffer.removeFirst(pos) }
        if consumedAny { s.headFrame = frame }
    }

    mutating func finish(stats: inout CaptureStatistics) {
        for (_, s) in streams where !s.broken && (!s.buffer.isEmpty || !s.outOfOrder.isEmpty) {
            stats.drop(.tcpGap)
        }
        streams.removeAll()
        heldBytes = 0
    }
}
