import Foundation

/// The manifest's `fleet` figures (over-time-and-monitoring.md): over the run's distinct lines
/// and fetched accounts, the definitions of `capacity_by_node.csv` summed over nodes.
struct FleetFigures: Sendable, Equatable {
    var lines: Int
    var linesExpired: Int
    var linesSoon: Int
    var linesUpcoming: Int
    var linesOK: Int
    var linesUnknown: Int
    var linesSaturated: Int
    var totalConcurrency: Int64
    var totalResidue: Int64
    var totalInUse: Int64
    var scriptGroups: Int
    var activeScriptGroups: Int

    /// `total_in_use` / `total_concurrency`; nil when the concurrency is 0 (or less).
    var utilization: Utilization? { Utilization(totalInUse, over: totalConcurrency) }

    init(_ report: Report) {
        var counts: [ExpiryStatus: Int] = [:]
        var saturated = 0
        for line in report.lines {
            counts[line.expiryStatus, default: 0] += 1
            if line.isSaturated { saturated += 1 }
        }
        lines = report.lines.count
        linesExpired = counts[.expired] ?? 0
        linesSoon = counts[.soon] ?? 0
        linesUpcoming = counts[.upcoming] ?? 0
        linesOK = counts[.ok] ?? 0
        linesUnknown = counts[.unknown] ?? 0
        linesSaturated = saturated
        totalConcurrency = report.nodes.reduce(0) { $0 &+ $1.totalConcurrency }
        totalResidue = report.nodes.reduce(0) { $0 &+ $1.totalResidue }
        totalInUse = report.nodes.reduce(0) { $0 &+ $1.inUse }
        scriptGroups = report.scriptGroupCount
        activeScriptGroups = report.activeScriptGroupCount
    }
}

/// One night of `trend.csv`.
struct TrendRow: Sendable, Equatable {
    /// As written in that run's manifest.
    var asOf: String
    var asOfDate: Date
    var complete: Bool
    var accounts: Int
    var accountsFailed: Int
    var lines: Int
    var linesExpired: Int
    var linesSoon: Int
    var linesUpcoming: Int
    var linesSaturated: Int
    var totalConcurrency: Int64
    var totalInUse: Int64
    /// At most 4 decimals, as in the manifest; nil when unknown (no concurrency).
    var utilization: Double?
    /// Unsuppressed findings by severity.
    var findings: [Severity: Int]

    /// This run's own row.
    init(report: Report, fleet: FleetFigures, asOfText: String) {
        let tally = AccountTally(report.accounts)
        asOf = asOfText
        asOfDate = report.asOf
        complete = tally.isComplete(interrupted: report.run.interrupted)
        accounts = tally.total
        accountsFailed = tally.failed
        lines = fleet.lines
        linesExpired = fleet.linesExpired
        linesSoon = fleet.linesSoon
        linesUpcoming = fleet.linesUpcoming
        linesSaturated = fleet.linesSaturated
        totalConcurrency = fleet.totalConcurrency
        totalInUse = fleet.totalInUse
        utilization = fleet.utilization.flatMap {
            Double(ReportCSV.formatFraction($0.numerator, over: $0.denominator))
        }
        var counts: [Severity: Int] = [:]
        for finding in report.findings where !finding.suppressed { counts[finding.severity, default: 0] += 1 }
        findings = counts
    }

    init(
        asOf: String, asOfDate: Date, complete: Bool, accounts: Int, accountsFailed: Int, lines: Int,
        linesExpired: Int, linesSoon: Int, linesUpcoming: Int, linesSaturated: Int, totalConcurrency: Int64,
        totalInUse: Int64, utilization: Double?, findings: [Severity: Int]
    ) {
        self.asOf = asOf
        self.asOfDate = asOfDate
        self.complete = complete
        self.accounts = accounts
        self.accountsFailed = accountsFailed
        self.lines = lines
        self.linesExpired = linesExpired
        self.linesSoon = linesSoon
        self.linesUpcoming = linesUpcoming
        self.linesSaturated = linesSaturated
        self.totalConcurrency = totalConcurrency
        self.totalInUse = totalInUse
        self.utilization = utilization
        self.findings = findings
    }
}

/// The nights of `trend.csv`, oldest first; the last row is this run.
struct Trend: Sendable, Equatable {
    var rows: [TrendRow] = []

    /// The night before this one, when there is one: what the headline numbers change against.
    var previous: TrendRow? { rows.count >= 2 ? rows[rows.count - 2] : nil }
    var current: TrendRow? { rows.last }

    /// At most this many nights, this run included.
    static let maxNights = 90

    /// The changes of the headline numbers since the previous night; nil on a first night.
    var delta: TrendDelta? {
        guard let previous, let current else { return nil }
        return TrendDelta(previous: previous, current: current)
    }
}

/// How the headline numbers moved since the previous night of the trend.
struct TrendDelta: Sendable, Equatable {
    /// The previous night's `as_of`, as its manifest wrote it.
    var previousAsOf: String
    var previousAsOfDate: Date
    var accountsFailed: Int
    var critical: Int
    var high: Int
    var linesExpired: Int
    var linesSoon: Int
    var linesSaturated: Int

    /// The previous night's date in `zone` (`2026-11-24`): what "since" names.
    func previousDay(in zone: TimeZone) -> String {
        CalendarDay(previousAsOfDate, in: zone).description
    }

    init(previous: TrendRow, current: TrendRow) {
        previousAsOf = previous.asOf
        previousAsOfDate = previous.asOfDate
        accountsFailed = current.accountsFailed - previous.accountsFailed
        critical = (current.findings[.critical] ?? 0) - (previous.findings[.critical] ?? 0)
        high = (current.findings[.high] ?? 0) - (previous.findings[.high] ?? 0)
        linesExpired = current.linesExpired - previous.linesExpired
        linesSoon = current.linesSoon - previous.linesSoon
        linesSaturated = current.linesSaturated - previous.linesSaturated
    }
}
