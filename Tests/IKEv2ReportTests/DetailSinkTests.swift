import IKEv2
import IKEv2Capture
@testable import IKEv2Report
import Testing
import TestSupport

/// The streaming JSON path (`JSONDetailSink`) and the `Field` path (`FieldBuilder`, used by the
/// text renderer) are driven by the same emitters (`PayloadDetails`, `NotifyDetails`); these
/// tests check that both sinks describe the same tree, and that the notify keys match the
/// codec's own `NotifyData.fields`.
struct DetailSinkTests {
    /// JSON members of a details tree rendered the old way: `,"key":value` per top-level field.
    static func viaFields(_ fields: [Field]) -> String {
        var out = OutputBuffer(capacity: 256)
        for f in fields {
            out.byte(UInt8(ascii: ","))
            out.key(f.key)
            FieldRendering.json(f.value, into: &out)
        }
        return out.string
    }

    static func convert(_ v: NotifyFieldValue) -> FieldValue {
        switch v {
        case .number(let n): .number(n)
        case .hex(let b): .hex(b)
        case .string(let s): .string(s)
        case .list(let items): .list(items.map(convert))
        }
    }

    static let notifySamples: [NotifyData] = [
        .messageIDSyncSupported, .replayCounterSyncSupported, .messageIDResetSupported, .initialContact,
        .useTransportMode, .redirectSupported, .fragmentationSupported,
        .messageIDSync(MessageIDSyncData(nonce: 0xA1B2_C3D4, expectedSend: 7, expectedRecv: 9)),
        .messageIDReset(MessageIDSyncData(nonce: 1, expectedSend: 2, expectedRecv: 3)),
        .replayCounterSync(ReplayCounterDelta(delta: 1 << 40, extendedSequenceNumbers: true)),
        .unsupportedCriticalPayload(PayloadType(rawValue: 99)),
        .invalidMessageID(0xFFFF_FFFF), .invalidSPI([1, 2, 3, 4]), .invalidKEPayload(group: 19),
        .setWindowSize(10), .natDetectionSourceIP(Array(repeating: 0xab, count: 20)),
        .natDetectionDestinationIP(Array(0..<20)), .cookie([0, 0x7f, 0xff]),
        .rekeySA(protocolID: .esp, spi: [0xde, 0xad, 0xbe, 0xef]),
        .redirect(gateway: .ipv4([192, 0, 2, 1]), nonce: [1, 2]),
        .redirect(gateway: .ipv6([0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1]), nonce: []),
        .redirectedFrom(.fqdn(Array("vpn\"gw\\.example".utf8))), .redirectedFrom(.other(type: 9, identity: [0xff])),
        .signatureHashAlgorithms([]), .signatureHashAlgorithms([1, 2, 3, 4, 5]),
        .raw(spi: [], data: [9]), .raw(spi: [1, 2, 3, 4], data: []),
    ]

    @Test func notifyKeysMatchTheCodecsFields() {
        for data in Self.notifySamples {
            var b = FieldBuilder()
            NotifyDetails.emit(data, into: &b)
            #expect(b.fields == data.fields.map { Field($0.key, Self.convert($0.value)) }, "\(data)")
        }
    }

    @Test func notifyJSONStreamEqualsFieldRendering() {
        for data in Self.notifySamples {
            var b = FieldBuilder()
            NotifyDetails.emit(data, into: &b)
            var out = OutputBuffer(capacity: 256)
            var sink = JSONDetailSink(taking: &out, first: false)
            NotifyDetails.emit(data, into: &sink)
            sink.finish(into: &out)
            #expect(out.string == Self.viaFields(b.fields), "\(data)")
        }
    }

    /// Every SA, TS and CP payload of every corpus capture: both sinks agree, and a
    /// malformed sub-structure throws the same error from both.
    @Test func payloadJSONStreamEqualsFieldRenderingOverTheCorpus() throws {
        var compared = 0
        var malformed = 0
        for capture in Fixtures.captures() {
            guard let reader = try? CaptureReader(path: Fixtures.path(capture)) else { continue }
            try? reader.forEach { event in
                guard case .ike = event.kind, let m = try? IKEMessageView(parsing: event.bytes),
                      !m.header.isIKEv1 else { return }
                var it = m.payloads
                while let p = try? it.next() {
                    switch p.type {
                    case .securityAssociation, .trafficSelectorInitiator, .trafficSelectorResponder, .configuration: break
                    default: continue
                    }
                    var out = OutputBuffer(capacity: 256)
                    var sink = JSONDetailSink(taking: &out, first: false)
                    var streamError: IKEError?
                    do throws(IKEError) { try PayloadDetails.emit(p, into: &sink) } catch { streamError = error }
                    sink.finish(into: &out)
                    do throws(IKEError) {
                        let fields = try PayloadDetails.fields(p)
                        #expect(streamError == nil)
                        #expect(out.string == Self.viaFields(fields), "\(capture) frame \(event.meta.frameNumber)")
                        compared += 1
                    } catch {
                        #expect(streamError == error)
                        malformed += 1
                    }
                }
            }
        }
        #expect(compared > 30)  // 39 cleartext SA/TS/CP payloads in the corpus today
        #expect(malformed > 0)
    }

    @Test func addressText() {
        let v4: [UInt8] = [10, 0, 255, 1]
        let v6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0x10, 0, 0, 0xab, 0xcd, 0xff, 0xff]
        let odd: [UInt8] = [1, 0xab, 0]
        #expect(PayloadDetails.addressText(v4.span.bytes) == "10.0.255.1")
        #expect(PayloadDetails.addressText(v6.span.bytes) == "2001:db8:0:0:10:0:abcd:ffff")
        #expect(PayloadDetails.addressText(odd.span.bytes) == "01ab00")
    }

    @Test func truncateDropsTheTail() {
        var out = OutputBuffer(capacity: 16)
        out.append("abcdef")
        out.truncate(to: 10)
        #expect(out.string == "abcdef")
        out.truncate(to: 2)
        #expect(out.string == "ab")
    }
}

@Suite struct IdentityTextTests {
    @Test func addressIdentities() {
        let v4: [UInt8] = [192, 0, 2, 10]
        let v6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01]
        #expect(IdentityText.render(.ipv4Address, v4.span.bytes) == "192.0.2.10")
        #expect(IdentityText.render(.ipv6Address, v6.span.bytes) == "2001:db8:0:0:0:0:0:1")
        #expect(IdentityText.render(.ipv4Address, [1, 2, 3].span.bytes) == nil)
        #expect(IdentityText.render(.fqdn, Array("vpn.example".utf8).span.bytes) == "vpn.example")
    }
}
