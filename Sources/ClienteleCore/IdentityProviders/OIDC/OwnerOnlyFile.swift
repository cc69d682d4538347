import Foundation

/// Writing a new file that holds a credential: mode 0600 from the first byte (O_CREAT|O_EXCL, so an existing file
/// or a symlink planted at the name is never written through), and on disk (fsync) before anyone renames or links
/// it into place.
enum OwnerOnlyFile {
    static func writeNew(_ path: String, contents: Data) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw ClienteleError.registry("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        // The umask can only narrow 0600; fchmod makes it exactly owner read/write whatever the umask.
        fchmod(descriptor, 0o600)
        var written = 0
        let failure: Int32? = contents.withUnsafeBytes { buffer -> Int32? in
            while written < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += count
            }
            return nil
        }
        if let failure {
            unlink(path)
            throw ClienteleError.registry("cannot write \(path): \(String(cString: strerror(failure)))")
        }
        guard fsync(descriptor) == 0 else {
            let failure = errno
            unlink(path)
            throw ClienteleError.registry("cannot write \(path): \(String(cString: strerror(failure)))")
        }
    }
}
