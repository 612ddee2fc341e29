// Test support for the strongSwan interop test: three network namespaces (peer, relay,
// gateway) joined by veth pairs, a charon daemon with a private configuration in the peer and
// gateway namespaces, and a UDP relay in the middle namespace that adds
// N(IKEV2_MESSAGE_ID_SYNC_SUPPORTED) to the gateway's IKE_AUTH response (strongSwan as responder
// never sends it, RFC 6311 §6.1; AUTH does not cover the SK contents of the response).

import Foundation
import IKEv2
import IKEv2Crypto

#if canImport(Glibc)
import Glibc
#endif
import TestSupport

/// Runs a command, returning its status and combined output.
@discardableResult
func labRun(_ exe: String, _ args: [String], env: [String: String]? = nil) -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    if let env { p.environment = env }
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    do { try p.run() } catch { return (-1, "cannot run \(exe): \(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The keys and Message ID counters of the gateway's IKE SA, read from its `ike 4`/`mgr 2` log.
struct GatewayLogState {
    var spiI: UInt64
    var spiR: UInt64
    var skEi: [UInt8], skEr: [UInt8], skAi: [UInt8], skAr: [UInt8]
    /// Highest request Message ID the gateway generated + 1 (0 when none).
    var nextRequestID: UInt32
    /// Highest request Message ID the gateway parsed from the peer + 1.
    var peerNextRequestID: UInt32

    /// Parses the log; nil until the keys and SPIs are all there.
    static func parse(_ log: String) -> GatewayLogState? {
        let lines = log.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var secrets: [String: [UInt8]] = [:]
        var spis: (UInt64, UInt64)?
        var nextReq: UInt32 = 0
        var peerNext: UInt32 = 0
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if let r = line.range(of: "] Sk_"), let arrow = line.range(of: " secret => "),
               let bytesR = line.range(of: " bytes", range: arrow.upperBound..<line.endIndex) {
                let name = String(line[r.upperBound...].prefix(2))
                let count = Int(line[arrow.upperBound..<bytesR.lowerBound]) ?? 0
                var bytes: [UInt8] = []
                var j = i + 1
                while bytes.count < count, j < lines.count, let colon = lines[j].range(of: ": ") {
                    let hexPart = lines[j][colon.upperBound...].components(separatedBy: "  ").first ?? ""
                    for t in hexPart.split(separator: " ") { if let b = UInt8(t, radix: 16) { bytes.append(b) } }
                    j += 1
                }
                secrets[name] = Array(bytes.prefix(count))
                i = j
                continue
            }
            if let r = line.range(of: " with SPIs ") {
                let parts = line[r.upperBound...].split(separator: " ")
                if parts.count >= 2, let a = UInt64(parts[0].replacingOccurrences(of: "_i", with: ""), radix: 16),
                   let b = UInt64(parts[1].replacingOccurrences(of: "_r", with: ""), radix: 16), b != 0 {
                    spis = (a, b)
                }
            }
            if let r = line.range(of: "[ENC] generating "), line.contains(" request ") {
                if let id = Self.messageID(line[r.upperBound...], after: " request ") { nextReq = max(nextReq, id + 1) }
            }
            if let r = line.range(of: "[ENC] parsed "), line.contains(" request ") {
                if let id = Self.messageID(line[r.upperBound...], after: " request ") { peerNext = max(peerNext, id + 1) }
            }
            i += 1
        }
        guard let spis, let ei = secrets["ei"], let er = secrets["er"], let ai = secrets["ai"], let ar = secrets["ar"],
              !ei.isEmpty, !er.isEmpty, !ai.isEmpty, !ar.isEmpty else { return nil }
        return GatewayLogState(spiI: spis.0, spiR: spis.1, skEi: ei, skEr: er, skAi: ai, skAr: ar,
                               nextRequestID: nextReq, peerNextRequestID: peerNext)
    }

    static func messageID(_ s: Substring, after marker: String) -> UInt32? {
        guard let r = s.range(of: marker) else { return nil }
        return UInt32(s[r.upperBound...].prefix { $0.isNumber })
    }

    /// AES-CBC-128 / HMAC-SHA2-256-128, the proposal the lab configures.
    func keys() throws -> IKESAKeys {
        try IKESAKeys(initiatorSPI: spiI, responderSPI: spiR, encryption: .aesCBC128, integrity: .hmacSHA256_128,
                      skEi: skEi, skEr: skEr, skAi: skAi, skAr: skAr)
    }
}

/// A UDP relay between the peer and the gateway, running in the relay namespace: datagrams to
/// relay-side-A:500/4500 go out of relay-side-B to the gateway and back. The gateway's IKE_AUTH
/// response gets N(16420) appended inside SK, re-encrypted with a fresh IV and ICV.
final class IKERelay: @unchecked Sendable {
    let peerSideFDs: [UInt16: Int32]
    let gatewaySideFDs: [UInt16: Int32]
    let gatewayAddress: UInt32
    let gatewayLog: String
    private let lock = NSLock()
    private var stopping = false
    private var peerAddresses: [UInt16: sockaddr_in] = [:]
    private var _modified = 0
    private var _errors: [String] = []
    private var thread: Thread?
    private var finished = false

    var modifiedAuthResponses: Int { lock.withLock { _modified } }
    var errors: [String] { lock.withLock { _errors } }

    /// Binds the relay's sockets inside network namespace `namespace`.
    init(namespace: String, peerSide: UInt32, gatewaySide: UInt32, gateway: UInt32, gatewayLog: String) throws {
        let saved = open("/proc/thread-self/ns/net", O_RDONLY)
        let target = open("/run/netns/\(namespace)", O_RDONLY)
        defer {
            if saved >= 0 { _ = labSetns(saved, 0x4000_0000); close(saved) }
            if target >= 0 { close(target) }
        }
        guard saved >= 0, target >= 0, labSetns(target, 0x4000_0000) == 0 else {
            throw LabError("cannot enter network namespace \(namespace): \(String(cString: strerror(errno)))")
        }
        var a: [UInt16: Int32] = [:], b: [UInt16: Int32] = [:]
        for port: UInt16 in [500, 4500] {
            a[port] = try boundUDPSocket(peerSide, port)
            b[port] = try boundUDPSocket(gatewaySide, port)
        }
        peerSideFDs = a
        gatewaySideFDs = b
        gatewayAddress = gateway
        self.gatewayLog = gatewayLog
    }

    func start() {
        let t = Thread { [self] in loop() }
        thread = t
        t.start()
    }

    func stop() {
        lock.withLock { stopping = true }
        for _ in 0..<100 where !lock.withLock({ finished }) { usleep(20_000) }
        for fd in peerSideFDs.values { close(fd) }
        for fd in gatewaySideFDs.values { close(fd) }
    }

    private func loop() {
        var fds: [(fd: Int32, port: UInt16, fromPeer: Bool)] = []
        for (p, fd) in peerSideFDs { fds.append((fd, p, true)) }
        for (p, fd) in gatewaySideFDs { fds.append((fd, p, false)) }
        var buf = [UInt8](repeating: 0, count: 65_535)
        while !lock.withLock({ stopping }) {
            var polls = fds.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            guard poll(&polls, nfds_t(polls.count), 50) > 0 else { continue }
            for (i, p) in polls.enumerated() where p.revents & Int16(POLLIN) != 0 {
                var from = sockaddr_in()
                var len = socklen_t(MemoryLayout<sockaddr_in>.size)
                let n = buf.withUnsafeMutableBytes { raw in
                    withUnsafeMutablePointer(to: &from) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fds[i].fd, raw.baseAddress, raw.count, 0, $0, &len) }
                    }
                }
                guard n > 0 else { continue }
                let datagram = Array(buf.prefix(n))
                let port = fds[i].port
                if fds[i].fromPeer {
                    lock.withLock { peerAddresses[port] = from }
                    guard let out = gatewaySideFDs[port] else { continue }
                    send(datagram, on: out, to: sockaddr_in(gatewayAddress, port))
                } else {
                    guard let out = peerSideFDs[port], let to = lock.withLock({ peerAddresses[port] }) else { continue }
                    send(rewrite(datagram, port: port), on: out, to: to)
                }
            }
        }
        lock.withLock { finished = true }
    }

    private func send(_ d: [UInt8], on fd: Int32, to: sockaddr_in) {
        var to = to
        _ = d.withUnsafeBytes { raw in
            withUnsafePointer(to: &to) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// The datagram, with N(16420) added when it is the gateway's IKE_AUTH response.
    func rewrite(_ datagram: [UInt8], port: UInt16) -> [UInt8] {
        let marker = port == 4500
        if marker && (datagram.count < 4 || datagram[0] != 0 || datagram[1] != 0 || datagram[2] != 0 || datagram[3] != 0) {
            return datagram  // ESP or a keepalive
        }
        let ike = Array(datagram.dropFirst(marker ? 4 : 0))
        guard let h = IKEHeader.peek(ike.span.bytes), h.exchangeType == .ikeAuth, h.isResponse else { return datagram }
        do {
            let out = try Self.addSyncSupported(ike, logPath: gatewayLog)
            lock.withLock { _modified += 1 }
            return (marker ? [0, 0, 0, 0] : []) + out
        } catch {
            lock.withLock { _errors.append("\(error)") }
            return datagram
        }
    }

    /// Decrypts `ike` with the gateway's keys, appends N(16420) to the inner chain and seals it again.
    static func addSyncSupported(_ ike: [UInt8], logPath: String) throws -> [UInt8] {
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        guard let state = GatewayLogState.parse(log) else { throw LabError("no keys in the gateway log yet") }
        let keys = try state.keys()
        let view = try IKEMessageView(parsing: ike.span.bytes)
        let result = IKEDecryptor.decrypt(message: view, keys: keys)
        guard result.isClean else { throw LabError("IKE_AUTH response does not decrypt: \(result.findings)") }
        var inner: [IKEPayload] = []
        let span = result.plaintext.span.bytes
        var it = PayloadIterator(message: span, first: result.firstInnerType, start: 0)
        while let p = try it.next() { inner.append(try IKEPayload(p)) }
        inner.append(.notify(.messageIDSyncSupported()))
        return try IKEEncryptor.encrypt(header: view.header, innerPayloads: inner, keys: keys)
    }
}

/// setns(2) through the C library (Glibc's module map does not export it).
func labSetns(_ fd: Int32, _ type: Int32) -> Int32 {
    typealias Fn = @convention(c) (Int32, Int32) -> Int32
    guard let sym = dlsym(nil, "setns") else { return -1 }
    return unsafeBitCast(sym, to: Fn.self)(fd, type)
}

struct LabError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
