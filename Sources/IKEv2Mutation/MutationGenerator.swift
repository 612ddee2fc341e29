import IKEv2

// Systematically malformed variants of an IKEv2 message, for fuzzing this codec and other
// implementations (gateways, dissectors). Every variant has a stable name and a one-line intent.

/// What a correct strict IKEv2 parser should do with a variant.
public enum VariantExpectation: String, Hashable, Sendable {
    /// The message must be rejected (header, payload chain or a payload body is malformed).
    case rejected
    /// The message is well formed, but the typed Notification Data decoding must fail
    /// (RFC 6311 §6.3/§6.4 sizes and Protocol ID/SPI Size rules).
    case notifyRejected
    /// The message must parse (a control, e.g. an unknown non-critical payload, RFC 7296 §2.5).
    case parses
    /// Either outcome is legitimate (the bytes may happen to form another valid layout); the
    /// parser must only not crash, hang or over-read. Also used for every variant of a base
    /// message that is not itself valid.
    case unspecified
}

/// A family of mutations (for filtering and reporting).
public enum VariantFamily: String, Hashable, Sendable, CaseIterable {
    /// A length field off by one (+1 and -1, modulo its width).
    case offByOne = "off-by-one"
    /// A count field off by one.
    case countOffByOne = "count-off-by-one"
    /// A size field off by one.
    case sizeOffByOne = "size-off-by-one"
    /// A count or size set to the largest value of its field.
    case hugeCount = "huge-count"
    /// The message cut short, with the header Length kept or patched to the cut.
    case truncation
    /// Next Payload fields naming an earlier payload's type, or a zero Payload Length (which
    /// loops forever in a parser that advances by the length).
    case loop
    /// An unknown payload type inserted, critical (must be rejected) or not (must be skipped).
    case unknownPayload = "unknown-payload"
    /// RFC 6311 IKEV2_MESSAGE_ID_SYNC (16422) / IPSEC_REPLAY_COUNTER_SYNC (16423) notifies with
    /// wrong data sizes or fields, and correctly sized controls.
    case haNotify = "ha-notify"
    /// SKF Fragment Number / Total Fragments out of range (RFC 7383 §2.5).
    case fragmentNumbers = "fragment-numbers"
}

/// One generated message.
public struct MessageVariant: Hashable, Sendable {
    /// Stable within a seed, e.g. `off-by-one:payload 1 (SA) Payload Length+1`.
    public var name: String
    /// One line: what the variant tests and what a parser should do.
    public var intent: String
    public var family: VariantFamily
    public var expectation: VariantExpectation
    public var bytes: [UInt8]

    public init(name: String, intent: String, family: VariantFamily, expectation: VariantExpectation, bytes: [UInt8]) {
        self.name = name
        self.intent = intent
        self.family = family
        self.expectation = expectation
        self.bytes = bytes
    }

    /// `name` reduced to `[A-Za-z0-9._-]` (for file names).
    public var fileName: String {
        var out = ""
        var lastDash = false
        for u in name.unicodeScalars {
            let ok = (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9") || u == "." || u == "+"
            if ok {
                out.unicodeScalars.append(u == "+" ? "p" : u)
                lastDash = false
            } else if !lastDash {
                out += "-"
                lastDash = true
            }
        }
        return out
    }
}

/// Writes systematically malformed variants of a valid IKEv2 message (RFC 7296 §3), deterministic
/// for a given seed (`SplitMix64`): every length field off by one both ways, counts and sizes off
/// by one and at their maximum, truncations (Length kept and patched), payload loops, unknown
/// critical and non-critical payloads, RFC 6311 HA notifies (16422/16423) with wrong sizes, and
/// SKF fragment numbers out of range.
///
/// ```swift
/// let gen = MutationGenerator(seed: 1)
/// for v in gen.variants(of: message) { send(v.bytes); log(v.name, v.intent) }
/// ```
///
/// The seed chooses the random truncation points, the unknown payload types and bodies, and the
/// HA notify field values; everything else is systematic.
public struct MutationGenerator: Sendable {
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// All variants of `message`. A base message that is not a valid IKEv2 message (or is IKEv1)
    /// still gets the variants its parseable prefix allows, all with `.unspecified`.
    public func variants(of message: [UInt8]) -> [MessageVariant] {
        var rng = SplitMix64(seed: seed)
        let layout = MessageLayout(of: message)
        let base = CodecWalk.walk(message)
        let baseValid = base.valid && message.count >= IKEHeader.size && message[17] >> 4 == 2
        var out: [MessageVariant] = []
        func add(_ family: VariantFamily, _ name: String, _ intent: String, _ expect: VariantExpectation, _ bytes: [UInt8]) {
            out.append(MessageVariant(name: "\(family.rawValue):\(name)", intent: intent, family: family,
                                      expectation: baseValid ? expect : .unspecified, bytes: bytes))
        }

        // Fields: off by one both ways; counts and sizes also at their maximum.
        for f in layout.fields where f.kind != .nextPayload && f.kind != .fragment {
            let v = FieldBytes.read(message, f.offset, f.width)
            let mask = FieldBytes.max(f.width)
            for (delta, sign) in [(UInt64(1), "+1"), (mask, "-1")] {
                var b = message
                FieldBytes.write(&b, f.offset, f.width, (v &+ delta) & mask)
                switch f.kind {
                case .length:
                    add(.offByOne, f.name + sign, "\(f.name) \(sign) (\(v) -> \((v &+ delta) & mask)): the structure no longer fits; must be rejected", .rejected, b)
                case .count:
                    add(.countOffByOne, f.name + sign, "\(f.name) \(sign): the declared number disagrees with the structures present; must be rejected", .rejected, b)
                default:
                    add(.sizeOffByOne, f.name + sign, "\(f.name) \(sign): the inner split moves; may parse (data absorbs it) but must not over-read", .unspecified, b)
                }
            }
            if f.kind == .count || f.kind == .size, v != mask {
                var b = message
                FieldBytes.write(&b, f.offset, f.width, mask)
                add(.hugeCount, f.name + "=max", "\(f.name) set to \(mask): a parser that allocates or loops by the declared value must stay bounded; must be rejected",
                    f.kind == .count ? .rejected : .unspecified, b)
            }
        }

        // SKF numbers (RFC 7383 §2.5): Fragment Number 0, above Total, Total 0.
        for f in layout.fields where f.kind == .fragment && f.name.hasSuffix("Fragment Number") {
            var zero = message
            FieldBytes.write(&zero, f.offset, 2, 0)
            add(.fragmentNumbers, f.name + "=0", "SKF Fragment Number 0 (numbering starts at 1, RFC 7383 §2.5); must be rejected", .rejected, zero)
            var above = message
            let total = FieldBytes.read(message, f.offset + 2, 2)
            if total < 0xffff {
                FieldBytes.write(&above, f.offset, 2, total + 1)
                add(.fragmentNumbers, f.name + "=Total+1", "SKF Fragment Number above Total Fragments; must be rejected", .rejected, above)
            }
            var totalZero = message
            FieldBytes.write(&totalZero, f.offset + 2, 2, 0)
            add(.fragmentNumbers, "Total Fragments=0", "SKF Total Fragments 0 (below any Fragment Number); must be rejected", .rejected, totalZero)
        }

        // Truncations: payload boundaries and their neighbours, the header edge, random cuts.
        if message.count > 1 {
            var cuts: Set<Int> = [1, IKEHeader.size - 1, IKEHeader.size, message.count - 1]
            for p in layout.payloads { cuts.formUnion([p.offset, p.offset + 1, p.offset + 3, p.offset + 4]) }
            for _ in 0..<3 { cuts.insert(1 + rng.below(message.count - 1)) }
            for n in cuts.sorted() where n > 0 && n < message.count {
                add(.truncation, "cut at \(n)", "first \(n) of \(message.count) bytes, header Length kept; must be rejected (truncated)",
                    .rejected, Array(message[0..<n]))
                if n >= IKEHeader.size {
                    var b = Array(message[0..<n])
                    FieldBytes.write(&b, 24, 4, UInt64(n))
                    add(.truncation, "cut at \(n), Length patched",
                        "first \(n) bytes with header Length \(n): the payload chain itself is cut; must be rejected", .rejected, b)
                }
            }
        }

        // Loops: a payload's Next Payload naming an earlier payload's type; zero Payload Length.
        let locs = layout.payloads
        for (k, p) in locs.enumerated() {
            // The Next Payload field that names payload k: the header's, or payload k-1's.
            let fieldOffset = k == 0 ? 16 : locs[k - 1].offset
            if p.type == .encrypted || p.type == .encryptedFragment { continue }
            for j in Set([0, max(0, k - 1)]).sorted() where j <= k && locs[j].type != p.type {
                var b = message
                b[fieldOffset] = locs[j].type.rawValue
                add(.loop, "payload \(k + 1) announced as payload \(j + 1)'s type (\(locs[j].type.notation))",
                    "the chain points back to an earlier payload type, so payload \(k + 1)'s bytes are read as \(locs[j].type.notation); must not loop or over-read",
                    .unspecified, b)
            }
            var zero = message
            FieldBytes.write(&zero, p.offset + 2, 2, 0)
            add(.loop, "payload \(k + 1) Payload Length=0",
                "Payload Length 0 never advances a length-driven walk (an infinite loop in naive parsers); must be rejected", .rejected, zero)
        }
        if let last = locs.last, locs.count > 1, last.type != locs[0].type, last.type != .encrypted, last.type != .encryptedFragment {
            var b = message
            b[16] = last.type.rawValue
            add(.loop, "header Next Payload = last payload's type (\(last.type.notation))",
                "the first payload is read as the last one's type; must not loop or over-read", .unspecified, b)
        }

        // Unknown payloads (RFC 7296 §2.5): critical must be rejected, non-critical skipped.
        if message.count >= IKEHeader.size {
            let unknown = UInt8(60 + rng.below(68))  // 60...127: unassigned
            let body = rng.bytes(rng.below(16))
            for critical in [true, false] {
                let inserted = insert(message, layout, at: 0, type: unknown, flags: critical ? 0x80 : 0, body: body)
                add(.unknownPayload, "type \(unknown) \(critical ? "critical" : "non-critical") first",
                    critical
                        ? "unknown payload type \(unknown) with the critical bit first in the chain; must be rejected (UNSUPPORTED_CRITICAL_PAYLOAD, RFC 7296 §2.5)"
                        : "unknown payload type \(unknown) without the critical bit; must be skipped and the message accepted (RFC 7296 §2.5)",
                    critical ? .rejected : .parses, inserted)
            }
            if let last = locs.last, locs.count >= 1 {
                let at = last.type == .encrypted || last.type == .encryptedFragment ? locs.count - 1 : locs.count
                let inserted = insert(message, layout, at: at, type: unknown, flags: 0x80, body: body)
                add(.unknownPayload, "type \(unknown) critical at position \(at + 1)",
                    "unknown critical payload deep in the chain (before SK when there is one); must be rejected", .rejected, inserted)
            }
        }

        // RFC 6311 HA notifies with wrong sizes (§6.3: 12 octets; §6.4: 4 or 8), wrong
        // Protocol ID / SPI Size (§6: both 0), and correctly sized controls.
        if message.count >= IKEHeader.size {
            let syncData = rng.bytes(24)
            func ha(_ type: UInt16, proto: UInt8 = 0, spi: [UInt8] = [], size: Int) -> [UInt8] {
                var body: [UInt8] = [proto, UInt8(spi.count), UInt8(type >> 8), UInt8(type & 0xff)]
                body += spi
                body += Array(syncData[0..<min(size, syncData.count)])
                return insert(message, layout, at: 0, type: PayloadType.notify.rawValue, flags: 0, bodyRaw: body)
            }
            for size in [0, 4, 11, 13, 16, 24] {
                add(.haNotify, "16422 with \(size)-octet data", "IKEV2_MESSAGE_ID_SYNC with \(size) octets of data (RFC 6311 §6.3 requires 12); the decoder must reject it",
                    .notifyRejected, ha(16422, size: size))
            }
            for size in [0, 2, 6, 12, 16] {
                add(.haNotify, "16423 with \(size)-octet data", "IPSEC_REPLAY_COUNTER_SYNC with \(size) octets (RFC 6311 §6.4 allows 4 or 8); the decoder must reject it",
                    .notifyRejected, ha(16423, size: size))
            }
            add(.haNotify, "16422 with SPI Size 4", "IKEV2_MESSAGE_ID_SYNC carrying an SPI (RFC 6311 §6: SPI Size 0); the decoder must reject it",
                .notifyRejected, ha(16422, spi: [1, 2, 3, 4], size: 12))
            add(.haNotify, "16423 with Protocol ID 3", "IPSEC_REPLAY_COUNTER_SYNC with Protocol ID ESP (RFC 6311 §6: 0); the decoder must reject it",
                .notifyRejected, ha(16423, proto: 3, size: 4))
            add(.haNotify, "16422 correct (control)", "IKEV2_MESSAGE_ID_SYNC with 12 octets: a well-formed control that must parse and decode",
                .parses, ha(16422, size: 12))
            add(.haNotify, "16423 correct 8 octets (control)", "IPSEC_REPLAY_COUNTER_SYNC with 8 octets (ESN): a well-formed control that must parse and decode",
                .parses, ha(16423, size: 8))
        }
        return out
    }

    /// One variant of `message` chosen by `salt` (for a structure-aware fuzzer's custom
    /// mutator); the message itself when it has no variant.
    public func mutate(_ message: [UInt8], salt: UInt64) -> [UInt8] {
        let all = MutationGenerator(seed: seed ^ salt).variants(of: message)
        guard !all.isEmpty else { return message }
        var rng = SplitMix64(seed: salt)
        return all[rng.below(all.count)].bytes
    }

    /// `message` with a new payload (generic header + `body`) inserted before payload `index`
    /// of the outer chain; the Next Payload field that named payload `index` now names the new
    /// type, the new payload names the old one, and the header Length is patched.
    func insert(_ message: [UInt8], _ layout: MessageLayout, at index: Int, type: UInt8, flags: UInt8, body: [UInt8]) -> [UInt8] {
        insert(message, layout, at: index, type: type, flags: flags, bodyRaw: body)
    }

    func insert(_ message: [UInt8], _ layout: MessageLayout, at index: Int, type: UInt8, flags: UInt8, bodyRaw: [UInt8]) -> [UInt8] {
        let locs = layout.payloads
        let position: Int
        let namingField: Int
        let oldType: UInt8
        if index < locs.count {
            position = locs[index].offset
            namingField = index == 0 ? 16 : locs[index - 1].offset
            oldType = locs[index].type.rawValue
        } else if let last = locs.last {
            position = last.offset + last.length
            namingField = last.offset
            oldType = 0
        } else {
            position = IKEHeader.size
            namingField = 16
            oldType = message.count > 16 ? message[16] : 0
        }
        guard position <= message.count, namingField < message.count else { return message }
        let length = min(4 + bodyRaw.count, 0xffff)
        var b = Array(message[0..<position])
        b += [oldType, flags, UInt8(length >> 8), UInt8(length & 0xff)]
        b += bodyRaw.prefix(length - 4)
        b += message[position...]
        b[namingField] = type
        FieldBytes.write(&b, 24, 4, UInt64(FieldBytes.read(message, 24, 4)) &+ UInt64(length))
        return b
    }
}

extension MessageVariant {
    /// One tab-separated line for an index file written next to the variants
    /// (`ikev2 mutate`): file name, family, expectation, size in bytes, intent.
    public var indexLine: String {
        "\(fileName).bin\t\(family.rawValue)\t\(expectation.rawValue)\t\(bytes.count)\t\(intent)"
    }
}
