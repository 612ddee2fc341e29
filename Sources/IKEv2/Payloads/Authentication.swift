// Authentication payload (39), RFC 7296 §3.8: Auth Method (1), RESERVED (3), data.

public struct AuthenticationView: ~Escapable {
    public let body: RawSpan
    public let baseOffset: Int

    @_lifetime(copy body)
    public init(body: RawSpan, baseOffset: Int) throws(IKEError) {
        guard body.byteCount >= 4 else {
            throw IKEError(.truncated, at: baseOffset + body.byteCount, "AUTH needs 4 bytes of fixed fields, has \(body.byteCount)")
        }
        self.body = body
        self.baseOffset = baseOffset
    }

    public var method: AuthMethod { AuthMethod(rawValue: body.u8(0)) }
    public var reserved: UInt32 { body.u32(0) & 0x00ff_ffff }
    public var data: RawSpan { @_lifetime(copy self) get { body.extracting(4..<body.byteCount) } }
}

public struct AuthenticationPayload: Hashable, Sendable {
    public var method: AuthMethod
    public var reserved: UInt32
    public var data: [UInt8]

    public init(method: AuthMethod, data: [UInt8], reserved: UInt32 = 0) {
        self.method = method
        self.data = data
        self.reserved = reserved
    }

    public init(_ v: borrowing AuthenticationView) {
        method = v.method
        reserved = v.reserved
        data = v.data.copyBytes()
    }

    public func writeBody(to w: inout ByteWriter) {
        w.u32(UInt32(method.rawValue) << 24 | (reserved & 0x00ff_ffff))
        w.append(data)
    }
}

extension PayloadView {
    @_lifetime(copy self)
    public func authentication() throws(IKEError) -> AuthenticationView {
        do { return try AuthenticationView(body: body, baseOffset: bodyOffset) } catch { throw error.within(pathName) }
    }
}
