import Foundation

/// Kong's answer to a plugin write it refused, as one line naming gateway, environment, policy and field
/// (kong/db/errors.lua: 400 code 2 `schema violation` with `fields` mirroring the input; 409 code 5 unique).
enum KongRejection {
    static func line(_ response: PeerResponse, step: GatewayStep, scope: GatewayScope) -> ClienteleError? {
        guard [400, 409].contains(response.status) else { return nil }
        let body = try? JSONDecoder().decode(GatewayValue.self, from: response.body)
        let policy = step.desired?.kind?.rawValue ?? step.current?.kind?.rawValue ?? step.element
        let start = "gateway \(scope.gatewayName): environment \(scope.environmentName): Kong refused \(policy)"
            + " (plugin \(step.element) on service \(step.apiName))"
        if response.status == 409 {
            return .gateway("\(start): the service already has a \(step.element) plugin Clientele does not know; remove it or adopt it with `gateway sync --adopt`")
        }
        let problems = (body?[path: "fields"]?.flattened() ?? [:])
            .sorted { $0.key < $1.key }
            .map { path, value in "\(path): \(value.stringValue ?? value.description)" }
        let detail = problems.first ?? body?[path: "message"]?.stringValue ?? "HTTP 400"
        let more = problems.count > 1 ? " (and \(problems.count - 1) more)" : ""
        return .gateway("\(start): \(detail)\(more)")
    }
}
