import Foundation

/// One bound parameter of a store statement, in the few kinds the registry stores. Each engine binds them its own
/// way (SQLite's text dates as GRDB writes them, PostgreSQL's `timestamptz`), so store operations are written once.
enum StoreValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case boolean(Bool)
    case date(Date)
    case blob(Data)
}

/// A Swift value that binds as one `StoreValue`.
protocol StoreValueConvertible {
    var storeValue: StoreValue { get }
}

extension Int64: StoreValueConvertible { var storeValue: StoreValue { .integer(self) } }
extension Int: StoreValueConvertible { var storeValue: StoreValue { .integer(Int64(self)) } }
extension Double: StoreValueConvertible { var storeValue: StoreValue { .real(self) } }
extension String: StoreValueConvertible { var storeValue: StoreValue { .text(self) } }
extension Bool: StoreValueConvertible { var storeValue: StoreValue { .boolean(self) } }
extension Date: StoreValueConvertible { var storeValue: StoreValue { .date(self) } }
extension Data: StoreValueConvertible { var storeValue: StoreValue { .blob(self) } }
extension StoreValue: StoreValueConvertible { var storeValue: StoreValue { self } }

extension Optional: StoreValueConvertible where Wrapped: StoreValueConvertible {
    var storeValue: StoreValue { self?.storeValue ?? .null }
}

extension RawRepresentable where RawValue == String {
    /// Enums are stored by their raw text.
    var storeValue: StoreValue { .text(rawValue) }
}
