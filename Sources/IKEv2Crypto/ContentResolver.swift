// The one place that turns a message's SK or SKF payload into its content: key lookup,
// RFC 7383 fragment reassembly, decryption (RFC 7296 §3.14) and the inner chain. `dissect` and
// `failover` both call it, so they agree on what a message holds.

import IKEv2

/// What a message's encrypted content resolved to.
public enum ResolvedContent: Sendable {
    /// No SK or SKF payload: everything is in the clear.
    case cleartext
    /// Decrypted and authenticated: the inner payload chain and its first payload type.
    case decrypted(plaintext: [UInt8], firstInnerType: PayloadType)
    /// No key table was given.
    case noKeyTable
    /// A key table was given, without a row for this IKE SA.
    case keysMissing
    /// One fragment of a message whose other fragments have not all arrived, or which cannot be
    /// decrypted without keys: `number` of `total`, `received` distinct ones held; `allHeld` when
    /// every fragment is there but no key was known.
    case pendingFragments(number: UInt16, received: Int, total: Int, allHeld: Bool)
    /// Keys exist but decryption or reassembly failed.
    case failed([DecryptFinding], reason: String)
}

/// Resolves the SK/SKF content of messages in capture order (fragments are grouped across calls).
///
/// ```swift
/// var resolver = ContentResolver(keys: try IKEKeyTable(contentsOfFile: "x.keys"))
/// switch resolver.resolve(messageView) {
/// case .decrypted(let plaintext, let first): ...   // walk with PayloadIterator(message:first:start: 0)
/// default: ...
/// }
/// ```
public struct ContentResolver: Sendable {
    public let keys: IKEKeyTable?
    var reassembler: FragmentReassembler

    public init(keys: IKEKeyTable?, fragmentLimits: FragmentReassembler.Limits = .init()) {
        self.keys = keys
        reassembler = FragmentReassembler(limits: fragmentLimits)
    }

    /// Resolves one message. Never throws: problems are findings.
    public mutating func resolve(_ message: borrowing IKEMessageView) -> ResolvedContent {
        var last = PayloadType.none
        var it = message.payloads
        while let p = try? it.next() { last = p.type }
        guard last == .encrypted || last == .encryptedFragment else { return .cleartext }
        let saKeys = keys?.keys(for: message.header)
        if last == .encryptedFragment {
            let event = reassembler.add(message, keys: saKeys)
            switch event.kind {
            case .complete:
                if let m = event.message, event.decrypted {
                    return .decrypted(plaintext: m.plaintext, firstInnerType: m.firstInnerType)
                }
                if saKeys == nil, let f = event.fragment {
                    return .pendingFragments(number: f.number, received: event.held, total: Int(f.total), allHeld: true)
                }
                return .failed(event.findings, reason: Self.describe(event.findings, or: "fragments not decrypted"))
            case .queued, .restarted, .duplicate, .alreadyComplete:
                if let f = event.fragment {
                    return .pendingFragments(number: f.number, received: event.held, total: Int(f.total), allHeld: false)
                }
                return .failed(event.findings, reason: event.kind.rawValue)
            case .rejected, .smallerTotal, .limitExceeded, .notAFragment:
                return .failed(event.findings, reason: Self.describe(event.findings, or: event.kind.rawValue))
            }
        }
        guard keys != nil else { return .noKeyTable }
        guard let saKeys else { return .keysMissing }
        let r = IKEDecryptor.decrypt(message: message, keys: saKeys)
        if r.isDecrypted { return .decrypted(plaintext: r.plaintext, firstInnerType: r.firstInnerType) }
        return .failed(r.findings, reason: Self.describe(r.findings, or: "not decrypted"))
    }

    static func describe(_ findings: [DecryptFinding], or fallback: String) -> String {
        findings.isEmpty ? fallback : findings.map(\.description).joined(separator: "; ")
    }
}
