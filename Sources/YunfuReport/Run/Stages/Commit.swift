import Foundation
import Logging

extension ReportJob {
    /// Stage 5: swaps staging into place — beside a complete run of the same night, as
    /// `{date}-interrupted`, when this one was interrupted — then, for a run under `output_root`
    /// that was not interrupted, points `latest` at it and applies retention, still under the
    /// output root's lock. Returns where the run landed.
    func commit(_ prepared: PreparedRun, interrupted: Bool) throws(RunDirectoryError) -> URL {
        let target = targetDirectory
        let final =
            interrupted && RunDirectory.holdsCompleteRun(target)
            ? target.deletingLastPathComponent().appendingPathComponent(target.lastPathComponent + "-interrupted")
            : target
        try prepared.directory.commit(to: final)
        if final != target {
            logger.warning("interrupted run written beside the complete one", metadata: ["run_dir": "\(final.path)"])
        }
        if options.runDir == nil, !interrupted {
            // Still under the run directory's lock on the output root.
            withExtendedLifetime(prepared.directory) {
                let listing = OutputRoot.list(settings.outputRoot)
                OutputRoot.noteNotRuns(listing, in: settings.outputRoot, logger: logger)
                OutputRoot.pointLatest(after: final, in: settings.outputRoot, listing: listing, logger: logger)
                OutputRoot.applyRetention(keep: settings.keepRuns, listing: listing, justWritten: final, logger: logger)
            }
        }
        return final
    }
}
