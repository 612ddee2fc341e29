// Task 2: decrypt SK payloads with a key file and decode IKEV2_MESSAGE_ID_SYNC (16422).
//   decrypt-sync CAPTURE KEYS
import Foundation
import IKEv2
import IKEv2Capture
import IKEv2Crypto

guard CommandLine.arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: decrypt-sync CAPTURE KEYS\n".utf8))
    exit(2)
}
do {
    let keys = try IKEKeyTable(contentsOfFile: CommandLine.arguments[2])  // Wireshark or tcpdump form
    let reader = try CaptureReader(path: CommandLine.arguments[1])
    try reader.forEach { event in
        guard case .ike = event.kind, let message = try? IKEMessageView(parsing: event.bytes) else { return }
        let result = IKEDecryptor.decrypt(message: message, table: keys)
        guard result.isDecrypted else { return }  // cleartext, or see result.findings
        var inner = result.innerPayloads  // the decrypted chain, from its first payload
        while let payload = try inner.next() {
            guard payload.type == .notify else { continue }
            if case .messageIDSync(let sync) = try NotifyDecoder().decode(try payload.notify()) {
                print(event.meta.frameNumber, message.header.isResponse ? "response" : "request", sync)
            }
        }
    }
} catch {
    FileHandle.standardError.write(Data("decrypt-sync: \(error)\n".utf8))
    exit(1)
}
