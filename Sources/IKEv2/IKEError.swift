/// The codec's one error type: what went wrong, where (absolute byte offset in the message)
/// and in which structure (the payload path, e.g. `SA > proposal 2 > transform 3`).
public struct IKEError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An open set of error codes (new codes can be added without breaking callers).
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Fewer bytes than a fixed part or a length field needs.
        public static let truncated = Code(rawValue: "truncated")
        /// A length field smaller than the structure's fixed part.
        public static let lengthTooSmall = Code(rawValue: "length-too-small")
        /// A length field that runs past its enclosing structure.
        public static let lengthOverrun = Code(rawValue: "length-overrun")
        /// Bytes left after the structure's declared end (or after the last payload).
        public static let trailingBytes = Code(rawValue: "trailing-bytes")
        /// A length that is not valid for this structure (e.g. a fixed-size field of the wrong size).
        public static let badLength = Code(rawValue: "bad-length")
        /// Major version neither 1 (IKEv1) nor 2.
        public static let unsupportedVersion = Code(rawValue: "unsupported-version")
        /// An unknown payload type with the critical bit set (RFC 7296 §2.5).
        public static let unsupportedCriticalPayload = Code(rawValue: "unsupported-critical-payload")
        /// A payload after SK/SKF, or a second SK/SKF (RFC 7296 §3.14).
        public static let payloadAfterEncrypted = Code(rawValue: "payload-after-encrypted")
        /// A count field that disagrees with the structures present, or exceeds a limit.
        public static let badCount = Code(rawValue: "bad-count")
        /// A field value the layout forbids (e.g. SPI size not in {0,4,8}).
        public static let badValue = Code(rawValue: "bad-value")
        /// Too many payloads or sub-structures (a resource limit, not a wire rule).
        public static let limitExceeded = Code(rawValue: "limit-exceeded")
        /// The input is not the kind of structure asked for (e.g. a notify of another type).
        public static let wrongType = Code(rawValue: "wrong-type")
        /// A value too large to serialize into its length field.
        public static let tooLarge = Code(rawValue: "too-large")
    }

    public var code: Code
    /// Absolute byte offset of the offending field in the parsed buffer.
    public var offset: Int
    /// Where in the message: `""` for the header, else e.g. `"SA > proposal 2 > transform 3"`.
    public var path: String
    /// A human-readable explanation.
    public var message: String

    public init(_ code: Code, at offset: Int, path: String = "", _ message: String) {
        self.code = code
        self.offset = offset
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isEmpty
            ? "\(code) at offset \(offset): \(message)"
            : "\(code) at offset \(offset) in \(path): \(message)"
    }

    /// The same error with `component` prepended to its path (used when an error from a
    /// sub-structure propagates up).
    @usableFromInline package func within(_ component: String) -> IKEError {
        var e = self
        e.path = path.isEmpty ? component : component + " > " + path
        return e
    }
}
