import AsyncHTTPClient
import Foundation
import Logging
import Testing
import YunfuSimulator

@testable import YunfuReport

/// cli-and-config.md, "Network", the last two rules, over loopback: a platform that cannot be
/// reached fails fast with one reason; a platform that throttles slows the whole run.
@Suite("Fail fast and adaptive rate")
struct FailFastAndThrottleTests {
    static func refs(_ count: Int) -> [AccountRef] {
        (0..<count).map { AccountRef(id: AccountID(userID: "acct-\($0)", subUserID: nil), label: "", order: $0) }
    }

    static func failure(_ result: AccountResult) -> FailureReason? {
        guard case .failed(let reason) = result.outcome else { return nil }
        return reason
    }

    static func recordingLogger(_ logs: LogRecorder) -> Logger {
        var logger = Logger(label: "test") { _ in logs }
        logger.logLevel = .trace
        return logger
    }

    // MARK: Fail fast

    @Test func aDeadPortStopsAfterTheFirstSixteenAccounts() async throws {
        let port = try TinyProxy.freePort()  // bound and closed again: nothing listens there
        let accounts = Self.refs(200)
        let logs = LogRecorder()
        let run = try await FetchTests.fetch(
            accounts, settings: FetchTests.settings("http://127.0.0.1:\(port)", concurrency: 8, retries: 2),
            logger: Self.recordingLogger(logs))

        #expect(run.results.count == 200)
        #expect(Set(run.results.map(\.account)) == Set(accounts))
        let reasons = run.results.compactMap(Self.failure)
        #expect(reasons.count == 200)
        let connection = reasons.filter { $0.kind == .connection }
        let notAttempted = reasons.filter { $0.kind == .notAttempted }
        // The 16 that decided, plus at most those in flight when it was decided.
        #expect(connection.count >= 16 && connection.count <= 16 + 8)
        #expect(connection.count + notAttempted.count == 200)
        let cause = try #require(connection.first?.text)
        #expect(cause.hasPrefix("connection failed (127.0.0.1)"))
        #expect(Set(notAttempted.map(\.text)) == ["not attempted: platform unreachable: \(cause)"])
        // Far fewer requests than 200 accounts × 3 attempts.
        #expect(run.results.reduce(0) { $0 + $1.attempts } <= (16 + 8) * 3)

        let errors = logs.all.filter { $0.hasPrefix("error ") }
        #expect(errors.count == 1)
        #expect(errors.first?.contains("platform unreachable: \(cause)") == true)
        #expect(errors.first?.contains("127.0.0.1") == true)
    }

    @Test func fewerThanSixteenAccountsAllFailingIsUnreachableToo() async throws {
        let port = try TinyProxy.freePort()
        let accounts = Self.refs(3)
        let logs = LogRecorder()
        let run = try await FetchTests.fetch(
            accounts, settings: FetchTests.settings("http://127.0.0.1:\(port)", concurrency: 1, retries: 0),
            logger: Self.recordingLogger(logs))
        #expect(run.results.compactMap(Self.failure).map(\.kind) == [.connection, .connection, .connection])
        #expect(logs.all.filter { $0.hasPrefix("error ") && $0.contains("platform unreachable") }.count == 1)
    }

    /// One account at a time, so the order of the finished accounts is the configured one.
    static func closingPlatform(
        accounts count: Int, answering: Int, except: Set<Int> = []
    ) throws -> (SimulatedPlatform, [AccountRef]) {
        let (platform, accounts) = try FetchTests.platform(accounts: count)
        for (index, ref) in accounts.enumerated() where index != answering && !except.contains(index) {
            platform.plan([.closeConnection, .closeConnection], for: FetchTests.sim(ref))
        }
        return (platform, accounts)
    }

    @Test func oneSuccessFirstMeansTheRunNeverStopsEarly() async throws {
        let (platform, accounts) = try Self.closingPlatform(accounts: 30, answering: 0)
        let run = try await platform.withRunning { base in
            try await FetchTests.fetch(accounts, settings: FetchTests.settings(base, concurrency: 1, retries: 1))
        }
        #expect(run.result(accounts[0])?.isOK == true)
        let failed = run.results.compactMap(Self.failure)
        #expect(failed.count == 29)
        #expect(failed.allSatisfy { $0.kind == .connection })
        // Every account was asked, each with its retry.
        #expect(platform.stats().requests == 1 + 29 * 2)
    }

    @Test func aSuccessAfterTheSixteenthFailureComesTooLate() async throws {
        let (platform, accounts) = try Self.closingPlatform(accounts: 30, answering: 20)
        let run = try await platform.withRunning { base in
            try await FetchTests.fetch(accounts, settings: FetchTests.settings(base, concurrency: 1, retries: 1))
        }
        #expect(run.results.compactMap(Self.failure).filter { $0.kind == .connection }.count == 16)
        #expect(run.result(accounts[20]).flatMap(Self.failure)?.kind == .notAttempted)
        #expect(run.result(accounts[29])?.attempts == 0)
        #expect(platform.stats().requests == 16 * 2)
    }

    @Test func anotherKindOfFailureAmongTheFirstMeansNoStop() async throws {
        let (platform, accounts) = try Self.closingPlatform(accounts: 24, answering: -1, except: [3])
        platform.plan([.notFound], for: FetchTests.sim(accounts[3]))
        let run = try await platform.withRunning { base in
            try await FetchTests.fetch(accounts, settings: FetchTests.settings(base, concurrency: 1, retries: 1))
        }
        #expect(run.result(accounts[3]).flatMap(Self.failure)?.kind == .http(404))
        #expect(run.results.compactMap(Self.failure).allSatisfy { $0.kind != .notAttempted })
        #expect(platform.stats().requests == 1 + 23 * 2)
    }

    @Test func anInterruptedRunIsInterruptedNotUnreachable() async throws {
        let port = try TinyProxy.freePort()
        let accounts = Self.refs(60)
        // Every attempt fails at once and waits ~0.2 s before the next: no account finishes within
        // the first 0.3 s, so nothing has decided when the interrupt comes.
        let settings = FetchTests.settings("http://127.0.0.1:\(port)", concurrency: 4, retries: 20)
        let results = try await Fetcher.withHTTPClient(settings: settings) { client in
            let fetcher = Fetcher(
                settings: settings, httpClient: client, decoder: AnswerDecoder(apiTimeZone: settings.timeZone),
                logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }),
                retryPolicy: FetchTests.quickRetries)
            let task = Task {
                var results: [AccountResult] = []
                await fetcher.fetchAll(accounts, rawSink: nil) { results.append($0) }
                return results
            }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            return await task.value
        }
        #expect(results.count == 60)
        let kinds = results.compactMap(Self.failure).map(\.kind)
        #expect(kinds.count == 60)
        #expect(kinds.allSatisfy { $0 == .interrupted })
    }

    // MARK: The job: one cause, exit 1

    /// The real job with `accounts` accounts (`u0` …) against a port nothing listens on, writing
    /// under `root`.
    static func deadPortJob(
        accounts: Int, root: URL, logs: LogRecorder? = nil
    ) async throws -> (Configuration, JobOutcome) {
        let port = try TinyProxy.freePort()
        let sims = (0..<accounts).map { SimAccount(userID: "u\($0)") }
        let configuration = JobHarness.configuration(
            baseURL: "http://127.0.0.1:\(port)", accounts: JobHarness.refs(sims), outputRoot: root)
        return (configuration, try await JobHarness.run(configuration, options: JobOptions(asOf: Plain.asOf), logs: logs))
    }

    @Test func theJobAgainstADeadPortWritesTheReportLeadingWithTheCause() async throws {
        let root = try JobHarness.temporaryDirectory("unreachable")
        defer { try? FileManager.default.removeItem(at: root) }
        let logs = LogRecorder()
        let (configuration, outcome) = try await Self.deadPortJob(accounts: 40, root: root, logs: logs)

        #expect(outcome.status == .incomplete)
        let dir = try #require(outcome.runDir)
        let rows = try JobHarness.table(dir, .accounts)
        #expect(rows.count == 40)
        #expect(rows.allSatisfy { $0["fetch_status"] == "failed" })
        let notAttempted = rows.filter { $0["error"]?.hasPrefix("not attempted: platform unreachable: connection failed") == true }
        #expect(notAttempted.count >= 40 - 16 - configuration.api.maxConcurrency)
        #expect(try JobHarness.manifest(dir)["complete"] as? Bool == false)

        let report = try #require(outcome.report)
        let cause = try #require(report.run.unreachable)
        #expect(cause.hasPrefix("connection failed (127.0.0.1)"))
        #expect(!report.run.interrupted)
        // The Markdown and the HTML say the one cause (in the report's language, zh-CN here) and
        // list no account; findings.csv keeps each account's FETCH_FAILED.
        for format in ["md", "html"] {
            let text = String(decoding: try JobHarness.bytes(dir, "yunfu-report-\(report.asOfDay).\(format)"), as: UTF8.self)
            #expect(text.contains("平台无法访问"), "\(format): \(text)")
            #expect(text.contains("(127.0.0.1): connection refused"), "\(format)")
            #expect(!text.contains("u17"), "\(format)")
            // One row for all of them in the critical findings, not "no critical finding".
            #expect(text.contains("40 个账号"), "\(format)")
            #expect(!text.contains("没有未屏蔽的严重或高级别问题"), "\(format)")
        }
        let fetchFailed = try JobHarness.table(dir, .findings).filter { $0["check_id"] == "FETCH_FAILED" }
        #expect(fetchFailed.count == 40)
        #expect(logs.all.filter { $0.hasPrefix("error ") && $0.contains("platform unreachable") }.count == 1)
    }

    @Test func aFewAccountsAllRefusedMakeTheReportSayUnreachable() async throws {
        let root = try JobHarness.temporaryDirectory("unreachable-few")
        defer { try? FileManager.default.removeItem(at: root) }
        let (_, outcome) = try await Self.deadPortJob(accounts: 3, root: root)
        #expect(outcome.status == .incomplete)
        // Every account failed and none was left to be "not attempted": the fetch's decision is
        // what the report says.
        let report = try #require(outcome.report)
        #expect(report.run.unreachable?.hasPrefix("connection failed (127.0.0.1)") == true)
        #expect(RunSummary.lines(outcome).contains { $0.hasPrefix("Platform unreachable: connection failed") })
    }

    // MARK: Throttling

    @Test func aThrottlingPlatformSlowsTheWholeRunAndEveryAccountEndsOK() async throws {
        let limited = SimulatedPlatform(
            options: SimulatorOptions(
                fleet: FleetSpec(users: 0, subsPerUser: 0), latency: .milliseconds(5),
                expectedAuth: ("Authorization", "Bearer \(FetchTests.token)"), rateLimit: 40))
        let body = try FetchTests.sampleAnswer()
        let refs = Self.refs(160)
        for ref in refs { limited.setAnswer(body, for: FetchTests.sim(ref)) }
        let logs = LogRecorder()
        let run = try await limited.withRunning { base in
            try await FetchTests.fetch(
                refs, settings: FetchTests.settings(base, concurrency: 16, retries: 6, rps: 0, maxRetryAfter: 2),
                logger: Self.recordingLogger(logs))
        }
        let stats = limited.stats()
        #expect(run.results.allSatisfy { $0.isOK })
        #expect(stats.maxInFlight <= 16)
        // Each request backing off alone would have 16 in flight hammering the limit; the run-wide
        // pause and the cut rate keep 429s to the first burst and a few probes.
        #expect(stats.throttled >= 1)
        #expect(Double(stats.throttled) <= 0.25 * Double(stats.requests))
        #expect(stats.requests == 160 + stats.throttled)
        let lines = logs.all
        #expect(lines.filter { $0.contains("adapting the run's request rate") }.count == 1)
        let settled = try #require(lines.first { $0.contains("platform limit looks like ~") })
        #expect(settled.contains("set requests_per_second:"))
    }

    @Test func anUnthrottledRunNeverMentionsAdapting() async throws {
        let (platform, accounts) = try FetchTests.platform(accounts: 20)
        let logs = LogRecorder()
        let run = try await platform.withRunning { base in
            try await FetchTests.fetch(accounts, settings: FetchTests.settings(base), logger: Self.recordingLogger(logs))
        }
        #expect(run.results.allSatisfy { $0.isOK })
        #expect(!logs.all.contains { $0.contains("adapting") || $0.contains("platform limit looks like") })
    }
}

/// The pacer's rules with plain calls (its clock is the real one; the figures checked do not
/// depend on how fast the calls come).
@Suite("Pacer")
struct PacerTests {
    @Test func noLimitUntilTheFirstThrottledAnswer() async {
        let pacer = Pacer(requestsPerSecond: 0)
        #expect(pacer.limit == nil)
        for _ in 0..<100 { pacer.answered() }
        #expect(pacer.limit == nil)
        #expect(pacer.adapted == false)
    }

    @Test func aThrottledAnswerCutsToNineTenthsOfTheAnsweredRate() async {
        let pacer = Pacer(requestsPerSecond: 0)
        for _ in 0..<100 { pacer.answered() }
        #expect(pacer.throttled(retryAfter: nil) == true)
        let limit = pacer.limit
        #expect(limit.map { abs($0 - 90) < 0.001 } == true)
        // A burst of 429s within the second is one congestion: no second cut.
        #expect(pacer.throttled(retryAfter: nil) == false)
        #expect(pacer.limit == limit)
        #expect(pacer.throttledAnswers == 2)
    }

    @Test func aConfiguredRateStaysTheCeiling() async {
        let pacer = Pacer(requestsPerSecond: 50)
        #expect(pacer.limit == 50)
        for _ in 0..<100 { pacer.answered() }
        _ = pacer.throttled(retryAfter: nil)
        #expect(pacer.limit.map { abs($0 - 45) < 0.001 } == true)
    }

    @Test func retryAfterPausesEveryNewRequest() async {
        let pacer = Pacer(requestsPerSecond: 0)
        _ = pacer.throttled(retryAfter: 5)
        let slot = pacer.reserve()
        #expect(slot - ContinuousClock.now > .seconds(4))
    }

    @Test func aSlotTakenBeforeAPauseWaitsForItsEnd() async throws {
        let pacer = Pacer(requestsPerSecond: 2)
        _ = pacer.reserve()  // now; the next slot is half a second away
        let start = ContinuousClock.now
        let waiter = Task { try await pacer.waitForSlot() }
        try await Task.sleep(for: .milliseconds(100))
        _ = pacer.throttled(retryAfter: 1.5)
        try await waiter.value
        #expect(ContinuousClock.now - start >= .seconds(1.4))
    }

    @Test func aRateBelowOneRequestASecondStaysTheCeiling() {
        let pacer = Pacer(requestsPerSecond: 0.5)
        _ = pacer.throttled(retryAfter: nil)
        #expect(pacer.limit.map { $0 <= 0.5 } == true)
    }

    @Test func aCutJustAfterAPauseIsOfTheRateNotOfTheEmptyPause() async throws {
        let pacer = Pacer(requestsPerSecond: 0)
        for _ in 0..<100 { pacer.answered() }
        _ = pacer.throttled(retryAfter: 1.5)
        #expect(pacer.limit.map { abs($0 - 90) < 0.001 } == true)
        try await Task.sleep(for: .seconds(1.1))
        // Still paused, a second after the cut: the paused second counted no answers, which says
        // nothing about the platform; the rate is cut from where it was, not to 1 request/s.
        _ = pacer.throttled(retryAfter: nil)
        #expect(pacer.limit.map { abs($0 - 81) < 0.001 } == true)
    }

    @Test func noGrowthWhileAPauseIsLengthened() async throws {
        let pacer = Pacer(requestsPerSecond: 0)
        for _ in 0..<100 { pacer.answered() }
        _ = pacer.throttled(retryAfter: 0.3)
        _ = pacer.throttled(retryAfter: 1.5)  // within the second: no new cut, a longer pause
        let cut = pacer.limit
        try await Task.sleep(for: .milliseconds(600))
        pacer.answered()  // past the first pause, inside the second
        #expect(pacer.limit == cut)
    }

    @Test func theRateGrowsAgainWhileAnswersSucceed() async throws {
        let pacer = Pacer(requestsPerSecond: 0)
        for _ in 0..<10 { pacer.answered() }
        _ = pacer.throttled(retryAfter: nil)
        let cut = try #require(pacer.limit)
        try await Task.sleep(for: .milliseconds(300))
        pacer.answered()
        let grown = try #require(pacer.limit)
        #expect(grown > cut)
        #expect(grown < cut + 5)
    }
}
