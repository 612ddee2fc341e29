// Task 5: write IKE messages into a pcap, over UDP 4500 with the non-ESP marker.
//   write-pcap OUT.pcap MESSAGE.bin...
import Foundation
import IKEv2
import IKEv2Capture

guard CommandLine.arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: write-pcap OUT.pcap MESSAGE.bin...\n".utf8))
    exit(2)
}
do {
    let writer = try CaptureWriter(path: CommandLine.arguments[1], linkType: .ethernet)
    var time: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z, in nanoseconds
    for path in CommandLine.arguments.dropFirst(2) {
        let message = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let fromInitiator = try IKEHeader(parsing: message.span.bytes).isInitiator
        var spec = FrameSpec()  // 192.0.2.1 (initiator) -> 192.0.2.2; ports unset: the transport's
        if !fromInitiator {
            swap(&spec.source, &spec.destination)
            swap(&spec.sourceMAC, &spec.destinationMAC)
        }
        try writer.writeIKE(message, spec: spec, transport: .udpNATT, timestampNanoseconds: time)
        time += 10_000_000
    }
    try writer.commit()  // the file appears atomically, complete
    print("wrote \(writer.framesWritten) frames to \(CommandLine.arguments[1])")
} catch {
    FileHandle.standardError.write(Data("write-pcap: \(error)\n".utf8))
    exit(1)
}
