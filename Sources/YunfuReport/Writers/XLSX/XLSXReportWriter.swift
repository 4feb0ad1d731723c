import Foundation
import Logging
import XlsxWriter

/// The workbook could not be written. The run records it in the manifest (`errors`,
/// `complete: false`) and writes its other files.
struct XLSXReportError: Error, Sendable, CustomStringConvertible {
    /// The workbook's path.
    var file: String
    /// What libxlsxwriter (or the wrapper's checks) said, with the sheet and cell.
    var underlying: XlsxError

    var description: String { "the workbook \(file) could not be written: \(underlying)" }
}

/// Writes `yunfu-report-{date}.xlsx`: the workbook for people, in the configured locale.
///
/// Sheets: summary (with the chart data and two charts), changes since the previous run, findings,
/// lines, capacity by node, script groups, engines, recycle coverage (a matrix), accounts, warnings.
///
/// **Memory.** The workbook is written in libxlsxwriter's constant-memory mode: each sheet keeps
/// one row in memory and streams the rest to a temporary file, so the workbook never holds the
/// report a second time (see `docs/xlsx.md` for the measurement). Every sheet is therefore
/// written strictly top to bottom, and strings are stored inline (`t="inlineStr"`).
///
/// **Reproducible.** The document's created time is the as-of instant (libxlsxwriter also stamps
/// the zip entries with it), and nothing reads the clock: the same `Report` gives the same bytes.
///
/// One workbook from the start of a run to its close. The sheets are created up front in their
/// order; the script-group sheet is filled while the accounts come in (`appendScriptGroups`, in
/// account order: each sheet is its own stream in constant-memory mode), the others once the report
/// is complete (`finish`, which closes the file).
///
/// Not Sendable: like libxlsxwriter, not thread-safe. The run's `ScriptGroupWriter` actor owns it
/// from its start to its close.
final class XLSXReportSession {
    /// Options of the workbook; constant memory unless a test says otherwise.
    static var defaultOptions: Workbook.Options { Workbook.Options(constantMemory: true) }

    let path: String
    private let workbook: Workbook
    private let context: XLSXContext
    private let existedBefore: Bool
    private let summary, changes, trend, findings, lines, capacity, engines, coverage, accounts, warnings: XLSXSheet
    private let scriptGroups: XLSXTableSheets.ScriptGroupTable

    init(
        url: URL, settings: ReportSettings, asOf: Date, logger: Logger,
        options: Workbook.Options = XLSXReportSession.defaultOptions
    ) throws(XLSXReportError) {
        let path = url.path
        self.path = path
        existedBefore = FileManager.default.fileExists(atPath: path)
        do {
            workbook = try Workbook(path: path, options: options)
            let labels = Labels(locale: settings.locale)
            context = XLSXContext(workbook: workbook, labels: labels, timeZone: settings.timeZone, logger: logger)
            try workbook.setProperties(
                Workbook.Properties(
                    title: labels.reportTitle + " " + CalendarDay(asOf, in: settings.timeZone).description,
                    subject: labels.pick(
                        "云蝠智能账号、线路、话术组与回收规则", "Yunfu accounts, lines, script groups and recycle rules"),
                    author: "yunfu-report",
                    keywords: "yunfu-report",
                    comments: labels.asOf + " " + DateText.iso8601(asOf, in: settings.timeZone),
                    created: asOf))
            let sheets = labels.sheets
            summary = try XLSXSheet(sheets.summary, context: context)
            changes = try XLSXSheet(sheets.changes, context: context)
            findings = try XLSXSheet(sheets.findings, context: context)
            lines = try XLSXSheet(sheets.lines, context: context)
            capacity = try XLSXSheet(sheets.capacity, context: context)
            scriptGroups = try XLSXTableSheets.ScriptGroupTable(XLSXSheet(sheets.scriptGroups, context: context))
            engines = try XLSXSheet(sheets.engines, context: context)
            coverage = try XLSXSheet(sheets.coverage, context: context)
            accounts = try XLSXSheet(sheets.accounts, context: context)
            warnings = try XLSXSheet(sheets.warnings, context: context)
            trend = try XLSXSheet(sheets.trend, context: context)
        } catch {
            throw XLSXReportError(file: path, underlying: error)
        }
    }

    /// The next accounts' script-group rows, in account order.
    func appendScriptGroups(_ rows: some Sequence<ScriptGroupRow>) throws(XLSXReportError) {
        do {
            try scriptGroups.append(rows)
        } catch {
            throw XLSXReportError(file: path, underlying: error)
        }
    }

    /// Writes every other sheet from the complete report and closes the file.
    func finish(_ report: Report) throws(XLSXReportError) {
        do {
            let clock = ContinuousClock()
            let started = clock.now
            try scriptGroups.end()
            try XLSXSummarySheet.write(report, into: summary, trendSheet: trend.name)
            try XLSXTableSheets.writeChanges(report, into: changes)
            try XLSXTableSheets.writeTrend(report, into: trend)
            // One naming of the accounts for both sheets that name them.
            let names = XLSXAccountNames(report.accounts.map(\.account), labels: findings.context.labels)
            try XLSXTableSheets.writeFindings(report, names: names, into: findings)
            try XLSXTableSheets.writeLines(report, names: names, into: lines)
            try XLSXTableSheets.writeCapacity(report, into: capacity)
            try XLSXTableSheets.writeEngines(report, into: engines)
            try XLSXCoverageSheet.write(report, into: coverage)
            try XLSXTableSheets.writeAccounts(report, into: accounts)
            try XLSXTableSheets.writeWarnings(report, into: warnings)
            let filled = clock.now
            try workbook.close()
            // Where the time after the last answer goes (docs/performance.md): `--log-level debug`.
            context.logger.debug(
                "workbook written",
                metadata: ["sheets_s": "\((filled - started).secondsText)", "close_s": "\((clock.now - filled).secondsText)"])
        } catch {
            // A close that failed half-way may leave a broken file: a reader must not take it for a workbook.
            if !existedBefore { try? FileManager.default.removeItem(atPath: path) }
            throw XLSXReportError(file: path, underlying: error)
        }
    }
}
