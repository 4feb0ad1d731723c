import Foundation

/// Making untrusted text (account labels, line names and ids from the platform, paths) safe to put
/// into a chat message: nothing in it may start a new line, a heading, a link, a mention, an HTML
/// tag or a table, and nothing may make the message outgrow its platform's limit.
enum NoticeText {
    /// The longest prefix of `text` that is at most `maxBytes` bytes of UTF-8, cut between Unicode
    /// scalars (so the result is always valid UTF-8).
    static func prefixUTF8(_ text: String, maxBytes: Int) -> String {
        guard maxBytes > 0 else { return "" }
        guard text.utf8.count > maxBytes else { return text }
        var out = String.UnicodeScalarView()
        var used = 0
        for scalar in text.unicodeScalars {
            let size = UTF8.width(scalar)
            if used + size > maxBytes { break }
            out.append(scalar)
            used += size
        }
        return String(out)
    }

    /// `text` cut to at most `maxBytes` bytes, ending in "…" when something was cut.
    static func clip(_ text: String, maxBytes: Int) -> String {
        guard text.utf8.count > maxBytes else { return text }
        let ellipsis = "…"
        let room = maxBytes - ellipsis.utf8.count
        guard room > 0 else { return prefixUTF8(text, maxBytes: maxBytes) }
        return prefixUTF8(text, maxBytes: room) + ellipsis
    }

    /// Scalars that break a line, reorder the text around them or hide themselves.
    static func isInvisibleOrBreaking(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true  // C0 (\n, \r, \t…), DEL, C1 (incl. U+0085 NEL)
        case 0x2028, 0x2029: true  // line and paragraph separators
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x206F: true  // zero-width, bidi controls
        case 0xFEFF, 0xFFF9...0xFFFB: true  // BOM, interlinear annotation
        default: false
        }
    }

    /// One line of plain text: breaking and invisible scalars become spaces, runs of white space
    /// become one space, and the ends are trimmed.
    static func singleLine(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if isInvisibleOrBreaking(scalar) || scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(" ")
                pendingSpace = false
            }
            out.append(scalar)
        }
        return String(out)
    }

    /// For 企业微信 and 钉钉 markdown: one line, with every character that markdown or the
    /// platforms' HTML subset would act on replaced by its full-width twin (backslash escapes are
    /// not honoured by either renderer, so they cannot be relied on).
    static func markdownInline(_ text: String) -> String {
        replacing(singleLine(text), markdownActive)
    }

    /// For 飞书 text messages: one line, with no `<…>` tag (`<at user_id="all">` would mention
    /// everyone).
    static func feishuText(_ text: String) -> String {
        replacing(singleLine(text), feishuActive)
    }

    /// For a markdown code span: one line, with no backquote to close the span early and no `<`.
    static func markdownCode(_ text: String) -> String {
        replacing(singleLine(text), ["`": "'", "<": "＜", ">": "＞"])
    }

    static let markdownActive: [Unicode.Scalar: String] = [
        "\\": "＼", "*": "＊", "_": "＿", "[": "［", "]": "］", "(": "（", ")": "）", "#": "＃",
        ">": "＞", "<": "＜", "`": "｀", "|": "｜", "~": "～", "@": "＠", "&": "＆", "!": "！",
        "$": "＄", "{": "｛", "}": "｝", "=": "＝",
    ]
    static let feishuActive: [Unicode.Scalar: String] = ["<": "＜", ">": "＞"]

    private static func replacing(_ text: String, _ table: [Unicode.Scalar: String]) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if let replacement = table[scalar] {
                out.append(contentsOf: replacement.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
