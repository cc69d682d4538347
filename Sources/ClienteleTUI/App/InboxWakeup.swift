#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pipe that a post to the inbox writes a byte to, so the UI thread's wait for a key also ends when a result
/// arrives: another process's change is drawn as soon as it is read, not when the key wait times out. Written by
/// hand because nothing in the packages here waits on a terminal and a queue at once; it is the classic self-pipe.
public final class InboxWakeup: Sendable {
    /// The read end, for `poll` beside the terminal's input. Both ends are non-blocking and closed on exec.
    public let descriptor: Int32
    private let writeEnd: Int32

    public init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
        }
        descriptor = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        if writeEnd >= 0 { close(writeEnd) }
    }

    /// Wakes the waiter. A full pipe already will, so a failed write needs nothing more.
    func signal() {
        guard writeEnd >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Empties the pipe once the waiter is awake, so the next wait waits.
    public func drain() {
        guard descriptor >= 0 else { return }
        var bytes = [UInt8](repeating: 0, count: 256)
        while read(descriptor, &bytes, bytes.count) > 0 {}
    }

    /// Waits up to `milliseconds` for a post, or for `input` (a terminal's descriptor) to have bytes; says whether
    /// `input` has them. A signal ending the wait early counts as neither.
    public func wait(milliseconds: Int, orInput input: Int32? = nil) -> Bool {
        var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
        if let input { descriptors.append(pollfd(fd: input, events: Int16(POLLIN), revents: 0)) }
        guard poll(&descriptors, nfds_t(descriptors.count), Int32(clamping: milliseconds)) > 0 else { return false }
        if descriptors[0].revents != 0 { drain() }
        return descriptors.count > 1 && descriptors[1].revents & Int16(POLLIN) != 0
    }
}
