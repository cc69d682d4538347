/// Which clients' list rows changed at which revision, kept by the engine itself: triggers on the tables a list row
/// is made of (the client, its secrets, its environments) record the client's row id with the revision the writing
/// transaction commits as. Triggers, not the store's operations, so no write path (today's or one added later, a
/// `psql` session, a restore script) can change a row without the consoles hearing of it. A change to what every
/// row refers to (an environment's or an IdP's name) marks the whole list instead.
///
/// The revision a row is stamped with is the one the transaction will bump the registry to: writers take turns on
/// the revision (SQLite's one writer; PostgreSQL's lock on its row), so it cannot move under them.
enum ClientChangeFeed {
    static let table = "clientChange"
    /// `registryInfo` key: the revision at which every list row must be read again.
    static let allChangedKey = "clientListChangedAt"

    /// The tables a list row is read from, with the column naming the client, and the columns whose updates change
    /// what the row shows (SQLite can say so; PostgreSQL's statement triggers see every update).
    static let sources: [(table: String, client: String, shown: [String])] = [
        ("client", "id", ["displayName", "clientId", "ownerTeam", "identityProviderId"]),
        ("secret", "clientRowId", ["clientRowId", "state", "expiresAt"]),
        ("clientEnvironment", "clientRowId", ["clientRowId", "environmentId"]),
    ]
    /// Tables whose rows every list row names: a change there reloads the whole list.
    static let wholeListSources = ["environment", "identityProvider"]

    private static let nextRevision =
        "COALESCE((SELECT CAST(value AS BIGINT) FROM registryInfo WHERE key = 'revision'), 0) + 1"

    static func sqliteStatements() -> [String] {
        var statements = [
            "CREATE TABLE \(table) (clientRowId INTEGER PRIMARY KEY NOT NULL, revision INTEGER NOT NULL)",
            "CREATE INDEX \(table)_revision ON \(table)(revision)",
        ]
        func stamp(_ reference: String) -> String {
            // `WHERE TRUE`: SQLite would read a bare `ON CONFLICT` after a SELECT as a join's ON.
            """
            INSERT INTO \(table)(clientRowId, revision) SELECT \(reference), \(nextRevision) WHERE TRUE
            ON CONFLICT(clientRowId) DO UPDATE SET revision = excluded.revision;
            """
        }
        for source in sources {
            let name = "\(source.table)_changes"
            statements.append("CREATE TRIGGER \(name)_insert AFTER INSERT ON \(source.table) BEGIN \(stamp("NEW.\(source.client)")) END")
            statements.append("CREATE TRIGGER \(name)_delete AFTER DELETE ON \(source.table) BEGIN \(stamp("OLD.\(source.client)")) END")
            statements.append("""
                CREATE TRIGGER \(name)_update AFTER UPDATE OF \(source.shown.joined(separator: ", ")) ON \(source.table)
                BEGIN \(stamp("OLD.\(source.client)")) \(stamp("NEW.\(source.client)")) END
                """)
        }
        let markAll = """
            INSERT INTO registryInfo(key, value) SELECT '\(allChangedKey)', CAST(\(nextRevision) AS TEXT) WHERE TRUE
            ON CONFLICT(key) DO UPDATE SET value = excluded.value;
            """
        for source in wholeListSources {
            for event in ["INSERT", "UPDATE", "DELETE"] {
                statements.append(
                    "CREATE TRIGGER \(source)_changes_\(event.lowercased()) AFTER \(event) ON \(source) BEGIN \(markAll) END")
            }
        }
        return statements
    }

    /// Statement triggers with transition tables: a bulk insert of 300k secrets stamps each client once, in one
    /// statement, rather than running a function per row. Each function is one line: the migration runs its
    /// script statement by statement, split where a line ends in a semicolon.
    static func postgresSQL() -> String {
        var sql = """
            CREATE TABLE \(table) (clientRowId bigint PRIMARY KEY NOT NULL, revision bigint NOT NULL);
            CREATE INDEX \(table)_revision ON \(table)(revision);

            """
        for source in sources {
            let function = "\(table)_from_\(source.table)"
            sql += """
                CREATE FUNCTION \(function)() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                INSERT INTO \(table)(clientRowId, revision) SELECT DISTINCT \(source.client), \(nextRevision) FROM changed \
                ON CONFLICT (clientRowId) DO UPDATE SET revision = excluded.revision; RETURN NULL; END $$;
                CREATE TRIGGER \(source.table)_changes_insert AFTER INSERT ON \(source.table)
                  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION \(function)();
                CREATE TRIGGER \(source.table)_changes_delete AFTER DELETE ON \(source.table)
                  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION \(function)();
                CREATE TRIGGER \(source.table)_changes_update_old AFTER UPDATE ON \(source.table)
                  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION \(function)();
                CREATE TRIGGER \(source.table)_changes_update_new AFTER UPDATE ON \(source.table)
                  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION \(function)();

                """
        }
        sql += """
            CREATE FUNCTION \(table)_whole_list() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
            INSERT INTO registryInfo(key, value) VALUES ('\(allChangedKey)', CAST(\(nextRevision) AS TEXT)) \
            ON CONFLICT (key) DO UPDATE SET value = excluded.value; RETURN NULL; END $$;

            """
        for source in wholeListSources {
            sql += """
                CREATE TRIGGER \(source)_changes AFTER INSERT OR UPDATE OR DELETE ON \(source)
                  FOR EACH STATEMENT EXECUTE FUNCTION \(table)_whole_list();

                """
        }
        return sql
    }
}
