import IKEv2

// Where the length, count, size and chain fields of a message are (RFC 7296 §3.1-§3.16,
// RFC 7383 §2.5), found with the codec's own views, so mutations hit real fields.

/// One field of a message the mutation generator can change.
struct MessageField: Hashable, Sendable {
    enum Kind: String, Hashable, Sendable {
        /// A length covering a structure (header Length, Payload Length, Proposal/Transform/
        /// Attribute/Selector/CP attribute/EAP Length): any other value breaks the layout.
        case length
        /// A number of following structures (Num Transforms, Number of TSs, Num of SPIs).
        case count
        /// A size of an inner field (SPI Size).
        case size
        /// A Next Payload field (the header's or a payload's).
        case nextPayload
        /// SKF Fragment Number / Total Fragments (RFC 7383 §2.5).
        case fragment
    }

    /// Where it is, e.g. `payload 2 (SA) > proposal 1 > Transform Length (transform 3)`.
    var name: String
    /// Absolute offset in the message.
    var offset: Int
    /// 1, 2 or 4 bytes, big-endian.
    var width: Int
    var kind: Kind

    init(name: String, offset: Int, width: Int, kind: Kind) {
        self.name = name
        self.offset = offset
        self.width = width
        self.kind = kind
    }
}

/// One payload of the outer chain: type, offset of its generic header and Payload Length.
struct PayloadLocation: Hashable, Sendable {
    var type: PayloadType
    var offset: Int
    var length: Int
}

/// The fields and payloads found in a message, as far as it parses.
struct MessageLayout: Hashable, Sendable {
    var fields: [MessageField] = []
    var payloads: [PayloadLocation] = []
    /// The first error met while locating (nil when the whole message was walked).
    var error: IKEError? = nil

    init() {}

    /// Locates the fields of `bytes`: the header's, each payload's generic header, and the inner
    /// lengths/counts/sizes of SA, Notify, Delete, TS, CP, EAP and SKF bodies. Stops at the
    /// first malformed structure (fields found before it are kept).
    init(of bytes: [UInt8]) {
        guard bytes.count >= IKEHeader.size else { return }
        fields.append(MessageField(name: "header Next Payload", offset: 16, width: 1, kind: .nextPayload))
        fields.append(MessageField(name: "header Length", offset: 24, width: 4, kind: .length))
        do {
            let view = try IKEMessageView(parsing: bytes.span.bytes, allowTrailing: true)
            var it = view.payloads
            var index = 0
            while let p = try it.next() {
                index += 1
                let name = "payload \(index) (\(p.type.notation))"
                payloads.append(PayloadLocation(type: p.type, offset: p.offset, length: p.length))
                fields.append(MessageField(name: name + " Next Payload", offset: p.offset, width: 1, kind: .nextPayload))
                fields.append(MessageField(name: name + " Payload Length", offset: p.offset + 2, width: 2, kind: .length))
                try locateBody(p, name)
            }
        } catch {
            self.error = error
        }
    }

    mutating func locateBody(_ p: borrowing PayloadView, _ name: String) throws(IKEError) {
        let at = p.bodyOffset
        switch p.type {
        case .securityAssociation:
            var props = try p.securityAssociation().proposals
            while let prop = try props.next() {
                let pn = "\(name) > proposal \(prop.index)"
                fields.append(MessageField(name: pn + " Proposal Length", offset: prop.offset + 2, width: 2, kind: .length))
                fields.append(MessageField(name: pn + " SPI Size", offset: prop.offset + 6, width: 1, kind: .size))
                fields.append(MessageField(name: pn + " Num Transforms", offset: prop.offset + 7, width: 1, kind: .count))
                var ts = prop.transforms
                while let t = try ts.next() {
                    let tn = "\(pn) > transform \(t.index)"
                    fields.append(MessageField(name: tn + " Transform Length", offset: t.offset + 2, width: 2, kind: .length))
                    var attrs = t.attributes
                    var ai = 0
                    while let a = try attrs.next() {
                        ai += 1
                        if !a.isTV {
                            fields.append(MessageField(name: "\(tn) > attribute \(ai) Attribute Length",
                                                       offset: a.offset + 2, width: 2, kind: .length))
                        }
                    }
                }
            }
        case .notify:
            _ = try p.notify()
            fields.append(MessageField(name: name + " SPI Size", offset: at + 1, width: 1, kind: .size))
        case .delete:
            _ = try p.delete()
            fields.append(MessageField(name: name + " SPI Size", offset: at + 1, width: 1, kind: .size))
            fields.append(MessageField(name: name + " Num of SPIs", offset: at + 2, width: 2, kind: .count))
        case .trafficSelectorInitiator, .trafficSelectorResponder:
            var sel = try p.trafficSelectors().selectors
            fields.append(MessageField(name: name + " Number of TSs", offset: at, width: 1, kind: .count))
            var i = 0
            while let s = try sel.next() {
                i += 1
                fields.append(MessageField(name: "\(name) > selector \(i) Selector Length", offset: s.offset + 2, width: 2, kind: .length))
            }
        case .configuration:
            var attrs = try p.configuration().attributes
            var i = 0
            while let a = try attrs.next() {
                i += 1
                fields.append(MessageField(name: "\(name) > attribute \(i) Length", offset: a.offset + 2, width: 2, kind: .length))
            }
        case .eap:
            _ = try p.eap()
            fields.append(MessageField(name: name + " EAP Length", offset: at + 2, width: 2, kind: .length))
        case .encryptedFragment:
            _ = try p.encryptedFragment()
            fields.append(MessageField(name: name + " Fragment Number", offset: at, width: 2, kind: .fragment))
            fields.append(MessageField(name: name + " Total Fragments", offset: at + 2, width: 2, kind: .fragment))
        default:
            break
        }
    }
}

/// Big-endian reads and writes of `width`-byte fields in an owned buffer (bounds-checked; an
/// out-of-range field reads 0 and is not written).
enum FieldBytes {
    static func read(_ b: [UInt8], _ offset: Int, _ width: Int) -> UInt64 {
        guard offset >= 0, width > 0, width <= 8, offset <= b.count - width else { return 0 }
        var v: UInt64 = 0
        for i in 0..<width { v = v << 8 | UInt64(b[offset + i]) }
        return v
    }

    static func write(_ b: inout [UInt8], _ offset: Int, _ width: Int, _ value: UInt64) {
        guard offset >= 0, width > 0, width <= 8, offset <= b.count - width else { return }
        for i in 0..<width {
            b[offset + i] = UInt8(truncatingIfNeeded: value >> UInt64(8 * (width - 1 - i)))
        }
    }

    /// The largest value of a `width`-byte field.
    static func max(_ width: Int) -> UInt64 { width >= 8 ? UInt64.max : (UInt64(1) << UInt64(8 * width)) &- 1 }
}
