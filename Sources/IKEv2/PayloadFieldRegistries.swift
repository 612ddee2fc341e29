// Registries used inside payload bodies (IANA "IKEv2 Parameters"). Open RawRepresentable
// structs: unassigned and private-use values are representable and round-trip.

/// IKEv2 Identification Payload ID Types (RFC 7296 §3.5; RFC 4595; RFC 7619).
public struct IDType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }
    @inlinable public static var ipv4Address: IDType { IDType(rawValue: 1) }
    @inlinable public static var fqdn: IDType { IDType(rawValue: 2) }
    @inlinable public static var rfc822Address: IDType { IDType(rawValue: 3) }
    @inlinable public static var ipv6Address: IDType { IDType(rawValue: 5) }
    @inlinable public static var derASN1DN: IDType { IDType(rawValue: 9) }
    @inlinable public static var derASN1GN: IDType { IDType(rawValue: 10) }
    @inlinable public static var keyID: IDType { IDType(rawValue: 11) }
    @inlinable public static var fcName: IDType { IDType(rawValue: 12) }
    @inlinable public static var null: IDType { IDType(rawValue: 13) }
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
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }
    @inlinable public static var rsaDigitalSignature: AuthMethod { AuthMethod(rawValue: 1) }
    @inlinable public static var sharedKeyMIC: AuthMethod { AuthMethod(rawValue: 2) }
    @inlinable public static var dssDigitalSignature: AuthMethod { AuthMethod(rawValue: 3) }
    @inlinable public static var ecdsaSHA256P256: AuthMethod { AuthMethod(rawValue: 9) }
    @inlinable public static var ecdsaSHA384P384: AuthMethod { AuthMethod(rawValue: 10) }
    @inlinable public static var ecdsaSHA512P521: AuthMethod { AuthMethod(rawValue: 11) }
    @inlinable public static var genericSecurePassword: AuthMethod { AuthMethod(rawValue: 12) }
    @inlinable public static var null: AuthMethod { AuthMethod(rawValue: 13) }
    @inlinable public static var digitalSignature: AuthMethod { AuthMethod(rawValue: 14) }
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
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }
    @inlinable public static var pkcs7X509: CertEncoding { CertEncoding(rawValue: 1) }
    @inlinable public static var pgp: CertEncoding { CertEncoding(rawValue: 2) }
    @inlinable public static var dnsSignedKey: CertEncoding { CertEncoding(rawValue: 3) }
    @inlinable public static var x509Signature: CertEncoding { CertEncoding(rawValue: 4) }
    @inlinable public static var kerberosToken: CertEncoding { CertEncoding(rawValue: 6) }
    @inlinable public static var crl: CertEncoding { CertEncoding(rawValue: 7) }
    @inlinable public static var arl: CertEncoding { CertEncoding(rawValue: 8) }
    @inlinable public static var spki: CertEncoding { CertEncoding(rawValue: 9) }
    @inlinable public static var x509Attribute: CertEncoding { CertEncoding(rawValue: 10) }
    @inlinable public static var hashAndURLCertificate: CertEncoding { CertEncoding(rawValue: 12) }
    @inlinable public static var hashAndURLBundle: CertEncoding { CertEncoding(rawValue: 13) }
    @inlinable public static var ocspContent: CertEncoding { CertEncoding(rawValue: 14) }
    @inlinable public static var rawPublicKey: CertEncoding { CertEncoding(rawValue: 15) }
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
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }
    @inlinable public static var ipv4AddrRange: TSType { TSType(rawValue: 7) }
    @inlinable public static var ipv6AddrRange: TSType { TSType(rawValue: 8) }
    @inlinable public static var fcAddrRange: TSType { TSType(rawValue: 9) }
    @inlinable public static var securityLabel: TSType { TSType(rawValue: 10) }
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
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }
    @inlinable public static var request: CPType { CPType(rawValue: 1) }
    @inlinable public static var reply: CPType { CPType(rawValue: 2) }
    @inlinable public static var set: CPType { CPType(rawValue: 3) }
    @inlinable public static var ack: CPType { CPType(rawValue: 4) }
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
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }
    @inlinable public static var internalIP4Address: Self { Self(rawValue: 1) }
    @inlinable public static var internalIP4Netmask: Self { Self(rawValue: 2) }
    @inlinable public static var internalIP4DNS: Self { Self(rawValue: 3) }
    @inlinable public static var internalIP4NBNS: Self { Self(rawValue: 4) }
    @inlinable public static var internalIP4DHCP: Self { Self(rawValue: 6) }
    @inlinable public static var applicationVersion: Self { Self(rawValue: 7) }
    @inlinable public static var internalIP6Address: Self { Self(rawValue: 8) }
    @inlinable public static var internalIP6DNS: Self { Self(rawValue: 10) }
    @inlinable public static var internalIP6DHCP: Self { Self(rawValue: 12) }
    @inlinable public static var internalIP4Subnet: Self { Self(rawValue: 13) }
    @inlinable public static var supportedAttributes: Self { Self(rawValue: 14) }
    @inlinable public static var internalIP6Subnet: Self { Self(rawValue: 15) }
    @inlinable public static var mip6HomePrefix: Self { Self(rawValue: 16) }
    @inlinable public static var internalIP6Link: Self { Self(rawValue: 17) }
    @inlinable public static var internalIP6Prefix: Self { Self(rawValue: 18) }
    @inlinable public static var homeAgentAddress: Self { Self(rawValue: 19) }
    @inlinable public static var pcscfIP4Address: Self { Self(rawValue: 20) }
    @inlinable public static var pcscfIP6Address: Self { Self(rawValue: 21) }
    @inlinable public static var fttKAT: Self { Self(rawValue: 22) }
    @inlinable public static var externalSourceIP4NATInfo: Self { Self(rawValue: 23) }
    @inlinable public static var timeoutPeriodForLivenessCheck: Self { Self(rawValue: 24) }
    @inlinable public static var internalDNSDomain: Self { Self(rawValue: 25) }
    @inlinable public static var internalDNSSECTA: Self { Self(rawValue: 26) }
    @inlinable public static var encDNSIP4: Self { Self(rawValue: 27) }
    @inlinable public static var encDNSIP6: Self { Self(rawValue: 28) }
    @inlinable public static var encDNSDigestInfo: Self { Self(rawValue: 29) }

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
