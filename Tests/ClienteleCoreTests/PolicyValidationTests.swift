import Testing
@testable import ClienteleCore

@Suite struct PolicyValidationTests {
    func message(_ kind: PolicyKind, _ pairs: [String]) -> String? {
        do {
            _ = try PolicyCatalog.schema(for: kind).validate(pairs: pairs)
            return nil
        } catch {
            return (error as? ClienteleError)?.description
        }
    }

    @Test func fillsDefaults() throws {
        let configuration = try PolicyCatalog.schema(for: .rateLimiting).validate(pairs: ["requests=100"])
        #expect(configuration["requests"] == .integer(100))
        #expect(configuration["window"] == .text("1m"))
        #expect(configuration["key"] == .text("client-id"))
    }

    @Test(arguments: [
        (PolicyKind.rateLimiting, ["requests=0"], "rate-limiting: requests must be > 0"),
        (.rateLimiting, ["requests=ten"], "rate-limiting: requests must be a whole number, not 'ten'"),
        (.rateLimiting, [], "rate-limiting: requests is required"),
        (.rateLimiting, ["requests=1", "window=2d"], "rate-limiting: window must be between 1s and 1d"),
        (.rateLimiting, ["requests=1", "requests=2"], "rate-limiting: requests is given twice"),
        (.rateLimiting, ["requests"], "rate-limiting: 'requests' is not key=value"),
        (.spikeControl, ["requests=5", "queue=-1"], "spike-control: queue must be ≥ 0"),
        (.ipAllowlist, ["cidrs=300.0.0.0/8"], "ip-allowlist: cidrs has a bad CIDR '300.0.0.0/8'"),
        (.ipAllowlist, ["cidrs="], "ip-allowlist: cidrs needs at least one CIDR"),
        (.cors, ["origins=*", "allow-credentials=true"], "cors: origins=* cannot be combined with allow-credentials=true"),
        (.cors, ["origins=https://a.example/path"], "cors: origins has a bad origin 'https://a.example/path'"),
        (.cors, ["origins=*", "methods=FETCH"], "cors: methods has an unknown HTTP method 'FETCH'"),
        (.jwtValidation, ["jwks-url=ftp://keys"], "jwt-validation: jwks-url must be an http(s) URL, not 'ftp://keys'"),
        (.jwtValidation, ["jwks-url=https://k.example/jwks", "algorithms=HS256"], "jwt-validation: algorithms has an unknown algorithm 'HS256'"),
        (.headerInjection, ["headers=Bad Name:x"], "header-injection: headers has a bad header name 'Bad Name'"),
        (.headerInjection, ["headers=X-A:1", "direction=sideways"], "header-injection: direction must be one of request, response"),
        (.clientIdEnforcement, ["colour=blue"], "client-id-enforcement: unknown key 'colour'"),
        (.oidcAccessTokenEnforcement, ["issuer=https://i.example", "validate-client-id=maybe"], "must be true or false"),
    ])
    func rejectsWithOneLineNamingPolicyAndKey(kind: PolicyKind, pairs: [String], expected: String) {
        let text = message(kind, pairs)
        #expect(text?.contains(expected) == true, "got \(text ?? "no error")")
        #expect(text?.contains("\n") == false)
    }

    @Test(arguments: ["10.0.0.0/8", "192.168.1.0/24", "0.0.0.0/0", "2001:db8::/32", "::1/128", "fe80::1:2:3:4/64"])
    func acceptsCIDRs(cidr: String) {
        #expect(PolicyListItem.isCIDR(cidr))
    }

    @Test(arguments: ["10.0.0/8", "10.0.0.01/8", "1.2.3.4/33", "2001:db8:::/32", "1:2:3:4:5:6:7:8:9/64", "x/1"])
    func rejectsCIDRs(cidr: String) {
        #expect(!PolicyListItem.isCIDR(cidr))
    }
}
