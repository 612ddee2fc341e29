// Cipher modes and MACs over owned byte arrays. AES comes from swift-crypto (`AES._CBC`,
// `AES._CTR`, `AES.GCM`, `AES.permute`, `AES.CMAC`), ChaCha20-Poly1305 and HMAC too; 3DES from the
// system's OpenSSL libcrypto. AES-CCM (RFC 3610) and AES-XCBC (RFC 3566) are composed here from
// the AES block function and CBC/CTR, since swift-crypto has neither.

import COpenSSL
import Crypto
import Foundation
import _CryptoExtras

/// Low-level building blocks. Callers validate key, IV and data lengths first; a failure here
/// means a library refused its input and is reported, never trapped.
enum Primitive {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// Compares two byte sequences in time independent of where they differ (lengths are public).
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    // MARK: AES block modes

    /// AES-CBC without padding (IKEv2 pads itself, RFC 7296 §3.14). `data.count` is a multiple of 16.
    static func aesCBC(encrypt: Bool, key: [UInt8], iv: [UInt8], _ data: [UInt8]) throws -> [UInt8] {
        guard data.count % 16 == 0 else { throw Failure("AES-CBC data of \(data.count) octets is not block aligned") }
        if data.isEmpty { return [] }
        let k = SymmetricKey(data: key)
        let v = try AES._CBC.IV(ivBytes: iv)
        let out = encrypt
            ? try AES._CBC.encrypt(data, using: k, iv: v, noPadding: true)
            : try AES._CBC.decrypt(data, using: k, iv: v, noPadding: true)
        return Array(out)
    }

    /// AES in counter mode from a full 16-octet initial counter block (the last 32 bits count).
    static func aesCTR(key: [UInt8], counterBlock: [UInt8], _ data: [UInt8]) throws -> [UInt8] {
        if data.isEmpty { return [] }
        let nonce = try AES._CTR.Nonce(nonceBytes: counterBlock)
        return Array(try AES._CTR.encrypt(data, using: SymmetricKey(data: key), nonce: nonce))
    }

    /// One AES block encryption.
    static func aesBlock(key: [UInt8], _ block: [UInt8]) throws -> [UInt8] {
        var b = block
        try AES.permute(&b, key: SymmetricKey(data: key))
        return b
    }

    /// The last block of AES-CBC with a zero IV: the CBC-MAC of block-aligned `data`.
    static func cbcMAC(key: [UInt8], _ data: [UInt8]) throws -> [UInt8] {
        let all = try aesCBC(encrypt: true, key: key, iv: [UInt8](repeating: 0, count: 16), data)
        return Array(all.suffix(16))
    }

    // MARK: AES-GCM (RFC 4106 / RFC 5282)

    /// Seals with a 12-octet nonce (salt | IV) and returns the ciphertext and the tag truncated to
    /// `tagLength`.
    static func gcmSeal(key: [UInt8], nonce: [UInt8], aad: [UInt8], _ plaintext: [UInt8], tagLength: Int) throws
        -> (ciphertext: [UInt8], tag: [UInt8])
    {
        let box = try AES.GCM.seal(plaintext, using: SymmetricKey(data: key),
                                   nonce: try AES.GCM.Nonce(data: nonce), authenticating: aad)
        return (Array(box.ciphertext), Array(box.tag.prefix(tagLength)))
    }

    /// Opens; `nil` when the tag does not verify. swift-crypto's GCM accepts only 16-octet tags,
    /// so shorter tags take the CTR route: decrypt with counter block `nonce | 00000002` (GCM's
    /// first data counter, NIST SP 800-38D §7.2), re-seal to recompute the full tag, and compare
    /// its prefix in constant time. The plaintext is released only on a match.
    static func gcmOpen(key: [UInt8], nonce: [UInt8], aad: [UInt8], _ ciphertext: [UInt8], tag: [UInt8]) throws
        -> [UInt8]?
    {
        if tag.count == 16 {
            do {
                let box = try AES.GCM.SealedBox(nonce: try AES.GCM.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
                return Array(try AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: aad))
            } catch is CryptoKitError {
                // Key and nonce sizes are checked by the caller, so a refusal here is the tag: on
                // Linux BoringSSL reports it as `underlyingCoreCryptoError`, not `authenticationFailure`.
                return nil
            }
        }
        let plaintext = try aesCTR(key: key, counterBlock: nonce + [0, 0, 0, 2], ciphertext)
        let resealed = try gcmSeal(key: key, nonce: nonce, aad: aad, plaintext, tagLength: tag.count)
        return constantTimeEqual(resealed.tag, tag) ? plaintext : nil
    }

    // MARK: AES-CCM (RFC 3610, NIST SP 800-38C; RFC 4309 for IPsec)

    /// CCM's B0 | encoded AAD | message, each zero-padded to the block size (RFC 3610 §2.2).
    private static func ccmAuthInput(nonce: [UInt8], aad: [UInt8], _ message: [UInt8], tagLength: Int) throws -> [UInt8] {
        let l = 15 - nonce.count
        var b: [UInt8] = []
        b.reserveCapacity(32 + aad.count + message.count)
        let flags = (aad.isEmpty ? 0 : 0x40) | UInt8(((tagLength - 2) / 2) << 3) | UInt8(l - 1)
        b.append(flags)
        b += nonce
        for i in stride(from: l - 1, through: 0, by: -1) {
            b.append(i >= 8 ? 0 : UInt8(truncatingIfNeeded: UInt64(message.count) >> UInt64(8 * i)))
        }
        if !aad.isEmpty {
            if aad.count < 0xff00 {
                b += [UInt8(aad.count >> 8), UInt8(aad.count & 0xff)]
            } else {
                b += [0xff, 0xfe]
                for s in [24, 16, 8, 0] { b.append(UInt8(truncatingIfNeeded: aad.count >> s)) }
            }
            b += aad
            b += [UInt8](repeating: 0, count: (16 - b.count % 16) % 16)
        }
        b += message
        b += [UInt8](repeating: 0, count: (16 - b.count % 16) % 16)
        return b
    }

    /// Counter block A_i = flags(L-1) | nonce | i (RFC 3610 §2.3).
    private static func ccmCounter(nonce: [UInt8], _ i: UInt8) -> [UInt8] {
        let l = 15 - nonce.count
        return [UInt8(l - 1)] + nonce + [UInt8](repeating: 0, count: l - 1) + [i]
    }

    private static func ccmCheck(nonce: [UInt8], tagLength: Int, count: Int) throws {
        guard (7...13).contains(nonce.count) else { throw Failure("CCM nonce of \(nonce.count) octets (7...13)") }
        guard [4, 6, 8, 10, 12, 14, 16].contains(tagLength) else { throw Failure("CCM tag length \(tagLength)") }
        let l = 15 - nonce.count
        if l < 8 && UInt64(count) >> UInt64(8 * l) != 0 { throw Failure("CCM message too long for L=\(l)") }
    }

    static func ccmSeal(key: [UInt8], nonce: [UInt8], aad: [UInt8], _ plaintext: [UInt8], tagLength: Int) throws
        -> (ciphertext: [UInt8], tag: [UInt8])
    {
        try ccmCheck(nonce: nonce, tagLength: tagLength, count: plaintext.count)
        let t = try cbcMAC(key: key, ccmAuthInput(nonce: nonce, aad: aad, plaintext, tagLength: tagLength))
        let s0 = try aesBlock(key: key, ccmCounter(nonce: nonce, 0))
        let ct = try aesCTR(key: key, counterBlock: ccmCounter(nonce: nonce, 1), plaintext)
        let tag = (0..<tagLength).map { t[$0] ^ s0[$0] }
        return (ct, tag)
    }

    /// `nil` when the tag does not verify.
    static func ccmOpen(key: [UInt8], nonce: [UInt8], aad: [UInt8], _ ciphertext: [UInt8], tag: [UInt8]) throws -> [UInt8]? {
        try ccmCheck(nonce: nonce, tagLength: tag.count, count: ciphertext.count)
        let pt = try aesCTR(key: key, counterBlock: ccmCounter(nonce: nonce, 1), ciphertext)
        let t = try cbcMAC(key: key, ccmAuthInput(nonce: nonce, aad: aad, pt, tagLength: tag.count))
        let s0 = try aesBlock(key: key, ccmCounter(nonce: nonce, 0))
        let expected = (0..<tag.count).map { t[$0] ^ s0[$0] }
        return constantTimeEqual(expected, tag) ? pt : nil
    }

    // MARK: ChaCha20-Poly1305 (RFC 8439, RFC 7634)

    static func chachaSeal(key: [UInt8], nonce: [UInt8], aad: [UInt8], _ plaintext: [UInt8]) throws
        -> (ciphertext: [UInt8], tag: [UInt8])
    {
        let box = try ChaChaPoly.seal(plaintext, using: SymmetricKey(data: key),
                                      nonce: try ChaChaPoly.Nonce(data: nonce), authenticating: aad)
        return (Array(box.ciphertext), Array(box.tag))
    }

    static func chachaOpen(key: [UInt8], nonce: [UInt8], aad: [UInt8], _ ciphertext: [UInt8], tag: [UInt8]) throws -> [UInt8]? {
        do {
            let box = try ChaChaPoly.SealedBox(nonce: try ChaChaPoly.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
            return Array(try ChaChaPoly.open(box, using: SymmetricKey(data: key), authenticating: aad))
        } catch is CryptoKitError {
            return nil  // sizes are checked by the caller; see gcmOpen
        }
    }

    // MARK: 3DES-CBC (RFC 2451) via OpenSSL

    static func tripleDESCBC(encrypt: Bool, key: [UInt8], iv: [UInt8], _ data: [UInt8]) throws -> [UInt8] {
        guard key.count == 24, iv.count == 8 else { throw Failure("3DES needs a 24-octet key and 8-octet IV") }
        guard data.count % 8 == 0, data.count < Int(Int32.max) - 16 else {
            throw Failure("3DES data of \(data.count) octets is not block aligned")
        }
        if data.isEmpty { return [] }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw Failure("EVP_CIPHER_CTX_new failed") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        guard EVP_CipherInit_ex(ctx, EVP_des_ede3_cbc(), nil, key, iv, encrypt ? 1 : 0) == 1 else {
            throw Failure("EVP_CipherInit_ex(des-ede3-cbc) failed")
        }
        EVP_CIPHER_CTX_set_padding(ctx, 0)
        var out = [UInt8](repeating: 0, count: data.count + 16)
        var n1: Int32 = 0
        var n2: Int32 = 0
        let ok = out.withUnsafeMutableBufferPointer { o -> Bool in
            guard let base = o.baseAddress else { return false }
            guard EVP_CipherUpdate(ctx, base, &n1, data, Int32(data.count)) == 1 else { return false }
            guard n1 >= 0, Int(n1) <= o.count else { return false }
            return EVP_CipherFinal_ex(ctx, base + Int(n1), &n2) == 1
        }
        guard ok, n1 >= 0, n2 >= 0, Int(n1) + Int(n2) == data.count else { throw Failure("3DES-CBC failed") }
        return Array(out.prefix(data.count))
    }

    // MARK: MACs

    /// The full-length MAC of `data` (the caller truncates to the ICV length).
    static func mac(_ mode: SKIntegrityAlgorithm.Mode, key: [UInt8], _ data: [UInt8]) throws -> [UInt8] {
        let k = SymmetricKey(data: key)
        switch mode {
        case .hmacMD5: return Array(HMAC<Insecure.MD5>.authenticationCode(for: data, using: k))
        case .hmacSHA1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: data, using: k))
        case .hmacSHA256: return Array(HMAC<SHA256>.authenticationCode(for: data, using: k))
        case .hmacSHA384: return Array(HMAC<SHA384>.authenticationCode(for: data, using: k))
        case .hmacSHA512: return Array(HMAC<SHA512>.authenticationCode(for: data, using: k))
        case .aesXCBC: return try xcbcMAC(key: key, data)
        case .aesCMAC:
            var m = try AES.CMAC(key: k)
            m.update(data: data)
            return Array(m.finalize())
        case .none, .unchecked: return []
        }
    }

    /// AES-XCBC-MAC (RFC 3566 §4): K1/K2/K3 derived with the key, CBC-MAC under K1 with the last
    /// block XORed with K2 (complete) or padded with 10* and XORed with K3.
    static func xcbcMAC(key: [UInt8], _ data: [UInt8]) throws -> [UInt8] {
        guard key.count == 16 else { throw Failure("AES-XCBC needs a 16-octet key, got \(key.count)") }
        let k1 = try aesBlock(key: key, [UInt8](repeating: 1, count: 16))
        let k2 = try aesBlock(key: key, [UInt8](repeating: 2, count: 16))
        let k3 = try aesBlock(key: key, [UInt8](repeating: 3, count: 16))
        var m = data
        let last: [UInt8]
        if !m.isEmpty && m.count % 16 == 0 {
            last = k2
        } else {
            m.append(0x80)
            m += [UInt8](repeating: 0, count: (16 - m.count % 16) % 16)
            last = k3
        }
        let start = m.count - 16
        for i in 0..<16 { m[start + i] ^= last[i] }
        return try cbcMAC(key: k1, m)
    }
}
