import Foundation

/// One platform's way of writing a notice: its markup, its escaping and its size limits.
struct NoticeStyle: Sendable {
    var kind: NotifyKind

    /// The most bytes of message text (企业微信: the markdown `content`, 4,096 bytes).
    var contentLimit: Int {
        switch kind {
        case .wecom: 4096
        case .dingtalk, .feishu: 20_000
        }
    }
    /// The most bytes of the whole JSON body (钉钉 and 飞书 take about 20 KB; kept under 20,000).
    var bodyLimit: Int {
        switch kind {
        case .wecom: 4096 + 1024
        case .dingtalk, .feishu: 20_000
        }
    }

    func heading(_ text: String) -> String {
        switch kind {
        case .wecom: "## " + text
        case .dingtalk: "### " + text
        case .feishu: text
        }
    }
    func label(_ text: String) -> String {
        switch kind {
        case .wecom, .dingtalk: "**" + text + "**"
        case .feishu: text
        }
    }
    /// A labelled value: `**label** value` in markdown, `label：value` in plain text.
    func field(_ label: String, _ value: String, colon: String) -> String {
        switch kind {
        case .wecom, .dingtalk: "**" + label + "** " + value
        case .feishu: label + colon + value
        }
    }
    /// Something that needs attention.
    func warn(_ text: String) -> String {
        switch kind {
        case .wecom: "<font color=\"warning\">" + text + "</font>"
        case .dingtalk: "**" + text + "**"
        case .feishu: text
        }
    }
    func banner(_ text: String) -> String {
        switch kind {
        case .wecom: "> " + warn(text)
        case .dingtalk: "> **" + text + "**"
        case .feishu: "⚠ " + text
        }
    }
    /// Untrusted text (a name, an id) made inert, at most `maxBytes` bytes before escaping.
    func inline(_ text: String, maxBytes: Int) -> String {
        let clipped = NoticeText.clip(NoticeText.singleLine(text), maxBytes: maxBytes)
        switch kind {
        case .wecom, .dingtalk: return NoticeText.markdownInline(clipped)
        case .feishu: return NoticeText.feishuText(clipped)
        }
    }
    /// A path, shown so that it can be copied.
    func path(_ text: String, maxBytes: Int) -> String {
        let clipped = NoticeText.clip(NoticeText.singleLine(text), maxBytes: maxBytes)
        switch kind {
        case .wecom, .dingtalk: return "`" + NoticeText.markdownCode(clipped) + "`"
        case .feishu: return NoticeText.feishuText(clipped)
        }
    }
    /// Between blocks: 钉钉's markdown joins single newlines into one paragraph.
    var blockSeparator: String { kind == .dingtalk ? "\n\n" : "\n" }
    func item(_ text: String) -> String { "- " + text }
}

/// A notice rendered for one platform.
enum NoticeMessage {
    static let nameBytes = 80
    static let idBytes = 64
    static let pathBytes = 512

    /// The message text for `style`, at most `budget` bytes: every fixed part, then as many of the
    /// expiring lines as fit, then "… and N more".
    static func text(_ summary: NoticeSummary, style: NoticeStyle, budget: Int) -> String {
        let words = NoticeWords(locale: summary.locale)
        let head = head(summary, style: style, words: words)
        let tail = tail(summary, style: style, words: words)
        let items = expiringItems(summary, style: style, words: words)
        let block = style.blockSeparator
        let list = fittingList(
            items, fixedBytes: (head + tail).joined(separator: block).utf8.count, style: style, words: words,
            budget: budget)
        var blocks = head
        if !list.isEmpty { blocks.append(list.joined(separator: "\n")) }
        blocks.append(contentsOf: tail)
        // The fixed parts are bounded, but a last cut keeps the promise whatever they hold.
        return NoticeText.prefixUTF8(blocks.joined(separator: block), maxBytes: budget)
    }

    /// The title, the accounts, the findings, the change since the previous night and the heading
    /// of the expiring lines.
    private static func head(_ summary: NoticeSummary, style: NoticeStyle, words: NoticeWords) -> [String] {
        let sep = words.separator
        var head: [String] = [style.heading(words.title(summary.asOfDay))]
        if let unreachable = summary.unreachable {
            head.append(style.banner(words.unreachable(style.inline(unreachable, maxBytes: pathBytes))))
        }
        if summary.interrupted { head.append(style.banner(words.interrupted)) }

        let counts = words.accountCounts(ok: summary.accountsOK, failed: summary.accountsFailed)
        let failed = summary.accountsFailed > 0 ? style.warn(counts.failed) : counts.failed
        head.append(style.field(words.accounts, counts.ok + sep + failed, colon: words.colon))

        let severities = summary.findings.map { entry in
            let text = words.severity(entry.severity) + " " + String(entry.count)
            return entry.count > 0 && entry.severity <= .high ? style.warn(text) : text
        }
        head.append(style.field(words.findings, severities.joined(separator: sep), colon: words.colon))
        if let delta = summary.delta {
            head.append(
                style.field(
                    words.sincePrevious(summary.deltaSince),
                    words.deltaParts(delta, soonDays: summary.expirySoonDays).joined(separator: sep), colon: words.colon))
        }
        if !summary.expiring.isEmpty {
            head.append(
                style.label(words.expiringHeading(soonDays: summary.expirySoonDays, count: summary.expiring.count)))
        }
        return head
    }

    /// The changes since the previous run and the run directory.
    private static func tail(_ summary: NoticeSummary, style: NoticeStyle, words: NoticeWords) -> [String] {
        var tail: [String] = []
        switch summary.changes {
        case .none(let unusable):
            tail.append(
                style.field(words.changes, unusable ? words.unusablePrevious : words.noPrevious, colon: words.colon))
        case .compared(let previousAsOf, let counts):
            let previous = words.previous(style.inline(Self.day(previousAsOf), maxBytes: 40))
            let listed =
                counts.isEmpty
                ? words.noChanges
                : counts.map { words.change($0.kind) + " " + String($0.count) }.joined(separator: words.separator)
            tail.append(style.field(words.changes + previous, listed, colon: words.colon))
        }
        tail.append(style.field(words.runDir, style.path(summary.runDir, maxBytes: pathBytes), colon: words.colon))
        return tail
    }

    /// One item per expiring line: its day, how it stands, its name and id.
    private static func expiringItems(_ summary: NoticeSummary, style: NoticeStyle, words: NoticeWords) -> [String] {
        let sep = words.separator
        return summary.expiring.map { line -> String in
            var text = line.day + " " + words.expiry(line)
            let name = style.inline(line.name, maxBytes: nameBytes)
            let id = style.inline(line.lineID, maxBytes: idBytes)
            if name.isEmpty {
                text += sep + id
            } else if id.isEmpty || ScalarOrder.equal(name, id) {
                text += sep + name
            } else {
                text += sep + name + " " + (summary.locale == .zhCN ? "（" + id + "）" : "(" + id + ")")
            }
            return style.item(text)
        }
    }

    /// As many of `items` as fit in `budget` beside the fixed parts, then "… and N more".
    private static func fittingList(
        _ items: [String], fixedBytes: Int, style: NoticeStyle, words: NoticeWords, budget: Int
    ) -> [String] {
        // The list sits between the head and the tail: one more block separator.
        let listOverhead = style.blockSeparator.utf8.count
        var shown = 0
        var listBytes = 0
        func fits(_ count: Int, _ bytes: Int) -> Bool {
            let remaining = items.count - count
            var total = fixedBytes + bytes
            if count > 0 || remaining > 0 { total += listOverhead }
            if remaining > 0 {
                total += (count > 0 ? 1 : 0) + style.item(words.andMore(remaining)).utf8.count
            }
            return total <= budget
        }
        while shown < items.count {
            let next = listBytes + (shown > 0 ? 1 : 0) + items[shown].utf8.count
            guard fits(shown + 1, next) else { break }
            shown += 1
            listBytes = next
        }
        var list = Array(items.prefix(shown))
        if shown < items.count { list.append(style.item(words.andMore(items.count - shown))) }
        return list
    }

    /// The day of a manifest's `as_of` (`2026-04-30T02:30:00+08:00` → `2026-04-30`); other text as is.
    static func day(_ asOf: String) -> String {
        let scalars = Array(asOf.unicodeScalars)
        guard scalars.count > 10, scalars[10] == "T" else { return asOf }
        let isDate = scalars.prefix(10).enumerated().allSatisfy { index, scalar in
            index == 4 || index == 7 ? scalar == "-" : ("0"..."9").contains(scalar)
        }
        return isDate ? String(String.UnicodeScalarView(scalars.prefix(10))) : asOf
    }

    /// The JSON body for `kind`, signed when a secret is given. 钉钉's signature goes into the URL
    /// instead: see `url`.
    static func body(
        _ summary: NoticeSummary, kind: NotifyKind, secret: String?, now: Date
    ) -> [UInt8] {
        let style = NoticeStyle(kind: kind)
        var budget = style.contentLimit
        var body: [UInt8] = []
        // Escaping in JSON (quotes, backslashes) can make the body outgrow the text: shrink the
        // text's budget by the excess until the body fits.
        for _ in 0..<8 {
            let text = Self.text(summary, style: style, budget: budget)
            body = encode(kind: kind, text: text, summary: summary, secret: secret, now: now)
            let excess = body.count - style.bodyLimit
            if excess <= 0 { break }
            budget = max(0, budget - excess)
        }
        return body
    }

    /// The URL to post to: the webhook itself, or for signed 钉钉 webhooks the webhook with
    /// `timestamp` and `sign` in its query.
    static func url(webhook: String, kind: NotifyKind, secret: String?, now: Date) -> String {
        guard kind == .dingtalk, let secret else { return webhook }
        let millis = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        let sign = WebhookSigning.dingtalk(secret: secret, timestampMillis: millis)
        return WebhookSigning.appendingQuery(webhook, [("timestamp", String(millis)), ("sign", sign)])
    }

    private struct WeComBody: Encodable {
        struct Markdown: Encodable { var content: String }
        var msgtype = "markdown"
        var markdown: Markdown
    }
    private struct DingTalkBody: Encodable {
        struct Markdown: Encodable {
            var title: String
            var text: String
        }
        var msgtype = "markdown"
        var markdown: Markdown
    }
    private struct FeishuBody: Encodable {
        struct Content: Encodable { var text: String }
        var msgType = "text"
        var content: Content
        var timestamp: String?
        var sign: String?

        enum CodingKeys: String, CodingKey {
            case msgType = "msg_type"
            case content, timestamp, sign
        }
    }

    private static func encode(
        kind: NotifyKind, text: String, summary: NoticeSummary, secret: String?, now: Date
    ) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data?
        switch kind {
        case .wecom:
            data = try? encoder.encode(WeComBody(markdown: .init(content: text)))
        case .dingtalk:
            let title = NoticeWords(locale: summary.locale).title(summary.asOfDay)
            data = try? encoder.encode(DingTalkBody(markdown: .init(title: title, text: text)))
        case .feishu:
            var body = FeishuBody(content: .init(text: text))
            if let secret {
                let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
                body.timestamp = String(seconds)
                body.sign = WebhookSigning.feishu(secret: secret, timestampSeconds: seconds)
            }
            data = try? encoder.encode(body)
        }
        // Encoding strings cannot fail; an empty body is refused by the platform and logged.
        return data.map { Array($0) } ?? []
    }
}
