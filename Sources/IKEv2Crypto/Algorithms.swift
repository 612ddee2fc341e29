import IKEv2

// Encryption and integrity algorithms for the SK/SKF payloads, named as Wireshark names them in
// its `ikev2_decryption_table` (so key files round-trip through Wireshark's UAT).

/// An SK payload encryption algorithm (IANA "Transform Type 1", RFC 7296 §3.3.2) together with its
/// key size, in the form a key table row names it.
///
/// `keyLength` counts the whole SK_e key material: for counter-mode and AEAD ciphers that is the
/// AES key followed by the salt/nonce (RFC 5930 §2, RFC 5282 §7.1, RFC 7634 §2: 4 octets for
/// CTR, GCM and ChaCha20-Poly1305; 3 octets for CCM).
public struct SKEncryptionAlgorithm: Hashable, Sendable, CustomStringConvertible {
    /// The cipher family.
    public enum Mode: Hashable, Sendable {
        /// ENCR_NULL (RFC 2410): no confidentiality.
        case null
        /// ENCR_3DES (RFC 2451) in CBC mode.
        case tripleDESCBC
        /// ENCR_AES_CBC (RFC 3602).
        case aesCBC
        /// ENCR_AES_CTR (RFC 3686, RFC 5930).
        case aesCTR
        /// ENCR_AES_GCM_{8,12,16} (RFC 4106, RFC 5282).
        case aesGCM
        /// ENCR_AES_CCM_{8,12,16} (RFC 4309, RFC 5282).
        case aesCCM
        /// ENCR_CHACHA20_POLY1305 (RFC 7634).
        case chaCha20Poly1305
    }

    public var mode: Mode
    /// Cipher key size in bits (without salt): 128/192/256 for AES, 192 for 3DES, 256 for ChaCha20.
    public var keyBits: Int
    /// AEAD tag length in octets (8, 12 or 16); 0 for non-AEAD ciphers.
    public var tagLength: Int
    /// The name used in Wireshark's IKEv2 decryption table (`"AES-CBC-256 [RFC3602]"`).
    public var wiresharkName: String

    public init(mode: Mode, keyBits: Int, tagLength: Int = 0, wiresharkName: String) {
        self.mode = mode
        self.keyBits = keyBits
        self.tagLength = tagLength
        self.wiresharkName = wiresharkName
    }

    public var description: String { wiresharkName }

    /// Authenticated encryption (integrity comes from the cipher, RFC 5282 §2): the SA's integrity
    /// algorithm is NONE.
    public var isAEAD: Bool { mode == .aesGCM || mode == .aesCCM || mode == .chaCha20Poly1305 }

    /// Salt octets at the end of SK_e (RFC 5930 §2, RFC 5282 §7.1, RFC 7634 §2).
    public var saltLength: Int {
        switch mode {
        case .aesCTR, .aesGCM, .chaCha20Poly1305: return 4
        case .aesCCM: return 3
        case .null, .tripleDESCBC, .aesCBC: return 0
        }
    }

    /// SK_e length in octets: the cipher key then the salt.
    public var keyLength: Int { keyBits / 8 + saltLength }

    /// Length of the IV field in the SK payload: the block size for CBC (RFC 7296 §3.14), 8 for
    /// CTR (RFC 5930 §2), GCM/CCM (RFC 5282 §3.1) and ChaCha20-Poly1305 (RFC 7634 §3).
    public var ivLength: Int {
        switch mode {
        case .null: return 0
        case .tripleDESCBC: return 8
        case .aesCBC: return 16
        case .aesCTR, .aesGCM, .aesCCM, .chaCha20Poly1305: return 8
        }
    }

    /// The plaintext (payloads + padding + Pad Length) must be a multiple of this (RFC 7296 §3.14);
    /// 1 for stream and AEAD modes, which need no alignment.
    public var blockSize: Int {
        switch mode {
        case .tripleDESCBC: return 8
        case .aesCBC: return 16
        case .null, .aesCTR, .aesGCM, .aesCCM, .chaCha20Poly1305: return 1
        }
    }

    public static let null = SKEncryptionAlgorithm(mode: .null, keyBits: 0, wiresharkName: "NULL [RFC2410]")
    public static let tripleDES = SKEncryptionAlgorithm(mode: .tripleDESCBC, keyBits: 192, wiresharkName: "3DES [RFC2451]")
    public static let aesCBC128 = SKEncryptionAlgorithm(mode: .aesCBC, keyBits: 128, wiresharkName: "AES-CBC-128 [RFC3602]")
    public static let aesCBC192 = SKEncryptionAlgorithm(mode: .aesCBC, keyBits: 192, wiresharkName: "AES-CBC-192 [RFC3602]")
    public static let aesCBC256 = SKEncryptionAlgorithm(mode: .aesCBC, keyBits: 256, wiresharkName: "AES-CBC-256 [RFC3602]")
    public static let aesCTR128 = SKEncryptionAlgorithm(mode: .aesCTR, keyBits: 128, wiresharkName: "AES-CTR-128 [RFC5930]")
    public static let aesCTR192 = SKEncryptionAlgorithm(mode: .aesCTR, keyBits: 192, wiresharkName: "AES-CTR-192 [RFC5930]")
    public static let aesCTR256 = SKEncryptionAlgorithm(mode: .aesCTR, keyBits: 256, wiresharkName: "AES-CTR-256 [RFC5930]")
    /// ENCR_CHACHA20_POLY1305 (RFC 7634). Wireshark's table has no entry for it; this name is ours.
    public static let chaCha20Poly1305 = SKEncryptionAlgorithm(
        mode: .chaCha20Poly1305, keyBits: 256, tagLength: 16, wiresharkName: "ChaCha20-Poly1305 [RFC7634]")

    /// AES-GCM with a `tag`-octet ICV (8, 12 or 16) and a `bits` key.
    public static func aesGCM(bits: Int, tag: Int) -> SKEncryptionAlgorithm {
        SKEncryptionAlgorithm(mode: .aesGCM, keyBits: bits, tagLength: tag,
                            wiresharkName: "AES-GCM-\(bits) with \(tag) octet ICV [RFC5282]")
    }

    /// AES-CCM with a `tag`-octet ICV (8, 12 or 16) and a `bits` key.
    public static func aesCCM(bits: Int, tag: Int) -> SKEncryptionAlgorithm {
        SKEncryptionAlgorithm(mode: .aesCCM, keyBits: bits, tagLength: tag,
                            wiresharkName: "AES-CCM-\(bits) with \(tag) octet ICV [RFC5282]")
    }

    /// Every algorithm this module implements, Wireshark's names first.
    public static let all: [SKEncryptionAlgorithm] = {
        var out: [SKEncryptionAlgorithm] = [.null, .tripleDES, .aesCBC128, .aesCBC192, .aesCBC256,
                                          .aesCTR128, .aesCTR192, .aesCTR256]
        for tag in [8, 12, 16] { for bits in [128, 192, 256] { out.append(.aesGCM(bits: bits, tag: tag)) } }
        for tag in [8, 12, 16] { for bits in [128, 192, 256] { out.append(.aesCCM(bits: bits, tag: tag)) } }
        out.append(.chaCha20Poly1305)
        return out
    }()

    /// Looks an algorithm up by its Wireshark name (exact match).
    public init?(wiresharkName name: String) {
        guard let found = Self.all.first(where: { $0.wiresharkName == name }) else { return nil }
        self = found
    }

    /// Whether Wireshark's IKEv2 table knows this name (ChaCha20-Poly1305 is ours only).
    public var isKnownToWireshark: Bool { mode != .chaCha20Poly1305 }
}

/// An SK payload integrity algorithm (IANA "Transform Type 3", RFC 7296 §3.3.2), named as in
/// Wireshark's table.
public struct SKIntegrityAlgorithm: Hashable, Sendable, CustomStringConvertible {
    public enum Mode: Hashable, Sendable {
        /// AUTH_NONE: the ICV comes from an AEAD cipher (RFC 5282 §8) or there is none.
        case none
        case hmacMD5
        case hmacSHA1
        case hmacSHA256
        case hmacSHA384
        case hmacSHA512
        /// AUTH_AES_XCBC_96 (RFC 3566).
        case aesXCBC
        /// AUTH_AES_CMAC_96 (RFC 4494).
        case aesCMAC
        /// Wireshark's "ANY n-bits of Authentication [No Checking]": skip an ICV of `icvLength`
        /// octets without verifying it.
        case unchecked
    }

    public var mode: Mode
    /// SK_a length in octets (RFC 4868 §2.1.2: the full hash output for HMAC-SHA2; 16 for XCBC/CMAC).
    /// `nil` means any length is accepted (unchecked ICVs).
    public var keyLength: Int?
    /// ICV length in octets (the truncated MAC).
    public var icvLength: Int
    public var wiresharkName: String

    public init(mode: Mode, keyLength: Int?, icvLength: Int, wiresharkName: String) {
        self.mode = mode
        self.keyLength = keyLength
        self.icvLength = icvLength
        self.wiresharkName = wiresharkName
    }

    public var description: String { wiresharkName }

    public static let none = SKIntegrityAlgorithm(mode: .none, keyLength: 0, icvLength: 0, wiresharkName: "NONE [RFC4306]")
    /// AUTH_HMAC_MD5_96 (RFC 2403): legacy captures.
    public static let hmacMD5_96 = SKIntegrityAlgorithm(mode: .hmacMD5, keyLength: 16, icvLength: 12, wiresharkName: "HMAC_MD5_96 [RFC2403]")
    public static let hmacMD5_128 = SKIntegrityAlgorithm(mode: .hmacMD5, keyLength: 16, icvLength: 16, wiresharkName: "HMAC_MD5_128 [RFC4595]")
    /// AUTH_HMAC_SHA1_96 (RFC 2404).
    public static let hmacSHA1_96 = SKIntegrityAlgorithm(mode: .hmacSHA1, keyLength: 20, icvLength: 12, wiresharkName: "HMAC_SHA1_96 [RFC2404]")
    public static let hmacSHA1_160 = SKIntegrityAlgorithm(mode: .hmacSHA1, keyLength: 20, icvLength: 20, wiresharkName: "HMAC_SHA1_160 [RFC4595]")
    public static let hmacSHA256_96 = SKIntegrityAlgorithm(
        mode: .hmacSHA256, keyLength: 32, icvLength: 12,
        wiresharkName: "HMAC_SHA2_256_96 [draft-ietf-ipsec-ciph-sha-256-00]")
    /// AUTH_HMAC_SHA2_256_128 (RFC 4868).
    public static let hmacSHA256_128 = SKIntegrityAlgorithm(mode: .hmacSHA256, keyLength: 32, icvLength: 16, wiresharkName: "HMAC_SHA2_256_128 [RFC4868]")
    /// AUTH_HMAC_SHA2_384_192 (RFC 4868).
    public static let hmacSHA384_192 = SKIntegrityAlgorithm(mode: .hmacSHA384, keyLength: 48, icvLength: 24, wiresharkName: "HMAC_SHA2_384_192 [RFC4868]")
    /// AUTH_HMAC_SHA2_512_256 (RFC 4868).
    public static let hmacSHA512_256 = SKIntegrityAlgorithm(mode: .hmacSHA512, keyLength: 64, icvLength: 32, wiresharkName: "HMAC_SHA2_512_256 [RFC4868]")
    /// AUTH_AES_XCBC_96 (RFC 3566). Not in Wireshark's table; this name is ours.
    public static let aesXCBC96 = SKIntegrityAlgorithm(mode: .aesXCBC, keyLength: 16, icvLength: 12, wiresharkName: "AES-XCBC-96 [RFC3566]")
    /// AUTH_AES_CMAC_96 (RFC 4494). Not in Wireshark's table; this name is ours.
    public static let aesCMAC96 = SKIntegrityAlgorithm(mode: .aesCMAC, keyLength: 16, icvLength: 12, wiresharkName: "AES-CMAC-96 [RFC4494]")

    /// Wireshark's "ANY n-bits of Authentication [No Checking]" (n in 64, 96, 128, 160, 192, 256).
    public static func unchecked(bits: Int) -> SKIntegrityAlgorithm {
        SKIntegrityAlgorithm(mode: .unchecked, keyLength: nil, icvLength: bits / 8,
                           wiresharkName: "ANY \(bits)-bits of Authentication [No Checking]")
    }

    public static let all: [SKIntegrityAlgorithm] = [
        .none, .hmacMD5_96, .hmacMD5_128, .hmacSHA1_96, .hmacSHA1_160, .hmacSHA256_96, .hmacSHA256_128,
        .hmacSHA384_192, .hmacSHA512_256, .aesXCBC96, .aesCMAC96,
    ] + [64, 96, 128, 160, 192, 256].map { unchecked(bits: $0) }

    public init?(wiresharkName name: String) {
        guard let found = Self.all.first(where: { $0.wiresharkName == name }) else { return nil }
        self = found
    }

    public var isKnownToWireshark: Bool { mode != .aesXCBC && mode != .aesCMAC }
}

// MARK: Mapping from negotiated transforms (IANA IDs, RFC 7296 §3.3.2)

extension SKEncryptionAlgorithm {
    /// The IANA Transform Type 1 ID of this algorithm.
    public var transformID: EncryptionAlgorithm {
        switch mode {
        case .null: return .null
        case .tripleDESCBC: return .tripleDES
        case .aesCBC: return .aesCBC
        case .aesCTR: return .aesCTR
        case .aesGCM: return tagLength == 8 ? .aesGCM8 : tagLength == 12 ? .aesGCM12 : .aesGCM16
        case .aesCCM: return tagLength == 8 ? .aesCCM8 : tagLength == 12 ? .aesCCM12 : .aesCCM16
        case .chaCha20Poly1305: return .chacha20Poly1305
        }
    }

    /// The algorithm for a negotiated transform and its Key Length attribute (bits; `nil` for
    /// fixed-size ciphers). `nil` when this module does not implement it.
    public init?(transform: EncryptionAlgorithm, keyBits: Int?) {
        guard let found = Self.all.first(where: {
            $0.transformID == transform && (keyBits == nil ? ($0.mode == .tripleDESCBC || $0.mode == .chaCha20Poly1305 || $0.mode == .null) : $0.keyBits == keyBits)
        }) else { return nil }
        self = found
    }
}

extension SKIntegrityAlgorithm {
    /// The IANA Transform Type 3 ID (`nil` for Wireshark's unchecked placeholders).
    public var transformID: IntegrityAlgorithm? {
        switch (mode, icvLength) {
        case (.none, _): return IntegrityAlgorithm.none
        case (.hmacMD5, 12): return .hmacMD5_96
        case (.hmacMD5, _): return .hmacMD5_128
        case (.hmacSHA1, 12): return .hmacSHA1_96
        case (.hmacSHA1, _): return .hmacSHA1_160
        case (.hmacSHA256, 16): return .hmacSHA2_256_128
        case (.hmacSHA384, _): return .hmacSHA2_384_192
        case (.hmacSHA512, _): return .hmacSHA2_512_256
        case (.aesXCBC, _): return .aesXCBC96
        case (.aesCMAC, _): return .aesCMAC96
        default: return nil
        }
    }

    /// The algorithm for a negotiated integrity transform; `nil` when not implemented.
    public init?(transform: IntegrityAlgorithm) {
        guard let found = Self.all.first(where: { $0.transformID == transform }) else { return nil }
        self = found
    }
}
