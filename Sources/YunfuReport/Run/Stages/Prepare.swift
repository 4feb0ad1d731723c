import Foundation
import Logging

/// Stage 1's value: where the run writes while it runs. Not Sendable: the run directory stays with
/// the job's task; only the writer (an actor) and the archive are shared with other tasks.
struct PreparedRun {
    /// The staging directory beside the target, under the lock of the output root.
    let directory: RunDirectory
    /// `--archive-raw`: the answers as received, `raw/` in staging.
    let rawArchive: RawArchiveWriter?
    /// The script-group rows' files, filled during the fetch.
    let scriptGroups: ScriptGroupWriter
}

extension ReportJob {
    /// Stage 1: the staging directory (exit 2 when it cannot be made: nothing was asked yet), the
    /// raw archive's folder and the script-group files (exit 4 when they cannot be opened).
    func prepare() throws(JobEnded) -> PreparedRun {
        let directory: RunDirectory
        do {
            directory = try RunDirectory(target: targetDirectory)
        } catch {
            logger.error("cannot create the run directory", metadata: ["reason": "\(error.description)"])
            throw JobEnded(JobOutcome(status: .usage, errors: [error.description]))
        }
        do throws(RunDirectoryError) {
            let raw =
                options.archiveRaw
                ? try RawArchiveWriter(directory: directory.staging.appendingPathComponent("raw")) : nil
            let scriptGroups = try ScriptGroupWriter(
                staging: directory.staging, settings: settings, asOf: options.asOf,
                workbookName: fileName(.xlsx), logger: logger)
            return PreparedRun(directory: directory, rawArchive: raw, scriptGroups: scriptGroups)
        } catch {
            directory.discard()
            throw JobEnded(JobOutcome(status: .runDirectoryUnwritable, errors: [error.description]))
        }
    }
}

/// A stage ended the run early with this outcome.
struct JobEnded: Error {
    var outcome: JobOutcome

    init(_ outcome: JobOutcome) { self.outcome = outcome }
}
