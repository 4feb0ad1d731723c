import Foundation
import XlsxWriter

/// The first sheet: what the run was and how the fleet stands, the data of the two charts, and the
/// charts. Columns A–D hold the figures; the charts sit to their right, from column F.
enum XLSXSummarySheet {
    /// Weeks shown by the expiry chart.
    static let chartWeeks = 12
    /// Columns A–D and the merged value cells (B–D) of the opening rows.
    static let captionWidth = 30.0
    static let valueWidths = [21.0, 12.0, 12.0]
    static let chartColumn = 5
    /// The trend charts sit right of the others: 1.5 × a default chart is about 11.3 default columns.
    static let trendChartColumn = chartColumn + 12

    /// - Parameter trendSheet: the name of the trend sheet, which the trend chart draws from.
    static func write(_ report: Report, into sheet: XLSXSheet, trendSheet: String) throws(XlsxError) {
        let context = sheet.context
        try sheet.sheet.activate()
        sheet.fixWidth(0, captionWidth)
        for (offset, width) in valueWidths.enumerated() { sheet.fixWidth(offset + 1, width) }
        sheet.fixWidth(4, 3)

        var row = 0
        try sheet.sheet.setRow(row, height: 26)
        try sheet.write(.text(context.labels.reportTitle), row: row, column: 0, mark: .title)
        row += 2
        try writeRun(report, into: sheet, row: &row)
        try writeAccounts(report, into: sheet, row: &row)
        try writeFindingsBySeverity(report, into: sheet, row: &row)
        try writeLinesByStatus(report, into: sheet, row: &row)
        try writeCapacityTotals(report, into: sheet, row: &row)
        let weeks = try writeWeekData(report, into: sheet, row: &row)
        row += 1
        let nodes = try writeNodeData(report, into: sheet, row: &row)
        try sheet.applyWidths()

        try insertExpiryChart(sheet, context: context, header: weeks.header, last: weeks.last)
        if !report.trend.rows.isEmpty {
            try insertTrendChart(sheet, context: context, trendSheet: trendSheet, nights: report.trend.rows.count)
        }
        if !report.nodes.isEmpty {
            try insertCapacityChart(
                sheet, context: context, header: nodes.header, last: nodes.last, nodes: report.nodes.count)
        }
    }

    /// The run: as of, zone, how complete, the changes.
    private static func writeRun(_ report: Report, into sheet: XLSXSheet, row: inout Int) throws(XlsxError) {
        let labels = sheet.context.labels
        try sheet.write(.text(labels.asOf), row: row, column: 0, mark: .bold)
        try sheet.write(.dateTime(report.asOf), row: row, column: 1)
        row += 1
        try sheet.write(.text(labels.timeZone), row: row, column: 0, mark: .bold)
        try sheet.write(.text(zoneText(report)), row: row, column: 1)
        row += 1
        let completeness = labels.completenessText(
            AccountTally(report.accounts), interrupted: report.run.interrupted, unreachable: report.run.unreachable)
        try writeSentence(
            sheet, row: row, caption: labels.completeness, text: completeness,
            mark: report.fetchedEveryAccount ? .green : .red)
        row += 1
        let (changesText, changesMark) = changesSentence(report, labels: labels)
        try writeSentence(sheet, row: row, caption: labels.changesCaption, text: changesText, mark: changesMark)
        row += 2
    }

    private static func writeAccounts(_ report: Report, into sheet: XLSXSheet, row: inout Int) throws(XlsxError) {
        let labels = sheet.context.labels
        let tally = AccountTally(report.accounts)
        try sheet.writeHeader([labels.sheets.accounts, labels.count], row: row)
        row += 1
        try sheet.writeRow([.text(labels.accountsTotal), .count(report.accounts.count)], row: row)
        row += 1
        try sheet.writeRow([.text(labels.accountsOK), .count(tally.ok)], row: row)
        row += 1
        try sheet.writeRow(
            [.text(labels.accountsFailed), .count(tally.failed)], row: row, rowMark: tally.failed > 0 ? .red : .none)
        row += 1
        if tally.notFetched > 0 {
            try sheet.writeRow([.text(labels.accountsNotFetched), .count(tally.notFetched)], row: row, rowMark: .orange)
            row += 1
        }
        row += 1
    }

    /// Findings by severity: unsuppressed (as the manifest counts them), suppressed apart.
    private static func writeFindingsBySeverity(
        _ report: Report, into sheet: XLSXSheet, row: inout Int
    ) throws(XlsxError) {
        let labels = sheet.context.labels
        try sheet.writeHeader([labels.findingsBySeverity, labels.count, labels.suppressedCount], row: row)
        row += 1
        for severity in Severity.allCases {
            let suppressed = report.findings.count { $0.severity == severity && $0.suppressed }
            let open = report.findings.count { $0.severity == severity && !$0.suppressed }
            try sheet.writeRow(
                [.text(labels.severity(severity)), .count(open), .count(suppressed)], row: row,
                marks: [0: XLSXMark(severity: severity), 1: open > 0 ? XLSXMark(severity: severity) : .none])
            row += 1
        }
        row += 1
    }

    private static func writeLinesByStatus(_ report: Report, into sheet: XLSXSheet, row: inout Int) throws(XlsxError) {
        let labels = sheet.context.labels
        try sheet.writeHeader([labels.linesByExpiry, labels.count], row: row)
        row += 1
        for status in ExpiryStatus.allCases {
            let count = report.lines.count { $0.expiryStatus == status }
            try sheet.writeRow(
                [.text(labels.expiryStatus(status)), .count(count)], row: row,
                marks: [0: XLSXMark(expiry: status), 1: count > 0 ? XLSXMark(expiry: status) : .none])
            row += 1
        }
        row += 1
    }

    /// Capacity totals, over the nodes (the same sums as capacity_by_node.csv).
    private static func writeCapacityTotals(_ report: Report, into sheet: XLSXSheet, row: inout Int) throws(XlsxError) {
        let labels = sheet.context.labels
        let concurrency = report.nodes.reduce(Int64(0)) { $0 &+ $1.totalConcurrency }
        let residue = report.nodes.reduce(Int64(0)) { $0 &+ $1.totalResidue }
        let inUse = report.nodes.reduce(Int64(0)) { $0 &+ $1.inUse }
        let saturated = report.nodes.reduce(0) { $0 + $1.saturatedLines }
        try sheet.writeHeader([labels.capacityTotals, labels.count], row: row)
        row += 1
        let totals: [(String, XLSXValue, XLSXMark)] = [
            (labels.totalLines, .count(report.lines.count), .none),
            (labels.totalConcurrency, .integer(concurrency), .none),
            (labels.totalResidue, .integer(residue), .none),
            (labels.totalInUse, .integer(inUse), .none),
            (labels.overallUtilization, .percent(Utilization(inUse, over: concurrency)), .none),
            (labels.saturatedLines, .count(saturated), saturated > 0 ? .orange : .none),
        ]
        for (caption, value, mark) in totals {
            try sheet.write(.text(caption), row: row, column: 0)
            try sheet.write(value, row: row, column: 1, mark: mark)
            row += 1
        }
        row += 1
    }

    /// Chart data: lines expiring per week. Week i holds the lines with i*7 ≤ days_to_expiry <
    /// (i+1)*7 that have not expired, so the figures agree with lines.csv. Returns the rows of the
    /// header and of the last week.
    private static func writeWeekData(
        _ report: Report, into sheet: XLSXSheet, row: inout Int
    ) throws(XlsxError) -> (header: Int, last: Int) {
        let labels = sheet.context.labels
        let header = row
        try sheet.writeHeader([labels.chartWeek, labels.chartLines], row: row)
        row += 1
        var weekCounts = Array(repeating: 0, count: chartWeeks)
        for line in report.lines where line.expiryStatus != .expired && line.expiryStatus != .unknown {
            guard let days = line.daysToExpiry, days >= 0, days < Int64(chartWeeks * 7) else { continue }
            weekCounts[Int(days / 7)] += 1
        }
        for (week, count) in weekCounts.enumerated() {
            // The label is text: LibreOffice would draw date categories on a day-by-day date axis.
            try sheet.writeRow([.text(weekLabel(report, week: week)), .count(count)], row: row)
            row += 1
        }
        return (header, row - 1)
    }

    /// Chart data: capacity in use and free per node. Returns the rows of the header and the last node.
    private static func writeNodeData(
        _ report: Report, into sheet: XLSXSheet, row: inout Int
    ) throws(XlsxError) -> (header: Int, last: Int) {
        let labels = sheet.context.labels
        let header = row
        try sheet.writeHeader([labels.column("node"), labels.chartInUse, labels.chartFree], row: row)
        row += 1
        for node in report.nodes {
            try sheet.writeRow(
                [
                    .text(node.node.isEmpty ? labels.unknownNode : node.node), .integer(node.inUse),
                    .integer(node.totalResidue),
                ],
                row: row, marks: node.node.isEmpty ? [0: .grey] : [:])
            row += 1
        }
        return (header, row - 1)
    }

    /// A caption in A and a sentence over B–D, wrapped, the row made tall enough for it.
    private static func writeSentence(
        _ sheet: XLSXSheet, row: Int, caption: String, text: String, mark: XLSXMark
    ) throws(XlsxError) {
        let span = valueWidths.reduce(0, +)
        let lines = max(1, Int((Double(CellText.displayWidth(text)) / (span - 1)).rounded(.up)))
        if lines > 1 { try sheet.sheet.setRow(row, height: 15.5 * Double(lines)) }
        try sheet.write(.text(caption), row: row, column: 0, mark: .bold)
        let (fitted, _) = CellText.fitting(text, marker: sheet.context.cutMarker)
        let format = try sheet.context.format(CellStyle(wrap: true, vertical: .top), mark)
        try sheet.sheet.merge(row: row, firstColumn: 1, lastColumn: valueWidths.count, text: fitted, format: format)
    }

    /// `11-25–12-01`: the days of week `week` (0-based) counted from the as-of day.
    static func weekLabel(_ report: Report, week: Int) -> String {
        func day(_ offset: Int) -> String {
            let date = report.asOf.addingTimeInterval(Double(offset) * 86_400)
            return String(DateText.plain(date, in: report.timeZone).dropFirst(5).prefix(5))
        }
        return day(week * 7) + "–" + day(week * 7 + 6)
    }

    private static func zoneText(_ report: Report) -> String {
        let iso = DateText.iso8601(report.asOf, in: report.timeZone)
        return "\(report.timeZone.identifier) (UTC\(iso.suffix(6)))"
    }

    private static func changesSentence(_ report: Report, labels: Labels) -> (String, XLSXMark) {
        switch report.comparison {
        case .none(let warning):
            let text = [labels.nothingToCompare, warning].compactMap { $0 }.joined(separator: " ")
            return (text, warning == nil ? .none : .yellow)
        case .compared(let previous, let changes):
            var counts: [String] = []
            for kind in ChangeKind.allCases {
                let count = changes.filter { $0.change == kind }.count
                if count > 0 { counts.append("\(labels.changeKind(kind)) \(count)") }
            }
            let head = labels.comparedWith(runDir: previous.name, asOf: previous.asOf, complete: previous.complete)
            let tail = counts.isEmpty ? labels.noChanges : counts.joined(separator: labels.pick("，", ", "))
            return (head + labels.pick("。", ". ") + tail, previous.complete ? .none : .yellow)
        }
    }

    private static func insertExpiryChart(
        _ sheet: XLSXSheet, context: XLSXContext, header: Int, last: Int
    ) throws(XlsxError) {
        let labels = context.labels
        let chart = try context.workbook.addChart(.column)
        try chart.addSeries(
            name: labels.chartLines,
            categories: CellRange(sheet: sheet.name, column: 0, rows: (header + 1)...last),
            values: CellRange(sheet: sheet.name, column: 1, rows: (header + 1)...last),
            color: XLSXStyle.expiringColor, valueLabels: true)
        try chart.setTitle(labels.chartExpiringPerWeek)
        try chart.setAxisNames(categories: labels.chartWeek, values: labels.chartLines)
        try chart.setLegend(.none)
        try sheet.sheet.insertChart(
            chart, row: 2, column: chartColumn, xScale: 1.5, yScale: 1.1, description: labels.chartExpiringPerWeek)
    }

    /// Over the nights of the trend sheet: expired + soon lines and saturated lines, and right
    /// below it the utilization (a share, on an axis of its own: libxlsxwriter 1.1.4 has no
    /// secondary axis, decisions.md).
    private static func insertTrendChart(
        _ sheet: XLSXSheet, context: XLSXContext, trendSheet: String, nights: Int
    ) throws(XlsxError) {
        let labels = context.labels
        let columns = XLSXTableSheets.trendColumns
        func column(_ id: String) -> Int { columns.firstIndex(of: id) ?? 0 }
        let rows = 1...nights
        let chart = try context.workbook.addChart(.line)
        let categories = CellRange(sheet: trendSheet, column: column("as_of"), rows: rows)
        try chart.addSeries(
            name: labels.column("lines_expired_or_soon"), categories: categories,
            values: CellRange(sheet: trendSheet, column: column("lines_expired_or_soon"), rows: rows),
            color: XLSXStyle.expiringColor)
        try chart.addSeries(
            name: labels.column("lines_saturated"), categories: categories,
            values: CellRange(sheet: trendSheet, column: column("lines_saturated"), rows: rows),
            color: XLSXStyle.inUseColor)
        try chart.setTitle(labels.chartTrend)
        try chart.setAxisNames(categories: nil, values: labels.chartLines)
        try chart.setCategoryNumberFormat("mm-dd")
        try chart.setLegend(.bottom)
        try sheet.sheet.insertChart(
            chart, row: 2, column: trendChartColumn, xScale: 1.5, yScale: 1.1, description: labels.chartTrend)

        let share = try context.workbook.addChart(.line)
        try share.addSeries(
            name: labels.chartUtilization, categories: categories,
            values: CellRange(sheet: trendSheet, column: column("utilization"), rows: rows),
            color: XLSXStyle.freeColor)
        try share.setTitle(labels.chartUtilization)
        try share.setValueAxis(numberFormat: "0%", min: 0, max: 1)
        try share.setCategoryNumberFormat("mm-dd")
        try share.setLegend(.none)
        try sheet.sheet.insertChart(
            share, row: 20, column: trendChartColumn, xScale: 1.5, yScale: 1.1, description: labels.chartUtilization)
    }

    private static func insertCapacityChart(
        _ sheet: XLSXSheet, context: XLSXContext, header: Int, last: Int, nodes: Int
    ) throws(XlsxError) {
        let labels = context.labels
        let chart = try context.workbook.addChart(.barStacked)
        let categories = CellRange(sheet: sheet.name, column: 0, rows: (header + 1)...last)
        try chart.addSeries(
            name: labels.chartInUse, categories: categories,
            values: CellRange(sheet: sheet.name, column: 1, rows: (header + 1)...last), color: XLSXStyle.inUseColor)
        try chart.addSeries(
            name: labels.chartFree, categories: categories,
            values: CellRange(sheet: sheet.name, column: 2, rows: (header + 1)...last), color: XLSXStyle.freeColor)
        try chart.setTitle(labels.chartCapacityByNode)
        try chart.setAxisNames(categories: nil, values: labels.column("line_concurrency"))
        try chart.reverseCategories()
        try chart.setLegend(.bottom)
        // Room for every node: about 22 px a bar, at least the default height, at most ~6 times it.
        let yScale = min(6, max(1.1, (Double(nodes) * 22 + 110) / 288))
        try sheet.sheet.insertChart(
            chart, row: 20, column: chartColumn, xScale: 1.5, yScale: yScale, description: labels.chartCapacityByNode)
    }
}
