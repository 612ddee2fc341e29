import ArgumentParser
import Foundation
import IKEv2Synth

/// `ikev2 synth`: writes a realistic failover capture and its key table from the HA procedures.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic HA failover capture (pcap) and its Wireshark key table.",
        discussion: """
            Scenarios:
            \(SynthScenario.all.map { "  \($0.name)" }.joined(separator: "\n"))
              mixed   (a large benchmark capture of many IKE SAs; see --messages)

            The same scenario and seed always give the same bytes (timestamps start at
            2026-01-01T00:00:00Z). Use --list for what each scenario shows and what
            `ikev2 failover` should report, --expect-out for the full ground truth as JSON.

            Examples:
              ikev2 synth rfc6311-sync -o sync.pcap --keys-out sync.keys
              ikev2 synth no-sync-reuse -o reuse.pcap --keys-out reuse.keys --seed 7
              tshark -r sync.pcap -o "uat:ikev2_decryption_table:$(grep -v '^#' sync.keys)"
            """
    )

    @Argument(help: "The scenario (see --list).")
    var scenario: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The pcap file to write.", valueName: "OUT.pcap"))
    var output: String?

    @Option(name: .customLong("keys-out"), help: ArgumentHelp("Write the IKE SA keys (Wireshark ikev2_decryption_table).", valueName: "FILE"))
    var keysOut: String?

    @Option(name: .customLong("expect-out"), help: ArgumentHelp("Write what the capture contains (syncs, anomalies, frames) as JSON.", valueName: "FILE"))
    var expectOut: String?

    @Option(name: .long, help: "Seed for SPIs, keys, nonces, IVs and timing (default: the scenario's sample seed).")
    var seed: UInt64?

    @Option(name: .long, help: "mixed only: how many IKE messages to write.")
    var messages: Int = 100_000

    @Flag(name: .long, help: "List the scenarios with their expected anomalies and exit.")
    var list = false

    func run() throws {
        if list {
            for s in SynthScenario.all {
                let kinds = s.expectedAnomalyKinds.map(\.rawValue).joined(separator: ", ")
                print("\(s.name)\n  \(s.summary)\n  expected anomalies: \(kinds.isEmpty ? "none" : kinds)")
                if !s.toleratedAnomalyKinds.isEmpty {
                    print("  tolerated: \(s.toleratedAnomalyKinds.map(\.rawValue).joined(separator: ", "))")
                }
                // The committed sample's ground truth, frame by frame.
                guard let e = try? s.generate(seed: s.sampleSeed).expectation else { continue }
                func list(_ items: [String]) -> String { items.isEmpty ? "none" : items.joined(separator: ", ") }
                print("  sample (seed \(s.sampleSeed), \(e.frameCount) frames): anomalies \(list(e.anomalies.map { "\($0.kind.rawValue)@\($0.frame)" }))"
                      + "; takeover frames \(list(e.takeoverFrames.map(String.init)))"
                      + "; syncs \(list(e.syncs.map { "\($0.kind.rawValue) \($0.requestFrame)->\($0.responseFrame.map(String.init) ?? "none")" }))"
                      + "; ESP jumps \(list(e.espJumps.map { "\($0.lastBefore)->\($0.firstAfter)@\($0.frame) (\($0.reason))" }))")
            }
            return
        }
        guard let name = scenario else { throw CLIError.usage("missing scenario (try --list)") }
        if name == "mixed" { return try runMixed() }
        guard let s = SynthScenario.named(name) else {
            throw CLIError.usage("unknown scenario '\(name)'; one of: \((SynthScenario.all.map(\.name) + ["mixed"]).joined(separator: ", "))")
        }
        guard let output else { throw CLIError.usage("missing -o OUT.pcap") }
        let capture: SynthCapture
        do {
            capture = try s.generate(seed: seed ?? s.sampleSeed)
            try capture.write(pcap: output, keys: keysOut)
        } catch {
            throw CLIError.capture("synth: \(error)")
        }
        if let expectOut {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            do {
                try enc.encode(capture.expectation).write(to: URL(fileURLWithPath: expectOut), options: .atomic)
            } catch {
                throw CLIError.capture("cannot write \(expectOut): \(error.localizedDescription)")
            }
        }
        let e = capture.expectation
        let kinds = e.anomalyKinds.map(\.rawValue).joined(separator: ", ")
        Stderr.line("\(output): \(e.frameCount) frames, \(e.syncs.count) sync/reset request(s), expected anomalies: \(kinds.isEmpty ? "none" : kinds)")
    }

    /// The benchmark capture (`MixedCapture`, many SAs, no failover).
    func runMixed() throws {
        guard let output else { throw CLIError.usage("missing -o OUT.pcap") }
        guard messages >= 1 else { throw CLIError.usage("--messages must be at least 1") }
        guard expectOut == nil else { throw CLIError.usage("--expect-out applies to the failover scenarios, not mixed") }
        do {
            let s = try MixedCapture.write(to: output, messages: messages, seed: seed ?? 1, keysPath: keysOut)
            Stderr.line("\(output): \(s.frames) frames, \(s.messages) IKE messages in \(s.sessions) IKE SAs")
        } catch {
            throw CLIError.capture("synth mixed: \(error)")
        }
    }
}
