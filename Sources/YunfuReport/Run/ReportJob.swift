package import Foundation
package import Logging

/// Where the answers come from: the platform (`Fetcher`) or an archive (`ReplaySource`).
package protocol AnswerSource: Sendable {
    /// Delivers every account's result; says at the end what the source decided about the run.
    func fetchAll(
        _ accounts: [AccountRef], rawSink: (any RawAnswerSink)?, onResult: (AccountResult) async -> Void
    ) async -> FetchEnd
}

/// What a source decided about the whole run, beside the accounts' results.
package struct FetchEnd: Sendable, Equatable {
    /// The platform could not be reached (fail fast): the one reason, else nil.
    package var unreachable: FailureReason?

    package init(unreachable: FailureReason? = nil) {
        self.unreachable = unreachable
    }
}

/// The contract's exit status.
package enum ExitStatus: Int32, Sendable {
    case complete = 0
    case incomplete = 1
    case usage = 2
    case findingsAtOrAbove = 3
    case runDirectoryUnwritable = 4

    var words: String {
        switch self {
        case .complete: "complete: every account fetched, reports written"
        case .incomplete: "incomplete: reports written, but not everything could be had or written"
        case .usage: "bad usage or configuration: nothing fetched, nothing written"
        case .findingsAtOrAbove: "complete, but with findings at or above --fail-on"
        case .runDirectoryUnwritable: "the run directory could not be written; the previous run is untouched"
        }
    }
}

/// What the caller says about this run, beyond the configuration.
package struct JobOptions: Sendable {
    package var asOf: Date
    /// `--run-dir`; nil = `{output_root}/{as-of date}`.
    package var runDir: URL?
    package var archiveRaw = false
    package var failOn: Severity?
    package var compareTo: CompareTarget = .automatic

    package init(asOf: Date, runDir: URL? = nil) {
        self.asOf = asOf
        self.runDir = runDir
    }
}

package struct JobOutcome: Sendable {
    package var status: ExitStatus
    /// Where the run landed (nil when nothing was written).
    package var runDir: URL?
    package var report: Report?
    var errors: [String] = []
    /// The text of the run directory's `metrics.prom` (nil when it was not written).
    var metrics: String?
}

/// One run, end to end, as five stages that hand values on (docs/architecture.md):
///
/// 1. `prepare` → `PreparedRun`: the staging directory, the raw archive, the script-group writer;
/// 2. `collect` → `CollectedRun`: the fetch, each answer folded into the report in account order
///    while the script-group rows stream to their files;
/// 3. `compare` → `Report`: suppressions, the previous run's changes, the trend;
/// 4. `write` → `WrittenRun`: every format, `metrics.prom` and `manifest.json` in staging;
/// 5. `commit` → the run directory: the atomic swap, then `latest` and retention.
package struct ReportJob: Sendable {
    var configuration: Configuration
    var options: JobOptions
    var logger: Logger
    var markdown: MarkdownReportWriter?
    var clock: @Sendable () -> Date = Date.init

    package init(
        configuration: Configuration, options: JobOptions, logger: Logger, markdown: MarkdownReportWriter?,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
        self.markdown = markdown
        self.clock = clock
    }

    var settings: ReportSettings { configuration.report }

    var targetDirectory: URL {
        options.runDir?.standardizedFileURL
            ?? settings.outputRoot.appendingPathComponent(CalendarDay(options.asOf, in: settings.timeZone).description)
    }

    /// Called with every result as it arrives (progress display). With `report.metrics_file`, the
    /// run's metrics are also written there at the end, whatever the run's outcome but exit 2.
    package func run(
        source: some AnswerSource,
        accounts: [AccountRef],
        onResult: @Sendable (AccountResult) -> Void = { _ in },
        onFetchDone: @Sendable () -> Void = {}
    ) async -> JobOutcome {
        let startedAt = clock()
        let outcome = await runStages(
            startedAt: startedAt, source: source, accounts: accounts, onResult: onResult, onFetchDone: onFetchDone)
        publishMetrics(outcome, startedAt: startedAt)
        return outcome
    }

    private func runStages(
        startedAt: Date,
        source: some AnswerSource,
        accounts: [AccountRef],
        onResult: @Sendable (AccountResult) -> Void,
        onFetchDone: @Sendable () -> Void
    ) async -> JobOutcome {
        let prepared: PreparedRun
        do {
            prepared = try prepare()
        } catch {
            return error.outcome
        }
        logger.info(
            "run started",
            metadata: [
                "accounts": "\(accounts.count)", "as_of": "\(DateText.iso8601(options.asOf, in: settings.timeZone))",
                "run_dir": "\(targetDirectory.path)",
            ])
        let collected = await collect(
            from: source, accounts: accounts, into: prepared, onResult: onResult, onFetchDone: onFetchDone)
        let report = compare(collected)
        logger.debug(
            "report built", metadata: ["after_last_answer_s": "\((ContinuousClock.now - collected.lastAnswer).secondsText)"])
        let written: WrittenRun
        do {
            written = try await write(report, prepared: prepared, startedAt: startedAt, lastAnswer: collected.lastAnswer)
        } catch {
            return unwritable(error, prepared: prepared, report: report)
        }
        let final: URL
        do {
            final = try commit(prepared, interrupted: report.run.interrupted)
        } catch {
            return unwritable(error, prepared: prepared, report: report, errors: written.errors)
        }
        return outcome(report, written: written, runDir: final)
    }

    /// The run directory could not be written (exit 4): nothing of this run stays.
    private func unwritable(
        _ error: RunDirectoryError, prepared: PreparedRun, report: Report, errors: [String] = []
    ) -> JobOutcome {
        prepared.directory.discard()
        logger.error("cannot write the run directory", metadata: ["reason": "\(error.description)"])
        return JobOutcome(status: .runDirectoryUnwritable, report: report, errors: errors + [error.description])
    }

    /// The exit status and the closing log line of a run that was written.
    private func outcome(_ report: Report, written: WrittenRun, runDir: URL) -> JobOutcome {
        let tally = AccountTally(report.accounts)
        logger.info(
            "run written",
            metadata: [
                "run_dir": "\(runDir.path)", "ok": "\(tally.ok)", "failed": "\(tally.failed)",
                "not_fetched": "\(tally.notFetched)", "interrupted": "\(report.run.interrupted)",
                "findings": "\(report.findings.count(where: { !$0.suppressed }))",
            ])
        var status: ExitStatus = written.complete ? .complete : .incomplete
        if written.complete, let failOn = options.failOn,
            report.findings.contains(where: { !$0.suppressed && $0.severity <= failOn })
        {
            status = .findingsAtOrAbove
        }
        return JobOutcome(status: status, runDir: runDir, report: report, errors: written.errors, metrics: written.metrics)
    }

    /// `report.metrics_file`: the run directory's `metrics.prom`, or — when the run directory could
    /// not be written (exit 4) — the same metrics with `run_complete` 0. Never for exit 2 (nothing
    /// was fetched: the file of the last run stays). A failure is one error line; it changes
    /// neither the run's files nor its exit status.
    private func publishMetrics(_ outcome: JobOutcome, startedAt: Date) {
        guard let url = settings.metricsFile, outcome.status != .usage else { return }
        let text: String
        if outcome.status != .runDirectoryUnwritable, let written = outcome.metrics {
            text = written
        } else {
            text = RunMetrics.text(
                outcome.report, run: RunMetrics.Run(startedAt: startedAt, finishedAt: clock(), complete: false))
        }
        do {
            try MetricsFile.write(text, to: url)
        } catch {
            logger.error(
                "cannot write the metrics file \(url.path)", metadata: ["reason": "\(error.description)"])
        }
    }

    /// The file name of a format's report for the run's day.
    func fileName(_ format: OutputFormat) -> String {
        let day = CalendarDay(options.asOf, in: settings.timeZone)
        switch format {
        case .xlsx: return "yunfu-report-\(day).xlsx"
        case .markdown: return "yunfu-report-\(day).md"
        case .html: return "yunfu-report-\(day).html"
        case .csv: return ""
        }
    }
}
