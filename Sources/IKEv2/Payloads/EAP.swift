// EAP payload (48), RFC 7296 §3.16: one EAP message (RFC 3748): Code (1), Identifier (1),
// Length (2, the whole EAP message), then for Request/Response a Type (1) and type data.

public struct EAPView: ~Escapable {
    public let body: RawSpan
    public let baseOffset: Int

    @_lifetime(copy body)
    public init(body: RawSpan, baseOffset: Int) throws(IKEError) {
        guard body.byteCount >= 4 else {
            throw IKEError(.truncated, at: baseOffset + body.byteCount, "EAP message needs 4 bytes, has \(body.byteCount)")
        }
        let length = Int(body.u16(2))
        guard length == body.byteCount else {
            throw IKEError(length > body.byteCount ? .lengthOverrun : .trailingBytes, at: baseOffset + 2,
                           "EAP Length \(length) but the payload holds \(body.byteCount) bytes")
        }
        let code = body.u8(0)
        if (code == 1 || code == 2) && length < 5 {
            throw IKEError(.lengthTooSmall, at: baseOffset + 2, "EAP Request/Response of \(length) bytes has no Type")
        }
        self.body = body
        self.baseOffset = baseOffset
    }

    /// 1 Request, 2 Response, 3 Success, 4 Failure.
    public var code: UInt8 { body.u8(0) }
    public var identifier: UInt8 { body.u8(1) }
    /// The EAP method type (Request/Response only).
    public var eapType: UInt8? { (code == 1 || code == 2) ? body.u8(4) : nil }
    /// Type data after the Type octet for Request/Response; for any other Code, every byte
    /// after the 4-byte EAP header (empty for a well-formed Success/Failure), so that a
    /// malformed Success with data still round-trips exactly.
    public var typeData: RawSpan {
        @_lifetime(copy self) get {
            let start = (code == 1 || code == 2) ? 5 : 4
            return body.extracting(min(start, body.byteCount)..<body.byteCount)
        }
    }

    public var codeName: String {
        switch code {
        case 1: "Request"
        case 2: "Response"
        case 3: "Success"
        case 4: "Failure"
        default: "Unknown(\(code))"
        }
    }
}

public struct EAPPayload: Hashable, Sendable {
    /// The whole EAP message (its own Length field included; rewritten on serialize).
    public var code: UInt8
    public var identifier: UInt8
    public var eapType: UInt8?
    public var typeData: [UInt8]

    public init(code: UInt8, identifier: UInt8, eapType: UInt8?, typeData: [UInt8] = []) {
        self.code = code
        self.identifier = identifier
        self.eapType = eapType
        self.typeData = typeData
    }

    public init(_ v: borrowing EAPView) {
        code = v.code
        identifier = v.identifier
        eapType = v.eapType
        typeData = v.typeData.copyBytes()
    }

    public func writeBody(to w: inout ByteWriter) throws(IKEError) {
        let start = w.count
        w.u8(code)
        w.u8(identifier)
        w.u16(0)
        if let t = eapType { w.u8(t) }
        w.append(typeData)
        guard w.count - start <= 0xffff else { throw IKEError(.tooLarge, at: start, "EAP message too large") }
        w.patchLength16(at: start + 2, from: start)
    }
}

extension PayloadView {
    @_lifetime(copy self)
    public func eap() throws(IKEError) -> EAPView {
        do { return try EAPView(body: body, baseOffset: bodyOffset) } catch { throw error.within(pathName) }
    }
}
