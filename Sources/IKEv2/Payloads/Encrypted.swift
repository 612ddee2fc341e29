// SK (46), RFC 7296 §3.14, and SKF (53), RFC 7383 §2.5.
//
// SK body:  IV | ciphertext (inner payloads + padding + Pad Length) | ICV
// SKF body: Fragment Number (2) | Total Fragments (2) | IV | ciphertext | ICV
// The IV and ICV sizes depend on the negotiated cipher, so the split needs them from the caller.

/// The parts of an encrypted body once the IV and ICV sizes are known.
public struct EncryptedParts: ~Escapable {
    public let iv: RawSpan
    public let ciphertext: RawSpan
    public let icv: RawSpan
    /// Absolute offsets of the three parts.
    public let ivOffset: Int
    public let ciphertextOffset: Int
    public let icvOffset: Int

    @_lifetime(copy data)
    init(data: RawSpan, baseOffset: Int, ivSize: Int, icvSize: Int, what: String) throws(IKEError) {
        guard ivSize >= 0, icvSize >= 0, data.byteCount >= ivSize + icvSize else {
            throw IKEError(.truncated, at: baseOffset + data.byteCount,
                           "\(what) body of \(data.byteCount) bytes is shorter than IV (\(ivSize)) + ICV (\(icvSize))")
        }
        let ctEnd = data.byteCount - icvSize
        iv = data.extracting(0..<ivSize)
        ciphertext = data.extracting(ivSize..<ctEnd)
        icv = data.extracting(ctEnd..<data.byteCount)
        ivOffset = baseOffset
        ciphertextOffset = baseOffset + ivSize
        icvOffset = baseOffset + ctEnd
    }
}

/// A view of an SK payload body. Its payload's Next Payload names the first inner payload.
public struct EncryptedView: ~Escapable {
    public let body: RawSpan
    public let baseOffset: Int

    @_lifetime(copy body)
    public init(body: RawSpan, baseOffset: Int) {
        self.body = body
        self.baseOffset = baseOffset
    }

    /// Splits the body into IV, ciphertext and ICV.
    @_lifetime(copy self)
    public func split(ivSize: Int, icvSize: Int) throws(IKEError) -> EncryptedParts {
        try EncryptedParts(data: body, baseOffset: baseOffset, ivSize: ivSize, icvSize: icvSize, what: "SK")
    }
}

/// A view of an SKF payload body (RFC 7383 §2.5).
public struct EncryptedFragmentView: ~Escapable {
    public let body: RawSpan
    public let baseOffset: Int

    @_lifetime(copy body)
    public init(body: RawSpan, baseOffset: Int) throws(IKEError) {
        guard body.byteCount >= 4 else {
            throw IKEError(.truncated, at: baseOffset + body.byteCount,
                           "SKF needs Fragment Number and Total Fragments (4 bytes), has \(body.byteCount)")
        }
        let number = body.u16(0)
        let total = body.u16(2)
        guard number >= 1 else {
            throw IKEError(.badValue, at: baseOffset, "Fragment Number 0 (numbering starts at 1, RFC 7383 §2.5)")
        }
        guard number <= total else {
            throw IKEError(.badValue, at: baseOffset, "Fragment Number \(number) exceeds Total Fragments \(total)")
        }
        self.body = body
        self.baseOffset = baseOffset
    }

    public var fragmentNumber: UInt16 { body.u16(0) }
    public var totalFragments: UInt16 { body.u16(2) }
    /// IV | ciphertext | ICV.
    public var encryptedData: RawSpan { @_lifetime(copy self) get { body.extracting(4..<body.byteCount) } }

    @_lifetime(copy self)
    public func split(ivSize: Int, icvSize: Int) throws(IKEError) -> EncryptedParts {
        try EncryptedParts(data: encryptedData, baseOffset: baseOffset + 4, ivSize: ivSize, icvSize: icvSize, what: "SKF")
    }
}

public struct EncryptedFragmentPayload: Hashable, Sendable {
    public var fragmentNumber: UInt16
    public var totalFragments: UInt16
    /// IV | ciphertext | ICV as received.
    public var encryptedData: [UInt8]

    public init(fragmentNumber: UInt16, totalFragments: UInt16, encryptedData: [UInt8]) {
        self.fragmentNumber = fragmentNumber
        self.totalFragments = totalFragments
        self.encryptedData = encryptedData
    }

    public init(_ v: borrowing EncryptedFragmentView) {
        fragmentNumber = v.fragmentNumber
        totalFragments = v.totalFragments
        encryptedData = v.encryptedData.copyBytes()
    }

    public func writeBody(to w: inout ByteWriter) {
        w.u16(fragmentNumber)
        w.u16(totalFragments)
        w.append(encryptedData)
    }
}

extension PayloadView {
    @_lifetime(copy self)
    public func encrypted() -> EncryptedView { EncryptedView(body: body, baseOffset: bodyOffset) }

    @_lifetime(copy self)
    public func encryptedFragment() throws(IKEError) -> EncryptedFragmentView {
        do { return try EncryptedFragmentView(body: body, baseOffset: bodyOffset) } catch { throw error.within(pathName) }
    }
}
