import ClienteleCore
import Foundation

/// While ncurses owns the screen, anything written to standard error (a log line, a library's warning) would land
/// in the middle of the picture and stay there until the next full repaint. So for the console's lifetime
/// standard error goes to an owner-only log file, and is put back before the console returns.
final class StandardErrorDiversion {
    let path: String
    private let saved: Int32
    private let sizeBefore: Int64

    /// Sends standard error to `path` (appending; created 0600 in a 0700 folder). Nil when that cannot be done,
    /// and standard error is left alone. Each session starts with a line naming it, so a crash report that lands
    /// here (the terminal is no place for one while ncurses owns it) can be told apart from earlier sessions.
    init?(to path: String, session: String) {
        try? PrivateFile.makeDirectory((path as NSString).deletingLastPathComponent)
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        // A log line need not reach the disk before the console opens: no fsync on the way to the first frame.
        _ = PrivateFile.writeAll(descriptor, Data("--- \(session)\n".utf8), durable: false)
        var status = stat()
        let saved = dup(STDERR_FILENO)
        guard fstat(descriptor, &status) == 0, saved >= 0, dup2(descriptor, STDERR_FILENO) >= 0 else {
            if saved >= 0 { close(saved) }
            return nil
        }
        self.path = path
        self.saved = saved
        self.sizeBefore = Int64(status.st_size)
    }

    /// Puts standard error back; returns how many bytes were written to the log meanwhile.
    func end() -> Int64 {
        dup2(saved, STDERR_FILENO)
        close(saved)
        var status = stat()
        guard stat(path, &status) == 0 else { return 0 }
        return max(0, Int64(status.st_size) - sizeBefore)
    }
}
