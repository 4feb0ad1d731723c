import Foundation
import Testing
import YunfuSimulator

@testable import YunfuReport
@testable import YunfuReportCLI

/// The first week of a real user (issue 13): what must not be lost under `output_root`, where
/// `replay` and `demo` write, which night `latest` names, and configuration mistakes reported all
/// at once. The real executable against the simulated platform on loopback.
@Suite("First week: output root, replay, latest, demo, configuration mistakes", .serialized)
struct FirstWeekTests {
    typealias Support = ProcessSupport

    // MARK: - Retention (item 0)

    @Test("keep_runs never removes what is not a run: a user's folders, temporary and hidden ones")
    func retentionLeavesEverythingElseAlone() async throws {
        let ws = try ProcessWorkspace("retention-others")
        defer { ws.remove() }
        let fm = FileManager.default
        let keep = ["notes", "tmp-keepme", "2026-11-01.partial", ".hidden", "2026-10-01-no-manifest", "archive"]
        for name in keep {
            let dir = ws.outputRoot.appendingPathComponent(name)
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data("mine\n".utf8).write(to: dir.appendingPathComponent("readme.txt"))
        }
        // A folder named like a run, with a manifest another tool wrote: not this tool's run.
        let foreign = ws.outputRoot.appendingPathComponent("2026-09-01")
        try fm.createDirectory(at: foreign, withIntermediateDirectories: true)
        try Data(#"{"tool": "other", "as_of": "2026-09-01T00:00:00+08:00"}"#.utf8)
            .write(to: foreign.appendingPathComponent("manifest.json"))

        let platform = Support.platform(users: 2, subs: 1)
        let days = [Support.day(0), Support.day(1)]
        let stderr = try await platform.withRunning { base in
            try ws.writeConfig(baseURL: base, accounts: platform.accounts, maxConcurrency: 4, keepRuns: 1)
            var stderr = ""
            for day in days {
                let (child, end) = try await ws.run(asOf: day)
                #expect(end == .exit(0), "\(day): \(child.stderrText)")
                stderr = child.stderrText
            }
            return stderr
        }
        for name in keep {
            #expect(
                fm.contents(atPath: ws.outputRoot.appendingPathComponent(name).appendingPathComponent("readme.txt").path)
                    == Data("mine\n".utf8), "\(name) was touched")
        }
        #expect(fm.fileExists(atPath: foreign.appendingPathComponent("manifest.json").path))
        #expect(!fm.fileExists(atPath: ws.runDir(days[0]).path), "the older run is removed")
        #expect(Support.wholeCompleteRunProblem(ws.runDir(days[1])) == nil)
        #expect(stderr.contains("not run directories"), "logged once: \(stderr)")
    }

    @Test("The one definition of a run directory: date name, this tool's manifest, a real directory")
    func runDirectoryDefinition() throws {
        let root = try JobHarness.temporaryDirectory("run-definition")
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        func make(_ name: String, manifest: String?) throws {
            let dir = root.appendingPathComponent(name)
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            if let manifest { try Data(manifest.utf8).write(to: dir.appendingPathComponent("manifest.json")) }
        }
        let ours = #"{"tool": "yunfu-report", "as_of": "2026-11-25T00:00:00+08:00", "interrupted": false}"#
        try make("2026-11-25", manifest: ours)
        try make("2026-11-24-interrupted", manifest: ours.replacingOccurrences(of: "false", with: "true"))
        for name in ["tmp2026-11-25", "2026-11-25.partial", "2026-11-25.tmp", ".2026-11-25.tmp-1", "notes", "2026-11-23"] {
            try make(name, manifest: name == "2026-11-23" ? "not json" : ours)
        }
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("latest").path, withDestinationPath: "2026-11-25")
        let listing = OutputRoot.list(root)
        #expect(listing.runs.map(\.url.lastPathComponent) == ["2026-11-24-interrupted", "2026-11-25"])
        #expect(listing.runs.map(\.interrupted) == [true, false])
        #expect(listing.notRuns == ["2026-11-23", "2026-11-25.partial", "2026-11-25.tmp", "notes", "tmp2026-11-25"])
        // Retention with keep 1 removes only the other run, never a non-run.
        let removed = OutputRoot.beyondRetention(
            keep: 1, listing: listing, justWritten: root.appendingPathComponent("2026-11-25"))
        #expect(removed.map(\.lastPathComponent) == ["2026-11-24-interrupted"])
    }

    // MARK: - latest (item 2)

    @Test("A backfilled night does not take latest from a later one")
    func latestIsTheNewestNight() async throws {
        let ws = try ProcessWorkspace("latest-backfill")
        defer { ws.remove() }
        let platform = Support.platform(users: 2, subs: 1)
        try await platform.withRunning { base in
            try ws.writeConfig(baseURL: base, accounts: platform.accounts, maxConcurrency: 4)
            for day in [Support.day(0), Support.day(2)] {
                let (child, end) = try await ws.run(asOf: day)
                #expect(end == .exit(0), "\(child.stderrText)")
            }
            #expect(Support.latestTarget(ws.outputRoot) == Support.day(2))
            let (child, end) = try await ws.run(asOf: Support.day(1))
            #expect(end == .exit(0), "\(child.stderrText)")
            // Log lines carry the report's zone (Asia/Shanghai), not the server's UTC (item 11).
            let logLines = child.stderrText.split(separator: "\n").filter { $0.contains(" info yunfu-report:") }
            #expect(!logLines.isEmpty && logLines.allSatisfy { $0.split(separator: " ").first?.hasSuffix("+0800") == true }, "\(logLines)")
        }
        #expect(Support.wholeCompleteRunProblem(ws.runDir(Support.day(1))) == nil)
        #expect(Support.latestTarget(ws.outputRoot) == Support.day(2))
        // The mail body names the previous run by its directory's name, not the server's path.
        let html = try String(
            contentsOf: ws.runDir(Support.day(2)).appendingPathComponent("yunfu-report-\(Support.day(2)).html"),
            encoding: .utf8)
        #expect(html.contains(Support.day(0)))
        #expect(!html.contains(ws.outputRoot.path), "no absolute path in the mail")
    }

    // MARK: - Help and messages (item 11)

    @Test("A mistyped command is named, with the nearest one; help does not break sentences")
    func helpAndMessages() async throws {
        let ws = try ProcessWorkspace("help")
        defer { ws.remove() }
        let (typo, end) = try await ws.command(["runn", "--config", "x"], tag: "typo")
        #expect(end == .exit(2))
        #expect(typo.stderrText.contains("unknown command `runn`. Did you mean `run`?"), "\(typo.stderrText)")
        #expect(!typo.stderrText.contains("Unknown option"), "\(typo.stderrText)")

        let (replay, _) = try await ws.command(["replay", "--help"], tag: "replay-help")
        #expect(!replay.stdoutText.contains("Default: now."), "\(replay.stdoutText)")
        #expect(replay.stdoutText.contains("the archived run's"))

        // In a wide terminal each paragraph of every command's overview is one line: no line ends
        // mid-sentence (pre-wrapped text would break at the writer's 100 columns).
        for command in YunfuReportCommand.commandNames where command != "help" {
            let binary = try #require(ProcessSupport.binary)
            var env = ws.environment
            env["COLUMNS"] = "500"
            let child = try Child.start(
                executable: binary, arguments: [command, "--help"], environment: env, in: ws.root, tag: "help-\(command)")
            _ = try await child.wait()
            let overview = child.stdoutText.components(separatedBy: "USAGE:").first ?? ""
            for line in overview.split(separator: "\n") where !line.hasPrefix(" ") && !line.hasPrefix("OVERVIEW") {
                let last = line.trimmingCharacters(in: .whitespaces).last
                #expect(last == "." || last == ":" || last == ")", "`\(command) --help` breaks a sentence: \(line)")
            }
        }
        #expect(YunfuReportCommand.CheckConfig.counted(1, "main view", "main views") == "1 main view")
        #expect(YunfuReportCommand.CheckConfig.counted(3, "main view", "main views") == "3 main views")
    }

    // MARK: - replay (item 1)

    @Test("replay without --run-dir keeps the archive it reads, and can be replayed again")
    func replayKeepsTheArchive() async throws {
        let ws = try ProcessWorkspace("replay-archive")
        defer { ws.remove() }
        let platform = Support.platform(users: 2, subs: 1)
        let day = Support.day(0)
        try await platform.withRunning { base in
            try ws.writeConfig(baseURL: base, accounts: platform.accounts, maxConcurrency: 4)
            let (child, end) = try await ws.run(asOf: day, extra: ["--archive-raw"])
            #expect(end == .exit(0), "\(child.stderrText)")
        }
        let raw = ws.runDir(day).appendingPathComponent("raw")
        let archived = try Support.snapshot(raw)
        let original = try Support.snapshot(ws.runDir(day))
        for attempt in 1...2 {
            let (child, end) = try await ws.command(["replay", raw.path, "--config", ws.configFile.path], tag: "replay\(attempt)")
            #expect(end == .exit(0), "replay \(attempt): \(child.stderrText)")
            #expect(try Support.snapshot(raw) == archived, "the archive is intact after replay \(attempt)")
        }
        #expect(try Support.snapshot(ws.runDir(day)) == original, "the archived run is untouched")
        let replayed = ws.outputRoot.appendingPathComponent("replays").appendingPathComponent(day)
        #expect(try JobHarness.table(replayed, .accounts) == JobHarness.table(ws.runDir(day), .accounts))

        // A run directory that holds the archive is refused before anything is written.
        let (child, end) = try await ws.command(
            ["replay", raw.path, "--config", ws.configFile.path, "--run-dir", ws.runDir(day).path], tag: "replay-over")
        #expect(end == .exit(2), "\(child.stderrText)")
        #expect(child.stderrText.contains("holds the archive being replayed"), "\(child.stderrText)")
        #expect(try Support.snapshot(ws.runDir(day)) == original)
    }

    // MARK: - demo (item 3)

    @Test("demo writes under Output/demo/, never over a real run of the same date in ./Output")
    func demoHasAFolderOfItsOwn() async throws {
        let ws = try ProcessWorkspace("demo-apart")
        defer { ws.remove() }
        let today = CalendarDay(Date(), in: TimeZone(identifier: "Asia/Shanghai") ?? .gmt).description
        let real = ws.outputRoot.appendingPathComponent(today)
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        let manifest = Data(#"{"tool": "yunfu-report", "as_of": "\#(today)T00:00:00+08:00", "complete": true}"#.utf8)
        try manifest.write(to: real.appendingPathComponent("manifest.json"))
        let (child, end) = try await ws.command(["demo", "--accounts", "6", "--quiet"], tag: "demo")
        #expect(end == .exit(0), "\(child.stderrText)")
        #expect(FileManager.default.contents(atPath: real.appendingPathComponent("manifest.json").path) == manifest)
        let demoRun = ws.outputRoot.appendingPathComponent("demo").appendingPathComponent(today)
        #expect(FileManager.default.fileExists(atPath: demoRun.appendingPathComponent("yunfu-report-\(today).xlsx").path))
        #expect(child.stdoutText.contains(demoRun.path), "\(child.stdoutText)")
    }

    // MARK: - Configuration mistakes (item 8)

    @Test("Every mistake is reported at once, by line; a duplicate key at its repeat")
    func everyMistakeAtOnce() throws {
        let folder = try JobHarness.temporaryDirectory("config-all")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("config.yaml")
        try Data(
            """
            api:
              base_url: http://127.0.0.1:9
              max_concurrency: 0
              timeout_seconds: -1
            accounts:
              - user_id: u1
            report:
              keep_runs: -3

            """.utf8
        ).write(to: file)
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(file: file, purpose: .replay, environment: [:])
        }
        let lines = error?.description.split(separator: "\n").map(String.init) ?? []
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.first?.contains("config.yaml:3:") == true && lines.first?.contains("max_concurrency") == true)
        #expect(lines.dropFirst().first?.contains("config.yaml:4:") == true)
        #expect(lines.last?.contains("config.yaml:8:") == true)

        try Data("api:\n  base_url: http://127.0.0.1:9\n  max_retries: 1\naccounts: [{user_id: u1}]\napi:\n  max_retries: 2\n".utf8)
            .write(to: file)
        let duplicate = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(file: file, purpose: .replay, environment: [:])
        }
        #expect(duplicate?.line == 5, "\(duplicate?.description ?? "")")
        #expect(duplicate?.description.contains("first at line 1") == true, "\(duplicate?.description ?? "")")
    }
}

extension ProcessWorkspace {
    /// `yunfu-report ARGUMENTS…` in the workspace folder, to the end.
    func command(_ arguments: [String], tag: String) async throws -> (Child, Child.Termination) {
        let binary = try #require(ProcessSupport.binary, "build the executable first: swift build --build-tests")
        let child = try Child.start(executable: binary, arguments: arguments, environment: environment, in: root, tag: tag)
        defer { child.stop() }
        return (child, try await child.wait(timeout: .seconds(60)))
    }
}

/// Item 4: the lines people are shown first are those that need action soonest, to the minute.
@Suite("First week: nearest expiries")
struct NearestExpiryTests {
    @Test("End-of-run lines, summary model and notices: soonest first to the minute, then the latest expired")
    func nearestFirst() {
        let hour: TimeInterval = 3_600
        let a = Plain.account("u1", order: 0)
        let report = Plain.build([
            Plain.ok(a, Plain.snapshot(lines: [
                Plain.line("L-a", at: Plain.asOf.addingTimeInterval(31 * hour)),  // day 1, 07:00
                Plain.line("L-b", at: Plain.asOf.addingTimeInterval(49 * hour)),  // day 2, 01:00
                Plain.line("L-c", at: Plain.asOf.addingTimeInterval(42 * hour)),  // day 1, 18:00
                Plain.line("L-old", at: Plain.asOf.addingTimeInterval(-120 * 24 * hour)),
                Plain.line("L-new", at: Plain.asOf.addingTimeInterval(-2 * hour)),
            ])),
        ])
        let summary = RunSummary.lines(JobOutcome(status: .complete, report: report))
        let listed = summary.filter { $0.hasPrefix("  L-") }.map { String($0.dropFirst(2).prefix(3)) }
        #expect(listed == ["L-a", "L-c", "L-b"], "\(summary)")
        let model = SummaryModel(report)
        #expect(model.expiringLines.items.map(\.lineID) == ["L-a", "L-c", "L-b", "L-new", "L-old"])
        #expect(NoticeSummary(report: report, runDir: "/r").expiring.map(\.lineID) == ["L-a", "L-c", "L-b", "L-new", "L-old"])
    }
}
