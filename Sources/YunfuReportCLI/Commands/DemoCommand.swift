import ArgumentParser
import AsyncHTTPClient
import Foundation
import YunfuReport
import YunfuSimulator

extension YunfuReportCommand {
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "Run the job against the embedded simulated platform: real reports without an account.",
            discussion: """
                Starts the simulated platform on a free loopback port with a generated fleet, runs the \
                nightly job against it and prints where the reports are (by default Output/demo/{date}/, \
                apart from the runs of a real configuration).

                Example:
                  yunfu-report demo --accounts 120 --run-dir /tmp/yunfu-demo
                """
        )

        @Option(name: .long, help: "How many accounts (main views and sub-accounts) the generated fleet has.")
        var accounts: Int = 60

        @Option(name: .long, help: "Write the run here instead of Output/demo/{date}/ under the current directory.")
        var runDir: String?

        @Option(name: .long, help: "Seed of the generated fleet.")
        var seed: UInt64 = 2026

        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            guard accounts > 0 else { throw usage("--accounts must be above 0") }
            let logger = logging.makeLogger()
            LogSetup.useTimeZone(ReportSettings(outputRoot: Self.outputRoot(in: URL(fileURLWithPath: "."))).timeZone)
            let token = "demo-token"
            let subsPerUser = 2
            let users = (accounts + subsPerUser) / (subsPerUser + 1)
            let now = Date()
            let platform = SimulatedPlatform(
                options: SimulatorOptions(
                    fleet: FleetSpec(
                        users: users, subsPerUser: subsPerUser, seed: seed,
                        referenceDate: FleetSpec.startOfTodayInShanghai(now: now)),
                    latency: .milliseconds(5),
                    drifts: [.boolAsInt, .intAsString, .zeroDates, .emptyMapAsArray, .impossibleDates],
                    expectedAuth: (header: "Authorization", value: "Bearer \(token)")
                ))
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let accountRefs = platform.accounts.prefix(accounts).enumerated().map { index, account in
                AccountRef(
                    id: AccountID(userID: account.userID, subUserID: account.subUserID),
                    label: "演示客户 \(index / (subsPerUser + 1) + 1)", order: index)
            }
            let outcome = try await platform.withRunning { baseURL in
                var api = APISettings()
                api.baseURL = baseURL
                api.token = Secret(token)
                let configuration = Configuration(
                    file: cwd.appendingPathComponent("demo"),
                    api: api,
                    accounts: accountRefs,
                    report: ReportSettings(outputRoot: Self.outputRoot(in: cwd))
                )
                let options = JobOptions(asOf: now, runDir: runDir.map { URL(fileURLWithPath: $0) })
                let markdown = try markdownWriter(for: configuration)
                let httpClient = Fetcher.makeHTTPClient(settings: api)
                let fetcher = Fetcher(
                    settings: api, httpClient: httpClient, decoder: AnswerDecoder(apiTimeZone: api.timeZone),
                    logger: logger)
                let job = ReportJob(configuration: configuration, options: options, logger: logger, markdown: markdown)
                let outcome = await runInterruptibly(job, source: fetcher, accounts: accountRefs, quiet: logging.quiet)
                try? await httpClient.shutdown()
                return outcome
            }
            if let runDir = outcome.runDir {
                print("Demo reports (simulated platform, \(accountRefs.count) accounts) are in \(runDir.path)/")
                if let names = try? FileManager.default.contentsOfDirectory(atPath: runDir.path) {
                    for name in names.sorted() { print("  \(name)") }
                }
            }
            finish(outcome, logger: logger)
        }

        /// `Output/demo/` under `directory`: a folder of its own, so that a demo never replaces,
        /// or counts among, the runs of a real configuration whose `output_root` is `./Output`
        /// (`demo` is no run directory's name: those runs leave it alone).
        static func outputRoot(in directory: URL) -> URL {
            directory.appendingPathComponent("Output", isDirectory: true).appendingPathComponent("demo", isDirectory: true)
        }
    }
}
