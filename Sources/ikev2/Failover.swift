import ArgumentParser
import Foundation
import IKEv2
import IKEv2Capture
import IKEv2Crypto
import IKEv2HA
import IKEv2Report

/// `ikev2 failover`: per IKE SA, what happened around an HA failover and what went wrong
/// (RFC 7296 §2.1-§2.3 Message IDs, RFC 6311 sync, the reset extension, ESP sequence numbers).
struct Failover: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, jsonl, html
    }

    enum TimelineScope: String, ExpressibleByArgument, CaseIterable {
        case all, notable
    }

    static let configuration = CommandConfiguration(
        abstract: "Judge an HA gateway failover: per IKE SA timeline, takeover, RFC 6311 sync/reset exchanges, ESP, anomalies.",
        discussion: """
            Without --keys only header-level checks run (Message ID reuse, regression, windows,
            takeover by MAC/TTL/IP ID); capabilities and sync contents then show as unknown.
            Examples:
              ikev2 failover failover.pcap --keys failover.keys
              ikev2 failover failover.pcap --keys failover.keys --format json | jq '.sas[].anomalies'
              ikev2 failover big.pcap --max-sas 20000 --filter 'host 203.0.113.1'
              ikev2 failover member1.pcap member2.pcap peer.pcapng --keys failover.keys
              ikev2 failover -i eth0 --filter 'udp port 500 or udp port 4500' -w drill.pcap   (Ctrl-C: report)
              ikev2 failover failover.pcap --keys failover.keys --format html -o report.html
            """
    )

    @OptionGroup var input: CaptureArguments

    @Option(name: .long, help: "Output format: text (default on a terminal), json (one document, default when piped), jsonl (one line per IKE SA as soon as it ends, then a summary line; memory set by the live SAs) or html (a self-contained page; default for -o *.html).")
    var format: Format?

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write the report to FILE (atomically: a temporary file renamed) instead of standard output.", valueName: "FILE"))
    var output: String?

    @Flag(name: .long, help: "Print each finding (anomaly, sync/reset, takeover evidence) as soon as it is known: a JSON line, or a text line on a terminal; then the usual report.")
    var follow = false

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("An IKE SA with no packet for this many seconds of capture time is ended and its report made final.", valueName: "SECONDS"))
    var idleTimeout: Int = 3600

    @Option(name: .customLong("reset-notify-type"), help: ArgumentHelp("Notify number of the private Message-ID reset extension (default 49374; its SUPPORTED notify is N-1).", valueName: "N"))
    var resetNotifyType: UInt16?

    @Option(name: .customLong("max-sas"), help: "Most IKE SAs tracked at once; the least recently seen is evicted (and counted).")
    var maxSAs: Int = 100_000

    @Option(name: .customLong("max-timeline"), help: "Most timeline entries kept per IKE SA.")
    var maxTimeline: Int = 512

    @Option(name: .customLong("timeline"), help: "Timeline entries kept per IKE SA: all, or notable (everything but plain requests and the responses answering them, which are only counted). Default: notable for jsonl (memory set by the live SAs), all otherwise.")
    var timeline: TimelineScope?

    @Option(name: .customLong("esp-jump-threshold"), help: "A forward ESP/AH sequence step above this is a jump.")
    var espJumpThreshold: UInt32 = 4096

    @Option(name: .customLong("max-esp-rate"), help: "Packets per second one SA plausibly sends: after a silence, a forward ESP/AH step within this rate is unseen traffic, not a jump.")
    var maxESPRate: UInt64 = 2_000_000

    @Option(name: .customLong("replay-window"), help: "The ESP/AH anti-replay window (RFC 4303 §3.4.3): reordering inside it is not a regression (1-4096).")
    var replayWindow: UInt64 = 64

    @Option(name: .customLong("replay-delta-slack"), help: "Packets the capture may miss before a peer's IPSEC_REPLAY_COUNTER_SYNC jump that still count as that delta.")
    var replayDeltaSlack: UInt64 = HARules.defaultReplayDeltaSlack

    @Option(name: .customLong("same-message-window"), help: ArgumentHelp("Several captures: copies of one IKE message (identical bytes) or ESP packet (same SPI and sequence) seen at different capture points within this many milliseconds are one observation.", valueName: "MS"))
    var sameMessageWindow: Int = 500

    func run() throws {
        guard maxSAs > 0 else { throw CLIError.usage("--max-sas must be positive") }
        guard maxTimeline >= 0 else { throw CLIError.usage("--max-timeline must not be negative") }
        var options = FailoverPipeline.Options()
        options.analyzer.maxSAs = maxSAs
        options.analyzer.maxTimelineEntriesPerSA = maxTimeline
        options.analyzer.espJumpThreshold = espJumpThreshold
        guard (1...4096).contains(replayWindow) else { throw CLIError.usage("--replay-window must be 1 to 4096") }
        options.analyzer.replayWindow = replayWindow
        options.analyzer.maxPacketsPerSecond = maxESPRate
        options.analyzer.replayDeltaSlack = replayDeltaSlack
        if let n = resetNotifyType {
            guard n > 40960, let d = NotifyDecoder(resetSupportedType: NotifyType(rawValue: n - 1), resetType: NotifyType(rawValue: n)) else {
                throw CLIError.usage("--reset-notify-type must be a private-use status number above 40960")
            }
            options.analyzer.notifyDecoder = d
        }
        guard sameMessageWindow >= 0, sameMessageWindow <= 86_400_000 else {
            throw CLIError.usage("--same-message-window must be between 0 and 86400000 ms")
        }
        options.sameMessageWindowNanoseconds = Int64(sameMessageWindow) * 1_000_000
        guard idleTimeout > 0, idleTimeout <= 31_536_000 else { throw CLIError.usage("--idle-timeout must be 1 to 31536000 seconds") }
        options.analyzer.idleTimeoutNanos = Int64(idleTimeout) * 1_000_000_000
        let chosen = format ?? (output?.hasSuffix(".html") == true ? .html : output == nil && isatty(1) != 0 ? .text : .json)
        options.analyzer.routineTimeline = (timeline ?? (chosen == .jsonl ? .notable : .all)) == .all
        let keys = try input.keyTable()
        let pipeline = FailoverPipeline(options: options, keys: keys)
        // jsonl: a line per SA as soon as it ends, in that order, to standard output (64 KB chunks
        // from files, line by line from a live interface or with --follow) or gathered for -o.
        let lines = LineOutput(immediate: input.interface != nil || follow, gather: output != nil)
        if chosen == .jsonl {
            pipeline.analyzer.onRetire = { sa in
                lines.add { FailoverJSONRenderer().renderLine(sa, into: &$0) }
            }
        }
        if follow {
            let stream = FailoverStreamRenderer(json: isatty(1) == 0)
            pipeline.analyzer.onFinding = { f in
                var line = OutputBuffer(capacity: 512)
                stream.render(f, into: &line)
                line.flush(to: 1)
            }
        }
        let (reader, writer) = try input.openReader()
        let progress: ((Int) -> Void)? = Stderr.isTerminal && isatty(1) == 0 ? { n in Stderr.line("… \(n) packets") } : nil
        // A capture error: report what was read before the damage, then fail.
        let failure = try input.read(reader, writer: writer, { try pipeline.run(reader: reader, progress: progress) })
        if reader.sources.count > 1 {
            let c = pipeline.counts
            Stderr.line("ikev2: \(reader.sources.count) capture points: \(c.ikeSightings) IKE and \(c.espSightings) ESP further sightings folded into their first copy"
                        + (c.sightingsEvicted > 0 ? " (\(c.sightingsEvicted) packets forgotten early: sighting table full)" : ""))
        }
        let info = FailoverRunInfo(keysGiven: keys != nil, counts: pipeline.counts)
        if chosen == .jsonl {
            // The SAs still live are written as they are finished, then the summary line.
            let rest = pipeline.finish { sa in lines.add { FailoverJSONRenderer().renderLine(sa, into: &$0) } }
            lines.add { FailoverJSONRenderer().renderSummaryLine(rest, info: info, into: &$0) }
            if let output { try ReportFile.write(lines.gathered, to: output) } else { lines.flush() }
            if let failure { throw failure }
            return
        }
        let report = pipeline.finish()
        var out = OutputBuffer()
        switch chosen {
        case .json: FailoverJSONRenderer().render(report, info: info, into: &out)
        case .text: FailoverTextRenderer().render(report, info: info, into: &out)
        case .jsonl:
            break  // written above
        case .html:
            let title = input.interface ?? input.captures.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ")
            FailoverHTMLRenderer(title: title).render(report, info: info, into: &out)
        }
        if let output { try ReportFile.write(out.bytes, to: output) } else { out.flush(to: 1) }
        if let failure { throw failure }
    }
}

/// Output of a line format: to standard output in chunks (one write per 64 KB), or line by line
/// when each should be seen at once (live capture, `--follow`); or gathered whole for `-o`.
final class LineOutput {
    private var out = OutputBuffer()
    private let immediate: Bool
    private let gather: Bool

    init(immediate: Bool, gather: Bool) {
        self.immediate = immediate
        self.gather = gather
    }

    func add(_ render: (inout OutputBuffer) -> Void) {
        render(&out)
        guard !gather else { return }
        if immediate { out.flush(to: 1) } else { out.flushIfNeeded(to: 1) }
    }

    func flush() { out.flush(to: 1) }

    var gathered: [UInt8] { out.bytes }
}
