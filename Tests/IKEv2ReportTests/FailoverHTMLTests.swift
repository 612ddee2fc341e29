import Foundation
import IKEv2
import IKEv2Capture
import IKEv2Crypto
import IKEv2HA
import IKEv2Synth
import IKEv2Report
import Testing
import TestSupport

/// `FailoverHTMLRenderer` on the bundled samples and on reports edited to reach its edges:
/// escaping, collapsing quiet stretches, grouping SAs without findings, no external references.
@Suite struct FailoverHTMLTests {
    /// The report of a bundled sample, with its keys.
    static func sample(_ name: String, keys: Bool = true) throws -> (FailoverReport, FailoverRunInfo) {
        let pcap = Fixtures.samples.appendingPathComponent("\(name).pcap").path
        var table: IKEKeyTable? = nil
        if keys {
            table = try IKEKeyTable(parsing: try String(contentsOf: Fixtures.samples.appendingPathComponent("\(name).keys"), encoding: .utf8))
        }
        let p = FailoverPipeline(keys: table)
        try p.run(reader: CaptureReader(path: pcap))
        return (p.finish(), FailoverRunInfo(keysGiven: keys, counts: p.counts))
    }

    static func html(_ report: FailoverReport, info: FailoverRunInfo = .init(), _ r: FailoverHTMLRenderer = .init()) -> String {
        var out = OutputBuffer()
        r.render(report, info: info, into: &out)
        return out.string
    }

    static func count(_ needle: String, in s: String) -> Int { s.components(separatedBy: needle).count - 1 }

    /// Values of an attribute (`src="..."`), in order.
    static func attributes(_ name: String, in s: String) -> [String] {
        s.components(separatedBy: "\(name)=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    @Test func escapesTextForHTML() {
        var out = OutputBuffer()
        out.html("a<b>&\"c\"'d'\u{1}é\tx\ny")
        #expect(out.string == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39; é\tx\ny")
        var plain = OutputBuffer()
        plain.html("no entities here")
        #expect(plain.string == "no entities here")
    }

    @Test func capturedTextCannotInjectMarkup() throws {
        var (report, info) = try Self.sample("rfc6311-sync")
        let evil = "<script>alert(1)</script><img src=\"http://198.51.100.1/x\">"
        report.sas[0].anomalies.append(FailoverAnomaly(kind: .decryptionFailed, frame: 3, messageID: 1,
                                                       direction: .initiatorToResponder, fact: .decryptionFailed(evil)))
        report.sas[0].anomalyCounts[.decryptionFailed] = 1
        let page = Self.html(report, info: info, FailoverHTMLRenderer(title: "a&b <i>.pcap"))
        #expect(!page.contains("<script>alert"))
        #expect(!page.contains("<img"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=&quot;http://198.51.100.1/x&quot;&gt;"))
        #expect(page.contains("<title>a&amp;b &lt;i&gt;.pcap</title>"))
        // Only the renderer's own script.
        #expect(Self.count("<script", in: page) == 1)
    }

    @Test(arguments: try Fixtures.sampleNames())
    func noExternalReferences(_ name: String) throws {
        for keys in [true, false] {
            let (report, info) = try Self.sample(name, keys: keys)
            let page = Self.html(report, info: info)
            #expect(!page.contains("http://") && !page.contains("https://"), "\(name)")
            #expect(!page.contains("@import") && !page.contains("@font-face"), "\(name)")
            for v in Self.attributes("src", in: page) { #expect(v.hasPrefix("data:"), "\(name): src=\(v)") }
            for v in Self.attributes("href", in: page) { #expect(v.hasPrefix("#"), "\(name): href=\(v)") }
            // url(...) only to markers in the page itself.
            for v in page.components(separatedBy: "url(").dropFirst() { #expect(v.hasPrefix("#"), "\(name): url(\(v.prefix(20))") }
            // The page forbids every load, whatever it contains.
            #expect(page.contains("Content-Security-Policy\" content=\"default-src 'none';"))
            #expect(page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</html>\n"))
        }
    }

    @Test func ladderShowsTakeoverSyncValuesAndESP() throws {
        let (report, info) = try Self.sample("rfc6311-sync")
        let page = Self.html(report, info: info)
        let sa = try #require(report.sas.first)
        let x = try #require(sa.syncs.first)
        let t = try #require(sa.takeover)
        #expect(Self.count("<svg class=\"ladder\"", in: page) == 1)
        #expect(page.contains("takeover at frame \(t.frame), responder side"))
        #expect(page.contains("(M1, P1) = (\(x.request.send), \(x.request.recv))"))
        let r = try #require(x.response)
        #expect(page.contains("(P2, M2) = (\(r.send), \(r.recv))"))
        // A sync row is highlighted, its arrows use the sync marker.
        #expect(page.contains("<g class=\"row sync\">"))
        #expect(page.contains("marker-end=\"url(#ah-s)\""))
        // One plot per SPI; the 2^20 cluster jump needs the log scale, the other SPI does not.
        #expect(Self.count("<svg class=\"plot\"", in: page) == sa.esp.count)
        #expect(Self.count("sequence (log scale)", in: page) == 1)
        #expect(page.contains("<line class=\"jump ok\""))
        // Overview: one row linking to the section; the verdict kind.
        #expect(page.contains("<a href=\"#sa1\">\(hexText(sa.initiatorSPI))</a>"))
        #expect(page.contains("<section class=\"sa\" id=\"sa1\">"))
        #expect(page.contains(FailoverWording.outcome(.recoveredBySync)))
        #expect(FailoverWording.outcome(sa) == .recoveredBySync)
    }

    func hexText(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    @Test func anomaliesAreRedWithTheirExplanationOnHoverAndBeside() throws {
        let (report, info) = try Self.sample("no-sync-reuse")
        let page = Self.html(report, info: info)
        let sa = try #require(report.sas.first)
        let a = try #require(sa.anomalies.first { $0.kind == .messageIDReuse })
        let fact = FailoverWording.fact(a.fact)
        // Beside the row (wrapped into lines) and in the row's <title>.
        #expect(page.contains("<g class=\"row bad\">"))
        let title = page.components(separatedBy: "<title>").dropFirst().map { $0.prefix { $0 != "<" } }
        #expect(title.contains { $0.contains(fact.replacingOccurrences(of: "&", with: "&amp;")) })
        #expect(page.contains("<text class=\"a\""))
        #expect(page.contains("⚠ \(a.kind.rawValue):"))
        #expect(page.contains("<td class=\"bad\">\(a.kind.rawValue)"))
    }

    /// Plain INFORMATIONAL exchanges (Message IDs from 100) appended after the last frame of the
    /// sample, behind a gap row (so the sample's own last rows do not join the stretch).
    static func withQuietStretch(exchanges: Int, anomalyAt: Int? = nil) throws -> FailoverReport {
        var (report, _) = try sample("rfc6311-sync")
        var sa = report.sas[0]
        var frame = sa.lastFrame + 100
        var mid: UInt32 = 100
        sa.timeline.append(FailoverTimelineEntry(frame: frame - 1, timeNanos: 0, kind: .gap, direction: .initiatorToResponder,
                                                 messageID: mid, exchange: .informational, detail: .skipped(expected: 6)))
        for n in 0..<exchanges {
            let req = FailoverTimelineEntry(frame: frame, timeNanos: 0, kind: .request, direction: .initiatorToResponder,
                                            messageID: mid, exchange: .informational, detail: .none)
            let resp = FailoverTimelineEntry(frame: frame + 1, timeNanos: 0, kind: .response, direction: .responderToInitiator,
                                             messageID: mid, exchange: .informational, detail: .answers(requestFrame: frame))
            sa.timeline += [req, resp]
            if n == anomalyAt {
                sa.anomalies.append(FailoverAnomaly(kind: .messageIDReuse, frame: frame, messageID: mid, direction: .initiatorToResponder,
                                                    fact: .messageIDReuse(firstFrame: 1)))
                sa.anomalyCounts[.messageIDReuse] = 1
            }
            frame += 2
            mid += 1
        }
        report.sas[0] = sa
        return report
    }

    @Test func longQuietStretchesCollapse() throws {
        let page = Self.html(try Self.withQuietStretch(exchanges: 40))
        // 80 rows: the first 4 and last 2 stay, 74 messages (37 requests) collapse into one row.
        #expect(page.contains("… 37 INFORMATIONAL exchanges (74 messages,"))
        #expect(!page.contains("INFORMATIONAL #110 · request"))
        #expect(page.contains("INFORMATIONAL #100 · request") && page.contains("INFORMATIONAL #139 · response"))

        // An anomaly splits the stretch: its row stays, both sides collapse separately.
        let split = Self.html(try Self.withQuietStretch(exchanges: 40, anomalyAt: 20))
        #expect(split.contains("INFORMATIONAL #120 · request"))
        #expect(Self.count("<g class=\"row quietrow\">", in: split) == 2 + Self.count("<g class=\"row quietrow\">", in: Self.html(try Self.sample("rfc6311-sync").0)))

        // Below the threshold nothing collapses.
        let short = Self.html(try Self.withQuietStretch(exchanges: 4), FailoverHTMLRenderer(collapseThreshold: 100))
        #expect(!short.contains("<g class=\"row quietrow\">"))
        #expect(short.contains("INFORMATIONAL #101 · request"))
    }

    @Test func sasWithoutFindingsAreGroupedWithoutLadders() throws {
        // A capture of many ordinary SAs (the benchmark generator), without keys: every SA has
        // keys-missing only, which is not a finding.
        let dir = try Fixtures.tempDir("synth")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pcap = dir.appendingPathComponent("mixed.pcap").path
        let s = try MixedCapture.write(to: pcap, messages: 600, seed: 3)
        let p = FailoverPipeline(keys: nil)
        try p.run(reader: CaptureReader(path: pcap))
        let report = p.finish()
        #expect(report.sas.count == s.sessions)
        #expect(report.sas.allSatisfy { !FailoverHTMLRenderer.hasFindings($0) })
        let page = Self.html(report, info: FailoverRunInfo(keysGiven: false, counts: p.counts))
        #expect(!page.contains("<svg class=\"ladder\""))
        #expect(!page.contains("<section class=\"sa\""))
        #expect(Self.count("<details class=\"quiet\"", in: page) >= 1)
        // Every overview link has its target, and ids are unique.
        let ids = Self.attributes("id", in: page)
        #expect(Set(ids).count == ids.count)
        for href in Self.attributes("href", in: page) { #expect(ids.contains(String(href.dropFirst()))) }
        #expect(Self.count("<tr><td>", in: page) >= report.sas.count)
        #expect(page.contains(FailoverWording.keysNotGiven))
        // A few hundred bytes per quiet SA: 12,554 SAs stay a few megabytes.
        #expect(page.utf8.count < 2_000 + 250 * report.sas.count + 20_000)
    }

    @Test func ladderBudgetIsReported() throws {
        let (report, info) = try Self.sample("failover-failback")
        let page = Self.html(report, info: info, FailoverHTMLRenderer(maxLadderRows: 3))
        #expect(!page.contains("<svg class=\"ladder\""))
        #expect(!page.contains("<svg class=\"plot\""))
        #expect(page.contains(FailoverWording.ladderOmitted(limit: 3)))
        // Without the ladder, the events and their evidence are still listed.
        #expect(page.contains("<div class=\"event\">"))
        #expect(page.contains("failover event 2 of 2 at frame"))
    }

    @Test func outcomesOfTheSamples() throws {
        #expect(FailoverWording.outcome(try #require(try Self.sample("reset").0.sas.first)) == .recoveredByReset)
        #expect(FailoverWording.outcome(try #require(try Self.sample("peer-without-support").0.sas.first)) == .recoveryFailed)
        let hidden = try #require(try Self.sample("rfc6311-sync", keys: false).0.sas.first)
        #expect(FailoverWording.outcome(hidden) == .recoveryHidden)
        let none = try Self.sample("no-invented-takeover").0
        #expect(none.sas.allSatisfy { $0.events.isEmpty ? FailoverWording.outcome($0) == .noTakeover : true })
    }

    @Test func everySampleRendersUniqueIDsAndResolvedLinks() throws {
        for name in try Fixtures.sampleNames() {
            let (report, info) = try Self.sample(name)
            let page = Self.html(report, info: info)
            let ids = Self.attributes("id", in: page)
            #expect(Set(ids).count == ids.count, "\(name)")
            for href in Self.attributes("href", in: page) { #expect(ids.contains(String(href.dropFirst())), "\(name): \(href)") }
            for sa in report.sas where FailoverHTMLRenderer.hasFindings(sa) {
                for ev in sa.events { #expect(page.contains("at frame \(ev.frame), \(ev.side.rawValue) side"), "\(name)") }
            }
        }
    }
}

extension FailoverHTMLTests {
    /// Every run length around the threshold, with any threshold a caller sets (even below the
    /// floor of 8): rows are kept or collapsed, never lost, and nothing traps.
    @Test func collapseKeepsEveryRunLengthWhole() throws {
        for exchanges in 1...8 {
            let report = try Self.withQuietStretch(exchanges: exchanges)
            for threshold in [0, 3, 8, 9, 12] {
                var r = FailoverHTMLRenderer()
                r.collapseThreshold = threshold
                let page = Self.html(report, r)
                let rows = 2 * exchanges
                let last = 100 + exchanges - 1
                #expect(page.contains("INFORMATIONAL #\(last) · response"), "\(exchanges)/\(threshold)")
                let collapsed = page.contains("(\(rows - 6) messages,")
                #expect(collapsed == (rows >= max(8, threshold)), "\(exchanges) exchanges, threshold \(threshold)")
            }
        }
    }
}
