import IKEv2

/// Receives the type-specific detail fields of a payload (SA, TS, CP; RFC 7296 §3.3, §3.13,
/// §3.15) or of a typed notify (RFC 7296 §3.10), in display order. The key names and their
/// order are written once, in `PayloadDetails` and `NotifyDetails`; a sink only decides the
/// representation: `JSONDetailSink` writes JSON straight into an `OutputBuffer` (no intermediate
/// values, no allocation), `FieldBuilder` builds `Field` trees for the text renderer.
///
/// Calls nest as: fields (`number`, `string`, `hex`, `address`, `name`) and lists
/// (`beginList` ... `endList`) inside the current object; a list holds either objects
/// (`beginObject` ... `endObject`) or numbers (`listNumber`).
protocol DetailSink: NotifyFieldSink {
    mutating func number(_ key: StaticString, _ value: UInt64)
    mutating func string(_ key: StaticString, _ value: String)
    /// Lowercase hex of the octets.
    mutating func hex(_ key: StaticString, _ value: RawSpan)
    mutating func hex(_ key: StaticString, bytes value: [UInt8])
    /// A traffic-selector address: dotted IPv4 (4 octets), colon-separated IPv6 groups
    /// (16 octets), hex otherwise (see `OutputBuffer.address`).
    mutating func address(_ key: StaticString, _ value: RawSpan)
    /// A registry name, or `Unknown(<number>)` when unassigned.
    mutating func name(_ key: StaticString, _ name: String?, number: UInt64)
    mutating func beginList(_ key: StaticString)
    mutating func listNumber(_ value: UInt64)
    mutating func beginObject()
    mutating func endObject()
    mutating func endList()
}

/// Type-specific fields of the payloads with sub-structures (SA, TS, CP), shared by the JSON
/// and text renderers. Errors in a sub-structure propagate with their path and offset; a sink
/// may have received part of the fields by then (`JSONRenderer` rolls its output back).
enum PayloadDetails {
    /// The fields as `Field` values (text renderer).
    static func fields(_ p: borrowing PayloadView) throws(IKEError) -> [Field] {
        var b = FieldBuilder()
        try emit(p, into: &b)
        return b.fields
    }

    /// Drives `sink` with the payload's fields; payload types without details emit nothing.
    static func emit<S: DetailSink>(_ p: borrowing PayloadView, into s: inout S) throws(IKEError) {
        switch p.type {
        case .securityAssociation: try sa(p, into: &s)
        case .trafficSelectorInitiator, .trafficSelectorResponder: try ts(p, into: &s)
        case .configuration: try cp(p, into: &s)
        default: break
        }
    }

    /// SA payload (RFC 7296 §3.3): proposals, each with its transforms.
    static func sa<S: DetailSink>(_ p: borrowing PayloadView, into s: inout S) throws(IKEError) {
        let sa: SAView
        do { sa = try SAView(body: p.body, baseOffset: p.bodyOffset) } catch { throw error.within(p.pathName) }
        s.beginList("proposals")
        var it = sa.proposals
        while true {
            let next: ProposalView?
            do { next = try it.next() } catch { throw error.within(p.pathName) }
            guard let prop = next else { break }
            s.beginObject()
            s.number("number", UInt64(prop.number))
            s.number("protocol_id", UInt64(prop.protocolID.rawValue))
            s.string("protocol_name", prop.protocolID.description)
            s.hex("spi", prop.spi)
            s.beginList("transforms")
            var tit = prop.transforms
            while true {
                let tn: TransformView?
                do { tn = try tit.next() } catch { throw error.within(p.pathName) }
                guard let t = tn else { break }
                s.beginObject()
                s.number("type", UInt64(t.type.rawValue))
                s.string("type_name", t.type.description)
                s.number("id", UInt64(t.id))
                s.name("id_name", t.idName, number: UInt64(t.id))
                if let k = t.keyLength { s.number("key_length", UInt64(k)) }
                s.endObject()
            }
            s.endList()
            s.endObject()
        }
        s.endList()
    }

    /// TSi/TSr payload (RFC 7296 §3.13): the traffic selectors.
    static func ts<S: DetailSink>(_ p: borrowing PayloadView, into s: inout S) throws(IKEError) {
        let v: TrafficSelectorsView
        do { v = try TrafficSelectorsView(body: p.body, baseOffset: p.bodyOffset) } catch { throw error.within(p.pathName) }
        s.beginList("selectors")
        var it = v.selectors
        while true {
            let next: TrafficSelectorView?
            do { next = try it.next() } catch { throw error.within(p.pathName) }
            guard let sel = next else { break }
            s.beginObject()
            s.number("ts_type", UInt64(sel.type.rawValue))
            s.string("ts_type_name", sel.type.description)
            s.number("ip_protocol", UInt64(sel.ipProtocolID))
            if let sp = sel.startPort, let ep = sel.endPort {
                s.number("start_port", UInt64(sp))
                s.number("end_port", UInt64(ep))
                s.address("start_address", sel.startAddress)
                s.address("end_address", sel.endAddress)
            } else {
                s.hex("content", sel.content)
            }
            s.endObject()
        }
        s.endList()
    }

    /// CP payload (RFC 7296 §3.15): CFG type and the configuration attributes.
    static func cp<S: DetailSink>(_ p: borrowing PayloadView, into s: inout S) throws(IKEError) {
        let v: ConfigurationView
        do { v = try ConfigurationView(body: p.body, baseOffset: p.bodyOffset) } catch { throw error.within(p.pathName) }
        s.number("cfg_type", UInt64(v.cfgType.rawValue))
        s.string("cfg_type_name", v.cfgType.description)
        s.beginList("attributes")
        var it = v.attributes
        while true {
            let next: ConfigAttributeView?
            do { next = try it.next() } catch { throw error.within(p.pathName) }
            guard let a = next else { break }
            s.beginObject()
            s.number("type", UInt64(a.type.rawValue))
            s.string("type_name", a.type.description)
            s.hex("value", a.value)
            s.endObject()
        }
        s.endList()
    }

    /// The text form of a traffic-selector address (see `OutputBuffer.address`).
    static func addressText(_ span: RawSpan) -> String {
        span.withUnsafeBytes { AddressText.string($0, ipv6: .full) }
    }
}

/// The fields of typed notify data: the codec's one description (`NotifyData.emitFields`),
/// written into any detail sink in place.
enum NotifyDetails {
    static func emit<S: DetailSink>(_ data: NotifyData, into s: inout S) {
        data.emitFields(into: &s)
    }
}

extension DetailSink {
    mutating func numberList(_ key: StaticString, _ values: [UInt64]) {
        beginList(key)
        for v in values { listNumber(v) }
        endList()
    }
}

/// Writes detail fields as JSON members straight into an `OutputBuffer`.
struct JSONDetailSink: DetailSink {
    var out: OutputBuffer
    /// No member written yet in the innermost open object or list (no comma before the next).
    var first: Bool

    /// Takes over `out`'s storage (hand it back with `finish(into:)`), so writes need no copy.
    /// `first` is `false` to continue an object that already has members.
    init(taking out: inout OutputBuffer, first: Bool) {
        self.out = OutputBuffer(capacity: 0)
        swap(&self.out, &out)
        self.first = first
    }

    mutating func finish(into out: inout OutputBuffer) { swap(&self.out, &out) }

    @inline(__always) private mutating func member(_ key: StaticString) {
        if !first { out.byte(UInt8(ascii: ",")) }
        first = false
        out.key(key)
    }

    mutating func number(_ key: StaticString, _ value: UInt64) { member(key); out.decimal(value) }
    mutating func string(_ key: StaticString, _ value: String) { member(key); out.jsonString(value) }
    mutating func hex(_ key: StaticString, _ value: RawSpan) {
        member(key); out.byte(UInt8(ascii: "\"")); out.hex(value); out.byte(UInt8(ascii: "\""))
    }
    mutating func hex(_ key: StaticString, bytes value: [UInt8]) {
        member(key); out.byte(UInt8(ascii: "\"")); out.hex(bytes: value); out.byte(UInt8(ascii: "\""))
    }
    mutating func address(_ key: StaticString, _ value: RawSpan) {
        // Digits, dots, colons and hex only: nothing to escape.
        member(key); out.byte(UInt8(ascii: "\"")); out.address(value); out.byte(UInt8(ascii: "\""))
    }
    mutating func name(_ key: StaticString, _ name: String?, number: UInt64) {
        member(key)
        if let name { out.jsonString(name); return }
        out.append(literal: "\"Unknown("); out.decimal(number); out.append(literal: ")\"")
    }
    mutating func beginList(_ key: StaticString) { member(key); out.byte(UInt8(ascii: "[")); first = true }
    mutating func listNumber(_ value: UInt64) {
        if !first { out.byte(UInt8(ascii: ",")) }
        first = false
        out.decimal(value)
    }
    mutating func beginObject() {
        if !first { out.byte(UInt8(ascii: ",")) }
        out.byte(UInt8(ascii: "{"))
        first = true
    }
    mutating func endObject() { out.byte(UInt8(ascii: "}")); first = false }
    mutating func endList() { out.byte(UInt8(ascii: "]")); first = false }
}

/// Builds `Field` values from detail fields (for the text renderer and `NotifyDisplay.decode`).
struct FieldBuilder: DetailSink {
    /// The members of the innermost open object (the top level when none is open).
    private(set) var fields: [Field] = []
    private var enclosingObjects: [[Field]] = []
    private var openLists: [(key: String, items: [FieldValue])] = []

    mutating func number(_ key: StaticString, _ value: UInt64) { fields.append(Field(key.description, .number(value))) }
    mutating func string(_ key: StaticString, _ value: String) { fields.append(Field(key.description, .string(value))) }
    mutating func hex(_ key: StaticString, _ value: RawSpan) { fields.append(Field(key.description, .hex(value.copyBytes()))) }
    mutating func hex(_ key: StaticString, bytes value: [UInt8]) { fields.append(Field(key.description, .hex(value))) }
    mutating func address(_ key: StaticString, _ value: RawSpan) {
        fields.append(Field(key.description, .string(PayloadDetails.addressText(value))))
    }
    mutating func name(_ key: StaticString, _ name: String?, number: UInt64) {
        fields.append(Field(key.description, .string(name ?? "Unknown(\(number))")))
    }
    mutating func beginList(_ key: StaticString) { openLists.append((key.description, [])) }
    mutating func listNumber(_ value: UInt64) {
        if let i = openLists.indices.last { openLists[i].items.append(.number(value)) }
    }
    mutating func beginObject() {
        enclosingObjects.append(fields)
        fields = []
    }
    mutating func endObject() {
        let object = fields
        fields = enclosingObjects.popLast() ?? []
        if let i = openLists.indices.last { openLists[i].items.append(.object(object)) }
    }
    mutating func endList() {
        if let list = openLists.popLast() { fields.append(Field(list.key, .list(list.items))) }
    }
}
