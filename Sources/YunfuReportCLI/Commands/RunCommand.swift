import ArgumentParser
import AsyncHTTPClient
import Foundation
import YunfuReport
import Logging

extension YunfuReportCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "The nightly job: fetch every configured account and write the run directory.",
            discussion: """
                Example:
                  YUNFU_API_TOKEN=… yunfu-report run --config config.yaml --as-of 2026-11-25 --fail-on high

                Exit status: 0 complete, 1 incomplete (failed accounts, interrupted, a report file not \
                written), 2 bad usage or configuration, 3 findings at or above --fail-on, 4 the run \
                directory could not be written, 130/143 a second SIGINT/SIGTERM.
                """
        )

        @Option(name: .long, help: "The configuration file (YAML).")
        var config: String

        @OptionGroup var job: JobArguments
        @OptionGroup var logging: LoggingOptions

        @Option(name: .long, help: "Override report.formats: a comma-separated list of xlsx,csv,markdown,html.")
        var formats: String?

        @Option(name: .long, help: "Override api.max_concurrency: requests in flight at most.")
        var concurrency: Int?

        @Flag(name: .long, help: "Store every answer exactly as received under raw/ (for `replay`).")
        var archiveRaw = false

        @Option(name: .long, help: "Exit 3 when an unsuppressed finding is at or above this severity (critical, high, medium, low, info).")
        var failOn: String?

        func run() async throws {
            let logger = logging.makeLogger()
            var configuration = try loadConfiguration(config, purpose: .run)
            if let formats {
                configuration.report.formats = try parseFormats(formats)
            }
            if let concurrency {
                guard concurrency > 0 else { throw usage("--concurrency must be a whole number above 0, not \(concurrency)") }
                configuration.api.maxConcurrency = concurrency
            }
            var options = try job.options(for: configuration)
            options.archiveRaw = archiveRaw
            if let failOn {
                guard let severity = Severity(rawValue: failOn.lowercased()) else {
                    throw usage("unknown --fail-on severity `\(failOn)` (critical, high, medium, low, info)")
                }
                options.failOn = severity
            }
            let markdown = try markdownWriter(for: configuration)

            let settings = configuration.api
            let httpClient = Fetcher.makeHTTPClient(settings: settings)
            let fetcher = Fetcher(
                settings: settings, httpClient: httpClient,
                decoder: AnswerDecoder(apiTimeZone: settings.timeZone), logger: logger)
            let reportJob = ReportJob(configuration: configuration, options: options, logger: logger, markdown: markdown)
            let outcome = await runInterruptibly(reportJob, source: fetcher, accounts: configuration.accounts, quiet: logging.quiet)
            try? await httpClient.shutdown()
            if let runDir = outcome.runDir, let report = outcome.report, !configuration.notify.isEmpty {
                // After the run directory is in place; a notice never changes the run's files or status.
                let notifyClients = Notifier.makeHTTPClients(network: settings.network)
                await Notifier(clients: { notifyClients.client(for: $0) }, logger: logger)
                    .send(report, runDir: runDir.path, targets: configuration.notify)
                await notifyClients.shutdown()
            }
            finish(outcome, logger: logger)
        }
    }
}

/// `--as-of`, `--run-dir`, `--compare-to`: what `run`, `replay` and `demo` share.
struct JobArguments: ParsableArguments {
    @Option(name: .long, help: "The instant reported on: 2026-11-25 (midnight in the report time zone) or an ISO 8601 instant. Default: now for run, the archived run's for replay.")
    var asOf: String?

    @Option(name: .long, help: "Write the run here instead of {output_root}/{as-of date}/.")
    var runDir: String?

    @Option(name: .long, help: "Compare with this run directory (or a directory of runs), or `none`. Default: the latest earlier run under output_root.")
    var compareTo: String?

    func options(for configuration: Configuration, defaultAsOf: Date? = nil) throws -> JobOptions {
        let zone = configuration.report.timeZone
        let asOf: Date
        if let text = self.asOf {
            guard let parsed = AsOfParser.parse(text, in: zone) else {
                throw usage("--as-of `\(text)` is neither a date (2026-11-25) nor an ISO 8601 instant (2026-11-25T08:00:00+08:00)")
            }
            asOf = parsed
        } else {
            asOf = defaultAsOf ?? Date()
        }
        var options = JobOptions(asOf: asOf, runDir: runDir.map { URL(fileURLWithPath: $0) })
        if let compareTo {
            if compareTo == "none" {
                options.compareTo = .none
            } else {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: compareTo, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw usage("--compare-to `\(compareTo)`: no such directory")
                }
                options.compareTo = .directory(URL(fileURLWithPath: compareTo))
            }
        }
        return options
    }
}

/// `--as-of`: a date is midnight in the report time zone; an ISO 8601 instant is taken as it is
/// (without an offset, in the report time zone).
enum AsOfParser {
    static func parse(_ text: String, in zone: TimeZone) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let day = DateText.parseDay(trimmed) {
            return DateText.instant(
                DateText.Civil(year: day.year, month: day.month, day: day.day, hour: 0, minute: 0, second: 0), in: zone)
        }
        if let instant = ISO8601Instant.parse(trimmed) { return instant }
        // A local date-time without an offset.
        let parts = trimmed.split(whereSeparator: { $0 == "T" || $0 == " " })
        guard parts.count == 2, let day = DateText.parseDay(String(parts[0])) else { return nil }
        let time = parts[1].split(separator: ":")
        guard time.count == 3, let h = Int(time[0]), let m = Int(time[1]), let s = Int(time[2]),
            (0..<24).contains(h), (0..<60).contains(m), (0..<60).contains(s)
        else { return nil }
        return DateText.instant(
            DateText.Civil(year: day.year, month: day.month, day: day.day, hour: h, minute: m, second: s), in: zone)
    }
}

extension LoggingOptions {
    func makeLogger() -> Logger {
        let level: Logger.Level = quiet ? .warning : (LogSetup.level(named: logLevel) ?? .info)
        return LogSetup.logger(level: level)
    }
}

/// A usage or configuration error: printed, exit 2.
func usage(_ message: String) -> any Error {
    printError("yunfu-report: \(message)")
    return ExitCode(ExitStatus.usage.rawValue)
}

func loadConfiguration(_ path: String, purpose: ConfigurationPurpose) throws -> Configuration {
    do {
        let configuration = try ConfigurationLoader.load(file: URL(fileURLWithPath: path), purpose: purpose)
        LogSetup.useTimeZone(configuration.report.timeZone)
        return configuration
    } catch {
        throw usage(error.description)
    }
}

func parseFormats(_ text: String) throws -> Set<OutputFormat> {
    var formats = Set<OutputFormat>()
    for part in text.split(separator: ",") {
        let name = part.trimmingCharacters(in: .whitespaces)
        guard let format = OutputFormat(rawValue: name) else {
            throw usage("unknown format `\(name)` in --formats (xlsx, csv, markdown, html)")
        }
        formats.insert(format)
    }
    guard !formats.isEmpty else { throw usage("--formats names no format (xlsx, csv, markdown, html)") }
    return formats
}

/// Loads and checks the Markdown templates before any request (exit 2 with the template's line).
func markdownWriter(for configuration: Configuration) throws -> MarkdownReportWriter? {
    guard configuration.report.formats.contains(.markdown) else { return nil }
    do {
        return try MarkdownReportWriter(templatesDir: configuration.report.templatesDir, locale: configuration.report.locale)
    } catch {
        throw usage(error.description)
    }
}

/// Runs the job with SIGINT/SIGTERM handling and the progress line.
func runInterruptibly(
    _ job: ReportJob, source: some AnswerSource, accounts: [AccountRef], quiet: Bool
) async -> JobOutcome {
    let progress = ProgressDisplay(total: accounts.count, enabled: !quiet && isatty(STDERR_FILENO) == 1)
    let interrupts = await RunInterrupts()
    let task = Task {
        await job.run(
            source: source, accounts: accounts,
            onResult: { progress.record($0) },
            onFetchDone: { interrupts.markFetchDone() })
    }
    let watcher = Task { await interrupts.watch(beforeNote: { progress.finish() }, interrupt: { task.cancel() }) }
    let outcome = await task.value
    watcher.cancel()
    progress.finish()
    return outcome
}

/// Prints the summary and exits with the run's status.
func finish(_ outcome: JobOutcome, logger: Logger) -> Never {
    for line in RunSummary.lines(outcome) { print(line) }
    fflush(nil)
    exit(outcome.status.rawValue)
}
