import AsyncHTTPClient
import Foundation
import InMemoryLogging
import Logging
import Testing
import YunfuSimulator

@testable import YunfuReport

/// The fetcher against the simulated platform on loopback, with planted faults.
@Suite("Fetcher over loopback")
struct FetchTests {
    static let token = "tok-SECRET-4f1c9a"

    // MARK: Helpers

    static func sampleAnswer() throws -> [UInt8] {
        let url = try #require(
            Bundle.module.url(forResource: "sample-task-create", withExtension: "json", subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    /// A platform serving the sample answer for `count` accounts (`acct-0` …), plus the given ones.
    static func platform(
        accounts count: Int,
        extra: [SimAccount] = [],
        latency: Duration = .zero,
        expectedAuth: (header: String, value: String)? = ("Authorization", "Bearer \(token)")
    ) throws -> (SimulatedPlatform, [AccountRef]) {
        let platform = SimulatedPlatform(
            options: SimulatorOptions(
                fleet: FleetSpec(users: 0, subsPerUser: 0), latency: latency, expectedAuth: expectedAuth))
        let body = try sampleAnswer()
        let simAccounts = (0..<count).map { SimAccount(userID: "acct-\($0)") } + extra
        for account in simAccounts { platform.setAnswer(body, for: account) }
        let refs = simAccounts.enumerated().map { index, account in
            AccountRef(id: AccountID(userID: account.userID, subUserID: account.subUserID), label: "", order: index)
        }
        return (platform, refs)
    }

    static func settings(
        _ baseURL: String,
        concurrency: Int = 4,
        retries: Int = 2,
        timeout: Double = 5,
        rps: Double = 0,
        maxRetryAfter: Double = 5
    ) -> APISettings {
        var settings = APISettings()
        settings.baseURL = baseURL
        settings.token = Secret(token)
        settings.maxConcurrency = concurrency
        settings.maxRetries = retries
        settings.timeoutSeconds = timeout
        settings.requestsPerSecond = rps
        settings.maxRetryAfterSeconds = maxRetryAfter
        return settings
    }

    /// Short backoff (0.1 to 0.2 s) so that tests stay quick.
    static let quickRetries = RetryPolicy(baseDelay: 0.15, maxDelay: 0.2)

    struct Run {
        var results: [AccountResult]
        var elapsed: Duration

        func result(_ ref: AccountRef) -> AccountResult? { results.first { $0.account == ref } }
        func error(_ ref: AccountRef) -> String? {
            guard case .failed(let error)? = result(ref)?.outcome else { return nil }
            return error.text
        }
    }

    static func fetch(
        _ accounts: [AccountRef],
        settings: APISettings,
        logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
        rawSink: (any RawAnswerSink)? = nil,
        maxBodyBytes: Int = Fetcher.defaultMaxBodyBytes
    ) async throws -> Run {
        try await Fetcher.withHTTPClient(settings: settings) { client in
            let fetcher = Fetcher(
                settings: settings, httpClient: client, decoder: AnswerDecoder(apiTimeZone: settings.timeZone),
                logger: logger, retryPolicy: quickRetries, maxBodyBytes: maxBodyBytes)
            var results: [AccountResult] = []
            let start = ContinuousClock.now
            await fetcher.fetchAll(accounts, rawSink: rawSink) { results.append($0) }
            return Run(results: results, elapsed: .now - start)
        }
    }

    static func sim(_ ref: AccountRef) -> SimAccount { SimAccount(userID: ref.userID, subUserID: ref.subUserID) }

    // MARK: Concurrency

    @Test func keepsExactlyMaxConcurrencyRequestsInFlight() async throws {
        let (platform, accounts) = try Self.platform(accounts: 40, latency: .milliseconds(50))
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base, concurrency: 8))
        }
        let stats = platform.stats()
        #expect(stats.maxInFlight == 8)
        #expect(stats.requests == 40)
        #expect(run.results.count == 40)
        #expect(Set(run.results.map(\.account)) == Set(accounts))
        #expect(run.results.allSatisfy { $0.isOK && $0.attempts == 1 })
    }

    // MARK: Retries

    @Test func retriesAfterServiceUnavailable() async throws {
        let (platform, accounts) = try Self.platform(accounts: 2)
        platform.plan([.status(503)], for: Self.sim(accounts[0]))
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base))
        }
        #expect(run.result(accounts[0])?.attempts == 2)
        #expect(run.result(accounts[0])?.isOK == true)
        #expect(run.result(accounts[1])?.attempts == 1)
        #expect(platform.stats().perAccount[accounts[0].key] == 2)
    }

    @Test func failsWithTheStatusAfterMoreServerErrorsThanRetries() async throws {
        let (platform, accounts) = try Self.platform(accounts: 1)
        platform.plan([.status(503), .status(503), .status(503), .status(503)], for: Self.sim(accounts[0]))
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base, retries: 2))
        }
        #expect(run.result(accounts[0])?.attempts == 3)
        #expect(run.error(accounts[0]) == "HTTP 503 Service Unavailable")
        #expect(platform.stats().perAccount[accounts[0].key] == 3)
    }

    @Test func honoursRetryAfterInSeconds() async throws {
        let (platform, accounts) = try Self.platform(accounts: 1)
        platform.plan([.tooManyRequests(.seconds(1))], for: Self.sim(accounts[0]))
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base))
        }
        #expect(run.result(accounts[0])?.isOK == true)
        #expect(run.result(accounts[0])?.attempts == 2)
        #expect(run.elapsed >= .seconds(1))
    }

    @Test func honoursRetryAfterAsAnHTTPDate() async throws {
        let (platform, accounts) = try Self.platform(accounts: 1)
        // The header has whole seconds: 2.5 s ahead is at least 1.5 s away once written.
        platform.plan([.tooManyRequests(.httpDate(Date().addingTimeInterval(2.5)))], for: Self.sim(accounts[0]))
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base))
        }
        #expect(run.result(accounts[0])?.isOK == true)
        #expect(run.result(accounts[0])?.attempts == 2)
        #expect(run.elapsed >= .seconds(1.4))
    }

    @Test func cutsALongRetryAfterToTheConfiguredMaximum() async throws {
        let (platform, accounts) = try Self.platform(accounts: 1)
        platform.plan([.tooManyRequests(.seconds(3600))], for: Self.sim(accounts[0]))
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base, maxRetryAfter: 0.5))
        }
        #expect(run.result(accounts[0])?.isOK == true)
        #expect(run.elapsed >= .seconds(0.5))
        #expect(run.elapsed < .seconds(10))
    }

    @Test func retriesAnAnswerPastTheTimeoutThenFails() async throws {
        let (platform, accounts) = try Self.platform(accounts: 1)
        platform.plan([.slow(seconds: 2), .slow(seconds: 2)], for: Self.sim(accounts[0]))
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base, retries: 1, timeout: 0.3))
        }
        #expect(run.result(accounts[0])?.attempts == 2)
        // The error names the timeout: the fetcher cut the answer short. (No bound on the wall
        // time here: under a full parallel test run the cooperative pool can be busy for seconds.)
        #expect(run.error(accounts[0]) == "timed out after 0.3 s")
        #expect(platform.stats().perAccount[accounts[0].key] == 2)
    }

    @Test func retriesAClosedConnection() async throws {
        let (platform, accounts) = try Self.platform(accounts: 1)
        platform.plan([.closeConnection], for: Self.sim(accounts[0]))
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base))
        }
        #expect(run.result(accounts[0])?.isOK == true)
        #expect(run.result(accounts[0])?.attempts == 2)
    }

    @Test func retriesAGatewayPageThenFailsNaming502() async throws {
        let (platform, accounts) = try Self.platform(accounts: 1)
        platform.plan([.html502, .html502, .html502], for: Self.sim(accounts[0]))
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base, retries: 2))
        }
        #expect(run.result(accounts[0])?.attempts == 3)
        #expect(run.error(accounts[0]) == "HTTP 502 Bad Gateway")
    }

    // MARK: Answers that are not retried

    @Test func truncatedJSONFailsAfterOneRequest() async throws {
        let (platform, accounts) = try Self.platform(accounts: 1)
        platform.plan([.truncatedJSON], for: Self.sim(accounts[0]))
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base))
        }
        #expect(run.result(accounts[0])?.attempts == 1)
        let error = try #require(run.error(accounts[0]))
        #expect(error.contains("not JSON"))
        #expect(platform.stats().perAccount[accounts[0].key] == 1)
    }

    @Test func anHTMLPageAtStatus200FailsAfterOneRequest() async throws {
        let (platform, accounts) = try Self.platform(accounts: 1)
        platform.plan([.htmlPage], for: Self.sim(accounts[0]))
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base))
        }
        #expect(run.result(accounts[0])?.attempts == 1)
        #expect(run.error(accounts[0]) != nil)
    }

    @Test func anEnvelopeErrorFailsWithItsCodeAndMessage() async throws {
        let (platform, accounts) = try Self.platform(accounts: 1)
        platform.plan([.envelopeError(code: 401, message: "未授权")], for: Self.sim(accounts[0]))
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base))
        }
        #expect(run.result(accounts[0])?.attempts == 1)
        #expect(run.error(accounts[0]) == "code 401: 未授权")
    }

    @Test func notFoundFailsAtOnce() async throws {
        let (platform, accounts) = try Self.platform(accounts: 1)
        platform.plan([.notFound], for: Self.sim(accounts[0]))
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base))
        }
        #expect(run.result(accounts[0])?.attempts == 1)
        #expect(run.error(accounts[0]) == "HTTP 404 Not Found")
    }

    @Test func aRefusedConnectionIsRetriedAndNamesNeitherTokenNorQuery() async throws {
        // A port that was just free: nothing listens there.
        let (platform, _) = try Self.platform(accounts: 0)
        let base = try await platform.withRunning { base in base }
        let account = AccountRef(id: AccountID(userID: "u", subUserID: "sub-secret-id"), label: "", order: 0)
        let handler = InMemoryLogHandler()
        let run = try await Self.fetch(
            [account], settings: Self.settings(base, retries: 1), logger: Logger(label: "t", factory: { _ in handler }))
        #expect(run.result(account)?.attempts == 2)
        let error = try #require(run.error(account))
        #expect(error.hasPrefix("connection failed (127.0.0.1)"))
        #expect(!error.contains("sub_user_id"))
        let logged = handler.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
        #expect(!logged.contains(Self.token))
        #expect(!logged.contains("sub_user_id="))
        #expect(handler.entries.filter { $0.level == .warning }.count == 1)
    }

    @Test func anAnswerOverTheSizeCapFailsAfterOneRequest() async throws {
        let (platform, accounts) = try Self.platform(accounts: 1)
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base), maxBodyBytes: 1000)
        }
        #expect(run.result(accounts[0])?.attempts == 1)
        #expect(run.error(accounts[0]) == "the answer is larger than 1000 bytes")
    }

    @Test func noAccountsMeansNoRequests() async throws {
        let (platform, _) = try Self.platform(accounts: 0)
        let run = try await platform.withRunning { base in
            try await Self.fetch([], settings: Self.settings(base))
        }
        #expect(run.results.isEmpty)
        #expect(platform.stats().requests == 0)
    }

    // MARK: Rate limit

    @Test func holdsTheRequestRate() async throws {
        let (platform, accounts) = try Self.platform(accounts: 30)
        let rps = 20.0
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base, concurrency: 8, rps: rps))
        }
        #expect(run.results.allSatisfy { $0.isOK })
        let requests = platform.stats().requests
        #expect(requests == 30)
        // n requests take at least (n-1) intervals: a bound on the rate from above only.
        let seconds = Double(run.elapsed.components.seconds) + Double(run.elapsed.components.attoseconds) / 1e18
        #expect(seconds >= Double(requests - 1) / rps * 0.9)
    }

    // MARK: Ids and authentication

    @Test func idsReachTheServerIntactAndTheAuthHeaderArrives() async throws {
        let hostile = [
            SimAccount(userID: "a/b"),
            SimAccount(userID: "c+d e"),
            SimAccount(userID: "f;g%h"),
            SimAccount(userID: "华东 一部"),
            SimAccount(userID: "u?x=1&y#z", subUserID: "子/账+号 %;"),
            SimAccount(userID: "plain", subUserID: "a+b"),
        ]
        let (platform, accounts) = try Self.platform(
            accounts: 0, extra: hostile, expectedAuth: ("X-Api-Key", "Token \(Self.token)"))
        var settings = Self.settings("")
        settings.authHeader = "X-Api-Key"
        settings.authScheme = "Token"
        let run = try await platform.withRunning { base in
            settings.baseURL = base + "/"
            return try await Self.fetch(accounts, settings: settings)
        }
        for account in accounts {
            #expect(run.result(account)?.isOK == true, "\(account.key): \(run.error(account) ?? "")")
        }
        #expect(Set(platform.stats().perAccount.keys) == Set(accounts.map(\.key)))
    }

    @Test func anEmptySchemeSendsTheBareToken() async throws {
        let (platform, accounts) = try Self.platform(accounts: 1, expectedAuth: ("Authorization", Self.token))
        var settings = Self.settings("")
        settings.authScheme = ""
        let run = try await platform.withRunning { base in
            settings.baseURL = base
            return try await Self.fetch(accounts, settings: settings)
        }
        #expect(run.result(accounts[0])?.isOK == true)
    }

    @Test func aWrongTokenIsTheAccountsFailureAndIsNeverLogged() async throws {
        let (platform, accounts) = try Self.platform(accounts: 1, expectedAuth: ("Authorization", "Bearer other"))
        let handler = InMemoryLogHandler()
        let run = try await platform.withRunning { base in
            try await Self.fetch(
                accounts, settings: Self.settings(base), logger: Logger(label: "t", factory: { _ in handler }))
        }
        #expect(run.result(accounts[0])?.attempts == 1)
        #expect(run.error(accounts[0])?.hasPrefix("code 401") == true)
        let warnings = handler.entries.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.metadata["account"] == .string(accounts[0].key))
        #expect(!handler.entries.map { "\($0.message) \($0.metadata)" }.joined().contains(Self.token))
    }

    // MARK: Raw answers

    actor Collector: RawAnswerSink {
        var stored: [String: [UInt8]] = [:]
        func store(account: AccountRef, body: [UInt8]) async throws { stored[account.key] = body }
    }

    @Test func handsEachFinalAnswerToTheRawSink() async throws {
        let (platform, accounts) = try Self.platform(accounts: 3)
        platform.plan([.status(503)], for: Self.sim(accounts[0]))
        platform.plan([.envelopeError(code: 500, message: "boom")], for: Self.sim(accounts[1]))
        let collector = Collector()
        let run = try await platform.withRunning { base in
            try await Self.fetch(accounts, settings: Self.settings(base), rawSink: collector)
        }
        #expect(run.results.count == 3)
        let stored = await collector.stored
        let sample = try Self.sampleAnswer()
        #expect(stored[accounts[0].key] == sample)
        #expect(stored[accounts[2].key] == sample)
        #expect(stored[accounts[1].key].map { String(decoding: $0, as: UTF8.self).contains("boom") } == true)
    }

    // MARK: Cancellation

    @Test func cancellationInterruptsWhatIsLeftPromptly() async throws {
        // A latency far above any scheduling delay of a loaded machine: the first wave is surely
        // still in flight when the cancellation comes (at 400 ms, a busy full-suite run let it finish).
        let (platform, accounts) = try Self.platform(accounts: 30, latency: .seconds(3))
        try await platform.withRunning { base in
            let settings = Self.settings(base, concurrency: 4)
            try await Fetcher.withHTTPClient(settings: settings) { client in
                let fetcher = Fetcher(
                    settings: settings, httpClient: client, decoder: AnswerDecoder(apiTimeZone: settings.timeZone),
                    logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }),
                    retryPolicy: Self.quickRetries)
                let task = Task {
                    var results: [AccountResult] = []
                    await fetcher.fetchAll(accounts, rawSink: nil) { results.append($0) }
                    return results
                }
                // Wait until the server has seen the first wave, then interrupt.
                let deadline = ContinuousClock.now + .seconds(10)
                while platform.stats().requests < 4, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                #expect(platform.stats().requests >= 4)
                let cancelledAt = ContinuousClock.now
                task.cancel()
                let results = await task.value
                #expect(ContinuousClock.now - cancelledAt < .seconds(1))

                #expect(results.count == accounts.count)
                #expect(Set(results.map(\.account)) == Set(accounts))
                let interrupted = results.filter {
                    if case .failed(let error) = $0.outcome { return error.kind == .interrupted }
                    return false
                }
                #expect(interrupted.count >= accounts.count - 8)
                #expect(interrupted.allSatisfy { $0.attempts <= 1 })
                #expect(interrupted.filter { $0.attempts == 1 }.count >= 1)
                #expect(platform.stats().requests <= 8)
            }
        }
    }
}
