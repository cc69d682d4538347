import Foundation

/// Creating files that hold credentials or their metadata: owner-only from the first byte.
public enum PrivateFile {
    /// Creates `directory` (and parents) with mode 0700 where missing. An empty `directory` is the current one:
    /// what `deletingLastPathComponent` leaves of a bare file name such as `--registry r.sqlite`.
    public static func makeDirectory(_ directory: String) throws {
        if directory.isEmpty { return }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ClienteleError.registry("\(directory) exists and is not a directory")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ClienteleError.registry("cannot create directory \(directory): \(error.localizedDescription)")
        }
    }

    /// Creates an empty file with mode 0600 unless something exists at `path` (a symlink included: O_EXCL never
    /// follows one); returns whether it created it. `failure` says what kind of error a refusal is.
    @discardableResult
    public static func createEmpty(
        _ path: String, named name: String = "", failure: (String) -> ClienteleError = ClienteleError.registry
    ) throws -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            if errno == EEXIST { return false }
            throw failure("cannot create \(name)\(path): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        return true
    }

    /// Writes a new file that holds a credential: mode 0600 from the first byte (O_CREAT|O_EXCL, so an existing
    /// file or a symlink planted at the name is never written through), and on disk (fsync) before anyone renames
    /// or links it into place.
    static func writeNew(_ path: String, contents: Data) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw ClienteleError.registry("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        // The umask can only narrow 0600; fchmod makes it exactly owner read/write whatever the umask.
        fchmod(descriptor, 0o600)
        if let failure = writeAll(descriptor, contents) {
            unlink(path)
            throw ClienteleError.registry("cannot write \(path): \(String(cString: strerror(failure)))")
        }
    }

    /// Writes all of `contents`, retrying interrupted writes and short writes, then (when `durable`) fsyncs.
    /// Returns errno on failure.
    public static func writeAll(_ descriptor: Int32, _ contents: Data, durable: Bool = true) -> Int32? {
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
        if let failure { return failure }
        guard durable else { return nil }
        return fsync(descriptor) == 0 ? nil : errno
    }
}
