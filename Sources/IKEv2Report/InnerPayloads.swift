import IKEv2

/// What is known about the inner payloads of a message's SK or SKF payload. The caller (the CLI
/// or a test) computes it with `IKEv2Crypto`; renderers only display it.
enum InnerPayloads: Sendable {
    /// No decryption was attempted (no key file given).
    case notAttempted
    /// A key file was given, but it has no row for this SA.
    case noKeys
    /// Decryption failed: ICV mismatch, bad padding, wrong key length... (a finding, not a crash).
    case failed(String)
    /// The plaintext payload chain and its first payload type.
    case decrypted(plaintext: [UInt8], first: PayloadType)
    /// An SKF fragment whose message is not complete yet (RFC 7383).
    case fragmentPending(received: Int, total: Int)

    var isDecrypted: Bool {
        if case .decrypted = self { return true }
        return false
    }
}
