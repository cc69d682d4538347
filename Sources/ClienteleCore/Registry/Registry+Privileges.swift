/// What the registry's login may change, asked before work that cannot be taken back once done elsewhere.
extension Registry {
    /// Refuses, in the line a refused write would give, when the login may not `privilege` (`INSERT`, `DELETE`)
    /// rows of `table`: a client created or deleted at an IdP by a login that may not record it would leave the
    /// registry and the IdP disagreeing. Nothing to ask on SQLite, whose file permissions decide before it opens.
    /// Before a sandbox IdP's state is created: a login that may not record the IdP must not leave a schema behind.
    public func checkMayAddIdentityProvider() throws { try checkMay("INSERT", in: IdentityProvider.table) }

    /// Before a sandbox gateway's state is created, for the same reason.
    public func checkMayAddGateway() throws { try checkMay("INSERT", in: Gateway.table) }

    func checkMay(_ privilege: String, in table: String) throws {
        guard case .postgres(let connection) = engine else { return }
        let allowed: Bool
        do {
            allowed = try connection.may(privilege, on: table)
        } catch {
            throw ClienteleError.registry("registry \(path): \(Registry.describe(error))")
        }
        if !allowed {
            throw ClienteleError.registry(PostgresErrorText.refusal(
                location: connection.location, login: connection.login, table: table,
                holdsOperate: connection.holds(PostgresRoles.operate)))
        }
    }
}
