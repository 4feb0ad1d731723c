package import Foundation

/// A credential read from the environment or a file. It never prints: its description is redacted,
/// so a log line, an error or a dump cannot carry it by accident.
package struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String
    package init(_ value: String) { self.value = value }
    func reveal() -> String { value }
    package var description: String { "<redacted>" }
    package var debugDescription: String { "<redacted>" }
}

package enum ReportLocale: String, Sendable, CaseIterable {
    case zhCN = "zh-CN"
    case en
}

package enum OutputFormat: String, Sendable, CaseIterable, Comparable {
    case xlsx, csv, markdown, html

    private var rank: Int {
        switch self {
        case .xlsx: 0
        case .csv: 1
        case .markdown: 2
        case .html: 3
        }
    }
    package static func < (a: OutputFormat, b: OutputFormat) -> Bool { a.rank < b.rank }
}

/// A calendar day (no time, no zone), as in `until: 2026-12-31`.
package struct CalendarDay: Sendable, Equatable, Comparable, CustomStringConvertible {
    package var year: Int
    package var month: Int
    package var day: Int

    package static func < (a: CalendarDay, b: CalendarDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
    package var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    /// The day `date` falls on in `zone`.
    package init(_ date: Date, in zone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }
}

package struct APISettings: Sendable {
    package var baseURL: String?
    var tokenEnv: String = "YUNFU_API_TOKEN"
    var tokenFile: String?
    /// Resolved from `token_env` / `token_file` when the command needs it (`run`), else nil.
    package var token: Secret?
    var authHeader: String = "Authorization"
    var authScheme: String = "Bearer"
    var timeoutSeconds: Double = 20
    package var maxConcurrency: Int = 16
    var maxRetries: Int = 4
    var requestsPerSecond: Double = 0
    var maxRetryAfterSeconds: Double = 120
    package var timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    /// Trust, proxy and compression (`ca_file`, `proxy`, `compression`).
    package var network = NetworkSettings()

    /// The defaults of `api:`, as in the contract's example.
    package init() {}
}

package struct ReportSettings: Sendable {
    /// Absolute: a relative `output_root` is resolved against the configuration file's folder.
    package var outputRoot: URL
    var keepRuns: Int = 0
    package var templatesDir: URL?
    package var timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    package var locale: ReportLocale = .zhCN
    package var formats: Set<OutputFormat> = Set(OutputFormat.allCases)
    var csvBOM: Bool = true
    var expirySoonDays: Int = 7
    var expiryUpcomingDays: Int = 30
    var requiredRecycleStatuses: [Int64] = [6]
    var statusNames: [Int64: String] = [6: "关机"]
    /// `metrics_file`: where the run's metrics are also written, atomically (node_exporter's
    /// textfile collector); absolute, like `outputRoot`. nil: only the run directory's `metrics.prom`.
    package var metricsFile: URL?

    package init(outputRoot: URL) { self.outputRoot = outputRoot }
}

package struct Suppression: Sendable, Equatable {
    /// Index in the `suppressions` list and line in the file, for `stale_suppressions`.
    var index: Int
    var line: Int
    var checkID: CheckID
    var objectID: String?
    /// An account key.
    var account: String?
    var reason: String
    /// Last day it applies, in the report time zone.
    var until: CalendarDay?
}

enum NotifyKind: String, Sendable, CaseIterable {
    case wecom, dingtalk, feishu
}

package struct NotifyTarget: Sendable {
    var kind: NotifyKind
    var webhook: Secret
    var secret: Secret?
    var index: Int
    var line: Int
}

/// The whole configuration, validated. Built by `ConfigurationLoader`.
package struct Configuration: Sendable {
    /// The YAML file it came from.
    var file: URL
    package var api: APISettings
    /// Resolved and de-duplicated, in the contract's account order.
    package var accounts: [AccountRef]
    package var report: ReportSettings
    package var suppressions: [Suppression] = []
    package var notify: [NotifyTarget] = []

    package init(
        file: URL, api: APISettings, accounts: [AccountRef], report: ReportSettings,
        suppressions: [Suppression] = [], notify: [NotifyTarget] = []
    ) {
        self.file = file
        self.api = api
        self.accounts = accounts
        self.report = report
        self.suppressions = suppressions
        self.notify = notify
    }
}
