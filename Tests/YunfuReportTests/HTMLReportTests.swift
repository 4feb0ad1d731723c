import Foundation
import Testing

@testable import YunfuReport

@Suite("HTML mail body")
struct HTMLReportTests {
    @Test(arguments: ReportLocale.allCases)
    func hostileTextIsEscaped(locale: ReportLocale) {
        let html = HTMLReportWriter.render(
            SummaryReportFixture(hostile: SummaryReportFixture.hostileText, locale: locale).build(), locale: locale)
        #expect(!html.contains("<script"))
        #expect(!html.contains("</script"))
        #expect(html.contains("A|B<br>C<br>D &amp; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;q&quot; *e* _u_ [l](x) `c` &amp;amp; \\"))
        // Nothing of the hostile text outside an escaped form: no raw quote closes an attribute.
        #expect(!html.contains("alert('x')"))
        #expect(!html.contains("\"q\""))
    }

    @Test(arguments: ReportLocale.allCases)
    func isOneSelfContainedPage(locale: ReportLocale) {
        let html = HTMLReportWriter.render(
            SummaryReportFixture(hostile: "https://evil.example/x.png <img src=x>", locale: locale).build(),
            locale: locale)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"\(locale.rawValue)\">\n<head>\n<meta charset=\"utf-8\">\n"))
        #expect(html.hasSuffix("</body>\n</html>\n"))
        // Every `<` in the page is markup (text is escaped): look at the tags alone.
        let tags = html.lowercased().split(separator: "<").dropFirst().map { "<" + ($0.split(separator: ">").first ?? "") }
        #expect(tags.count > 100)
        for forbidden in ["<script", "<style", "<link", "<img", "<iframe", "<object", "<embed", "<base", "<form",
                          " src=", " href=", "url(", "@import", "http:", "https:", "javascript:"] {
            let offending = tags.filter { $0.contains(forbidden) }
            #expect(offending.isEmpty, "\(forbidden): \(offending.prefix(3))")
        }
        // The hostile name is there, as text.
        #expect(html.contains("https://evil.example/x.png &lt;img src=x&gt;"))
        #expect(html.contains("style=\""))
        #expect(html.contains("max-width:960px"))
        #expect(html.contains("overflow-x:auto"))
        #expect(html.contains("overflow-wrap:anywhere"))
    }

    @Test func tagsAreBalanced() {
        let html = HTMLReportWriter.render(
            SummaryReportFixture(hostile: SummaryReportFixture.hostileText, locale: .en).build(), locale: .en)
        for tag in ["html", "head", "body", "div", "table", "thead", "tbody", "tr", "td", "th", "h1", "h2", "h3", "p",
                    "ul", "li", "span", "strong", "title"] {
            let opened = html.components(separatedBy: "<\(tag) ").count - 1 + html.components(separatedBy: "<\(tag)>").count - 1
            let closed = html.components(separatedBy: "</\(tag)>").count - 1
            #expect(opened == closed, "<\(tag)>: \(opened) opened, \(closed) closed")
        }
    }

    @Test func showsTheSameSectionsAsTheMarkdown() throws {
        let html = HTMLReportWriter.render(SummaryReportFixture(locale: .zhCN).build(), locale: .zhCN)
        var position = html.startIndex
        for heading in ["需要处理", "自上次运行以来的变化", "新增的严重/高级别问题", "已解决的问题", "其他变化", "获取失败的账号",
                        "严重和高级别问题", "已屏蔽的问题", "已过期或 7 天内到期的线路", "各节点容量", "引擎清单", "统计"] {
            let found = try #require(html.range(of: ">" + heading + "</h", range: position..<html.endIndex), "\(heading)")
            position = found.upperBound
        }
        // Severity in colour, expiry in colour, suppressed greyed.
        #expect(html.contains("background:#d92d20;color:#fff;\">严重</span>"))
        #expect(html.contains("background:#f79009;color:#fff;\">即将到期</span>"))
        #expect(html.contains("<tr valign=\"top\" style=\"color:#8a8f98;\">"))
    }

    @Test func withoutComparisonShowsOnlyTheWarning() {
        var fixture = SummaryReportFixture(locale: .en)
        fixture.comparison = .none(warning: "previous run <unreadable>")
        let html = HTMLReportWriter.render(fixture.build(), locale: .en)
        #expect(html.contains("Not compared with a previous run: previous run &lt;unreadable&gt;"))
        #expect(!html.contains("Since the previous run</h2>"))
    }

    @Test(arguments: ReportLocale.allCases)
    func sameReportGivesTheSameBytes(locale: ReportLocale) {
        let fixture = SummaryReportFixture(hostile: SummaryReportFixture.hostileText, locale: locale)
        #expect(HTMLReportWriter.render(fixture.build(), locale: locale)
            == HTMLReportWriter.render(fixture.build(), locale: locale))
    }

    @Test func staysUnderTheSizeWebmailCutsAtWithEveryListFull() {
        var report = SummaryReportFixture(locale: .zhCN, extraSoonLines: 60).build()
        let urgent = report.findings.filter { $0.severity <= .high && !$0.suppressed }
        for index in 0..<60 {
            for var finding in urgent {
                finding.objectID += "-\(index)"
                finding.objectName = "一条名称比较长的线路 \(index)"
                finding.message = "Line \(finding.objectID) expires in 3 days: renew it with the carrier before it stops."
                report.findings.append(finding)
                finding.suppressedBy = "已知问题，工单 \(index)"
                report.findings.append(finding)
            }
        }
        let model = SummaryModel(report)
        #expect(model.urgentFindings.items.count == SummaryModel.listLimit)
        #expect(model.suppressedFindings.items.count == SummaryModel.listLimit)
        #expect(model.expiringLines.items.count == SummaryModel.expiringLinesLimit)
        let html = HTMLReportWriter.render(model, locale: .zhCN)
        #expect(html.utf8.count < 100_000, "\(html.utf8.count) bytes")
    }

    @Test func escapesEveryActiveCharacter() {
        #expect(HTMLEscape.text(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(HTMLEscape.text("a\r\nb\nc") == "a<br>b<br>c")
        #expect(HTMLEscape.text("nul\u{0}") == "nul")
    }
}
