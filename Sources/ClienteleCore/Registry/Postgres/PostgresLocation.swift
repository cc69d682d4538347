import Foundation

/// A PostgreSQL registry named by URL, as libpq names one: `postgres://USER@HOST:PORT/DB?sslmode=verify-full&sslrootcert=CA`.
/// The password comes from `PGPASSWORD`, then the password file (`PGPASSFILE` or `~/.pgpass`), then the URL (which
/// puts it in shell history and `ps`, so the README discourages it). `description` never shows it.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// The CA certificates (PEM) that sign the server's certificate, for `verify-ca` and `verify-full`.
    public var rootCertificateFile: String?
    var password: String?

    /// Whether `text` names a PostgreSQL registry rather than a SQLite path.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses a registry URL; a malformed one is one line that names the part at fault, without the password.
    public static func parse(
        _ text: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> PostgresLocation {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw ClienteleError.invalidInput("--registry: not a postgres:// URL")
        }
        let user = components.user.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"]
            ?? environment["USER"] ?? "postgres"
        let host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? environment["PGHOST"] ?? "127.0.0.1"
        var database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = database.removingPercentEncoding ?? database
        if database.isEmpty { database = environment["PGDATABASE"] ?? user }
        var location = PostgresLocation(
            host: host, port: components.port ?? environment["PGPORT"].flatMap { Int($0) } ?? 5432, user: user,
            database: database, tls: .prefer, rootCertificateFile: nil, password: nil)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    throw ClienteleError.invalidInput(
                        "--registry: sslmode '\(item.value ?? "")' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                location.tls = mode
            case "sslrootcert":
                location.rootCertificateFile = item.value.map { AbsolutePath.of($0) }
            case "application_name", "connect_timeout":
                continue
            default:
                throw ClienteleError.invalidInput(
                    "--registry: unknown URL parameter '\(item.name)' (Clientele reads sslmode and sslrootcert)")
            }
        }
        if let file = location.rootCertificateFile, !FileManager.default.isReadableFile(atPath: file) {
            throw ClienteleError.invalidInput("--registry: sslrootcert \(file) is not a readable file")
        }
        if location.tls == .verifyCA || location.tls == .verifyFull, location.rootCertificateFile == nil,
            let fromEnvironment = environment["PGSSLROOTCERT"]
        {
            location.rootCertificateFile = AbsolutePath.of(fromEnvironment)
        }
        location.password = environment["PGPASSWORD"]
            ?? PostgresPasswordFile.password(for: location, environment: environment)
            ?? components.password.flatMap { $0.removingPercentEncoding }
        return location
    }

    /// `postgres://clientele@db.internal:5432/registry`: no password, ever.
    public var description: String {
        let hostText = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(hostText):\(port)/\(database)"
    }
}
