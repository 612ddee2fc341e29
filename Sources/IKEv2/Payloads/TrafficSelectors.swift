// TSi (44) / TSr (45), RFC 7296 §3.13: Number of TSs (1), RESERVED (3), Traffic Selectors.
//
// Selector (§3.13.1): 0 TS Type  1 IP Protocol ID (Reserved for TS_SECLABEL)  2 Selector Length (2)
//   types 7/8:  4 Start Port (2)  6 End Port (2)  8 Starting Address (4/16)  Ending Address (4/16)
//   type 9 (RFC 4595 §4.4.1): 4 Reserved  5 Start N_Port_ID (3)  8 Reserved  9 End N_Port_ID (3)
//               12 Start R_CTL  13 End R_CTL  14 Start Type  15 End Type  (16 bytes)
//   type 10 (RFC 9478 §2.1): 4 Security Label (≥ 1 byte)
// Strict lengths: 7 → 16, 8 → 40, 9 → 16, 10 → ≥ 5, other types ≥ 4. The selectors fill the body
// exactly and their number equals Number of TSs.

/// A view of a TSi/TSr payload body.
public struct TrafficSelectorsView: ~Escapable {
    public let body: RawSpan
    /// Absolute offset of `body` in the parsed buffer.
    public let baseOffset: Int

    /// Checks the 4-byte fixed part; selectors are checked as they are iterated.
    @_lifetime(copy body)
    public init(body: RawSpan, baseOffset: Int) throws(IKEError) {
        guard body.byteCount >= 4 else {
            throw IKEError(.truncated, at: baseOffset + body.byteCount,
                           "TS needs 4 bytes of fixed fields, has \(body.byteCount)")
        }
        self.body = body
        self.baseOffset = baseOffset
    }

    /// Number of TSs as declared.
    public var declaredCount: Int { Int(body.u8(0)) }
    /// The 24 RESERVED bits as received.
    public var reserved: UInt32 { body.u32(0) & 0x00ff_ffff }

    public var selectors: TrafficSelectorIterator {
        @_lifetime(copy self) get {
            TrafficSelectorIterator(region: body.extracting(4..<body.byteCount), baseOffset: baseOffset + 4,
                                    declared: declaredCount, countOffset: baseOffset)
        }
    }

    /// Walks every selector, throwing the first error.
    public func validate() throws(IKEError) {
        var it = selectors
        while try it.next() != nil {}
    }
}

/// Iterates the selectors of a TS payload, checking each Selector Length against its type and
/// the payload end, and at the end the Number of TSs.
public struct TrafficSelectorIterator: ~Escapable {
    let region: RawSpan
    let baseOffset: Int
    let declared: Int
    let countOffset: Int
    public private(set) var offset: Int = 0
    public private(set) var count: Int = 0
    var finished = false

    @_lifetime(copy region)
    init(region: RawSpan, baseOffset: Int, declared: Int, countOffset: Int) {
        self.region = region
        self.baseOffset = baseOffset
        self.declared = declared
        self.countOffset = countOffset
    }

    @_lifetime(copy self)
    @_lifetime(self: copy self)
    public mutating func next() throws(IKEError) -> TrafficSelectorView? {
        if finished { return nil }
        finished = true  // cleared again on success
        let end = region.byteCount
        if offset == end {
            guard count == declared else {
                throw IKEError(.badCount, at: countOffset, "Number of TSs is \(declared) but the payload holds \(count)")
            }
            return nil
        }
        let index = count + 1
        // Built only when an error is thrown.
        func path() -> String { "selector \(index)" }
        guard count < declared else {
            // Fewer than 4 bytes cannot be another selector: they are stray bytes, not a count error.
            if end - offset < 4 {
                throw IKEError(.trailingBytes, at: baseOffset + offset,
                               "\(end - offset) bytes after the last of \(declared) selectors")
            }
            throw IKEError(.badCount, at: countOffset, "Number of TSs is \(declared) but the payload holds more")
        }
        guard end - offset >= 4 else {
            throw IKEError(.truncated, at: baseOffset + offset, path: path(),
                           "traffic selector needs 4 bytes, \(end - offset) left")
        }
        let type = TSType(rawValue: region.u8(offset))
        let length = Int(region.u16(offset + 2))
        let lengthOK: Bool
        let expected: String
        switch type {
        case .ipv4AddrRange: lengthOK = length == 16; expected = "16"
        case .ipv6AddrRange: lengthOK = length == 40; expected = "40"
        case .fcAddrRange: lengthOK = length == 16; expected = "16"
        case .securityLabel: lengthOK = length >= 5; expected = "at least 5"
        default: lengthOK = length >= 4; expected = "at least 4"
        }
        guard lengthOK else {
            throw IKEError(length < 4 ? .lengthTooSmall : .badLength, at: baseOffset + offset + 2, path: path(),
                           "Selector Length \(length) for \(type), must be \(expected)")
        }
        guard length <= end - offset else {
            throw IKEError(.lengthOverrun, at: baseOffset + offset + 2, path: path(),
                           "Selector Length \(length) runs past the payload (\(end - offset) bytes left)")
        }
        let view = TrafficSelectorView(bytes: region.extracting(offset..<(offset + length)),
                                       offset: baseOffset + offset)
        count += 1
        offset += length
        finished = false
        return view
    }
}

/// One traffic selector (RFC 7296 §3.13.1; RFC 4595; RFC 9478), length already checked.
public struct TrafficSelectorView: ~Escapable {
    /// The whole selector.
    public let bytes: RawSpan
    /// Absolute offset.
    public let offset: Int

    @_lifetime(copy bytes)
    init(bytes: RawSpan, offset: Int) {
        self.bytes = bytes
        self.offset = offset
    }

    public var type: TSType { TSType(rawValue: bytes.u8(0)) }
    /// IP Protocol ID (0 = any); for TS_SECLABEL and TS_FC_ADDR_RANGE the reserved octet.
    public var ipProtocolID: UInt8 { bytes.u8(1) }
    /// Selector Length.
    public var length: Int { bytes.byteCount }
    /// The bytes after the 4-byte selector header.
    public var content: RawSpan { @_lifetime(copy self) get { bytes.extracting(4..<bytes.byteCount) } }

    var isIP: Bool { type == .ipv4AddrRange || type == .ipv6AddrRange }
    var addressSize: Int { type == .ipv4AddrRange ? 4 : 16 }

    /// Start Port (types 7/8).
    public var startPort: UInt16? { isIP ? bytes.u16(4) : nil }
    /// End Port (types 7/8).
    public var endPort: UInt16? { isIP ? bytes.u16(6) : nil }
    /// Starting Address (types 7/8; empty otherwise).
    public var startAddress: RawSpan {
        @_lifetime(copy self) get { isIP ? bytes.extracting(8..<(8 + addressSize)) : bytes.extracting(0..<0) }
    }
    /// Ending Address (types 7/8; empty otherwise).
    public var endAddress: RawSpan {
        @_lifetime(copy self) get {
            isIP ? bytes.extracting((8 + addressSize)..<(8 + 2 * addressSize)) : bytes.extracting(0..<0)
        }
    }
    /// Security Label (type 10; empty otherwise).
    public var securityLabel: RawSpan {
        @_lifetime(copy self) get { type == .securityLabel ? content : bytes.extracting(0..<0) }
    }
}

/// An owned traffic selector: type, the second octet and the content after the 4-byte header
/// kept as bytes, so every type round-trips exactly; typed accessors and builders for 7/8/10.
public struct TrafficSelector: Hashable, Sendable {
    public var type: TSType
    /// IP Protocol ID for types 7/8 (0 = any); the reserved octet for other types.
    public var ipProtocolID: UInt8
    /// Everything after Selector Length (ports and addresses for 7/8, the label for 10).
    public var content: [UInt8]

    public init(type: TSType, ipProtocolID: UInt8 = 0, content: [UInt8]) {
        self.type = type
        self.ipProtocolID = ipProtocolID
        self.content = content
    }

    /// A TS_IPV4_ADDR_RANGE (addresses of 4 bytes) or TS_IPV6_ADDR_RANGE (16 bytes) selector;
    /// nil when the address sizes are neither.
    public static func addressRange(start: [UInt8], end: [UInt8], ipProtocolID: UInt8 = 0,
                                    startPort: UInt16 = 0, endPort: UInt16 = 0xffff) -> TrafficSelector? {
        guard start.count == end.count, start.count == 4 || start.count == 16 else { return nil }
        var c: [UInt8] = [UInt8(startPort >> 8), UInt8(startPort & 0xff), UInt8(endPort >> 8), UInt8(endPort & 0xff)]
        c += start
        c += end
        return TrafficSelector(type: start.count == 4 ? .ipv4AddrRange : .ipv6AddrRange,
                               ipProtocolID: ipProtocolID, content: c)
    }

    /// A TS_SECLABEL selector (RFC 9478).
    public static func securityLabel(_ label: [UInt8]) -> TrafficSelector {
        TrafficSelector(type: .securityLabel, content: label)
    }

    var isIP: Bool {
        (type == .ipv4AddrRange && content.count == 12) || (type == .ipv6AddrRange && content.count == 36)
    }
    public var startPort: UInt16? { isIP ? UInt16(content[0]) << 8 | UInt16(content[1]) : nil }
    public var endPort: UInt16? { isIP ? UInt16(content[2]) << 8 | UInt16(content[3]) : nil }
    public var startAddress: [UInt8]? { isIP ? Array(content[4..<(4 + (content.count - 4) / 2)]) : nil }
    public var endAddress: [UInt8]? { isIP ? Array(content[(4 + (content.count - 4) / 2)...]) : nil }

    public init(_ v: borrowing TrafficSelectorView) {
        type = v.type
        ipProtocolID = v.ipProtocolID
        content = v.content.copyBytes()
    }

    public func write(to w: inout ByteWriter) throws(IKEError) {
        guard content.count <= 0xffff - 4 else {
            throw IKEError(.tooLarge, at: w.count, "traffic selector of \(content.count + 4) bytes")
        }
        w.u8(type.rawValue)
        w.u8(ipProtocolID)
        w.u16(UInt16(content.count + 4))
        w.append(content)
    }
}

/// An owned TSi/TSr body. Number of TSs is computed from `selectors`; RESERVED kept.
public struct TrafficSelectorsPayload: Hashable, Sendable {
    public var selectors: [TrafficSelector]
    /// The 24 RESERVED bits as received.
    public var reserved: UInt32

    public init(selectors: [TrafficSelector], reserved: UInt32 = 0) {
        self.selectors = selectors
        self.reserved = reserved
    }

    /// Copies and fully validates a parsed TS body.
    public init(_ v: borrowing TrafficSelectorsView) throws(IKEError) {
        reserved = v.reserved
        var out: [TrafficSelector] = []
        out.reserveCapacity(v.declaredCount)
        var it = v.selectors
        while let s = try it.next() { out.append(TrafficSelector(s)) }
        selectors = out
    }

    public func writeBody(to w: inout ByteWriter) throws(IKEError) {
        guard selectors.count <= 255 else {
            throw IKEError(.tooLarge, at: w.count, "\(selectors.count) traffic selectors in one payload")
        }
        w.u32(UInt32(selectors.count) << 24 | (reserved & 0x00ff_ffff))
        for s in selectors { try s.write(to: &w) }
    }
}

extension PayloadView {
    /// This payload's body as TSi/TSr.
    @_lifetime(copy self)
    public func trafficSelectors() throws(IKEError) -> TrafficSelectorsView {
        do { return try TrafficSelectorsView(body: body, baseOffset: bodyOffset) } catch { throw error.within(pathName) }
    }
}
