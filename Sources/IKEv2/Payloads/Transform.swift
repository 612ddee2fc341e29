// Transform substructure, RFC 7296 §3.3.2 (inside a proposal, Proposal.swift):
// Transform: 0 Last Substruc (0 last / 3 more)  1 RESERVED  2 Transform Length (2)
//            4 Transform Type  5 RESERVED  6 Transform ID (2)  8 Transform Attributes

/// Iterates the Transform substructures of a proposal (RFC 7296 §3.3.2). Checks each transform's
/// fixed part, Transform Length (≥ 8, inside the proposal), Last Substruc 0/3 consistent with
/// position; at the end, that the transforms fill the proposal exactly and that their number
/// equals Num Transforms.
public struct TransformIterator: ~Escapable {
    @usableFromInline let region: RawSpan
    @usableFromInline let baseOffset: Int
    @usableFromInline let declared: Int
    @usableFromInline let countOffset: Int
    @usableFromInline let proposalIndex: Int
    @inlinable public var offset: Int { _offset }
    @inlinable public var count: Int { _count }
    @usableFromInline var _offset: Int = 0
    @usableFromInline var _count: Int = 0
    @usableFromInline var finished = false

    @inlinable
    @_lifetime(copy region)
    init(region: RawSpan, baseOffset: Int, declared: Int, countOffset: Int, proposalIndex: Int) {
        self.region = region
        self.baseOffset = baseOffset
        self.declared = declared
        self.countOffset = countOffset
        self.proposalIndex = proposalIndex
    }

    // Inlinable with the payload walk (MessageViews.swift); error text is built out of line.
    @inlinable @inline(__always)
    @_lifetime(copy self)
    @_lifetime(self: copy self)
    public mutating func next() throws(IKEError) -> TransformView? {
        if finished { return nil }
        finished = true  // cleared again on success
        let end = region.byteCount
        let why: Failure
        check: do {
            if _offset == end {
                // Zero transforms (empty region) or after a transform marked last.
                if _count == declared { return nil }
                why = .countMismatch
                break check
            }
            guard _count < declared else { why = .moreThanDeclared; break check }
            guard end &- _offset >= 8 else { why = .fixedPartTruncated; break check }
            let length = Int(region.u16(_offset &+ 2))
            guard length >= 8 else { why = .lengthTooSmall(length); break check }
            guard length <= end &- _offset else { why = .lengthOverrun(length); break check }
            let nextOffset = _offset &+ length
            let last = region.u8(_offset)
            switch last {
            case 0: guard nextOffset == end else { why = .afterLast(nextOffset); break check }
            case 3: guard nextOffset != end else { why = .moreAnnounced(nextOffset); break check }
            default: why = .badLastSubstruc(last); break check
            }
            let view = TransformView(bytes: region.extracting(_offset..<nextOffset), offset: baseOffset &+ _offset,
                                     index: _count &+ 1, proposalIndex: proposalIndex)
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
        case countMismatch, moreThanDeclared, fixedPartTruncated
        case lengthTooSmall(Int), lengthOverrun(Int)
        /// Bytes after the transform marked last / another announced but the proposal ends (at the offset).
        case afterLast(Int), moreAnnounced(Int)
        case badLastSubstruc(UInt8)
    }

    /// The error for a failed check at the transform at `offset`; `end` is the region's end.
    @usableFromInline @inline(never)
    func failure(_ why: Failure, end: Int) -> IKEError {
        let at = baseOffset + _offset
        let path = saPath(proposalIndex, _count + 1)
        switch why {
        case .countMismatch:
            return IKEError(.badCount, at: countOffset, path: saPath(proposalIndex),
                            "Num Transforms is \(declared) but the proposal holds \(_count)")
        case .moreThanDeclared:
            if end - _offset < 8 {
                return IKEError(.trailingBytes, at: at, path: saPath(proposalIndex),
                                "\(end - _offset) bytes after the last of \(declared) transforms")
            }
            return IKEError(.badCount, at: countOffset, path: saPath(proposalIndex),
                            "Num Transforms is \(declared) but the proposal holds more")
        case .fixedPartTruncated:
            return IKEError(.truncated, at: at, path: path,
                            "transform needs 8 bytes of fixed fields, \(end - _offset) left in the proposal")
        case .lengthTooSmall(let length):
            return IKEError(.lengthTooSmall, at: at + 2, path: path,
                            "Transform Length \(length) is smaller than its 8-byte fixed part")
        case .lengthOverrun(let length):
            return IKEError(.lengthOverrun, at: at + 2, path: path,
                            "Transform Length \(length) runs past the proposal (\(end - _offset) bytes left)")
        case .afterLast(let next):
            return IKEError(.trailingBytes, at: baseOffset + next, path: path,
                            "\(end - next) bytes after the transform marked last (Last Substruc 0)")
        case .moreAnnounced(let next):
            return IKEError(.truncated, at: baseOffset + next, path: path,
                            "Last Substruc 3 announces another transform, but the proposal ends")
        case .badLastSubstruc(let last):
            return IKEError(.badValue, at: at, path: path,
                            "transform Last Substruc \(last) (must be 0 or 3, RFC 7296 §3.3.2)")
        }
    }
}

/// One Transform substructure (RFC 7296 §3.3.2).
public struct TransformView: ~Escapable {
    /// The whole transform, attributes included.
    public let bytes: RawSpan
    /// Absolute offset of the transform.
    public let offset: Int
    /// 1-based position in its proposal.
    public let index: Int
    /// 1-based position of its proposal.
    public let proposalIndex: Int

    @inlinable
    @_lifetime(copy bytes)
    init(bytes: RawSpan, offset: Int, index: Int, proposalIndex: Int) {
        self.bytes = bytes
        self.offset = offset
        self.index = index
        self.proposalIndex = proposalIndex
    }

    /// Last Substruc: 0 for the last transform, 3 otherwise.
    public var lastSubstruc: UInt8 { bytes.u8(0) }
    public var isLast: Bool { lastSubstruc == 0 }
    /// The RESERVED octet after Last Substruc.
    public var reserved1: UInt8 { bytes.u8(1) }
    /// Transform Length.
    public var length: Int { bytes.byteCount }
    @inlinable public var type: TransformType { TransformType(rawValue: bytes.u8(4)) }
    /// The RESERVED octet after Transform Type.
    public var reserved2: UInt8 { bytes.u8(5) }
    /// Transform ID in `type`'s registry.
    @inlinable public var id: UInt16 { bytes.u16(6) }
    /// The registry name of `id` for `type` (e.g. `ENCR_AES_CBC`).
    public var idName: String? { type.idName(id) }

    public var attributes: TransformAttributeIterator {
        @_lifetime(copy self) get {
            TransformAttributeIterator(region: bytes.extracting(8..<bytes.byteCount), baseOffset: offset + 8,
                                       proposalIndex: proposalIndex, transformIndex: index)
        }
    }

    /// The Key Length attribute (14, TV) in bits, if present and well formed.
    public var keyLength: UInt16? {
        var it = attributes
        while let a = try? it.next() {
            if a.type == .keyLength, let v = a.tvValue { return v }
        }
        return nil
    }

    /// Walks every attribute.
    public func validate() throws(IKEError) {
        var it = attributes
        while try it.next() != nil {}
    }
}

/// An owned transform (RFC 7296 §3.3.2). Last Substruc and Transform Length are computed when
/// written; the RESERVED octets are kept so a parsed transform serializes byte-exactly.
public struct Transform: Hashable, Sendable {
    public var type: TransformType
    public var id: UInt16
    public var attributes: [TransformAttribute]
    /// RESERVED octet 1 (after Last Substruc), as received.
    public var reserved1: UInt8
    /// RESERVED octet 5 (after Transform Type), as received.
    public var reserved2: UInt8

    public init(type: TransformType, id: UInt16, attributes: [TransformAttribute] = [],
                reserved1: UInt8 = 0, reserved2: UInt8 = 0) {
        self.type = type
        self.id = id
        self.attributes = attributes
        self.reserved1 = reserved1
        self.reserved2 = reserved2
    }

    /// An ENCR transform, with a Key Length attribute when `keyLength` is given.
    public static func encryption(_ alg: EncryptionAlgorithm, keyLength: UInt16? = nil) -> Transform {
        Transform(type: .encryption, id: alg.rawValue, attributes: keyLength.map { [.keyLength($0)] } ?? [])
    }
    public static func prf(_ alg: PRFAlgorithm) -> Transform { Transform(type: .prf, id: alg.rawValue) }
    public static func integrity(_ alg: IntegrityAlgorithm) -> Transform { Transform(type: .integrity, id: alg.rawValue) }
    public static func keyExchange(_ m: KeyExchangeMethod) -> Transform { Transform(type: .keyExchange, id: m.rawValue) }
    public static func sequenceNumbers(_ s: SequenceNumbersType) -> Transform {
        Transform(type: .sequenceNumbers, id: s.rawValue)
    }

    /// The Key Length attribute in bits, if present.
    public var keyLength: UInt16? {
        for a in attributes where a.type == .keyLength {
            if case .tv(let v) = a.value { return v }
        }
        return nil
    }

    /// The registry name of `id` for `type`.
    public var idName: String? { type.idName(id) }

    public init(_ v: borrowing TransformView) throws(IKEError) {
        type = v.type
        id = v.id
        reserved1 = v.reserved1
        reserved2 = v.reserved2
        var out: [TransformAttribute] = []
        var it = v.attributes
        while let a = try it.next() { out.append(TransformAttribute(a)) }
        attributes = out
    }

    /// Appends the transform with the given Last Substruc.
    public func write(to w: inout ByteWriter, last: Bool) throws(IKEError) {
        let start = w.count
        w.u8(last ? 0 : 3)
        w.u8(reserved1)
        w.u16(0)
        w.u8(type.rawValue)
        w.u8(reserved2)
        w.u16(id)
        for a in attributes { try a.write(to: &w) }
        guard w.count - start <= 0xffff else { throw IKEError(.tooLarge, at: start, "transform too large") }
        w.patchLength16(at: start + 2, from: start)
    }
}
