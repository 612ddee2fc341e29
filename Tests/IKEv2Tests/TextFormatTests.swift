import Testing
@testable import IKEv2

/// `Hex` and `AddressText`: the one definition of hex digits and address text every module uses.
@Suite struct TextFormatTests {
    @Test func fixedWidthHex() {
        #expect(Hex.fixed(0x0123_4567_89ab_cdef, width: 16) == "0123456789abcdef")
        #expect(Hex.fixed(0xa1b2_c3d4, width: 8) == "a1b2c3d4")
        #expect(Hex.fixed(0x5, width: 8) == "00000005")
        #expect(Hex.fixed(0x1_0000_0005, width: 8) == "00000005")  // the lowest digits
        #expect(Hex.fixed(7, width: 0) == "")
        #expect(Hex.fixed(UInt64.max, width: 20) == "ffffffffffffffff")  // at most 16 digits
        #expect(Hex.minimal(0) == "0")
        #expect(Hex.minimal(0x2f) == "2f")
        #expect(Hex.minimal(UInt64.max) == "ffffffffffffffff")
        #expect(Hex.encode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        var out: [UInt8] = []
        Hex.append(0xbeef, width: 6, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "00beef")
    }

    func text(_ bytes: [UInt8], _ form: AddressText.IPv6Form = .compressed) -> String {
        AddressText.string(bytes, ipv6: form)
    }

    func v6(_ groups: [UInt16]) -> [UInt8] { groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] } }

    @Test func addresses() {
        #expect(text([192, 0, 2, 1]) == "192.0.2.1")
        #expect(text([0, 10, 100, 255]) == "0.10.100.255")
        #expect(text([1, 0xab, 0]) == "01ab00")  // neither 4 nor 16 octets: hex
        #expect(text([]) == "")
        // RFC 5952 §4: longest run of two or more zero groups as ::, the first on a tie.
        #expect(text(v6([0x2001, 0xdb8, 0, 0, 0, 0, 2, 1])) == "2001:db8::2:1")
        #expect(text(v6([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1])) == "2001:db8:0:1:1:1:1:1")  // one zero group
        #expect(text(v6([0x2001, 0, 0, 1, 0, 0, 0, 1])) == "2001:0:0:1::1")
        #expect(text(v6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1])) == "2001:db8::1:0:0:1")
        #expect(text(v6([0, 0, 0, 0, 0, 0, 0, 0])) == "::")
        #expect(text(v6([0, 0, 0, 0, 0, 0, 0, 1])) == "::1")
        #expect(text(v6([1, 0, 0, 0, 0, 0, 0, 0])) == "1::")
        #expect(text(v6([0xfe80, 0, 0, 0, 0xabcd, 0xffff, 0x0a0b, 0xc0d])) == "fe80::abcd:ffff:a0b:c0d")
        // The full form: eight groups, no ::.
        #expect(text(v6([0x2001, 0xdb8, 0, 0, 0x10, 0, 0xabcd, 0xffff]), .full) == "2001:db8:0:0:10:0:abcd:ffff")
        #expect(text(v6([0, 0, 0, 0, 0, 0, 0, 0]), .full) == "0:0:0:0:0:0:0:0")
        #expect(text([10, 0, 255, 1], .full) == "10.0.255.1")
        var out: [UInt8] = Array("a=".utf8)
        v6([0, 0, 0, 0, 0, 0, 0, 1]).withUnsafeBytes { AddressText.append($0, ipv6: .full, to: &out) }
        #expect(String(decoding: out, as: UTF8.self) == "a=0:0:0:0:0:0:0:1")
    }

    @Test func gatewayIdentityUsesTheCompressedForm() {
        #expect(GatewayIdentity.ipv6(v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1])).text == "2001:db8::1")
        #expect(GatewayIdentity.ipv4([198, 51, 100, 7]).text == "198.51.100.7")
        #expect(GatewayIdentity.ipv6([1, 2, 3]).text == "010203")
    }
}
