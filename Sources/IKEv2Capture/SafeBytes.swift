// Bounds-checked reads over an `UnsafeRawBufferPointer` for the frame decoder.
//
// `UnsafeRawBufferPointer`'s subscript is not checked in release builds, so every read here
// checks the index itself and yields 0 when it is outside the buffer. Callers still check
// lengths before interpreting fields (a 0 from a short buffer is never taken as data).

struct SafeBytes {
    let raw: UnsafeRawBufferPointer

    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

    @inline(__always) var count: Int { raw.count }

    @inline(__always)
    func u8(_ i: Int) -> UInt8 {
        guard i >= 0 && i < raw.count else { return 0 }
        return raw[i]
    }

    @inline(__always)
    func u16(_ i: Int) -> UInt16 { UInt16(u8(i)) << 8 | UInt16(u8(i &+ 1)) }

    @inline(__always)
    func u32(_ i: Int) -> UInt32 {
        UInt32(u8(i)) << 24 | UInt32(u8(i &+ 1)) << 16 | UInt32(u8(i &+ 2)) << 8 | UInt32(u8(i &+ 3))
    }

    @inline(__always)
    func u32le(_ i: Int) -> UInt32 {
        UInt32(u8(i &+ 3)) << 24 | UInt32(u8(i &+ 2)) << 16 | UInt32(u8(i &+ 1)) << 8 | UInt32(u8(i))
    }

    func u64(_ i: Int) -> UInt64 { UInt64(u32(i)) << 32 | UInt64(u32(i &+ 4)) }

    /// The sub-buffer `from..<to`, clamped to the buffer (empty when the range is inverted).
    func slice(_ from: Int, _ to: Int) -> UnsafeRawBufferPointer {
        let a = max(0, min(from, raw.count))
        let b = max(a, min(to, raw.count))
        return UnsafeRawBufferPointer(rebasing: raw[a..<b])
    }

    /// IPv4 (4 bytes) or IPv6 (16 bytes) address at `i`; the caller has checked the length.
    func ipv4(_ i: Int) -> IPAddress { .v4(u32(i)) }
    func ipv6(_ i: Int) -> IPAddress { .v6(u64(i), u64(i &+ 8)) }

    func mac(_ i: Int) -> MACAddress {
        MACAddress(rawValue: UInt64(u16(i)) << 32 | UInt64(u32(i &+ 2)))
    }
}
