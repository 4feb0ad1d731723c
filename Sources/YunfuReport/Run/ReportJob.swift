import Dispatch
package import Foundation
package import Logging

/// Where the answers come from: the platform (`Fetcher`) or an archive (`ReplaySource`).
package protocol AnswerSource: Sendable {
    func fetchAll(
        _ accounts: [AccountRef], rawSink: (any RawAnswerSink)?, onResult: (AccountResult) async -> Void
    ) async
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

/// One run, end to end: run directory → fetch (decode overlaps) → aggregate → suppress →
/// compare → writers → manifest → atomic swap → `latest` and retention.
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
        let outcome = await writeRun(
            startedAt: startedAt, source: source, accounts: accounts, onResult: onResult, onFetchDone: onFetchDone)
        publishMetrics(outcome, startedAt: startedAt)
        return outcome
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

    private func writeRun(
        startedAt: Date,
        source: some AnswerSource,
        accounts: [AccountRef],
        onResult: @Sendable (AccountResult) -> Void,
        onFetchDone: @Sendable () -> Void
    ) async -> JobOutcome {
        let directory: RunDirectory
        do {
            directory = try RunDirectory(target: targetDirectory)
        } catch {
            logger.error("cannot create the run directory", metadata: ["reason": "\(error.description)"])
            return JobOutcome(status: .usage, errors: [error.description])
        }

        var rawWriter: RawArchiveWriter?
        if options.archiveRaw {
            do {
                rawWriter = try RawArchiveWriter(directory: directory.staging.appendingPathComponent("raw"))
            } catch {
                directory.discard()
                return JobOutcome(status: .runDirectoryUnwritable, errors: [error.description])
            }
        }

        // The script-group rows go to their files as the accounts come in.
        let scriptGroupStream: ScriptGroupStream
        do {
            scriptGroupStream = try ScriptGroupStream(
                directory: directory, settings: settings, asOf: options.asOf,
                workbookName: fileName(.xlsx, day: CalendarDay(options.asOf, in: settings.timeZone)), logger: logger)
        } catch {
            directory.discard()
            return JobOutcome(status: .runDirectoryUnwritable, errors: [error.description])
        }

        logger.info(
            "run started",
            metadata: [
                "accounts": "\(accounts.count)", "as_of": "\(DateText.iso8601(options.asOf, in: settings.timeZone))",
                "run_dir": "\(targetDirectory.path)",
            ])

        // Each answer becomes its account's contribution as it arrives (the decoded snapshot is
        // dropped there) and is folded into the report in account order: only the accounts that
        // finished before an earlier one wait, as contributions.
        var accumulator = ReportAccumulator(
            settings: settings, asOf: options.asOf, expectedAccounts: accounts.count, keepsScriptGroupRows: false)
        var inOrder = InOrderRelease<AccountContribution>()
        var interrupted = false
        await source.fetchAll(accounts, rawSink: rawWriter) { result in
            onResult(result)
            if case .failed(let error) = result.outcome, error == Fetcher.interruptedError { interrupted = true }
            let position = result.account.order
            guard position >= 0, position < accounts.count else { return }
            for contribution in inOrder.take(AccountContribution(result), at: position) {
                scriptGroupStream.append(contribution.scriptGroups)
                accumulator.add(contribution)
            }
        }
        onFetchDone()
        let lastAnswer = ContinuousClock.now
        // Every account is delivered, interrupted ones too; any the source never gave counts as
        // interrupted all the same.
        for contribution in inOrder.drain(
            upTo: accounts.count,
            missing: { position in
                interrupted = true
                return AccountContribution(
                    AccountResult(account: accounts[position], attempts: 0, outcome: .failed(error: Fetcher.interruptedError)))
            })
        {
            scriptGroupStream.append(contribution.scriptGroups)
            accumulator.add(contribution)
        }

        var report = accumulator.finish(run: RunStatus(interrupted: interrupted))
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

        logger.debug("report built", metadata: ["after_last_answer_s": "\((ContinuousClock.now - lastAnswer).secondsText)"])
        var errors: [String] = []
        var metrics = ""
        do {
            try writeReports(report, into: directory, scriptGroups: scriptGroupStream, errors: &errors)
            logger.debug(
                "reports written", metadata: ["after_last_answer_s": "\((ContinuousClock.now - lastAnswer).secondsText)"])
            if let rawWriter {
                try RunDirectory.writeFile(
                    rawWriter.directory.appendingPathComponent("index.json"),
                    rawWriter.index(accounts: report.accounts, asOf: report.asOf, timeZone: report.timeZone))
                try directory.recordWritten("raw/index.json")
            }
            let finishedAt = clock()
            var manifest = Manifest(
                report: report, version: YunfuReportInfo.version, startedAt: startedAt, finishedAt: finishedAt,
                errors: errors)
            manifest.xlsx = written(directory, fileName(.xlsx, report))
            manifest.markdown = written(directory, fileName(.markdown, report))
            manifest.html = written(directory, fileName(.html, report))
            manifest.csv = ReportCSV.Table.allCases.compactMap { table in
                written(directory, table.fileName).map { (table.rawValue, $0) }
            }
            metrics = RunMetrics.text(
                report, run: RunMetrics.Run(startedAt: startedAt, finishedAt: finishedAt, complete: manifest.complete))
            try directory.write(RunMetrics.fileName, Array(metrics.utf8))
            manifest.metrics = RunMetrics.fileName
            manifest.sha256 = directory.written.map { ($0.name, $0.sha256) }
            try directory.write("manifest.json", Array(manifest.json.rendered().utf8))
        } catch {
            directory.discard()
            logger.error("cannot write the run directory", metadata: ["reason": "\(error.description)"])
            return JobOutcome(status: .runDirectoryUnwritable, report: report, errors: errors + [error.description])
        }

        let target = targetDirectory
        let final =
            interrupted && RunDirectory.holdsCompleteRun(target)
            ? target.deletingLastPathComponent().appendingPathComponent(target.lastPathComponent + "-interrupted")
            : target
        do {
            try directory.commit(to: final)
        } catch {
            directory.discard()
            logger.error("cannot write the run directory", metadata: ["reason": "\(error.description)"])
            return JobOutcome(status: .runDirectoryUnwritable, report: report, errors: errors + [error.description])
        }
        if final != target {
            logger.warning(
                "interrupted run written beside the complete one", metadata: ["run_dir": "\(final.path)"])
        }

        if options.runDir == nil, !interrupted {
            // Still under the run directory's lock on the output root.
            withExtendedLifetime(directory) {
                let listing = OutputRoot.list(settings.outputRoot)
                OutputRoot.noteNotRuns(listing, in: settings.outputRoot, logger: logger)
                OutputRoot.pointLatest(after: final, in: settings.outputRoot, listing: listing, logger: logger)
                OutputRoot.applyRetention(
                    keep: settings.keepRuns, listing: listing, justWritten: final, logger: logger)
            }
        }

        let tally = AccountTally(report.accounts)
        let failed = tally.total - tally.ok
        logger.info(
            "run written",
            metadata: [
                "run_dir": "\(final.path)", "ok": "\(tally.ok)", "failed": "\(tally.failed)",
                "not_fetched": "\(tally.notFetched)",
                "interrupted": "\(interrupted)", "findings": "\(report.findings.count(where: { !$0.suppressed }))",
            ])
        let complete = !interrupted && errors.isEmpty && failed == 0
        var status: ExitStatus = complete ? .complete : .incomplete
        if complete, let failOn = options.failOn,
            report.findings.contains(where: { !$0.suppressed && $0.severity <= failOn })
        {
            status = .findingsAtOrAbove
        }
        return JobOutcome(status: status, runDir: final, report: report, errors: errors, metrics: metrics)
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

    private func fileName(_ format: OutputFormat, _ report: Report) -> String {
        fileName(format, day: report.asOfDay)
    }

    private func fileName(_ format: OutputFormat, day: CalendarDay) -> String {
        switch format {
        case .xlsx: return "yunfu-report-\(day).xlsx"
        case .markdown: return "yunfu-report-\(day).md"
        case .html: return "yunfu-report-\(day).html"
        case .csv: return ""
        }
    }

    private func written(_ directory: RunDirectory, _ name: String) -> String? {
        directory.written.contains { $0.name == name } ? name : nil
    }

    /// Every format asked for. A report file that cannot be made (the C library refuses) is an
    /// entry in `errors`; a file system failure of the run directory itself is thrown (exit 4).
    /// The script-group rows are already in `script_groups.csv` and the workbook's sheet.
    private func writeReports(
        _ report: Report, into directory: RunDirectory, scriptGroups: ScriptGroupStream, errors: inout [String]
    ) throws(RunDirectoryError) {
        let formats = settings.formats
        // The workbook (libxlsxwriter and its zip: the longest writer by far) is finished on a
        // thread of its own while the CSV files are written here; it is recorded after them, as
        // before, and the Markdown and HTML files after it.
        let xlsxName = fileName(.xlsx, report)
        let (session, startFailure) = scriptGroups.takeWorkbook()
        let workbook: BackgroundWork<XLSXReportError>? =
            session.map { session in
                BackgroundWork { () throws(XLSXReportError) in try session.finish(report) }
            }
        // Whatever is thrown below, the workbook's thread has finished before the caller goes on.
        defer { _ = workbook?.wait() }
        if formats.contains(.csv) {
            let started = ContinuousClock.now
            defer { logger.debug("tables written", metadata: ["csv_s": "\((ContinuousClock.now - started).secondsText)"]) }
            for table in ReportCSV.Table.allCases {
                if table == .scriptGroups {
                    try scriptGroups.finishCSV(into: directory)
                    continue
                }
                try directory.write(table.fileName) { (emit: ([UInt8]) throws(RunDirectoryError) -> Void) throws(RunDirectoryError) in
                    try ReportCSV.encode(table, of: report, bom: settings.csvBOM, emit: emit)
                }
            }
        }
        if formats.contains(.xlsx) {
            do {
                if let startFailure { throw startFailure }
                if let workbook { try workbook.wait().get() }
                try directory.recordWritten(xlsxName)
            } catch let error as RunDirectoryError {
                throw error
            } catch {
                logger.error("the workbook could not be written", metadata: ["reason": "\(error)"])
                errors.append("\(xlsxName): \(error)")
                try? FileManager.default.removeItem(at: directory.staging.appendingPathComponent(xlsxName))
            }
        }
        if formats.contains(.markdown), let markdown {
            try directory.write(fileName(.markdown, report), Array(markdown.render(report).utf8))
        }
        if formats.contains(.html) {
            try directory.write(
                fileName(.html, report), Array(HTMLReportWriter.render(report, locale: settings.locale).utf8))
        }
    }
}

/// A synchronous piece of work on a thread of its own (for a writer to overlap the others);
/// `wait()` returns its outcome.
private final class BackgroundWork<Failure: Error>: @unchecked Sendable {
    // @unchecked: `outcome` is written once, on the work's thread, before `done` is signalled, and
    // read only after `done` was waited for; `joined` is used by the creating thread only.
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<Void, Failure> = .success(())
    private var joined = false

    init(_ body: @escaping @Sendable () throws(Failure) -> Void) {
        let thread = Thread { [self] in
            do throws(Failure) {
                try body()
            } catch {
                outcome = .failure(error)
            }
            done.signal()
        }
        thread.start()
    }

    /// Waits for the work to finish (the first time) and returns its outcome.
    func wait() -> Result<Void, Failure> {
        if !joined {
            done.wait()
            joined = true
        }
        return outcome
    }
}

