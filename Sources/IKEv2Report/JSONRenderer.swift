import IKEv2

/// Renders one IKE message as one JSON object on one line (JSON Lines). The schema is documented
/// in the README ("JSON schema") and is stable: keys are only ever added.
struct JSONRenderer: Sendable {
    var notifyDisplay: NotifyDisplay

    init(notifyDisplay: NotifyDisplay = NotifyDisplay()) {
        self.notifyDisplay = notifyDisplay
    }

    /// Appends the object for a parsed message (and a newline).
    func render(_ message: borrowing IKEMessageView, meta: MessageMeta, inner: InnerPayloads,
                       into out: inout OutputBuffer) {
        out.byte(UInt8(ascii: "{"))
        renderMeta(meta, into: &out)
        let h = message.header
        renderHeader(h, into: &out)
        var errors: [IKEError] = []
        out.append(literal: ",\"payloads\":[")
        if !h.isIKEv1 {
            var it = message.payloads
            renderChain(&it, inner: inner, isInitiator: h.isInitiator, errors: &errors, into: &out)
        }
        out.append(literal: "],\"errors\":[")
        for (i, e) in errors.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            renderError(e, into: &out)
        }
        out.append(literal: "]}\n")
    }

    /// Appends the object for a datagram that did not parse as an IKE message at all.
    /// `header` is what could be read of the header (see `IKEHeader.peek`), if anything.
    func renderUnparsed(_ error: IKEError, header: IKEHeader?, meta: MessageMeta, into out: inout OutputBuffer) {
        out.byte(UInt8(ascii: "{"))
        renderMeta(meta, into: &out)
        if let header { renderHeader(header, into: &out) }
        out.append(literal: ",\"payloads\":[],\"errors\":[")
        renderError(error, into: &out)
        out.append(literal: "]}\n")
    }

    func renderMeta(_ meta: MessageMeta, into out: inout OutputBuffer) {
        if let capture = meta.captureSource { out.key("source"); out.jsonString(capture); out.byte(UInt8(ascii: ",")) }
        out.key("frame"); out.decimal(meta.frame)
        out.append(literal: ",\"time\":\""); Timestamp.rfc3339(meta.timeNanos, into: &out); out.byte(UInt8(ascii: "\""))
        out.append(literal: ",\"src\":"); out.jsonString(meta.source)
        out.append(literal: ",\"dst\":"); out.jsonString(meta.destination)
        out.append(literal: ",\"sport\":"); out.decimal(meta.sourcePort)
        out.append(literal: ",\"dport\":"); out.decimal(meta.destinationPort)
        out.append(literal: ",\"transport\":"); out.jsonString(meta.transport)
        out.append(literal: ",\"reassembled\":"); out.bool(meta.reassembled)
    }

    func renderHeader(_ h: IKEHeader, into out: inout OutputBuffer) {
        out.append(literal: ",\"spi_i\":\""); out.hex(h.initiatorSPI, width: 16)
        out.append(literal: "\",\"spi_r\":\""); out.hex(h.responderSPI, width: 16)
        out.append(literal: "\",\"version\":\""); out.decimal(h.majorVersion); out.byte(UInt8(ascii: "."))
        out.decimal(h.minorVersion)
        out.append(literal: "\",\"exchange\":"); out.decimal(h.exchangeType.rawValue)
        out.append(literal: ",\"exchange_name\":")
        if h.majorVersion != 2 { out.jsonString(IKEv1Names.exchange(h.exchangeType.rawValue)) } else { out.jsonString(h.exchangeType.description) }
        out.append(literal: ",\"flags\":{\"initiator\":"); out.bool(h.isInitiator)
        out.append(literal: ",\"response\":"); out.bool(h.isResponse)
        out.append(literal: ",\"higher_version\":"); out.bool(h.higherVersion)
        out.append(literal: "},\"message_id\":"); out.decimal(h.messageID)
        out.append(literal: ",\"length\":"); out.decimal(h.length)
    }

    func renderError(_ e: IKEError, into out: inout OutputBuffer) {
        out.append(literal: "{\"code\":"); out.jsonString(e.code.rawValue)
        out.append(literal: ",\"offset\":"); out.decimal(e.offset)
        out.append(literal: ",\"path\":"); out.jsonString(e.path)
        out.append(literal: ",\"message\":"); out.jsonString(e.message)
        out.byte(UInt8(ascii: "}"))
    }

    /// Renders a chain; on a malformed payload the payloads before it stay rendered and the error
    /// is collected.
    func renderChain(_ it: inout PayloadIterator, inner: InnerPayloads, isInitiator: Bool,
                     errors: inout [IKEError], into out: inout OutputBuffer) {
        var first = true
        while true {
            let next: PayloadView?
            do { next = try it.next() } catch { errors.append(error); return }
            guard let p = next else { return }
            if !first { out.byte(UInt8(ascii: ",")) }
            first = false
            renderPayload(p, inner: inner, isInitiator: isInitiator, errors: &errors, into: &out)
        }
    }

    func renderPayload(_ p: borrowing PayloadView, inner: InnerPayloads, isInitiator: Bool,
                       errors: inout [IKEError], into out: inout OutputBuffer) {
        out.append(literal: "{\"type\":"); out.decimal(p.type.rawValue)
        out.append(literal: ",\"name\":"); out.jsonString(PayloadNames.notation(p.type, isInitiator: isInitiator))
        out.append(literal: ",\"critical\":"); out.bool(p.isCritical)
        out.append(literal: ",\"length\":"); out.decimal(p.length)
        do {
            try renderBody(p, inner: inner, isInitiator: isInitiator, errors: &errors, into: &out)
        } catch {
            errors.append(error)
        }
        out.byte(UInt8(ascii: "}"))
    }

    func renderBody(_ p: borrowing PayloadView, inner: InnerPayloads, isInitiator: Bool,
                    errors: inout [IKEError], into out: inout OutputBuffer) throws(IKEError) {
        switch p.type {
        case .notify:
            let n = try p.notify()
            out.append(literal: ",\"notify_type\":"); out.decimal(n.notifyType.rawValue)
            out.append(literal: ",\"notify_name\":"); out.jsonString(notifyDisplay.name(n.notifyType))
            out.append(literal: ",\"protocol_id\":"); out.decimal(n.protocolID.rawValue)
            out.append(literal: ",\"spi\":\""); out.hex(n.spi)
            out.append(literal: "\",\"data\":\""); out.hex(n.data); out.byte(UInt8(ascii: "\""))
            switch notifyDisplay.typed(n) {
            case .none: break
            case .decoded(let data):
                out.append(literal: ",\"decoded\":{")
                var sink = JSONDetailSink(taking: &out, first: true)
                NotifyDetails.emit(data, into: &sink)
                sink.finish(into: &out)
                out.byte(UInt8(ascii: "}"))
            case .invalid(let e):
                out.append(literal: ",\"decoded\":null")
                errors.append(e.within("N(\(n.notifyType.description))"))
            }
        case .keyExchange:
            let ke = try p.keyExchange()
            out.append(literal: ",\"group\":"); out.decimal(ke.group)
            out.append(literal: ",\"data_length\":"); out.decimal(ke.keyExchangeData.byteCount)
        case .nonce, .vendorID:
            out.append(literal: ",\"data\":\""); out.hex(p.body); out.byte(UInt8(ascii: "\""))
        case .identificationInitiator, .identificationResponder:
            let id = try p.identification()
            out.append(literal: ",\"id_type\":"); out.decimal(id.idType.rawValue)
            out.append(literal: ",\"id_type_name\":"); out.jsonString(id.idType.description)
            out.append(literal: ",\"data\":\""); out.hex(id.data); out.byte(UInt8(ascii: "\""))
            if let text = IdentityText.render(id.idType, id.data) {
                out.append(literal: ",\"id\":"); out.jsonString(text)
            }
        case .authentication:
            let a = try p.authentication()
            out.append(literal: ",\"auth_method\":"); out.decimal(a.method.rawValue)
            out.append(literal: ",\"auth_method_name\":"); out.jsonString(a.method.description)
            out.append(literal: ",\"data\":\""); out.hex(a.data); out.byte(UInt8(ascii: "\""))
        case .certificate, .certificateRequest:
            let c = try p.certificate()
            out.append(literal: ",\"encoding\":"); out.decimal(c.encoding.rawValue)
            out.append(literal: ",\"encoding_name\":"); out.jsonString(c.encoding.description)
            out.append(literal: ",\"data_length\":"); out.decimal(c.data.byteCount)
        case .delete:
            let d = try p.delete()
            out.append(literal: ",\"protocol_id\":"); out.decimal(d.protocolID.rawValue)
            out.append(literal: ",\"spi_size\":"); out.decimal(d.spiSize)
            out.append(literal: ",\"spis\":[")
            for i in 0..<d.spiCount {
                if i > 0 { out.byte(UInt8(ascii: ",")) }
                out.byte(UInt8(ascii: "\"")); out.hex(d.spi(i)); out.byte(UInt8(ascii: "\""))
            }
            out.byte(UInt8(ascii: "]"))
        case .eap:
            let e = try p.eap()
            out.append(literal: ",\"eap_code\":"); out.decimal(e.code)
            out.append(literal: ",\"eap_identifier\":"); out.decimal(e.identifier)
            if let t = e.eapType { out.append(literal: ",\"eap_type\":"); out.decimal(t) }
        case .securityAssociation, .trafficSelectorInitiator, .trafficSelectorResponder, .configuration:
            // Streamed straight from the views; on a malformed sub-structure the members
            // already written are taken back, so the payload shows only its generic keys.
            let mark = out.bytes.count
            var sink = JSONDetailSink(taking: &out, first: false)
            do {
                try PayloadDetails.emit(p, into: &sink)
            } catch {
                sink.finish(into: &out)
                out.truncate(to: mark)
                throw error
            }
            sink.finish(into: &out)
        case .encrypted, .encryptedFragment:
            if p.type == .encryptedFragment {
                let f = try p.encryptedFragment()
                out.append(literal: ",\"fragment_number\":"); out.decimal(f.fragmentNumber)
                out.append(literal: ",\"total_fragments\":"); out.decimal(f.totalFragments)
            }
            out.append(literal: ",\"next_payload\":"); out.decimal(p.nextPayload.rawValue)
            out.append(literal: ",\"decrypted\":"); out.bool(inner.isDecrypted)
            switch inner {
            case .decrypted(let plaintext, let firstType):
                out.append(literal: ",\"payloads\":[")
                let span = plaintext.span.bytes
                var it = PayloadIterator(message: span, first: firstType, start: 0, inside: p.type)
                renderChain(&it, inner: .notAttempted, isInitiator: isInitiator, errors: &errors, into: &out)
                out.byte(UInt8(ascii: "]"))
            case .failed(let why):
                out.append(literal: ",\"decryption_error\":"); out.jsonString(why)
            case .noKeys:
                out.append(literal: ",\"decryption_error\":\"no key for this SA\"")
            case .fragmentPending(let received, let total):
                out.append(literal: ",\"fragments_received\":"); out.decimal(received)
                out.append(literal: ",\"fragments_total\":"); out.decimal(total)
            case .notAttempted:
                break
            }
        default:
            out.append(literal: ",\"data\":\""); out.hex(p.body); out.byte(UInt8(ascii: "\""))
        }
    }
}

/// Short payload names as a tcpdump/Wireshark user reads them: `Ni`/`Nr` by sender, `N(...)` for
/// notifies is built by the line renderer.
enum PayloadNames {
    static func notation(_ t: PayloadType, isInitiator: Bool) -> String {
        t == .nonce ? (isInitiator ? "Ni" : "Nr") : t.notation
    }
}

/// IKEv1 exchange names (RFC 2408/2409), for the header of IKEv1 messages we report but do not dissect.
enum IKEv1Names {
    static func exchange(_ v: UInt8) -> String {
        switch v {
        case 0: "None"
        case 1: "Base"
        case 2: "Identity Protection (Main Mode)"
        case 3: "Authentication Only"
        case 4: "Aggressive"
        case 5: "Informational"
        case 6: "Transaction (Config Mode)"
        case 32: "Quick Mode"
        case 33: "New Group Mode"
        default: "IKEv1 exchange \(v)"
        }
    }
}

/// Printable identities for ID payloads (RFC 7296 §3.5).
enum IdentityText {
    static func render(_ type: IDType, _ data: RawSpan) -> String? {
        switch type.rawValue {
        case 1 where data.byteCount == 4, 5 where data.byteCount == 16:
            return PayloadDetails.addressText(data)
        case 2, 3:
            let printable = data.withUnsafeBytes { b in b.allSatisfy { $0 >= 0x20 && $0 < 0x7f } }
            return printable ? data.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } : nil
        default:
            return nil
        }
    }
}
