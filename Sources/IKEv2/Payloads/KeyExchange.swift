// Key Exchange payload (34), RFC 7296 §3.4: Diffie-Hellman Group Num (2), RESERVED (2), data.

public struct KEView: ~Escapable {
    public let body: RawSpan
    public let baseOffset: Int

    @_lifetime(copy body)
    public init(body: RawSpan, baseOffset: Int) throws(IKEError) {
        guard body.byteCount >= 4 else {
            throw IKEError(.truncated, at: baseOffset + body.byteCount, "KE needs 4 bytes of fixed fields, has \(body.byteCount)")
        }
        self.body = body
        self.baseOffset = baseOffset
    }

    /// Diffie-Hellman Group Num (a Transform Type 4 ID).
    public var group: UInt16 { body.u16(0) }
    public var reserved: UInt16 { body.u16(2) }
    public var keyExchangeData: RawSpan { @_lifetime(copy self) get { body.extracting(4..<body.byteCount) } }
}

public struct KEPayload: Hashable, Sendable {
    public var group: UInt16
    public var reserved: UInt16
    public var keyExchangeData: [UInt8]

    public init(group: UInt16, keyExchangeData: [UInt8], reserved: UInt16 = 0) {
        self.group = group
        self.keyExchangeData = keyExchangeData
        self.reserved = reserved
    }

    public init(_ v: borrowing KEView) {
        group = v.group
        reserved = v.reserved
        keyExchangeData = v.keyExchangeData.copyBytes()
    }

    public func writeBody(to w: inout ByteWriter) {
        w.u16(group)
        w.u16(reserved)
        w.append(keyExchangeData)
    }
}

extension PayloadView {
    @_lifetime(copy self)
    public func keyExchange() throws(IKEError) -> KEView {
        do { return try KEView(body: body, baseOffset: bodyOffset) } catch { throw error.within(pathName) }
    }
}
