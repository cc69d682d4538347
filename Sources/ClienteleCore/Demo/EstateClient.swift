/// One client of the demo's generated estate, as `Registry.recordEstate` records it in bulk.
struct EstateClient {
    var remote: RemoteClient
    var identityProviderId: Int64
    var environmentIds: [Int64]
    var ownerTeam: String
    var contact: String
}
