// IKE fragment reassembly (RFC 7383 §2.6): decrypt each SKF, queue it by (SPIs, Message ID,
// direction), and when fragments 1...Total are all there, join the chunks and parse the inner
// chain. Without keys, fragments are still grouped and counted.

import IKEv2

/// Identifies one fragmented message: its SA, Message ID and direction.
public struct FragmentKey: Hashable, Sendable, CustomStringConvertible {
    public var initiatorSPI: UInt64
    public var responderSPI: UInt64
    public var messageID: UInt32
    /// Sent by the original initiator (I flag).
    public var fromInitiator: Bool
    /// A response (R flag).
    public var isResponse: Bool

    package init(header: IKEHeader) {
        initiatorSPI = header.initiatorSPI
        responderSPI = header.responderSPI
        messageID = header.messageID
        fromInitiator = header.isInitiator
        isResponse = header.isResponse
    }

    public var description: String {
        "SA \(Hex.fixed(initiatorSPI, width: 16))/\(Hex.fixed(responderSPI, width: 16)) message \(messageID) \(isResponse ? "response" : "request") from \(fromInitiator ? "initiator" : "responder")"
    }
}

/// A message rebuilt from all its fragments.
public struct ReassembledMessage: Sendable {
    public var key: FragmentKey
    /// Fragment 1's header (its Length is that fragment's, not the whole message's).
    public var header: IKEHeader
    /// From fragment 1's SKF Next Payload.
    public var firstInnerType: PayloadType
    /// The joined inner payload chain (padding removed from each chunk).
    public var plaintext: [UInt8]
    /// Problems in the joined inner chain.
    public var findings: [DecryptFinding]
    public var fragmentCount: Int
}

/// What happened to one SKF message given to the reassembler.
public struct FragmentEvent: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Queued; more fragments are missing.
        case queued
        /// The last missing fragment arrived: `message` is set when decrypted.
        case complete
        /// Same Fragment Number and Total already held (a retransmission): dropped (RFC 7383 §2.6.2).
        case duplicate
        /// A fragment of a message that was already completed (a retransmission): dropped.
        case alreadyComplete
        /// Total Fragments smaller than the queued fragments': dropped (RFC 7383 §2.6.2).
        case smallerTotal
        /// Total Fragments larger than the queued ones': the queue was discarded and restarted
        /// with this fragment (RFC 7383 §2.6.2).
        case restarted
        /// ICV failure or bad padding: dropped without touching the queue (RFC 7383 §2.6.2).
        case rejected
        /// A resource limit was hit: the fragment was dropped.
        case limitExceeded
        /// Not an SKF message, or a malformed one.
        case notAFragment
    }

    public var kind: Kind
    public var key: FragmentKey
    public var fragment: FragmentInfo?
    /// Distinct fragment numbers held for this message after the event.
    public var held: Int
    /// Whether this group's fragments were decrypted (false when no keys were given).
    public var decrypted: Bool
    public var findings: [DecryptFinding]
    public var message: ReassembledMessage?

    public var description: String {
        let f = fragment.map { "\($0.number) of \($0.total)" } ?? "?"
        let total = fragment.map { " (\(held) of \($0.total) held)" } ?? ""
        return "\(key): fragment \(f): \(kind.rawValue)\(total)\(decrypted ? "" : ", not decrypted")"
    }
}

/// Reassembles RFC 7383 fragments with bounded buffers. Feed every SKF message in capture order.
public struct FragmentReassembler: Sendable {
    /// Resource bounds (not wire rules).
    public struct Limits: Sendable {
        /// Largest Total Fragments accepted.
        public var maxTotalFragments: Int = 256
        /// Largest joined plaintext per message, octets.
        public var maxMessageBytes: Int = 256 * 1024
        /// Messages being reassembled at once; the oldest group is evicted beyond this.
        public var maxPendingMessages: Int = 128
        /// Completed message keys remembered to recognize retransmitted fragments.
        public var maxRememberedComplete: Int = 1024
        public init() {}
    }

    struct Group: Sendable {
        var total: UInt16
        var header: IKEHeader
        var firstInnerType: PayloadType = .none
        var chunks: [UInt16: [UInt8]] = [:]
        var bytes = 0
        var decrypted: Bool
    }

    public var limits: Limits
    private var groups: [FragmentKey: Group] = [:]
    private var order: [FragmentKey] = []
    private var completed: Set<FragmentKey> = []
    private var completedOrder: [FragmentKey] = []

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Status of every message still missing fragments: key, Total, numbers held, decrypted.
    public var pending: [(key: FragmentKey, total: UInt16, held: [UInt16], decrypted: Bool)] {
        order.compactMap { k in groups[k].map { (k, $0.total, $0.chunks.keys.sorted(), $0.decrypted) } }
    }

    /// Adds one message. With `keys`, the fragment is decrypted and ICV-checked first (a failure
    /// leaves the queue untouched); without, it is only grouped and counted.
    public mutating func add(_ message: borrowing IKEMessageView, keys: IKESAKeys?) -> FragmentEvent {
        let key = FragmentKey(header: message.header)
        var info: FragmentInfo?
        var firstType = PayloadType.none
        do {
            var it = message.payloads
            while let p = try it.next() {
                guard p.type == .encryptedFragment else { continue }
                let f = try p.encryptedFragment()
                info = FragmentInfo(number: f.fragmentNumber, total: f.totalFragments)
                firstType = p.nextPayload
            }
        } catch {
            return FragmentEvent(kind: .notAFragment, key: key, fragment: nil, held: 0, decrypted: false,
                                 findings: [DecryptFinding(.outerMalformed, offset: error.offset, error.description, error: error)])
        }
        guard let info else {
            return FragmentEvent(kind: .notAFragment, key: key, fragment: nil, held: 0, decrypted: false, findings: [])
        }
        func event(_ kind: FragmentEvent.Kind, _ findings: [DecryptFinding] = [], message: ReassembledMessage? = nil) -> FragmentEvent {
            let g = groups[key]
            return FragmentEvent(kind: kind, key: key, fragment: info, held: g?.chunks.count ?? 0,
                                 decrypted: g?.decrypted ?? (keys != nil), findings: findings, message: message)
        }
        guard Int(info.total) <= limits.maxTotalFragments else {
            return event(.limitExceeded, [DecryptFinding(.fragmentDropped, "Total Fragments \(info.total) exceeds the limit \(limits.maxTotalFragments)")])
        }

        // Decrypt first: a fragment failing its ICV is dropped without effect (RFC 7383 §2.6.2).
        var chunk: [UInt8] = []
        var findings: [DecryptFinding] = []
        if let keys {
            let r = IKEDecryptor.decrypt(message: message, keys: keys)
            guard r.isDecrypted else { return event(.rejected, r.findings) }
            chunk = r.plaintext
            findings = r.findings
        }
        if completed.contains(key) { return event(.alreadyComplete, findings) }

        if var g = groups[key] {
            if info.total < g.total {
                return event(.smallerTotal, findings + [DecryptFinding(.fragmentDropped,
                    "Total Fragments \(info.total) is smaller than the queued \(g.total): dropped (RFC 7383 §2.6.2)")])
            }
            if info.total > g.total {
                groups[key] = newGroup(info, message.header, first: firstType, chunk: chunk, decrypted: keys != nil)
                return event(.restarted, findings + [DecryptFinding(.fragmentDropped,
                    "Total Fragments \(info.total) is larger than the queued \(g.total): \(g.chunks.count) queued fragments discarded (RFC 7383 §2.6.2)")])
            }
            if g.chunks[info.number] != nil { return event(.duplicate, findings) }
            guard g.bytes + chunk.count <= limits.maxMessageBytes else {
                return event(.limitExceeded, findings + [DecryptFinding(.fragmentDropped, "reassembled size would exceed \(limits.maxMessageBytes) octets")])
            }
            g.chunks[info.number] = chunk
            g.bytes += chunk.count
            if info.number == 1 {
                g.firstInnerType = firstType
                g.header = message.header
            }
            groups[key] = g
        } else {
            if order.count >= limits.maxPendingMessages, let oldest = order.first {
                groups[oldest] = nil
                order.removeFirst()
                findings.append(DecryptFinding(.fragmentDropped, "evicted incomplete \(oldest) (pending limit \(limits.maxPendingMessages))"))
            }
            guard chunk.count <= limits.maxMessageBytes else {
                return event(.limitExceeded, findings + [DecryptFinding(.fragmentDropped, "fragment exceeds \(limits.maxMessageBytes) octets")])
            }
            groups[key] = newGroup(info, message.header, first: firstType, chunk: chunk, decrypted: keys != nil)
            order.append(key)
        }

        guard let g = groups[key], g.chunks.count == Int(g.total) else { return event(.queued, findings) }
        // Complete: 1...Total all present (numbers are 1...Total, so count == Total means all).
        groups[key] = nil
        order.removeAll { $0 == key }
        completed.insert(key)
        completedOrder.append(key)
        if completedOrder.count > limits.maxRememberedComplete {
            completed.remove(completedOrder.removeFirst())
        }
        var whole: [UInt8] = []
        whole.reserveCapacity(g.bytes)
        for n in 1...g.total { whole += g.chunks[n] ?? [] }
        var done = FragmentEvent(kind: .complete, key: key, fragment: info, held: Int(g.total), decrypted: g.decrypted,
                                 findings: findings, message: nil)
        if g.decrypted {
            let inner = IKEDecryptor.innerChainFindings(whole, first: g.firstInnerType, inside: .encryptedFragment)
            done.message = ReassembledMessage(key: key, header: g.header, firstInnerType: g.firstInnerType,
                                              plaintext: whole, findings: inner, fragmentCount: Int(g.total))
        }
        return done
    }

    private func newGroup(_ info: FragmentInfo, _ header: IKEHeader, first: PayloadType, chunk: [UInt8], decrypted: Bool) -> Group {
        var g = Group(total: info.total, header: header, decrypted: decrypted)
        g.chunks[info.number] = chunk
        g.bytes = chunk.count
        if info.number == 1 { g.firstInnerType = first }
        return g
    }
}
