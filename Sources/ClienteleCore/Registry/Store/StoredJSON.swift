import Foundation

/// Values the registry keeps as JSON text in one column (settings, a delivery, a lease holder), encoded as GRDB
/// encodes a Codable column (sorted keys, dates as milliseconds since 1970, data as base64), so rows written
/// before the store moved onto `StoreTransaction` read back unchanged.
enum StoredJSON {
    static func value<T: Encodable>(_ value: T) throws -> StoreValue {
        .text(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func value<T: Encodable>(_ value: T?) throws -> StoreValue {
        guard let value else { return .null }
        return try self.value(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try decoder.decode(T.self, from: Data(text.utf8))
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dataEncodingStrategy = .base64
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.nonConformingFloatEncodingStrategy = .throw
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dataDecodingStrategy = .base64
        decoder.dateDecodingStrategy = .millisecondsSince1970
        decoder.nonConformingFloatDecodingStrategy = .throw
        return decoder
    }
}

extension StoreRow {
    func json<T: Decodable>(_ index: Int, as type: T.Type) throws -> T {
        try StoredJSON.decode(T.self, from: try string(index))
    }

    func optionalJSON<T: Decodable>(_ index: Int, as type: T.Type) throws -> T? {
        guard let text = try optionalString(index) else { return nil }
        return try StoredJSON.decode(T.self, from: text)
    }
}
