import Foundation
import Testing
import TestSupport

/// The `ikev2` executable itself: exit codes, and that each subcommand runs on the samples.
@Suite struct CLITests {
    @Test func exitCodes() throws {
        #expect(try CLI.run(["dissect", "/nonexistent.pcap"]).status == 1)
        #expect(try CLI.run(["dissect", CLI.sample, "--filter", "not a (filter"]).status == 2)
        #expect(try CLI.run(["dissect"]).status == 2)
        #expect(try CLI.run(["dissect", CLI.sample, "--format", "yaml"]).status == 2)
        #expect(try CLI.run(["--help"]).status == 0)
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(getpid()).keys").path
        try Data("nothex,00,zz\n".utf8).write(to: URL(fileURLWithPath: bad))
        let r = try CLI.run(["dissect", CLI.sample, "--keys", bad])
        #expect(r.status == 2)
        #expect(r.err.contains("line 1"))
    }

    @Test func truncatedCaptureKeepsWhatWasRead() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: CLI.sample))
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(getpid()).pcap")
        try data.prefix(data.count - 30).write(to: cut)
        let r = try CLI.run(["dissect", cut.path, "--format", "json"])
        #expect(r.status == 1)
        #expect(r.out.split(separator: "\n").count >= 15)
        #expect(r.err.contains("frame"))
    }

    @Test func dissectAndFailoverOnTheSample() throws {
        let d = try CLI.run(["dissect", CLI.sample, "--keys", CLI.keys, "--format", "json"])
        #expect(d.status == 0)
        #expect(d.out.contains("\"notify_name\":\"IKEV2_MESSAGE_ID_SYNC\""))
        let f = try CLI.run(["failover", CLI.sample, "--keys", CLI.keys, "--format", "json"])
        #expect(f.status == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(f.out.utf8)) as? [String: Any]
        let sas = doc?["sas"] as? [[String: Any]]
        #expect(sas?.count == 1)
        #expect((sas?.first?["anomalies"] as? [Any])?.isEmpty == true)
        #expect((sas?.first?["syncs"] as? [Any])?.count == 1)
    }

    @Test func mutateIsDeterministicAndDissectable() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mutate-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let a = dir.appendingPathComponent("a.pcap").path, b = dir.appendingPathComponent("b.pcap").path
        #expect(try CLI.run(["mutate", "--synthesize", "2", "-o", a, "--seed", "9"]).status == 0)
        #expect(try CLI.run(["mutate", "--synthesize", "2", "-o", b, "--seed", "9"]).status == 0)
        #expect(FileManager.default.contents(atPath: a) == FileManager.default.contents(atPath: b))
        let index = try String(contentsOfFile: a + ".tsv", encoding: .utf8)
        #expect(index.contains("off-by-one"))
        let d = try CLI.run(["dissect", a, "--format", "json"])
        #expect(d.status == 0)
        #expect(d.out.split(separator: "\n").count == index.split(separator: "\n").count - 1)
    }
}
