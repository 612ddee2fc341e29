import Foundation
import IKEv2Capture
import IKEv2Crypto
import IKEv2Report
import Testing
import TestSupport

/// How `ikev2 dissect|failover` take their input: bad inputs (one-line errors naming the path
/// and the reason), standard input, FIFOs, several capture points, `-w`, `-c`, and live
/// capture on `lo` (root and tcpreplay needed; skipped otherwise).
@Suite struct CaptureInputCLITests {
    static let sample = CLI.sample
    static let keys = CLI.keys

    static func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ikev2-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// Runs the binary with optional standard input, returning status, stdout, stderr.
    static func run(_ args: [String], stdin: String? = nil, prefix: [String] = []) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        let bin = try CLI.binary()
        if prefix.isEmpty {
            p.executableURL = URL(fileURLWithPath: bin)
            p.arguments = args
        } else {
            p.executableURL = URL(fileURLWithPath: prefix[0])
            p.arguments = Array(prefix.dropFirst()) + [bin] + args
        }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        if let stdin { p.standardInput = FileHandle(forReadingAtPath: stdin) }
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// A clear error: the given status, nothing on stdout, one line on stderr containing `text`.
    static func expectError(_ r: (status: Int32, out: String, err: String), status: Int32, _ text: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == status, sourceLocation: sourceLocation)
        #expect(r.out.isEmpty, "printed as if it were a result: \(r.out.prefix(200))", sourceLocation: sourceLocation)
        let lines = r.err.split(separator: "\n")
        #expect(lines.count == 1, "not one line: \(r.err)", sourceLocation: sourceLocation)
        #expect(r.err.contains(text), "\(r.err) lacks \(text)", sourceLocation: sourceLocation)
        #expect(!r.err.contains("NSCocoaErrorDomain") && !r.err.contains("Error Domain"), sourceLocation: sourceLocation)
    }

    // MARK: Bad input

    @Test func keyFileThatIsADirectoryEmptyOrMissing() throws {
        let dir = try Self.tempDir()
        for cmd in ["dissect", "failover"] {
            Self.expectError(try Self.run([cmd, Self.sample, "--keys", dir]), status: 2, "key file \(dir): is a directory")
            let empty = dir + "/empty.keys"
            _ = FileManager.default.createFile(atPath: empty, contents: Data("\n  \n".utf8))
            Self.expectError(try Self.run([cmd, Self.sample, "--keys", empty]), status: 2, "key file \(empty): holds no key rows")
            Self.expectError(try Self.run([cmd, Self.sample, "--keys", dir + "/none.keys"]), status: 2,
                             "key file \(dir)/none.keys: no such file")
        }
    }

    @Test func unreadableKeyFile() throws {
        let dir = try Self.tempDir()
        let locked = dir + "/locked.keys"
        try FileManager.default.copyItem(atPath: Self.keys, toPath: locked)
        chmod(locked, 0o000)
        var prefix: [String] = []
        if getuid() == 0 {
            // Root reads anything: drop to nobody for this run (the binary and sample must be
            // readable by others, as they are in a normal checkout).
            guard let setpriv = Fixtures.tool("setpriv") else {
                print("skipped: running as root and setpriv (util-linux) is missing, so a file cannot be made unreadable")
                return
            }
            chmod(dir, 0o755)
            prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        }
        let r = try Self.run(["dissect", Self.sample, "--keys", locked], prefix: prefix)
        if r.err.contains("Permission denied"), r.err.contains(Self.sample) || r.err.contains("ikev2") == false {
            print("skipped: nobody cannot read the binary or the sample here: \(r.err)")
            return
        }
        Self.expectError(r, status: 2, "key file \(locked): permission denied")
    }

    @Test func captureThatIsADirectoryOrEmptyOrMissing() throws {
        let dir = try Self.tempDir()
        for cmd in ["dissect", "failover"] {
            Self.expectError(try Self.run([cmd, dir]), status: 1, "\(dir): is a directory, not a capture file")
            Self.expectError(try Self.run([cmd, Self.sample, dir]), status: 1, "\(dir): is a directory, not a capture file")
            let empty = dir + "/empty.pcap"
            _ = FileManager.default.createFile(atPath: empty, contents: Data())
            Self.expectError(try Self.run([cmd, empty]), status: 1, empty)
            Self.expectError(try Self.run([cmd, dir + "/none.pcap"]), status: 1, "\(dir)/none.pcap: No such file or directory")
            let missing = try Self.run([cmd, Self.sample, dir + "/none.pcap"])
            Self.expectError(missing, status: 1, "\(dir)/none.pcap: No such file or directory")
            #expect(!missing.err.contains("none.pcap: \(dir)"), "path named twice: \(missing.err)")
        }
    }

    @Test func noInputOrBothInputsIsUsage() throws {
        Self.expectError(try Self.run(["dissect"]), status: 2, "give a capture file")
        Self.expectError(try Self.run(["failover", Self.sample, "-i", "lo"]), status: 2, "not both")
        Self.expectError(try Self.run(["dissect", Self.sample, "-c", "0"]), status: 2, "-c")
        Self.expectError(try Self.run(["dissect", "-", "-"]), status: 2, "standard input")
    }

    @Test func unknownInterface() throws {
        for cmd in ["dissect", "failover"] {
            let r = try Self.run([cmd, "-i", "nosuchif0"])
            if getuid() == 0 {
                Self.expectError(r, status: 1, "interface nosuchif0: no such interface")
            } else {
                Self.expectError(r, status: 1, "interface nosuchif0: ")
            }
        }
    }

    @Test func liveCaptureWithoutPrivilegeIsAClearError() throws {
        var prefix: [String] = []
        if getuid() == 0 {
            guard let setpriv = Fixtures.tool("setpriv") else {
                print("skipped: running as root and setpriv (util-linux) is missing to drop CAP_NET_RAW")
                return
            }
            prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        }
        for cmd in ["dissect", "failover"] {
            let r = try Self.run([cmd, "-i", "lo"], prefix: prefix)
            Self.expectError(r, status: 1, "interface lo: permission denied (live capture needs CAP_NET_RAW or root)")
        }
    }

    // MARK: Standard input, FIFO, -w, -c

    @Test func standardInputReadsLikeTheFile() throws {
        let file = try Self.run(["dissect", Self.sample, "--keys", Self.keys, "--format", "json"])
        let piped = try Self.run(["dissect", "-", "--keys", Self.keys, "--format", "json"], stdin: Self.sample)
        #expect(piped.status == 0)
        #expect(!file.out.isEmpty && piped.out == file.out)
        let f = try Self.run(["failover", "-", "--keys", Self.keys, "--format", "json"], stdin: Self.sample)
        #expect(f.status == 0)
        #expect(f.out == (try Self.run(["failover", Self.sample, "--keys", Self.keys, "--format", "json"])).out)
    }

    @Test func fifoIsReadAsAStream() throws {
        let dir = try Self.tempDir()
        let fifo = dir + "/cap.fifo"
        try #require(mkfifo(fifo, 0o600) == 0)
        // A writer that opens the FIFO only after the reader does (open blocks until both ends exist).
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "cat \"$0\" > \"$1\"", Self.sample, fifo]
        try writer.run()
        let r = try Self.run(["dissect", fifo, "--format", "json"])
        writer.waitUntilExit()
        #expect(r.status == 0)
        #expect(r.out == (try Self.run(["dissect", Self.sample, "--format", "json"])).out)
        #expect(r.out.split(separator: "\n").count == 20)
    }

    @Test func writeCopiesEveryPacketAndCountStops() throws {
        let dir = try Self.tempDir()
        let out = dir + "/copy.pcap"
        // A filter that keeps only the responses' direction: -w still gets every record.
        let r = try Self.run(["failover", Self.sample, "-w", out, "--format", "json", "--filter", "src host 203.0.113.1"])
        #expect(r.status == 0)
        let tcpdump = Fixtures.tool("tcpdump")
        if let tcpdump {
            func lines(_ path: String) throws -> [String] {
                try Fixtures.run(tcpdump, ["-nn", "-tt", "-xx", "-r", path]).split(separator: "\n").map(String.init)
            }
            let a = try lines(Self.sample), b = try lines(out)
            #expect(!a.isEmpty && a == b, "tcpdump sees different records in the -w copy")
        } else {
            print("tcpdump not installed: -w copy compared with the dissect output only")
        }
        let d1 = try Self.run(["dissect", Self.sample, "--format", "json"]).out
        let d2 = try Self.run(["dissect", out, "--format", "json"]).out
        #expect(d1 == d2)

        let limited = try Self.run(["dissect", Self.sample, "-c", "5", "--format", "json", "-w", dir + "/five.pcap"])
        #expect(limited.status == 0)
        // Frames 1-5: four IKE messages and an ESP packet.
        #expect(limited.out.split(separator: "\n").count == 4)
        #expect(try Self.run(["dissect", dir + "/five.pcap", "--format", "json"]).out.split(separator: "\n").count == 4)
        let tshark = Fixtures.tool("tshark")
        if let tshark {
            let frames = try Fixtures.run(tshark, ["-r", dir + "/five.pcap", "-T", "fields", "-e", "frame.number"])
            #expect(frames.split(separator: "\n").count == 5)
        }
        // No temporary file is left next to the outputs.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["copy.pcap", "five.pcap"])
    }

    // MARK: Several capture points

    /// A copy of a classic little-endian pcap (µs or ns) with every timestamp moved by `nanos`
    /// (a multiple of 1000 for a µs file).
    static func shifted(_ src: String, _ dst: String, by nanos: Int64) throws {
        var d = [UInt8](try Data(contentsOf: URL(fileURLWithPath: src)))
        try #require(d.count >= 24)
        let nano = d[0..<4] == [0x4d, 0x3c, 0xb2, 0xa1]
        try #require(nano || d[0..<4] == [0xd4, 0xc3, 0xb2, 0xa1], "not a little-endian pcap")
        let unit: Int64 = nano ? 1_000_000_000 : 1_000_000
        let delta = nano ? nanos : nanos / 1_000
        func le32(_ i: Int) -> Int64 { Int64(d[i]) | Int64(d[i + 1]) << 8 | Int64(d[i + 2]) << 16 | Int64(d[i + 3]) << 24 }
        func put32(_ i: Int, _ v: Int64) { for k in 0..<4 { d[i + k] = UInt8(truncatingIfNeeded: v >> (8 * Int64(k))) } }
        var off = 24
        while off + 16 <= d.count {
            let t = le32(off) * unit + le32(off + 4) + delta
            put32(off, t / unit)
            put32(off + 4, t % unit)
            off += 16 + Int(le32(off + 8))
        }
        try Data(d).write(to: URL(fileURLWithPath: dst))
    }

    /// The failover JSON without frame numbers and times (which differ between capture points
    /// and replays): SAs, takeovers, syncs, anomalies, timeline kinds and the summary.
    static func meaningful(_ json: String) throws -> NSDictionary {
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        func strip(_ v: Any) -> Any {
            if let d = v as? [String: Any] {
                var o: [String: Any] = [:]
                // Sighting counts say how many copies were folded: they differ by design.
                for (k, x) in d where !(k == "frame" || k.hasSuffix("_frame") || k.hasSuffix("frames") || k.contains("time") && k != "timeline" || k == "at" || k.hasSuffix("sightings")) {
                    o[k] = strip(x)
                }
                return o
            }
            if let a = v as? [Any] { return a.map(strip) }
            return v
        }
        return try #require(strip(doc) as? NSDictionary)
    }

    @Test func dissectTagsEachMessageWithItsCapture() throws {
        let dir = try Self.tempDir()
        let b = dir + "/peer.pcap"
        try Self.shifted(Self.sample, b, by: 1_000_000)
        let r = try Self.run(["dissect", Self.sample, b, "--format", "json"])
        #expect(r.status == 0)
        let objects = try r.out.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.count == 40)
        // Merged by time: each message of the sample, then its copy 1 ms later.
        for (i, o) in objects.enumerated() {
            #expect(o["source"] as? String == (i % 2 == 0 ? Self.sample : b))
            #expect(o["frame"] as? Int == (objects[i - i % 2]["frame"] as? Int))
        }
        let line = try Self.run(["dissect", Self.sample, b, "--format", "line"])
        #expect(line.out.split(separator: "\n").first?.hasPrefix("\(Self.sample):1 ") == true)
        #expect(line.out.split(separator: "\n").dropFirst().first?.hasPrefix("\(b):1 ") == true)
        let text = try Self.run(["dissect", Self.sample, b, "--format", "text"])
        #expect(text.out.contains("Frame 1 of \(b): "))
        // One file: no source anywhere (the single-file output is unchanged).
        #expect(!(try Self.run(["dissect", Self.sample, "--format", "json"])).out.contains("\"source\""))
    }

    @Test func failoverFoldsSightingsAtSeveralCapturePoints() throws {
        let dir = try Self.tempDir()
        let b = dir + "/member2.pcap", late = dir + "/late.pcap"
        try Self.shifted(Self.sample, b, by: 2_000_000)          // 2 ms later: the same packets
        try Self.shifted(Self.sample, late, by: 2_000_000_000)   // 2 s later: outside the window
        let single = try Self.run(["failover", Self.sample, "--keys", Self.keys, "--format", "json"])
        #expect(single.status == 0)
        let base = try Self.meaningful(single.out)

        let both = try Self.run(["failover", Self.sample, b, "--keys", Self.keys, "--format", "json"])
        #expect(both.status == 0)
        #expect(try Self.meaningful(both.out) == base, "two sightings of each packet changed the analysis")
        #expect(both.err.contains("2 capture points: 20 IKE and 21 ESP further sightings"), "\(both.err)")

        // Beyond the window the copies are new transmissions: retransmissions/reuse, not sightings.
        let apart = try Self.run(["failover", Self.sample, late, "--keys", Self.keys, "--format", "json", "--same-message-window", "500"])
        #expect(apart.status == 0)
        #expect(apart.err.contains("0 IKE and 0 ESP further sightings"))
        #expect(try Self.meaningful(apart.out) != base)
        // A window wider than the gap folds them again.
        let wide = try Self.run(["failover", Self.sample, late, "--keys", Self.keys, "--format", "json", "--same-message-window", "3000"])
        #expect(try Self.meaningful(wide.out) == base)
        Self.expectError(try Self.run(["failover", Self.sample, b, "--same-message-window", "86400001"]), status: 2, "--same-message-window")

        // A damaged capture point: the others are read to their end, the report is printed,
        // then status 1 names the file and the frame.
        let data = try Data(contentsOf: URL(fileURLWithPath: b))
        let cut = dir + "/cut.pcap"
        try data.prefix(data.count - 30).write(to: URL(fileURLWithPath: cut))
        let damaged = try Self.run(["failover", Self.sample, cut, "--keys", Self.keys, "--format", "json"])
        #expect(damaged.status == 1)
        #expect(try Self.meaningful(damaged.out) == base)
        #expect(damaged.err.contains("ikev2: \(cut): truncated dump file"), "\(damaged.err)")
        #expect(damaged.err.contains("(truncatedFile at frame 41, byte "), "\(damaged.err)")
    }

    @Test func sightingsLibraryCountsAndRetransmissionsAtOnePoint() throws {
        let dir = try Self.tempDir()
        let b = dir + "/b.pcap"
        try Self.shifted(Self.sample, b, by: 1_000)
        let keys = try IKEKeyTable(parsing: try String(contentsOfFile: Self.keys, encoding: .utf8))
        let merged = FailoverPipeline(keys: keys)
        try merged.run(reader: try CaptureReader(paths: [Self.sample, b]))
        #expect(merged.counts.ikeSightings == 20)
        #expect(merged.counts.espSightings == 21)
        #expect(merged.finish().summary.ikeMessages == 20)
        // The same file twice is the same capture point listed twice: still two points.
        let one = FailoverPipeline(keys: keys)
        try one.run(reader: try CaptureReader(path: Self.sample))
        #expect(one.counts.ikeSightings == 0)
        #expect(one.finish().summary.ikeMessages == 20)
    }

}

/// Live capture on `lo`: one test at a time (each replays onto the same interface).
@Suite(.serialized) struct LiveCaptureCLITests {
    static let sample = CLI.sample
    static let keys = CLI.keys

    /// Starts `ikev2 ARGS` (a live capture) in the background with its output in files, and
    /// waits until it is listening (libpcap's "listening on" line) or has exited.
    static func startListening(_ args: [String]) throws -> (process: Process, out: String, err: String) {
        let dir = try CaptureInputCLITests.tempDir()
        let outPath = dir + "/out", errPath = dir + "/err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try CLI.binary())
        p.arguments = args
        p.standardOutput = FileHandle(forWritingAtPath: outPath)
        p.standardError = FileHandle(forWritingAtPath: errPath)
        try p.run()
        let ready = Date().addingTimeInterval(20)
        while Date() < ready, p.isRunning,
              !((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "").contains("listening on") {
            usleep(20_000)
        }
        return (p, outPath, errPath)
    }

    /// Starts `ikev2 ARGS -i lo` in the background, replays the sample onto lo with tcpreplay,
    /// stops it with SIGINT and returns (status, stdout, stderr).
    static func live(_ args: [String], replay: String) throws -> (status: Int32, out: String, err: String)? {
        guard getuid() == 0 else {
            print("skipped: live capture on lo needs root (CAP_NET_RAW)")
            return nil
        }
        guard let tcpreplay = Fixtures.tool("tcpreplay") else {
            print("skipped: tcpreplay is not installed (scripts/test installs it)")
            return nil
        }
        let (p, outPath, errPath) = try startListening(args)
        guard p.isRunning else {
            Issue.record("ikev2 exited before the replay: \((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")")
            return nil
        }
        let replayer = Process()
        replayer.executableURL = URL(fileURLWithPath: tcpreplay)
        // 20x faster: the sample spans 26 s.
        replayer.arguments = ["-q", "-i", "lo", "--multiplier", "20", replay]
        replayer.standardOutput = FileHandle.nullDevice
        replayer.standardError = FileHandle.nullDevice
        try replayer.run()
        replayer.waitUntilExit()
        #expect(replayer.terminationStatus == 0, "tcpreplay failed")
        usleep(500_000)
        p.interrupt()  // SIGINT
        let deadline = Date().addingTimeInterval(10)
        while p.isRunning, Date() < deadline { usleep(20_000) }
        if p.isRunning {
            p.terminate()
            Issue.record("ikev2 did not stop on SIGINT")
        }
        p.waitUntilExit()
        return (p.terminationStatus,
                (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    /// Only this sample's traffic: other tests or engineers may use lo at the same time.
    static let liveFilter = "udp and (port 500 or port 4500) and host 198.51.100.10 and host 203.0.113.1"

    @Test func liveFailoverOnLoEqualsTheFileReport() throws {
        let dir = try CaptureInputCLITests.tempDir()
        let copy = dir + "/drill.pcap"
        guard let r = try Self.live(["failover", "-i", "lo", "--filter", Self.liveFilter, "--keys", Self.keys,
                                     "--format", "json", "-w", copy], replay: Self.sample) else { return }
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("listening on lo"))
        let file = try CaptureInputCLITests.run(["failover", Self.sample, "--keys", Self.keys, "--format", "json"])
        let live = try CaptureInputCLITests.meaningful(r.out)
        #expect(live == (try CaptureInputCLITests.meaningful(file.out)), "live: \(r.out)")
        // Every replayed frame is in the report, with the file's frame numbers.
        #expect((live["summary"] as? [String: Any])?["ike_messages"] as? Int == 20)
        // -w left a capture of the drill whose report is the live one.
        let again = try CaptureInputCLITests.run(["failover", copy, "--keys", Self.keys, "--format", "json"])
        #expect(again.status == 0)
        #expect(again.out == r.out)
    }

    @Test func liveDissectOnLoEqualsTheFileDissection() throws {
        guard let r = try Self.live(["dissect", "-i", "lo", "--filter", Self.liveFilter, "--keys", Self.keys, "--format", "json"],
                                    replay: Self.sample) else { return }
        #expect(r.status == 0, "\(r.err)")
        func withoutTimes(_ s: String) throws -> [NSDictionary] {
            try s.split(separator: "\n").map { line in
                var o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                o["time"] = nil
                return o as NSDictionary
            }
        }
        let live = try withoutTimes(r.out)
        let file = try withoutTimes(try CaptureInputCLITests.run(["dissect", Self.sample, "--keys", Self.keys, "--format", "json"]).out)
        #expect(live.count == 20)
        #expect(live == file)
    }

    /// --duration ends a live capture that sees no packet; SIGTERM ends one cleanly (report
    /// printed, exit 0); -c ends one after N packets. Root only (no tcpreplay needed).
    @Test func durationSigtermAndCountEndLiveCaptures() throws {
        guard getuid() == 0 else {
            print("skipped: live capture on lo needs root (CAP_NET_RAW)")
            return
        }
        let start = Date()
        let d = try CaptureInputCLITests.run(["dissect", "-i", "lo", "--duration", "1", "--filter", "udp port 9 and host 192.0.2.99"])
        #expect(d.status == 0, "\(d.err)")
        #expect(Date().timeIntervalSince(start) < 8)
        #expect(d.err.contains("0 packets captured"))

        let (p, outPath, _) = try Self.startListening(["failover", "-i", "lo", "--format", "json", "--filter",
                                                       "udp port 9 and host 192.0.2.99"])
        let dir = (outPath as NSString).deletingLastPathComponent
        p.terminate()  // SIGTERM
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(p.terminationReason == .exit)
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let doc = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        #expect((doc?["summary"] as? [String: Any])?["ike_messages"] as? Int == 0)

        // -c: the capture ends by itself after 3 packets (UDP datagrams sent to lo).
        guard let tcpreplay = Fixtures.tool("tcpreplay") else {
            print("skipped the -c part: tcpreplay is not installed")
            return
        }
        let counted = Process()
        counted.executableURL = URL(fileURLWithPath: try CLI.binary())
        // --duration: a safety net, so that a missed packet fails the test instead of hanging it.
        counted.arguments = ["dissect", "-i", "lo", "-c", "3", "--duration", "30", "--format", "json", "--filter", LiveCaptureCLITests.liveFilter]
        let pipe = Pipe()
        let countErr = dir + "/count.err"
        _ = FileManager.default.createFile(atPath: countErr, contents: nil)
        counted.standardOutput = pipe
        counted.standardError = FileHandle(forWritingAtPath: countErr)
        try counted.run()
        let listening = Date().addingTimeInterval(20)
        while Date() < listening, counted.isRunning,
              !((try? String(contentsOfFile: countErr, encoding: .utf8)) ?? "").contains("listening on") {
            usleep(20_000)
        }
        let replayer = Process()
        replayer.executableURL = URL(fileURLWithPath: tcpreplay)
        replayer.arguments = ["-q", "-i", "lo", "--topspeed", Self.sample]
        replayer.standardOutput = FileHandle.nullDevice
        replayer.standardError = FileHandle.nullDevice
        try replayer.run()
        replayer.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        counted.waitUntilExit()
        #expect(counted.terminationStatus == 0)
        #expect(text.split(separator: "\n").count == 3)
        #expect(((try? String(contentsOfFile: countErr, encoding: .utf8)) ?? "").contains("ikev2: 3 packets captured"))
    }
}
