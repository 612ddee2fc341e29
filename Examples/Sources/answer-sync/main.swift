// Task 4: compute the peer's RFC 6311 answer to a sync request and encrypt the response.
//   answer-sync KEYS REQUEST.bin OUT.bin
import Foundation
import IKEv2
import IKEv2Crypto
import IKEv2HA

guard CommandLine.arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: answer-sync KEYS REQUEST.bin OUT.bin\n".utf8))
    exit(2)
}
do {
    let keys = try IKEKeyTable(contentsOfFile: CommandLine.arguments[1])
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: CommandLine.arguments[2])))
    let request = try IKEMessageView(parsing: bytes.span.bytes)
    var received: MessageIDSyncData?
    try IKEDecryptor.decrypt(message: request, table: keys).forEachInnerPayload { payload in
        if payload.type == .notify, case .messageIDSync(let d) = try NotifyDecoder().decode(try payload.notify()) {
            received = d
        }
    }
    // The peer's own counters: its next request is 7, it expects 9 next from the cluster.
    var peer = MessageIDSyncResponder(counters: MessageIDCounters(nextSend: 7, nextExpected: 9))
    guard let received, let sa = keys.keys(for: request.header),
          case .respond(let answer, _) = peer.handleRequest(received) else {  // (P2, M2), nonce echoed
        FileHandle.standardError.write(Data("answer-sync: no readable IKEV2_MESSAGE_ID_SYNC, or a replay (dropped, RFC 6311 §5.1)\n".utf8))
        exit(1)
    }
    var header = request.header  // same SPIs and Message ID 0, from the other side, a response
    header.isInitiator.toggle()
    header.isResponse = true
    let notify = try NotifyDecoder().encode(.messageIDSync(answer))
    let response = try IKEEncryptor.encrypt(header: header, innerPayloads: [.notify(notify)], keys: sa)
    try Data(response).write(to: URL(fileURLWithPath: CommandLine.arguments[3]))
    print("request \(received) -> answer \(answer)")  // P2 = max(P1, 7), M2 = max(M1, 9)
} catch {
    FileHandle.standardError.write(Data("answer-sync: \(error)\n".utf8))
    exit(1)
}
