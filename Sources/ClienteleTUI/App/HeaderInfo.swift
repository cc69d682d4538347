import ClienteleCore

/// What the header line shows about the registry.
public struct HeaderInfo: Equatable, Sendable {
    public var registryPath: String
    public var identityProviders: [String]
    public var environments: [String]
    public var clients: Int
    public var secretsInService: Int
    public var openRotations: Int

    public init(registryPath: String, identityProviders: [String] = [], environments: [String] = [], clients: Int = 0,
                secretsInService: Int = 0, openRotations: Int = 0)
    {
        self.registryPath = registryPath
        self.identityProviders = identityProviders
        self.environments = environments
        self.clients = clients
        self.secretsInService = secretsInService
        self.openRotations = openRotations
    }
}
