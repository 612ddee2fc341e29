// Proposal substructure, RFC 7296 §3.3.1 (inside an SA payload, SecurityAssociation.swift):
// Proposal:  0 Last Substruc (0 last / 2 more)  1 RESERVED  2 Proposal Length (2)
//            4 Proposal Num  5 Protocol ID  6 SPI Size  7 Num Transforms  8 SPI  8+s Transforms

/// Iterates the Proposal substructures of an SA body (RFC 7296 §3.3.1). Checks for each
/// proposal: fixed part present, Proposal Length within the body, Last Substruc 0/2 consistent
/// with position, Proposal Num non-zero then same or +1, SPI Size allowed for the protocol and inside
/// the proposal; at the end, no bytes after the last proposal.
public struct ProposalIterator: ~Escapable {
    let body: RawSpan
    let baseOffset: Int
    /// Offset of the next proposal in the body.
    public private(set) var offset: Int = 0
    /// Proposals returned so far.
    public private(set) var count: Int = 0
    var previousNumber: UInt8 = 0
    var finished = false

    @_lifetime(copy body)
    init(body: RawSpan, baseOffset: Int) {
        self.body = body
        self.baseOffset = baseOffset
    }

    @_lifetime(copy self)
    @_lifetime(self: copy self)
    public mutating func next() throws(IKEError) -> ProposalView? {
        if finished { return nil }
        let end = body.byteCount
        let index = count + 1
        if offset == end {
            finished = true
            if count == 0 {
                throw IKEError(.truncated, at: baseOffset + offset, "SA payload has no proposal")
            }
            return nil
        }
        finished = true  // cleared again on success
        guard count < SALimits.maxProposals else {
            throw IKEError(.limitExceeded, at: baseOffset + offset, path: saPath(index),
                           "more than \(SALimits.maxProposals) proposals")
        }
        guard end - offset >= 8 else {
            throw IKEError(.truncated, at: baseOffset + offset, path: saPath(index),
                           "proposal needs 8 bytes of fixed fields, \(end - offset) left")
        }
        let length = Int(body.u16(offset + 2))
        guard length >= 8 else {
            throw IKEError(.lengthTooSmall, at: baseOffset + offset + 2, path: saPath(index),
                           "Proposal Length \(length) is smaller than its 8-byte fixed part")
        }
        guard length <= end - offset else {
            throw IKEError(.lengthOverrun, at: baseOffset + offset + 2, path: saPath(index),
                           "Proposal Length \(length) runs past the SA payload (\(end - offset) bytes left)")
        }
        let last = body.u8(offset)
        let nextOffset = offset + length
        switch last {
        case 0:
            if nextOffset != end {
                throw IKEError(.trailingBytes, at: baseOffset + nextOffset, path: saPath(index),
                               "\(end - nextOffset) bytes after the proposal marked last (Last Substruc 0)")
            }
        case 2:
            if nextOffset == end {
                throw IKEError(.truncated, at: baseOffset + nextOffset, path: saPath(index),
                               "Last Substruc 2 announces another proposal, but the SA payload ends")
            }
        default:
            throw IKEError(.badValue, at: baseOffset + offset, path: saPath(index),
                           "proposal Last Substruc \(last) (must be 0 or 2, RFC 7296 §3.3.1)")
        }
        let number = body.u8(offset + 4)
        if count == 0 {
            // A request numbers its proposals from 1, but a response carries the accepted
            // proposal with the number it was offered under (RFC 7296 §3.3.1), so any first
            // number but 0 is valid here; which one is right depends on the exchange.
            guard number != 0 else {
                throw IKEError(.badValue, at: baseOffset + offset + 4, path: saPath(index),
                               "first Proposal Num is 0; proposals are numbered from 1 (RFC 7296 §3.3.1)")
            }
        } else {
            guard number == previousNumber || number == previousNumber &+ 1, number != 0 else {
                throw IKEError(.badValue, at: baseOffset + offset + 4, path: saPath(index),
                               "Proposal Num \(number) after \(previousNumber) (must repeat it or add 1)")
            }
        }
        let proto = ProtocolID(rawValue: body.u8(offset + 5))
        let spiSize = Int(body.u8(offset + 6))
        let spiOK: Bool
        switch proto {
        case .ike: spiOK = spiSize == 0 || spiSize == 8
        case .ah, .esp: spiOK = spiSize == 4
        default: spiOK = spiSize == 0 || spiSize == 4 || spiSize == 8
        }
        guard spiOK else {
            throw IKEError(.badValue, at: baseOffset + offset + 6, path: saPath(index),
                           "SPI Size \(spiSize) is not valid for protocol \(proto) (RFC 7296 §3.3.1)")
        }
        guard 8 + spiSize <= length else {
            throw IKEError(.lengthOverrun, at: baseOffset + offset + 6, path: saPath(index),
                           "SPI Size \(spiSize) runs past the proposal (Proposal Length \(length))")
        }
        let view = ProposalView(
            bytes: body.extracting(offset..<nextOffset), offset: baseOffset + offset, index: index)
        previousNumber = number
        count += 1
        offset = nextOffset
        finished = false
        return view
    }
}

/// One Proposal substructure (RFC 7296 §3.3.1), fixed part and SPI already checked.
public struct ProposalView: ~Escapable {
    /// The whole proposal, from Last Substruc to the end of its last transform.
    public let bytes: RawSpan
    /// Absolute offset of the proposal.
    public let offset: Int
    /// 1-based position in the SA payload (used in error paths).
    public let index: Int

    @_lifetime(copy bytes)
    init(bytes: RawSpan, offset: Int, index: Int) {
        self.bytes = bytes
        self.offset = offset
        self.index = index
    }

    /// Last Substruc: 0 for the last proposal, 2 otherwise.
    public var lastSubstruc: UInt8 { bytes.u8(0) }
    public var isLast: Bool { lastSubstruc == 0 }
    /// The RESERVED octet as received.
    public var reserved: UInt8 { bytes.u8(1) }
    /// Proposal Length.
    public var length: Int { bytes.byteCount }
    /// Proposal Num.
    public var number: UInt8 { bytes.u8(4) }
    public var protocolID: ProtocolID { ProtocolID(rawValue: bytes.u8(5)) }
    public var spiSize: Int { Int(bytes.u8(6)) }
    /// Num Transforms as declared (checked against the transforms by iteration).
    public var declaredTransformCount: Int { Int(bytes.u8(7)) }
    public var spi: RawSpan { @_lifetime(copy self) get { bytes.extracting(8..<(8 + spiSize)) } }
    /// The SPI as an integer when it is 4 or 8 bytes.
    public var spiValue: UInt64? {
        switch spiSize {
        case 4: UInt64(bytes.u32(8))
        case 8: bytes.u64(8)
        default: nil
        }
    }

    /// The transforms, in order.
    public var transforms: TransformIterator {
        @_lifetime(copy self) get {
            TransformIterator(region: bytes.extracting((8 + spiSize)..<bytes.byteCount),
                              baseOffset: offset + 8 + spiSize, declared: declaredTransformCount,
                              countOffset: offset + 7, proposalIndex: index)
        }
    }

    /// Walks every transform and attribute; checks Num Transforms and the Proposal Length sum.
    public func validate() throws(IKEError) {
        var it = transforms
        while let t = try it.next() {
            try t.validate()
        }
    }
}

/// An owned proposal (RFC 7296 §3.3.1). Last Substruc, Proposal Length, SPI Size and Num
/// Transforms are computed when written.
public struct Proposal: Hashable, Sendable {
    /// Proposal Num.
    public var number: UInt8
    public var protocolID: ProtocolID
    public var spi: [UInt8]
    public var transforms: [Transform]
    /// The RESERVED octet, as received.
    public var reserved: UInt8

    public init(number: UInt8 = 1, protocolID: ProtocolID, spi: [UInt8] = [], transforms: [Transform],
                reserved: UInt8 = 0) {
        self.number = number
        self.protocolID = protocolID
        self.spi = spi
        self.transforms = transforms
        self.reserved = reserved
    }

    public init(_ v: borrowing ProposalView) throws(IKEError) {
        number = v.number
        protocolID = v.protocolID
        spi = v.spi.copyBytes()
        reserved = v.reserved
        var out: [Transform] = []
        out.reserveCapacity(v.declaredTransformCount)
        var it = v.transforms
        while let t = try it.next() { out.append(try Transform(t)) }
        transforms = out
    }

    /// The first transform of `type`, if any.
    public func first(_ type: TransformType) -> Transform? { transforms.first { $0.type == type } }

    public func write(to w: inout ByteWriter, last: Bool) throws(IKEError) {
        let start = w.count
        guard spi.count <= 255 else { throw IKEError(.tooLarge, at: start, "proposal SPI of \(spi.count) bytes") }
        guard transforms.count <= 255 else {
            throw IKEError(.tooLarge, at: start, "\(transforms.count) transforms in one proposal")
        }
        w.u8(last ? 0 : 2)
        w.u8(reserved)
        w.u16(0)
        w.u8(number)
        w.u8(protocolID.rawValue)
        w.u8(UInt8(spi.count))
        w.u8(UInt8(transforms.count))
        w.append(spi)
        for (i, t) in transforms.enumerated() { try t.write(to: &w, last: i == transforms.count - 1) }
        guard w.count - start <= 0xffff else { throw IKEError(.tooLarge, at: start, "proposal too large") }
        w.patchLength16(at: start + 2, from: start)
    }
}
