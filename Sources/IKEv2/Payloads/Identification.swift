// Identification payloads IDi (35) / IDr (36), RFC 7296 §3.5: ID Type (1), RESERVED (3), data.

public struct IdentificationView: ~Escapable {
    public let body: RawSpan
    public let baseOffset: Int

    @_lifetime(copy body)
    public init(body: RawSpan, baseOffset: Int) throws(IKEError) {
        guard body.byteCount >= 4 else {
            throw IKEError(.truncated, at: baseOffset + body.byteCount, "ID needs 4 bytes of fixed fields, has \(body.byteCount)")
        }
        self.body = body
        self.baseOffset = baseOffset
    }

    public var idType: IDType { IDType(rawValue: body.u8(0)) }
    /// The 24 RESERVED bits.
    public var reserved: UInt32 { body.u32(0) & 0x00ff_ffff }
    public var data: RawSpan { @_lifetime(copy self) get { body.extracting(4..<body.byteCount) } }
}

public struct IdentificationPayload: Hashable, Sendable {
    public var idType: IDType
    public var reserved: UInt32
    public var data: [UInt8]

    public init(idType: IDType, data: [UInt8], reserved: UInt32 = 0) {
        self.idType = idType
        self.data = data
        self.reserved = reserved
    }

    public init(_ v: borrowing IdentificationView) {
        idType = v.idType
        reserved = v.reserved
        data = v.data.copyBytes()
    }

    public func writeBody(to w: inout ByteWriter) {
        w.u32(UInt32(idType.rawValue) << 24 | (reserved & 0x00ff_ffff))
        w.append(data)
    }
}

extension PayloadView {
    @_lifetime(copy self)
    public func identification() throws(IKEError) -> IdentificationView {
        do { return try IdentificationView(body: body, baseOffset: bodyOffset) } catch { throw error.within(pathName) }
    }
}
