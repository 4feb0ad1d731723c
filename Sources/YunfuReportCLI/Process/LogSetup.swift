import Foundation
import YunfuReport
import Logging
import Synchronization

/// One logging set-up for the process: swift-log lines on standard error.
enum LogSetup {
    /// Log lines carry their time in `zone` from now on: the report's time zone, the one every
    /// report of the run is written in (a server's clock is often UTC). swift-log's stream handler
    /// writes local time, so this sets the process's `TZ`; nothing else in the job reads the
    /// process's zone (every date is formatted with an explicit zone).
    static func useTimeZone(_ zone: TimeZone) {
        setenv("TZ", zone.identifier, 1)
        tzset()
    }

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

/// True the first time it is claimed, false after.
final class OnceFlag: Sendable {
    private let claimed = Mutex(false)

    func claim() -> Bool {
        claimed.withLock { claimed in
            defer { claimed = true }
            return !claimed
        }
    }
}
