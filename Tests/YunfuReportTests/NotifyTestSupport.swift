import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import InMemoryLogging
import Logging
import NIOCore
import ServiceLifecycle
import Testing

@testable import YunfuReport

/// A loopback webhook for the notice tests: records every request and answers from a plan.
actor WebhookRecorder {
    struct Received: Sendable {
        var path: String
        var query: String
        var contentType: String
        var body: [UInt8]

        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        }
        var queryItems: [String: String] {
            var items: [String: String] = [:]
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { continue }
                items[parts[0]] = parts[1].removingPercentEncoding ?? parts[1]
            }
            return items
        }
    }
    struct Answer: Sendable {
        var status: Int
        var body: String
        var delay: Duration = .zero
    }

    private(set) var received: [Received] = []
    private var plan: [Answer]
    private let fallback: Answer

    init(plan: [Answer] = [], fallback: Answer = Answer(status: 200, body: #"{"errcode":0,"errmsg":"ok"}"#)) {
        self.plan = plan
        self.fallback = fallback
    }

    func record(_ request: Received) -> Answer {
        received.append(request)
        return plan.isEmpty ? fallback : plan.removeFirst()
    }
}

enum WebhookServerError: Error { case noPort }

/// Runs a Hummingbird server on 127.0.0.1, port 0, for the duration of `body`.
func withWebhookServer<T: Sendable>(
    _ recorder: WebhookRecorder, _ body: @Sendable (Int) async throws -> T
) async throws -> T {
    let quiet = Logger(label: "test-webhook", factory: { _ in SwiftLogNoOpLogHandler() })
    let router = Router()
    router.post("**") { request, context -> Response in
        let bytes = try await request.body.collect(upTo: 4 * 1024 * 1024)
        let received = WebhookRecorder.Received(
            path: request.uri.path,
            query: request.uri.query ?? "",
            contentType: request.headers[.contentType] ?? "",
            body: Array(bytes.readableBytesView)
        )
        let answer = await recorder.record(received)
        if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
        return Response(
            status: HTTPResponse.Status(code: answer.status),
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body))
        )
    }
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        },
        logger: quiet
    )
    let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: quiet))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await group.triggerGracefulShutdown()
            throw WebhookServerError.noPort
        }
        do {
            let value = try await body(port)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return value
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
    }
}

/// A logger that keeps what it is given.
func recordingLogger() -> (Logger, InMemoryLogHandler) {
    var handler = InMemoryLogHandler()
    handler.logLevel = .trace
    let captured = handler
    let logger = Logger(label: "notify-test", factory: { _ in captured })
    return (logger, handler)
}

/// Every log line with its metadata, as one string to search.
func logText(_ handler: InMemoryLogHandler) -> String {
    handler.entries.map { "\($0.level) \($0.message) \($0.metadata)" }.joined(separator: "\n")
}

/// Builds a synthetic `Report` by hand.
struct ReportBuilder {
    var asOf = Date(timeIntervalSince1970: 1_777_593_600)  // 2026-05-01T00:00:00Z
    var zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    var locale: ReportLocale = .zhCN
    var okAccounts = 3
    var failedAccounts = 0
    /// Lines expired (negative days) or expiring in that many days.
    var expiryDays: [Int] = []
    var lineName: (Int) -> String = { "线路-\($0)" }
    var accountLabel: (Int) -> String = { "账户\($0)" }
    var findings: [(CheckID, suppressed: Bool)] = []
    var interrupted = false
    var comparison: Comparison = .none

    func lineID(_ index: Int) -> String { String(format: "line-%05d", index) }

    func build() -> Report {
        var settings = ReportSettings(outputRoot: URL(fileURLWithPath: "/var/lib/yunfu-report"))
        settings.locale = locale
        settings.timeZone = zone
        var accounts: [AccountRow] = []
        var refs: [AccountRef] = []
        for index in 0..<(okAccounts + failedAccounts) {
            let ref = AccountRef(
                id: AccountID(userID: "user-\(index)", subUserID: index % 2 == 0 ? nil : "sub-\(index)"),
                label: accountLabel(index), order: index)
            refs.append(ref)
            let failed = index >= okAccounts
            accounts.append(
                AccountRow(
                    account: ref, error: failed ? "HTTP 500 after 5 attempts" : nil, attempts: failed ? 5 : 1,
                    lines: failed ? nil : 2, totalConcurrency: failed ? nil : 20, totalResidue: failed ? nil : 5,
                    scriptGroups: failed ? nil : 1, activeScriptGroups: failed ? nil : 1,
                    recycleRules: failed ? nil : 1, enabledRecycleRules: failed ? nil : 1,
                    maxRecycleLimit: failed ? nil : 3, warnings: 0))
        }
        var lines: [LineRow] = []
        var allFindings: [Finding] = []
        for (index, days) in expiryDays.enumerated() {
            // Half a day past the whole days, so that floor() gives `days`.
            let available = asOf.addingTimeInterval(Double(days) * 86_400 + (days < 0 ? 0 : 43_200))
            let status: ExpiryStatus = days < 0 ? .expired : (days < settings.expirySoonDays ? .soon : .upcoming)
            let ref = refs.isEmpty ? [] : [refs[index % refs.count]]
            lines.append(
                LineRow(
                    lineID: lineID(index), name: lineName(index), remark: "", belongUser: "", lineType: "",
                    bindType: "", node: "node-1", concurrency: 10, residue: 5, inUse: 5,
                    utilization: Utilization(5, over: 10), availableAt: available, daysToExpiry: Int64(days),
                    expiryStatus: status, accounts: ref))
            let check: CheckID =
                status == .expired ? .lineExpired : (status == .soon ? .lineExpiresSoon : .lineExpiresUpcoming)
            allFindings.append(
                Finding(
                    checkID: check, severity: check.severity, objectType: .line, objectID: lineID(index),
                    objectName: lineName(index), accounts: ref, message: "expiry", suppressedBy: nil))
        }
        for (offset, entry) in findings.enumerated() {
            allFindings.append(
                Finding(
                    checkID: entry.0, severity: entry.0.severity, objectType: entry.0.objectType,
                    objectID: "object-\(offset)", objectName: "", accounts: refs.isEmpty ? [] : [refs[0]],
                    message: "m", suppressedBy: entry.suppressed ? "acknowledged" : nil))
        }
        return Report(
            asOf: asOf, timeZone: zone, settings: settings, run: RunStatus(interrupted: interrupted),
            accounts: accounts, lines: lines, nodes: [], engines: [], statuses: [],
            coverage: [], findings: allFindings, warnings: [], comparison: comparison)
    }
}

/// Names written to break a chat message: markdown, HTML, mentions, new lines, bidi controls,
/// and sheer size.
let hostileNames: [String] = [
    "正常名称",
    "# 标题\n\n> 引用 **粗体** [链接](http://evil.example/x) ![img](http://evil.example/i.png)",
    "<font color=\"warning\">红</font><at user_id=\"all\">所有人</at>@all",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "`code` ~~strike~~ _em_ \\ & &amp; <script>alert(1)</script>",
    "\u{202E}gnp.exe\u{202C} \u{200B}zero\u{FEFF}width\r\n\t",
    String(repeating: "长", count: 5000),
    String(repeating: "e\u{301}", count: 3000),
    "👨‍👩‍👧‍👦" + String(repeating: "🚀", count: 400),
    "",
]
