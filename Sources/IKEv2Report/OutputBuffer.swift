#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IKEv2

/// A byte buffer that renderers append to; `flush` hands full chunks to a sink.
/// Renderers write UTF-8 bytes directly (no String building per field on the hot path).
/// A library user creates one, passes it to a renderer and reads ``bytes`` or ``string``, or
/// calls ``flush(to:)``; the appending primitives are the renderers' own (`package`).
public struct OutputBuffer: Sendable {
    public var bytes: [UInt8] = []
    /// A buffer with room for `capacity` bytes (no allocation for 0).
    public init(capacity: Int = 1 << 16) { if capacity > 0 { bytes.reserveCapacity(capacity) } }

    /// Drops everything after the first `count` bytes (a renderer taking back partial output).
    package mutating func truncate(to count: Int) {
        if count >= 0 && count < bytes.count { bytes.removeLast(bytes.count - count) }
    }

    @inlinable package mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }
    /// A literal, without `String`'s UTF-8 access overhead (the same as `append(_:)` with a
    /// literal argument).
    @inlinable package mutating func append(literal s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }
    /// Dynamic text. Disfavoured so that a string literal argument takes the `StaticString`
    /// overload (no `String` UTF-8 access on the hot path).
    @_disfavoredOverload
    @inlinable package mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }
    @inlinable package mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// Decimal digits of an unsigned integer.
    package mutating func decimal<T: BinaryInteger>(_ v: T) {
        if v < 0 {
            bytes.append(UInt8(ascii: "-"))
            decimalMagnitude(UInt64(truncatingIfNeeded: 0 &- Int64(v)))
        } else {
            decimalMagnitude(UInt64(v))
        }
    }
    private mutating func decimalMagnitude(_ v: UInt64) {
        if v < 10 { bytes.append(UInt8(ascii: "0") &+ UInt8(v)); return }
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &tmp) { buf in
            while x > 0 && n < 20 {
                buf[19 - n] = UInt8(ascii: "0") &+ UInt8(x % 10)
                x /= 10
                n += 1
            }
            bytes.append(contentsOf: buf[(20 - n)..<20])
        }
    }
    /// Zero-padded decimal of fixed width (the lowest `width` digits).
    package mutating func padded(_ v: Int, width: Int) {
        var w = max(0, width)
        if w > 20 {
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: w - 20))
            w = 20
        }
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var x = UInt64(max(0, v))
        withUnsafeMutableBytes(of: &tmp) { buf in
            var i = 19
            while i >= 20 - w {
                buf[i] = UInt8(ascii: "0") &+ UInt8(x % 10)
                x /= 10
                i -= 1
            }
            bytes.append(contentsOf: buf[(20 - w)..<20])
        }
    }

    /// Lowercase hex of a span (`Hex`, the toolkit's one hex definition).
    package mutating func hex(_ span: RawSpan) {
        span.withUnsafeBytes { Hex.append(bytes: $0, to: &bytes) }
    }
    /// Address text (`AddressText`): 4 octets as dotted decimal, 16 octets as eight
    /// colon-separated lowercase hex groups without leading zeros and without `::` compression
    /// (`AddressText.IPv6Form.full`: traffic selectors, RFC 7296 §3.13.1), any other length as
    /// plain hex.
    package mutating func address(_ span: RawSpan) {
        span.withUnsafeBytes { AddressText.append($0, ipv6: .full, to: &bytes) }
    }
    /// Lowercase hex of an integer, `width` digits.
    package mutating func hex(_ v: UInt64, width: Int) {
        Hex.append(v, width: width, to: &bytes)
    }
    package mutating func hex(bytes other: [UInt8]) {
        other.withUnsafeBytes { Hex.append(bytes: $0, to: &bytes) }
    }

    /// A JSON string literal with escaping (RFC 8259 §7): `"` `\\` and control characters.
    /// Runs of bytes that need no escaping are copied in one append.
    @_disfavoredOverload
    package mutating func jsonString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { u in
            var runStart = 0
            var i = 0
            while i < u.count {
                let b = u[i]
                if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                    i += 1
                    continue
                }
                if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<i])) }
                escape(b)
                i += 1
                runStart = i
            }
            if runStart < u.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<u.count])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ b: UInt8) {
        bytes.append(0x5c)
        switch b {
        case UInt8(ascii: "\""): bytes.append(0x22)
        case UInt8(ascii: "\\"): bytes.append(0x5c)
        case 0x0a: bytes.append(UInt8(ascii: "n"))
        case 0x0d: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            bytes.append(UInt8(ascii: "u"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "0"))
            Hex.append(UInt64(b), width: 2, to: &bytes)
        }
    }
    /// A literal as a JSON string: the literal must need no escaping (no `"`, `\\` or control
    /// characters).
    package mutating func jsonString(_ s: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
    }
    /// `"key":`
    package mutating func key(_ k: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        k.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }
    @_disfavoredOverload
    package mutating func key(_ k: String) {
        jsonString(k)
        bytes.append(UInt8(ascii: ":"))
    }
    package mutating func bool(_ v: Bool) { v ? append(literal: "true") : append(literal: "false") }

    /// Writes everything to a file descriptor and empties the buffer.
    public mutating func flush(to fd: Int32) {
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                guard let base = raw.baseAddress else { break }
                let n = write(fd, base + off, raw.count - off)
                if n <= 0 { break }
                off += n
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }

    /// Flushes when the buffer has grown past `threshold` bytes.
    public mutating func flushIfNeeded(to fd: Int32, threshold: Int = 1 << 16) {
        if bytes.count >= threshold { flush(to: fd) }
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// RFC 3339 UTC timestamps with nanoseconds, from nanoseconds since the Unix epoch.
enum Timestamp {
    /// Civil date from days since 1970-01-01 (proleptic Gregorian).
    static func civil(_ days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, Int(m), Int(d))
    }

    /// Appends e.g. `2026-11-29T09:31:39.123456789Z` (years outside 0-9999 keep their lowest
    /// four digits).
    static func rfc3339(_ nanos: Int64, into out: inout OutputBuffer) {
        let secs = nanos >= 0 ? nanos / 1_000_000_000 : (nanos - 999_999_999) / 1_000_000_000
        let frac = UInt64(truncatingIfNeeded: nanos - secs * 1_000_000_000)
        let days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400
        let sod = Int(secs - days * 86400)
        let (y, m, d) = civil(days)
        // 30 bytes, filled in place and appended once.
        var t: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &t) { b in
            @inline(__always) func put(_ v: UInt64, at end: Int, width: Int) {
                var x = v
                var i = end
                while i > end - width {
                    b[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: x % 10)
                    x /= 10
                    i -= 1
                }
            }
            put(UInt64(truncatingIfNeeded: max(0, y)), at: 3, width: 4)
            b[4] = UInt8(ascii: "-")
            put(UInt64(m), at: 6, width: 2)
            b[7] = UInt8(ascii: "-")
            put(UInt64(d), at: 9, width: 2)
            b[10] = UInt8(ascii: "T")
            put(UInt64(sod / 3600), at: 12, width: 2)
            b[13] = UInt8(ascii: ":")
            put(UInt64(sod / 60 % 60), at: 15, width: 2)
            b[16] = UInt8(ascii: ":")
            put(UInt64(sod % 60), at: 18, width: 2)
            b[19] = UInt8(ascii: ".")
            put(frac, at: 28, width: 9)
            b[29] = UInt8(ascii: "Z")
            out.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[0..<30]))
        }
    }

    /// `HH:MM:SS.nnnnnnnnn` (time of day, UTC), as tcpdump's default prints it.
    static func timeOfDay(_ nanos: Int64, into out: inout OutputBuffer, digits: Int = 6) {
        let secs = nanos >= 0 ? nanos / 1_000_000_000 : (nanos - 999_999_999) / 1_000_000_000
        var frac = Int(nanos - secs * 1_000_000_000)
        let sod = Int(((secs % 86400) + 86400) % 86400)
        out.padded(sod / 3600, width: 2)
        out.byte(UInt8(ascii: ":"))
        out.padded(sod / 60 % 60, width: 2)
        out.byte(UInt8(ascii: ":"))
        out.padded(sod % 60, width: 2)
        out.byte(UInt8(ascii: "."))
        for _ in digits..<9 { frac /= 10 }
        out.padded(frac, width: digits)
    }
}
