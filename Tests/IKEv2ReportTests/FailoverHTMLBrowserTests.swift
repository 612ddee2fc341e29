import Foundation
import IKEv2Capture
import IKEv2HA
import IKEv2Report
import IKEv2Synth
import Testing
import TestSupport

/// `ikev2 failover --format html -o` on every bundled sample, loaded by headless Chromium: the DOM
/// after the inline script ran holds the ladder, the takeover frames and the sync/reset values;
/// the page makes no network request (Chromium's net log) and breaks no Content-Security-Policy
/// rule or script (its console); a screenshot of each page is kept in `.build/failover-html/`.
@Suite("HTML failover report in headless Chromium", .serialized,
       .enabled(if: Fixtures.tool("chromium") ?? Fixtures.tool("chromium-browser") != nil,
                "chromium is not installed (apt-get install chromium); the HTML report browser tests are skipped"))
struct FailoverHTMLBrowserTests {
    static let chromium: String? = Fixtures.tool("chromium") ?? Fixtures.tool("chromium-browser")
    /// Screenshots stay here after the run (for a look; the README's image is one of them).
    static let screenshots = Fixtures.testsRoot.deletingLastPathComponent().appendingPathComponent(".build/failover-html")

    /// What Chromium saw.
    struct Load {
        var dom: String
        var console: String
        /// URLs the page asked for over the network (Chromium's own background requests excluded).
        var pageRequests: [String]
    }

    /// Loads `page` in a fresh headless Chromium profile: DOM after load, console, net log, screenshot.
    static func load(_ page: URL, screenshot: URL?) throws -> Load {
        let exe = try #require(chromium)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let netLog = dir.appendingPathComponent("net.json")
        var args = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--disable-default-apps", "--no-pings", "--disable-domain-reliability",
            // Nothing can reach the network even if the page asked; the net log still records the attempt.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--user-data-dir=\(dir.appendingPathComponent("profile").path)",
            "--log-net-log=\(netLog.path)", "--enable-logging=stderr", "--v=0",
            "--hide-scrollbars", "--window-size=1280,2400",
        ]
        if let screenshot { args.append("--screenshot=\(screenshot.path)") }
        args += ["--dump-dom", page.absoluteString]
        // A hung browser must not hang the suite.
        let timeout = Fixtures.tool("timeout")
        let r = try Fixtures.runWithStatus(timeout ?? exe, (timeout != nil ? ["120", exe] : []) + args)
        try #require(r.status == 0, "chromium failed (\(r.status)): \(r.err.suffix(2000))")
        let console = r.err.split(separator: "\n").filter { $0.contains(":CONSOLE") }.joined(separator: "\n")
        return Load(dom: r.out, console: console, pageRequests: try pageRequests(netLog))
    }

    /// URL requests made on behalf of a `file://` page (their network isolation key names the
    /// page's origin); the browser's own update/account checks have other keys.
    static func pageRequests(_ netLog: URL) throws -> [String] {
        let data = try Data(contentsOf: netLog)
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "net log is not JSON")
        let constants = try #require(doc["constants"] as? [String: Any])
        let types = try #require(constants["logEventTypes"] as? [String: Int])
        let start = try #require(types["URL_REQUEST_START_JOB"])
        var urls: [String] = []
        for e in (doc["events"] as? [[String: Any]]) ?? [] where (e["type"] as? Int) == start {
            guard let p = e["params"] as? [String: Any], let url = p["url"] as? String else { continue }
            if ((p["network_isolation_key"] as? String) ?? "").contains("file://") { urls.append(url) }
        }
        return urls
    }

    /// The checker can fail: a page with an external image and stylesheet, no policy, is caught.
    @Test func networkCheckSeesAPageRequest() throws {
        let dir = try Fixtures.tempDir("synth")
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("leaky.html")
        try Data("""
            <!DOCTYPE html><html><head><link rel="stylesheet" href="https://fonts.example/x.css"></head>
            <body><img src="http://198.51.100.7/x.png"></body></html>
            """.utf8).write(to: page)
        let load = try Self.load(page, screenshot: nil)
        #expect(load.pageRequests.contains("http://198.51.100.7/x.png"))
        #expect(load.pageRequests.contains("https://fonts.example/x.css"))
    }

    /// The inline script in a browser: a link into a collapsed group opens it; clicking a numeric
    /// column twice sorts it descending, as numbers (60 before 9).
    @Test func sortingAndOpeningLinkedGroups() throws {
        let dir = try Fixtures.tempDir("synth")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pcap = dir.appendingPathComponent("mixed.pcap").path
        _ = try MixedCapture.write(to: pcap, messages: 600, seed: 5)
        let p = FailoverPipeline(keys: nil)
        try p.run(reader: CaptureReader(path: pcap))
        let report = p.finish()
        try #require(report.sas.count == 60)
        var out = OutputBuffer()
        FailoverHTMLRenderer().render(report, info: FailoverRunInfo(keysGiven: false, counts: p.counts), into: &out)
        // After the page's own script: two clicks on the "#" column.
        let click = "<script>var h=document.querySelector('#sas th');h.click();h.click();</script></body>"
        let page = out.string.replacingOccurrences(of: "</body>", with: click)
        let file = dir.appendingPathComponent("mixed.html")
        try Data(page.utf8).write(to: file)
        var url = try #require(URLComponents(url: file, resolvingAgainstBaseURL: false))
        url.fragment = "sa5"
        let load = try Self.load(try #require(url.url), screenshot: nil)
        #expect(load.pageRequests.isEmpty && !load.console.contains("Uncaught"), "\(load.console)")
        let body = try #require(load.dom.components(separatedBy: "<tbody>").dropFirst().first)
        let firstCells = body.components(separatedBy: "<tr><td>").dropFirst().map { $0.prefix { $0 != "<" } }
        #expect(firstCells.prefix(3) == ["60", "59", "58"])
        #expect(firstCells.count == 60)
        #expect(load.dom.contains("data-dir=\"d\""))
        // The group holding sa5 is open; the page had it closed.
        #expect(!page.contains("<details class=\"quiet\" id=\"q1\" open"))
        #expect(load.dom.contains("<details class=\"quiet\" id=\"q1\" open=\"\">"))
    }

    /// `@page` asks for A4 landscape: Chromium's PDF has pages of 842 x 595 points.
    @Test func printsOnA4Landscape() throws {
        let exe = try #require(Self.chromium)
        let dir = try Fixtures.tempDir("synth")
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = dir.appendingPathComponent("report.html")
        let cli = try CLI.run(["failover", CLI.sample, "--keys", CLI.keys, "-o", html.path])
        try #require(cli.status == 0, "\(cli.err)")
        let pdf = dir.appendingPathComponent("report.pdf")
        let timeout = Fixtures.tool("timeout")
        let args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                    "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=\(dir.appendingPathComponent("profile").path)",
                    "--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", html.absoluteString]
        let r = try Fixtures.runWithStatus(timeout ?? exe, (timeout != nil ? ["120", exe] : []) + args)
        try #require(r.status == 0, "chromium --print-to-pdf failed: \(r.err.suffix(1000))")
        let text = String(decoding: try Data(contentsOf: pdf), as: UTF8.self)
        let boxes = text.components(separatedBy: "/MediaBox [").dropFirst().map { $0.prefix { $0 != "]" } }
        #expect(!boxes.isEmpty)
        for b in boxes {
            let v = b.split(separator: " ").compactMap { Double($0) }
            #expect(v.count == 4 && abs(v[2] - 841.9) < 1 && abs(v[3] - 595.0) < 1, "page box \(b)")
        }
    }

    @Test(arguments: try Fixtures.sampleNames())
    func sampleReportInChromium(_ name: String) throws {
        let dir = try Fixtures.tempDir("synth")
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = dir.appendingPathComponent("\(name).html")
        let pcap = Fixtures.samples.appendingPathComponent("\(name).pcap").path
        let keys = Fixtures.samples.appendingPathComponent("\(name).keys").path
        let cli = try CLI.run(["failover", pcap, "--keys", keys, "--format", "html", "-o", html.path])
        try #require(cli.status == 0, "ikev2 failover failed: \(cli.err)")
        #expect(cli.out.isEmpty, "the report goes to the file, not to standard output")

        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        let shot = Self.screenshots.appendingPathComponent("\(name).png")
        try? FileManager.default.removeItem(at: shot)
        let load = try Self.load(html, screenshot: shot)

        // Nothing leaves the page; no policy violation, no script error.
        #expect(load.pageRequests.isEmpty, "\(name): \(load.pageRequests)")
        #expect(!load.console.contains("Content Security Policy"), "\(name): \(load.console)")
        #expect(!load.console.contains("Uncaught"), "\(name): \(load.console)")
        // The inline script ran (it makes the sortable headers focusable).
        #expect(load.dom.contains("tabindex=\"0\""), "\(name): the inline script did not run")

        // The DOM against the analysis of the same capture.
        let (report, _) = try FailoverHTMLTests.sample(name)
        let dom = load.dom
        #expect(dom.contains("<table id=\"sas\" class=\"sortable\">"))
        if report.sas.contains(where: FailoverHTMLRenderer.hasFindings) {
            #expect(dom.contains("<svg class=\"ladder\""), "\(name): no ladder")
        }
        for sa in report.sas where FailoverHTMLRenderer.hasFindings(sa) {
            if let t = sa.takeover {
                #expect(dom.contains("takeover at frame \(t.frame), \(t.side.rawValue) side"), "\(name): takeover frame \(t.frame)")
            }
            for x in sa.syncs + sa.resets {
                #expect(dom.contains("(\(x.request.send), \(x.request.recv))"), "\(name): request values of frame \(x.requestFrame)")
                // The ladder row of a sync/reset request carries its values beside it.
                if sa.timeline.contains(where: { $0.frame == x.requestFrame && ($0.kind == .syncRequest || $0.kind == .resetRequest) }) {
                    let names = x.kind == .sync ? "(M1, P1)" : "(R1, Q1)"
                    #expect(dom.contains("\(names) = (\(x.request.send), \(x.request.recv))"), "\(name): ladder values of frame \(x.requestFrame)")
                }
                if let r = x.response {
                    #expect(dom.contains("(\(r.send), \(r.recv))"), "\(name): response values of frame \(x.requestFrame)")
                }
            }
            for e in sa.esp { #expect(dom.contains("SPI 0x" + String(format: "%08x", e.spi)), "\(name): SPI") }
        }

        let png = try Data(contentsOf: shot)
        #expect(png.count > 10_000 && png.starts(with: [0x89, 0x50, 0x4e, 0x47]), "\(name): screenshot")
    }
}
