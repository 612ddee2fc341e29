// CP (47), RFC 7296 §3.15. STUB: body kept as bytes until the full parser lands.

public struct ConfigurationView: ~Escapable {
    public let body: RawSpan
    public let baseOffset: Int

    @_lifetime(copy body)
    public init(body: RawSpan, baseOffset: Int) throws(IKEError) {
        self.body = body
        self.baseOffset = baseOffset
    }

    public func validate() throws(IKEError) {}
}

public struct ConfigurationPayload: Hashable, Sendable {
    public var raw: [UInt8]
    public init(_ v: borrowing ConfigurationView) throws(IKEError) { raw = v.body.copyBytes() }
    public func writeBody(to w: inout ByteWriter) throws(IKEError) { w.append(raw) }
}
