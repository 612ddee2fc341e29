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
            Exit status: 0 on success, 1 if the capture cannot be read, 2 on bad usage.
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
    @Argument(help: "A pcap or pcapng file.")
    var capture: String

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
        let text: String
        do { text = try String(contentsOfFile: keys, encoding: .utf8) } catch {
            throw CLIError.usage("cannot read key file \(keys): \(error.localizedDescription)")
        }
        do { return try IKEKeyTable(parsing: text) } catch {
            throw CLIError.usage("\(keys): \(error)")
        }
    }

    func openReader() throws -> CaptureReader {
        do {
            return try CaptureReader(path: capture, filter: filter, options: try captureOptions())
        } catch let e as CaptureError {
            if e.code == .badFilter { throw CLIError.usage("bad filter: \(e.message)") }
            throw CLIError.capture("\(capture): \(e)")
        }
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
        let reader = try input.openReader()
        let progress: ((Int) -> Void)? = Stderr.isTerminal && isatty(1) == 0 ? { n in Stderr.line("… \(n) messages") } : nil
        do {
            try dissector.run(reader: reader, fd: 1, progress: progress)
        } catch let e as CaptureError {
            throw CLIError.capture("\(input.capture): frame \(e.frameNumber): \(e)")
        }
    }
}

extension Dissector.Format: ExpressibleByArgument {}
