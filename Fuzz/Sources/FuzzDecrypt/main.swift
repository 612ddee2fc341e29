import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlaceholder(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    messageWalk(fuzzInput(data, size))
    return 0
}
