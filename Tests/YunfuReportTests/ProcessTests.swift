import Foundation
import Testing
import YunfuSimulator

@testable import YunfuReport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real `yunfu-report` executable as a child process against the simulated platform on
/// loopback: signals, the atomic run directory under SIGKILL, the progress line on a terminal,
/// retention and `latest`, and exit 2 before any request. Serialized: each test times a child.
@Suite("Process: signals, atomic run directory, progress, retention", .serialized)
struct ProcessTests {
    typealias Support = ProcessSupport

    // MARK: - A first signal

    @Test(
        "A first SIGINT or SIGTERM mid-run writes what is in, marked incomplete, and exits 1",
        arguments: [SIGINT, SIGTERM])
    func firstSignalWritesAnIncompleteRun(signo: Int32) async throws {
        let ws = try ProcessWorkspace("first-signal")
        defer { ws.remove() }
        let platform = Support.platform(users: 10, subs: 3, latency: .milliseconds(300))
        let total = platform.accounts.count
        let (end, stderr, stdout, requestsAtSignal) = try await platform.withRunning { base in
            try ws.writeConfig(baseURL: base, accounts: platform.accounts, maxConcurrency: 2)
            let child = try ws.startRun()
            defer { child.stop() }
            try await Support.waitUntil("the platform counted 4 requests", child: child) {
                platform.stats().requests >= 4
            }
            let requests = platform.stats().requests
            child.send(signo)
            return (try await child.wait(), child.stderrText, child.stdoutText, requests)
        }
        #expect(end == .exit(1), "\(stderr)")
        // It stopped sending: at most what was in flight (2) more than when the signal went.
        #expect(platform.stats().requests <= requestsAtSignal + 2)

        let dir = ws.runDir()
        let manifest = try Support.manifest(dir)
        #expect(manifest["complete"] as? Bool == false)
        #expect(manifest["interrupted"] as? Bool == true)
        let accounts = try JobHarness.table(dir, .accounts)
        #expect(accounts.count == total)
        let interrupted = accounts.filter { $0["fetch_status"] == "failed" && $0["error"] == "interrupted" }
        #expect(interrupted.count >= total - 8, "only a few accounts can have been fetched")
        #expect(accounts.allSatisfy { $0["fetch_status"] == "ok" || $0["error"] == "interrupted" })
        // The accounts not fetched are counted apart, and one run-level finding says the run was
        // interrupted, naming them: no FETCH_FAILED for accounts that did not fail.
        let counts = try #require(manifest["accounts"] as? [String: Int])
        #expect(counts["failed"] == 0)
        #expect(counts["not_fetched"] == interrupted.count)
        #expect(counts["ok"] == total - interrupted.count)
        let findings = try JobHarness.table(dir, .findings)
        #expect(!findings.contains { $0["check_id"] == "FETCH_FAILED" })
        let runFindings = findings.filter { $0["check_id"] == "RUN_INTERRUPTED" }
        #expect(runFindings.count == 1)
        #expect(runFindings.first?["severity"] == "critical")
        #expect(runFindings.first?["object_type"] == "run")
        #expect(runFindings.first?["accounts"]?.split(separator: ";").count == interrupted.count)
        #expect(stdout.contains(", 0 failed, \(interrupted.count) not fetched (the run was interrupted)"), "\(stdout)")
        for table in ReportCSV.Table.allCases {
            #expect(throws: Never.self, "\(table.fileName)") { try JobHarness.table(dir, table) }
        }
        // An interrupted run is never `latest`; nothing is left behind.
        #expect(Support.latestTarget(ws.outputRoot) == nil)
        #expect(Support.leftovers(ws.outputRoot) == [])
    }

    @Test("An interrupted run beside a complete one goes to {run dir}-interrupted; the complete run and latest stay")
    func interruptedRunLandsBesideTheCompleteOne() async throws {
        let ws = try ProcessWorkspace("beside")
        defer { ws.remove() }
        let day = Support.asOfDay
        let fast = Support.platform(users: 10, subs: 3)
        try await fast.withRunning { base in
            try ws.writeConfig(baseURL: base, accounts: fast.accounts, maxConcurrency: 8)
            let (child, end) = try await ws.run()
            #expect(end == .exit(0), "\(child.stderrText)")
        }
        let complete = ws.runDir()
        let before = try Support.snapshot(complete)
        #expect(Support.wholeCompleteRunProblem(complete) == nil)
        #expect(Support.latestTarget(ws.outputRoot) == day)

        let slow = Support.platform(users: 10, subs: 3, latency: .milliseconds(300))
        let (end, stdout, stderr) = try await slow.withRunning { base in
            try ws.writeConfig(baseURL: base, accounts: slow.accounts, maxConcurrency: 2)
            let child = try ws.startRun()
            defer { child.stop() }
            try await Support.waitUntil("the platform counted 4 requests", child: child) {
                slow.stats().requests >= 4
            }
            child.send(SIGINT)
            return (try await child.wait(), child.stdoutText, child.stderrText)
        }
        #expect(end == .exit(1), "\(stderr)")
        let beside = ws.outputRoot.appendingPathComponent(day + "-interrupted")
        #expect(stdout.contains(beside.path), "the summary names where the run went")
        #expect(try Support.snapshot(complete) == before, "the complete run is untouched")
        let manifest = try Support.manifest(beside)
        #expect(manifest["complete"] as? Bool == false)
        #expect(manifest["interrupted"] as? Bool == true)
        let accounts = try JobHarness.table(beside, .accounts)
        #expect(accounts.contains { $0["fetch_status"] == "failed" && $0["error"] == "interrupted" })
        for table in ReportCSV.Table.allCases {
            #expect(throws: Never.self, "\(table.fileName)") { try JobHarness.table(beside, table) }
        }
        #expect(Support.latestTarget(ws.outputRoot) == day)
        #expect(Support.entries(ws.outputRoot) == [day, day + "-interrupted", "latest"])
    }

    @Test(
        "A second signal ends the run at once with 128+signo and leaves the previous run as it was",
        arguments: [SIGINT, SIGTERM])
    func secondSignalStopsAtOnce(signo: Int32) async throws {
        let ws = try ProcessWorkspace("second-signal")
        defer { ws.remove() }
        let day = Support.asOfDay
        // A bigger fleet: writing what is in after the first signal takes long enough for the second.
        let fast = Support.platform(users: 50, subs: 3)
        try await fast.withRunning { base in
            try ws.writeConfig(baseURL: base, accounts: fast.accounts, maxConcurrency: 8)
            let (child, end) = try await ws.run()
            #expect(end == .exit(0), "\(child.stderrText)")
        }
        let complete = ws.runDir()
        let before = try Support.snapshot(complete)
        let visibleBefore = Support.entries(ws.outputRoot).filter { !$0.hasPrefix(".") }

        let slow = Support.platform(users: 50, subs: 3, latency: .milliseconds(300))
        let (end, stderr) = try await slow.withRunning { base in
            try ws.writeConfig(baseURL: base, accounts: slow.accounts, maxConcurrency: 2)
            let child = try ws.startRun()
            defer { child.stop() }
            try await Support.waitUntil("the platform counted 4 requests", child: child) {
                slow.stats().requests >= 4
            }
            child.send(signo)
            // Two signals sent together can merge into one: wait until the first was handled.
            try await Support.waitUntil("the first signal was handled", child: child) {
                child.stderrText.contains("received")
            }
            child.send(signo)
            return (try await child.wait(), child.stderrText)
        }
        #expect(end == .exit(128 + signo), "\(stderr)")
        #expect(try Support.snapshot(complete) == before, "the previous run is untouched")
        #expect(Support.entries(ws.outputRoot).filter { !$0.hasPrefix(".") } == visibleBefore, "nothing written")
        #expect(Support.latestTarget(ws.outputRoot) == day)
    }

    @Test("A signal after every answer is in changes nothing: the run completes with exit 0")
    func signalAfterEveryAnswerChangesNothing() async throws {
        let ws = try ProcessWorkspace("late-signal")
        defer { ws.remove() }
        let platform = Support.platform(users: 50, subs: 3)
        let total = platform.accounts.count
        let (end, stderr) = try await platform.withRunning { base in
            try ws.writeConfig(baseURL: base, accounts: platform.accounts, maxConcurrency: 8)
            let child = try ws.startRun()
            defer { child.stop() }
            // accounts.csv in the staging directory: every answer is in, the run is writing (the
            // script-group rows are streamed to their file from the start, so not just any file).
            let stagingPrefix = "." + Support.asOfDay + ".tmp-"
            try await Support.waitUntil("accounts.csv in the staging directory", child: child) {
                Support.entries(ws.outputRoot).contains { name in
                    name.hasPrefix(stagingPrefix)
                        && Support.entries(ws.outputRoot.appendingPathComponent(name)).contains("accounts.csv")
                }
            }
            child.send(SIGINT)
            return (try await child.wait(), child.stderrText)
        }
        #expect(end == .exit(0), "\(stderr)")
        #expect(stderr.contains("SIGINT received"), "the signal came while it was writing")
        #expect(platform.stats().requests == total)
        #expect(Support.wholeCompleteRunProblem(ws.runDir()) == nil)
        let manifest = try Support.manifest(ws.runDir())
        #expect(manifest["interrupted"] as? Bool == false)
        #expect(Support.latestTarget(ws.outputRoot) == Support.asOfDay)
    }

    // MARK: - SIGKILL

    enum KillPoint: CustomStringConvertible {
        /// While fetching: after the platform counted this many requests.
        case afterRequests(Int)
        /// While writing: as soon as the staging directory holds a file.
        case whileStaging
        /// After the platform answered the last request, plus a delay.
        case afterLastAnswer(Duration)
        /// Right after the run directory was swapped (the old one is being removed, `latest` next).
        case afterSwap

        var description: String {
            switch self {
            case .afterRequests(let n): "after \(n) requests"
            case .whileStaging: "while the staging directory fills"
            case .afterLastAnswer(let delay): "\(delay) after the last answer"
            case .afterSwap: "right after the swap"
            }
        }
    }

    @Test("SIGKILL at any moment leaves the previous run whole or a complete new one; the next run cleans up")
    func sigkillNeverLeavesHalfARun() async throws {
        let ws = try ProcessWorkspace("sigkill")
        defer { ws.remove() }
        let day = Support.asOfDay
        let platform = Support.platform(users: 50, subs: 3)
        let total = platform.accounts.count
        let runDir = ws.runDir()
        let stagingPrefix = "." + day + ".tmp-"
        try await platform.withRunning { base in
            try ws.writeConfig(baseURL: base, accounts: platform.accounts, maxConcurrency: 8)
            let (first, firstEnd) = try await ws.run()
            try #require(firstEnd == .exit(0), "\(first.stderrText)")
            var current = try Support.snapshot(runDir)

            let points: [KillPoint] = [
                .afterRequests(total / 3), .whileStaging, .afterLastAnswer(.zero),
                .afterLastAnswer(.milliseconds(150)), .afterSwap,
            ]
            for point in points {
                platform.resetStats()
                let inodeBefore = Self.inode(runDir)
                let child = try ws.startRun(tag: "kill")
                defer { child.stop() }
                switch point {
                case .afterRequests(let count):
                    try await Support.waitUntil("\(count) requests", child: child) { platform.stats().requests >= count }
                case .whileStaging:
                    try await Support.waitUntil("a file in the staging directory", child: child) {
                        Support.entries(ws.outputRoot).contains { name in
                            name.hasPrefix(stagingPrefix)
                                && !Support.entries(ws.outputRoot.appendingPathComponent(name)).isEmpty
                        }
                    }
                case .afterLastAnswer(let delay):
                    try await Support.waitUntil("the last answer", child: child) {
                        let stats = platform.stats()
                        return stats.requests >= total && stats.inFlight == 0
                    }
                    if delay > .zero { try await Task.sleep(for: delay) }
                case .afterSwap:
                    // The swap gives the run directory a new inode; the child may finish first.
                    try await Support.waitUntil("the swap") { Self.inode(runDir) != inodeBefore || !child.isRunning }
                }
                child.send(SIGKILL)
                let end = try await child.wait()
                #expect(end == .signal(SIGKILL) || end == .exit(0), "\(point): \(end)\n\(child.stderrText)")

                let now = try Support.snapshot(runDir)
                if now != current {
                    // Not the previous run: then a whole complete new one, never half of either.
                    #expect(Support.wholeCompleteRunProblem(runDir) == nil, "\(point)")
                    current = now
                }
                let visible = Support.entries(ws.outputRoot).filter { !$0.hasPrefix(".") }
                #expect(visible == [day, "latest"], "\(point)")
                #expect(Support.latestTarget(ws.outputRoot) == day, "\(point)")
            }

            platform.resetStats()
            let (last, lastEnd) = try await ws.run()
            #expect(lastEnd == .exit(0), "\(last.stderrText)")
        }
        #expect(Support.wholeCompleteRunProblem(runDir) == nil)
        #expect(Support.leftovers(ws.outputRoot) == [], "the next run removed what the killed ones left")
        #expect(Support.entries(ws.outputRoot) == [day, "latest"])
        #expect(Support.latestTarget(ws.outputRoot) == day)
    }

    @Test("Killed between the two renames of the fallback swap: the next run puts the previous run back")
    func swappedOutRunIsPutBack() throws {
        let ws = try ProcessWorkspace("fallback-swap")
        defer { ws.remove() }
        let fm = FileManager.default
        let root = ws.outputRoot
        // The fallback swap (no RENAME_EXCHANGE) renames the run aside, then the new one in; a
        // SIGKILL between the two leaves the previous run only as `.{name}.old-{pid}`.
        let aside = root.appendingPathComponent(".2026-11-25.old-4242")
        try fm.createDirectory(at: aside, withIntermediateDirectories: true)
        try Data("previous\n".utf8).write(to: aside.appendingPathComponent("manifest.json"))
        // Beside a run that is in its place, a swapped-out one is only a leftover.
        let kept = root.appendingPathComponent("2026-11-24")
        try fm.createDirectory(at: kept, withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent(".2026-11-24.old-4243"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent(".2026-11-25.tmp-4242"), withIntermediateDirectories: true)

        let directory = try RunDirectory(target: root.appendingPathComponent("2026-11-26"))
        defer { directory.discard() }
        #expect(
            fm.contents(atPath: root.appendingPathComponent("2026-11-25/manifest.json").path) == Data("previous\n".utf8))
        #expect(Support.entries(root).filter { !$0.hasPrefix(".") } == ["2026-11-24", "2026-11-25"])
        #expect(Support.leftovers(root) == [directory.staging.lastPathComponent])
    }

    static func inode(_ url: URL) -> UInt64? {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes?[.systemFileNumber] as? NSNumber)?.uint64Value
    }

    // MARK: - Progress

    @Test(
        "On a terminal a progress line redraws in place; with standard error to a file there is none",
        .enabled(if: ProcessSupport.scriptTool != nil, "util-linux `script` is not installed: no pseudo-terminal"))
    func progressOnlyOnATerminal() async throws {
        let ws = try ProcessWorkspace("progress")
        defer { ws.remove() }
        let script = try #require(Support.scriptTool)
        let binary = try #require(Support.binary)
        let platform = Support.platform(users: 10, subs: 3, latency: .milliseconds(5))
        let total = platform.accounts.count
        try await platform.withRunning { base in
            try ws.writeConfig(baseURL: base, accounts: platform.accounts, maxConcurrency: 4)

            let command = [
                binary.path, "run", "--config", ws.configFile.path, "--as-of", Support.asOfDay,
                "--run-dir", ws.root.appendingPathComponent("tty-run").path,
            ].map(Self.shellQuoted).joined(separator: " ")
            var environment = ws.environment
            environment["SHELL"] = "/bin/sh"
            let tty = try Child.start(
                executable: URL(fileURLWithPath: script), arguments: ["-q", "-e", "-c", command, "/dev/null"],
                environment: environment, in: ws.root, tag: "tty")
            defer { tty.stop() }
            let ttyEnd = try await tty.wait()
            let onTerminal = tty.stdoutText
            #expect(ttyEnd == .exit(0), "\(onTerminal)\n\(tty.stderrText)")
            #expect(onTerminal.contains("\r\u{1B}[2K"), "the progress line redraws in place")
            #expect(onTerminal.contains("\(total)/\(total) accounts"), "\(onTerminal)")
            #expect(onTerminal.contains("failed"))
            // A log line never starts in the middle of the progress line.
            for line in Self.gluedLines(onTerminal) {
                Issue.record("a log line is glued to the progress line: \(line.debugDescription)")
            }

            let (file, fileEnd) = try await ws.run(extra: ["--run-dir", ws.root.appendingPathComponent("file-run").path])
            let toFile = file.stderrText
            #expect(fileEnd == .exit(0), "\(toFile)")
            #expect(!toFile.contains("\r"), "no redraw")
            #expect(!toFile.contains("\u{1B}["), "no terminal control")
            #expect(!toFile.contains("/\(total) accounts"), "no progress line")
            let lines = toFile.split(separator: "\n")
            #expect(!lines.isEmpty, "log lines instead")
            #expect(lines.allSatisfy { $0.contains(" info ") || $0.contains(" notice ") || $0.contains(" warning ") })
        }
    }

    @Test(
        "On a terminal a SIGINT mid-run: the note and the log lines after it start on a fresh line",
        .enabled(if: ProcessSupport.scriptTool != nil, "util-linux `script` is not installed: no pseudo-terminal"))
    func interruptOnATerminal() async throws {
        let ws = try ProcessWorkspace("progress-interrupt")
        defer { ws.remove() }
        let script = try #require(Support.scriptTool)
        let binary = try #require(Support.binary)
        let platform = Support.platform(users: 10, subs: 3, latency: .milliseconds(300))
        let onTerminal = try await platform.withRunning { base in
            try ws.writeConfig(baseURL: base, accounts: platform.accounts, maxConcurrency: 2)
            // `exec`: the shell becomes yunfu-report, the child of `script`, which gets the signal.
            let command =
                "exec "
                + [binary.path, "run", "--config", ws.configFile.path, "--as-of", Support.asOfDay]
                .map(Self.shellQuoted).joined(separator: " ")
            var environment = ws.environment
            environment["SHELL"] = "/bin/sh"
            let tty = try Child.start(
                executable: URL(fileURLWithPath: script), arguments: ["-q", "-e", "-c", command, "/dev/null"],
                environment: environment, in: ws.root, tag: "tty")
            defer { tty.stop() }
            try await Support.waitUntil("the platform counted 4 requests", child: tty) { platform.stats().requests >= 4 }
            let report = try #require(Support.childProcesses(of: tty.pid).first, "yunfu-report under script")
            kill(report, SIGINT)
            let end = try await tty.wait()
            #expect(end == .exit(1), "\(tty.stdoutText)")
            return tty.stdoutText
        }
        #expect(onTerminal.contains("\r\u{1B}[2K"), "the progress line was drawn")
        #expect(onTerminal.contains("SIGINT received"))
        // The progress line ends before the SIGINT note, and draws no more after it.
        for line in Self.gluedLines(onTerminal) {
            Issue.record("glued to the progress line: \(line.debugDescription)")
        }
    }

    /// Log lines (swift-log's stream format: `2026-11-25T08:00:00+0800 info …`) and signal notes
    /// that do not begin a line of the terminal output: glued to the progress line.
    static func gluedLines(_ text: String) -> [String] {
        let start = #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} (trace|debug|info|notice|warning|error|critical) |yunfu-report: SIG(INT|TERM) received/#
        // "\r\n" (a terminal's line end) is one Character: split on both.
        return text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).flatMap { line in
            line.matches(of: start).filter { $0.range.lowerBound != line.startIndex }.map { match in
                let from = line.index(match.range.lowerBound, offsetBy: -40, limitedBy: line.startIndex) ?? line.startIndex
                return String(line[from...].prefix(100))
            }
        }
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    // MARK: - Retention and latest

    @Test("keep_runs: 3 after five nightly runs keeps the newest three; latest is the newest")
    func retentionKeepsTheNewest() async throws {
        let ws = try ProcessWorkspace("retention")
        defer { ws.remove() }
        let platform = Support.platform(users: 2, subs: 1)
        let days = (0..<5).map { Support.day($0) }
        try await platform.withRunning { base in
            try ws.writeConfig(baseURL: base, accounts: platform.accounts, maxConcurrency: 4, keepRuns: 3)
            for day in days {
                let (child, end) = try await ws.run(asOf: day)
                #expect(end == .exit(0), "\(day): \(child.stderrText)")
                #expect(Support.latestTarget(ws.outputRoot) == day)
            }
        }
        #expect(Support.entries(ws.outputRoot) == Array(days.suffix(3)) + ["latest"])
        #expect(Support.latestTarget(ws.outputRoot) == days[4])
        for day in days.suffix(3) {
            #expect(Support.wholeCompleteRunProblem(ws.runDir(day)) == nil)
        }
    }

    // MARK: - Exit 2

    @Test("An output root that cannot be created is exit 2, before any request")
    func outputRootUnderAFile() async throws {
        let ws = try ProcessWorkspace("exit2")
        defer { ws.remove() }
        let blocker = ws.root.appendingPathComponent("not-a-directory")
        let content = Data("a regular file where a directory is wanted\n".utf8)
        try content.write(to: blocker)
        let platform = Support.platform(users: 2, subs: 1)
        let (end, stderr) = try await platform.withRunning { base in
            try ws.writeConfig(
                baseURL: base, accounts: platform.accounts, maxConcurrency: 4, outputRoot: "not-a-directory/Output")
            let (child, end) = try await ws.run()
            return (end, child.stderrText)
        }
        #expect(end == .exit(2), "\(stderr)")
        #expect(platform.stats().requests == 0, "nothing fetched")
        #expect(stderr.contains("not-a-directory"), "the error names the path: \(stderr)")
        #expect(FileManager.default.contents(atPath: blocker.path) == content)
    }
}
