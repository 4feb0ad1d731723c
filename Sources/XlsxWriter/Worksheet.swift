import CXlsxWriter

/// One sheet of a `Workbook`. Rows and columns are 0-based, as in libxlsxwriter.
///
/// Text is always written as a string cell (`worksheet_write_string`: a shared string, or an inline
/// string in constant-memory mode), never as a formula, whatever it starts with.
public final class Worksheet {
    /// Excel's sheet size.
    public static let rowCount = 1_048_576
    public static let columnCount = 16_384

    public let name: String
    private let workbook: Workbook
    private let pointer: UnsafeMutablePointer<lxw_worksheet>
    /// In constant-memory mode: the row being written (earlier rows are gone to disk).
    private var currentRow = 0
    /// Whether a row or column of this sheet has a format (a cell without one then takes it).
    private var hasRowOrColumnFormat = false

    init(workbook: Workbook, pointer: UnsafeMutablePointer<lxw_worksheet>, name: String) {
        self.workbook = workbook
        self.pointer = pointer
        self.name = name
    }

    public var path: String { workbook.path }

    // MARK: - Cells

    /// A number. NaN and infinities are refused: libxlsxwriter would write them as text into the
    /// XML, and Excel would then refuse the whole file.
    public func write(_ number: Double, row: Int, column: Int, format: Format? = nil) throws(XlsxError) {
        let (r, c, f) = try prepare(row, column, format, "a number")
        guard number.isFinite else {
            throw .refused(
                "\(number) is not a number Excel can store", action: action("writing a number", row, column), path: path
            )
        }
        try check(worksheet_write_number(pointer, r, c, number, valueFormat(f, format)), "writing a number", row, column)
    }

    /// An integer, as Excel stores every figure: a double (exact up to 2^53).
    public func write(_ number: Int64, row: Int, column: Int, format: Format? = nil) throws(XlsxError) {
        try write(Double(number), row: row, column: column, format: format)
    }

    public func write(_ number: Int, row: Int, column: Int, format: Format? = nil) throws(XlsxError) {
        try write(Double(number), row: row, column: column, format: format)
    }

    /// A string cell, whose text reads back exactly as given: a literal `_xHHHH_` is escaped
    /// (`CellText.escapingExcelEscapes`); only a NUL, which XML cannot hold, becomes U+FFFD. A text
    /// longer than a cell holds (`CellText.maxLength`) is refused: cut it first with `CellText.fitting`.
    public func write(_ text: String, row: Int, column: Int, format: Format? = nil) throws(XlsxError) {
        let (r, c, f) = try prepare(row, column, format, "a string")
        guard CellText.fits(text) else {
            throw .refused(
                "a text of \(CellText.storedLength(text)) UTF-16 units is over Excel's cell limit of \(CellText.maxLength)",
                action: action("writing a string", row, column), path: path)
        }
        let stored = CellText.cSafe(CellText.escapingExcelEscapes(text))
        let cellFormat = valueFormat(f, format)
        let result = stored.withCString { worksheet_write_string(pointer, r, c, $0, cellFormat) }
        try check(result, "writing a string", row, column)
    }

    /// A date: a number that shows as a date through `format` (give it a date number format).
    public func write(_ date: ExcelDate, row: Int, column: Int, format: Format) throws(XlsxError) {
        try write(date.serial, row: row, column: column, format: format)
    }

    /// An Excel boolean (TRUE/FALSE in the user's language).
    public func write(_ value: Bool, row: Int, column: Int, format: Format? = nil) throws(XlsxError) {
        let (r, c, f) = try prepare(row, column, format, "a boolean")
        try check(worksheet_write_boolean(pointer, r, c, value ? 1 : 0, valueFormat(f, format)), "writing a boolean", row, column)
    }

    /// An empty cell that still carries a format (libxlsxwriter skips a blank without one).
    public func writeBlank(row: Int, column: Int, format: Format? = nil) throws(XlsxError) {
        let (r, c, f) = try prepare(row, column, format, "a blank")
        try check(worksheet_write_blank(pointer, r, c, f), "writing a blank", row, column)
    }

    /// Merges a range of one row (constant-memory mode cannot merge down rows) and writes `text` in it.
    public func merge(
        row: Int, firstColumn: Int, lastColumn: Int, text: String, format: Format? = nil
    ) throws(XlsxError) {
        let (r, c, f) = try prepare(row, firstColumn, format, "a merged range")
        let what = "merging a range"
        guard lastColumn > firstColumn, lastColumn < Self.columnCount, let last = lxw_col_t(exactly: lastColumn) else {
            throw .refused(
                "column \(lastColumn) is not a valid end for a merge", action: action(what, row, firstColumn),
                path: path)
        }
        guard CellText.fits(text) else {
            throw .refused("the text is over Excel's cell limit", action: action(what, row, firstColumn), path: path)
        }
        let stored = CellText.cSafe(CellText.escapingExcelEscapes(text))
        let result = stored.withCString { worksheet_merge_range(pointer, r, c, r, last, $0, f) }
        try check(result, what, row, firstColumn)
    }

    // MARK: - Layout

    /// Width of columns `first`…`last` in Excel's units (about one digit of the default font), and
    /// their default format.
    public func setColumns(_ first: Int, _ last: Int, width: Double, format: Format? = nil) throws(XlsxError) {
        let what = "setting the width of columns \(Self.columnName(first))…\(Self.columnName(last))"
        let act = "\(what) of '\(name)' in \(path)"
        _ = try workbook.openHandle(for: act)
        guard first >= 0, last >= first, last < Self.columnCount,
            let firstColumn = lxw_col_t(exactly: first), let lastColumn = lxw_col_t(exactly: last)
        else { throw .refused("the columns are outside Excel's sheet", action: act, path: path) }
        let f = try resolve(format, act)
        if f != nil { hasRowOrColumnFormat = true }
        let result = worksheet_set_column(pointer, firstColumn, lastColumn, width, f)
        guard result == LXW_NO_ERROR else { throw .library(result, action: act, path: path) }
    }

    /// Height (points) and default format of one row; in constant-memory mode, before writing it.
    public func setRow(_ row: Int, height: Double, format: Format? = nil) throws(XlsxError) {
        let (r, _, f) = try prepare(row, 0, format, "a row height")
        if f != nil { hasRowOrColumnFormat = true }
        let result = worksheet_set_row(pointer, r, height, f)
        guard result == LXW_NO_ERROR else {
            throw .library(result, action: "setting the height of row \(row + 1) of '\(name)' in \(path)", path: path)
        }
    }

    /// Freezes the rows above `row` and the columns left of `column`.
    public func freezePanes(row: Int, column: Int) throws(XlsxError) {
        let act = "freezing panes at \(Self.cellName(row: row, column: column)) of '\(name)' in \(path)"
        _ = try workbook.openHandle(for: act)
        guard let r = rowIndex(row), let c = columnIndex(column) else {
            throw .refused("the cell is outside Excel's sheet", action: act, path: path)
        }
        worksheet_freeze_panes(pointer, r, c)
    }

    /// An autofilter over a table, header row included. In constant-memory mode set it before
    /// writing rows below its last row (libxlsxwriter refuses it after).
    public func autofilter(firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int) throws(XlsxError) {
        let range = Self.rangeName(
            firstRow: firstRow, firstColumn: firstColumn, lastRow: lastRow, lastColumn: lastColumn)
        let act = "setting the autofilter \(range) of '\(name)' in \(path)"
        _ = try workbook.openHandle(for: act)
        guard let r1 = rowIndex(firstRow), let c1 = columnIndex(firstColumn), let r2 = rowIndex(lastRow),
            let c2 = columnIndex(lastColumn), lastRow >= firstRow, lastColumn >= firstColumn
        else { throw .refused("the range is outside Excel's sheet", action: act, path: path) }
        if workbook.options.constantMemory && lastRow < currentRow {
            throw .refused(
                "in constant-memory mode the range must not end above row \(currentRow + 1), already being written; set it first",
                action: act, path: path)
        }
        let result = worksheet_autofilter(pointer, r1, c1, r2, c2)
        guard result == LXW_NO_ERROR else { throw .library(result, action: act, path: path) }
    }

    /// Places `chart` with its top-left corner on a cell, scaled from its default 480 × 288 pixels.
    public func insertChart(
        _ chart: Chart, row: Int, column: Int, xScale: Double = 1, yScale: Double = 1, description: String? = nil
    ) throws(XlsxError) {
        let act = "placing a chart at \(Self.cellName(row: row, column: column)) of '\(name)' in \(path)"
        _ = try workbook.openHandle(for: act)
        guard let r = rowIndex(row), let c = columnIndex(column) else {
            throw .refused("the cell is outside Excel's sheet", action: act, path: path)
        }
        try chart.claimPlacement(in: workbook, action: act)
        var options = lxw_chart_options()
        options.x_scale = xScale
        options.y_scale = yScale
        let result: lxw_error
        if let description {
            result = CellText.cSafe(description).withCString { text in
                options.description = UnsafeMutablePointer(mutating: text)
                return worksheet_insert_chart_opt(pointer, r, c, chart.pointer, &options)
            }
        } else {
            result = worksheet_insert_chart_opt(pointer, r, c, chart.pointer, &options)
        }
        guard result == LXW_NO_ERROR else { throw .library(result, action: act, path: path) }
    }

    public func setTabColor(_ color: Color) throws(XlsxError) {
        _ = try workbook.openHandle(for: "colouring the tab of '\(name)' in \(path)")
        worksheet_set_tab_color(pointer, color.rgb)
    }

    /// Makes this the sheet shown when the file opens.
    public func activate() throws(XlsxError) {
        _ = try workbook.openHandle(for: "activating '\(name)' in \(path)")
        worksheet_activate(pointer)
    }

    /// Landscape A4 pages, fitted to one page wide when printed (or converted to PDF).
    public func setLandscapeFitToWidth() throws(XlsxError) {
        _ = try workbook.openHandle(for: "setting the page layout of '\(name)' in \(path)")
        worksheet_set_landscape(pointer)
        worksheet_set_paper(pointer, 9)  // A4
        worksheet_fit_to_pages(pointer, 1, 0)
    }

    // MARK: - Names

    /// `A`, `B`, …, `Z`, `AA`, …
    public static func columnName(_ column: Int) -> String {
        guard column >= 0 else { return "?" }
        var n = column + 1
        var letters: [Character] = []
        while n > 0 {
            let remainder = (n - 1) % 26
            letters.append(Character(Unicode.Scalar(UInt8(65 + remainder))))
            n = (n - 1) / 26
        }
        return String(letters.reversed())
    }

    /// `B3` for row 2, column 1.
    public static func cellName(row: Int, column: Int) -> String {
        columnName(column) + (row >= 0 ? String(row + 1) : "?")
    }

    public static func rangeName(firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int) -> String {
        cellName(row: firstRow, column: firstColumn) + ":" + cellName(row: lastRow, column: lastColumn)
    }

    // MARK: - Checks

    private func action(_ what: String, _ row: Int, _ column: Int) -> String {
        "\(what) to '\(name)'!\(Self.cellName(row: row, column: column)) in \(path)"
    }

    private func rowIndex(_ row: Int) -> lxw_row_t? {
        guard row >= 0, row < Self.rowCount else { return nil }
        return lxw_row_t(exactly: row)
    }

    private func columnIndex(_ column: Int) -> lxw_col_t? {
        guard column >= 0, column < Self.columnCount else { return nil }
        return lxw_col_t(exactly: column)
    }

    private func resolve(_ format: Format?, _ action: @autoclosure () -> String) throws(XlsxError)
        -> UnsafeMutablePointer<lxw_format>?
    {
        guard let format else { return nil }
        guard format.owner == ObjectIdentifier(workbook) else {
            throw .refused("the format belongs to another workbook", action: action(), path: path)
        }
        return format.pointer
    }

    /// The C indexes and format of a cell about to be written, after every check the library would
    /// otherwise only report (or print).
    private func prepare(
        _ row: Int, _ column: Int, _ format: Format?, _ what: String
    ) throws(XlsxError) -> (lxw_row_t, lxw_col_t, UnsafeMutablePointer<lxw_format>?) {
        // Built only when something is refused: naming the cell for every write costs more than the write.
        func act() -> String { action("writing \(what)", row, column) }
        _ = try workbook.openHandle(for: act())
        guard let r = rowIndex(row) else {
            throw .refused("row \(row) is outside Excel's sheet", action: act(), path: path)
        }
        guard let c = columnIndex(column) else {
            throw .refused("column \(column) is outside Excel's sheet", action: act(), path: path)
        }
        if workbook.options.constantMemory {
            guard row >= currentRow else {
                throw .refused(
                    "row \(row + 1) comes after row \(currentRow + 1) in constant-memory mode, which writes rows in order",
                    action: act(), path: path)
            }
            currentRow = row
        }
        return (r, c, try resolve(format, act()))
    }

    /// The format a number, string or boolean cell is written with. A format without properties
    /// equals the workbook's default one (index 0), and libxlsxwriter, which caches the index only
    /// of the first of equal formats, then hashes the whole format again for every such cell;
    /// NULL writes the same cell (no `s` attribute), unless a row or column format would then
    /// apply, so the format is kept on a sheet that has one. (Not for blanks or merges: a blank
    /// without a format is not written at all.)
    private func valueFormat(_ resolved: UnsafeMutablePointer<lxw_format>?, _ format: Format?)
        -> UnsafeMutablePointer<lxw_format>?
    {
        guard let format, !hasRowOrColumnFormat, format.style == CellStyle() else { return resolved }
        return nil
    }

    private func check(_ result: lxw_error, _ what: String, _ row: Int, _ column: Int) throws(XlsxError) {
        guard result == LXW_NO_ERROR else { throw .library(result, action: action(what, row, column), path: path) }
    }
}
