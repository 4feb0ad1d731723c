import Foundation
import InMemoryLogging
import Logging
import Testing

@testable import YunfuReport

/// The workbook, read back from the written file (`unzip -p` and the sheet XML; openpyxl too when
/// it is installed). Sheets in order: 1 summary, 2 changes, 3 findings, 4 lines, 5 capacity,
/// 6 script groups, 7 engines, 8 recycle coverage, 9 accounts, 10 warnings.
@Suite("XLSX report")
final class XlsxReportTests {
    /// This test's files, removed after it.
    let scratch: URL

    init() throws {
        scratch = try XlsxFixture.temporaryDirectory()
    }

    deinit {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Writes `report` (with the fixture's script groups unless told) to a fresh directory; returns
    /// the file and what was logged.
    func write(
        _ report: Report, scriptGroups: [ScriptGroupRow] = XlsxFixture.scriptGroups(),
        name: String = "yunfu-report-2026-11-25.xlsx"
    ) throws -> (URL, InMemoryLogHandler) {
        let directory = scratch.appendingPathComponent(UUID().uuidString, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(name)
        let handler = InMemoryLogHandler()
        let logger = Logger(label: "xlsx-test", factory: { _ in handler })
        try ReportPath.workbook(report, scriptGroups: scriptGroups, to: file, logger: logger)
        return (file, handler)
    }

    @Test(arguments: [ReportLocale.zhCN, .en])
    func sheetsAreNamedInTheConfiguredLocale(_ locale: ReportLocale) throws {
        let (file, _) = try write(XlsxFixture.report(locale: locale))
        let names = try XlsxFixture.sheetNames(of: file)
        #expect(names == Labels(locale: locale).sheets.all)
        switch locale {
        case .zhCN: #expect(names.first == "摘要" && names[3] == "线路")
        case .en: #expect(names.first == "Summary" && names[3] == "Lines")
        }
        // Every sheet's words follow the locale: the lines header.
        let lines = try XlsxFixture.member("xl/worksheets/sheet4.xml", of: file)
        #expect(lines.contains(locale == .zhCN ? "到期时间" : "Expires at"))
    }

    @Test func rowsWithWrappedTextAreTallEnoughForTheirLines() throws {
        #expect(XLSXSheet.wrappedLines("short") == 1)
        #expect(XLSXSheet.wrappedLines("a\nb\nc") == 3)
        #expect(XLSXSheet.wrappedLines(String(repeating: "x", count: 120)) == 3)
        #expect(XLSXSheet.wrappedLines(String(repeating: "线", count: 58)) == 2)
        var report = XlsxFixture.report()
        report.findings[0].message = "first line\nsecond line\nthird line"
        let (file, _) = try write(report)
        let findings = try XlsxFixture.member("xl/worksheets/sheet3.xml", of: file)
        #expect(findings.contains(#"ht="45" customHeight="1""#), "a three-line message gets a three-line row")
    }

    @Test func headerRowsAreFrozenAndEveryTableHasAnAutofilter() throws {
        let (file, _) = try write(XlsxFixture.report())
        // sheet number → (frozen rows, autofilter range)
        let expected: [Int: (Int, String)] = [
            2: (3, "A3:I3"),  // changes: a sentence, a blank row, then the (empty) table
            3: (1, "A1:J5"),  // 4 findings, 10 columns
            4: (1, "A1:Q5"),  // 4 lines, 17 columns
            5: (1, "A1:H4"),  // 3 nodes
            6: (1, "A1:L4"),  // 3 script groups
            7: (1, "A1:E4"),  // 3 engines
            8: (1, "A1:E3"),  // 2 accounts × (3 + 2 statuses)
            9: (1, "A1:O4"),  // 3 accounts
            10: (1, "A1:E2"),  // 1 warning
        ]
        for (sheet, (rows, range)) in expected.sorted(by: { $0.key < $1.key }) {
            let xml = try XlsxFixture.member("xl/worksheets/sheet\(sheet).xml", of: file)
            #expect(xml.contains("<pane ySplit=\"\(rows)\" topLeftCell=\"A\(rows + 1)\""), "sheet \(sheet) frozen")
            #expect(xml.contains("state=\"frozen\""), "sheet \(sheet) frozen")
            #expect(xml.contains("<autoFilter ref=\"\(range)\"/>"), "sheet \(sheet) autofilter \(range)")
        }
    }

    @Test func availableAtIsAnExcelDateInTheReportTimeZone() throws {
        let (file, _) = try write(XlsxFixture.report())
        let lines = try XlsxFixture.member("xl/worksheets/sheet4.xml", of: file)
        let styles = try XlsxFixture.member("xl/styles.xml", of: file)
        // L2 expires 7.5 days after 2026-11-25 00:00 +08:00: 2026-12-02 12:00 wall time, serial 46358.5.
        let cell = try #require(XlsxFixture.cell("M3", in: lines))
        #expect(XlsxFixture.attribute("t", in: cell) == nil, "a number, not text: \(cell)")
        #expect(cell.contains("<v>46358.5</v>"), "\(cell)")
        let style = try #require(XlsxFixture.attribute("s", in: cell).flatMap { Int($0) })
        let format = try #require(XlsxFixture.numberFormat(ofStyle: style, in: styles))
        #expect(format.contains("yyyy") && format.contains("hh:mm"))
        // Utilization is a number with a percent format: 15 of 20 in use.
        let utilization = try #require(XlsxFixture.cell("K3", in: lines))
        #expect(utilization.contains("<v>0.75</v>"))
        let percentStyle = try #require(XlsxFixture.attribute("s", in: utilization).flatMap { Int($0) })
        #expect(XlsxFixture.numberFormat(ofStyle: percentStyle, in: styles)?.hasSuffix("%") == true)
        // An unknown date is an empty cell, not 0 (1900-01-00).
        #expect(XlsxFixture.cell("M5", in: lines).map { !$0.contains("<v>") } ?? true)
    }

    @Test func chartsAreWrittenWithTheirDataInCells() throws {
        let (file, _) = try write(XlsxFixture.report())
        let members = try XlsxFixture.memberNames(of: file)
        #expect(members.contains("xl/charts/chart1.xml"))
        #expect(members.contains("xl/charts/chart2.xml"))
        #expect(members.contains("xl/drawings/drawing1.xml"))
        let expiry = try XlsxFixture.member("xl/charts/chart1.xml", of: file)
        #expect(expiry.contains("<c:barDir val=\"col\"/>"))
        #expect(expiry.contains("'摘要'!$B$"))
        let capacity = try XlsxFixture.member("xl/charts/chart2.xml", of: file)
        #expect(capacity.contains("<c:barDir val=\"bar\"/>"))
        #expect(capacity.contains("<c:grouping val=\"stacked\"/>"))
        // The week counts agree with lines.csv: L2 (7 days left) in week 2, L3 (3 days) in week 1.
        let summary = try XlsxFixture.member("xl/worksheets/sheet1.xml", of: file)
        let valuesRange = try #require(expiry.components(separatedBy: "<c:val><c:numRef><c:f>").dropFirst().first)
        let firstRow = try #require(
            valuesRange.components(separatedBy: "$B$").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) })
        #expect(XlsxFixture.cell("B\(firstRow)", in: summary)?.contains("<v>1</v>") == true)
        #expect(XlsxFixture.cell("B\(firstRow + 1)", in: summary)?.contains("<v>1</v>") == true)
    }

    @Test func payloadTextIsAStringEvenWhenItLooksLikeAFormula() throws {
        let (file, _) = try write(XlsxFixture.report())
        let lines = try XlsxFixture.member("xl/worksheets/sheet4.xml", of: file)
        let cell = try #require(XlsxFixture.cell("B3", in: lines))
        let type = XlsxFixture.attribute("t", in: cell)
        #expect(type == "inlineStr" || type == "s")
        #expect(!cell.contains("<f>"))
        let text = XlsxFixture.unescapeXML(cell)
        #expect(text.contains("<t>" + XlsxFixture.formulaLikeName + "</t>"), "kept intact, no leading ': \(cell)")
        #expect(!lines.contains("<f>"))
        let groups = try XlsxFixture.member("xl/worksheets/sheet6.xml", of: file)
        #expect(groups.contains("<t>+cmd|&apos;") || groups.contains("<t>+cmd|'"))
        #expect(!groups.contains("<f>"))
    }

    @Test func textOverTheCellLimitIsCutMarkedAndLogged() throws {
        let (file, log) = try write(XlsxFixture.report())
        let lines = try XlsxFixture.member("xl/worksheets/sheet4.xml", of: file)
        let cell = try #require(XlsxFixture.cell("B5", in: lines))
        let text = XlsxFixture.unescapeXML(
            try #require(cell.components(separatedBy: "<t>").dropFirst().first?.components(separatedBy: "</t>").first))
        #expect(text.hasSuffix("…[已截断]"))
        #expect(text.utf16.count == 32_767)
        #expect(text.hasPrefix(String(repeating: "长", count: 100)))
        let cuts = log.entries.filter { $0.level == .warning && "\($0.message)".contains("cut") }
        #expect(cuts.count == 1)
        #expect(cuts.first?.metadata["cell"] == "B5")
        #expect(cuts.first?.metadata["sheet"] == "线路")
        #expect(cuts.first?.metadata["characters"] == "40000")
        // The rest of the sheet is intact: the next cells of the row are there.
        #expect(XlsxFixture.cell("O5", in: lines)?.contains("未知") == true)
    }

    @Test func theSameReportGivesAByteIdenticalFile() async throws {
        let report = XlsxFixture.report()
        let (first, _) = try write(report)
        // Zip times have a 2-second resolution: a later second write must still match.
        try await Task.sleep(for: .milliseconds(2_100))
        let (second, _) = try write(report)
        let a = try Data(contentsOf: first)
        let b = try Data(contentsOf: second)
        #expect(!a.isEmpty)
        #expect(a == b)
        let core = try XlsxFixture.member("docProps/core.xml", of: first)
        #expect(core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-11-24T16:00:00Z</dcterms:created>"))
    }

    @Test func theTrendSheetAndItsChartsShowTheNights() throws {
        var report = XlsxFixture.report()
        let tonight = TrendRow(report: report, fleet: FleetFigures(report), asOfText: "2026-11-25T00:00:00+08:00")
        var rows: [TrendRow] = []
        for back in stride(from: 2, through: 1, by: -1) {
            var night = tonight
            night.asOfDate = tonight.asOfDate.addingTimeInterval(Double(-back) * 86_400)
            night.asOf = DateText.iso8601(night.asOfDate, in: report.timeZone)
            night.linesExpired = back
            rows.append(night)
        }
        report.trend = Trend(rows: rows + [tonight])
        let (file, _) = try write(report)
        #expect(try XlsxFixture.sheetNames(of: file).last == "趋势")
        let trend = try XlsxFixture.member("xl/worksheets/sheet11.xml", of: file)
        #expect(trend.contains("<pane ySplit=\"1\""), "frozen header")
        #expect(trend.contains("<autoFilter ref=\"A1:R4\"/>"))
        // A real date: 2026-11-23 is Excel serial 46349, with a date format.
        #expect(XlsxFixture.cell("A2", in: trend)?.contains("<v>46349</v>") == true)
        // The summary carries the trend chart and the utilization chart beside the other two.
        let summaryRels = try XlsxFixture.member("xl/drawings/drawing1.xml", of: file)
        #expect(summaryRels.components(separatedBy: "<xdr:graphicFrame").count - 1 == 4)
        let charts = try (1...4).map { try XlsxFixture.member("xl/charts/chart\($0).xml", of: file) }
        #expect(charts.contains { $0.contains("<c:lineChart>") && $0.contains("'趋势'!$H$2:$H$4") })
        #expect(charts.contains { $0.contains("<c:lineChart>") && $0.contains("'趋势'!$M$2:$M$4") && $0.contains("0%") })
    }

    @Test func summaryStatesCompletenessInWords() throws {
        let (file, _) = try write(XlsxFixture.report())
        let summary = try XlsxFixture.member("xl/worksheets/sheet1.xml", of: file)
        #expect(summary.contains("不完整：1 个账号获取失败"))
        var interrupted = XlsxFixture.report(locale: .en)
        interrupted.run = RunStatus(interrupted: true)
        interrupted.accounts.removeLast()
        let (enFile, _) = try write(interrupted)
        let enSummary = try XlsxFixture.member("xl/worksheets/sheet1.xml", of: enFile)
        #expect(enSummary.contains("Incomplete: the run was interrupted"))
    }

    @Test func changesSheetSaysWhyNothingWasCompared() throws {
        let (file, _) = try write(XlsxFixture.report(comparison: .none(warning: "previous run 2026-11-24 unreadable")))
        let changes = try XlsxFixture.member("xl/worksheets/sheet2.xml", of: file)
        #expect(changes.contains("没有可比较的上次运行。 previous run 2026-11-24 unreadable"))

        let rows = [
            ChangeRow(
                change: .findingNew, checkID: "LINE_EXPIRED", severity: "critical", objectType: "line", objectID: "L1",
                objectName: "=1+1", accounts: "10001", before: "", after: ""),
            ChangeRow(
                change: .lineRenewed, checkID: "", severity: "", objectType: "line", objectID: "L9", objectName: "n",
                accounts: "10001", before: "2026-11-01 00:00:00", after: "2027-11-01 00:00:00"),
        ]
        let previous = PreviousRun(runDir: "/out/2026-11-24", asOf: "2026-11-24T00:00:00+08:00", complete: true)
        let (compared, _) = try write(XlsxFixture.report(locale: .en, comparison: .compared(previous, changes: rows)))
        let sheet = try XlsxFixture.member("xl/worksheets/sheet2.xml", of: compared)
        #expect(sheet.contains("<autoFilter ref=\"A3:I5\"/>"))
        #expect(sheet.contains("new finding") && sheet.contains("line renewed"))
        #expect(!sheet.contains("<f>"))
    }

    @Test func coverageIsAMatrixWithGapsMarked() throws {
        let (file, _) = try write(XlsxFixture.report())
        let matrix = try XlsxFixture.member("xl/worksheets/sheet8.xml", of: file)
        let styles = try XlsxFixture.member("xl/styles.xml", of: file)
        #expect(matrix.contains("6 关机（必需）"))
        func cell(_ reference: String) throws -> (text: String, fill: String?) {
            let element = try #require(XlsxFixture.cell(reference, in: matrix))
            let style = try #require(XlsxFixture.attribute("s", in: element).flatMap { Int($0) })
            let text = element.components(separatedBy: "<t>").dropFirst().first?.components(separatedBy: "</t>").first
            return (text ?? "", XlsxFixture.fillColor(ofStyle: style, in: styles))
        }
        // Rows: 2 = 10001, 3 = 10001/20002; columns D = status 3 (not required), E = status 6 (required).
        #expect(try cell("D2") == ("✓", "FFC6EFCE"))
        #expect(try cell("E2") == ("✗", "FFFFC7CE"))
        #expect(try cell("D3") == ("–", "FFF2F2F2"))
        #expect(try cell("E3") == ("✓", "FFC6EFCE"))
    }

    @Test func suppressedFindingsComeLastGreyedWithTheirReason() throws {
        let (file, _) = try write(XlsxFixture.report())
        let findings = try XlsxFixture.member("xl/worksheets/sheet3.xml", of: file)
        let last = try #require(XlsxFixture.cell("J5", in: findings))
        #expect(last.contains("线路已退订, 工单 4521"))
        #expect(XlsxFixture.cell("I5", in: findings)?.contains("<t>是</t>") == true)
    }

    @Test func aRunWhereEveryAccountFailedStillGivesAWorkbook() throws {
        var report = XlsxFixture.report(locale: .en)
        report.accounts = report.accounts.map { row in
            AccountRow(account: row.account, error: "HTTP 503", attempts: 5, warnings: 0)
        }
        report.lines = []
        report.nodes = []
        report.engines = []
        report.statuses = []
        report.coverage = []
        report.warnings = []
        let (file, _) = try write(report, scriptGroups: [])
        #expect(try XlsxFixture.sheetNames(of: file).count == 11)
        let summary = try XlsxFixture.member("xl/worksheets/sheet1.xml", of: file)
        #expect(summary.contains("Incomplete: 3 of 3 accounts could not be fetched"))
        // Only the expiry chart: there is no node to draw.
        let members = try XlsxFixture.memberNames(of: file)
        #expect(members.contains("xl/charts/chart1.xml") && !members.contains("xl/charts/chart2.xml"))
        let lines = try XlsxFixture.member("xl/worksheets/sheet4.xml", of: file)
        #expect(lines.contains("<autoFilter ref=\"A1:Q1\"/>"))
    }

    @Test func aMissingDirectoryIsAnErrorNamingTheFile() throws {
        let file = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/yunfu-report-2026-11-25.xlsx")
        let error = try #require(throws: XLSXReportError.self) {
            try ReportPath.workbook(XlsxFixture.report(), scriptGroups: XlsxFixture.scriptGroups(), to: file)
        }
        #expect(error.file == file.path)
        #expect(error.description.contains(file.path))
    }

    @Test(
        .enabled(
            if: XlsxFixture.openpyxlAvailable,
            "python3 with openpyxl is not installed (apt-get install python3-openpyxl)"))
    func openpyxlReadsTheWorkbook() throws {
        let (file, _) = try write(XlsxFixture.report())
        let python = try #require(XlsxFixture.python)
        let result = try XlsxFixture.run(
            python[0],
            Array(python.dropFirst()) + [
                XlsxFixture.checkScript, file.path, "线路!M3", "线路!B3", "线路!K3", "摘要!B3", "线路!C2", "线路!C3",
            ])
        try #require(result.status == 0, "check_xlsx.py: \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect(json["sheets"] as? [String] == Labels(locale: .zhCN).sheets.all)
        let freeze = try #require(json["freeze"] as? [String: Any])
        #expect(freeze["线路"] as? String == "A2")
        let filters = try #require(json["filters"] as? [String: Any])
        #expect(filters["线路"] as? String == "A1:Q5")
        let charts = try #require(json["charts"] as? [String: Int])
        #expect(charts["摘要"] == 2)
        let cells = try #require(json["cells"] as? [String: [String: Any]])
        #expect(cells["线路!M3"]?["is_date"] as? Bool == true)
        #expect(cells["线路!B3"]?["type"] as? String == "s")
        #expect(cells["线路!B3"]?["value"] as? String == XlsxFixture.formulaLikeName)
        #expect(cells["线路!K3"]?["value"] as? Double == 0.75)
        #expect(cells["摘要!B3"]?["is_date"] as? Bool == true)
        // Text comes back as it went in: a control character, `_x0041_`, a tab, CJK, a newline.
        #expect(cells["线路!C2"]?["text"] as? String == XlsxFixture.awkwardRemark)
        #expect(cells["线路!C3"]?["text"] as? String == "备注\n第二行")
    }
}

extension XlsxFixture {
    /// `scripts/check_xlsx.py` of this checkout.
    static var checkScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/check_xlsx.py").path
    }

    /// A python3 that has openpyxl: Debian's (`apt-get install python3-openpyxl`) first, then the
    /// one on PATH (a pyenv or venv python may lack it).
    static let python: [String]? = {
        for candidate in [["/usr/bin/python3"], ["/usr/bin/env", "python3"]] {
            guard FileManager.default.isExecutableFile(atPath: candidate[0]) else { continue }
            let arguments = Array(candidate.dropFirst()) + ["-c", "import openpyxl"]
            if let result = try? run(candidate[0], arguments), result.status == 0 { return candidate }
        }
        return nil
    }()

    static var openpyxlAvailable: Bool { python != nil }

    /// The solid fill colour (`FFRRGGBB`) of cell style `index`, or nil.
    static func fillColor(ofStyle index: Int, in stylesXML: String) -> String? {
        guard let xfsStart = stylesXML.range(of: "<cellXfs"), let xfsEnd = stylesXML.range(of: "</cellXfs>"),
            let fillsStart = stylesXML.range(of: "<fills"), let fillsEnd = stylesXML.range(of: "</fills>")
        else { return nil }
        let xfs = Array(stylesXML[xfsStart.upperBound..<xfsEnd.lowerBound].components(separatedBy: "<xf ").dropFirst())
        guard index < xfs.count, let fillID = attribute("fillId", in: " " + xfs[index]).flatMap({ Int($0) }) else {
            return nil
        }
        let fills = Array(
            stylesXML[fillsStart.upperBound..<fillsEnd.lowerBound].components(separatedBy: "<fill>").dropFirst())
        guard fillID < fills.count, let fg = fills[fillID].components(separatedBy: "<fgColor ").dropFirst().first else {
            return nil
        }
        return attribute("rgb", in: " " + fg)
    }
}
