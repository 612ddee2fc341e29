import IKEv2
import IKEv2Capture
import IKEv2Crypto
import IKEv2HA

/// The `failover` pipeline as a library: capture events -> (decrypted) observations ->
/// `FailoverAnalyzer` -> `FailoverReport`. The CLI only parses arguments and calls `run`.
///
/// ```swift
/// let pipeline = FailoverPipeline(keys: try IKEKeyTable(parsing: keyText))
/// try pipeline.run(reader: try CaptureReader(path: "failover.pcap"))
/// let report = pipeline.finish()
/// var out = OutputBuffer()
/// FailoverJSONRenderer().render(report, into: &out)
/// ```
public final class FailoverPipeline {
    public struct Options: Sendable {
        public var analyzer = FailoverAnalyzer.Options()
        public var fragmentLimits = FragmentReassembler.Limits()
        /// With several capture points: copies of one IKE message (identical bytes) or ESP
        /// packet (same SPI and sequence number) seen at different points within this many
        /// nanoseconds of the first copy are one observation (`Counts.ikeSightings`).
        public var sameMessageWindowNanoseconds: Int64 = 500_000_000
        public init() {}
    }

    /// Counts of what the pipeline could not hand to the analyzer.
    public struct Counts: Sendable, Hashable {
        /// Datagrams that did not parse as IKE messages.
        public var malformed = 0
        /// IKEv1 messages (not analysed).
        public var ikev1 = 0
        /// SKF fragments held or dropped while waiting for the rest of their message.
        public var fragmentsHeld = 0
        /// Further sightings of an IKE message / ESP packet at another capture point, folded
        /// into the first (see `Options.sameMessageWindowNanoseconds`).
        public var ikeSightings = 0
        public var espSightings = 0
        /// Packets forgotten early by the bounded sighting table (their later copies may have
        /// been analysed as separate observations).
        public var sightingsEvicted = 0
        public init() {}
    }

    public let options: Options
    public let keys: IKEKeyTable?
    public let analyzer: FailoverAnalyzer
    var resolver: ContentResolver
    /// The text of recently seen addresses (consecutive packets mostly share them).
    var addresses = RecentAddressText()
    public private(set) var counts = Counts()

    public init(options: Options = Options(), keys: IKEKeyTable? = nil) {
        self.options = options
        self.keys = keys
        analyzer = FailoverAnalyzer(options: options.analyzer)
        resolver = ContentResolver(keys: keys, fragmentLimits: options.fragmentLimits)
    }

    /// The sender's identity as the capture shows it.
    public static func host(_ m: PacketMeta, source: Bool) -> FailoverHost {
        var cache = RecentAddressText()
        return host(m, source: source, cache: &cache)
    }

    static func host(_ m: PacketMeta, source: Bool, cache: inout RecentAddressText) -> FailoverHost {
        FailoverHost(address: cache.text(source ? m.source : m.destination),
                     port: source ? m.sourcePort : m.destinationPort,
                     mac: source ? m.sourceMAC?.rawValue : m.destinationMAC?.rawValue,
                     ttl: source && m.ipVersion != 0 ? m.ttl : nil,
                     ipID: source && m.ipVersion == 4 ? m.ipID : nil)
    }

    /// Feeds one IKE message (the bytes of an `.ike` capture event). Never throws: malformed
    /// messages are counted.
    public func ingest(_ bytes: RawSpan, meta: PacketMeta) {
        let message: IKEMessageView
        do {
            message = try IKEMessageView(parsing: bytes, allowTrailing: true)
        } catch {
            counts.malformed += 1
            return
        }
        let h = message.header
        guard !h.isIKEv1 else {
            counts.ikev1 += 1
            return
        }
        // The outer chain: visible payloads, and whether SK / SKF is present.
        var outer = FailoverVisibleContent(payloadTypes: [], notifies: [])
        var encrypted = false
        var fragment: (number: UInt16, total: UInt16)? = nil
        var it = message.payloads
        do {
            while let p = try it.next() {
                switch p.type {
                case .encrypted:
                    encrypted = true
                case .encryptedFragment:
                    encrypted = true
                    let f = try p.encryptedFragment()
                    fragment = (f.fragmentNumber, f.totalFragments)
                default:
                    outer.payloadTypes.append(p.type)
                    Self.collect(p, protected: false, into: &outer)
                }
            }
        } catch {
            counts.malformed += 1
            return
        }
        var content = FailoverContent.visible(outer)
        var digest = Self.digest(bytes)
        var digestComparable = true
        let frame = meta.frameNumber
        if encrypted {
            // RFC 7383: one observation per message, not per fragment.
            switch resolver.resolve(message) {
            case .cleartext:
                break
            case .decrypted(let plaintext, let first):
                content = Self.inner(plaintext, first: first, outer: outer)
                // Reassembled: compare the content, not one fragmentation's bytes (RFC 7383 §2.5.3).
                if fragment != nil { digest = Self.digest(plaintext.span.bytes) }
            case .noKeyTable, .keysMissing:
                content = .keysMissing
            case .pendingFragments(let number, _, _, _):
                // With keys, the message is observed once complete; without, its first fragment
                // stands for it, and another fragmentation of it has other bytes.
                guard keys?.keys(for: h) == nil, number == 1 else {
                    counts.fragmentsHeld += 1
                    return
                }
                content = .keysMissing
                digestComparable = false
            case .failed(_, let reason):
                content = .undecryptable(reason)
            }
        }
        analyzer.observe(FailoverMessageObservation(
            frame: frame, timeNanos: meta.timestampNanoseconds, initiatorSPI: h.initiatorSPI,
            responderSPI: h.responderSPI, sender: h.isInitiator ? .initiator : .responder, isResponse: h.isResponse,
            messageID: h.messageID, exchange: h.exchangeType, digest: digest, digestComparable: digestComparable,
            source: Self.host(meta, source: true, cache: &addresses),
            destination: Self.host(meta, source: false, cache: &addresses), content: content))
    }

    /// Feeds one ESP (IP protocol 50, also UDP-encapsulated) or AH (51) packet.
    public func ingestESP(spi: UInt32, sequence: UInt32, ipProtocol: UInt8 = 50, digest: UInt64 = 0, meta: PacketMeta) {
        analyzer.observe(FailoverESPObservation(frame: meta.frameNumber, timeNanos: meta.timestampNanoseconds, spi: spi,
                                                sequence: sequence, ipProtocol: ipProtocol, digest: digest,
                                                source: Self.host(meta, source: true, cache: &addresses),
                                                destination: Self.host(meta, source: false, cache: &addresses)))
    }

    /// Reads a whole capture. Throws `CaptureError` when the file cannot be read further;
    /// everything read before the damage has been analysed by then.
    /// With several captures, copies of a packet seen at several points are folded first.
    public func run(reader: CaptureReader, progress: ((Int) -> Void)? = nil) throws {
        var count = 0
        var sightings = reader.sources.count > 1 ? SightingFilter(windowNanoseconds: options.sameMessageWindowNanoseconds) : nil
        defer { counts.sightingsEvicted += sightings?.evicted ?? 0 }
        try reader.forEach { event in
            switch event.kind {
            case .ike:
                if sightings?.isRepeat(ike: event.bytes, meta: event.meta) == true { counts.ikeSightings += 1; return }
                ingest(event.bytes, meta: event.meta)
            case .esp(let spi, let sequence):
                if sightings?.isRepeat(espSPI: spi, sequence: sequence, meta: event.meta) == true { counts.espSightings += 1; return }
                ingestESP(spi: spi, sequence: sequence, digest: Self.shortDigest(event.bytes), meta: event.meta)
            case .ah(let spi, let sequence):
                if sightings?.isRepeat(espSPI: spi, sequence: sequence, meta: event.meta) == true { counts.espSightings += 1; return }
                ingestESP(spi: spi, sequence: sequence, ipProtocol: 51, digest: Self.shortDigest(event.bytes), meta: event.meta)
            default:
                return
            }
            count += 1
            if let progress, count % 100_000 == 0 { progress(count) }
        }
    }

    /// The analysis of everything fed so far.
    public func finish() -> FailoverReport {
        analyzer.finish()
    }

    /// Like `finish()`, handing each SA still live to `body` and freeing it
    /// (`FailoverAnalyzer.finish(handing:)`): for line-by-line output of large runs.
    public func finish(handing body: (FailoverSAReport) -> Void) -> FailoverReport {
        analyzer.finish(handing: body)
    }

    // MARK: Content

    /// What one payload adds to the visible content: notifies, ESP/AH proposals (SPI and ESN),
    /// an IKE proposal's SPI (a rekey), a Delete of the IKE SA.
    static func collect(_ p: borrowing PayloadView, protected: Bool, into c: inout FailoverVisibleContent) {
        switch p.type {
        case .notify:
            if let n = try? p.notify() { c.notifies.append(SeenNotify(NotifyPayload(n), protected: protected)) }
        case .securityAssociation:
            guard let sa = try? p.securityAssociation() else { return }
            var props = sa.proposals
            while let prop = try? props.next() {
                if prop.protocolID == .ike, prop.spiSize == 8, let v = prop.spiValue {
                    c.ikeProposalSPI = v
                    continue
                }
                guard prop.protocolID == .esp || prop.protocolID == .ah, prop.spiSize == 4, let v = prop.spiValue else { continue }
                // Transform type 5 (RFC 7296 §3.3.2): only ESN, only 32-bit, or both offered.
                var esn = false, noESN = false
                var ts = prop.transforms
                while let t = try? ts.next() {
                    guard t.type == .sequenceNumbers else { continue }
                    if t.id == SequenceNumbersType.noESN.rawValue { noESN = true } else { esn = true }
                }
                let choice: Bool? = esn == noESN ? (esn ? nil : false) : esn
                c.childProposals.append(FailoverChildProposal(spi: UInt32(truncatingIfNeeded: v),
                                                              ipProtocol: prop.protocolID == .ah ? 51 : 50,
                                                              extendedSequenceNumbers: choice))
            }
        case .delete:
            if let d = try? p.delete(), d.protocolID == .ike { c.deletesIKESA = true }
        default:
            break
        }
    }

    /// The visible content of a decrypted message: outer payloads plus the inner chain.
    static func inner(_ plaintext: [UInt8], first: PayloadType, outer: FailoverVisibleContent) -> FailoverContent {
        var c = outer
        let span = plaintext.span.bytes
        var it = PayloadIterator(message: span, first: first, start: 0, inside: .encrypted)
        while let p = try? it.next() {
            c.payloadTypes.append(p.type)
            collect(p, protected: true, into: &c)
        }
        return .visible(c)
    }

    /// A 64-bit digest of an ESP/AH packet (never 0, which means unknown): duplicate (same
    /// bytes) or reused counter.
    static func shortDigest(_ bytes: RawSpan) -> UInt64 {
        let a = ByteDigest(bytes).a
        return a == 0 ? 1 : a
    }

    /// The digest of a message's bytes: retransmission (identical bytes, RFC 7296 §2.1) or reuse.
    static func digest(_ bytes: RawSpan) -> MessageDigest {
        let d = ByteDigest(bytes)
        return MessageDigest(high: d.a, low: d.b)
    }
}

/// A small cache of address text: formatting an address for every packet costs more than
/// remembering the last few.
struct RecentAddressText {
    private var entries: [(address: IPAddress, text: String)] = []
    private var next = 0

    mutating func text(_ a: IPAddress) -> String {
        for e in entries where e.address == a { return e.text }
        let t = a.description
        if entries.count < 4 {
            entries.append((a, t))
        } else {
            entries[next] = (a, t)
            next = (next + 1) % 4
        }
        return t
    }
}
