// Streaming capture reader over libpcap (pcap µs/ns in either byte order, pcapng).

import CPcap

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

/// Reads a capture file record by record and turns it into `CaptureEvent`s, in constant memory
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
/// tshark's `frame.number`.
public final class CaptureReader {
    public let path: String
    public let options: CaptureOptions
    /// The file's link type (LINKTYPE_ value; DLT_RAW reported by libpcap is mapped back to 101).
    public let linkType: LinkType
    /// The DLT_ value libpcap reports.
    public let dataLinkType: Int32
    public let snapLength: Int
    private let handle: OpaquePointer
    private var program = bpf_program()
    private let hasFilter: Bool
    let decoder: FrameDecoder
    /// Records read so far (the number of the last record read).
    public private(set) var framesRead = 0
    private var finished = false

    /// Opens `path` (pcap or pcapng; "-" for standard input).
    ///
    /// - Parameters:
    ///   - filter: a BPF filter expression (pcap-filter(7)), compiled with `pcap_compile` and
    ///     applied per record with `pcap_offline_filter`. Non-matching records still count
    ///     for frame numbers. Note: a port filter does not match non-first IP fragments.
    /// - Throws: `CaptureError` `.openFailed`, `.badFilter`, `.unsupportedLinkType`.
    public init(path: String, filter: String? = nil, options: CaptureOptions = .init()) throws(CaptureError) {
        self.path = path
        self.options = options
        var errbuf = [CChar](repeating: 0, count: 512)
        let h = errbuf.withUnsafeMutableBufferPointer { buf in
            pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO), buf.baseAddress)
        }
        guard let h else {
            let msg = errbuf.withUnsafeBufferPointer { buf in
                buf.baseAddress.map { String(cString: $0) } ?? "unknown error"
            }
            throw CaptureError(.openFailed, msg)
        }
        handle = h
        let dlt = pcap_datalink(h)
        dataLinkType = dlt
        linkType = LinkType(rawValue: dlt == 12 ? 101 : dlt)
        snapLength = Int(pcap_snapshot(h))
        guard FrameDecoder.supports(dlt: dlt) else {
            pcap_close(h)
            throw CaptureError(.unsupportedLinkType, "link type \(dlt) is not supported (supported: NULL 0, ETHERNET 1, RAW 12/14/101, LOOP 108, LINUX_SLL 113, IPV4 228, IPV6 229, LINUX_SLL2 276)")
        }
        decoder = FrameDecoder(dlt: dlt, options: options)
        if let filter {
            // PCAP_NETMASK_UNKNOWN
            if pcap_compile(h, &program, filter, 1, 0xffff_ffff) != 0 {
                let msg = String(cString: pcap_geterr(h))
                pcap_close(h)
                throw CaptureError(.badFilter, "filter \"\(filter)\": \(msg)")
            }
            hasFilter = true
        } else {
            hasFilter = false
        }
    }

    deinit {
        if hasFilter { pcap_freecode(&program) }
        pcap_close(handle)
    }

    /// Counters so far (complete after `forEach` returns).
    public var statistics: CaptureStatistics {
        var s = decoder.statistics
        s.framesRead = framesRead
        s.framesMatched = matched
        return s
    }
    private var matched = 0

    /// Reads the rest of the file, calling `body` for each event in capture order.
    ///
    /// On a damaged file every event before the damage is delivered, then `CaptureError` is
    /// thrown with `.truncatedFile` (libpcap's "truncated dump file") or `.corruptRecord`,
    /// the number of the record that could not be read and the file position.
    /// Errors thrown by `body` stop the read and propagate unchanged.
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
        var hdrPtr: UnsafeMutablePointer<pcap_pkthdr>? = nil
        var dataPtr: UnsafePointer<UInt8>? = nil
        while true {
            let rc = pcap_next_ex(handle, &hdrPtr, &dataPtr)
            if rc == PCAP_ERROR_BREAK {
                finished = true
                decoder.finish()
                return
            }
            guard rc == 1, let hdr = hdrPtr, let data = dataPtr else {
                let msg = String(cString: pcap_geterr(handle))
                var pos = -1
                if let fp = pcap_file(handle) { pos = Int(ftell(fp)) }
                finished = true
                let code: CaptureError.Code = msg.contains("truncated") ? .truncatedFile : .corruptRecord
                throw CaptureError(code, frame: framesRead + 1, byteOffset: pos, msg)
            }
            framesRead += 1
            var meta = PacketMeta()
            meta.frameNumber = framesRead
            meta.firstFrameNumber = framesRead
            let (ns, o1) = Int64(hdr.pointee.ts.tv_sec).multipliedReportingOverflow(by: 1_000_000_000)
            let (t, o2) = ns.addingReportingOverflow(Int64(hdr.pointee.ts.tv_usec))
            meta.timestampNanoseconds = o1 || o2 ? Int64.max : t
            meta.capturedLength = Int(hdr.pointee.caplen)
            meta.originalLength = Int(hdr.pointee.len)
            meta.linkType = linkType
            if hasFilter && pcap_offline_filter(&program, hdr, data) == 0 {
                if options.reportIgnored {
                    try body(CaptureEvent(kind: .ignored(.filteredOut), meta: meta,
                                          bytes: UnsafeRawBufferPointer(start: nil, count: 0).bytes))
                }
                try afterFrame(hdr, data, false)
                continue
            }
            matched += 1
            let frame = UnsafeRawBufferPointer(start: data, count: Int(hdr.pointee.caplen))
            try decoder.decode(frame: frame, meta: meta) { kind, m, bytes in
                try body(CaptureEvent(kind: kind, meta: m, bytes: bytes.bytes))
            }
            try afterFrame(hdr, data, true)
        }
    }
}
