import AsyncHTTPClient
import Foundation
import InMemoryLogging
import Logging
import Testing

@testable import YunfuReport

/// The notices against a real loopback webhook.
@Suite("Notify")
struct NotifyTests {
    /// 2026-05-01T00:00:00.123Z: a fixed clock, so signatures can be recomputed.
    static let instant = Date(timeIntervalSince1970: 1_777_593_600.123)
    static let millis: Int64 = 1_777_593_600_123
    static let seconds: Int64 = 1_777_593_600

    // Realistic webhook shapes: the key lives in the path or the query, and must never be logged.
    static let wecomKey = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
    static let dingtalkToken = "d1n6ta1k0acce55t0ken0000000000000000000000000000000000000000ffff"
    static let feishuHook = "5e3d587e-d78e-4a07-bd07-265f269f86fd"
    static let dingtalkSecret = "SECb6a1f0e5b0c1d2e3f4a5b6c7d8e9f00112233445566778899aabbccddeeff0"
    static let feishuSecret = "nIMtb7r3N9pkXyXdtAbx6e"

    static func webhook(_ kind: NotifyKind, port: Int) -> String {
        switch kind {
        case .wecom: "http://127.0.0.1:\(port)/cgi-bin/webhook/send?key=\(wecomKey)"
        case .dingtalk: "http://127.0.0.1:\(port)/robot/send?access_token=\(dingtalkToken)"
        case .feishu: "http://127.0.0.1:\(port)/open-apis/bot/v2/hook/\(feishuHook)"
        }
    }
    static func secret(_ kind: NotifyKind) -> String? {
        switch kind {
        case .wecom: nil
        case .dingtalk: dingtalkSecret
        case .feishu: feishuSecret
        }
    }
    static func target(_ kind: NotifyKind, port: Int, signed: Bool = true) -> NotifyTarget {
        NotifyTarget(
            kind: kind, webhook: Secret(webhook(kind, port: port)),
            secret: signed ? secret(kind).map(Secret.init) : nil, index: 0, line: 30)
    }
    static func notifier(_ logger: Logger, timeout: Duration = .seconds(10)) -> Notifier {
        Notifier(
            httpClient: HTTPClient.shared, logger: logger, now: { NotifyTests.instant }, timeout: timeout,
            retryDelay: .milliseconds(10))
    }
    static let okAnswer: [NotifyKind: String] = [
        .wecom: #"{"errcode":0,"errmsg":"ok"}"#,
        .dingtalk: #"{"errcode":0,"errmsg":"ok"}"#,
        .feishu: #"{"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}"#,
    ]

    /// The message text of a received body, whatever the platform.
    static func text(of json: [String: Any], kind: NotifyKind) -> String? {
        switch kind {
        case .wecom: (json["markdown"] as? [String: Any])?["content"] as? String
        case .dingtalk: (json["markdown"] as? [String: Any])?["text"] as? String
        case .feishu: (json["content"] as? [String: Any])?["text"] as? String
        }
    }

    /// Nothing of the webhook's path or query, nor the secret, in any log line.
    static func expectNoSecrets(_ handler: InMemoryLogHandler, sourceLocation: SourceLocation = #_sourceLocation) {
        let logs = logText(handler)
        for secret in [wecomKey, dingtalkToken, feishuHook, dingtalkSecret, feishuSecret] {
            #expect(!logs.contains(secret), "log carries a secret", sourceLocation: sourceLocation)
        }
        for path in ["/cgi-bin/webhook/send", "/robot/send", "/open-apis/bot", "access_token", "key="] {
            #expect(!logs.contains(path), "log carries the webhook path \(path)", sourceLocation: sourceLocation)
        }
    }

    @Test("企业微信: a markdown message within 4,096 bytes, posted as JSON to the webhook")
    func wecomBody() async throws {
        let recorder = WebhookRecorder(fallback: .init(status: 200, body: Self.okAnswer[.wecom] ?? ""))
        let (logger, handler) = recordingLogger()
        var builder = ReportBuilder()
        builder.okAccounts = 7
        builder.failedAccounts = 2
        builder.expiryDays = [3, -2, 0, 12]
        builder.findings = [
            (.fetchFailed, false), (.fetchFailed, false), (.scriptGroupDebug, false), (.lineSaturated, true),
        ]
        let report = builder.build()
        try await withWebhookServer(recorder) { port in
            await Self.notifier(logger).send(
                report, runDir: "/var/lib/yunfu-report/2026-05-01", targets: [Self.target(.wecom, port: port)])
        }
        let received = await recorder.received
        try #require(received.count == 1)
        let request = received[0]
        #expect(request.path == "/cgi-bin/webhook/send")
        #expect(request.query == "key=\(Self.wecomKey)")
        #expect(request.contentType.hasPrefix("application/json"))
        let json = try #require(request.json)
        #expect(json["msgtype"] as? String == "markdown")
        let content = try #require(Self.text(of: json, kind: .wecom))
        #expect(content.utf8.count <= 4096)
        #expect(content.hasPrefix("## 云蝠线路日报 2026-05-01"))
        #expect(content.contains("成功 7"))
        #expect(content.contains("失败 2"))
        // Findings by severity, unsuppressed only: 2 FETCH_FAILED + 1 expired line = 3 critical.
        #expect(content.contains("严重 3"))
        #expect(content.contains("高 2"))  // two lines expiring within 7 days (3 and 0 days)
        #expect(content.contains("中 1"))  // the line expiring in 12 days; the saturated line is suppressed
        #expect(content.contains("低 1"))
        #expect(content.contains("`/var/lib/yunfu-report/2026-05-01`"))
        #expect(content.contains("无可比较的上次运行"))
        // No table, ever.
        #expect(!content.split(separator: "\n").contains { $0.hasPrefix("|") })
        // Expired and expiring lines, nearest first; the one 12 days away is not listed.
        let items = content.split(separator: "\n").filter { $0.hasPrefix("- ") }
        #expect(items.count == 3)
        // Still to expire first (soonest first), then the expired one.
        #expect(items.last?.contains("line-00001") == true)
        #expect(items.last?.contains("已过期") == true)
        #expect(items.first?.contains("已过期") == false)
        #expect(items.contains { $0.contains("line-00000") })
        #expect(!content.contains("line-00003"))
        #expect(handler.entries.contains { $0.level == .info })
        #expect(!handler.entries.contains { $0.level >= .warning })
        Self.expectNoSecrets(handler)
    }

    @Test("钉钉: markdown with title and text; timestamp and sign in the query, and the sign verifies")
    func dingtalkSigned() async throws {
        let recorder = WebhookRecorder()
        let (logger, handler) = recordingLogger()
        var builder = ReportBuilder()
        builder.expiryDays = [1]
        let report = builder.build()
        try await withWebhookServer(recorder) { port in
            await Self.notifier(logger).send(
                report, runDir: "/var/lib/yunfu-report/2026-05-01",
                targets: [Self.target(.dingtalk, port: port)])
        }
        let received = await recorder.received
        try #require(received.count == 1)
        let request = received[0]
        #expect(request.path == "/robot/send")
        let query = request.queryItems
        #expect(query["access_token"] == Self.dingtalkToken)
        let timestamp = try #require(query["timestamp"])
        #expect(timestamp == String(Self.millis))
        let sign = try #require(query["sign"])
        // Recomputed here from the definition: base64(HMAC-SHA256(secret, "{timestamp}\n{secret}")).
        let expected = Data(
            Digest.hmacSHA256(
                key: Array(Self.dingtalkSecret.utf8), message: Array("\(timestamp)\n\(Self.dingtalkSecret)".utf8))
        ).base64EncodedString()
        #expect(sign == expected)
        // Form-URL-encoded on the wire: no raw base64 `+`, `/` or `=` in the query.
        let rawSign = try #require(request.query.split(separator: "&").first { $0.hasPrefix("sign=") })
        #expect(!rawSign.dropFirst(5).contains { "+/=".contains($0) })
        let json = try #require(request.json)
        #expect(json["msgtype"] as? String == "markdown")
        let markdown = try #require(json["markdown"] as? [String: Any])
        #expect(markdown["title"] as? String == "云蝠线路日报 2026-05-01")
        let text = try #require(markdown["text"] as? String)
        #expect(text.contains("剩 1 天"))
        #expect(text.utf8.count < 20_000)
        Self.expectNoSecrets(handler)
    }

    @Test("钉钉 without a secret: the webhook URL is used as given")
    func dingtalkUnsigned() async throws {
        let recorder = WebhookRecorder()
        let (logger, _) = recordingLogger()
        try await withWebhookServer(recorder) { port in
            await Self.notifier(logger).send(
                ReportBuilder().build(), runDir: "/r", targets: [Self.target(.dingtalk, port: port, signed: false)])
        }
        let received = await recorder.received
        try #require(received.count == 1)
        #expect(received[0].query == "access_token=\(Self.dingtalkToken)")
    }

    @Test("飞书: a text message with timestamp (seconds, a string) and sign in the body, and the sign verifies")
    func feishuSigned() async throws {
        let recorder = WebhookRecorder(fallback: .init(status: 200, body: Self.okAnswer[.feishu] ?? ""))
        let (logger, handler) = recordingLogger()
        var builder = ReportBuilder()
        builder.locale = .en
        builder.interrupted = true
        let report = builder.build()
        try await withWebhookServer(recorder) { port in
            await Self.notifier(logger).send(
                report, runDir: "/var/lib/yunfu-report/2026-05-01", targets: [Self.target(.feishu, port: port)])
        }
        let received = await recorder.received
        try #require(received.count == 1)
        let request = received[0]
        #expect(request.path == "/open-apis/bot/v2/hook/\(Self.feishuHook)")
        #expect(request.query.isEmpty)
        let json = try #require(request.json)
        #expect(json["msg_type"] as? String == "text")
        let timestamp = try #require(json["timestamp"] as? String)
        #expect(timestamp == String(Self.seconds))
        let sign = try #require(json["sign"] as? String)
        // 飞书: the string to sign is the HMAC key, and the message is empty.
        let expected = Data(Digest.hmacSHA256(key: Array("\(timestamp)\n\(Self.feishuSecret)".utf8), message: []))
            .base64EncodedString()
        #expect(sign == expected)
        let text = try #require(Self.text(of: json, kind: .feishu))
        #expect(text.hasPrefix("Yunfu line report 2026-05-01"))
        #expect(text.contains("The run was interrupted"))
        #expect(request.body.count < 20_000)
        #expect(handler.entries.contains { $0.level == .info })
        Self.expectNoSecrets(handler)
    }

    @Test("飞书 without a secret: no timestamp, no sign")
    func feishuUnsigned() async throws {
        let recorder = WebhookRecorder(fallback: .init(status: 200, body: #"{"code":0,"msg":"success"}"#))
        let (logger, _) = recordingLogger()
        try await withWebhookServer(recorder) { port in
            await Self.notifier(logger).send(
                ReportBuilder().build(), runDir: "/r", targets: [Self.target(.feishu, port: port, signed: false)])
        }
        let received = await recorder.received
        try #require(received.count == 1)
        let json = try #require(received[0].json)
        #expect(json["timestamp"] == nil)
        #expect(json["sign"] == nil)
    }

    @Test(
        "5,000 accounts and lines with hostile names stay under the platform's limit",
        arguments: NotifyKind.allCases)
    func largeHostileReport(kind: NotifyKind) async throws {
        let recorder = WebhookRecorder(fallback: .init(status: 200, body: Self.okAnswer[kind] ?? ""))
        let (logger, handler) = recordingLogger()
        var builder = ReportBuilder()
        builder.okAccounts = 4_990
        builder.failedAccounts = 10
        builder.expiryDays = (0..<5_000).map { ($0 % 14) - 7 }
        builder.lineName = { hostileNames[$0 % hostileNames.count] }
        builder.accountLabel = { hostileNames[$0 % hostileNames.count] }
        let hostileDir = "/var/lib/yunfu-report/`x`\n# <at user_id=\"all\">/" + String(repeating: "目", count: 2000)
        let report = builder.build()
        try await withWebhookServer(recorder) { port in
            await Self.notifier(logger).send(report, runDir: hostileDir, targets: [Self.target(kind, port: port)])
        }
        let received = await recorder.received
        try #require(received.count == 1)
        let request = received[0]
        let json = try #require(request.json, "the body is JSON")
        let text = try #require(Self.text(of: json, kind: kind))
        switch kind {
        case .wecom: #expect(text.utf8.count <= 4096)
        case .dingtalk, .feishu: #expect(request.body.count <= 20_000)
        }
        // Every line of the message is one the notice wrote, never one a name started.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let allowedStarts =
            kind == .feishu
            ? ["Yunfu", "云蝠", "⚠", "账号", "待处理", "已过期", "- ", "较上次", "运行目录"]
            : ["## ", "### ", "> ", "**", "- "]
        for line in lines {
            #expect(allowedStarts.contains { line.hasPrefix($0) }, "unexpected line: \(line.prefix(80))")
        }
        // Nothing active survives from the names.
        #expect(!text.contains("<at"))
        #expect(!text.contains("<script"))
        #expect(!text.contains("\u{202E}"))
        #expect(!text.contains("\r"))
        if kind != .feishu {
            #expect(!text.contains("](http"))
            #expect(
                text.components(separatedBy: "<font").count - 1 == text.components(separatedBy: "</font>").count - 1)
        }
        // As many lines as fit, then the count of the rest, adding up to all the expired and soon-expiring lines.
        let listed = lines.filter { $0.hasPrefix("- ") }
        let more = try #require(listed.last)
        let digits = more.filter(\.isNumber)
        let rest = try #require(Int(String(digits)))
        let expiring = builder.expiryDays.filter { $0 < 7 }.count
        #expect(listed.count - 1 + rest == expiring)
        #expect(listed.count > 5, "some lines are listed before the count")
        #expect(handler.entries.contains { $0.level == .info })
        Self.expectNoSecrets(handler)
    }

    @Test(
        "a webhook answering 500 is tried exactly twice, then logged at error; send returns",
        arguments: NotifyKind.allCases)
    func serverErrorRetriedOnce(kind: NotifyKind) async throws {
        let recorder = WebhookRecorder(fallback: .init(status: 500, body: "oops"))
        let (logger, handler) = recordingLogger()
        try await withWebhookServer(recorder) { port in
            await Self.notifier(logger).send(
                ReportBuilder().build(), runDir: "/r", targets: [Self.target(kind, port: port)])
        }
        #expect(await recorder.received.count == 2)
        let errors = handler.entries.filter { $0.level == .error }
        try #require(errors.count == 1)
        let message = "\(errors[0].message)"
        #expect(message.contains(kind.rawValue))
        #expect(message.contains("127.0.0.1"))
        #expect(message.contains("HTTP 500"))
        Self.expectNoSecrets(handler)
    }

    @Test("an errcode other than 0 is retried once", arguments: [NotifyKind.wecom, .dingtalk])
    func errcodeRetried(kind: NotifyKind) async throws {
        let recorder = WebhookRecorder(plan: [
            .init(status: 200, body: #"{"errcode":45009,"errmsg":"api freq out of limit"}"#)
        ])
        let (logger, handler) = recordingLogger()
        try await withWebhookServer(recorder) { port in
            await Self.notifier(logger).send(
                ReportBuilder().build(), runDir: "/r", targets: [Self.target(kind, port: port)])
        }
        #expect(await recorder.received.count == 2)
        let warnings = handler.entries.filter { $0.level == .warning }.map { "\($0.message)" }
        #expect(warnings.contains { $0.contains("errcode 45009") })
        #expect(!handler.entries.contains { $0.level == .error })
        #expect(handler.entries.contains { $0.level == .info })
    }

    @Test("飞书's code other than 0, twice, is logged at error after two attempts")
    func feishuCodeFails() async throws {
        let recorder = WebhookRecorder(
            fallback: .init(
                status: 200,
                body:
                    #"{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}"#
            ))
        let (logger, handler) = recordingLogger()
        try await withWebhookServer(recorder) { port in
            await Self.notifier(logger).send(
                ReportBuilder().build(), runDir: "/r", targets: [Self.target(.feishu, port: port)])
        }
        #expect(await recorder.received.count == 2)
        let errors = handler.entries.filter { $0.level == .error }
        try #require(errors.count == 1)
        let firstError = "\(errors[0].message)"
        #expect(firstError.contains("code 19021"))
        Self.expectNoSecrets(handler)
    }

    @Test("a webhook that does not answer in time is tried twice, then given up")
    func timeoutRetriedOnce() async throws {
        let recorder = WebhookRecorder(fallback: .init(status: 200, body: #"{"errcode":0}"#, delay: .seconds(3)))
        let (logger, handler) = recordingLogger()
        let clock = ContinuousClock()
        let start = clock.now
        try await withWebhookServer(recorder) { port in
            await Self.notifier(logger, timeout: .milliseconds(300)).send(
                ReportBuilder().build(), runDir: "/r", targets: [Self.target(.wecom, port: port)])
        }
        #expect(await recorder.received.count == 2)
        let errors = handler.entries.filter { $0.level == .error }
        try #require(errors.count == 1)
        let firstError = "\(errors[0].message)"
        #expect(firstError.contains("timed out"))
        #expect(clock.now - start < .seconds(15))
        Self.expectNoSecrets(handler)
    }

    @Test("a refused connection is logged at error; send returns")
    func refusedConnection() async throws {
        // A port that was just listening and no longer is.
        let port = try await withWebhookServer(WebhookRecorder()) { port in port }
        let (logger, handler) = recordingLogger()
        await Self.notifier(logger, timeout: .seconds(2)).send(
            ReportBuilder().build(), runDir: "/r", targets: [Self.target(.dingtalk, port: port)])
        let errors = handler.entries.filter { $0.level == .error }
        try #require(errors.count == 1)
        let message = "\(errors[0].message)"
        #expect(message.contains("dingtalk"))
        #expect(message.contains("connection refused") || message.contains("timed out") || message.contains("connect"))
        #expect(handler.entries.filter { $0.level == .warning }.count == 1)
        Self.expectNoSecrets(handler)
    }

    @Test("every target gets its own notice; one failing does not stop the others")
    func severalTargets() async throws {
        let good = WebhookRecorder()
        let bad = WebhookRecorder(fallback: .init(status: 503, body: ""))
        let (logger, handler) = recordingLogger()
        try await withWebhookServer(good) { goodPort in
            try await withWebhookServer(bad) { badPort in
                await Self.notifier(logger).send(
                    ReportBuilder().build(), runDir: "/r",
                    targets: [
                        Self.target(.feishu, port: badPort), Self.target(.wecom, port: goodPort),
                        Self.target(.dingtalk, port: goodPort),
                    ])
            }
        }
        #expect(await bad.received.count == 2)
        #expect(await good.received.count == 2)
        #expect(handler.entries.filter { $0.level == .error }.count == 1)
        Self.expectNoSecrets(handler)
    }

    @Test("a webhook that is not an http(s) URL is logged, not sent, and not echoed")
    func invalidWebhook() async {
        let (logger, handler) = recordingLogger()
        let target = NotifyTarget(
            kind: .wecom, webhook: Secret("ftp:/\(Self.wecomKey)"), secret: nil, index: 1, line: 40)
        await Self.notifier(logger).send(ReportBuilder().build(), runDir: "/r", targets: [target])
        let errors = handler.entries.filter { $0.level == .error }
        #expect(errors.count == 1)
        let message = errors.first.map { "\($0.message)" } ?? ""
        #expect(message.contains("line 40"))
        Self.expectNoSecrets(handler)
    }

    @Test("no targets: nothing is sent and nothing is logged")
    func noTargets() async {
        let (logger, handler) = recordingLogger()
        await Self.notifier(logger).send(ReportBuilder().build(), runDir: "/r", targets: [])
        #expect(handler.entries.isEmpty)
    }
}
