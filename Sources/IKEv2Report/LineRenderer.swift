import IKEv2

/// One line per IKE message, in the spirit of tcpdump:
///
/// `1 12:21:24.386989 192.168.1.2.500 > 192.168.1.1.500: IKEv2 IKE_SA_INIT[I] request mid=0 spi=00010203/00000000 len=404: SA KE Ni N(NAT_DETECTION_SOURCE_IP)`
///
/// SPIs are shortened to their first 4 bytes; `SK{...}` lists decrypted inner payloads,
/// `SKF(n/total)` marks a fragment. Malformed messages end with `[error: ...]`.
struct LineRenderer: Sendable {
    var notifyDisplay: NotifyDisplay
    init(notifyDisplay: NotifyDisplay = NotifyDisplay()) { self.notifyDisplay = notifyDisplay }

    func render(_ message: borrowing IKEMessageView, meta: MessageMeta, inner: InnerPayloads,
                       into out: inout OutputBuffer) {
        prefix(meta, into: &out)
        let h = message.header
        if h.isIKEv1 {
            out.append("IKEv1 ")
            out.append(IKEv1Names.exchange(h.exchangeType.rawValue))
            out.append(" msgid=")
            out.hex(UInt64(h.messageID), width: 8)
            out.append(" cookies=")
            out.hex(h.initiatorSPI, width: 16)
            out.append("->")
            out.hex(h.responderSPI, width: 16)
            out.byte(0x0a)
            return
        }
        out.append("IKEv2 ")
        out.append(h.exchangeType.description)
        out.append(h.isInitiator ? "[I] " : "[R] ")
        out.append(h.isResponse ? "response" : "request")
        out.append(" mid=")
        out.decimal(h.messageID)
        out.append(" spi=")
        out.hex(h.initiatorSPI >> 32, width: 8)
        out.byte(UInt8(ascii: "/"))
        out.hex(h.responderSPI >> 32, width: 8)
        out.append(" len=")
        out.decimal(h.length)
        out.byte(UInt8(ascii: ":"))
        var it = message.payloads
        if let e = chain(&it, inner: inner, isInitiator: h.isInitiator, into: &out) {
            out.append(" [error: ")
            out.append(e.description)
            out.byte(UInt8(ascii: "]"))
        }
        out.byte(0x0a)
    }

    func renderUnparsed(_ error: IKEError, meta: MessageMeta, into out: inout OutputBuffer) {
        prefix(meta, into: &out)
        out.append("IKE [malformed: ")
        out.append(error.description)
        out.append("]\n")
    }

    func prefix(_ meta: MessageMeta, into out: inout OutputBuffer) {
        if let capture = meta.captureSource { out.append(capture); out.byte(UInt8(ascii: ":")) }
        out.decimal(meta.frame)
        out.byte(UInt8(ascii: " "))
        Timestamp.timeOfDay(meta.timeNanos, into: &out)
        out.byte(UInt8(ascii: " "))
        out.append(meta.source)
        out.byte(UInt8(ascii: "."))
        out.decimal(meta.sourcePort)
        out.append(" > ")
        out.append(meta.destination)
        out.byte(UInt8(ascii: "."))
        out.decimal(meta.destinationPort)
        out.append(meta.transport == "udp" ? ": " : meta.transport == "tcp" ? ": [tcp] " : ": [natt] ")
    }

    /// Writes ` SA KE Ni ...`; returns the first error (the chain up to it is already written).
    func chain(_ it: inout PayloadIterator, inner: InnerPayloads, isInitiator: Bool,
               into out: inout OutputBuffer) -> IKEError? {
        while true {
            let next: PayloadView?
            do { next = try it.next() } catch { return error }
            guard let p = next else { return nil }
            out.byte(UInt8(ascii: " "))
            switch p.type {
            case .notify:
                out.append("N(")
                if let n = try? p.notify() { out.append(notifyDisplay.name(n.notifyType)) } else { out.append("?") }
                out.byte(UInt8(ascii: ")"))
            case .encrypted, .encryptedFragment:
                out.append(p.type.notation)
                if p.type == .encryptedFragment, let f = try? p.encryptedFragment() {
                    out.byte(UInt8(ascii: "("))
                    out.decimal(f.fragmentNumber)
                    out.byte(UInt8(ascii: "/"))
                    out.decimal(f.totalFragments)
                    out.byte(UInt8(ascii: ")"))
                }
                switch inner {
                case .decrypted(let plaintext, let first):
                    out.byte(UInt8(ascii: "{"))
                    let span = plaintext.span.bytes
                    var innerIt = PayloadIterator(message: span, first: first, start: 0, inside: p.type)
                    let e = chain(&innerIt, inner: .notAttempted, isInitiator: isInitiator, into: &out)
                    out.append(" }")
                    if let e { return e }
                case .failed(let why):
                    out.append("[")
                    out.append(why)
                    out.append("]")
                default:
                    break
                }
            default:
                out.append(PayloadNames.notation(p.type, isInitiator: isInitiator))
                if p.isCritical { out.append("[C]") }
            }
        }
    }
}
