import Foundation

/// The process behind a lease, as recorded beside it: host and pid for people to read, and what it takes to prove
/// that process gone. A lease's owner token is random and says nothing; this says who it was.
///
/// A host name alone proves nothing (two containers share one), and neither does a missing pid (another pid
/// namespace). A holder is provably gone only when it ran under this kernel (same boot id) and in this pid
/// namespace, and its pid now names no process, a zombie, or a process that started at another time (a reused pid).
public struct LeaseHolder: Codable, Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var pid: Int32
    /// When the process started, in clock ticks after boot (`/proc/PID/stat`, field 22).
    public var started: UInt64?
    /// `/proc/sys/kernel/random/boot_id`: the kernel the process ran under.
    public var boot: String?
    /// The target of `/proc/self/ns/pid`, for example `pid:[4026531836]`.
    public var pidNamespace: String?

    public init(host: String, pid: Int32, started: UInt64?, boot: String?, pidNamespace: String?) {
        self.host = host
        self.pid = pid
        self.started = started
        self.boot = boot
        self.pidNamespace = pidNamespace
    }

    public var description: String { "\(host) pid \(pid)" }

    /// This process.
    public static let current = LeaseHolder(
        host: ProcessInfo.processInfo.hostName, pid: getpid(), started: ProcessTable.startTime(of: getpid()),
        boot: ProcessTable.bootId, pidNamespace: ProcessTable.pidNamespace)

    /// Whether this holder is provably no longer running, judged from `observer` (this process by default).
    func isProvablyGone(from observer: LeaseHolder = .current) -> Bool {
        guard let boot, let pidNamespace, let started, boot == observer.boot, pidNamespace == observer.pidNamespace
        else { return false }
        switch ProcessTable.state(of: pid) {
        case .absent, .zombie: return true
        case .running(let startTime): return startTime != started
        case .unknown: return false
        }
    }
}

/// What `/proc` says about processes; on a system without it nothing can be proven and leases simply expire.
enum ProcessTable {
    enum State: Equatable {
        case absent
        case zombie
        case running(started: UInt64)
        case unknown
    }

    static func state(of pid: Int32) -> State {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
            if kill(pid, 0) != 0 && errno == ESRCH { return .absent }
            return FileManager.default.fileExists(atPath: "/proc/self/stat") ? .absent : .unknown
        }
        guard let fields = fieldsAfterName(stat), fields.count > 19, let started = UInt64(fields[19]) else {
            return .unknown
        }
        return fields[0] == "Z" || fields[0] == "X" ? .zombie : .running(started: started)
    }

    static func startTime(of pid: Int32) -> UInt64? {
        if case .running(let started) = state(of: pid) { return started }
        return nil
    }

    /// The fields after `(comm)`: the name may hold spaces and parentheses, so split after its last `)`.
    /// Field 3 (state) comes first, so field 22 (starttime) is at index 19.
    static func fieldsAfterName(_ stat: String) -> [Substring]? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    static let bootId: String? = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines)

    static let pidNamespace: String? = {
        var buffer = [CChar](repeating: 0, count: 256)
        let length = readlink("/proc/self/ns/pid", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()
}
