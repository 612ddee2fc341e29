/// The fixed 28-octet IKE header (RFC 7296 §3.1). An owned value: reading it copies 28 bytes
/// of fields, never the message.
///
/// ```
/// 0: IKE SA Initiator's SPI (8)   8: Responder's SPI (8)   16: Next Payload
/// 17: MjVer|MnVer   18: Exchange Type   19: Flags   20: Message ID (4)   24: Length (4)
/// ```
public struct IKEHeader: Hashable, Sendable {
    @inlinable public static var size: Int { 28 }

    public var initiatorSPI: UInt64
    public var responderSPI: UInt64
    public var nextPayload: PayloadType
    public var majorVersion: UInt8
    public var minorVersion: UInt8
    public var exchangeType: ExchangeType
    /// The whole flags octet as on the wire (reserved bits kept for exact round trips).
    public var flags: UInt8
    public var messageID: UInt32
    /// The Length field: the whole message including this header.
    public var length: UInt32

    /// I (0x08): sent by the original initiator of the IKE SA.
    public static let initiatorFlag: UInt8 = 0x08
    /// V (0x10): the sender can speak a higher major version.
    public static let versionFlag: UInt8 = 0x10
    /// R (0x20): this message is a response.
    public static let responseFlag: UInt8 = 0x20

    public init(
        initiatorSPI: UInt64, responderSPI: UInt64 = 0, nextPayload: PayloadType = .none,
        majorVersion: UInt8 = 2, minorVersion: UInt8 = 0, exchangeType: ExchangeType,
        flags: UInt8 = 0, messageID: UInt32 = 0, length: UInt32 = 28
    ) {
        self.initiatorSPI = initiatorSPI
        self.responderSPI = responderSPI
        self.nextPayload = nextPayload
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.exchangeType = exchangeType
        self.flags = flags
        self.messageID = messageID
        self.length = length
    }

    public var isInitiator: Bool {
        get { flags & Self.initiatorFlag != 0 }
        set { flags = newValue ? flags | Self.initiatorFlag : flags & ~Self.initiatorFlag }
    }
    public var isResponse: Bool {
        get { flags & Self.responseFlag != 0 }
        set { flags = newValue ? flags | Self.responseFlag : flags & ~Self.responseFlag }
    }
    public var higherVersion: Bool { flags & Self.versionFlag != 0 }
    /// Major version 1: an IKEv1/ISAKMP header (same ports, same first 28 bytes).
    public var isIKEv1: Bool { majorVersion == 1 }

    /// Reads the header from the first 28 bytes of `bytes`. Checks only that 28 bytes are there
    /// and that the major version is 1 or 2; the Length field is checked by `IKEMessageView`.
    /// `baseOffset` is added to error offsets (the header's position in a larger buffer).
    @inlinable @inline(__always)
    public init(parsing bytes: RawSpan, baseOffset: Int = 0) throws(IKEError) {
        guard bytes.byteCount >= Self.size else { throw Self.truncated(bytes.byteCount, baseOffset: baseOffset) }
        let version = bytes.u8(17)
        majorVersion = version >> 4
        minorVersion = version & 0x0f
        guard majorVersion == 2 || majorVersion == 1 else {
            throw Self.unsupportedVersion(version, baseOffset: baseOffset)
        }
        initiatorSPI = bytes.u64(0)
        responderSPI = bytes.u64(8)
        nextPayload = PayloadType(rawValue: bytes.u8(16))
        exchangeType = ExchangeType(rawValue: bytes.u8(18))
        flags = bytes.u8(19)
        messageID = bytes.u32(20)
        length = bytes.u32(24)
    }

    @usableFromInline @inline(never)
    static func truncated(_ count: Int, baseOffset: Int) -> IKEError {
        IKEError(.truncated, at: baseOffset + count, "IKE header needs 28 bytes, have \(count)")
    }

    @usableFromInline @inline(never)
    static func unsupportedVersion(_ version: UInt8, baseOffset: Int) -> IKEError {
        IKEError(.unsupportedVersion, at: baseOffset + 17,
                 "major version \(version >> 4) (0x\(Hex.encode([version]))) is neither IKEv1 nor IKEv2")
    }

    /// Reads the 28 header fields without any check beyond their presence (any version, any
    /// Length): what a dissector shows for a message that does not parse. `nil` under 28 bytes.
    public static func peek(_ bytes: RawSpan) -> IKEHeader? {
        guard bytes.byteCount >= size else { return nil }
        let version = bytes.u8(17)
        return IKEHeader(
            initiatorSPI: bytes.u64(0), responderSPI: bytes.u64(8), nextPayload: PayloadType(rawValue: bytes.u8(16)),
            majorVersion: version >> 4, minorVersion: version & 0x0f, exchangeType: ExchangeType(rawValue: bytes.u8(18)),
            flags: bytes.u8(19), messageID: bytes.u32(20), length: bytes.u32(24))
    }

    /// Appends the 28 header bytes as stored (Length and Next Payload are written as they are).
    public func write(to w: inout ByteWriter) {
        w.u64(initiatorSPI)
        w.u64(responderSPI)
        w.u8(nextPayload.rawValue)
        w.u8(majorVersion << 4 | (minorVersion & 0x0f))
        w.u8(exchangeType.rawValue)
        w.u8(flags)
        w.u32(messageID)
        w.u32(length)
    }
}
