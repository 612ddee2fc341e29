#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IKEv2
import IKEv2HA

/// Renders a `FailoverReport` as one self-contained HTML page: inline CSS, inline SVG and a small
/// inline script (table sorting, opening the section a link points to). No URL is fetched: a
/// Content-Security-Policy forbids every load, fonts are the system's. Prints on A4 landscape.
///
/// The page holds an overview (a sortable table of the IKE SAs, the summary and limits of the
/// JSON report), then per IKE SA with findings a section with its verdict, a ladder diagram of
/// its timeline (failover events as horizontal markers, sync/reset exchanges highlighted,
/// anomalies in red), its sync/reset exchanges, a plot per ESP/AH SPI and its anomalies. SAs
/// without findings are grouped by verdict in collapsed `<details>`, so a capture of thousands
/// of SAs stays a few megabytes. All English comes from `FailoverWording`.
public struct FailoverHTMLRenderer: Sendable {
    /// The page title (e.g. the capture's file name).
    public var title: String
    /// Most ladder rows drawn over the whole report; SAs beyond it get their text but no ladder
    /// and no ESP plot (the bound keeps the page small for captures with many failing SAs).
    public var maxLadderRows: Int
    /// A run of at least this many plain request/response rows (no anomaly, no note) collapses
    /// into one row, keeping its first four rows (typically the SA's setup) and its last two.
    /// At least 8.
    public var collapseThreshold: Int

    public init(title: String = "ikev2 failover", maxLadderRows: Int = 20_000, collapseThreshold: Int = 10) {
        self.title = title
        self.maxLadderRows = max(0, maxLadderRows)
        self.collapseThreshold = max(8, collapseThreshold)
    }

    /// Whether an SA has something to show beyond its header: a failover event, a sync or reset,
    /// an ESP/AH jump, or an anomaly other than `keys-missing` (which every SA of a run without
    /// keys has).
    package static func hasFindings(_ sa: FailoverSAReport) -> Bool {
        !sa.events.isEmpty || !sa.syncs.isEmpty || !sa.resets.isEmpty
            || sa.esp.contains { !$0.jumps.isEmpty || $0.regressions > 0 || $0.duplicates > 0 }
            || sa.anomalyCounts.contains { $0.key != .keysMissing && $0.value > 0 }
            || sa.anomalies.contains { $0.kind != .keysMissing }
    }

    public func render(_ report: FailoverReport, info: FailoverRunInfo = .init(), into out: inout OutputBuffer) {
        head(into: &out)
        out.append(literal: "<header><h1>IKEv2 failover report</h1><p class=\"sub\">")
        out.html(title)
        out.append(literal: "</p></header>\n")
        out.append(literal: svgDefs)

        let findings = report.sas.indices.filter { Self.hasFindings(report.sas[$0]) }
        overview(report, into: &out)
        summary(report, info: info, into: &out)

        out.append(literal: "<section id=\"findings\"><h2>IKE SAs with findings</h2>\n")
        if findings.isEmpty { out.append(literal: "<p class=\"muted\">none</p>\n") }
        var rowsLeft = maxLadderRows
        for i in findings { saSection(report.sas[i], index: i, rowsLeft: &rowsLeft, into: &out) }
        out.append(literal: "</section>\n")
        quiet(report, into: &out)
        out.append(literal: script)
        out.append(literal: "</body></html>\n")
    }

    // MARK: page

    func head(into out: inout OutputBuffer) {
        out.append(literal: "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        out.append(literal: "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n")
        out.append(literal: "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        out.append(literal: "<meta name=\"generator\" content=\"ikev2 failover --format html\">\n<title>")
        out.html(title)
        out.append(literal: "</title>\n<style>")
        out.append(literal: css)
        out.append(literal: "</style></head><body>\n")
    }

    func overview(_ report: FailoverReport, into out: inout OutputBuffer) {
        out.append(literal: "<section id=\"overview\"><h2>Overview</h2>\n<p class=\"legend\">")
        for o in FailoverOutcome.allCases {
            out.append(literal: "<span class=\"badge ")
            out.append(o.rawValue)
            out.append(literal: "\">")
            out.html(FailoverWording.outcome(o))
            out.append(literal: "</span> ")
        }
        out.append(literal: "</p>\n<table id=\"sas\" class=\"sortable\"><thead><tr><th data-t=\"n\">#<th>initiator SPI<th>responder SPI<th data-t=\"n\">first frame<th data-t=\"n\">IKE messages<th>verdict<th data-t=\"n\">anomalies<th data-t=\"n\">takeover frame<th data-t=\"n\">ESP/AH SPIs</thead><tbody>\n")
        for (i, sa) in report.sas.enumerated() {
            let o = FailoverWording.outcome(sa)
            out.append(literal: "<tr><td>"); out.decimal(i + 1)
            out.append(literal: "<td><a href=\"#sa"); out.decimal(i + 1); out.append(literal: "\">")
            out.hex(sa.initiatorSPI, width: 16)
            out.append(literal: "</a><td>"); out.hex(sa.responderSPI, width: 16)
            out.append(literal: "<td>"); out.decimal(sa.firstFrame)
            out.append(literal: "<td>"); out.decimal(sa.messages)
            out.append(literal: "<td class=\""); out.append(o.rawValue); out.append(literal: "\">")
            out.html(FailoverWording.outcome(o))
            let n = sa.anomalyCounts.values.reduce(0, &+)
            out.append(literal: n > 0 && Self.hasFindings(sa) ? "<td class=\"bad\">" : "<td>")
            out.decimal(n)
            out.append(literal: "<td>")
            if let t = sa.takeover { out.decimal(t.frame) }
            out.append(literal: "<td>"); out.decimal(sa.esp.count)
            out.append(literal: "\n")
        }
        out.append(literal: "</tbody></table></section>\n")
    }

    func summary(_ report: FailoverReport, info: FailoverRunInfo, into out: inout OutputBuffer) {
        out.append(literal: "<section id=\"summary\"><h2>Summary and limits</h2><div class=\"cols\">\n<table class=\"kv\"><tbody>")
        for (k, v) in FailoverWording.summaryRows(report, info: info) {
            out.append(literal: "<tr><th>"); out.html(k); out.append(literal: "<td>"); out.html(v); out.append(literal: "\n")
        }
        out.append(literal: "</tbody></table>\n<table class=\"kv\"><tbody>")
        for (k, v) in FailoverWording.limitRows(report.summary) {
            out.append(literal: "<tr><th>"); out.html(k); out.append(literal: "<td>"); out.html(v); out.append(literal: "\n")
        }
        out.append(literal: "</tbody></table></div>\n")
        if !info.keysGiven {
            out.append(literal: "<p class=\"note\">"); out.html(FailoverWording.keysNotGiven); out.append(literal: "</p>\n")
        }
        out.append(literal: "</section>\n")
    }

    /// SAs without findings, grouped by (capabilities, verdict); every SA keeps an anchor.
    func quiet(_ report: FailoverReport, into out: inout OutputBuffer) {
        var groups: [String: Int] = [:]
        var keys: [(caps: String, verdict: String)] = []
        var members: [[Int]] = []
        for (i, sa) in report.sas.enumerated() where !Self.hasFindings(sa) {
            let caps = FailoverWording.capabilities(sa)
            let verdict = FailoverWording.verdict(sa)
            let key = caps + "\u{0}" + verdict
            if let g = groups[key] {
                members[g].append(i)
            } else {
                groups[key] = members.count
                keys.append((caps, verdict))
                members.append([i])
            }
        }
        guard !members.isEmpty else { return }
        out.append(literal: "<section id=\"quiet\"><h2>IKE SAs without findings</h2>\n")
        for (g, list) in members.enumerated() {
            out.append(literal: "<details class=\"quiet\" id=\"q"); out.decimal(g + 1); out.append(literal: "\"><summary>")
            out.html(FailoverWording.quietGroup(list.count))
            out.append(literal: "</summary><p><b>capabilities</b> ")
            out.html(keys[g].caps)
            out.append(literal: "</p><p class=\"verdict\">")
            out.html(keys[g].verdict)
            out.append(literal: "</p><p class=\"spis\">")
            for i in list {
                let sa = report.sas[i]
                out.append(literal: "<span id=\"sa"); out.decimal(i + 1); out.append(literal: "\">")
                out.hex(sa.initiatorSPI, width: 16); out.byte(UInt8(ascii: "/")); out.hex(sa.responderSPI, width: 16)
                out.append(literal: "</span> ")
            }
            out.append(literal: "</p></details>\n")
        }
        out.append(literal: "</section>\n")
    }

    // MARK: one SA

    func saSection(_ sa: FailoverSAReport, index: Int, rowsLeft: inout Int, into out: inout OutputBuffer) {
        let o = FailoverWording.outcome(sa)
        out.append(literal: "<section class=\"sa\" id=\"sa"); out.decimal(index + 1); out.append(literal: "\">\n<h3>IKE SA <code>")
        out.hex(sa.initiatorSPI, width: 16); out.append(literal: "</code> / <code>"); out.hex(sa.responderSPI, width: 16)
        out.append(literal: "</code> <span class=\"badge "); out.append(o.rawValue); out.append(literal: "\">")
        out.html(FailoverWording.outcome(o))
        out.append(literal: "</span></h3>\n<p class=\"meta\">frames "); out.decimal(sa.firstFrame)
        out.append(literal: "–"); out.decimal(sa.lastFrame)
        out.append(literal: " · IKE messages "); out.decimal(sa.messages)
        out.append(literal: " · capabilities: "); out.html(FailoverWording.capabilities(sa))
        out.append(literal: " · next request IDs: initiator ")
        if let n = sa.nextRequestID[.initiator] { out.decimal(n) } else { out.append(literal: "?") }
        out.append(literal: ", responder ")
        if let n = sa.nextRequestID[.responder] { out.decimal(n) } else { out.append(literal: "?") }
        out.append(literal: "</p>\n<p class=\"verdict\"><b>Verdict</b> ")
        out.html(FailoverWording.verdict(sa))
        out.append(literal: "</p>\n")
        let rows = ladderRows(sa)
        let draw = rows.count <= rowsLeft
        // The ladder shows each event with its evidence; without a ladder, a box does.
        for (i, ev) in sa.events.enumerated() where !draw {
            out.append(literal: "<div class=\"event\"><b>")
            out.html(FailoverWording.eventTitle(index: i, of: sa.events.count, frame: ev.frame, side: ev.side))
            out.append(literal: "</b><ul>")
            for e in ev.evidence {
                out.append(literal: e.isStrong ? "<li class=\"strong\">" : "<li class=\"weak\">")
                out.html(FailoverWording.evidenceList([e]))
            }
            out.append(literal: "</ul></div>\n")
        }

        if draw {
            rowsLeft -= rows.count
            out.append(literal: "<h4>Ladder</h4>\n")
            ladder(sa, rows, into: &out)
        } else {
            out.append(literal: "<p class=\"note\">"); out.html(FailoverWording.ladderOmitted(limit: maxLadderRows)); out.append(literal: "</p>\n")
        }
        if !sa.syncs.isEmpty || !sa.resets.isEmpty { exchanges(sa, into: &out) }
        if !sa.esp.isEmpty {
            out.append(literal: "<h4>ESP/AH</h4>\n")
            if draw {
                out.append(literal: "<p class=\"keyline\"><span class=\"k bef\"></span>before the takeover <span class=\"k aft\"></span>after the takeover (last point: frame not kept) <span class=\"k tk\"></span>failover event <span class=\"k jok\"></span>")
                out.html(FailoverWording.jumpLegend(.clusterForwardJump))
                out.append(literal: " <span class=\"k junv\"></span>")
                out.html(FailoverWording.jumpLegend(.unverifiedNeedsKeys))
                out.append(literal: " <span class=\"k jbad\"></span>")
                out.html(FailoverWording.jumpLegend(.unexplained))
                out.append(literal: "</p>\n")
            }
            out.append(literal: "<div class=\"plots\">")
            for e in sa.esp { espBlock(e, sa: sa, plot: draw, into: &out) }
            out.append(literal: "</div>\n")
        }
        anomalies(sa, into: &out)
        out.append(literal: "</section>\n")
    }

    func exchanges(_ sa: FailoverSAReport, into out: inout OutputBuffer) {
        out.append(literal: "<h4>Sync and reset exchanges</h4>\n<table class=\"x\"><thead><tr><th>exchange<th>requester<th>request frame<th>response frame<th>nonce<th>request (M1, P1) / (R1, Q1)<th>response (P2, M2) / swapped<th>replay delta<th>nonce echoed<th>rules obeyed<th>requester / peer use new values<th>valid<th>problems</thead><tbody>\n")
        for (sync, list) in [(true, sa.syncs), (false, sa.resets)] {
            for x in list {
                out.append(literal: x.valid ? "<tr class=\"hl\"><td>" : "<tr class=\"badrow\"><td>")
                out.append(literal: sync ? "sync" : "reset")
                out.append(literal: "<td>"); out.append(x.requester.rawValue)
                out.append(literal: "<td>"); out.decimal(x.requestFrame)
                out.append(literal: "<td>"); if let f = x.responseFrame { out.decimal(f) }
                out.append(literal: "<td><code>0x"); out.hex(UInt64(x.nonce), width: 8)
                out.append(literal: "</code><td class=\"val\">("); out.decimal(x.request.send); out.append(literal: ", "); out.decimal(x.request.recv)
                out.append(literal: ")<td class=\"val\">")
                if let r = x.response {
                    out.append(literal: "("); out.decimal(r.send); out.append(literal: ", "); out.decimal(r.recv); out.append(literal: ")")
                }
                out.append(literal: "<td>"); if let d = x.replayDelta { out.decimal(d) }
                out.append(literal: "<td>"); yesNo(x.nonceEchoed, into: &out)
                out.append(literal: "<td>"); yesNo(x.obeysRules, into: &out)
                out.append(literal: "<td>"); yesNo(x.requesterUsesNewValues, into: &out)
                out.append(literal: " / "); yesNo(x.peerUsesNewValues, into: &out)
                out.append(literal: "<td>"); yesNo(x.valid, into: &out)
                out.append(literal: "<td>")
                for p in x.problems {
                    out.append(literal: "<div class=\"bad\">"); out.html(FailoverWording.finding(p)); out.append(literal: "</div>")
                }
                out.append(literal: "\n")
            }
        }
        out.append(literal: "</tbody></table>\n")
    }

    func yesNo(_ b: Bool?, into out: inout OutputBuffer) {
        switch b {
        case true?: out.append(literal: "<span class=\"ok\">yes</span>")
        case false?: out.append(literal: "<span class=\"bad\">no</span>")
        case nil: out.append(literal: "<span class=\"muted\">?</span>")
        }
    }

    func anomalies(_ sa: FailoverSAReport, into out: inout OutputBuffer) {
        guard !sa.anomalies.isEmpty else { return }
        out.append(literal: "<h4>Anomalies</h4>\n<table class=\"an\"><thead><tr><th>frame<th>Message ID<th>direction<th>kind<th>detail</thead><tbody>\n")
        for a in sa.anomalies {
            out.append(literal: "<tr><td>"); out.decimal(a.frame)
            out.append(literal: "<td>"); if let m = a.messageID { out.decimal(m) }
            out.append(literal: "<td>"); if let d = a.direction { out.append(d.rawValue) }
            out.append(literal: "<td class=\"bad\">"); out.append(a.kind.rawValue)
            out.append(literal: "<td>"); out.html(FailoverWording.fact(a.fact))
            out.append(literal: "\n")
        }
        if sa.anomaliesDropped > 0 {
            out.append(literal: "<tr><td colspan=\"5\" class=\"muted\">"); out.html(FailoverWording.anomaliesDropped(sa.anomaliesDropped))
            out.append(literal: "\n")
        }
        out.append(literal: "</tbody></table>\n")
    }

    // MARK: ladder

    /// One row of the ladder diagram.
    enum Row {
        /// A message between the lifelines, with the anomalies of its frame.
        case message(FailoverTimelineEntry, [FailoverAnomaly])
        /// Something on one lifeline (counters moved, ESP/AH, gap, rekey), with its anomalies.
        case note(FailoverTimelineEntry, [FailoverAnomaly])
        /// A failover event (index into `events`), or a takeover entry without one.
        case event(Int?, FailoverTimelineEntry)
        /// Collapsed plain rows.
        case collapsed(String)
        /// Anomalies at a frame without a timeline entry.
        case anomalies([FailoverAnomaly])
        /// Timeline entries not kept.
        case dropped(Int)
    }

    static func isMessage(_ k: FailoverTimelineEntry.Kind) -> Bool {
        switch k {
        case .request, .response, .retransmittedRequest, .retransmittedResponse, .unverifiedRetransmission,
             .syncRequest, .syncResponse, .resetRequest, .resetResponse, .history:
            true
        default:
            false
        }
    }

    /// The rows of an SA's ladder, quiet stretches collapsed.
    func ladderRows(_ sa: FailoverSAReport) -> [Row] {
        var byFrame: [Int: [FailoverAnomaly]] = [:]
        for a in sa.anomalies { byFrame[a.frame, default: []].append(a) }
        var messageFrames = Set<Int>()
        for e in sa.timeline where Self.isMessage(e.kind) { messageFrames.insert(e.frame) }
        var eventUsed = Set<Int>()
        var rows: [Row] = []
        var plain: [Bool] = []
        func take(_ frame: Int) -> [FailoverAnomaly] {
            guard let list = byFrame[frame] else { return [] }
            byFrame[frame] = nil
            return list
        }
        // Anomalies at frames before `frame` that no entry took get their own row first.
        func flushOrphans(before frame: Int) {
            let early = byFrame.keys.filter { $0 < frame }.sorted()
            for f in early {
                rows.append(.anomalies(take(f)))
                plain.append(false)
            }
        }
        for e in sa.timeline {
            flushOrphans(before: e.frame)
            switch e.kind {
            case .takeover, .identityChange:
                let i = sa.events.indices.first { !eventUsed.contains($0) && sa.events[$0].frame == e.frame
                    && FailoverDirection(sender: sa.events[$0].side) == (e.direction ?? FailoverDirection(sender: sa.events[$0].side)) }
                if let i { eventUsed.insert(i) }
                rows.append(.event(i, e))
                plain.append(false)
            default:
                let message = Self.isMessage(e.kind) || (e.kind == .messageIDZero && !messageFrames.contains(e.frame))
                let list = take(e.frame)
                if message {
                    rows.append(.message(e, list))
                    let quiet: Bool
                    switch e.detail {
                    case .none, .answers: quiet = true
                    default: quiet = false
                    }
                    plain.append(list.isEmpty && quiet && (e.kind == .request || e.kind == .response))
                } else {
                    rows.append(.note(e, list))
                    plain.append(false)
                }
            }
        }
        flushOrphans(before: Int.max)
        // Events whose timeline entry was not kept: placed by frame.
        for (i, ev) in sa.events.enumerated() where !eventUsed.contains(i) {
            let marker = FailoverTimelineEntry(frame: ev.frame, timeNanos: ev.timeNanos, kind: i == 0 ? .takeover : .identityChange,
                                               direction: FailoverDirection(sender: ev.side), messageID: nil, exchange: nil,
                                               detail: .takeover(ev.evidence))
            let at = rows.firstIndex { Self.frame(of: $0).map { $0 > ev.frame } ?? false } ?? rows.count
            rows.insert(.event(i, marker), at: at)
            plain.insert(false, at: at)
        }
        if sa.timelineDropped > 0 {
            rows.append(.dropped(sa.timelineDropped))
            plain.append(false)
        }
        return collapse(rows, plain)
    }

    static func frame(of row: Row) -> Int? {
        switch row {
        case .message(let e, _), .note(let e, _), .event(_, let e): e.frame
        case .anomalies(let list): list.first?.frame
        case .collapsed, .dropped: nil
        }
    }

    /// Replaces runs of plain rows by their first two, one collapsed row and their last two.
    func collapse(_ rows: [Row], _ plain: [Bool]) -> [Row] {
        var out: [Row] = []
        var i = 0
        while i < rows.count {
            guard plain[i] else { out.append(rows[i]); i += 1; continue }
            var j = i
            while j < rows.count && plain[j] { j += 1 }
            if j - i >= max(8, collapseThreshold) {
                out.append(contentsOf: rows[i..<(i + 4)])
                let middle = rows[(i + 4)..<(j - 2)]
                var requests = 0
                var exchange: ExchangeType? = nil
                var mixed = false
                var first = Int.max, last = 0
                for r in middle {
                    guard case .message(let e, _) = r else { continue }
                    if e.kind == .request { requests += 1 }
                    if let x = e.exchange {
                        if exchange == nil { exchange = x } else if exchange != x { mixed = true }
                    }
                    first = min(first, e.frame)
                    last = max(last, e.frame)
                }
                out.append(.collapsed(FailoverWording.quietStretch(exchanges: max(requests, (middle.count + 1) / 2), messages: middle.count,
                                                                   exchange: mixed ? nil : exchange,
                                                                   firstFrame: first == Int.max ? 0 : first, lastFrame: last)))
                out.append(contentsOf: rows[(j - 2)..<j])
            } else {
                out.append(contentsOf: rows[i..<j])
            }
            i = j
        }
        return out
    }

    // Geometry of the ladder (SVG user units; the SVG scales to the page width).
    static let width = 1000.0
    /// Lifelines; message labels are centred between them (x = 315).
    static let xInitiator = 150.0
    static let xResponder = 480.0
    static let xNotes = 500.0
    static let lineHeight = 13.0
    /// Characters per line of the notes column (11 px system font).
    static let notesChars = 78
    /// The same for bold text (anomalies, sync values).
    static let boldChars = 68
    static let eventChars = 150

    func ladder(_ sa: FailoverSAReport, _ rows: [Row], into out: inout OutputBuffer) {
        // Layout first: every row's height from its wrapped text.
        var heights: [Double] = []
        var texts: [[(String, String)]] = []   // (css class, line)
        for r in rows {
            var lines: [(String, String)] = []
            switch r {
            case .message(let e, let list), .note(let e, let list):
                let note = FailoverWording.note(e)
                let facts = Set(list.map { FailoverWording.fact($0.fact) })
                if case .answers = e.detail {} else if !note.isEmpty && !facts.contains(note) {
                    let cls = noteClass(e)
                    for l in wrap(note, cls == "s" ? Self.boldChars : Self.notesChars) { lines.append((cls, l)) }
                }
                for a in list {
                    for l in wrap("⚠ " + a.kind.rawValue + ": " + FailoverWording.fact(a.fact), Self.boldChars) {
                        lines.append((a.kind == .keysMissing ? "m" : "a", l))
                    }
                }
            case .anomalies(let list):
                for a in list {
                    for l in wrap("⚠ " + a.kind.rawValue + ": " + FailoverWording.fact(a.fact), Self.boldChars) {
                        lines.append((a.kind == .keysMissing ? "m" : "a", l))
                    }
                }
            case .event(let i, let e):
                let evidence = i.map { sa.events[$0].evidence } ?? []
                if evidence.isEmpty {
                    for l in wrap(FailoverWording.note(e), Self.eventChars) { lines.append(("ev", l)) }
                }
                for x in evidence {
                    for l in wrap((x.isStrong ? "● " : "○ ") + FailoverWording.evidenceList([x]), Self.eventChars) { lines.append(("ev", l)) }
                }
            case .collapsed, .dropped:
                break
            }
            texts.append(lines)
            switch r {
            case .event: heights.append(26 + Double(lines.count) * Self.lineHeight + 6)
            case .collapsed, .dropped: heights.append(24)
            default: heights.append(max(26, Double(lines.count) * Self.lineHeight + 10))
            }
        }
        let top = 44.0
        let total = top + heights.reduce(0, +) + 10
        out.append(literal: "<div class=\"ladder-wrap\"><svg class=\"ladder\" viewBox=\"0 0 1000 ")
        num(total, into: &out)
        out.append(literal: "\" width=\"1000\" height=\"")
        num(total, into: &out)
        out.append(literal: "\" role=\"img\" aria-label=\"ladder diagram of IKE SA ")
        out.hex(sa.initiatorSPI, width: 16)
        out.append(literal: "\">\n")
        // Lifelines and their heads.
        let cluster = Set(sa.events.map(\.side))
        for (side, x) in [(IKESide.initiator, Self.xInitiator), (.responder, Self.xResponder)] {
            out.append(literal: "<line class=\"life\" x1=\""); num(x, into: &out); out.append(literal: "\" y1=\"34\" x2=\"")
            num(x, into: &out); out.append(literal: "\" y2=\""); num(total - 4, into: &out); out.append(literal: "\"/>")
            out.append(literal: "<rect class=\"head\" x=\""); num(x - 105, into: &out); out.append(literal: "\" y=\"4\" width=\"210\" height=\"30\" rx=\"4\"/>")
            out.append(literal: "<text class=\"headt\" x=\""); num(x, into: &out); out.append(literal: "\" y=\"24\">")
            out.append(literal: side == .initiator ? "original initiator" : "original responder")
            if cluster.contains(side) { out.append(literal: " (cluster)") }
            out.append(literal: "</text>\n")
        }
        out.append(literal: "<text class=\"colh\" x=\"4\" y=\"24\">frame</text>\n")
        var y = top
        for (k, r) in rows.enumerated() {
            let h = heights[k]
            row(r, sa: sa, y: y, height: h, lines: texts[k], into: &out)
            y += h
        }
        out.append(literal: "</svg></div>\n")
    }

    func noteClass(_ e: FailoverTimelineEntry) -> String {
        switch e.kind {
        case .syncRequest, .syncResponse, .resetRequest, .resetResponse, .rebase: "s"
        case .history, .messageIDZero: "m"
        default: "n"
        }
    }

    func row(_ r: Row, sa: FailoverSAReport, y: Double, height: Double, lines: [(String, String)], into out: inout OutputBuffer) {
        switch r {
        case .message(let e, let list):
            let anomalous = list.contains { $0.kind != .keysMissing }
            let counter = ([.syncRequest, .syncResponse, .resetRequest, .resetResponse] as [FailoverTimelineEntry.Kind]).contains(e.kind)
            out.append(literal: anomalous ? "<g class=\"row bad\">" : counter ? "<g class=\"row sync\">" : "<g class=\"row\">")
            tooltip(e, list, into: &out)
            if counter || anomalous {
                out.append(literal: "<rect class=\"band\" x=\"0\" y=\""); num(y + 1, into: &out)
                out.append(literal: "\" width=\"1000\" height=\""); num(height - 2, into: &out); out.append(literal: "\"/>")
            }
            frameLabel(e, y: y, into: &out)
            let fromLeft = e.direction != .responderToInitiator
            let x1 = fromLeft ? Self.xInitiator : Self.xResponder
            let x2 = fromLeft ? Self.xResponder - 6 : Self.xInitiator + 6
            let ay = y + 17
            out.append(literal: "<line class=\"")
            out.append(arrowClass(e, anomalous: anomalous))
            out.append(literal: "\" x1=\""); num(x1, into: &out); out.append(literal: "\" y1=\""); num(ay, into: &out)
            out.append(literal: "\" x2=\""); num(x2, into: &out); out.append(literal: "\" y2=\""); num(ay, into: &out)
            out.append(literal: anomalous ? "\" marker-end=\"url(#ah-a)\"/>" : counter ? "\" marker-end=\"url(#ah-s)\"/>" : e.kind == .history ? "\" marker-end=\"url(#ah-m)\"/>" : "\" marker-end=\"url(#ah)\"/>")
            out.append(literal: "<text class=\"lbl\" x=\"315\" y=\""); num(ay - 4, into: &out); out.append(literal: "\">")
            out.html(e.exchange.map { $0.name ?? "exchange \($0.rawValue)" } ?? "")
            if let m = e.messageID { out.append(literal: " #"); out.decimal(m) }
            out.append(literal: " · ")
            out.html(FailoverWording.entryKind(e.kind))
            out.append(literal: "</text>")
            notes(lines, y: y, into: &out)
            out.append(literal: "</g>\n")
        case .note(let e, let list):
            let anomalous = list.contains { $0.kind != .keysMissing } || isUnexplainedJump(e)
            out.append(literal: anomalous ? "<g class=\"row bad\">" : noteClass(e) == "s" ? "<g class=\"row sync\">" : "<g class=\"row\">")
            tooltip(e, list, into: &out)
            if anomalous || noteClass(e) == "s" {
                out.append(literal: "<rect class=\"band\" x=\"0\" y=\""); num(y + 1, into: &out)
                out.append(literal: "\" width=\"1000\" height=\""); num(height - 2, into: &out); out.append(literal: "\"/>")
            }
            frameLabel(e, y: y, into: &out)
            let side: IKESide? = {
                if case .rebase(let s, _, _) = e.detail { return s }
                if case .windowChanged(let s, _, _) = e.detail { return s }
                return e.direction?.sender
            }()
            let x = side == .responder ? Self.xResponder : side == .initiator ? Self.xInitiator : (Self.xInitiator + Self.xResponder) / 2
            let cy = y + 14
            switch e.kind {
            case .espJump, .espRegression, .espDuplicate:
                out.append(literal: "<path class=\"dia\" d=\"M"); num(x, into: &out); out.byte(UInt8(ascii: " ")); num(cy - 6, into: &out)
                out.append(literal: " l6 6 l-6 6 l-6 -6 z\"/>")
            case .gap, .windowUnknown:
                out.append(literal: "<line class=\"gap\" x1=\""); num(x, into: &out); out.append(literal: "\" y1=\""); num(y + 2, into: &out)
                out.append(literal: "\" x2=\""); num(x, into: &out); out.append(literal: "\" y2=\""); num(y + height - 2, into: &out); out.append(literal: "\"/>")
            default:
                out.append(literal: "<circle class=\"dot\" cx=\""); num(x, into: &out); out.append(literal: "\" cy=\""); num(cy, into: &out)
                out.append(literal: "\" r=\"5\"/>")
            }
            out.append(literal: "<text class=\"lbl\" x=\"315\" y=\""); num(cy + 4, into: &out); out.append(literal: "\">")
            out.html(FailoverWording.entryKind(e.kind))
            if let m = e.messageID, ([.gap, .windowUnknown, .messageIDZero] as [FailoverTimelineEntry.Kind]).contains(e.kind) {
                out.append(literal: " #"); out.decimal(m)
            }
            out.append(literal: "</text>")
            notes(lines, y: y, into: &out)
            out.append(literal: "</g>\n")
        case .event(let i, let e):
            let ev = i.map { sa.events[$0] }
            out.append(literal: "<g class=\"row event\"><title>")
            out.html(FailoverWording.note(e))
            out.append(literal: "</title><rect class=\"evband\" x=\"0\" y=\""); num(y + 1, into: &out)
            out.append(literal: "\" width=\"1000\" height=\""); num(height - 2, into: &out)
            out.append(literal: "\"/><line class=\"evline\" x1=\"0\" y1=\""); num(y + 6, into: &out)
            out.append(literal: "\" x2=\"1000\" y2=\""); num(y + 6, into: &out)
            out.append(literal: "\"/><text class=\"evt\" x=\"4\" y=\""); num(y + 21, into: &out); out.append(literal: "\">")
            let side = ev?.side ?? e.direction?.sender ?? .responder
            out.html(FailoverWording.eventTitle(index: i ?? 0, of: max(1, sa.events.count), frame: e.frame, side: side))
            out.append(literal: "</text>")
            for (n, (_, l)) in lines.enumerated() {
                out.append(literal: "<text class=\"evx\" x=\"24\" y=\""); num(y + 34 + Double(n) * Self.lineHeight, into: &out)
                out.append(literal: "\">"); out.html(l); out.append(literal: "</text>")
            }
            out.append(literal: "</g>\n")
        case .collapsed(let text):
            out.append(literal: "<g class=\"row quietrow\"><rect class=\"qband\" x=\"0\" y=\""); num(y + 2, into: &out)
            out.append(literal: "\" width=\"1000\" height=\""); num(height - 4, into: &out)
            out.append(literal: "\"/><text class=\"q\" x=\"315\" y=\""); num(y + 16, into: &out); out.append(literal: "\">")
            out.html(text)
            out.append(literal: "</text></g>\n")
        case .dropped(let n):
            out.append(literal: "<g class=\"row quietrow\"><text class=\"q\" x=\"315\" y=\""); num(y + 16, into: &out); out.append(literal: "\">")
            out.html(FailoverWording.timelineDropped(n))
            out.append(literal: "</text></g>\n")
        case .anomalies(let list):
            out.append(literal: "<g class=\"row bad\"><title>")
            out.html(list.map { FailoverWording.fact($0.fact) }.joined(separator: "\n"))
            out.append(literal: "</title><rect class=\"band\" x=\"0\" y=\""); num(y + 1, into: &out)
            out.append(literal: "\" width=\"1000\" height=\""); num(height - 2, into: &out)
            out.append(literal: "\"/><text class=\"fr\" x=\"4\" y=\""); num(y + 18, into: &out); out.append(literal: "\">")
            out.decimal(list.first?.frame ?? 0)
            out.append(literal: "</text>")
            // The message itself has no timeline entry (e.g. a reuse): drawn from the anomaly.
            if let a = list.first(where: { $0.direction != nil }), let d = a.direction {
                let fromLeft = d == .initiatorToResponder
                let ay = y + 17
                out.append(literal: "<line class=\"req an\" x1=\""); num(fromLeft ? Self.xInitiator : Self.xResponder, into: &out)
                out.append(literal: "\" y1=\""); num(ay, into: &out); out.append(literal: "\" x2=\"")
                num(fromLeft ? Self.xResponder - 6 : Self.xInitiator + 6, into: &out)
                out.append(literal: "\" y2=\""); num(ay, into: &out); out.append(literal: "\" marker-end=\"url(#ah-a)\"/>")
                out.append(literal: "<text class=\"lbl\" x=\"315\" y=\""); num(ay - 4, into: &out); out.append(literal: "\">")
                if let m = a.messageID { out.append(literal: "#"); out.decimal(m); out.append(literal: " · ") }
                out.append(a.kind.rawValue)
                out.append(literal: "</text>")
            }
            notes(lines, y: y, into: &out)
            out.append(literal: "</g>\n")
        }
    }

    func isUnexplainedJump(_ e: FailoverTimelineEntry) -> Bool {
        if case .fact(.sequenceJump(_, _, _, .unexplained)) = e.detail { return true }
        return e.kind == .espRegression
    }

    func arrowClass(_ e: FailoverTimelineEntry, anomalous: Bool) -> String {
        var c: String
        switch e.kind {
        case .response: c = "resp"
        case .retransmittedRequest, .retransmittedResponse: c = "retx"
        case .unverifiedRetransmission: c = "retx unv"
        case .syncRequest, .resetRequest: c = "req sx"
        case .syncResponse, .resetResponse: c = "resp sx"
        case .history: c = "hist"
        default: c = "req"
        }
        if anomalous { c += " an" }
        return c
    }

    /// The `<title>` of a row: its kind, note and anomalies (shown on hover).
    func tooltip(_ e: FailoverTimelineEntry, _ list: [FailoverAnomaly], into out: inout OutputBuffer) {
        out.append(literal: "<title>frame ")
        out.decimal(e.frame)
        out.append(literal: ", ")
        var t = OutputBuffer(capacity: 0)
        Timestamp.rfc3339(e.timeNanos, into: &t)
        out.bytes.append(contentsOf: t.bytes)
        out.append(literal: ": ")
        out.html(FailoverWording.entryKind(e.kind))
        let note = FailoverWording.note(e)
        if !note.isEmpty { out.append(literal: " — "); out.html(note) }
        for a in list {
            out.append(literal: "\n⚠ "); out.append(a.kind.rawValue); out.append(literal: ": "); out.html(FailoverWording.fact(a.fact))
        }
        out.append(literal: "</title>")
    }

    func frameLabel(_ e: FailoverTimelineEntry, y: Double, into out: inout OutputBuffer) {
        out.append(literal: "<text class=\"fr\" x=\"4\" y=\""); num(y + 18, into: &out); out.append(literal: "\">")
        out.decimal(e.frame)
        out.append(literal: "</text>")
    }

    func notes(_ lines: [(String, String)], y: Double, into out: inout OutputBuffer) {
        for (n, (cls, l)) in lines.enumerated() {
            out.append(literal: "<text class=\"")
            out.append(cls)
            out.append(literal: "\" x=\"500\" y=\""); num(y + 17 + Double(n) * Self.lineHeight, into: &out)
            out.append(literal: "\">"); out.html(l); out.append(literal: "</text>")
        }
    }

    /// Greedy word wrap at `width` characters (words longer than a line are cut).
    func wrap(_ s: String, _ width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        var count = 0
        for word in s.split(separator: " ", omittingEmptySubsequences: true) {
            var w = Substring(word)
            while w.count > width {
                if count > 0 { lines.append(line); line = ""; count = 0 }
                lines.append(String(w.prefix(width)))
                w = w.dropFirst(width)
            }
            let n = w.count
            if count > 0 && count + 1 + n > width {
                lines.append(line)
                line = ""
                count = 0
            }
            if count > 0 { line += " "; count += 1 }
            line += w
            count += n
        }
        if count > 0 { lines.append(line) }
        return lines
    }

    // MARK: ESP/AH plot

    func espBlock(_ e: FailoverESPSummary, sa: FailoverSAReport, plot: Bool, into out: inout OutputBuffer) {
        out.append(literal: "<figure class=\"esp\"><figcaption>")
        out.html(FailoverWording.espLine(e))
        out.append(literal: "</figcaption>\n")
        if plot { espPlot(e, sa: sa, into: &out) }
        if !e.jumps.isEmpty {
            out.append(literal: "<ul class=\"jumps\">")
            for j in e.jumps {
                out.append(literal: j.explanation == .unexplained ? "<li class=\"bad\">" : j.explanation == .unverifiedNeedsKeys ? "<li class=\"unv\">" : "<li class=\"ok\">")
                out.append(literal: "frame "); out.decimal(j.frame); out.append(literal: ": ")
                out.html(FailoverWording.fact(.sequenceJump(spi: e.spi, from: j.from, to: j.to, explanation: j.explanation)))
            }
            out.append(literal: "</ul>")
        }
        out.append(literal: "</figure>\n")
    }

    /// A point of the plot.
    struct Point {
        var frame: Double
        var sequence: UInt64
        var label: String
    }

    func espPlot(_ e: FailoverESPSummary, sa: FailoverSAReport, into out: inout OutputBuffer) {
        var before: [Point] = []
        var after: [Point] = []
        if let s = e.firstSequenceBefore {
            before.append(Point(frame: Double(e.firstFrame), sequence: s, label: FailoverWording.espPoint(.firstBefore, sequence: s, frame: e.firstFrame)))
        }
        if let s = e.lastSequenceBefore {
            let f = e.lastFrameBefore ?? e.firstFrame
            before.append(Point(frame: Double(f), sequence: s, label: FailoverWording.espPoint(.lastBefore, sequence: s, frame: e.lastFrameBefore)))
        }
        // The frame of the last packet is not kept: it is drawn at the end of the SA, dashed.
        var frames: [Double] = [Double(e.firstFrame), Double(max(sa.lastFrame, e.firstFrame))]
        frames += before.map(\.frame)
        frames += e.jumps.map { Double($0.frame) }
        frames += sa.events.map { Double($0.frame) }
        if let f = e.firstFrameAfter { frames.append(Double(f)) }
        let xMaxFrame = frames.max() ?? 1
        if let s = e.firstSequenceAfter {
            let f = Double(e.firstFrameAfter ?? e.firstFrame)
            after.append(Point(frame: f, sequence: s, label: FailoverWording.espPoint(.firstAfter, sequence: s, frame: e.firstFrameAfter)))
        }
        if let s = e.lastSequenceAfter {
            after.append(Point(frame: max(xMaxFrame, after.first?.frame ?? 0), sequence: s, label: FailoverWording.espPoint(.lastAfter, sequence: s, frame: nil)))
        }
        var values = (before + after).map(\.sequence)
        for j in e.jumps { values += [j.from, j.to] }
        guard let vMax = values.max(), let vMin = values.min() else { return }
        let xMin = frames.min() ?? 0
        let xMax = xMaxFrame > xMin ? xMaxFrame : xMin + 1
        let log = Double(vMax) / Double(max(vMin, 1)) > 1000
        // Plot area.
        let (left, right, topY, bottom) = (64.0, 452.0, 10.0, 150.0)
        let lo: Double, hi: Double
        if log {
            lo = (Double(max(vMin, 1))).log10Floor
            hi = max(lo + 1, Double(max(vMax, 1)).log10Ceil)
        } else {
            // Nice steps around the values (sequence numbers far from 0 stay readable).
            let step = max(1, (Double(vMax - vMin) / 4).niceCeil)
            lo = (Double(vMin) / step).rounded(.down) * step
            hi = max(lo + step, (Double(vMax) / step).rounded(.up) * step)
        }
        func px(_ f: Double) -> Double { left + (f - xMin) / (xMax - xMin) * (right - left) }
        func py(_ v: UInt64) -> Double {
            let t = log ? (max(1, Double(v)).lg - lo) / (hi - lo) : (Double(v) - lo) / (hi - lo)
            return bottom - min(1, max(0, t)) * (bottom - topY)
        }
        out.append(literal: "<svg class=\"plot\" viewBox=\"0 0 470 180\" width=\"470\" height=\"180\" role=\"img\" aria-label=\"sequence numbers of SPI 0x")
        out.hex(UInt64(e.spi), width: 8)
        out.append(literal: "\">")
        out.append(literal: "<rect class=\"frame\" x=\"64\" y=\"10\" width=\"388\" height=\"140\"/>")
        // Y ticks.
        var ticks: [(Double, String)] = []
        if log {
            let span = Int(hi - lo)
            let step = max(1, (span + 6) / 7)
            var k = Int(lo)
            while Double(k) <= hi {
                ticks.append((Double(k), k < 4 ? String(Int(pow(10, Double(k)))) : "1e\(k)"))
                k += step
            }
        } else {
            let step = max(1, (Double(vMax - vMin) / 4).niceCeil)
            var v = lo
            while v <= hi + step / 2 && ticks.count < 8 {
                ticks.append((v, step >= 1000 || v >= 1e6 ? v.short : String(Int64(v.rounded()))))
                v += step
            }
        }
        for (v, label) in ticks {
            let yy = bottom - (v - lo) / (hi - lo) * (bottom - topY)
            out.append(literal: "<line class=\"grid\" x1=\"64\" x2=\"452\" y1=\""); num(yy, into: &out); out.append(literal: "\" y2=\""); num(yy, into: &out)
            out.append(literal: "\"/><text class=\"tick\" x=\"60\" y=\""); num(yy + 3, into: &out); out.append(literal: "\">")
            out.html(label); out.append(literal: "</text>")
        }
        out.append(literal: "<text class=\"tick\" x=\"64\" y=\"164\" text-anchor=\"start\">")
        out.decimal(Int(xMin)); out.append(literal: "</text><text class=\"tick\" x=\"452\" y=\"164\">")
        out.decimal(Int(xMax)); out.append(literal: "</text><text class=\"axis\" x=\"258\" y=\"176\">frame</text>")
        out.append(literal: "<text class=\"axis\" transform=\"rotate(-90)\" x=\"-80\" y=\"12\">")
        out.append(literal: log ? "sequence (log scale)" : "sequence")
        out.append(literal: "</text>")
        // Failover events.
        for (i, ev) in sa.events.enumerated() {
            let x = px(Double(ev.frame))
            out.append(literal: "<line class=\"tk\" x1=\""); num(x, into: &out); out.append(literal: "\" x2=\""); num(x, into: &out)
            out.append(literal: "\" y1=\"10\" y2=\"150\"><title>")
            out.html(FailoverWording.eventTitle(index: i, of: sa.events.count, frame: ev.frame, side: ev.side))
            out.append(literal: "</title></line>")
        }
        // Series: before (solid), after (the last point dashed: its frame is not kept).
        for (cls, pts) in [("bef", before), ("aft", after)] where pts.count > 1 {
            out.append(literal: "<polyline class=\"")
            out.append(cls)
            out.append(literal: "\" points=\"")
            for p in pts { num(px(p.frame), into: &out); out.byte(UInt8(ascii: ",")); num(py(p.sequence), into: &out); out.byte(UInt8(ascii: " ")) }
            out.append(literal: "\"/>")
        }
        for (cls, pts) in [("bef", before), ("aft", after)] {
            for p in pts {
                out.append(literal: "<circle class=\""); out.append(cls); out.append(literal: "\" cx=\""); num(px(p.frame), into: &out)
                out.append(literal: "\" cy=\""); num(py(p.sequence), into: &out); out.append(literal: "\" r=\"3.5\"><title>")
                out.html(p.label); out.append(literal: "</title></circle>")
            }
        }
        // Jumps: a vertical step at the frame, coloured by its explanation.
        for j in e.jumps {
            let x = px(Double(j.frame))
            let cls: StaticString = switch j.explanation {
            case .unexplained: "jump bad"
            case .unverifiedNeedsKeys: "jump unv"
            case .clusterForwardJump, .peerReplayCounterDelta: "jump ok"
            }
            out.append(literal: "<line class=\""); out.append(literal: cls); out.append(literal: "\" x1=\""); num(x, into: &out)
            out.append(literal: "\" x2=\""); num(x, into: &out); out.append(literal: "\" y1=\""); num(py(j.from), into: &out)
            out.append(literal: "\" y2=\""); num(py(j.to), into: &out); out.append(literal: "\"><title>frame ")
            out.decimal(j.frame); out.append(literal: ": ")
            out.html(FailoverWording.fact(.sequenceJump(spi: e.spi, from: j.from, to: j.to, explanation: j.explanation)))
            out.append(literal: "</title></line><path class=\""); out.append(literal: cls); out.append(literal: "\" d=\"M")
            num(x, into: &out); out.byte(UInt8(ascii: " ")); num(py(j.to) - 5, into: &out)
            out.append(literal: " l5 8 h-10 z\"/>")
        }
        out.append(literal: "</svg>\n")
    }

    /// A coordinate with at most one decimal.
    func num(_ v: Double, into out: inout OutputBuffer) {
        guard v.isFinite else { out.byte(UInt8(ascii: "0")); return }
        let tenths = Int64((min(1e15, max(-1e15, v)) * 10).rounded())
        if tenths < 0 { out.byte(UInt8(ascii: "-")) }
        let m = tenths.magnitude
        out.decimal(m / 10)
        if m % 10 != 0 { out.byte(UInt8(ascii: ".")); out.decimal(m % 10) }
    }
}

extension Double {
    fileprivate var lg: Double { self > 0 ? log10(self) : 0 }
    fileprivate var log10Floor: Double { (lg + 1e-9).rounded(.down) }
    fileprivate var log10Ceil: Double { (lg - 1e-9).rounded(.up) }
    /// 1, 2 or 5 times a power of ten, at or above the value.
    fileprivate var niceCeil: Double {
        guard self > 0 else { return 1 }
        var p = 1.0
        while p * 10 <= self { p *= 10 }
        for f in [1.0, 2.0, 5.0, 10.0] where f * p >= self { return f * p }
        return 10 * p
    }
    /// 1234 -> "1234", 65536 -> "65.5k", 1048576 -> "1.05M".
    fileprivate var short: String {
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        if self < 10_000 { return String(Int64(self.rounded())) }
        for (u, s) in units where self >= u {
            let v = (self / u * 10).rounded() / 10
            let whole = Int64(v)
            let frac = Int64(((v - Double(whole)) * 10).rounded())
            return frac == 0 ? "\(whole)\(s)" : "\(whole).\(frac)\(s)"
        }
        return String(Int64(self.rounded()))
    }
}

extension OutputBuffer {
    /// Text escaped for HTML content and attribute values: `& < > " '` as entities, control
    /// characters other than tab and newline as a space. Runs that need no escaping are copied at once.
    package mutating func html(_ s: String) {
        var s = s
        s.withUTF8 { u in
            var runStart = 0
            var i = 0
            while i < u.count {
                let b = u[i]
                let entity: StaticString?
                switch b {
                case UInt8(ascii: "&"): entity = "&amp;"
                case UInt8(ascii: "<"): entity = "&lt;"
                case UInt8(ascii: ">"): entity = "&gt;"
                case UInt8(ascii: "\""): entity = "&quot;"
                case UInt8(ascii: "'"): entity = "&#39;"
                case 0x09, 0x0a: entity = nil
                case 0..<0x20, 0x7f: entity = " "
                default: entity = nil
                }
                guard let entity else { i += 1; continue }
                if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<i])) }
                append(literal: entity)
                i += 1
                runStart = i
            }
            if runStart < u.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<u.count])) }
        }
    }
}

// MARK: inline assets

/// Arrowheads shared by every ladder (one definition per page).
private let svgDefs: StaticString = """
<svg class="defs" width="0" height="0" aria-hidden="true"><defs>\
<marker id="ah" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#243b53"/></marker>\
<marker id="ah-s" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#b35c00"/></marker>\
<marker id="ah-a" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#c1121f"/></marker>\
<marker id="ah-m" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#8d99ae"/></marker>\
</defs></svg>

"""

private let css: StaticString = """
:root{--fg:#1b263b;--muted:#6c757d;--bad:#c1121f;--ok:#2d6a4f;--sync:#b35c00;--ev:#6a2c91;--line:#d0d7de}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);margin:0 auto;padding:16px 24px;max-width:1280px}
code,.spis,.val{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
h1{font-size:22px;margin:0}h2{font-size:18px;border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:28px}
h3{font-size:16px;margin:0 0 4px}h4{font-size:14px;margin:14px 0 6px}
.sub,.muted,.meta{color:var(--muted)}.meta{margin:2px 0 6px}
.bad{color:var(--bad)}.ok{color:var(--ok)}.unv{color:var(--sync)}
table{border-collapse:collapse;font-size:13px}th,td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:#f3f5f7;position:sticky;top:0}
table.sortable th{cursor:pointer;user-select:none}table.sortable th[data-dir=a]::after{content:" ▲"}table.sortable th[data-dir=d]::after{content:" ▼"}
#sas td:nth-child(2),#sas td:nth-child(3){font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
#sas td:nth-child(n+4):not(:nth-child(6)){text-align:right}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;border:1px solid currentColor}
.recovery-failed,.no-recovery{color:var(--bad)}.recovery-hidden{color:var(--sync)}.recovered-reset,.recovered-sync{color:var(--ok)}.no-takeover{color:var(--muted)}
td.recovery-failed,td.no-recovery,td.recovery-hidden,td.recovered-reset,td.recovered-sync{font-weight:600}
.legend .badge{margin:2px 4px 2px 0}
.cols{display:flex;gap:32px;flex-wrap:wrap;align-items:flex-start}table.kv th{font-weight:normal;color:var(--muted);white-space:pre}
.note{background:#fff8e1;border-left:4px solid var(--sync);padding:6px 10px}
section.sa{border:1px solid var(--line);border-radius:6px;padding:12px 16px;margin:16px 0;break-inside:auto}
section.sa:target,span:target{outline:3px solid #ffd166}
.verdict{margin:6px 0}
.event{border-left:4px solid var(--ev);padding:2px 10px;margin:6px 0;background:#f7f0fb}.event ul{margin:2px 0;padding-left:18px}
li.strong{font-weight:600}li.weak{color:#444}
.ladder-wrap{overflow-x:auto}svg.ladder{max-width:100%;height:auto;font-size:11px}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--fg)}
.life{stroke:#8d99ae;stroke-width:1.5}.head{fill:#e9ecef;stroke:#8d99ae}.headt{text-anchor:middle;font-weight:600;font-size:12px}
.colh{font-weight:600;fill:var(--muted)}
.fr{fill:var(--muted);font-family:ui-monospace,Menlo,Consolas,monospace}.lbl{text-anchor:middle}
line.req,line.resp,line.retx,line.hist{stroke:#243b53;stroke-width:1.6}line.resp{stroke-width:1.1}
line.retx{stroke-dasharray:6 4}line.unv{stroke-dasharray:2 3}line.hist{stroke:#8d99ae;stroke-dasharray:1 3}
line.sx{stroke:var(--sync);stroke-width:2.4}line.an{stroke:var(--bad)}
.row.sync .band{fill:#fff1db}.row.bad .band{fill:#fde8e8}.band,.evband,.qband{fill-opacity:.8}
text.s{fill:var(--sync);font-weight:600}text.a{fill:var(--bad);font-weight:600}text.n,text.m{fill:#495057}
.row.bad .lbl{fill:var(--bad)}
.dot{fill:var(--sync)}.dia{fill:#457b9d}.row.bad .dia{fill:var(--bad)}line.gap{stroke:var(--muted);stroke-width:3;stroke-dasharray:2 3}
.evband{fill:#f7f0fb}.evline{stroke:var(--ev);stroke-width:3;stroke-dasharray:10 4}.evt{font-weight:700;fill:var(--ev);font-size:12px}.evx{fill:var(--ev)}
.qband{fill:#f3f5f7}.q{text-anchor:middle;fill:var(--muted);font-style:italic}
.plots{display:flex;flex-wrap:wrap;gap:12px}figure.esp{margin:0;border:1px solid var(--line);border-radius:4px;padding:6px 8px;max-width:500px}
figcaption{font-size:12.5px}svg.plot{font-size:10px;max-width:100%;height:auto}
.plot .frame{fill:#fbfcfd;stroke:#ced4da}.grid{stroke:#e9ecef}.tick{text-anchor:end;fill:var(--muted)}.axis{text-anchor:middle;fill:var(--muted)}
.tk{stroke:var(--ev);stroke-width:2;stroke-dasharray:6 3}
polyline.bef,polyline.aft{fill:none;stroke-width:1.5}polyline.bef{stroke:#1d70b8}polyline.aft{stroke:#d97706;stroke-dasharray:5 3}
circle.bef{fill:#1d70b8}circle.aft{fill:#d97706}
line.jump{stroke-width:3}path.jump.ok{fill:var(--ok)}path.jump.bad{fill:var(--bad)}path.jump.unv{fill:var(--sync)}line.jump.ok{stroke:var(--ok)}line.jump.bad{stroke:var(--bad)}line.jump.unv{stroke:var(--sync);stroke-dasharray:4 2}
.keyline{font-size:12px;color:var(--muted);margin:2px 0 6px}.k{display:inline-block;width:18px;height:0;border-top:3px solid;vertical-align:middle;margin:0 4px 0 10px}
.k.bef{border-color:#1d70b8}.k.aft{border-color:#d97706;border-top-style:dashed}.k.tk{border-color:var(--ev);border-top-style:dashed}.k.jok{border-color:var(--ok)}.k.junv{border-color:var(--sync);border-top-style:dashed}.k.jbad{border-color:var(--bad)}
ul.jumps{margin:4px 0;padding-left:18px;font-size:12.5px}
table.x td,table.an td{font-size:12.5px}tr.hl td{background:#fff8ee}tr.badrow td{background:#fdf0f0}
details.quiet{border:1px solid var(--line);border-radius:6px;padding:6px 12px;margin:8px 0}details.quiet summary{cursor:pointer;font-weight:600}
.spis span{display:inline-block;margin-right:10px;color:#495057}
@page{size:A4 landscape;margin:10mm}
@media print{body{max-width:none;padding:0;font-size:11px}thead th{position:static}.ladder-wrap{overflow:visible}section.sa{break-inside:avoid-page}h2{break-after:avoid}a{color:inherit;text-decoration:none}}

"""

/// Sorting the overview table by a column; opening the collapsed group a link points to.
private let script: StaticString = """
<script>
(function(){
document.querySelectorAll("table.sortable").forEach(function(t){
 t.querySelectorAll("th").forEach(function(th,i){
  th.tabIndex=0;
  function sort(){
   var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),num=th.dataset.t==="n",dir=th.dataset.dir==="a"?-1:1;
   t.querySelectorAll("th").forEach(function(h){delete h.dataset.dir});
   th.dataset.dir=dir===1?"a":"d";
   function v(r){var s=r.cells[i].textContent;return num?(s===""?Infinity:+s):s}
   rows.sort(function(x,y){var p=v(x),q=v(y);return (num?((p-q)||0):p.localeCompare(q))*dir});
   var f=document.createDocumentFragment();rows.forEach(function(r){f.appendChild(r)});b.appendChild(f);
  }
  th.addEventListener("click",sort);
  th.addEventListener("keydown",function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault();sort()}});
 });
});
function reveal(){
 if(!location.hash)return;
 var el=document.getElementById(location.hash.slice(1));
 for(var p=el;p;p=p.parentElement){if(p.tagName==="DETAILS")p.open=true}
 if(el)el.scrollIntoView();
}
window.addEventListener("hashchange",reveal);reveal();
})();
</script>

"""
