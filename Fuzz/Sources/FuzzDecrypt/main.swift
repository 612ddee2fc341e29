// libFuzzer entry point: SK/SKF decryption and RFC 7383 reassembly with fixed keys.
//
// Input: byte 0 = mode, byte 1 = Message ID, byte 2 = Next Payload of SK/SKF, then data.
// Mode bit 0: AES-CBC-256 + HMAC-SHA2-256-128 (0) or AES-GCM-16 with a 256-bit key (1).
// Mode bit 1: SK (0) or SKF (1). Mode bit 2: I flag (initiator's keys) set.
// Mode bit 3: raw (0): the data, cut into chunks by length bytes, is the encrypted body of one
//   message per chunk after a valid header (ICV checks fail; the parse, split and ICV paths
//   run); sealed (1): the data is a list of inner payloads (type, length, body) that
//   IKEEncryptor encrypts for real, so decryption passes the ICV and reaches padding checks,
//   the inner chain and (for SKF) reassembly. A sealed message that fails to decrypt traps.
import FuzzSupport
import IKEv2
import IKEv2Crypto

let spiI: UInt64 = 0x0123_4567_89ab_cdef
let spiR: UInt64 = 0xfedc_ba98_7654_3210

func key(_ n: Int, _ fill: UInt8) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0) &+ fill } }

let cbcKeys: IKESAKeys? = try? IKESAKeys(
    initiatorSPI: spiI, responderSPI: spiR, encryption: .aesCBC256, integrity: .hmacSHA256_128,
    skEi: key(32, 1), skEr: key(32, 2), skAi: key(32, 3), skAr: key(32, 4))
let gcmKeys: IKESAKeys? = try? IKESAKeys(
    initiatorSPI: spiI, responderSPI: spiR, encryption: .aesGCM(bits: 256, tag: 16), integrity: .none,
    skEi: key(36, 5), skEr: key(36, 6))

/// Splits `data` into chunks: each chunk is [length byte][length bytes] (the last may be short).
func chunks(_ data: ArraySlice<UInt8>, max: Int) -> [[UInt8]] {
    var out: [[UInt8]] = []
    var i = data.startIndex
    while i < data.endIndex && out.count < max {
        let n = Int(data[i])
        let start = i + 1
        let end = Swift.min(start + n, data.endIndex)
        out.append(Array(data[Swift.min(start, end)..<end]))
        i = end
    }
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecrypt(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    guard input.count >= 3, let cbc = cbcKeys, let gcm = gcmKeys else { return 0 }
    let mode = input[0]
    let keys = mode & 1 == 0 ? cbc : gcm
    let skf = mode & 2 != 0
    let initiator = mode & 4 != 0
    let sealed = mode & 8 != 0
    var header = IKEHeader(initiatorSPI: spiI, responderSPI: spiR, exchangeType: .ikeAuth,
                           flags: initiator ? IKEHeader.initiatorFlag : IKEHeader.responseFlag,
                           messageID: UInt32(input[1]))
    let rest = input[3...]
    var messages: [[UInt8]] = []
    if sealed {
        var inner: [IKEPayload] = []
        for c in chunks(rest, max: 16) {
            guard let t = c.first else { continue }
            inner.append(IKEPayload(type: PayloadType(rawValue: t), body: .unknown(OpaquePayload(data: Array(c.dropFirst())))))
        }
        let iv: IKEEncryptor.IVGenerator = { n in (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7) } }
        do {
            if skf {
                messages = try IKEEncryptor.encryptFragments(header: header, innerPayloads: inner, keys: keys,
                                                             maxChunk: 1 + Int(input[2] % 64), ivGenerator: iv)
            } else {
                messages = [try IKEEncryptor.encrypt(header: header, innerPayloads: inner, keys: keys, ivGenerator: iv)]
            }
        } catch {
            return 0
        }
    } else {
        header.nextPayload = skf ? .encryptedFragment : .encrypted
        for body in chunks(rest, max: 8) {
            var w = ByteWriter()
            var h = header
            h.length = UInt32(IKEHeader.size + 4 + body.count)
            h.write(to: &w)
            w.u8(input[2])
            w.u8(0)
            w.u16(UInt16(truncatingIfNeeded: 4 + body.count))
            w.append(body)
            messages.append(w.bytes)
        }
    }
    var reassembler = FragmentReassembler()
    for m in messages {
        guard let view = try? IKEMessageView(parsing: m.span.bytes) else { continue }
        let result = IKEDecryptor.decrypt(message: view, keys: keys)
        if sealed && !result.isDecrypted {
            fatalError("a message sealed with the fixed keys did not decrypt: \(result.findings)")
        }
        _ = IKEDecryptor.innerChainFindings(result.plaintext, first: result.firstInnerType)
        let event = reassembler.add(view, keys: keys)
        if let whole = event.message {
            _ = IKEDecryptor.innerChainFindings(whole.plaintext, first: whole.firstInnerType)
        }
    }
    return 0
}
