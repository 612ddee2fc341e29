import IKEv2

/// A small deterministic random number generator (SplitMix64, Steele/Lea/Flood 2014): the same
/// seed gives the same sequence on every platform and Swift version, which `SystemRandomNumberGenerator`
/// does not. Used by `MutationGenerator` and `MessageSynthesizer`; not for cryptography.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (0 when `bound <= 0`); slight modulo bias is fine for test data.
    public mutating func below(_ bound: Int) -> Int {
        bound <= 0 ? 0 : Int(truncatingIfNeeded: next() % UInt64(bound))
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(max(0, count))
        for _ in 0..<max(0, count) { out.append(UInt8(truncatingIfNeeded: next())) }
        return out
    }

    /// `count` random bytes, eight from each output word (least significant byte first): the
    /// layout the synthetic-capture generators were built on, kept so their seeds still give the
    /// same files.
    public mutating func wordBytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(max(0, count))
        while out.count < count {
            var v = next()
            for _ in 0..<8 where out.count < count {
                out.append(UInt8(truncatingIfNeeded: v))
                v >>= 8
            }
        }
        return out
    }

    /// True with probability 1/`n`.
    public mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }
}
