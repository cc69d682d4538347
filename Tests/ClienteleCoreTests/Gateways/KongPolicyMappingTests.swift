import Foundation
import Testing
@testable import ClienteleCore

/// Clientele's policies as Kong OSS plugins: exact fields, refusals, values Kong cannot hold, and adopt as the
/// inverse of desired.
@Suite struct KongPolicyMappingTests {
    let mapping = KongPolicyMapping()
    let scope = GatewayScope(gatewayName: "kong-prod", environmentName: "Prod", gatewayEnvironment: "prod")
    let orders = RemoteAPI(remoteId: "0b0f4c7e-0000-4000-8000-000000000001", name: "orders")
    let billing = RemoteAPI(remoteId: "0b0f4c7e-0000-4000-8000-000000000002", name: "billing")

    func assignment(_ kind: PolicyKind, _ pairs: [String], api: String = "", position: Int = 1) throws -> PolicyAssignment {
        try validatedAssignment(kind, pairs, api: api, position: position)
    }

    func element(_ kind: PolicyKind, _ pairs: [String]) throws -> GatewayPolicy {
        try onlyElement(of: mapping, for: try assignment(kind, pairs), on: orders, scope: scope)
    }

    func refusalLine(_ kind: PolicyKind, _ pairs: [String]) throws -> String {
        do {
            _ = try mapping.desired([try assignment(kind, pairs)], on: [orders], scope: scope)
            Issue.record("\(kind.rawValue) \(pairs) was not refused")
            return ""
        } catch let error as ClienteleError {
            #expect(!error.description.contains("\n"))
            return error.description
        }
    }

    // MARK: - Each kind's plugin and fields

    @Test func rateLimitingOneHundredAMinuteIsConfigMinute() throws {
        let plugin = try element(.rateLimiting, ["requests=100", "window=1m"])
        #expect(plugin.element == "rate-limiting")
        #expect(plugin.fields == [
            "config.second": .null, "config.minute": .int(100), "config.hour": .null, "config.day": .null,
            "config.month": .null, "config.year": .null, "config.limit_by": .string("consumer"),
            "config.policy": .string("local"), "enabled": .bool(true),
        ])
        #expect(plugin.kind == .rateLimiting)
        #expect(plugin.managed)
        #expect(mapping.describe(plugin) == "Kong plugin rate-limiting on service orders")
    }

    @Test(arguments: [("1s", "config.second"), ("60s", "config.minute"), ("1h", "config.hour"), ("1d", "config.day")])
    func everyKongUnitIsAWindow(window: String, field: String) throws {
        let plugin = try element(.rateLimiting, ["requests=7", "window=\(window)", "key=ip"])
        #expect(plugin.fields[field] == .int(7))
        #expect(plugin.fields.filter { $0.value == .int(7) }.count == 1)
        #expect(plugin.fields["config.limit_by"] == .string("ip"))
    }

    @Test func aWindowWithoutAKongUnitIsOneLineNamingGatewayEnvironmentPolicyAndField() throws {
        let line = try refusalLine(.rateLimiting, ["requests=100", "window=90s"])
        #expect(line.hasPrefix("gateway kong-prod: environment Prod: rate-limiting window=90s: "), "\(line)")
        #expect(line.contains("use window=1s, 1m, 1h or 1d"))
    }

    @Test func spikeControlIsAPerServiceRateLimitingCeiling() throws {
        let plugin = try element(.spikeControl, ["requests=20"])
        #expect(plugin.element == "rate-limiting")
        #expect(plugin.fields["config.second"] == .int(20))
        #expect(plugin.fields["config.minute"] == .null)
        #expect(plugin.fields["config.limit_by"] == .string("service"))
        #expect(plugin.kind == .spikeControl)
    }

    @Test func spikeControlQueueAndDelayAreRefused() throws {
        let queue = try refusalLine(.spikeControl, ["requests=20", "queue=5"])
        #expect(queue.hasPrefix("gateway kong-prod: environment Prod: spike-control queue=5: "), "\(queue)")
        let delay = try refusalLine(.spikeControl, ["requests=20", "delay=2s"])
        #expect(delay.hasPrefix("gateway kong-prod: environment Prod: spike-control delay=2s: "), "\(delay)")
    }

    @Test func clientIdInAHeaderIsKeyAuthOnThatHeaderOnly() throws {
        let plugin = try element(.clientIdEnforcement, ["credentials=header", "client-id-header=x-client-id"])
        #expect(plugin.element == "key-auth")
        #expect(plugin.fields == [
            "config.key_names": .strings(["x-client-id"]), "config.key_in_header": .bool(true),
            "config.key_in_query": .bool(false), "config.key_in_body": .bool(false), "config.anonymous": .null,
            "enabled": .bool(true),
        ])
    }

    @Test func clientIdInTheQueryIsKeyAuthOnTheQuery() throws {
        let plugin = try element(.clientIdEnforcement, ["credentials=query"])
        #expect(plugin.fields["config.key_names"] == .strings(["client_id"]))
        #expect(plugin.fields["config.key_in_query"] == .bool(true))
        #expect(plugin.fields["config.key_in_header"] == .bool(false))
    }

    @Test func basicAuthCredentialsAreKongsBasicAuth() throws {
        let plugin = try element(.clientIdEnforcement, [])
        #expect(plugin.element == "basic-auth")
        #expect(plugin.fields == ["config.anonymous": .null, "enabled": .bool(true)])
    }

    @Test func aSecondSecretHeaderIsRefused() throws {
        let line = try refusalLine(.clientIdEnforcement, ["credentials=header", "client-secret-header=x-secret"])
        #expect(line.hasPrefix("gateway kong-prod: environment Prod: client-id-enforcement client-secret-header=x-secret: "), "\(line)")
    }

    @Test func jwtValidationIsTheJwtPluginWithTheJwksURLAsANote() throws {
        let plugin = try element(.jwtValidation, [
            "jwks-url=https://idp.example/keys", "issuer=https://idp.example", "required-claims=nbf",
            "algorithms=RS256,ES256",
        ])
        #expect(plugin.element == "jwt")
        #expect(plugin.fields == [
            "config.key_claim_name": .string("iss"), "config.claims_to_verify": .strings(["exp", "nbf"]),
            "config.anonymous": .null, "enabled": .bool(true),
            "clientele.jwks-url": .string("https://idp.example/keys"), "clientele.issuer": .string("https://idp.example"),
            "clientele.required-claims": .string("nbf"), "clientele.algorithms": .string("RS256,ES256"),
            "clientele.clock-skew": .string("1m"),
        ])
        #expect(KongNoteTags.tags(from: plugin.fields).contains("clientele.jwks-url=https:%2F%2Fidp.example%2Fkeys"))
        #expect(KongNoteTags.tags(from: plugin.fields).allSatisfy { !$0.contains("/") && !$0.contains(",") })
    }

    @Test func jwtValuesKongWouldNotCheckAreRefused() throws {
        let audience = try refusalLine(.jwtValidation, ["jwks-url=https://idp.example/keys", "audience=orders"])
        #expect(audience.hasPrefix("gateway kong-prod: environment Prod: jwt-validation audience=orders: "), "\(audience)")
        let claim = try refusalLine(.jwtValidation, ["jwks-url=https://idp.example/keys", "required-claims=sub"])
        #expect(claim.hasPrefix("gateway kong-prod: environment Prod: jwt-validation required-claims=sub: "), "\(claim)")
    }

    @Test func ipAllowlistIsIpRestrictionAllowWithDenyKeptEmpty() throws {
        let plugin = try element(.ipAllowlist, ["cidrs=10.0.0.0/8,192.168.1.0/24"])
        #expect(plugin.element == "ip-restriction")
        #expect(plugin.fields == [
            "config.allow": .strings(["10.0.0.0/8", "192.168.1.0/24"]), "config.deny": .null, "enabled": .bool(true),
        ])
    }

    @Test func requestHeadersAreRequestTransformerAdd() throws {
        let plugin = try element(.headerInjection, ["headers=X-Env:prod,X-Team:payments"])
        #expect(plugin.element == "request-transformer")
        #expect(plugin.fields == ["config.add.headers": .strings(["X-Env:prod", "X-Team:payments"]), "enabled": .bool(true)])
    }

    @Test func responseHeadersAreRefused() throws {
        let line = try refusalLine(.headerInjection, ["headers=X-Env:prod", "direction=response"])
        #expect(line.hasPrefix("gateway kong-prod: environment Prod: header-injection direction=response: "), "\(line)")
    }

    @Test func corsIsTheCorsPlugin() throws {
        let plugin = try element(.cors, ["origins=https://app.example", "methods=GET,post", "max-age=1h", "allow-credentials=true"])
        #expect(plugin.element == "cors")
        #expect(plugin.fields == [
            "config.origins": .strings(["https://app.example"]), "config.methods": .strings(["GET", "POST"]),
            "config.credentials": .bool(true), "config.max_age": .int(3600), "enabled": .bool(true),
        ])
    }

    // MARK: - Refusals and conflicts

    @Test func oidcIsRefusedWithWhatToUseInstead() throws {
        #expect(mapping.refusal(for: .oidcAccessTokenEnforcement)
            == "Kong OSS has no OpenID Connect token enforcement (openid-connect is Enterprise-only); assign jwt-validation with the IdP's keys instead")
        for kind in PolicyKind.allCases where kind != .oidcAccessTokenEnforcement {
            #expect(mapping.refusal(for: kind) == nil, "\(kind.rawValue)")
        }
        let line = try refusalLine(.oidcAccessTokenEnforcement, ["issuer=https://idp.example"])
        #expect(line.hasPrefix("gateway kong-prod: environment Prod: oidc-access-token-enforcement"), "\(line)")
    }

    @Test func rateLimitingAndSpikeControlOnOneAPIConflict() throws {
        let limit = try assignment(.rateLimiting, ["requests=100"])
        let spike = try assignment(.spikeControl, ["requests=10"], api: "orders", position: 2)
        let line = try #require(mapping.conflict(adding: spike, beside: [limit]))
        #expect(line.hasPrefix("spike-control cannot sit beside rate-limiting on API orders at Kong"), "\(line)")
        let elsewhere = try assignment(.spikeControl, ["requests=10"], api: "billing")
        let narrowed = try assignment(.rateLimiting, ["requests=100"], api: "orders")
        #expect(mapping.conflict(adding: elsewhere, beside: [narrowed]) == nil)
        #expect(mapping.conflict(adding: try assignment(.cors, ["origins=*"]), beside: [limit]) == nil)
        // Assigned anyway (an older registry), desired refuses rather than write one over the other.
        #expect(throws: ClienteleError.self) { try mapping.desired([limit, spike], on: [orders], scope: scope) }
    }

    // MARK: - Scope

    @Test func anEveryAPIPolicyIsOnePluginPerServiceAndANarrowedOneWinsOnItsAPI() throws {
        let every = try assignment(.rateLimiting, ["requests=100"], position: 1)
        let narrowed = try assignment(.rateLimiting, ["requests=5"], api: "orders", position: 2)
        let cors = try assignment(.cors, ["origins=*"], api: "billing", position: 3)
        let elements = try mapping.desired([every, narrowed, cors], on: [orders, billing], scope: scope)
        #expect(elements.map { "\($0.apiName) \($0.element)" }.sorted()
            == ["billing cors", "billing rate-limiting", "orders rate-limiting"])
        #expect(elements.first { $0.apiName == "orders" }?.fields["config.minute"] == .int(5))
        #expect(elements.first { $0.apiName == "billing" && $0.element == "rate-limiting" }?.fields["config.minute"] == .int(100))
        #expect(elements.allSatisfy { $0.apiId != nil })
    }

    @Test func pluginIdsAreDerivedFromServiceAndPlugin() throws {
        let first = try element(.rateLimiting, ["requests=1"])
        let again = try element(.rateLimiting, ["requests=2"])
        #expect(first.remoteId == again.remoteId)
        let id = try #require(first.remoteId)
        #expect(UUID(uuidString: id) != nil)
        #expect(id != KongPluginID.derived(serviceId: billing.remoteId, plugin: "rate-limiting"))
        #expect(id != KongPluginID.derived(serviceId: orders.remoteId, plugin: "cors"))
    }

    // MARK: - Adopt is the inverse of desired

    static let mapped: [(PolicyKind, [String])] = [
        (.clientIdEnforcement, []),
        (.clientIdEnforcement, ["credentials=header", "client-id-header=x-client-id"]),
        (.clientIdEnforcement, ["credentials=query", "client-id-header=key"]),
        (.rateLimiting, ["requests=100", "window=1m"]),
        (.rateLimiting, ["requests=3", "window=1d", "key=ip"]),
        (.spikeControl, ["requests=20"]),
        (.spikeControl, ["requests=900", "window=1h"]),
        (.jwtValidation, ["jwks-url=https://idp.example/keys"]),
        (.jwtValidation, ["jwks-url=https://idp.example/a,b/keys?x=%41", "issuer=https://idp.example",
                          "required-claims=exp,nbf", "algorithms=ES256,RS256", "clock-skew=30s"]),
        (.ipAllowlist, ["cidrs=10.0.0.0/8,2001:db8::/32"]),
        (.headerInjection, ["headers=X-Env:prod,X-Team:a b"]),
        (.cors, ["origins=*"]),
        (.cors, ["origins=https://a.example,https://b.example", "methods=GET,PUT,DELETE", "allow-credentials=true",
                 "max-age=0s"]),
    ]

    @Test(arguments: mapped)
    func adoptingWhatDesiredWroteGivesTheAssignmentBack(kind: PolicyKind, pairs: [String]) throws {
        let original = try assignment(kind, pairs)
        var written = try element(kind, pairs)
        // As read back from Kong: the notes travel as tags.
        let tags = KongNoteTags.tags(from: written.fields)
        written.fields = written.fields.filter { !$0.key.hasPrefix("clientele.") }.merging(KongNoteTags.fields(from: tags)) { $1 }
        let adopted = try #require(mapping.adopt(written))
        #expect(adopted.kind == kind)
        #expect(try PolicyCatalog.schema(for: kind).validate(pairs: adopted.pairs) == original.configuration,
                "\(adopted.pairs)")
        #expect(mapping.recognise(plugin: written.element, fields: written.fields) == kind)
    }

    @Test func pluginsClienteleDoesNotNameAreNotAdopted() {
        let acl = GatewayPolicy(apiId: "x", apiName: "orders", element: "acl", fields: ["config.allow": .strings(["a"])])
        #expect(mapping.adopt(acl) == nil)
        let handMadeJwt = GatewayPolicy(apiId: "x", apiName: "orders", element: "jwt", fields: ["config.key_claim_name": .string("iss")])
        #expect(mapping.adopt(handMadeJwt) == nil)
        let perPath = GatewayPolicy(apiId: "x", apiName: "orders", element: "rate-limiting",
                                    fields: ["config.minute": .int(5), "config.limit_by": .string("path")])
        #expect(mapping.adopt(perPath) == nil)
    }
}
