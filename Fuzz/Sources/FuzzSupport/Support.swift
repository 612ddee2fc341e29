import IKEv2
import IKEv2Mutation

/// The fuzz input as an owned array (libFuzzer hands a pointer that may be null when size is 0).
public func fuzzInput(_ data: UnsafeRawPointer?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeRawBufferPointer(start: data, count: size))
}

/// The walk FuzzMessage runs (and the regression test replays): never traps by itself; a
/// round-trip mismatch is turned into a crash so libFuzzer records the input.
public func messageWalk(_ bytes: [UInt8]) {
    let outcome = CodecWalk.walk(bytes)
    if let failure = outcome.roundTripFailure {
        fatalError("round trip: \(failure)")
    }
}
