import Foundation

/// What the Markdown report and the HTML mail body show, built from a `Report` by a pure function
/// (no clock, no locale): the same `Report` always gives the same model. Text is kept raw here;
/// each writer escapes it for its own format and words it through its captions.
///
/// Order of the page: the opening summary of what needs action, the changes since the previous run,
/// failed accounts, critical and high findings, suppressed findings (apart), lines expired or
/// expiring soon, capacity by node, the engine inventory, then counts.
struct SummaryModel: Sendable {
    /// At most this many lines expired or expiring soon are listed, nearest first.
    static let expiringLinesLimit = 20
    /// At most this many rows in the other lists (failed accounts, findings, changes); the rest are
    /// counted ("… and N more") and are in the workbook and the CSV files.
    static let listLimit = 50
    /// At most this many accounts named in one cell; the rest are counted.
    static let accountsPerCell = 3

    /// The as-of date in the report time zone, `YYYY-MM-DD`: the `{date}` of the file names.
    var date: String
    /// The as-of instant as `YYYY-MM-DD HH:MM:SS` in the report time zone.
    var asOf: String
    /// The report time zone's identifier, e.g. `Asia/Shanghai`.
    var timeZone: String
    /// The zone's offset at the as-of instant, e.g. `+08:00`.
    var utcOffset: String
    var interrupted: Bool
    /// The platform could not be reached: the one reason (RunStatus.unreachable).
    var unreachable: String?
    /// No account failed and the run was not interrupted (a report file that could not be written
    /// is known to the manifest only).
    var complete: Bool
    var soonDays: Int
    var upcomingDays: Int

    var accounts: AccountCounts
    var action: ActionCounts
    /// How the headline numbers moved since the previous night of `trend.csv`; nil on a first night.
    var delta: TrendDelta?
    /// The previous night's date (`YYYY-MM-DD` in the report time zone), when there is a delta.
    var deltaSince: String
    /// One entry per severity, critical first.
    var severities: [SeverityCount]
    /// Lines by expiry status, in `ExpiryStatus.allCases` order.
    var linesByStatus: [StatusCount]
    /// nil when this run was not compared with a previous one.
    var changes: ChangesSummary?
    /// Why no previous run was compared with, when one was skipped or unusable.
    var compareWarning: String?
    var failedAccounts: Listing<FailedAccount>
    /// Unsuppressed critical and high findings, in the contract's order.
    var urgentFindings: Listing<FindingItem>
    /// Every suppressed finding, in the contract's order.
    var suppressedFindings: Listing<FindingItem>
    /// Lines expired or expiring soon, nearest first.
    var expiringLines: Listing<LineItem>
    var nodes: [NodeItem]
    var capacity: CapacityFigures
    var engines: [EngineItem]
    var counts: Counts
}

// MARK: - Parts

extension SummaryModel {
    /// The first rows of a list, and how many there are in all.
    struct Listing<Item: Sendable>: Sendable {
        var items: [Item]
        var total: Int

        init(_ all: [Item], limit: Int) {
            items = Array(all.prefix(limit))
            total = all.count
        }

        /// The first `limit` of the elements that pass `include`, made into items; the rest are
        /// only counted (no list of every element is built).
        init<Source: Sequence>(
            _ source: Source, where include: (Source.Element) -> Bool, limit: Int, _ item: (Source.Element) -> Item
        ) {
            var items: [Item] = []
            var total = 0
            for element in source where include(element) {
                if total < limit { items.append(item(element)) }
                total += 1
            }
            self.items = items
            self.total = total
        }

        var isEmpty: Bool { total == 0 }
        /// Rows left out by the limit.
        var more: Int { total - items.count }
    }

    typealias AccountCounts = AccountTally

    /// The opening summary: what needs someone's action today.
    struct ActionCounts: Sendable, Equatable {
        var failedAccounts: Int
        /// Unsuppressed findings.
        var critical: Int
        var high: Int
        var expiredLines: Int
        var soonLines: Int
        var saturatedLines: Int
        /// New critical and high findings since the previous run (0 when not compared).
        var newUrgent: Int

        var isEmpty: Bool {
            failedAccounts == 0 && critical == 0 && high == 0 && expiredLines == 0 && soonLines == 0
                && saturatedLines == 0 && newUrgent == 0
        }
    }

    struct SeverityCount: Sendable, Equatable {
        var severity: Severity
        var unsuppressed: Int
        var suppressed: Int
    }

    struct StatusCount: Sendable, Equatable {
        var status: ExpiryStatus
        var lines: Int
    }

    struct AccountItem: Sendable, Equatable {
        var key: String
        var label: String
    }

    /// Accounts named in one cell: the first few, and how many there are in all.
    struct AccountList: Sendable, Equatable {
        var shown: [AccountItem]
        var total: Int
        var more: Int { total - shown.count }
    }

    struct FailedAccount: Sendable, Equatable {
        var account: AccountItem
        var userID: String
        var subUserID: String
        var error: String
        var attempts: Int
    }

    struct FindingItem: Sendable, Equatable {
        var severity: Severity
        var checkID: CheckID
        var objectType: ObjectType
        var objectID: String
        var objectName: String
        var accounts: AccountList
        /// The finding's message, without the suppression note.
        var message: String
        /// The suppression's reason; "" when not suppressed.
        var reason: String
    }

    struct ChangesSummary: Sendable, Equatable {
        var previous: PreviousRun
        /// `finding_new` of a critical or high finding.
        var newUrgent: Listing<ChangeItem>
        /// `finding_resolved`, every severity.
        var resolved: Listing<ChangeItem>
        /// Everything else: new findings of lower severity, severity changes, line changes.
        var other: Listing<ChangeItem>
        /// Every change kind with at least one row, in the contract's order.
        var kinds: [KindCount]
        var total: Int

        struct KindCount: Sendable, Equatable {
            var kind: ChangeKind
            var count: Int
        }
    }

    struct ChangeItem: Sendable, Equatable {
        var kind: ChangeKind
        var checkID: String
        /// nil when the row's severity is not one of the contract's (a line change has none).
        var severity: Severity?
        var objectType: String
        var objectID: String
        var objectName: String
        /// The account keys, as `changes.csv` lists them.
        var accounts: [String]
        var before: String
        var after: String

        /// A `finding_severity` change to a higher severity.
        var worsened: Bool {
            guard kind == .findingSeverity, let old = Severity(rawValue: before), let new = Severity(rawValue: after)
            else { return false }
            return new < old
        }
    }

    struct LineItem: Sendable, Equatable {
        var lineID: String
        var name: String
        var remark: String
        var node: String
        var lineType: String
        /// `YYYY-MM-DD HH:MM:SS` in the report time zone, as in `lines.csv`.
        var availableAt: String
        var daysLeft: Int64?
        var status: ExpiryStatus
        var concurrency: Int64?
        var residue: Int64?
        var accounts: AccountList
    }

    struct CapacityFigures: Sendable, Equatable {
        var lines: Int
        var concurrency: Int64
        var residue: Int64
        var inUse: Int64
        var utilization: Utilization?
        var saturatedLines: Int
        var expiringLines: Int
    }

    struct NodeItem: Sendable, Equatable {
        /// "" when unknown.
        var node: String
        var figures: CapacityFigures
    }

    struct EngineItem: Sendable, Equatable {
        var kind: EngineKind
        /// "" = unset (the platform default).
        var engine: String
        var scriptGroups: Int
        var activeScriptGroups: Int
        var accounts: Int
    }

    struct Counts: Sendable, Equatable {
        var lines: Int
        var nodes: Int
        var scriptGroups: Int
        var activeScriptGroups: Int
        /// Required recycle statuses not covered, over all accounts × statuses.
        var recycleGaps: Int
        var findings: Int
        var suppressedFindings: Int
        var warnings: Int
        var staleSuppressions: Int
        var changes: Int
    }
}

extension SummaryModel.Listing: Equatable where Item: Equatable {}

// MARK: - Building

extension SummaryModel {
    init(_ report: Report) {
        let zone = report.timeZone
        date = report.asOfDay.description
        asOf = DateText.plain(report.asOf, in: zone)
        timeZone = zone.identifier
        utcOffset = Self.offsetText(zone.secondsFromGMT(for: report.asOf))
        interrupted = report.run.interrupted
        unreachable = report.run.unreachable
        delta = report.trend.delta
        deltaSince = delta?.previousDay(in: zone) ?? ""
        soonDays = report.settings.expirySoonDays
        upcomingDays = report.settings.expiryUpcomingDays

        // The accounts that failed on their own; those an interrupted run did not fetch are counted
        // apart (AccountTally) and named by the RUN_INTERRUPTED finding.
        let failed = report.accounts.filter(\.failed)
        accounts = AccountTally(report.accounts)
        complete = accounts.isComplete(interrupted: report.run.interrupted)

        let (open, acknowledged) = Self.countBySeverity(report.findings)
        severities = Severity.allCases.map { severity in
            SeverityCount(
                severity: severity, unsuppressed: open[severity, default: 0],
                suppressed: acknowledged[severity, default: 0])
        }
        linesByStatus = ExpiryStatus.allCases.map { status in
            StatusCount(status: status, lines: report.lines.count { $0.expiryStatus == status })
        }

        (changes, compareWarning) = Self.changes(report.comparison)

        action = ActionCounts(
            failedAccounts: failed.count,
            critical: open[.critical, default: 0],
            high: open[.high, default: 0],
            expiredLines: report.lines.count { $0.expiryStatus == .expired },
            soonLines: report.lines.count { $0.expiryStatus == .soon },
            saturatedLines: report.lines.count(where: \.isSaturated),
            newUrgent: changes?.newUrgent.total ?? 0)

        // An unreachable platform is one cause, said once (the completeness sentence), not a list
        // of every account.
        failedAccounts = Listing(
            report.run.unreachable == nil ? failed.map(Self.failedAccount) : [], limit: Self.listLimit)
        // Each finding's sentence in the report's language (Labels.findingSentence).
        let words = Labels(locale: report.settings.locale)
        let finding = { (item: Finding) in Self.findingItem(item, labels: words, zone: zone) }
        urgentFindings = Self.urgentListing(report, labels: words, finding)
        suppressedFindings = Listing(report.findings, where: \.suppressed, limit: Self.listLimit, finding)

        expiringLines = Self.expiringLines(report.lines, zone: zone)

        nodes = Self.nodeItems(report.nodes)
        capacity = Self.capacityTotals(report.nodes)
        engines = report.engines.map {
            EngineItem(
                kind: $0.kind, engine: $0.engine, scriptGroups: $0.scriptGroups,
                activeScriptGroups: $0.activeScriptGroups, accounts: $0.accounts)
        }
        counts = Self.counts(report, open: open, suppressed: acknowledged)
    }

    /// The unsuppressed critical and high findings. With the platform unreachable, the accounts'
    /// FETCH_FAILED findings are that one cause again: one row says it, for all of them
    /// (findings.csv keeps them, one per account).
    static func urgentListing(
        _ report: Report, labels: Labels, _ finding: (Finding) -> FindingItem
    ) -> Listing<FindingItem> {
        let urgent = { (item: Finding) in !item.suppressed && (item.severity == .critical || item.severity == .high) }
        guard let cause = report.run.unreachable else {
            return Listing(report.findings, where: urgent, limit: listLimit, finding)
        }
        var listing = Listing(
            report.findings, where: { urgent($0) && $0.checkID != .fetchFailed }, limit: listLimit, finding)
        let accounts = report.findings.count { urgent($0) && $0.checkID == .fetchFailed }
        guard accounts > 0 else { return listing }
        let row = FindingItem(
            severity: .critical, checkID: .fetchFailed, objectType: .account, objectID: "",
            objectName: labels.pick("\(accounts) 个账号", accounts == 1 ? "1 account" : "\(accounts) accounts"),
            accounts: AccountList(shown: [], total: 0),
            message: labels.pick("平台无法访问：\(labels.fetchError(cause))。", "The platform could not be reached: \(cause)."),
            reason: "")
        listing.items.insert(row, at: 0)
        if listing.items.count > listLimit { listing.items.removeLast() }
        listing.total += 1
        return listing
    }

    static func nodeItems(_ nodes: [NodeRow]) -> [NodeItem] {
        nodes.map { node in
            NodeItem(
                node: node.node,
                figures: CapacityFigures(
                    lines: node.lines, concurrency: node.totalConcurrency, residue: node.totalResidue,
                    inUse: node.inUse, utilization: node.utilization, saturatedLines: node.saturatedLines,
                    expiringLines: node.expiringLines))
        }
    }

    static func counts(_ report: Report, open: [Severity: Int], suppressed: [Severity: Int]) -> Counts {
        Counts(
            lines: report.lines.count,
            nodes: report.nodes.count,
            scriptGroups: report.scriptGroupCount,
            activeScriptGroups: report.activeScriptGroupCount,
            recycleGaps: report.coverage.count { $0.required && !$0.covered },
            findings: open.values.reduce(0, +),
            suppressedFindings: suppressed.values.reduce(0, +),
            warnings: report.warnings.count,
            staleSuppressions: report.staleSuppressions.count,
            changes: report.comparison.changes.count)
    }

    /// The unsuppressed and the suppressed findings by severity, counted in one pass (the findings
    /// are not copied: tens of thousands in a large fleet).
    static func countBySeverity(_ findings: [Finding]) -> (open: [Severity: Int], suppressed: [Severity: Int]) {
        var open: [Severity: Int] = [:]
        var suppressed: [Severity: Int] = [:]
        for finding in findings {
            if finding.suppressed { suppressed[finding.severity, default: 0] += 1 } else { open[finding.severity, default: 0] += 1 }
        }
        return (open, suppressed)
    }

    static func failedAccount(_ row: AccountRow) -> FailedAccount {
        FailedAccount(
            account: accountItem(row.account), userID: row.account.userID, subUserID: row.account.subUserID ?? "",
            error: row.error ?? "", attempts: row.attempts)
    }

    /// The expired and soon-expiring lines, nearest first (LineRow.nearestExpiryFirst): about to
    /// expire, then the latest expired.
    static func expiringLines(_ lines: [LineRow], zone: TimeZone) -> Listing<LineItem> {
        let expiring = lines
            .filter { $0.expiryStatus == .expired || $0.expiryStatus == .soon }
            .sorted(by: LineRow.nearestExpiryFirst)
            .map { lineItem($0, zone: zone) }
        return Listing(expiring, limit: expiringLinesLimit)
    }

    /// The changes since the previous run, or the warning of why there is no comparison.
    static func changes(_ comparison: Comparison) -> (ChangesSummary?, String?) {
        switch comparison {
        case .none(let warning):
            return (nil, warning)
        case .compared(let previous, let rows):
            let items = rows.map(Self.changeItem)
            // New critical and high findings, and findings that became critical or high (a line's
            // expiry getting closer: upcoming → soon → expired).
            let isUrgent: (ChangeItem) -> Bool = { item in
                (item.kind == .findingNew || (item.kind == .findingSeverity && item.worsened))
                    && (item.severity == .critical || item.severity == .high)
            }
            let kinds = ChangeKind.allCases.compactMap { kind -> ChangesSummary.KindCount? in
                let count = rows.count { $0.change == kind }
                return count > 0 ? ChangesSummary.KindCount(kind: kind, count: count) : nil
            }
            let summary = ChangesSummary(
                previous: previous,
                newUrgent: Listing(items.filter(isUrgent), limit: Self.listLimit),
                resolved: Listing(items.filter { $0.kind == .findingResolved }, limit: Self.listLimit),
                other: Listing(
                    items.filter { !isUrgent($0) && $0.kind != .findingResolved }, limit: Self.listLimit),
                kinds: kinds,
                total: rows.count)
            return (summary, nil)
        }
    }

    /// The capacity totals over the nodes (the same sums as capacity_by_node.csv).
    static func capacityTotals(_ nodes: [NodeRow]) -> CapacityFigures {
        let totalConcurrency = Self.saturatingSum(nodes.map(\.totalConcurrency))
        let totalResidue = Self.saturatingSum(nodes.map(\.totalResidue))
        let totalInUse = Self.saturatingSum(nodes.map(\.inUse))
        return CapacityFigures(
            lines: nodes.reduce(0) { $0 + $1.lines },
            concurrency: totalConcurrency,
            residue: totalResidue,
            inUse: totalInUse,
            utilization: Utilization(totalInUse, over: totalConcurrency),
            saturatedLines: nodes.reduce(0) { $0 + $1.saturatedLines },
            expiringLines: nodes.reduce(0) { $0 + $1.expiringLines })
    }

    static func accountItem(_ account: AccountRef) -> AccountItem {
        AccountItem(key: account.key, label: account.label)
    }

    static func accountList(_ accounts: [AccountRef]) -> AccountList {
        AccountList(shown: accounts.prefix(accountsPerCell).map(accountItem), total: accounts.count)
    }

    static func findingItem(_ finding: Finding, labels: Labels, zone: TimeZone) -> FindingItem {
        FindingItem(
            severity: finding.severity, checkID: finding.checkID, objectType: finding.objectType,
            objectID: finding.objectID, objectName: finding.objectName,
            accounts: accountList(finding.accounts), message: labels.findingSentence(finding, timeZone: zone),
            reason: finding.suppressedBy ?? "")
    }

    static func changeItem(_ row: ChangeRow) -> ChangeItem {
        ChangeItem(
            kind: row.change, checkID: row.checkID, severity: Severity(rawValue: row.severity),
            objectType: row.objectType, objectID: row.objectID, objectName: row.objectName,
            accounts: row.accounts.split(separator: ";", omittingEmptySubsequences: true).map(String.init),
            before: row.before, after: row.after)
    }

    static func lineItem(_ line: LineRow, zone: TimeZone) -> LineItem {
        LineItem(
            lineID: line.lineID, name: line.name, remark: line.remark, node: line.node,
            lineType: line.lineType,
            availableAt: line.availableAt.map { DateText.plain($0, in: zone) } ?? "",
            daysLeft: line.daysToExpiry, status: line.expiryStatus,
            concurrency: line.concurrency, residue: line.residue, accounts: accountList(line.accounts))
    }

    static func saturatingSum(_ values: [Int64]) -> Int64 {
        values.reduce(Int64(0)) { sum, value in
            let (result, overflow) = sum.addingReportingOverflow(value)
            return overflow ? (value > 0 ? Int64.max : Int64.min) : result
        }
    }

    /// `+08:00`, `-03:30`, `+00:00`.
    static func offsetText(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return sign + pad2(minutes / 60) + ":" + pad2(minutes % 60)
    }

    private static func pad2(_ value: Int) -> String {
        value < 10 ? "0" + String(value) : String(value)
    }
}

// MARK: - Figures as text (the same in every locale and both writers)

enum SummaryFigures {
    /// Shown for an unknown figure.
    static let unknown = "—"

    static func integer(_ value: Int64?) -> String {
        value.map { String($0) } ?? unknown
    }

    static func integer(_ value: Int) -> String { String(value) }

    /// `75.0%`, one decimal, rounded half away from zero; `—` when unknown.
    static func percent(_ utilization: Utilization?) -> String {
        guard let utilization else { return unknown }
        // Per mille, rounded, from the exact ratio: no floating-point drift between runs.
        let numerator = Double(utilization.numerator) * 1000
        let perMille = (numerator / Double(utilization.denominator)).rounded(.toNearestOrAwayFromZero)
        guard perMille.isFinite, abs(perMille) < 1e15 else { return unknown }
        let value = Int64(perMille)
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        return sign + String(magnitude / 10) + "." + String(magnitude % 10) + "%"
    }
}
