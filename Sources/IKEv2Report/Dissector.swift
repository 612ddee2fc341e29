import IKEv2
import IKEv2Capture
import IKEv2Crypto

/// The `dissect` pipeline as a library: capture events -> IKE messages -> (decrypted) payloads
/// -> rendered output. The CLI only parses arguments and calls `run`.
public final class Dissector {
    public enum Format: String, Sendable, CaseIterable {
        case line, text, json
    }

    public struct Options: Sendable {
        public var format: Format = .line
        /// Render only this frame (the others are still read, for fragment reassembly).
        public var frame: Int? = nil
        /// Offsets in the text tree.
        public var verbose = false
        public var notifyDecoder = NotifyDecoder()
        public var fragmentLimits = FragmentReassembler.Limits()
        public init() {}
    }

    /// Counts of what was seen, for the closing summary and tests.
    public struct Summary: Sendable, Hashable {
        public var messages = 0
        public var malformed = 0
        public var decrypted = 0
        public var decryptionFailures = 0
    }

    public let options: Options
    public let keys: IKEKeyTable?
    var resolver: ContentResolver
    let json: JSONRenderer
    let line: LineRenderer
    let text: TextRenderer
    public private(set) var summary = Summary()

    public init(options: Options = Options(), keys: IKEKeyTable? = nil) {
        self.options = options
        self.keys = keys
        resolver = ContentResolver(keys: keys, fragmentLimits: options.fragmentLimits)
        let display = NotifyDisplay(decoder: options.notifyDecoder)
        json = JSONRenderer(notifyDisplay: display)
        line = LineRenderer(notifyDisplay: display)
        text = TextRenderer(verbose: options.verbose, notifyDisplay: display)
    }

    /// Renders one IKE message (the bytes of a `.ike` capture event) into `out`. Malformed
    /// messages are rendered with their errors; nothing here throws.
    public func dissect(_ bytes: RawSpan, meta: MessageMeta, into out: inout OutputBuffer) {
        let shown = options.frame.map { $0 == meta.frame } ?? true
        let message: IKEMessageView
        do {
            message = try IKEMessageView(parsing: bytes)
        } catch {
            summary.messages += 1
            summary.malformed += 1
            guard shown else { return }
            switch options.format {
            case .json: json.renderUnparsed(error, header: IKEHeader.peek(bytes), meta: meta, into: &out)
            case .line: line.renderUnparsed(error, meta: meta, into: &out)
            case .text: text.renderUnparsed(error, meta: meta, into: &out)
            }
            return
        }
        summary.messages += 1
        let inner = innerPayloads(message)
        guard shown else { return }
        switch options.format {
        case .json: json.render(message, meta: meta, inner: inner, into: &out)
        case .line: line.render(message, meta: meta, inner: inner, into: &out)
        case .text: text.render(message, meta: meta, inner: inner, into: &out)
        }
    }

    /// The message's SK/SKF content, resolved by the shared `ContentResolver`.
    func innerPayloads(_ message: borrowing IKEMessageView) -> InnerPayloads {
        guard !message.header.isIKEv1 else { return .notAttempted }
        switch resolver.resolve(message) {
        case .cleartext, .noKeyTable:
            return .notAttempted
        case .decrypted(let plaintext, let first):
            summary.decrypted += 1
            return .decrypted(plaintext: plaintext, first: first)
        case .keysMissing:
            return .noKeys
        case .pendingFragments(_, let received, let total, let allHeld):
            // All fragments are here, but this SA has no row in the key table.
            return allHeld && resolver.keys != nil ? .noKeys : .fragmentPending(received: received, total: total)
        case .failed(_, let reason):
            summary.decryptionFailures += 1
            return .failed(reason)
        }
    }

    /// Reads a whole capture and writes the rendering to file descriptor `fd`, flushing in
    /// chunks. Throws `CaptureError` when the file cannot be read further; everything read
    /// before the damage has been written by then. With several captures (merged by time)
    /// each message carries its capture's name (`MessageMeta.captureSource`).
    public func run(reader: CaptureReader, fd: Int32, progress: ((Int) -> Void)? = nil) throws {
        var out = OutputBuffer()
        defer { out.flush(to: fd) }
        var count = 0
        let sources = reader.sources
        try reader.forEach { event in
            guard case .ike = event.kind else { return }
            var meta = MessageMeta(event.meta)
            if sources.count > 1, sources.indices.contains(event.meta.captureIndex) {
                meta.captureSource = sources[event.meta.captureIndex]
            }
            dissect(event.bytes, meta: meta, into: &out)
            out.flushIfNeeded(to: fd)
            count += 1
            if let progress, count % 100_000 == 0 { progress(count) }
        }
    }
}

extension MessageMeta {
    /// The report-side view of what the capture layer knows about a packet.
    public init(_ m: PacketMeta) {
        let transport: String = switch m.transport {
        case .udp: "udp"
        case .udpNATT: "udp-natt"
        case .tcp: "tcp"
        case .ip: "ip"
        case .none: "none"
        }
        self.init(frame: m.frameNumber, timeNanos: m.timestampNanoseconds, source: m.source.description,
                  destination: m.destination.description, sourcePort: m.sourcePort,
                  destinationPort: m.destinationPort, transport: transport, reassembled: m.isReassembled)
    }
}
