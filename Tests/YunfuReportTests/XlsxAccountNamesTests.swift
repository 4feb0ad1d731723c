import Foundation
import Logging
import Testing
import XlsxWriter

@testable import YunfuReport

/// The 账号 / Accounts column of the findings and lines sheets: labels (with a short id where two
/// accounts share one), a few names then the count, rows of one line each; the CSV files keep the
/// full keys.
@Suite("XLSX accounts column")
struct XlsxAccountNamesTests {
    typealias Fixture = XlsxFixture

    /// A fleet like a real configuration: mains with labels, sub-accounts given as bare ids (their
    /// parent's label), sub-accounts with labels of their own, one account with no label.
    static let fleet: [AccountRef] = {
        var accounts: [AccountRef] = []
        func add(_ user: String, _ sub: String? = nil, _ label: String) {
            accounts.append(Fixture.account(user, sub, label: label, order: accounts.count))
        }
        add("5832d184-dd53-42a0-8ace-0bf8d660f4cc", nil, "华东一部")
        add("5832d184-dd53-42a0-8ace-0bf8d660f4cc", "5b55bcca-d653-4a58-8f9a-437fb0601f8e", "华东一部")  // bare id
        add("5832d184-dd53-42a0-8ace-0bf8d660f4cc", "5b55bcca-1111-4a58-8f9a-437fb0601f8e", "华东一部")  // bare id
        for (index, name) in ["销售一组", "销售二组", "销售三组", "销售四组", "销售五组", "销售六组", "销售七组", "销售八组"].enumerated() {
            add("7000\(index)", nil, name)
        }
        add("90009", nil, "")
        return accounts
    }()

    @Test func aLabelOfOneAccountStandsAloneASharedOneGetsAShortIDNoLabelGivesTheKey() {
        let names = XLSXAccountNames(Self.fleet, labels: Labels(locale: .zhCN))
        #expect(names.name(Self.fleet[3]) == "销售一组")
        #expect(names.name(Self.fleet[0]) == "华东一部（5832d184…）")
        // The two sub-accounts' ids share 9 characters: they are shown until they differ.
        #expect(names.name(Self.fleet[1]) == "华东一部（5b55bcca-d…）")
        #expect(names.name(Self.fleet[2]) == "华东一部（5b55bcca-1…）")
        #expect(names.name(Self.fleet[11]) == "90009")
        let en = XLSXAccountNames(Self.fleet, labels: Labels(locale: .en))
        #expect(en.name(Self.fleet[0]) == "华东一部 (5832d184…)")
        // Whole ids that repeat (the same sub id under two users): the full keys.
        let twins = [
            Fixture.account("1", "s", label: "同名", order: 0), Fixture.account("2", "s", label: "同名", order: 1),
        ]
        let twinNames = XLSXAccountNames(twins, labels: Labels(locale: .zhCN))
        #expect(twinNames.name(twins[0]) == "同名（1/s）" && twinNames.name(twins[1]) == "同名（2/s）")
    }

    /// The rule as first written: each id against every other, one more character at a time.
    static func distinctIDsByComparingAll(_ group: [AccountRef]) -> [String] {
        let ids = group.map { Array($0.subUserID ?? $0.userID) }
        guard Set(ids.map { String($0) }).count == ids.count else { return group.map(\.key) }
        return ids.enumerated().map { index, id in
            var length = XLSXAccountNames.idPrefix
            while length < id.count,
                ids.indices.contains(where: { other in
                    other != index && String(ids[other].prefix(length)) == String(id.prefix(length))
                })
            {
                length += 1
            }
            return id.count > length ? String(id.prefix(length)) + "…" : String(id)
        }
    }

    @Test func shortIDsAreThoseOfComparingEveryIDWithEveryOther() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab0-")
        for round in 0..<200 {
            let count = Int.random(in: 2...12, using: &generator)
            var seen = Set<String>()
            var group: [AccountRef] = []
            while group.count < count {
                // Ids of 4 to 14 characters over a small alphabet: many shared prefixes, some ids
                // shorter than the 8 shown, some prefixes of others.
                let id = String((0..<Int.random(in: 4...14, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? "a" })
                guard seen.insert(id).inserted else { continue }
                group.append(Fixture.account("u\(round)", id, label: "同名", order: group.count))
            }
            #expect(XLSXAccountNames.distinctIDs(group) == Self.distinctIDsByComparingAll(group), "\(group.map(\.key))")
        }
    }

    /// A fleet that gives every account one label: was quadratic (80 s after the last answer for
    /// 5,000 accounts in `bench`, whose accounts are all labelled `bench`).
    @Test(.timeLimit(.minutes(1)))
    func twentyThousandAccountsOfOneLabelAreNamedInLinearTime() {
        let accounts = (0..<20_000).map { index in
            Fixture.account("user-\(index / 4)", index % 4 == 0 ? nil : "sub-\(index)", label: "bench", order: index)
        }
        let names = XLSXAccountNames(accounts, labels: Labels(locale: .en))
        #expect(Set(accounts.map(names.name)).count == 20_000)
        #expect(names.name(accounts[0]) == "bench (user-0)")
        #expect(names.name(accounts[1]) == "bench (sub-1)")
        #expect(names.name(accounts[19_999]) == "bench (sub-19999)")  // sub-1999 is a prefix: shown whole
        #expect(names.name(accounts[1_999]) == "bench (sub-1999)")
    }

    @Test func aLongListShowsThreeNamesAndTheCount() {
        let zh = XLSXAccountNames(Self.fleet, labels: Labels(locale: .zhCN))
        let en = XLSXAccountNames(Self.fleet, labels: Labels(locale: .en))
        let sales = Array(Self.fleet[3...10])
        #expect(zh.cell(sales) == "销售一组、销售二组、销售三组 等 8 个")
        #expect(en.cell(sales) == "销售一组, 销售二组, 销售三组 and 5 more")
        #expect(zh.cell(Array(sales.prefix(3))) == "销售一组、销售二组、销售三组")
        #expect(zh.cell([Self.fleet[11]]) == "90009")
        #expect(zh.cell([]) == "")
        // Three names with their ids would not fit on one line: two then, and every cell fits
        // one line (but a single name longer than a line).
        #expect(zh.cell(Array(Self.fleet[0...2]) + sales) == "华东一部（5832d184…）、华东一部（5b55bcca-d…） 等 11 个")
        let long = Fixture.account("long", label: String(repeating: "很长的标签", count: 8), order: 99)
        let withLong = XLSXAccountNames(Self.fleet + [long], labels: Labels(locale: .zhCN))
        #expect(withLong.cell([long] + sales) == long.label + " 等 9 个")
        for count in 1...Self.fleet.count {
            for start in 0...(Self.fleet.count - count) {
                let text = zh.cell(Array(Self.fleet[start..<(start + count)]))
                #expect(CellText.displayWidth(text) <= XLSXAccountNames.lineWidth, "\(text)")
            }
        }
    }

    /// The fixture's report with a line and a finding that every account of the fleet sees, and
    /// single-line remarks (the fixture's have two lines, which would make the rows taller).
    static func report(locale: ReportLocale) -> Report {
        var report = Fixture.report(locale: locale)
        report.accounts = fleet.map { AccountRow(account: $0, error: nil, attempts: 1, warnings: 0) }
        for index in report.lines.indices {
            report.lines[index].remark = "备注"
            report.lines[index].accounts = [fleet[3]]
        }
        report.lines[0].name = "过期线路"
        report.lines[1].accounts = fleet
        report.lines[3].name = "未知线路"
        for index in report.findings.indices {
            report.findings[index].accounts = [fleet[4]]
        }
        report.findings[1].accounts = fleet
        return report
    }

    func write(_ report: Report) throws -> (URL, URL) {
        let directory = try Fixture.temporaryDirectory()
        let file = directory.appendingPathComponent("yunfu-report-2026-11-25.xlsx")
        try ReportPath.workbook(report, to: file)
        return (directory, file)
    }

    /// The text of an inline-string cell.
    static func text(_ reference: String, in sheetXML: String) -> String? {
        guard let element = Fixture.cell(reference, in: sheetXML) else { return nil }
        return element.components(separatedBy: "<t>").dropFirst().first?.components(separatedBy: "</t>").first
            .map { $0.replacingOccurrences(of: "&amp;", with: "&") }
    }

    /// The heights the sheet gives its rows (`ht=`), by row number; rows without one are absent.
    static func rowHeights(in sheetXML: String) -> [Int: String] {
        var heights: [Int: String] = [:]
        for row in sheetXML.components(separatedBy: "<row ").dropFirst() {
            let tag = String(row.prefix { $0 != ">" })
            guard let number = Fixture.attribute("r", in: " " + tag).flatMap({ Int($0) }) else { continue }
            if let height = Fixture.attribute("ht", in: " " + tag) { heights[number] = height }
        }
        return heights
    }

    @Test(arguments: [ReportLocale.zhCN, .en])
    func theSheetsShowNamesCappedAndRowsStayOneLineHigh(_ locale: ReportLocale) throws {
        let (directory, file) = try write(Self.report(locale: locale))
        defer { try? FileManager.default.removeItem(at: directory) }
        let zh = locale == .zhCN
        let everyone =
            zh ? "华东一部（5832d184…）、华东一部（5b55bcca-d…） 等 12 个"
            : "华东一部 (5832d184…), 华东一部 (5b55bcca-d…) and 10 more"

        // Lines: column Q; row 3 is the line every account sees.
        let lines = try Fixture.member("xl/worksheets/sheet4.xml", of: file)
        #expect(Self.text("Q3", in: lines) == everyone)
        #expect(Self.text("Q2", in: lines) == "销售一组")
        // Findings: column G; row 3 is the finding naming every account.
        let findings = try Fixture.member("xl/worksheets/sheet3.xml", of: file)
        #expect(Self.text("G3", in: findings) == everyone)
        #expect(Self.text("G2", in: findings) == "销售二组")

        // No data row is taller than another: the header may wrap, the rows do not. (Before, the
        // twelve keys of row 3 wrapped to several lines and only that row was tall.)
        for (sheet, xml) in [("lines", lines), ("findings", findings)] {
            let heights = Self.rowHeights(in: xml).filter { $0.key > 1 }
            #expect(heights.isEmpty, "\(sheet): rows with their own height \(heights)")
        }
    }

    @Test func theCSVFilesKeepTheFullKeys() {
        let report = Self.report(locale: .zhCN)
        let lines = String(decoding: ReportPath.csv(.lines, of: report, bom: false), as: UTF8.self)
        let keys = Self.fleet.map(\.key).sortedByScalars().joined(separator: ";")
        #expect(lines.contains(",12," + keys + "\r\n"))
        let findings = String(decoding: ReportPath.csv(.findings, of: report, bom: false), as: UTF8.self)
        #expect(findings.contains("," + keys + ","))
    }

    @Test(
        .enabled(
            if: XlsxFixture.openpyxlAvailable,
            "python3 with openpyxl is not installed (apt-get install python3-openpyxl)"))
    func openpyxlReadsTheSameNames() throws {
        let (directory, file) = try write(Self.report(locale: .zhCN))
        defer { try? FileManager.default.removeItem(at: directory) }
        let python = try #require(XlsxFixture.python)
        let result = try XlsxFixture.run(
            python[0], Array(python.dropFirst()) + [XlsxFixture.checkScript, file.path, "线路!Q3", "问题!G3"])
        try #require(result.status == 0, "check_xlsx.py: \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let cells = try #require(json["cells"] as? [String: [String: Any]])
        let everyone = "华东一部（5832d184…）、华东一部（5b55bcca-d…） 等 12 个"
        #expect(cells["线路!Q3"]?["text"] as? String == everyone)
        #expect(cells["问题!G3"]?["text"] as? String == everyone)
    }
}
