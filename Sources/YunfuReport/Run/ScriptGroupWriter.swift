import Foundation
import Logging

/// The script-group rows, written while the accounts come in (in account order) instead of being
/// kept for the writers: `script_groups.csv` (when CSV is asked for) and the workbook's script-group
/// sheet (when XLSX is). They are most of a large fleet's rows, and writing them while the fetch
/// waits on the network takes them off the time after the last answer.
///
/// An actor: it owns the CSV file and the workbook (libxlsxwriter is not thread-safe, so the
/// workbook never leaves it). The fold hands rows over through a `ScriptGroupFeed` without waiting;
/// `drain` writes them as they come. After the last row, `finishCSV` closes the file and
/// `finishWorkbook` fills the other sheets from the complete report and closes the workbook, while
/// the job writes the other CSV files in its own task.
///
/// A failure stops the output it hits and is kept: the CSV file's (the run directory cannot be
/// written: exit 4) is thrown by `finishCSV`, the workbook's (the workbook alone is lost, as when
/// it fails at the end) by `finishWorkbook`.
actor ScriptGroupWriter {
    private var csvFile: RunDirectory.StreamingFile?
    private var encoder: CSVEncoder?
    private var csvFailure: RunDirectoryError?
    private var workbook: XLSXReportSession?
    private var workbookFailure: XLSXReportError?

    /// Opens `script_groups.csv` in `staging` and starts the workbook `workbookName` there, as the
    /// formats ask. An error opening the CSV file is the run directory's (exit 4, before any
    /// request); a workbook that cannot be started is kept as its failure.
    init(
        staging: URL, settings: ReportSettings, asOf: Date, workbookName: String, logger: Logger
    ) throws(RunDirectoryError) {
        if settings.formats.contains(.csv) {
            let name = ReportCSV.Table.scriptGroups.fileName
            csvFile = try RunDirectory.StreamingFile(name: name, url: staging.appendingPathComponent(name))
            encoder = CSVEncoder(header: ReportCSV.Table.scriptGroups.header, bom: settings.csvBOM)
        }
        if settings.formats.contains(.xlsx) {
            do {
                workbook = try XLSXReportSession(
                    url: staging.appendingPathComponent(workbookName), settings: settings, asOf: asOf, logger: logger)
            } catch {
                workbookFailure = error
            }
        }
    }

    /// Writes every batch of rows the feed sends, until the feed is finished.
    func drain(_ batches: AsyncStream<[ScriptGroupRow]>) async {
        for await rows in batches {
            write(rows)
        }
    }

    private func write(_ rows: [ScriptGroupRow]) {
        if let file = csvFile, var csv = encoder {
            encoder = nil  // no copy of its buffer while it is appended to
            for row in rows { csv.appendRow(ReportCSV.fields(of: row)) }
            if csv.byteCount >= ReportCSV.chunkSize {
                do {
                    try file.append(csv.takeBytes())
                } catch {
                    csvFailure = error
                    csvFile = nil
                }
            }
            encoder = csv
        }
        if let session = workbook {
            do {
                try session.appendScriptGroups(rows)
            } catch {
                workbookFailure = error
                workbook = nil
            }
        }
    }

    /// Writes what is left of `script_groups.csv`, syncs and closes it: its name and sha256 for the
    /// run directory's record (nil when CSV was not asked for).
    func finishCSV() throws(RunDirectoryError) -> RunDirectory.FileRecord? {
        if let csvFailure { throw csvFailure }
        guard let file = csvFile, var csv = encoder else { return nil }
        csvFile = nil
        encoder = nil
        let rest = csv.takeBytes()
        if !rest.isEmpty { try file.append(rest) }
        return try file.complete()
    }

    /// Fills the workbook's other sheets from the complete report and closes it: true when it was
    /// written, false when XLSX was not asked for, or why it could not be.
    func finishWorkbook(_ report: Report) -> Result<Bool, XLSXReportError> {
        if let workbookFailure { return .failure(workbookFailure) }
        guard let session = workbook else { return .success(false) }
        workbook = nil
        do {
            try session.finish(report)
            return .success(true)
        } catch {
            return .failure(error)
        }
    }
}

/// The fold's side of the script-group rows: collects them and sends them to the writer a batch at
/// a time (a wake-up of the writer per account would cost the fetch more than the writing). Never
/// waits: the stream buffers what the writer has not taken yet.
struct ScriptGroupFeed {
    /// Rows sent to the writer at a time.
    static let batchSize = 1_024

    private let continuation: AsyncStream<[ScriptGroupRow]>.Continuation
    private var pending: [ScriptGroupRow] = []

    init(_ continuation: AsyncStream<[ScriptGroupRow]>.Continuation) {
        self.continuation = continuation
        pending.reserveCapacity(Self.batchSize + 64)
    }

    /// The next account's rows.
    mutating func append(_ rows: [ScriptGroupRow]) {
        guard !rows.isEmpty else { return }
        pending += rows
        if pending.count >= Self.batchSize { send() }
    }

    /// Sends what is pending and ends the stream: the writer's `drain` returns after these rows.
    mutating func finish() {
        send()
        continuation.finish()
    }

    private mutating func send() {
        guard !pending.isEmpty else { return }
        continuation.yield(pending)
        pending = []
        pending.reserveCapacity(Self.batchSize + 64)
    }
}
