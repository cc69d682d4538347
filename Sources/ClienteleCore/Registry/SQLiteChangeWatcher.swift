import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc

/// Hears commits to a registry file as they land, from any process on this machine: inotify on the file's folder,
/// for writes to the file and its WAL (a commit appends to the WAL; a checkpoint writes the file; watching the
/// folder rather than the files survives the WAL being removed and made again). Written by hand because neither
/// libdispatch on Linux (no vnode sources) nor the packages here watch files.
///
/// A commit's last WAL write comes a moment before SQLite publishes it in the shared index (an mmap, which
/// inotify cannot see), so each burst of events is answered twice: at once, and once more shortly after the
/// burst ends. Answers are nil ("read the revision again"), which costs one indexed read when nothing changed.
final class SQLiteChangeWatcher: Sendable {
    private let stopEnds: (read: Int32, write: Int32)

    init?(path: String, onChange: @escaping @Sendable (Int64?) -> Void) {
        let file = URL(fileURLWithPath: path)
        let folder = file.deletingLastPathComponent().path
        let watched: Set<String> = [file.lastPathComponent, file.lastPathComponent + "-wal"]
        let events = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard events >= 0 else { return nil }
        let mask = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE)
        var ends: [Int32] = [-1, -1]
        guard inotify_add_watch(events, folder, mask) >= 0, pipe(&ends) == 0 else {
            close(events)
            return nil
        }
        stopEnds = (ends[0], ends[1])
        let stop = ends[0]
        let thread = Thread {
            Self.watch(events: events, stop: stop, names: watched, onChange: onChange)
            close(events)
            close(stop)
        }
        thread.name = "registry change watcher"
        thread.start()
    }

    /// How long after a burst of events the second answer comes.
    static let settleMilliseconds: Int32 = 15

    private static func watch(
        events: Int32, stop: Int32, names: Set<String>, onChange: @Sendable (Int64?) -> Void
    ) {
        var settling = false
        while true {
            var descriptors = [pollfd(fd: events, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: stop, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&descriptors, 2, settling ? settleMilliseconds : -1)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 || descriptors[1].revents != 0 { return }
            if ready == 0 {
                settling = false
                onChange(nil)
                continue
            }
            if readEvents(events, touching: names) {
                onChange(nil)
                settling = true
            }
        }
    }

    /// Reads every queued event; whether one was about a watched name.
    private static func readEvents(_ events: Int32, touching names: Set<String>) -> Bool {
        var touched = false
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(events, $0.baseAddress, $0.count) }
            guard count > 0 else { return touched }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= count {
                let length = buffer.withUnsafeBytes {
                    Int($0.loadUnaligned(fromByteOffset: offset, as: inotify_event.self).len)
                }
                let start = offset + header
                let end = min(start + length, count)
                if !touched, length > 0 {
                    let raw = buffer[start..<end].prefix { $0 != 0 }
                    touched = names.contains(String(decoding: raw, as: UTF8.self))
                }
                offset = end
            }
        }
    }

    private let stopped = Mutex(false)

    /// Ends the watch; once only, so a second call (a shutdown, then the owner's deinit) never writes to or closes
    /// a descriptor number reused since.
    func stop() {
        guard stopped.withLock({ done in defer { done = true }; return !done }) else { return }
        var byte: UInt8 = 1
        _ = write(stopEnds.write, &byte, 1)
        close(stopEnds.write)
    }
}
#else
/// No file watching on this platform: the console's revision poll is all there is.
final class SQLiteChangeWatcher: Sendable {
    init?(path: String, onChange: @escaping @Sendable (Int64?) -> Void) { return nil }
    func stop() {}
}
#endif
