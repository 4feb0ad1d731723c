import AsyncHTTPClient
import Foundation
import InMemoryLogging
import Logging
import Testing
import YunfuSimulator

@testable import YunfuReport

/// Runs the real job in-process against the simulated platform on loopback.
enum JobHarness {
    static let token = "s3cr3t-token-\u{2603}-never-written"

    static func temporaryDirectory(_ name: String = "job") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("yunfu-tests-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func refs(_ accounts: [SimAccount], label: String = "测试") -> [AccountRef] {
        accounts.enumerated().map { index, account in
            AccountRef(id: AccountID(userID: account.userID, subUserID: account.subUserID), label: label, order: index)
        }
    }

    static func configuration(
        baseURL: String, accounts: [AccountRef], outputRoot: URL, formats: Set<OutputFormat> = Set(OutputFormat.allCases)
    ) -> Configuration {
        var api = APISettings()
        api.baseURL = baseURL
        api.token = Secret(token)
        api.maxRetries = 1
        api.maxRetryAfterSeconds = 0.2
        api.timeoutSeconds = 5
        var report = ReportSettings(outputRoot: outputRoot)
        report.formats = formats
        return Configuration(
            file: outputRoot.appendingPathComponent("config.yaml"), api: api, accounts: accounts, report: report)
    }

    static func platform(
        users: Int = 4, subs: Int = 2, seed: UInt64 = 11, latency: Duration = .zero, drifts: Set<Drift> = []
    ) -> SimulatedPlatform {
        SimulatedPlatform(
            options: SimulatorOptions(
                fleet: FleetSpec(users: users, subsPerUser: subs, seed: seed, referenceDate: Plain.asOf),
                latency: latency,
                drifts: drifts,
                expectedAuth: (header: "Authorization", value: "Bearer \(token)")
            ))
    }

    /// Runs the job once; `logs` collects what it logged.
    static func run(
        _ configuration: Configuration, options: JobOptions, logs: LogRecorder? = nil
    ) async throws -> JobOutcome {
        var logger = Logger(label: "test") { _ in logs.map { $0 as any LogHandler } ?? SwiftLogNoOpLogHandler() }
        logger.logLevel = .trace
        let markdown = try MarkdownReportWriter(
            templatesDir: configuration.report.templatesDir, locale: configuration.report.locale)
        let client = Fetcher.makeHTTPClient(settings: configuration.api)
        let fetcher = Fetcher(
            settings: configuration.api, httpClient: client,
            decoder: AnswerDecoder(apiTimeZone: configuration.api.timeZone), logger: logger)
        let job = ReportJob(configuration: configuration, options: options, logger: logger, markdown: markdown)
        let outcome = await job.run(source: fetcher, accounts: configuration.accounts)
        try await client.shutdown()
        return outcome
    }

    static func bytes(_ dir: URL, _ name: String) throws -> [UInt8] {
        let url = dir.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw HarnessError(description: "missing \(url.path)")
        }
        return Array(data)
    }

    /// A CSV file of the run, read with the strict reader, as dictionaries by column.
    static func table(_ dir: URL, _ table: ReportCSV.Table) throws -> [[String: String]] {
        try CSVReader.parseTable(bytes(dir, table.fileName), expectedHeader: table.header)
    }

    static func manifest(_ dir: URL) throws -> [String: Any] {
        let data = Data(try bytes(dir, "manifest.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw HarnessError(description: "manifest.json is not an object")
        }
        return object
    }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
    }
}

/// A swift-log handler that keeps every line, to check what was (and was not) logged: swift-log's
/// in-memory handler, each entry read back as one line of text.
struct LogRecorder: LogHandler {
    private var handler = InMemoryLogHandler()

    init() { handler.logLevel = .trace }

    var metadata: Logger.Metadata {
        get { handler.metadata }
        set { handler.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { handler.logLevel }
        set { handler.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { handler[metadataKey: key] }
        set { handler[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) { handler.log(event: event) }

    /// Every entry as `level message [metadata] error`.
    var all: [String] {
        handler.entries.map { entry in
            "\(entry.level) \(entry.message) \(entry.metadata) \(entry.error.map { "\($0)" } ?? "")"
        }
    }
}
