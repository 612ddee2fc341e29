import Foundation

/// Locates `Tests/Fixtures` and `samples/` from this source file, so tests run on a fresh clone.
/// Shared by every test file of this target: extend it rather than defining another.
enum Fixtures {
    static let testsRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let root = testsRoot.appendingPathComponent("Fixtures")
    static let corpus = root.appendingPathComponent("corpus")
    static let samples = testsRoot.deletingLastPathComponent().appendingPathComponent("samples")

    static func path(_ relative: String) -> String { corpus.appendingPathComponent(relative).path }

    /// Every pcap/pcapng capture of the corpus, relative to `corpus/`, sorted.
    static func captures() -> [String] {
        guard let e = FileManager.default.enumerator(atPath: corpus.path) else { return [] }
        var out: [String] = []
        for case let name as String in e where name.hasSuffix(".pcap") || name.hasSuffix(".pcapng") || name.hasSuffix(".cap") {
            out.append(name)
        }
        return out.sorted()
    }

    /// The path of an installed tool, or nil (tests that need it are skipped).
    static func tool(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/usr/sbin"] {
            let p = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Runs a command and returns its standard output (standard error discarded).
    static func run(_ exe: String, _ args: [String], env: [String: String]? = nil) throws -> String {
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
}
