import Foundation

/// Last use of each secret from Graph beta's per-credential sign-in report (application permission
/// AuditLog.Read.All). The report lags behind real sign-ins, so a time read here means "used at least this
/// recently", and a secret it has no row for has "no sign-in recorded".
extension EntraIdentityProvider {
    /// Up to this many clients are asked for by `appId eq …` clauses; more, and the whole report is cheaper than
    /// a filter Graph might refuse for its length.
    static let usageFilterLimit = 15
    static let usagePermission = "AuditLog.Read.All"

    public func secretUsage(of clients: [RemoteClientReference]?) async throws -> SecretUsageReport {
        let setup = try setup.get()
        let report = "\(setup.endpoints.beta)/reports/appCredentialSignInActivities"
        var url = "\(report)?$top=\(Self.pageSize)"
        let wanted = clients.map { Set($0.map { $0.clientId.lowercased() }) }
        if let clients, clients.count <= Self.usageFilterLimit {
            if clients.isEmpty { return .available(lastUsed: [:]) }
            let clauses = clients.map { "appId eq '\($0.clientId.replacingOccurrences(of: "'", with: "''"))'" }
            let filter = clauses.joined(separator: " or ")
            url += "&$filter=" + (filter.addingPercentEncoding(withAllowedCharacters: Self.queryValueAllowed) ?? filter)
        }
        var lastUsed: [String: Date] = [:]
        for page in 1...Self.maxPages {
            let purpose = page == 1 ? "reading the sign-in report" : "reading the sign-in report (page \(page))"
            let response = try await setup.graph.send(.GET, url, purpose: purpose)
            if response.status == 403 { return .unavailable(permissionMissing(response, setup: setup)) }
            guard response.status == 200 else {
                throw EntraErrorLine.graph(response, idp: idp.name, purpose: purpose, client: nil)
            }
            let decoded = try response.decode(GraphCredentialSignInActivityPage.self, purpose: purpose)
            for row in decoded.value {
                guard let keyId = row.keyId, let date = row.lastUsedAt else { continue }
                if let wanted, let appId = row.appId, !wanted.contains(appId.lowercased()) { continue }
                // A credential can have a row per origin (application, service principal): the latest counts.
                lastUsed[keyId] = max(lastUsed[keyId] ?? date, date)
            }
            guard let next = try nextPage(decoded.nextLink, after: url, setup: setup, response: response, purpose: purpose)
            else { return .available(lastUsed: lastUsed) }
            url = next
        }
        throw tooManyPages("reading the sign-in report")
    }

    public func checkUsageAccess() async -> SecretUsageAccess {
        let setup: Setup
        do { setup = try self.setup.get() } catch {
            return SecretUsageAccess(readable: false, detail: String(describing: error))
        }
        do {
            let response = try await setup.graph.send(
                .GET, "\(setup.endpoints.beta)/reports/appCredentialSignInActivities?$top=1",
                purpose: "reading the sign-in report")
            switch response.status {
            case 200:
                return SecretUsageAccess(
                    readable: true,
                    detail: "may read sign-in activity (Graph beta reports/appCredentialSignInActivities, \(Self.usagePermission))")
            case 403:
                return SecretUsageAccess(readable: false, detail: permissionMissing(response, setup: setup))
            default:
                let error = EntraErrorLine.graph(response, idp: idp.name, purpose: "reading the sign-in report", client: nil)
                return SecretUsageAccess(readable: false, detail: error.description)
            }
        } catch {
            return SecretUsageAccess(readable: false, detail: String(describing: error))
        }
    }

    private func permissionMissing(_ response: PeerResponse, setup: Setup) -> String {
        let code = GraphErrorBody.parse(response.body)?.code.map { " \($0)" } ?? ""
        return "IdP \(idp.name): Graph refuses the sign-in report (HTTP 403\(code), client-request-id \(response.requestId)): "
            + "grant the application permission \(Self.usagePermission) to Clientele's app \(setup.endpoints.adminClientId)"
    }

    /// A query value may keep what RFC 3986 allows in a query, less the separators `&`, `=`, `+` and `#`; the
    /// spaces and quotes of an OData filter are escaped as Microsoft's SDK sends them (`%20`, `%27`).
    private static let queryValueAllowed: CharacterSet = {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#'")
        return allowed
    }()
}

extension EntraEndpoints {
    /// Graph beta beside the configured v1.0 (`…/v1.0` → `…/beta`), where the sign-in report lives.
    var beta: String {
        guard graph.hasSuffix("/v1.0") else { return graph + "/beta" }
        return String(graph.dropLast("/v1.0".count)) + "/beta"
    }
}
