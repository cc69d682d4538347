import Foundation
import Logging

/// Logs go to standard error at `$CLIENTELE_LOG_LEVEL` (default warning). Nothing secret is ever logged: the
/// secret type prints as `<redacted>`.
enum LogSetup {
    static func bootstrap() {
        let level = ProcessInfo.processInfo.environment["CLIENTELE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
            ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
