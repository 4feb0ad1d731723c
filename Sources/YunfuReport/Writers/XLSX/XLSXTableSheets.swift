import Foundation
import XlsxWriter

/// The table sheets: a header row (frozen, with an autofilter over the whole table), one row per
/// row of the matching CSV file, in the same order, with the same figures.
enum XLSXTableSheets {
    // MARK: Changes

    /// Every run has the sheet: a sentence saying what was compared (or why nothing was), then the
    /// table of `changes.csv`, empty when there is nothing to compare.
    static func writeChanges(_ report: Report, into sheet: XLSXSheet) throws(XlsxError) {
        let context = sheet.context
        let labels = context.labels
        let sentence: String
        var mark = XLSXMark.none
        switch report.comparison {
        case .none(let warning):
            sentence = [labels.nothingToCompare, warning].compactMap { $0 }.joined(separator: " ")
            if warning != nil { mark = .yellow }
        case .compared(let previous, let changes):
            sentence =
                labels.comparedWith(runDir: previous.name, asOf: previous.asOf, complete: previous.complete)
                + (changes.isEmpty ? labels.pick("。", ". ") + labels.noChanges : "")
            if !previous.complete { mark = .yellow }
        }
        // The sentence overflows to the right; it is not measured, so it does not widen column A.
        let format = try context.format(CellStyle(), mark)
        let (fitted, _) = CellText.fitting(sentence, marker: context.cutMarker)
        try sheet.sheet.write(fitted, row: 0, column: 0, format: format)

        let columns = [
            "change", "severity", "check_id", "object_type", "object_id", "object_name", "accounts", "before", "after",
        ]
        let header = 2
        try sheet.beginTable(headerRow: header, rows: report.comparison.changes.count, columns: columns.count)
        try sheet.writeHeader(columns.map(labels.column), row: header)
        var row = header + 1
        for change in report.comparison.changes {
            let severity = Severity(rawValue: change.severity)
            let objectType = ObjectType(rawValue: change.objectType)
            let changeMark: XLSXMark =
                switch change.change {
                case .findingNew: severity.map(XLSXMark.init(severity:)) ?? .none
                case .findingResolved: .green
                case .lineShortened: .orange
                default: .none
                }
            try sheet.writeRow(
                [
                    .text(labels.changeKind(change.change)),
                    .text(severity.map(labels.severity) ?? change.severity),
                    .text(change.checkID),
                    .text(objectType.map(labels.objectType) ?? change.objectType),
                    .text(change.objectID),
                    .text(change.objectName),
                    .text(change.accounts),
                    .text(change.before),
                    .text(change.after),
                ], row: row, marks: [0: changeMark, 1: severity.map(XLSXMark.init(severity:)) ?? .none])
            row += 1
        }
        try sheet.applyWidths()
    }

    // MARK: Findings

    /// Unsuppressed findings first, then the suppressed ones apart, greyed, with their reason; each
    /// group in the contract's order.
    static func writeFindings(_ report: Report, names: XLSXAccountNames, into sheet: XLSXSheet) throws(XlsxError) {
        let context = sheet.context
        let labels = context.labels
        let columns = [
            "severity", "check_name", "check_id", "object_type", "object_id", "object_name", "accounts", "message",
            "suppressed", "suppressed_reason",
        ]
        try sheet.beginTable(headerRow: 0, rows: report.findings.count, columns: columns.count)
        try sheet.writeHeader(columns.map(labels.column), row: 0)
        var row = 1
        // Two passes over the findings rather than a reordered copy of them.
        for suppressedPass in [false, true] {
            for finding in report.findings where finding.suppressed == suppressedPass {
                let severityMark = finding.suppressed ? XLSXMark.grey : XLSXMark(severity: finding.severity)
                try sheet.writeRow(
                    [
                        .text(labels.severity(finding.severity)),
                        .text(labels.check(finding.checkID)),
                        .text(finding.checkID.rawValue),
                        .text(labels.objectType(finding.objectType)),
                        .text(finding.objectID),
                        .text(finding.objectName),
                        .text(names.cell(finding.accounts)),
                        .text(labels.findingSentence(finding, timeZone: report.timeZone)),
                        .text(labels.bool(finding.suppressed)),
                        .text(finding.suppressedBy ?? ""),
                    ], row: row, marks: [0: severityMark], rowMark: finding.suppressed ? .grey : .none)
                row += 1
            }
        }
        try sheet.applyWidths()
    }

    // MARK: Lines

    /// `lines.csv`, with `saturated` beside the figures; expiry cells coloured by status, the
    /// capacity cells of a saturated line marked.
    static func writeLines(_ report: Report, names: XLSXAccountNames, into sheet: XLSXSheet) throws(XlsxError) {
        let context = sheet.context
        let labels = context.labels
        let columns = [
            "line_id", "line_name", "remark", "belong_user", "line_type", "bind_type", "node", "line_concurrency",
            "residue", "in_use", "utilization", "saturated_lines", "available_at", "days_to_expiry", "expiry_status",
            "account_count", "accounts",
        ]
        var titles = columns.map(labels.column)
        titles[11] = labels.pick("满载", "Saturated")
        try sheet.beginTable(headerRow: 0, rows: report.lines.count, columns: columns.count)
        try sheet.writeHeader(titles, row: 0)
        var row = 1
        for line in report.lines {
            let expiry = XLSXMark(expiry: line.expiryStatus)
            let saturated: XLSXMark = line.isSaturated ? .orange : .none
            try sheet.writeRow(
                [
                    .text(line.lineID), .text(line.name), .text(line.remark), .text(line.belongUser),
                    .text(line.lineType), .text(line.bindType), .text(line.node),
                    .integer(line.concurrency), .integer(line.residue), .integer(line.inUse),
                    .percent(line.utilization), .text(labels.bool(line.isSaturated)),
                    .dateTime(line.availableAt), .integer(line.daysToExpiry),
                    .text(labels.expiryStatus(line.expiryStatus)),
                    .count(line.accounts.count), .text(names.cell(line.accounts)),
                ], row: row,
                marks: [
                    8: saturated, 9: saturated, 10: saturated, 11: saturated, 12: expiry, 13: expiry, 14: expiry,
                ])
            row += 1
        }
        try sheet.applyWidths()
    }

    // MARK: Capacity by node

    static func writeCapacity(_ report: Report, into sheet: XLSXSheet) throws(XlsxError) {
        let context = sheet.context
        let labels = context.labels
        let columns = [
            "node", "lines", "total_concurrency", "total_residue", "in_use", "utilization", "saturated_lines",
            "expiring_lines",
        ]
        try sheet.beginTable(headerRow: 0, rows: report.nodes.count, columns: columns.count)
        try sheet.writeHeader(columns.map(labels.column), row: 0)
        var row = 1
        for node in report.nodes {
            try sheet.writeRow(
                [
                    .text(node.node.isEmpty ? labels.unknownNode : node.node), .count(node.lines),
                    .integer(node.totalConcurrency), .integer(node.totalResidue), .integer(node.inUse),
                    .percent(node.utilization), .count(node.saturatedLines), .count(node.expiringLines),
                ], row: row,
                marks: [
                    0: node.node.isEmpty ? .grey : .none, 6: node.saturatedLines > 0 ? .orange : .none,
                    7: node.expiringLines > 0 ? .red : .none,
                ])
            row += 1
        }
        try sheet.applyWidths()
    }

    // MARK: Script groups

    /// The script-group table written as its rows come (the job streams them while the accounts
    /// come in): the header and the frozen pane first, the autofilter and the widths at the end.
    final class ScriptGroupTable {
        static let columns = [
            "user_id", "sub_user_id", "label", "group_id", "group_name", "asr_engine", "tts_engine", "llm", "is_active",
            "debug", "speed", "volume",
        ]
        let sheet: XLSXSheet
        private var row = 1

        init(_ sheet: XLSXSheet) throws(XlsxError) {
            self.sheet = sheet
            try sheet.sheet.freezePanes(row: 1, column: 0)
            try sheet.writeHeader(Self.columns.map(sheet.labels.column), row: 0)
        }

        func append(_ groups: some Sequence<ScriptGroupRow>) throws(XlsxError) {
            let labels = sheet.labels
            func engine(_ name: String) -> XLSXValue {
                .text(name.isBlank ? labels.unsetEngine : name)
            }
            func unset(_ name: String) -> XLSXMark { name.isBlank ? .grey : .none }
            for group in groups {
                try sheet.writeRow(
                    [
                        .text(group.account.userID), .text(group.account.subUserID ?? ""), .text(group.account.label),
                        .integer(group.groupID), .text(group.name), engine(group.asr), engine(group.tts), engine(group.llm),
                        .text(labels.bool(group.isActive)), .text(group.debug.map(labels.bool) ?? ""),
                        .integer(group.speed), .integer(group.volume),
                    ], row: row,
                    marks: [
                        5: unset(group.asr), 6: unset(group.tts), 7: unset(group.llm),
                        9: group.debug == true && group.isActive ? .yellow : .none,
                    ])
                row += 1
            }
        }

        /// The autofilter over the rows written (allowed at the end: the range ends on the last
        /// row, the one being written), then the widths.
        func end() throws(XlsxError) {
            try sheet.sheet.autofilter(firstRow: 0, firstColumn: 0, lastRow: row - 1, lastColumn: Self.columns.count - 1)
            try sheet.applyWidths()
        }
    }

    // MARK: Engines

    static func writeEngines(_ report: Report, into sheet: XLSXSheet) throws(XlsxError) {
        let context = sheet.context
        let labels = context.labels
        let columns = ["kind", "engine", "script_groups", "active_script_groups", "account_count"]
        try sheet.beginTable(headerRow: 0, rows: report.engines.count, columns: columns.count)
        try sheet.writeHeader(columns.map(labels.column), row: 0)
        var row = 1
        for engine in report.engines {
            try sheet.writeRow(
                [
                    .text(labels.engineKind(engine.kind)),
                    .text(engine.engine.isEmpty ? labels.unsetEngine : engine.engine),
                    .count(engine.scriptGroups), .count(engine.activeScriptGroups), .count(engine.accounts),
                ], row: row, marks: [1: engine.engine.isEmpty ? .grey : .none])
            row += 1
        }
        try sheet.applyWidths()
    }

    // MARK: Accounts

    static func writeAccounts(_ report: Report, into sheet: XLSXSheet) throws(XlsxError) {
        let context = sheet.context
        let labels = context.labels
        let columns = [
            "user_id", "sub_user_id", "label", "fetch_status", "error", "attempts", "lines", "total_concurrency",
            "total_residue", "script_groups", "active_script_groups", "recycle_rules", "enabled_recycle_rules",
            "max_recycle_limit", "warnings",
        ]
        try sheet.beginTable(headerRow: 0, rows: report.accounts.count, columns: columns.count)
        try sheet.writeHeader(columns.map(labels.column), row: 0)
        var row = 1
        for account in report.accounts {
            try sheet.writeRow(
                [
                    .text(account.account.userID), .text(account.account.subUserID ?? ""), .text(account.account.label),
                    .text(labels.fetchStatus(ok: account.ok)), .text(account.error ?? ""), .count(account.attempts),
                    .count(account.lines), .integer(account.totalConcurrency), .integer(account.totalResidue),
                    .count(account.scriptGroups), .count(account.activeScriptGroups), .count(account.recycleRules),
                    .count(account.enabledRecycleRules), .integer(account.maxRecycleLimit), .count(account.warnings),
                ], row: row,
                marks: [
                    3: account.ok ? .none : .red, 4: account.ok ? .none : .red,
                    6: account.lines == 0 ? .orange : .none,
                    12: account.enabledRecycleRules == 0 ? .yellow : .none,
                    14: account.warnings > 0 ? .yellow : .none,
                ])
            row += 1
        }
        try sheet.applyWidths()
    }

    // MARK: Warnings

    /// The columns of the trend sheet: `trend.csv`'s, with expired + soon beside them (what the
    /// summary's trend chart draws).
    static let trendColumns = [
        "as_of", "complete", "accounts", "accounts_failed", "lines", "lines_expired", "lines_soon",
        "lines_expired_or_soon", "lines_upcoming", "lines_saturated", "total_concurrency", "total_in_use",
        "utilization", "findings_critical", "findings_high", "findings_medium", "findings_low", "findings_info",
    ]

    /// `trend.csv` for people: a night a row, the as-of a real date, the share a percentage.
    static func writeTrend(_ report: Report, into sheet: XLSXSheet) throws(XlsxError) {
        let labels = sheet.context.labels
        let rows = report.trend.rows
        try sheet.beginTable(headerRow: 0, rows: rows.count, columns: trendColumns.count)
        try sheet.writeHeader(trendColumns.map(labels.column), row: 0)
        var row = 1
        for night in rows {
            let share = night.utilization.flatMap { Utilization(Int64((($0) * 10_000).rounded()), over: 10_000) }
            try sheet.writeRow(
                [
                    .day(night.asOfDate), .text(night.complete ? labels.yes : labels.no), .count(night.accounts),
                    .count(night.accountsFailed), .count(night.lines), .count(night.linesExpired),
                    .count(night.linesSoon), .count(night.linesExpired + night.linesSoon), .count(night.linesUpcoming),
                    .count(night.linesSaturated), .integer(night.totalConcurrency), .integer(night.totalInUse),
                    .percent(share),
                ] + Severity.allCases.map { .count(night.findings[$0] ?? 0) },
                row: row, marks: night.complete ? [:] : [1: .yellow])
            row += 1
        }
        try sheet.applyWidths()
    }

    static func writeWarnings(_ report: Report, into sheet: XLSXSheet) throws(XlsxError) {
        let context = sheet.context
        let labels = context.labels
        let columns = ["user_id", "sub_user_id", "path", "value", "problem"]
        try sheet.beginTable(headerRow: 0, rows: report.warnings.count, columns: columns.count)
        try sheet.writeHeader(columns.map(labels.column), row: 0)
        var row = 1
        for warning in report.warnings {
            try sheet.writeRow(
                [
                    .text(warning.account.userID), .text(warning.account.subUserID ?? ""), .text(warning.warning.path),
                    .text(warning.warning.value), .text(warning.warning.problem),
                ], row: row)
            row += 1
        }
        try sheet.applyWidths()
    }
}
