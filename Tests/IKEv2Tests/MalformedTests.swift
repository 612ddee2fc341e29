import Testing
@testable import IKEv2

/// A built message whose layout is fixed by hand (offsets below are derived from RFC 7296 §3
/// layouts, not from the parser), used to mutate each length field.
///
/// ```
///   0 header (28)
///  28 SA (51): 32 proposal 1 (47, ESP, SPI 4) : 44 transform 1 ENCR (19): 52 TV Key Length,
///              56 TLV private attribute (7);  63 transform 2 INTEG (8);  71 transform 3 ESN (8)
///  79 TSi (64): 83 Number of TSs;  87 IPv4 selector (16);  103 IPv6 selector (40)
/// 143 CP (21): 147 CFG type;  151 IP4_ADDRESS (4);  155 IP4_DNS (4);  159 APPLICATION_VERSION (5)
/// 164 N (8): INITIAL_CONTACT
/// 172 end
/// ```
enum Layout {
    static func message() -> IKEMessage {
        let sa = SAPayload(proposals: [
            Proposal(number: 1, protocolID: .esp, spi: [0xde, 0xad, 0xbe, 0xef], transforms: [
                Transform(type: .encryption, id: EncryptionAlgorithm.aesCBC.rawValue, attributes: [
                    .keyLength(256), TransformAttribute(type: TransformAttributeType(rawValue: 16384), value: .tlv([1, 2, 3])),
                ]),
                .integrity(.hmacSHA2_256_128),
                .sequenceNumbers(.noESN),
            ]),
        ])
        let ts = TrafficSelectorsPayload(selectors: [
            TrafficSelector.addressRange(start: [10, 0, 0, 0], end: [10, 0, 0, 255], ipProtocolID: 6,
                                         startPort: 0, endPort: 65535),
            TrafficSelector.addressRange(start: [UInt8](repeating: 0, count: 16), end: [UInt8](repeating: 0xff, count: 16)),
        ].compactMap { $0 })
        let cp = ConfigurationPayload(cfgType: .request, attributes: [
            ConfigAttribute(type: .internalIP4Address), ConfigAttribute(type: .internalIP4DNS),
            ConfigAttribute(type: .applicationVersion, value: Array("x".utf8)),
        ])
        return IKEMessage(
            header: IKEHeader(initiatorSPI: 0x1122_3344_5566_7788, responderSPI: 0x99aa_bbcc_ddee_ff00,
                              exchangeType: .ikeAuth, flags: IKEHeader.initiatorFlag, messageID: 1),
            payloads: [
                IKEPayload(type: .securityAssociation, body: .securityAssociation(sa)),
                IKEPayload(type: .trafficSelectorInitiator, body: .trafficSelectors(ts)),
                IKEPayload(type: .configuration, body: .configuration(cp)),
                .notify(NotifyPayload(type: .initialContact)),
            ])
    }

    /// (field offset, field width, expected error for +1, expected error for -1), as (code, offset).
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let at: Int
        let width: Int
        let plus: (IKEError.Code, Int)
        let minus: (IKEError.Code, Int)
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "header Length", at: 24, width: 4, plus: (.truncated, 24), minus: (.trailingBytes, 171)),
        Case(name: "SA Payload Length", at: 30, width: 2, plus: (.trailingBytes, 79), minus: (.lengthOverrun, 34)),
        Case(name: "Proposal Length", at: 34, width: 2, plus: (.lengthOverrun, 34), minus: (.trailingBytes, 78)),
        Case(name: "Num Transforms", at: 39, width: 1, plus: (.badCount, 39), minus: (.badCount, 39)),
        Case(name: "SPI Size", at: 38, width: 1, plus: (.badValue, 38), minus: (.badValue, 38)),
        Case(name: "transform 1 Length", at: 46, width: 2, plus: (.truncated, 63), minus: (.lengthOverrun, 58)),
        Case(name: "TLV Attribute Length", at: 58, width: 2, plus: (.lengthOverrun, 58), minus: (.truncated, 62)),
        Case(name: "transform 2 Length", at: 65, width: 2, plus: (.truncated, 71), minus: (.lengthTooSmall, 65)),
        Case(name: "transform 3 Length", at: 73, width: 2, plus: (.lengthOverrun, 73), minus: (.lengthTooSmall, 73)),
        Case(name: "TSi Payload Length", at: 81, width: 2, plus: (.trailingBytes, 143), minus: (.lengthOverrun, 105)),
        Case(name: "Number of TSs", at: 83, width: 1, plus: (.badCount, 83), minus: (.badCount, 83)),
        Case(name: "IPv4 Selector Length", at: 89, width: 2, plus: (.badLength, 89), minus: (.badLength, 89)),
        Case(name: "IPv6 Selector Length", at: 105, width: 2, plus: (.badLength, 105), minus: (.badLength, 105)),
        Case(name: "CP Payload Length", at: 145, width: 2, plus: (.truncated, 164), minus: (.lengthOverrun, 161)),
        Case(name: "IP4_ADDRESS Length", at: 153, width: 2, plus: (.badLength, 153), minus: (.lengthOverrun, 153)),
        Case(name: "APPLICATION_VERSION Length", at: 161, width: 2, plus: (.lengthOverrun, 161), minus: (.truncated, 163)),
        Case(name: "N Payload Length", at: 166, width: 2, plus: (.lengthOverrun, 166), minus: (.truncated, 171)),
    ]

    static func mutate(_ bytes: [UInt8], at: Int, width: Int, by delta: Int) -> [UInt8] {
        var b = bytes
        var v: UInt64 = 0
        for i in 0..<width { v = v << 8 | UInt64(b[at + i]) }
        let mask: UInt64 = width == 8 ? .max : (1 << UInt64(8 * width)) - 1
        v = (delta >= 0 ? v &+ UInt64(delta) : v &- UInt64(-delta)) & mask
        for i in 0..<width { b[at + i] = UInt8((v >> UInt64(8 * (width - 1 - i))) & 0xff) }
        return b
    }
}

@Suite struct MalformedTests {
    @Test func layoutIsAsDocumented() throws {
        let b = try Layout.message().serialize()
        #expect(b.count == 172)
        #expect(Array(b[24..<28]) == [0, 0, 0, 172])
        #expect(b[28] == 44 && Array(b[30..<32]) == [0, 51])          // SA -> TSi, length 51
        #expect(Array(b[32..<40]) == [0, 0, 0, 47, 1, 3, 4, 3])        // proposal: last, len 47, #1 ESP SPI 4, 3 transforms
        #expect(Array(b[44..<52]) == [3, 0, 0, 19, 1, 0, 0, 12])       // ENCR_AES_CBC, length 19
        #expect(Array(b[52..<56]) == [0x80, 14, 1, 0])                 // Key Length 256 (TV)
        #expect(Array(b[56..<63]) == [0x40, 0, 0, 3, 1, 2, 3])         // TLV type 16384
        #expect(Array(b[63..<71]) == [3, 0, 0, 8, 3, 0, 0, 12])
        #expect(Array(b[71..<79]) == [0, 0, 0, 8, 5, 0, 0, 0])
        #expect(b[79] == 47 && Array(b[81..<84]) == [0, 64, 2])
        #expect(Array(b[87..<91]) == [7, 6, 0, 16] && Array(b[103..<107]) == [8, 0, 0, 40])
        #expect(b[143] == 41 && Array(b[145..<148]) == [0, 21, 1])
        #expect(Array(b[151..<164]) == [0, 1, 0, 0, 0, 3, 0, 0, 0, 7, 0, 1, UInt8(ascii: "x")])
        #expect(Array(b[164..<172]) == [0, 0, 0, 8, 0, 0, 0x40, 0])
        #expect(fullParseError(b) == nil)
        #expect(try IKEMessage(parsing: b) == normalized(Layout.message()))
    }

    @Test(arguments: Layout.cases)
    func lengthFieldOffByOne(_ c: Layout.Case) throws {
        let good = try Layout.message().serialize()
        for (delta, expected) in [(1, c.plus), (-1, c.minus)] {
            let bad = Layout.mutate(good, at: c.at, width: c.width, by: delta)
            let e = fullParseError(bad)
            #expect(e?.code == expected.0, "\(c.name) \(delta): \(String(describing: e))")
            #expect(e?.offset == expected.1, "\(c.name) \(delta): \(String(describing: e))")
            // The owned parse reports the same error as the view walk.
            let owned = caught { () throws(IKEError) in _ = try IKEMessage(parsing: bad) }
            #expect(owned?.code == e?.code && owned?.offset == e?.offset, "\(c.name) \(delta)")
        }
    }

    @Test func errorPathNamesTheSubstructure() throws {
        let bad = Layout.mutate(try Layout.message().serialize(), at: 58, width: 2, by: 1)
        let e = try #require(fullParseError(bad))
        #expect(e.path == "SA > proposal 1 > transform 1 > attribute 2")
        let ts = try #require(fullParseError(Layout.mutate(try Layout.message().serialize(), at: 105, width: 2, by: 1)))
        #expect(ts.path == "TSi > selector 2")
    }

    /// The whole error text (code, offset, path, reason) for each kind of failure of the walk's
    /// iterators, whose explanations are built out of line from the check that failed.
    @Test func errorDescriptionsNameFieldAndRule() throws {
        let good = try Layout.message().serialize()
        func set(_ at: Int, _ v: UInt8...) -> [UInt8] {
            var b = good
            for (i, x) in v.enumerated() { b[at + i] = x }
            return b
        }
        let cases: [([UInt8], String)] = [
            (set(32, 2), "truncated at offset 79 in SA > proposal 1: Last Substruc 2 announces another proposal, but the SA payload ends"),
            (set(32, 3), "bad-value at offset 32 in SA > proposal 1: proposal Last Substruc 3 (must be 0 or 2, RFC 7296 §3.3.1)"),
            (set(36, 0), "bad-value at offset 36 in SA > proposal 1: first Proposal Num is 0; proposals are numbered from 1 (RFC 7296 §3.3.1)"),
            (set(38, 8), "bad-value at offset 38 in SA > proposal 1: SPI Size 8 is not valid for protocol ESP (RFC 7296 §3.3.1)"),
            (set(44, 0), "trailing-bytes at offset 63 in SA > proposal 1 > transform 1: 16 bytes after the transform marked last (Last Substruc 0)"),
            (set(71, 3), "truncated at offset 79 in SA > proposal 1 > transform 3: Last Substruc 3 announces another transform, but the proposal ends"),
            (Layout.mutate(good, at: 39, width: 1, by: 1), "bad-count at offset 39 in SA > proposal 1: Num Transforms is 4 but the proposal holds 3"),
            (Layout.mutate(good, at: 65, width: 2, by: -1), "length-too-small at offset 65 in SA > proposal 1 > transform 2: Transform Length 7 is smaller than its 8-byte fixed part"),
            (set(30, 0, 3), "length-too-small at offset 30 in payload 1 (SA): Payload Length 3 is smaller than the 4-byte generic header"),
            (Layout.mutate(good, at: 24, width: 4, by: 1), "truncated at offset 24: header Length 173 but only 172 bytes are present"),
            (Layout.mutate(good, at: 166, width: 2, by: 1), "length-overrun at offset 166 in payload 4 (N): Payload Length 9 runs past the message end (8 bytes left)"),
        ]
        for (bytes, expected) in cases {
            #expect(fullParseError(bytes)?.description == expected)
        }
        // SK must be the last payload; inside a decrypted SK the path starts with it.
        var w = ByteWriter()
        IKEHeader(initiatorSPI: 1, nextPayload: .encrypted, exchangeType: .ikeAuth, length: 28 + 8 + 4).write(to: &w)
        w.append([41, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0])
        let sk = w.bytes
        #expect(fullParseError(sk)?.description
            == "payload-after-encrypted at offset 36 in payload 1 (SK): 4 bytes after SK, which must be the last payload")
        let inner: [UInt8] = [0, 0, 0, 8, 0, 0, 0, 0, 1, 2]
        let e = caught { () throws(IKEError) in
            var it = PayloadIterator(message: inner.span.bytes, first: .notify, start: 0, inside: .encrypted)
            while try it.next() != nil {}
        }
        #expect(e?.description == "trailing-bytes at offset 8 in SK: 2 bytes after the last payload")
        // An empty chain that starts at or past the end of its buffer ends without an error.
        let short: [UInt8] = [1, 2, 3]
        var ended = false
        let none = caught { () throws(IKEError) in
            var empty = PayloadIterator(message: short.span.bytes, first: .none)
            ended = try empty.next() == nil
        }
        #expect(none == nil && ended)
    }

    @Test func saStructuralRules() throws {
        let good = try Layout.message().serialize()
        // Last Substruc of the only proposal says "more".
        var b = good; b[32] = 2
        #expect(fullParseError(b)?.code == .truncated && fullParseError(b)?.offset == 79)
        // An invalid Last Substruc value.
        b = good; b[32] = 3
        #expect(fullParseError(b)?.code == .badValue && fullParseError(b)?.offset == 32)
        // Transform 3 claims more transforms follow.
        b = good; b[71] = 3
        #expect(fullParseError(b)?.code == .truncated && fullParseError(b)?.offset == 79)
        // Transform 1 claims to be last.
        b = good; b[44] = 0
        #expect(fullParseError(b)?.code == .trailingBytes && fullParseError(b)?.offset == 63)
        // Proposal Num 0 is never valid (a response may start at the accepted number, e.g. 2).
        b = good; b[36] = 0
        #expect(fullParseError(b)?.code == .badValue && fullParseError(b)?.offset == 36)
        b = good; b[36] = 2
        #expect(fullParseError(b) == nil)
        // ESP with an 8-byte SPI size is invalid.
        b = good; b[38] = 8
        #expect(fullParseError(b)?.code == .badValue && fullParseError(b)?.offset == 38)
    }

    @Test func proposalNumbering() throws {
        func sa(_ numbers: [UInt8]) -> [UInt8] {
            var w = ByteWriter()
            let p = SAPayload(proposals: numbers.map { Proposal(number: $0, protocolID: .ike, transforms: [.prf(.hmacSHA1)]) })
            do { try p.writeBody(to: &w) } catch { return [] }
            return w.bytes
        }
        func check(_ body: [UInt8]) -> IKEError? {
            caught { () throws(IKEError) in try SAView(body: body.span.bytes, baseOffset: 0).validate() }
        }
        #expect(check(sa([1, 2, 3])) == nil)
        #expect(check(sa([1, 1, 2])) == nil)  // same number: AND of protocols (RFC 7296 §3.3.1)
        #expect(check(sa([1, 3]))?.offset == 16 + 4)
        #expect(check(sa([3])) == nil)  // a response accepting the third proposal offered
        #expect(check(sa([0]))?.code == .badValue)
        #expect(check(sa([1, 2, 1]))?.code == .badValue)
        #expect(check([])?.code == .truncated)
        // 257 proposals exceed the resource bound.
        let many = sa((0..<257).map { UInt8(truncatingIfNeeded: $0 / 2 + 1) })
        #expect(check(many)?.code == .limitExceeded)
    }

    @Test func unknownCriticalPayloadIsRejected() throws {
        var m = Layout.message()
        m.payloads.insert(IKEPayload(type: PayloadType(rawValue: 100), critical: true, body: .unknown(OpaquePayload(data: [1, 2]))), at: 1)
        let b = try m.serialize()
        let e = fullParseError(b)
        #expect(e?.code == .unsupportedCriticalPayload)
        #expect(e?.offset == 79 + 1)
        // Without C the same payload is skipped and kept.
        m.payloads[1].flagsOctet = 0
        let ok = try m.serialize()
        #expect(fullParseError(ok) == nil)
        #expect(try IKEMessage(parsing: ok) == normalized(m))
    }

    @Test func ikev1HeaderIsRecognised() throws {
        var b = try Layout.message().serialize()
        b[17] = 0x10
        let v = try IKEMessageView(parsing: b.span.bytes)
        #expect(v.header.majorVersion == 1)
        #expect(v.header.isIKEv1)
        var it = v.payloads
        #expect(try it.next() == nil)
    }

    @Test func unknownMajorVersionIsRejectedAtOffset17() throws {
        for version: UInt8 in [0x00, 0x30, 0x21 + 0x10, 0xf0] {
            var b = try Layout.message().serialize()
            b[17] = version
            let e = caught { () throws(IKEError) in _ = try IKEMessageView(parsing: b.span.bytes) }
            #expect(e?.code == .unsupportedVersion && e?.offset == 17, "0x\(String(version, radix: 16))")
        }
    }

    @Test func tsAndCPRules() throws {
        // A TS_SECLABEL with an empty label is invalid (RFC 9478 §2.1); a 1-byte one is fine.
        let label = TrafficSelectorsPayload(selectors: [.securityLabel([])])
        var w = ByteWriter()
        try label.writeBody(to: &w)
        let e = caught { () throws(IKEError) in try TrafficSelectorsView(body: w.bytes.span.bytes, baseOffset: 0).validate() }
        #expect(e?.code == .badLength && e?.offset == 6)
        w = ByteWriter()
        try TrafficSelectorsPayload(selectors: [.securityLabel([0x41])]).writeBody(to: &w)
        #expect(caught { () throws(IKEError) in try TrafficSelectorsView(body: w.bytes.span.bytes, baseOffset: 0).validate() } == nil)
        // TS body shorter than its fixed part.
        let short: [UInt8] = [1, 0, 0]
        #expect(caught { () throws(IKEError) in _ = try TrafficSelectorsView(body: short.span.bytes, baseOffset: 10) }?.offset == 13)
        // INTERNAL_IP6_ADDRESS must be 0 or 17 bytes.
        let cp: [UInt8] = [2, 0, 0, 0, 0, 8, 0, 16] + [UInt8](repeating: 0, count: 16)
        let ce = caught { () throws(IKEError) in try ConfigurationView(body: cp.span.bytes, baseOffset: 0).validate() }
        #expect(ce?.code == .badLength && ce?.offset == 6)
        // The R bit is kept on a round trip.
        let r: [UInt8] = [1, 0, 0, 0, 0x80, 3, 0, 0]
        let o = try ConfigurationPayload(try ConfigurationView(body: r.span.bytes, baseOffset: 0))
        #expect(o.attributes.first?.reservedBit == true)
        #expect(o.attributes.first?.type == .internalIP4DNS)
        w = ByteWriter()
        try o.writeBody(to: &w)
        #expect(w.bytes == r)
    }

    @Test func reservedBytesRoundTrip() throws {
        var b = try Layout.message().serialize()
        b[33] = 0x5a   // proposal RESERVED
        b[45] = 0x11   // transform RESERVED 1
        b[49] = 0x22   // transform RESERVED 2
        b[84] = 0x01; b[86] = 0x02   // TS RESERVED
        b[148] = 0x7f  // CP RESERVED
        let m = try IKEMessage(parsing: b)
        #expect(try m.serialize(.exact) == b)
        #expect(try m.serialize(.built) == b)
    }
}
