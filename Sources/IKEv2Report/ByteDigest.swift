/// A 128-bit digest of bytes (two FNV-1a 64 lanes, with the length), only ever compared for
/// equality: a retransmission repeats the bytes (RFC 7296 §2.1), a copy at another capture point
/// too, a reused counter does not. Not cryptographic: a crafted collision could hide a reuse.
struct ByteDigest: Hashable, Sendable {
    var a: UInt64
    var b: UInt64

    init(a: UInt64, b: UInt64) {
        self.a = a
        self.b = b
    }

    init(_ bytes: RawSpan) {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x6c62_272e_07bb_0142
        for i in 0..<bytes.byteCount {
            let x = UInt64(bytes.unsafeLoad(fromByteOffset: i, as: UInt8.self))
            a = (a ^ x) &* 0x0000_0100_0000_01b3
            b = (b ^ (x &+ 0x9e)) &* 0x0000_0100_0000_01b3
        }
        self.a = a ^ UInt64(bytes.byteCount)
        self.b = b
    }

    /// The 16 octets, big-endian lanes.
    var octets: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16)
        for v in [a, b] {
            for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) }
        }
        return out
    }
}
