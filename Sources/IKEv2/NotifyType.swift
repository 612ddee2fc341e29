/// Notify Message Types (RFC 7296 §3.10.1; IANA "IKEv2 Notify Message Types").
/// 1-16383 are errors, 16384-65535 status; 8192-16383 and 40960-65535 are private use.
public struct NotifyType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public var isError: Bool { rawValue < 16384 }
    public var isPrivateUse: Bool { (8192...16383).contains(rawValue) || rawValue >= 40960 }

    public static let unsupportedCriticalPayload = NotifyType(rawValue: 1)
    public static let invalidIKESPI = NotifyType(rawValue: 4)
    public static let invalidMajorVersion = NotifyType(rawValue: 5)
    public static let invalidSyntax = NotifyType(rawValue: 7)
    public static let invalidMessageID = NotifyType(rawValue: 9)
    public static let invalidSPI = NotifyType(rawValue: 11)
    public static let noProposalChosen = NotifyType(rawValue: 14)
    public static let invalidKEPayload = NotifyType(rawValue: 17)
    public static let authenticationFailed = NotifyType(rawValue: 24)
    public static let initialContact = NotifyType(rawValue: 16384)
    public static let setWindowSize = NotifyType(rawValue: 16385)
    public static let cookie = NotifyType(rawValue: 16390)
    public static let natDetectionSourceIP = NotifyType(rawValue: 16388)
    public static let natDetectionDestinationIP = NotifyType(rawValue: 16389)
    public static let useTransportMode = NotifyType(rawValue: 16391)
    public static let rekeySA = NotifyType(rawValue: 16393)
    public static let ikev2FragmentationSupported = NotifyType(rawValue: 16430)
    public static let signatureHashAlgorithms = NotifyType(rawValue: 16431)
    /// RFC 6311 §6.1.
    public static let ikev2MessageIDSyncSupported = NotifyType(rawValue: 16420)
    /// RFC 6311 §6.2.
    public static let ipsecReplayCounterSyncSupported = NotifyType(rawValue: 16421)
    /// RFC 6311 §6.3.
    public static let ikev2MessageIDSync = NotifyType(rawValue: 16422)
    /// RFC 6311 §6.4.
    public static let ipsecReplayCounterSync = NotifyType(rawValue: 16423)
    /// This project's private-use extension (`ha-reset.md`); default number, configurable.
    public static let ikev2MessageIDResetSupported = NotifyType(rawValue: 49373)
    /// This project's private-use extension (`ha-reset.md`); default number, configurable.
    public static let ikev2MessageIDReset = NotifyType(rawValue: 49374)

    /// The IANA name, or nil when unassigned / private.
    public var name: String? { NotifyType.names[rawValue] }

    public var description: String {
        name ?? (isError ? "Unknown error \(rawValue)" : "Unknown status \(rawValue)")
    }

    static let names: [UInt16: String] = [
        1: "UNSUPPORTED_CRITICAL_PAYLOAD", 4: "INVALID_IKE_SPI", 5: "INVALID_MAJOR_VERSION",
        7: "INVALID_SYNTAX", 9: "INVALID_MESSAGE_ID", 11: "INVALID_SPI", 14: "NO_PROPOSAL_CHOSEN",
        17: "INVALID_KE_PAYLOAD", 24: "AUTHENTICATION_FAILED",
        16384: "INITIAL_CONTACT", 16385: "SET_WINDOW_SIZE", 16388: "NAT_DETECTION_SOURCE_IP",
        16389: "NAT_DETECTION_DESTINATION_IP", 16390: "COOKIE", 16391: "USE_TRANSPORT_MODE",
        16393: "REKEY_SA", 16420: "IKEV2_MESSAGE_ID_SYNC_SUPPORTED",
        16421: "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED", 16422: "IKEV2_MESSAGE_ID_SYNC",
        16423: "IPSEC_REPLAY_COUNTER_SYNC", 16430: "IKEV2_FRAGMENTATION_SUPPORTED",
        16431: "SIGNATURE_HASH_ALGORITHMS",
    ]
}
