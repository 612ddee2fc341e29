// bench-walk [--mmap|--populate|--header|--chain|--errors] FILE [REPEAT]
//
// Library-level parse + walk of every IKE message in a capture, for the end-to-end harness:
//   --mmap      mmap the classic pcap, walk records, decode Ethernet/IP/UDP, then
//               IKEMessageView(parsing:) + every payload's validateBody() (default)
//   --populate  the same with MAP_POPULATE (page faults paid at map time)
//   --header    mmap walk, header parse only
//   --chain     mmap walk, header + payload chain + SA proposals/transforms only: the same walk
//               as the plain C walker perf/walk.c ("walk ike FILE"), for a like-for-like floor
//   --errors    as --mmap, printing the first 10 codec errors (to check a capture)
// Prints counts and the in-process time of the last repetition as one JSON line.
// This process links the codec only (no libpcap, whose shared libraries take about 5 ms to
// load); `bench-capture` is the same parse + walk fed by IKEv2Capture.CaptureReader.

import BenchSupport
import IKEv2

#if canImport(Glibc)
import Glibc
#endif

var args = Array(CommandLine.arguments.dropFirst())
var mode = "--mmap"
if let first = args.first, first.hasPrefix("--") {
    mode = first
    args.removeFirst()
}
guard let path = args.first else {
    print("usage: bench-walk [--mmap|--populate|--header|--chain|--errors] FILE [REPEAT]")
    exit(2)
}
let repeats = max(1, args.count > 1 ? Int(args[1]) ?? 1 : 1)

var counts = WalkCounts()
var elapsed: UInt64 = 0
do {
    for _ in 0..<repeats {
        counts = WalkCounts()
        let t0 = monotonicNanoseconds()
        switch mode {
        case "--mmap", "--populate", "--header", "--chain":
            let file = try MappedFile(path: path, populate: mode == "--populate")
            try file.withBytes { bytes in
                if mode == "--header" {
                    try PcapWalk.forEachIKE(in: bytes, counts: &counts) { PcapWalk.parseHeader($0, counts: &$1) }
                } else if mode == "--chain" {
                    try PcapWalk.forEachIKE(in: bytes, counts: &counts) { PcapWalk.parseAndWalkChain($0, counts: &$1) }
                } else {
                    try PcapWalk.forEachIKE(in: bytes, counts: &counts) { PcapWalk.parseAndWalk($0, counts: &$1) }
                }
            }
        case "--errors":
            // Prints the first 10 codec errors (to debug a capture), then walks as --mmap.
            var shown = 0
            let file = try MappedFile(path: path)
            try file.withBytes { bytes in
                try PcapWalk.forEachIKE(in: bytes, counts: &counts) { msg, c in
                    let before = c.malformed
                    PcapWalk.parseAndWalk(msg, counts: &c)
                    guard c.malformed > before, shown < 10 else { return }
                    shown += 1
                    do throws(IKEError) {
                        let m = try IKEMessageView(parsing: msg)
                        try m.validate()
                    } catch {
                        print("message \(c.ikeMessages): \(error)")
                    }
                }
            }
        default:
            print("bench-walk: unknown mode \(mode)")
            exit(2)
        }
        elapsed = monotonicNanoseconds() - t0
    }
} catch {
    print("bench-walk: \(error)")
    exit(1)
}
print(counts.jsonLine(mode: String(mode.dropFirst(2)), nanoseconds: elapsed))
