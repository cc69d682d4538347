import Foundation

/// The file a bulk rotation writes a client's new secret to: `DIR/<client>.secret`.
///
/// A display name made only of letters, digits, `.`, `_` and `-` (not starting with `.`), and held by no other
/// client (ignoring case), is used as it is. Any other name has each other character replaced by `_`, is cut to
/// 100 characters, and gets `~<row id>`: `~` never appears in a name used as it is, and row ids are unique, so
/// two clients never share a file and no name can climb out of the folder (`/` and a leading `.` are replaced).
enum SecretFileName {
    static func of(_ client: Client, shared: Bool) -> String {
        let name = client.displayName
        let safe = String(name.map { Self.allowed($0) ? $0 : "_" }.prefix(100))
        let usable = !name.isEmpty && safe == name && !name.hasPrefix(".") && !shared
        if usable { return name + ".secret" }
        let base = safe.hasPrefix(".") ? "_" + safe.dropFirst() : Substring(safe)
        return "\(base)~\(client.id!).secret"
    }

    private static func allowed(_ character: Character) -> Bool {
        guard character.isASCII, let scalar = character.unicodeScalars.first else { return false }
        return CharacterSet.alphanumerics.contains(scalar) || "._-".contains(character)
    }
}
