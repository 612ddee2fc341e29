import Foundation
import Testing
import IKEv2
import IKEv2Crypto
import IKEv2HA
import IKEv2Report
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `TakeoverSession` against a scripted peer on loopback: the peer side is built from
/// `MessageIDSyncResponder` and `IKEEncryptor`, independently of the session's code paths.
@Suite struct TakeoverLoopbackTests {
    static func keys() throws -> IKESAKeys {
        try IKESAKeys(initiatorSPI: 0x1111_2222_3333_4444, responderSPI: 0x5555_6666_7777_8888,
                      encryption: .aesCBC128, integrity: .hmacSHA256_128,
                      skEi: (0..<16).map { UInt8($0) }, skEr: (16..<32).map { UInt8($0) },
                      skAi: (32..<64).map { UInt8($0) }, skAr: (64..<96).map { UInt8($0) })
    }

    /// A UDP socket on 127.0.0.1:`port`.
    final class FakePeer {
        let fd: Int32
        let sessionPort: UInt16
        init(port: UInt16, sessionPort: UInt16) throws {
            fd = try boundUDPSocket(0x7f00_0001, port)
            self.sessionPort = sessionPort
        }
        deinit { close(fd) }
        func send(_ b: [UInt8]) {
            var to = sockaddr_in(0x7f00_0001, sessionPort)
            _ = b.withUnsafeBytes { raw in
                withUnsafePointer(to: &to) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
        }
        func receive(ms: Int32) -> [UInt8]? {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, ms) == 1 else { return nil }
            var buf = [UInt8](repeating: 0, count: 65_535)
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            return n > 0 ? Array(buf.prefix(n)) : nil
        }
    }

    /// Decrypts a message from the session: its header and notifies.
    static func open(_ bytes: [UInt8], _ keys: IKESAKeys) throws -> (IKEHeader, [NotifyPayload]) {
        let view = try IKEMessageView(parsing: bytes.span.bytes)
        let r = IKEDecryptor.decrypt(message: view, keys: keys)
        try #require(r.isClean, "\(r.findings)")
        var out: [NotifyPayload] = []
        var it = PayloadIterator(message: r.plaintext.span.bytes, first: r.firstInnerType, start: 0)
        while let p = try it.next() {
            if p.type == .notify { out.append(NotifyPayload(try p.notify())) }
        }
        return (view.header, out)
    }

    static func message(_ keys: IKESAKeys, id: UInt32, response: Bool, inner: [IKEPayload] = [],
                        fromInitiator: Bool = true) throws -> [UInt8] {
        let h = IKEHeader(initiatorSPI: keys.initiatorSPI, responderSPI: keys.responderSPI, exchangeType: .informational,
                          flags: (fromInitiator ? IKEHeader.initiatorFlag : 0) | (response ? IKEHeader.responseFlag : 0),
                          messageID: id)
        return try IKEEncryptor.encrypt(header: h, innerPayloads: inner, keys: keys)
    }

    final class Box: @unchecked Sendable {
        let lock = NSLock()
        var outcome: Result<TakeoverOutcome, TakeoverError>?
    }

    @Test func syncLivenessAndServeAgainstAScriptedPeer() throws {
        let keys = try Self.keys()
        let base = UInt16.random(in: 20000...30000)
        let peer = try FakePeer(port: base + 1, sessionPort: base)
        var options = TakeoverOptions(keys: keys, role: .responder,
                                      local: try TakeoverEndpoint(parsing: "127.0.0.1:\(base)"),
                                      peer: try TakeoverEndpoint(parsing: "127.0.0.1:\(base + 1)"),
                                      nextRequestID: 3, peerNextRequestID: 7)
        options.margin = 5
        options.retransmitTimeout = 0.2
        options.serveSeconds = 1.5
        options.nonce = 0xA1B2_C3D4
        let fixed = options
        let box = Box()
        let thread = Thread {
            let r = Result { () throws(TakeoverError) in try TakeoverSession(options: fixed).run() }
            box.lock.withLock { box.outcome = r }
        }
        thread.start()

        // 1. The sync request, unanswered once: the retransmission is the same bytes (RFC 7296 §2.1).
        let first = try #require(peer.receive(ms: 2000))
        let again = try #require(peer.receive(ms: 2000))
        #expect(first == again)
        let (h, notifies) = try Self.open(first, keys)
        #expect(h.messageID == 0 && !h.isResponse && !h.isInitiator && h.exchangeType == .informational)
        guard case .messageIDSync(let request)? = try notifies.first.map({ try NotifyDecoder().decode($0) }) else {
            Issue.record("no sync notify: \(notifies)")
            return
        }
        #expect(request == MessageIDSyncData(nonce: 0xA1B2_C3D4, expectedSend: 8, expectedRecv: 7))

        // 2. The peer (next own request 9, one request in flight, expects 5) answers per §5.1.
        var responder = MessageIDSyncResponder(counters: MessageIDCounters(nextSend: 9, nextExpected: 5), outstandingRequests: [8])
        guard case .respond(let answer, _) = responder.handleRequest(request) else {
            Issue.record("responder dropped the request")
            return
        }
        #expect(answer == MessageIDSyncData(nonce: 0xA1B2_C3D4, expectedSend: 9, expectedRecv: 8))
        peer.send(try Self.message(keys, id: 0, response: true,
                                   inner: [.notify(.messageIDSync(nonce: answer.nonce, expectedSend: answer.expectedSend,
                                                                  expectedRecv: answer.expectedRecv))]))

        // 3. Liveness at M2 = 8.
        let live = try #require(peer.receive(ms: 2000))
        let (lh, ln) = try Self.open(live, keys)
        #expect(lh.messageID == 8 && !lh.isResponse && ln.isEmpty)
        peer.send(try Self.message(keys, id: 8, response: true))

        // 4. Served: request 9 answered, its retransmission answered with the same bytes, stale 5 dropped.
        let dpd = try Self.message(keys, id: 9, response: false)
        peer.send(dpd)
        let r1 = try #require(peer.receive(ms: 1000))
        peer.send(dpd)
        let r2 = try #require(peer.receive(ms: 1000))
        #expect(r1 == r2)
        let (rh, _) = try Self.open(r1, keys)
        #expect(rh.messageID == 9 && rh.isResponse && !rh.isInitiator)
        peer.send(try Self.message(keys, id: 5, response: false))
        #expect(peer.receive(ms: 300) == nil)

        for _ in 0..<100 where box.lock.withLock({ box.outcome == nil }) { usleep(50_000) }
        let outcome = try #require(try box.lock.withLock { box.outcome }?.get())
        #expect(outcome.answer == .answered)
        #expect(outcome.nonceEchoed && outcome.rfcMaximaObeyed == true)
        #expect(outcome.transmissions == 2)
        #expect(outcome.liveness.answered && outcome.liveness.messageID == 8)
        #expect(outcome.serve.requestsAnswered == [9])
        #expect(outcome.serve.retransmissionsAnswered == 1)
        #expect(outcome.serve.dropped == 1)
        #expect(outcome.counters == MessageIDCounters(nextSend: 9, nextExpected: 10))
        #expect(outcome.problems.isEmpty, "\(outcome.problems)")
        #expect(outcome.succeeded)
    }

    /// A response whose nonce is not the request's is reported; no liveness check follows.
    @Test func wrongNonceIsAProblem() throws {
        let keys = try Self.keys()
        let base = UInt16.random(in: 30001...40000)
        let peer = try FakePeer(port: base + 1, sessionPort: base)
        var options = TakeoverOptions(keys: keys, role: .responder,
                                      local: try TakeoverEndpoint(parsing: "127.0.0.1:\(base)"),
                                      peer: try TakeoverEndpoint(parsing: "127.0.0.1:\(base + 1)"),
                                      nextRequestID: 0, peerNextRequestID: 2)
        options.retransmitTimeout = 0.2
        options.retransmissions = 1
        options.nonce = 7
        let fixed = options
        let box = Box()
        let thread = Thread {
            let r = Result { () throws(TakeoverError) in try TakeoverSession(options: fixed).run() }
            box.lock.withLock { box.outcome = r }
        }
        thread.start()
        _ = try #require(peer.receive(ms: 2000))
        peer.send(try Self.message(keys, id: 0, response: true,
                                   inner: [.notify(.messageIDSync(nonce: 8, expectedSend: 2, expectedRecv: 4))]))
        for _ in 0..<100 where box.lock.withLock({ box.outcome == nil }) { usleep(50_000) }
        let outcome = try #require(try box.lock.withLock { box.outcome }?.get())
        #expect(outcome.answer == .answered)
        #expect(!outcome.nonceEchoed)
        #expect(outcome.problems.contains { $0.contains("response nonce 0x00000008 does not echo the request nonce 0x00000007") }, "\(outcome.problems)")
        #expect(outcome.liveness.transmissions == 0)
        #expect(!outcome.succeeded)
    }

    /// Taking over the original initiator: I flag set on everything sent, SK_ei/SK_ai used; a
    /// reset answered with the values swapped moves the counters to (R1, Q1).
    @Test func initiatorRoleResetAccepted() throws {
        let keys = try Self.keys()
        let base = UInt16.random(in: 40001...50000)
        let peer = try FakePeer(port: base + 1, sessionPort: base)
        var options = TakeoverOptions(keys: keys, role: .initiator,
                                      local: try TakeoverEndpoint(parsing: "127.0.0.1:\(base)"),
                                      peer: try TakeoverEndpoint(parsing: "127.0.0.1:\(base + 1)"),
                                      nextRequestID: 10, peerNextRequestID: 3)
        options.procedure = .reset
        options.retransmitTimeout = 0.3
        options.retransmissions = 1
        let fixed = options
        let box = Box()
        let thread = Thread {
            let r = Result { () throws(TakeoverError) in try TakeoverSession(options: fixed).run() }
            box.lock.withLock { box.outcome = r }
        }
        thread.start()
        let req = try #require(peer.receive(ms: 2000))
        let (h, notifies) = try Self.open(req, keys)
        #expect(h.isInitiator && !h.isResponse && h.messageID == 0)
        guard case .messageIDReset(let d)? = try notifies.first.map({ try NotifyDecoder().decode($0) }) else {
            Issue.record("no reset notify: \(notifies)")
            return
        }
        #expect(MessageIDResetRequester.baseRange.contains(d.expectedSend) && MessageIDResetRequester.baseRange.contains(d.expectedRecv))
        var responder = MessageIDResetResponder(counters: MessageIDCounters(nextSend: 3, nextExpected: 10))
        guard case .respond(let answer, _) = responder.handleRequest(d) else {
            Issue.record("reset refused")
            return
        }
        peer.send(try Self.message(keys, id: 0, response: true,
                                   inner: [.notify(.messageIDReset(nonce: answer.nonce, newSend: answer.expectedSend,
                                                                   newRecv: answer.expectedRecv))], fromInitiator: false))
        let live = try #require(peer.receive(ms: 2000))
        let (lh, _) = try Self.open(live, keys)
        #expect(lh.messageID == d.expectedSend && lh.isInitiator)
        peer.send(try Self.message(keys, id: lh.messageID, response: true, fromInitiator: false))
        for _ in 0..<100 where box.lock.withLock({ box.outcome == nil }) { usleep(50_000) }
        let outcome = try #require(try box.lock.withLock { box.outcome }?.get())
        #expect(outcome.answer == .answered && outcome.nonceEchoed)
        #expect(outcome.liveness.answered)
        #expect(outcome.counters == MessageIDCounters(nextSend: d.expectedSend + 1, nextExpected: d.expectedRecv))
        #expect(outcome.succeeded, "\(outcome.problems)")
    }
}
