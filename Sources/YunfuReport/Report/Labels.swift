import Foundation

/// The words of the reports for people (workbook, Markdown, HTML) in the configured locale: sheet
/// names, column headers, severities, expiry statuses, check names, yes/no and the summary captions.
/// The CSV files and the manifest are a machine interface and never use these.
///
/// Every word is given in both locales side by side with `pick(_:_:)`, so a missing translation
/// cannot compile. A writer that needs words of its own adds them in an extension file beside this
/// one (`Labels+Summary.swift`), built the same way:
///
///     extension Labels {
///         var needsAction: String { pick("需要处理", "Needs action") }
///     }
struct Labels: Sendable {
    let locale: ReportLocale

    init(locale: ReportLocale) {
        self.locale = locale
    }

    /// The word for the current locale.
    func pick(_ zhCN: String, _ en: String) -> String {
        switch locale {
        case .zhCN: zhCN
        case .en: en
        }
    }

    // MARK: - Values

    var yes: String { pick("是", "yes") }
    var no: String { pick("否", "no") }
    func bool(_ value: Bool) -> String { value ? yes : no }
    /// An unknown value where a word is needed (an empty cell is used where none is).
    var unknown: String { pick("未知", "unknown") }
    /// The platform default, for an unset engine.
    var unsetEngine: String { pick("（平台默认）", "(platform default)") }
    /// A line without `new_line.node.name`.
    var unknownNode: String { pick("（未知节点）", "(no node)") }

    func severity(_ severity: Severity) -> String {
        switch severity {
        case .critical: pick("严重", "critical")
        case .high: pick("高", "high")
        case .medium: pick("中", "medium")
        case .low: pick("低", "low")
        case .info: pick("提示", "info")
        }
    }

    func expiryStatus(_ status: ExpiryStatus) -> String {
        switch status {
        case .expired: pick("已过期", "expired")
        case .soon: pick("即将到期", "expires soon")
        case .upcoming: pick("近期到期", "upcoming")
        case .ok: pick("正常", "ok")
        case .unknown: pick("未知", "unknown")
        }
    }

    /// A check's name for people; the contract's id stays beside it where it is shown.
    func check(_ check: CheckID) -> String {
        switch check {
        case .fetchFailed: pick("账号获取失败", "Account fetch failed")
        case .lineExpired: pick("线路已过期", "Line expired")
        case .lineExpiresSoon: pick("线路即将到期", "Line expires soon")
        case .lineExpiresUpcoming: pick("线路近期到期", "Line expires in the coming weeks")
        case .lineExpiryUnknown: pick("线路到期时间未知", "Line expiry unknown")
        case .lineSaturated: pick("线路并发已满", "Line saturated")
        case .lineCapacityInvalid: pick("线路并发数据异常", "Line capacity figures invalid")
        case .accountNoLines: pick("账号没有线路", "Account has no line")
        case .accountNoRecycle: pick("账号没有启用的回收规则", "Account has no enabled recycle rule")
        case .recycleStatusUncovered: pick("必需的回收状态未覆盖", "Required recycle status not covered")
        case .scriptGroupDebug: pick("话术组处于调试模式", "Script group in debug mode")
        case .scriptGroupEngineUnset: pick("话术组未指定 ASR/TTS 引擎", "Script group without ASR/TTS engine")
        case .runInterrupted: pick("运行被中断", "Run interrupted")
        }
    }

    func objectType(_ type: ObjectType) -> String {
        switch type {
        case .account: pick("账号", "account")
        case .line: pick("线路", "line")
        case .recycleStatus: pick("回收状态", "recycle status")
        case .scriptGroup: pick("话术组", "script group")
        case .run: pick("运行", "run")
        }
    }

    func changeKind(_ kind: ChangeKind) -> String {
        switch kind {
        case .findingNew: pick("新问题", "new finding")
        case .findingResolved: pick("已解决", "resolved finding")
        case .findingSeverity: pick("级别变化", "severity changed")
        case .lineNew: pick("新线路", "new line")
        case .lineGone: pick("线路消失", "line gone")
        case .lineRenewed: pick("线路已续期", "line renewed")
        case .lineShortened: pick("到期提前", "line expiry moved earlier")
        case .lineCapacity: pick("并发变化", "line capacity changed")
        }
    }

    func engineKind(_ kind: EngineKind) -> String {
        switch kind {
        case .asr: "ASR"
        case .tts: "TTS"
        case .llm: pick("大模型", "LLM")
        }
    }

    /// `fetch_status` for people.
    func fetchStatus(ok: Bool) -> String { ok ? pick("成功", "ok") : pick("失败", "failed") }

    // MARK: - Sheets (Excel: at most 31 characters, none of [ ] : * ? / \)

    struct Sheets: Sendable {
        var summary: String
        var changes: String
        var findings: String
        var lines: String
        var capacity: String
        var scriptGroups: String
        var engines: String
        var coverage: String
        var accounts: String
        var warnings: String
        var trend: String

        /// In workbook order.
        var all: [String] {
            [summary, changes, findings, lines, capacity, scriptGroups, engines, coverage, accounts, warnings, trend]
        }
    }

    var sheets: Sheets {
        Sheets(
            summary: pick("摘要", "Summary"),
            changes: pick("变化", "Changes"),
            findings: pick("问题", "Findings"),
            lines: pick("线路", "Lines"),
            capacity: pick("节点容量", "Capacity by node"),
            scriptGroups: pick("话术组", "Script groups"),
            engines: pick("引擎", "Engines"),
            coverage: pick("回收覆盖", "Recycle coverage"),
            accounts: pick("账号", "Accounts"),
            warnings: pick("数据警告", "Warnings"),
            trend: pick("趋势", "Trend"))
    }

    // MARK: - Column headers

    /// The header of a column, by the contract's column id (`lines.csv`, `accounts.csv`, …), plus a
    /// few ids of the people's reports only (`account`, `account_count`, `check_name`,
    /// `suppressed_reason`, `change`, `before`, `after`). An id without a word is shown as it is.
    func column(_ id: String) -> String {
        Self.columnWords[id].map { pick($0.zh, $0.en) } ?? id
    }

    /// The column headers by column id, zh-CN and en.
    private static let columnWords: [String: (zh: String, en: String)] = [
        // accounts
        "account": ("账号", "Account"),
        "user_id": ("用户 ID", "User ID"),
        "sub_user_id": ("子账号 ID", "Sub-user ID"),
        "label": ("名称", "Label"),
        "fetch_status": ("获取状态", "Fetch"),
        "error": ("错误", "Error"),
        "attempts": ("请求次数", "Requests"),
        "lines": ("线路数", "Lines"),
        "total_concurrency": ("总并发", "Concurrency"),
        "total_residue": ("剩余并发", "Free"),
        "script_groups": ("话术组", "Script groups"),
        "active_script_groups": ("启用话术组", "Active groups"),
        "recycle_rules": ("回收规则", "Recycle rules"),
        "enabled_recycle_rules": ("启用回收规则", "Enabled rules"),
        "max_recycle_limit": ("最大回收次数", "Max recycle"),
        "warnings": ("数据警告", "Warnings"),
        // lines
        "line_id": ("线路 ID", "Line ID"),
        "line_name": ("线路名称", "Line"),
        "remark": ("备注", "Remark"),
        "belong_user": ("所属用户", "Owner"),
        "line_type": ("线路类型", "Type"),
        "bind_type": ("绑定方式", "Binding"),
        "node": ("节点", "Node"),
        "line_concurrency": ("并发", "Concurrency"),
        "residue": ("剩余并发", "Free"),
        "in_use": ("占用", "In use"),
        "utilization": ("使用率", "Utilization"),
        "available_at": ("到期时间", "Expires at"),
        "days_to_expiry": ("剩余天数", "Days left"),
        "expiry_status": ("到期状态", "Expiry"),
        "account_count": ("账号数", "Accounts"),
        "accounts": ("账号", "Accounts"),
        // capacity
        "saturated_lines": ("满载线路", "Saturated lines"),
        "expiring_lines": ("过期/即将到期线路", "Expired or expiring lines"),
        // script groups
        "group_id": ("话术组 ID", "Group ID"),
        "group_name": ("话术组名称", "Script group"),
        "asr_engine": ("ASR 引擎", "ASR engine"),
        "tts_engine": ("TTS 引擎", "TTS engine"),
        "llm": ("大模型", "LLM"),
        "is_active": ("启用", "Active"),
        "debug": ("调试", "Debug"),
        "speed": ("语速", "Speed"),
        "volume": ("音量", "Volume"),
        // engines
        "kind": ("类别", "Kind"),
        "engine": ("引擎", "Engine"),
        // recycle coverage
        "number_status": ("号码状态", "Number status"),
        "status_name": ("状态名称", "Status"),
        "required": ("必需", "Required"),
        "covered": ("已覆盖", "Covered"),
        "rule_ids": ("规则 ID", "Rule IDs"),
        "redial_after_minutes": ("重拨间隔（分钟）", "Redial after (min)"),
        // findings
        "severity": ("级别", "Severity"),
        "check_id": ("检查项 ID", "Check ID"),
        "check_name": ("检查项", "Check"),
        "object_type": ("对象类型", "Object type"),
        "object_id": ("对象 ID", "Object ID"),
        "object_name": ("对象名称", "Object"),
        "message": ("说明", "Message"),
        "suppressed": ("已屏蔽", "Suppressed"),
        "suppressed_reason": ("屏蔽原因", "Suppression reason"),
        // warnings
        "path": ("字段", "Path"),
        "value": ("值", "Value"),
        "problem": ("问题", "Problem"),
        // changes
        "change": ("变化", "Change"),
        "before": ("之前", "Before"),
        "after": ("之后", "After"),
        // trend
        "as_of": ("数据截至", "As of"),
        "complete": ("完整", "Complete"),
        "accounts_failed": ("获取失败", "Failed"),
        "lines_expired": ("已过期", "Expired"),
        "lines_soon": ("即将到期", "Expiring soon"),
        "lines_expired_or_soon": ("已过期或即将到期", "Expired or soon"),
        "lines_upcoming": ("近期到期", "Upcoming"),
        "lines_saturated": ("满载线路", "Saturated"),
        "total_in_use": ("使用中并发", "In use"),
        "findings_critical": ("严重问题", "Critical"),
        "findings_high": ("高级别问题", "High"),
        "findings_medium": ("中级别问题", "Medium"),
        "findings_low": ("低级别问题", "Low"),
        "findings_info": ("提示", "Info"),
    ]

    // MARK: - Summary captions

    var reportTitle: String { pick("云蝠智能线路与配置日报", "Yunfu lines and configuration report") }
    var asOf: String { pick("数据截至", "As of") }
    var timeZone: String { pick("时区", "Time zone") }
    var completeness: String { pick("完整性", "Completeness") }
    var accountsTotal: String { pick("账号总数", "Accounts") }
    var accountsOK: String { pick("获取成功", "Fetched") }
    var accountsFailed: String { pick("获取失败", "Failed") }
    var accountsNotFetched: String { pick("未获取（运行中断）", "Not fetched (run interrupted)") }
    var findingsBySeverity: String { pick("问题（按级别，不含已屏蔽）", "Findings by severity (unsuppressed)") }
    var suppressedCount: String { pick("已屏蔽", "Suppressed") }
    var linesByExpiry: String { pick("线路（按到期状态）", "Lines by expiry status") }
    var capacityTotals: String { pick("并发合计", "Capacity totals") }
    var totalLines: String { pick("线路数", "Lines") }
    var totalConcurrency: String { pick("总并发", "Total concurrency") }
    var totalResidue: String { pick("剩余并发", "Free") }
    var totalInUse: String { pick("占用", "In use") }
    var overallUtilization: String { pick("使用率", "Utilization") }
    var saturatedLines: String { pick("满载线路", "Saturated lines") }
    var count: String { pick("数量", "Count") }
    var changesCaption: String { pick("对比上次运行", "Since the previous run") }
    var chartTrend: String { pick("每晚趋势", "Night by night") }
    var chartUtilization: String { pick("并发使用率", "Utilization") }
    var item: String { pick("项目", "Item") }

    /// The run's completeness in words: complete, or what makes it incomplete.
    func completenessText(_ accounts: AccountTally, interrupted: Bool, unreachable: String? = nil) -> String {
        let total = accounts.total
        let failed = accounts.failed
        var reasons: [String] = []
        if let unreachable {
            // The one cause leads, instead of a count of accounts that all failed for it.
            reasons.append(
                pick(
                    "平台无法访问（\(fetchError(unreachable))），\(total) 个账号均未获取",
                    "the platform could not be reached (\(unreachable)): none of the \(total) accounts was fetched"))
            if interrupted { reasons.append(pick("运行被中断", "the run was interrupted")) }
            return pick("不完整：", "Incomplete: ") + reasons.joined(separator: pick("；", "; "))
        }
        if interrupted {
            reasons.append(
                accounts.notFetched > 0
                    ? pick("运行被中断，\(accounts.notFetched) 个账号未获取", "the run was interrupted: \(accounts.notFetched) of \(total) accounts not fetched")
                    : pick("运行被中断", "the run was interrupted"))
        }
        if failed > 0 {
            reasons.append(pick("\(failed) 个账号获取失败", "\(failed) of \(total) accounts could not be fetched"))
        }
        guard !reasons.isEmpty else {
            return pick("完整：全部 \(total) 个账号获取成功", "Complete: all \(total) accounts fetched")
        }
        return pick("不完整：", "Incomplete: ") + reasons.joined(separator: pick("；", "; "))
    }

    // MARK: - Changes

    var nothingToCompare: String { pick("没有可比较的上次运行。", "No previous run to compare with.") }
    var noChanges: String { pick("与上次运行相比没有变化。", "No changes since the previous run.") }
    func comparedWith(runDir: String, asOf: String, complete: Bool) -> String {
        let completeness = complete ? "" : pick("（上次运行不完整）", " (that run was incomplete)")
        return pick("对比上次运行：\(runDir)，数据截至 \(asOf)", "Compared with \(runDir), as of \(asOf)") + completeness
    }

    // MARK: - Charts

    var chartExpiringPerWeek: String { pick("未来 12 周每周到期线路", "Lines expiring per week, next 12 weeks") }
    var chartWeek: String { pick("周（起止日）", "Week (first–last day)") }
    var chartCapacityByNode: String { pick("各节点并发：占用与空闲", "Capacity by node: in use and free") }
    var chartInUse: String { pick("占用", "In use") }
    var chartFree: String { pick("空闲", "Free") }
    var chartLines: String { pick("线路数", "Lines") }
}
