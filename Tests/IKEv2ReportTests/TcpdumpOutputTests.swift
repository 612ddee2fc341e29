import Foundation
import IKEv2Capture
import IKEv2Report
import Testing
import TestSupport

/// The facts of one IKEv2 message that tcpdump's printer and our line format both show.
struct LineFacts: Hashable, CustomStringConvertible {
    var frame: Int
    var exchange: String
    var initiatorFlag: Bool
    var response: Bool
    var messageID: UInt32
    var chain: [Int]
    var description: String {
        "#\(frame) \(exchange) I=\(initiatorFlag) R=\(response) mid=\(messageID) \(chain)"
    }
}

/// tcpdump's expected outputs (`.out`, tcpdump's own test suite) parsed into facts. Its payload
/// lines are the 4-space-indented `(name...` lines under each message line.
func tcpdumpFacts(_ outFile: String) throws -> [LineFacts] {
    let names: [String: Int] = [
        "sa": 33, "v2ke": 34, "v2IDi": 35, "v2IDr": 36, "v2cert": 37, "v2cr": 38, "v2auth": 39,
        "nonce": 40, "n": 41, "v2d": 42, "d": 42, "v2vid": 43, "v2TSi": 44, "v2TSr": 45, "v2e": 46,
        "v2cp": 47, "v2eap": 48,
    ]
    let exchanges = ["ikev2_init": "IKE_SA_INIT", "ikev2_auth": "IKE_AUTH", "child_sa": "CREATE_CHILD_SA", "inf2": "INFORMATIONAL"]
    let text = try String(contentsOfFile: outFile, encoding: .utf8)
    var out: [LineFacts] = []
    var frame = 0
    var current: LineFacts?
    let frameRx = #/^\s+(\d+)\s+\d{4}-\d\d-\d\d /#
    let msgRx = #/isakmp 2\.0 msgid ([0-9a-f]{8})(?: cookie [0-9a-f]+->[0-9a-f]+)?: \S+\s+(\w+)\[([IVR]*)\]:/#
    let payloadRx = #/^    \(([A-Za-z0-9]+)(?:\[C\])?:/#
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if let m = line.firstMatch(of: frameRx), let n = Int(m.1) { frame = n }
        if let m = line.firstMatch(of: msgRx) {
            if let c = current { out.append(c) }
            current = LineFacts(frame: frame, exchange: exchanges[String(m.2)] ?? String(m.2),
                                initiatorFlag: m.3.contains("I"), response: m.3.contains("R"),
                                messageID: UInt32(m.1, radix: 16) ?? 0, chain: [])
            continue
        }
        if let m = line.firstMatch(of: payloadRx), current != nil {
            current?.chain.append(names[String(m.1)] ?? -1)
        }
    }
    if let c = current { out.append(c) }
    return out
}

/// Our line format over the same capture, parsed back into facts.
func ourLineFacts(_ capture: String) throws -> [LineFacts] {
    var options = Dissector.Options()
    options.format = .line
    let d = Dissector(options: options)
    var buf = OutputBuffer()
    try CaptureReader(path: capture).forEach { event in
        guard case .ike = event.kind else { return }
        d.dissect(event.bytes, meta: MessageMeta(event.meta), into: &buf)
    }
    let notation: [String: Int] = [
        "SA": 33, "KE": 34, "IDi": 35, "IDr": 36, "CERT": 37, "CERTREQ": 38, "AUTH": 39, "Ni": 40, "Nr": 40,
        "D": 42, "V": 43, "TSi": 44, "TSr": 45, "SK": 46, "CP": 47, "EAP": 48, "SKF": 53,
    ]
    let rx = #/^(\d+) \S+ \S+ > \S+: (?:\[\w+\] )?IKEv2 (\w+)\[([IR])\] (request|response) mid=(\d+) spi=\S+ len=\d+:(.*)$/#
    var out: [LineFacts] = []
    for line in buf.string.split(separator: "\n") {
        guard let m = line.firstMatch(of: rx) else { continue }
        var chain: [Int] = []
        // A malformed message's chain ends with ` [error: ...]`: only what precedes it is the chain.
        let chainText = m.6.split(separator: " [error:", maxSplits: 1, omittingEmptySubsequences: false).first ?? m.6
        for token in chainText.split(separator: " ") {
            let base = token.hasPrefix("N(") ? "N" : String(token.prefix { $0 != "[" && $0 != "(" && $0 != "{" })
            chain.append(base == "N" ? 41 : notation[base] ?? -1)
        }
        out.append(LineFacts(frame: Int(m.1) ?? 0, exchange: String(m.2), initiatorFlag: m.3 == "I",
                             response: m.4 == "response", messageID: UInt32(m.5) ?? 0, chain: chain))
    }
    return out
}

@Suite struct TcpdumpOutputTests {
    /// tcpdump's own verbose IKEv2 outputs (the -v ones list the payload chain).
    @Test(arguments: [
        ("ikev2four.pcap", "ikev2four.out"), ("ikev2four.pcap", "ikev2fourv.out"),
        ("ikev2four.pcap", "ikev2fourv4.out"), ("ikev2-id-normal.pcap", "ikev2-id-normal.out"),
    ])
    func lineFormatCarriesTcpdumpFacts(_ capture: String, _ expected: String) throws {
        let theirs = try tcpdumpFacts(Fixtures.path("tcpdump/" + expected))
        let ours = try ourLineFacts(Fixtures.path("tcpdump/" + capture))
        #expect(!theirs.isEmpty)
        #expect(ours == theirs)
    }

    /// ikev2pI2: tcpdump decrypts the SK payload (its ICV check is not done); without keys our
    /// chain stops at SK, which is what tcpdump's outer chain shows too.
    @Test func ikev2pI2OuterChain() throws {
        let theirs = try tcpdumpFacts(Fixtures.path("tcpdump/ikev2pI2.out"))
        let ours = try ourLineFacts(Fixtures.path("tcpdump/ikev2pI2.pcap"))
        #expect(ours.map(\.chain) == theirs.map(\.chain))
        #expect(ours.map(\.messageID) == theirs.map(\.messageID))
        #expect(ours.map(\.exchange) == theirs.map(\.exchange))
    }
}
