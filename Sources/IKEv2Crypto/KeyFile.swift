// Reading a key file from a path with POSIX calls: each failure is one line naming the file and
// the reason in words (never a Foundation error code).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension IKEKeyTable {
    /// The largest key file `init(contentsOfFile:)` reads: 16 MiB (a Wireshark row is about
    /// 300 octets, so some 50 000 SAs).
    public static let maxFileSize = 16 << 20

    /// Reads and parses a key file in either format (see `init(parsing:)`): Wireshark's
    /// `ikev2_decryption_table` or tcpdump's `ikev2 I|R` secret lines.
    ///
    /// - Throws: `KeyTableError` of kind `.file` when the file is missing, a directory, not a
    ///   regular file, unreadable, empty (or holding only comments and blank lines), larger than
    ///   `maxFileSize` or not UTF-8; otherwise the parse errors of `init(parsing:)`, with line
    ///   and column. `file` is set to `path`, so the description names it:
    ///   `key file x.keys: is a directory`, `x.keys: syntax at line 3, column 35: ...`.
    public init(contentsOfFile path: String) throws(KeyTableError) {
        let text = try KeyFile.read(path)
        var sawContent = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let t = line.trimmingWhitespace()
            if !t.isEmpty && !t.hasPrefix("#") {
                sawContent = true
                break
            }
        }
        guard sawContent else {
            throw KeyTableError(.file, file: path, text.isEmpty ? "is empty" : "holds no key rows (only comments and blank lines)")
        }
        do {
            try self.init(parsing: text)
        } catch {
            var e = error
            e.file = path
            throw e
        }
    }
}

enum KeyFile {
    static func read(_ path: String) throws(KeyTableError) -> String {
        func fail(_ why: String) -> KeyTableError { KeyTableError(.file, file: path, why) }
        guard !path.isEmpty else { throw fail("the path is empty") }
        let fd = open(path, O_RDONLY | O_NONBLOCK)  // non-blocking: a FIFO must not hang the open
        guard fd >= 0 else { throw fail(reason(errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw fail(reason(errno)) }
        let type = st.st_mode & S_IFMT
        if type == S_IFDIR { throw fail("is a directory, not a key file") }
        guard type == S_IFREG else { throw fail("is not a regular file") }
        guard Int(st.st_size) <= IKEKeyTable.maxFileSize else {
            throw fail("is \(st.st_size) octets, larger than the \(IKEKeyTable.maxFileSize >> 20) MiB limit for key files")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { readFD(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail(reason(errno))
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
            // The size can grow while reading; the bound holds whatever stat said.
            guard bytes.count <= IKEKeyTable.maxFileSize else {
                throw fail("is larger than the \(IKEKeyTable.maxFileSize >> 20) MiB limit for key files")
            }
        }
        // Decoding replaces invalid sequences with U+FFFD, so invalid input does not round-trip.
        // (String(validating:as:) would need the Swift 6.0 runtime on Apple platforms.)
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.elementsEqual(bytes) else { throw fail("is not UTF-8 text") }
        return text
    }

    /// POSIX `read(2)` (the name `read` is this type's own function).
    static func readFD(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(fd, buffer, count)
        #elseif canImport(Musl)
        Musl.read(fd, buffer, count)
        #else
        Darwin.read(fd, buffer, count)
        #endif
    }

    /// The reason for an `errno`, in words.
    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case ENOTDIR: return "a component of the path is not a directory"
        case EACCES, EPERM: return "permission denied"
        case EISDIR: return "is a directory, not a key file"
        case ELOOP: return "too many symbolic links"
        case ENAMETOOLONG: return "path too long"
        case EIO: return "input/output error while reading"
        default: return String(cString: strerror(code))
        }
    }
}
