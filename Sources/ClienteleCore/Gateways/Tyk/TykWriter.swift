import Foundation

/// One apply step's write: a group of API-definition fields (GET the definition, change the group, PUT the whole
/// definition back) or Clientele's Tyk policy for an API. Either is a file at the gateway until the next reload.
struct TykWriter {
    let api: TykAdminAPI
    let pending: TykPendingWrites
    let scope: GatewayScope

    var prefix: String { "gateway \(scope.gatewayName), environment \(scope.environmentName)" }

    // MARK: - API definitions

    func writeDefinition(_ step: GatewayStep, group: TykElement) async throws -> GatewayPolicy? {
        guard let apiId = step.apiId else { throw ClienteleError.gateway("\(prefix): a \(group.rawValue) step names no API") }
        guard let definition = try await definitionToEdit(apiId, step: step) else {
            // A delete on an API that is gone is done; anything else cannot be.
            if step.action == .delete { return nil }
            throw ClienteleError.gateway(
                "\(prefix): API \(step.apiName) (\(apiId)) has no API definition at the gateway; run gateway sync")
        }
        var edit = TykDefinitionEdit(definition: definition)
        switch step.action {
        case .delete:
            clear(group, in: &edit)
            edit.own(group, false)
        default:
            guard let desired = step.desired else { throw ClienteleError.gateway("\(prefix): a \(step.action.rawValue) step has nothing to write") }
            if group == .headers {
                guard definition[path: "version_data.versions.\(TykElement.headerVersion)"]?.objectValue != nil else {
                    throw ClienteleError.gateway(
                        "\(prefix): API \(step.apiName) has no version \(TykElement.headerVersion) (a versioned API); "
                            + "Clientele writes header-injection to the Default version only")
                }
                // Headers Clientele wrote before and no longer wants go; anyone else's stay.
                let before = edit.definition[path: TykNaming.ownedHeadersPath]?.stringsValue ?? []
                for path in before where desired.fields[path] == nil { edit.remove(path) }
                edit.set(.strings(desired.fields.keys.sorted()), at: TykNaming.ownedHeadersPath)
            }
            for (path, value) in desired.fields.sorted(by: { $0.key < $1.key }) { edit.set(value, at: path) }
            edit.own(group, true)
        }
        let response = try await api.send(
            .PUT, "/tyk/apis/\(Self.escaped(apiId))", body: edit.definition,
            purpose: "writing \(group.rawValue) on API definition \(step.apiName)")
        guard response.status == 200 else { throw rejection(response, step: step, what: "API definition \(step.apiName)") }
        pending.wroteDefinition(edit.definition, id: apiId)
        guard step.action != .delete else { return nil }
        let api = RemoteAPI(remoteId: apiId, name: step.apiName)
        var written = TykObservation(scope: scope).definitionElements(edit.definition, api: api).first { $0.element == group.rawValue }
        written?.loaded = false
        return written
    }

    /// The definition as this process last wrote it (the served one is stale until a reload), else as served; nil
    /// when the gateway has no such API.
    private func definitionToEdit(_ apiId: String, step: GatewayStep) async throws -> GatewayValue? {
        if let written = pending.definition(id: apiId) { return written }
        let purpose = "reading API definition \(step.apiName)"
        let response = try await api.send(.GET, "/tyk/apis/\(Self.escaped(apiId))", purpose: purpose)
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw api.failure(response, purpose: purpose) }
        return try response.decode(GatewayValue.self, purpose: purpose)
    }

    /// Puts a group's fields back to Tyk's "off" values. use_keyless stays off: unassigning an auth policy must not
    /// open the API to everyone.
    private func clear(_ group: TykElement, in edit: inout TykDefinitionEdit) {
        if group == .headers {
            for path in edit.definition[path: TykNaming.ownedHeadersPath]?.stringsValue ?? [] { edit.remove(path) }
            edit.remove(TykNaming.ownedHeadersPath)
            return
        }
        for (path, zero) in group.zeroFields.sorted(by: { $0.key < $1.key }) where path != "use_keyless" {
            edit.set(zero, at: path)
        }
    }

    // MARK: - Policies

    func writePolicy(_ step: GatewayStep) async throws -> GatewayPolicy? {
        guard let apiId = step.apiId else { throw ClienteleError.gateway("\(prefix): a policy step names no API") }
        let id = step.desired?.remoteId ?? step.current?.remoteId
            ?? TykNaming.policyId(environment: scope.environmentName, apiId: apiId)
        let path = "/tyk/policies/\(Self.escaped(id))"
        if step.action == .delete {
            let response = try await api.send(.DELETE, path, purpose: "deleting policy \(id)")
            // 404: never loaded; 500 "Delete failed": its file is already gone (deleted, not yet reloaded). Both done.
            let gone = response.status == 404
                || (response.status == 500 && TykAdminAPI.message(response) == "Delete failed")
            guard response.status == 200 || gone else { throw rejection(response, step: step, what: "policy \(id)") }
            pending.wrotePolicy(.null, id: id)
            return nil
        }
        guard let desired = step.desired else { throw ClienteleError.gateway("\(prefix): a \(step.action.rawValue) step has nothing to write") }
        var body = GatewayValue.nested(desired.fields.filter { $0.value != .null })
        var edit = TykDefinitionEdit(definition: body)
        edit.set(.string(id), at: "id")
        edit.set(.string("Clientele \(desired.kind?.rawValue ?? "policy") for \(step.apiName) in \(scope.environmentName)"), at: "name")
        edit.set(.string(step.apiName), at: "access_rights.\(apiId).api_name")
        body = edit.definition
        let purpose = "writing policy \(id) for API \(step.apiName)"
        var response = try await api.send(step.action == .create ? .POST : .PUT, step.action == .create ? "/tyk/policies" : path,
                                          body: body, purpose: purpose)
        // An update of a policy whose file is gone is a create.
        if step.action == .update && response.status == 404 {
            response = try await api.send(.POST, "/tyk/policies", body: body, purpose: purpose)
        }
        guard response.status == 200 else { throw rejection(response, step: step, what: "policy \(id)") }
        pending.wrotePolicy(body, id: id)
        var written = desired
        written.remoteId = id
        written.loaded = false
        return written
    }

    // MARK: - Errors

    /// Tyk's refusal as one line naming gateway, environment, policy and field. Tyk names the field for a schema
    /// failure ("Reason: allowed_ips: …"); for "Request malformed" it names none, so the fields written are listed.
    private func rejection(_ response: PeerResponse, step: GatewayStep, what: String) -> ClienteleError {
        guard response.status == 400 || response.status == 422 else { return api.failure(response, purpose: "writing \(what)") }
        let message = TykAdminAPI.message(response) ?? "HTTP \(response.status)"
        let policy = step.desired?.kind?.rawValue ?? step.current?.kind?.rawValue ?? step.element
        let field: String
        if let reason = message.range(of: "Reason: "), let colon = message[reason.upperBound...].firstIndex(of: ":") {
            field = "field \(message[reason.upperBound..<colon])"
        } else {
            let paths = (step.changes.isEmpty ? (step.desired?.fields.keys).map(Array.init) ?? [] : step.changes.map(\.path)).sorted()
            field = paths.count == 1 ? "field \(paths[0])" : "fields \(paths.joined(separator: ", "))"
        }
        return .gateway("\(prefix): Tyk refused \(policy) on \(what), \(field): \(message) (client-request-id \(response.requestId))")
    }

    static func escaped(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
    }
}
