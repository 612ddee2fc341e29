import ArgumentParser
import Foundation
import IKEv2
import IKEv2Capture
import IKEv2Crypto
import IKEv2Report

/// `ikev2`: see what went over the wire when an IPsec gateway failed over.
@main
struct IKEv2Tool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ikev2",
        abstract: "Dissect IKEv2 captures and judge HA gateway failovers (RFC 7296, RFC 6311).",
        discussion: """
            Exit status: 0 on success (also when a live capture is ended by SIGINT or SIGTERM),
            1 if a capture or interface cannot be read, 2 on bad usage (including key files).
            Malformed IKE messages are reported in the output; they do not abort the run.
            """,
        subcommands: [Dissect.self, Failover.self, Synth.self, Mutate.self, Takeover.self],
        defaultSubcommand: nil
    )

    /// Runs the tool with the project's exit codes (argument errors are 2, not 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let e as CLIError {
            Stderr.line("ikev2: \(e.message)")
            Foundation.exit(e.code)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            Stderr.line(fullMessage(for: error))
            Foundation.exit(2)
        }
    }
}

/// An error with its exit status.
struct CLIError: Error {
    var code: Int32
    var message: String
    static func usage(_ m: String) -> CLIError { CLIError(code: 2, message: m) }
    static func capture(_ m: String) -> CLIError { CLIError(code: 1, message: m) }
}

/// Unbuffered lines on standard error (Swift 6 forbids touching C's global `stderr`).
enum Stderr {
    static func line(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
    static var isTerminal: Bool { isatty(2) != 0 }
}

/// Options shared by the commands that read a capture.
struct CaptureArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("pcap or pcapng files (several are merged by timestamp; - reads standard input).", valueName: "capture"))
    var captures: [String] = []

    @Option(name: [.customShort("i"), .customLong("interface")], help: ArgumentHelp("Capture live on this interface instead of reading files.", valueName: "IFACE"))
    var interface: String?

    @Option(name: [.customShort("c"), .customLong("count")], help: ArgumentHelp("Stop after N packets (records read).", valueName: "N"))
    var count: Int?

    @Option(name: .long, help: ArgumentHelp("Stop after S seconds (live capture; wall-clock time).", valueName: "S"))
    var duration: Double?

    @Option(name: .customShort("w"), help: ArgumentHelp("Also write every packet read to this pcap (written atomically at the end).", valueName: "FILE"))
    var write: String?

    @Flag(name: .long, help: "Live capture: put the interface in promiscuous mode (off by default).")
    var promisc = false

    @Option(name: .long, help: ArgumentHelp("Live capture: bytes kept per packet.", valueName: "BYTES"))
    var snaplen: Int = 262_144

    @Option(name: .long, help: ArgumentHelp("A BPF filter applied to every record (tcpdump syntax).", valueName: "BPF"))
    var filter: String?

    @Option(name: .long, help: ArgumentHelp("Extra UDP ports that carry IKE directly (comma-separated).", valueName: "LIST"))
    var ports: String?

    @Option(name: .customLong("natt-ports"), help: ArgumentHelp("Extra UDP ports that carry NAT-T (non-ESP marker) traffic.", valueName: "LIST"))
    var nattPorts: String?

    @Option(name: .long, help: ArgumentHelp("A key file: Wireshark's ikev2_decryption_table or tcpdump's 'ikev2 I|R' lines.", valueName: "FILE"))
    var keys: String?

    func captureOptions() throws -> CaptureOptions {
        var o = CaptureOptions()
        o.ikePorts.formUnion(try Self.portList(ports, "--ports"))
        o.nattPorts.formUnion(try Self.portList(nattPorts, "--natt-ports"))
        return o
    }

    static func portList(_ text: String?, _ flag: String) throws -> Set<UInt16> {
        guard let text else { return [] }
        var out: Set<UInt16> = []
        for part in text.split(separator: ",") {
            guard let p = UInt16(part.trimmingCharacters(in: .whitespaces)), p > 0 else {
                throw CLIError.usage("\(flag): '\(part)' is not a port number")
            }
            out.insert(p)
        }
        return out
    }

    func keyTable() throws -> IKEKeyTable? {
        guard let keys else { return nil }
        // The error names the file and the reason (missing, a directory, empty, line and column).
        do { return try IKEKeyTable(contentsOfFile: keys) } catch {
            throw CLIError.usage("\(error)")
        }
    }

    /// What the errors call the input: the file, the files, or the interface.
    var inputName: String {
        if let interface { return interface }
        return captures.count == 1 ? captures[0] : captures.joined(separator: ", ")
    }

    /// Opens the files or the interface, with `-c`, `--duration` and `-w` applied. Prints
    /// tcpdump's "listening on" line for a live capture once it is ready.
    func openReader() throws -> (CaptureReader, CaptureWriter?) {
        if interface != nil && !captures.isEmpty {
            throw CLIError.usage("give capture files or -i INTERFACE, not both")
        }
        if interface == nil && captures.isEmpty {
            throw CLIError.usage("give a capture file (or several, or - for standard input) or -i INTERFACE")
        }
        if let count, count <= 0 { throw CLIError.usage("-c must be a positive number of packets") }
        if let duration, !(duration > 0 && duration < 1e9) { throw CLIError.usage("--duration must be a positive number of seconds") }
        guard snaplen > 0, snaplen <= 262_144 else { throw CLIError.usage("--snaplen must be between 1 and 262144") }
        let options = try captureOptions()
        let opened: Result<CaptureReader, CaptureError>
        if let interface {
            var live = LiveCaptureOptions()
            live.promiscuous = promisc
            live.snapLength = snaplen
            opened = Result { () throws(CaptureError) in try CaptureReader(interface: interface, filter: filter, options: options, live: live) }
        } else {
            opened = Result { () throws(CaptureError) in try CaptureReader(paths: captures, filter: filter, options: options) }
        }
        let reader: CaptureReader
        switch opened {
        case .success(let r): reader = r
        case .failure(let e): throw Self.openError(e, interface: interface, captures: captures)
        }
        reader.packetLimit = count
        reader.durationLimit = duration
        var writer: CaptureWriter? = nil
        if let write {
            switch Result(catching: { () throws(CaptureError) in try reader.tee(to: write) }) {
            case .success(let w): writer = w
            case .failure(let e):
                throw e.code == .invalidArgument ? CLIError.usage("-w: \(e.message)") : CLIError.capture("-w \(write): \(e.message)")
            }
        }
        if let interface {
            Stderr.line("ikev2: listening on \(interface), link-type \(reader.linkType.rawValue), snapshot length \(reader.snapLength) bytes")
        }
        return (reader, writer)
    }

    static func openError(_ e: CaptureError, interface: String?, captures: [String]) -> CLIError {
        switch e.code {
        case .badFilter: return CLIError.usage("bad filter: \(e.message)")
        case .invalidArgument: return CLIError.usage(e.message)
        default:
            let name = interface.map { "interface \($0)" } ?? (captures.count == 1 ? captures[0] : "")
            return CLIError.capture(name.isEmpty || e.message.contains(name) ? e.message : "\(name): \(e.message)")
        }
    }

    /// Runs `body` (the read) with SIGINT and SIGTERM ending the read cleanly, then commits
    /// the `-w` file. A capture error during the read is returned, not thrown, so that the
    /// caller can still print the report of what was read.
    func read(_ reader: CaptureReader, writer: CaptureWriter?, _ body: () throws -> Void) throws -> CLIError? {
        let signals = SignalStop(stopper: reader.stopper)
        defer { signals.cancel() }
        var failure: CLIError? = nil
        do {
            try body()
        } catch let e as CaptureError {
            if captures.count > 1 {
                // The message starts with the damaged file's name.
                failure = CLIError.capture("\(e.message) (\(e.code.rawValue) at frame \(e.frameNumber)\(e.byteOffset >= 0 ? ", byte \(e.byteOffset)" : ""))")
            } else {
                failure = CLIError.capture("\(inputName): frame \(e.frameNumber): \(e)")
            }
        }
        if let writer {
            do { try writer.commit() } catch { throw CLIError.capture("-w \(writer.path): \(error.message)") }
        }
        if !reader.isLive, reader.stopper.isStopped, reader.durationLimit == nil {
            Stderr.line("ikev2: interrupted after \(reader.framesRead) records: the output covers those only")
        }
        if let drops = reader.liveDrops {
            Stderr.line("ikev2: \(reader.framesRead) packets captured, \(drops.received) received by filter, \(drops.dropped) dropped by kernel")
        }
        return failure
    }
}

/// Ends a read on SIGINT or SIGTERM: the signals are handled on a dispatch queue (not in the
/// signal context), which calls `CaptureStopper.stop` (an atomic flag and `pcap_breakloop`).
final class SignalStop {
    private var sources: [any DispatchSourceSignal] = []

    init(stopper: CaptureStopper) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stopper.stop() }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for s in sources { s.cancel() }
        sources = []
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

struct Dissect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every IKE message of a capture: one line each, a full tree, or JSON Lines.",
        discussion: """
            Examples:
              ikev2 dissect vpn.pcap
              ikev2 dissect vpn.pcapng --filter 'udp port 4500' --format text -v
              ikev2 dissect failover.pcap --keys failover.keys --format json | jq .message_id
              ikev2 dissect nat.pcap --natt-ports 14500 --frame 12 --format text
              ikev2 dissect -i eth0 -c 100 --filter 'udp port 500 or udp port 4500'
              tcpdump -w - -U udp port 500 | ikev2 dissect -
            """
    )

    @OptionGroup var input: CaptureArguments

    @Option(name: .long, help: "Output format: line (default on a terminal), text or json (default when piped).")
    var format: Dissector.Format?

    @Option(name: .long, help: "Show only this frame number (tshark numbering).")
    var frame: Int?

    @Option(name: .customLong("reset-notify-type"), help: ArgumentHelp("Notify number of the private Message-ID reset extension (default 49374; its SUPPORTED notify is N-1).", valueName: "N"))
    var resetNotifyType: UInt16?

    @Flag(name: .shortAndLong, help: "Show byte offsets in the text tree.")
    var verbose = false

    func run() throws {
        var options = Dissector.Options()
        options.format = format ?? (isatty(1) != 0 ? .line : .json)
        options.frame = frame
        options.verbose = verbose
        if let n = resetNotifyType {
            guard n > 40960, let d = NotifyDecoder(resetSupportedType: NotifyType(rawValue: n - 1), resetType: NotifyType(rawValue: n)) else {
                throw CLIError.usage("--reset-notify-type must be a private-use status number above 40960")
            }
            options.notifyDecoder = d
        }
        let dissector = Dissector(options: options, keys: try input.keyTable())
        let (reader, writer) = try input.openReader()
        let progress: ((Int) -> Void)? = Stderr.isTerminal && isatty(1) == 0 ? { n in Stderr.line("… \(n) messages") } : nil
        if let failure = try input.read(reader, writer: writer, { try dissector.run(reader: reader, fd: 1, progress: progress) }) {
            throw failure
        }
    }
}

extension Dissector.Format: ExpressibleByArgument {}
