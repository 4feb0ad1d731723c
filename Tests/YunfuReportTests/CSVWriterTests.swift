import Foundation
import Testing

@testable import YunfuReport

@Suite("CSV form")
struct CSVWriterTests {
    private func encode(_ fields: [CSVField], bom: Bool = false) -> String {
        var csv = CSVEncoder(header: ["a"], bom: bom)
        csv.appendRow(fields)
        return String(decoding: csv.bytes, as: UTF8.self)
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("line\nbreak", "\"line\nbreak\""),
        ("cr\rhere", "\"cr\rhere\""),
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "\"'\rx\""),
        ("=1,2", "\"'=1,2\""),
        ("中文|emoji😀", "中文|emoji😀"),
        ("", ""),
    ])
    func textFieldsAreQuotedAndGuarded(text: String, expected: String) {
        #expect(encode([.text(text)]) == "a\r\n" + expected + "\r\n")
    }

    @Test func numbersAreNeverAltered() {
        #expect(encode([.number("-3"), .int(Int64(-7)), .empty, .bool(true), .bool(nil)]) == "a\r\n-3,-7,,true,\r\n")
    }

    @Test func byteOrderMarkIsOptional() {
        var with = CSVEncoder(header: ["x"], bom: true)
        with.appendRow([.text("1")])
        #expect(Array(with.bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let without = CSVEncoder(header: ["x"], bom: false)
        #expect(without.bytes.first == UInt8(ascii: "x"))
    }

    @Test(arguments: [
        (Int64(3), Int64(4), "0.75"), (1, 3, "0.3333"), (2, 3, "0.6667"), (1, 1, "1"), (0, 5, "0"),
        (-1, 2, "-0.5"), (1, 20_000, "0.0001"), (1, 20_001, "0"), (99_999, 100_000, "1"), (5, 4, "1.25"),
        (Int64.max, Int64.max, "1"), (Int64.min + 1, Int64.max, "-1"),
    ])
    func utilizationHasAtMostFourDecimals(n: Int64, d: Int64, expected: String) {
        #expect(ReportCSV.formatFraction(n, over: d) == expected)
    }

    @Test func everyTableHasTheContractHeader() {
        let report = Plain.build([])
        for table in ReportCSV.Table.allCases {
            let text = String(decoding: ReportPath.csv(table, of: report, bom: false), as: UTF8.self)
            #expect(text == table.header.joined(separator: ",") + "\r\n")
        }
        #expect(ReportCSV.Table.lines.header.count == 16)
        #expect(ReportCSV.Table.accounts.header.count == 15)
    }

    @Test func linesRowMatchesTheContract() throws {
        let a = Plain.account("u1", order: 0)
        let b = Plain.account("u1", "s;1", order: 1)
        let at = Plain.asOf.addingTimeInterval(3 * 86_400 + 3600)
        let report = Plain.build([
            Plain.ok(a, Plain.snapshot(lines: [
                LineRecord(lineID: "L-1", name: "=bad", remark: "a,b", belongUser: "o", lineType: "外部线路",
                           bindType: "IP", node: "fs-node1", concurrency: 4, residue: 1, availableAt: at)
            ])),
            Plain.ok(b, Plain.snapshot(lines: [LineRecord(lineID: "L-1")])),
        ])
        let text = String(decoding: ReportPath.csv(.lines, of: report, bom: false), as: UTF8.self)
        let row = try #require(text.components(separatedBy: "\r\n").dropFirst().first)
        #expect(row == "L-1,'=bad,\"a,b\",o,外部线路,IP,fs-node1,4,1,3,0.75,2026-11-28 01:00:00,3,soon,2,u1;u1/s%3B1")
    }

    @Test func datesAreWrittenInTheReportTimeZone() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(DateText.plain(Plain.asOf, in: utc) == "2026-11-24 16:00:00")
        #expect(DateText.plain(Plain.asOf, in: Plain.shanghai) == "2026-11-25 00:00:00")
        #expect(DateText.iso8601(Plain.asOf, in: Plain.shanghai) == "2026-11-25T00:00:00+08:00")
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        #expect(DateText.iso8601(Plain.asOf, in: newYork) == "2026-11-24T11:00:00-05:00")
    }
}
