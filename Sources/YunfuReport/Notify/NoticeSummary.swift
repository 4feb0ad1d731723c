import Foundation

/// What a chat notice says, taken from the report once and rendered for each platform.
struct NoticeSummary: Sendable {
    struct ExpiringLine: Sendable, Equatable {
        var lineID: String
        var name: String
        /// `available_at` as a day in the report time zone.
        var day: String
        var daysToExpiry: Int64?
        var expired: Bool
    }

    enum Changes: Sendable, Equatable {
        /// No previous run; `unusable` when one was skipped because it could not be read.
        case none(unusable: Bool)
        /// Counts of the kinds that occurred, in `ChangeKind` order (empty = nothing changed).
        case compared(previousAsOf: String, counts: [(kind: ChangeKind, count: Int)])

        static func == (a: Changes, b: Changes) -> Bool {
            switch (a, b) {
            case (.none(let x), .none(let y)): x == y
            case (.compared(let p, let x), .compared(let q, let y)):
                p == q && x.map(\.kind) == y.map(\.kind) && x.map(\.count) == y.map(\.count)
            default: false
            }
        }
    }

    var locale: ReportLocale
    var asOfDay: String
    var accountsOK: Int
    var accountsFailed: Int
    /// Unsuppressed findings per severity, critical first, every severity present.
    var findings: [(severity: Severity, count: Int)]
    var expirySoonDays: Int
    /// Lines expired or expiring within `expiry_soon_days`, nearest first (`LineRow.nearestExpiryFirst`).
    var expiring: [ExpiringLine]
    var changes: Changes
    var interrupted: Bool
    /// The platform could not be reached: the one cause, which the notice leads with.
    var unreachable: String?
    var runDir: String
    /// The headline numbers' change since the previous night of the trend; nil on a first night.
    var delta: TrendDelta?
    /// The previous night's date, when there is a delta.
    var deltaSince: String = ""


    init(report: Report, runDir: String) {
        locale = report.settings.locale
        asOfDay = report.asOfDay.description
        let tally = AccountTally(report.accounts)
        accountsOK = tally.ok
        // Accounts an interrupted run did not fetch are no failures (the banner says it).
        accountsFailed = tally.failed
        delta = report.trend.delta
        deltaSince = delta?.previousDay(in: report.timeZone) ?? ""
        var bySeverity: [Severity: Int] = [:]
        for finding in report.findings where !finding.suppressed {
            bySeverity[finding.severity, default: 0] += 1
        }
        findings = Severity.allCases.map { ($0, bySeverity[$0] ?? 0) }
        expirySoonDays = report.settings.expirySoonDays

        // A line whose expiry finding is suppressed (an acknowledged, e.g. cancelled, line) is not
        // repeated to the group every night.
        var acknowledged = Set<ScalarKey>()
        for finding in report.findings
        where finding.suppressed && (finding.checkID == .lineExpired || finding.checkID == .lineExpiresSoon) {
            acknowledged.insert(ScalarKey(finding.objectID))
        }
        let zone = report.timeZone
        expiring = report.lines
            .filter { ($0.expiryStatus == .expired || $0.expiryStatus == .soon) && $0.availableAt != nil }
            .filter { !acknowledged.contains(ScalarKey($0.lineID)) }
            .sorted(by: LineRow.nearestExpiryFirst)
            .map { line in
                ExpiringLine(
                    lineID: line.lineID,
                    name: line.name,
                    day: line.availableAt.map { CalendarDay($0, in: zone).description } ?? "",
                    daysToExpiry: line.daysToExpiry,
                    expired: line.expiryStatus == .expired
                )
            }

        switch report.comparison {
        case .none(let warning):
            changes = .none(unusable: warning != nil)
        case .compared(let previous, let rows):
            var counts: [ChangeKind: Int] = [:]
            for row in rows { counts[row.change, default: 0] += 1 }
            changes = .compared(
                previousAsOf: previous.asOf,
                counts: ChangeKind.allCases.compactMap { kind in
                    guard let count = counts[kind], count > 0 else { return nil }
                    return (kind, count)
                })
        }
        interrupted = report.run.interrupted
        unreachable = report.run.unreachable
        self.runDir = runDir
    }
}

/// The sentences of a notice, in the report's locale. The words every output shares (accounts,
/// severities) come from `Labels`, the one table of them.
struct NoticeWords: Sendable {
    var locale: ReportLocale

    private var labels: Labels { Labels(locale: locale) }

    /// "较上次（2026-11-24）" / "Since 2026-11-24".
    func sincePrevious(_ day: String) -> String {
        locale == .zhCN ? "较上次（\(day)）" : "Since \(day)"
    }

    /// The headline numbers' changes: "严重 +1，已过期线路 +4" / "critical +1, lines expired +4".
    func deltaParts(_ delta: TrendDelta, soonDays: Int) -> [String] {
        func signed(_ value: Int) -> String { value > 0 ? "+\(value)" : value < 0 ? "−\(-value)" : "±0" }
        let parts: [(String, String, Int)] = [
            ("获取失败", "failed", delta.accountsFailed),
            ("严重", "critical", delta.critical),
            ("高", "high", delta.high),
            ("已过期线路", "lines expired", delta.linesExpired),
            ("\(soonDays) 天内到期", "expiring within \(soonDays) days", delta.linesSoon),
            ("满载线路", "saturated lines", delta.linesSaturated),
        ]
        return parts.map { (locale == .zhCN ? $0.0 : $0.1) + " " + signed($0.2) }
    }

    func title(_ day: String) -> String {
        switch locale {
        case .zhCN: "云蝠线路日报 \(day)"
        case .en: "Yunfu line report \(day)"
        }
    }
    func unreachable(_ reason: String) -> String {
        switch locale {
        case .zhCN: "平台无法访问：\(labels.fetchError(reason))，未获取任何账号"
        case .en: "The platform could not be reached: \(reason); no account was fetched"
        }
    }
    var interrupted: String {
        switch locale {
        case .zhCN: "运行被中断，报告不完整"
        case .en: "The run was interrupted: the report is incomplete"
        }
    }
    var accounts: String { labels.sheets.accounts }
    func accountCounts(ok: Int, failed: Int) -> (ok: String, failed: String) {
        switch locale {
        case .zhCN: ("成功 \(ok)", "失败 \(failed)")
        case .en: ("\(ok) ok", "\(failed) failed")
        }
    }
    var findings: String { locale == .zhCN ? "待处理发现" : "Findings" }
    func severity(_ severity: Severity) -> String { labels.severity(severity) }
    func expiringHeading(soonDays: Int, count: Int) -> String {
        switch locale {
        case .zhCN: "已过期或 \(soonDays) 天内到期的线路：\(count)"
        case .en: "Lines expired or expiring within \(soonDays) days: \(count)"
        }
    }
    func expiry(_ line: NoticeSummary.ExpiringLine) -> String {
        if line.expired { return locale == .zhCN ? "已过期" : "expired" }
        let days = line.daysToExpiry ?? 0
        switch locale {
        case .zhCN: return days <= 0 ? "不足 1 天" : "剩 \(days) 天"
        case .en: return days <= 0 ? "less than a day" : (days == 1 ? "1 day left" : "\(days) days left")
        }
    }
    func andMore(_ count: Int) -> String {
        switch locale {
        case .zhCN: "… 另有 \(count) 条"
        case .en: "… and \(count) more"
        }
    }
    var changes: String { locale == .zhCN ? "较上次运行" : "Since the previous run" }
    func previous(_ asOf: String) -> String { locale == .zhCN ? "（\(asOf)）" : " (\(asOf))" }
    var noPrevious: String { locale == .zhCN ? "无可比较的上次运行" : "no previous run to compare with" }
    var unusablePrevious: String {
        locale == .zhCN ? "上次运行无法读取，未比较" : "the previous run could not be read: not compared"
    }
    var noChanges: String { locale == .zhCN ? "无变化" : "no changes" }
    func change(_ kind: ChangeKind) -> String {
        switch (locale, kind) {
        case (.zhCN, .findingNew): "新发现"
        case (.zhCN, .findingResolved): "已解决"
        case (.zhCN, .findingSeverity): "严重度变化"
        case (.zhCN, .lineNew): "新线路"
        case (.zhCN, .lineGone): "消失线路"
        case (.zhCN, .lineRenewed): "已续期"
        case (.zhCN, .lineShortened): "到期提前"
        case (.zhCN, .lineCapacity): "并发变化"
        case (.en, .findingNew): "new findings"
        case (.en, .findingResolved): "resolved"
        case (.en, .findingSeverity): "severity changed"
        case (.en, .lineNew): "new lines"
        case (.en, .lineGone): "lines gone"
        case (.en, .lineRenewed): "renewed"
        case (.en, .lineShortened): "shortened"
        case (.en, .lineCapacity): "capacity changed"
        }
    }
    var runDir: String { locale == .zhCN ? "运行目录" : "Run directory" }
    var separator: String { locale == .zhCN ? " · " : " · " }
    var colon: String { locale == .zhCN ? "：" : ": " }
}
