/// Errors from opening, reading or writing captures.
public struct CaptureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong. An open set, like `IKEError.Code`: a later version may add codes, so a
    /// `switch` over it needs a `default`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let openFailed = Code(rawValue: "openFailed")
        public static let badFilter = Code(rawValue: "badFilter")
        public static let unsupportedLinkType = Code(rawValue: "unsupportedLinkType")
        /// The file ends in the middle of a record or header (libpcap "truncated dump file").
        public static let truncatedFile = Code(rawValue: "truncatedFile")
        /// A record or block header that cannot be valid (e.g. length over libpcap's maximum).
        public static let corruptRecord = Code(rawValue: "corruptRecord")
        public static let writeFailed = Code(rawValue: "writeFailed")
        public static let invalidArgument = Code(rawValue: "invalidArgument")
    }
    public var code: Code
    /// The frame being read when the error happened (records before it were delivered);
    /// 0 when not applicable.
    public var frameNumber: Int
    /// Byte position in the file where reading stopped, when known (-1 otherwise).
    public var byteOffset: Int
    public var message: String

    package init(_ code: Code, frame: Int = 0, byteOffset: Int = -1, _ message: String) {
        self.code = code
        self.frameNumber = frame
        self.byteOffset = byteOffset
        self.message = message
    }

    public var description: String {
        var s = "\(code.rawValue)"
        if frameNumber > 0 { s += " at frame \(frameNumber)" }
        if byteOffset >= 0 { s += " (byte \(byteOffset))" }
        return s + ": " + message
    }
}
