@testable import IKEv2

/// What a walk of a message's outer chain saw (SA contents included).
struct ChainSummary: Equatable {
    var payloadTypes: [UInt8] = []
    var proposals = 0
    var transformsPerProposal: [Int] = []
    var notifyTypes: [UInt16] = []

    /// The same counts tshark reports in `payload_types` (proposals as "2", transforms as "3").
    var tsharkCounts: [String: Int] {
        var out: [String: Int] = [:]
        for t in payloadTypes { out[String(t), default: 0] += 1 }
        if proposals > 0 { out["2"] = proposals }
        let transforms = transformsPerProposal.reduce(0, +)
        if transforms > 0 { out["3"] = transforms }
        return out
    }
    var notifyCounts: [String: Int] {
        var out: [String: Int] = [:]
        for n in notifyTypes { out[String(n), default: 0] += 1 }
        return out
    }
}

/// Walks the chain with the views (no owned copies).
func summarize(_ view: borrowing IKEMessageView) throws(IKEError) -> ChainSummary {
    var s = ChainSummary()
    var it = view.payloads
    while let p = try it.next() {
        s.payloadTypes.append(p.type.rawValue)
        if p.type == .securityAssociation {
            var props = try p.securityAssociation().proposals
            while let prop = try props.next() {
                s.proposals += 1
                var n = 0
                var ts = prop.transforms
                while try ts.next() != nil { n += 1 }
                s.transformsPerProposal.append(n)
            }
        } else if p.type == .notify {
            s.notifyTypes.append(try p.notify().notifyType.rawValue)
        }
    }
    return s
}

/// Runs `body` and returns the IKEError it throws (nil if it does not throw).
func caught(_ body: () throws(IKEError) -> Void) -> IKEError? {
    do { try body() } catch { return error }
    return nil
}

/// Parses `bytes` as a message, validates it, and copies it into owned values; the first error.
func fullParseError(_ bytes: [UInt8]) -> IKEError? {
    caught { () throws(IKEError) in
        let v = try IKEMessageView(parsing: bytes.span.bytes)
        try v.validate()
        _ = try IKEMessage(v)
    }
}

/// Splits a concatenation of payloads (generic header + body each) by their Payload Length.
func splitPayloads(_ bytes: [UInt8]) -> [[UInt8]] {
    var out: [[UInt8]] = []
    var o = 0
    while o + 4 <= bytes.count {
        let len = Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
        guard len >= 4, o + len <= bytes.count else { break }
        out.append(Array(bytes[o..<(o + len)]))
        o += len
    }
    return out
}

/// Builds a message from a header and whole payloads (generic header included), rewriting every
/// Next Payload field (except an SK/SKF's) and the Length so the chain is consistent.
func assemble(header: IKEHeader, payloads: [(PayloadType, [UInt8])]) -> [UInt8] {
    var h = header
    h.nextPayload = payloads.first?.0 ?? .none
    var w = ByteWriter()
    h.write(to: &w)
    var out = w.bytes
    for (i, (type, p)) in payloads.enumerated() {
        var p = p
        if type != .encrypted && type != .encryptedFragment {
            p[0] = i + 1 < payloads.count ? payloads[i + 1].0.rawValue : 0
        }
        out += p
    }
    let n = UInt32(out.count)
    out[24] = UInt8(n >> 24); out[25] = UInt8((n >> 16) & 0xff); out[26] = UInt8((n >> 8) & 0xff); out[27] = UInt8(n & 0xff)
    return out
}

/// `m` with the fields `serialize(.built)` computes filled in (header Next Payload and Length,
/// each payload's Next Payload except SK/SKF's), i.e. what parsing the built bytes yields.
func normalized(_ m: IKEMessage) throws(IKEError) -> IKEMessage {
    var m = m
    m.header.nextPayload = m.payloads.first?.type ?? .none
    m.header.length = UInt32(try m.serialize(.built).count)
    for i in m.payloads.indices where m.payloads[i].type != .encrypted && m.payloads[i].type != .encryptedFragment {
        m.payloads[i].nextPayload = i + 1 < m.payloads.count ? m.payloads[i + 1].type : .none
    }
    return m
}
