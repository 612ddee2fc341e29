import Testing
@testable import IKEv2
@testable import IKEv2Mutation
import TestSupport

/// MutationGenerator over the corpus messages and synthesized messages: every variant parses or
/// fails with an IKEError (never a trap), each expectation holds, and the set is deterministic.
@Suite struct FuzzMutationTests {
    static func validCorpusMessages() throws -> [(name: String, bytes: [UInt8])] {
        try Fixtures.ikeMessages().filter { CodecWalk.walk($0.bytes).valid && $0.bytes[17] >> 4 == 2 }
    }

    static func check(_ v: MessageVariant, base: String, baseNotifyErrors: Int) {
        let outcome = CodecWalk.walk(v.bytes)
        let label = "\(base) \(v.name)"
        #expect(outcome.roundTripFailure == nil, "\(label)")
        switch v.expectation {
        case .rejected:
            #expect(!outcome.valid && outcome.error != nil, "\(label) was accepted")
        case .notifyRejected:
            #expect(outcome.valid, "\(label): \(String(describing: outcome.error))")
            #expect(outcome.notifyDecodeErrors == baseNotifyErrors + 1, "\(label) notify decoded")
        case .parses:
            #expect(outcome.valid, "\(label): \(String(describing: outcome.error))")
            #expect(outcome.notifyDecodeErrors == baseNotifyErrors, "\(label)")
        case .unspecified:
            break
        }
        #expect(!v.intent.isEmpty && !v.intent.contains("\n"))
    }

    @Test func corpusVariantsMeetTheirExpectations() throws {
        let messages = try Self.validCorpusMessages()
        #expect(messages.count >= 30)
        var counts: [VariantFamily: Int] = [:]
        var total = 0
        for (name, bytes) in messages {
            let base = CodecWalk.walk(bytes)
            let variants = MutationGenerator(seed: 1).variants(of: bytes)
            #expect(Set(variants.map(\.name)).count == variants.count, "\(name): duplicate names")
            for v in variants {
                Self.check(v, base: name, baseNotifyErrors: base.notifyDecodeErrors)
                counts[v.family, default: 0] += 1
            }
            total += variants.count
        }
        // Every family is produced somewhere (SKF numbers only where the corpus has SKF).
        for f in VariantFamily.allCases { #expect(counts[f, default: 0] > 0, "no \(f) variant") }
        #expect(total > 2000)
    }

    /// Off-by-one variants of every length field fail, for corpus and synthesized messages.
    @Test func offByOneLengthsAlwaysFail() throws {
        var synth = MessageSynthesizer(seed: 99)
        var inputs = try Self.validCorpusMessages().map(\.bytes)
        for _ in 0..<200 { inputs.append(try synth.message().serialize(.built)) }
        var checked = 0
        for bytes in inputs {
            let layout = MessageLayout(of: bytes)
            #expect(layout.error == nil)
            let variants = MutationGenerator(seed: 5).variants(of: bytes).filter { $0.family == .offByOne }
            #expect(variants.count == 2 * layout.fields.filter { $0.kind == .length }.count)
            for v in variants {
                let outcome = CodecWalk.walk(v.bytes)
                #expect(outcome.error != nil, "\(v.name) accepted")
                checked += 1
            }
        }
        #expect(checked > 2000)
    }

    /// Synthesized messages: every variant meets its expectation too.
    @Test func synthesizedVariantsMeetTheirExpectations() throws {
        var synth = MessageSynthesizer(seed: 3)
        for i in 0..<150 {
            let bytes = try synth.message().serialize(.built)
            let base = CodecWalk.walk(bytes)
            #expect(base.valid)
            for v in MutationGenerator(seed: UInt64(i)).variants(of: bytes) {
                Self.check(v, base: "synth \(i)", baseNotifyErrors: base.notifyDecodeErrors)
            }
        }
    }

    @Test func deterministicPerSeed() throws {
        let (_, bytes) = try #require(try Self.validCorpusMessages().first)
        let a = MutationGenerator(seed: 11).variants(of: bytes)
        let b = MutationGenerator(seed: 11).variants(of: bytes)
        let c = MutationGenerator(seed: 12).variants(of: bytes)
        #expect(a == b)
        #expect(a != c)
        // The systematic part does not depend on the seed.
        #expect(a.filter { $0.family == .offByOne } == c.filter { $0.family == .offByOne })
        #expect(MutationGenerator(seed: 11).mutate(bytes, salt: 3) == MutationGenerator(seed: 11).mutate(bytes, salt: 3))
    }

    /// Garbage, empty and IKEv1 inputs give only `.unspecified` variants, without trapping.
    @Test func nonMessagesGiveUnspecifiedVariants() throws {
        var rng = SplitMix64(seed: 8)
        var inputs: [[UInt8]] = [[], [1], rng.bytes(27), rng.bytes(28), rng.bytes(100)]
        var v1 = rng.bytes(40)
        v1[17] = 0x10
        FieldBytes.write(&v1, 24, 4, 40)
        inputs.append(v1)
        for bytes in inputs {
            for v in MutationGenerator(seed: 1).variants(of: bytes) {
                #expect(v.expectation == .unspecified)
                _ = CodecWalk.walk(v.bytes)
            }
        }
    }

    /// A known layout: the fields the locator finds in a fixed message, and file names.
    @Test func layoutOfABuiltMessage() throws {
        let m = IKEMessage(header: IKEHeader(initiatorSPI: 1, exchangeType: .ikeSAInit), payloads: [
            IKEPayload(type: .securityAssociation, body: .securityAssociation(SAPayload(proposals: [
                Proposal(number: 1, protocolID: .ike, transforms: [.encryption(.aesCBC, keyLength: 256), .prf(.hmacSHA2_256)]),
            ]))),
            IKEPayload(type: .nonce, body: .nonce(OpaquePayload(data: [UInt8](repeating: 7, count: 16)))),
        ])
        let bytes = try m.serialize(.built)
        let layout = MessageLayout(of: bytes)
        #expect(layout.payloads.map(\.offset) == [28, 28 + 4 + 8 + 12 + 8])
        let lengths = layout.fields.filter { $0.kind == .length }.map(\.offset)
        // header Length, SA Payload Length, Proposal Length, 2 Transform Lengths, Nonce Payload Length.
        #expect(lengths == [24, 30, 34, 42, 54, 62])
        let v = try #require(MutationGenerator(seed: 1).variants(of: bytes).first { $0.name == "off-by-one:header Length+1" })
        #expect(v.fileName == "off-by-one-header-Lengthp1")
        #expect(FieldBytes.read(v.bytes, 24, 4) == UInt64(bytes.count + 1))
    }
}
