import Foundation
import GRDB
import Testing
@testable import ClienteleCore

/// The two engines hold the same registry: the same tables, columns (and which may be empty), keys, unique
/// constraints, foreign keys with their delete rules, and checks. Indexes that only speed queries up may differ.
@Suite struct SchemaEqualityTests {
    struct Table: Hashable, CustomStringConvertible {
        var columns: [String: Bool] = [:]  // name → may be NULL
        var primaryKey: [String] = []
        var unique: Set<String> = []  // "a,b" (partial ones as "a WHERE …")
        var foreignKeys: Set<String> = []  // "col → table.col on delete RULE"
        var checks = 0

        var description: String {
            "columns \(columns.sorted { $0.key < $1.key }), pk \(primaryKey), unique \(unique.sorted()), fk \(foreignKeys.sorted()), checks \(checks)"
        }
    }

    @Test func sqliteAndPostgresHoldTheSameTablesColumnsAndConstraints() throws {
        let sqlite = try sqliteSchema()
        let postgres = try postgresSchema()
        #expect(sqlite.count >= 20)
        #expect(Set(sqlite.keys) == Set(postgres.keys))
        for (name, table) in sqlite {
            #expect(postgres[name] == table, "table \(name):\n  sqlite   \(table)\n  postgres \(postgres[name].map(String.init(describing:)) ?? "missing")")
        }
        #expect(RegistrySchema.version == PostgresSchema.version)
    }

    private func sqliteSchema() throws -> [String: Table] {
        let folder = NSTemporaryDirectory() + "schema-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let registry = try Registry.open(at: folder + "/registry.sqlite", create: true)
        return try #require(registry.sqliteQueue).read { db in
            var tables: [String: Table] = [:]
            let names = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table'
                AND name NOT IN ('sqlite_sequence', 'grdb_migrations') AND name NOT LIKE 'sqlite_%'
                """)
            for name in names {
                var table = Table()
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [name]) ?? ""
                table.checks = sql.components(separatedBy: "CHECK").count - 1
                for row in try Row.fetchAll(db, sql: "PRAGMA table_info(\(name))") {
                    let column = (row["name"] as String).lowercased()
                    let pk: Int = row["pk"]
                    table.columns[column] = (row["notnull"] as Int) == 0 && pk == 0
                    if pk > 0 { table.primaryKey.append(column) }
                }
                let pkOrder = try Row.fetchAll(db, sql: "PRAGMA table_info(\(name))").filter { ($0["pk"] as Int) > 0 }
                    .sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }.map { ($0["name"] as String).lowercased() }
                table.primaryKey = pkOrder
                for index in try Row.fetchAll(db, sql: "PRAGMA index_list(\(name))") where (index["unique"] as Int) == 1 {
                    let indexName: String = index["name"]
                    if (index["origin"] as String) == "pk" { continue }
                    let columns = try Row.fetchAll(db, sql: "PRAGMA index_info(\(indexName))")
                        .map { ($0["name"] as String).lowercased() }.joined(separator: ",")
                    var entry = columns
                    if (index["partial"] as Int) == 1,
                        let indexSQL = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [indexName]),
                        let whereRange = indexSQL.range(of: "WHERE")
                    {
                        entry += " " + Self.normalised(String(indexSQL[whereRange.lowerBound...]))
                    }
                    table.unique.insert(entry)
                }
                for key in try Row.fetchAll(db, sql: "PRAGMA foreign_key_list(\(name))") {
                    table.foreignKeys.insert(
                        "\((key["from"] as String).lowercased()) → \((key["table"] as String).lowercased()).\((key["to"] as String).lowercased()) on delete \((key["on_delete"] as String).lowercased())")
                }
                tables[name.lowercased()] = table
            }
            return tables
        }
    }

    /// The registry's own tables: those in `public`. A sandbox on a PostgreSQL registry keeps its state in a schema
    /// of its own (`SandboxStore`), made by the sandbox, not by the registry's migrations, so it is not compared.
    private func postgresSchema() throws -> [String: Table] {
        let url = try TestPostgres.freshDatabase("schema")
        let registry = try Registry.open(at: url, create: true)
        // A sandbox's tables beside the registry's, to show they stay out of the comparison.
        _ = try SandboxGateway(
            state: registry.sandboxHome.newStateName(for: "client"), in: registry.sandboxHome, imitating: .kong, create: true)
        var tables: [String: Table] = [:]
        for table in try TestPostgres.strings(url, """
            SELECT table_name FROM information_schema.tables
            WHERE table_schema = 'public' AND table_name <> 'schemamigration'
            """) {
            tables[table] = Table()
        }
        for line in try TestPostgres.strings(url, """
            SELECT table_name || ' ' || column_name || ' ' || is_nullable FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name <> 'schemamigration'
            """) {
            let parts = line.split(separator: " ").map(String.init)
            tables[parts[0]]?.columns[parts[1]] = parts[2] == "YES"
        }
        // Keys and unique constraints, whether declared as constraints or as unique indexes (the partial ones).
        for line in try TestPostgres.strings(url, """
            SELECT c.relname || '|' || CAST(i.indisprimary AS TEXT) || '|' ||
                   (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum) || '|' ||
                   COALESCE(pg_get_expr(i.indpred, i.indrelid), '')
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND i.indisunique AND c.relname <> 'schemamigration'
            """) {
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            if parts[1] == "true" {
                tables[parts[0]]?.primaryKey = parts[2].split(separator: ",").map(String.init)
            } else {
                tables[parts[0]]?.unique.insert(parts[2] + (parts[3].isEmpty ? "" : " " + Self.normalised("WHERE " + parts[3])))
            }
        }
        let rules = ["a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"]
        for line in try TestPostgres.strings(url, """
            SELECT c.relname || '|' || a.attname || '|' || f.relname || '|' || af.attname || '|' || CAST(k.confdeltype AS TEXT)
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid
            JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
            JOIN pg_attribute af ON af.attrelid = k.confrelid AND af.attnum = k.confkey[1]
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE k.contype = 'f' AND n.nspname = 'public'
            """) {
            let parts = line.split(separator: "|").map(String.init)
            tables[parts[0]]?.foreignKeys.insert("\(parts[1]) → \(parts[2]).\(parts[3]) on delete \(rules[parts[4]] ?? parts[4])")
        }
        for line in try TestPostgres.strings(url, """
            SELECT c.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE k.contype = 'c' AND n.nspname = 'public'
            """) {
            tables[line]?.checks += 1
        }
        return tables
    }

    /// A partial index's condition in one spelling: PostgreSQL prints `(step <> ALL (ARRAY['done'::text, …]))`
    /// for SQLite's `step NOT IN ('done', …)`.
    static func normalised(_ condition: String) -> String {
        var text = condition.lowercased()
        for (from, to) in [("::text", ""), ("<> all (array[", "not in ("), ("= any (array[", "in ("), ("])", ")"),
                           ("(", ""), (")", ""), ("\"", ""), ("\n", " ")] {
            text = text.replacingOccurrences(of: from, with: to)
        }
        return text.split(separator: " ").joined(separator: " ")
    }
}
