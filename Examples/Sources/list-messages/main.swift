// Task 1: list a capture's IKE messages.   list-messages CAPTURE
import Foundation
import IKEv2
import IKEv2Capture

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: list-messages CAPTURE\n".utf8))
    exit(2)
}
do {
    let reader = try CaptureReader(path: CommandLine.arguments[1])  // pcap or pcapng
    try reader.forEach { event in
        guard case .ike = event.kind else { return }  // skip ESP, keepalives, other traffic
        do {
            let message = try IKEMessageView(parsing: event.bytes)  // a view: nothing copied
            print(event.meta.frameNumber, message.summary)  // 29 INFORMATIONAL[R] request mid=0: SK
        } catch {
            print(event.meta.frameNumber, "malformed:", error)  // code, byte offset, payload path
        }
    }
} catch {
    FileHandle.standardError.write(Data("list-messages: \(error)\n".utf8))
    exit(1)
}
