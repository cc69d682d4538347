import NIOCore
import PostgresNIO

/// PostgreSQL's errors as one line an operator can act on: the server's own message, never the statement or its
/// parameters (PostgresNIO's description of an error can carry the query), and the codes Clientele expects under
/// concurrent use said in words.
enum PostgresErrorText {
    static func describe(_ error: Error) -> String {
        if let legacy = error as? PostgresError { return describe(legacy) }
        guard let error = error as? PSQLError else { return String(describing: error) }
        switch error.code {
        case .server:
            let (state, message) = server(error) ?? ("", "error")
            return describe(state: state, message: message)
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            return "the connection to PostgreSQL was lost"
        case .clientClosedConnection:
            return "the connection to PostgreSQL was closed"
        case .sslUnsupported:
            return "the PostgreSQL server does not offer TLS, which sslmode asks for"
        case .authMechanismRequiresPassword:
            return "PostgreSQL asks for a password: set PGPASSWORD or add it to ~/.pgpass"
        default:
            return "PostgreSQL error (\(error.code))"
        }
    }

    /// The prepared statements' errors (`PostgresHotStatements`), which PostgresNIO's future-based API gives in its
    /// older form: the server's fields, or the session's end.
    private static func describe(_ error: PostgresError) -> String {
        guard let (state, message) = server(error) else {
            return connectionWasLost(error) ? "the connection to PostgreSQL was lost" : "PostgreSQL error"
        }
        return describe(state: state, message: message)
    }

    private static func describe(state: String, message: String) -> String {
        switch state {
        case "42501": return "the database role may not do this: \(message)"
        case "57P01", "57P02", "57P03": return "the PostgreSQL server shut down or restarted: \(message)"
        case "40001", "40P01": return "another registry transaction conflicted with this one: \(message)"
        default: return message
        }
    }

    /// The server's SQLSTATE and message, whichever form PostgresNIO gave the error in.
    static func server(_ error: Error) -> (state: String, message: String)? {
        if case .server(let fields) = error as? PostgresError {
            let state = fields.fields[.sqlState] ?? ""
            return (state, fields.fields[.message] ?? "error \(state)")
        }
        guard let error = error as? PSQLError, error.code == .server else { return nil }
        let state = error.serverInfo?[.sqlState] ?? ""
        return (state, error.serverInfo?[.message] ?? "error \(state)")
    }

    /// Whether the server or the network ended the session, so the transaction never committed and may be run again
    /// on a new connection.
    static func connectionWasLost(_ error: Error) -> Bool {
        if let (state, _) = server(error) { return state.hasPrefix("57P") || state.hasPrefix("08") }
        switch error as? PostgresError {
        case .connectionClosed: return true
        case .protocol(let what): return what == "Unexpected connection close"
        default: break
        }
        // How the older form gives a connection error: NIO's own.
        if error is ChannelError || error is IOError { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown: return true
        default: return false
        }
    }

    /// A change the login's roles do not allow (42501), as one line that names the login, what it may not change and
    /// the role that would allow it; nil for any other error.
    /// `holdsOperate`: whether the login is already a `clientele_operate`, so the role to grant is the admin's.
    static func refusal(_ error: Error, location: PostgresLocation, login: String, holdsOperate: () -> Bool) -> String? {
        guard let (state, message) = server(error), state == "42501" else { return nil }
        let prefix = "registry \(location) refuses this: role \(login)"
        if message.hasPrefix("audit events are append-only") {
            return "\(prefix) may not rewrite the audit trail (\(message); nobody may)"
        }
        // PostgreSQL's words: "permission denied for table x", "… for sequence x", "must be owner of table x".
        let words = message.split(separator: " ")
        let object = words.last.map(String.init) ?? ""
        if message.hasPrefix("must be owner of") {
            return "\(prefix) may not change the schema of \(PostgresRoles.displayName(table: object)) (only its owner may; run the upgrade as \(PostgresRoles.admin) or the database owner)"
        }
        if message.hasPrefix("permission denied for table") || message.hasPrefix("permission denied for sequence") {
            let table = object.hasSuffix("_id_seq") ? String(object.dropLast("_id_seq".count)) : object
            return refusal(location: location, login: login, table: table, holdsOperate: holdsOperate())
        }
        return "\(prefix) may not do this (\(message))"
    }

    /// The line for a login whose roles do not let it change `table`, said before or after trying.
    static func refusal(location: PostgresLocation, login: String, table: String, holdsOperate: Bool) -> String {
        let name = table.lowercased() == RegistryInfo.tableName.lowercased() ? "the registry" : PostgresRoles.displayName(table: table)
        let role = PostgresRoles.roleToChange(table: table, holdsOperate: holdsOperate)
        return "registry \(location) refuses this: role \(login) may not change \(name) (permission denied; grant \(role))"
    }

    static func sqlState(_ error: Error) -> String? { server(error)?.state }
}
