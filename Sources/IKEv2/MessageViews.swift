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
    @_lifetime(copy bytes)
    public init(parsing bytes: RawSpan, allowTrailing: Bool = false) throws(IKEError) {
        let header = try IKEHeader(parsing: bytes)
        let length = Int(header.length)
        guard length >= IKEHeader.size else {
            throw IKEError(.lengthTooSmall, at: 24, "header Length \(length) is smaller than the 28-byte header")
        }
        guard length <= bytes.byteCount else {
            throw IKEError(.truncated, at: 24,
                           "header Length \(length) but only \(bytes.byteCount) bytes are present")
        }
        if !allowTrailing && length < bytes.byteCount {
            throw IKEError(.trailingBytes, at: length,
                           "\(bytes.byteCount - length) bytes after the message's Length (\(length))")
        }
        self.header = header
        self.bytes = bytes.extracting(0..<length)
    }

    /// A lazy walk of the payload chain. IKEv1 messages yield no payloads (their chain uses
    /// another registry and is usually encrypted).
    public var payloads: PayloadIterator {
        @_lifetime(copy self) get {
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
    let message: RawSpan
    /// Offset of the next generic header.
    public private(set) var offset: Int
    /// Type announced for the next payload.
    public private(set) var nextType: PayloadType
    /// How many payloads were returned.
    public private(set) var count: Int = 0
    var finished = false
    /// Limit on payloads per chain (a resource bound; a 64 KiB message holds at most 16 Ki
    /// 4-byte payloads anyway).
    public var maxPayloads: Int = 4096
    let pathPrefix: String

    /// Iterates the chain starting at `start` in `message` (the message header is at 0).
    @_lifetime(copy message)
    public init(message: RawSpan, first: PayloadType, start: Int = IKEHeader.size, pathPrefix: String = "") {
        self.message = message
        self.offset = start
        self.nextType = first
        self.pathPrefix = pathPrefix
    }

    @_lifetime(copy self)
    @_lifetime(self: copy self)
    public mutating func next() throws(IKEError) -> PayloadView? {
        if finished { return nil }
        let end = message.byteCount
        if nextType == .none {
            finished = true
            if offset < end {
                throw IKEError(.trailingBytes, at: offset, path: pathPrefix,
                               "\(end - offset) bytes after the last payload")
            }
            return nil
        }
        let index = count + 1
        let prefix = pathPrefix
        func path(_ t: PayloadType) -> String {
            let name = "payload \(index) (\(t.notation))"
            return prefix.isEmpty ? name : prefix + " > " + name
        }
        guard count < maxPayloads else {
            finished = true
            throw IKEError(.limitExceeded, at: offset, path: pathPrefix, "more than \(maxPayloads) payloads")
        }
        guard offset <= end else {
            // A start past the end: e.g. the default start (28, after the IKE header) on a
            // decrypted SK plaintext, whose chain starts at 0.
            finished = true
            throw IKEError(.truncated, at: offset, path: path(nextType),
                           "the chain starts at offset \(offset), past the end of the \(end)-byte buffer (a decrypted SK plaintext starts at 0: use DecryptResult.innerPayloads)")
        }
        guard end - offset >= 4 else {
            finished = true
            throw IKEError(.truncated, at: offset, path: path(nextType),
                           "generic payload header needs 4 bytes, \(end - offset) left")
        }
        let length = Int(message.u16(offset + 2))
        guard length >= 4 else {
            finished = true
            throw IKEError(.lengthTooSmall, at: offset + 2, path: path(nextType),
                           "Payload Length \(length) is smaller than the 4-byte generic header")
        }
        guard length <= end - offset else {
            finished = true
            throw IKEError(.lengthOverrun, at: offset + 2, path: path(nextType),
                           "Payload Length \(length) runs past the message end (\(end - offset) bytes left)")
        }
        let type = nextType
        let flags = message.u8(offset + 1)
        if !type.isKnown && flags & 0x80 != 0 {
            finished = true
            throw IKEError(.unsupportedCriticalPayload, at: offset + 1, path: path(type),
                           "payload type \(type.rawValue) is unknown and marked critical (RFC 7296 §2.5)")
        }
        let payload = PayloadView(
            type: type, bytes: message.extracting(offset..<(offset + length)), offset: offset)
        count += 1
        offset += length
        nextType = payload.nextPayload
        if type == .encrypted || type == .encryptedFragment {
            // The Next Payload of SK/SKF names the first inner payload; the outer chain ends here.
            finished = true
            if offset != end {
                throw IKEError(.payloadAfterEncrypted, at: offset, path: path(type),
                               "\(end - offset) bytes after \(type.notation), which must be the last payload")
            }
        }
        return payload
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

    @_lifetime(copy bytes)
    init(type: PayloadType, bytes: RawSpan, offset: Int) {
        self.type = type
        self.bytes = bytes
        self.offset = offset
    }

    /// The Next Payload field (for SK/SKF: the first inner payload's type).
    public var nextPayload: PayloadType { PayloadType(rawValue: bytes.u8(0)) }
    /// The octet holding C and the 7 reserved bits.
    public var flagsOctet: UInt8 { bytes.u8(1) }
    /// C: the critical bit.
    public var isCritical: Bool { flagsOctet & 0x80 != 0 }
    /// The 7 RESERVED bits as received (should be 0; ignored on receipt).
    public var reservedBits: UInt8 { flagsOctet & 0x7f }
    /// Payload Length: the whole payload, header included.
    public var length: Int { bytes.byteCount }
    /// Absolute offset of the body (after the 4-byte generic header).
    public var bodyOffset: Int { offset + 4 }
    /// The payload body, after the generic header.
    public var body: RawSpan {
        @_lifetime(copy self) get { bytes.extracting(4..<bytes.byteCount) }
    }
    /// A path component for errors, e.g. `N`.
    package var pathName: String { type.notation }
}
