// Transform registries used by the SA payload (RFC 7296 §3.3.2, §3.3.5; IANA "IKEv2 Parameters":
// Transform Types, Transform Type 1-5 Transform IDs, Transform Attribute Types). Each is an open
// RawRepresentable struct: unassigned and private-use values are representable and round-trip.

/// IKEv2 Transform Types (RFC 7296 §3.3.2; RFC 9370 renamed 4 and added 6-12).
public struct TransformType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }

    /// ENCR (1).
    @inlinable public static var encryption: TransformType { TransformType(rawValue: 1) }
    /// PRF (2).
    @inlinable public static var prf: TransformType { TransformType(rawValue: 2) }
    /// INTEG (3).
    @inlinable public static var integrity: TransformType { TransformType(rawValue: 3) }
    /// KE (4), formerly D-H group (RFC 9370 §2.2).
    @inlinable public static var keyExchange: TransformType { TransformType(rawValue: 4) }
    /// SN (5), formerly ESN.
    @inlinable public static var sequenceNumbers: TransformType { TransformType(rawValue: 5) }
    /// ADDKE1..ADDKE7 (6-12), RFC 9370 §2.2.
    public static func additionalKeyExchange(_ n: Int) -> TransformType {
        TransformType(rawValue: UInt8(clamping: 5 + max(1, min(7, n))))
    }

    /// The short notation used in proposals and logs (`ENCR`, `PRF`, `INTEG`, `KE`, `ESN`, `ADDKE1`...).
    public var notation: String {
        switch rawValue {
        case 1: "ENCR"
        case 2: "PRF"
        case 3: "INTEG"
        case 4: "KE"
        case 5: "ESN"
        case 6...12: "ADDKE\(rawValue - 5)"
        case 13: "KWA"
        case 14: "GCAUTH"
        default: "TYPE\(rawValue)"
        }
    }

    /// The IANA name, or nil when unassigned.
    public var name: String? {
        switch rawValue {
        case 1: "Encryption Algorithm (ENCR)"
        case 2: "Pseudorandom Function (PRF)"
        case 3: "Integrity Algorithm (INTEG)"
        case 4: "Key Exchange Method (KE)"
        case 5: "Sequence Numbers (SN)"
        case 6...12: "Additional Key Exchange \(rawValue - 5) (ADDKE\(rawValue - 5))"
        case 13: "Key Wrap Algorithm (KWA)"
        case 14: "Group Controller Authentication Method (GCAUTH)"
        case 241...255: "Private use \(rawValue)"
        default: nil
        }
    }

    public var description: String { name ?? "Unknown(\(rawValue))" }

    /// The name of transform ID `id` in this type's registry (nil when unassigned or when this
    /// type has no registry here).
    public func idName(_ id: UInt16) -> String? {
        switch rawValue {
        case 1: EncryptionAlgorithm(rawValue: id).name
        case 2: PRFAlgorithm(rawValue: id).name
        case 3: IntegrityAlgorithm(rawValue: id).name
        case 4, 6...12: KeyExchangeMethod(rawValue: id).name
        case 5: SequenceNumbersType(rawValue: id).name
        default: nil
        }
    }
}

/// Transform Type 1 (ENCR) IDs (RFC 7296 §3.3.2; RFC 5282, 7634, 8750, 9227).
public struct EncryptionAlgorithm: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }

    @inlinable public static var desIV64: Self { Self(rawValue: 1) }
    @inlinable public static var des: Self { Self(rawValue: 2) }
    @inlinable public static var tripleDES: Self { Self(rawValue: 3) }
    @inlinable public static var rc5: Self { Self(rawValue: 4) }
    @inlinable public static var idea: Self { Self(rawValue: 5) }
    @inlinable public static var cast: Self { Self(rawValue: 6) }
    @inlinable public static var blowfish: Self { Self(rawValue: 7) }
    @inlinable public static var tripleIDEA: Self { Self(rawValue: 8) }
    @inlinable public static var desIV32: Self { Self(rawValue: 9) }
    @inlinable public static var null: Self { Self(rawValue: 11) }
    @inlinable public static var aesCBC: Self { Self(rawValue: 12) }
    @inlinable public static var aesCTR: Self { Self(rawValue: 13) }
    @inlinable public static var aesCCM8: Self { Self(rawValue: 14) }
    @inlinable public static var aesCCM12: Self { Self(rawValue: 15) }
    @inlinable public static var aesCCM16: Self { Self(rawValue: 16) }
    @inlinable public static var aesGCM8: Self { Self(rawValue: 18) }
    @inlinable public static var aesGCM12: Self { Self(rawValue: 19) }
    @inlinable public static var aesGCM16: Self { Self(rawValue: 20) }
    @inlinable public static var nullAuthAESGMAC: Self { Self(rawValue: 21) }
    @inlinable public static var camelliaCBC: Self { Self(rawValue: 23) }
    @inlinable public static var camelliaCTR: Self { Self(rawValue: 24) }
    @inlinable public static var camelliaCCM8: Self { Self(rawValue: 25) }
    @inlinable public static var camelliaCCM12: Self { Self(rawValue: 26) }
    @inlinable public static var camelliaCCM16: Self { Self(rawValue: 27) }
    @inlinable public static var chacha20Poly1305: Self { Self(rawValue: 28) }
    @inlinable public static var aesCCM8IIV: Self { Self(rawValue: 29) }
    @inlinable public static var aesGCM16IIV: Self { Self(rawValue: 30) }
    @inlinable public static var chacha20Poly1305IIV: Self { Self(rawValue: 31) }
    @inlinable public static var kuznyechikMGMKtree: Self { Self(rawValue: 32) }
    @inlinable public static var magmaMGMKtree: Self { Self(rawValue: 33) }
    @inlinable public static var kuznyechikMGMMACKtree: Self { Self(rawValue: 34) }
    @inlinable public static var magmaMGMMACKtree: Self { Self(rawValue: 35) }

    /// AEAD ciphers (no separate INTEG transform, RFC 5282 §8).
    public var isAEAD: Bool {
        [14, 15, 16, 18, 19, 20, 21, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35].contains(rawValue)
    }

    public var name: String? {
        switch rawValue {
        case 1: "ENCR_DES_IV64"
        case 2: "ENCR_DES"
        case 3: "ENCR_3DES"
        case 4: "ENCR_RC5"
        case 5: "ENCR_IDEA"
        case 6: "ENCR_CAST"
        case 7: "ENCR_BLOWFISH"
        case 8: "ENCR_3IDEA"
        case 9: "ENCR_DES_IV32"
        case 11: "ENCR_NULL"
        case 12: "ENCR_AES_CBC"
        case 13: "ENCR_AES_CTR"
        case 14: "ENCR_AES_CCM_8"
        case 15: "ENCR_AES_CCM_12"
        case 16: "ENCR_AES_CCM_16"
        case 18: "ENCR_AES_GCM_8"
        case 19: "ENCR_AES_GCM_12"
        case 20: "ENCR_AES_GCM_16"
        case 21: "ENCR_NULL_AUTH_AES_GMAC"
        case 23: "ENCR_CAMELLIA_CBC"
        case 24: "ENCR_CAMELLIA_CTR"
        case 25: "ENCR_CAMELLIA_CCM_8"
        case 26: "ENCR_CAMELLIA_CCM_12"
        case 27: "ENCR_CAMELLIA_CCM_16"
        case 28: "ENCR_CHACHA20_POLY1305"
        case 29: "ENCR_AES_CCM_8_IIV"
        case 30: "ENCR_AES_GCM_16_IIV"
        case 31: "ENCR_CHACHA20_POLY1305_IIV"
        case 32: "ENCR_KUZNYECHIK_MGM_KTREE"
        case 33: "ENCR_MAGMA_MGM_KTREE"
        case 34: "ENCR_KUZNYECHIK_MGM_MAC_KTREE"
        case 35: "ENCR_MAGMA_MGM_MAC_KTREE"
        case 1024...: "Private use \(rawValue)"
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}

/// Transform Type 2 (PRF) IDs (RFC 7296 §3.3.2; RFC 4615, 4868, 9385).
public struct PRFAlgorithm: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }

    @inlinable public static var hmacMD5: Self { Self(rawValue: 1) }
    @inlinable public static var hmacSHA1: Self { Self(rawValue: 2) }
    @inlinable public static var hmacTiger: Self { Self(rawValue: 3) }
    @inlinable public static var aes128XCBC: Self { Self(rawValue: 4) }
    @inlinable public static var hmacSHA2_256: Self { Self(rawValue: 5) }
    @inlinable public static var hmacSHA2_384: Self { Self(rawValue: 6) }
    @inlinable public static var hmacSHA2_512: Self { Self(rawValue: 7) }
    @inlinable public static var aes128CMAC: Self { Self(rawValue: 8) }
    @inlinable public static var hmacStreebog512: Self { Self(rawValue: 9) }

    public var name: String? {
        switch rawValue {
        case 1: "PRF_HMAC_MD5"
        case 2: "PRF_HMAC_SHA1"
        case 3: "PRF_HMAC_TIGER"
        case 4: "PRF_AES128_XCBC"
        case 5: "PRF_HMAC_SHA2_256"
        case 6: "PRF_HMAC_SHA2_384"
        case 7: "PRF_HMAC_SHA2_512"
        case 8: "PRF_AES128_CMAC"
        case 9: "PRF_HMAC_STREEBOG_512"
        case 1024...: "Private use \(rawValue)"
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}

/// Transform Type 3 (INTEG) IDs (RFC 7296 §3.3.2; RFC 4494, 4543, 4868).
public struct IntegrityAlgorithm: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }

    @inlinable public static var none: Self { Self(rawValue: 0) }
    @inlinable public static var hmacMD5_96: Self { Self(rawValue: 1) }
    @inlinable public static var hmacSHA1_96: Self { Self(rawValue: 2) }
    @inlinable public static var desMAC: Self { Self(rawValue: 3) }
    @inlinable public static var kpdkMD5: Self { Self(rawValue: 4) }
    @inlinable public static var aesXCBC96: Self { Self(rawValue: 5) }
    @inlinable public static var hmacMD5_128: Self { Self(rawValue: 6) }
    @inlinable public static var hmacSHA1_160: Self { Self(rawValue: 7) }
    @inlinable public static var aesCMAC96: Self { Self(rawValue: 8) }
    @inlinable public static var aes128GMAC: Self { Self(rawValue: 9) }
    @inlinable public static var aes192GMAC: Self { Self(rawValue: 10) }
    @inlinable public static var aes256GMAC: Self { Self(rawValue: 11) }
    @inlinable public static var hmacSHA2_256_128: Self { Self(rawValue: 12) }
    @inlinable public static var hmacSHA2_384_192: Self { Self(rawValue: 13) }
    @inlinable public static var hmacSHA2_512_256: Self { Self(rawValue: 14) }

    public var name: String? {
        switch rawValue {
        case 0: "NONE"
        case 1: "AUTH_HMAC_MD5_96"
        case 2: "AUTH_HMAC_SHA1_96"
        case 3: "AUTH_DES_MAC"
        case 4: "AUTH_KPDK_MD5"
        case 5: "AUTH_AES_XCBC_96"
        case 6: "AUTH_HMAC_MD5_128"
        case 7: "AUTH_HMAC_SHA1_160"
        case 8: "AUTH_AES_CMAC_96"
        case 9: "AUTH_AES_128_GMAC"
        case 10: "AUTH_AES_192_GMAC"
        case 11: "AUTH_AES_256_GMAC"
        case 12: "AUTH_HMAC_SHA2_256_128"
        case 13: "AUTH_HMAC_SHA2_384_192"
        case 14: "AUTH_HMAC_SHA2_512_256"
        case 1024...: "Private use \(rawValue)"
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}

/// Transform Type 4 (KE, formerly D-H group) and ADDKE1-7 IDs (RFC 7296 §3.3.2; RFC 3526, 5114,
/// 5903, 6954, 8031, 9385; ML-KEM 35-37 are early IANA allocations). Also the KE payload's group.
public struct KeyExchangeMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }

    @inlinable public static var none: Self { Self(rawValue: 0) }
    @inlinable public static var modp768: Self { Self(rawValue: 1) }
    @inlinable public static var modp1024: Self { Self(rawValue: 2) }
    @inlinable public static var modp1536: Self { Self(rawValue: 5) }
    @inlinable public static var modp2048: Self { Self(rawValue: 14) }
    @inlinable public static var modp3072: Self { Self(rawValue: 15) }
    @inlinable public static var modp4096: Self { Self(rawValue: 16) }
    @inlinable public static var modp6144: Self { Self(rawValue: 17) }
    @inlinable public static var modp8192: Self { Self(rawValue: 18) }
    @inlinable public static var ecp256: Self { Self(rawValue: 19) }
    @inlinable public static var ecp384: Self { Self(rawValue: 20) }
    @inlinable public static var ecp521: Self { Self(rawValue: 21) }
    @inlinable public static var modp1024s160: Self { Self(rawValue: 22) }
    @inlinable public static var modp2048s224: Self { Self(rawValue: 23) }
    @inlinable public static var modp2048s256: Self { Self(rawValue: 24) }
    @inlinable public static var ecp192: Self { Self(rawValue: 25) }
    @inlinable public static var ecp224: Self { Self(rawValue: 26) }
    @inlinable public static var brainpoolP224r1: Self { Self(rawValue: 27) }
    @inlinable public static var brainpoolP256r1: Self { Self(rawValue: 28) }
    @inlinable public static var brainpoolP384r1: Self { Self(rawValue: 29) }
    @inlinable public static var brainpoolP512r1: Self { Self(rawValue: 30) }
    @inlinable public static var curve25519: Self { Self(rawValue: 31) }
    @inlinable public static var curve448: Self { Self(rawValue: 32) }
    @inlinable public static var gost3410_2012_256: Self { Self(rawValue: 33) }
    @inlinable public static var gost3410_2012_512: Self { Self(rawValue: 34) }
    @inlinable public static var mlkem512: Self { Self(rawValue: 35) }
    @inlinable public static var mlkem768: Self { Self(rawValue: 36) }
    @inlinable public static var mlkem1024: Self { Self(rawValue: 37) }

    public var name: String? {
        switch rawValue {
        case 0: "NONE"
        case 1: "768-bit MODP Group"
        case 2: "1024-bit MODP Group"
        case 5: "1536-bit MODP Group"
        case 14: "2048-bit MODP Group"
        case 15: "3072-bit MODP Group"
        case 16: "4096-bit MODP Group"
        case 17: "6144-bit MODP Group"
        case 18: "8192-bit MODP Group"
        case 19: "256-bit random ECP group"
        case 20: "384-bit random ECP group"
        case 21: "521-bit random ECP group"
        case 22: "1024-bit MODP Group with 160-bit Prime Order Subgroup"
        case 23: "2048-bit MODP Group with 224-bit Prime Order Subgroup"
        case 24: "2048-bit MODP Group with 256-bit Prime Order Subgroup"
        case 25: "192-bit Random ECP Group"
        case 26: "224-bit Random ECP Group"
        case 27: "brainpoolP224r1"
        case 28: "brainpoolP256r1"
        case 29: "brainpoolP384r1"
        case 30: "brainpoolP512r1"
        case 31: "Curve25519"
        case 32: "Curve448"
        case 33: "GOST3410_2012_256"
        case 34: "GOST3410_2012_512"
        case 35: "ml-kem-512"
        case 36: "ml-kem-768"
        case 37: "ml-kem-1024"
        case 1024...: "Private use \(rawValue)"
        default: nil
        }
    }

    /// The fixed Key Exchange Data length in octets for groups where it is fixed (MODP: the
    /// modulus; ECP: x‖y; Curve25519/448: the u-coordinate), else nil.
    public var keyExchangeDataLength: Int? {
        switch rawValue {
        case 1: 96
        case 2, 22: 128
        case 5: 192
        case 14, 23, 24: 256
        case 15: 384
        case 16: 512
        case 17: 768
        case 18: 1024
        case 19, 28: 64
        case 20, 29: 96
        case 21: 132
        case 25: 48
        case 26, 27: 56
        case 30: 128
        case 31: 32
        case 32: 56
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}

/// Transform Type 5 IDs: Extended Sequence Numbers / Sequence Numbers (RFC 7296 §3.3.2).
public struct SequenceNumbersType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }
    @inlinable public static var noESN: Self { Self(rawValue: 0) }
    @inlinable public static var esn: Self { Self(rawValue: 1) }

    public var name: String? {
        switch rawValue {
        case 0: "No Extended Sequence Numbers"
        case 1: "Extended Sequence Numbers"
        case 2: "32-bit Unspecified Numbers"
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}

/// Transform Attribute Types (RFC 7296 §3.3.5): 15 bits; only Key Length (14) is defined.
public struct TransformAttributeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 15-bit type (the AF bit is not part of it).
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }
    /// Key Length in bits (TV format).
    @inlinable public static var keyLength: Self { Self(rawValue: 14) }

    public var name: String? {
        switch rawValue {
        case 14: "Key Length"
        case 16384...32767: "Private use \(rawValue)"
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}
