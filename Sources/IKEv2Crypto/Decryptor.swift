// SK (RFC 7296 §3.14) and SKF (RFC 7383 §2.5) decryption: ICV first, then padding, then the
// inner payload chain through the codec. Every failure is a finding on the message, never a trap.

import IKEv2

/// Something wrong with one encrypted message (a wrong key, a bad ICV, bad padding, a malformed
/// inner chain). Findings are per message: decryption of other messages goes on.
public struct DecryptFinding: Hashable, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The ICV (integrity MAC or AEAD tag) does not verify: wrong key or altered bytes.
        public static let icvMismatch = Code(rawValue: "icv-mismatch")
        /// Pad Length larger than the decrypted data (RFC 7296 §3.14).
        public static let badPadding = Code(rawValue: "bad-padding")
        /// The encrypted body is shorter than IV + ICV + 1, or not block aligned.
        public static let badLength = Code(rawValue: "bad-length")
        /// No keys for this SA, or not for the sender's direction.
        public static let noKeys = Code(rawValue: "no-keys")
        /// The outer chain is malformed before or at the SK/SKF payload.
        public static let outerMalformed = Code(rawValue: "outer-malformed")
        /// The decrypted inner payload chain is malformed (offsets are into the plaintext).
        public static let innerMalformed = Code(rawValue: "inner-malformed")
        /// A cryptographic library refused the input.
        public static let cipherFailure = Code(rawValue: "cipher-failure")
        /// The ICV was skipped, not checked (a "No Checking" integrity algorithm).
        public static let icvNotChecked = Code(rawValue: "icv-not-checked")
        /// A fragment was dropped or a group discarded (RFC 7383 §2.6.2 rules, resource limits).
        public static let fragmentDropped = Code(rawValue: "fragment-dropped")
    }

    public var code: Code
    /// Absolute offset in the message (outer findings) or in the plaintext (`innerMalformed`).
    public var offset: Int?
    public var message: String
    /// The codec's error, for `innerMalformed` and `outerMalformed`.
    public var error: IKEError?

    package init(_ code: Code, offset: Int? = nil, _ message: String, error: IKEError? = nil) {
        self.code = code
        self.offset = offset
        self.message = message
        self.error = error
    }

    public var description: String {
        offset.map { "\(code) at offset \($0): \(message)" } ?? "\(code): \(message)"
    }
}

/// SKF's Fragment Number and Total Fragments (RFC 7383 §2.5).
public struct FragmentInfo: Hashable, Sendable, CustomStringConvertible {
    public var number: UInt16
    public var total: UInt16
    public init(number: UInt16, total: UInt16) {
        self.number = number
        self.total = total
    }
    public var description: String { "fragment \(number) of \(total)" }
}

/// The outcome of decrypting one message's SK or SKF payload.
public struct DecryptResult: Sendable {
    /// The decrypted inner payloads without padding and Pad Length (for SKF: this fragment's
    /// chunk). Empty unless `isDecrypted`.
    public var plaintext: [UInt8]
    /// The SK/SKF payload's Next Payload: the first inner payload's type (RFC 7296 §3.14; for SKF
    /// only fragment 1 carries it, RFC 7383 §2.5).
    public var firstInnerType: PayloadType
    public var findings: [DecryptFinding]
    /// True when the ICV verified (or was explicitly unchecked) and the padding was sound.
    public var isDecrypted: Bool
    /// Set for SKF messages.
    public var fragment: FragmentInfo?
    /// Offset of the SK/SKF payload's generic header in the message (nil if there is none).
    public var encryptedPayloadOffset: Int?
    /// The Pad Length octet.
    public var padLength: Int
    /// Whether the sender was the original initiator (I flag): SK_ei/SK_ai were used.
    public var fromInitiator: Bool

    init(fromInitiator: Bool) {
        plaintext = []
        firstInnerType = .none
        findings = []
        isDecrypted = false
        fragment = nil
        encryptedPayloadOffset = nil
        padLength = 0
        self.fromInitiator = fromInitiator
    }

    /// Decrypted, and the inner chain (if parsed) had no error.
    public var isClean: Bool { isDecrypted && findings.allSatisfy { $0.code == .icvNotChecked } }
}

extension DecryptResult {
    /// Whether `plaintext` holds a whole inner chain: decrypted, and SK or a single-fragment SKF
    /// (a fragment of several carries only a chunk; reassemble with `FragmentReassembler`).
    var hasInnerChain: Bool { isDecrypted && (fragment == nil || fragment?.total == 1) }

    /// A lazy walk of the decrypted inner payloads, like `IKEMessageView.payloads` for the outer
    /// chain: it starts at offset 0 of `plaintext` with `firstInnerType`, and offsets and error
    /// paths (`SK > payload 2 (N)`) are relative to the plaintext. Empty when nothing was
    /// decrypted (see `findings`) or when this is one fragment of several.
    ///
    /// ```swift
    /// let r = IKEDecryptor.decrypt(message: message, table: keys)
    /// var inner = r.innerPayloads
    /// while let p = try inner.next() { print(p.summary(isInitiator: message.header.isInitiator)) }
    /// ```
    public var innerPayloads: PayloadIterator {
        @_lifetime(borrow self) get {
            // Nothing to walk: start at the end, so the empty walk reports no trailing bytes.
            PayloadIterator(message: plaintext.span.bytes, first: hasInnerChain ? firstInnerType : .none,
                            start: hasInnerChain ? 0 : plaintext.count, inside: fragment == nil ? .encrypted : .encryptedFragment)
        }
    }

    /// The same walk through a closure: `body` sees each inner payload in order; the first
    /// malformed payload header throws `IKEError` (the payloads before it were delivered).
    public func forEachInnerPayload<E: Error>(_ body: (borrowing PayloadView) throws(E) -> Void) throws {
        var it = innerPayloads
        while let p = try it.next() { try body(p) }
    }

    /// Owned copies of the inner payloads (bodies parsed and validated), e.g. for
    /// `ExchangeSummary(message:inner:)` or to keep them after the result is gone.
    public func ownedInnerPayloads() throws(IKEError) -> [IKEPayload] {
        var out: [IKEPayload] = []
        var it = innerPayloads
        while let p = try it.next() { out.append(try IKEPayload(p)) }
        return out
    }

    /// The inner chain as `ikev2 dissect` lists it inside `SK{...}`: `IDi AUTH N(...) SA TSi TSr`.
    public var innerSummary: String {
        innerPayloads.summary(isInitiator: fromInitiator)
    }
}

/// Decrypts SK and SKF payloads with an SA's keys.
public enum IKEDecryptor {
    /// Decrypts the message's SK or SKF payload with the sender's keys (SK_ei/SK_ai when the I
    /// flag is set, else SK_er/SK_ar; RFC 7296 §2.14). Order of checks: ICV over the header
    /// through the ciphertext (or the AEAD tag over the AAD of RFC 5282 §5.1 / RFC 7383 §2.5),
    /// then the Pad Length, then, for SK and for a single-fragment SKF, the inner payload chain
    /// (parsed and validated by the codec, errors at plaintext offsets under the path `SK`).
    public static func decrypt(message: borrowing IKEMessageView, keys: IKESAKeys) -> DecryptResult {
        let header = message.header
        let fromInitiator = header.isInitiator
        var r = DecryptResult(fromInitiator: fromInitiator)
        let where_ = "SA \(keys.saName), message \(header.messageID)"

        // Locate SK/SKF (the last payload of the outer chain).
        var skOffset = -1
        var skLength = 0
        var skType = PayloadType.none
        do {
            var it = message.payloads
            while let p = try it.next() {
                if p.type == .encrypted || p.type == .encryptedFragment {
                    skOffset = p.offset
                    skLength = p.length
                    skType = p.type
                    r.firstInnerType = p.nextPayload
                    if p.type == .encryptedFragment {
                        let f = try p.encryptedFragment()
                        r.fragment = FragmentInfo(number: f.fragmentNumber, total: f.totalFragments)
                    }
                }
            }
        } catch {
            r.findings.append(DecryptFinding(.outerMalformed, offset: error.offset, "\(where_): \(error)", error: error))
            if skOffset < 0 { return r }
        }
        guard skOffset >= 0 else {
            r.findings.append(DecryptFinding(.outerMalformed, "\(where_): no SK or SKF payload"))
            return r
        }
        r.encryptedPayloadOffset = skOffset
        guard keys.hasKeys(fromInitiator: fromInitiator) else {
            r.findings.append(DecryptFinding(.noKeys, offset: skOffset,
                                             "\(where_): no \(fromInitiator ? "initiator (SK_ei/SK_ai)" : "responder (SK_er/SK_ar)") keys"))
            return r
        }

        let enc = keys.encryption
        let integ = keys.integrity
        let ivLen = enc.ivLength
        let icvLen = enc.isAEAD ? enc.tagLength : integ.icvLength
        let aadEnd = skOffset + (skType == .encryptedFragment ? 8 : 4)
        let dataEnd = skOffset + skLength
        let dataLen = dataEnd - aadEnd
        let ctLen = dataLen - ivLen - icvLen
        guard ctLen >= 1 else {
            r.findings.append(DecryptFinding(.badLength, offset: aadEnd,
                                             "\(where_): \(skType.notation) data of \(dataLen) octets cannot hold IV (\(ivLen)) + ICV (\(icvLen)) + Pad Length"))
            return r
        }
        guard ctLen % enc.blockSize == 0 else {
            r.findings.append(DecryptFinding(.badLength, offset: aadEnd + ivLen,
                                             "\(where_): ciphertext of \(ctLen) octets is not a multiple of the \(enc.blockSize)-octet block (wrong algorithm?)"))
            return r
        }
        let bytes = message.bytes
        let ivStart = aadEnd
        let ctStart = ivStart + ivLen
        let icvStart = ctStart + ctLen
        let iv = bytes.extracting(ivStart..<ctStart).copyBytes()
        let ct = bytes.extracting(ctStart..<icvStart).copyBytes()
        let icv = bytes.extracting(icvStart..<dataEnd).copyBytes()
        let (ek, ak) = keys.senderKeys(fromInitiator: fromInitiator)
        let mismatch = DecryptFinding(.icvMismatch, offset: icvStart,
                                      "ICV mismatch for \(where_) (\(fromInitiator ? "initiator" : "responder") keys, \(enc.isAEAD ? enc.wiresharkName : integ.wiresharkName)): wrong key or altered message")

        var padded: [UInt8]
        do {
            if enc.isAEAD {
                let salt = Array(ek.suffix(enc.saltLength))
                let key = Array(ek.prefix(enc.keyBits / 8))
                let aad = bytes.extracting(0..<aadEnd).copyBytes()
                let opened: [UInt8]?
                switch enc.mode {
                case .aesGCM: opened = try Primitive.gcmOpen(key: key, nonce: salt + iv, aad: aad, ct, tag: icv)
                case .aesCCM: opened = try Primitive.ccmOpen(key: key, nonce: salt + iv, aad: aad, ct, tag: icv)
                default: opened = try Primitive.chachaOpen(key: key, nonce: salt + iv, aad: aad, ct, tag: icv)
                }
                guard let opened else {
                    r.findings.append(mismatch)
                    return r
                }
                padded = opened
            } else {
                switch integ.mode {
                case .none: break
                case .unchecked:
                    r.findings.append(DecryptFinding(.icvNotChecked, offset: icvStart, "\(where_): ICV not checked (\(integ.wiresharkName))"))
                default:
                    let full = try Primitive.mac(integ.mode, key: ak, bytes.extracting(0..<icvStart).copyBytes())
                    guard Primitive.constantTimeEqual(Array(full.prefix(icvLen)), icv) else {
                        r.findings.append(mismatch)
                        return r
                    }
                }
                switch enc.mode {
                case .null: padded = ct
                case .aesCBC: padded = try Primitive.aesCBC(encrypt: false, key: ek, iv: iv, ct)
                case .tripleDESCBC: padded = try Primitive.tripleDESCBC(encrypt: false, key: ek, iv: iv, ct)
                default:  // CTR: nonce (key tail) | IV | 00000001 (RFC 3686 §4)
                    let block = Array(ek.suffix(4)) + iv + [0, 0, 0, 1]
                    padded = try Primitive.aesCTR(key: Array(ek.prefix(enc.keyBits / 8)), counterBlock: block, ct)
                }
            }
        } catch {
            r.findings.append(DecryptFinding(.cipherFailure, offset: ctStart, "\(where_): \(error)"))
            return r
        }

        // Padding (RFC 7296 §3.14): Pad Length is the last octet; the padding's content is free.
        guard let padLength = padded.last.map(Int.init), padLength + 1 <= padded.count else {
            r.findings.append(DecryptFinding(.badPadding, offset: ctStart,
                                             "\(where_): Pad Length \(padded.last.map { String($0) } ?? "?") exceeds the \(padded.count)-octet plaintext (wrong key?)"))
            return r
        }
        r.padLength = padLength
        padded.removeLast(padLength + 1)
        r.plaintext = padded
        r.isDecrypted = true

        if r.fragment == nil || r.fragment?.total == 1 {
            r.findings += innerChainFindings(r.plaintext, first: r.firstInnerType, inside: skType)
        }
        return r
    }

    /// Looks the message's SA up in `table`; a `noKeys` finding when it is not there.
    public static func decrypt(message: borrowing IKEMessageView, table: IKEKeyTable) -> DecryptResult {
        let h = message.header
        guard let keys = table.keys(for: h) else {
            var r = DecryptResult(fromInitiator: h.isInitiator)
            r.findings.append(DecryptFinding(.noKeys, "no keys for SA \(Hex.fixed(h.initiatorSPI, width: 16))/\(Hex.fixed(h.responderSPI, width: 16)), message \(h.messageID)"))
            return r
        }
        return decrypt(message: message, keys: keys)
    }

    /// Walks and validates a decrypted inner chain; each error becomes an `innerMalformed`
    /// finding (offsets into `plaintext`); `inside` is the SK or SKF payload it came from.
    public static func innerChainFindings(_ plaintext: [UInt8], first: PayloadType, inside: PayloadType = .encrypted) -> [DecryptFinding] {
        var out: [DecryptFinding] = []
        let span = plaintext.span.bytes
        var it = PayloadIterator(message: span, first: first, start: 0, inside: inside)
        do {
            while let p = try it.next() {
                do { try p.validateBody() } catch {
                    out.append(DecryptFinding(.innerMalformed, offset: error.offset, error.description, error: error.within(inside.notation)))
                }
            }
        } catch {
            out.append(DecryptFinding(.innerMalformed, offset: error.offset, error.description, error: error))
        }
        return out
    }
}
