// RFC 4303 §3.4.3 (ESP) and RFC 4302 §3.4.3 (AH) anti-replay, as a passive observer of one
// SPI: the capture point plays the receiver. A sliding window over the highest sequence number
// seen tells reordering (inside the window, new), duplicates (inside the window, seen) and
// regressions (below the window) apart; with Extended Sequence Numbers (RFC 4303 Appendix A2)
// the 32 low bits on the wire are placed in the 64-bit space relative to the window, so a wrap
// of the low half is progress, not a regression.

/// What one sequence number is, relative to the ones seen before on the SPI.
public enum SequenceNumberEvent: Hashable, Sendable {
    /// The first packet seen on the SPI.
    case first(UInt64)
    /// Above the highest seen by at most the jump threshold (gaps are capture loss or idle).
    case advance(from: UInt64, to: UInt64)
    /// Above the highest seen by more than the jump threshold.
    case jump(from: UInt64, to: UInt64)
    /// Inside the window and not seen before: reordered on the way (not an anomaly).
    case reordered(UInt64, highest: UInt64)
    /// Inside the window and seen before: the receiver drops it as a duplicate.
    case duplicate(UInt64)
    /// Below the window: the sender reused or restarted its counter.
    case belowWindow(UInt64, highest: UInt64)
}

/// The anti-replay view of one ESP or AH SPI.
public struct SequenceNumberTracker: Hashable, Sendable {
    /// Window size in packets (RFC 4303 §3.4.3: 32 at least, 64 recommended). 1...4096.
    public let window: UInt64
    /// A forward step larger than this (plus what `maxPacketsPerSecond` allows for the time since
    /// the previous packet) is a jump.
    public var jumpThreshold: UInt64
    /// The fastest a sender plausibly sends on one SA: a silence of at least `silenceNanos` on
    /// the SPI (a capture gap) can hide this many packets per second, so a large step across it
    /// is unseen traffic, not a jump. Shorter pauses keep the plain threshold.
    public var maxPacketsPerSecond: UInt64 = 2_000_000
    public var silenceNanos: Int64 = 60_000_000_000
    /// Capture time of the highest packet.
    private var highestTime: Int64?
    /// Whether the Child SA uses Extended Sequence Numbers: true or false when the SA payload
    /// was seen (RFC 7296 §3.3.2 transform type 5), nil when unknown (keys missing). Unknown
    /// counts as "possibly ESN": a wrap-like step is not called a regression then.
    public var extendedSequenceNumbers: Bool?
    /// The highest sequence number seen (64-bit with ESN), nil before the first packet.
    public private(set) var highest: UInt64?
    /// Bit i set: `highest - i` was seen (i < window). The first 64 bits inline (the default
    /// window needs no more, and then no allocation), the rest in `seenBeyond64`.
    private var seen: UInt64 = 0
    private var seenBeyond64: [UInt64]

    /// The largest forward step read as a wrap of the 32 low bits.
    static let plausibleWrapStep: UInt64 = 1 << 31

    public init(window: UInt64 = 64, jumpThreshold: UInt64 = 4096, extendedSequenceNumbers: Bool? = false) {
        let w = min(max(window, 1), 4096)
        self.window = w
        self.jumpThreshold = jumpThreshold
        self.extendedSequenceNumbers = extendedSequenceNumbers
        seenBeyond64 = Array(repeating: 0, count: Int((w + 63) / 64) - 1)
    }

    /// Places a 32-bit wire value in the 64-bit space (RFC 4303 Appendix A2.2), or returns it
    /// as is without ESN.
    public func extend(_ wire: UInt32) -> UInt64 {
        guard extendedSequenceNumbers != false, let h = highest else { return UInt64(wire) }
        let tl = UInt64(UInt32(truncatingIfNeeded: h))
        let th = h >> 32
        let s = UInt64(wire)
        let w = window
        if tl >= w - 1 {
            // Window within one 2^32 block: below its bottom means the next block (Appendix
            // A2.2), which an observer that cannot check the ICV accepts only as a plausible step
            // forward (at most 2^31, e.g. RFC 6311 §5.2's 2^30 takeover jump across 2^32).
            if s >= tl - (w - 1) { return (th << 32) | s }
            let next = ((th &+ 1) << 32) | s
            return th < UInt64(UInt32.max) && next - h <= Self.plausibleWrapStep ? next : (th << 32) | s
        }
        // The window straddles the block boundary.
        let bottom = (tl &- (w - 1)) & 0xffff_ffff
        if s >= bottom, th > 0 { return ((th - 1) << 32) | s }
        return (th << 32) | s
    }

    /// Classifies one packet's sequence number and updates the window.
    public mutating func observe(_ wire: UInt32, timeNanos: Int64? = nil) -> SequenceNumberEvent {
        let s = extend(wire)
        guard let h = highest else {
            highest = s
            highestTime = timeNanos
            clearAll()
            mark(0)
            return .first(s)
        }
        if s > h {
            let step = s - h
            var allowed = jumpThreshold
            if let t0 = highestTime, let t1 = timeNanos, elapsed(t0, t1) >= silenceNanos {
                let (extra, o) = UInt64(max(0, elapsed(t0, t1))).multipliedReportingOverflow(by: maxPacketsPerSecond)
                allowed = o ? UInt64.max : allowed &+ min(extra / 1_000_000_000, UInt64.max - allowed)
            }
            shift(by: step)
            highest = s
            highestTime = timeNanos ?? highestTime
            mark(0)
            return step > allowed ? .jump(from: h, to: s) : .advance(from: h, to: s)
        }
        let back = h - s
        guard back < window else { return .belowWindow(s, highest: h) }
        if isMarked(back) { return .duplicate(s) }
        mark(back)
        return .reordered(s, highest: h)
    }

    private var wordCount: Int { 1 + seenBeyond64.count }

    /// Word `i` of the window bitmap.
    private func word(_ i: Int) -> UInt64 { i == 0 ? seen : seenBeyond64[i - 1] }

    private mutating func setWord(_ i: Int, _ v: UInt64) {
        if i == 0 { seen = v } else { seenBeyond64[i - 1] = v }
    }

    private mutating func clearAll() {
        for i in 0..<wordCount { setWord(i, 0) }
    }

    private func isMarked(_ i: UInt64) -> Bool {
        let w = Int(i / 64)
        return w < wordCount && word(w) & (1 << (i % 64)) != 0
    }

    private mutating func mark(_ i: UInt64) {
        let w = Int(i / 64)
        guard w < wordCount else { return }
        setWord(w, word(w) | 1 << (i % 64))
    }

    /// Moves the window up by `n`: bit i becomes bit i + n. In place, from the top word down, so
    /// every word is read before it is overwritten.
    private mutating func shift(by n: UInt64) {
        guard n < window else { return clearAll() }
        let words = Int(n / 64), bits = n % 64
        for target in stride(from: wordCount - 1, through: 0, by: -1) {
            let source = target - words
            var v: UInt64 = 0
            if source >= 0 { v = bits == 0 ? word(source) : word(source) << bits }
            if bits != 0, source >= 1 { v |= word(source - 1) >> (64 - bits) }
            setWord(target, v)
        }
    }
}
