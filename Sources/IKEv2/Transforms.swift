// Transform registries used by the SA payload (RFC 7296 §3.3.2, §3.3.5; IANA "IKEv2 Parameters":
// Transform Types, Transform Type 1-5 Transform IDs, Transform Attribute Types). Each is an open
// RawRepresentable struct: unassigned and private-use values are representable and round-trip.

/// IKEv2 Transform Types (RFC 7296 §3.3.2; RFC 9370 renamed 4 and added 6-12).
public struct TransformType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// ENCR (1).
    public static let encryption = TransformType(rawValue: 1)
    /// PRF (2).
    public static let prf = TransformType(rawValue: 2)
    /// INTEG (3).
    public static let integrity = TransformType(rawValue: 3)
    /// KE (4), formerly D-H group (RFC 9370 §2.2).
    public static let keyExchange = TransformType(rawValue: 4)
    /// SN (5), formerly ESN.
    public static let sequenceNumbers = TransformType(rawValue: 5)
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
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let desIV64 = Self(rawValue: 1)
    public static let des = Self(rawValue: 2)
    public static let tripleDES = Self(rawValue: 3)
    public static let rc5 = Self(rawValue: 4)
    public static let idea = Self(rawValue: 5)
    public static let cast = Self(rawValue: 6)
    public static let blowfish = Self(rawValue: 7)
    public static let tripleIDEA = Self(rawValue: 8)
    public static let desIV32 = Self(rawValue: 9)
    public static let null = Self(rawValue: 11)
    public static let aesCBC = Self(rawValue: 12)
    public static let aesCTR = Self(rawValue: 13)
    public static let aesCCM8 = Self(rawValue: 14)
    public static let aesCCM12 = Self(rawValue: 15)
    public static let aesCCM16 = Self(rawValue: 16)
    public static let aesGCM8 = Self(rawValue: 18)
    public static let aesGCM12 = Self(rawValue: 19)
    public static let aesGCM16 = Self(rawValue: 20)
    public static let nullAuthAESGMAC = Self(rawValue: 21)
    public static let camelliaCBC = Self(rawValue: 23)
    public static let camelliaCTR = Self(rawValue: 24)
    public static let camelliaCCM8 = Self(rawValue: 25)
    public static let camelliaCCM12 = Self(rawValue: 26)
    public static let camelliaCCM16 = Self(rawValue: 27)
    public static let chacha20Poly1305 = Self(rawValue: 28)
    public static let aesCCM8IIV = Self(rawValue: 29)
    public static let aesGCM16IIV = Self(rawValue: 30)
    public static let chacha20Poly1305IIV = Self(rawValue: 31)
    public static let kuznyechikMGMKtree = Self(rawValue: 32)
    public static let magmaMGMKtree = Self(rawValue: 33)
    public static let kuznyechikMGMMACKtree = Self(rawValue: 34)
    public static let magmaMGMMACKtree = Self(rawValue: 35)

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
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let hmacMD5 = Self(rawValue: 1)
    public static let hmacSHA1 = Self(rawValue: 2)
    public static let hmacTiger = Self(rawValue: 3)
    public static let aes128XCBC = Self(rawValue: 4)
    public static let hmacSHA2_256 = Self(rawValue: 5)
    public static let hmacSHA2_384 = Self(rawValue: 6)
    public static let hmacSHA2_512 = Self(rawValue: 7)
    public static let aes128CMAC = Self(rawValue: 8)
    public static let hmacStreebog512 = Self(rawValue: 9)

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
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let none = Self(rawValue: 0)
    public static let hmacMD5_96 = Self(rawValue: 1)
    public static let hmacSHA1_96 = Self(rawValue: 2)
    public static let desMAC = Self(rawValue: 3)
    public static let kpdkMD5 = Self(rawValue: 4)
    public static let aesXCBC96 = Self(rawValue: 5)
    public static let hmacMD5_128 = Self(rawValue: 6)
    public static let hmacSHA1_160 = Self(rawValue: 7)
    public static let aesCMAC96 = Self(rawValue: 8)
    public static let aes128GMAC = Self(rawValue: 9)
    public static let aes192GMAC = Self(rawValue: 10)
    public static let aes256GMAC = Self(rawValue: 11)
    public static let hmacSHA2_256_128 = Self(rawValue: 12)
    public static let hmacSHA2_384_192 = Self(rawValue: 13)
    public static let hmacSHA2_512_256 = Self(rawValue: 14)

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
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let none = Self(rawValue: 0)
    public static let modp768 = Self(rawValue: 1)
    public static let modp1024 = Self(rawValue: 2)
    public static let modp1536 = Self(rawValue: 5)
    public static let modp2048 = Self(rawValue: 14)
    public static let modp3072 = Self(rawValue: 15)
    public static let modp4096 = Self(rawValue: 16)
    public static let modp6144 = Self(rawValue: 17)
    public static let modp8192 = Self(rawValue: 18)
    public static let ecp256 = Self(rawValue: 19)
    public static let ecp384 = Self(rawValue: 20)
    public static let ecp521 = Self(rawValue: 21)
    public static let modp1024s160 = Self(rawValue: 22)
    public static let modp2048s224 = Self(rawValue: 23)
    public static let modp2048s256 = Self(rawValue: 24)
    public static let ecp192 = Self(rawValue: 25)
    public static let ecp224 = Self(rawValue: 26)
    public static let brainpoolP224r1 = Self(rawValue: 27)
    public static let brainpoolP256r1 = Self(rawValue: 28)
    public static let brainpoolP384r1 = Self(rawValue: 29)
    public static let brainpoolP512r1 = Self(rawValue: 30)
    public static let curve25519 = Self(rawValue: 31)
    public static let curve448 = Self(rawValue: 32)
    public static let gost3410_2012_256 = Self(rawValue: 33)
    public static let gost3410_2012_512 = Self(rawValue: 34)
    public static let mlkem512 = Self(rawValue: 35)
    public static let mlkem768 = Self(rawValue: 36)
    public static let mlkem1024 = Self(rawValue: 37)

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
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let noESN = Self(rawValue: 0)
    public static let esn = Self(rawValue: 1)

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
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// Key Length in bits (TV format).
    public static let keyLength = Self(rawValue: 14)

    public var name: String? {
        switch rawValue {
        case 14: "Key Length"
        case 16384...32767: "Private use \(rawValue)"
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}
