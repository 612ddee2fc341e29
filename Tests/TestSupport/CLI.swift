import Foundation

/// External programs the tests use as oracles or drivers (tshark, tcpdump, chromium, …).
extension Fixtures {
    /// The path of an installed tool, or nil (tests that need it are skipped).
    package static func tool(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/usr/sbin"] {
            let p = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Runs a command and returns its standard output (standard error discarded).
    package static func run(_ exe: String, _ args: [String], env: [String: String]? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        if let env { p.environment = env }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs a command and returns its status, standard output and standard error. Standard error
    /// goes through a file, so neither pipe can fill up while the other is read.
    package static func runWithStatus(_ exe: String, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: errURL.path, contents: nil) else {
            throw FixtureError.unexpected("cannot create \(errURL.path)")
        }
        defer { try? FileManager.default.removeItem(at: errURL) }
        let errHandle = try FileHandle(forWritingTo: errURL)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = errHandle
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try errHandle.close()
        let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return (p.terminationStatus, String(decoding: data, as: UTF8.self), err)
    }
}

/// The built `ikev2` executable.
package enum CLI {
    /// The RFC 6311 sync sample and its key table, the CLI tests' default input.
    package static let sample = Fixtures.sample("rfc6311-sync.pcap")
    package static let keys = Fixtures.sample("rfc6311-sync.keys")

    /// Where SwiftPM built `ikev2`: next to the test bundle (`swift build --build-tests` builds
    /// every product), else the default build folder.
    package static func binary() throws -> String {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let p = candidate.appendingPathComponent("ikev2").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        let fallback = Fixtures.packageRoot.appendingPathComponent(".build/debug/ikev2").path
        guard FileManager.default.isExecutableFile(atPath: fallback) else {
            throw FixtureError.unexpected("ikev2 not built next to the tests")
        }
        return fallback
    }

    /// Runs `ikev2` with `args`: exit status, standard output, standard error.
    package static func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
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
}
