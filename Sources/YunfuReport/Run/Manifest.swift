import Foundation

/// `manifest.json`: what the run was and which files it wrote (report-contract.md, and the
/// additions of changes-and-suppressions.md).
struct Manifest: Sendable {
    var version: String
    var asOf: Date
    var timeZone: TimeZone
    var startedAt: Date
    var finishedAt: Date
    var complete: Bool
    var interrupted: Bool
    var errors: [String]
    var accounts: AccountTally
    var findings: [Severity: Int]
    var suppressed: [Severity: Int]
    /// The report files by format.
    var files = ManifestFiles()
    /// Every file before the manifest (names relative to the run directory), in the order written.
    var sha256: [RunDirectory.FileRecord] = []
    var comparedTo: PreviousRun?
    var compareWarning: String?
    var changes: [ChangeKind: Int]
    var staleSuppressions: [StaleSuppression]
    var fleet: FleetFigures

    init(report: Report, version: String, startedAt: Date, finishedAt: Date, errors: [String]) {
        self.version = version
        asOf = report.asOf
        timeZone = report.timeZone
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        interrupted = report.run.interrupted
        accounts = AccountTally(report.accounts)
        complete = Self.isComplete(accounts, interrupted: interrupted, errors: errors)
        self.errors = errors
        var findings: [Severity: Int] = [:]
        var suppressed: [Severity: Int] = [:]
        for finding in report.findings {
            if finding.suppressed { suppressed[finding.severity, default: 0] += 1 } else { findings[finding.severity, default: 0] += 1 }
        }
        self.findings = findings
        self.suppressed = suppressed
        comparedTo = report.comparison.previous
        compareWarning = report.compareWarning ?? report.comparison.warning
        var changes: [ChangeKind: Int] = [:]
        for change in report.comparison.changes { changes[change.change, default: 0] += 1 }
        self.changes = changes
        staleSuppressions = report.staleSuppressions
        fleet = FleetFigures(report)
    }

    /// The one definition of a complete run: every account fetched, not interrupted, every report
    /// file written.
    static func isComplete(_ accounts: AccountTally, interrupted: Bool, errors: [String]) -> Bool {
        accounts.isComplete(interrupted: interrupted) && errors.isEmpty
    }

    /// `fleet`: `utilization` rounded to 4 places (a JSON number), null without concurrency.
    private var fleetJSON: JSONText {
        func int<T: BinaryInteger>(_ value: T) -> JSONText { .int(Int64(value)) }
        return .object([
            ("lines", int(fleet.lines)), ("lines_expired", int(fleet.linesExpired)),
            ("lines_soon", int(fleet.linesSoon)), ("lines_upcoming", int(fleet.linesUpcoming)),
            ("lines_ok", int(fleet.linesOK)), ("lines_unknown", int(fleet.linesUnknown)),
            ("lines_saturated", int(fleet.linesSaturated)), ("total_concurrency", int(fleet.totalConcurrency)),
            ("total_residue", int(fleet.totalResidue)), ("total_in_use", int(fleet.totalInUse)),
            ("utilization", fleet.utilization.map { .number(ReportCSV.formatFraction($0.numerator, over: $0.denominator)) } ?? .null),
            ("script_groups", int(fleet.scriptGroups)), ("active_script_groups", int(fleet.activeScriptGroups)),
        ])
    }

    var json: JSONText {
        func counts(_ values: [Severity: Int]) -> JSONText {
            .object(Severity.allCases.map { ($0.rawValue, .int(Int64(values[$0] ?? 0))) })
        }
        return .object([
            ("tool", .string("yunfu-report")),
            ("version", .string(version)),
            ("as_of", .string(DateText.iso8601(asOf, in: timeZone))),
            ("time_zone", .string(timeZone.identifier)),
            ("started_at", .string(DateText.iso8601(startedAt, in: timeZone))),
            ("finished_at", .string(DateText.iso8601(finishedAt, in: timeZone))),
            ("complete", .bool(complete)),
            ("interrupted", .bool(interrupted)),
            ("errors", .array(errors.map(JSONText.string))),
            ("accounts", .object([
                ("total", .int(Int64(accounts.total))), ("ok", .int(Int64(accounts.ok))),
                ("failed", .int(Int64(accounts.failed))),
                ("not_fetched", .int(Int64(accounts.notFetched))),
            ])),
            ("findings", counts(findings)),
            ("fleet", fleetJSON),
            ("suppressed", counts(suppressed)),
            ("files", .object([
                ("xlsx", .optional(files.xlsx)),
                ("markdown", .optional(files.markdown)),
                ("html", .optional(files.html)),
                ("csv", .object(files.csv.map { ($0.table, .string($0.file)) })),
                ("metrics", .optional(files.metrics)),
            ])),
            ("sha256", .object(sha256.map { ($0.name, .string($0.sha256)) })),
            ("compared_to", comparedTo.map { previous in
                .object([
                    ("run_dir", .string(previous.runDir)), ("as_of", .string(previous.asOf)),
                    ("complete", .bool(previous.complete)),
                ])
            } ?? .null),
            ("compare_warning", .optional(compareWarning)),
            ("changes", .object(ChangeKind.allCases.map { ($0.rawValue, .int(Int64(changes[$0] ?? 0))) })),
            ("stale_suppressions", .array(staleSuppressions.map { stale in
                .object([("index", .int(Int64(stale.index))), ("line", .int(Int64(stale.line))), ("why", .string(stale.why))])
            })),
        ])
    }
}

/// The manifest's `files`: each format's file name, nil for a format not written.
struct ManifestFiles: Sendable {
    var xlsx: String?
    var markdown: String?
    var html: String?
    /// Table name → file name, for the CSV files written, in the contract's order.
    var csv: [(table: String, file: String)] = []
    /// `metrics.prom` (written by every run that writes its directory).
    var metrics: String?

    init() {}

    /// The files of those names that were `written`.
    init(written: Set<String>, xlsx: String, markdown: String, html: String) {
        func ifWritten(_ name: String) -> String? { written.contains(name) ? name : nil }
        self.xlsx = ifWritten(xlsx)
        self.markdown = ifWritten(markdown)
        self.html = ifWritten(html)
        csv = ReportCSV.Table.allCases.compactMap { table in ifWritten(table.fileName).map { (table.rawValue, $0) } }
    }
}
