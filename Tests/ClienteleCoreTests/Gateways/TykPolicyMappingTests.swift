import Foundation
import Testing
@testable import ClienteleCore

/// The Tyk mapping alone: each kind's fields exactly, what it refuses, and adopt undoing desired.
@Suite struct TykPolicyMappingTests {
    let mapping = TykPolicyMapping()
    let scope = GatewayScope(gatewayName: "tyk-prod", environmentName: "Prod", gatewayEnvironment: "org-1")
    let orders = RemoteAPI(remoteId: "a1b2", name: "orders")
    let billing = RemoteAPI(remoteId: "c3d4", name: "billing")

    func assignment(_ kind: PolicyKind, _ pairs: [String], api: String = "", position: Int = 1) throws -> PolicyAssignment {
        try validatedAssignment(kind, pairs, api: api, position: position)
    }

    func element(_ kind: PolicyKind, _ pairs: [String]) throws -> GatewayPolicy {
        try onlyElement(of: mapping, for: try assignment(kind, pairs), on: orders, scope: scope)
    }

    func line(_ body: () throws -> Void) -> String {
        do {
            try body()
            Issue.record("expected an error")
            return ""
        } catch {
            let text = "\(error)"
            #expect(!text.contains("\n"), "not one line: \(text)")
            return text
        }
    }

    // MARK: - Each kind's fields

    @Test func rateLimitingIsATykPolicyWithRateAndPer() throws {
        let policy = try element(.rateLimiting, ["requests=100", "window=1m"])
        #expect(policy.element == "policy")
        #expect(policy.remoteId == "clientele-prod-a1b2")
        #expect(policy.kind == .rateLimiting && policy.managed)
        #expect(policy.fields == [
            "rate": .int(100), "per": .int(60), "throttle_interval": .int(-1), "throttle_retry_limit": .int(-1),
            "quota_max": .int(-1), "active": .bool(true), "org_id": .string("org-1"),
            "meta_data.clientele_policy": .string("rate-limiting"),
            "access_rights.a1b2.api_id": .string("a1b2"), "access_rights.a1b2.versions": .strings(["Default"]),
        ])
    }

    @Test func spikeControlIsASmallWindowRateWithThrottling() throws {
        let policy = try element(.spikeControl, ["requests=5", "window=1s", "queue=3", "delay=2s"])
        #expect(policy.element == "policy")
        #expect(policy.fields["rate"] == .int(5) && policy.fields["per"] == .int(1))
        #expect(policy.fields["throttle_retry_limit"] == .int(3))
        #expect(policy.fields["throttle_interval"] == .int(2))
        #expect(policy.fields["meta_data.clientele_policy"] == .string("spike-control"))
        let unqueued = try element(.spikeControl, ["requests=5"])
        #expect(unqueued.fields["throttle_retry_limit"] == .int(-1) && unqueued.fields["throttle_interval"] == .int(-1))
    }

    @Test func clientIdEnforcementWithBasicAuthIsUseBasicAuth() throws {
        let auth = try element(.clientIdEnforcement, [])
        #expect(auth.element == "auth" && auth.remoteId == "a1b2")
        #expect(auth.fields == [
            "use_keyless": .bool(false), "use_basic_auth": .bool(true), "use_standard_auth": .bool(false),
        ])
    }

    @Test func clientIdEnforcementInAHeaderIsAnAuthToken() throws {
        let auth = try element(.clientIdEnforcement, ["credentials=header", "client-id-header=X-Client"])
        #expect(auth.fields == [
            "use_keyless": .bool(false), "use_basic_auth": .bool(false), "use_standard_auth": .bool(true),
            "auth_configs.authToken.auth_header_name": .string("X-Client"),
            "auth_configs.authToken.use_param": .bool(false), "auth_configs.authToken.disable_header": .bool(false),
        ])
        let query = try element(.clientIdEnforcement, ["credentials=query", "client-id-header=key"])
        #expect(query.fields["auth_configs.authToken.param_name"] == .string("key"))
        #expect(query.fields["auth_configs.authToken.use_param"] == .bool(true))
        #expect(query.fields["auth_configs.authToken.disable_header"] == .bool(true))
        #expect(query.fields["auth_configs.authToken.auth_header_name"] == nil)
    }

    @Test func jwtValidationIsEnableJWTWithTheJWKSURLAsSource() throws {
        let jwt = try element(.jwtValidation, ["jwks-url=https://idp.example/keys", "clock-skew=30s"])
        #expect(jwt.element == "jwt")
        #expect(jwt.fields == [
            "use_keyless": .bool(false), "enable_jwt": .bool(true), "jwt_signing_method": .string("rsa"),
            "jwt_source": .string(Data("https://idp.example/keys".utf8).base64EncodedString()),
            "jwt_expires_at_validation_skew": .int(30), "jwt_not_before_validation_skew": .int(30),
            "jwt_issued_at_validation_skew": .int(30),
        ])
        let ecdsa = try element(.jwtValidation, ["jwks-url=https://idp.example/keys", "algorithms=ES256,ES384"])
        #expect(ecdsa.fields["jwt_signing_method"] == .string("ecdsa"))
    }

    @Test func ipAllowlistIsWhitelisting() throws {
        let allow = try element(.ipAllowlist, ["cidrs=10.0.0.0/8,2001:db8::/32"])
        #expect(allow.element == "ip-allowlist")
        #expect(allow.fields == ["enable_ip_whitelisting": .bool(true), "allowed_ips": .strings(["10.0.0.0/8", "2001:db8::/32"])])
    }

    @Test func corsIsTheUpperCaseCORSObject() throws {
        let cors = try element(.cors, ["origins=https://a.example", "methods=GET,put", "allow-credentials=true", "max-age=5m"])
        #expect(cors.element == "CORS")
        #expect(cors.fields == [
            "CORS.enable": .bool(true), "CORS.allowed_origins": .strings(["https://a.example"]),
            "CORS.allowed_methods": .strings(["GET", "PUT"]), "CORS.allow_credentials": .bool(true),
            "CORS.max_age": .int(300), "CORS.options_passthrough": .bool(false),
        ])
    }

    @Test func headerInjectionIsGlobalHeadersOfTheDefaultVersion() throws {
        let request = try element(.headerInjection, ["headers=X-Env:prod,X-Team:core:blue"])
        #expect(request.element == "headers")
        #expect(request.fields == [
            "version_data.versions.Default.global_headers.X-Env": .string("prod"),
            "version_data.versions.Default.global_headers.X-Team": .string("core:blue"),
        ])
        let response = try element(.headerInjection, ["headers=X-Env:prod", "direction=response"])
        #expect(response.fields == ["version_data.versions.Default.global_response_headers.X-Env": .string("prod")])
    }

    // MARK: - Refusals and values Tyk cannot hold

    @Test func oidcTokenEnforcementIsRefusedPointingAtJWTValidation() throws {
        let refusal = try #require(mapping.refusal(for: .oidcAccessTokenEnforcement))
        #expect(refusal.contains("jwt-validation") && refusal.contains("jwks-url"), "\(refusal)")
        #expect(!refusal.contains("\n"))
        for kind in PolicyKind.allCases where kind != .oidcAccessTokenEnforcement {
            #expect(mapping.refusal(for: kind) == nil, "\(kind)")
        }
        let text = line { _ = try element(.oidcAccessTokenEnforcement, ["issuer=https://idp.example"]) }
        #expect(text.hasPrefix("gateway tyk-prod, environment Prod: oidc-access-token-enforcement cannot run on Tyk"), "\(text)")
    }

    @Test(arguments: [
        (PolicyKind.rateLimiting, ["requests=10", "key=ip"], "rate-limiting key=ip cannot be expressed on Tyk"),
        (.spikeControl, ["requests=10", "queue=2"], "spike-control delay=0s cannot be expressed on Tyk"),
        (.spikeControl, ["requests=10", "delay=3s"], "spike-control delay=3s cannot be expressed on Tyk"),
        (.jwtValidation, ["jwks-url=https://k.example/jwks", "issuer=https://i.example"], "jwt-validation issuer=https://i.example cannot"),
        (.jwtValidation, ["jwks-url=https://k.example/jwks", "audience=orders"], "jwt-validation audience=orders cannot"),
        (.jwtValidation, ["jwks-url=https://k.example/jwks", "required-claims=tenant"], "jwt-validation required-claims=tenant cannot"),
        (.jwtValidation, ["jwks-url=https://k.example/jwks", "algorithms=RS256,ES256"], "jwt-validation algorithms=RS256,ES256 cannot"),
        (.jwtValidation, ["jwks-url=https://k.example/jwks", "algorithms=EdDSA"], "it has no EdDSA"),
        (.clientIdEnforcement, ["credentials=header", "client-secret-header=X-Secret"], "client-id-enforcement client-secret-header=X-Secret cannot"),
        (.headerInjection, ["headers=X.A:1"], "header-injection headers=X.A:1 cannot"),
        (.headerInjection, ["headers=X-A:1,x-a:2"], "given twice"),
    ])
    func unexpressibleValuesAreOneLineNamingGatewayEnvironmentPolicyAndField(
        kind: PolicyKind, pairs: [String], expected: String
    ) throws {
        let text = line { _ = try element(kind, pairs) }
        #expect(text.hasPrefix("gateway tyk-prod, environment Prod: "), "\(text)")
        #expect(text.contains(expected), "\(text)")
    }

    @Test func kindsSharingWhatTykHoldsOncePerAPIConflict() throws {
        let rate = try assignment(.rateLimiting, ["requests=100"])
        let spike = try assignment(.spikeControl, ["requests=5"], api: "orders", position: 2)
        let text = try #require(mapping.conflict(adding: spike, beside: [rate]))
        #expect(text.contains("spike-control cannot sit beside rate-limiting on API orders on Tyk"), "\(text)")
        let jwt = try assignment(.jwtValidation, ["jwks-url=https://k.example/jwks"], api: "billing")
        let auth = try assignment(.clientIdEnforcement, [], api: "orders")
        #expect(mapping.conflict(adding: jwt, beside: [auth]) == nil, "different APIs")
        #expect(mapping.conflict(adding: try assignment(.cors, ["origins=*"]), beside: [rate, auth]) == nil)
        #expect(mapping.conflict(adding: jwt, beside: [try assignment(.clientIdEnforcement, [])]) != nil)
        let both = line { _ = try mapping.desired([rate, spike], on: [orders], scope: scope) }
        #expect(both.hasPrefix("gateway tyk-prod, environment Prod: spike-control cannot sit beside rate-limiting"), "\(both)")
    }

    // MARK: - Assignments to APIs

    @Test func anAssignmentForEveryAPIGoesOnEachAndANarrowedOneWins() throws {
        let everywhere = try assignment(.rateLimiting, ["requests=100"])
        let narrowed = try assignment(.rateLimiting, ["requests=5"], api: "billing", position: 2)
        let elements = try mapping.desired([narrowed, everywhere], on: [orders, billing], scope: scope)
        #expect(elements.map(\.apiId) == ["a1b2", "c3d4"])
        #expect(elements.first { $0.apiId == "a1b2" }?.fields["rate"] == .int(100))
        #expect(elements.first { $0.apiId == "c3d4" }?.fields["rate"] == .int(5))
        #expect(elements.first { $0.apiId == "c3d4" }?.remoteId == "clientele-prod-c3d4")
    }

    @Test func anAssignmentNarrowedToAnAPITheGatewayLacksIsOneLine() throws {
        let text = line {
            _ = try mapping.desired([try assignment(.cors, ["origins=*"], api: "ghost")], on: [orders], scope: scope)
        }
        #expect(text.contains("cors@ghost is narrowed to API ghost"), "\(text)")
    }

    // MARK: - Adopt and describe

    static let roundTrips: [(PolicyKind, [String])] = [
        (.rateLimiting, ["requests=100", "window=1m"]),
        (.rateLimiting, ["requests=7", "window=1d"]),
        (.spikeControl, ["requests=5", "window=1s"]),
        (.spikeControl, ["requests=5", "window=10s", "queue=3", "delay=2s"]),
        (.clientIdEnforcement, []),
        (.clientIdEnforcement, ["credentials=header", "client-id-header=X-Client"]),
        (.clientIdEnforcement, ["credentials=query", "client-id-header=api_key"]),
        (.jwtValidation, ["jwks-url=https://idp.example/keys"]),
        (.jwtValidation, ["jwks-url=https://idp.example/keys", "algorithms=ES256", "clock-skew=0s"]),
        (.ipAllowlist, ["cidrs=10.0.0.0/8,192.168.1.0/24"]),
        (.cors, ["origins=https://a.example,https://b.example", "methods=GET,PUT", "allow-credentials=true", "max-age=1h"]),
        (.cors, ["origins=*"]),
        (.headerInjection, ["headers=X-Env:prod,X-Team:core"]),
        (.headerInjection, ["headers=X-Env:prod", "direction=response"]),
    ]

    @Test(arguments: roundTrips)
    func adoptUndoesDesired(kind: PolicyKind, pairs: [String]) throws {
        let wanted = try assignment(kind, pairs)
        let adopted = try #require(mapping.adopt(try element(kind, pairs)))
        #expect(adopted.kind == kind)
        let configuration = try PolicyCatalog.schema(for: kind).validate(pairs: adopted.pairs)
        #expect(configuration == wanted.configuration, "\(adopted.pairs)")
    }

    @Test func adoptNamesNothingForWhatClienteleCannotSay() {
        let hmac = GatewayPolicy(apiId: "a1b2", apiName: "orders", element: "jwt", fields: [
            "enable_jwt": .bool(true), "jwt_signing_method": .string("hmac"), "jwt_source": GatewayPolicy.redacted,
        ])
        #expect(mapping.adopt(hmac) == nil)
        let both = GatewayPolicy(apiId: "a1b2", apiName: "orders", element: "headers", fields: [
            "version_data.versions.Default.global_headers.A": .string("1"),
            "version_data.versions.Default.global_response_headers.B": .string("2"),
        ])
        #expect(mapping.adopt(both) == nil)
        let singleAddress = GatewayPolicy(apiId: "a1b2", apiName: "orders", element: "ip-allowlist", fields: [
            "enable_ip_whitelisting": .bool(true), "allowed_ips": .strings(["10.1.2.3"]),
        ])
        #expect(mapping.adopt(singleAddress)?.pairs == ["cidrs=10.1.2.3/32"])
    }

    @Test func aPolicyClickedInByHandIsAdoptedByItsRate() throws {
        let gold = GatewayPolicy(
            apiId: "a1b2", apiName: "orders", element: "policy gold", remoteId: "gold",
            fields: ["rate": .int(1000), "per": .int(3600), "throttle_retry_limit": .int(-1)], managed: false)
        let adopted = try #require(mapping.adopt(gold))
        #expect(adopted.kind == .rateLimiting)
        #expect(adopted.pairs == ["requests=1000", "window=1h", "key=client-id"])
    }

    @Test func describeNamesElementsInTyksTerms() throws {
        #expect(mapping.describe(try element(.rateLimiting, ["requests=100"])) == "Tyk policy clientele-prod-a1b2 on API orders")
        #expect(mapping.describe(try element(.cors, ["origins=*"])) == "Tyk CORS on API definition orders")
        #expect(mapping.describe(try element(.ipAllowlist, ["cidrs=10.0.0.0/8"]))
            == "Tyk IP allowlist (enable_ip_whitelisting, allowed_ips) on API definition orders")
    }

    @Test func writesEndWithOneReloadAndNothingElseDoes() throws {
        let create = GatewayStep(action: .create, apiId: "a1b2", apiName: "orders", element: "CORS")
        #expect(mapping.finishingSteps(after: [create, create]) == [.reload()])
        #expect(mapping.finishingSteps(after: []) == [])
        #expect(mapping.finishingSteps(after: [.reload()]) == [.reload()])
        #expect(!mapping.ordersPolicies)
        // The differ asks for the reload when an element is written but not loaded.
        let ours = try element(.cors, ["origins=*"])
        var theirs = ours
        theirs.loaded = false
        let differences = GatewayComparison.differences(desired: [ours], observed: [theirs], ordersPolicies: false)
        #expect(differences.map(\.kind) == [.notLoaded])
        #expect(GatewayComparison.steps(for: differences, mapping: mapping) == [.reload()])
    }
}
