import Testing
import IKEv2
import IKEv2Mutation
import IKEv2HA

/// Seeded random failover simulations: after an accepted RFC 6311 sync, neither side ever uses
/// a request Message ID it (or, for the cluster, the previous active member) already used.
@Suite struct NoReusePropertyTests {
    struct Sim {
        var rng: SplitMix64
        var model = MessageIDWindowModel()
        var used: [IKESide: Set<UInt32>] = [.initiator: [], .responder: []]
        var frame = 0
        var reuses = 0
        var anomalies: [MessageIDEvent] = []

        /// One exchange: `side` sends request `id`, the other side answers.
        mutating func exchange(_ side: IKESide, _ id: UInt32) {
            if used[side, default: []].contains(id) { reuses += 1 }
            used[side, default: []].insert(id)
            frame += 1
            let q = ObservedMessage(sender: side, isResponse: false, messageID: id, exchange: .informational,
                                    digest: [UInt8(truncatingIfNeeded: frame), UInt8(truncatingIfNeeded: frame >> 8)], frame: frame)
            frame += 1
            let r = ObservedMessage(sender: side.peer, isResponse: true, messageID: id, exchange: .informational,
                                    digest: [0xFF, UInt8(truncatingIfNeeded: frame)], frame: frame)
            for e in model.observe(q) + model.observe(r) where e.isAnomaly { anomalies.append(e) }
        }
    }

    @Test(arguments: [MessageIDSyncResponder.ReplayCheck.highestReceived, .earlierSyncsOnly])
    func noReuseAfterSync(_ check: MessageIDSyncResponder.ReplayCheck) throws {
        var accepted = 0, dropped = 0
        for seed in UInt64(1)...400 {
            var sim = Sim(rng: SplitMix64(seed: seed))
            // Peer = original initiator, cluster = original responder. IDs start at 1 (after IKE_SA_INIT).
            var peer = MessageIDCounters(nextSend: 1, nextExpected: 1)
            var cluster = MessageIDCounters(nextSend: 1, nextExpected: 1)
            var replicated = cluster
            let before = Int(sim.rng.next() % 40)
            for step in 0..<before {
                if sim.rng.next() % 2 == 0 {
                    sim.exchange(.initiator, peer.nextSend)
                    peer.nextSend += 1; cluster.nextExpected = peer.nextSend
                } else {
                    sim.exchange(.responder, cluster.nextSend)
                    cluster.nextSend += 1; peer.nextExpected = cluster.nextSend
                }
                // Replication to the standby happens only now and then (stale state).
                if step % Int(1 + sim.rng.next() % 8) == 0 { replicated = cluster }
            }
            // Failover: the new active knows only `replicated`.
            var member = MessageIDSyncRequester(replicated: replicated)
            let margin = UInt32(sim.rng.next() % 12)
            let request = try member.makeRequest(margin: margin, using: &sim.rng)
            var responder = MessageIDSyncResponder(counters: peer, replayCheck: check)
            guard case .respond(let answer, _) = responder.handleRequest(request) else {
                dropped += 1
                // Under the literal rule a drop happens only when M1 is at or below what the peer saw.
                #expect(check == .highestReceived)
                #expect(request.expectedSend < peer.nextExpected)
                continue
            }
            accepted += 1
            guard case .accepted(let synced) = member.handleResponse(answer) else {
                Issue.record("seed \(seed): response not accepted")
                continue
            }
            // Both sides agree on the new counters.
            #expect(synced.nextSend == responder.counters.nextExpected)
            #expect(synced.nextExpected == responder.counters.nextSend)
            for e in sim.model.rebase(.responder, nextRequestID: synced.nextSend, frame: sim.frame)
                + sim.model.rebase(.initiator, nextRequestID: responder.counters.nextSend, frame: sim.frame) where e.isAnomaly {
                sim.anomalies.append(e)
            }
            cluster = synced
            peer = responder.counters
            for _ in 0..<Int(sim.rng.next() % 40) {
                if sim.rng.next() % 2 == 0 {
                    sim.exchange(.initiator, peer.nextSend); peer.nextSend += 1
                } else {
                    sim.exchange(.responder, cluster.nextSend); cluster.nextSend += 1
                }
            }
            #expect(sim.reuses == 0, "seed \(seed): a Message ID was reused")
            let bad = sim.anomalies.filter {
                switch $0.kind {
                case .messageIDReuse, .regression, .rebaseReopensIDs, .conflictingResponse, .outOfWindow: true
                default: false
                }
            }
            #expect(bad.isEmpty, "seed \(seed): \(bad)")
        }
        #expect(accepted > 100)
        if check == .earlierSyncsOnly { #expect(dropped == 0) }
    }

    /// The reset extension, by contrast, can re-open IDs: with bases drawn low enough the model
    /// flags it, and a reuse with different content is caught.
    @Test func resetCanReopenAndTheModelNotices() throws {
        var sim = Sim(rng: SplitMix64(seed: 99))
        for id in UInt32(65536)..<65600 { sim.exchange(.responder, id) }
        let ev = sim.model.rebase(.responder, nextRequestID: 65540, frame: sim.frame)
        #expect(ev.contains { if case .rebaseReopensIDs = $0.kind { true } else { false } })
        sim.exchange(.responder, 65540)
        #expect(sim.reuses == 1)
        #expect(sim.anomalies.contains { if case .messageIDReuse = $0.kind { true } else { false } })
    }
}
