// Proposal substructure, RFC 7296 §3.3.1 (inside an SA payload, SecurityAssociation.swift):
// Proposal:  0 Last Substruc (0 last / 2 more)  1 RESERVED  2 Proposal Length (2)
//            4 Proposal Num  5 Protocol ID  6 SPI Size  7 Num Transforms  8 SPI  8+s Transforms

/// Iterates the Proposal substructures of an SA body (RFC 7296 §3.3.1). Checks for each
/// proposal: fixed part present, Proposal Length within the body, Last Substruc 0/2 consistent
/// with position, Proposal Num non-zero then same or +1, SPI Size allowed for the protocol and inside
/// the proposal; at the end, no bytes after the last proposal.
public struct ProposalIterator: ~Escapable {
    @usableFromInline let body: RawSpan
    @usableFromInline let baseOffset: Int
    /// Offset of the next proposal in the body.
    @inlinable public var offset: Int { _offset }
    /// Proposals returned so far.
    @inlinable public var count: Int { _count }
    @usableFromInline var _offset: Int = 0
    @usableFromInline var _count: Int = 0
    @usableFromInline var previousNumber: UInt8 = 0
    @usableFromInline var finished = false

    @inlinable
    @_lifetime(copy body)
    init(body: RawSpan, baseOffset: Int) {
        self.body = body
        self.baseOffset = baseOffset
    }

    // Inlinable with the payload walk (MessageViews.swift); error text is built out of line.
    @inlinable @inline(__always)
    @_lifetime(copy self)
    @_lifetime(self: copy self)
    public mutating func next() throws(IKEError) -> ProposalView? {
        if finished { return nil }
        finished = true  // cleared again on success
        let end = body.byteCount
        let why: Failure
        check: do {
            if _offset == end {
                if _count > 0 { return nil }
                why = .noProposal
                break check
            }
            guard _count < SALimits.maxProposals else { why = .limit; break check }
            guard end &- _offset >= 8 else { why = .fixedPartTruncated; break check }
            let length = Int(body.u16(_offset &+ 2))
            guard length >= 8 else { why = .lengthTooSmall(length); break check }
            guard length <= end &- _offset else { why = .lengthOverrun(length); break check }
            let last = body.u8(_offset)
            let nextOffset = _offset &+ length
            switch last {
            case 0: guard nextOffset == end else { why = .afterLast(nextOffset); break check }
            case 2: guard nextOffset != end else { why = .moreAnnounced(nextOffset); break check }
            default: why = .badLastSubstruc(last); break check
            }
            let number = body.u8(_offset &+ 4)
            // A request numbers its proposals from 1, but a response carries the accepted proposal
            // with the number it was offered under (RFC 7296 §3.3.1), so any first number but 0 is
            // valid here; which one is right depends on the exchange. Later ones repeat or add 1.
            guard number != 0, _count == 0 || number == previousNumber || number == previousNumber &+ 1 else {
                why = .badNumber(number)
                break check
            }
            let proto = ProtocolID(rawValue: body.u8(_offset &+ 5))
            let spiSize = Int(body.u8(_offset &+ 6))
            let spiOK: Bool
            switch proto {
            case .ike: spiOK = spiSize == 0 || spiSize == 8
            case .ah, .esp: spiOK = spiSize == 4
            default: spiOK = spiSize == 0 || spiSize == 4 || spiSize == 8
            }
            guard spiOK else { why = .badSPISize(spiSize, proto); break check }
            guard 8 &+ spiSize <= length else { why = .spiOverrun(spiSize, length); break check }
            let view = ProposalView(
                bytes: body.extracting(_offset..<nextOffset), offset: baseOffset &+ _offset, index: _count &+ 1)
            previousNumber = number
            _count &+= 1
            _offset = nextOffset
            finished = false
            return view
        }
        throw failure(why, end: end)
    }

    /// Why `next()` stopped; `failure` turns it into the error.
    @usableFromInline
    enum Failure {
        case noProposal, limit, fixedPartTruncated
        case lengthTooSmall(Int), lengthOverrun(Int)
        /// Bytes after the proposal marked last / another announced but the body ends (at the offset).
        case afterLast(Int), moreAnnounced(Int)
        case badLastSubstruc(UInt8), badNumber(UInt8)
        case badSPISize(Int, ProtocolID), spiOverrun(Int, Int)
    }

    /// The error for a failed check at the proposal at `offset`; `end` is the body's end.
    @usableFromInline @inline(never)
    func failure(_ why: Failure, end: Int) -> IKEError {
        let at = baseOffset + _offset
        let path = saPath(_count + 1)
        switch why {
        case .noProposal:
            return IKEError(.truncated, at: at, "SA payload has no proposal")
        case .limit:
            return IKEError(.limitExceeded, at: at, path: path, "more than \(SALimits.maxProposals) proposals")
        case .fixedPartTruncated:
            return IKEError(.truncated, at: at, path: path,
                            "proposal needs 8 bytes of fixed fields, \(end - _offset) left")
        case .lengthTooSmall(let length):
            return IKEError(.lengthTooSmall, at: at + 2, path: path,
                            "Proposal Length \(length) is smaller than its 8-byte fixed part")
        case .lengthOverrun(let length):
            return IKEError(.lengthOverrun, at: at + 2, path: path,
                            "Proposal Length \(length) runs past the SA payload (\(end - _offset) bytes left)")
        case .afterLast(let next):
            return IKEError(.trailingBytes, at: baseOffset + next, path: path,
                            "\(end - next) bytes after the proposal marked last (Last Substruc 0)")
        case .moreAnnounced(let next):
            return IKEError(.truncated, at: baseOffset + next, path: path,
                            "Last Substruc 2 announces another proposal, but the SA payload ends")
        case .badLastSubstruc(let last):
            return IKEError(.badValue, at: at, path: path,
                            "proposal Last Substruc \(last) (must be 0 or 2, RFC 7296 §3.3.1)")
        case .badNumber(let number):
            if _count == 0 {
                return IKEError(.badValue, at: at + 4, path: path,
                                "first Proposal Num is 0; proposals are numbered from 1 (RFC 7296 §3.3.1)")
            }
            return IKEError(.badValue, at: at + 4, path: path,
                            "Proposal Num \(number) after \(previousNumber) (must repeat it or add 1)")
        case .badSPISize(let spiSize, let proto):
            return IKEError(.badValue, at: at + 6, path: path,
                            "SPI Size \(spiSize) is not valid for protocol \(proto) (RFC 7296 §3.3.1)")
        case .spiOverrun(let spiSize, let length):
            return IKEError(.lengthOverrun, at: at + 6, path: path,
                            "SPI Size \(spiSize) runs past the proposal (Proposal Length \(length))")
        }
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

    @inlinable
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
    @inlinable public var spiSize: Int { Int(bytes.u8(6)) }
    /// Num Transforms as declared (checked against the transforms by iteration).
    @inlinable public var declaredTransformCount: Int { Int(bytes.u8(7)) }
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
        @inlinable @inline(__always) @_lifetime(copy self) get {
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
