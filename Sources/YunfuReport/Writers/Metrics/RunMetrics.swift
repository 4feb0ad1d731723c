import Foundation

/// `metrics.prom`: the run for monitoring (over-time-and-monitoring.md, "Metrics for monitoring"),
/// the contract's metrics in the contract's order, each family's samples in a fixed order.
enum RunMetrics {
    /// What the run itself was, beside its report.
    struct Run: Sendable {
        var startedAt: Date
        var finishedAt: Date
        /// The manifest's `complete`; false for a run directory that could not be written (exit 4).
        var complete: Bool
        var version: String = YunfuReportInfo.version
    }

    /// The file name in the run directory (the manifest's `files.metrics`).
    static let fileName = "metrics.prom"

    static func text(_ report: Report?, run: Run) -> String {
        MetricsExposition.render(families(report, run: run))
    }

    /// Every family. Without a report (a run directory that failed before the first answer) only
    /// the run's own metrics and the build: no figure is made up for a fleet that was not fetched.
    static func families(_ report: Report?, run: Run) -> [MetricsExposition.Family] {
        typealias Family = MetricsExposition.Family
        typealias Sample = MetricsExposition.Sample
        var families: [Family] = [
            Family(
                name: "yunfu_report_run_timestamp_seconds",
                help: "When the last yunfu-report run finished (Unix seconds).",
                samples: [Sample(.seconds(run.finishedAt.timeIntervalSince1970))]),
            Family(
                name: "yunfu_report_run_complete",
                help: "1 when the last run was complete (every account fetched, every file written), else 0.",
                samples: [Sample(.int(run.complete ? 1 : 0))]),
            Family(
                name: "yunfu_report_run_duration_seconds",
                help: "How long the last run took, from start to finish (seconds).",
                samples: [Sample(.seconds(max(0, run.finishedAt.timeIntervalSince(run.startedAt))))]),
        ]
        if let report {
            let tally = AccountTally(report.accounts)
            families.append(
                Family(
                    name: "yunfu_report_accounts",
                    help: "Accounts of the last run: fetched (ok), failed on their own account (failed), "
                        + "not fetched because the run was interrupted (not_fetched).",
                    samples: [
                        Sample([("status", "ok")], .int(Int64(tally.ok))),
                        Sample([("status", "failed")], .int(Int64(tally.failed))),
                        Sample([("status", "not_fetched")], .int(Int64(tally.notFetched))),
                    ]))
            var byStatus: [ExpiryStatus: Int] = [:]
            for line in report.lines { byStatus[line.expiryStatus, default: 0] += 1 }
            families.append(
                Family(
                    name: "yunfu_report_lines",
                    help: "Distinct lines of the last run by expiry status (as lines.csv).",
                    samples: ExpiryStatus.allCases.map { status in
                        Sample([("expiry_status", status.rawValue)], .int(Int64(byStatus[status] ?? 0)))
                    }))
            families.append(
                Family(
                    name: "yunfu_report_lines_saturated",
                    help: "Distinct lines of the last run with no residue left (saturated).",
                    samples: [Sample(.int(Int64(report.nodes.reduce(0) { $0 + $1.saturatedLines })))]))
            families.append(
                Family(
                    name: "yunfu_report_node_concurrency",
                    help: "Concurrency of each node's distinct lines in the last run, as capacity_by_node.csv: "
                        + "total (total_concurrency) and in use (in_use).",
                    samples: report.nodes.flatMap { node in
                        [
                            Sample([("node", node.node), ("kind", "total")], .int(node.totalConcurrency)),
                            Sample([("node", node.node), ("kind", "in_use")], .int(node.inUse)),
                        ]
                    }))
            var bySeverity: [Severity: Int] = [:]
            for finding in report.findings where !finding.suppressed { bySeverity[finding.severity, default: 0] += 1 }
            families.append(
                Family(
                    name: "yunfu_report_findings",
                    help: "Unsuppressed findings of the last run by severity.",
                    samples: Severity.allCases.map { severity in
                        Sample([("severity", severity.rawValue)], .int(Int64(bySeverity[severity] ?? 0)))
                    }))
        }
        families.append(
            Family(
                name: "yunfu_report_build_info",
                help: "The yunfu-report version that wrote these metrics (always 1).",
                samples: [Sample([("version", run.version)], .int(1))]))
        return families
    }
}
