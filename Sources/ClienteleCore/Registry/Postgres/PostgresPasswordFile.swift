import Foundation

/// libpq's password file (`PGPASSFILE`, else `~/.pgpass`): lines of `host:port:database:user:password`, `*` matching
/// anything and `\` escaping `:` and `\`. Like libpq, a file others may read is ignored rather than trusted.
enum PostgresPasswordFile {
    static func password(for location: PostgresLocation, environment: [String: String]) -> String? {
        let path = environment["PGPASSFILE"] ?? (RegistryLocation.home(environment) + "/.pgpass")
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let permissions = attributes[.posixPermissions] as? Int, permissions & 0o077 == 0,
            let text = try? String(contentsOfFile: path, encoding: .utf8)
        else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = split(line)
            guard fields.count == 5 else { continue }
            let wanted = [location.host, String(location.port), location.database, location.user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    private static func split(_ line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
