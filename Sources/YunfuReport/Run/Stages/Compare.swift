import Foundation
import Logging

extension ReportJob {
    /// Stage 3: the configured suppressions, the changes since the previous run and the trend of
    /// the earlier nights. A previous run that cannot be read is a warning, never a failed run.
    func compare(_ collected: CollectedRun) -> Report {
        var report = collected.report
        report.staleSuppressions = Suppressions.apply(
            configuration.suppressions, to: &report.findings, asOf: report.asOf, timeZone: report.timeZone)
        for stale in report.staleSuppressions {
            logger.warning(
                "stale suppression", metadata: ["index": "\(stale.index)", "line": "\(stale.line)", "why": "\(stale.why)"])
        }
        let located = PreviousRunLocator.locate(
            compareTo: options.compareTo, outputRoot: settings.outputRoot, currentAsOf: report.asOf,
            currentRunDir: targetDirectory, timeZone: settings.timeZone)
        report.comparison = ChangeDetector.makeComparison(current: report, located: located)
        report.compareWarning = located.warning
        if let warning = located.warning {
            logger.warning("not compared with the previous run", metadata: ["reason": "\(warning)"])
        }
        report.trend = trend(of: report)
        return report
    }

    /// The earlier nights under `output_root` (their manifests) and this run as the last row; a
    /// run that gives no row is a warning, never a failed run.
    private func trend(of report: Report) -> Trend {
        let previous = TrendReader.previousNights(
            outputRoot: settings.outputRoot, currentAsOf: report.asOf, currentRunDir: targetDirectory,
            timeZone: settings.timeZone)
        for warning in previous.warnings {
            logger.warning("a run directory gives no trend row", metadata: ["reason": "\(warning)"])
        }
        let tonight = TrendRow(
            report: report, fleet: FleetFigures(report), asOfText: DateText.iso8601(report.asOf, in: report.timeZone))
        return Trend(rows: previous.rows + [tonight])
    }
}
