// SA payload (33), RFC 7296 §3.3: a list of Proposal substructures (§3.3.1), each with a list
// of Transform substructures (§3.3.2), each with Transform Attributes (§3.3.5).
//
// Proposal:  0 Last Substruc (0 last / 2 more)  1 RESERVED  2 Proposal Length (2)
//            4 Proposal Num  5 Protocol ID  6 SPI Size  7 Num Transforms  8 SPI  8+s Transforms
// Transform: 0 Last Substruc (0 last / 3 more)  1 RESERVED  2 Transform Length (2)
//            4 Transform Type  5 RESERVED  6 Transform ID (2)  8 Transform Attributes
// Attribute: 0 AF|Attribute Type (2)  2 TV: value (2) / TLV: Attribute Length (2)  4 TLV value
//
// The views walk the bytes lazily and allocate nothing; error paths are built only when thrown.
// Every structural rule of RFC 7296 §3.3 is checked by the iterators themselves, so a caller that
// iterates gets the same guarantees as `validate()`.

/// Resource bounds on SA substructures (not wire rules; a 64 KiB body could hold 8 Ki proposals).
public enum SALimits {
    /// Most proposals accepted in one SA payload.
    public static let maxProposals = 256
    /// Most attributes accepted in one transform.
    public static let maxAttributes = 64
}

@inline(__always)
func saPath(_ proposal: Int, _ transform: Int = 0, _ attribute: Int = 0) -> String {
    var s = "proposal \(proposal)"
    if transform > 0 { s += " > transform \(transform)" }
    if attribute > 0 { s += " > attribute \(attribute)" }
    return s
}

/// A view of an SA payload body (RFC 7296 §3.3). Construction checks nothing; `proposals`
/// checks each proposal as it is reached, and `validate()` walks everything.
public struct SAView: ~Escapable {
    public let body: RawSpan
    /// Absolute offset of `body` in the parsed buffer.
    public let baseOffset: Int

    @_lifetime(copy body)
    public init(body: RawSpan, baseOffset: Int) throws(IKEError) {
        self.body = body
        self.baseOffset = baseOffset
    }

    /// The proposals, in order.
    public var proposals: ProposalIterator {
        @_lifetime(copy self) get { ProposalIterator(body: body, baseOffset: baseOffset) }
    }

    /// Walks every proposal, transform and attribute, throwing the first error. Allocation-free
    /// on success.
    public func validate() throws(IKEError) {
        var it = proposals
        while let p = try it.next() {
            try p.validate()
        }
    }
}

/// Iterates the Proposal substructures of an SA body (RFC 7296 §3.3.1). Checks for each
/// proposal: fixed part present, Proposal Length within the body, Last Substruc 0/2 consistent
/// with position, Proposal Num non-zero then same or +1, SPI Size allowed for the protocol and inside
/// the proposal; at the end, no bytes after the last proposal.
public struct ProposalIterator: ~Escapable {
    let body: RawSpan
    let baseOffset: Int
    /// Offset of the next proposal in the body.
    public private(set) var offset: Int = 0
    /// Proposals returned so far.
    public private(set) var count: Int = 0
    var previousNumber: UInt8 = 0
    var finished = false

    @_lifetime(copy body)
    init(body: RawSpan, baseOffset: Int) {
        self.body = body
        self.baseOffset = baseOffset
    }

    @_lifetime(copy self)
    @_lifetime(self: copy self)
    public mutating func next() throws(IKEError) -> ProposalView? {
        if finished { return nil }
        let end = body.byteCount
        let index = count + 1
        if offset == end {
            finished = true
            if count == 0 {
                throw IKEError(.truncated, at: baseOffset + offset, "SA payload has no proposal")
            }
            return nil
        }
        finished = true  // cleared again on success
        guard count < SALimits.maxProposals else {
            throw IKEError(.limitExceeded, at: baseOffset + offset, path: saPath(index),
                           "more than \(SALimits.maxProposals) proposals")
        }
        guard end - offset >= 8 else {
            throw IKEError(.truncated, at: baseOffset + offset, path: saPath(index),
                           "proposal needs 8 bytes of fixed fields, \(end - offset) left")
        }
        let length = Int(body.u16(offset + 2))
        guard length >= 8 else {
            throw IKEError(.lengthTooSmall, at: baseOffset + offset + 2, path: saPath(index),
                           "Proposal Length \(length) is smaller than its 8-byte fixed part")
        }
        guard length <= end - offset else {
            throw IKEError(.lengthOverrun, at: baseOffset + offset + 2, path: saPath(index),
                           "Proposal Length \(length) runs past the SA payload (\(end - offset) bytes left)")
        }
        let last = body.u8(offset)
        let nextOffset = offset + length
        switch last {
        case 0:
            if nextOffset != end {
                throw IKEError(.trailingBytes, at: baseOffset + nextOffset, path: saPath(index),
                               "\(end - nextOffset) bytes after the proposal marked last (Last Substruc 0)")
            }
        case 2:
            if nextOffset == end {
                throw IKEError(.truncated, at: baseOffset + nextOffset, path: saPath(index),
                               "Last Substruc 2 announces another proposal, but the SA payload ends")
            }
        default:
            throw IKEError(.badValue, at: baseOffset + offset, path: saPath(index),
                           "proposal Last Substruc \(last) (must be 0 or 2, RFC 7296 §3.3.1)")
        }
        let number = body.u8(offset + 4)
        if count == 0 {
            // A request numbers its proposals from 1, but a response carries the accepted
            // proposal with the number it was offered under (RFC 7296 §3.3.1), so any first
            // number but 0 is valid here; which one is right depends on the exchange.
            guard number != 0 else {
                throw IKEError(.badValue, at: baseOffset + offset + 4, path: saPath(index),
                               "first Proposal Num is 0; proposals are numbered from 1 (RFC 7296 §3.3.1)")
            }
        } else {
            guard number == previousNumber || number == previousNumber &+ 1, number != 0 else {
                throw IKEError(.badValue, at: baseOffset + offset + 4, path: saPath(index),
                               "Proposal Num \(number) after \(previousNumber) (must repeat it or add 1)")
            }
        }
        let proto = ProtocolID(rawValue: body.u8(offset + 5))
        let spiSize = Int(body.u8(offset + 6))
        let spiOK: Bool
        switch proto {
        case .ike: spiOK = spiSize == 0 || spiSize == 8
        case .ah, .esp: spiOK = spiSize == 4
        default: spiOK = spiSize == 0 || spiSize == 4 || spiSize == 8
        }
        guard spiOK else {
            throw IKEError(.badValue, at: baseOffset + offset + 6, path: saPath(index),
                           "SPI Size \(spiSize) is not valid for protocol \(proto) (RFC 7296 §3.3.1)")
        }
        guard 8 + spiSize <= length else {
            throw IKEError(.lengthOverrun, at: baseOffset + offset + 6, path: saPath(index),
                           "SPI Size \(spiSize) runs past the proposal (Proposal Length \(length))")
        }
        let view = ProposalView(
            bytes: body.extracting(offset..<nextOffset), offset: baseOffset + offset, index: index)
        previousNumber = number
        count += 1
        offset = nextOffset
        finished = false
        return view
    }
}

/// One Proposal substructure (RFC 7296 §3.3.1), fixed part and SPI already checked.
public struct ProposalView: ~Escapable {
    /// The whole proposal, from Last Substruc to the end of its last transform.
    public let bytes: RawSpan
    /// Absolute offset of the proposal.
    public let offset: Int
    /// 1-based position in the SA payload (used in error paths).
    public let index: Int

    @_lifetime(copy bytes)
    init(bytes: RawSpan, offset: Int, index: Int) {
        self.bytes = bytes
        self.offset = offset
        self.index = index
    }

    /// Last Substruc: 0 for the last proposal, 2 otherwise.
    public var lastSubstruc: UInt8 { bytes.u8(0) }
    public var isLast: Bool { lastSubstruc == 0 }
    /// The RESERVED octet as received.
    public var reserved: UInt8 { bytes.u8(1) }
    /// Proposal Length.
    public var length: Int { bytes.byteCount }
    /// Proposal Num.
    public var number: UInt8 { bytes.u8(4) }
    public var protocolID: ProtocolID { ProtocolID(rawValue: bytes.u8(5)) }
    public var spiSize: Int { Int(bytes.u8(6)) }
    /// Num Transforms as declared (checked against the transforms by iteration).
    public var declaredTransformCount: Int { Int(bytes.u8(7)) }
    public var spi: RawSpan { @_lifetime(copy self) get { bytes.extracting(8..<(8 + spiSize)) } }
    /// The SPI as an integer when it is 4 or 8 bytes.
    public var spiValue: UInt64? {
        switch spiSize {
        case 4: UInt64(bytes.u32(8))
        case 8: bytes.u64(8)
        default: nil
        }
    }

    /// The transforms, in order.
    public var transforms: TransformIterator {
        @_lifetime(copy self) get {
            TransformIterator(region: bytes.extracting((8 + spiSize)..<bytes.byteCount),
                              baseOffset: offset + 8 + spiSize, declared: declaredTransformCount,
                              countOffset: offset + 7, proposalIndex: index)
        }
    }

    /// Walks every transform and attribute; checks Num Transforms and the Proposal Length sum.
    public func validate() throws(IKEError) {
        var it = transforms
        while let t = try it.next() {
            try t.validate()
        }
    }
}

/// Iterates the Transform substructures of a proposal (RFC 7296 §3.3.2). Checks each transform's
/// fixed part, Transform Length (≥ 8, inside the proposal), Last Substruc 0/3 consistent with
/// position; at the end, that the transforms fill the proposal exactly and that their number
/// equals Num Transforms.
public struct TransformIterator: ~Escapable {
    let region: RawSpan
    let baseOffset: Int
    let declared: Int
    let countOffset: Int
    let proposalIndex: Int
    public private(set) var offset: Int = 0
    public private(set) var count: Int = 0
    var finished = false

    @_lifetime(copy region)
    init(region: RawSpan, baseOffset: Int, declared: Int, countOffset: Int, proposalIndex: Int) {
        self.region = region
        self.baseOffset = baseOffset
        self.declared = declared
        self.countOffset = countOffset
        self.proposalIndex = proposalIndex
    }

    @_lifetime(copy self)
    @_lifetime(self: copy self)
    public mutating func next() throws(IKEError) -> TransformView? {
        if finished { return nil }
        let end = region.byteCount
        finished = true  // cleared again on success
        if offset == end {
            // Zero transforms (empty region) or after a transform marked last.
            guard count == declared else {
                throw IKEError(.badCount, at: countOffset, path: saPath(proposalIndex),
                               "Num Transforms is \(declared) but the proposal holds \(count)")
            }
            return nil
        }
        let index = count + 1
        guard count < declared else {
            if end - offset < 8 {
                throw IKEError(.trailingBytes, at: baseOffset + offset, path: saPath(proposalIndex),
                               "\(end - offset) bytes after the last of \(declared) transforms")
            }
            throw IKEError(.badCount, at: countOffset, path: saPath(proposalIndex),
                           "Num Transforms is \(declared) but the proposal holds more")
        }
        guard end - offset >= 8 else {
            throw IKEError(.truncated, at: baseOffset + offset, path: saPath(proposalIndex, index),
                           "transform needs 8 bytes of fixed fields, \(end - offset) left in the proposal")
        }
        let length = Int(region.u16(offset + 2))
        guard length >= 8 else {
            throw IKEError(.lengthTooSmall, at: baseOffset + offset + 2, path: saPath(proposalIndex, index),
                           "Transform Length \(length) is smaller than its 8-byte fixed part")
        }
        guard length <= end - offset else {
            throw IKEError(.lengthOverrun, at: baseOffset + offset + 2, path: saPath(proposalIndex, index),
                           "Transform Length \(length) runs past the proposal (\(end - offset) bytes left)")
        }
        let nextOffset = offset + length
        let last = region.u8(offset)
        switch last {
        case 0:
            if nextOffset != end {
                throw IKEError(.trailingBytes, at: baseOffset + nextOffset, path: saPath(proposalIndex, index),
                               "\(end - nextOffset) bytes after the transform marked last (Last Substruc 0)")
            }
        case 3:
            if nextOffset == end {
                throw IKEError(.truncated, at: baseOffset + nextOffset, path: saPath(proposalIndex, index),
                               "Last Substruc 3 announces another transform, but the proposal ends")
            }
        default:
            throw IKEError(.badValue, at: baseOffset + offset, path: saPath(proposalIndex, index),
                           "transform Last Substruc \(last) (must be 0 or 3, RFC 7296 §3.3.2)")
        }
        let view = TransformView(bytes: region.extracting(offset..<nextOffset), offset: baseOffset + offset,
                                 index: index, proposalIndex: proposalIndex)
        count += 1
        offset = nextOffset
        finished = false
        return view
    }
}

/// One Transform substructure (RFC 7296 §3.3.2).
public struct TransformView: ~Escapable {
    /// The whole transform, attributes included.
    public let bytes: RawSpan
    /// Absolute offset of the transform.
    public let offset: Int
    /// 1-based position in its proposal.
    public let index: Int
    /// 1-based position of its proposal.
    public let proposalIndex: Int

    @_lifetime(copy bytes)
    init(bytes: RawSpan, offset: Int, index: Int, proposalIndex: Int) {
        self.bytes = bytes
        self.offset = offset
        self.index = index
        self.proposalIndex = proposalIndex
    }

    /// Last Substruc: 0 for the last transform, 3 otherwise.
    public var lastSubstruc: UInt8 { bytes.u8(0) }
    public var isLast: Bool { lastSubstruc == 0 }
    /// The RESERVED octet after Last Substruc.
    public var reserved1: UInt8 { bytes.u8(1) }
    /// Transform Length.
    public var length: Int { bytes.byteCount }
    public var type: TransformType { TransformType(rawValue: bytes.u8(4)) }
    /// The RESERVED octet after Transform Type.
    public var reserved2: UInt8 { bytes.u8(5) }
    /// Transform ID in `type`'s registry.
    public var id: UInt16 { bytes.u16(6) }
    /// The registry name of `id` for `type` (e.g. `ENCR_AES_CBC`).
    public var idName: String? { type.idName(id) }

    public var attributes: TransformAttributeIterator {
        @_lifetime(copy self) get {
            TransformAttributeIterator(region: bytes.extracting(8..<bytes.byteCount), baseOffset: offset + 8,
                                       proposalIndex: proposalIndex, transformIndex: index)
        }
    }

    /// The Key Length attribute (14, TV) in bits, if present and well formed.
    public var keyLength: UInt16? {
        var it = attributes
        while let a = try? it.next() {
            if a.type == .keyLength, let v = a.tvValue { return v }
        }
        return nil
    }

    /// Walks every attribute.
    public func validate() throws(IKEError) {
        var it = attributes
        while try it.next() != nil {}
    }
}

/// Iterates the attributes of a transform (RFC 7296 §3.3.5): TV attributes are 4 bytes, TLV
/// attributes 4 + Attribute Length; none may run past the transform.
public struct TransformAttributeIterator: ~Escapable {
    let region: RawSpan
    let baseOffset: Int
    let proposalIndex: Int
    let transformIndex: Int
    public private(set) var offset: Int = 0
    public private(set) var count: Int = 0
    var finished = false

    @_lifetime(copy region)
    init(region: RawSpan, baseOffset: Int, proposalIndex: Int, transformIndex: Int) {
        self.region = region
        self.baseOffset = baseOffset
        self.proposalIndex = proposalIndex
        self.transformIndex = transformIndex
    }

    @_lifetime(copy self)
    @_lifetime(self: copy self)
    public mutating func next() throws(IKEError) -> TransformAttributeView? {
        if finished { return nil }
        let end = region.byteCount
        if offset == end {
            finished = true
            return nil
        }
        finished = true  // cleared again on success
        let index = count + 1
        // Built only when an error is thrown (a String per attribute would allocate).
        func path() -> String { saPath(proposalIndex, transformIndex, index) }
        guard count < SALimits.maxAttributes else {
            throw IKEError(.limitExceeded, at: baseOffset + offset, path: saPath(proposalIndex, transformIndex),
                           "more than \(SALimits.maxAttributes) attributes")
        }
        guard end - offset >= 4 else {
            throw IKEError(.truncated, at: baseOffset + offset, path: path(),
                           "attribute needs 4 bytes, \(end - offset) left in the transform")
        }
        let word = region.u16(offset)
        var size = 4
        if word & 0x8000 == 0 {
            let valueLength = Int(region.u16(offset + 2))
            guard valueLength <= end - offset - 4 else {
                throw IKEError(.lengthOverrun, at: baseOffset + offset + 2, path: path(),
                               "Attribute Length \(valueLength) runs past the transform (\(end - offset - 4) bytes left)")
            }
            size += valueLength
        }
        let view = TransformAttributeView(bytes: region.extracting(offset..<(offset + size)),
                                          offset: baseOffset + offset, index: index)
        count += 1
        offset += size
        finished = false
        return view
    }
}

/// One transform attribute (RFC 7296 §3.3.5).
public struct TransformAttributeView: ~Escapable {
    /// The whole attribute (4 bytes for TV).
    public let bytes: RawSpan
    /// Absolute offset.
    public let offset: Int
    /// 1-based position in its transform.
    public let index: Int

    @_lifetime(copy bytes)
    init(bytes: RawSpan, offset: Int, index: Int) {
        self.bytes = bytes
        self.offset = offset
        self.index = index
    }

    /// AF = 1: Type/Value (the value is the 2 octets after the type).
    public var isTV: Bool { bytes.u16(0) & 0x8000 != 0 }
    /// The 15-bit Attribute Type.
    public var type: TransformAttributeType { TransformAttributeType(rawValue: bytes.u16(0) & 0x7fff) }
    /// The TV value, or nil for TLV.
    public var tvValue: UInt16? { isTV ? bytes.u16(2) : nil }
    /// The value bytes: the 2 octets for TV, the Attribute Value for TLV.
    public var value: RawSpan {
        @_lifetime(copy self) get { bytes.extracting((isTV ? 2 : 4)..<bytes.byteCount) }
    }
}

// MARK: - Owned values

/// An owned transform attribute (RFC 7296 §3.3.5).
public struct TransformAttribute: Hashable, Sendable {
    public enum Value: Hashable, Sendable {
        /// AF = 1: a 2-octet value.
        case tv(UInt16)
        /// AF = 0: a variable-length value.
        case tlv([UInt8])
    }

    public var type: TransformAttributeType
    public var value: Value

    public init(type: TransformAttributeType, value: Value) {
        self.type = type
        self.value = value
    }

    /// Key Length (14, TV) in bits.
    public static func keyLength(_ bits: UInt16) -> TransformAttribute {
        TransformAttribute(type: .keyLength, value: .tv(bits))
    }

    public init(_ v: borrowing TransformAttributeView) {
        type = v.type
        if let tv = v.tvValue { value = .tv(tv) } else { value = .tlv(v.value.copyBytes()) }
    }

    public func write(to w: inout ByteWriter) throws(IKEError) {
        guard type.rawValue <= 0x7fff else {
            throw IKEError(.badValue, at: w.count, "attribute type \(type.rawValue) does not fit 15 bits")
        }
        switch value {
        case .tv(let v):
            w.u16(0x8000 | type.rawValue)
            w.u16(v)
        case .tlv(let data):
            guard data.count <= 0xffff else {
                throw IKEError(.tooLarge, at: w.count, "TLV attribute value of \(data.count) bytes")
            }
            w.u16(type.rawValue)
            w.u16(UInt16(data.count))
            w.append(data)
        }
    }
}

/// An owned transform (RFC 7296 §3.3.2). Last Substruc and Transform Length are computed when
/// written; the RESERVED octets are kept so a parsed transform serializes byte-exactly.
public struct Transform: Hashable, Sendable {
    public var type: TransformType
    public var id: UInt16
    public var attributes: [TransformAttribute]
    /// RESERVED octet 1 (after Last Substruc), as received.
    public var reserved1: UInt8
    /// RESERVED octet 5 (after Transform Type), as received.
    public var reserved2: UInt8

    public init(type: TransformType, id: UInt16, attributes: [TransformAttribute] = [],
                reserved1: UInt8 = 0, reserved2: UInt8 = 0) {
        self.type = type
        self.id = id
        self.attributes = attributes
        self.reserved1 = reserved1
        self.reserved2 = reserved2
    }

    /// An ENCR transform, with a Key Length attribute when `keyLength` is given.
    public static func encryption(_ alg: EncryptionAlgorithm, keyLength: UInt16? = nil) -> Transform {
        Transform(type: .encryption, id: alg.rawValue, attributes: keyLength.map { [.keyLength($0)] } ?? [])
    }
    public static func prf(_ alg: PRFAlgorithm) -> Transform { Transform(type: .prf, id: alg.rawValue) }
    public static func integrity(_ alg: IntegrityAlgorithm) -> Transform { Transform(type: .integrity, id: alg.rawValue) }
    public static func keyExchange(_ m: KeyExchangeMethod) -> Transform { Transform(type: .keyExchange, id: m.rawValue) }
    public static func sequenceNumbers(_ s: SequenceNumbersType) -> Transform {
        Transform(type: .sequenceNumbers, id: s.rawValue)
    }

    /// The Key Length attribute in bits, if present.
    public var keyLength: UInt16? {
        for a in attributes where a.type == .keyLength {
            if case .tv(let v) = a.value { return v }
        }
        return nil
    }

    /// The registry name of `id` for `type`.
    public var idName: String? { type.idName(id) }

    public init(_ v: borrowing TransformView) throws(IKEError) {
        type = v.type
        id = v.id
        reserved1 = v.reserved1
        reserved2 = v.reserved2
        var out: [TransformAttribute] = []
        var it = v.attributes
        while let a = try it.next() { out.append(TransformAttribute(a)) }
        attributes = out
    }

    /// Appends the transform with the given Last Substruc.
    public func write(to w: inout ByteWriter, last: Bool) throws(IKEError) {
        let start = w.count
        w.u8(last ? 0 : 3)
        w.u8(reserved1)
        w.u16(0)
        w.u8(type.rawValue)
        w.u8(reserved2)
        w.u16(id)
        for a in attributes { try a.write(to: &w) }
        guard w.count - start <= 0xffff else { throw IKEError(.tooLarge, at: start, "transform too large") }
        w.patchLength16(at: start + 2, from: start)
    }
}

/// An owned proposal (RFC 7296 §3.3.1). Last Substruc, Proposal Length, SPI Size and Num
/// Transforms are computed when written.
public struct Proposal: Hashable, Sendable {
    /// Proposal Num.
    public var number: UInt8
    public var protocolID: ProtocolID
    public var spi: [UInt8]
    public var transforms: [Transform]
    /// The RESERVED octet, as received.
    public var reserved: UInt8

    public init(number: UInt8 = 1, protocolID: ProtocolID, spi: [UInt8] = [], transforms: [Transform],
                reserved: UInt8 = 0) {
        self.number = number
        self.protocolID = protocolID
        self.spi = spi
        self.transforms = transforms
        self.reserved = reserved
    }

    public init(_ v: borrowing ProposalView) throws(IKEError) {
        number = v.number
        protocolID = v.protocolID
        spi = v.spi.copyBytes()
        reserved = v.reserved
        var out: [Transform] = []
        out.reserveCapacity(v.declaredTransformCount)
        var it = v.transforms
        while let t = try it.next() { out.append(try Transform(t)) }
        transforms = out
    }

    /// The first transform of `type`, if any.
    public func first(_ type: TransformType) -> Transform? { transforms.first { $0.type == type } }

    public func write(to w: inout ByteWriter, last: Bool) throws(IKEError) {
        let start = w.count
        guard spi.count <= 255 else { throw IKEError(.tooLarge, at: start, "proposal SPI of \(spi.count) bytes") }
        guard transforms.count <= 255 else {
            throw IKEError(.tooLarge, at: start, "\(transforms.count) transforms in one proposal")
        }
        w.u8(last ? 0 : 2)
        w.u8(reserved)
        w.u16(0)
        w.u8(number)
        w.u8(protocolID.rawValue)
        w.u8(UInt8(spi.count))
        w.u8(UInt8(transforms.count))
        w.append(spi)
        for (i, t) in transforms.enumerated() { try t.write(to: &w, last: i == transforms.count - 1) }
        guard w.count - start <= 0xffff else { throw IKEError(.tooLarge, at: start, "proposal too large") }
        w.patchLength16(at: start + 2, from: start)
    }
}

/// An owned SA payload body (RFC 7296 §3.3).
public struct SAPayload: Hashable, Sendable {
    public var proposals: [Proposal]

    public init(proposals: [Proposal]) { self.proposals = proposals }

    /// Copies and fully validates a parsed SA body.
    public init(_ v: borrowing SAView) throws(IKEError) {
        var out: [Proposal] = []
        var it = v.proposals
        while let p = try it.next() { out.append(try Proposal(p)) }
        proposals = out
    }

    public func writeBody(to w: inout ByteWriter) throws(IKEError) {
        for (i, p) in proposals.enumerated() { try p.write(to: &w, last: i == proposals.count - 1) }
    }
}

extension PayloadView {
    /// This payload's body as an SA (the caller checks `type == .securityAssociation`).
    @_lifetime(copy self)
    public func securityAssociation() throws(IKEError) -> SAView {
        do { return try SAView(body: body, baseOffset: bodyOffset) } catch { throw error.within(pathName) }
    }
}
