import Foundation

/// Writes a report file atomically: a temporary file beside it, then `rename(2)`, so a reader
/// never sees half a report and a failed run leaves an existing file as it was.
enum ReportFile {
    static func write(_ bytes: [UInt8], to path: String) throws {
        guard !path.isEmpty else { throw CLIError.usage("-o/--output: an empty file name") }
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let temp = dir + "/." + url.lastPathComponent + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        func failure(_ what: String, _ err: Int32) -> CLIError {
            CLIError(code: 1, message: "cannot write the report to \(path): \(what)\(String(cString: strerror(err)))")
        }
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let err = errno
            throw failure(err == ENOENT || err == ENOTDIR ? "its directory: " : "", err)
        }
        var written = 0
        var err: Int32 = 0
        bytes.withUnsafeBytes { raw in
            while written < raw.count, let base = raw.baseAddress {
                let n = systemWrite(fd, base + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    err = errno
                    return
                }
                written += n
            }
        }
        if err == 0 && fsync(fd) != 0 { err = errno }
        if close(fd) != 0 && err == 0 { err = errno }
        if err == 0 && rename(temp, path) != 0 { err = errno }
        if err != 0 {
            unlink(temp)
            throw failure("", err)
        }
    }
}

/// `write(2)` (the name is taken by `ReportFile.write` inside the enum).
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
