import IKEv2

/// The owned Notify payloads of a message's outer chain.
func outerNotifies(_ message: [UInt8]) throws -> [NotifyPayload] {
    let m = try IKEMessage(parsing: message)
    return m.payloads.compactMap { if case .notify(let n) = $0.body { n } else { nil } }
}

/// Parses `payload` bytes (generic header + Notify body) into a view and decodes it.
func decodeNotifyPayloadBytes(_ bytes: [UInt8], decoder: NotifyDecoder = NotifyDecoder()) throws(IKEError) -> NotifyData {
    var it = PayloadIterator(message: bytes.span.bytes, first: .notify, start: 0)
    guard let p = try it.next() else { throw IKEError(.truncated, at: 0, "no payload") }
    let n = try p.notify()
    return try decoder.decode(n)
}
