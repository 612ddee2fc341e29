// CP (47), RFC 7296 §3.15: CFG Type (1), RESERVED (3), Configuration Attributes.
//
// Attribute (§3.15.1): 0 R (1 bit) | Attribute Type (15 bits)  2 Length (2, value only)  4 Value.
// Strict: no attribute runs past the payload; types 1-15 have the value lengths of §3.15.1.

/// Resource bound on CP attributes (a 64 KiB body could hold 16 Ki empty attributes).
public enum CPLimits {
    public static let maxAttributes = 1024
}

/// A view of a CP payload body.
public struct ConfigurationView: ~Escapable {
    public let body: RawSpan
    /// Absolute offset of `body` in the parsed buffer.
    public let baseOffset: Int

    /// Checks the 4-byte fixed part; attributes are checked as they are iterated.
    @_lifetime(copy body)
    public init(body: RawSpan, baseOffset: Int) throws(IKEError) {
        guard body.byteCount >= 4 else {
            throw IKEError(.truncated, at: baseOffset + body.byteCount,
                           "CP needs 4 bytes of fixed fields, has \(body.byteCount)")
        }
        self.body = body
        self.baseOffset = baseOffset
    }

    public var cfgType: CPType { CPType(rawValue: body.u8(0)) }
    /// The 24 RESERVED bits as received.
    public var reserved: UInt32 { body.u32(0) & 0x00ff_ffff }

    public var attributes: ConfigAttributeIterator {
        @_lifetime(copy self) get {
            ConfigAttributeIterator(region: body.extracting(4..<body.byteCount), baseOffset: baseOffset + 4)
        }
    }

    /// Walks every attribute, throwing the first error.
    public func validate() throws(IKEError) {
        var it = attributes
        while try it.next() != nil {}
    }
}

/// Iterates the attributes of a CP payload (RFC 7296 §3.15.1).
public struct ConfigAttributeIterator: ~Escapable {
    let region: RawSpan
    let baseOffset: Int
    public private(set) var offset: Int = 0
    public private(set) var count: Int = 0
    var finished = false

    @_lifetime(copy region)
    init(region: RawSpan, baseOffset: Int) {
        self.region = region
        self.baseOffset = baseOffset
    }

    @_lifetime(copy self)
    @_lifetime(self: copy self)
    public mutating func next() throws(IKEError) -> ConfigAttributeView? {
        if finished { return nil }
        let end = region.byteCount
        if offset == end {
            finished = true
            return nil
        }
        finished = true  // cleared again on success
        let index = count + 1
        // Built only when an error is thrown.
        func path() -> String { "attribute \(index)" }
        guard count < CPLimits.maxAttributes else {
            throw IKEError(.limitExceeded, at: baseOffset + offset, "more than \(CPLimits.maxAttributes) attributes")
        }
        guard end - offset >= 4 else {
            throw IKEError(.truncated, at: baseOffset + offset, path: path(),
                           "configuration attribute needs 4 bytes, \(end - offset) left")
        }
        let type = ConfigAttributeType(rawValue: region.u16(offset) & 0x7fff)
        let length = Int(region.u16(offset + 2))
        guard length <= end - offset - 4 else {
            throw IKEError(.lengthOverrun, at: baseOffset + offset + 2, path: path(),
                           "Length \(length) runs past the payload (\(end - offset - 4) bytes left)")
        }
        if let ok = type.isValidLength(length), !ok {
            throw IKEError(.badLength, at: baseOffset + offset + 2, path: path(),
                           "Length \(length) is not valid for \(type) (RFC 7296 §3.15.1)")
        }
        let view = ConfigAttributeView(bytes: region.extracting(offset..<(offset + 4 + length)),
                                       offset: baseOffset + offset)
        count += 1
        offset += 4 + length
        finished = false
        return view
    }
}

/// One configuration attribute (RFC 7296 §3.15.1).
public struct ConfigAttributeView: ~Escapable {
    /// The whole attribute, header included.
    public let bytes: RawSpan
    /// Absolute offset.
    public let offset: Int

    @_lifetime(copy bytes)
    init(bytes: RawSpan, offset: Int) {
        self.bytes = bytes
        self.offset = offset
    }

    /// The R bit (reserved, sent as 0).
    public var reservedBit: Bool { bytes.u16(0) & 0x8000 != 0 }
    public var type: ConfigAttributeType { ConfigAttributeType(rawValue: bytes.u16(0) & 0x7fff) }
    /// Length of the value.
    public var length: Int { bytes.byteCount - 4 }
    public var value: RawSpan { @_lifetime(copy self) get { bytes.extracting(4..<bytes.byteCount) } }
}

/// An owned configuration attribute.
public struct ConfigAttribute: Hashable, Sendable {
    public var type: ConfigAttributeType
    public var value: [UInt8]
    /// The R bit as received (send false).
    public var reservedBit: Bool

    public init(type: ConfigAttributeType, value: [UInt8] = [], reservedBit: Bool = false) {
        self.type = type
        self.value = value
        self.reservedBit = reservedBit
    }

    public init(_ v: borrowing ConfigAttributeView) {
        type = v.type
        value = v.value.copyBytes()
        reservedBit = v.reservedBit
    }

    public func write(to w: inout ByteWriter) throws(IKEError) {
        guard type.rawValue <= 0x7fff else {
            throw IKEError(.badValue, at: w.count, "configuration attribute type \(type.rawValue) does not fit 15 bits")
        }
        guard value.count <= 0xffff else {
            throw IKEError(.tooLarge, at: w.count, "configuration attribute value of \(value.count) bytes")
        }
        w.u16((reservedBit ? 0x8000 : 0) | type.rawValue)
        w.u16(UInt16(value.count))
        w.append(value)
    }
}

/// An owned CP body (RFC 7296 §3.15); RESERVED kept for exact round trips.
public struct ConfigurationPayload: Hashable, Sendable {
    public var cfgType: CPType
    public var attributes: [ConfigAttribute]
    /// The 24 RESERVED bits as received.
    public var reserved: UInt32

    public init(cfgType: CPType, attributes: [ConfigAttribute], reserved: UInt32 = 0) {
        self.cfgType = cfgType
        self.attributes = attributes
        self.reserved = reserved
    }

    /// Copies and fully validates a parsed CP body.
    public init(_ v: borrowing ConfigurationView) throws(IKEError) {
        cfgType = v.cfgType
        reserved = v.reserved
        var out: [ConfigAttribute] = []
        var it = v.attributes
        while let a = try it.next() { out.append(ConfigAttribute(a)) }
        attributes = out
    }

    public func writeBody(to w: inout ByteWriter) throws(IKEError) {
        w.u32(UInt32(cfgType.rawValue) << 24 | (reserved & 0x00ff_ffff))
        for a in attributes { try a.write(to: &w) }
    }
}

extension PayloadView {
    /// This payload's body as CP.
    @_lifetime(copy self)
    public func configuration() throws(IKEError) -> ConfigurationView {
        do { return try ConfigurationView(body: body, baseOffset: bodyOffset) } catch { throw error.within(pathName) }
    }
}
