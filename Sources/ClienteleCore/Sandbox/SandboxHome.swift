import Foundation

/// Where a registry's sandboxes keep their state: in files beside a SQLite registry, or in a PostgreSQL registry's
/// database, so a sandbox added by one teammate is the same sandbox for every other. A sandbox's settings record
/// its state by a name relative to this home (a file name, or a schema name), so a registry and its sandboxes move
/// together; an absolute path is always a file (the tests keep sandboxes in their own folders).
public struct SandboxHome: Sendable {
    enum Place: Sendable {
        case beside(registryPath: String)
        case database(PostgresRegistryConnection)
    }

    let place: Place

    /// Sandbox files beside the SQLite registry (or any path) named `registryPath`.
    public static func beside(registryPath: String) -> SandboxHome { SandboxHome(place: .beside(registryPath: registryPath)) }

    /// The name a new sandbox called `name` records its state by: `registry.sandbox-NAME.sqlite` beside a SQLite
    /// registry, the schema `sandbox_name` in a PostgreSQL one.
    public func newStateName(for name: String) -> String {
        switch place {
        case .beside(let registryPath):
            return (RegistryLocation.sandboxStateFile(besideRegistry: registryPath, idpName: name) as NSString).lastPathComponent
        case .database:
            let safe = name.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }
            // PostgreSQL keeps 63 bytes of a name.
            return String(("sandbox_" + String(safe)).prefix(63))
        }
    }

    /// Where the state recorded as `recorded` is.
    func location(of recorded: String) -> SandboxLocation {
        if recorded.hasPrefix("/") { return .file(recorded) }
        switch place {
        case .beside(let registryPath):
            return .file(URL(fileURLWithPath: registryPath).deletingLastPathComponent().appendingPathComponent(recorded).path)
        case .database(let connection):
            return .database(connection, schema: recorded)
        }
    }
}

extension Registry {
    /// Where this registry's sandboxes keep their state.
    public var sandboxHome: SandboxHome {
        switch engine {
        case .sqlite: return .beside(registryPath: path)
        case .postgres(let connection): return SandboxHome(place: .database(connection))
        }
    }
}
