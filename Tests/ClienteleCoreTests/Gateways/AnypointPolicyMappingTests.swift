import Foundation
import Testing
@testable import ClienteleCore

/// The Anypoint mapping each way, with exact fields: what each kind becomes in `configurationData`, what is refused
/// or cannot be expressed, and that reading an element back gives the assignment it came from.
@Suite struct AnypointPolicyMappingTests {
    let mapping = AnypointPolicyMapping()
    let scope = GatewayScope(gatewayName: "anypoint-prod", environmentName: "Prod", gatewayEnvironment: "env-1")
    let orders = RemoteAPI(remoteId: "18812", name: "orders", detail: "orders-api 1.0.0")
    let billing = RemoteAPI(remoteId: "18813", name: "billing", detail: "billing-api 1.0.0")

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
            return String(describing: error)
        }
    }

    @Test func rateLimitingIsTheIssuesExample() throws {
        let element = try element(.rateLimiting, ["requests=100", "window=1m"])
        #expect(element.element == "rate-limiting")
        #expect(element.version == "1.4.1")
        #expect(element.kind == .rateLimiting && element.managed && element.order == 1)
        #expect(element.fields == [
            "rateLimits[0].maximumRequests": .int(100),
            "rateLimits[0].timePeriodInMilliseconds": .int(60000),
            "rateLimits[1].maximumRequests": .null,
            "rateLimits[1].timePeriodInMilliseconds": .null,
            "keySelector": .string("#[attributes.headers['client_id']]"),
        ])
        #expect(AnypointConfigurationBody.make(element.fields).description
            == ##"{"keySelector":"#[attributes.headers['client_id']]","rateLimits":[{"maximumRequests":100,"timePeriodInMilliseconds":60000}]}"##)
        #expect(mapping.describe(element) == "Anypoint rate-limiting 1.4.1 on API instance 18812")
        let perIP = try self.element(.rateLimiting, ["requests=5", "window=1h", "key=ip"])
        #expect(perIP.fields["keySelector"] == .string("#[attributes.remoteAddress]"))
        #expect(perIP.fields["rateLimits[0].timePeriodInMilliseconds"] == .int(3_600_000))
    }

    @Test func spikeControlInMillisecondsUpToFiveSeconds() throws {
        let element = try element(.spikeControl, ["requests=20", "window=5s", "queue=3", "delay=2s"])
        #expect(element.element == "spike-control" && element.version == "1.2.2")
        #expect(element.fields == [
            "maximumRequests": .int(20), "timePeriodInMilliseconds": .int(5000), "delayTimeInMillis": .int(2000),
            "delayAttempts": .int(1), "queuingLimit": .int(3),
        ])
        let rejecting = try self.element(.spikeControl, ["requests=1"])
        #expect(rejecting.fields["delayAttempts"] == .int(0) && rejecting.fields["timePeriodInMilliseconds"] == .int(1000))
        let long = line { _ = try self.element(.spikeControl, ["requests=20", "window=6s"]) }
        #expect(long == "gateway anypoint-prod: environment Prod: spike-control window=6s cannot be expressed on Anypoint: "
            + "Anypoint's spike-control 1.2.2 takes timePeriodInMilliseconds up to 5000 (5s); use window=5s or less, "
            + "or rate-limiting for longer windows")
    }

    @Test func clientIdEnforcementReadsBasicAuthHeadersOrQuery() throws {
        let basic = try element(.clientIdEnforcement, [])
        #expect(basic.element == "client-id-enforcement" && basic.version == "1.3.3")
        #expect(basic.fields == [
            "credentialsOriginHasHttpBasicAuthenticationHeader": .string("httpBasicAuthenticationHeader"),
            "clientIdExpression": .string("#[attributes.headers['client_id']]"),
            "clientSecretExpression": .string("#[attributes.headers['client_secret']]"),
        ])
        let query = try element(.clientIdEnforcement, ["credentials=query", "client-id-header=id", "client-secret-header=key"])
        #expect(query.fields == [
            "credentialsOriginHasHttpBasicAuthenticationHeader": .string("customExpression"),
            "clientIdExpression": .string("#[attributes.queryParams['id']]"),
            "clientSecretExpression": .string("#[attributes.queryParams['key']]"),
        ])
    }

    @Test func jwtValidationAgainstTheIdPsKeys() throws {
        let element = try element(.jwtValidation, [
            "jwks-url=https://idp.example/jwks", "issuer=https://idp.example", "audience=orders",
            "required-claims=tenant=acme,sub", "algorithms=ES256",
        ])
        #expect(element.element == "jwt-validation" && element.version == "0.12.0")
        #expect(element.fields == [
            "jwtOrigin": .string("httpBearerAuthenticationHeader"), "jwtKeyOrigin": .string("jwks"),
            "jwksUrl": .string("https://idp.example/jwks"), "signingMethod": .string("es"), "signingKeyLength": .int(256),
            "skipClientIdValidation": .bool(true), "mandatoryExpClaim": .bool(true),
            "validateAudClaim": .bool(true), "mandatoryAudClaim": .bool(true), "supportedAudiences": .string("orders"),
            "validateCustomClaim": .bool(true),
            "mandatoryCustomClaims[0].key": .string("iss"), "mandatoryCustomClaims[0].value": .string("https://idp.example"),
            "mandatoryCustomClaims[1].key": .string("tenant"), "mandatoryCustomClaims[1].value": .string("acme"),
            "mandatoryCustomClaims[2].key": .string("sub"),
            "mandatoryCustomClaims[2].value": .string("#[vars.claimSet['sub'] != null]"),
            "mandatoryCustomClaims[3].key": .null, "mandatoryCustomClaims[3].value": .null,
        ])
        let plain = try self.element(.jwtValidation, ["jwks-url=https://idp.example/jwks"])
        #expect(plain.fields["supportedAudiences"] == .null && plain.fields["validateAudClaim"] == .bool(false))
        #expect(plain.fields["signingMethod"] == .string("rsa") && plain.fields["signingKeyLength"] == .int(256))
    }

    @Test(arguments: [
        (["algorithms=RS256,ES256"], "algorithms=RS256,ES256 cannot be expressed on Anypoint: Anypoint's jwt-validation checks exactly one of ES256, ES384, RS256, RS384, RS512; assign one of them"),
        (["algorithms=PS256"], "algorithms=PS256 cannot be expressed on Anypoint"),
        (["clock-skew=2m"], "clock-skew=2m cannot be expressed on Anypoint: Anypoint's jwt-validation has no clock-skew setting; leave clock-skew at its default 1m"),
    ])
    func jwtValuesAnypointCannotCheck(pairs: [String], expected: String) throws {
        let text = line { _ = try self.element(.jwtValidation, ["jwks-url=https://idp.example/jwks"] + pairs) }
        #expect(text.hasPrefix("gateway anypoint-prod: environment Prod: jwt-validation "), "\(text)")
        #expect(text.contains(expected), "\(text)")
    }

    @Test func ipAllowlistHeaderInjectionAndCors() throws {
        let allow = try element(.ipAllowlist, ["cidrs=10.0.0.0/8,192.168.1.0/24"])
        #expect(allow.element == "ip-allowlist" && allow.version == "1.1.2")
        #expect(allow.fields == [
            "ipExpression": .string("#[attributes.headers['x-forwarded-for']]"),
            "ips": .strings(["10.0.0.0/8", "192.168.1.0/24"]),
        ])
        let inbound = try element(.headerInjection, ["headers=X-Env:prod,X-Team:orders"])
        #expect(inbound.element == "header-injection" && inbound.version == "1.3.2")
        #expect(inbound.fields == [
            "inboundHeaders[0].key": .string("X-Env"), "inboundHeaders[0].value": .string("prod"),
            "inboundHeaders[1].key": .string("X-Team"), "inboundHeaders[1].value": .string("orders"),
            "inboundHeaders[2].key": .null, "inboundHeaders[2].value": .null,
            "outboundHeaders[0].key": .null, "outboundHeaders[0].value": .null,
        ])
        let outbound = try element(.headerInjection, ["headers=X-Served-By:gw", "direction=response"])
        #expect(AnypointConfigurationBody.make(outbound.fields).description
            == #"{"outboundHeaders":[{"key":"X-Served-By","value":"gw"}]}"#)
        let cors = try element(.cors, ["origins=https://app.example", "methods=GET,PUT", "max-age=1h"])
        #expect(cors.element == "cors" && cors.version == "1.3.2")
        #expect(cors.fields == [
            "publicResource": .bool(false), "supportCredentials": .bool(false),
            "originGroups[0].name": .string("clientele"), "originGroups[0].origins": .strings(["https://app.example"]),
            "originGroups[0].accessControlMaxAge": .int(3600),
            "originGroups[0].allowedMethods[0].methodName": .string("GET"),
            "originGroups[0].allowedMethods[0].isAllowed": .bool(true),
            "originGroups[0].allowedMethods[1].methodName": .string("PUT"),
            "originGroups[0].allowedMethods[1].isAllowed": .bool(true),
            "originGroups[0].allowedMethods[2].methodName": .null, "originGroups[0].allowedMethods[2].isAllowed": .null,
            "originGroups[1].name": .null,
        ])
        #expect(try element(.cors, ["origins=*"]).fields["publicResource"] == .bool(true))
    }

    @Test func oidcIsRefusedWithTheAlternative() throws {
        let refusal = try #require(mapping.refusal(for: .oidcAccessTokenEnforcement))
        #expect(refusal.contains("introspection client secret") && refusal.contains("assign jwt-validation"))
        for kind in PolicyKind.allCases where kind != .oidcAccessTokenEnforcement {
            #expect(mapping.refusal(for: kind) == nil, "\(kind)")
        }
        let text = line { _ = try self.element(.oidcAccessTokenEnforcement, ["issuer=https://idp.example"]) }
        #expect(text == "gateway anypoint-prod: environment Prod: oidc-access-token-enforcement: \(refusal)")
        // Read back from a gateway it is recognised, but not adopted: the registry could not apply it here.
        let found = GatewayPolicy(apiId: "1", apiName: "a", element: "openid-connect-access-token-enforcement",
                                  fields: ["clientSecret": GatewayPolicy.redacted])
        #expect(AnypointPolicyTemplate.kind(ofAsset: found.element) == .oidcAccessTokenEnforcement)
        #expect(mapping.adopt(found) == nil)
    }

    @Test(arguments: [
        (PolicyKind.rateLimiting, ["requests=100", "window=1m"]),
        (.rateLimiting, ["requests=7", "window=1d", "key=ip"]),
        (.spikeControl, ["requests=20", "window=5s", "queue=3", "delay=2s"]),
        (.spikeControl, ["requests=1"]),
        (.clientIdEnforcement, []),
        (.clientIdEnforcement, ["credentials=basic-auth", "client-id-header=x-id"]),
        (.clientIdEnforcement, ["credentials=header", "client-id-header=x-id", "client-secret-header=x-secret"]),
        (.clientIdEnforcement, ["credentials=query", "client-id-header=id"]),
        (.jwtValidation, ["jwks-url=https://idp.example/jwks"]),
        (.jwtValidation, ["jwks-url=https://idp.example/jwks", "issuer=https://idp.example", "audience=orders",
                          "required-claims=tenant=acme,sub", "algorithms=RS512"]),
        (.ipAllowlist, ["cidrs=10.0.0.0/8,2001:db8::/32"]),
        (.headerInjection, ["headers=X-Env:prod,X-Empty:"]),
        (.headerInjection, ["headers=X-Served-By:gw", "direction=response"]),
        (.cors, ["origins=https://app.example,https://admin.example", "methods=GET,PUT", "max-age=1h",
                 "allow-credentials=true"]),
        (.cors, ["origins=*"]),
    ])
    func adoptIsTheInverseOfDesired(kind: PolicyKind, pairs: [String]) throws {
        let original = try assignment(kind, pairs)
        let written = try element(kind, pairs)
        // As the gateway holds it: the sentinels are not there, and fields it fills in by default are.
        var held = AnypointConfigurationBody.make(written.fields).flattened()
        held["exposeHeaders"] = .bool(true)
        let observed = GatewayPolicy(apiId: orders.remoteId, apiName: orders.name, element: written.element,
                                     remoteId: "4000001", version: written.version, fields: held, order: 1)
        for element in [written, observed] {
            let adopted = try #require(mapping.adopt(element), "\(kind) \(pairs)")
            #expect(adopted.kind == kind)
            #expect(try PolicyCatalog.schema(for: kind).validate(pairs: adopted.pairs) == original.configuration,
                    "\(adopted.pairs)")
        }
        #expect(GatewayComparison.differences(desired: [written], observed: [observed], ordersPolicies: true).isEmpty)
    }

    @Test func whatClienteleCannotStateIsNotAdopted() {
        func adopt(_ element: String, _ configuration: String) -> AdoptedPolicy? {
            let value = try! JSONDecoder().decode(GatewayValue.self, from: Data(configuration.utf8))
            return mapping.adopt(GatewayPolicy(apiId: "1", apiName: "a", element: element, fields: value.flattened()))
        }
        #expect(adopt("rate-limiting", #"{"rateLimits":[{"maximumRequests":1,"timePeriodInMilliseconds":1000},{"maximumRequests":5,"timePeriodInMilliseconds":60000}]}"#) == nil)
        #expect(adopt("rate-limiting", #"{"rateLimits":[{"maximumRequests":1,"timePeriodInMilliseconds":1500}]}"#) == nil)
        #expect(adopt("jwt-validation", #"{"jwtOrigin":"httpBearerAuthenticationHeader","jwtKeyOrigin":"text","textKey":"x","signingMethod":"rsa","signingKeyLength":256}"#) == nil)
        #expect(adopt("message-logging", #"{"loggingConfiguration":[]}"#) == nil)
        #expect(adopt("rate-limiting", #"{"rateLimits":[{"maximumRequests":3,"timePeriodInMilliseconds":2000}]}"#)?.pairs
            == ["requests=3", "window=2s", "key=client-id"])
    }

    @Test func everyAPIGetsTheEnvironmentsPoliciesInChainOrder() throws {
        let assignments = [
            try assignment(.cors, ["origins=*"], position: 3),
            try assignment(.rateLimiting, ["requests=100"], position: 1),
            try assignment(.ipAllowlist, ["cidrs=10.0.0.0/8"], api: "billing", position: 2),
            try assignment(.rateLimiting, ["requests=5"], api: "billing", position: 4),
        ]
        let elements = try mapping.desired(assignments, on: [orders, billing], scope: scope)
        #expect(elements.map { "\($0.apiId ?? "")/\($0.element)/\($0.order ?? 0)" } == [
            "18812/rate-limiting/1", "18812/cors/2",
            "18813/ip-allowlist/1", "18813/cors/2", "18813/rate-limiting/3",
        ])
        // On billing the narrowed rate limit replaces the environment's.
        #expect(elements.last?.fields["rateLimits[0].maximumRequests"] == .int(5))
        #expect(elements.allSatisfy { $0.managed && $0.apiName == ($0.apiId == "18812" ? "orders" : "billing") })
        #expect(mapping.ordersPolicies)
        #expect(mapping.finishingSteps(after: []).isEmpty)
    }

    @Test func aNarrowedAssignmentTakesThePlaceOfTheEnvironmentWideOne() throws {
        var everyAPI = try assignment(.rateLimiting, ["requests=100"])
        everyAPI.id = 1
        let narrowed = try assignment(.rateLimiting, ["requests=5"], api: "billing", position: 2)
        #expect(mapping.conflict(adding: narrowed, beside: [everyAPI]) == nil)
        let apis = [RemoteAPI(remoteId: "18812", name: "orders"), RemoteAPI(remoteId: "18813", name: "billing")]
        let elements = try mapping.desired([everyAPI, narrowed], on: apis, scope: scope)
        #expect(elements.filter { $0.element == "rate-limiting" }.count == 2)
        #expect(elements.first { $0.apiName == "billing" }?.fields["rateLimits[0].maximumRequests"] == .int(5))
        #expect(elements.first { $0.apiName == "orders" }?.fields["rateLimits[0].maximumRequests"] == .int(100))
    }

    @Test func aHeaderAddedAtTheGatewayIsDriftAndAnUpdateRemovesIt() throws {
        let ours = try element(.headerInjection, ["headers=X-Env:prod"])
        var fields = AnypointConfigurationBody.make(ours.fields).flattened()
        fields["inboundHeaders[1].key"] = .string("X-Extra")
        fields["inboundHeaders[1].value"] = .string("1")
        let theirs = GatewayPolicy(apiId: orders.remoteId, apiName: orders.name, element: "header-injection",
                                   remoteId: "9", version: "1.3.2", fields: fields)
        let differences = GatewayComparison.differences(desired: [ours], observed: [theirs], ordersPolicies: true)
        #expect(differences.map(\.kind) == [.configured])
        #expect(differences.first?.changes.map(\.path) == ["inboundHeaders[1].key", "inboundHeaders[1].value"])
        #expect(differences.first?.changes.first?.theirs == .string("X-Extra"))
        let merged = AnypointConfigurationBody.merged(ours: ours.fields, theirs: theirs.fields)
        #expect(merged.description == #"{"inboundHeaders":[{"key":"X-Env","value":"prod"}]}"#)
    }

    @Test func anUpdateKeepsTheGatewaysDefaultsAndNeverWritesARedactedSecret() throws {
        let ours = try element(.rateLimiting, ["requests=100"])
        let theirs: [String: GatewayValue] = [
            "rateLimits[0].maximumRequests": .int(50), "rateLimits[0].timePeriodInMilliseconds": .int(60000),
            "clusterizable": .bool(true), "someSecret": GatewayPolicy.redacted,
        ]
        #expect(AnypointConfigurationBody.merged(ours: ours.fields, theirs: theirs).description
            == ##"{"clusterizable":true,"keySelector":"#[attributes.headers['client_id']]","rateLimits":[{"maximumRequests":100,"timePeriodInMilliseconds":60000}]}"##)
    }

    @Test func stepsDeleteFirstThenCreateEachAPIsPoliciesInChainOrder() throws {
        let assignments = [
            try assignment(.rateLimiting, ["requests=100"], position: 1),
            try assignment(.cors, ["origins=*"], position: 2),
            try assignment(.clientIdEnforcement, [], position: 3),
        ]
        let desired = try mapping.desired(assignments, on: [orders, billing], scope: scope)
        let stray = GatewayPolicy(apiId: billing.remoteId, apiName: billing.name, element: "message-logging",
                                  remoteId: "7", version: "2.0.2", fields: [:], order: 1)
        let steps = GatewayComparison.steps(
            for: GatewayComparison.differences(desired: desired, observed: [stray], ordersPolicies: true),
            mapping: mapping)
        // By key the creates would run client-id-enforcement, cors, rate-limiting: each placed at its order as it
        // is written, that would leave cors before rate-limiting.
        #expect(steps.map { "\($0.action.rawValue) \($0.apiId ?? "") \($0.element)" } == [
            "delete 18813 message-logging",
            "create 18812 rate-limiting", "create 18812 cors", "create 18812 client-id-enforcement",
            "create 18813 rate-limiting", "create 18813 cors", "create 18813 client-id-enforcement",
        ])
    }

    @Test func describeNamesTheTemplateVersionAndInstance() {
        #expect(mapping.describe(GatewayPolicy(apiId: "18812", apiName: "orders", element: "cors", version: "1.3.2",
                                               fields: [:])) == "Anypoint cors 1.3.2 on API instance 18812")
        #expect(mapping.describe(GatewayPolicy(apiId: "18812", apiName: "orders", element: "order", fields: [:]))
            == "Anypoint policy order on API instance 18812")
    }
}
