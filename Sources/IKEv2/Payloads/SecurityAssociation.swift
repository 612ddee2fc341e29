// SA (33), RFC 7296 §3.3. STUB: body kept as bytes until the full parser lands.

public struct SAView: ~Escapable {
    public let body: RawSpan
    public let baseOffset: Int

    @_lifetime(copy body)
    public init(body: RawSpan, baseOffset: Int) throws(IKEError) {
        self.body = body
        self.baseOffset = baseOffset
    }

    public func validate() throws(IKEError) {}
}

public struct SAPayload: Hashable, Sendable {
    public var raw: [UInt8]
    public init(_ v: borrowing SAView) throws(IKEError) { raw = v.body.copyBytes() }
    public func writeBody(to w: inout ByteWriter) throws(IKEError) { w.append(raw) }
}
