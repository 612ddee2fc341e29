// Bounded IP fragment reassembly (RFC 791 §3.2 for IPv4, RFC 8200 §4.5 for IPv6, RFC 5722 §4).

/// Identifies one datagram under reassembly: (source, destination, protocol, ID) for IPv4
/// (RFC 791 §3.2); (source, destination, ID) for IPv6 (RFC 8200 §4.5), protocol 0.
struct FragmentKey: Hashable {
    var source: IPAddress
    var destination: IPAddress
    var identification: UInt32
    var proto: UInt8
}

struct PendingDatagram {
    var data: [UInt8] = []
    /// Received pieces as half-open byte ranges, in arrival order (not merged).
    var pieces: [Range<Int>] = []
    /// Known once the last fragment (MF/M = 0) has arrived.
    var total: Int? = nil
    var firstFrame: Int
    var firstTime: Int64
    /// IPv6: Next Header from the fragment with offset 0 (the fragmentable part's first header).
    var nextHeader: UInt8? = nil
    /// IPv6 overlap seen: every fragment of this datagram is discarded (RFC 5722 §4).
    var poisoned = false
}

/// The outcome of adding one fragment.
enum FragmentResult {
    /// Held (or discarded) with nothing to deliver yet.
    case held
    /// The datagram is complete: its payload, the first contributing frame and (IPv6) the
    /// next header of the fragmentable part.
    case complete(data: [UInt8], firstFrame: Int, nextHeader: UInt8?)
}

struct IPReassembler {
    var limits: ReassemblyLimits
    private(set) var pending: [FragmentKey: PendingDatagram] = [:]
    /// Bytes held in all `data` buffers.
    private(set) var heldBytes = 0
    private var lastSweep: Int64? = nil

    init(limits: ReassemblyLimits) { self.limits = limits }

    var pendingCount: Int { pending.count }

    /// Drops datagrams older than the timeout; cheap to call per fragment (scans at most once
    /// per second of capture time).
    mutating func expire(now: Int64, stats: inout CaptureStatistics) {
        if let last = lastSweep, now >= last, now &- last < 1_000_000_000 { return }
        lastSweep = now
        let limit = limits.timeoutNanoseconds
        var dead: [FragmentKey] = []
        for (k, d) in pending where now &- d.firstTime > limit { dead.append(k) }
        for k in dead { remove(k, reason: .fragmentTimeout, stats: &stats) }
    }

    /// Removes an entry; counts a drop unless it was already counted (poisoned).
    private mutating func remove(_ key: FragmentKey, reason: DropReason?, stats: inout CaptureStatistics) {
        guard let d = pending.removeValue(forKey: key) else { return }
        heldBytes -= d.data.count
        if let reason, !d.poisoned { stats.drop(reason) }
    }

    /// Evicts the oldest pending datagram other than `keep`. Returns false if none.
    /// RFC 5722 §4: an IPv6 datagram with overlapping or inconsistent fragments is dropped whole,
    /// and the fragments still to come with it (the key stays, marked, until it expires).
    private mutating func poison(_ d: inout PendingDatagram, _ key: FragmentKey, stats: inout CaptureStatistics) {
        d.poisoned = true
        d.data = []
        d.pieces = []
        pending[key] = d
        stats.drop(.fragmentOverlap)
    }

    private mutating func evictOldest(except keep: FragmentKey, stats: inout CaptureStatistics) -> Bool {
        var oldest: (FragmentKey, Int64)? = nil
        for (k, d) in pending where k != keep {
            if oldest == nil || d.firstTime < (oldest?.1 ?? .max) { oldest = (k, d.firstTime) }
        }
        guard let (k, _) = oldest else { return false }
        remove(k, reason: .fragmentBufferFull, stats: &stats)
        return true
    }

    /// Adds one fragment.
    ///
    /// - Parameters:
    ///   - offset: byte offset of `bytes` in the datagram payload (Fragment Offset × 8).
    ///   - more: the MF (IPv4) / M (IPv6) flag.
    ///   - ipv6: selects the overlap rule: IPv6 discards the datagram on any overlap other than
    ///     an exact duplicate (RFC 5722 §4, RFC 8200 §4.5); IPv4 lets later data overwrite
    ///     earlier data, as RFC 791's reassembly procedure copies each fragment into the buffer.
    mutating func add(
        key: FragmentKey, offset: Int, more: Bool, bytes: UnsafeRawBufferPointer, ipv6: Bool,
        nextHeader: UInt8, frame: Int, time: Int64, stats: inout CaptureStatistics
    ) -> FragmentResult {
        expire(now: time, stats: &stats)
        let len = bytes.count
        let end = offset + len
        // Non-final fragments carry a multiple of 8 bytes (RFC 791 §3.2, RFC 8200 §4.5).
        if more && (len == 0 || len % 8 != 0) {
            stats.drop(.fragmentMalformed)
            return .held
        }
        if end > limits.maxDatagramSize {
            if pending[key] != nil { remove(key, reason: .fragmentTooLarge, stats: &stats) } else { stats.drop(.fragmentTooLarge) }
            return .held
        }
        if pending[key] == nil {
            if pending.count >= limits.maxPendingDatagrams {
                _ = evictOldest(except: key, stats: &stats)
            }
            pending[key] = PendingDatagram(firstFrame: frame, firstTime: time)
        }
        guard var d = pending.removeValue(forKey: key) else { return .held }
        heldBytes -= d.data.count
        // From here `d` is out of the table; every path puts it back or drops it.
        if d.poisoned {
            pending[key] = d
            return .held
        }
        // Consistency of the end marker.
        var inconsistent = false
        if !more {
            if let t = d.total, t != end { inconsistent = true }
            if d.pieces.contains(where: { $0.upperBound > end }) { inconsistent = true }
        } else if let t = d.total, end > t {
            inconsistent = true
        }
        if inconsistent {
            if ipv6 {
                poison(&d, key, stats: &stats)
            } else {
                stats.drop(.fragmentMalformed)
            }
            return .held
        }
        // Overlaps and duplicates.
        var overlapped = false
        for p in d.pieces where p.lowerBound < end && offset < p.upperBound {
            if p.lowerBound == offset && p.upperBound == end && d.data.count >= end
                && bytes.elementsEqual(d.data[offset..<end])
            {
                stats.duplicateFragments += 1
                heldBytes += d.data.count
                pending[key] = d
                return .held
            }
            overlapped = true
        }
        if overlapped {
            if ipv6 {
                poison(&d, key, stats: &stats)
                return .held
            }
            stats.overlappingFragments += 1
        }
        if d.pieces.count >= limits.maxFragmentsPerDatagram {
            stats.drop(.fragmentTooLarge)
            return .held
        }
        // Memory bound over all datagrams.
        let growth = max(0, end - d.data.count)
        while heldBytes + d.data.count + growth > limits.maxTotalBytes {
            if !evictOldest(except: key, stats: &stats) { break }
        }
        if heldBytes + d.data.count + growth > limits.maxTotalBytes {
            stats.drop(.fragmentBufferFull)
            return .held
        }
        if growth > 0 { d.data.append(contentsOf: repeatElement(0, count: growth)) }
        d.data.withUnsafeMutableBytes { dst in
            if len > 0, let base = dst.baseAddress, let src = bytes.baseAddress {
                (base + offset).copyMemory(from: src, byteCount: len)
            }
        }
        d.pieces.append(offset..<end)
        if !more { d.total = end }
        if offset == 0 { d.nextHeader = nextHeader }
        // Complete?
        if let t = d.total {
            let sorted = d.pieces.sorted { $0.lowerBound < $1.lowerBound }
            var covered = 0
            for p in sorted {
                if p.lowerBound > covered { break }
                covered = max(covered, p.upperBound)
            }
            if covered >= t {
                stats.datagramsReassembled += 1
                if d.data.count > t { d.data.removeLast(d.data.count - t) }
                return .complete(data: d.data, firstFrame: d.firstFrame, nextHeader: d.nextHeader)
            }
        }
        heldBytes += d.data.count
        pending[key] = d
        return .held
    }

    /// Counts every datagram still pending (end of file) and clears the table.
    mutating func finish(stats: inout CaptureStatistics) {
        for (_, d) in pending where !d.poisoned { stats.drop(.fragmentIncompleteAtEnd) }
        pending.removeAll()
        heldBytes = 0
    }
}
