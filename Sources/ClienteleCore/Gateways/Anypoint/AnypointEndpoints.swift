import Foundation

/// Where an Anypoint organization's APIs live (contract README "Auth and hosts"): Access Management under
/// `/accounts/api`, API Manager under `/apimanager/api/v1`, Exchange under `/exchange/api/v2`, on the platform
/// host or a region's.
struct AnypointEndpoints: Sendable {
    static let defaultHost = "https://anypoint.mulesoft.com"
    /// API Manager's and Exchange's largest page (contract: `limit` default 100, max 250; Exchange ≤ 250).
    static let pageLimit = 250

    let host: String
    let organizationId: String

    init(settings: GatewaySettings) {
        var host = settings.url?.trimmingCharacters(in: .whitespaces) ?? ""
        if host.isEmpty { host = Self.defaultHost }
        while host.hasSuffix("/") { host.removeLast() }
        self.host = host
        organizationId = settings.organizationId ?? ""
    }

    var token: String { host + "/accounts/api/v2/oauth2/token" }
    var me: String { host + "/accounts/api/me" }
    var environments: String { host + "/accounts/api/organizations/\(encoded(organizationId))/environments" }

    func apis(environment: String, offset: Int) -> String {
        environmentBase(environment) + "/apis?offset=\(offset)&limit=\(Self.pageLimit)"
    }

    func policies(environment: String, api: String) -> String {
        environmentBase(environment) + "/apis/\(encoded(api))/policies"
    }

    func policy(environment: String, api: String, policy: String) -> String {
        policies(environment: environment, api: api) + "/\(encoded(policy))"
    }

    /// The organization's client applications; Exchange lists them without their credentials.
    func applications(offset: Int) -> String {
        exchangeBase + "/applications?offset=\(offset)&limit=\(Self.pageLimit)"
    }

    /// One application, with its client id and the client secret Anypoint shows.
    func application(_ id: String) -> String { exchangeBase + "/applications/\(encoded(id))" }

    func secretReset(of application: String) -> String { self.application(application) + "/secret/reset" }

    func contracts(of application: String) -> String { self.application(application) + "/contracts" }

    private var exchangeBase: String { host + "/exchange/api/v2/organizations/\(encoded(organizationId))" }

    private func environmentBase(_ environment: String) -> String {
        host + "/apimanager/api/v1/organizations/\(encoded(organizationId))/environments/\(encoded(environment))"
    }

    private func encoded(_ segment: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}
