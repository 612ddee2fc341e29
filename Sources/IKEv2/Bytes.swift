// Bounds-checked big-endian reads over a `RawSpan`, and a growable writer for serialization.
//
// Every read below is bounds-checked by `RawSpan` itself (a miss traps), so callers validate
// lengths first and throw `IKEError`; these helpers are the only place the codec loads bytes.

extension RawSpan {
    /// The byte at `offset`. The caller has checked `offset < byteCount`.
    @inlinable @inline(__always)
    func u8(_ offset: Int) -> UInt8 {
        unsafeLoad(fromByteOffset: offset, as: UInt8.self)
    }

    /// A big-endian `UInt16` at `offset`. The caller has checked `offset + 2 <= byteCount`.
    @inlinable @inline(__always)
    func u16(_ offset: Int) -> UInt16 {
        UInt16(bigEndian: unsafeLoadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// A big-endian `UInt32` at `offset`. The caller has checked `offset + 4 <= byteCount`.
    @inlinable @inline(__always)
    func u32(_ offset: Int) -> UInt32 {
        UInt32(bigEndian: unsafeLoadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// A big-endian `UInt64` at `offset`. The caller has checked `offset + 8 <= byteCount`.
    @inlinable @inline(__always)
    func u64(_ offset: Int) -> UInt64 {
        UInt64(bigEndian: unsafeLoadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// An owned copy of the bytes (allocates: only for callers that ask for owned values).
    /// `package`: these helpers on the standard library's `RawSpan` stay out of users' namespace.
    package func copyBytes() -> [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// An owned copy of `range`; the caller has checked the range.
    func copyBytes(_ range: Range<Int>) -> [UInt8] {
        extracting(range).copyBytes()
    }

    /// Lowercase hex of the bytes (allocates a String).
    package func hexString() -> String {
        withUnsafeBytes { Hex.encode($0) }
    }

    /// Byte-wise equality with another span.
    package func bytesEqual(_ other: RawSpan) -> Bool {
        guard byteCount == other.byteCount else { return false }
        return withUnsafeBytes { a in other.withUnsafeBytes { b in a.elementsEqual(b) } }
    }
}

/// Lowercase hexadecimal text: the one definition of the toolkit's hex digits. Byte strings,
/// fixed-width integers (SPIs, nonces, MAC octets) and minimal-width integers (IPv6 groups) in
/// every module and renderer are written by these functions, into a `String` or appended to a
/// byte buffer (the renderers' hot path).
package enum Hex {
    /// The lowercase ASCII hex digit of the low nibble of `n`.
    @inlinable @inline(__always)
    package static func digit(_ n: UInt8) -> UInt8 {
        let d = n & 0x0f
        return d < 10 ? 0x30 &+ d : 0x57 &+ d
    }

    /// Appends two digits per byte.
    @inlinable
    package static func append(bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        for b in bytes {
            out.append(digit(b >> 4))
            out.append(digit(b))
        }
    }

    /// Calls `emit` with the lowest `width` digits of `v` (width 0...16), most significant
    /// first, leading zeros included.
    @inlinable
    package static func write(_ v: UInt64, width: Int, _ emit: (UInt8) -> Void) {
        var shift = (min(width, 16) - 1) * 4
        while shift >= 0 {
            emit(digit(UInt8(truncatingIfNeeded: v >> UInt64(shift))))
            shift -= 4
        }
    }

    /// The number of digits of `v` without leading zeros (1 for zero).
    @inlinable
    package static func minimalWidth(_ v: UInt64) -> Int {
        var width = 1
        while width < 16 && v >> UInt64(4 * width) != 0 { width += 1 }
        return width
    }

    /// Appends the lowest `width` digits of `v` (width 0...16), leading zeros included.
    @inlinable
    package static func append(_ v: UInt64, width: Int, to out: inout [UInt8]) {
        write(v, width: width) { out.append($0) }
    }

    /// Lowercase hex of a byte sequence.
    package static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digit(b >> 4))
            out.append(digit(b))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The lowest `width` digits of `v`, leading zeros included (`fixed(spi, width: 16)`).
    package static func fixed(_ v: UInt64, width: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(max(0, min(width, 16)))
        append(v, width: width, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The digits of `v` without leading zeros (`0` for zero).
    package static func minimal(_ v: UInt64) -> String { fixed(v, width: minimalWidth(v)) }

    /// Bytes of a hex string (upper or lower case, optional `0x` prefix, no separators);
    /// `nil` for odd length or a non-hex character.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var utf8 = Array(text.utf8)
        if utf8.count >= 2, utf8[0] == UInt8(ascii: "0"), utf8[1] | 0x20 == UInt8(ascii: "x") {
            utf8.removeFirst(2)
        }
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// An append-only big-endian byte writer used by every serializer, with patching of
/// length fields written before their value is known.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u16(_ v: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v))
    }
    public mutating func u32(_ v: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }
    public mutating func u64(_ v: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }
    public mutating func append<C: Collection>(_ data: C) where C.Element == UInt8 { bytes.append(contentsOf: data) }
    public mutating func zeros(_ n: Int) { bytes.append(contentsOf: repeatElement(0, count: max(0, n))) }

    /// Overwrite a big-endian `UInt16` at `offset` (a position this writer already wrote).
    public mutating func patchU16(at offset: Int, _ v: UInt16) {
        guard offset >= 0, offset + 2 <= bytes.count else { return }
        bytes[offset] = UInt8(truncatingIfNeeded: v >> 8)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: v)
    }
    /// Overwrite a big-endian `UInt32` at `offset`.
    public mutating func patchU32(at offset: Int, _ v: UInt32) {
        guard offset >= 0, offset + 4 <= bytes.count else { return }
        for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: v >> UInt32(24 - 8 * i)) }
    }
    /// Overwrite one byte at `offset`.
    public mutating func patchU8(at offset: Int, _ v: UInt8) {
        guard offset >= 0, offset < bytes.count else { return }
        bytes[offset] = v
    }

    /// Patch a 16-bit length at `offset` with the number of bytes written since `start`.
    /// Lengths above 65535 are clamped; the builder validates sizes before writing.
    public mutating func patchLength16(at offset: Int, from start: Int) {
        patchU16(at: offset, UInt16(clamping: bytes.count - start))
    }
}
