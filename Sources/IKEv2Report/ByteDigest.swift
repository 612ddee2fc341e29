/// A 128-bit digest of bytes (two multiply-rotate lanes over 8-byte words, with the length),
/// only ever compared for equality: a retransmission repeats the bytes (RFC 7296 §2.1), a copy at another capture point
/// too, a reused counter does not. Not cryptographic: a crafted collision could hide a reuse.
struct ByteDigest: Hashable, Sendable {
    var a: UInt64
    var b: UInt64

    init(a: UInt64, b: UInt64) {
        self.a = a
        self.b = b
    }

    init(_ bytes: RawSpan) {
        // Two 64-bit lanes over 8-byte words (multiply, rotate, multiply), the tail and the
        // length folded in last, then a final avalanche per lane.
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x6c62_272e_07bb_0142
        let n = bytes.byteCount
        var i = 0
        while i + 8 <= n {
            let w = UInt64(littleEndian: bytes.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self))
            a = Self.rotate((a ^ w) &* 0x9e37_79b9_7f4a_7c15, 29) &* 0x0000_0100_0000_01b3
            b = Self.rotate((b ^ w) &* 0xc2b2_ae3d_27d4_eb4f, 31) &* 0x1656_67b1_9e37_79f9
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes.unsafeLoad(fromByteOffset: i, as: UInt8.self)) << shift
            shift += 8
            i += 1
        }
        a = Self.rotate((a ^ tail) &* 0x9e37_79b9_7f4a_7c15, 29) ^ UInt64(n)
        b = Self.rotate((b ^ tail ^ 0x9e) &* 0xc2b2_ae3d_27d4_eb4f, 31)
        self.a = Self.mix(a)
        self.b = Self.mix(b)
    }

    @inline(__always) static func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { x << k | x >> (64 - k) }

    /// A 64-bit finaliser (xor-shift-multiply), so that every input bit reaches every output bit.
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
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
