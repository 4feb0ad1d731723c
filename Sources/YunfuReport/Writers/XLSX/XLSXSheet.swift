import Foundation
import Logging
import XlsxWriter

/// One value of a cell as the workbook shows it: text stays text (a string cell, never a formula),
/// figures are numbers, dates are Excel dates.
enum XLSXValue {
    case text(String)
    /// A figure; nil is an unknown value, an empty cell.
    case integer(Int64?)
    case percent(Utilization?)
    /// An instant shown as the wall time in the report time zone; nil is an empty cell.
    case dateTime(Date?)
    /// A calendar day given as an instant at its start in the report time zone.
    case day(Date)
    case blank

    static func count(_ value: Int) -> XLSXValue { .integer(Int64(value)) }
    static func count(_ value: Int?) -> XLSXValue { .integer(value.map(Int64.init)) }
}

/// What every sheet of one workbook shares.
final class XLSXContext {
    let workbook: Workbook
    let labels: Labels
    let timeZone: TimeZone
    let logger: Logger
    /// Marker ending a text cut to fit a cell.
    let cutMarker: String

    init(workbook: Workbook, labels: Labels, timeZone: TimeZone, logger: Logger) {
        self.workbook = workbook
        self.labels = labels
        self.timeZone = timeZone
        self.logger = logger
        self.cutMarker = labels.pick("…[已截断]", "…[cut]")
    }

    func format(_ base: CellStyle, _ mark: XLSXMark) throws(XlsxError) -> Format {
        try workbook.format(mark.applied(to: base))
    }

    /// The styles table cells need, by kind of value.
    enum CellKind: Int, CaseIterable {
        case plain, wrapped, centered, integer, percent, dateTime, day

        var style: CellStyle {
            switch self {
            case .plain: CellStyle()
            case .wrapped: CellStyle(wrap: true, vertical: .top)
            case .centered: CellStyle(horizontal: .center)
            case .integer: CellStyle(numberFormat: XLSXStyle.integerFormat)
            case .percent: CellStyle(numberFormat: XLSXStyle.percentFormat)
            case .dateTime: CellStyle(numberFormat: XLSXStyle.dateTimeFormat)
            case .day: CellStyle(numberFormat: XLSXStyle.dateFormat)
            }
        }
    }

    private struct CellFormatKey: Hashable {
        var kind: CellKind
        var mark: XLSXMark
    }

    private var cellFormats: [CellFormatKey: Format] = [:]

    /// The format of a table cell: the same as `format(kind.style, mark)`, looked up by a small
    /// key (a cell's style would be built and hashed whole for every cell otherwise).
    func format(_ kind: CellKind, _ mark: XLSXMark) throws(XlsxError) -> Format {
        let key = CellFormatKey(kind: kind, mark: mark)
        if let known = cellFormats[key] { return known }
        let made = try format(kind.style, mark)
        cellFormats[key] = made
        return made
    }
}

/// A worksheet being written top to bottom (the workbook is in constant-memory mode, so rows go in
/// order), keeping the width each column needs.
final class XLSXSheet {
    let sheet: Worksheet
    let context: XLSXContext
    /// The widest display width seen per column (CJK counted double).
    private var widths: [Int] = []
    /// Columns whose width is set by hand and not measured.
    private var fixedWidths: [Int: Double] = [:]
    /// Columns holding long text: wrapped at the maximum width.
    private var wrapped: Set<Int> = []

    init(_ name: String, context: XLSXContext) throws(XlsxError) {
        self.sheet = try context.workbook.addWorksheet(name)
        self.context = context
        // Printed (or converted to PDF): landscape, one page wide.
        try sheet.setLandscapeFitToWidth()
    }

    var name: String { sheet.name }
    var labels: Labels { context.labels }

    // MARK: Cells

    func write(_ value: XLSXValue, row: Int, column: Int, mark: XLSXMark = .none) throws(XlsxError) {
        switch value {
        case .text(let text):
            let fitted = fit(text, row: row, column: column)
            let width = CellText.displayWidth(fitted)
            // A byte search: Foundation's `contains` (CFStringFind) cost more than the cell itself.
            let newline = UInt8(ascii: "\n")
            let wraps =
                width > XLSXStyle.maxColumnWidth
                || (fitted.utf8.withContiguousStorageIfAvailable { $0.contains(newline) } ?? fitted.utf8.contains(newline))
            let kind: XLSXContext.CellKind = wraps ? .wrapped : .plain
            if wraps { wrapped.insert(column) }
            if fitted.isEmpty {
                if mark != .none { try sheet.writeBlank(row: row, column: column, format: context.format(kind, mark)) }
            } else {
                try sheet.write(fitted, row: row, column: column, format: context.format(kind, mark))
            }
            measure(column, width)
        case .integer(let number):
            let format = try context.format(.integer, mark)
            guard let number else {
                if mark != .none { try sheet.writeBlank(row: row, column: column, format: format) }
                return
            }
            try sheet.write(number, row: row, column: column, format: format)
            measure(column, Self.integerWidth(number))
        case .percent(let utilization):
            let format = try context.format(.percent, mark)
            guard let utilization else {
                if mark != .none { try sheet.writeBlank(row: row, column: column, format: format) }
                return
            }
            try sheet.write(utilization.value, row: row, column: column, format: format)
            measure(column, 7)
        case .dateTime(let date):
            guard let date else {
                if mark != .none {
                    try sheet.writeBlank(row: row, column: column, format: context.format(.plain, mark))
                }
                return
            }
            if let excel = ExcelDate(date, in: context.timeZone) {
                let format = try context.format(.dateTime, mark)
                try sheet.write(excel, row: row, column: column, format: format)
            } else {
                // Outside what an Excel date can show (before 1900-03-01): the text of lines.csv.
                let text = DateText.plain(date, in: context.timeZone)
                try sheet.write(text, row: row, column: column, format: context.format(CellStyle(), mark))
            }
            measure(column, 19)
        case .day(let date):
            if let excel = ExcelDate(date, in: context.timeZone) {
                let format = try context.format(.day, mark)
                try sheet.write(excel, row: row, column: column, format: format)
            } else {
                let text = String(DateText.plain(date, in: context.timeZone).prefix(10))
                try sheet.write(text, row: row, column: column, format: context.format(CellStyle(), mark))
            }
            measure(column, 10)
        case .blank:
            if mark != .none {
                try sheet.writeBlank(row: row, column: column, format: context.format(.plain, mark))
            }
        }
    }

    /// Writes `values` from column 0, with one mark per cell (missing marks are `.none`).
    func writeRow(_ values: [XLSXValue], row: Int, marks: [Int: XLSXMark] = [:], rowMark: XLSXMark = .none)
        throws(XlsxError)
    {
        // Wrapped text needs a taller row: spreadsheet programs do not grow a row by themselves
        // when the file says nothing, and the lines would run over the rows below.
        let lines = values.reduce(1) { most, value in
            guard case .text(let text) = value else { return most }
            return max(most, Self.wrappedLines(text))
        }
        if lines > 1 {
            try sheet.setRow(row, height: XLSXStyle.lineHeight * Double(min(lines, XLSXStyle.maxRowLines)))
        }
        for (column, value) in values.enumerated() {
            try write(value, row: row, column: column, mark: marks[column] ?? rowMark)
        }
    }

    /// A header row of a table: bold on a dark fill, wrapped.
    func writeHeader(_ titles: [String], row: Int) throws(XlsxError) {
        for (column, title) in titles.enumerated() {
            try write(.text(title), row: row, column: column, mark: .header)
        }
    }

    /// Freezes the rows down to a table's header and puts an autofilter on the table (header row
    /// `headerRow`, then `rows` rows of data, `columns` wide). Call it before writing the table: in
    /// constant-memory mode the range must not end above the row being written.
    func beginTable(headerRow: Int, rows: Int, columns: Int) throws(XlsxError) {
        try sheet.freezePanes(row: headerRow + 1, column: 0)
        try sheet.autofilter(firstRow: headerRow, firstColumn: 0, lastRow: headerRow + rows, lastColumn: columns - 1)
    }

    /// A column with a width given by hand (not measured).
    func fixWidth(_ column: Int, _ width: Double) {
        fixedWidths[column] = width
    }

    /// Sets every column's width to fit its widest cell (capped at `XLSXStyle.maxColumnWidth`; the
    /// longer texts wrap). Call once, after the cells.
    func applyWidths() throws(XlsxError) {
        let measuredColumns = widths.indices.filter { widths[$0] > 0 }
        let columns = Set(measuredColumns).union(fixedWidths.keys).sorted()
        for column in columns {
            if let fixed = fixedWidths[column] {
                try sheet.setColumns(column, column, width: fixed)
                continue
            }
            let measured = column < widths.count ? widths[column] : 0
            // +2: Excel's cell padding and the autofilter button.
            let width = min(max(measured + 2, XLSXStyle.minColumnWidth), XLSXStyle.maxColumnWidth)
            try sheet.setColumns(column, column, width: Double(width))
        }
    }

    // MARK: Helpers

    /// How many lines a text takes in a column of the widest width (its paragraphs, each wrapped).
    static func wrappedLines(_ text: String) -> Int {
        let perLine = XLSXStyle.maxColumnWidth - 2
        // No scalar is wider than its UTF-8 bytes, so one paragraph of at most `perLine` bytes is
        // one line: most cells (ids, names) are settled without splitting or measuring the text.
        let newline = UInt8(ascii: "\n")
        let hasNewline = text.utf8.withContiguousStorageIfAvailable { $0.contains(newline) } ?? text.utf8.contains(newline)
        guard hasNewline || text.utf8.count > max(XLSXStyle.maxColumnWidth / 2, perLine) else { return 1 }
        // One paragraph: no need to split it (splitting walks the text by Character).
        guard hasNewline else { return max(1, (CellText.displayWidth(text) + perLine - 1) / perLine) }
        return text.split(separator: "\n", omittingEmptySubsequences: false).reduce(0) { total, paragraph in
            total + max(1, (CellText.displayWidth(String(paragraph)) + perLine - 1) / perLine)
        }
    }

    private func measure(_ column: Int, _ width: Int) {
        guard column >= 0 else { return }
        if column >= widths.count { widths += Array(repeating: 0, count: column + 1 - widths.count) }
        if width > widths[column] { widths[column] = width }
    }

    /// The text as a cell can hold it: longer than Excel's 32,767 characters, it is cut, marked and
    /// logged (the data is unchanged, so `warnings.csv` is not).
    private func fit(_ text: String, row: Int, column: Int) -> String {
        let (fitted, wasCut) = CellText.fitting(text, marker: context.cutMarker)
        if wasCut {
            context.logger.warning(
                "Text too long for a workbook cell was cut",
                metadata: [
                    "file": "\(context.workbook.path)",
                    "sheet": "\(name)",
                    "cell": "\(Worksheet.cellName(row: row, column: column))",
                    "characters": "\(text.utf16.count)",
                    "limit": "\(CellText.maxLength)",
                ])
        }
        return fitted
    }

    static func integerWidth(_ number: Int64) -> Int {
        // Digits plus thousands separators plus sign.
        let digits = String(number.magnitude).count
        return digits + (digits - 1) / 3 + (number < 0 ? 1 : 0)
    }
}
