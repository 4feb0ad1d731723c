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
enum XLSXReportWriter {
    /// Options of the workbook; constant memory unless a test says otherwise.
    static var defaultOptions: Workbook.Options { Workbook.Options(constantMemory: true) }

    static func write(_ report: Report, to url: URL, logger: Logger) throws(XLSXReportError) {
        try write(report, to: url, logger: logger, options: defaultOptions)
    }

    static func write(
        _ report: Report, to url: URL, logger: Logger, options: Workbook.Options
    ) throws(XLSXReportError) {
        let path = url.path
        let existedBefore = FileManager.default.fileExists(atPath: path)
        do {
            let workbook = try Workbook(path: path, options: options)
            let labels = Labels(locale: report.settings.locale)
            let context = XLSXContext(
                workbook: workbook, labels: labels, timeZone: report.timeZone, logger: logger)
            try workbook.setProperties(
                Workbook.Properties(
                    title: labels.reportTitle + " " + report.asOfDay.description,
                    subject: labels.pick(
                        "云蝠智能账号、线路、话术组与回收规则", "Yunfu accounts, lines, script groups and recycle rules"),
                    author: "yunfu-report",
                    keywords: "yunfu-report",
                    comments: labels.asOf + " " + DateText.iso8601(report.asOf, in: report.timeZone),
                    created: report.asOf))
            try XLSXSummarySheet.write(report, context: context)
            try XLSXTableSheets.writeChanges(report, context: context)
            try XLSXTableSheets.writeFindings(report, context: context)
            try XLSXTableSheets.writeLines(report, context: context)
            try XLSXTableSheets.writeCapacity(report, context: context)
            try XLSXTableSheets.writeScriptGroups(report, context: context)
            try XLSXTableSheets.writeEngines(report, context: context)
            try XLSXCoverageSheet.write(report, context: context)
            try XLSXTableSheets.writeAccounts(report, context: context)
            try XLSXTableSheets.writeWarnings(report, context: context)
            try workbook.close()
        } catch {
            // A close that failed half-way may leave a broken file: a reader must not take it for a workbook.
            if !existedBefore { try? FileManager.default.removeItem(atPath: path) }
            throw XLSXReportError(file: path, underlying: error)
        }
    }
}
