/// Where and when a message was seen: what the capture layer knows about one IKE message.
/// Renderers take it as plain values so they can be tested without a capture.
public struct MessageMeta: Sendable, Hashable {
    /// Frame number, 1-based, counting every record of the capture (as tshark does). A message
    /// rebuilt from fragments or segments carries the frame that completed it.
    public var frame: Int
    /// Nanoseconds since the Unix epoch.
    public var timeNanos: Int64
    public var source: String
    public var destination: String
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// `udp`, `udp-natt` (UDP with the non-ESP marker), or `tcp` (RFC 8229).
    public var transport: String
    /// Rebuilt from IP fragments or TCP segments.
    public var reassembled: Bool
    /// The capture file (or interface) the message was read from, set when several captures
    /// are read together; `frame` counts within it.
    public var captureSource: String? = nil

    public init(frame: Int, timeNanos: Int64 = 0, source: String = "", destination: String = "",
                sourcePort: UInt16 = 500, destinationPort: UInt16 = 500, transport: String = "udp",
                reassembled: Bool = false) {
        self.frame = frame
        self.timeNanos = timeNanos
        self.source = source
        self.destination = destination
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.transport = transport
        self.reassembled = reassembled
    }
}
