import ClienteleCore
import Foundation

/// Writes a revealed secret to a new file, owner-only from the first byte. Refuses an existing file or a symlink,
/// like the core's own secret files: Clientele never overwrites one.
enum SecretFileWriter {
    static func write(_ secret: SecretText, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST {
                throw ClienteleError.invalidInput("\(path) already exists; Clientele never overwrites a secret file")
            }
            throw ClienteleError.invalidInput("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array((secret.reveal() + "\n").utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw ClienteleError.delivery("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
