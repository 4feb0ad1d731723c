import Foundation
import Logging
import Testing

@testable import YunfuReport

/// An answer source that answers from snapshots and, while "fetching", sabotages the staging
/// directory so that writing the run directory fails (as a full disk or a permission change would).
struct SnapshotSource: AnswerSource {
    var parent: URL
    var sabotage: Bool

    func fetchAll(
        _ accounts: [AccountRef], rawSink: (any RawAnswerSink)?, onResult: (AccountResult) async -> Void
    ) async -> FetchEnd {
        let names = sabotage ? (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [] : []
        for name in names where name.hasPrefix(".") && name.contains(".tmp-") {
            // A directory where accounts.csv must go: the write fails with EISDIR.
            try? FileManager.default.createDirectory(
                at: parent.appendingPathComponent(name).appendingPathComponent("accounts.csv"),
                withIntermediateDirectories: true)
        }
        for account in accounts {
            await onResult(AccountResult(account: account, attempts: 1, outcome: .ok(Plain.snapshot(), warnings: [])))
        }
        return FetchEnd()
    }
}

@Suite("A run directory that cannot be written")
struct RunDirectoryFailureTests {
    @Test func isExitFourAndLeavesThePreviousRunUntouched() async throws {
        let root = try JobHarness.temporaryDirectory("exit4")
        defer { try? FileManager.default.removeItem(at: root) }
        let accounts = [Plain.account("u1", order: 0)]
        let config = JobHarness.configuration(baseURL: "http://127.0.0.1:1", accounts: accounts, outputRoot: root)
        let markdown = try MarkdownReportWriter(templatesDir: nil, locale: .zhCN)
        let job = ReportJob(
            configuration: config, options: JobOptions(asOf: Plain.asOf), logger: Logger(label: "test"),
            markdown: markdown)

        // A complete previous run of the same night.
        let first = await job.run(source: SnapshotSource(parent: root, sabotage: false), accounts: accounts)
        #expect(first.status == .complete)
        let dir = try #require(first.runDir)
        let before = try ProcessSupport.snapshot(dir)

        let second = await job.run(source: SnapshotSource(parent: root, sabotage: true), accounts: accounts)
        #expect(second.status == .runDirectoryUnwritable)
        #expect(second.errors.contains { $0.contains("accounts.csv") })
        #expect(try ProcessSupport.snapshot(dir) == before, "the previous run is untouched")
        #expect(ProcessSupport.leftovers(root).isEmpty, "the staging directory is removed")
    }
}
