// IKE messages of a capture copied into one flat buffer, for in-memory micro-benchmarks.

import IKEv2
import IKEv2Capture

/// Every `.ike` event of a capture, concatenated; `ranges[i]` is message i.
public struct MessageSet: Sendable {
    public var storage: [UInt8] = []
    public var ranges: [Range<Int>] = []
    public var count: Int { ranges.count }
    public var totalBytes: Int { ranges.reduce(0) { $0 + $1.count } }

    public init() {}

    /// Reads `path` with `CaptureReader` and keeps the messages for which `keep` is true.
    public init(capture path: String, keep: (RawSpan) -> Bool = { _ in true }) throws {
        let reader = try CaptureReader(path: path)
        var s: [UInt8] = []
        var r: [Range<Int>] = []
        try reader.forEach { event in
            guard case .ike = event.kind, keep(event.bytes) else { return }
            let start = s.count
            event.bytes.withUnsafeBytes { s.append(contentsOf: $0) }
            r.append(start..<s.count)
        }
        storage = s
        ranges = r
    }

    /// Calls `body` for message `i` (0-based, wraps around).
    @inline(__always)
    public func withMessage<R>(_ i: Int, _ body: (RawSpan) throws -> R) rethrows -> R {
        let range = ranges[i % ranges.count]
        return try storage.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[range]).bytes)
        }
    }
}
