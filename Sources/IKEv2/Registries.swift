// Open registries (RFC 7296 §3 and IANA "IKEv2 Parameters"): each is a RawRepresentable struct
// with named constants, so an unassigned or private value is representable and round-trips.

/// IKEv2 Exchange Types (IANA; RFC 7296 §3.1).
public struct ExchangeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let ikeSAInit = ExchangeType(rawValue: 34)
    public static let ikeAuth = ExchangeType(rawValue: 35)
    public static let createChildSA = ExchangeType(rawValue: 36)
    public static let informational = ExchangeType(rawValue: 37)
    public static let ikeSessionResume = ExchangeType(rawValue: 38)
    public static let gsaAuth = ExchangeType(rawValue: 39)
    public static let gsaRegistration = ExchangeType(rawValue: 40)
    public static let gsaRekey = ExchangeType(rawValue: 41)
    public static let gsaInbandRekey = ExchangeType(rawValue: 42)
    public static let ikeIntermediate = ExchangeType(rawValue: 43)
    public static let ikeFollowupKE = ExchangeType(rawValue: 44)

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
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let none = PayloadType(rawValue: 0)
    public static let securityAssociation = PayloadType(rawValue: 33)
    public static let keyExchange = PayloadType(rawValue: 34)
    public static let identificationInitiator = PayloadType(rawValue: 35)
    public static let identificationResponder = PayloadType(rawValue: 36)
    public static let certificate = PayloadType(rawValue: 37)
    public static let certificateRequest = PayloadType(rawValue: 38)
    public static let authentication = PayloadType(rawValue: 39)
    public static let nonce = PayloadType(rawValue: 40)
    public static let notify = PayloadType(rawValue: 41)
    public static let delete = PayloadType(rawValue: 42)
    public static let vendorID = PayloadType(rawValue: 43)
    public static let trafficSelectorInitiator = PayloadType(rawValue: 44)
    public static let trafficSelectorResponder = PayloadType(rawValue: 45)
    public static let encrypted = PayloadType(rawValue: 46)
    public static let configuration = PayloadType(rawValue: 47)
    public static let eap = PayloadType(rawValue: 48)
    public static let gspm = PayloadType(rawValue: 49)
    public static let groupIdentification = PayloadType(rawValue: 50)
    public static let groupSecurityAssociation = PayloadType(rawValue: 51)
    public static let keyDownload = PayloadType(rawValue: 52)
    public static let encryptedFragment = PayloadType(rawValue: 53)
    public static let puzzleSolution = PayloadType(rawValue: 54)

    /// Types 33-54 have a defined body; anything else is kept as an unknown payload.
    public var isKnown: Bool { (33...54).contains(rawValue) }

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
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let none = ProtocolID(rawValue: 0)
    public static let ike = ProtocolID(rawValue: 1)
    public static let ah = ProtocolID(rawValue: 2)
    public static let esp = ProtocolID(rawValue: 3)
    public static let fcESPHeader = ProtocolID(rawValue: 4)
    public static let fcCTAuthentication = ProtocolID(rawValue: 5)
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
