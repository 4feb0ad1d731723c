import ArgumentParser
import Foundation
import YunfuReport

extension YunfuReportCommand {
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Rebuild a run from an --archive-raw archive, with no network.",
            discussion: """
                Needs neither base_url nor the token. The default --as-of is the archived run's; the \
                default run directory is {output_root}/replays/{as-of date}/, never the archived run's own.

                Example:
                  yunfu-report replay Output/2026-11-25/raw --config config.yaml --run-dir /tmp/audit
                """
        )

        @Argument(help: "The raw/ directory of an earlier run made with --archive-raw.")
        var rawDir: String

        @Option(name: .long, help: "The configuration file (YAML).")
        var config: String

        @OptionGroup var job: JobArguments
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let logger = logging.makeLogger()
            let configuration = try loadConfiguration(config, purpose: .replay)
            let archive: RawArchive
            do {
                archive = try RawArchive.open(URL(fileURLWithPath: rawDir))
            } catch {
                throw usage(error.description)
            }
            var options = try job.options(for: configuration, defaultAsOf: archive.asOf)
            options.runDir = try Self.runDirectory(
                given: options.runDir, archive: URL(fileURLWithPath: rawDir), asOf: options.asOf,
                settings: configuration.report)
            let markdown = try markdownWriter(for: configuration)
            var replayed = configuration
            replayed.accounts = archive.entries.map(\.account)
            replayed.notify = []
            // A replay is no night: it leaves the monitoring's metrics file alone.
            replayed.report.metricsFile = nil
            let source = ReplaySource(archive: archive, decoder: AnswerDecoder(apiTimeZone: configuration.api.timeZone))
            let reportJob = ReportJob(configuration: replayed, options: options, logger: logger, markdown: markdown)
            let outcome = await runInterruptibly(reportJob, source: source, accounts: replayed.accounts, quiet: logging.quiet)
            finish(outcome, logger: logger)
        }

        /// Where a replay is written: `--run-dir`, else `{output_root}/replays/{as-of date}/` — never
        /// the archived run's own directory, which the swap would replace with its archive. A run
        /// directory that holds the archive being read is a usage error.
        static func runDirectory(given: URL?, archive: URL, asOf: Date, settings: ReportSettings) throws -> URL {
            let target =
                given
                ?? settings.outputRoot.appendingPathComponent(Self.replaysFolder, isDirectory: true)
                .appendingPathComponent(CalendarDay(asOf, in: settings.timeZone).description, isDirectory: true)
            let targetPath = target.standardizedFileURL.resolvingSymlinksInPath().path
            let archivePath = archive.standardizedFileURL.resolvingSymlinksInPath().path
            if archivePath == targetPath || archivePath.hasPrefix(targetPath.hasSuffix("/") ? targetPath : targetPath + "/") {
                throw usage(
                    "the run directory \(target.path) holds the archive being replayed (\(archive.path)): writing it would replace the archive; give another --run-dir"
                )
            }
            return target
        }

        /// The folder under `output_root` that replays go to by default: not a run directory's
        /// name, so replays never count as nights (latest, retention, the previous run).
        static let replaysFolder = "replays"
    }
}
