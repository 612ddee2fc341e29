// Open registries (RFC 7296 §3 and IANA "IKEv2 Parameters"): each is a RawRepresentable struct
// with named constants, so an unassigned or private value is representable and round-trips.

/// IKEv2 Exchange Types (IANA; RFC 7296 §3.1).
public struct ExchangeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }

    @inlinable public static var ikeSAInit: ExchangeType { ExchangeType(rawValue: 34) }
    @inlinable public static var ikeAuth: ExchangeType { ExchangeType(rawValue: 35) }
    @inlinable public static var createChildSA: ExchangeType { ExchangeType(rawValue: 36) }
    @inlinable public static var informational: ExchangeType { ExchangeType(rawValue: 37) }
    @inlinable public static var ikeSessionResume: ExchangeType { ExchangeType(rawValue: 38) }
    @inlinable public static var gsaAuth: ExchangeType { ExchangeType(rawValue: 39) }
    @inlinable public static var gsaRegistration: ExchangeType { ExchangeType(rawValue: 40) }
    @inlinable public static var gsaRekey: ExchangeType { ExchangeType(rawValue: 41) }
    @inlinable public static var gsaInbandRekey: ExchangeType { ExchangeType(rawValue: 42) }
    @inlinable public static var ikeIntermediate: ExchangeType { ExchangeType(rawValue: 43) }
    @inlinable public static var ikeFollowupKE: ExchangeType { ExchangeType(rawValue: 44) }

    /// The IANA name, or nil if unassigned.
    public var name: String? {
        switch rawValue {
        case 34: "IKE_SA_INIT"
        case 35: "IKE_AUTH"
        case 36: "CREATE_CHILD_SA"
        case 37: "INFORMATIONAL"
        case 38: "IKE_SESSION_RESUME"
        case 39: "GSA_AUTH"
        case 40: "GSA_REGISTRATION"
        case 41: "GSA_REKEY"
        case 42: "GSA_INBAND_REKEY"
        case 43: "IKE_INTERMEDIATE"
        case 44: "IKE_FOLLOWUP_KE"
        case 240...255: "Private use \(rawValue)"
        default: nil
        }
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}

/// IKEv2 Payload Types (IANA; RFC 7296 §3.2).
public struct PayloadType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }

    @inlinable public static var none: PayloadType { PayloadType(rawValue: 0) }
    @inlinable public static var securityAssociation: PayloadType { PayloadType(rawValue: 33) }
    @inlinable public static var keyExchange: PayloadType { PayloadType(rawValue: 34) }
    @inlinable public static var identificationInitiator: PayloadType { PayloadType(rawValue: 35) }
    @inlinable public static var identificationResponder: PayloadType { PayloadType(rawValue: 36) }
    @inlinable public static var certificate: PayloadType { PayloadType(rawValue: 37) }
    @inlinable public static var certificateRequest: PayloadType { PayloadType(rawValue: 38) }
    @inlinable public static var authentication: PayloadType { PayloadType(rawValue: 39) }
    @inlinable public static var nonce: PayloadType { PayloadType(rawValue: 40) }
    @inlinable public static var notify: PayloadType { PayloadType(rawValue: 41) }
    @inlinable public static var delete: PayloadType { PayloadType(rawValue: 42) }
    @inlinable public static var vendorID: PayloadType { PayloadType(rawValue: 43) }
    @inlinable public static var trafficSelectorInitiator: PayloadType { PayloadType(rawValue: 44) }
    @inlinable public static var trafficSelectorResponder: PayloadType { PayloadType(rawValue: 45) }
    @inlinable public static var encrypted: PayloadType { PayloadType(rawValue: 46) }
    @inlinable public static var configuration: PayloadType { PayloadType(rawValue: 47) }
    @inlinable public static var eap: PayloadType { PayloadType(rawValue: 48) }
    @inlinable public static var gspm: PayloadType { PayloadType(rawValue: 49) }
    @inlinable public static var groupIdentification: PayloadType { PayloadType(rawValue: 50) }
    @inlinable public static var groupSecurityAssociation: PayloadType { PayloadType(rawValue: 51) }
    @inlinable public static var keyDownload: PayloadType { PayloadType(rawValue: 52) }
    @inlinable public static var encryptedFragment: PayloadType { PayloadType(rawValue: 53) }
    @inlinable public static var puzzleSolution: PayloadType { PayloadType(rawValue: 54) }

    /// Types 33-54 have a defined body; anything else is kept as an unknown payload.
    @inlinable public var isKnown: Bool { rawValue >= 33 && rawValue <= 54 }

    /// The RFC notation (`SA`, `KE`, `IDi`, `N`, `SK`, ...); `Ni`/`Nr` are both `Nonce` here since
    /// the direction is not a property of the type.
    public var notation: String {
        switch rawValue {
        case 0: "NONE"
        case 33: "SA"
        case 34: "KE"
        case 35: "IDi"
        case 36: "IDr"
        case 37: "CERT"
        case 38: "CERTREQ"
        case 39: "AUTH"
        case 40: "Nonce"
        case 41: "N"
        case 42: "D"
        case 43: "V"
        case 44: "TSi"
        case 45: "TSr"
        case 46: "SK"
        case 47: "CP"
        case 48: "EAP"
        case 49: "GSPM"
        case 50: "IDg"
        case 51: "GSA"
        case 52: "KD"
        case 53: "SKF"
        case 54: "PS"
        default: "Unknown(\(rawValue))"
        }
    }

    /// The IANA long name.
    public var name: String {
        switch rawValue {
        case 0: "No Next Payload"
        case 33: "Security Association"
        case 34: "Key Exchange"
        case 35: "Identification - Initiator"
        case 36: "Identification - Responder"
        case 37: "Certificate"
        case 38: "Certificate Request"
        case 39: "Authentication"
        case 40: "Nonce"
        case 41: "Notify"
        case 42: "Delete"
        case 43: "Vendor ID"
        case 44: "Traffic Selector - Initiator"
        case 45: "Traffic Selector - Responder"
        case 46: "Encrypted and Authenticated"
        case 47: "Configuration"
        case 48: "Extensible Authentication"
        case 49: "Generic Secure Password Methods"
        case 50: "Group Identification"
        case 51: "Group Security Association"
        case 52: "Key Download"
        case 53: "Encrypted and Authenticated Fragment"
        case 54: "Puzzle Solution"
        case 128...255: "Private use \(rawValue)"
        default: "Unassigned \(rawValue)"
        }
    }
    public var description: String { notation }
}

/// Security Protocol Identifiers (RFC 7296 §3.3.1), used by proposals, Notify and Delete.
public struct ProtocolID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }
    @inlinable public static var none: ProtocolID { ProtocolID(rawValue: 0) }
    @inlinable public static var ike: ProtocolID { ProtocolID(rawValue: 1) }
    @inlinable public static var ah: ProtocolID { ProtocolID(rawValue: 2) }
    @inlinable public static var esp: ProtocolID { ProtocolID(rawValue: 3) }
    @inlinable public static var fcESPHeader: ProtocolID { ProtocolID(rawValue: 4) }
    @inlinable public static var fcCTAuthentication: ProtocolID { ProtocolID(rawValue: 5) }
    public var name: String? {
        switch rawValue {
        case 1: "IKE"
        case 2: "AH"
        case 3: "ESP"
        case 4: "FC_ESP_HEADER"
        case 5: "FC_CT_AUTHENTICATION"
        default: nil
        }
    }
    public var description: String { name ?? "\(rawValue)" }
}
