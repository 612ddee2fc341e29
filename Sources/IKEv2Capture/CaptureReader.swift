// Streaming capture reader over libpcap (pcap µs/ns in either byte order, pcapng, live
// interfaces), one input or several merged by timestamp.

import CPcap
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One event: an IKE message, an ESP packet, a NAT keepalive or an ignored frame, with its
/// context. `bytes` points into libpcap's record buffer or a reassembly buffer and is valid only
/// inside the `forEach` callback (copy with `copyBytes()` to keep it).
///
/// - `.ike`: the IKE message from its header on (RFC 7296 §3.1); the non-ESP marker
///   (RFC 3948 §2.2) or TCP framing (RFC 9329 §3) is already stripped.
/// - `.esp`: the ESP packet from the SPI on (RFC 4303 §2).
/// - `.ah`: the AH header with its ICV (RFC 4302 §2); what AH protects follows as its own event.
/// - `.natKeepalive`: the single 0xFF byte (RFC 3948 §2.3), or empty over TCP.
/// - `.ignored`: empty.
public struct CaptureEvent: ~Escapable {
    public let kind: CaptureEventKind
    public let meta: PacketMeta
    public let bytes: RawSpan

    @_lifetime(copy bytes)
    public init(kind: CaptureEventKind, meta: PacketMeta, bytes: RawSpan) {
        self.kind = kind
        self.meta = meta
        self.bytes = bytes
    }

    /// An owned copy of `bytes` (allocates).
    public func copyBytes() -> [UInt8] {
        bytes.withUnsafeBytes { Array($0) }
    }
}

/// Settings of a live capture (`CaptureReader(interface:)`).
public struct LiveCaptureOptions: Sendable, Hashable {
    /// Bytes kept of each packet (libpcap's snapshot length).
    public var snapLength = 262_144
    /// Put the interface in promiscuous mode (off: only traffic to and from this host).
    public var promiscuous = false
    /// Deliver each packet as soon as it arrives (libpcap immediate mode).
    public var immediate = true
    /// Longest wait for a packet before the stop conditions are checked again.
    public var pollMilliseconds: Int32 = 100
    public init() {}
}

/// Ends a read from another thread: `CaptureReader.forEach` returns normally (as at the end of
/// a file) after the record in hand. Safe to call from any thread, any number of times; a
/// signal handler should call it from a dispatch source, not from the signal context.
public final class CaptureStopper: Sendable {
    private let flag = Atomic<Bool>(false)
    private let handles: [PcapHandle]

    init(handles: [PcapHandle]) { self.handles = handles }

    public func stop() {
        flag.store(true, ordering: .releasing)
        for h in handles { pcap_breakloop(h.pointer) }
    }

    public var isStopped: Bool { flag.load(ordering: .acquiring) }
}

/// Owns one pcap handle; shared with `CaptureStopper` so that `pcap_breakloop` never sees a
/// closed handle. libpcap documents `pcap_breakloop` as callable from another thread.
final class PcapHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ p: OpaquePointer) { pointer = p }
    deinit { pcap_close(pointer) }
}

/// One input of a reader: a file or an interface, with its own decoder (reassembly is never
/// mixed across capture points) and frame numbering.
final class CaptureInput {
    let name: String
    let index: Int
    let handle: PcapHandle
    let dataLinkType: Int32
    let linkType: LinkType
    let snapLength: Int
    let isLive: Bool
    /// libpcap hands out nanosecond timestamps (asked for; a live device may refuse).
    let nanoTimestamps: Bool
    let decoder: FrameDecoder
    private var program = bpf_program()
    /// The filter is applied per record here (files); live inputs filter in the kernel.
    private let offlineFilter: Bool
    var framesRead = 0
    var matched = 0
    // The record in hand: valid until the next `pcap_next_ex` on this handle.
    var header: UnsafeMutablePointer<pcap_pkthdr>? = nil
    var data: UnsafePointer<UInt8>? = nil
    var time: Int64 = 0
    var exhausted = false

    init(name: String, index: Int, handle h: OpaquePointer, live: Bool, filter: String?, options: CaptureOptions) throws(CaptureError) {
        self.name = name
        self.index = index
        handle = PcapHandle(h)
        isLive = live
        let dlt = pcap_datalink(h)
        dataLinkType = dlt
        linkType = LinkType(rawValue: dlt == 12 ? 101 : dlt)
        snapLength = Int(pcap_snapshot(h))
        nanoTimestamps = pcap_get_tstamp_precision(h) == Int32(PCAP_TSTAMP_PRECISION_NANO)
        decoder = FrameDecoder(dlt: dlt, options: options)
        guard FrameDecoder.supports(dlt: dlt) else {
            offlineFilter = false
            throw CaptureError(.unsupportedLinkType, "link type \(dlt) is not supported (supported: NULL 0, ETHERNET 1, RAW 12/14/101, LOOP 108, LINUX_SLL 113, IPV4 228, IPV6 229, LINUX_SLL2 276)")
        }
        guard let filter else {
            offlineFilter = false
            return
        }
        // PCAP_NETMASK_UNKNOWN
        if pcap_compile(h, &program, filter, 1, 0xffff_ffff) != 0 {
            offlineFilter = false
            throw CaptureError(.badFilter, "filter \"\(filter)\": \(String(cString: pcap_geterr(h)))")
        }
        if live {
            let rc = pcap_setfilter(h, &program)
            let msg = rc != 0 ? String(cString: pcap_geterr(h)) : ""
            pcap_freecode(&program)
            offlineFilter = false
            if rc != 0 { throw CaptureError(.badFilter, "filter \"\(filter)\": \(msg)") }
        } else {
            offlineFilter = true
        }
    }

    deinit {
        if offlineFilter { pcap_freecode(&program) }
    }

    /// Whether the record in hand passes the filter.
    func passes(_ hdr: UnsafePointer<pcap_pkthdr>, _ data: UnsafePointer<UInt8>) -> Bool {
        !offlineFilter || pcap_offline_filter(&program, hdr, data) != 0
    }

    var statistics: CaptureStatistics {
        var s = decoder.statistics
        s.framesRead = framesRead
        s.framesMatched = matched
        return s
    }
}

/// Reads captures record by record and turns them into `CaptureEvent`s, in constant memory
/// (reassembly is bounded by `CaptureOptions.limits`).
///
/// ```swift
/// let reader = try CaptureReader(path: "vpn.pcapng", filter: "udp")
/// try reader.forEach { event in
///     guard case .ike = event.kind else { return }
///     let msg = try IKEMessageView(parsing: event.bytes)
///     print(event.meta.frameNumber, msg.header.messageID)
/// }
/// print(reader.statistics)
/// ```
///
/// Frame numbers count every record in the file (filtered-out ones too), so they match
/// tshark's `frame.number`. With several files (`init(paths:)`) records are delivered merged by
/// timestamp, as mergecap does (equal timestamps: in the order the files were given); each
/// event's `meta.captureIndex` says which file it came from and frame numbers stay per file.
/// A live interface (`init(interface:)`) is read until `packetLimit`, `durationLimit` or a
/// `CaptureStopper`.
public final class CaptureReader {
    /// The first input's path (or interface name).
    public var path: String { inputs[0].name }
    /// Every input, in the order given (`PacketMeta.captureIndex` indexes this).
    public var sources: [String] { inputs.map(\.name) }
    public let options: CaptureOptions
    /// The first input's link type (LINKTYPE_ value; DLT_RAW reported by libpcap is mapped back to 101).
    public var linkType: LinkType { inputs[0].linkType }
    /// The DLT_ value libpcap reports for the first input.
    public var dataLinkType: Int32 { inputs[0].dataLinkType }
    /// The largest snapshot length of the inputs.
    public var snapLength: Int { inputs.map(\.snapLength).max() ?? 0 }
    /// Whether the input is a live interface.
    public var isLive: Bool { inputs[0].isLive }
    let inputs: [CaptureInput]
    /// The first input's decoder (tests look at its reassembly state).
    var decoder: FrameDecoder { inputs[0].decoder }
    /// Stop after this many records (all inputs together); nil: no limit.
    public var packetLimit: Int? = nil
    /// Stop after this many seconds of wall-clock time from the start of `forEach`.
    public var durationLimit: Double? = nil
    /// Every record read (filtered-out ones too) is also written here, unchanged. The writer's
    /// link type should be the inputs' (`init(paths:)` checks that the files agree).
    public var recordTap: CaptureWriter? = nil
    /// Ends the read from another thread (e.g. on SIGINT): see `CaptureStopper`.
    public let stopper: CaptureStopper
    private var finished = false
    /// The first damaged input of a multi-file read (reading went on with the others).
    private var deferredError: CaptureError? = nil

    /// Opens `path` (pcap or pcapng; "-" for standard input; a FIFO is read as a stream).
    ///
    /// - Parameters:
    ///   - path: the capture file.
    ///   - filter: a BPF filter expression (pcap-filter(7)), compiled with `pcap_compile` and
    ///     applied per record with `pcap_offline_filter`. Non-matching records still count
    ///     for frame numbers. Note: a port filter does not match non-first IP fragments.
    ///   - options: ports, reassembly limits and the other reader options.
    /// - Throws: `CaptureError` `.openFailed`, `.badFilter`, `.unsupportedLinkType`.
    public convenience init(path: String, filter: String? = nil, options: CaptureOptions = .init()) throws(CaptureError) {
        try self.init(paths: [path], filter: filter, options: options)
    }

    /// Opens several files, read merged by timestamp. A file that cannot be opened fails the
    /// whole open (naming it); one damaged in the middle is read up to the damage, the others
    /// to their end, then `forEach` throws the first such error.
    public init(paths: [String], filter: String? = nil, options: CaptureOptions = .init()) throws(CaptureError) {
        guard !paths.isEmpty else { throw CaptureError(.invalidArgument, "no capture given") }
        guard paths.count <= 64 else { throw CaptureError(.invalidArgument, "at most 64 captures at once (\(paths.count) given)") }
        guard paths.filter({ $0 == "-" }).count <= 1 else {
            throw CaptureError(.invalidArgument, "standard input (-) can be read only once")
        }
        self.options = options
        var opened: [CaptureInput] = []
        for (i, path) in paths.enumerated() {
            do throws(CaptureError) {
                opened.append(try Self.openFile(path, index: i, filter: filter, options: options))
            } catch {
                var e = error
                if !e.message.hasPrefix(path) { e.message = "\(path): \(e.message)" }
                throw e
            }
        }
        inputs = opened
        stopper = CaptureStopper(handles: opened.map(\.handle))
    }

    /// Captures live on `interface` (pcap_create + pcap_activate). The BPF filter runs in the
    /// kernel, so frame numbers count the packets that matched.
    /// - Throws: `CaptureError.openFailed` with a one-line reason: no such interface, no
    ///   permission (CAP_NET_RAW or root), interface down; `.badFilter`; `.unsupportedLinkType`.
    public init(interface: String, filter: String? = nil, options: CaptureOptions = .init(), live: LiveCaptureOptions = .init()) throws(CaptureError) {
        guard live.snapLength > 0, live.snapLength <= 262_144 else {
            throw CaptureError(.invalidArgument, "snap length \(live.snapLength) out of range (1...262144)")
        }
        self.options = options
        var errbuf = [CChar](repeating: 0, count: 512)
        let created = errbuf.withUnsafeMutableBufferPointer { pcap_create(interface, $0.baseAddress) }
        guard let h = created else {
            throw CaptureError(.openFailed, "interface \(interface): \(Self.text(errbuf))")
        }
        _ = pcap_set_snaplen(h, Int32(live.snapLength))
        _ = pcap_set_promisc(h, live.promiscuous ? 1 : 0)
        _ = pcap_set_timeout(h, max(1, live.pollMilliseconds))
        _ = pcap_set_immediate_mode(h, live.immediate ? 1 : 0)
        _ = pcap_set_tstamp_precision(h, Int32(PCAP_TSTAMP_PRECISION_NANO))
        let rc = pcap_activate(h)
        if rc < 0 {
            let detail = String(cString: pcap_geterr(h))
            pcap_close(h)
            let reason: String = switch rc {
            case PCAP_ERROR_NO_SUCH_DEVICE: "no such interface"
            case PCAP_ERROR_PERM_DENIED: "permission denied (live capture needs CAP_NET_RAW or root)"
            case PCAP_ERROR_PROMISC_PERM_DENIED: "permission denied for promiscuous mode (needs CAP_NET_RAW or root)"
            case PCAP_ERROR_IFACE_NOT_UP: "interface is down"
            default: detail.isEmpty ? "cannot capture (error \(rc))" : detail
            }
            throw CaptureError(.openFailed, "interface \(interface): \(reason)")
        }
        let input = try CaptureInput(name: interface, index: 0, handle: h, live: true, filter: filter, options: options)
        inputs = [input]
        stopper = CaptureStopper(handles: [input.handle])
    }

    static func openFile(_ path: String, index: Int, filter: String?, options: CaptureOptions) throws(CaptureError) -> CaptureInput {
        if path != "-" {
            // libpcap opens a directory and then fails with an obscure read error: say what it is.
            var st = stat()
            if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
                throw CaptureError(.openFailed, "\(path): is a directory, not a capture file")
            }
        }
        var errbuf = [CChar](repeating: 0, count: 512)
        let h = errbuf.withUnsafeMutableBufferPointer { buf in
            pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO), buf.baseAddress)
        }
        guard let h else {
            var msg = text(errbuf)
            if path == "-" { msg = "standard input: " + msg }
            throw CaptureError(.openFailed, msg)
        }
        return try CaptureInput(name: path, index: index, handle: h, live: false, filter: filter, options: options)
    }

    static func text(_ buf: [CChar]) -> String {
        let s = buf.withUnsafeBufferPointer { b in b.baseAddress.map { String(cString: $0) } ?? "" }
        return s.isEmpty ? "unknown error" : s
    }

    /// Makes `recordTap` a new writer to `path` (classic pcap, nanosecond timestamps (µs if a
    /// live device cannot give ns), the
    /// inputs' link type and snapshot length) and returns it; the caller commits it.
    /// - Throws: `.invalidArgument` when the inputs have different link types; `.writeFailed`.
    public func tee(to path: String) throws(CaptureError) -> CaptureWriter {
        let first = inputs[0]
        if let other = inputs.first(where: { $0.dataLinkType != first.dataLinkType }) {
            throw CaptureError(.invalidArgument, "cannot write one pcap from captures of different link types (\(first.name): \(first.linkType.rawValue), \(other.name): \(other.linkType.rawValue))")
        }
        if inputs.contains(where: { $0.nanoTimestamps != first.nanoTimestamps }) {
            throw CaptureError(.invalidArgument, "cannot write one pcap from inputs with different timestamp precisions")
        }
        let w = try CaptureWriter(path: path, dlt: first.dataLinkType, linkType: first.linkType,
                                  snapLength: max(snapLength, 65_535), nanosecond: first.nanoTimestamps)
        recordTap = w
        return w
    }

    /// Counters so far, all inputs together (complete after `forEach` returns).
    public var statistics: CaptureStatistics {
        var total = CaptureStatistics()
        for input in inputs { total.add(input.statistics) }
        return total
    }

    /// One input's counters.
    public func statistics(ofInput index: Int) -> CaptureStatistics? {
        inputs.indices.contains(index) ? inputs[index].statistics : nil
    }

    /// Records read so far, all inputs together.
    public var framesRead: Int { inputs.reduce(0) { $0 + $1.framesRead } }

    /// Pcap statistics of a live capture (`pcap_stats`): packets received and dropped by the
    /// kernel and the interface; nil for files.
    public var liveDrops: (received: Int, dropped: Int, interfaceDropped: Int)? {
        guard isLive else { return nil }
        var st = pcap_stat()
        guard pcap_stats(inputs[0].handle.pointer, &st) == 0 else { return nil }
        return (Int(st.ps_recv), Int(st.ps_drop), Int(st.ps_ifdrop))
    }

    /// Reads the rest of the input(s), calling `body` for each event in capture order.
    ///
    /// On a damaged file every event before the damage is delivered, then `CaptureError` is
    /// thrown with `.truncatedFile` (libpcap's "truncated dump file") or `.corruptRecord`,
    /// the number of the record that could not be read and the file position.
    /// Errors thrown by `body` stop the read and propagate unchanged.
    /// Returns normally when a limit is reached or the stopper is used.
    public func forEach(_ body: (borrowing CaptureEvent) throws -> Void) throws {
        try run(body, afterFrame: { _, _, _ in })
    }

    /// The read loop; `afterFrame` sees each record's header and data after its events, with
    /// whether any event of that record was accepted by `body`'s caller (for extraction).
    func run(
        _ body: (borrowing CaptureEvent) throws -> Void,
        afterFrame: (UnsafePointer<pcap_pkthdr>, UnsafePointer<UInt8>, Bool) throws -> Void
    ) throws {
        if finished { return }
        let deadline = durationLimit.map { ContinuousClock.now.advanced(by: .milliseconds(Int64(max(0, min($0, 1e12)) * 1000))) }
        if let seconds = durationLimit {
            // A live read may block in libpcap until a packet comes: the stopper's
            // pcap_breakloop wakes it when the time is up.
            let stopper = self.stopper
            DispatchQueue.global().asyncAfter(deadline: .now() + max(0, min(seconds, 1e9))) { stopper.stop() }
        }
        if inputs.count == 1 {
            // One input: no record is held between iterations.
            let input = inputs[0]
            let limit = packetLimit ?? Int.max
            while input.framesRead < limit, let (hdr, data, time) = try fetch(input, deadline: deadline) {
                try deliver(input, hdr, data, time, body, afterFrame)
            }
        } else {
            try merge(deadline: deadline, body, afterFrame)
        }
        finished = true
        for input in inputs { input.decoder.finish() }
        if let deferredError { throw deferredError }
    }

    /// Several inputs: each holds its next record; the earliest is delivered (ties: the
    /// earlier input), then that input reads on.
    private func merge(
        deadline: ContinuousClock.Instant?,
        _ body: (borrowing CaptureEvent) throws -> Void,
        _ afterFrame: (UnsafePointer<pcap_pkthdr>, UnsafePointer<UInt8>, Bool) throws -> Void
    ) throws {
        for input in inputs where !input.exhausted && input.header == nil {
            try advance(input, deadline: deadline)
        }
        while true {
            if let limit = packetLimit, framesRead >= limit { break }
            var next: CaptureInput? = nil
            for input in inputs where !input.exhausted {
                if let n = next, n.time <= input.time { continue }
                next = input
            }
            guard let input = next, let hdr = input.header, let data = input.data else { break }
            try deliver(input, hdr, data, input.time, body, afterFrame)
            input.header = nil
            input.data = nil
            if let limit = packetLimit, framesRead >= limit { break }
            try advance(input, deadline: deadline)
        }
    }

    /// Reads the next record of `input` into its hand (see `fetch`).
    private func advance(_ input: CaptureInput, deadline: ContinuousClock.Instant?) throws {
        guard let (hdr, data, time) = try fetch(input, deadline: deadline) else { return }
        input.header = hdr
        input.data = data
        input.time = time
    }

    /// The next record of `input` (valid until the next read of that input) and its time in
    /// nanoseconds, or nil when it is exhausted (end of file, stop, deadline). A damaged file:
    /// thrown at once for one input; with several, kept for the end and the others read on.
    private func fetch(_ input: CaptureInput, deadline: ContinuousClock.Instant?) throws
        -> (UnsafeMutablePointer<pcap_pkthdr>, UnsafePointer<UInt8>, Int64)? {
        var hdrPtr: UnsafeMutablePointer<pcap_pkthdr>? = nil
        var dataPtr: UnsafePointer<UInt8>? = nil
        let handle = input.handle.pointer
        while true {
            if stopper.isStopped || deadline.map({ ContinuousClock.now >= $0 }) == true {
                stopAll()
                return nil
            }
            let rc = pcap_next_ex(handle, &hdrPtr, &dataPtr)
            if rc == 0 { continue }  // live: the poll timeout passed without a packet
            if rc == PCAP_ERROR_BREAK {
                // End of file, or pcap_breakloop from the stopper.
                if stopper.isStopped { stopAll() } else { input.exhausted = true }
                return nil
            }
            guard rc == 1, let hdr = hdrPtr, let data = dataPtr else {
                let msg = String(cString: pcap_geterr(input.handle.pointer))
                var pos = -1
                if !input.isLive, input.name != "-", let fp = pcap_file(input.handle.pointer) { pos = Int(ftell(fp)) }
                input.exhausted = true
                let code: CaptureError.Code = msg.contains("truncated") ? .truncatedFile : .corruptRecord
                var e = CaptureError(code, frame: input.framesRead + 1, byteOffset: pos, msg)
                if inputs.count == 1 { throw e }
                e.message = "\(input.name): \(msg)"
                if deferredError == nil { deferredError = e }
                return nil
            }
            let (ns, o1) = Int64(hdr.pointee.ts.tv_sec).multipliedReportingOverflow(by: 1_000_000_000)
            let (frac, o3) = Int64(hdr.pointee.ts.tv_usec).multipliedReportingOverflow(by: input.nanoTimestamps ? 1 : 1_000)
            let (t, o2) = ns.addingReportingOverflow(frac)
            return (hdr, data, o1 || o2 || o3 ? Int64.max : t)
        }
    }

    private func stopAll() {
        for input in inputs {
            input.exhausted = true
            input.header = nil
            input.data = nil
        }
    }

    private func deliver(
        _ input: CaptureInput, _ hdr: UnsafeMutablePointer<pcap_pkthdr>, _ data: UnsafePointer<UInt8>, _ time: Int64,
        _ body: (borrowing CaptureEvent) throws -> Void,
        _ afterFrame: (UnsafePointer<pcap_pkthdr>, UnsafePointer<UInt8>, Bool) throws -> Void
    ) throws {
        input.framesRead += 1
        recordTap?.writeRaw(hdr, data)
        var meta = PacketMeta()
        meta.captureIndex = input.index
        meta.frameNumber = input.framesRead
        meta.firstFrameNumber = input.framesRead
        meta.timestampNanoseconds = time
        meta.capturedLength = Int(hdr.pointee.caplen)
        meta.originalLength = Int(hdr.pointee.len)
        meta.linkType = input.linkType
        if !input.passes(hdr, data) {
            if options.reportIgnored {
                try body(CaptureEvent(kind: .ignored(.filteredOut), meta: meta,
                                      bytes: UnsafeRawBufferPointer(start: nil, count: 0).bytes))
            }
            try afterFrame(hdr, data, false)
            return
        }
        input.matched += 1
        let frame = UnsafeRawBufferPointer(start: data, count: Int(hdr.pointee.caplen))
        try input.decoder.decode(frame: frame, meta: meta) { kind, m, bytes in
            try body(CaptureEvent(kind: kind, meta: m, bytes: bytes.bytes))
        }
        try afterFrame(hdr, data, true)
    }
}
