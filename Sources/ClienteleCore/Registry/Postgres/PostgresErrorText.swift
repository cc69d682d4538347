import PostgresNIO

/// PostgreSQL's errors as one line an operator can act on: the server's own message, never the statement or its
/// parameters (PostgresNIO's description of an error can carry the query), and the codes Clientele expects under
/// concurrent use said in words.
enum PostgresErrorText {
    static func describe(_ error: Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? "error \(state)"
            switch state {
            case "42501": return "the database role may not do this: \(message)"
            case "57P01", "57P02", "57P03": return "the PostgreSQL server shut down or restarted: \(message)"
            case "40001", "40P01": return "another registry transaction conflicted with this one: \(message)"
            default: return message
            }
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

    /// Whether the server or the network ended the session, so the transaction never committed and may be run again
    /// on a new connection.
    static func connectionWasLost(_ error: Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown: return true
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("57P") || state.hasPrefix("08")
        default: return false
        }
    }

    static func sqlState(_ error: Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}
