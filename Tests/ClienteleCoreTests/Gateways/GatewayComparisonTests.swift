import Foundation
import Testing
@testable import ClienteleCore

@Suite struct GatewayComparisonTests {
    func element(_ api: String, _ name: String, _ fields: [String: GatewayValue], order: Int? = nil, managed: Bool = true)
        -> GatewayPolicy
    {
        GatewayPolicy(apiId: api, apiName: api, element: name, remoteId: "\(api)-\(name)", fields: fields,
                      order: order, managed: managed, kind: PolicyKind(rawValue: name))
    }

    @Test func fieldsTheGatewayFillsInAreNotDrift() {
        let ours = element("a", "cors", ["config.origins": .strings(["*"])])
        let theirs = element("a", "cors", ["config.origins": .strings(["*"]), "config.max_age": .null,
                                           "config.preflight_continue": .bool(false)])
        #expect(GatewayComparison.differences(desired: [ours], observed: [theirs], ordersPolicies: false).isEmpty)
    }

    @Test func aFieldSetBothWaysIsNamedTheirsVersusOurs() {
        let ours = element("a", "rate-limiting", ["config.minute": .int(100), "config.second": .null])
        let theirs = element("a", "rate-limiting", ["config.minute": .int(500), "config.second": .int(5)])
        let differences = GatewayComparison.differences(desired: [ours], observed: [theirs], ordersPolicies: false)
        #expect(differences.map(\.kind) == [.configured])
        #expect(differences[0].changes == [
            GatewayFieldChange(path: "config.minute", theirs: .int(500), ours: .int(100)),
            GatewayFieldChange(path: "config.second", theirs: .int(5), ours: .null),
        ])
    }

    @Test func setsOfStringsCompareWithoutOrder() {
        let ours = element("a", "cors", ["config.methods": .strings(["GET", "POST"])])
        let theirs = element("a", "cors", ["config.methods": .strings(["POST", "GET"])])
        #expect(GatewayComparison.differences(desired: [ours], observed: [theirs], ordersPolicies: false).isEmpty)
    }

    @Test func stepsNeverDeleteWhatClienteleDoesNotManage() {
        let mine = element("a", "cors", [:], managed: true)
        let theirs = element("a", "ip-allowlist", [:], managed: false)
        let differences = GatewayComparison.differences(desired: [], observed: [mine, theirs], ordersPolicies: false)
        #expect(differences.map(\.kind) == [.unassigned, .unassigned])
        let steps = GatewayComparison.steps(for: differences, mapping: PlainMapping())
        #expect(steps.map(\.action) == [.delete])
        #expect(steps.first?.element == "cors")
    }

    @Test func orderMattersOnlyWhereTheGatewayOrdersPolicies() {
        let ours = [element("a", "cors", [:], order: 1), element("a", "rate-limiting", [:], order: 2)]
        let theirs = [element("a", "cors", [:], order: 2), element("a", "rate-limiting", [:], order: 1)]
        #expect(GatewayComparison.differences(desired: ours, observed: theirs, ordersPolicies: false).isEmpty)
        let ordered = GatewayComparison.differences(desired: ours, observed: theirs, ordersPolicies: true)
        #expect(ordered.map(\.kind) == [.ordered])
        #expect(ordered.first?.theirOrder == ["rate-limiting", "cors"])
        #expect(ordered.first?.ourOrder == ["cors", "rate-limiting"])
        let steps = GatewayComparison.steps(for: ordered, mapping: PlainMapping(ordersPolicies: true))
        #expect(steps.map(\.action) == [.reorder])
        #expect(steps.first?.order == ["cors", "rate-limiting"])
    }

    @Test func flattenedPathsRoundTrip() throws {
        let value = try JSONDecoder().decode(GatewayValue.self, from: Data("""
            {"rateLimits": [{"maximumRequests": 100, "timePeriodInMilliseconds": 60000}],
             "config": {"origins": ["*"], "add": {"headers": ["X-A:1"]}, "max_age": null}, "enabled": true}
            """.utf8))
        let flat = value.flattened()
        #expect(flat["rateLimits[0].maximumRequests"] == .int(100))
        #expect(flat["config.origins"] == .strings(["*"]))
        #expect(flat["config.add.headers"] == .strings(["X-A:1"]))
        #expect(flat["config.max_age"] == .null)
        #expect(GatewayValue.nested(flat) == value)
        #expect(value[path: "rateLimits[0].timePeriodInMilliseconds"] == .int(60000))
        #expect(GatewayValue.int(100).description == "100")
    }
}
