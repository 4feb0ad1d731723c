import Foundation
import Testing

@testable import YunfuReport

// MARK: - Fixture

/// Builds `Report` values by hand for the Markdown and HTML writers: a realistic night (four
/// accounts, one failed; lines expired, expiring, fine and unknown; suppressions; a comparison).
struct SummaryReportFixture {
    /// Put into every name, label, message and error when set.
    var hostile: String?
    var locale: ReportLocale = .zhCN
    var comparison: Comparison?
    /// Extra lines expiring soon, to test the top-20 cut.
    var extraSoonLines = 0

    static let hostileText = "A|B\nC\r\nD & <script>alert('x')</script> \"q\" *e* _u_ [l](x) `c` &amp; \\"

    /// 2026-11-25 00:00:00 in Asia/Shanghai.
    static let asOf = Date(timeIntervalSince1970: 1_795_536_000)
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt

    func name(_ plain: String) -> String {
        guard let hostile else { return plain }
        return plain + " " + hostile
    }

    func build() -> Report {
        var settings = ReportSettings(outputRoot: URL(fileURLWithPath: "/var/lib/yunfu-report"))
        settings.locale = locale
        settings.timeZone = Self.zone

        let east = AccountRef(id: AccountID(userID: "u-1001"), label: name("华东销售"), order: 0)
        let eastSub = AccountRef(
            id: AccountID(userID: "u-1001", subUserID: "s-7"), label: name("华东销售"), order: 1)
        let south = AccountRef(id: AccountID(userID: "u-2002"), label: name("华南客服"), order: 2)
        let north = AccountRef(id: AccountID(userID: "u-3003"), label: "", order: 3)

        func okRow(_ account: AccountRef, lines: Int) -> AccountRow {
            AccountRow(
                account: account, error: nil, attempts: 1, lines: lines, totalConcurrency: 60, totalResidue: 12,
                scriptGroups: 2, activeScriptGroups: 1, recycleRules: 1, enabledRecycleRules: 1,
                maxRecycleLimit: 3, warnings: 0)
        }
        let accounts = [
            okRow(east, lines: 4),
            okRow(eastSub, lines: 2),
            AccountRow(
                account: south, error: name("HTTP 503"), attempts: 5, lines: nil, totalConcurrency: nil,
                totalResidue: nil, scriptGroups: nil, activeScriptGroups: nil, recycleRules: nil,
                enabledRecycleRules: nil, maxRecycleLimit: nil, warnings: 0),
            okRow(north, lines: 1),
        ]

        func line(
            _ id: String, _ lineName: String, node: String, days: Int64?, status: ExpiryStatus,
            concurrency: Int64? = 30, residue: Int64? = 6, accounts: [AccountRef]
        ) -> LineRow {
            let inUse = concurrency.flatMap { c in residue.map { c - $0 } }
            return LineRow(
                lineID: id, name: name(lineName), remark: "", belongUser: "", lineType: "手机号",
                bindType: "独享", node: node, concurrency: concurrency, residue: residue, inUse: inUse,
                utilization: Utilization(inUse, over: concurrency),
                availableAt: days.map { Self.asOf.addingTimeInterval(Double($0) * 86_400 + 3_600) },
                daysToExpiry: days, expiryStatus: status, accounts: accounts)
        }
        var lines = [
            line("9001", "杭州移动A", node: name("杭州节点"), days: -3, status: .expired, accounts: [east, eastSub]),
            line("9002", "杭州移动B", node: name("杭州节点"), days: 2, status: .soon, residue: 0, accounts: [east]),
            line("9003", "上海联通", node: "上海节点", days: 5, status: .soon, accounts: [eastSub]),
            line("9004", "上海电信", node: "上海节点", days: 20, status: .upcoming, accounts: [north]),
            line("9005", "北京移动", node: "", days: 90, status: .ok, accounts: [east]),
            line("9006", "", node: "", days: nil, status: .unknown, concurrency: nil, residue: nil, accounts: [east]),
        ]
        for index in 0..<extraSoonLines {
            lines.append(
                line(
                    "95" + String(format: "%02d", index), "批量线路\(index)", node: "上海节点",
                    days: Int64(index % 6), status: index % 6 == 0 ? .expired : .soon, accounts: [north]))
        }

        let nodes = [
            NodeRow(
                node: "", lines: 2, totalConcurrency: 30, totalResidue: 6, inUse: 24,
                utilization: Utilization(24, over: 30), saturatedLines: 0, expiringLines: 0),
            NodeRow(
                node: "上海节点", lines: 2, totalConcurrency: 60, totalResidue: 12, inUse: 48,
                utilization: Utilization(48, over: 60), saturatedLines: 0, expiringLines: 1),
            NodeRow(
                node: name("杭州节点"), lines: 2, totalConcurrency: 60, totalResidue: 6, inUse: 54,
                utilization: Utilization(54, over: 60), saturatedLines: 1, expiringLines: 2),
        ]
        let engines = [
            EngineRow(kind: .asr, engine: "aliyun", scriptGroups: 3, activeScriptGroups: 2, accounts: 2),
            EngineRow(kind: .asr, engine: "", scriptGroups: 1, activeScriptGroups: 0, accounts: 1),
            EngineRow(kind: .tts, engine: name("xunfei"), scriptGroups: 4, activeScriptGroups: 2, accounts: 3),
            EngineRow(kind: .llm, engine: "", scriptGroups: 4, activeScriptGroups: 2, accounts: 3),
        ]

        func finding(
            _ check: CheckID, _ id: String, _ objectName: String, _ accounts: [AccountRef], _ message: String,
            suppressedBy: String? = nil
        ) -> Finding {
            Finding(
                checkID: check, severity: check.severity, objectType: check.objectType, objectID: id,
                objectName: name(objectName), accounts: accounts, message: name(message), suppressedBy: suppressedBy)
        }
        let findings = [
            finding(.fetchFailed, south.key, "华南客服", [south], "Account u-2002 could not be fetched: HTTP 503."),
            finding(.lineExpired, "9001", "杭州移动A", [east, eastSub], "Line 9001 has expired (-3 days)."),
            finding(.accountNoLines, "u-3003", "u-3003", [north], "Account u-3003 has no call line.",
                    suppressedBy: name("新账号，线路下周开通")),
            finding(.lineExpiresSoon, "9002", "杭州移动B", [east], "Line 9002 expires in 2 days."),
            finding(.lineExpiresSoon, "9003", "上海联通", [eastSub], "Line 9003 expires in 5 days."),
            finding(.lineExpiresUpcoming, "9004", "上海电信", [north], "Line 9004 expires in 20 days."),
            finding(.lineSaturated, "9002", "杭州移动B", [east], "Line 9002 has no concurrency left (0 of 30)."),
            finding(.lineExpiryUnknown, "9006", "", [east], "Line 9006 has no valid expiry date.",
                    suppressedBy: "线路已退订, 工单 4521"),
            finding(.scriptGroupEngineUnset, "31", "催收话术", [east], "Script group 31 uses the platform default ASR."),
        ]

        return Report(
            asOf: Self.asOf, timeZone: Self.zone, settings: settings, run: RunStatus(),
            accounts: accounts, lines: lines, nodes: nodes, engines: engines, statuses: [],
            coverage: [], findings: findings, warnings: [],
            comparison: comparison ?? defaultComparison(), staleSuppressions: [])
    }

    func defaultComparison() -> Comparison {
        func change(
            _ kind: ChangeKind, _ check: String, _ severity: String, _ type: String, _ id: String, _ objectName: String,
            _ accounts: String, before: String = "", after: String = ""
        ) -> ChangeRow {
            ChangeRow(
                change: kind, checkID: check, severity: severity, objectType: type, objectID: id,
                objectName: name(objectName), accounts: accounts, before: before, after: after)
        }
        return .compared(
            PreviousRun(runDir: "/var/lib/yunfu-report/2026-11-24", asOf: "2026-11-24T00:00:00+08:00", complete: true),
            changes: [
                change(.findingNew, "LINE_EXPIRED", "critical", "line", "9001", "杭州移动A", "u-1001;u-1001/s-7"),
                change(.findingNew, "LINE_EXPIRES_SOON", "high", "line", "9003", "上海联通", "u-1001/s-7"),
                change(.findingNew, "LINE_SATURATED", "medium", "line", "9002", "杭州移动B", "u-1001"),
                change(.findingResolved, "LINE_EXPIRES_SOON", "high", "line", "9100", "广州移动", "u-1001"),
                change(.lineGone, "", "", "line", "9100", "广州移动", "u-1001", before: "2026-11-26 09:00:00"),
                change(.lineRenewed, "", "", "line", "9007", "深圳联通", "u-1001",
                       before: "2026-11-28 00:00:00", after: "2027-11-28 00:00:00"),
            ])
    }
}

// MARK: - Markdown checks

/// The tables of a GFM document: each is its header row, then every row up to the first line that
/// does not start with `|`. Returns (header line number, cell counts of all rows, the line after).
func markdownTables(_ markdown: String) -> [(line: Int, cellCounts: [Int], after: String?)] {
    let lines = markdown.components(separatedBy: "\n")
    var tables: [(Int, [Int], String?)] = []
    var index = 0
    while index < lines.count {
        let line = lines[index]
        let next = index + 1 < lines.count ? lines[index + 1] : ""
        if line.hasPrefix("|"), next.hasPrefix("|"), next.allSatisfy({ "|-: ".contains($0) }) {
            var counts: [Int] = []
            var row = index
            while row < lines.count, lines[row].hasPrefix("|") {
                counts.append(gfmCells(lines[row]).count)
                row += 1
            }
            tables.append((index + 1, counts, row < lines.count ? lines[row] : nil))
            index = row
        } else {
            index += 1
        }
    }
    return tables
}

/// The cells of one GFM table row: split on `|` not escaped by a backslash.
func gfmCells(_ row: String) -> [String] {
    var cells: [String] = []
    var current = ""
    var escaped = false
    for character in row {
        if escaped {
            current.append(character)
            escaped = false
        } else if character == "\\" {
            current.append(character)
            escaped = true
        } else if character == "|" {
            cells.append(current)
            current = ""
        } else {
            current.append(character)
        }
    }
    cells.append(current)
    // A row starts and ends with a pipe: drop the empty text outside them.
    if cells.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { cells.removeFirst() }
    if cells.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { cells.removeLast() }
    return cells
}

/// The repository's `Templates/` folder, found from this file.
let repositoryTemplates = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Templates")

/// A fresh folder holding the given files.
func templatesFolder(_ files: [String: String]) throws -> URL {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("yunfu-templates-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for (name, text) in files {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
    return dir
}

@Suite("Markdown report")
struct MarkdownReportTests {
    @Test(arguments: ReportLocale.allCases)
    func hostileNamesKeepEveryTableWhole(locale: ReportLocale) throws {
        let fixture = SummaryReportFixture(hostile: SummaryReportFixture.hostileText, locale: locale)
        let markdown = try MarkdownReportWriter(templatesDir: nil, locale: locale).render(fixture.build())
        let tables = markdownTables(markdown)
        #expect(tables.count >= 8)
        for table in tables {
            let header = try #require(table.cellCounts.first)
            #expect(table.cellCounts.allSatisfy { $0 == header }, "table at line \(table.line): \(table.cellCounts)")
            // A table ends with a blank line (or the end), never with a stray piece of a name.
            #expect(table.after == nil || table.after == "", "table at line \(table.line) runs into \(table.after ?? "")")
        }
        // The hostile text is there, escaped, on one line.
        #expect(markdown.contains(#"A\|B<br>C<br>D & &lt;script>alert('x')&lt;/script> "q" \*e\* \_u\_ \[l\](x) \`c\` &amp;amp; \\"#))
        #expect(!markdown.contains("<script"))
        // Mustache's HTML escaping is off: quotes and ampersands stay readable.
        #expect(!markdown.contains("&#39;"))
        #expect(!markdown.contains("&quot;"))
        // Every line that is not blank, a heading, a list item, a quote, a rule or a table row is prose we wrote.
        for line in markdown.components(separatedBy: "\n") where line.contains("alert") {
            #expect(line.hasPrefix("|") || line.hasPrefix("> ") || line.hasPrefix("#"), "\(line)")
        }
    }

    @Test(arguments: ReportLocale.allCases)
    func bothLocalesRenderEverySection(locale: ReportLocale) throws {
        let markdown = try MarkdownReportWriter(templatesDir: nil, locale: locale)
            .render(SummaryReportFixture(locale: locale).build())
        let headings =
            locale == .zhCN
            ? ["# 云蝠智能线路与配置日报 · 2026-11-25", "## 需要处理", "## 自上次运行以来的变化", "### 新增的严重/高级别问题",
               "### 已解决的问题", "### 其他变化", "## 获取失败的账号", "## 严重和高级别问题", "## 已屏蔽的问题",
               "## 已过期或 7 天内到期的线路", "## 各节点容量", "## 引擎清单", "## 统计"]
            : ["# Yunfu lines and configuration report · 2026-11-25", "## Needs action", "## Since the previous run",
               "### New critical and high findings", "### Resolved findings", "### Other changes",
               "## Accounts that could not be fetched", "## Critical and high findings", "## Suppressed findings",
               "## Lines expired or expiring within 7 days", "## Capacity by node", "## Engine inventory", "## Counts"]
        var position = markdown.startIndex
        for heading in headings {
            let found = try #require(markdown.range(of: "\n" + heading + "\n", range: position..<markdown.endIndex)
                ?? (markdown.hasPrefix(heading + "\n") ? markdown.range(of: heading) : nil),
                "\(heading) missing or out of order")
            position = found.upperBound
        }
        for table in markdownTables(markdown) {
            #expect(Set(table.cellCounts).count == 1, "table at line \(table.line)")
        }
        #expect(markdown.hasSuffix("\n"))
        #expect(!markdown.contains("\n\n\n"), "no double blank lines")
        #expect(!markdown.contains("{{"))
    }

    @Test func opensWithWhatNeedsActionAndItsCounts() throws {
        let markdown = try MarkdownReportWriter(templatesDir: nil, locale: .en)
            .render(SummaryReportFixture(locale: .en).build())
        #expect(markdown.contains("- Accounts that could not be fetched: **1**\n"))
        #expect(markdown.contains("- Critical findings: **2**\n"))
        #expect(markdown.contains("- High findings: **2**\n"))  // ACCOUNT_NO_LINES is suppressed
        #expect(markdown.contains("- Lines expired: **1**\n"))
        #expect(markdown.contains("- Lines expiring within 7 days: **2**\n"))
        #expect(markdown.contains("- Saturated lines: **1**\n"))
        #expect(markdown.contains("- New critical/high findings since the previous run: **2**\n"))
    }

    @Test func changesPutNewCriticalAndHighFirstThenResolvedThenTheRest() throws {
        let markdown = try MarkdownReportWriter(templatesDir: nil, locale: .en)
            .render(SummaryReportFixture(locale: .en).build())
        let newUrgent = try #require(markdown.range(of: "### New critical and high findings"))
        let resolved = try #require(markdown.range(of: "### Resolved findings"))
        let other = try #require(markdown.range(of: "### Other changes"))
        #expect(newUrgent.lowerBound < resolved.lowerBound && resolved.lowerBound < other.lowerBound)
        let urgentPart = markdown[newUrgent.upperBound..<resolved.lowerBound]
        #expect(urgentPart.contains("| critical | Line expired | 杭州移动A (9001) | u-1001, u-1001/s-7 |"))
        #expect(!urgentPart.contains("Line saturated"))
        let otherPart = markdown[other.upperBound...]
        #expect(otherPart.contains("| new finding | 杭州移动B (9002) |  | u-1001 |"))
        #expect(otherPart.contains("| line renewed | 深圳联通 (9007) | 2026-11-28 00:00:00 → 2027-11-28 00:00:00 | u-1001 |"))
        #expect(markdown.contains("Compared with the run of 2026-11-24T00:00:00+08:00 (2026-11-24)."))
        #expect(!markdown.contains("/var/lib/yunfu-report"), "no server path in the mail or chat")
    }

    @Test func noComparisonLeavesTheChangesOutAndShowsTheWarning() throws {
        var fixture = SummaryReportFixture(locale: .en)
        fixture.comparison = Comparison.none
        let quiet = try MarkdownReportWriter(templatesDir: nil, locale: .en).render(fixture.build())
        #expect(!quiet.contains("Since the previous run"))
        #expect(!quiet.contains("Not compared"))
        #expect(!quiet.contains("New critical/high findings since"))

        fixture.comparison = .none(warning: "2026-11-24/manifest.json cannot be read | skipped")
        let warned = try MarkdownReportWriter(templatesDir: nil, locale: .en).render(fixture.build())
        #expect(warned.contains("\n> Not compared with a previous run: 2026-11-24/manifest.json cannot be read \\| skipped\n"))
        #expect(!warned.contains("## Since the previous run"))
        // Right after the opening summary.
        let summary = try #require(warned.range(of: "## Needs action"))
        let warning = try #require(warned.range(of: "> Not compared"))
        let failed = try #require(warned.range(of: "## Accounts that could not be fetched"))
        #expect(summary.upperBound < warning.lowerBound && warning.upperBound < failed.lowerBound)
    }

    @Test func suppressedFindingsAreListedApartWithTheirReason() throws {
        let markdown = try MarkdownReportWriter(templatesDir: nil, locale: .zhCN)
            .render(SummaryReportFixture(locale: .zhCN).build())
        let urgent = try #require(markdown.range(of: "## 严重和高级别问题"))
        let suppressed = try #require(markdown.range(of: "## 已屏蔽的问题"))
        let urgentPart = markdown[urgent.upperBound..<suppressed.lowerBound]
        #expect(!urgentPart.contains("账号没有线路"))
        let suppressedPart = markdown[suppressed.upperBound...]
        #expect(suppressedPart.contains("| 高 | 账号没有线路 | u-3003 | u-3003 | 新账号，线路下周开通 |"))
        #expect(suppressedPart.contains("线路已退订, 工单 4521"))
    }

    @Test func expiringLinesAreTheNearestTwentyWithDaysLeft() throws {
        var fixture = SummaryReportFixture(locale: .en)
        fixture.extraSoonLines = 30
        let report = fixture.build()
        let model = SummaryModel(report)
        #expect(model.expiringLines.total == 33)
        #expect(model.expiringLines.items.count == 20)
        // The 20 shown are the 20 lines that expire soonest, in that order: the ones that still
        // need action; the line expired 3 days ago is counted, not shown.
        let days = model.expiringLines.items.compactMap(\.daysLeft)
        #expect(days == days.sorted())
        #expect(model.expiringLines.items.allSatisfy { $0.status == .soon })
        #expect(!model.expiringLines.items.contains { $0.lineID == "9001" })
        let soonest = report.lines.filter { $0.expiryStatus == .soon }.sorted { ($0.availableAt ?? .distantFuture) < ($1.availableAt ?? .distantFuture) }
        #expect(model.expiringLines.items.map(\.lineID) == soonest.prefix(20).map(\.lineID))

        let markdown = try MarkdownReportWriter(templatesDir: nil, locale: .en).render(report)
        #expect(markdown.contains("About to expire first (soonest first), then the most recently expired; 33 in all; the nearest 20 are shown."))
        let linesHeading = try #require(markdown.range(of: "## Lines expired"))
        let table = try #require(markdownTables(String(markdown[linesHeading.upperBound...])).first)
        #expect(table.cellCounts.count == 22)  // header, delimiter, 20 rows
    }

    @Test func sameReportGivesTheSameBytes() throws {
        let writer = try MarkdownReportWriter(templatesDir: nil, locale: .zhCN)
        let fixture = SummaryReportFixture(hostile: SummaryReportFixture.hostileText)
        let first = writer.render(fixture.build())
        let second = try MarkdownReportWriter(templatesDir: nil, locale: .zhCN).render(fixture.build())
        #expect(first == second)
        #expect(Data(first.utf8) == Data(second.utf8))
    }

    @Test func markdownEscapingKeepsTextReadable() {
        #expect(MarkdownEscape.text("A & B") == "A & B")
        #expect(MarkdownEscape.text("&amp;") == "&amp;amp;")
        #expect(MarkdownEscape.text("a<b>") == "a&lt;b>")
        #expect(MarkdownEscape.text("line_01 _x_") == #"line_01 \_x\_"#)
        #expect(MarkdownEscape.text("a|b") == #"a\|b"#)
        #expect(MarkdownEscape.text("a\r\nb\nc\rd") == "a<br>b<br>c<br>d")
        #expect(MarkdownEscape.text("线路_一") == "线路_一")
        #expect(MarkdownEscape.text("bell\u{07}") == "bell")
    }
}

// MARK: - Templates

@Suite("Markdown templates")
struct MarkdownTemplateTests {
    @Test(arguments: ReportLocale.allCases)
    func theTemplatesFolderWorksAsAUserFolder(locale: ReportLocale) throws {
        let fromFolder = try MarkdownReportWriter(templatesDir: repositoryTemplates, locale: locale)
        let builtIn = try MarkdownReportWriter(templatesDir: nil, locale: locale)
        let report = SummaryReportFixture(locale: locale).build()
        #expect(fromFolder.render(report) == builtIn.render(report))
        #expect(fromFolder.templateFile.hasSuffix("Templates/" + MarkdownReportWriter.templateFileName(locale)))
    }

    @Test func unclosedSectionIsAnErrorOnItsLine() throws {
        let dir = try templatesFolder([
            "report.en.md.mustache": "# Report {{date}}\n\n{{#has_nodes}}\n| a |\n|---|\n{{#nodes}}\n| {{node}} |\n{{/nodes}}\n"
        ])
        let error = try #require(throws: TemplateError.self) {
            try MarkdownReportWriter(templatesDir: dir, locale: .en)
        }
        #expect(error.line == 3)
        #expect(error.file == dir.appendingPathComponent("report.en.md.mustache").path)
        #expect(error.description.hasPrefix(dir.appendingPathComponent("report.en.md.mustache").path + ":3: "))
        #expect(error.message.contains("has_nodes"))
    }

    @Test func unknownNameIsAnErrorOnItsLine() throws {
        let dir = try templatesFolder([
            "report.zh-CN.md.mustache": "# 报告\n\n截至 {{as_of}}\n\n值：{{no_such_value}}\n"
        ])
        let error = try #require(throws: TemplateError.self) {
            try MarkdownReportWriter(templatesDir: dir, locale: .zhCN)
        }
        #expect(error.line == 5)
        #expect(error.message.contains("no_such_value"))
        #expect(error.description.contains("report.zh-CN.md.mustache:5:"))
    }

    @Test(arguments: [
        // A name valid only inside its list.
        ("{{date}}\n{{line_id}}\n", 2),
        // A section over a name that does not exist.
        ("{{#has_nodes}}\n{{#no_such_list}}\n{{/no_such_list}}\n{{/has_nodes}}\n", 2),
        // An inverted section too.
        ("\n\n{{^nope}}x{{/nope}}\n", 3),
        // A list printed as text.
        ("{{nodes}}\n", 1),
        // A dotted name whose last part does not exist.
        ("a\n{{counts.nope}}\n", 2),
        // `.name` looks at the innermost context only.
        ("{{#nodes}}\n{{.date}}\n{{/nodes}}\n", 2),
        // A triple mustache is checked too.
        ("{{{ missing }}}\n", 1),
        // A closing tag that does not match: the section left open is named.
        ("{{#nodes}}\n{{#capacity}}\n{{/nodes}}\n", 2),
        // A closing tag with nothing open.
        ("x\n{{/nodes}}\n", 2),
        // A transform a text does not have.
        ("{{sorted(date)}}\n", 1),
        // A list position outside a list.
        ("{{#index()}}x{{/index()}}\n", 1),
        // A partial that does not exist.
        ("one\ntwo\n{{> footer}}\n", 3),
        // A tag never closed.
        ("x\n{{date\n", 2),
    ])
    func templateMistakesAreErrorsOnTheirLine(template: String, line: Int) throws {
        let dir = try templatesFolder(["report.en.md.mustache": template])
        let error = try #require(throws: TemplateError.self) {
            try MarkdownReportWriter(templatesDir: dir, locale: .en)
        }
        #expect(error.line == line, "\(error)")
    }

    @Test func namesResolveThroughEnclosingSectionsTransformsAndPartials() throws {
        let dir = try templatesFolder([
            "report.en.md.mustache": """
                {{! a user's own template }}
                {{#nodes}}
                {{#first()}}first {{/first()}}{{index()}}: {{node}} of {{date}} ({{counts.lines}} lines){{^last()}},{{/last()}}
                {{/nodes}}
                {{count(nodes)}} nodes, {{#empty(engines)}}no engines{{/empty(engines)}}
                {{#capacity}}{{.utilization}}{{/capacity}} {{uppercased(time_zone)}}
                {{> parts/footer}}
                {{=<% %>=}}
                <%date%> <%& date%>
                <%={{ }}=%>
                {{#changes}}{{#kinds}}{{label}}={{count}};{{/kinds}}{{/changes}}

                """,
            "parts/footer.mustache": "-- {{as_of}} {{#expiring_lines}}{{line_id}} {{/expiring_lines}}\n",
        ])
        let writer = try MarkdownReportWriter(templatesDir: dir, locale: .en)
        let text = writer.render(SummaryReportFixture(locale: .en).build())
        #expect(text.contains("first 0: (no node) of 2026-11-25 (6 lines),\n1: 上海节点 of 2026-11-25 (6 lines),\n2: 杭州节点 of 2026-11-25 (6 lines)\n"))
        #expect(text.contains("3 nodes, \n"))
        #expect(text.contains("84.0% ASIA/SHANGHAI\n"))
        #expect(text.contains("-- 2026-11-25 00:00:00 9002 9003 9001 \n"))
        #expect(text.contains("2026-11-25 2026-11-25\n"))
        #expect(text.contains("new finding=3;resolved finding=1;line gone=1;line renewed=1;"))
    }

    @Test func theReadmeNamesEveryValueOfTheViewModel() throws {
        let readme = try String(
            contentsOf: repositoryTemplates.appendingPathComponent("README.md"), encoding: .utf8)
        var missing: [String] = []
        func walk(_ schema: TemplateSchema) {
            for name in schema.names {
                if !readme.contains("`\(name)`") { missing.append(name) }
                switch schema.fields[name] {
                case .list(let inner), .object(let inner): walk(inner)
                default: break
                }
            }
        }
        walk(MarkdownRoot.templateSchema)
        #expect(missing.isEmpty, "Templates/README.md does not name \(missing)")
    }

    @Test func doubleAndTripleBracesPrintTheSame() throws {
        let dir = try templatesFolder([
            "report.en.md.mustache": "{{#failed_accounts}}[{{error}}] [{{{error}}}] [{{& error}}]{{/failed_accounts}}\n"
        ])
        let writer = try MarkdownReportWriter(templatesDir: dir, locale: .en)
        let text = writer.render(SummaryReportFixture(hostile: "\"it's\" & <b>", locale: .en).build())
        let escaped = #"HTTP 503 "it's" & &lt;b>"#
        #expect(text == "[\(escaped)] [\(escaped)] [\(escaped)]\n")
    }

    @Test func aPartialThatIncludesItselfIsAnError() throws {
        let dir = try templatesFolder([
            "report.en.md.mustache": "{{> loop}}\n",
            "loop.mustache": "x\n{{#nodes}}{{> loop}}{{/nodes}}\n",
        ])
        let error = try #require(throws: TemplateError.self) {
            try MarkdownReportWriter(templatesDir: dir, locale: .en)
        }
        #expect(error.file.hasSuffix("loop.mustache"))
        #expect(error.line == 2)
    }

    @Test func aMissingTemplateFileOrFolderIsAnError() throws {
        let dir = try templatesFolder(["report.en.md.mustache": "{{date}}\n"])
        let missing = try #require(throws: TemplateError.self) {
            try MarkdownReportWriter(templatesDir: dir, locale: .zhCN)
        }
        #expect(missing.line == nil)
        #expect(missing.description.contains("report.zh-CN.md.mustache"))
        #expect(throws: TemplateError.self) {
            try MarkdownReportWriter(templatesDir: dir.appendingPathComponent("nope"), locale: .en)
        }
    }
}
