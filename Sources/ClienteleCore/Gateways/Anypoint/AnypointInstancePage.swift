import Foundation

/// One page of `GET …/environments/{env}/apis` (apisSearch): Exchange assets, each holding its API instances.
struct AnypointInstancePage: Decodable {
    struct Asset: Decodable {
        let assetId: String?
        let apis: [Instance]?
    }

    struct Instance: Decodable {
        /// The environmentApiId, an integer.
        let id: Int
        let instanceLabel: String?
        let assetId: String?
        let assetVersion: String?
        let productVersion: String?
    }

    let total: Int?
    let assets: [Asset]?

    /// Each instance as a `RemoteAPI`: named by its label, or its asset id where it has none.
    var remoteAPIs: [RemoteAPI] {
        (assets ?? []).flatMap { asset in
            (asset.apis ?? []).map { instance in
                let assetId = instance.assetId ?? asset.assetId ?? ""
                let label = instance.instanceLabel?.trimmingCharacters(in: .whitespaces) ?? ""
                return RemoteAPI(
                    remoteId: String(instance.id), name: label.isEmpty ? assetId : label,
                    detail: [assetId, instance.assetVersion ?? ""].filter { !$0.isEmpty }.joined(separator: " "))
            }
        }
    }
}
