import Foundation

/// Everything one run reports, folded account by account by `ReportAccumulator` (pure: no I/O, no
/// clock) and read by every writer: the CSV files, the workbook, the Markdown and the HTML all
/// render this one value, so every figure agrees across them. The script-group rows are not in
/// it: they are written while the accounts come in (`ScriptGroupWriter`); their counts are.
package struct Report: Sendable {
    /// The instant the run reports on.
    var asOf: Date
    /// `report.time_zone`: the zone the report is written in.
    var timeZone: TimeZone
    var settings: ReportSettings
    var run: RunStatus

    var accounts: [AccountRow]
    var lines: [LineRow]
    var nodes: [NodeRow]
    var engines: [EngineRow]
    /// The status universe, `number_status` ascending.
    var statuses: [RecycleStatus]
    /// One row per account fetched × status, in account order then status.
    var coverage: CoverageTable
    /// In the contract's order.
    var findings: [Finding]
    var warnings: [WarningRow]
    /// The comparison with the previous run (`changes-and-suppressions.md`).
    var comparison: Comparison = .none
    /// A sentence when a previous run was skipped or unusable — also when another one was
    /// compared with (the manifest's `compare_warning`).
    var compareWarning: String?
    var staleSuppressions: [StaleSuppression] = []
    /// The nights of `trend.csv`, this run last (empty until the job reads the earlier runs).
    var trend = Trend()
    /// The script groups of the run, and the active ones among them.
    var scriptGroupCount = 0
    var activeScriptGroupCount = 0

    /// Every account fetched and the run not interrupted (`AccountTally.isComplete`).
    var fetchedEveryAccount: Bool { AccountTally(accounts).isComplete(interrupted: run.interrupted) }

    /// The as-of date in the report time zone: the `{date}` of file and directory names.
    var asOfDay: CalendarDay { CalendarDay(asOf, in: timeZone) }
}

/// How the run went, as far as the report itself is concerned.
struct RunStatus: Sendable, Equatable {
    /// A SIGINT/SIGTERM stopped the fetch before every answer was in.
    var interrupted: Bool = false
    /// The platform could not be reached (fail fast): the reason the first accounts failed for,
    /// every other account not attempted. nil for a run that reached it.
    var unreachable: String?

    init(interrupted: Bool = false, unreachable: String? = nil) {
        self.interrupted = interrupted
        self.unreachable = unreachable
    }
}

struct AccountRow: Sendable {
    var account: AccountRef
    /// nil for an ok account, else the failure sentence.
    var error: String?
    var attempts: Int
    /// Figures below are nil for a failed account.
    var lines: Int?
    var totalConcurrency: Int64?
    var totalResidue: Int64?
    var scriptGroups: Int?
    var activeScriptGroups: Int?
    var recycleRules: Int?
    var enabledRecycleRules: Int?
    var maxRecycleLimit: Int64?
    /// Its rows in `warnings.csv`; 0 for a failed account.
    var warnings: Int

    var ok: Bool { error == nil }
    /// Not fetched because the run was interrupted (never tried, or stopped mid-request): not a
    /// failure of the account itself. Its `accounts.csv` row still says `failed` / `interrupted`.
    var notFetched: Bool { error == FailureReason.interrupted.text }
    /// Tried and failed on its own account: what FETCH_FAILED reports.
    var failed: Bool { error != nil && !notFetched }
}

/// The accounts of a run counted the one way every output counts them: ok, failed on their own
/// account, and not fetched because the run was interrupted (counted apart: not failures).
struct AccountTally: Sendable, Equatable {
    var total: Int
    var ok: Int
    var failed: Int
    var notFetched: Int

    init(total: Int, ok: Int, failed: Int, notFetched: Int = 0) {
        self.total = total
        self.ok = ok
        self.failed = failed
        self.notFetched = notFetched
    }

    init(_ rows: [AccountRow]) {
        var ok = 0
        var notFetched = 0
        for row in rows {
            if row.ok { ok += 1 } else if row.notFetched { notFetched += 1 }
        }
        self.init(total: rows.count, ok: ok, failed: rows.count - ok - notFetched, notFetched: notFetched)
    }

    /// The one definition of a complete fetch: every account fetched, the run not interrupted. The
    /// reports call such a run complete; the manifest's `complete` also needs every report file
    /// written (`Manifest.isComplete`), which no report can know of itself.
    func isComplete(interrupted: Bool) -> Bool {
        ok == total && !interrupted
    }
}

enum ExpiryStatus: String, Sendable, CaseIterable {
    case expired, soon, upcoming, ok, unknown
}

struct LineRow: Sendable {
    var lineID: String
    var name: String
    var remark: String
    var belongUser: String
    var lineType: String
    var bindType: String
    var node: String
    var concurrency: Int64?
    var residue: Int64?
    /// `line_concurrency` − `residue`, nil when either is unknown.
    var inUse: Int64?
    /// `in_use` / `line_concurrency`; nil when the concurrency is ≤ 0 or unknown.
    var utilization: Utilization?
    var availableAt: Date?
    var daysToExpiry: Int64?
    var expiryStatus: ExpiryStatus
    /// Every account that sees the line, in account order.
    var accounts: [AccountRef]

    var accountKeys: [String] { accounts.map(\.key).sortedByScalars() }
    var isSaturated: Bool {
        guard let concurrency, let residue else { return false }
        return concurrency > 0 && residue <= 0
    }

    /// The order in which people are shown the lines that need action ("nearest first"): the
    /// lines still to expire by their `available_at`, soonest first, then the expired ones, the
    /// most recently expired first (a line expired 120 days ago is no more urgent than one that
    /// expires tomorrow); a line without a date last; at equal instants, by line id. Every list
    /// of expiring lines for people (the summary sheet, Markdown, HTML, notices, the end-of-run
    /// lines) uses it; `lines.csv` keeps the contract's order.
    static func nearestExpiryFirst(_ a: LineRow, _ b: LineRow) -> Bool {
        switch (a.availableAt, b.availableAt) {
        case (nil, nil): return ScalarOrder.less(a.lineID, b.lineID)
        case (nil, _): return false
        case (_, nil): return true
        case let (x?, y?):
            let xExpired = a.expiryStatus == .expired
            let yExpired = b.expiryStatus == .expired
            if xExpired != yExpired { return !xExpired }
            if x != y { return xExpired ? x > y : x < y }
            return ScalarOrder.less(a.lineID, b.lineID)
        }
    }
}

/// A ratio kept exact, so the CSV (at most 4 decimals) and the workbook (a percentage) agree.
struct Utilization: Sendable, Equatable {
    var numerator: Int64
    var denominator: Int64  // > 0

    init?(_ numerator: Int64?, over denominator: Int64?) {
        guard let numerator, let denominator, denominator > 0 else { return nil }
        self.numerator = numerator
        self.denominator = denominator
    }

    var value: Double { Double(numerator) / Double(denominator) }
}

struct NodeRow: Sendable {
    var node: String
    var lines: Int
    /// Sums of the known values over the node's distinct lines.
    var totalConcurrency: Int64
    var totalResidue: Int64
    /// `total_concurrency` − `total_residue`.
    var inUse: Int64
    var utilization: Utilization?
    var saturatedLines: Int
    var expiringLines: Int
}

struct ScriptGroupRow: Sendable {
    var account: AccountRef
    var groupID: Int64?
    var name: String
    /// "" = unset.
    var asr: String
    var tts: String
    var llm: String
    var isActive: Bool
    var debug: Bool?
    var speed: Int64?
    var volume: Int64?
}

enum EngineKind: String, Sendable, CaseIterable {
    case asr, tts, llm
}

struct EngineRow: Sendable {
    var kind: EngineKind
    /// "" = unset (the platform default).
    var engine: String
    var scriptGroups: Int
    var activeScriptGroups: Int
    var accounts: Int
}

struct RecycleStatus: Sendable, Equatable {
    var status: Int64
    var name: String
    var required: Bool
}

struct CoverageRow: Sendable {
    var account: AccountRef
    var status: Int64
    var statusName: String
    var required: Bool
    var covered: Bool
    /// The enabled rules covering it, ascending.
    var ruleIDs: [Int64]
    /// The smallest `time` among their details for that status; nil when not covered.
    var redialAfterMinutes: Int64?
}

/// The rows of `recycle_coverage.csv`, computed as they are read from what each account's enabled
/// rules cover: accounts × statuses rows are never all built at once (tens of thousands of
/// accounts × the status universe). Tests and other callers may also give the rows outright.
struct CoverageTable: RandomAccessCollection, ExpressibleByArrayLiteral, Sendable {
    private enum Storage: Sendable {
        case rows([CoverageRow])
        case facts(accounts: [(account: AccountRef, covered: [AccountContribution.CoveredStatus])], statuses: [RecycleStatus])
    }

    private let storage: Storage
    let count: Int

    init(_ rows: [CoverageRow]) {
        storage = .rows(rows)
        count = rows.count
    }

    init(arrayLiteral rows: CoverageRow...) { self.init(rows) }

    /// Every account given × every status, in the order given (accounts in account order, each
    /// one's covered statuses ascending).
    init(accounts: [(account: AccountRef, covered: [AccountContribution.CoveredStatus])], statuses: [RecycleStatus]) {
        storage = .facts(accounts: accounts, statuses: statuses)
        count = accounts.count * statuses.count
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(position: Int) -> CoverageRow {
        switch storage {
        case .rows(let rows):
            return rows[position]
        case .facts(let accounts, let statuses):
            let (accountIndex, statusIndex) = position.quotientAndRemainder(dividingBy: statuses.count)
            let (account, covered) = accounts[accountIndex]
            let status = statuses[statusIndex]
            let entry = covered.first { $0.status == status.status }
            return CoverageRow(
                account: account,
                status: status.status,
                statusName: status.name,
                required: status.required,
                covered: entry != nil,
                ruleIDs: entry?.ruleIDs ?? [],
                redialAfterMinutes: entry?.redialAfterMinutes
            )
        }
    }
}

struct WarningRow: Sendable {
    var account: AccountRef
    var warning: DecodeWarning
}

// MARK: - Since the last run

enum ChangeKind: String, Sendable, CaseIterable {
    case findingNew = "finding_new"
    case findingResolved = "finding_resolved"
    case findingSeverity = "finding_severity"
    case lineNew = "line_new"
    case lineGone = "line_gone"
    case lineRenewed = "line_renewed"
    case lineShortened = "line_shortened"
    case lineCapacity = "line_capacity"
}

struct ChangeRow: Sendable, Equatable {
    var change: ChangeKind
    var checkID: String
    var severity: String
    var objectType: String
    var objectID: String
    var objectName: String
    /// Account keys joined with `;`, as in `findings.csv`.
    var accounts: String
    var before: String
    var after: String
}

/// What this run was compared with.
enum Comparison: Sendable {
    /// Nothing to compare with; `warning` says why when a previous run was skipped or unusable.
    case none(warning: String?)
    case compared(PreviousRun, changes: [ChangeRow])

    static var none: Comparison { .none(warning: nil) }

    var changes: [ChangeRow] {
        if case .compared(_, let changes) = self { return changes }
        return []
    }
    var previous: PreviousRun? {
        if case .compared(let previous, _) = self { return previous }
        return nil
    }
    var warning: String? {
        if case .none(let warning) = self { return warning }
        return nil
    }
}

struct PreviousRun: Sendable, Equatable {
    /// The absolute path (the manifest's `compared_to.run_dir`).
    var runDir: String
    /// As written in its manifest.
    var asOf: String
    var complete: Bool

    /// The run directory's own name (`2026-11-24`): what people are shown (the mail, the chat,
    /// the workbook), not the server's path.
    var name: String { URL(fileURLWithPath: runDir).lastPathComponent }
}

struct StaleSuppression: Sendable, Equatable {
    var index: Int
    var line: Int
    var why: String
}
