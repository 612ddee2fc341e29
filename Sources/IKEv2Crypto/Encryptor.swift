// Building SK (RFC 7296 §3.14) and SKF (RFC 7383 §2.5) messages: the inverse of IKEDecryptor.

import IKEv2

/// An error building an encrypted message.
public struct IKECryptoError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Encrypts inner payloads into an SK payload or a set of SKF fragments, with correct lengths
/// and ICVs. The IV comes from a caller-supplied generator so output can be deterministic.
public enum IKEEncryptor {
    /// Produces `count` IV octets. Must not repeat under one key for CTR, GCM, CCM and
    /// ChaCha20-Poly1305 (RFC 5282 §3.1, RFC 7634 §3).
    public typealias IVGenerator = (_ count: Int) -> [UInt8]

    /// Random IVs from the system generator.
    public static func randomIV(_ count: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    /// The complete message: `header` (its Next Payload and Length are computed), any
    /// unencrypted `outerPayloads`, then SK holding `innerPayloads`. The sender's keys are chosen
    /// by the header's I flag. Padding is the minimum for the cipher's block size, zero-filled.
    public static func encrypt(
        header: IKEHeader, outerPayloads: [IKEPayload] = [], innerPayloads: [IKEPayload], keys: IKESAKeys,
        ivGenerator: IVGenerator = randomIV
    ) throws(IKECryptoError) -> [UInt8] {
        let inner: (first: PayloadType, bytes: [UInt8])
        do { inner = try serializeChain(innerPayloads) } catch { throw IKECryptoError("inner payloads: \(error)") }
        return try seal(header: header, outerPayloads: outerPayloads, skType: .encrypted, nextPayload: inner.first,
                        fragment: nil, chunk: inner.bytes, keys: keys, ivGenerator: ivGenerator)
    }

    /// RFC 7383 fragments of the same content: the inner chain is cut into chunks of at most
    /// `maxChunk` plaintext octets; each fragment is an SKF message with the same header and
    /// Message ID, Fragment Number 1...Total, fragment 1 naming the first inner payload and the
    /// others 0 (RFC 7383 §2.5).
    public static func encryptFragments(
        header: IKEHeader, innerPayloads: [IKEPayload], keys: IKESAKeys, maxChunk: Int,
        ivGenerator: IVGenerator = randomIV
    ) throws(IKECryptoError) -> [[UInt8]] {
        guard maxChunk >= 1 else { throw IKECryptoError("fragment chunk size must be at least 1") }
        let inner: (first: PayloadType, bytes: [UInt8])
        do { inner = try serializeChain(innerPayloads) } catch { throw IKECryptoError("inner payloads: \(error)") }
        let total = max(1, (inner.bytes.count + maxChunk - 1) / maxChunk)
        guard total <= Int(UInt16.max) else { throw IKECryptoError("\(total) fragments exceed 65535") }
        var out: [[UInt8]] = []
        for n in 1...total {
            let start = (n - 1) * maxChunk
            let chunk = Array(inner.bytes[min(start, inner.bytes.count)..<min(start + maxChunk, inner.bytes.count)])
            out.append(try seal(header: header, outerPayloads: [], skType: .encryptedFragment,
                                nextPayload: n == 1 ? inner.first : .none,
                                fragment: FragmentInfo(number: UInt16(n), total: UInt16(total)),
                                chunk: chunk, keys: keys, ivGenerator: ivGenerator))
        }
        return out
    }

    static func seal(
        header: IKEHeader, outerPayloads: [IKEPayload], skType: PayloadType, nextPayload: PayloadType,
        fragment: FragmentInfo?, chunk: [UInt8], keys: IKESAKeys, ivGenerator: IVGenerator
    ) throws(IKECryptoError) -> [UInt8] {
        let fromInitiator = header.isInitiator
        guard keys.hasKeys(fromInitiator: fromInitiator) else {
            throw IKECryptoError("SA \(keys.saName): no \(fromInitiator ? "initiator" : "responder") keys")
        }
        do { try keys.validate() } catch { throw IKECryptoError(error.description) }
        let enc = keys.encryption
        let integ = keys.integrity
        let (ek, ak) = keys.senderKeys(fromInitiator: fromInitiator)
        let iv = ivGenerator(enc.ivLength)
        guard iv.count == enc.ivLength else { throw IKECryptoError("IV generator gave \(iv.count) octets, need \(enc.ivLength)") }
        let icvLen = enc.isAEAD ? enc.tagLength : integ.icvLength
        let padLen = (enc.blockSize - (chunk.count + 1) % enc.blockSize) % enc.blockSize
        var plain = chunk
        plain += [UInt8](repeating: 0, count: padLen)
        plain.append(UInt8(padLen))

        // Header, outer payloads and the SK/SKF generic header with final lengths.
        var w = ByteWriter(capacity: 64 + plain.count + icvLen)
        var h = header
        h.nextPayload = outerPayloads.first?.type ?? skType
        h.write(to: &w)
        do {
            for (i, p) in outerPayloads.enumerated() {
                try p.write(to: &w, next: i + 1 < outerPayloads.count ? outerPayloads[i + 1].type : skType)
            }
        } catch { throw IKECryptoError("outer payloads: \(error)") }
        let skStart = w.count
        let skLength = 4 + (fragment == nil ? 0 : 4) + iv.count + plain.count + icvLen
        guard skLength <= 0xffff else { throw IKECryptoError("\(skType.notation) payload of \(skLength) octets exceeds 65535") }
        w.u8(nextPayload.rawValue)
        w.u8(0)
        w.u16(UInt16(skLength))
        if let fragment {
            w.u16(fragment.number)
            w.u16(fragment.total)
        }
        let total = skStart + skLength
        guard total <= Int(UInt32.max) else { throw IKECryptoError("message too large") }
        w.patchU32(at: 24, UInt32(total))
        let aad = w.bytes
        do {
            if enc.isAEAD {
                let key = Array(ek.prefix(enc.keyBits / 8))
                let nonce = Array(ek.suffix(enc.saltLength)) + iv
                let sealed: (ciphertext: [UInt8], tag: [UInt8])
                switch enc.mode {
                case .aesGCM: sealed = try Primitive.gcmSeal(key: key, nonce: nonce, aad: aad, plain, tagLength: enc.tagLength)
                case .aesCCM: sealed = try Primitive.ccmSeal(key: key, nonce: nonce, aad: aad, plain, tagLength: enc.tagLength)
                default: sealed = try Primitive.chachaSeal(key: key, nonce: nonce, aad: aad, plain)
                }
                w.append(iv)
                w.append(sealed.ciphertext)
                w.append(sealed.tag)
            } else {
                let ct: [UInt8]
                switch enc.mode {
                case .null: ct = plain
                case .aesCBC: ct = try Primitive.aesCBC(encrypt: true, key: ek, iv: iv, plain)
                case .tripleDESCBC: ct = try Primitive.tripleDESCBC(encrypt: true, key: ek, iv: iv, plain)
                default:
                    ct = try Primitive.aesCTR(key: Array(ek.prefix(enc.keyBits / 8)),
                                              counterBlock: Array(ek.suffix(4)) + iv + [0, 0, 0, 1], plain)
                }
                w.append(iv)
                w.append(ct)
                switch integ.mode {
                case .none: break
                case .unchecked: w.zeros(icvLen)
                default:
                    let mac = try Primitive.mac(integ.mode, key: ak, w.bytes)
                    w.append(mac.prefix(icvLen))
                }
            }
        } catch let e as IKECryptoError {
            throw e
        } catch {
            throw IKECryptoError("SA \(keys.saName): \(error)")
        }
        return w.bytes
    }
}
