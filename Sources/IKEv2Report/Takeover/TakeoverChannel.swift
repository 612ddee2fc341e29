// The UDP socket of `ikev2 takeover`: bound to the local address, connected to the peer, so it
// sends only to the peer and the kernel drops datagrams from anyone else.

import IKEv2Capture

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A `ikev2 takeover` failure that stops the run (bad address, socket error, no keys).
package struct TakeoverError: Error, Hashable, Sendable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// An IP address and UDP port, written `192.0.2.1`, `192.0.2.1:4500`, `2001:db8::1` or
/// `[2001:db8::1]:4500`.
package struct TakeoverEndpoint: Hashable, Sendable, CustomStringConvertible {
    package var address: IPAddress
    package var port: UInt16

    package init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// Parses `text`; a missing port is `defaultPort`.
    package init(parsing text: String, defaultPort: UInt16 = 500) throws(TakeoverError) {
        var host = Substring(text)
        var portText: Substring? = nil
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw TakeoverError("'\(text)': missing ']'") }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw TakeoverError("'\(text)': expected ':PORT' after ']'") }
                portText = rest.dropFirst()
            }
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        var port = defaultPort
        if let portText {
            guard let p = UInt16(portText), p > 0 else { throw TakeoverError("'\(text)': '\(portText)' is not a port number") }
            port = p
        }
        guard let address = Self.parseAddress(String(host)) else {
            throw TakeoverError("'\(text)': '\(host)' is not an IPv4 or IPv6 address")
        }
        self.init(address: address, port: port)
    }

    static func parseAddress(_ s: String) -> IPAddress? {
        var v4 = in_addr()
        if inet_pton(AF_INET, s, &v4) == 1 {
            return .v4(UInt32(bigEndian: v4.s_addr))
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, s, &v6) == 1 {
            let b = withUnsafeBytes(of: v6) { Array($0) }
            var hi: UInt64 = 0, lo: UInt64 = 0
            for i in 0..<8 { hi = hi << 8 | UInt64(b[i]) }
            for i in 8..<16 { lo = lo << 8 | UInt64(b[i]) }
            return .v6(hi, lo)
        }
        return nil
    }

    package var isIPv6: Bool { if case .v6 = address { return true } else { return false } }

    package var description: String {
        isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    /// Runs `body` with this endpoint as a `sockaddr`.
    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch address {
        case .v4(let a):
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_port = port.bigEndian
            sa.sin_addr.s_addr = a.bigEndian
            return withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .v6(let hi, let lo):
            var sa = sockaddr_in6()
            sa.sin6_family = sa_family_t(AF_INET6)
            sa.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &sa.sin6_addr) { raw in
                for i in 0..<8 { raw[i] = UInt8(truncatingIfNeeded: hi >> UInt64(56 - 8 * i)) }
                for i in 0..<8 { raw[8 + i] = UInt8(truncatingIfNeeded: lo >> UInt64(56 - 8 * i)) }
            }
            return withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }
}

/// A connected UDP socket: bound to `local`, connected to `peer`.
final class TakeoverChannel {
    let fd: Int32
    let local: TakeoverEndpoint
    let peer: TakeoverEndpoint
    /// The largest datagram read; longer ones are truncated by the kernel and then fail to parse.
    static let maxDatagram = 65_535

    init(local: TakeoverEndpoint, peer: TakeoverEndpoint) throws(TakeoverError) {
        guard local.isIPv6 == peer.isIPv6 else {
            throw TakeoverError("--local \(local) and --peer \(peer) are not the same address family")
        }
        let s = socket(local.isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard s >= 0 else { throw TakeoverError("socket: \(Self.errnoText())") }
        var one: Int32 = 1
        _ = setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if local.withSockaddr({ bind(s, $0, $1) }) != 0 {
            let e = Self.errnoText()
            close(s)
            throw TakeoverError("cannot bind \(local): \(e)")
        }
        if peer.withSockaddr({ connect(s, $0, $1) }) != 0 {
            let e = Self.errnoText()
            close(s)
            throw TakeoverError("cannot connect to \(peer): \(e)")
        }
        fd = s
        self.local = local
        self.peer = peer
    }

    deinit { close(fd) }

    /// Sends one datagram. A pending ICMP port unreachable from an earlier datagram (the peer's
    /// daemon not listening yet) is reported by the kernel here; the datagram is sent again once.
    func send(_ bytes: [UInt8]) throws(TakeoverError) {
        for attempt in 0..<2 {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
            if n == bytes.count { return }
            guard n < 0, errno == ECONNREFUSED, attempt == 0 else { break }
        }
        throw TakeoverError("send to \(peer): \(Self.errnoText())")
    }

    /// The next datagram from the peer, or nil when `milliseconds` pass without one. ICMP errors
    /// (port unreachable while the peer restarts) are skipped.
    func receive(milliseconds: Int32) -> [UInt8]? {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, max(0, milliseconds)) == 1 else { return nil }
        var buf = [UInt8](repeating: 0, count: Self.maxDatagram)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 0 else { return [] }
        return Array(buf.prefix(n))
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Monotonic time in nanoseconds, and wall-clock time for capture records.
enum TakeoverClock {
    static func monotonic() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }

    /// `seconds` as nanoseconds, clamped to [0, one day] (NaN is 0), so no conversion traps.
    static func nanoseconds(_ seconds: Double) -> Int64 {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int64(min(seconds, 86_400) * 1e9)
    }

    static func wall() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }
}
