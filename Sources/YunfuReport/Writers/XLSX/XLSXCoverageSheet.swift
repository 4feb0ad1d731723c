import Foundation
import XlsxWriter

/// Recycle coverage as a matrix, so the eye finds the gaps: one row per account fetched (in account
/// order), one column per status of the universe (`number_status` ascending). A cell is ✓ on green
/// when covered, ✗ on red when the status is required and not covered, and a light – when it is
/// neither required nor covered. A legend sits to the right of the table.
enum XLSXCoverageSheet {
    static let covered = "✓"
    static let missing = "✗"
    static let notRequired = "–"

    static func write(_ report: Report, into sheet: XLSXSheet) throws(XlsxError) {
        let context = sheet.context
        let labels = context.labels

        // `report.coverage` runs in account order, then status: one matrix row per run of rows of
        // one account, read in step with `report.statuses` (no table of all the cells is built).
        // An account fetched but with no row (an empty status universe) still gets its row.
        let accounts = report.accounts.compactMap { $0.ok ? $0.account : nil }
        var rows = report.coverage[...]

        let fixed = ["user_id", "sub_user_id", "label"].map(labels.column)
        let statusTitles = report.statuses.map { status in
            var title = String(status.status)
            if !status.name.isEmpty { title += " " + status.name }
            if status.required { title += labels.pick("（必需）", " (required)") }
            return title
        }
        let columns = fixed.count + statusTitles.count
        try sheet.beginTable(headerRow: 0, rows: accounts.count, columns: columns)
        try sheet.writeHeader(fixed + statusTitles, row: 0)
        let legendColumn = columns + 1
        let legend: [(String, XLSXMark)] = [
            ("\(covered) " + labels.pick("已覆盖：有启用的回收规则", "covered by an enabled rule"), .green),
            ("\(missing) " + labels.pick("必需但未覆盖", "required, not covered"), .red),
            ("\(notRequired) " + labels.pick("非必需，未覆盖", "not required, not covered"), .light),
        ]
        try sheet.write(.text(labels.pick("图例", "Legend")), row: 0, column: legendColumn, mark: .bold)

        var row = 1
        for account in accounts {
            try sheet.writeRow(
                [.text(account.userID), .text(account.subUserID ?? ""), .text(account.label)], row: row)
            while let next = rows.first, next.account.order < account.order { rows.removeFirst() }
            for (index, status) in report.statuses.enumerated() {
                var cell: CoverageRow?
                while let next = rows.first, next.account.order == account.order, next.status < status.status {
                    rows.removeFirst()
                }
                if let next = rows.first, next.account.order == account.order, next.status == status.status {
                    cell = next
                    rows.removeFirst()
                }
                let column = fixed.count + index
                let isCovered = cell?.covered ?? false
                let isRequired = cell?.required ?? status.required
                let (text, mark): (String, XLSXMark) =
                    isCovered ? (covered, .green) : isRequired ? (missing, .red) : (notRequired, .light)
                let format = try context.format(.centered, mark)
                try sheet.sheet.write(text, row: row, column: column, format: format)
            }
            // Rows out of step (none come from the aggregator) are passed over, not misplaced.
            while let next = rows.first, next.account.order == account.order { rows.removeFirst() }
            if row <= legend.count {
                let (text, mark) = legend[row - 1]
                try sheet.write(.text(text), row: row, column: legendColumn, mark: mark)
            }
            row += 1
        }
        // Fewer accounts than legend lines: the legend still goes out, below the table's last row.
        while row <= legend.count {
            let (text, mark) = legend[row - 1]
            try sheet.write(.text(text), row: row, column: legendColumn, mark: mark)
            row += 1
        }
        for index in statusTitles.indices {
            sheet.fixWidth(fixed.count + index, Double(min(max(CellText.displayWidth(statusTitles[index]) + 2, 8), 18)))
        }
        try sheet.applyWidths()
    }
}
