import Foundation

extension AnypointGateway {
    private struct Me: Decodable {
        struct Client: Decodable { let org_id: String? }
        struct User: Decodable {
            struct Organization: Decodable { let id: String? }
            let organization: Organization?
        }
        let client: Client?
        let user: User?

        /// The connected app's organization (terraform `auth_helpers.go`: `client.org_id`, else the user's).
        var organizationId: String? { client?.org_id ?? user?.organization?.id }
    }

    private struct Environments: Decodable {
        struct Entry: Decodable {
            let id: String
            let name: String
        }
        let data: [Entry]
    }

    /// Token accepted, the app's organization is the one configured, and which environments it reaches.
    public func check() async throws -> GatewayCheck {
        var check = GatewayCheck(reachable: false, credentialAccepted: false, version: "API Manager v1")
        let peer = connection.peer
        if endpoints.organizationId.isEmpty {
            check.problems.append("\(peer): no organization id is set; gateway add anypoint … --organization ORG_ID")
        }
        do {
            _ = try await connection.tokens.current()
            check.reachable = true
            check.credentialAccepted = true
        } catch let refused as AnypointCredentialRefused {
            check.reachable = refused.reachedGateway
            check.problems.append(refused.line)
            return check
        } catch {
            check.problems.append(String(describing: error))
            return check
        }
        do {
            let purpose = "reading the connected app's identity (/accounts/api/me)"
            let response = try await connection.send(.GET, endpoints.me, purpose: purpose)
            guard response.status == 200 else { throw connection.failure(response, purpose) }
            let me = try response.decode(Me.self, purpose: purpose)
            if let organization = me.organizationId, !endpoints.organizationId.isEmpty,
                organization != endpoints.organizationId
            {
                check.problems.append(
                    "\(peer): connected app \(gateway.settings.clientId ?? "") belongs to organization \(organization), "
                        + "not \(endpoints.organizationId); set the gateway's organization to \(organization)")
                return check
            }
            guard !endpoints.organizationId.isEmpty else { return check }
            let listing = "listing the environments of organization \(endpoints.organizationId)"
            let environments = try await connection.send(.GET, endpoints.environments, purpose: listing)
            guard environments.status == 200 else { throw connection.failure(environments, listing) }
            let entries = try environments.decode(Environments.self, purpose: listing).data
            if entries.isEmpty {
                check.problems.append("\(peer): organization \(endpoints.organizationId) shows the app no environments; "
                                      + "grant it access to the environments Clientele binds")
            } else {
                check.manageable.append(
                    "policies on API instances of environments "
                        + entries.map { "\($0.name) (\($0.id))" }.joined(separator: ", "))
            }
        } catch {
            check.problems.append(String(describing: error))
        }
        return check
    }
}
