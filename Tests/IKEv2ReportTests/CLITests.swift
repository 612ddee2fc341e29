import Foundation
import Testing

/// The `ikev2` executable itself: exit codes, and that each subcommand runs on the samples.
/// SwiftPM builds the executable next to the test bundle (`swift build --build-tests`).
@Suite struct CLITests {
    static func binary() throws -> String {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let p = candidate.appendingPathComponent("ikev2").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        // `swift test` runs the bundle from the build folder; fall back to the default one.
        let fallback = Fixtures.testsRoot.deletingLastPathComponent().appendingPathComponent(".build/debug/ikev2").path
        try #require(FileManager.default.isExecutableFile(atPath: fallback), "ikev2 not built next to the tests")
        return fallback
    }

    static func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try binary())
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    static let sample = Fixtures.samples.appendingPathComponent("rfc6311-sync.pcap").path
    static let keys = Fixtures.samples.appendingPathComponent("rfc6311-sync.keys").path

    @Test func exitCodes() throws {
        #expect(try Self.run(["dissect", "/nonexistent.pcap"]).status == 1)
        #expect(try Self.run(["dissect", Self.sample, "--filter", "not a (filter"]).status == 2)
        #expect(try Self.run(["dissect"]).status == 2)
        #expect(try Self.run(["dissect", Self.sample, "--format", "yaml"]).status == 2)
        #expect(try Self.run(["--help"]).status == 0)
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(getpid()).keys").path
        try Data("nothex,00,zz\n".utf8).write(to: URL(fileURLWithPath: bad))
        let r = try Self.run(["dissect", Self.sample, "--keys", bad])
        #expect(r.status == 2)
        #expect(r.err.contains("line 1"))
    }

    @Test func truncatedCaptureKeepsWhatWasRead() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.sample))
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(getpid()).pcap")
        try data.prefix(data.count - 30).write(to: cut)
        let r = try Self.run(["dissect", cut.path, "--format", "json"])
        #expect(r.status == 1)
        #expect(r.out.split(separator: "\n").count >= 15)
        #expect(r.err.contains("frame"))
    }

    @Test func dissectAndFailoverOnTheSample() throws {
        let d = try Self.run(["dissect", Self.sample, "--keys", Self.keys, "--format", "json"])
        #expect(d.status == 0)
        #expect(d.out.contains("\"notify_name\":\"IKEV2_MESSAGE_ID_SYNC\""))
        let f = try Self.run(["failover", Self.sample, "--keys", Self.keys, "--format", "json"])
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
        #expect(try Self.run(["mutate", "--synthesize", "2", "-o", a, "--seed", "9"]).status == 0)
        #expect(try Self.run(["mutate", "--synthesize", "2", "-o", b, "--seed", "9"]).status == 0)
        #expect(FileManager.default.contents(atPath: a) == FileManager.default.contents(atPath: b))
        let index = try String(contentsOfFile: a + ".tsv", encoding: .utf8)
        #expect(index.contains("off-by-one"))
        let d = try Self.run(["dissect", a, "--format", "json"])
        #expect(d.status == 0)
        #expect(d.out.split(separator: "\n").count == index.split(separator: "\n").count - 1)
    }
}
