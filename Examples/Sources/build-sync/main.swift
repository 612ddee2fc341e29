// Task 3: build an INFORMATIONAL with N(IKEV2_MESSAGE_ID_SYNC), encrypt it and serialize it.
//   build-sync KEYS OUT.bin    (uses the first SA of the key file)
import Foundation
import IKEv2
import IKEv2Crypto

guard CommandLine.arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: build-sync KEYS OUT.bin\n".utf8))
    exit(2)
}
do {
    let keys = try IKEKeyTable(contentsOfFile: CommandLine.arguments[1])
    guard let sa = keys.entries.first else { exit(1) }  // (the initializer rejects a file without rows)
    // The newly active cluster member, here the original responder, asks the peer to sync:
    // RFC 6311 §5.1, an INFORMATIONAL request with Message ID 0 holding only the notify.
    var header = IKEHeader(initiatorSPI: sa.initiatorSPI, responderSPI: sa.responderSPI,
                           exchangeType: .informational, messageID: 0)
    header.isInitiator = false
    let sync = NotifyPayload.messageIDSync(nonce: 0xa1b2_c3d4, expectedSend: 10, expectedRecv: 12)  // M1, P1
    let bytes = try IKEEncryptor.encrypt(header: header, innerPayloads: [.notify(sync)], keys: sa)
    try Data(bytes).write(to: URL(fileURLWithPath: CommandLine.arguments[2]))
    let written = try IKEMessageView(parsing: bytes.span.bytes)
    print("\(bytes.count) octets: \(written.summary)")
} catch {
    FileHandle.standardError.write(Data("build-sync: \(error)\n".utf8))
    exit(1)
}
