import ArgumentParser
import Foundation

extension YunfuReportCommand {
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Rebuild a run from an --archive-raw archive, with no network.",
            discussion: """
                Needs neither base_url nor the token. The default --as-of is the archived run's.
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
            let options = try job.options(for: configuration, defaultAsOf: archive.asOf)
            let markdown = try markdownWriter(for: configuration)
            var replayed = configuration
            replayed.accounts = archive.entries.map(\.account)
            replayed.notify = []
            let source = ReplaySource(archive: archive, decoder: AnswerDecoder(apiTimeZone: configuration.api.timeZone))
            let reportJob = ReportJob(configuration: replayed, options: options, logger: logger, markdown: markdown)
            let outcome = await runInterruptibly(reportJob, source: source, accounts: replayed.accounts, quiet: logging.quiet)
            finish(outcome, logger: logger)
        }
    }
}
