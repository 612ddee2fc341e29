// bench-capture FILE [REPEAT]
//
// Library-level parse + walk of every IKE message in a capture read by IKEv2Capture.CaptureReader
// (libpcap: pcap or pcapng, every link type, IP reassembly, UDP 500/4500 and TCP): the reader's
// events go to the same `PcapWalk.parseAndWalk` as `bench-walk --mmap`. Prints counts and the
// in-process time of the last repetition as one JSON line.

import BenchSupport
import IKEv2
import IKEv2Capture

#if canImport(Glibc)
import Glibc
#endif

let args = Array(CommandLine.arguments.dropFirst())
guard let path = args.first else {
    print("usage: bench-capture FILE [REPEAT]")
    exit(2)
}
let repeats = max(1, args.count > 1 ? Int(args[1]) ?? 1 : 1)

var counts = WalkCounts()
var elapsed: UInt64 = 0
do {
    for _ in 0..<repeats {
        counts = WalkCounts()
        let t0 = monotonicNanoseconds()
        let reader = try CaptureReader(path: path)
        try reader.forEach { event in
            switch event.kind {
            case .ike: PcapWalk.parseAndWalk(event.bytes, counts: &counts)
            case .esp: counts.esp += 1
            case .ah: counts.other += 1
            case .natKeepalive: counts.keepalives += 1
            case .ignored: counts.other += 1
            }
        }
        counts.records = reader.framesRead
        elapsed = monotonicNanoseconds() - t0
    }
} catch {
    print("bench-capture: \(error)")
    exit(1)
}
print(counts.jsonLine(mode: "pcap", nanoseconds: elapsed))
