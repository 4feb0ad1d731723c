import Foundation

/// The run's CSV files, exactly as `report-contract.md` ("CSV form", "Columns") and
/// `changes-and-suppressions.md` (`changes.csv`) define them.
enum ReportCSV {
    enum Table: String, CaseIterable, Sendable {
        case accounts, lines
        case capacityByNode = "capacity_by_node"
        case scriptGroups = "script_groups"
        case engines
        case recycleCoverage = "recycle_coverage"
        case findings, warnings, changes, trend

        var fileName: String { rawValue + ".csv" }

        /// The tables written from the complete report: every one but `script_groups`, whose rows
        /// are written while the accounts come in.
        enum OfReport: CaseIterable, Sendable {
            case accounts, lines, capacityByNode, engines, recycleCoverage, findings, warnings, changes, trend

            var table: Table {
                switch self {
                case .accounts: .accounts
                case .lines: .lines
                case .capacityByNode: .capacityByNode
                case .engines: .engines
                case .recycleCoverage: .recycleCoverage
                case .findings: .findings
                case .warnings: .warnings
                case .changes: .changes
                case .trend: .trend
                }
            }
        }

        /// The table as written from the report; nil for `script_groups`.
        var ofReport: OfReport? { OfReport.allCases.first { $0.table == self } }

        var header: [String] {
            switch self {
            case .accounts:
                ["user_id", "sub_user_id", "label", "fetch_status", "error", "attempts", "lines", "total_concurrency",
                 "total_residue", "script_groups", "active_script_groups", "recycle_rules", "enabled_recycle_rules",
                 "max_recycle_limit", "warnings"]
            case .lines:
                ["line_id", "line_name", "remark", "belong_user", "line_type", "bind_type", "node", "line_concurrency",
                 "residue", "in_use", "utilization", "available_at", "days_to_expiry", "expiry_status", "account_count",
                 "accounts"]
            case .capacityByNode:
                ["node", "lines", "total_concurrency", "total_residue", "in_use", "utilization", "saturated_lines",
                 "expiring_lines"]
            case .scriptGroups:
                ["user_id", "sub_user_id", "group_id", "group_name", "asr_engine", "tts_engine", "llm", "is_active",
                 "debug", "speed", "volume"]
            case .engines:
                ["kind", "engine", "script_groups", "active_script_groups", "accounts"]
            case .recycleCoverage:
                ["user_id", "sub_user_id", "number_status", "status_name", "required", "covered", "rule_ids",
                 "redial_after_minutes"]
            case .findings:
                ["severity", "check_id", "object_type", "object_id", "object_name", "accounts", "message", "suppressed"]
            case .warnings:
                ["user_id", "sub_user_id", "path", "value", "problem"]
            case .changes:
                ["change", "check_id", "severity", "object_type", "object_id", "object_name", "accounts", "before",
                 "after"]
            case .trend:
                ["as_of", "complete", "accounts", "accounts_failed", "lines", "lines_expired", "lines_soon",
                 "lines_upcoming", "lines_saturated", "total_concurrency", "total_in_use", "utilization",
                 "findings_critical", "findings_high", "findings_medium", "findings_low", "findings_info"]
            }
        }
    }

    /// About how many bytes are handed on at a time when a table is streamed to its file.
    static let chunkSize = 256 * 1024

    /// The file of a table of the report in chunks of about `chunkSize` bytes (whole rows), each
    /// handed to `emit` as soon as it is full, so that a table of any size is never whole in memory.
    /// `script_groups.csv` is not among them: its rows are never in the report, they are written
    /// while the accounts come in (`ScriptGroupWriter`, with `fields(of:)` for each row).
    static func encode<Failure: Error>(
        _ table: Table.OfReport, of report: Report, bom: Bool, chunkSize: Int = chunkSize,
        emit: ([UInt8]) throws(Failure) -> Void
    ) throws(Failure) {
        var csv = CSVEncoder(header: table.table.header, bom: bom)
        for fields in rows(table, of: report) {
            csv.appendRow(fields)
            if csv.byteCount >= chunkSize { try emit(csv.takeBytes()) }
        }
        let rest = csv.takeBytes()
        if !rest.isEmpty { try emit(rest) }
    }

    /// The rows of a table, made one at a time as they are written.
    private static func rows(_ table: Table.OfReport, of report: Report) -> AnySequence<[CSVField]> {
        let zone = report.timeZone
        switch table {
        case .accounts: return AnySequence(report.accounts.lazy.map(fields(of:)))
        case .lines: return AnySequence(report.lines.lazy.map { fields(of: $0, in: zone) })
        case .capacityByNode: return AnySequence(report.nodes.lazy.map(fields(of:)))
        case .engines: return AnySequence(report.engines.lazy.map(fields(of:)))
        case .recycleCoverage: return AnySequence(report.coverage.lazy.map(fields(of:)))
        case .findings: return AnySequence(report.findings.lazy.map(fields(of:)))
        case .warnings: return AnySequence(report.warnings.lazy.map(fields(of:)))
        case .changes: return AnySequence(report.comparison.changes.lazy.map(fields(of:)))
        case .trend: return AnySequence(report.trend.rows.lazy.map(fields(of:)))
        }
    }

    static func fields(of row: AccountRow) -> [CSVField] {
        [
            .text(row.account.userID), .text(row.account.subUserID ?? ""), .text(row.account.label),
            .text(row.ok ? "ok" : "failed"), .text(row.error ?? ""), .int(row.attempts),
            .int(row.lines), .int(row.totalConcurrency), .int(row.totalResidue), .int(row.scriptGroups),
            .int(row.activeScriptGroups), .int(row.recycleRules), .int(row.enabledRecycleRules),
            .int(row.maxRecycleLimit), .int(row.warnings),
        ]
    }

    static func fields(of line: LineRow, in zone: TimeZone) -> [CSVField] {
        let keys = line.accountKeys
        return [
            .text(line.lineID), .text(line.name), .text(line.remark), .text(line.belongUser),
            .text(line.lineType), .text(line.bindType), .text(line.node), .int(line.concurrency),
            .int(line.residue), .int(line.inUse), utilization(line.utilization),
            line.availableAt.map { .text(DateText.plain($0, in: zone)) } ?? .empty,
            .int(line.daysToExpiry), .text(line.expiryStatus.rawValue), .int(keys.count), .list(keys),
        ]
    }

    static func fields(of node: NodeRow) -> [CSVField] {
        [
            .text(node.node), .int(node.lines), .int(node.totalConcurrency), .int(node.totalResidue),
            .int(node.inUse), utilization(node.utilization), .int(node.saturatedLines), .int(node.expiringLines),
        ]
    }

    static func fields(of engine: EngineRow) -> [CSVField] {
        [
            .text(engine.kind.rawValue), .text(engine.engine), .int(engine.scriptGroups),
            .int(engine.activeScriptGroups), .int(engine.accounts),
        ]
    }

    static func fields(of row: CoverageRow) -> [CSVField] {
        [
            .text(row.account.userID), .text(row.account.subUserID ?? ""), .int(row.status),
            .text(row.statusName), .bool(row.required), .bool(row.covered),
            .list(row.ruleIDs.map(String.init)), .int(row.redialAfterMinutes),
        ]
    }

    static func fields(of finding: Finding) -> [CSVField] {
        [
            .text(finding.severity.rawValue), .text(finding.checkID.rawValue),
            .text(finding.objectType.rawValue), .text(finding.objectID), .text(finding.objectName),
            .list(finding.accountKeys), .text(finding.fullMessage), .bool(finding.suppressed),
        ]
    }

    static func fields(of row: WarningRow) -> [CSVField] {
        [
            .text(row.account.userID), .text(row.account.subUserID ?? ""), .text(row.warning.path),
            .text(row.warning.value), .text(row.warning.problem),
        ]
    }

    static func fields(of change: ChangeRow) -> [CSVField] {
        [
            .text(change.change.rawValue), .text(change.checkID), .text(change.severity),
            .text(change.objectType), .text(change.objectID), .text(change.objectName),
            .text(change.accounts), .text(change.before), .text(change.after),
        ]
    }

    static func fields(of row: TrendRow) -> [CSVField] {
        [
            .text(row.asOf), .bool(row.complete), .int(row.accounts), .int(row.accountsFailed),
            .int(row.lines), .int(row.linesExpired), .int(row.linesSoon), .int(row.linesUpcoming),
            .int(row.linesSaturated), .int(row.totalConcurrency), .int(row.totalInUse),
            row.utilization.map { .number(formatDecimal($0)) } ?? .empty,
        ] + Severity.allCases.map { .int(row.findings[$0] ?? 0) }
    }

    /// One row of `script_groups.csv`.
    static func fields(of group: ScriptGroupRow) -> [CSVField] {
        [
            .text(group.account.userID), .text(group.account.subUserID ?? ""), .int(group.groupID),
            .text(group.name), .text(group.asr), .text(group.tts), .text(group.llm), .bool(group.isActive),
            .bool(group.debug), .int(group.speed), .int(group.volume),
        ]
    }

    static func utilization(_ value: Utilization?) -> CSVField {
        guard let value else { return .empty }
        return .number(formatFraction(value.numerator, over: value.denominator))
    }

    /// A share read back from a manifest, with at most 4 decimals, trailing zeros dropped, as
    /// `formatFraction` writes it.
    static func formatDecimal(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        let scaled = (value * 10_000).rounded(.toNearestOrAwayFromZero)
        guard abs(scaled) < 9e15 else { return String(value) }
        return formatFraction(Int64(scaled), over: 10_000)
    }

    /// `n / d` (d > 0) with at most 4 decimals, rounded half away from zero, trailing zeros
    /// dropped: `0.75`, `0.3333`, `1`, `-0.5`.
    static func formatFraction(_ n: Int64, over d: Int64) -> String {
        let negative = n < 0
        let magnitude = n.magnitude
        let denominator = d.magnitude
        let whole = magnitude / denominator
        let remainder = magnitude % denominator
        // remainder < denominator ≤ 2^63, so remainder × 10 000 fits in 128 bits; use multipliedFullWidth.
        let scaled = remainder.multipliedFullWidth(by: 10_000)
        var (fraction, rest) = denominator.dividingFullWidth((scaled.high, scaled.low))
        // Round half away from zero: compare 2 × rest with the denominator without overflow.
        if rest >= denominator - rest { fraction += 1 }
        rest = 0
        var integerPart = whole
        if fraction == 10_000 {
            integerPart += 1
            fraction = 0
        }
        var text = String(integerPart)
        if fraction > 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 4 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return negative && text != "0" ? "-" + text : text
    }
}

/// The rows of an `accounts.csv` this tool wrote, column → value, read with the strict reader
/// (the benchmark checks the failures of an unreachable platform's run with it).
package func accountRows(ofAccountsCSV bytes: [UInt8]) throws -> [[String: String]] {
    try CSVReader.parseTable(bytes, expectedHeader: ReportCSV.Table.accounts.header)
}
