// The deterministic generator behind `ikev2 synth --seed N`: the codec's SplitMix64.

import IKEv2
import IKEv2Mutation

/// The seeded generator of the synthesizer (same seed, same bytes on every platform).
typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    /// A value in `range` (uniform enough for synthetic timing and sizes).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }
}
