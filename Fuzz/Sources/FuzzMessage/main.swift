// libFuzzer entry point: parse and walk one message (see CodecWalk.walk).
import FuzzSupport
import IKEv2
import IKEv2Mutation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessage(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    messageWalk(fuzzInput(data, size))
    return 0
}
