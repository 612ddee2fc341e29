// Structure-aware fuzzing: a libFuzzer custom mutator that, most of the time, applies one
// MutationGenerator variant (length/count/size fields off by one or at max, truncations, loops,
// unknown critical payloads, HA notifies) to the input, sometimes replaces it with a random
// valid message from MessageSynthesizer, and otherwise falls back to libFuzzer's byte-level
// mutations. The test callback is FuzzMessage's walk.
import FuzzSupport
import IKEv2
import IKEv2Mutation

@_silgen_name("LLVMFuzzerMutate")
func LLVMFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStructured(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    messageWalk(fuzzInput(data, size))
    return 0
}

@_cdecl("LLVMFuzzerCustomMutator")
public func customMutator(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    guard let data else { return 0 }
    var rng = SplitMix64(seed: UInt64(seed))
    let choice = rng.below(10)
    if choice < 3 {
        return LLVMFuzzerMutate(data, size, maxSize)
    }
    let input = fuzzInput(UnsafeRawPointer(data), size)
    var out: [UInt8]
    if choice == 3 || input.count < IKEHeader.size {
        var synth = MessageSynthesizer(seed: rng.next())
        out = (try? synth.message().serialize(.built)) ?? input
    } else {
        out = MutationGenerator(seed: UInt64(seed)).mutate(input, salt: rng.next())
    }
    if out.count > maxSize { out = Array(out[0..<maxSize]) }
    out.withUnsafeBytes { src in
        if let base = src.baseAddress { data.update(from: base.assumingMemoryBound(to: UInt8.self), count: src.count) }
    }
    return out.count
}
