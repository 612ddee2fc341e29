// IP address text: the one formatter behind the capture layer's `IPAddress`, the GW identity of
// REDIRECT notifies and the dissect renderers' traffic-selector and configuration addresses.

/// Text of an address given as its octets in network order: 4 octets as dotted decimal
/// (RFC 791 §3.1), 16 octets as IPv6 in one of two forms, any other length as plain hex.
package enum AddressText {
    /// How IPv6 addresses are written.
    package enum IPv6Form: Sendable {
        /// RFC 5952 §4: lowercase groups without leading zeros, the longest run of two or more
        /// zero groups (the first on a tie) as `::`.
        case compressed
        /// Eight lowercase groups without leading zeros and no `::`: the form `ikev2 dissect`
        /// prints for traffic-selector and configuration addresses (RFC 7296 §3.13.1, §3.15.1),
        /// kept so its line, text and JSON output stay byte-identical.
        case full
    }

    /// Calls `emit` with each character (ASCII) of the text of `raw`.
    @inlinable
    package static func write(_ raw: UnsafeRawBufferPointer, ipv6 form: IPv6Form, _ emit: (UInt8) -> Void) {
        if raw.count == 4 {
            for i in 0..<4 {
                if i > 0 { emit(UInt8(ascii: ".")) }
                let octet = raw[i]
                if octet >= 100 { emit(0x30 &+ octet / 100) }
                if octet >= 10 { emit(0x30 &+ (octet / 10) % 10) }
                emit(0x30 &+ octet % 10)
            }
        } else if raw.count == 16 {
            // Longest run (>= 2) of zero groups, the first on a tie; none in the full form.
            var runStart = -1, runLength = 0
            if form == .compressed {
                var i = 0
                while i < 8 {
                    var j = i
                    while j < 8 && raw[2 * j] == 0 && raw[2 * j + 1] == 0 { j += 1 }
                    if j - i > runLength { runStart = i; runLength = j - i }
                    i = j + 1
                }
                if runLength < 2 { runStart = -1 }
            }
            var g = 0
            while g < 8 {
                if g == runStart {
                    emit(UInt8(ascii: ":"))
                    emit(UInt8(ascii: ":"))
                    g += runLength
                    continue
                }
                if g > 0 && g != runStart + runLength { emit(UInt8(ascii: ":")) }
                let group = UInt64(raw[2 * g]) << 8 | UInt64(raw[2 * g + 1])
                Hex.write(group, width: Hex.minimalWidth(group), emit)
                g += 1
            }
        } else {
            for b in raw {
                emit(Hex.digit(b >> 4))
                emit(Hex.digit(b))
            }
        }
    }

    /// Appends the text of `raw` to a byte buffer.
    @inlinable
    package static func append(_ raw: UnsafeRawBufferPointer, ipv6 form: IPv6Form, to out: inout [UInt8]) {
        write(raw, ipv6: form) { out.append($0) }
    }

    /// The text of `raw`. Addresses are built in a stack buffer, so an IPv4 address (at most 15
    /// characters, a small string) allocates nothing.
    package static func string(_ raw: UnsafeRawBufferPointer, ipv6 form: IPv6Form = .compressed) -> String {
        guard raw.count == 4 || raw.count == 16 else { return Hex.encode(raw) }
        // At most 39 characters (eight 4-digit groups and seven colons).
        return withUnsafeTemporaryAllocation(byteCount: 48, alignment: 1) { buffer in
            var n = 0
            write(raw, ipv6: form) { c in
                if n < buffer.count {
                    buffer[n] = c
                    n += 1
                }
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[0..<n]), as: UTF8.self)
        }
    }

    /// The text of an address held in an array.
    package static func string(_ bytes: [UInt8], ipv6 form: IPv6Form = .compressed) -> String {
        bytes.withUnsafeBytes { string($0, ipv6: form) }
    }
}
