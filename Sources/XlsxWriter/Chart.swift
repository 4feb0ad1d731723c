import CXlsxWriter

/// A block of cells on a named sheet, 0-based and inclusive: where a chart series reads its data.
public struct CellRange: Sendable, Equatable {
    public var sheet: String
    public var firstRow: Int
    public var firstColumn: Int
    public var lastRow: Int
    public var lastColumn: Int

    public init(sheet: String, firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int) {
        self.sheet = sheet
        self.firstRow = firstRow
        self.firstColumn = firstColumn
        self.lastRow = lastRow
        self.lastColumn = lastColumn
    }

    /// One column, rows `firstRow`…`lastRow`.
    public init(sheet: String, column: Int, rows: ClosedRange<Int>) {
        self.init(
            sheet: sheet, firstRow: rows.lowerBound, firstColumn: column, lastRow: rows.upperBound, lastColumn: column)
    }

    var isValid: Bool {
        firstRow >= 0 && firstColumn >= 0 && lastRow >= firstRow && lastColumn >= firstColumn
            && lastRow < Worksheet.rowCount && lastColumn < Worksheet.columnCount
    }
}

/// A chart of a workbook. Its series read cells of the workbook's sheets, so the data lives in the
/// file and any reader (Excel, WPS, LibreOffice) draws it from the cells.
public final class Chart {
    public enum Kind: Sendable, CustomStringConvertible {
        case column, columnStacked, bar, barStacked, line, pie

        var cValue: UInt8 {
            let value: lxw_chart_type =
                switch self {
                case .column: LXW_CHART_COLUMN
                case .columnStacked: LXW_CHART_COLUMN_STACKED
                case .bar: LXW_CHART_BAR
                case .barStacked: LXW_CHART_BAR_STACKED
                case .line: LXW_CHART_LINE
                case .pie: LXW_CHART_PIE
                }
            return UInt8(value.rawValue)
        }

        public var description: String {
            switch self {
            case .column: "column"
            case .columnStacked: "stacked column"
            case .bar: "bar"
            case .barStacked: "stacked bar"
            case .line: "line"
            case .pie: "pie"
            }
        }
    }

    public enum LegendPosition: Sendable {
        case none, top, bottom, right
    }

    public let kind: Kind
    let pointer: UnsafeMutablePointer<lxw_chart>
    private let workbook: Workbook
    private var placed = false
    private var seriesCount = 0

    init(workbook: Workbook, pointer: UnsafeMutablePointer<lxw_chart>, kind: Kind) {
        self.workbook = workbook
        self.pointer = pointer
        self.kind = kind
    }

    /// Adds a series: `values` drawn against `categories`, named `name` in the legend.
    public func addSeries(
        name: String?, categories: CellRange, values: CellRange, color: Color? = nil, valueLabels: Bool = false) throws(XlsxError) {
        let act = "adding a series to a \(kind) chart in \(workbook.path)"
        _ = try workbook.openHandle(for: act)
        guard categories.isValid, values.isValid else {
            throw .refused("the series range is outside Excel's sheet", action: act, path: workbook.path)
        }
        guard let series = chart_add_series(pointer, nil, nil) else {
            throw .nullReturn("chart series", action: act, path: workbook.path)
        }
        // The library copies the sheet name and builds the (quoted) range formula itself.
        CellText.cSafe(categories.sheet).withCString { sheet in
            chart_series_set_categories(
                series, sheet, lxw_row_t(categories.firstRow), lxw_col_t(categories.firstColumn),
                lxw_row_t(categories.lastRow), lxw_col_t(categories.lastColumn))
        }
        CellText.cSafe(values.sheet).withCString { sheet in
            chart_series_set_values(
                series, sheet, lxw_row_t(values.firstRow), lxw_col_t(values.firstColumn),
                lxw_row_t(values.lastRow), lxw_col_t(values.lastColumn))
        }
        if let name {
            CellText.cSafe(name).withCString { chart_series_set_name(series, $0) }
        }
        if let color {
            if kind == .line {
                var line = lxw_chart_line()
                line.color = color.rgb
                line.width = 2.25
                chart_series_set_line(series, &line)
            } else {
                var fill = lxw_chart_fill()
                fill.color = color.rgb
                chart_series_set_fill(series, &fill)
            }
        }
        if valueLabels { chart_series_set_labels(series) }
        seriesCount += 1
    }

    public func setTitle(_ title: String) throws(XlsxError) {
        _ = try workbook.openHandle(for: "titling a \(kind) chart in \(workbook.path)")
        CellText.cSafe(title).withCString { chart_title_set_name(pointer, $0) }
    }

    /// libxlsxwriter (like Excel) names axes by direction: in a bar chart the categories run down
    /// the vertical `y_axis` and the values along the horizontal `x_axis`; in the others the
    /// other way round.
    private var isHorizontal: Bool { kind == .bar || kind == .barStacked }
    private var categoryAxis: UnsafeMutablePointer<lxw_chart_axis>? {
        isHorizontal ? pointer.pointee.y_axis : pointer.pointee.x_axis
    }
    private var valueAxis: UnsafeMutablePointer<lxw_chart_axis>? {
        isHorizontal ? pointer.pointee.x_axis : pointer.pointee.y_axis
    }

    /// Names of the category and value axes.
    public func setAxisNames(categories: String?, values: String?) throws(XlsxError) {
        _ = try workbook.openHandle(for: "naming the axes of a \(kind) chart in \(workbook.path)")
        if let categories, let axis = categoryAxis {
            CellText.cSafe(categories).withCString { chart_axis_set_name(axis, $0) }
        }
        if let values, let axis = valueAxis {
            CellText.cSafe(values).withCString { chart_axis_set_name(axis, $0) }
        }
    }

    /// Number format (`0%`) and bounds of the value axis. (libxlsxwriter 1.1.4, Debian's, has no
    /// secondary axis: a share is drawn in a chart of its own.)
    public func setValueAxis(numberFormat: String?, min: Double? = nil, max: Double? = nil) throws(XlsxError) {
        _ = try workbook.openHandle(for: "formatting the value axis of a \(kind) chart in \(workbook.path)")
        guard let axis = valueAxis else { return }
        if let numberFormat { CellText.cSafe(numberFormat).withCString { chart_axis_set_num_format(axis, $0) } }
        if let min { chart_axis_set_min(axis, min) }
        if let max { chart_axis_set_max(axis, max) }
    }

    /// Lists the categories from the top down (a bar chart draws the first one at the bottom),
    /// keeping the value axis at the bottom.
    public func reverseCategories() throws(XlsxError) {
        _ = try workbook.openHandle(for: "ordering the axis of a \(kind) chart in \(workbook.path)")
        if let axis = categoryAxis {
            chart_axis_set_reverse(axis)
            chart_axis_set_crossing_max(axis)
        }
    }

    /// Number format of the category axis labels (`mm-dd` for dates).
    public func setCategoryNumberFormat(_ format: String) throws(XlsxError) {
        _ = try workbook.openHandle(for: "formatting the axis of a \(kind) chart in \(workbook.path)")
        if let axis = categoryAxis {
            CellText.cSafe(format).withCString { chart_axis_set_num_format(axis, $0) }
        }
    }

    public func setLegend(_ position: LegendPosition) throws(XlsxError) {
        _ = try workbook.openHandle(for: "placing the legend of a \(kind) chart in \(workbook.path)")
        let value: lxw_chart_legend_position =
            switch position {
            case .none: LXW_CHART_LEGEND_NONE
            case .top: LXW_CHART_LEGEND_TOP
            case .bottom: LXW_CHART_LEGEND_BOTTOM
            case .right: LXW_CHART_LEGEND_RIGHT
            }
        chart_legend_set_position(pointer, UInt8(value.rawValue))
    }

    /// A chart is drawn on one sheet only, and must have a series (libxlsxwriter would print a
    /// warning and write a chart Excel refuses to open).
    func claimPlacement(in workbook: Workbook, action: String) throws(XlsxError) {
        guard workbook === self.workbook else {
            throw .refused("the chart belongs to another workbook", action: action, path: workbook.path)
        }
        guard !placed else { throw .refused("the chart is already placed", action: action, path: workbook.path) }
        guard seriesCount > 0 else { throw .refused("the chart has no series", action: action, path: workbook.path) }
        placed = true
    }
}
