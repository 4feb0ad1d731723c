import Foundation
import Testing

@testable import YunfuReport

/// The parts of a notice that need no network: signatures, escaping, cutting by bytes, the summary.
@Suite("NotifyFormat")
struct NotifyFormatTests {
    // Vectors computed independently (Python's hmac, hashlib, base64, urllib.parse.quote_plus).
    @Test("钉钉 sign: base64(HMAC-SHA256(secret, \"{timestamp}\\n{secret}\")), form-URL-encoded")
    func dingtalkVector() {
        let sign = WebhookSigning.dingtalk(secret: "SECb6a1f0e5b0c1d2e3f4", timestampMillis: 1_700_000_000_000)
        #expect(sign == "LjYyO+8sjCM/166cztx4TQSoqHAtSFrAsdHWqR4DiyI=")
        #expect(WebhookSigning.formURLEncode(sign) == "LjYyO%2B8sjCM%2F166cztx4TQSoqHAtSFrAsdHWqR4DiyI%3D")
        #expect(
            WebhookSigning.dingtalk(secret: "密钥é", timestampMillis: 1_700_000_000_000)
                == "ZBHQ8vrDOWdT7m/VRGWgV1YEStDSfhw3obWOlzpfsBw=")
    }

    @Test("飞书 sign: base64(HMAC-SHA256(key: \"{timestamp}\\n{secret}\", message: empty))")
    func feishuVector() {
        #expect(
            WebhookSigning.feishu(secret: "nIMtb7r3N9pkXyXdtAbx6e", timestampSeconds: 1_700_000_000)
                == "FqUQTprkgbuS88NMtixNVpPfOK0JXs6cAMJIfEuF5sk=")
    }

    @Test(
        "timestamp and sign are appended to the webhook's query",
        arguments: [
            (
                "https://oapi.dingtalk.com/robot/send?access_token=abc",
                "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1&sign=a%2Bb"
            ),
            ("https://h/robot/send", "https://h/robot/send?timestamp=1&sign=a%2Bb"),
            ("https://h/robot/send?", "https://h/robot/send?timestamp=1&sign=a%2Bb"),
            ("https://h/robot/send?x=1&", "https://h/robot/send?x=1&timestamp=1&sign=a%2Bb"),
            ("https://h/robot/send?x=1#frag", "https://h/robot/send?x=1&timestamp=1&sign=a%2Bb#frag"),
        ])
    func appendingQuery(url: String, expected: String) {
        #expect(WebhookSigning.appendingQuery(url, [("timestamp", "1"), ("sign", "a+b")]) == expected)
    }

    @Test("cutting by bytes never splits a UTF-8 sequence")
    func prefixUTF8() {
        let text = "a云😀é"  // 1 + 3 + 4 + 2 bytes
        #expect(NoticeText.prefixUTF8(text, maxBytes: 0) == "")
        #expect(NoticeText.prefixUTF8(text, maxBytes: 1) == "a")
        #expect(NoticeText.prefixUTF8(text, maxBytes: 3) == "a")
        #expect(NoticeText.prefixUTF8(text, maxBytes: 4) == "a云")
        #expect(NoticeText.prefixUTF8(text, maxBytes: 7) == "a云")
        #expect(NoticeText.prefixUTF8(text, maxBytes: 8) == "a云😀")
        #expect(NoticeText.prefixUTF8(text, maxBytes: 10) == text)
        for limit in 0...12 {
            #expect(NoticeText.prefixUTF8(text, maxBytes: limit).utf8.count <= limit)
        }
        #expect(NoticeText.clip(String(repeating: "长", count: 100), maxBytes: 10) == "长长…")
        #expect(NoticeText.clip("short", maxBytes: 10) == "short")
    }

    @Test(
        "hostile text becomes one inert line",
        arguments: [
            ("a\nb\r\nc\td", "a b c d"),
            ("  lead  and   trail  ", "lead and trail"),
            ("\u{202E}evil\u{202C}\u{200B}x\u{FEFF}", "evil x"),
            ("# h", "＃ h"),
            ("**b** _i_ [l](u) ![i](u)", "＊＊b＊＊ ＿i＿ ［l］（u） ！［i］（u）"),
            ("<font color=\"info\">x</font>", "＜font color＝\"info\"＞x＜/font＞"),
            ("| a | b |", "｜ a ｜ b ｜"),
            ("@all `c` ~s~ \\", "＠all ｀c｀ ～s～ ＼"),
        ])
    func markdownInline(input: String, expected: String) {
        #expect(NoticeText.markdownInline(input) == expected)
    }

    @Test("飞书 text keeps markdown characters but no tag")
    func feishuText() {
        #expect(
            NoticeText.feishuText("<at user_id=\"all\">所有人</at> **x**\n#y") == "＜at user_id=\"all\"＞所有人＜/at＞ **x** #y")
    }

    @Test("the expiring lines: expired and soon only, nearest first, acknowledged ones left out")
    func summaryExpiring() {
        var builder = ReportBuilder()
        builder.expiryDays = [5, -3, 20, 0, -1]
        var report = builder.build()
        // Acknowledge the line expired 1 day ago.
        for index in report.findings.indices where report.findings[index].objectID == builder.lineID(4) {
            report.findings[index].suppressedBy = "退订"
        }
        let summary = NoticeSummary(report: report, runDir: "/r")
        // Still to expire first (soonest first: day 0, then day 5), then the expired one.
        #expect(summary.expiring.map(\.lineID) == [builder.lineID(3), builder.lineID(0), builder.lineID(1)])
        #expect(summary.expiring.map(\.expired) == [false, false, true])
        #expect(summary.expiring.last?.day == "2026-04-28")
        // 1 critical left (the other expired line is suppressed), 2 high, 1 medium.
        #expect(summary.findings.map(\.count) == [1, 2, 1, 0, 0])
    }

    @Test("the notice's words are every other output's: 账号 (never 账户), the severities of Labels")
    func wordsComeFromLabels() {
        let summary = NoticeSummary(report: ReportBuilder().build(), runDir: "/r")
        let text = NoticeMessage.text(summary, style: NoticeStyle(kind: .wecom), budget: 4096)
        #expect(text.contains(Labels(locale: .zhCN).sheets.accounts))
        #expect(text.contains("账号") && !text.contains("账户"))
        #expect(NoticeWords(locale: .en).severity(.critical) == Labels(locale: .en).severity(.critical))
    }

    @Test("the changes since the previous run are counted by kind, in the contract's order")
    func summaryChanges() {
        var builder = ReportBuilder()
        func row(_ kind: ChangeKind) -> ChangeRow {
            ChangeRow(
                change: kind, checkID: "", severity: "", objectType: "", objectID: "", objectName: "", accounts: "",
                before: "", after: "")
        }
        builder.comparison = .compared(
            PreviousRun(runDir: "/r/2026-04-30", asOf: "2026-04-30T00:00:00+08:00", complete: true),
            changes: [row(.lineNew), row(.findingNew), row(.lineNew), row(.findingResolved)])
        let summary = NoticeSummary(report: builder.build(), runDir: "/r")
        #expect(
            summary.changes
                == .compared(
                    previousAsOf: "2026-04-30T00:00:00+08:00",
                    counts: [(.findingNew, 1), (.findingResolved, 1), (.lineNew, 2)]))
        let text = NoticeMessage.text(summary, style: NoticeStyle(kind: .wecom), budget: 4096)
        #expect(text.contains("新发现 1 · 已解决 1 · 新线路 2"))

        builder.comparison = .compared(
            PreviousRun(runDir: "/r/2026-04-30", asOf: "2026-04-30", complete: true), changes: [])
        let unchanged = NoticeMessage.text(
            NoticeSummary(report: builder.build(), runDir: "/r"), style: NoticeStyle(kind: .feishu), budget: 20_000)
        #expect(unchanged.contains("较上次运行（2026-04-30）：无变化"))

        builder.comparison = .none(warning: "2026-04-29: manifest.json unreadable")
        let unusable = NoticeMessage.text(
            NoticeSummary(report: builder.build(), runDir: "/r"), style: NoticeStyle(kind: .dingtalk), budget: 20_000)
        #expect(unusable.contains("上次运行无法读取"))
    }

    @Test("every line fits when there is room; the count appears only when some are left out")
    func allOrSome() {
        var builder = ReportBuilder()
        builder.expiryDays = [1, 2, 3]
        let summary = NoticeSummary(report: builder.build(), runDir: "/r")
        let full = NoticeMessage.text(summary, style: NoticeStyle(kind: .wecom), budget: 4096)
        #expect(full.split(separator: "\n").filter { $0.hasPrefix("- ") }.count == 3)
        #expect(!full.contains("另有"))
        // Just enough room for the fixed parts, one line and the count.
        let fixed = NoticeMessage.text(summary, style: NoticeStyle(kind: .wecom), budget: 0)
        #expect(fixed.isEmpty)
        var budget = 1
        var text = ""
        repeat {
            text = NoticeMessage.text(summary, style: NoticeStyle(kind: .wecom), budget: budget)
            #expect(text.utf8.count <= budget)
            budget += 1
        } while !text.contains("- 2026") && budget < 4096
        #expect(text.contains("… 另有 2 条"))
    }

    @Test(
        "a 2xx answer's errcode / code decides",
        arguments: [
            (NotifyKind.wecom, #"{"errcode":0,"errmsg":"ok"}"#, true),
            (.wecom, #"{"errcode":93000,"errmsg":"invalid webhook url"}"#, false),
            (.dingtalk, #"{"errcode":310000,"errmsg":"sign not match"}"#, false),
            (.dingtalk, "", true),
            (.dingtalk, "not json", true),
            (.feishu, #"{"code":0,"msg":"success","data":{}}"#, true),
            (.feishu, #"{"StatusCode":0,"StatusMessage":"success"}"#, true),
            (.feishu, #"{"code":19021,"msg":"sign match fail"}"#, false),
        ])
    func answerCodes(kind: NotifyKind, answer: String, sent: Bool) {
        #expect((Notifier.check(answer: Array(answer.utf8), kind: kind) == .sent) == sent)
    }

    @Test("the host is the one part of a webhook that may be logged")
    func hostAndRedaction() {
        #expect(Notifier.host(of: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc") == "qyapi.weixin.qq.com")
        #expect(Notifier.host(of: "ftp://x/y") == nil)
        #expect(Notifier.host(of: "not a url") == nil)
        let parts = Notifier.sensitiveParts(
            webhook: "https://open.feishu.cn/open-apis/bot/v2/hook/5e3d587e-d78e", secret: "s3cr3t-value")
        let redacted = Notifier.redact("failed at /open-apis/bot/v2/hook/5e3d587e-d78e with s3cr3t-value", parts)
        #expect(!redacted.contains("5e3d587e"))
        #expect(!redacted.contains("s3cr3t"))
    }
}
