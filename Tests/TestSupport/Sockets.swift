import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A UDP socket bound to IPv4 `address`:`port` (host byte order), for the loopback and
/// namespace tests that play a peer.
package func boundUDPSocket(_ address: UInt32, _ port: UInt16) throws -> Int32 {
    let s = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    guard s >= 0 else { throw FixtureError.unexpected("socket: \(String(cString: strerror(errno)))") }
    var sa = sockaddr_in(address, port)
    let r = withUnsafePointer(to: &sa) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard r == 0 else {
        close(s)
        throw FixtureError.unexpected("bind port \(port): \(String(cString: strerror(errno)))")
    }
    return s
}

extension sockaddr_in {
    /// An IPv4 socket address from host-order address and port.
    package init(_ address: UInt32, _ port: UInt16) {
        self.init()
        sin_family = sa_family_t(AF_INET)
        sin_port = port.bigEndian
        sin_addr.s_addr = address.bigEndian
    }
}
