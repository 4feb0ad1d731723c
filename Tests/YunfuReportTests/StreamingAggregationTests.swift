import Foundation
import Logging
import Testing
import YunfuSimulator

@testable import YunfuReport

/// The report is folded together one answer at a time as the fetch goes on (issue 6: no decoded
/// answer outlives its account), and the tables are streamed to their files: what comes out must
/// not depend on the order the answers arrive in, nor on how the files are cut into chunks.
@Suite("Streaming aggregation and writing")
struct StreamingAggregationTests {
    /// A generated fleet with every drift, decoded as the job decodes it, with a few failures.
    static func fleetResults(users: Int = 40) -> [AccountResult] {
        let platform = SimulatedPlatform(
            options: SimulatorOptions(
                fleet: FleetSpec(users: users, subsPerUser: 3, seed: 5, referenceDate: Plain.asOf),
                drifts: Set(Drift.allCases)))
        let decoder = AnswerDecoder(apiTimeZone: Plain.shanghai)
        return platform.accounts.enumerated().map { index, sim in
            let account = Plain.account(sim.userID, sim.subUserID, order: index, label: "客户 \(index / 4)")
            if index % 17 == 5 { return Plain.failed(account) }
            guard let body = platform.answer(for: sim) else { return Plain.failed(account, "HTTP 404") }
            switch decoder.decode(body) {
            case .snapshot(let snapshot, let warnings): return Plain.ok(account, snapshot, warnings: warnings)
            case .failure(let reason): return Plain.failed(account, reason)
            }
        }
    }

    static func tables(_ report: Report) -> [ReportCSV.Table: [UInt8]] {
        Dictionary(uniqueKeysWithValues: ReportCSV.Table.allCases.map { ($0, ReportPath.csv($0, of: report, bom: true)) })
    }

    @Test func arrivalOrderDoesNotChangeTheReport() throws {
        let results = Self.fleetResults()
        let expected = Self.tables(Plain.build(results))
        #expect(expected[.warnings].map { $0.count > 500 } == true, "the fleet has drift: warnings are compared too")

        var generator = SplitMix64(seed: 42)
        for round in 0..<4 {
            // Completion order: shuffled, or reversed (everything waits for the first account).
            let arrivals = round == 0 ? Array(results.reversed()) : results.shuffled(using: &generator)
            var accumulator = ReportAccumulator(settings: Plain.settings(), asOf: Plain.asOf)
            var inOrder = InOrderRelease<AccountContribution>()
            var mostHeld = 0
            for result in arrivals {
                for contribution in inOrder.take(AccountContribution(result), at: result.account.order) {
                    accumulator.add(contribution)
                }
                mostHeld = max(mostHeld, inOrder.heldCount)
            }
            #expect(inOrder.heldCount == 0)
            #expect(accumulator.count == results.count)
            if round == 0 { #expect(mostHeld == results.count - 1) }
            let report = accumulator.finish()
            let tables = Self.tables(report)
            for table in ReportCSV.Table.allCases {
                #expect(tables[table] == expected[table], "round \(round): \(table.fileName)")
            }
        }
    }

    /// The job streams the script-group rows to `script_groups.csv` and the workbook as the answers
    /// come in, in completion order, and keeps none of them: its files must be those of the report
    /// built whole from the same answers.
    @Test func theJobsStreamedFilesAreThoseOfTheWholeReport() async throws {
        let platform = JobHarness.platform(users: 60, subs: 3, drifts: Set(Drift.allCases))
        let root = try JobHarness.temporaryDirectory("streamed")
        defer { try? FileManager.default.removeItem(at: root) }
        let accounts = JobHarness.refs(platform.accounts)
        let outcome = try await platform.withRunning { base in
            var configuration = JobHarness.configuration(baseURL: base, accounts: accounts, outputRoot: root)
            configuration.api.maxConcurrency = 16
            var options = JobOptions(asOf: Plain.asOf, runDir: root.appendingPathComponent("run"))
            options.compareTo = .none
            return try await JobHarness.run(configuration, options: options)
        }
        let runDir = try #require(outcome.runDir)
        let jobReport = try #require(outcome.report)
        #expect(outcome.status == .complete)

        let decoder = AnswerDecoder(apiTimeZone: Plain.shanghai)
        let results = try zip(accounts, platform.accounts).map { account, sim in
            let body = try #require(platform.answer(for: sim))
            guard case .snapshot(let snapshot, let warnings) = decoder.decode(body) else {
                throw JobHarness.HarnessError(description: "\(sim) does not decode")
            }
            return Plain.ok(account, snapshot, warnings: warnings)
        }
        var whole = ReportPath.report(results: results, settings: jobReport.settings, asOf: Plain.asOf)
        whole.comparison = jobReport.comparison
        whole.compareWarning = jobReport.compareWarning
        whole.trend = jobReport.trend
        let rows = ReportPath.scriptGroupRows(results)
        #expect(rows.count > ScriptGroupFeed.batchSize, "more than one batch went to the writer")
        #expect(jobReport.scriptGroupCount == rows.count)
        #expect(jobReport.activeScriptGroupCount == rows.count(where: \.isActive))
        #expect(jobReport.engines.map(\.scriptGroups) == whole.engines.map(\.scriptGroups))
        #expect(jobReport.findings.map(\.message) == whole.findings.map(\.message))

        for table in ReportCSV.Table.allCases where table != .changes && table != .scriptGroups {
            #expect(
                try JobHarness.bytes(runDir, table.fileName) == ReportPath.csv(table, of: whole, bom: true),
                "\(table.fileName)")
        }
        #expect(
            try JobHarness.bytes(runDir, ReportCSV.Table.scriptGroups.fileName)
                == ReportPath.scriptGroupsCSV(rows, bom: true))
        let workbook = root.appendingPathComponent("whole.xlsx")
        try ReportPath.workbook(whole, scriptGroups: rows, to: workbook)
        let name = "yunfu-report-\(whole.asOfDay).xlsx"
        #expect(try JobHarness.bytes(runDir, name) == Array(try Data(contentsOf: workbook)), "the same workbook, byte for byte")
    }

    /// The job tells the accumulator how many accounts to expect, and it sizes its arrays from the
    /// rows per account so far; accounts that bring ever more rows must still all be there.
    @Test func rowArraysSizedFromTheAccountsSoFarLoseNothing() {
        let results = (0..<400).map { index in
            let account = Plain.account("u\(index)", order: index)
            let groups = (0..<(index / 20)).map { k in
                ScriptGroupRecord(id: Int64(k), name: "g\(k)", asr: k % 3 == 0 ? "" : "aliYun1", activeFlag: true)
            }
            let lines = (0..<(1 + index / 50)).map { k in Plain.line("L\(index % 37)-\(k)") }
            let warnings = (0..<(index % 5)).map { k in
                DecodeWarning(path: "caller_line_list[\(k)].available_at", value: "x", problem: "not a date")
            }
            return Plain.ok(account, Plain.snapshot(lines: lines, groups: groups), warnings: warnings)
        }
        let expected = Self.tables(Plain.build(results))
        var accumulator = ReportAccumulator(
            settings: Plain.settings(), asOf: Plain.asOf, expectedAccounts: results.count)
        for result in results { accumulator.add(AccountContribution(result)) }
        let tables = Self.tables(accumulator.finish())
        for table in ReportCSV.Table.allCases {
            #expect(tables[table] == expected[table], "\(table.fileName)")
        }
    }

    /// A large fleet has tens of references to each account (its row, its lines, its findings,
    /// its coverage): they must all be the configured account itself, not copies of its ids and
    /// label (issue 6: 64 bytes and three strings per reference).
    @Test func everyRowRefersToTheConfiguredAccountItself() {
        let results = Self.fleetResults(users: 12)
        let configured = Dictionary(uniqueKeysWithValues: results.map { ($0.account.order, $0.account) })
        let report = Plain.build(results)
        func isConfigured(_ account: AccountRef) -> Bool { configured[account.order] === account }
        #expect(!report.findings.isEmpty && !report.lines.isEmpty)
        #expect(report.accounts.allSatisfy { isConfigured($0.account) })
        #expect(report.lines.allSatisfy { $0.accounts.allSatisfy(isConfigured) })
        #expect(report.findings.allSatisfy { $0.accounts.allSatisfy(isConfigured) })
        #expect(report.coverage.allSatisfy { isConfigured($0.account) })
        #expect(report.warnings.allSatisfy { isConfigured($0.account) })
        // Compared by value all the same: an equal account made apart is equal, and hashes alike.
        let first = results[0].account
        let copy = AccountRef(id: first.id, label: first.label, order: first.order)
        #expect(copy == first && copy !== first && Set([copy, first]).count == 1)
        #expect(AccountRef(id: first.id, label: first.label + "x", order: first.order) != first)
    }

    @Test func inOrderReleaseHandsOverEachPositionOnceAndInOrder() {
        var inOrder = InOrderRelease<String>()
        #expect(inOrder.take("c", at: 2) == [])
        #expect(inOrder.take("b", at: 1) == [])
        #expect(inOrder.take("b again", at: 1) == [])
        #expect(inOrder.take("a", at: 0) == ["a", "b", "c"])
        #expect(inOrder.take("a again", at: 0) == [])
        #expect(inOrder.take("f", at: 5) == [])
        #expect(inOrder.heldCount == 1)
        // The fetch ended: 3 and 4 never came (interrupted), 5 is due after them.
        let rest = inOrder.drain(upTo: 7) { "missing \($0)" }
        #expect(rest == ["missing 3", "missing 4", "f", "missing 6"])
        #expect(inOrder.heldCount == 0 && inOrder.next == 7)
    }

    @Test func coverageRowsComputedOnDemandAreTheRowsOfTheContract() throws {
        let a = Plain.account("u1", order: 0)
        let b = Plain.account("u1", "s1", order: 1)
        let c = Plain.account("u2", order: 2)
        let results = [
            Plain.ok(
                a,
                Plain.snapshot(rules: [
                    Plain.rule(7, statuses: [(6, 30), (3, 10)]), Plain.rule(2, statuses: [(6, 20)]),
                    Plain.rule(9, enabled: false, statuses: [(11, 5)]),
                ])),
            Plain.failed(b),
            Plain.ok(c, Plain.snapshot(rules: [])),
        ]
        var settings = Plain.settings()
        settings.requiredRecycleStatuses = [6, 8]
        let report = Plain.build(results, settings: settings)
        #expect(report.statuses.map(\.status) == [3, 6, 8, 11])
        #expect(report.coverage.count == 8)
        let rows = Array(report.coverage)
        #expect(rows.map(\.account) == [a, a, a, a, c, c, c, c])
        #expect(rows.map(\.status) == [3, 6, 8, 11, 3, 6, 8, 11])
        #expect(rows.map(\.covered) == [true, true, false, false, false, false, false, false])
        #expect(rows.map(\.required) == [false, true, true, false, false, true, true, false])
        #expect(rows[1].ruleIDs == [2, 7] && rows[1].redialAfterMinutes == 20)
        #expect(rows[0].ruleIDs == [7] && rows[0].redialAfterMinutes == 10)
        #expect(rows[2].ruleIDs == [] && rows[2].redialAfterMinutes == nil)
        // The same table given as rows reads back the same.
        let given = CoverageTable(rows)
        #expect(given.count == 8 && given.map(\.status) == rows.map(\.status))
        #expect(CoverageTable().isEmpty)
    }

    @Test func aTableStreamedInSmallChunksIsTheWholeFileCutAtRowEnds() throws {
        let report = Plain.build(Self.fleetResults(users: 10))
        for table in ReportCSV.Table.OfReport.allCases.map(\.table) {
            let whole = ReportPath.csv(table, of: report, bom: true)
            var chunks: [[UInt8]] = []
            ReportCSV.encode(try #require(table.ofReport), of: report, bom: true, chunkSize: 512) { (chunk: [UInt8]) in chunks.append(chunk) }
            #expect(Array(chunks.joined()) == whole, "\(table.fileName)")
            #expect(chunks.allSatisfy { $0.suffix(2) == [0x0D, 0x0A] }, "\(table.fileName): chunks end with a row")
            if whole.count > 2_048 { #expect(chunks.count > 2, "\(table.fileName) is streamed, not written whole") }
        }
    }

    @Test func filesWrittenInChunksOrReadBackAreHashedAsAWhole() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("yunfu-stream-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: parent) }
        let directory = try RunDirectory(target: parent.appendingPathComponent("run"))
        defer { directory.discard() }
        // Larger than the read-back block, and not a multiple of it.
        let bytes = (0..<200_003).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try directory.write("chunked.bin") { (emit: ([UInt8]) throws(RunDirectoryError) -> Void) throws(RunDirectoryError) in
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + 7_919, bytes.count)
                try emit(Array(bytes[offset..<end]))
                offset = end
            }
        }
        try RunDirectory.writeFile(directory.staging.appendingPathComponent("other.bin"), bytes)
        try directory.recordWritten("other.bin")
        let expected = Digest.sha256Hex(bytes)
        #expect(directory.written.map(\.sha256) == [expected, expected])
        #expect(FileManager.default.contents(atPath: directory.staging.appendingPathComponent("chunked.bin").path) == Data(bytes))
    }
}
