import ArgumentParser
import Foundation
import IKEv2
import IKEv2Crypto
import IKEv2Report

/// `ikev2 takeover`: act as the newly active HA member against a live peer (RFC 6311 §5.1).
struct Takeover: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    static let configuration = CommandConfiguration(
        abstract: "Take over an IKE SA as the standby: RFC 6311 sync (or the private reset) with a live peer, a liveness check, then serve it.",
        discussion: """
            Sends only to --peer, from --local (port 4500 on either side: the non-ESP marker).
            Retransmits each request with back-off: 1, 2, 4, 8, 16 s (31 s) by default.
            Exit status: 0 when the peer answered the sync/reset and the liveness check;
            1 otherwise; 2 on bad usage, no keys for the SA, or an address not bindable.
            Example:
              ikev2 takeover --keys gw.keys --spi 0x1122334455667788/0x99aabbccddeeff00 \\
                --role responder --local 10.0.0.2:4500 --peer 10.0.0.1:4500 \\
                --next-request-id 0 --peer-next-request-id 2 --serve 10 -w takeover.pcap
            """
    )

    @Option(name: .long, help: ArgumentHelp("Key file (Wireshark ikev2_decryption_table or tcpdump 'ikev2 I|R' lines).", valueName: "FILE"))
    var keys: String

    @Option(name: .long, help: ArgumentHelp("The IKE SA, as SPIi/SPIr in hex.", valueName: "SPIi/SPIr"))
    var spi: String

    @Option(name: .long, help: "The side taken over: responder (the original responder's keys and I flag 0) or initiator.")
    var role: String

    @Option(name: .long, help: ArgumentHelp("Address to send from, ADDR[:PORT] (default port 500).", valueName: "ADDR[:PORT]"))
    var local: String

    @Option(name: .long, help: ArgumentHelp("The peer, ADDR[:PORT] (default port 500).", valueName: "ADDR[:PORT]"))
    var peer: String

    @Option(name: .customLong("next-request-id"), help: ArgumentHelp("N: the taken-over side's next request Message ID as last replicated.", valueName: "N"))
    var nextRequestID: UInt32

    @Option(name: .customLong("peer-next-request-id"), help: ArgumentHelp("P: the next request Message ID expected from the peer as last replicated.", valueName: "P"))
    var peerNextRequestID: UInt32

    @Option(name: .long, help: ArgumentHelp("M1 = N + K (RFC 6311 §5.1: at least the window size).", valueName: "K"))
    var margin: UInt32 = 4

    @Flag(name: .long, help: "Send IKEV2_MESSAGE_ID_SYNC (default).")
    var sync = false

    @Flag(name: .long, help: "Send the private IKEV2_MESSAGE_ID_RESET instead.")
    var reset = false

    @Option(name: .customLong("reset-notify-type"), help: ArgumentHelp("Notify number of the private reset.", valueName: "N"))
    var resetNotifyType: UInt16 = 49374

    @Option(name: .long, help: ArgumentHelp("Before the sync, wait up to this many seconds for a request of the peer (one in flight to the dead member).", valueName: "SECONDS"))
    var listen: Double = 0

    @Option(name: .long, help: ArgumentHelp("After the sync, answer the peer's requests for this many seconds (at most 3600).", valueName: "SECONDS"))
    var serve: Double = 0

    @Option(name: .long, help: ArgumentHelp("Retransmissions of each request, timeouts 1, 2, 4, ... s (0 to 8).", valueName: "N"))
    var retransmits: Int = 4

    @Option(name: .short, help: ArgumentHelp("Write every packet sent and received to this pcap.", valueName: "OUT.pcap"))
    var w: String?

    @Option(name: .long, help: "Output format: text (default on a terminal) or json (default when piped).")
    var format: Format?

    func run() throws {
        guard !(sync && reset) else { throw CLIError.usage("--sync and --reset exclude each other") }
        guard let role = TakeoverOptions.Role(rawValue: role) else {
            throw CLIError.usage("--role must be responder or initiator, not '\(role)'")
        }
        guard serve >= 0, serve <= 3600, serve.isFinite else { throw CLIError.usage("--serve must be 0 to 3600 seconds") }
        guard (0...8).contains(retransmits) else { throw CLIError.usage("--retransmits must be 0 to 8") }
        guard margin >= 1 else { throw CLIError.usage("--margin must be at least 1") }
        let parts = spi.split(separator: "/")
        guard parts.count == 2, let spiI = Self.hex64(parts[0]), let spiR = Self.hex64(parts[1]) else {
            throw CLIError.usage("--spi must be SPIi/SPIr in hex (16 digits each), not '\(spi)'")
        }
        let text: String
        do { text = try String(contentsOfFile: keys, encoding: .utf8) } catch {
            throw CLIError.usage("cannot read key file \(keys): \(error.localizedDescription)")
        }
        let table: IKEKeyTable
        do { table = try IKEKeyTable(parsing: text) } catch { throw CLIError.usage("\(keys): \(error)") }
        guard let saKeys = table.keys(initiatorSPI: spiI, responderSPI: spiR) else {
            throw CLIError.usage("\(keys) has no keys for IKE SA \(spi); refusing to take it over")
        }
        let localEnd: TakeoverEndpoint, peerEnd: TakeoverEndpoint
        do {
            localEnd = try TakeoverEndpoint(parsing: local)
            peerEnd = try TakeoverEndpoint(parsing: peer)
        } catch { throw CLIError.usage("\(error)") }
        var options = TakeoverOptions(keys: saKeys, role: role, local: localEnd, peer: peerEnd,
                                      nextRequestID: nextRequestID, peerNextRequestID: peerNextRequestID)
        options.margin = margin
        options.procedure = reset ? .reset : .sync
        options.serveSeconds = serve
        options.retransmissions = retransmits
        guard resetNotifyType > 40960 else { throw CLIError.usage("--reset-notify-type must be a private-use status number above 40960") }
        options.resetNotifyType = NotifyType(rawValue: resetNotifyType)
        guard listen >= 0, listen <= 600, listen.isFinite else { throw CLIError.usage("--listen must be 0 to 600 seconds") }
        options.listenSeconds = listen
        let outcome = try Self.execute(options, capture: w)
        switch format ?? (isatty(1) != 0 ? .text : .json) {
        case .json: print(TakeoverRenderer.json(outcome, options: options))
        case .text: print(TakeoverRenderer.text(outcome, options: options))
        }
        if !outcome.succeeded { throw CLIError(code: 1, message: "the peer did not answer " + (outcome.answer == .answered ? "the liveness check" : "the \(options.procedure.rawValue) request")) }
    }

    static func execute(_ options: TakeoverOptions, capture: String?) throws(CLIError) -> TakeoverOutcome {
        let result: Result<TakeoverOutcome, TakeoverError> = Result { () throws(TakeoverError) -> TakeoverOutcome in
            try TakeoverSession(options: options, capturePath: capture).run()
        }
        switch result {
        case .success(let o): return o
        case .failure(let e): throw CLIError.usage(e.message)
        }
    }

    static func hex64(_ s: Substring) -> UInt64? {
        var t = s
        if t.hasPrefix("0x") || t.hasPrefix("0X") { t = t.dropFirst(2) }
        guard (1...16).contains(t.count) else { return nil }
        return UInt64(t, radix: 16)
    }
}
