import Foundation

/// What the Markdown templates can name. Every text is already escaped for Markdown
/// (`MarkdownEscape.text`), so `{{name}}` and `{{{name}}}` print the same thing. Figures are text
/// too; every "is there any" question has its own flag (`has_…`), because a section over a text
/// renders even when the text is empty or "0".
///
/// The names, by context (this is what `docs` lists for people editing the templates):
/// the root (`MarkdownRoot`), `action`, `changes` and its lists, `failed_accounts`,
/// `urgent_findings` / `suppressed_findings`, `expiring_lines`, `nodes` / `capacity`, `engines`,
/// `counts`, `findings_by_severity`, `lines_by_status`.
struct MarkdownRoot: TemplateContext {
    var date: String
    var asOf: String
    var timeZone: String
    var utcOffset: String
    var complete: Bool
    var interrupted: Bool
    var completeness: String
    var soonDays: String
    var upcomingDays: String
    var expiringLimit: String
    var action: MarkdownAction
    var changes: MarkdownChanges
    var failedAccounts: [MarkdownFailedAccount]
    var hasFailedAccounts: Bool
    var failedAccountsMore: String
    var hasFailedAccountsMore: Bool
    var urgentFindings: [MarkdownFinding]
    var hasUrgentFindings: Bool
    var urgentFindingsMore: String
    var hasUrgentFindingsMore: Bool
    var suppressedFindings: [MarkdownFinding]
    var hasSuppressedFindings: Bool
    var suppressedFindingsMore: String
    var hasSuppressedFindingsMore: Bool
    var expiringLines: [MarkdownLine]
    var hasExpiringLines: Bool
    var expiringLinesTotal: String
    var expiringLinesMore: String
    var hasExpiringLinesMore: Bool
    var nodes: [MarkdownCapacity]
    var hasNodes: Bool
    var capacity: MarkdownCapacity
    var engines: [MarkdownEngine]
    var hasEngines: Bool
    var counts: MarkdownCounts
    var findingsBySeverity: [MarkdownSeverityCount]
    var linesByStatus: [MarkdownStatusCount]

    static var templateFields: [TemplateField<Self>] {
        [
            .text("date", \.date),
            .text("as_of", \.asOf),
            .text("time_zone", \.timeZone),
            .text("utc_offset", \.utcOffset),
            .flag("complete", \.complete),
            .flag("interrupted", \.interrupted),
            .text("completeness", \.completeness),
            .text("soon_days", \.soonDays),
            .text("upcoming_days", \.upcomingDays),
            .text("expiring_limit", \.expiringLimit),
            .object("action", \.action),
            .object("changes", \.changes),
            .list("failed_accounts", \.failedAccounts),
            .flag("has_failed_accounts", \.hasFailedAccounts),
            .text("failed_accounts_more", \.failedAccountsMore),
            .flag("has_failed_accounts_more", \.hasFailedAccountsMore),
            .list("urgent_findings", \.urgentFindings),
            .flag("has_urgent_findings", \.hasUrgentFindings),
            .text("urgent_findings_more", \.urgentFindingsMore),
            .flag("has_urgent_findings_more", \.hasUrgentFindingsMore),
            .list("suppressed_findings", \.suppressedFindings),
            .flag("has_suppressed_findings", \.hasSuppressedFindings),
            .text("suppressed_findings_more", \.suppressedFindingsMore),
            .flag("has_suppressed_findings_more", \.hasSuppressedFindingsMore),
            .list("expiring_lines", \.expiringLines),
            .flag("has_expiring_lines", \.hasExpiringLines),
            .text("expiring_lines_total", \.expiringLinesTotal),
            .text("expiring_lines_more", \.expiringLinesMore),
            .flag("has_expiring_lines_more", \.hasExpiringLinesMore),
            .list("nodes", \.nodes),
            .flag("has_nodes", \.hasNodes),
            .object("capacity", \.capacity),
            .list("engines", \.engines),
            .flag("has_engines", \.hasEngines),
            .object("counts", \.counts),
            .list("findings_by_severity", \.findingsBySeverity),
            .list("lines_by_status", \.linesByStatus),
        ]
    }
}

/// `action`: the opening summary of what needs action.
struct MarkdownAction: TemplateContext {
    var nothing: Bool
    var failedAccounts: String
    var hasFailedAccounts: Bool
    /// Its change since the previous night (`（较上次 +4）`), "" on a first night.
    var failedAccountsChange: String
    var critical: String
    var hasCritical: Bool
    /// Its change since the previous night (`（较上次 +4）`), "" on a first night.
    var criticalChange: String
    var high: String
    var hasHigh: Bool
    /// Its change since the previous night (`（较上次 +4）`), "" on a first night.
    var highChange: String
    var expiredLines: String
    var hasExpiredLines: Bool
    /// Its change since the previous night (`（较上次 +4）`), "" on a first night.
    var expiredLinesChange: String
    var soonLines: String
    var hasSoonLines: Bool
    /// Its change since the previous night (`（较上次 +4）`), "" on a first night.
    var soonLinesChange: String
    var saturatedLines: String
    var hasSaturatedLines: Bool
    /// Its change since the previous night (`（较上次 +4）`), "" on a first night.
    var saturatedLinesChange: String
    var newUrgent: String
    var hasNewUrgent: Bool

    static var templateFields: [TemplateField<Self>] {
        [
            .flag("nothing", \.nothing),
            .text("failed_accounts", \.failedAccounts),
            .text("failed_accounts_change", \.failedAccountsChange),
            .flag("has_failed_accounts", \.hasFailedAccounts),
            .text("critical", \.critical),
            .text("critical_change", \.criticalChange),
            .flag("has_critical", \.hasCritical),
            .text("high", \.high),
            .text("high_change", \.highChange),
            .flag("has_high", \.hasHigh),
            .text("expired_lines", \.expiredLines),
            .text("expired_lines_change", \.expiredLinesChange),
            .flag("has_expired_lines", \.hasExpiredLines),
            .text("soon_lines", \.soonLines),
            .text("soon_lines_change", \.soonLinesChange),
            .flag("has_soon_lines", \.hasSoonLines),
            .text("saturated_lines", \.saturatedLines),
            .text("saturated_lines_change", \.saturatedLinesChange),
            .flag("has_saturated_lines", \.hasSaturatedLines),
            .text("new_urgent", \.newUrgent),
            .flag("has_new_urgent", \.hasNewUrgent),
        ]
    }
}

/// `changes`: since the previous run. `compared` is false when there was nothing to compare with;
/// `has_warning` says a previous run was skipped or unusable, and `warning` why.
struct MarkdownChanges: TemplateContext {
    var compared: Bool
    var previousAsOf: String
    var previousRunDir: String
    var previousComplete: Bool
    var hasWarning: Bool
    var warning: String
    var none: Bool
    var total: String
    var kinds: [MarkdownChangeKind]
    var newUrgent: [MarkdownChange]
    var hasNewUrgent: Bool
    var newUrgentMore: String
    var hasNewUrgentMore: Bool
    var resolved: [MarkdownChange]
    var hasResolved: Bool
    var resolvedMore: String
    var hasResolvedMore: Bool
    var other: [MarkdownChange]
    var hasOther: Bool
    var otherMore: String
    var hasOtherMore: Bool

    static var templateFields: [TemplateField<Self>] {
        [
            .flag("compared", \.compared),
            .text("previous_as_of", \.previousAsOf),
            .text("previous_run_dir", \.previousRunDir),
            .flag("previous_complete", \.previousComplete),
            .flag("has_warning", \.hasWarning),
            .text("warning", \.warning),
            .flag("none", \.none),
            .text("total", \.total),
            .list("kinds", \.kinds),
            .list("new_urgent", \.newUrgent),
            .flag("has_new_urgent", \.hasNewUrgent),
            .text("new_urgent_more", \.newUrgentMore),
            .flag("has_new_urgent_more", \.hasNewUrgentMore),
            .list("resolved", \.resolved),
            .flag("has_resolved", \.hasResolved),
            .text("resolved_more", \.resolvedMore),
            .flag("has_resolved_more", \.hasResolvedMore),
            .list("other", \.other),
            .flag("has_other", \.hasOther),
            .text("other_more", \.otherMore),
            .flag("has_other_more", \.hasOtherMore),
        ]
    }
}

struct MarkdownChangeKind: TemplateContext {
    var kind: String
    var label: String
    var count: String

    static var templateFields: [TemplateField<Self>] {
        [.text("kind", \.kind), .text("label", \.label), .text("count", \.count)]
    }
}

struct MarkdownChange: TemplateContext {
    var change: String
    var changeLabel: String
    var severity: String
    var severityLabel: String
    var checkID: String
    var checkLabel: String
    var objectType: String
    var objectID: String
    var objectName: String
    var object: String
    var accounts: String
    var before: String
    var after: String
    var detail: String

    static var templateFields: [TemplateField<Self>] {
        [
            .text("change", \.change),
            .text("change_label", \.changeLabel),
            .text("severity", \.severity),
            .text("severity_label", \.severityLabel),
            .text("check_id", \.checkID),
            .text("check_label", \.checkLabel),
            .text("object_type", \.objectType),
            .text("object_id", \.objectID),
            .text("object_name", \.objectName),
            .text("object", \.object),
            .text("accounts", \.accounts),
            .text("before", \.before),
            .text("after", \.after),
            .text("detail", \.detail),
        ]
    }
}

struct MarkdownFailedAccount: TemplateContext {
    var account: String
    var key: String
    var label: String
    var userID: String
    var subUserID: String
    var error: String
    var attempts: String

    static var templateFields: [TemplateField<Self>] {
        [
            .text("account", \.account),
            .text("key", \.key),
            .text("label", \.label),
            .text("user_id", \.userID),
            .text("sub_user_id", \.subUserID),
            .text("error", \.error),
            .text("attempts", \.attempts),
        ]
    }
}

struct MarkdownFinding: TemplateContext {
    var severity: String
    var severityLabel: String
    var checkID: String
    var checkLabel: String
    var objectType: String
    var objectID: String
    var objectName: String
    var object: String
    var accounts: String
    var message: String
    var reason: String

    static var templateFields: [TemplateField<Self>] {
        [
            .text("severity", \.severity),
            .text("severity_label", \.severityLabel),
            .text("check_id", \.checkID),
            .text("check_label", \.checkLabel),
            .text("object_type", \.objectType),
            .text("object_id", \.objectID),
            .text("object_name", \.objectName),
            .text("object", \.object),
            .text("accounts", \.accounts),
            .text("message", \.message),
            .text("reason", \.reason),
        ]
    }
}

struct MarkdownLine: TemplateContext {
    var lineID: String
    var name: String
    var line: String
    var remark: String
    var node: String
    var lineType: String
    var availableAt: String
    var daysLeft: String
    var status: String
    var statusLabel: String
    var concurrency: String
    var residue: String
    var accounts: String

    static var templateFields: [TemplateField<Self>] {
        [
            .text("line_id", \.lineID),
            .text("name", \.name),
            .text("line", \.line),
            .text("remark", \.remark),
            .text("node", \.node),
            .text("line_type", \.lineType),
            .text("available_at", \.availableAt),
            .text("days_left", \.daysLeft),
            .text("status", \.status),
            .text("status_label", \.statusLabel),
            .text("concurrency", \.concurrency),
            .text("residue", \.residue),
            .text("accounts", \.accounts),
        ]
    }
}

/// A node of `nodes`, or `capacity` (the totals, whose `node` is the word for "total").
struct MarkdownCapacity: TemplateContext {
    var node: String
    var lines: String
    var concurrency: String
    var residue: String
    var inUse: String
    var utilization: String
    var saturatedLines: String
    var expiringLines: String

    static var templateFields: [TemplateField<Self>] {
        [
            .text("node", \.node),
            .text("lines", \.lines),
            .text("concurrency", \.concurrency),
            .text("residue", \.residue),
            .text("in_use", \.inUse),
            .text("utilization", \.utilization),
            .text("saturated_lines", \.saturatedLines),
            .text("expiring_lines", \.expiringLines),
        ]
    }
}

struct MarkdownEngine: TemplateContext {
    var kind: String
    var kindLabel: String
    var engine: String
    var unset: Bool
    var scriptGroups: String
    var activeScriptGroups: String
    var accounts: String

    static var templateFields: [TemplateField<Self>] {
        [
            .text("kind", \.kind),
            .text("kind_label", \.kindLabel),
            .text("engine", \.engine),
            .flag("unset", \.unset),
            .text("script_groups", \.scriptGroups),
            .text("active_script_groups", \.activeScriptGroups),
            .text("accounts", \.accounts),
        ]
    }
}

struct MarkdownCounts: TemplateContext {
    var accounts: String
    var accountsOK: String
    var accountsFailed: String
    var accountsNotFetched: String
    var hasAccountsNotFetched: Bool
    var lines: String
    var nodes: String
    var scriptGroups: String
    var activeScriptGroups: String
    var recycleGaps: String
    var findings: String
    var suppressedFindings: String
    var warnings: String
    var staleSuppressions: String
    var changes: String

    static var templateFields: [TemplateField<Self>] {
        [
            .text("accounts", \.accounts),
            .text("accounts_ok", \.accountsOK),
            .text("accounts_failed", \.accountsFailed),
            .text("accounts_not_fetched", \.accountsNotFetched),
            .flag("has_accounts_not_fetched", \.hasAccountsNotFetched),
            .text("lines", \.lines),
            .text("nodes", \.nodes),
            .text("script_groups", \.scriptGroups),
            .text("active_script_groups", \.activeScriptGroups),
            .text("recycle_gaps", \.recycleGaps),
            .text("findings", \.findings),
            .text("suppressed_findings", \.suppressedFindings),
            .text("warnings", \.warnings),
            .text("stale_suppressions", \.staleSuppressions),
            .text("changes", \.changes),
        ]
    }
}

struct MarkdownSeverityCount: TemplateContext {
    var severity: String
    var label: String
    var count: String
    var suppressed: String

    static var templateFields: [TemplateField<Self>] {
        [
            .text("severity", \.severity),
            .text("label", \.label),
            .text("count", \.count),
            .text("suppressed", \.suppressed),
        ]
    }
}

struct MarkdownStatusCount: TemplateContext {
    var status: String
    var label: String
    var count: String

    static var templateFields: [TemplateField<Self>] {
        [.text("status", \.status), .text("label", \.label), .text("count", \.count)]
    }
}

// MARK: - Building

extension MarkdownRoot {
    /// The view model of `model` in the words of `captions`, every text escaped for Markdown.
    init(_ model: SummaryModel, captions c: Labels) {
        let md = MarkdownEscape.text
        func n(_ value: Int) -> String { String(value) }
        func more(_ count: Int) -> String { count > 0 ? md(c.moreRows(count)) : "" }

        date = md(model.date)
        asOf = md(model.asOf)
        timeZone = md(model.timeZone)
        utcOffset = md(model.utcOffset)
        complete = model.complete
        interrupted = model.interrupted
        completeness = md(c.completenessSentence(model))
        soonDays = n(model.soonDays)
        upcomingDays = n(model.upcomingDays)
        expiringLimit = n(SummaryModel.expiringLinesLimit)
        action = MarkdownAction(model, captions: c)
        changes = MarkdownChanges(model, captions: c)

        failedAccounts = model.failedAccounts.items.map {
            MarkdownFailedAccount(
                account: md(c.account($0.account)), key: md($0.account.key), label: md($0.account.label),
                userID: md($0.userID), subUserID: md($0.subUserID), error: md($0.error), attempts: n($0.attempts))
        }
        hasFailedAccounts = !model.failedAccounts.isEmpty
        failedAccountsMore = more(model.failedAccounts.more)
        hasFailedAccountsMore = model.failedAccounts.more > 0

        urgentFindings = model.urgentFindings.items.map { MarkdownFinding($0, captions: c) }
        hasUrgentFindings = !model.urgentFindings.isEmpty
        urgentFindingsMore = more(model.urgentFindings.more)
        hasUrgentFindingsMore = model.urgentFindings.more > 0
        suppressedFindings = model.suppressedFindings.items.map { MarkdownFinding($0, captions: c) }
        hasSuppressedFindings = !model.suppressedFindings.isEmpty
        suppressedFindingsMore = more(model.suppressedFindings.more)
        hasSuppressedFindingsMore = model.suppressedFindings.more > 0

        expiringLines = model.expiringLines.items.map { MarkdownLine($0, captions: c) }
        hasExpiringLines = !model.expiringLines.isEmpty
        expiringLinesTotal = n(model.expiringLines.total)
        expiringLinesMore = more(model.expiringLines.more)
        hasExpiringLinesMore = model.expiringLines.more > 0

        nodes = model.nodes.map { MarkdownCapacity(node: c.node($0.node), $0.figures) }
        hasNodes = !model.nodes.isEmpty
        capacity = MarkdownCapacity(node: c.totalRow, model.capacity)

        engines = model.engines.map {
            MarkdownEngine(
                kind: md($0.kind.rawValue), kindLabel: md(c.engineKind($0.kind)), engine: md(c.engine($0.engine)),
                unset: $0.engine.isEmpty, scriptGroups: n($0.scriptGroups),
                activeScriptGroups: n($0.activeScriptGroups), accounts: n($0.accounts))
        }
        hasEngines = !model.engines.isEmpty
        counts = MarkdownCounts(model)
        findingsBySeverity = model.severities.map {
            MarkdownSeverityCount(
                severity: md($0.severity.rawValue), label: md(c.severity($0.severity)), count: n($0.unsuppressed),
                suppressed: n($0.suppressed))
        }
        linesByStatus = model.linesByStatus.map {
            MarkdownStatusCount(status: md($0.status.rawValue), label: md(c.expiryStatus($0.status)), count: n($0.lines))
        }
    }
}

extension MarkdownAction {
    /// "What needs doing": the counts, whether each is there, and each one's change since the previous run.
    init(_ model: SummaryModel, captions c: Labels) {
        let md = MarkdownEscape.text
        func n(_ value: Int) -> String { String(value) }
        let a = model.action
        self.init(
            nothing: a.isEmpty,
            failedAccounts: n(a.failedAccounts), hasFailedAccounts: a.failedAccounts > 0, failedAccountsChange: md(c.change(model, \.accountsFailed)),
            critical: n(a.critical), hasCritical: a.critical > 0, criticalChange: md(c.change(model, \.critical)),
            high: n(a.high), hasHigh: a.high > 0, highChange: md(c.change(model, \.high)),
            expiredLines: n(a.expiredLines), hasExpiredLines: a.expiredLines > 0, expiredLinesChange: md(c.change(model, \.linesExpired)),
            soonLines: n(a.soonLines), hasSoonLines: a.soonLines > 0, soonLinesChange: md(c.change(model, \.linesSoon)),
            saturatedLines: n(a.saturatedLines), hasSaturatedLines: a.saturatedLines > 0, saturatedLinesChange: md(c.change(model, \.linesSaturated)),
            newUrgent: n(a.newUrgent), hasNewUrgent: a.newUrgent > 0)
    }
}

extension MarkdownChanges {
    /// The changes since the previous run, or why there is no comparison.
    init(_ model: SummaryModel, captions c: Labels) {
        let md = MarkdownEscape.text
        func n(_ value: Int) -> String { String(value) }
        func more(_ count: Int) -> String { count > 0 ? md(c.moreRows(count)) : "" }
        func change(_ item: SummaryModel.ChangeItem) -> MarkdownChange { MarkdownChange(item, captions: c) }
        guard let summary = model.changes else {
            self.init(
                compared: false, previousAsOf: "", previousRunDir: "", previousComplete: false,
                hasWarning: model.compareWarning != nil, warning: md(model.compareWarning ?? ""),
                none: false, total: "0", kinds: [],
                newUrgent: [], hasNewUrgent: false, newUrgentMore: "", hasNewUrgentMore: false,
                resolved: [], hasResolved: false, resolvedMore: "", hasResolvedMore: false,
                other: [], hasOther: false, otherMore: "", hasOtherMore: false)
            return
        }
        self.init(
            compared: true,
            previousAsOf: md(summary.previous.asOf), previousRunDir: md(summary.previous.name),
            previousComplete: summary.previous.complete,
            hasWarning: false, warning: "",
            none: summary.total == 0, total: n(summary.total),
            kinds: summary.kinds.map {
                MarkdownChangeKind(kind: md($0.kind.rawValue), label: md(c.changeKind($0.kind)), count: n($0.count))
            },
            newUrgent: summary.newUrgent.items.map(change), hasNewUrgent: !summary.newUrgent.isEmpty,
            newUrgentMore: more(summary.newUrgent.more), hasNewUrgentMore: summary.newUrgent.more > 0,
            resolved: summary.resolved.items.map(change), hasResolved: !summary.resolved.isEmpty,
            resolvedMore: more(summary.resolved.more), hasResolvedMore: summary.resolved.more > 0,
            other: summary.other.items.map(change), hasOther: !summary.other.isEmpty,
            otherMore: more(summary.other.more), hasOtherMore: summary.other.more > 0)
    }
}

extension MarkdownChange {
    init(_ item: SummaryModel.ChangeItem, captions c: Labels) {
        let md = MarkdownEscape.text
        self.init(
            change: md(item.kind.rawValue), changeLabel: md(c.changeKind(item.kind)),
            severity: md(item.severity?.rawValue ?? ""),
            severityLabel: md(item.severity.map(c.severity) ?? ""),
            checkID: md(item.checkID), checkLabel: md(c.check(raw: item.checkID)),
            objectType: md(item.objectType), objectID: md(item.objectID), objectName: md(item.objectName),
            object: md(c.object(name: item.objectName, id: item.objectID)),
            accounts: md(c.accounts(keys: item.accounts)),
            before: md(item.before), after: md(item.after), detail: md(c.changeDetail(item)))
    }
}

extension MarkdownFinding {
    init(_ item: SummaryModel.FindingItem, captions c: Labels) {
        let md = MarkdownEscape.text
        self.init(
            severity: md(item.severity.rawValue), severityLabel: md(c.severity(item.severity)),
            checkID: md(item.checkID.rawValue), checkLabel: md(c.check(item.checkID)),
            objectType: md(item.objectType.rawValue), objectID: md(item.objectID),
            objectName: md(item.objectName), object: md(c.object(name: item.objectName, id: item.objectID)),
            accounts: md(c.accounts(item.accounts)), message: md(item.message), reason: md(item.reason))
    }
}

extension MarkdownLine {
    init(_ line: SummaryModel.LineItem, captions c: Labels) {
        let md = MarkdownEscape.text
        self.init(
            lineID: md(line.lineID), name: md(line.name),
            line: md(c.object(name: line.name.isEmpty ? line.remark : line.name, id: line.lineID)),
            remark: md(line.remark), node: md(c.node(line.node)), lineType: md(line.lineType),
            availableAt: md(line.availableAt.isEmpty ? SummaryFigures.unknown : line.availableAt),
            daysLeft: md(SummaryFigures.integer(line.daysLeft)),
            status: md(line.status.rawValue), statusLabel: md(c.expiryStatus(line.status)),
            concurrency: md(SummaryFigures.integer(line.concurrency)),
            residue: md(SummaryFigures.integer(line.residue)),
            accounts: md(c.accounts(line.accounts)))
    }
}

extension MarkdownCapacity {
    /// One row of the capacity table (`node` already in the reader's words).
    init(node: String, _ f: SummaryModel.CapacityFigures) {
        let md = MarkdownEscape.text
        func n(_ value: Int) -> String { String(value) }
        self.init(
            node: md(node), lines: n(f.lines), concurrency: md(SummaryFigures.integer(f.concurrency)),
            residue: md(SummaryFigures.integer(f.residue)), inUse: md(SummaryFigures.integer(f.inUse)),
            utilization: md(SummaryFigures.percent(f.utilization)), saturatedLines: n(f.saturatedLines),
            expiringLines: n(f.expiringLines))
    }
}

extension MarkdownCounts {
    init(_ model: SummaryModel) {
        func n(_ value: Int) -> String { String(value) }
        let k = model.counts
        self.init(
            accounts: n(model.accounts.total), accountsOK: n(model.accounts.ok),
            accountsFailed: n(model.accounts.failed), accountsNotFetched: n(model.accounts.notFetched),
            hasAccountsNotFetched: model.accounts.notFetched > 0, lines: n(k.lines), nodes: n(k.nodes),
            scriptGroups: n(k.scriptGroups), activeScriptGroups: n(k.activeScriptGroups),
            recycleGaps: n(k.recycleGaps), findings: n(k.findings), suppressedFindings: n(k.suppressedFindings),
            warnings: n(k.warnings), staleSuppressions: n(k.staleSuppressions), changes: n(k.changes))
    }
}
