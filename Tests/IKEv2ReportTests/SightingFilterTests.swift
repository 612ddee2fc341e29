import IKEv2Capture
@testable import IKEv2Report
import Testing

/// The bounded table that folds copies of one packet seen at several capture points.
@Suite struct SightingFilterTests {
    static func meta(_ point: Int, ms: Int64) -> PacketMeta {
        var m = PacketMeta()
        m.captureIndex = point
        m.timestampNanoseconds = ms * 1_000_000
        return m
    }

    static func seen(_ f: inout SightingFilter, _ bytes: [UInt8], _ point: Int, ms: Int64) -> Bool {
        f.isRepeat(ike: bytes.span.bytes, meta: meta(point, ms: ms))
    }

    @Test func otherPointsWithinTheWindowAreSightings() {
        var f = SightingFilter(windowNanoseconds: 500_000_000)
        let m: [UInt8] = Array(0..<60)
        let r1 = Self.seen(&f, m, 0, ms: 1000)
        #expect(!r1)
        let r2 = Self.seen(&f, m, 1, ms: 1001)
        #expect(r2)
        let r3 = Self.seen(&f, m, 2, ms: 1499)
        #expect(r3)
        // The same point again is a retransmission: a new observation, whose copies at the
        // other points are sightings of it.
        let r4 = Self.seen(&f, m, 0, ms: 1200)
        #expect(!r4)
        let r5 = Self.seen(&f, m, 1, ms: 1201)
        #expect(r5)
        // Beyond the window from the first copy: new.
        let r6 = Self.seen(&f, m, 2, ms: 1701)
        #expect(!r6)
        // Other bytes are another message.
        var other = m
        other[59] ^= 1
        let r7 = Self.seen(&f, other, 1, ms: 1702)
        #expect(!r7)
        // The copy may come first from any point (merged order of clocks that differ slightly).
        let r8 = Self.seen(&f, other, 0, ms: 1700)
        #expect(r8)
    }

    @Test func espBySPIAndSequence() {
        var f = SightingFilter(windowNanoseconds: 10_000_000)
        let r9 = f.isRepeat(espSPI: 0xc0ffee, sequence: 7, meta: Self.meta(0, ms: 5))
        #expect(!r9)
        let r10 = f.isRepeat(espSPI: 0xc0ffee, sequence: 7, meta: Self.meta(1, ms: 6))
        #expect(r10)
        let r11 = f.isRepeat(espSPI: 0xc0ffee, sequence: 8, meta: Self.meta(1, ms: 6))
        #expect(!r11)
        let r12 = f.isRepeat(espSPI: 0xc0ffef, sequence: 7, meta: Self.meta(1, ms: 6))
        #expect(!r12)
        let r13 = f.isRepeat(espSPI: 0xc0ffee, sequence: 7, meta: Self.meta(2, ms: 30))
        #expect(!r13)
    }

    @Test func tableIsBoundedAndEvictionsCounted() {
        var f = SightingFilter(windowNanoseconds: 60_000_000_000, capacity: 4)
        for i in 0..<10 {
            let r14 = f.isRepeat(espSPI: 1, sequence: UInt32(i), meta: Self.meta(0, ms: Int64(i)))
            #expect(!r14)
        }
        #expect(f.evicted == 6)
        // The last four are remembered, the first six forgotten.
        let r15 = f.isRepeat(espSPI: 1, sequence: 9, meta: Self.meta(1, ms: 10))
        #expect(r15)
        let r16 = f.isRepeat(espSPI: 1, sequence: 0, meta: Self.meta(1, ms: 10))
        #expect(!r16)
    }

    @Test func expiryFreesEntries() {
        var f = SightingFilter(windowNanoseconds: 1_000_000, capacity: 8)
        for i in 0..<100 {
            let r17 = f.isRepeat(espSPI: 2, sequence: UInt32(i), meta: Self.meta(0, ms: Int64(i) * 10))
            #expect(!r17)
        }
        // Each entry expired before the table filled: nothing was evicted early.
        #expect(f.evicted == 0)
    }
}
