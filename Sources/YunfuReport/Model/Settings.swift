import Foundation

/// A credential read from the environment or a file. It never prints: its description is redacted,
/// so a log line, an error or a dump cannot carry it by accident.
struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String
    init(_ value: String) { self.value = value }
    func reveal() -> String { value }
    var description: String { "<redacted>" }
    var debugDescription: String { "<redacted>" }
}

enum ReportLocale: String, Sendable, CaseIterable {
    case zhCN = "zh-CN"
    case en
}

enum OutputFormat: String, Sendable, CaseIterable, Comparable {
    case xlsx, csv, markdown, html

    private var rank: Int {
        switch self {
        case .xlsx: 0
        case .csv: 1
        case .markdown: 2
        case .html: 3
        }
    }
    static func < (a: OutputFormat, b: OutputFormat) -> Bool { a.rank < b.rank }
}

/// A calendar day (no time, no zone), as in `until: 2026-12-31`.
struct CalendarDay: Sendable, Equatable, Comparable, CustomStringConvertible {
    var year: Int
    var month: Int
    var day: Int

    static func < (a: CalendarDay, b: CalendarDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
    var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    /// The day `date` falls on in `zone`.
    init(_ date: Date, in zone: TimeZone) {
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

struct APISettings: Sendable {
    var baseURL: String?
    var tokenEnv: String = "YUNFU_API_TOKEN"
    var tokenFile: String?
    /// Resolved from `token_env` / `token_file` when the command needs it (`run`), else nil.
    var token: Secret?
    var authHeader: String = "Authorization"
    var authScheme: String = "Bearer"
    var timeoutSeconds: Double = 20
    var maxConcurrency: Int = 16
    var maxRetries: Int = 4
    var requestsPerSecond: Double = 0
    var maxRetryAfterSeconds: Double = 120
    var timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    /// Trust, proxy and compression (`ca_file`, `proxy`, `compression`).
    var network = NetworkSettings()
}

struct ReportSettings: Sendable {
    /// Absolute: a relative `output_root` is resolved against the configuration file's folder.
    var outputRoot: URL
    var keepRuns: Int = 0
    var templatesDir: URL?
    var timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    var locale: ReportLocale = .zhCN
    var formats: Set<OutputFormat> = Set(OutputFormat.allCases)
    var csvBOM: Bool = true
    var expirySoonDays: Int = 7
    var expiryUpcomingDays: Int = 30
    var requiredRecycleStatuses: [Int64] = [6]
    var statusNames: [Int64: String] = [6: "关机"]
    /// `metrics_file`: where the run's metrics are also written, atomically (node_exporter's
    /// textfile collector); absolute, like `outputRoot`. nil: only the run directory's `metrics.prom`.
    var metricsFile: URL?

    init(outputRoot: URL) { self.outputRoot = outputRoot }
}

struct Suppression: Sendable, Equatable {
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

struct NotifyTarget: Sendable {
    var kind: NotifyKind
    var webhook: Secret
    var secret: Secret?
    var index: Int
    var line: Int
}

/// The whole configuration, validated. Built by `ConfigurationLoader`.
struct Configuration: Sendable {
    /// The YAML file it came from.
    var file: URL
    var api: APISettings
    /// Resolved and de-duplicated, in the contract's account order.
    var accounts: [AccountRef]
    var report: ReportSettings
    var suppressions: [Suppression] = []
    var notify: [NotifyTarget] = []
}
