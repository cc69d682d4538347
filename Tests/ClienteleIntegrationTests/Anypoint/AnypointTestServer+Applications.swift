import ClienteleCore
import Foundation
import NIOHTTP1
import Testing

/// The test server's client applications, reached the way people other than Clientele reach them: the control
/// endpoint as an external client provider (the IdP) leaves an application, Exchange and API Manager directly as
/// an operator in the portal would (creating, pressing "Reset Secret", granting and revoking contracts).
extension AnypointTestServer {
    func applicationsURL(_ rest: String = "") -> String {
        baseURL + "/exchange/api/v2/organizations/\(organizationId)/applications" + rest
    }

    func contractsURL(_ environment: String, api: String) -> String {
        baseURL + "/apimanager/api/v1/organizations/\(organizationId)/environments/\(environments[environment] ?? "")"
            + "/apis/\(api)/contracts"
    }

    /// An application as an external client provider leaves it: the IdP's client id and a copy of its secret.
    func seedApplication(name: String, clientId: String, secret: String, environment: String = "Prod") async throws
        -> Int
    {
        let body = try JSONSerialization.data(withJSONObject: [
            "name": name, "clientId": clientId, "clientSecret": secret, "environment": environment,
        ])
        let answer = try await controlCall(.POST, "/applications", json: String(decoding: body, as: UTF8.self))
        let object = try #require(try JSONSerialization.jsonObject(with: answer) as? [String: Any])
        return try #require(object["id"] as? Int)
    }

    /// An application made in Exchange, with the client id and secret Anypoint made for it.
    func createApplication(name: String) async throws -> (id: Int, clientId: String, secret: String) {
        let (status, body) = try await direct(.POST, applicationsURL(), json: #"{"name":"\#(name)","grantTypes":["client_credentials"]}"#)
        #expect(status == 201)
        let object = try #require(body as? [String: Any])
        return (try #require(object["id"] as? Int), try #require(object["clientId"] as? String),
                try #require(object["clientSecret"] as? String))
    }

    /// "Reset Secret" pressed in Anypoint.
    func resetSecret(_ application: Int) async throws {
        let (status, _) = try await direct(.POST, applicationsURL("/\(application)/secret/reset"))
        #expect(status == 201)
    }

    /// The secret Anypoint shows for `application` now.
    func shownSecret(_ application: Int) async throws -> String {
        let (status, body) = try await direct(.GET, applicationsURL("/\(application)"))
        #expect(status == 200)
        return try #require((body as? [String: Any])?["clientSecret"] as? String)
    }

    /// A contract granted through API Manager (no tiers: approved at once); returns its id.
    @discardableResult
    func grant(_ application: Int, api: String, in environment: String) async throws -> Int {
        let (status, body) = try await direct(.POST, contractsURL(environment, api: api),
                                              json: #"{"applicationId":\#(application)}"#)
        #expect(status == 201)
        return try #require((body as? [String: Any])?["id"] as? Int)
    }

    func revoke(contract: Int, api: String, in environment: String) async throws {
        let (status, _) = try await direct(.PATCH, contractsURL(environment, api: api) + "/\(contract)",
                                           json: #"{"status":"REVOKED"}"#)
        #expect(status == 200)
    }

    func deleteApplication(_ application: Int) async throws {
        let (status, _) = try await direct(.DELETE, applicationsURL("/\(application)"))
        #expect(status == 204)
    }
}
