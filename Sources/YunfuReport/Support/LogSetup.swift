import Foundation
import Logging

/// One logging set-up for the process: swift-log lines on standard error.
enum LogSetup {
    static func level(named name: String) -> Logger.Level? {
        Logger.Level(rawValue: name.lowercased())
    }

    private static let once = OnceFlag()

    /// Bootstraps swift-log once (a second call only sets the level on the returned logger).
    static func logger(level: Logger.Level) -> Logger {
        if once.claim() {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = .trace
                return handler
            }
        }
        var logger = Logger(label: "yunfu-report")
        logger.logLevel = level
        return logger
    }
}

final class OnceFlag: @unchecked Sendable {
    // @unchecked: `claimed` is only touched under `lock`.
    private let lock = NSLock()
    private var claimed = false

    func claim() -> Bool {
        lock.withLock {
            defer { claimed = true }
            return !claimed
        }
    }
}
