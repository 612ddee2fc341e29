import IKEv2Capture

/// Folds the copies of one packet seen at several capture points (each cluster member, the
/// peer side) into one observation, before the failover analyzer sees them.
///
/// A packet is the same when its IKE message bytes are identical (a 128-bit digest) or, for
/// ESP, its SPI and sequence number are; it is a further *sighting* when an earlier copy was
/// seen at a different capture point within `window` nanoseconds of the first copy. A copy seen
/// again at a capture point that already saw it is a real retransmission (RFC 7296 §2.1) and
/// starts a new observation. Memory is bounded: at most `capacity` packets are remembered;
/// beyond that the oldest is forgotten early (counted in `evicted`).
struct SightingFilter {
    struct Key: Hashable {
        var a: UInt64
        var b: UInt64
    }
    struct Entry {
        var time: Int64
        /// Capture points (bit = `PacketMeta.captureIndex`, at most 64) that saw it.
        var points: UInt64
    }

    let window: Int64
    let capacity: Int
    private var entries: [Key: Entry] = [:]
    /// Insertion order for expiry: a ring of (key, time).
    private var ring: [(Key, Int64)] = []
    private var head = 0
    private var queued = 0
    private(set) var evicted = 0

    init(windowNanoseconds: Int64, capacity: Int = 65_536) {
        window = max(0, windowNanoseconds)
        self.capacity = max(1, capacity)
    }

    /// Whether this IKE message is another sighting of one already passed on.
    mutating func isRepeat(ike bytes: RawSpan, meta: PacketMeta) -> Bool {
        isRepeat(Self.digest(bytes), meta: meta)
    }

    /// Whether this ESP packet is another sighting of one already passed on.
    mutating func isRepeat(espSPI spi: UInt32, sequence: UInt32, meta: PacketMeta) -> Bool {
        // b = 1 keeps ESP keys apart from message digests (whose b lane is never 1 in practice).
        isRepeat(Key(a: UInt64(spi) << 32 | UInt64(sequence), b: 1), meta: meta)
    }

    mutating func isRepeat(_ key: Key, meta: PacketMeta) -> Bool {
        let now = meta.timestampNanoseconds
        expire(before: now.subtractingReportingOverflow(window).partialValue)
        let bit: UInt64 = meta.captureIndex >= 0 && meta.captureIndex < 64 ? 1 << UInt64(meta.captureIndex) : 0
        if var e = entries[key], bit != 0, e.points & bit == 0 {
            let (d, o) = now.subtractingReportingOverflow(e.time)
            if !o, d.magnitude <= UInt64(window) {
                e.points |= bit
                entries[key] = e
                return true
            }
        }
        entries[key] = Entry(time: now, points: bit)
        push(key, now)
        return false
    }

    private mutating func push(_ key: Key, _ time: Int64) {
        if queued == capacity {
            // Full: forget the oldest now.
            let (k, t) = ring[head]
            if entries[k]?.time == t { entries[k] = nil; evicted += 1 }
            head = (head + 1) % capacity
            queued -= 1
        }
        if ring.count < capacity {
            ring.append((key, time))
        } else {
            ring[(head + queued) % capacity] = (key, time)
        }
        queued += 1
    }

    private mutating func expire(before limit: Int64) {
        while queued > 0 {
            let (k, t) = ring[head]
            guard t < limit else { return }
            if entries[k]?.time == t { entries[k] = nil }
            head = (head + 1) % capacity
            queued -= 1
        }
    }

    /// The message's `ByteDigest` (its second lane never 1, which marks ESP keys).
    static func digest(_ bytes: RawSpan) -> Key {
        let d = ByteDigest(bytes)
        return Key(a: d.a, b: d.b == 1 ? 2 : d.b)
    }
}
