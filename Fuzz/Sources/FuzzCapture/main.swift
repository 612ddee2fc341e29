// libFuzzer entry point: the input is written to one tmpfs file per process and read as a
// pcap/pcapng capture through CaptureReader (link layers, IP fragment and TCP reassembly,
// UDP 500/4500 classification); every IKE event goes through the codec walk and SKF grouping.
import FuzzSupport
import IKEv2
import IKEv2Mutation
import IKEv2Capture
import IKEv2Crypto

#if canImport(Glibc)
import Glibc
#endif

/// /dev/shm when present (tmpfs: no disk I/O), else /tmp; one name per process.
let capturePath: String = {
    var st = stat()
    let dir = stat("/dev/shm", &st) == 0 ? "/dev/shm" : "/tmp"
    return "\(dir)/ikev2-fuzz-capture-\(getpid()).pcap"
}()

func writeCapture(_ bytes: [UInt8]) -> Bool {
    let fd = open(capturePath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + done }, bytes.count - done) }
        if n <= 0 { return false }
        done += n
    }
    return true
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCapture(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    guard writeCapture(fuzzInput(data, size)) else { return 0 }
    var options = CaptureOptions()
    options.reportIgnored = true
    guard let reader = try? CaptureReader(path: capturePath, options: options) else { return 0 }
    var fragments = FragmentReassembler()
    try? reader.forEach { event in
        guard case .ike = event.kind else { return }
        let outcome = CodecWalk.walk(event.bytes)
        if let failure = outcome.roundTripFailure { fatalError("round trip: \(failure)") }
        if let view = try? IKEMessageView(parsing: event.bytes) {
            _ = fragments.add(view, keys: nil)
        }
    }
    _ = reader.statistics
    return 0
}
