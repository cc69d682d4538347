import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand {
    struct Secrets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find secrets that expire soon or go unused; test whether a secret works; remove one.",
            subcommands: [Expiring.self, Unused.self, Test.self, Remove.self])
    }
}

extension DurationText: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}
