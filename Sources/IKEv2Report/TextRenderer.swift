import IKEv2

/// A full tree per message, like `tshark -V` for the IKE part: every field with its name and
/// value, registry names for numbers, typed notify data, and byte offsets with `verbose`.
struct TextRenderer: Sendable {
    var verbose: Bool
    var notifyDisplay: NotifyDisplay

    init(verbose: Bool = false, notifyDisplay: NotifyDisplay = NotifyDisplay()) {
        self.verbose = verbose
        self.notifyDisplay = notifyDisplay
    }

    func render(_ message: borrowing IKEMessageView, meta: MessageMeta, inner: InnerPayloads,
                       into out: inout OutputBuffer) {
        frameLine(meta, into: &out)
        let h = message.header
        var t = Tree(out: out, verbose: verbose)
        t.line(0, "Internet Security Association and Key Management Protocol", at: 0)
        t.line(1, "Initiator SPI: \(Hex.fixed(h.initiatorSPI, width: 16))", at: 0)
        t.line(1, "Responder SPI: \(Hex.fixed(h.responderSPI, width: 16))", at: 8)
        t.line(1, "Next payload: \(h.isIKEv1 ? "\(h.nextPayload.rawValue)" : "\(h.nextPayload.name) (\(h.nextPayload.rawValue))")", at: 16)
        t.line(1, "Version: \(h.majorVersion).\(h.minorVersion)", at: 17)
        let xname = h.isIKEv1 ? IKEv1Names.exchange(h.exchangeType.rawValue) : h.exchangeType.description
        t.line(1, "Exchange type: \(xname) (\(h.exchangeType.rawValue))", at: 18)
        t.line(1, "Flags: 0x\(Hex.encode([h.flags])) (\(h.isInitiator ? "Initiator" : "Responder"), \(h.higherVersion ? "Higher version" : "No higher version"), \(h.isResponse ? "Response" : "Request"))", at: 19)
        t.line(1, "Message ID: 0x\(Hex.encode(be32(h.messageID))) (\(h.messageID))", at: 20)
        t.line(1, "Length: \(h.length)", at: 24)
        if !h.isIKEv1 {
            var it = message.payloads
            chain(&it, depth: 1, inner: inner, isInitiator: h.isInitiator, tree: &t)
        }
        out = t.out
        out.byte(0x0a)
    }

    func renderUnparsed(_ error: IKEError, meta: MessageMeta, into out: inout OutputBuffer) {
        frameLine(meta, into: &out)
        out.append("Internet Security Association and Key Management Protocol\n    [Malformed: ")
        out.append(error.description)
        out.append("]\n\n")
    }

    func frameLine(_ meta: MessageMeta, into out: inout OutputBuffer) {
        out.append("Frame ")
        out.decimal(meta.frame)
        if let capture = meta.captureSource { out.append(" of "); out.append(capture) }
        out.append(": ")
        Timestamp.rfc3339(meta.timeNanos, into: &out)
        out.append(" \(meta.source):\(meta.sourcePort) -> \(meta.destination):\(meta.destinationPort) (\(meta.transport)\(meta.reassembled ? ", reassembled" : ""))\n")
    }

    struct Tree {
        var out: OutputBuffer
        let verbose: Bool
        mutating func line(_ depth: Int, _ text: String, at offset: Int? = nil) {
            for _ in 0..<depth { out.append("    ") }
            out.append(text)
            if verbose, let offset { out.append("  [@\(offset)]") }
            out.byte(0x0a)
        }
    }

    func chain(_ it: inout PayloadIterator, depth: Int, inner: InnerPayloads, isInitiator: Bool, tree t: inout Tree) {
        while true {
            let next: PayloadView?
            do { next = try it.next() } catch {
                t.line(depth, "[Malformed: \(error.description)]", at: error.offset)
                return
            }
            guard let p = next else { return }
            payload(p, depth: depth, inner: inner, isInitiator: isInitiator, tree: &t)
        }
    }

    func payload(_ p: borrowing PayloadView, depth: Int, inner: InnerPayloads, isInitiator: Bool, tree t: inout Tree) {
        let d = depth + 1
        t.line(depth, "Payload: \(p.type.name) (\(p.type.rawValue))", at: p.offset)
        t.line(d, "Next payload: \(p.nextPayload.name) (\(p.nextPayload.rawValue))", at: p.offset)
        t.line(d, "\(p.isCritical ? 1 : 0)... .... = Critical bit: \(p.isCritical ? "Critical" : "Not critical")", at: p.offset + 1)
        if p.reservedBits != 0 { t.line(d, "Reserved bits: 0x\(Hex.encode([p.reservedBits]))", at: p.offset + 1) }
        t.line(d, "Payload length: \(p.length)", at: p.offset + 2)
        do {
            try body(p, depth: d, inner: inner, isInitiator: isInitiator, tree: &t)
        } catch {
            t.line(d, "[Malformed: \(error.description)]", at: error.offset)
        }
    }

    func body(_ p: borrowing PayloadView, depth d: Int, inner: InnerPayloads, isInitiator: Bool, tree t: inout Tree) throws(IKEError) {
        let at = p.bodyOffset
        switch p.type {
        case .notify:
            let n = try p.notify()
            t.line(d, "Protocol ID: \(n.protocolID.description) (\(n.protocolID.rawValue))", at: at)
            t.line(d, "SPI Size: \(n.spiSize)", at: at + 1)
            t.line(d, "Notify Message Type: \(notifyDisplay.name(n.notifyType)) (\(n.notifyType.rawValue))", at: at + 2)
            if n.spiSize > 0 { t.line(d, "SPI: \(n.spi.hexString())", at: at + 4) }
            if n.data.byteCount > 0 { t.line(d, "Notification DATA: \(n.data.hexString())", at: n.dataOffset) }
            switch notifyDisplay.decode(n) {
            case .none: break
            case .decoded(let fields): fieldsTree(fields, depth: d, tree: &t)
            case .invalid(let e): t.line(d, "[Malformed notify data: \(e.description)]", at: e.offset)
            }
        case .keyExchange:
            let ke = try p.keyExchange()
            t.line(d, "DH Group #: \(ke.group)", at: at)
            t.line(d, "Key Exchange Data: \(ke.keyExchangeData.byteCount) bytes", at: at + 4)
        case .nonce:
            t.line(d, "Nonce DATA: \(p.body.hexString())", at: at)
        case .vendorID:
            t.line(d, "Vendor ID: \(p.body.hexString())", at: at)
        case .identificationInitiator, .identificationResponder:
            let id = try p.identification()
            t.line(d, "ID type: \(id.idType.description) (\(id.idType.rawValue))", at: at)
            if let s = IdentityText.render(id.idType, id.data) { t.line(d, "Identification Data: \(s)", at: at + 4) }
            else { t.line(d, "Identification Data: \(id.data.hexString())", at: at + 4) }
        case .authentication:
            let a = try p.authentication()
            t.line(d, "Auth Method: \(a.method.description) (\(a.method.rawValue))", at: at)
            t.line(d, "Authentication Data: \(a.data.hexString())", at: at + 4)
        case .certificate, .certificateRequest:
            let c = try p.certificate()
            t.line(d, "Certificate Encoding: \(c.encoding.description) (\(c.encoding.rawValue))", at: at)
            t.line(d, "\(p.type == .certificate ? "Certificate Data" : "Certificate Authority Data"): \(c.data.byteCount) bytes", at: at + 1)
        case .delete:
            let del = try p.delete()
            t.line(d, "Protocol ID: \(del.protocolID.description) (\(del.protocolID.rawValue))", at: at)
            t.line(d, "SPI Size: \(del.spiSize)", at: at + 1)
            t.line(d, "Number of SPIs: \(del.spiCount)", at: at + 2)
            for i in 0..<del.spiCount { t.line(d, "Delete SPI: \(del.spi(i).hexString())", at: at + 4 + i * del.spiSize) }
        case .eap:
            let e = try p.eap()
            t.line(d, "EAP Code: \(e.codeName) (\(e.code)), Id: \(e.identifier)\(e.eapType.map { ", Type: \($0)" } ?? "")", at: at)
        case .securityAssociation, .trafficSelectorInitiator, .trafficSelectorResponder, .configuration:
            fieldsTree(try PayloadDetails.fields(p), depth: d, tree: &t)
        case .encrypted, .encryptedFragment:
            if p.type == .encryptedFragment {
                let f = try p.encryptedFragment()
                t.line(d, "Fragment Number: \(f.fragmentNumber)", at: at)
                t.line(d, "Total Fragments: \(f.totalFragments)", at: at + 2)
            }
            switch inner {
            case .decrypted(let plaintext, let first):
                t.line(d, "Decrypted Data (\(plaintext.count) bytes)")
                let span = plaintext.span.bytes
                var it = PayloadIterator(message: span, first: first, start: 0, inside: p.type)
                chain(&it, depth: d + 1, inner: .notAttempted, isInitiator: isInitiator, tree: &t)
            case .failed(let why): t.line(d, "Encrypted Data: \(p.length - 4) bytes [decryption failed: \(why)]")
            case .noKeys: t.line(d, "Encrypted Data: \(p.length - 4) bytes [no key for this SA]")
            case .fragmentPending(let r, let total): t.line(d, "Encrypted Data: \(p.length - 4) bytes [fragment \(r) of \(total) received]")
            case .notAttempted: t.line(d, "Encrypted Data: \(p.length - 4) bytes")
            }
        default:
            t.line(d, "Data: \(p.body.hexString())", at: at)
        }
    }

    func fieldsTree(_ fields: [Field], depth: Int, tree t: inout Tree) {
        for f in fields {
            switch f.value {
            case .object(let sub):
                t.line(depth, "\(f.key):")
                fieldsTree(sub, depth: depth + 1, tree: &t)
            case .list(let items) where items.contains(where: { if case .object = $0 { true } else { false } }):
                for item in items {
                    if case .object(let sub) = item {
                        t.line(depth, "\(f.key):")
                        fieldsTree(sub, depth: depth + 1, tree: &t)
                    } else {
                        t.line(depth, "\(f.key): \(FieldRendering.compact(item))")
                    }
                }
            default:
                t.line(depth, "\(f.key): \(FieldRendering.compact(f.value))")
            }
        }
    }
}

func be32(_ v: UInt32) -> [UInt8] {
    [UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
}
