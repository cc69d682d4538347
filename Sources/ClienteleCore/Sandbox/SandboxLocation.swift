/// Where one sandbox's state is: its SQLite file, or its schema in a PostgreSQL registry's database.
enum SandboxLocation: Sendable {
    case file(String)
    case database(PostgresRegistryConnection, schema: String)
}
