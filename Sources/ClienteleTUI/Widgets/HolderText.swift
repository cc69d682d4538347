import ClienteleCore

/// Who holds a client's secrets, as the console words it: a gateway that keeps its own credentials must never
/// read as an IdP, because the operator fixes it somewhere else.
enum HolderText {
    static func of(_ idp: IdentityProvider) -> String {
        idp.kind == .gateway ? "gateway \(idp.name)" : "IdP \(idp.name)"
    }

    /// For a list that has only the holder's name: gateways are named as such, IdPs stay bare (the column says
    /// what the bare names are).
    static func column(_ name: String, gatewayHolders: Set<String>) -> String {
        gatewayHolders.contains(name) ? "gateway \(name)" : name
    }
}
