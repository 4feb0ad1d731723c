import Foundation
import Testing
import XlsxWriter

/// The Swift wrapper around libxlsxwriter: errors instead of crashes, with the library's code and
/// text and what was being done.
@Suite("XlsxWriter module")
struct XlsxWriterModuleTests {
    @Test func refusesAMissingDirectoryBeforeWritingAnything() throws {
        let path = "/nonexistent-\(UUID().uuidString)/x.xlsx"
        let error = try #require(throws: XlsxError.self) { _ = try Workbook(path: path) }
        #expect(error.description.contains("does not exist"))
        #expect(error.description.contains(path))
        #expect(error.libraryCode == nil)
    }

    @Test func failedCloseKeepsTheLibraryCodeTextAndFile() throws {
        let directory = try XlsxFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("gone.xlsx").path
        let workbook = try Workbook(path: path)
        let sheet = try workbook.addWorksheet("Sheet")
        try sheet.write("x", row: 0, column: 0)
        // The directory disappears between start and close: libxlsxwriter cannot create the file.
        try FileManager.default.removeItem(at: directory)
        let error = try #require(throws: XlsxError.self) { try workbook.close() }
        #expect(error.libraryCode == 2)  // LXW_ERROR_CREATING_XLSX_FILE
        #expect(error.libraryMessage?.isEmpty == false)
        #expect(error.description.hasPrefix("libxlsxwriter error 2 ("))
        #expect(error.description.hasSuffix("while closing \(path)"))
        #expect(workbook.isClosed)
        // A second close is refused, not a use after free.
        let again = try #require(throws: XlsxError.self) { try workbook.close() }
        #expect(again.description.contains("already closed"))
    }

    @Test(arguments: ["bad/name", "[x]", String(repeating: "长", count: 32), "'quoted'"])
    func refusesInvalidSheetNamesWithTheLibraryCode(_ name: String) throws {
        let directory = try XlsxFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let workbook = try Workbook(path: directory.appendingPathComponent("x.xlsx").path)
        let error = try #require(throws: XlsxError.self) { _ = try workbook.addWorksheet(name) }
        #expect(error.libraryCode != nil)
        #expect(error.description.contains("adding sheet '\(name)'"))
    }

    @Test func refusesADuplicateSheetName() throws {
        let directory = try XlsxFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let workbook = try Workbook(path: directory.appendingPathComponent("x.xlsx").path)
        _ = try workbook.addWorksheet("摘要")
        let error = try #require(throws: XlsxError.self) { _ = try workbook.addWorksheet("摘要") }
        #expect(error.libraryCode != nil)
    }

    @Test func refusesCellsOutsideTheSheetAndRowsOutOfOrderInConstantMemory() throws {
        let directory = try XlsxFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let workbook = try Workbook(
            path: directory.appendingPathComponent("x.xlsx").path, options: .init(constantMemory: true))
        let sheet = try workbook.addWorksheet("S")
        #expect(throws: XlsxError.self) { try sheet.write(1.0, row: -1, column: 0) }
        #expect(throws: XlsxError.self) { try sheet.write(1.0, row: 0, column: Worksheet.columnCount) }
        #expect(throws: XlsxError.self) { try sheet.write(Double.nan, row: 0, column: 0) }
        try sheet.write(1.0, row: 5, column: 0)
        let error = try #require(throws: XlsxError.self) { try sheet.write(1.0, row: 4, column: 0) }
        #expect(error.description.contains("'S'!A5"))
        try workbook.close()
    }

    @Test func refusesTextOverTheCellLimitAndReplacesNUL() throws {
        let directory = try XlsxFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("x.xlsx")
        let workbook = try Workbook(path: file.path)
        let sheet = try workbook.addWorksheet("S")
        // 20,000 emoji: 20,000 scalars (libxlsxwriter would take it) but 40,000 UTF-16 units (Excel would not).
        let error = try #require(throws: XlsxError.self) {
            try sheet.write(String(repeating: "😀", count: 20_000), row: 0, column: 0)
        }
        #expect(error.description.contains("'S'!A1"))
        try sheet.write("a\u{0}b", row: 1, column: 0)
        try workbook.close()
        let shared = try XlsxFixture.member("xl/sharedStrings.xml", of: file)
        #expect(shared.contains("a\u{FFFD}b"))
    }

    @Test func cutsTextBetweenScalarsAndMarksIt() {
        let (text, wasCut) = CellText.fitting(String(repeating: "😀", count: 20_000), marker: "…[cut]")
        #expect(wasCut)
        #expect(text.utf16.count <= CellText.maxLength)
        #expect(text.hasSuffix("…[cut]"))
        #expect(text.unicodeScalars.dropLast(6).allSatisfy { $0 == "😀" })
        let short = CellText.fitting("短", marker: "…[cut]")
        #expect(short.text == "短" && !short.wasCut)
    }

    @Test func literalExcelEscapesAreEscapedSoTheyReadBackAsWritten() {
        #expect(CellText.escapingExcelEscapes("a_x0041_b") == "a_x005F_x0041_b")
        #expect(CellText.escapingExcelEscapes("_x00zz_ _x12_ x0041_") == "_x00zz_ _x12_ x0041_")
        #expect(CellText.escapingExcelEscapes("_x0041_x0042_") == "_x005F_x0041_x0042_")
        #expect(CellText.escapingExcelEscapes("长_xABcd_") == "长_x005F_xABcd_")
        // 5,000 of them: 35,000 characters, 65,000 once escaped; cut to what the cell holds escaped.
        let (fitted, wasCut) = CellText.fitting(String(repeating: "_x0041_", count: 5_000), marker: "…[cut]")
        #expect(wasCut)
        #expect(CellText.storedLength(fitted) <= CellText.maxLength)
        #expect(CellText.storedLength(fitted) > CellText.maxLength - 20)
    }

    @Test func countsCJKAndEmojiAsDoubleWidth() {
        #expect(CellText.displayWidth("abc") == 3)
        #expect(CellText.displayWidth("华东运营") == 8)
        #expect(CellText.displayWidth("ok 😀") == 5)
        #expect(CellText.displayWidth("long line\n短") == 9)
    }

    @Test func excelDatesAreWallTimeSerials() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        // 2026-11-25 00:00:00 +08:00 is serial 46351 (days since 1899-12-30).
        #expect(ExcelDate(Date(timeIntervalSince1970: 1_795_536_000), in: zone)?.serial == 46_351)
        // 12:00 is half a day.
        #expect(ExcelDate(Date(timeIntervalSince1970: 1_795_536_000 + 43_200), in: zone)?.serial == 46_351.5)
        // Before 1900-03-01 an Excel date cannot show it.
        #expect(ExcelDate(Date(timeIntervalSince1970: -2_300_000_000), in: zone) == nil)
    }

    @Test func columnNames() {
        #expect(Worksheet.columnName(0) == "A")
        #expect(Worksheet.columnName(25) == "Z")
        #expect(Worksheet.columnName(26) == "AA")
        #expect(Worksheet.cellName(row: 2, column: 1) == "B3")
    }
}
