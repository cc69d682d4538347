import ArgumentParser
import ClienteleCore
import Foundation

/// Where the registry is and who is acting: shared by every command that reads or writes the registry.
struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The registry file.", discussion: "Default: $CLIENTELE_REGISTRY, else $XDG_DATA_HOME/clientele/registry.sqlite.",
        valueName: "path"))
    var registry: String?

    @Option(help: ArgumentHelp("Who is acting, for the audit trail (default: $USER@host).", valueName: "name"))
    var actor: String?

    // Not `--config`: `policy assign --config key=value` takes that name, as operators expect from gateways.
    @Option(help: ArgumentHelp(
        "Settings file (expiry thresholds, default grace).",
        discussion: "Default: $XDG_CONFIG_HOME/clientele/config.yaml, when it exists.", valueName: "path"))
    var configFile: String?

    var registryPath: String { RegistryLocation.resolve(explicit: registry) }

    var actorName: String { AuditActor.resolve(actor) }

    /// The business clock; also refuses a malformed lease hook here, in one line, before any command acts on it.
    func clock() throws -> ClienteleClock {
        _ = try LeaseTerm.fromEnvironment()
        return try ClienteleClock.fromEnvironment()
    }

    func configuration() throws -> ClienteleConfiguration { try ClienteleConfiguration.load(explicit: configFile) }

    func openRegistry(create: Bool = false, mapping: Registry.ReadMapping = .batch) throws -> Registry {
        try Registry.open(at: registryPath, create: create, clock: try clock(), mapping: mapping)
    }

    /// The IdPs' adapters, and the gateways' as holders of their own secrets.
    func adapters(for registry: Registry) -> StandardAdapters {
        StandardAdapters(registry: registry, gatewayAdapters: gatewayAdapters(for: registry))
    }

    func gatewayAdapters(for registry: Registry) -> StandardGatewayAdapters {
        StandardGatewayAdapters(registry: registry)
    }

    /// `gateways`, where a command reads the same gateways for policies and for client apps, so each adapter (and
    /// its token) is made once.
    func gatewayPolicies(for registry: Registry, gateways: StandardGatewayAdapters? = nil) throws -> GatewayPolicyService {
        GatewayPolicyService(
            registry: registry, gateways: gateways ?? gatewayAdapters(for: registry),
            leaseTerm: try LeaseTerm.fromEnvironment())
    }

    func gatewayApps(for registry: Registry, gateways: StandardGatewayAdapters? = nil) -> GatewayAppService {
        let gateways = gateways ?? gatewayAdapters(for: registry)
        return GatewayAppService(
            registry: registry, gateways: gateways,
            identityProviders: StandardAdapters(registry: registry, gatewayAdapters: gateways))
    }
}

/// `--json` for read commands.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of a table.")
    var json = false
}

/// Parses a duration flag with a message that says what a duration looks like. `allowsZero: false` is for spans
/// where 0 means nothing sensible (a secret's lifetime: a secret that expires as it is made).
/// `longest`, where a flag has a tighter bound than the century every duration has.
func parseDuration(flag _: String, allowsZero: Bool = true, longest: DurationText? = nil)
    -> @Sendable (String) throws -> DurationText
{
    { text in
        guard let duration = DurationText(parsing: text) else {
            // ArgumentParser prefixes "The value '30x' is invalid for '--within <within>'", naming value and flag.
            throw ClienteleError.invalidInput("use \(DurationText.formatHint)")
        }
        if !allowsZero && duration.seconds == 0 {
            throw ClienteleError.invalidInput("use a span longer than 0 (for example 90d)")
        }
        if let longest, duration.seconds > longest.seconds {
            throw ClienteleError.invalidInput("use at most \(longest)")
        }
        return duration
    }
}

/// Checks a count flag (`--limit`): a positive number no larger than `maximum`, or one line naming the flag.
func checkCount(_ value: Int?, flag: String, maximum: Int = 1_000_000_000) throws {
    guard let value else { return }
    guard (1...maximum).contains(value) else {
        throw ValidationError("\(flag) must be between 1 and \(maximum) (it was \(value))")
    }
}
