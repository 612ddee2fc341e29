/// Notify Message Types (RFC 7296 §3.10.1; IANA "IKEv2 Notify Message Types", full table of
/// the IANA "IKEv2 Notify Message Types" registry). 1-16383 are errors, 16384-65535 status; 8192-16383 and 40960-65535 are
/// private use. An open set: any value is representable and round-trips.
public struct NotifyType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }

    /// Error types are 0-16383 (RFC 7296 §3.10.1).
    public var isError: Bool { rawValue < 16384 }
    public var isPrivateUse: Bool { (8192...16383).contains(rawValue) || rawValue >= 40960 }

    // MARK: Error types (1-16383)
    /// UNSUPPORTED_CRITICAL_PAYLOAD (1), RFC 7296.
    @inlinable public static var unsupportedCriticalPayload: NotifyType { NotifyType(rawValue: 1) }
    /// INVALID_IKE_SPI (4), RFC 7296.
    @inlinable public static var invalidIKESPI: NotifyType { NotifyType(rawValue: 4) }
    /// INVALID_MAJOR_VERSION (5), RFC 7296.
    @inlinable public static var invalidMajorVersion: NotifyType { NotifyType(rawValue: 5) }
    /// INVALID_SYNTAX (7), RFC 7296.
    @inlinable public static var invalidSyntax: NotifyType { NotifyType(rawValue: 7) }
    /// INVALID_MESSAGE_ID (9), RFC 7296.
    @inlinable public static var invalidMessageID: NotifyType { NotifyType(rawValue: 9) }
    /// INVALID_SPI (11), RFC 7296.
    @inlinable public static var invalidSPI: NotifyType { NotifyType(rawValue: 11) }
    /// NO_PROPOSAL_CHOSEN (14), RFC 7296.
    @inlinable public static var noProposalChosen: NotifyType { NotifyType(rawValue: 14) }
    /// INVALID_KE_PAYLOAD (17), RFC 7296.
    @inlinable public static var invalidKEPayload: NotifyType { NotifyType(rawValue: 17) }
    /// AUTHENTICATION_FAILED (24), RFC 7296.
    @inlinable public static var authenticationFailed: NotifyType { NotifyType(rawValue: 24) }
    /// SINGLE_PAIR_REQUIRED (34), RFC 7296.
    @inlinable public static var singlePairRequired: NotifyType { NotifyType(rawValue: 34) }
    /// NO_ADDITIONAL_SAS (35), RFC 7296.
    @inlinable public static var noAdditionalSAs: NotifyType { NotifyType(rawValue: 35) }
    /// INTERNAL_ADDRESS_FAILURE (36), RFC 7296.
    @inlinable public static var internalAddressFailure: NotifyType { NotifyType(rawValue: 36) }
    /// FAILED_CP_REQUIRED (37), RFC 7296.
    @inlinable public static var failedCPRequired: NotifyType { NotifyType(rawValue: 37) }
    /// TS_UNACCEPTABLE (38), RFC 7296.
    @inlinable public static var tsUnacceptable: NotifyType { NotifyType(rawValue: 38) }
    /// INVALID_SELECTORS (39), RFC 7296.
    @inlinable public static var invalidSelectors: NotifyType { NotifyType(rawValue: 39) }
    /// UNACCEPTABLE_ADDRESSES (40), RFC 4555.
    @inlinable public static var unacceptableAddresses: NotifyType { NotifyType(rawValue: 40) }
    /// UNEXPECTED_NAT_DETECTED (41), RFC 4555.
    @inlinable public static var unexpectedNATDetected: NotifyType { NotifyType(rawValue: 41) }
    /// USE_ASSIGNED_HoA (42), RFC 5026.
    @inlinable public static var useAssignedHoA: NotifyType { NotifyType(rawValue: 42) }
    /// TEMPORARY_FAILURE (43), RFC 7296.
    @inlinable public static var temporaryFailure: NotifyType { NotifyType(rawValue: 43) }
    /// CHILD_SA_NOT_FOUND (44), RFC 7296.
    @inlinable public static var childSANotFound: NotifyType { NotifyType(rawValue: 44) }
    /// INVALID_GROUP_ID (45), G-IKEv2 (draft-yeung-g-ikev2 → RFC 9838).
    @inlinable public static var invalidGroupID: NotifyType { NotifyType(rawValue: 45) }
    /// AUTHORIZATION_FAILED (46), G-IKEv2 (RFC 9838).
    @inlinable public static var authorizationFailed: NotifyType { NotifyType(rawValue: 46) }
    /// STATE_NOT_FOUND (47), RFC 9370.
    @inlinable public static var stateNotFound: NotifyType { NotifyType(rawValue: 47) }
    /// TS_MAX_QUEUE (48), RFC 9611.
    @inlinable public static var tsMaxQueue: NotifyType { NotifyType(rawValue: 48) }
    /// REGISTRATION_FAILED (49), G-IKEv2 (RFC 9838).
    @inlinable public static var registrationFailed: NotifyType { NotifyType(rawValue: 49) }

    // MARK: Status types (16384-65535)
    /// INITIAL_CONTACT (16384), RFC 7296.
    @inlinable public static var initialContact: NotifyType { NotifyType(rawValue: 16384) }
    /// SET_WINDOW_SIZE (16385), RFC 7296.
    @inlinable public static var setWindowSize: NotifyType { NotifyType(rawValue: 16385) }
    /// ADDITIONAL_TS_POSSIBLE (16386), RFC 7296.
    @inlinable public static var additionalTSPossible: NotifyType { NotifyType(rawValue: 16386) }
    /// IPCOMP_SUPPORTED (16387), RFC 7296.
    @inlinable public static var ipcompSupported: NotifyType { NotifyType(rawValue: 16387) }
    /// NAT_DETECTION_SOURCE_IP (16388), RFC 7296.
    @inlinable public static var natDetectionSourceIP: NotifyType { NotifyType(rawValue: 16388) }
    /// NAT_DETECTION_DESTINATION_IP (16389), RFC 7296.
    @inlinable public static var natDetectionDestinationIP: NotifyType { NotifyType(rawValue: 16389) }
    /// COOKIE (16390), RFC 7296.
    @inlinable public static var cookie: NotifyType { NotifyType(rawValue: 16390) }
    /// USE_TRANSPORT_MODE (16391), RFC 7296.
    @inlinable public static var useTransportMode: NotifyType { NotifyType(rawValue: 16391) }
    /// HTTP_CERT_LOOKUP_SUPPORTED (16392), RFC 7296.
    @inlinable public static var httpCertLookupSupported: NotifyType { NotifyType(rawValue: 16392) }
    /// REKEY_SA (16393), RFC 7296.
    @inlinable public static var rekeySA: NotifyType { NotifyType(rawValue: 16393) }
    /// ESP_TFC_PADDING_NOT_SUPPORTED (16394), RFC 7296.
    @inlinable public static var espTFCPaddingNotSupported: NotifyType { NotifyType(rawValue: 16394) }
    /// NON_FIRST_FRAGMENTS_ALSO (16395), RFC 7296.
    @inlinable public static var nonFirstFragmentsAlso: NotifyType { NotifyType(rawValue: 16395) }
    /// MOBIKE_SUPPORTED (16396), RFC 4555.
    @inlinable public static var mobikeSupported: NotifyType { NotifyType(rawValue: 16396) }
    /// ADDITIONAL_IP4_ADDRESS (16397), RFC 4555.
    @inlinable public static var additionalIP4Address: NotifyType { NotifyType(rawValue: 16397) }
    /// ADDITIONAL_IP6_ADDRESS (16398), RFC 4555.
    @inlinable public static var additionalIP6Address: NotifyType { NotifyType(rawValue: 16398) }
    /// NO_ADDITIONAL_ADDRESSES (16399), RFC 4555.
    @inlinable public static var noAdditionalAddresses: NotifyType { NotifyType(rawValue: 16399) }
    /// UPDATE_SA_ADDRESSES (16400), RFC 4555.
    @inlinable public static var updateSAAddresses: NotifyType { NotifyType(rawValue: 16400) }
    /// COOKIE2 (16401), RFC 4555.
    @inlinable public static var cookie2: NotifyType { NotifyType(rawValue: 16401) }
    /// NO_NATS_ALLOWED (16402), RFC 4555.
    @inlinable public static var noNATsAllowed: NotifyType { NotifyType(rawValue: 16402) }
    /// AUTH_LIFETIME (16403), RFC 4478.
    @inlinable public static var authLifetime: NotifyType { NotifyType(rawValue: 16403) }
    /// MULTIPLE_AUTH_SUPPORTED (16404), RFC 4739.
    @inlinable public static var multipleAuthSupported: NotifyType { NotifyType(rawValue: 16404) }
    /// ANOTHER_AUTH_FOLLOWS (16405), RFC 4739.
    @inlinable public static var anotherAuthFollows: NotifyType { NotifyType(rawValue: 16405) }
    /// REDIRECT_SUPPORTED (16406), RFC 5685.
    @inlinable public static var redirectSupported: NotifyType { NotifyType(rawValue: 16406) }
    /// REDIRECT (16407), RFC 5685.
    @inlinable public static var redirect: NotifyType { NotifyType(rawValue: 16407) }
    /// REDIRECTED_FROM (16408), RFC 5685.
    @inlinable public static var redirectedFrom: NotifyType { NotifyType(rawValue: 16408) }
    /// TICKET_LT_OPAQUE (16409), RFC 5723.
    @inlinable public static var ticketLTOpaque: NotifyType { NotifyType(rawValue: 16409) }
    /// TICKET_REQUEST (16410), RFC 5723.
    @inlinable public static var ticketRequest: NotifyType { NotifyType(rawValue: 16410) }
    /// TICKET_ACK (16411), RFC 5723.
    @inlinable public static var ticketAck: NotifyType { NotifyType(rawValue: 16411) }
    /// TICKET_NACK (16412), RFC 5723.
    @inlinable public static var ticketNack: NotifyType { NotifyType(rawValue: 16412) }
    /// TICKET_OPAQUE (16413), RFC 5723.
    @inlinable public static var ticketOpaque: NotifyType { NotifyType(rawValue: 16413) }
    /// LINK_ID (16414), RFC 5739.
    @inlinable public static var linkID: NotifyType { NotifyType(rawValue: 16414) }
    /// USE_WESP_MODE (16415), RFC 5840.
    @inlinable public static var useWESPMode: NotifyType { NotifyType(rawValue: 16415) }
    /// ROHC_SUPPORTED (16416), RFC 5857.
    @inlinable public static var rohcSupported: NotifyType { NotifyType(rawValue: 16416) }
    /// EAP_ONLY_AUTHENTICATION (16417), RFC 5998.
    @inlinable public static var eapOnlyAuthentication: NotifyType { NotifyType(rawValue: 16417) }
    /// CHILDLESS_IKEV2_SUPPORTED (16418), RFC 6023.
    @inlinable public static var childlessIKEv2Supported: NotifyType { NotifyType(rawValue: 16418) }
    /// QUICK_CRASH_DETECTION (16419), RFC 6290.
    @inlinable public static var quickCrashDetection: NotifyType { NotifyType(rawValue: 16419) }
    /// IKEV2_MESSAGE_ID_SYNC_SUPPORTED (16420), RFC 6311.
    @inlinable public static var ikev2MessageIDSyncSupported: NotifyType { NotifyType(rawValue: 16420) }
    /// IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED (16421), RFC 6311.
    @inlinable public static var ipsecReplayCounterSyncSupported: NotifyType { NotifyType(rawValue: 16421) }
    /// IKEV2_MESSAGE_ID_SYNC (16422), RFC 6311.
    @inlinable public static var ikev2MessageIDSync: NotifyType { NotifyType(rawValue: 16422) }
    /// IPSEC_REPLAY_COUNTER_SYNC (16423), RFC 6311.
    @inlinable public static var ipsecReplayCounterSync: NotifyType { NotifyType(rawValue: 16423) }
    /// SECURE_PASSWORD_METHODS (16424), RFC 6467.
    @inlinable public static var securePasswordMethods: NotifyType { NotifyType(rawValue: 16424) }
    /// PSK_PERSIST (16425), RFC 6631.
    @inlinable public static var pskPersist: NotifyType { NotifyType(rawValue: 16425) }
    /// PSK_CONFIRM (16426), RFC 6631.
    @inlinable public static var pskConfirm: NotifyType { NotifyType(rawValue: 16426) }
    /// ERX_SUPPORTED (16427), RFC 6867.
    @inlinable public static var erxSupported: NotifyType { NotifyType(rawValue: 16427) }
    /// IFOM_CAPABILITY (16428), 3GPP TS 24.303 v10.6.0 annex B.2.
    @inlinable public static var ifomCapability: NotifyType { NotifyType(rawValue: 16428) }
    /// SENDER_REQUEST_ID (16429), draft-yeung-g-ikev2 → RFC 9838.
    @inlinable public static var senderRequestID: NotifyType { NotifyType(rawValue: 16429) }
    /// IKEV2_FRAGMENTATION_SUPPORTED (16430), RFC 7383.
    @inlinable public static var ikev2FragmentationSupported: NotifyType { NotifyType(rawValue: 16430) }
    /// SIGNATURE_HASH_ALGORITHMS (16431), RFC 7427.
    @inlinable public static var signatureHashAlgorithms: NotifyType { NotifyType(rawValue: 16431) }
    /// CLONE_IKE_SA_SUPPORTED (16432), RFC 7791.
    @inlinable public static var cloneIKESASupported: NotifyType { NotifyType(rawValue: 16432) }
    /// CLONE_IKE_SA (16433), RFC 7791.
    @inlinable public static var cloneIKESA: NotifyType { NotifyType(rawValue: 16433) }
    /// PUZZLE (16434), RFC 8019.
    @inlinable public static var puzzle: NotifyType { NotifyType(rawValue: 16434) }
    /// USE_PPK (16435), RFC 8784.
    @inlinable public static var usePPK: NotifyType { NotifyType(rawValue: 16435) }
    /// PPK_IDENTITY (16436), RFC 8784.
    @inlinable public static var ppkIdentity: NotifyType { NotifyType(rawValue: 16436) }
    /// NO_PPK_AUTH (16437), RFC 8784.
    @inlinable public static var noPPKAuth: NotifyType { NotifyType(rawValue: 16437) }
    /// INTERMEDIATE_EXCHANGE_SUPPORTED (16438), RFC 9242.
    @inlinable public static var intermediateExchangeSupported: NotifyType { NotifyType(rawValue: 16438) }
    /// IP4_ALLOWED (16439), RFC 8983.
    @inlinable public static var ip4Allowed: NotifyType { NotifyType(rawValue: 16439) }
    /// IP6_ALLOWED (16440), RFC 8983.
    @inlinable public static var ip6Allowed: NotifyType { NotifyType(rawValue: 16440) }
    /// ADDITIONAL_KEY_EXCHANGE (16441), RFC 9370.
    @inlinable public static var additionalKeyExchange: NotifyType { NotifyType(rawValue: 16441) }
    /// USE_AGGFRAG (16442), RFC 9347.
    @inlinable public static var useAggfrag: NotifyType { NotifyType(rawValue: 16442) }
    /// SUPPORTED_AUTH_METHODS (16443), RFC 9593.
    @inlinable public static var supportedAuthMethods: NotifyType { NotifyType(rawValue: 16443) }
    /// SA_RESOURCE_INFO (16444), RFC 9611.
    @inlinable public static var saResourceInfo: NotifyType { NotifyType(rawValue: 16444) }
    /// USE_PPK_INT (16445), RFC 9867.
    @inlinable public static var usePPKINT: NotifyType { NotifyType(rawValue: 16445) }
    /// PPK_IDENTITY_KEY (16446), RFC 9867.
    @inlinable public static var ppkIdentityKey: NotifyType { NotifyType(rawValue: 16446) }

    /// This project's private-use extension (docs/reset-extension.md); default number, configurable.
    @inlinable public static var ikev2MessageIDResetSupported: NotifyType { NotifyType(rawValue: 49373) }
    /// This project's private-use extension (docs/reset-extension.md); default number, configurable.
    @inlinable public static var ikev2MessageIDReset: NotifyType { NotifyType(rawValue: 49374) }

    /// The IANA name (Wireshark/IANA spelling), or nil when unassigned / private use.
    /// 16429 uses the IANA 2024 / Wireshark name SENDER_REQUEST_ID (libreswan: GROUP_SENDER).
    public var name: String? { NotifyType.names[rawValue] }

    public var description: String {
        name ?? (isError ? "Unknown error \(rawValue)" : "Unknown status \(rawValue)")
    }

    static let names: [UInt16: String] = [
        1: "UNSUPPORTED_CRITICAL_PAYLOAD",
        4: "INVALID_IKE_SPI",
        5: "INVALID_MAJOR_VERSION",
        7: "INVALID_SYNTAX",
        9: "INVALID_MESSAGE_ID",
        11: "INVALID_SPI",
        14: "NO_PROPOSAL_CHOSEN",
        17: "INVALID_KE_PAYLOAD",
        24: "AUTHENTICATION_FAILED",
        34: "SINGLE_PAIR_REQUIRED",
        35: "NO_ADDITIONAL_SAS",
        36: "INTERNAL_ADDRESS_FAILURE",
        37: "FAILED_CP_REQUIRED",
        38: "TS_UNACCEPTABLE",
        39: "INVALID_SELECTORS",
        40: "UNACCEPTABLE_ADDRESSES",
        41: "UNEXPECTED_NAT_DETECTED",
        42: "USE_ASSIGNED_HoA",
        43: "TEMPORARY_FAILURE",
        44: "CHILD_SA_NOT_FOUND",
        45: "INVALID_GROUP_ID",
        46: "AUTHORIZATION_FAILED",
        47: "STATE_NOT_FOUND",
        48: "TS_MAX_QUEUE",
        49: "REGISTRATION_FAILED",
        16384: "INITIAL_CONTACT",
        16385: "SET_WINDOW_SIZE",
        16386: "ADDITIONAL_TS_POSSIBLE",
        16387: "IPCOMP_SUPPORTED",
        16388: "NAT_DETECTION_SOURCE_IP",
        16389: "NAT_DETECTION_DESTINATION_IP",
        16390: "COOKIE",
        16391: "USE_TRANSPORT_MODE",
        16392: "HTTP_CERT_LOOKUP_SUPPORTED",
        16393: "REKEY_SA",
        16394: "ESP_TFC_PADDING_NOT_SUPPORTED",
        16395: "NON_FIRST_FRAGMENTS_ALSO",
        16396: "MOBIKE_SUPPORTED",
        16397: "ADDITIONAL_IP4_ADDRESS",
        16398: "ADDITIONAL_IP6_ADDRESS",
        16399: "NO_ADDITIONAL_ADDRESSES",
        16400: "UPDATE_SA_ADDRESSES",
        16401: "COOKIE2",
        16402: "NO_NATS_ALLOWED",
        16403: "AUTH_LIFETIME",
        16404: "MULTIPLE_AUTH_SUPPORTED",
        16405: "ANOTHER_AUTH_FOLLOWS",
        16406: "REDIRECT_SUPPORTED",
        16407: "REDIRECT",
        16408: "REDIRECTED_FROM",
        16409: "TICKET_LT_OPAQUE",
        16410: "TICKET_REQUEST",
        16411: "TICKET_ACK",
        16412: "TICKET_NACK",
        16413: "TICKET_OPAQUE",
        16414: "LINK_ID",
        16415: "USE_WESP_MODE",
        16416: "ROHC_SUPPORTED",
        16417: "EAP_ONLY_AUTHENTICATION",
        16418: "CHILDLESS_IKEV2_SUPPORTED",
        16419: "QUICK_CRASH_DETECTION",
        16420: "IKEV2_MESSAGE_ID_SYNC_SUPPORTED",
        16421: "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED",
        16422: "IKEV2_MESSAGE_ID_SYNC",
        16423: "IPSEC_REPLAY_COUNTER_SYNC",
        16424: "SECURE_PASSWORD_METHODS",
        16425: "PSK_PERSIST",
        16426: "PSK_CONFIRM",
        16427: "ERX_SUPPORTED",
        16428: "IFOM_CAPABILITY",
        16429: "SENDER_REQUEST_ID",
        16430: "IKEV2_FRAGMENTATION_SUPPORTED",
        16431: "SIGNATURE_HASH_ALGORITHMS",
        16432: "CLONE_IKE_SA_SUPPORTED",
        16433: "CLONE_IKE_SA",
        16434: "PUZZLE",
        16435: "USE_PPK",
        16436: "PPK_IDENTITY",
        16437: "NO_PPK_AUTH",
        16438: "INTERMEDIATE_EXCHANGE_SUPPORTED",
        16439: "IP4_ALLOWED",
        16440: "IP6_ALLOWED",
        16441: "ADDITIONAL_KEY_EXCHANGE",
        16442: "USE_AGGFRAG",
        16443: "SUPPORTED_AUTH_METHODS",
        16444: "SA_RESOURCE_INFO",
        16445: "USE_PPK_INT",
        16446: "PPK_IDENTITY_KEY",
    ]
}
