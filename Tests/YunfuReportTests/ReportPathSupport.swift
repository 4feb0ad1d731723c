import Foundation
import Logging
import XlsxWriter

@testable import YunfuReport

/// The job's own path for tests that start from results: the fold of stage 2 (`ReportAccumulator`
/// over `AccountContribution`, in account order), the CSV encoder of stage 4, and the workbook
/// session the script-group writer drives. Nothing here is a second implementation.
enum ReportPath {
    /// The report the fold makes of these results (completion order does not matter).
    static func report(
        results: [AccountResult], settings: ReportSettings, asOf: Date, run: RunStatus = RunStatus()
    ) -> Report {
        var accumulator = ReportAccumulator(settings: settings, asOf: asOf)
        for result in results.sorted(by: { $0.account.order < $1.account.order }) {
            accumulator.add(AccountContribution(result))
        }
        return accumulator.finish(run: run)
    }

    /// The script-group rows the fold streams to their files, in account order.
    static func scriptGroupRows(_ results: [AccountResult]) -> [ScriptGroupRow] {
        results.sorted(by: { $0.account.order < $1.account.order }).flatMap { AccountContribution($0).scriptGroups }
    }

    /// A table of the report as the run writes it, whole (`script_groups.csv`: its header only, as
    /// for a run without script groups; see `scriptGroupsCSV` for its rows).
    static func csv(_ table: ReportCSV.Table, of report: Report, bom: Bool) -> [UInt8] {
        guard let ofReport = table.ofReport else { return scriptGroupsCSV([], bom: bom) }
        var file: [UInt8] = []
        ReportCSV.encode(ofReport, of: report, bom: bom, chunkSize: .max) { (chunk: [UInt8]) in file += chunk }
        return file
    }

    /// `script_groups.csv` as the run's writer writes these rows.
    static func scriptGroupsCSV(_ rows: [ScriptGroupRow], bom: Bool) -> [UInt8] {
        var csv = CSVEncoder(header: ReportCSV.Table.scriptGroups.header, bom: bom)
        for row in rows { csv.appendRow(ReportCSV.fields(of: row)) }
        return csv.takeBytes()
    }

    /// The workbook as the run writes it: the session, the script-group rows appended, then the rest.
    static func workbook(
        _ report: Report, scriptGroups: [ScriptGroupRow] = [], to url: URL, logger: Logger = Logger(label: "test"),
        options: Workbook.Options = XLSXReportSession.defaultOptions
    ) throws(XLSXReportError) {
        let session = try XLSXReportSession(
            url: url, settings: report.settings, asOf: report.asOf, logger: logger, options: options)
        try session.appendScriptGroups(scriptGroups)
        try session.finish(report)
    }
}
