import Dispatch
import Foundation
import Logging

/// The script-group rows, written as the accounts come in (in account order) instead of being kept
/// for the writers: `script_groups.csv` (when CSV is asked for) and the workbook's script-group sheet
/// (when XLSX is). They are most of a large fleet's rows, and writing them while the fetch waits
/// on the network takes them off the time after the last answer.
///
/// The writing happens on a serial queue of its own, so that the fetch's consumer only hands rows
/// over and goes back to starting requests.
///
/// A failure stops the stream it hits and is kept for the job: the CSV file's (the run directory
/// cannot be written: exit 4) is thrown by `finishCSV`, the workbook's (the workbook alone is lost,
/// as when it fails at the end) is handed over by `takeWorkbook`.
///
/// `@unchecked Sendable`: the files and the workbook are touched only on `queue` (`append`'s work
/// and the bodies of `finishCSV` and `takeWorkbook`, which wait for the rows handed over before);
/// `pending` only by the one task that appends and finishes.
final class ScriptGroupStream: @unchecked Sendable {
    private let queue = DispatchQueue(label: "yunfu-report.script-groups")
    private var csvFile: RunDirectory.StreamingFile?
    private var encoder: CSVEncoder?
    private var csvFailure: RunDirectoryError?
    private var workbook: XLSXReportSession?
    private var workbookFailure: XLSXReportError?

    /// Whether any file takes the rows (CSV or XLSX asked for), fixed at the start.
    private let isWriting: Bool

    /// Opens the CSV file and starts the workbook; an error here is the run directory's (exit 4,
    /// before any request). A workbook that cannot be started is kept as its failure.
    init(
        directory: RunDirectory, settings: ReportSettings, asOf: Date, workbookName: String, logger: Logger
    ) throws(RunDirectoryError) {
        if settings.formats.contains(.csv) {
            csvFile = try directory.stream(ReportCSV.Table.scriptGroups.fileName)
            encoder = CSVEncoder(header: ReportCSV.Table.scriptGroups.header, bom: settings.csvBOM)
        }
        isWriting = settings.formats.contains(.csv) || settings.formats.contains(.xlsx)
        if settings.formats.contains(.xlsx) {
            do {
                workbook = try XLSXReportSession(
                    url: directory.staging.appendingPathComponent(workbookName), settings: settings, asOf: asOf,
                    logger: logger)
            } catch {
                workbookFailure = error
            }
        }
    }

    /// Rows handed over but not yet sent to the queue (touched only by the caller of `append` and
    /// of the finishing methods, which is one task at a time).
    private var pending: [ScriptGroupRow] = []
    /// Rows sent to the queue at a time: a wake-up of its thread per account would cost the
    /// fetch more than the writing.
    static let batchSize = 1_024

    /// The next account's rows; written on the stream's queue, a batch at a time.
    func append(_ rows: [ScriptGroupRow]) {
        guard !rows.isEmpty, isWriting else { return }
        pending += rows
        if pending.count >= Self.batchSize { sendPending() }
    }

    private func sendPending() {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = []
        pending.reserveCapacity(Self.batchSize + 64)
        queue.async { self.write(batch) }
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

    /// Writes what is left of `script_groups.csv` and records it (nothing when CSV was not asked for).
    func finishCSV(into directory: RunDirectory) throws(RunDirectoryError) {
        sendPending()
        let outcome: Result<Void, RunDirectoryError> = queue.sync {
            do throws(RunDirectoryError) {
                try finishCSVOnQueue(into: directory)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try outcome.get()
    }

    private func finishCSVOnQueue(into directory: RunDirectory) throws(RunDirectoryError) {
        if let csvFailure { throw csvFailure }
        guard let file = csvFile, var csv = encoder else { return }
        csvFile = nil
        encoder = nil
        let rest = csv.takeBytes()
        if !rest.isEmpty { try file.append(rest) }
        try directory.finish(file)
    }

    /// The workbook to finish, or why there is none (nil, nil when XLSX was not asked for).
    func takeWorkbook() -> (session: XLSXReportSession?, failure: XLSXReportError?) {
        sendPending()
        return queue.sync {
            defer { workbook = nil }
            return (workbook, workbookFailure)
        }
    }
}
