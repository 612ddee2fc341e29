import Foundation
import Testing
import TestSupport

/// `ikev2 failover -o FILE`: the report lands in the file atomically; bad paths are one-line errors.
@Suite struct FailoverOutputFileTests {
    @Test func writesTheReportAndNoTemporaryFile() throws {
        let dir = try Fixtures.tempDir("synth")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("report.html").path
        // An earlier report is replaced whole.
        try Data("old".utf8).write(to: URL(fileURLWithPath: out))
        let r = try CLI.run(["failover", CLI.sample, "--keys", CLI.keys, "-o", out])
        #expect(r.status == 0 && r.out.isEmpty && r.err.isEmpty)
        let page = try String(contentsOfFile: out, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"), "-o *.html defaults to the html format")
        #expect(page.hasSuffix("</html>\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.html"])
        // Other formats go to the file too.
        let json = dir.appendingPathComponent("report.json").path
        #expect(try CLI.run(["failover", CLI.sample, "--keys", CLI.keys, "--format", "json", "-o", json]).status == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect(doc?["sas"] != nil)
        // html on standard output.
        let stdout = try CLI.run(["failover", CLI.sample, "--keys", CLI.keys, "--format", "html"])
        #expect(stdout.status == 0 && stdout.out == page)
    }

    @Test func unwritablePathsAreOneLineErrors() throws {
        let dir = try Fixtures.tempDir("synth")
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("no/such/dir/report.html").path
        let r1 = try CLI.run(["failover", CLI.sample, "-o", missing])
        #expect(r1.status == 1)
        #expect(r1.err == "ikev2: cannot write the report to \(missing): its directory: No such file or directory\n")
        // A directory in the way: the rename fails and nothing is left behind.
        let taken = dir.appendingPathComponent("taken.html")
        try FileManager.default.createDirectory(at: taken, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: taken.appendingPathComponent("inside"))
        let r2 = try CLI.run(["failover", CLI.sample, "-o", taken.path])
        #expect(r2.status == 1)
        #expect(r2.err.hasPrefix("ikev2: cannot write the report to \(taken.path): "))
        #expect(r2.err.split(separator: "\n").count == 1)
        #expect(!r2.err.contains("NSCocoaErrorDomain") && !r2.err.contains("Error Domain"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["taken.html"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: taken.path) == ["inside"])
        // An empty name.
        let r3 = try CLI.run(["failover", CLI.sample, "-o", ""])
        #expect(r3.status == 2 && r3.err.split(separator: "\n").count == 1)
    }
}
