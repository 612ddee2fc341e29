// IP and MAC addresses as the capture shows them (stored inline, no allocation); their text
// comes from the codec's `AddressText` and `Hex`.

import IKEv2

/// An IPv4 or IPv6 address (RFC 791 §3.1, RFC 8200 §3), stored inline (no allocation).
///
/// `description` gives dotted quad for IPv4 and the RFC 5952 §4 canonical compressed text
/// form for IPv6 (lowercase, longest run of two or more zero groups as `::`, first run on a tie);
/// an IPv4 text is built without allocating.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt64, UInt64)

    /// The 4 or 16 address bytes in network order.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let a):
            return [UInt8(a >> 24), UInt8(truncatingIfNeeded: a >> 16), UInt8(truncatingIfNeeded: a >> 8), UInt8(truncatingIfNeeded: a)]
        case .v6(let hi, let lo):
            var out: [UInt8] = []
            out.reserveCapacity(16)
            for i in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: hi >> UInt64(i))) }
            for i in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: lo >> UInt64(i))) }
            return out
        }
    }

    public var isIPv6: Bool {
        if case .v6 = self { return true }
        return false
    }

    /// Builds an address from 4 or 16 bytes; `nil` for any other count.
    public init?(bytes: some Collection<UInt8>) {
        let b = Array(bytes)
        if b.count == 4 {
            self = .v4(UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3]))
        } else if b.count == 16 {
            var hi: UInt64 = 0
            var lo: UInt64 = 0
            for i in 0..<8 { hi = hi << 8 | UInt64(b[i]) }
            for i in 8..<16 { lo = lo << 8 | UInt64(b[i]) }
            self = .v6(hi, lo)
        } else {
            return nil
        }
    }

    /// Parses "192.0.2.1" or an IPv6 text form ("2001:db8::1", "::", "::ffff:192.0.2.1").
    public init?(_ text: String) {
        if !text.contains(":") {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var v: UInt32 = 0
            for p in parts {
                guard !p.isEmpty, p.count <= 3, let n = UInt8(p) else { return nil }
                v = v << 8 | UInt32(n)
            }
            self = .v4(v)
            return
        }
        // IPv6: split around at most one "::".
        var groups: [UInt16] = []
        let halves = IPAddress.splitDoubleColon(text)
        guard halves.count <= 2 else { return nil }
        func parseGroups(_ s: String) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            let items = s.split(separator: ":", omittingEmptySubsequences: false)
            for (i, item) in items.enumerated() {
                if i == items.count - 1, item.contains("."), let v4 = IPAddress(String(item)), case .v4(let a) = v4 {
                    out.append(UInt16(a >> 16))
                    out.append(UInt16(truncatingIfNeeded: a))
                } else {
                    guard !item.isEmpty, item.count <= 4, let g = UInt16(item, radix: 16) else { return nil }
                    out.append(g)
                }
            }
            return out
        }
        guard let head = parseGroups(halves[0]) else { return nil }
        if halves.count == 2 {
            guard let tail = parseGroups(halves[1]), head.count + tail.count <= 7 else { return nil }
            groups = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard head.count == 8 else { return nil }
            groups = head
        }
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        for i in 0..<4 { hi = hi << 16 | UInt64(groups[i]) }
        for i in 4..<8 { lo = lo << 16 | UInt64(groups[i]) }
        self = .v6(hi, lo)
    }

    /// Splits `text` around each "::".
    static func splitDoubleColon(_ text: String) -> [String] {
        let u = Array(text.utf8)
        var out: [String] = []
        var start = 0
        var i = 0
        while i + 1 < u.count {
            if u[i] == UInt8(ascii: ":") && u[i + 1] == UInt8(ascii: ":") {
                out.append(String(decoding: u[start..<i], as: UTF8.self))
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        out.append(String(decoding: u[start..<u.count], as: UTF8.self))
        return out
    }

    public var description: String {
        switch self {
        case .v4(let a): withUnsafeBytes(of: a.bigEndian) { AddressText.string($0) }
        case .v6(let hi, let lo): withUnsafeBytes(of: (hi.bigEndian, lo.bigEndian)) { AddressText.string($0) }
        }
    }
}

/// A 48-bit IEEE 802 MAC address (stored in the low 48 bits).
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue & 0xffff_ffff_ffff }
    /// From 6 bytes; `nil` for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 6 else { return nil }
        var v: UInt64 = 0
        for b in bytes { v = v << 8 | UInt64(b) }
        rawValue = v
    }
    /// Parses "02:00:00:00:00:01" (also with '-').
    public init?(_ text: String) {
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == "-" })
        guard parts.count == 6 else { return nil }
        var v: UInt64 = 0
        for p in parts {
            guard p.count <= 2, let b = UInt8(p, radix: 16) else { return nil }
            v = v << 8 | UInt64(b)
        }
        rawValue = v
    }
    public var bytes: [UInt8] {
        (0..<6).map { UInt8(truncatingIfNeeded: rawValue >> UInt64(40 - 8 * $0)) }
    }
    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(17)
        for i in 0..<6 {
            if i > 0 { out.append(UInt8(ascii: ":")) }
            Hex.append(rawValue >> UInt64(40 - 8 * i), width: 2, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
