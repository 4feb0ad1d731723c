import Foundation
import Logging

/// Stage 4's value: what was written into staging.
struct WrittenRun: Sendable {
    /// Report files that could not be made (the run is then incomplete).
    var errors: [String]
    /// The manifest's `complete`.
    var complete: Bool
    /// The text of `metrics.prom`.
    var metrics: String
}

extension ReportJob {
    /// Stage 4: every format asked for, the raw archive's index, `metrics.prom` and, last,
    /// `manifest.json` with the hash of every file before it. A report file that cannot be made
    /// (the C library refuses) is an entry in `errors`; a failure of the run directory itself is
    /// thrown (exit 4).
    func write(
        _ report: Report, prepared: PreparedRun, startedAt: Date, lastAnswer: ContinuousClock.Instant
    ) async throws(RunDirectoryError) -> WrittenRun {
        let directory = prepared.directory
        let errors = try await writeReports(report, prepared: prepared)
        logger.debug(
            "reports written", metadata: ["after_last_answer_s": "\((ContinuousClock.now - lastAnswer).secondsText)"])
        if let raw = prepared.rawArchive {
            try RunDirectory.writeFile(
                raw.directory.appendingPathComponent("index.json"),
                raw.index(accounts: report.accounts, asOf: report.asOf, timeZone: report.timeZone))
            try directory.recordWritten("raw/index.json")
        }
        let finishedAt = clock()
        var manifest = Manifest(
            report: report, version: YunfuReportInfo.version, startedAt: startedAt, finishedAt: finishedAt,
            errors: errors)
        manifest.files = ManifestFiles(
            written: Set(directory.written.map(\.name)), xlsx: fileName(.xlsx), markdown: fileName(.markdown),
            html: fileName(.html))
        let metrics = RunMetrics.text(
            report, run: RunMetrics.Run(startedAt: startedAt, finishedAt: finishedAt, complete: manifest.complete))
        try directory.write(RunMetrics.fileName, Array(metrics.utf8))
        manifest.files.metrics = RunMetrics.fileName
        manifest.sha256 = directory.written
        try directory.write("manifest.json", Array(manifest.json.rendered().utf8))
        return WrittenRun(errors: errors, complete: manifest.complete, metrics: metrics)
    }

    /// The reports in the formats asked for. The workbook (libxlsxwriter and its zip: the longest
    /// writer by far) is finished by the script-group writer in a child task while the CSV files
    /// are written here; it is recorded after them, and the Markdown and HTML files after it.
    private func writeReports(_ report: Report, prepared: PreparedRun) async throws(RunDirectoryError) -> [String] {
        let directory = prepared.directory
        let formats = settings.formats
        let writer = prepared.scriptGroups
        let scriptGroupsCSV = try await writer.finishCSV()
        // Awaited on every path out of this function, a thrown error included.
        async let workbook = writer.finishWorkbook(report)
        if formats.contains(.csv) {
            try writeTables(report, into: directory, scriptGroupsCSV: scriptGroupsCSV)
        }
        var errors: [String] = []
        if case .failure(let error) = await workbook {
            let name = fileName(.xlsx)
            logger.error("the workbook could not be written", metadata: ["reason": "\(error)"])
            errors.append("\(name): \(error)")
            try? FileManager.default.removeItem(at: directory.staging.appendingPathComponent(name))
        } else if formats.contains(.xlsx) {
            try directory.recordWritten(fileName(.xlsx))
        }
        if formats.contains(.markdown), let markdown {
            try directory.write(fileName(.markdown), Array(markdown.render(report).utf8))
        }
        if formats.contains(.html) {
            try directory.write(fileName(.html), Array(HTMLReportWriter.render(report, locale: settings.locale).utf8))
        }
        return errors
    }

    /// The CSV files in the contract's order; `script_groups.csv`, already closed, is recorded in
    /// its place.
    private func writeTables(
        _ report: Report, into directory: RunDirectory, scriptGroupsCSV: RunDirectory.FileRecord?
    ) throws(RunDirectoryError) {
        let started = ContinuousClock.now
        defer { logger.debug("tables written", metadata: ["csv_s": "\((ContinuousClock.now - started).secondsText)"]) }
        for table in ReportCSV.Table.allCases {
            guard let ofReport = table.ofReport else {
                if let scriptGroupsCSV { directory.record(scriptGroupsCSV) }
                continue
            }
            try directory.write(table.fileName) { (emit: ([UInt8]) throws(RunDirectoryError) -> Void) throws(RunDirectoryError) in
                try ReportCSV.encode(ofReport, of: report, bom: settings.csvBOM, emit: emit)
            }
        }
    }
}
