import Foundation
import Testing
@testable import ClienteleCore

/// API Manager's policy lists in each of the three shapes the contract names, and one policy as an object or as
/// the OpenAPI fragment's one-element array, all read as the same gateway element, secrets redacted.
@Suite struct AnypointPolicyEntryTests {
    let api = RemoteAPI(remoteId: "18000001", name: "prod-00001")

    static let full = #"""
        {"id": 4000001, "policyTemplateId": "rate-limiting", "groupId": "68ef9520-24e9-4cf2-b2f5-620025690913",
         "assetId": "rate-limiting", "assetVersion": "1.4.1", "order": 2, "disabled": false, "apiId": 18000001,
         "configurationData": {"rateLimits": [{"maximumRequests": 100, "timePeriodInMilliseconds": 60000}]}}
        """#
    static let compact = #"""
        {"policyId": 4000001, "order": 2, "configuration": {"rateLimits": [{"maximumRequests": 100,
         "timePeriodInMilliseconds": 60000}]}, "implementationAsset": {"assetId": "rate-limiting-flex",
         "groupId": "68ef9520-24e9-4cf2-b2f5-620025690913", "version": "1.4.1"},
         "template": {"assetId": "rate-limiting", "groupId": "68ef9520-24e9-4cf2-b2f5-620025690913", "assetVersion": "1.4.1"}}
        """#

    func elements(_ json: String) throws -> [GatewayPolicy] {
        let body = try JSONDecoder().decode(GatewayValue.self, from: Data(json.utf8))
        let entries = try #require(AnypointPolicyEntry.entries(in: body), "\(json)")
        return entries.compactMap { AnypointPolicyEntry.element($0, on: api) }
    }

    @Test(arguments: [
        "[\(full)]", #"{"policies": [\#(full)]}"#, "[\(compact)]", #"{"policies": [\#(compact)]}"#, full,
    ])
    func everyShapeIsTheSameElement(json: String) throws {
        let found = try elements(json)
        #expect(found == [GatewayPolicy(
            apiId: "18000001", apiName: "prod-00001", element: "rate-limiting", remoteId: "4000001", version: "1.4.1",
            fields: ["rateLimits[0].maximumRequests": .int(100), "rateLimits[0].timePeriodInMilliseconds": .int(60000)],
            order: 2, managed: true, kind: .rateLimiting)])
    }

    @Test func secretBearingFieldsAreRedactedAndExpressionsAreNot() throws {
        let found = try elements(#"""
            [{"id": 7, "assetId": "openid-connect-access-token-enforcement", "assetVersion": "1.1.4", "order": 1,
              "configurationData": {"introspectionEndpoint": "https://idp.example/introspect", "clientId": "gw",
                                    "clientSecret": "s3cr3t-text", "scopes": "read"}},
             {"id": 8, "assetId": "client-id-enforcement", "assetVersion": "1.3.3", "order": 2,
              "configurationData": {"clientSecretExpression": "#[attributes.headers['client_secret']]"}},
             {"id": 9, "assetId": "ldap-authentication", "assetVersion": "1.0.0", "order": 3,
              "configurationData": {"ldapServerUserPassword": "pw", "ldapServerURL": "ldap://x"}}]
            """#)
        #expect(found.map(\.kind) == [.oidcAccessTokenEnforcement, .clientIdEnforcement, nil])
        #expect(found[0].fields["clientSecret"] == GatewayPolicy.redacted)
        #expect(found[0].fields["clientId"] == .string("gw"))
        #expect(found[1].fields["clientSecretExpression"] == .string("#[attributes.headers['client_secret']]"))
        #expect(found[2].fields["ldapServerUserPassword"] == GatewayPolicy.redacted)
        #expect(!found.map { "\($0)" }.joined().contains("s3cr3t-text"))
    }

    @Test func aBodyThatIsNoPolicyListIsNil() throws {
        let body = try JSONDecoder().decode(GatewayValue.self, from: Data(#"{"total": 0, "data": []}"#.utf8))
        #expect(AnypointPolicyEntry.entries(in: body) == nil)
    }
}
