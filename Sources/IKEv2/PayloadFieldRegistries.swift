// Registries used inside payload bodies (IANA "IKEv2 Parameters"). Open RawRepresentable
// structs: unassigned and private-use values are representable and round-trip.

/// IKEv2 Identification Payload ID Types (RFC 7296 §3.5; RFC 4595; RFC 7619).
public struct IDType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let ipv4Address = IDType(rawValue: 1)
    public static let fqdn = IDType(rawValue: 2)
    public static let rfc822Address = IDType(rawValue: 3)
    public static let ipv6Address = IDType(rawValue: 5)
    public static let derASN1DN = IDType(rawValue: 9)
    public static let derASN1GN = IDType(rawValue: 10)
    public static let keyID = IDType(rawValue: 11)
    public static let fcName = IDType(rawValue: 12)
    public static let null = IDType(rawValue: 13)
    public var name: String? {
        switch rawValue {
        case 1: "ID_IPV4_ADDR"
        case 2: "ID_FQDN"
        case 3: "ID_RFC822_ADDR"
        case 5: "ID_IPV6_ADDR"
        case 9: "ID_DER_ASN1_DN"
        case 10: "ID_DER_ASN1_GN"
        case 11: "ID_KEY_ID"
        case 12: "ID_FC_NAME"
        case 13: "ID_NULL"
        case 201...255: "Private use \(rawValue)"
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}

/// IKEv2 Authentication Methods (RFC 7296 §3.8; RFC 4754, 6467, 7619, 7427).
public struct AuthMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let rsaDigitalSignature = AuthMethod(rawValue: 1)
    public static let sharedKeyMIC = AuthMethod(rawValue: 2)
    public static let dssDigitalSignature = AuthMethod(rawValue: 3)
    public static let ecdsaSHA256P256 = AuthMethod(rawValue: 9)
    public static let ecdsaSHA384P384 = AuthMethod(rawValue: 10)
    public static let ecdsaSHA512P521 = AuthMethod(rawValue: 11)
    public static let genericSecurePassword = AuthMethod(rawValue: 12)
    public static let null = AuthMethod(rawValue: 13)
    public static let digitalSignature = AuthMethod(rawValue: 14)
    public var name: String? {
        switch rawValue {
        case 1: "RSA Digital Signature"
        case 2: "Shared Key Message Integrity Code"
        case 3: "DSS Digital Signature"
        case 9: "ECDSA with SHA-256 on the P-256 curve"
        case 10: "ECDSA with SHA-384 on the P-384 curve"
        case 11: "ECDSA with SHA-512 on the P-521 curve"
        case 12: "Generic Secure Password Authentication Method"
        case 13: "NULL Authentication"
        case 14: "Digital Signature"
        case 201...255: "Private use \(rawValue)"
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}

/// IKEv2 Certificate Encodings (RFC 7296 §3.6; RFC 4806; RFC 7670).
public struct CertEncoding: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let pkcs7X509 = CertEncoding(rawValue: 1)
    public static let pgp = CertEncoding(rawValue: 2)
    public static let dnsSignedKey = CertEncoding(rawValue: 3)
    public static let x509Signature = CertEncoding(rawValue: 4)
    public static let kerberosToken = CertEncoding(rawValue: 6)
    public static let crl = CertEncoding(rawValue: 7)
    public static let arl = CertEncoding(rawValue: 8)
    public static let spki = CertEncoding(rawValue: 9)
    public static let x509Attribute = CertEncoding(rawValue: 10)
    public static let hashAndURLCertificate = CertEncoding(rawValue: 12)
    public static let hashAndURLBundle = CertEncoding(rawValue: 13)
    public static let ocspContent = CertEncoding(rawValue: 14)
    public static let rawPublicKey = CertEncoding(rawValue: 15)
    public var name: String? {
        switch rawValue {
        case 1: "PKCS #7 wrapped X.509 certificate"
        case 2: "PGP Certificate"
        case 3: "DNS Signed Key"
        case 4: "X.509 Certificate - Signature"
        case 6: "Kerberos Token"
        case 7: "Certificate Revocation List (CRL)"
        case 8: "Authority Revocation List (ARL)"
        case 9: "SPKI Certificate"
        case 10: "X.509 Certificate - Attribute"
        case 11: "Deprecated (was Raw RSA Key)"
        case 12: "Hash and URL of X.509 certificate"
        case 13: "Hash and URL of X.509 bundle"
        case 14: "OCSP Content"
        case 15: "Raw Public Key"
        case 201...255: "Private use \(rawValue)"
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}

/// IKEv2 Traffic Selector Types (RFC 7296 §3.13.1; RFC 4595; RFC 9478).
public struct TSType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let ipv4AddrRange = TSType(rawValue: 7)
    public static let ipv6AddrRange = TSType(rawValue: 8)
    public static let fcAddrRange = TSType(rawValue: 9)
    public static let securityLabel = TSType(rawValue: 10)
    public var name: String? {
        switch rawValue {
        case 7: "TS_IPV4_ADDR_RANGE"
        case 8: "TS_IPV6_ADDR_RANGE"
        case 9: "TS_FC_ADDR_RANGE"
        case 10: "TS_SECLABEL"
        case 241...255: "Private use \(rawValue)"
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}

/// IKEv2 Configuration Payload CFG Types (RFC 7296 §3.15).
public struct CPType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let request = CPType(rawValue: 1)
    public static let reply = CPType(rawValue: 2)
    public static let set = CPType(rawValue: 3)
    public static let ack = CPType(rawValue: 4)
    public var name: String? {
        switch rawValue {
        case 1: "CFG_REQUEST"
        case 2: "CFG_REPLY"
        case 3: "CFG_SET"
        case 4: "CFG_ACK"
        case 128...255: "Private use \(rawValue)"
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}

/// IKEv2 Configuration Payload Attribute Types (RFC 7296 §3.15.1; later RFCs and 3GPP per IANA).
public struct ConfigAttributeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 15-bit type (the R bit is not part of it).
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let internalIP4Address = Self(rawValue: 1)
    public static let internalIP4Netmask = Self(rawValue: 2)
    public static let internalIP4DNS = Self(rawValue: 3)
    public static let internalIP4NBNS = Self(rawValue: 4)
    public static let internalIP4DHCP = Self(rawValue: 6)
    public static let applicationVersion = Self(rawValue: 7)
    public static let internalIP6Address = Self(rawValue: 8)
    public static let internalIP6DNS = Self(rawValue: 10)
    public static let internalIP6DHCP = Self(rawValue: 12)
    public static let internalIP4Subnet = Self(rawValue: 13)
    public static let supportedAttributes = Self(rawValue: 14)
    public static let internalIP6Subnet = Self(rawValue: 15)
    public static let mip6HomePrefix = Self(rawValue: 16)
    public static let internalIP6Link = Self(rawValue: 17)
    public static let internalIP6Prefix = Self(rawValue: 18)
    public static let homeAgentAddress = Self(rawValue: 19)
    public static let pcscfIP4Address = Self(rawValue: 20)
    public static let pcscfIP6Address = Self(rawValue: 21)
    public static let fttKAT = Self(rawValue: 22)
    public static let externalSourceIP4NATInfo = Self(rawValue: 23)
    public static let timeoutPeriodForLivenessCheck = Self(rawValue: 24)
    public static let internalDNSDomain = Self(rawValue: 25)
    public static let internalDNSSECTA = Self(rawValue: 26)
    public static let encDNSIP4 = Self(rawValue: 27)
    public static let encDNSIP6 = Self(rawValue: 28)
    public static let encDNSDigestInfo = Self(rawValue: 29)

    public var name: String? {
        switch rawValue {
        case 1: "INTERNAL_IP4_ADDRESS"
        case 2: "INTERNAL_IP4_NETMASK"
        case 3: "INTERNAL_IP4_DNS"
        case 4: "INTERNAL_IP4_NBNS"
        case 6: "INTERNAL_IP4_DHCP"
        case 7: "APPLICATION_VERSION"
        case 8: "INTERNAL_IP6_ADDRESS"
        case 10: "INTERNAL_IP6_DNS"
        case 12: "INTERNAL_IP6_DHCP"
        case 13: "INTERNAL_IP4_SUBNET"
        case 14: "SUPPORTED_ATTRIBUTES"
        case 15: "INTERNAL_IP6_SUBNET"
        case 16: "MIP6_HOME_PREFIX"
        case 17: "INTERNAL_IP6_LINK"
        case 18: "INTERNAL_IP6_PREFIX"
        case 19: "HOME_AGENT_ADDRESS"
        case 20: "P_CSCF_IP4_ADDRESS"
        case 21: "P_CSCF_IP6_ADDRESS"
        case 22: "FTT_KAT"
        case 23: "EXTERNAL_SOURCE_IP4_NAT_INFO"
        case 24: "TIMEOUT_PERIOD_FOR_LIVENESS_CHECK"
        case 25: "INTERNAL_DNS_DOMAIN"
        case 26: "INTERNAL_DNSSEC_TA"
        case 27: "ENCDNS_IP4"
        case 28: "ENCDNS_IP6"
        case 29: "ENCDNS_DIGEST_INFO"
        case 16384...32767: "Private use \(rawValue)"
        default: nil
        }
    }

    /// The value lengths RFC 7296 §3.15.1 allows for types 1-15 (nil: no fixed rule here).
    /// Zero is always allowed (a request for the attribute).
    public func isValidLength(_ n: Int) -> Bool? {
        switch rawValue {
        case 1, 2, 3, 4, 6: n == 0 || n == 4
        case 8, 15: n == 0 || n == 17
        case 10, 12: n == 0 || n == 16
        case 13: n == 0 || n == 8
        case 14: n % 2 == 0
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}
