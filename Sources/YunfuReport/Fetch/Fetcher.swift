package import AsyncHTTPClient
import Foundation
package import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import Synchronization

/// Where `--archive-raw` puts each account's final answer, byte for byte as received (decoded
/// when it came gzip- or deflate-encoded).
///
/// The fetcher calls `store` at most once per account, from that account's child task (so calls
/// for different accounts may run concurrently), with the body of the HTTP answer that ended the
/// account — a 2xx (decoded or not), a 4xx, or the last 429/5xx when the retries ran out — and
/// before the account's result is delivered. Timeouts, broken connections and interrupts have no
/// body and are not stored. A throwing `store` is logged and does not change the account's result.
package protocol RawAnswerSink: Sendable {
    func store(account: AccountRef, body: [UInt8]) async throws
}

/// Fetches every account's task-init answer over one shared `HTTPClient`, `max_concurrency` at a
/// time, with retries, a run-wide rate limit and a per-request timeout, and decodes each answer in
/// the task that fetched it.
package struct Fetcher: Sendable {
    /// An answer body larger than this (64 MiB) is the account's failure, not retried.
    static let defaultMaxBodyBytes = 64 * 1024 * 1024

    let settings: APISettings
    let httpClient: HTTPClient
    let decoder: AnswerDecoder
    let logger: Logger
    let retryPolicy: RetryPolicy
    let maxBodyBytes: Int
    let endpoint: Endpoint
    /// The proxy the platform's requests go through, nil for direct connections.
    let proxy: ProxyURL?
    private let pacer: Pacer
    /// Why certificates were refused, per `host:port`, found once per run (`TLSDiagnosis`).
    private let tlsReasons = TLSReasonCache()
    /// The requests in flight with their deadlines, watched by one timer for all of them.
    private let deadlines = RequestDeadlines()

    package init(
        settings: APISettings,
        httpClient: HTTPClient,
        decoder: AnswerDecoder,
        logger: Logger,
        retryPolicy: RetryPolicy = RetryPolicy(),
        maxBodyBytes: Int = Fetcher.defaultMaxBodyBytes
    ) {
        self.settings = settings
        self.httpClient = httpClient
        self.decoder = decoder
        self.logger = logger
        self.retryPolicy = retryPolicy
        self.maxBodyBytes = max(0, maxBodyBytes)
        self.endpoint = Endpoint(baseURL: settings.baseURL)
        self.proxy = Self.proxy(settings: settings)
        self.pacer = Pacer(requestsPerSecond: settings.requestsPerSecond)
    }

    // MARK: - The HTTP client

    /// The client configuration for these settings: a pool of `max_concurrency` connections per
    /// host, connect and read timeouts within `timeout_seconds`, no redirects (a redirect would carry
    /// the token to wherever it points; a 3xx is the account's failure), gzip/deflate answers
    /// decoded up to 64 MiB unless `compression: false`, the system's trust roots plus `ca_file`,
    /// the proxy for `base_url` (`api.proxy`, else the environment), and no connection retries
    /// inside the client (the fetcher retries, counting each request).
    static func httpClientConfiguration(settings: APISettings) -> HTTPClient.Configuration {
        let timeout = Self.timeoutSeconds(settings)
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: timeAmount(min(timeout, 10)), read: timeAmount(timeout)),
            connectionPool: .init(
                idleTimeout: .seconds(60),
                concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, settings.maxConcurrency)
            ),
            decompression: settings.network.compression
                ? .enabled(limit: .size(NetworkSettings.decompressionLimit)) : .disabled
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        settings.network.configure(&configuration, proxy: proxy(settings: settings))
        return configuration
    }

    /// The proxy for `base_url`'s scheme and host, nil for a direct connection.
    static func proxy(settings: APISettings) -> ProxyURL? {
        let endpoint = Endpoint(baseURL: settings.baseURL)
        return settings.network.platformProxy(scheme: endpoint.scheme, host: endpoint.host)
    }

    /// A new client for these settings; the caller owns it and must `shutdown()` it on every path
    /// (or use `withHTTPClient(settings:_:)`).
    package static func makeHTTPClient(settings: APISettings) -> HTTPClient {
        HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: httpClientConfiguration(settings: settings)
        )
    }

    /// Runs `body` with a client for these settings and shuts it down afterwards, whether `body`
    /// throws or not.
    static func withHTTPClient<Result>(
        settings: APISettings,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (HTTPClient) async throws -> Result
    ) async throws -> Result {
        try await HTTPClient.withHTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: httpClientConfiguration(settings: settings),
            isolation: isolation,
            body
        )
    }

    // MARK: - Fetching

    /// Fetches every account with at most `max_concurrency` requests in flight, keeping that many
    /// busy while accounts remain: N child tasks first, then one new task per completion. Each child
    /// fetches (with retries) and decodes its account. Results reach `onResult` one at a time, in
    /// completion order; the function returns when every account has been delivered.
    ///
    /// When the calling task is cancelled, no new request is sent, requests in flight and waits are
    /// cancelled, and every account not finished is delivered as interrupted (`.failed` with
    /// `FailureReason.interrupted`) with the requests it made (accounts never started: 0); results
    /// that arrive after the interrupt decide nothing about reachability.
    @discardableResult
    package func fetchAll(
        _ accounts: [AccountRef],
        rawSink: (any RawAnswerSink)?,
        onResult: (AccountResult) async -> Void
    ) async -> FetchEnd {
        let width = max(1, settings.maxConcurrency)
        var pending = accounts[...]
        var watch = Reachability(accounts: accounts.count)
        var interrupted = 0
        await withTaskGroup(of: AccountResult.self) { group in
            var started = 0
            while started < width, !Task.isCancelled, let account = pending.popFirst() {
                group.addTask { await self.fetch(account, rawSink: rawSink) }
                started += 1
            }
            while var result = await group.next() {
                if let unreachable = watch.unreachable {
                    // Cancelled by the stop below, not by an interrupt: never asked to the end.
                    if result.notFetched && !Task.isCancelled {
                        result.outcome = .failed(.notAttempted(unreachable: unreachable))
                    }
                } else if !Task.isCancelled, watch.record(result) {
                    stopAsking(group: &group, reason: watch.unreachable)
                } else if !Task.isCancelled, let account = pending.popFirst() {
                    group.addTask { await self.fetch(account, rawSink: rawSink) }
                }
                if result.notFetched { interrupted += 1 }
                await onResult(result)
            }
        }
        let notAttempted = watch.unreachable.map(FailureReason.notAttempted(unreachable:))
        for account in pending {
            if notAttempted == nil { interrupted += 1 }
            await onResult(AccountResult(account: account, attempts: 0, outcome: .failed(notAttempted ?? .interrupted)))
        }
        if interrupted > 0 {
            logger.warning(
                "fetch interrupted",
                metadata: ["host": "\(endpoint.host)", "accounts_not_fetched": "\(interrupted)"]
            )
        }
        reportRate()
        return FetchEnd(unreachable: watch.unreachable)
    }

    /// The platform is unreachable: no new request; those in flight are cancelled (they end as
    /// not attempted); one error line names the reason and the host.
    private func stopAsking(group: inout TaskGroup<AccountResult>, reason: FailureReason?) {
        group.cancelAll()
        logger.error(
            "platform unreachable: \(reason?.text ?? "")",
            metadata: [
                "host": "\(endpoint.host)",
                "reason": "\(reason?.text ?? "")",
            ])
    }

    /// When the run had to adapt to the platform's limit: the rate it settled on.
    private func reportRate() {
        guard pacer.adapted, let limit = pacer.limit else { return }
        // Never "0", which would mean no limit at all.
        let rate = limit >= 10 ? String(Int(limit.rounded())) : String(format: "%.1f", limit)
        let throttled = pacer.throttledAnswers
        logger.notice(
            "platform limit looks like ~\(rate) requests/s; set requests_per_second: \(rate) to start there",
            metadata: ["host": "\(endpoint.host)", "throttled_answers": "\(throttled)"])
    }

    /// What one request's outcome means for its account: the account ends, or a transient failure
    /// (429, 5xx, a timeout, a broken connection) may be retried.
    private enum Step {
        case done(AccountResult)
        case ended(FailureReason)
        case transient(FailureReason, retryAfter: Double?, body: ByteBuffer?)
        case interrupted
    }

    /// One account, start to finish: requests with retries, then the decoder.
    func fetch(_ account: AccountRef, rawSink: (any RawAnswerSink)?) async -> AccountResult {
        let url = endpoint.url(for: account.id)
        let maxRetries = max(0, settings.maxRetries)
        var attempts = 0
        var retries = 0
        while true {
            if Task.isCancelled { return .notFetched(account, attempts: attempts) }
            do { try await pacer.waitForSlot() } catch { return .notFetched(account, attempts: attempts) }
            attempts += 1
            let step = await classify(await send(url), account: account, attempts: attempts, rawSink: rawSink)
            switch step {
            case .done(let result):
                return result
            case .interrupted:
                return .notFetched(account, attempts: attempts)
            case .ended(let reason):
                return failed(account, attempts: attempts, reason)
            case .transient(let reason, let retryAfter, let finalBody):
                if Task.isCancelled { return .notFetched(account, attempts: attempts) }
                guard retries < maxRetries else {
                    if let finalBody { await archive(finalBody, of: account, to: rawSink) }
                    return failed(account, attempts: attempts, reason)
                }
                retries += 1
                let wait = retryPolicy.delay(
                    retry: retries, retryAfter: retryAfter, maxRetryAfter: settings.maxRetryAfterSeconds)
                logger.info(
                    "retrying account",
                    metadata: [
                        "account": "\(account.key)", "host": "\(endpoint.host)", "after": "\(redacted(reason.text))",
                        "attempt": "\(attempts)", "wait_seconds": "\(Self.formatSeconds(wait))",
                    ]
                )
                do { try await Task.sleep(for: Duration.clampedSeconds(wait)) } catch {
                    return .notFetched(account, attempts: attempts)
                }
            }
        }
    }

    /// The account's failure, logged once with the reason (redacted).
    private func failed(_ account: AccountRef, attempts: Int, _ reason: FailureReason) -> AccountResult {
        let reason = FailureReason(reason.kind, redacted(reason.text))
        logger.warning(
            "account failed",
            metadata: [
                "account": "\(account.key)", "host": "\(endpoint.host)", "attempts": "\(attempts)",
                "error": "\(reason.text)",
            ]
        )
        return AccountResult(account: account, attempts: attempts, outcome: .failed(reason))
    }

    /// One request's outcome as a step: 2xx answers are decoded, 4xx end the account, 429s tell the
    /// pacer, everything else transient is left to the retry loop.
    private func classify(
        _ attempt: Attempt, account: AccountRef, attempts: Int, rawSink: (any RawAnswerSink)?
    ) async -> Step {
        switch attempt {
        case .cancelled:
            return .interrupted
        case .failed(let why):
            return .ended(FailureReason(.request, why))
        case .timedOut:
            let text = "timed out after \(Self.formatSeconds(Self.timeoutSeconds(settings))) s"
            return .transient(FailureReason(.timeout, text), retryAfter: nil, body: nil)
        case .connectionFailed(let why):
            let reason =
                proxy.map { FailureReason(.proxy, NetworkFailure.proxyConnection(why, proxy: $0).reason) }
                ?? FailureReason(.connection, "connection failed (\(endpoint.host)): \(why)")
            return .transient(reason, retryAfter: nil, body: nil)
        case .network(let failure):
            guard failure.retryable else { return .ended(FailureReason(failure.failureKind, await explained(failure))) }
            return .transient(FailureReason(failure.failureKind, failure.reason), retryAfter: nil, body: nil)
        case .answer(let status, let headers, let body):
            let transient = status.code == 429 || (500..<600).contains(status.code)
            // Read only where it is honoured: not on the way of every 2xx answer.
            let retryAfter =
                transient
                ? headers.first(name: "Retry-After").flatMap { RetryAfterHeader.seconds(from: $0, now: Date()) } : nil
            if status.code == 429 {
                let capped = retryAfter.map { min($0, max(0, settings.maxRetryAfterSeconds)) }
                if pacer.throttled(retryAfter: capped) {
                    logger.warning(
                        "the platform throttles: adapting the run's request rate to its limit",
                        metadata: ["host": "\(endpoint.host)"])
                }
            } else if status.code < 500 {
                pacer.answered()  // a 5xx is no sign that the rate may grow
            }
            if (200..<300).contains(status.code) {
                return .done(await finish(account, body: body, attempts: attempts, rawSink: rawSink))
            }
            let reason = FailureReason(.http(Int(status.code)), Self.describe(status))
            guard transient else {
                await archive(body, of: account, to: rawSink)
                return .ended(reason)
            }
            return .transient(reason, retryAfter: retryAfter, body: body)
        }
    }

    /// A 2xx answer: archive it, then let the decoder decide.
    private func finish(
        _ account: AccountRef,
        body: ByteBuffer,
        attempts: Int,
        rawSink: (any RawAnswerSink)?
    ) async -> AccountResult {
        let outcome: DecodeOutcome
        if let rawSink {
            let bytes = Array(body.readableBytesView)
            await archive(bytes, of: account, to: rawSink)
            outcome = decoder.decode(bytes)
        } else {
            outcome = body.withUnsafeReadableBytes { decoder.decode($0) }
        }
        switch outcome {
        case .snapshot(let snapshot, let warnings):
            return AccountResult(account: account, attempts: attempts, outcome: .ok(snapshot, warnings: warnings))
        case .failure(let reason):
            return failed(account, attempts: attempts, FailureReason(.answer, reason))
        }
    }

    private func archive(_ body: ByteBuffer, of account: AccountRef, to sink: (any RawAnswerSink)?) async {
        guard let sink else { return }
        await archive(Array(body.readableBytesView), of: account, to: sink)
    }

    private func archive(_ bytes: [UInt8], of account: AccountRef, to sink: any RawAnswerSink) async {
        do {
            try await sink.store(account: account, body: bytes)
        } catch {
            logger.error(
                "could not archive the raw answer",
                metadata: ["account": "\(account.key)", "error": "\(redacted(String(describing: error)))"]
            )
        }
    }

    // MARK: - One request

    enum Attempt: Sendable {
        /// An HTTP answer, body read in full.
        case answer(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer)
        /// No whole answer within `timeout_seconds`.
        case timedOut
        /// The connection could not be made or broke: worth a retry.
        case connectionFailed(String)
        /// TLS or the proxy failed (retried only when `retryable`).
        case network(NetworkFailure)
        /// Not worth a retry (a request that cannot be sent, a body over the cap).
        case failed(String)
        /// The task was cancelled.
        case cancelled
    }

    /// One request, its whole answer included, within `timeout_seconds` (the client's own
    /// deadline covers only the time to the response head). The exchange runs as a task of its
    /// own that one shared watchdog cancels once its deadline has passed: a timer per request
    /// (a racing sleeper task) cost more CPU than the request at 0 ms of latency.
    func send(_ url: String) async -> Attempt {
        let timeout = Self.timeoutSeconds(settings)
        let deadline = ContinuousClock.now + Duration.clampedSeconds(timeout)
        let exchange = Task { await self.exchange(url, timeout: timeout) }
        let watch = deadlines.watch(exchange, until: deadline)
        let attempt = await withTaskCancellationHandler {
            await exchange.value
        } onCancel: {
            exchange.cancel()
        }
        deadlines.forget(watch)
        if case .cancelled = attempt, !Task.isCancelled, ContinuousClock.now >= deadline { return .timedOut }
        return attempt
    }

    private func exchange(_ url: String, timeout: Double) async -> Attempt {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: "yunfu-report/\(YunfuReportInfo.version)")
        request.headers.add(name: "Accept", value: "application/json")
        if settings.network.compression {
            request.headers.add(name: "Accept-Encoding", value: "gzip, deflate")
        }
        if let hostHeader = endpoint.ipv6HostHeader {
            // The client would write an IPv6 literal without its brackets.
            request.headers.add(name: "Host", value: hostHeader)
        }
        if let value = authHeaderValue() {
            request.headers.add(name: settings.authHeader, value: value)
        }
        do {
            let response = try await httpClient.execute(request, deadline: .now() + Self.timeAmount(timeout))
            let body = try await response.body.collect(upTo: maxBodyBytes)
            return .answer(status: response.status, headers: response.headers, body: body)
        } catch {
            if Task.isCancelled { return .cancelled }
            return Self.classify(error, host: endpoint.host, proxy: proxy)
        }
    }

    /// A refused certificate's reason, told apart (expired, unknown CA) once per `host:port`.
    private func explained(_ failure: NetworkFailure) async -> String {
        guard failure.kind == .tls, failure.reason == NetworkFailure.untrusted, let port = endpoint.port else {
            return failure.reason
        }
        return await tlsReasons.reason(for: "\(endpoint.host):\(port)") {
            await TLSDiagnosis.reason(host: endpoint.host, port: port, proxy: proxy)
        }
    }

    /// `"{auth_scheme} {token}"`, or the bare token when the scheme is empty; nil without a token.
    private func authHeaderValue() -> String? {
        guard let token = settings.token?.reveal() else { return nil }
        let scheme = settings.authScheme.trimmingCharacters(in: .whitespaces)
        return scheme.isEmpty ? token : scheme + " " + token
    }

    /// What a thrown error means for the account. Messages never hold the URL or a header value.
    static func classify(_ error: any Error, host: String = "", proxy: ProxyURL? = nil) -> Attempt {
        if error is CancellationError { return .cancelled }
        if let error = error as? NIOTooManyBytesError {
            return .failed("the answer is larger than \(error.maxBytes.map(Self.formatBytes) ?? "the limit")")
        }
        if let error = error as? NIOHTTPDecompression.DecompressionError, error == .limit {
            return .failed("answer too large (over \(formatBytes(NetworkSettings.decompressionLimit)) decoded)")
        }
        if error is NIOHTTPDecompression.DecompressionError || error is NIOHTTPDecompression.ExtraDecompressionError {
            return .failed("the answer's compressed body is corrupt")
        }
        if let failure = NetworkFailure.classify(error, host: host, proxy: proxy) {
            return .network(failure)
        }
        if TransportError.isTimeout(error) { return .timedOut }
        if let text = TransportError.socketText(error) { return .connectionFailed(text) }
        if let error = error as? HTTPClientError {
            switch error {
            case .cancelled:
                return .cancelled
            case .invalidURL, .emptyHost, .emptyScheme, .alreadyShutdown, .missingSocketPath, .invalidLocalAddress:
                return .failed("request not sent: \(TransportError.clientText(error)) (check base_url)")
            default:
                switch error.shortDescription {
                case "Unsupported scheme":
                    return .failed("request not sent: unsupported scheme (check base_url)")
                case "Invalid header field names", "Invalid header field values":
                    return .failed(
                        "request not sent: \(TransportError.clientText(error)) (check auth_header and the token)")
                default:
                    return .connectionFailed(TransportError.clientText(error))
                }
            }
        }
        return .connectionFailed(String(String(describing: error).prefix(200)))
    }

    // MARK: - Text

    /// `HTTP 503 Service Unavailable` (the standard reason phrase only, never the server's text).
    static func describe(_ status: HTTPResponseStatus) -> String {
        let phrase = HTTPResponseStatus(statusCode: Int(status.code)).reasonPhrase
        return phrase.isEmpty ? "HTTP \(status.code)" : "HTTP \(status.code) \(phrase)"
    }

    /// `64 MiB`, or `1000 bytes` when not a whole number of MiB.
    static func formatBytes(_ bytes: Int) -> String {
        let mebibyte = 1024 * 1024
        return bytes > 0 && bytes % mebibyte == 0 ? "\(bytes / mebibyte) MiB" : "\(bytes) bytes"
    }

    /// `20`, `0.3`: seconds without a trailing `.0`.
    static func formatSeconds(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "\(seconds)" }
        let rounded = (seconds * 1000).rounded() / 1000
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
        return String(rounded)
    }

    /// `timeout_seconds`, or the default 20 when it is not a positive number.
    static func timeoutSeconds(_ settings: APISettings) -> Double {
        let value = settings.timeoutSeconds
        return value.isFinite && value > 0 ? min(value, 365 * 86_400) : 20
    }

    static func timeAmount(_ seconds: Double) -> TimeAmount {
        guard !seconds.isNaN, seconds > 0 else { return .zero }
        return .microseconds(Int64((min(seconds, 365 * 86_400) * 1_000_000).rounded()))
    }

    /// The text with the token, should a server echo it, replaced.
    private func redacted(_ text: String) -> String {
        guard let token = settings.token?.reveal(), !token.isEmpty else { return text }
        return text.replacingOccurrences(of: token, with: "<redacted>")
    }
}

/// The run reads answers from the platform through the same interface as from an archive.
extension Fetcher: AnswerSource {}

/// The deadlines of the requests in flight. One watchdog task (started when the first request is
/// watched, ended when none is left) wakes every 50 ms and cancels each exchange past its deadline.
final class RequestDeadlines: Sendable {
    private struct State {
        var watched: [Int: (deadline: ContinuousClock.Instant, task: Task<Fetcher.Attempt, Never>)] = [:]
        var nextID = 0
        var watchdogRunning = false
    }

    private let state = Mutex(State())
    static let tick = Duration.milliseconds(50)

    /// Watches `task` until `deadline`; returns the ticket to `forget` it by.
    func watch(_ task: Task<Fetcher.Attempt, Never>, until deadline: ContinuousClock.Instant) -> Int {
        let (id, startWatchdog) = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.watched[id] = (deadline, task)
            let start = !state.watchdogRunning
            state.watchdogRunning = true
            return (id, start)
        }
        if startWatchdog {
            Task.detached { [self] in await runWatchdog() }
        }
        return id
    }

    func forget(_ id: Int) {
        _ = state.withLock { $0.watched.removeValue(forKey: id) }
    }

    private func runWatchdog() async {
        while true {
            try? await Task.sleep(for: Self.tick)
            let now = ContinuousClock.now
            let (expired, keepGoing) = state.withLock { state in
                let expired = state.watched.filter { $0.value.deadline <= now }
                for id in expired.keys { state.watched.removeValue(forKey: id) }
                if state.watched.isEmpty { state.watchdogRunning = false }
                return (expired.values.map(\.task), state.watchdogRunning)
            }
            expired.forEach { $0.cancel() }
            if !keepGoing { return }
        }
    }
}

/// Reasons found by `TLSDiagnosis`, so that a run probes each refused server once.
final class TLSReasonCache: Sendable {
    private let reasons = Mutex<[String: String]>([:])

    func reason(for key: String, find: () async -> String) async -> String {
        if let known = reasons.withLock({ $0[key] }) { return known }
        let found = await find()
        reasons.withLock { $0[key] = found }
        return found
    }
}
