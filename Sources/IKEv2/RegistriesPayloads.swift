// Registries used inside payload bodies (IANA "IKEv2 Parameters").

/// IKEv2 Identification Payload ID Types (RFC 7296 §3.5).
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
    public var name: String? {
        switch rawValue {
        case 1: "ID_IPV4_ADDR"
        case 2: "ID_FQDN"
        case 3: "ID_RFC822_ADDR"
        case 5: "ID_IPV6_ADDR"
        case 9: "ID_DER_ASN1_DN"
        case 10: "ID_DER_ASN1_GN"
        case 11: "ID_KEY_ID"
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}

/// IKEv2 Authentication Methods (RFC 7296 §3.8).
public struct AuthMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let rsaDigitalSignature = AuthMethod(rawValue: 1)
    public static let sharedKeyMIC = AuthMethod(rawValue: 2)
    public static let dssDigitalSignature = AuthMethod(rawValue: 3)
    public static let digitalSignature = AuthMethod(rawValue: 14)
    public var name: String? {
        switch rawValue {
        case 1: "RSA Digital Signature"
        case 2: "Shared Key Message Integrity Code"
        case 3: "DSS Digital Signature"
        case 14: "Digital Signature"
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}

/// IKEv2 Certificate Encodings (RFC 7296 §3.6).
public struct CertEncoding: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let x509Signature = CertEncoding(rawValue: 4)
    public var name: String? {
        switch rawValue {
        case 4: "X.509 Certificate - Signature"
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}
