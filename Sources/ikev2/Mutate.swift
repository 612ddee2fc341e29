import ArgumentParser
import Foundation
import IKEv2
import IKEv2Mutation
import IKEv2Capture

/// `ikev2 mutate`: valid messages and systematically malformed variants, for fuzzing other
/// IKEv2 implementations (gateways, dissectors). The generator is `MutationGenerator` in the codec.
struct Mutate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write valid IKEv2 messages and systematically malformed variants (for fuzzing others).",
        discussion: """
            The input is one raw IKE message (a .bin file starting at the IKE header), a capture
            (every IKEv2 message in it, or only --frame N), or --synthesize N random valid messages.
            For each base message the variants are: every length field off by one both ways,
            count and size fields off by one, huge counts, truncations, payload loops, unknown
            (critical and non-critical) payloads, RFC 6311 HA notifies with wrong sizes, and SKF
            fragment numbers out of range. Each variant has a name, a family, the expected
            behaviour of a strict parser (rejected, notify-rejected, parses, unspecified) and a
            one-line intent; they are listed in the index (raw output: index.tsv in the output
            folder; pcap output: OUT.pcap.tsv, one line per frame). The same seed gives the same bytes.

            Examples:
              ikev2 mutate --synthesize 20 -o variants.pcap --seed 7
              ikev2 mutate init.bin -o out/ --format raw
              ikev2 mutate vpn.pcap --frame 3 -o nasty.pcap
            """
    )

    @Argument(help: "A raw IKE message (.bin) or a pcap/pcapng capture. Omit with --synthesize.")
    var input: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Output: a pcap file, or a folder with --format raw.", valueName: "OUT"))
    var output: String

    @Option(name: .long, help: "pcap (each variant an Ethernet/IPv4/UDP 500 frame) or raw (one .bin file each).")
    var format: OutputFormat = .pcap

    @Option(name: .long, help: "Seed for the generator.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Generate this many random valid base messages instead of reading input.")
    var synthesize: Int?

    @Option(name: .long, help: "With a capture: only the IKE message of this frame.")
    var frame: Int?

    @Flag(name: .long, help: "Also write each base message itself before its variants.")
    var includeBase = false

    enum OutputFormat: String, ExpressibleByArgument { case pcap, raw }

    func run() throws {
        let bases = try baseMessages()
        guard !bases.isEmpty else { throw CLIError.usage("no IKEv2 message to mutate in the input") }
        let generator = MutationGenerator(seed: seed)
        var written: [(name: String, variant: MessageVariant)] = []
        for (i, base) in bases.enumerated() {
            if includeBase {
                written.append(("base-\(i + 1)", MessageVariant(name: "base", intent: "the unmodified base message",
                                                               family: .truncation, expectation: .parses, bytes: base)))
            }
            for v in generator.variants(of: base) { written.append(("m\(i + 1)-\(v.fileName)", v)) }
        }
        switch format {
        case .raw: try writeRaw(written)
        case .pcap: try writePcap(written)
        }
        Stderr.line("ikev2 mutate: \(written.count) messages from \(bases.count) base message(s) -> \(output)")
    }

    func baseMessages() throws -> [[UInt8]] {
        if let n = synthesize {
            guard input == nil else { throw CLIError.usage("give an input or --synthesize, not both") }
            guard n > 0, n <= 100_000 else { throw CLIError.usage("--synthesize takes 1 to 100000") }
            var s = MessageSynthesizer(seed: seed)
            var out: [[UInt8]] = []
            for _ in 0..<n {
                do { out.append(try s.message().serialize(.built)) } catch {
                    throw CLIError.usage("synthesizer produced an unserializable message: \(error)")
                }
            }
            return out
        }
        guard let input else { throw CLIError.usage("give a message file, a capture, or --synthesize N") }
        guard let data = FileManager.default.contents(atPath: input) else {
            throw CLIError.capture("cannot read \(input)")
        }
        let bytes = [UInt8](data)
        if Self.looksLikeCapture(bytes) {
            var out: [[UInt8]] = []
            do {
                try CaptureReader(path: input).forEach { event in
                    guard case .ike = event.kind, frame.map({ $0 == event.meta.frameNumber }) ?? true else { return }
                    let b = event.copyBytes()
                    if b.count > 17, b[17] >> 4 == 2 { out.append(b) }
                }
            } catch let e as CaptureError {
                throw CLIError.capture("\(input): \(e)")
            }
            return out
        }
        return [bytes]
    }

    /// pcap magic (either byte order, µs or ns) or a pcapng Section Header Block.
    static func looksLikeCapture(_ b: [UInt8]) -> Bool {
        guard b.count >= 4 else { return false }
        let magic = UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
        return [0xa1b2_c3d4, 0xd4c3_b2a1, 0xa1b2_3c4d, 0x4d3c_b2a1, 0x0a0d_0d0a].contains(magic)
    }

    func writeRaw(_ items: [(name: String, variant: MessageVariant)]) throws {
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: output, withIntermediateDirectories: true) } catch {
            throw CLIError.capture("cannot create \(output): \(error.localizedDescription)")
        }
        var index = "file\tfamily\texpectation\tsize\tname\tintent\n"
        for (name, v) in items {
            let file = name + ".bin"
            guard fm.createFile(atPath: output + "/" + file, contents: Data(v.bytes)) else {
                throw CLIError.capture("cannot write \(output)/\(file)")
            }
            index += "\(file)\t\(v.family.rawValue)\t\(v.expectation.rawValue)\t\(v.bytes.count)\t\(v.name)\t\(v.intent)\n"
        }
        guard fm.createFile(atPath: output + "/index.tsv", contents: Data(index.utf8)) else {
            throw CLIError.capture("cannot write \(output)/index.tsv")
        }
    }

    func writePcap(_ items: [(name: String, variant: MessageVariant)]) throws {
        var index = "frame\tfamily\texpectation\tsize\tname\tintent\n"
        do {
            let w = try CaptureWriter(path: output, linkType: .ethernet)
            var spec = FrameSpec()
            spec.sourcePort = 500
            spec.destinationPort = 500
            for (i, (_, v)) in items.enumerated() {
                spec.ipID = UInt16(truncatingIfNeeded: i)
                try w.writeIKE(v.bytes, spec: spec, transport: .udp, timestampNanoseconds: 1_767_225_600_000_000_000 + Int64(i) * 1_000_000)
                index += "\(i + 1)\t\(v.family.rawValue)\t\(v.expectation.rawValue)\t\(v.bytes.count)\t\(v.name)\t\(v.intent)\n"
            }
            try w.commit()
        } catch {
            throw CLIError.capture("\(output): \(error)")
        }
        guard FileManager.default.createFile(atPath: output + ".tsv", contents: Data(index.utf8)) else {
            throw CLIError.capture("cannot write \(output).tsv")
        }
    }
}
