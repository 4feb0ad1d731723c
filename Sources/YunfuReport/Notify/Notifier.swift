package import AsyncHTTPClient
package import Foundation
package import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Posts a short summary of a run to each configured chat group (企业微信, 钉钉, 飞书 group bots).
///
/// A notice never throws and never changes the run: each one is tried, retried once when it
/// fails (an answer other than 2xx, a 2xx whose `errcode` / `code` is not 0, a timeout, a refused
/// connection), and then logged at error naming only the platform and the webhook's host. The
/// webhook's path and query (which carry its key) and the signing secret are never logged.
package struct Notifier: Sendable {
    /// The client for a webhook URL (direct, or through the environment's proxy for its host).
    let client: @Sendable (String) -> HTTPClient
    let logger: Logger
    let now: @Sendable () -> Date
    /// For each attempt, the whole exchange (connect, send, answer).
    let timeout: Duration
    /// The pause before the one retry.
    let retryDelay: Duration

    init(
        httpClient: HTTPClient,
        logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init,
        timeout: Duration = .seconds(10),
        retryDelay: Duration = .seconds(1)
    ) {
        self.init(
            clients: { _ in httpClient }, logger: logger, now: now, timeout: timeout, retryDelay: retryDelay)
    }

    package init(
        clients: @escaping @Sendable (String) -> HTTPClient,
        logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init,
        timeout: Duration = .seconds(10),
        retryDelay: Duration = .seconds(1)
    ) {
        self.client = clients
        self.logger = logger
        self.now = now
        self.timeout = timeout
        self.retryDelay = retryDelay
    }

    /// The clients for notices: a refused connection fails at once (the one retry is ours), instead
    /// of the client retrying the connection until the timeout. They trust what the platform's
    /// client trusts (the system's roots and `ca_file`) and take the environment's proxy variables
    /// for each webhook's host (never `api.proxy`).
    package static func makeHTTPClients(network: NetworkSettings) -> ProxiedClients {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(10))
        return ProxiedClients(base: configuration, network: network)
    }

    /// Sends one notice per target, one after the other. Returns when every notice is sent or
    /// given up.
    package func send(_ report: Report, runDir: String, targets: [NotifyTarget]) async {
        guard !targets.isEmpty else { return }
        let summary = NoticeSummary(report: report, runDir: runDir)
        for target in targets {
            await deliver(summary, to: target)
        }
    }

    /// What one attempt came to.
    enum Outcome: Sendable, Equatable {
        case sent
        /// Why it failed, in words that carry no part of the URL or the secret.
        case failed(String)
    }

    private func deliver(_ summary: NoticeSummary, to target: NotifyTarget) async {
        let webhook = target.webhook.reveal()
        let host = Self.host(of: webhook)
        var logger = self.logger
        logger[metadataKey: "notify.kind"] = "\(target.kind.rawValue)"
        logger[metadataKey: "notify.host"] = "\(host ?? "?")"
        guard host != nil else {
            logger.error(
                "notice not sent: the \(target.kind.rawValue) webhook is not an http(s) URL with a host (notify entry \(target.index + 1), line \(target.line))"
            )
            return
        }
        let redactions = Self.sensitiveParts(webhook: webhook, secret: target.secret?.reveal())
        var reason = ""
        for attempt in 1...2 {
            if attempt == 2 {
                try? await Task.sleep(for: retryDelay)
            }
            let outcome = await self.attempt(summary, target: target)
            switch outcome {
            case .sent:
                logger.info("notice sent to \(target.kind.rawValue) at \(host ?? "?")")
                return
            case .failed(let why):
                reason = Self.redact(why, redactions)
                if attempt == 1 {
                    logger.warning(
                        "notice to \(target.kind.rawValue) at \(host ?? "?") failed (\(reason)); retrying once")
                }
            }
        }
        logger.error("notice to \(target.kind.rawValue) at \(host ?? "?") not sent after 2 attempts: \(reason)")
    }

    private func attempt(_ summary: NoticeSummary, target: NotifyTarget) async -> Outcome {
        let instant = now()
        let secret = target.secret?.reveal()
        let url = NoticeMessage.url(webhook: target.webhook.reveal(), kind: target.kind, secret: secret, now: instant)
        let body = NoticeMessage.body(summary, kind: target.kind, secret: secret, now: instant)
        let kind = target.kind
        let client = self.client(url)
        let timeout = self.timeout
        do {
            return try await withThrowingTaskGroup(of: Outcome.self) { group in
                group.addTask {
                    try await Self.post(client: client, url: url, body: body, kind: kind, timeout: timeout)
                }
                group.addTask {
                    // The client's own deadline (`timeout`) covers the answer's head and names the
                    // reason (a refused connection); this one also bounds reading the body.
                    try await Task.sleep(for: timeout + .milliseconds(500))
                    return .failed("timed out after \(Self.seconds(timeout))")
                }
                let first = try await group.next() ?? .failed("no answer")
                group.cancelAll()
                return first
            }
        } catch {
            if let failure = NetworkFailure.classify(error, host: Self.host(of: url) ?? "?", proxy: nil) {
                return .failed(failure.reason)
            }
            return .failed(Self.describe(error, timeout: timeout))
        }
    }

    private static func post(
        client: HTTPClient, url: String, body: [UInt8], kind: NotifyKind, timeout: Duration
    ) async throws -> Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: TimeAmount(timeout))
        let answer = try await response.body.collect(upTo: 256 * 1024)
        let status = response.status.code
        guard (200..<300).contains(status) else {
            return .failed("HTTP \(status)")
        }
        return Self.check(answer: Array(answer.readableBytesView), kind: kind)
    }

    /// A 2xx answer still fails when its `errcode` (企业微信, 钉钉) or `code` (飞书) is not 0.
    static func check(answer: [UInt8], kind: NotifyKind) -> Outcome {
        guard !answer.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any]
        else {
            return .sent
        }
        let codeKeys = kind == .feishu ? ["code", "StatusCode"] : ["errcode"]
        let messageKeys = kind == .feishu ? ["msg", "StatusMessage"] : ["errmsg"]
        guard let key = codeKeys.first(where: { object[$0] != nil }) else { return .sent }
        let code: Int? =
            (object[key] as? NSNumber)?.intValue ?? (object[key] as? String).flatMap { Int($0) }
        if code == 0 { return .sent }
        let message = messageKeys.lazy.compactMap { object[$0] as? String }.first ?? ""
        let codeText = code.map(String.init) ?? "?"
        let shown = NoticeText.clip(NoticeText.singleLine(message), maxBytes: 200)
        return .failed(shown.isEmpty ? "\(key) \(codeText)" : "\(key) \(codeText): \(shown)")
    }

    /// A webhook request's failure, in the words the platform's requests use (TransportError).
    private static func describe(_ error: any Error, timeout: Duration) -> String {
        if error is CancellationError { return "cancelled" }
        if TransportError.isTimeout(error) { return "timed out after \(seconds(timeout))" }
        if let text = TransportError.socketText(error) { return text }
        if let error = error as? HTTPClientError {
            switch error {
            case .invalidURL, .emptyHost, .emptyScheme: return "invalid webhook URL"
            case .cancelled: return "cancelled"
            default: return TransportError.clientText(error)
            }
        }
        if error is NIOConnectionError { return "could not connect" }
        return "request failed (\(type(of: error)))"
    }

    private static func seconds(_ duration: Duration) -> String {
        let value = duration.inSeconds
        return value == value.rounded() ? "\(Int64(value)) s" : String(format: "%.1f s", value)
    }

    /// The webhook's host, the one part of it a log line may name.
    static func host(of webhook: String) -> String? {
        guard let components = URLComponents(string: webhook),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return nil }
        return host
    }

    /// The strings a log line must never contain: the URL, its path, query and their parts, and the
    /// secret.
    static func sensitiveParts(webhook: String, secret: String?) -> [String] {
        var parts = [webhook]
        if let components = URLComponents(string: webhook) {
            parts.append(components.percentEncodedPath)
            if let query = components.percentEncodedQuery { parts.append(query) }
            parts.append(contentsOf: components.percentEncodedPath.split(separator: "/").map(String.init))
            for item in components.queryItems ?? [] {
                if let value = item.value { parts.append(value) }
            }
        }
        if let secret { parts.append(secret) }
        // Longest first, so that a part inside another is not left half-replaced; tiny parts
        // ("v2", "send") are not secret and would only garble the message.
        return parts.filter { $0.utf8.count >= 6 }.sorted { $0.utf8.count > $1.utf8.count }
    }

    static func redact(_ text: String, _ parts: [String]) -> String {
        var out = text
        for part in parts where out.contains(part) {
            out = out.replacingOccurrences(of: part, with: "<redacted>")
        }
        return out
    }
}
