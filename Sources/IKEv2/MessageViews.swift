/// A parsed IKE message: a view over the caller's bytes (RFC 7296 §3.1-§3.2).
///
/// Nothing is copied and nothing is allocated: the header's fields are read once, and the
/// payload chain is walked lazily by `payloads`. The view borrows the bytes it was made from
/// and cannot outlive them.
///
/// ```swift
/// let msg = try IKEMessageView(parsing: datagram.span.bytes)
/// var it = msg.payloads
/// while let p = try it.next() { print(p.type) }
/// ```
public struct IKEMessageView: ~Escapable {
    /// Exactly the message: `header.length` bytes.
    public let bytes: RawSpan
    public let header: IKEHeader

    /// Parses the header and checks the Length field against the bytes given.
    ///
    /// - Parameters:
    ///   - bytes: the message; for UDP, exactly the datagram's IKE portion.
    ///   - allowTrailing: accept bytes after `header.length` (a stream); otherwise they are an error.
    @inlinable @inline(__always)
    @_lifetime(copy bytes)
    public init(parsing bytes: RawSpan, allowTrailing: Bool = false) throws(IKEError) {
        let header = try IKEHeader(parsing: bytes)
        let length = Int(header.length)
        guard length >= IKEHeader.size, length <= bytes.byteCount, allowTrailing || length == bytes.byteCount else {
            throw Self.lengthError(length, present: bytes.byteCount)
        }
        self.header = header
        self.bytes = bytes.extracting(0..<length)
    }

    /// Which of the Length checks of `init(parsing:)` failed, as an error.
    @usableFromInline @inline(never)
    static func lengthError(_ length: Int, present: Int) -> IKEError {
        if length < IKEHeader.size {
            return IKEError(.lengthTooSmall, at: 24, "header Length \(length) is smaller than the 28-byte header")
        }
        if length > present {
            return IKEError(.truncated, at: 24, "header Length \(length) but only \(present) bytes are present")
        }
        return IKEError(.trailingBytes, at: length, "\(present - length) bytes after the message's Length (\(length))")
    }

    /// A lazy walk of the payload chain. IKEv1 messages yield no payloads (their chain uses
    /// another registry and is usually encrypted).
    public var payloads: PayloadIterator {
        @inlinable @inline(__always) @_lifetime(copy self) get {
            // IKEv1: start at the end, so the (empty) walk does not report the body as trailing bytes.
            header.isIKEv1
                ? PayloadIterator(message: bytes, first: .none, start: bytes.byteCount)
                : PayloadIterator(message: bytes, first: header.nextPayload)
        }
    }

    /// Walks the whole chain and every sub-structure of each payload, throwing the first error.
    /// Allocation-free; this is what fuzzers and benchmarks call.
    public func validate() throws(IKEError) {
        var it = payloads
        while let p = try it.next() {
            try p.validateBody()
        }
    }
}

/// Iterates a payload chain (RFC 7296 §3.2). `next()` returns `nil` at the end of the chain and
/// throws on the first malformed generic header; payloads returned before the error remain valid
/// (the caller keeps its partial result).
///
/// The chain ends at Next Payload 0 exactly at the message end, or at SK/SKF (whose Next Payload
/// names the first *inner* payload, RFC 7296 §3.14), which must be the last payload.
public struct PayloadIterator: ~Escapable {
    @usableFromInline let message: RawSpan
    /// Offset of the next generic header.
    @inlinable public var offset: Int { _offset }
    /// Type announced for the next payload.
    @inlinable public var nextType: PayloadType { _nextType }
    /// How many payloads were returned.
    @inlinable public var count: Int { _count }
    @usableFromInline var _offset: Int
    @usableFromInline var _nextType: PayloadType
    @usableFromInline var _count: Int = 0
    @usableFromInline var finished = false
    /// Limit on payloads per chain (a resource bound; a 64 KiB message holds at most 16 Ki
    /// 4-byte payloads anyway).
    public var maxPayloads: Int = 4096
    /// The SK or SKF payload whose decrypted plaintext this chain is, if it is one.
    @usableFromInline let inside: PayloadType?

    /// Iterates the chain starting at `start` in `message` (the message header is at 0).
    /// `inside` names the SK or SKF payload when `message` is its decrypted plaintext: error
    /// paths then start with it (`SK > payload 2 (N)`).
    @inlinable
    @_lifetime(copy message)
    public init(message: RawSpan, first: PayloadType, start: Int = IKEHeader.size, inside: PayloadType? = nil) {
        self.message = message
        self._offset = start
        self._nextType = first
        self.inside = inside
    }

    // The walk is inlinable (with the header, SA proposals and transforms) so that a caller in
    // another module steps through a chain without a function call per payload. Each check
    // is made here once; the error text is built out of line (`failure`) only when it throws.
    @inlinable @inline(__always)
    @_lifetime(copy self)
    @_lifetime(self: copy self)
    public mutating func next() throws(IKEError) -> PayloadView? {
        if finished { return nil }
        let end = message.byteCount
        let why: Failure
        check: do {
            if _nextType == .none {
                finished = true
                if _offset >= end { return nil }
                why = .trailingBytes
                break check
            }
            guard _count < maxPayloads else { why = .limit; break check }
            // A start past the end: e.g. the default start (28, after the IKE header) on a
            // decrypted SK plaintext, whose chain starts at 0.
            guard _offset <= end else { why = .startPastEnd; break check }
            guard end &- _offset >= 4 else { why = .headerTruncated; break check }
            let length = Int(message.u16(_offset &+ 2))
            guard length >= 4 else { why = .lengthTooSmall(length); break check }
            guard length <= end &- _offset else { why = .lengthOverrun(length); break check }
            let type = _nextType
            guard type.isKnown || message.u8(_offset &+ 1) & 0x80 == 0 else { why = .unknownCritical; break check }
            let payload = PayloadView(
                type: type, bytes: message.extracting(_offset..<(_offset &+ length)), offset: _offset)
            _count &+= 1
            _offset &+= length
            _nextType = payload.nextPayload
            if type == .encrypted || type == .encryptedFragment {
                // The Next Payload of SK/SKF names the first inner payload; the outer chain ends here.
                finished = true
                guard _offset == end else { why = .afterEncrypted(type); break check }
            }
            return payload
        }
        finished = true
        throw failure(why, end: end)
    }

    /// Why `next()` stopped; `failure` turns it into the error.
    @usableFromInline
    enum Failure {
        case trailingBytes, limit, startPastEnd, headerTruncated, unknownCritical
        case lengthTooSmall(Int), lengthOverrun(Int)
        /// Bytes after SK/SKF of this type (the iterator has already stepped past it).
        case afterEncrypted(PayloadType)
    }

    /// The error for a failed check at the current payload (`offset`, `nextType`, `count`
    /// not yet advanced past it, but for `afterEncrypted`); `end` is the chain's end.
    @usableFromInline @inline(never)
    func failure(_ why: Failure, end: Int) -> IKEError {
        let type = _nextType
        let pathPrefix = inside?.notation ?? ""
        let name = "payload \(_count + 1) (\(type.notation))"
        let path = pathPrefix.isEmpty ? name : pathPrefix + " > " + name
        switch why {
        case .trailingBytes:
            return IKEError(.trailingBytes, at: _offset, path: pathPrefix,
                            "\(end - _offset) bytes after the last payload")
        case .limit:
            return IKEError(.limitExceeded, at: _offset, path: pathPrefix, "more than \(maxPayloads) payloads")
        case .startPastEnd:
            return IKEError(.truncated, at: _offset, path: path,
                            "the chain starts at offset \(_offset), past the end of the \(end)-byte buffer (a decrypted SK plaintext starts at 0: use DecryptResult.innerPayloads)")
        case .headerTruncated:
            return IKEError(.truncated, at: _offset, path: path,
                            "generic payload header needs 4 bytes, \(end - _offset) left")
        case .lengthTooSmall(let length):
            return IKEError(.lengthTooSmall, at: _offset + 2, path: path,
                            "Payload Length \(length) is smaller than the 4-byte generic header")
        case .lengthOverrun(let length):
            return IKEError(.lengthOverrun, at: _offset + 2, path: path,
                            "Payload Length \(length) runs past the message end (\(end - _offset) bytes left)")
        case .unknownCritical:
            return IKEError(.unsupportedCriticalPayload, at: _offset + 1, path: path,
                            "payload type \(type.rawValue) is unknown and marked critical (RFC 7296 §2.5)")
        case .afterEncrypted(let sk):
            let name = "payload \(_count) (\(sk.notation))"
            return IKEError(.payloadAfterEncrypted, at: _offset, path: pathPrefix.isEmpty ? name : pathPrefix + " > " + name,
                            "\(end - _offset) bytes after \(sk.notation), which must be the last payload")
        }
    }
}

/// One payload of a chain: the generic header (RFC 7296 §3.2) and a view of its body.
public struct PayloadView: ~Escapable {
    /// This payload's type (named by the previous Next Payload field).
    public let type: PayloadType
    /// The whole payload, generic header included.
    public let bytes: RawSpan
    /// Absolute offset of the generic header in the buffer the chain was parsed from.
    public let offset: Int

    @inlinable
    @_lifetime(copy bytes)
    init(type: PayloadType, bytes: RawSpan, offset: Int) {
        self.type = type
        self.bytes = bytes
        self.offset = offset
    }

    /// The Next Payload field (for SK/SKF: the first inner payload's type).
    @inlinable public var nextPayload: PayloadType { PayloadType(rawValue: bytes.u8(0)) }
    /// The octet holding C and the 7 reserved bits.
    public var flagsOctet: UInt8 { bytes.u8(1) }
    /// C: the critical bit.
    public var isCritical: Bool { flagsOctet & 0x80 != 0 }
    /// The 7 RESERVED bits as received (should be 0; ignored on receipt).
    public var reservedBits: UInt8 { flagsOctet & 0x7f }
    /// Payload Length: the whole payload, header included.
    public var length: Int { bytes.byteCount }
    /// Absolute offset of the body (after the 4-byte generic header).
    @inlinable public var bodyOffset: Int { offset + 4 }
    /// The payload body, after the generic header.
    public var body: RawSpan {
        @inlinable @inline(__always) @_lifetime(copy self) get { bytes.extracting(4..<bytes.byteCount) }
    }
    /// A path component for errors, e.g. `N`.
    @usableFromInline package var pathName: String { type.notation }
}
