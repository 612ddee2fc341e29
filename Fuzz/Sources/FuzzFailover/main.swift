// libFuzzer entry point: arbitrary observation sequences through FailoverAnalyzer and the report
// layer. The input is read as records of 16 octets; each is one IKE message or one ESP/AH packet
// of one of four IKE SAs, with fields (sender, flags, Message ID, exchange, HA notifies and their
// values, protection, content kind, MAC/TTL/IP ID, time step) taken from the octets. Small bounds
// make eviction and every per-SA limit reachable. It must never trap, and the report must stay
// within the bounds it was given.
import IKEv2
import IKEv2HA
import IKEv2Report
import FuzzSupport

let exchanges: [ExchangeType] = [.ikeSAInit, .ikeAuth, .createChildSA, .informational]

func u32(_ r: ArraySlice<UInt8>, _ i: Int) -> UInt32 {
    let b = r.startIndex + i
    return UInt32(r[b]) << 24 | UInt32(r[b + 1]) << 16 | UInt32(r[b + 2]) << 8 | UInt32(r[b + 3])
}

func notifies(_ r: ArraySlice<UInt8>) -> [SeenNotify] {
    let b = r.startIndex
    let menu = r[b + 5]
    let protected = r[b + 6] & 0x80 == 0
    let value = u32(r, 8)
    let small = UInt32(r[b + 12])
    var out: [NotifyPayload] = []
    if menu & 1 != 0 { out.append(.messageIDSync(nonce: UInt32(r[b + 13]), expectedSend: value & 0xff, expectedRecv: small)) }
    if menu & 2 != 0 { out.append(.messageIDReset(nonce: UInt32(r[b + 13]), newSend: value, newRecv: small << 16)) }
    if menu & 4 != 0, let n = try? NotifyPayload.replayCounterSync(delta: UInt64(value), extendedSequenceNumbers: menu & 8 != 0) {
        out.append(n)
    }
    if menu & 16 != 0 { out.append(.messageIDSyncSupported()) }
    if menu & 32 != 0 { out.append(.replayCounterSyncSupported()) }
    if menu & 64 != 0 { out.append(.messageIDResetSupported()) }
    if menu & 128 != 0 { out.append(NotifyPayload(type: .setWindowSize, data: [0, 0, 0, r[b + 14]])) }
    if r[b + 6] & 0x40 != 0 { out.append(NotifyPayload(type: .ikev2MessageIDSync, data: [r[b + 14]])) }
    return out.map { SeenNotify($0, protected: protected) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFailover(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    var options = FailoverAnalyzer.Options()
    options.maxSAs = 3
    options.maxTimelineEntriesPerSA = 16
    options.maxAnomaliesPerSA = 8
    options.maxRecordsPerSide = 8
    options.maxESPSPIsPerSA = 2
    options.maxExchangesPerSA = 4
    options.maxEvidencePerSide = 6
    options.maxEventsPerSA = 3
    options.replayWindow = UInt64(bytes.first ?? 64) % 128 + 1
    let analyzer = FailoverAnalyzer(options: options)
    var time: Int64 = 0
    var frame = 0
    var i = 1
    while i + 16 <= bytes.count {
        let r = bytes[i..<(i + 16)]
        i += 16
        frame += 1
        let b = r.startIndex
        let control = r[b]
        time &+= Int64(r[b + 15]) * 250_000_000
        let sa = UInt64(control & 3)
        let sender: IKESide = control & 4 == 0 ? .initiator : .responder
        let host = FailoverHost(address: sender == .initiator ? "198.51.100.1" : "203.0.113.\(1 + sa)", port: 500,
                                mac: UInt64(r[b + 1] & 3), ttl: 60 &+ (r[b + 2] & 3), ipID: UInt32(r[b + 2] >> 2))
        let peer = FailoverHost(address: sender == .initiator ? "203.0.113.\(1 + sa)" : "198.51.100.1", port: 500)
        if control & 0x80 != 0 {
            analyzer.observe(FailoverESPObservation(frame: frame, timeNanos: time, spi: UInt32(r[b + 3] & 3) | 0x100,
                                                    sequence: u32(r, 8), ipProtocol: control & 0x40 == 0 ? 50 : 51,
                                                    digest: UInt64(r[b + 13] & 3), source: host, destination: peer))
            continue
        }
        let content: FailoverContent
        switch r[b + 4] & 3 {
        case 0: content = .keysMissing
        case 1: content = .undecryptable("fuzz")
        default:
            let n = notifies(r)
            var proposals: [FailoverChildProposal] = []
            if r[b + 4] & 4 != 0 {
                proposals.append(FailoverChildProposal(spi: UInt32(r[b + 3] & 3) | 0x100, ipProtocol: 50,
                                                       extendedSequenceNumbers: r[b + 4] & 8 != 0))
            }
            content = .visible(FailoverVisibleContent(payloadTypes: n.map { _ in .notify }, notifies: n,
                                                      childProposals: proposals,
                                                      ikeProposalSPI: r[b + 4] & 16 != 0 ? UInt64(r[b + 14] & 3) + 10 : nil))
        }
        analyzer.observe(FailoverMessageObservation(
            frame: frame, timeNanos: time, initiatorSPI: sa + 1, responderSPI: control & 8 == 0 ? sa + 100 : 0,
            sender: sender, isResponse: control & 16 != 0, messageID: UInt32(r[b + 7] & 15),
            exchange: exchanges[Int(control >> 5) & 3], digest: [r[b + 13] & 3], digestComparable: r[b + 1] & 4 == 0,
            source: host, destination: peer, content: content))
    }
    let report = analyzer.finish()
    precondition(report.sas.count <= options.maxSAs, "more SAs than the bound")
    for sa in report.sas {
        precondition(sa.anomalies.count <= options.maxAnomaliesPerSA, "anomalies past the bound")
        precondition(sa.timeline.count <= options.maxTimelineEntriesPerSA + options.maxEventsPerSA, "timeline past the bound")
        precondition(sa.events.count <= options.maxEventsPerSA, "events past the bound")
        precondition(sa.syncs.count + sa.resets.count <= 2 * options.maxExchangesPerSA, "exchanges past the bound")
        _ = FailoverWording.verdict(sa)
    }
    var out = OutputBuffer()
    FailoverJSONRenderer().render(report, into: &out)
    FailoverTextRenderer().render(report, into: &out)
    return 0
}
