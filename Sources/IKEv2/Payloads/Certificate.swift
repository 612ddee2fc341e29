// CERT (37), RFC 7296 §3.6, and CERTREQ (38), §3.7: Cert Encoding (1), then data
// (the certificate, or for CERTREQ the Certification Authority field).

public struct CertificateView: ~Escapable {
    public let body: RawSpan
    public let baseOffset: Int

    @_lifetime(copy body)
    public init(body: RawSpan, baseOffset: Int) throws(IKEError) {
        guard body.byteCount >= 1 else {
            throw IKEError(.truncated, at: baseOffset, "CERT/CERTREQ needs a Cert Encoding byte")
        }
        self.body = body
        self.baseOffset = baseOffset
    }

    public var encoding: CertEncoding { CertEncoding(rawValue: body.u8(0)) }
    /// Certificate Data (CERT) or Certification Authority (CERTREQ: for X.509, concatenated
    /// 20-byte SHA-1 hashes of CA public keys).
    public var data: RawSpan { @_lifetime(copy self) get { body.extracting(1..<body.byteCount) } }
}

public struct CertificatePayload: Hashable, Sendable {
    public var encoding: CertEncoding
    public var data: [UInt8]

    public init(encoding: CertEncoding, data: [UInt8]) {
        self.encoding = encoding
        self.data = data
    }

    public init(_ v: borrowing CertificateView) {
        encoding = v.encoding
        data = v.data.copyBytes()
    }

    public func writeBody(to w: inout ByteWriter) {
        w.u8(encoding.rawValue)
        w.append(data)
    }
}

extension PayloadView {
    /// CERT or CERTREQ body.
    @_lifetime(copy self)
    public func certificate() throws(IKEError) -> CertificateView {
        do { return try CertificateView(body: body, baseOffset: bodyOffset) } catch { throw error.within(pathName) }
    }
}
