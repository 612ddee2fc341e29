// Delete payload (42), RFC 7296 §3.11: Protocol ID (1), SPI Size (1), Num of SPIs (2), SPIs.
// The body length must equal 4 + SPI Size x Num of SPIs exactly.

public struct DeleteView: ~Escapable {
    public let body: RawSpan
    public let baseOffset: Int

    @_lifetime(copy body)
    public init(body: RawSpan, baseOffset: Int) throws(IKEError) {
        guard body.byteCount >= 4 else {
            throw IKEError(.truncated, at: baseOffset + body.byteCount, "Delete needs 4 bytes of fixed fields, has \(body.byteCount)")
        }
        let size = Int(body.u8(1))
        let count = Int(body.u16(2))
        let need = 4 + size * count
        guard need == body.byteCount else {
            throw IKEError(need > body.byteCount ? .lengthOverrun : .trailingBytes, at: baseOffset + 2,
                           "\(count) SPIs of \(size) bytes need \(need - 4) bytes, payload has \(body.byteCount - 4)")
        }
        if size == 0 && count > 0 {
            throw IKEError(.badCount, at: baseOffset + 2, "Num of SPIs \(count) with SPI Size 0")
        }
        self.body = body
        self.baseOffset = baseOffset
    }

    public var protocolID: ProtocolID { ProtocolID(rawValue: body.u8(0)) }
    public var spiSize: Int { Int(body.u8(1)) }
    public var spiCount: Int { Int(body.u16(2)) }

    /// The `i`-th SPI (0-based, `i < spiCount`).
    @_lifetime(copy self)
    public func spi(_ i: Int) -> RawSpan {
        body.extracting((4 + i * spiSize)..<(4 + (i + 1) * spiSize))
    }

    /// The `i`-th SPI as an integer when it is 4 or 8 bytes.
    public func spiValue(_ i: Int) -> UInt64? {
        switch spiSize {
        case 4: UInt64(body.u32(4 + i * 4))
        case 8: body.u64(4 + i * 8)
        default: nil
        }
    }

    public func validate() throws(IKEError) {}
}

public struct DeletePayload: Hashable, Sendable {
    public var protocolID: ProtocolID
    public var spiSize: UInt8
    public var spis: [[UInt8]]

    public init(protocolID: ProtocolID, spiSize: UInt8, spis: [[UInt8]]) {
        self.protocolID = protocolID
        self.spiSize = spiSize
        self.spis = spis
    }

    public init(_ v: borrowing DeleteView) {
        protocolID = v.protocolID
        spiSize = UInt8(truncatingIfNeeded: v.spiSize)
        var out: [[UInt8]] = []
        out.reserveCapacity(v.spiCount)
        for i in 0..<v.spiCount { out.append(v.spi(i).copyBytes()) }
        spis = out
    }

    public func writeBody(to w: inout ByteWriter) throws(IKEError) {
        guard spis.count <= 0xffff else { throw IKEError(.tooLarge, at: w.count, "\(spis.count) SPIs in Delete") }
        for s in spis where s.count != Int(spiSize) {
            throw IKEError(.badLength, at: w.count, "Delete SPI of \(s.count) bytes, SPI Size is \(spiSize)")
        }
        w.u8(protocolID.rawValue)
        w.u8(spiSize)
        w.u16(UInt16(spis.count))
        for s in spis { w.append(s) }
    }
}

extension PayloadView {
    @_lifetime(copy self)
    public func delete() throws(IKEError) -> DeleteView {
        do { return try DeleteView(body: body, baseOffset: bodyOffset) } catch { throw error.within(pathName) }
    }
}
