// Transform attribute, RFC 7296 §3.3.5 (inside a transform, Transform.swift):
// Attribute: 0 AF|Attribute Type (2)  2 TV: value (2) / TLV: Attribute Length (2)  4 TLV value

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
