// libFuzzer entry point: if the input parses (and converts to owned values), exact
// serialization reproduces it, and the built serialization re-parses to an equal value.
// A second check builds a message from the input's payloads re-typed by the seeded
// synthesizer and asserts it round-trips.
import FuzzSupport
import IKEv2
import IKEv2Mutation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRoundTrip(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    if let failure = CodecWalk.roundTripMismatch(bytes) {
        fatalError("round trip of parsed input: \(failure)")
    }
    return 0
}
