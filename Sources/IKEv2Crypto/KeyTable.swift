// IKE SA keys and key files: Wireshark's `ikev2_decryption_table` (UAT) and tcpdump's `-E`
// secrets lines for IKEv2.

import IKEv2

/// An error in a key file or in a set of keys: where (line and column, 1-based, for syntax
/// errors) or which SA (for a key that does not fit its algorithm).
public struct KeyTableError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong. An open set, like `IKEError.Code`: a later version may add kinds, so a
    /// `switch` over it needs a `default`.
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The line does not have the expected shape (field count, quoting, hex digits).
        public static let syntax = Kind(rawValue: "syntax")
        /// An algorithm name this module does not know.
        public static let unknownAlgorithm = Kind(rawValue: "unknownAlgorithm")
        /// A key whose length does not match its algorithm.
        public static let badKeyLength = Kind(rawValue: "badKeyLength")
        /// The same SPI pair twice in one file.
        public static let duplicateSA = Kind(rawValue: "duplicateSA")
        /// The key file cannot be used: missing, a directory, unreadable, empty, too large or
        /// not UTF-8 (`IKEKeyTable(contentsOfFile:)`).
        public static let file = Kind(rawValue: "file")
    }

    public var kind: Kind
    public var line: Int?
    public var column: Int?
    /// The SA, as `SPIi/SPIr` in hex.
    public var sa: String?
    public var message: String
    /// The key file's path, when the table was read with `IKEKeyTable(contentsOfFile:)`.
    public var file: String?

    package init(_ kind: Kind, line: Int? = nil, column: Int? = nil, sa: String? = nil, file: String? = nil, _ message: String) {
        self.kind = kind
        self.line = line
        self.column = column
        self.sa = sa
        self.file = file
        self.message = message
    }

    /// `syntax at line 3, column 35: SK_ei is not unquoted hex: "zz"`, prefixed with the file
    /// when known (`x.keys: syntax at ...`); `key file x.keys: is a directory` for `.file`.
    public var description: String {
        if kind == .file { return "key file \(file ?? "?"): \(message)" }
        var where_: [String] = []
        if let line { where_.append(column.map { "line \(line), column \($0)" } ?? "line \(line)") }
        if let sa { where_.append("SA \(sa)") }
        let text = where_.isEmpty ? "\(kind.rawValue): \(message)" : "\(kind.rawValue) at \(where_.joined(separator: ", ")): \(message)"
        return file.map { "\($0): " + text } ?? text
    }
}

/// The keys of one IKE SA (RFC 7296 §2.14): SK_ei/SK_ai protect what the original initiator
/// sends, SK_er/SK_ar what the original responder sends. An empty SK_e means "this direction is
/// not known" (a tcpdump file may give only one side), unless the cipher takes no key.
public struct IKESAKeys: Hashable, Sendable {
    public var initiatorSPI: UInt64
    public var responderSPI: UInt64
    public var encryption: SKEncryptionAlgorithm
    public var integrity: SKIntegrityAlgorithm
    public var skEi: [UInt8]
    public var skEr: [UInt8]
    public var skAi: [UInt8]
    public var skAr: [UInt8]

    /// Keys checked against the algorithms' lengths; throws `.badKeyLength` naming the SA.
    public init(
        initiatorSPI: UInt64, responderSPI: UInt64, encryption: SKEncryptionAlgorithm, integrity: SKIntegrityAlgorithm,
        skEi: [UInt8], skEr: [UInt8], skAi: [UInt8] = [], skAr: [UInt8] = []
    ) throws(KeyTableError) {
        self.initiatorSPI = initiatorSPI
        self.responderSPI = responderSPI
        self.encryption = encryption
        self.integrity = integrity
        self.skEi = skEi
        self.skEr = skEr
        self.skAi = skAi
        self.skAr = skAr
        try validate()
    }

    /// `SPIi/SPIr` as 16 hex digits each.
    public var saName: String { "\(Hex.fixed(initiatorSPI, width: 16))/\(Hex.fixed(responderSPI, width: 16))" }

    /// Checks every non-empty key's length and the algorithm pairing (AEAD ciphers take
    /// integrity NONE, RFC 5282 §8).
    public func validate() throws(KeyTableError) {
        if encryption.isAEAD && integrity.mode != .none {
            throw KeyTableError(.badKeyLength, sa: saName,
                                "\(encryption.wiresharkName) is an AEAD cipher; its integrity must be \(SKIntegrityAlgorithm.none.wiresharkName), not \(integrity.wiresharkName)")
        }
        for (name, key) in [("SK_ei", skEi), ("SK_er", skEr)] where !key.isEmpty && key.count != encryption.keyLength {
            throw KeyTableError(.badKeyLength, sa: saName,
                                "\(name) has \(key.count) octets; \(encryption.wiresharkName) needs \(encryption.keyLength)"
                                    + (encryption.saltLength > 0 ? " (\(encryption.keyBits / 8) key + \(encryption.saltLength) salt)" : ""))
        }
        if let need = integrity.keyLength {
            for (name, key) in [("SK_ai", skAi), ("SK_ar", skAr)] where !key.isEmpty && key.count != need {
                throw KeyTableError(.badKeyLength, sa: saName,
                                    "\(name) has \(key.count) octets; \(integrity.wiresharkName) needs \(need)")
            }
        }
    }

    /// Whether the keys for the sender of a message are present: the original initiator's when
    /// `fromInitiator` (the header's I flag, RFC 7296 §3.1).
    public func hasKeys(fromInitiator: Bool) -> Bool {
        let e = fromInitiator ? skEi : skEr
        let a = fromInitiator ? skAi : skAr
        let eOK = !e.isEmpty || encryption.keyLength == 0
        let aOK = !a.isEmpty || (integrity.keyLength ?? 0) == 0
        return eOK && aOK
    }

    /// The sender's (SK_e, SK_a): SK_ei/SK_ai when the I flag is set, else SK_er/SK_ar.
    public func senderKeys(fromInitiator: Bool) -> (encryption: [UInt8], integrity: [UInt8]) {
        fromInitiator ? (skEi, skAi) : (skEr, skAr)
    }
}

struct SPIPair: Hashable, Sendable {
    var i: UInt64
    var r: UInt64
}

/// A set of IKE SA keys looked up by SPI pair (never by address, so decryption survives a
/// change of gateway, e.g. an HA takeover).
///
/// Reads Wireshark's IKEv2 decryption table (8 comma-separated fields: SPIi, SPIr, SK_ei, SK_er,
/// encryption name, SK_ai, SK_ar, integrity name; hex unquoted, names quoted) and tcpdump's
/// `ikev2 I|R 0xSPIi 0xSPIr integ:0xKEY enc:0xKEY` lines; writes the Wireshark form.
public struct IKEKeyTable: Sendable {
    public private(set) var entries: [IKESAKeys] = []
    private var index: [SPIPair: Int] = [:]

    public init(_ entries: [IKESAKeys] = []) {
        for e in entries { add(e) }
    }

    /// Adds keys, replacing any entry with the same SPI pair.
    public mutating func add(_ keys: IKESAKeys) {
        let k = SPIPair(i: keys.initiatorSPI, r: keys.responderSPI)
        if let at = index[k] {
            entries[at] = keys
        } else {
            index[k] = entries.count
            entries.append(keys)
        }
    }

    public var count: Int { entries.count }

    /// The keys of the IKE SA with these SPIs.
    public func keys(initiatorSPI: UInt64, responderSPI: UInt64) -> IKESAKeys? {
        index[SPIPair(i: initiatorSPI, r: responderSPI)].map { entries[$0] }
    }

    /// The keys for a message's SA (by the header's SPIs).
    public func keys(for header: IKEHeader) -> IKESAKeys? {
        keys(initiatorSPI: header.initiatorSPI, responderSPI: header.responderSPI)
    }

    /// Parses either format: a file whose first significant line starts with `ikev2 ` (or which
    /// holds ESP `0x...@addr` lines) is tcpdump's; anything else is Wireshark's.
    public init(parsing text: String) throws(KeyTableError) {
        if Self.looksLikeTcpdump(text) {
            try self.init(tcpdump: text)
        } else {
            try self.init(wireshark: text)
        }
    }

    static func looksLikeTcpdump(_ text: String) -> Bool {
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            return line.hasPrefix("ikev2") || line.hasPrefix("0x")
        }
        return false
    }

    // MARK: Wireshark

    /// Parses Wireshark's `ikev2_decryption_table`. Comment (`#`) and blank lines are skipped.
    public init(wireshark text: String) throws(KeyTableError) {
        self.init()
        var lineNo = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = try UATLine.split(Array(line.utf8), line: lineNo)
            guard fields.count == 8 else {
                throw KeyTableError(.syntax, line: lineNo, column: fields.last.map { $0.column } ?? 1,
                                    "expected 8 comma-separated fields (SPIi, SPIr, SK_ei, SK_er, encryption, SK_ai, SK_ar, integrity), found \(fields.count)")
            }
            func hexField(_ n: Int, name: String) throws(KeyTableError) -> [UInt8] {
                let f = fields[n]
                guard !f.quoted, let bytes = Hex.decode(f.text) else {
                    throw KeyTableError(.syntax, line: lineNo, column: f.column, "\(name) is not unquoted hex: \(f.text.debugDescription)")
                }
                return bytes
            }
            func spiField(_ n: Int, name: String) throws(KeyTableError) -> UInt64 {
                let b = try hexField(n, name: name)
                guard b.count == 8 else {
                    throw KeyTableError(.syntax, line: lineNo, column: fields[n].column, "\(name) must be 8 octets (16 hex digits), has \(b.count)")
                }
                return b.reduce(0) { $0 << 8 | UInt64($1) }
            }
            let spiI = try spiField(0, name: "initiator SPI")
            let spiR = try spiField(1, name: "responder SPI")
            let skEi = try hexField(2, name: "SK_ei")
            let skEr = try hexField(3, name: "SK_er")
            guard let enc = SKEncryptionAlgorithm(wiresharkName: fields[4].text) else {
                throw KeyTableError(.unknownAlgorithm, line: lineNo, column: fields[4].column,
                                    "unknown encryption algorithm \(fields[4].text.debugDescription)")
            }
            let skAi = try hexField(5, name: "SK_ai")
            let skAr = try hexField(6, name: "SK_ar")
            guard let integ = SKIntegrityAlgorithm(wiresharkName: fields[7].text) else {
                throw KeyTableError(.unknownAlgorithm, line: lineNo, column: fields[7].column,
                                    "unknown integrity algorithm \(fields[7].text.debugDescription)")
            }
            var keys: IKESAKeys
            do {
                keys = try IKESAKeys(initiatorSPI: spiI, responderSPI: spiR, encryption: enc, integrity: integ,
                                     skEi: skEi, skEr: skEr, skAi: skAi, skAr: skAr)
            } catch {
                var e = error
                e.line = lineNo
                throw e
            }
            // Wireshark needs both directions; only integrity keys of length 0 may be empty.
            let sa = keys.saName
            for (name, key, need) in [("SK_ei", skEi, enc.keyLength), ("SK_er", skEr, enc.keyLength),
                                      ("SK_ai", skAi, integ.keyLength ?? 0), ("SK_ar", skAr, integ.keyLength ?? 0)]
            where key.isEmpty && need > 0 {
                throw KeyTableError(.badKeyLength, line: lineNo, sa: sa, "\(name) is empty; \(name.hasPrefix("SK_e") ? enc.wiresharkName : integ.wiresharkName) needs \(need) octets")
            }
            if index[SPIPair(i: spiI, r: spiR)] != nil {
                throw KeyTableError(.duplicateSA, line: lineNo, column: 1, sa: sa, "SPI pair already defined earlier in the file")
            }
            add(keys)
        }
    }

    /// Wireshark's `ikev2_decryption_table` text: the UAT header comment (unless `headerComment`
    /// is false), then one line per SA (`spii,spir,sk_ei,sk_er,"alg",sk_ai,sk_ar,"alg"`,
    /// lowercase hex). Rows whose algorithms Wireshark does not know (ChaCha20-Poly1305,
    /// AES-XCBC, AES-CMAC) are left out unless `includeUnknownToWireshark`, since Wireshark
    /// would reject the file.
    ///
    /// The text is usable as is, both as the file in a Wireshark profile and on tshark's command
    /// line: `tshark -o "uat:ikev2_decryption_table:$(cat x.keys)"` (tshark reads the option's
    /// value with the UAT file parser, which skips `#` comment lines and takes several rows;
    /// checked with tshark 4.0 by `KeyFileTests`). `headerComment: false` gives the rows alone.
    public func wiresharkText(includeUnknownToWireshark: Bool = false, headerComment: Bool = true) -> String {
        var out = headerComment ? "# This file is automatically generated, DO NOT MODIFY.\n" : ""
        for k in entries {
            if !includeUnknownToWireshark && !(k.encryption.isKnownToWireshark && k.integrity.isKnownToWireshark) { continue }
            out += [Hex.fixed(k.initiatorSPI, width: 16), Hex.fixed(k.responderSPI, width: 16), Hex.encode(k.skEi), Hex.encode(k.skEr),
                    UATLine.quote(k.encryption.wiresharkName), Hex.encode(k.skAi), Hex.encode(k.skAr),
                    UATLine.quote(k.integrity.wiresharkName)].joined(separator: ",")
            out += "\n"
        }
        return out
    }

    // MARK: tcpdump

    /// tcpdump's integrity names (print-esp.c takes `sha1`/`md5` as 96-bit ICVs).
    static let tcpdumpIntegrity: [String: SKIntegrityAlgorithm] = [
        "sha1": .hmacSHA1_96, "md5": .hmacMD5_96, "sha256": .hmacSHA256_128, "sha384": .hmacSHA384_192,
        "sha512": .hmacSHA512_256, "none": .none,
    ]
    /// tcpdump's encryption names (OpenSSL cipher names and aliases).
    static let tcpdumpEncryption: [String: SKEncryptionAlgorithm] = [
        "aes128": .aesCBC128, "aes128-cbc": .aesCBC128, "aes-128-cbc": .aesCBC128,
        "aes192": .aesCBC192, "aes192-cbc": .aesCBC192, "aes-192-cbc": .aesCBC192,
        "aes256": .aesCBC256, "aes256-cbc": .aesCBC256, "aes-256-cbc": .aesCBC256,
        "3des": .tripleDES, "des3": .tripleDES, "des-ede3-cbc": .tripleDES, "3des-cbc": .tripleDES, "null": .null,
    ]

    /// Parses tcpdump's secrets file: `ikev2 I|R 0xSPIi 0xSPIr <integ>:0x<SK_a> <enc>:0x<SK_e>`;
    /// the I line gives SK_ai/SK_ei, the R line SK_ar/SK_er. ESP lines and comments are skipped.
    public init(tcpdump text: String) throws(KeyTableError) {
        self.init()
        var lineNo = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            let line = Array((raw.hasSuffix("\r") ? raw.dropLast() : raw).utf8)
            // Tokens with their 1-based columns.
            var tokens: [(text: String, column: Int)] = []
            var i = 0
            while i < line.count {
                if line[i] == 0x20 || line[i] == 0x09 { i += 1; continue }
                let start = i
                while i < line.count && line[i] != 0x20 && line[i] != 0x09 { i += 1 }
                tokens.append((String(decoding: line[start..<i], as: UTF8.self), start + 1))
            }
            guard let first = tokens.first, !first.text.hasPrefix("#"), first.text == "ikev2" else { continue }
            guard tokens.count == 6 else {
                throw KeyTableError(.syntax, line: lineNo, column: tokens.last.map { $0.column } ?? 1,
                                    "expected `ikev2 I|R 0xSPIi 0xSPIr integ:0xKEY enc:0xKEY` (6 fields), found \(tokens.count)")
            }
            let dir = tokens[1]
            guard dir.text == "I" || dir.text == "R" else {
                throw KeyTableError(.syntax, line: lineNo, column: dir.column, "direction must be I or R, not \(dir.text.debugDescription)")
            }
            func spi(_ t: (text: String, column: Int)) throws(KeyTableError) -> UInt64 {
                guard t.text.hasPrefix("0x"), t.text.utf8.count == 18, let b = Hex.decode(t.text) else {
                    throw KeyTableError(.syntax, line: lineNo, column: t.column, "SPI must be 0x and 16 hex digits, not \(t.text.debugDescription)")
                }
                return b.reduce(0) { $0 << 8 | UInt64($1) }
            }
            func algKey(_ t: (text: String, column: Int)) throws(KeyTableError) -> (name: String, key: [UInt8], keyColumn: Int) {
                guard let colon = t.text.firstIndex(of: ":") else {
                    throw KeyTableError(.syntax, line: lineNo, column: t.column, "expected algorithm:key, not \(t.text.debugDescription)")
                }
                let name = String(t.text[..<colon]).lowercased()
                let value = t.text[t.text.index(after: colon)...]
                let keyColumn = t.column + t.text.utf8.distance(from: t.text.startIndex, to: colon) + 1
                if value.hasPrefix("0x") {
                    guard let b = Hex.decode(value) else {
                        throw KeyTableError(.syntax, line: lineNo, column: keyColumn, "key is not hex: \(String(value).debugDescription)")
                    }
                    return (name, b, keyColumn)
                }
                return (name, Array(value.utf8), keyColumn)  // tcpdump takes a non-0x key as raw bytes
            }
            let spiI = try spi(tokens[2])
            let spiR = try spi(tokens[3])
            let a = try algKey(tokens[4])
            let e = try algKey(tokens[5])
            guard let integ = Self.tcpdumpIntegrity[a.name] else {
                throw KeyTableError(.unknownAlgorithm, line: lineNo, column: tokens[4].column, "unknown integrity algorithm \(a.name.debugDescription)")
            }
            guard let enc = Self.tcpdumpEncryption[e.name] else {
                throw KeyTableError(.unknownAlgorithm, line: lineNo, column: tokens[5].column, "unknown encryption algorithm \(e.name.debugDescription)")
            }
            let existing = keys(initiatorSPI: spiI, responderSPI: spiR)
            if let existing, existing.encryption != enc || existing.integrity != integ {
                throw KeyTableError(.syntax, line: lineNo, column: tokens[4].column, sa: existing.saName,
                                    "algorithms differ from the other direction's line")
            }
            let isI = dir.text == "I"
            do {
                let merged = try IKESAKeys(
                    initiatorSPI: spiI, responderSPI: spiR, encryption: enc, integrity: integ,
                    skEi: isI ? e.key : existing?.skEi ?? [], skEr: isI ? existing?.skEr ?? [] : e.key,
                    skAi: isI ? a.key : existing?.skAi ?? [], skAr: isI ? existing?.skAr ?? [] : a.key)
                add(merged)
            } catch {
                var err = error
                err.line = lineNo
                throw err
            }
        }
    }
}

/// Wireshark UAT line syntax: comma-separated fields, either unquoted text or `"..."` with
/// `\\`, `\"` and `\xNN` escapes.
enum UATLine {
    struct Field {
        var text: String
        var quoted: Bool
        var column: Int
    }

    static func split(_ b: [UInt8], line: Int) throws(KeyTableError) -> [Field] {
        var fields: [Field] = []
        var i = 0
        while true {
            while i < b.count && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
            let column = i + 1
            if i < b.count && b[i] == UInt8(ascii: "\"") {
                i += 1
                var out: [UInt8] = []
                var closed = false
                while i < b.count {
                    let c = b[i]
                    if c == UInt8(ascii: "\"") { closed = true; i += 1; break }
                    if c == UInt8(ascii: "\\") {
                        guard i + 1 < b.count else { break }
                        let n = b[i + 1]
                        if n == UInt8(ascii: "x") {
                            guard i + 3 < b.count, let v = Hex.decode(String(decoding: b[(i + 2)...(i + 3)], as: UTF8.self)), v.count == 1 else {
                                throw KeyTableError(.syntax, line: line, column: i + 1, "bad \\x escape")
                            }
                            out.append(v[0])
                            i += 4
                        } else {
                            out.append(n)
                            i += 2
                        }
                        continue
                    }
                    out.append(c)
                    i += 1
                }
                guard closed else { throw KeyTableError(.syntax, line: line, column: column, "unterminated quoted field") }
                fields.append(Field(text: String(decoding: out, as: UTF8.self), quoted: true, column: column))
                while i < b.count && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
            } else {
                let start = i
                while i < b.count && b[i] != UInt8(ascii: ",") { i += 1 }
                var end = i
                while end > start && (b[end - 1] == 0x20 || b[end - 1] == 0x09) { end -= 1 }
                fields.append(Field(text: String(decoding: b[start..<end], as: UTF8.self), quoted: false, column: column))
            }
            if i >= b.count { return fields }
            guard b[i] == UInt8(ascii: ",") else {
                throw KeyTableError(.syntax, line: line, column: i + 1, "expected ',' after field \(fields.count)")
            }
            i += 1
        }
    }

    /// Quotes a string as Wireshark's UAT writer does (printable ASCII kept, `"`/`\` and the rest
    /// as `\xNN`).
    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.utf8 {
            if c >= 0x20 && c < 0x7f && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\") {
                out.unicodeScalars.append(Unicode.Scalar(c))
            } else {
                out += "\\x" + Hex.encode([c])
            }
        }
        return out + "\""
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> SubSequence {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return s
    }
}
