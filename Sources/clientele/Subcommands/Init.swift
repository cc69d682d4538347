import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an empty registry (owner-only file, in an owner-only folder).",
            discussion: """
                Then add environments with `clientele env add` and identity providers with `clientele idp add`.

                On a shared PostgreSQL registry, `--print-roles` prints the SQL for three roles (clientele_read, \
                clientele_operate, clientele_admin) without opening any registry. Run it with psql as the database \
                owner, after `init` and again after each upgrade:
                  clientele init --print-roles > roles.sql
                  psql "postgres://OWNER@HOST/DB" -v ON_ERROR_STOP=1 -f roles.sql
                then give each login one role: GRANT clientele_operate TO alice;
                """)

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Print the SQL for the PostgreSQL roles to stdout and exit; opens no registry.")
        var printRoles = false

        func run() async throws {
            if printRoles { return print(PostgresRoles.sql, terminator: "") }
            let registry = try global.openRegistry(create: true)
            // `registry.path`, not what was typed: a PostgreSQL URL may carry a password.
            print(registry.wasCreated
                ? "Created registry at \(registry.path)." : "Registry already exists at \(registry.path); left as it was.")
            if registry.wasCreated { print("Next: clientele env add Prod --gateway anypoint") }
        }
    }
}
