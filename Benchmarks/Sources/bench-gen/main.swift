// bench-gen OUT.pcap [MESSAGES] [SEED] [KEYS]: writes the mixed benchmark capture
// (IKEv2Synth.MixedCapture) and prints its summary as one JSON object.

import IKEv2Synth
#if canImport(Glibc)
import Glibc
#endif

let args = CommandLine.arguments
guard args.count >= 2 else {
    print("usage: bench-gen OUT.pcap [MESSAGES=200000] [SEED=1] [KEYS.txt]")
    exit(2)
}
let messages = args.count > 2 ? Int(args[2]) ?? 200_000 : 200_000
let seed = args.count > 3 ? UInt64(args[3]) ?? 1 : 1
let keys = args.count > 4 ? args[4] : nil
do {
    let s = try MixedCapture.write(to: args[1], messages: messages, seed: seed, keysPath: keys)
    print("""
    {"path":"\(s.path)","messages":\(s.messages),"otherFrames":\(s.otherFrames),"frames":\(s.frames),\
    "sessions":\(s.sessions),"nattMessages":\(s.nattMessages),"gcmMessages":\(s.gcmMessages),\
    "cbcMessages":\(s.cbcMessages),"ikeBytes":\(s.ikeBytes),"fileBytes":\(s.fileBytes)}
    """)
} catch {
    print("bench-gen: \(error)")
    exit(1)
}
