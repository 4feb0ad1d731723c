import Foundation

/// The words of the Markdown view model and the HTML mail body. Severities, expiry statuses,
/// checks, change kinds, engines and the completeness sentence come from `Labels` itself, so the
/// workbook, the Markdown and the HTML say the same thing.
extension Labels {
    // MARK: - Values

    /// The caption of a `check_id` as `changes.csv` writes it (text, perhaps a future check).
    func check(raw: String) -> String {
        CheckID(rawValue: raw).map { check($0) } ?? raw
    }

    /// After the accounts shown in a cell.
    func moreAccounts(_ count: Int) -> String {
        pick("等另 \(count) 个", "+\(count) more")
    }

    /// Under a list cut at its limit.
    func moreRows(_ count: Int) -> String {
        pick("……另有 \(count) 条，见工作簿和 CSV 文件。", "… and \(count) more: see the workbook and the CSV files.")
    }

    /// A headline number's change since the previous night: `（较上次 +4）` / ` (+4 since 2026-11-24)`.
    func change(_ value: Int, since day: String) -> String {
        let signed = value > 0 ? "+\(value)" : value < 0 ? "−\(-value)" : "±0"
        return pick("（较上次 \(signed)）", " (\(signed) since \(day))")
    }

    /// The change of one of the action counts, "" on a first night.
    func change(_ model: SummaryModel, _ value: (TrendDelta) -> Int) -> String {
        model.delta.map { change(value($0), since: model.deltaSince) } ?? ""
    }

    /// The run's completeness as a sentence.
    func completenessSentence(_ model: SummaryModel) -> String {
        completenessText(model.accounts, interrupted: model.interrupted, unreachable: model.unreachable)
            + pick("。", ".")
    }

    /// One account as shown in a cell: its label and key, or the key alone.
    func account(_ account: SummaryModel.AccountItem) -> String {
        guard !account.label.isEmpty else { return account.key }
        return account.label + pick("（", " (") + account.key + pick("）", ")")
    }

    func accounts(_ list: SummaryModel.AccountList) -> String {
        var text = list.shown.map(account).joined(separator: pick("、", ", "))
        if list.more > 0 { text += " " + moreAccounts(list.more) }
        return text
    }

    /// Account keys (a change row names keys only).
    func accounts(keys: [String]) -> String {
        let shown = keys.prefix(SummaryModel.accountsPerCell).joined(separator: pick("、", ", "))
        let more = keys.count - min(keys.count, SummaryModel.accountsPerCell)
        return more > 0 ? shown + " " + moreAccounts(more) : shown
    }

    /// A finding's or change's object: its name and id, or whichever is known.
    func object(name: String, id: String) -> String {
        if name.isEmpty { return id }
        if id.isEmpty || ScalarOrder.equal(name, id) { return name }
        return name + pick("（", " (") + id + pick("）", ")")
    }

    func node(_ node: String) -> String { node.isEmpty ? unknownNode : node }
    func engine(_ engine: String) -> String { engine.isEmpty ? unsetEngine : engine }

    /// What a change moved from and to.
    func changeDetail(_ item: SummaryModel.ChangeItem) -> String {
        switch (item.before.isEmpty, item.after.isEmpty) {
        case (true, true): ""
        case (false, true): item.before + " → " + pick("（无）", "(none)")
        case (true, false): item.after
        case (false, false): item.before + " → " + item.after
        }
    }

    // MARK: - The HTML page (the Markdown has its own words, in the editable templates)

    var needsAction: String { pick("需要处理", "Needs action") }
    var nothingToDo: String { pick("今天没有需要处理的事项。", "Nothing needs action today.") }
    var actionFailedAccounts: String { pick("获取失败的账号", "Accounts that could not be fetched") }
    var actionCritical: String { pick("严重问题", "Critical findings") }
    var actionHigh: String { pick("高级别问题", "High findings") }
    var actionExpired: String { pick("已过期的线路", "Lines expired") }
    func actionSoon(_ days: Int) -> String { pick("\(days) 天内到期的线路", "Lines expiring within \(days) days") }
    var actionSaturated: String { pick("并发已满的线路", "Saturated lines") }
    var actionNewUrgent: String {
        pick("自上次运行以来新增的严重/高级别问题", "New critical/high findings since the previous run")
    }

    var changesHeading: String { pick("自上次运行以来的变化", "Since the previous run") }
    var newUrgentHeading: String { pick("新增的严重/高级别问题", "New critical and high findings") }
    var resolvedHeading: String { pick("已解决的问题", "Resolved findings") }
    var otherChangesHeading: String { pick("其他变化", "Other changes") }
    var compareWarningCaption: String { pick("未与上次运行对比", "Not compared with a previous run") }

    var failedAccountsHeading: String { pick("获取失败的账号", "Accounts that could not be fetched") }
    var urgentHeading: String { pick("严重和高级别问题", "Critical and high findings") }
    var noUrgent: String { pick("没有未屏蔽的严重或高级别问题。", "No unsuppressed critical or high finding.") }
    var suppressedHeading: String { pick("已屏蔽的问题", "Suppressed findings") }
    var suppressedNote: String {
        pick("以下问题已按配置屏蔽，不计入上面的统计，仅供查阅。", "Suppressed by the configuration, not counted above; listed for reference.")
    }
    func expiringHeading(_ days: Int) -> String {
        pick("已过期或 \(days) 天内到期的线路", "Lines expired or expiring within \(days) days")
    }
    var noExpiring: String { pick("没有已过期或即将到期的线路。", "No line expired or expiring soon.") }
    func expiringTop(_ shown: Int, of total: Int) -> String {
        shown < total
            ? pick(
                "即将到期的在前（按到期时间），再是最近过期的；共 \(total) 条，显示最近的 \(shown) 条。",
                "About to expire first (soonest first), then the most recently expired; \(total) in all; the nearest \(shown) are shown.")
            : pick(
                "即将到期的在前（按到期时间），再是最近过期的；共 \(total) 条。",
                "About to expire first (soonest first), then the most recently expired; \(total) in all.")
    }
    var capacityHeading: String { pick("各节点容量", "Capacity by node") }
    var zeroLines: String { pick("没有线路。", "No lines.") }
    var enginesHeading: String { pick("引擎清单", "Engine inventory") }
    var zeroScriptGroups: String { pick("没有话术组。", "No script groups.") }
    var countsHeading: String { pick("统计", "Counts") }
    var totalRow: String { pick("合计", "Total") }
    var summaryFooter: String {
        pick("由 yunfu-report 生成，完整数据见工作簿和 CSV 文件。", "Written by yunfu-report; the full data is in the workbook and the CSV files.")
    }

    // Counts.
    var countAccounts: String { pick("账号（成功 / 失败）", "Accounts (ok / failed)") }
    var countLines: String { pick("线路", "Lines") }
    var countNodes: String { pick("节点", "Nodes") }
    var countScriptGroups: String { pick("话术组（启用）", "Script groups (active)") }
    var countRecycleGaps: String { pick("未覆盖的必需回收状态", "Required recycle statuses not covered") }
    var countFindings: String { pick("问题（已屏蔽）", "Findings (suppressed)") }
    var countWarnings: String { pick("数据警告", "Data warnings") }
    var countStaleSuppressions: String { pick("失效的屏蔽规则", "Stale suppressions") }
}
