// Notify payload (41), RFC 7296 §3.10.
//
//  4: Protocol ID  5: SPI Size  6: Notify Message Type (2)  8: SPI (SPI Size)  8+s: data

/// A view of a Notify payload body.
public struct NotifyView: ~Escapable {
    /// The payload body (after the generic header).
    public let body: RawSpan
    /// Absolute offset of `body` in the parsed buffer.
    public let baseOffset: Int

    @_lifetime(copy body)
    public init(body: RawSpan, baseOffset: Int) throws(IKEError) {
        guard body.byteCount >= 4 else {
            throw IKEError(.truncated, at: baseOffset + body.byteCount,
                           "Notify needs 4 bytes of fixed fields, body has \(body.byteCount)")
        }
        let spiSize = Int(body.u8(1))
        guard body.byteCount >= 4 + spiSize else {
            throw IKEError(.lengthOverrun, at: baseOffset + 1,
                           "SPI Size \(spiSize) runs past the payload (\(body.byteCount - 4) bytes after the fixed fields)")
        }
        self.body = body
        self.baseOffset = baseOffset
    }

    public var protocolID: ProtocolID { ProtocolID(rawValue: body.u8(0)) }
    public var spiSize: Int { Int(body.u8(1)) }
    public var notifyType: NotifyType { NotifyType(rawValue: body.u16(2)) }
    public var spi: RawSpan { @_lifetime(copy self) get { body.extracting(4..<(4 + spiSize)) } }
    /// Notification Data (after the SPI).
    public var data: RawSpan { @_lifetime(copy self) get { body.extracting((4 + spiSize)..<body.byteCount) } }
    /// Absolute offset of the Notification Data.
    public var dataOffset: Int { baseOffset + 4 + spiSize }

    public func validate() throws(IKEError) {}
}

/// An owned Notify payload body.
public struct NotifyPayload: Hashable, Sendable {
    public var protocolID: ProtocolID
    public var notifyType: NotifyType
    public var spi: [UInt8]
    public var data: [UInt8]

    public init(protocolID: ProtocolID = .none, type: NotifyType, spi: [UInt8] = [], data: [UInt8] = []) {
        self.protocolID = protocolID
        self.notifyType = type
        self.spi = spi
        self.data = data
    }

    public init(_ view: borrowing NotifyView) {
        protocolID = view.protocolID
        notifyType = view.notifyType
        spi = view.spi.copyBytes()
        data = view.data.copyBytes()
    }

    public func writeBody(to w: inout ByteWriter) throws(IKEError) {
        guard spi.count <= 255 else { throw IKEError(.tooLarge, at: w.count, "Notify SPI of \(spi.count) bytes") }
        w.u8(protocolID.rawValue)
        w.u8(UInt8(spi.count))
        w.u16(notifyType.rawValue)
        w.append(spi)
        w.append(data)
    }
}

extension PayloadView {
    /// This payload's body as a Notify (the caller checks `type == .notify`).
    @_lifetime(copy self)
    public func notify() throws(IKEError) -> NotifyView {
        do { return try NotifyView(body: body, baseOffset: bodyOffset) } catch { throw error.within(pathName) }
    }
}
